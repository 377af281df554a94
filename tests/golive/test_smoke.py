"""`oncall smoke`: the go-live page, against a real HTTP server on 127.0.0.1.

The server (pytest-httpserver) stands in for PagerDuty's Events API v2 endpoint; the bodies and
answers follow PagerDuty's reference (PagerDuty/api-schema, reference/events-v2/openapiv3.json).
The integration key must never appear in anything the command prints.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pytest_httpserver import HTTPServer

from oncall.cli import smoke as smoke_command
from oncall.config.errors import ConfigError
from oncall.golive import events_api, smoke
from tests.support import PROJECT

ROOT = Path(__file__).resolve().parents[2]
KEY = "R0UT1NGKEY0123456789abcdef012345"  # 32 characters, like a real integration key
DEDUP = "pantheon-oncall-smoke/guide-live/test"
ACCEPTED = {"status": "success", "message": "Event processed", "dedup_key": DEDUP}
GUIDE_SUMMARY = (
    "TEST from pantheon-oncall: go-live check of example (live), "
    "https://www.example.com/; nothing is wrong with the site"
)
TRIGGER = {
    "routing_key": KEY,
    "event_action": "trigger",
    "dedup_key": DEDUP,
    "client": "pantheon-oncall smoke",
    "payload": {
        "summary": GUIDE_SUMMARY,
        "source": "https://www.example.com/",
        "severity": "info",
        "component": "pantheon-oncall",
        "group": "example",
        "class": "go-live check",
        "custom_details": {
            "stack": "guide-live",
            "site": "example",
            "env": "live",
            "url": "https://www.example.com/",
            "check": "a test page sent by `oncall smoke`",
            "resolves": "after 60 s",
        },
    },
}
RESOLVE = {"routing_key": KEY, "event_action": "resolve", "dedup_key": DEDUP}


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--project-dir", type=Path, default=PROJECT)
    smoke_command.arguments(parser)
    return parser.parse_args(argv)


class Run:
    """One in-process run: exit status, what it printed, the waits it asked for."""

    def __init__(self, capsys: pytest.CaptureFixture[str], *argv: str, interrupt: bool = False):
        self.sleeps: list[float] = []

        def sleep(seconds: float) -> None:
            self.sleeps.append(seconds)
            if interrupt and seconds == 60:
                raise KeyboardInterrupt

        self.status = smoke.run(parse(*argv), sleep=sleep, new_dedup_key=lambda _: DEDUP)
        captured = capsys.readouterr()
        self.out, self.err = captured.out, captured.err
        assert KEY not in self.out + self.err
        assert "Traceback" not in self.err


@pytest.fixture
def url(httpserver: HTTPServer) -> str:
    return httpserver.url_for("/v2/enqueue")


def sent(httpserver: HTTPServer) -> list[dict]:
    return [json.loads(request.get_data()) for request, _ in httpserver.log]


def test_trigger_then_resolve_send_the_exact_events_and_print_what_to_look_for(
    httpserver: HTTPServer, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_ordered_request("/v2/enqueue", method="POST", json=TRIGGER).respond_with_json(
        ACCEPTED, status=202
    )
    httpserver.expect_ordered_request("/v2/enqueue", method="POST", json=RESOLVE).respond_with_json(
        ACCEPTED, status=202
    )
    run = Run(capsys, "guide-live", "--integration-key", KEY, "--events-url", url)
    httpserver.check_assertions()
    assert run.status == 0
    assert sent(httpserver) == [TRIGGER, RESOLVE]
    assert run.sleeps == [60.0]
    assert f"dedup key: {DEDUP}" in run.out
    assert "on the service 'New Relic'" in run.out
    assert "whoever is on call in the schedule 'Default'" in run.out
    assert "the channel #example-alerts" in run.out
    assert run.out.rstrip().endswith(f"Resolved: {DEDUP}")


def test_severity_critical_and_resolve_after_are_sent_as_asked(
    httpserver: HTTPServer, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/v2/enqueue").respond_with_json(ACCEPTED, status=202)
    args = ("guide-live", "--integration-key", KEY, "--events-url", url)
    run = Run(capsys, *args, "--severity", "critical", "--resolve-after", "5")
    trigger, resolve = sent(httpserver)
    assert trigger["payload"]["severity"] == "critical"
    assert trigger["payload"]["custom_details"]["resolves"] == "after 5 s"
    assert resolve == RESOLVE
    assert run.sleeps == [5.0]


def test_no_resolve_leaves_the_incident_open(
    httpserver: HTTPServer, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/v2/enqueue").respond_with_json(ACCEPTED, status=202)
    run = Run(capsys, "guide-live", "--integration-key", KEY, "--events-url", url, "--no-resolve")
    assert run.status == 0
    assert [event["event_action"] for event in sent(httpserver)] == ["trigger"]
    assert run.sleeps == []


def test_ctrl_c_while_waiting_resolves_before_exiting(
    httpserver: HTTPServer, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/v2/enqueue").respond_with_json(ACCEPTED, status=202)
    run = Run(capsys, "guide-live", "--integration-key", KEY, "--events-url", url, interrupt=True)
    assert run.status == smoke.EXIT_INTERRUPTED
    assert sent(httpserver) == [TRIGGER, RESOLVE]


def test_429_is_retried_with_backoff_then_succeeds(
    httpserver: HTTPServer, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_ordered_request("/v2/enqueue").respond_with_data("", status=429)
    httpserver.expect_ordered_request("/v2/enqueue").respond_with_json(ACCEPTED, status=202)
    httpserver.expect_ordered_request("/v2/enqueue").respond_with_json(ACCEPTED, status=202)
    run = Run(capsys, "guide-live", "--integration-key", KEY, "--events-url", url)
    assert run.status == 0
    assert sent(httpserver) == [TRIGGER, TRIGGER, RESOLVE]
    assert run.sleeps == [1.0, 60.0]
    assert "429" in run.out


def test_a_retry_after_header_lengthens_the_wait(
    httpserver: HTTPServer, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_ordered_request("/v2/enqueue").respond_with_data(
        "", status=429, headers={"Retry-After": "7"}
    )
    httpserver.expect_request("/v2/enqueue").respond_with_json(ACCEPTED, status=202)
    run = Run(capsys, "guide-live", "--integration-key", KEY, "--events-url", url, "--no-resolve")
    assert run.status == 0
    assert run.sleeps == [7.0]


def test_500_on_every_try_gives_up_after_the_bound(
    httpserver: HTTPServer, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/v2/enqueue").respond_with_json(
        {"status": "error", "message": "oops"}, status=500
    )
    run = Run(capsys, "guide-live", "--integration-key", KEY, "--events-url", url)
    assert run.status == 1
    assert sent(httpserver) == [TRIGGER] * events_api.MAX_TRIES
    assert run.sleeps == [1.0, 2.0, 4.0, 8.0]
    assert f"the trigger was not sent after {events_api.MAX_TRIES} tries" in run.err
    assert "500" in run.err


def test_400_prints_pagerdutys_message_and_does_not_retry(
    httpserver: HTTPServer, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/v2/enqueue").respond_with_json(
        {
            "status": "invalid event",
            "message": "Event object is invalid",
            "errors": ["'payload.summary' is too long"],
        },
        status=400,
    )
    run = Run(capsys, "guide-live", "--integration-key", KEY, "--events-url", url)
    assert run.status == 1
    assert len(httpserver.log) == 1
    assert run.err.strip() == (
        "error: PagerDuty refused the trigger (400): "
        "Event object is invalid; 'payload.summary' is too long"
    )


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (
            400,
            {
                "status": "invalid event",
                "message": "Event object is invalid",
                "errors": ["Length of 'routing_key' is incorrect (should be 32 characters)"],
            },
        ),
        # An unknown key of the right form: "400, Bad Request, Invalid routing key"
        # (seen in robusta-dev/robusta#571).
        (400, {"status": "invalid event", "message": "Invalid routing key"}),
        (401, {"status": "unauthorized", "message": "Unauthorized"}),
        (403, {"status": "forbidden", "message": f"key {KEY} is not allowed"}),
    ],
)
def test_a_refused_key_says_the_key_is_wrong_without_printing_it(
    httpserver: HTTPServer, url: str, capsys: pytest.CaptureFixture[str], status: int, body: dict
) -> None:
    httpserver.expect_request("/v2/enqueue").respond_with_json(body, status=status)
    run = Run(capsys, "guide-live", "--integration-key", KEY, "--events-url", url)
    assert run.status == 1
    assert "the integration key is wrong" in run.err
    assert len(httpserver.log) == 1


def test_a_network_failure_says_so_after_the_bounded_tries(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v2/enqueue"
    run = Run(capsys, "guide-live", "--integration-key", KEY, "--events-url", url)
    assert run.status == 1
    assert f"could not reach {url}" in run.err
    assert len(run.sleeps) == events_api.MAX_TRIES - 1


def test_dry_run_prints_the_exact_events_with_the_key_redacted_and_sends_nothing(
    httpserver: HTTPServer, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run = Run(capsys, "guide-live", "--integration-key", KEY, "--events-url", url, "--dry-run")
    assert run.status == 0
    assert httpserver.log == []
    redacted = {"routing_key": smoke.REDACTED}
    assert json.dumps({**TRIGGER, **redacted}, indent=2) in run.out
    assert json.dumps({**RESOLVE, **redacted}, indent=2) in run.out
    assert f"POST to {url}" in run.out


def test_the_key_comes_from_the_environment(
    httpserver: HTTPServer,
    url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(events_api.KEY_ENV, KEY)
    monkeypatch.setenv(events_api.URL_ENV, url)
    httpserver.expect_request("/v2/enqueue").respond_with_json(ACCEPTED, status=202)
    run = Run(capsys, "guide-live")
    assert run.status == 0
    assert sent(httpserver) == [TRIGGER, RESOLVE]


def test_plain_http_is_refused_except_to_this_machine(capsys: pytest.CaptureFixture[str]) -> None:
    url = "http://events.pagerduty.com/v2/enqueue"
    run = Run(capsys, "guide-live", "--integration-key", KEY, "--events-url", url)
    assert run.status == 1
    assert "expected an https:// URL" in run.err


def test_a_team_stack_has_nothing_to_page(capsys: pytest.CaptureFixture[str]) -> None:
    run = Run(capsys, "team-agency", "--integration-key", KEY, "--dry-run")
    assert run.status == 1
    assert "team-agency is a team stack" in run.err


def test_an_unknown_stack_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="no such stack file"):
        smoke.run(parse("nope", "--dry-run"))


def test_every_run_gets_a_new_dedup_key() -> None:
    keys = {smoke.unique_dedup_key("guide-live") for _ in range(3)}
    assert len(keys) == 3
    assert all(key.startswith("pantheon-oncall-smoke/guide-live/") for key in keys)


# --- the real command, as a user runs it ------------------------------------------------------


@pytest.fixture
def fake_pulumi(tmp_path: Path) -> Path:
    """A `pulumi` on PATH that answers `stack output --json --show-secrets` like the CLI does
    for a deployed site stack, and records its arguments."""
    script = tmp_path / "pulumi"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$@" > {tmp_path}/pulumi-args\n'
        f"echo '{json.dumps({'integrationKey': KEY, 'serviceId': 'PSVC123'})}'\n"
    )
    script.chmod(0o755)
    return tmp_path


def test_cli_reads_the_key_from_pulumi_stack_output_and_never_prints_it(
    httpserver: HTTPServer, url: str, fake_pulumi: Path
) -> None:
    httpserver.expect_request("/v2/enqueue").respond_with_json(ACCEPTED, status=202)
    env = {**os.environ, "PATH": f"{fake_pulumi}{os.pathsep}{os.environ['PATH']}"}
    env.pop(events_api.KEY_ENV, None)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "oncall",
            "--project-dir",
            str(PROJECT),
            "smoke",
            "guide-live",
            "--events-url",
            url,
            "--resolve-after",
            "0",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert KEY not in result.stdout + result.stderr
    assert (fake_pulumi / "pulumi-args").read_text().split() == [
        "stack",
        "output",
        "--json",
        "--show-secrets",
        "--stack",
        "guide-live",
    ]
    trigger, resolve = sent(httpserver)
    assert trigger["routing_key"] == resolve["routing_key"] == KEY
    assert re.fullmatch(r"pantheon-oncall-smoke/guide-live/[0-9a-f-]{36}", trigger["dedup_key"])
    assert resolve["dedup_key"] == trigger["dedup_key"]


def test_ctrl_c_during_the_trigger_retries_still_resolves(
    httpserver: HTTPServer, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # The first try may have reached PagerDuty although it answered 503: resolve to be safe.
    httpserver.expect_ordered_request("/v2/enqueue").respond_with_data("", status=503)
    httpserver.expect_ordered_request("/v2/enqueue").respond_with_json(ACCEPTED, status=202)

    def interrupted(seconds: float) -> None:
        raise KeyboardInterrupt

    args = parse("guide-live", "--integration-key", KEY, "--events-url", url)
    status = smoke.run(args, sleep=interrupted, new_dedup_key=lambda _: DEDUP)
    assert status == smoke.EXIT_INTERRUPTED
    assert sent(httpserver) == [TRIGGER, RESOLVE]
    assert KEY not in "".join(capsys.readouterr())


def test_a_failed_resolve_says_the_incident_is_still_open(
    httpserver: HTTPServer, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_ordered_request("/v2/enqueue").respond_with_json(ACCEPTED, status=202)
    httpserver.expect_ordered_request("/v2/enqueue").respond_with_json(
        {"status": "invalid event", "message": "Event object is invalid"}, status=400
    )
    run = Run(capsys, "guide-live", "--integration-key", KEY, "--events-url", url)
    assert run.status == 1
    assert "PagerDuty refused the resolve (400): Event object is invalid" in run.err
    assert f"still open: resolve it in PagerDuty (dedup key {DEDUP})" in run.err


def test_an_eu_stack_pages_the_eu_endpoint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    shutil.copytree(PROJECT / "stacks", tmp_path / "stacks")
    stack_file = tmp_path / "stacks" / "Pulumi.guide-live.yaml"
    doc = yaml.safe_load(stack_file.read_text())
    doc["config"]["pagerduty:serviceRegion"] = "eu"
    stack_file.write_text(yaml.safe_dump(doc))
    run = Run(capsys, "--project-dir", str(tmp_path), "guide-live", "--dry-run")
    assert run.status == 0
    assert f"POST to {events_api.EU_EVENTS_URL}:" in run.out


@pytest.mark.parametrize(
    ("script", "message"),
    [
        (
            "echo \"error: no stack named 'guide-live' found\" >&2; exit 255",
            "`pulumi stack output --stack guide-live` failed (exit 255): "
            "error: no stack named 'guide-live' found",
        ),
        ("echo '{}'", "stack guide-live has no integrationKey output: run `pulumi up` first"),
        ("echo 'not json'", "`pulumi stack output --json` did not print JSON"),
    ],
)
def test_a_stack_output_without_a_key_says_what_to_do(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    script: str,
    message: str,
) -> None:
    pulumi = tmp_path / "pulumi"
    pulumi.write_text(f"#!/bin/sh\n{script}\n")
    pulumi.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv(events_api.KEY_ENV, raising=False)
    run = Run(capsys, "guide-live")
    assert run.status == 1
    assert message in run.err


def test_without_the_pulumi_cli_it_asks_for_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv(events_api.KEY_ENV, raising=False)
    run = Run(capsys, "guide-live")
    assert run.status == 1
    assert "the pulumi CLI is not on PATH: pass --integration-key or set" in run.err


@pytest.mark.parametrize(("status", "headers"), [(404, {}), (302, {"Location": "/somewhere-else"})])
def test_a_wrong_events_url_says_so_and_a_redirect_is_not_followed(
    httpserver: HTTPServer,
    url: str,
    capsys: pytest.CaptureFixture[str],
    status: int,
    headers: dict[str, str],
) -> None:
    httpserver.expect_request("/v2/enqueue").respond_with_data("", status=status, headers=headers)
    httpserver.expect_request("/somewhere-else").respond_with_json(ACCEPTED, status=202)
    run = Run(capsys, "guide-live", "--integration-key", KEY, "--events-url", url)
    assert run.status == 1
    assert f"error: the events URL answered {status}: is it right?" in run.err
    assert len(httpserver.log) == 1


# --- hostile or mistaken input: one message, exit 1, nothing sent, the key never shown ---------


@pytest.mark.parametrize(
    ("events_url", "message"),
    [
        ("", "--events-url: expected an https:// URL such as"),
        ("not a url", "(got 'not a url')"),
        ("https://events.example.com:99999/", "Port out of range"),
        ("https://events.example.com:abc/", "Port could not be cast to integer"),
        ("https://[::1/v2/enqueue", "Invalid IPv6 URL"),
        ("https://exa\x1bmple.com/", "(got 'https://exa\\x1bmple.com/')"),
        ("https://exa mple.com/", "(got 'https://exa mple.com/')"),
        (f"ftp://{KEY}/", "(got 'ftp://[redacted]"),
    ],
)
def test_an_events_url_that_is_not_one_is_refused_before_anything_is_sent(
    capsys: pytest.CaptureFixture[str], events_url: str, message: str
) -> None:
    run = Run(capsys, "guide-live", "--integration-key", KEY, "--events-url", events_url)
    assert run.status == 1
    assert run.err.count("error: ") == 1
    assert message in run.err
    assert "\x1b" not in run.err
    assert run.sleeps == []


def test_a_bad_events_url_from_the_environment_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(events_api.URL_ENV, "events.pagerduty.com")
    run = Run(capsys, "guide-live", "--integration-key", KEY, "--dry-run")
    assert run.status == 1
    assert f"error: ${events_api.URL_ENV}: expected an https:// URL" in run.err


@pytest.mark.parametrize(
    ("option", "env", "message"),
    [
        ("", None, "--integration-key is empty (an unset variable?)"),
        (f" {KEY} ", None, "--integration-key: the key has whitespace or control characters"),
        (f"{KEY}\n", None, "--integration-key: the key has whitespace"),
        (f"{KEY[:16]} {KEY[16:]}", None, "--integration-key: the key has whitespace"),
        (
            None,
            f"{KEY}\x07",
            f"${events_api.KEY_ENV}: the key has whitespace or control characters",
        ),
    ],
)
def test_a_key_that_is_empty_or_has_whitespace_is_refused_without_showing_it(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    option: str | None,
    env: str | None,
    message: str,
) -> None:
    monkeypatch.delenv(events_api.KEY_ENV, raising=False)
    if env is not None:
        monkeypatch.setenv(events_api.KEY_ENV, env)
    key = () if option is None else ("--integration-key", option)
    run = Run(capsys, "guide-live", *key, "--dry-run")
    assert run.status == 1
    assert message in run.err
    assert KEY[:16] not in run.err
    assert KEY[16:] not in run.err


@pytest.mark.parametrize(
    "body",
    [
        "<html><body>Please log in to the proxy</body></html>",
        "",
        '["not", "an", "object"]',
        "{not json",
    ],
)
@pytest.mark.parametrize("status", [200, 202])
def test_a_success_that_is_not_the_events_apis_json_is_not_reported_as_sent(
    httpserver: HTTPServer, url: str, capsys: pytest.CaptureFixture[str], body: str, status: int
) -> None:
    httpserver.expect_request("/v2/enqueue").respond_with_data(body, status=status)
    run = Run(capsys, "guide-live", "--integration-key", KEY, "--events-url", url)
    assert run.status == 1
    assert f"the events URL answered the trigger with {status} but not with the Events API" in (
        run.err
    )
    assert "Triggered" not in run.out
    assert len(httpserver.log) == 1


def test_a_server_that_never_answers_times_out_and_gives_up_after_the_bounded_tries(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from oncall.golive import events_api

    monkeypatch.setattr(events_api, "REQUEST_TIMEOUT_SECONDS", 0.05)
    with socket.socket() as silent:  # accepts connections (the backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/v2/enqueue"
        run = Run(capsys, "guide-live", "--integration-key", KEY, "--events-url", url)
    assert run.status == 1
    assert (
        f"the trigger was not sent after {events_api.MAX_TRIES} tries: could not reach {url}"
        in (run.err)
    )
    assert "timed out" in run.err


def test_a_stack_output_key_with_whitespace_is_refused_without_showing_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pulumi = tmp_path / "pulumi"
    pulumi.write_text(f"#!/bin/sh\necho '{json.dumps({'integrationKey': KEY + ' '})}'\n")
    pulumi.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv(events_api.KEY_ENV, raising=False)
    run = Run(capsys, "guide-live", "--events-url", "https://events.example.com/")
    assert run.status == 1
    assert "the stack output integrationKey: the key has whitespace" in run.err
