"""The HTTP plumbing the PagerDuty, New Relic and Slack doubles share: a local server and its log.

A double binds 127.0.0.1 on a free port (HTTPS with an ssl_context), answers every method through
`handle`, and records each request as a dict (method, path, query, status, plus what the double
adds). Credentials are never recorded: a subclass names the headers and form fields that carry
them, and the log only says whether one was present. Bodies (sized, chunked, or gzipped) are read
up to the double's `max_body` bytes; anything larger, or malformed, is refused (`refuse_body`).

Faults a test plans, for any double: `hang_up` (no answer at all) and `plan` (an answer of the
test's own instead of the double's: a 429 with its Retry-After, a proxy's HTML page, a body that
is not JSON or is nested too deeply to read, an index that never ends).
"""

import dataclasses
import gzip
import io
import json
import socket
import ssl
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

MAX_BODY = 8 * 1024 * 1024
# The doubles never read the clock: timestamps come from an injected clock, this one by default.
FIXED_NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)


@dataclass
class Request:
    """What a double's `handle` gets: the parsed request, credentials left in place."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: Mapping[str, str]
    body: bytes


@dataclass
class Planned:
    """An answer a test plans for a method and path (`LocalDouble.plan`), sent as it is."""

    status: int
    text: str = ""
    content_type: str = "application/json"
    headers: Mapping[str, str] = field(default_factory=dict)
    times: int | None = 1
    """How many requests get it (then the double answers again); None: every one."""


@dataclass
class Reply:
    """What `handle` returns: status, JSON body, and extra fields for the request log."""

    status: int
    body: Any  # None: an empty body without a Content-Type
    record: dict[str, Any] = field(default_factory=dict)
    planned: Planned | None = None  # sent instead of `body`, as it is


class LocalDouble:
    """Base of the doubles: start()/stop(), `url`, `requests`, `unimplemented`, context manager.

    `ssl_context`: serve HTTPS with it (a trustme server context, say) for clients that refuse
    plain HTTP.
    """

    # A request body larger than this is refused: the double never reads unbounded input.
    max_body = MAX_BODY
    content_type = "application/json; charset=utf-8"

    def __init__(self, *, ssl_context: ssl.SSLContext | None = None) -> None:
        self.requests: list[dict[str, Any]] = []
        self.unimplemented: list[dict[str, Any]] = []
        self.hang_up: dict[str, str] = {}
        """Method → `before` or `after`: a request with that method gets no answer, the
        connection closes, as when a network fails; `after` carries the request out first
        (the server did it, the client never hears), `before` does not. Recorded either way,
        with `hung_up` set."""
        self.planned: dict[tuple[str, str], list[Planned]] = {}
        """(method, path) → answers planned for it, the first first (see `plan`)."""
        self._lock = threading.RLock()
        self._ssl_context = ssl_context
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # Subclasses answer here, under the double's lock (requests are handled one at a time).
    def handle(self, request: Request) -> Reply:
        """Answer one request."""
        raise NotImplementedError

    def describe(self, request: Request) -> dict[str, Any]:
        """What the request log adds to a planned answer's entry (a double's own fields, such as
        whether a token came); nothing by default."""
        return {}

    def plan(self, method: str, path: str, answer: Planned) -> None:
        """Answer `method path` (any query) with `answer`, after those planned before it, instead
        of what the double would answer; recorded with `planned` set."""
        with self._lock:  # a copy: `times` counts down on it, not on the caller's
            self.planned.setdefault((method, path), []).append(dataclasses.replace(answer))

    def _planned(self, request: Request) -> Planned | None:
        queue = self.planned.get((request.method, request.path), [])
        if not queue:
            return None
        answer = queue[0]
        if answer.times is not None:
            answer.times -= 1
            if answer.times <= 0:
                queue.pop(0)
        return answer

    def refuse_body(self, request: Request, message: str) -> Reply:
        """The answer to a body that cannot be read (too large, bad chunking, bad gzip); the
        request has an empty body. This one is a 400, not recorded."""
        return Reply(400, {"error": message})

    def not_implemented(self, request: Request, what: str) -> Reply:
        """The 501 answer for something the double does not model; recorded in `unimplemented`."""
        body = {
            "error": "not implemented by the local double",
            "method": request.method,
            "path": request.path,
            "operation": what,
        }
        return Reply(501, body, {"unimplemented": what})

    @property
    def url(self) -> str:
        """Base URL, http://127.0.0.1:PORT (https with an ssl_context; only while started)."""
        if self._server is None:
            raise RuntimeError("the double is not started")
        port = self._server.server_address[1]
        scheme = "https" if self._ssl_context is not None else "http"
        return f"{scheme}://127.0.0.1:{port}"

    def start(self) -> Self:
        """Bind 127.0.0.1 on a free port and serve in a background thread."""
        if self._server is not None:
            return self
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(self))
        server.daemon_threads = True
        if self._ssl_context is not None:
            server.socket = self._ssl_context.wrap_socket(server.socket, server_side=True)
        self._server = server
        # shutdown() waits for the serve loop's next poll: 0.5 s by default, paid at every stop.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = None
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _serve(self, request: Request) -> Reply:
        with self._lock:
            planned = self._planned(request)
            if planned is not None:
                record = {**self.describe(request), "planned": True}
                return self.record(request, Reply(planned.status, None, record, planned))
            try:
                reply = self.handle(request)
            except _BadRequestError as error:
                reply = Reply(400, {"error": str(error)})
            return self.record(request, reply)

    def record(self, request: Request, reply: Reply) -> Reply:
        """Log `request` with the status and record of `reply` (and in `unimplemented` if 501)."""
        with self._lock:
            entry = {
                "method": request.method,
                "path": request.path,
                "query": {key: list(values) for key, values in request.query.items()},
                "status": reply.status,
                **reply.record,
            }
            self.requests.append(entry)
            if reply.status == 501:
                self.unimplemented.append(entry)
            return reply


