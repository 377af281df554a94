"""A local HTTPS proxy for the end-to-end lane: the providers' requests to the real API hosts end
up at the local doubles.

Two of the hosts the deploy talks to cannot be pointed elsewhere by configuration: PagerDuty's
Slack-connection client always calls `https://app.pagerduty.com` (terraform-provider-pagerduty,
pagerduty/pagerduty.go: `appBaseUrl` is fixed) and the Slack provider always calls
`https://slack.com/api/` (slack-go's `APIURL`, which pablovarela/terraform-provider-slack never
overrides). Both use Go's default transport, which honours `HTTPS_PROXY` and reads extra roots from
`SSL_CERT_FILE`. So the lane gives the providers this proxy and its CA:

    with TlsProxy({"app.pagerduty.com": pd.url, "slack.com": slack.url}) as proxy:
        env = {"HTTPS_PROXY": proxy.url, "SSL_CERT_FILE": str(proxy.ca_file)}

A `CONNECT host:443` for a routed host is answered, TLS is terminated with a certificate for that
host issued by a throw-away CA (trustme), and every request on the tunnel is forwarded over plain
HTTP to the host's double with its `Host` header kept (so one double can serve two host names).
Any other host is refused with 403 and recorded in `.refused`: the lane fails on those, nothing
leaves the machine.

A client that ignores `HTTPS_PROXY` but takes a base URL (the project's own `oncall import`, whose
httpx transport is its own and so reads no proxy settings, and which takes https:// URLs only)
gets a TLS front instead: `proxy.front_url("api.pagerduty.com")` is `https://127.0.0.1:PORT`,
serving that host's double with the same CA (the certificate also names 127.0.0.1) and the Host
header set to the host's name.

Listens on 127.0.0.1 only; connections, requests per connection, header and body sizes, and every
socket wait are bounded.
"""

from __future__ import annotations

import http.client
import http.server
import socketserver
import ssl
import tempfile
import threading
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import trustme

# Headers that belong to one hop (RFC 9110 §7.6.1), never forwarded.
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
_MAX_BODY = 16 * 1024 * 1024
_MAX_REQUESTS_PER_TUNNEL = 10_000
_MAX_CONNECTIONS = 64
_SOCKET_TIMEOUT = 30.0
_BACKEND_TIMEOUT = 60.0


