"""The lane's TLS proxy: a routed host's requests reach its double over real TLS with the Host
header kept; every other host is refused and recorded."""

from __future__ import annotations

import http.server
import json
import ssl
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from e2e.doubles.proxy import TlsProxy


class _Echo(http.server.BaseHTTPRequestHandler):
    """A dummy double: answers every request with what it received."""

    protocol_version = "HTTP/1.1"

    def _echo(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        data = json.dumps(
            {"method": self.command, "path": self.path, "host": self.headers["Host"], "body": body}
        ).encode()
        self.send_response(201 if self.command == "POST" else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = _echo

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def backend() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def proxy(backend: str) -> Iterator[TlsProxy]:
    with TlsProxy({"app.pagerduty.com": backend, "slack.com": backend}) as p:
        yield p


def _opener(proxy: TlsProxy) -> urllib.request.OpenerDirector:
    context = ssl.create_default_context(cafile=str(proxy.ca_file))
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({"https": proxy.url}),
        urllib.request.HTTPSHandler(context=context),
    )


def test_routed_host_reaches_its_double_with_host_header_and_body(proxy: TlsProxy) -> None:
    opener = _opener(proxy)
    request = urllib.request.Request(
        "https://slack.com/api/conversations.create?x=1", data=b"name=alerts", method="POST"
    )
    with opener.open(request, timeout=10) as answer:
        assert answer.status == 201
        echoed = json.load(answer)
    assert echoed == {
        "method": "POST",
        "path": "/api/conversations.create?x=1",
        "host": "slack.com",
        "body": "name=alerts",
    }
    with opener.open("https://app.pagerduty.com/integration-slack/workspaces", timeout=10) as a:
        assert json.load(a)["host"] == "app.pagerduty.com"
    assert proxy.requests == [
        {"host": "slack.com", "method": "POST", "path": "/api/conversations.create?x=1",
         "status": 201},
        {"host": "app.pagerduty.com", "method": "GET", "path": "/integration-slack/workspaces",
         "status": 200},
    ]  # fmt: skip
    assert proxy.refused == []


def test_certificate_is_not_trusted_without_the_lane_ca(proxy: TlsProxy) -> None:
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({"https": proxy.url}),
        urllib.request.HTTPSHandler(context=ssl.create_default_context()),
    )
    with pytest.raises(urllib.error.URLError, match="CERTIFICATE_VERIFY_FAILED"):
        opener.open("https://slack.com/api/auth.test", timeout=10)


def test_other_host_is_refused_and_recorded(proxy: TlsProxy) -> None:
    with pytest.raises(urllib.error.URLError, match="403"):
        _opener(proxy).open("https://api.github.com/", timeout=10)
    assert proxy.refused == [{"target": "api.github.com:443", "method": "CONNECT"}]
    assert proxy.requests == []


def test_plain_http_proxy_request_is_refused(proxy: TlsProxy) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": proxy.url}))
    with pytest.raises(urllib.error.HTTPError) as refused:
        opener.open("http://slack.com/api/auth.test", timeout=10)
    assert refused.value.code == 403
    assert proxy.refused == [{"target": "http://slack.com/api/auth.test", "method": "GET"}]


def test_route_must_be_a_local_plain_http_double() -> None:
    with pytest.raises(ValueError, match=r"route slack\.com: 'https://slack\.com' is not"):
        TlsProxy({"slack.com": "https://slack.com"})


def test_front_serves_one_host_over_tls_on_loopback(backend: str) -> None:
    with TlsProxy({"api.pagerduty.com": backend}, fronts=("api.pagerduty.com",)) as proxy:
        url = proxy.front_url("api.pagerduty.com")
        assert url.startswith("https://127.0.0.1:")
        context = ssl.create_default_context(cafile=str(proxy.ca_file))
        with urllib.request.urlopen(f"{url}/users?limit=1", context=context, timeout=10) as a:
            echoed = json.load(a)
        assert echoed["host"] == "api.pagerduty.com"
        assert echoed["path"] == "/users?limit=1"
        assert proxy.requests == [
            {"host": "api.pagerduty.com", "method": "GET", "path": "/users?limit=1", "status": 200}
        ]


def test_front_needs_a_route() -> None:
    with pytest.raises(ValueError, match=r"fronts \['api.pagerduty.com'\] have no route"):
        TlsProxy({"slack.com": "http://127.0.0.1:9"}, fronts=("api.pagerduty.com",))
