"""`smoke` keeps the key off the command line (a file or stdin, or the environment), and an
answer cut short (IncompleteRead) or not HTTP at all (BadStatusLine) is retried, then one message:
when it is the resolve that fails, the still-open incident's dedup key is printed."""

from __future__ import annotations

import argparse
import io
import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from oncall.cli import smoke as smoke_command
from oncall.golive import events_api
from tests.golive.test_smoke import ACCEPTED, DEDUP, KEY, RESOLVE, TRIGGER, Run, parse, sent

GOOD = (
    b"HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
    b"Connection: close\r\n\r\n%s"
)
BODY = b'{"status": "success", "message": "Event processed", "dedup_key": "x"}'
CUT = b'HTTP/1.1 202 Accepted\r\nContent-Length: 500\r\nConnection: close\r\n\r\n{"status"'
NOT_HTTP = b"\x16\x03\x01 this is not an HTTP answer\r\n\r\n"


def _read_request(conn: socket.socket) -> None:
    """The whole request, headers and body: closing with a part unread would reset the
    connection, and the client would see a reset instead of the answer under test."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lengths = re.findall(rb"(?im)^content-length:\s*(\d+)", head)
    missing = int(lengths[0]) - len(body) if lengths else 0
    while missing > 0:
        chunk = conn.recv(missing)
        if not chunk:
            return
        missing -= len(chunk)


def serve(answers: list[bytes]) -> Iterator[str]:
    """A server answering each connection with the next of `answers` (the last one repeats)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(10)

    def loop() -> None:
        for index in range(events_api.MAX_TRIES * 2 + 1):
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                _read_request(conn)
                conn.sendall(answers[min(index, len(answers) - 1)])

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/v2/enqueue"
    # shutdown() wakes the waiting accept() at once; close() alone does not.
    listener.shutdown(socket.SHUT_RDWR)
    listener.close()
    thread.join(timeout=10)


@pytest.mark.parametrize(("answer", "name"), [(CUT, "IncompleteRead"), (NOT_HTTP, "BadStatusLine")])
def test_a_broken_answer_to_the_resolve_prints_the_open_incidents_dedup_key(
    capsys: pytest.CaptureFixture[str], answer: bytes, name: str
) -> None:
    for url in serve([GOOD % (len(BODY), BODY), answer]):
        run = Run(capsys, "guide-live", "--integration-key", KEY, "--events-url", url)

    assert run.status == 1
    assert f"answered with a broken response ({name})" in run.err
    assert f"the resolve was not sent after {events_api.MAX_TRIES} tries" in run.err
    assert f"still open: resolve it in PagerDuty (dedup key {DEDUP})" in run.err
    assert len(run.sleeps) == 1 + events_api.MAX_TRIES - 1  # the wait, then the resolve's retries


def test_a_broken_answer_once_is_retried_and_the_run_succeeds(
    capsys: pytest.CaptureFixture[str],
) -> None:
    good = GOOD % (len(BODY), BODY)
    for url in serve([CUT, good, good]):
        run = Run(capsys, "guide-live", "--integration-key", KEY, "--events-url", url)

    assert run.status == 0, run.err
    assert "Resolved: " in run.out


def test_the_key_from_a_file_is_sent_and_never_printed(
    tmp_path: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_ordered_request("/v2/enqueue", json=TRIGGER).respond_with_json(ACCEPTED, 202)
    httpserver.expect_ordered_request("/v2/enqueue", json=RESOLVE).respond_with_json(ACCEPTED, 202)
    key_file = tmp_path / "key"
    key_file.write_text(KEY + "\n")
    url = httpserver.url_for("/v2/enqueue")

    run = Run(capsys, "guide-live", "--integration-key-file", str(key_file), "--events-url", url)

    assert run.status == 0, run.err
    assert sent(httpserver) == [TRIGGER, RESOLVE]


def test_the_key_from_stdin(
    monkeypatch: pytest.MonkeyPatch, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/v2/enqueue").respond_with_json(ACCEPTED, 202)
    monkeypatch.setattr("sys.stdin", io.StringIO(KEY + "\n"))
    url = httpserver.url_for("/v2/enqueue")

    run = Run(capsys, "guide-live", "--integration-key-file", "-", "--events-url", url)

    assert run.status == 0, run.err
    assert [event["routing_key"] for event in sent(httpserver)] == [KEY, KEY]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read it (No such file or directory)"),
        ("\n", "it is empty; expected the key"),
        (f"{KEY} {KEY}", "--integration-key-file: the key has whitespace or control characters"),
    ],
)
def test_a_key_file_that_is_missing_empty_or_not_one_key_is_one_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, message: str
) -> None:
    key_file = tmp_path / "key"
    if content is not None:
        key_file.write_text(content)

    run = Run(capsys, "guide-live", "--integration-key-file", str(key_file), "--dry-run")

    assert run.status == 1
    assert message in run.err
    assert run.err.count("error: ") == 1


def test_help_says_how_to_keep_the_key_off_the_command_line() -> None:
    parser = argparse.ArgumentParser()
    smoke_command.arguments(parser)
    text = " ".join(parser.format_help().split())
    assert "--integration-key-file PATH" in text
    assert "it stays off the command line" in text
    assert "visible to every user of the machine (ps, shell history)" in text
    assert "$PAGERDUTY_INTEGRATION_KEY" in text


def test_the_key_options_exclude_each_other() -> None:
    with pytest.raises(SystemExit):
        parse("guide-live", "--integration-key", KEY, "--integration-key-file", "-")