class _BadRequestError(Exception):
    """A body the double cannot read (too large, bad chunking, bad gzip, bad JSON)."""


def read_json(body: bytes) -> Any:
    """The request body as JSON, or a 400."""
    try:
        return json.loads(body or b"null")
    except ValueError as error:
        raise _BadRequestError(f"request body is not JSON: {error}") from None


def _handler_class(double: LocalDouble) -> type[BaseHTTPRequestHandler]:
    return type("Handler", (_Handler,), {"double": double})


class _Handler(BaseHTTPRequestHandler):
    """Hands every request to `double` (set on the subclass _handler_class makes)."""

    protocol_version = "HTTP/1.1"
    double: LocalDouble

    def setup(self) -> None:
        """No Nagle delay: an answer goes out as two writes (headers, body), and a client that
        delays its ACK would hold the second one back some 40 ms, at every request."""
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _any(self) -> None:
        split = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=split.path,
            query=parse_qs(split.query, keep_blank_values=True),
            headers={key.lower(): value for key, value in self.headers.items()},
            body=b"",
        )
        try:
            request.body = self._body(self.double.max_body)
        except _BadRequestError as error:
            self.close_connection = True  # what is left of the body is not read
            self._send(self.double.refuse_body(request, str(error)))
            return
        hang_up = self.double.hang_up.get(request.method)
        if hang_up is not None:
            with self.double._lock:
                if hang_up == "after":
                    self.double._serve(request)
                else:
                    self.double.record(request, Reply(0, None))
                self.double.requests[-1]["hung_up"] = hang_up
            self.close_connection = True  # no answer at all: the client sees the line drop
            return
        self._send(self.double._serve(request))

    def _body(self, limit: int) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            raw = self._chunked(limit)
        else:
            length = int(self.headers.get("Content-Length") or 0)
            if length > limit:
                raise _BadRequestError(f"request body of {length} bytes is over {limit}")
            raw = self.rfile.read(length) if length else b""
        if self.headers.get("Content-Encoding", "").lower() == "gzip":
            try:
                with gzip.GzipFile(fileobj=io.BytesIO(raw)) as stream:
                    raw = stream.read(limit + 1)
            except OSError as error:
                raise _BadRequestError(f"bad gzip body: {error}") from None
            if len(raw) > limit:
                raise _BadRequestError(f"request body is over {limit} bytes unzipped")
        return raw

    def _chunked(self, limit: int) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:  # bounded: every turn reads a chunk, and `limit` caps their sum
            line = self.rfile.readline(64)
            try:
                length = int(line.split(b";")[0].strip() or b"0", 16)
            except ValueError:
                raise _BadRequestError("request body is not HTTP chunking") from None
            if length == 0:
                self.rfile.readline(64)
                return b"".join(chunks)
            size += length
            if size > limit:
                raise _BadRequestError(f"chunked request body is over {limit} bytes")
            chunks.append(self.rfile.read(length))
            self.rfile.readline(64)

    def _send(self, reply: Reply) -> None:
        data = b"" if reply.body is None else json.dumps(reply.body).encode()
        content_type = None if reply.body is None else self.double.content_type
        headers: Mapping[str, str] = {}
        if reply.planned is not None:
            data, content_type = reply.planned.text.encode(), reply.planned.content_type
            headers = reply.planned.headers
        self.send_response(reply.status)
        for name, value in headers.items():
            self.send_header(name, value)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    # http.server calls do_<METHOD>: every method is handed to the double (HEAD's answer goes
    # without its body, in _send).
    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _any

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the request log is the double's `requests`, without credentials."""
