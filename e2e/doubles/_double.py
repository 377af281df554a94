"""The HTTP plumbing the New Relic and Slack doubles share: a local server and its request log.

A double binds 127.0.0.1 on a free port, answers every method through `handle`, and records each
request as a dict (method, path, query, status, plus what the double adds). Credentials are never
recorded: a subclass names the headers and form fields that carry them, and the log only says
whether one was present. Bodies are read up to MAX_BODY bytes; anything larger is refused.
"""

import gzip
import io
import json
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
class Reply:
    """What `handle` returns: status, JSON body, and extra fields for the request log."""

    status: int
    body: Any
    record: dict[str, Any] = field(default_factory=dict)


class LocalDouble:
    """Base of the doubles: start()/stop(), `url`, `requests`, `unimplemented`, context manager."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.unimplemented: list[dict[str, Any]] = []
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # Subclasses answer here, under the double's lock (requests are handled one at a time).
    def handle(self, request: Request) -> Reply:
        """Answer one request."""
        raise NotImplementedError

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
        """Base URL, http://127.0.0.1:PORT (only while started)."""
        if self._server is None:
            raise RuntimeError("the double is not started")
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}"

    def start(self) -> Self:
        """Bind 127.0.0.1 on a free port and serve in a background thread."""
        if self._server is not None:
            return self
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
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
            try:
                reply = self.handle(request)
            except _BadRequestError as error:
                reply = Reply(400, {"error": str(error)})
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
    """A body the double cannot read (too large, bad gzip, bad JSON): 400."""


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

    def _any(self) -> None:
        split = urlsplit(self.path)
        try:
            body = self._body()
        except _BadRequestError as error:
            self._send(Reply(400, {"error": str(error)}))
            return
        request = Request(
            method=self.command,
            path=split.path,
            query=parse_qs(split.query, keep_blank_values=True),
            headers={key.lower(): value for key, value in self.headers.items()},
            body=body,
        )
        self._send(self.double._serve(request))

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise _BadRequestError(f"request body of {length} bytes is over {MAX_BODY}")
        raw = self.rfile.read(length) if length else b""
        if self.headers.get("Content-Encoding", "").lower() == "gzip":
            try:
                with gzip.GzipFile(fileobj=io.BytesIO(raw)) as stream:
                    raw = stream.read(MAX_BODY + 1)
            except OSError as error:
                raise _BadRequestError(f"bad gzip body: {error}") from None
            if len(raw) > MAX_BODY:
                raise _BadRequestError(f"request body is over {MAX_BODY} bytes unzipped")
        return raw

    def _send(self, reply: Reply) -> None:
        data = json.dumps(reply.body).encode()
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    # The method names are http.server's protocol (do_<METHOD>).
    def do_GET(self) -> None:
        """Any method is handed to the double."""
        self._any()

    def do_POST(self) -> None:
        """Any method is handed to the double."""
        self._any()

    def do_PUT(self) -> None:
        """Any method is handed to the double."""
        self._any()

    def do_PATCH(self) -> None:
        """Any method is handed to the double."""
        self._any()

    def do_DELETE(self) -> None:
        """Any method is handed to the double."""
        self._any()

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the request log is the double's `requests`, without credentials."""