class TlsProxy:
    """An HTTPS CONNECT proxy on 127.0.0.1 that serves `routes` (host name → double's base URL,
    http://127.0.0.1:PORT) over TLS with certificates of its own CA.

    `.url` is the proxy's address for `HTTPS_PROXY`, `.ca_file` the CA's PEM for `SSL_CERT_FILE`
    (written at `start()`), `.requests` one dict per forwarded request (host, method, path,
    status), `.refused` one dict per refused tunnel or request (target, method).
    """

    def __init__(
        self, routes: dict[str, str], ca_dir: Path | None = None, fronts: tuple[str, ...] = ()
    ) -> None:
        for host, base in routes.items():
            parts = urlsplit(base)
            if parts.scheme != "http" or parts.hostname != "127.0.0.1" or not parts.port:
                raise ValueError(f"route {host}: {base!r} is not http://127.0.0.1:PORT")
        self.routes = {host.lower(): base.rstrip("/") for host, base in routes.items()}
        unrouted = [host for host in fronts if host not in self.routes]
        if unrouted:
            raise ValueError(f"fronts {unrouted} have no route")
        self._front_hosts = fronts
        self._fronts: dict[str, _FrontServer] = {}
        self.requests: list[dict[str, Any]] = []
        self.refused: list[dict[str, str]] = []
        self._lock = threading.Lock()
        self._ca = trustme.CA(organization_name="pantheon-oncall e2e lane")
        self._ca_dir = ca_dir
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.ca_file = Path()
        self._server: _ProxyServer | None = None
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        """The proxy's URL, http://127.0.0.1:PORT (for `HTTPS_PROXY`)."""
        if self._server is None:
            raise RuntimeError("the proxy is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> TlsProxy:
        """Write the CA file, bind 127.0.0.1 on a free port and serve in a thread."""
        if self._ca_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="e2e-proxy-")
            ca_dir = Path(self._tmp.name)
        else:
            ca_dir = self._ca_dir
            ca_dir.mkdir(parents=True, exist_ok=True)
        self.ca_file = ca_dir / "e2e-ca.pem"
        self._ca.cert_pem.write_to_path(str(self.ca_file))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.set_alpn_protocols(["http/1.1"])  # no h2: the forwarder speaks HTTP/1.1
        self._ca.issue_cert(*sorted(self.routes), "127.0.0.1").configure_cert(context)
        self._server = _ProxyServer(self, context)
        self._fronts = {host: _FrontServer(self, context, host) for host in self._front_hosts}
        self._threads = [
            threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
            )
            for server in [self._server, *self._fronts.values()]
        ]
        for thread in self._threads:
            thread.start()
        return self

    def front_url(self, host: str) -> str:
        """https://127.0.0.1:PORT, serving `host`'s double directly over TLS (see the module)."""
        return f"https://127.0.0.1:{self._fronts[host].server_address[1]}"

    def stop(self) -> None:
        """Stop serving and remove the CA file it wrote in a temporary folder."""
        servers: list[socketserver.BaseServer] = list(self._fronts.values())
        if self._server is not None:
            servers.append(self._server)
        for server in servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=10)
        self._server, self._fronts, self._threads = None, {}, []
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> TlsProxy:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _record(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self.requests.append(entry)

    def _refuse(self, target: str, method: str) -> None:
        with self._lock:
            self.refused.append({"target": target, "method": method})


class _ProxyServer(http.server.ThreadingHTTPServer):
    """The listening socket: one thread per client connection, at most `_MAX_CONNECTIONS`."""

    daemon_threads = True

    def __init__(self, proxy: TlsProxy, context: ssl.SSLContext) -> None:
        self.proxy = proxy
        self.context = context
        self.slots = threading.BoundedSemaphore(_MAX_CONNECTIONS)
        super().__init__(("127.0.0.1", 0), _ConnectHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.slots.acquire(timeout=_SOCKET_TIMEOUT):
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()


class _FrontServer(socketserver.ThreadingTCPServer):
    """A TLS listener on 127.0.0.1 that serves one routed host (`TlsProxy.front_url`)."""

    daemon_threads = True

    def __init__(self, proxy: TlsProxy, context: ssl.SSLContext, host: str) -> None:
        self.proxy = proxy
        self.context = context
        self.host = host
        super().__init__(("127.0.0.1", 0), _FrontHandler)


class _FrontHandler(socketserver.BaseRequestHandler):
    """Terminate TLS on the accepted connection, then forward what it carries."""

    server: _FrontServer

    def handle(self) -> None:
        self.request.settimeout(_SOCKET_TIMEOUT)
        try:
            tunnel = self.server.context.wrap_socket(self.request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        _Forwarder(tunnel, self.client_address, self.server, self.server.host, fixed_host=True)


class _ConnectHandler(http.server.BaseHTTPRequestHandler):
    """The proxy side: `CONNECT host:port` for a routed host opens a TLS tunnel; anything else
    (another host, a plain-HTTP proxy request) is refused and recorded."""

    server: _ProxyServer
    protocol_version = "HTTP/1.1"
    timeout = _SOCKET_TIMEOUT

    def do_CONNECT(self) -> None:
        host, _, port = self.path.rpartition(":")
        host = host.strip("[]").lower()
        if host not in self.server.proxy.routes or port != "443":
            self.server.proxy._refuse(self.path, "CONNECT")
            self._refuse()
            return
        self.send_response(200, "Connection Established")
        self.end_headers()
        self.wfile.flush()
        self.close_connection = True
        try:
            tunnel = self.server.context.wrap_socket(self.connection, server_side=True)
        except (ssl.SSLError, OSError):
            return  # the client gave up or does not trust the CA: nothing to forward
        tunnel.settimeout(_SOCKET_TIMEOUT)
        _Forwarder(tunnel, self.client_address, self.server, host)

    def _refuse(self) -> None:
        body = b'{"error": "the e2e proxy forwards only the hosts of the local doubles"}'
        self.send_response(403)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def _refuse_plain(self) -> None:
        self.server.proxy._refuse(self.path, self.command)
        self._refuse()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _refuse_plain

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the lane reads `.requests` and `.refused`, not a log."""


class _Forwarder(http.server.BaseHTTPRequestHandler):
    """The tunnel side: each request read from the TLS socket is sent to the host's double over
    plain HTTP, Host header kept, and its answer relayed."""

    protocol_version = "HTTP/1.1"
    timeout = _SOCKET_TIMEOUT

    def __init__(
        self,
        tunnel: Any,
        client_address: Any,
        server: _ProxyServer | _FrontServer,
        host: str,
        fixed_host: bool = False,
    ) -> None:
        self.proxy = server.proxy
        self.host = host
        self.fixed_host = fixed_host
        self.handled = 0
        super().__init__(tunnel, client_address, server)

    def handle(self) -> None:
        """http.server's keep-alive loop, bounded."""
        self.close_connection = True
        self.handle_one_request()
        while not self.close_connection and self.handled < _MAX_REQUESTS_PER_TUNNEL:
            self.handle_one_request()

    def _forward(self) -> None:
        self.handled += 1
        try:
            body = self._read_body()
        except ValueError as e:
            self._answer(400, {"Content-Type": "text/plain"}, str(e).encode())
            return
        base = urlsplit(self.proxy.routes[self.host])
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        headers["Host"] = self.host if self.fixed_host else self.headers.get("Host", self.host)
        if body or self.command in ("POST", "PUT", "PATCH"):
            headers["Content-Length"] = str(len(body))
        backend = http.client.HTTPConnection(
            base.hostname or "127.0.0.1", base.port, timeout=_BACKEND_TIMEOUT
        )
        try:
            backend.request(self.command, self.path, body=body or None, headers=headers)
            answer = backend.getresponse()
            data = answer.read(_MAX_BODY + 1)
            status = answer.status
            answer_headers = {k: v for k, v in answer.getheaders() if k.lower() not in _HOP_BY_HOP}
        except (OSError, http.client.HTTPException) as e:
            status, answer_headers, data = 502, {"Content-Type": "text/plain"}, str(e).encode()
        finally:
            backend.close()
        self.proxy._record(
            {"host": self.host, "method": self.command, "path": self.path, "status": status}
        )
        self._answer(status, answer_headers, data[:_MAX_BODY])

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _forward

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        if length > _MAX_BODY:
            raise ValueError(f"request body of {length} bytes is over the proxy's limit")
        return self.rfile.read(length) if length else b""

    def _read_chunked(self) -> bytes:
        body = bytearray()
        while len(body) <= _MAX_BODY:
            size = int(self.rfile.readline(1024).split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass  # trailers: dropped
                return bytes(body)
            body += self.rfile.read(size)
            self.rfile.readline(1024)
        raise ValueError("chunked request body over the proxy's limit")

    def _answer(self, status: int, headers: dict[str, str], data: bytes) -> None:
        self.send_response(status)
        for key, value in headers.items():
            if key.lower() != "content-length":
                self.send_header(key, value)
        if self.command != "HEAD":
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the lane reads `.requests`, not a log."""
