"""Access to a PagerDuty account for `oncall import` (read only) and `oncall override`.

Through PagerDuty's official Python client (`pagerduty`, REST API v2): lists are paged with
`offset`/`more` by the client's `iter_all`; a 429 is retried after the `Retry-After` the API sends
(`RetryAfterTransport`; the sleep is injectable for tests); an HTTP error becomes one clear
`ImportFailed` message that says what to check (the token, its access, the region), never the
token. The token comes from PAGERDUTY_TOKEN or `pulumi config get pagerduty:token`.
"""

from __future__ import annotations

import os
import ssl
import subprocess
import time
from collections.abc import Callable, Mapping
from typing import Any, Final

import httpx2
import pagerduty

from oncall.config.errors import safe_text

API_HOSTS: Final = {"us": "https://api.pagerduty.com", "eu": "https://api.eu.pagerduty.com"}
"""PagerDuty's REST API per service region (`--region`)."""

MAX_RETRIES: Final = 5
"""How many times one request is retried after a 429 before giving up."""

MAX_REPEATS: Final = 3
"""How many times in a row the same URL may be asked for (a 429's retries aside). The official
client pages on by the number of items a page held, so an empty page that still says
`more: true` makes it ask for the same page again, for ever
(pagerduty/rest_api_v2_base_client.py, `iter_all`)."""

MAX_REQUESTS: Final = 20_000
"""Requests one import may send at most: far above any real account (an index stops at 10,000
records in the client), low enough that an answer that never ends fails in seconds."""


class ImportFailed(Exception):  # noqa: N818 (a refusal to go on, named as callers catch it)
    """The import cannot go on: one clear message (never the token), exit 1."""


class NoAnswer(ImportFailed):
    """A POST that got no answer (the connection failed, or timed out): PagerDuty may or may not
    have carried it out. `cause` says what went wrong, in one line."""

    def __init__(self, message: str, cause: str) -> None:
        super().__init__(message)
        self.cause = cause


class RetryAfterTransport(httpx2.BaseTransport):
    """Retries a request answered 429 after the seconds its `Retry-After` header asks for.

    The official client's own 429 handling ignores `Retry-After`, sleeps an exponential, random
    time and never gives up (pagerduty/api_client.py, `ApiClient.request`). Underneath it, this
    transport answers the 429s itself, so the client never sees one: after MAX_RETRIES the
    import fails with a message instead.
    """

    def __init__(
        self,
        inner: httpx2.BaseTransport,
        sleep: Callable[[float], None] = time.sleep,
        max_retries: int = MAX_RETRIES,
    ) -> None:
        self._inner = inner
        self._sleep = sleep
        self._max_retries = max_retries
        self._last_url = ""
        self._repeats = 0
        self._sent = 0

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        """Send the request; on 429, wait as Retry-After says and try again, up to the limit.
        ImportFailed when the same URL comes again and again (a list that never ends) or the
        import has sent MAX_REQUESTS."""
        self._count(request)
        for attempt in range(self._max_retries + 1):
            response = self._inner.handle_request(request)
            if response.status_code != 429:
                return response
            response.read()
            response.close()
            if attempt == self._max_retries:
                break
            self._sleep(_retry_after(response.headers.get("Retry-After"), attempt))
        raise ImportFailed(
            f"PagerDuty answered 429 Too Many Requests {self._max_retries + 1} times to "
            f"{request.method} {request.url.path}; wait a minute and run the import again"
        )

    def _count(self, request: httpx2.Request) -> None:
        url = str(request.url)
        self._repeats = self._repeats + 1 if url == self._last_url else 1
        self._last_url = url
        self._sent += 1
        if self._repeats > MAX_REPEATS:
            raise ImportFailed(
                f"{request.method} {request.url.path}: PagerDuty answered the same page "
                f"{MAX_REPEATS} times with `more: true` and nothing new on it; the list would "
                "never end (a proxy's or a broken API's answer?). Nothing was written"
            )
        if self._sent > MAX_REQUESTS:
            raise ImportFailed(
                f"{request.method} {request.url.path}: more than {MAX_REQUESTS} requests to "
                "PagerDuty in one import; its lists never end (a broken API's answer?). "
                "Nothing was written"
            )

    def close(self) -> None:
        """Close the wrapped transport."""
        self._inner.close()


def _retry_after(header: str | None, attempt: int) -> float:
    """Seconds to wait: the header's, or 1, 2, 4… when it is missing or not a number."""
    try:
        return max(0.0, float(header)) if header is not None else float(2**attempt)
    except ValueError:
        return float(2**attempt)


class Account:
    """One PagerDuty account through the official client: `list` and `get` read (all that
    `oncall import` does), `post` and `delete` change (`oncall override`)."""

    def __init__(self, client: pagerduty.RestApiV2Client) -> None:
        self._client = client

    @classmethod
    def connect(
        cls,
        token: str,
        base_url: str,
        sleep: Callable[[float], None] = time.sleep,
        verify: ssl.SSLContext | None = None,
    ) -> Account:
        """A client for `base_url` (https:// only, as the official client requires); `verify`
        trusts another certificate authority (a TLS proxy's, or a test server's)."""
        inner = httpx2.HTTPTransport(verify=verify if verify is not None else True)
        transport = RetryAfterTransport(inner, sleep)
        return cls(pagerduty.RestApiV2Client(token, base_url=base_url, transport=transport))

    def list(self, path: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Every item of an index endpoint, page after page (`offset`, `more`)."""
        try:
            items = list(self._client.iter_all(path, params=dict(params or {})))
        except _CLIENT_ERRORS as e:
            raise _failed("GET", path, e) from None
        except (TypeError, ValueError, KeyError, AttributeError):
            # The client pages through what it is given: an index that is not one breaks it.
            raise _not_the_api(path, "not a page of a list") from None
        except RecursionError:
            raise _not_the_api(path, _TOO_DEEP) from None
        if not all(isinstance(item, dict) and isinstance(item.get("id"), str) for item in items):
            raise _not_the_api(path, "a list item without an id")
        return items

    def get(
        self,
        path: str,
        wrapper: str,
        missing_ok: bool = False,
        params: Mapping[str, Any] | None = None,
        forbidden_ok: bool = False,
    ) -> Any:
        """The object (or list) under `wrapper` in the response to GET `path` (with `params`);
        None for a 404 when `missing_ok`, for a 403 when `forbidden_ok`."""
        try:
            response = self._client.get(path, params=dict(params or {}))
        except _CLIENT_ERRORS as e:
            raise _failed("GET", path, e) from None
        if (missing_ok and response.status_code == 404) or (
            forbidden_ok and response.status_code == 403
        ):
            return None
        if not response.is_success:
            raise _failed("GET", path, response.status_code)
        try:
            body = response.json()
        except ValueError:
            raise _not_the_api(path, "not JSON") from None
        except RecursionError:
            raise _not_the_api(path, _TOO_DEEP) from None
        if not isinstance(body, dict) or wrapper not in body:
            raise ImportFailed(f"GET {path}: PagerDuty's answer has no {wrapper!r}")
        if not isinstance(body[wrapper], dict | list):
            raise _not_the_api(path, f"{wrapper!r} is not an object")
        return body[wrapper]

    def post(self, path: str, body: Mapping[str, Any]) -> Any:
        """The JSON answer to POST `path` with `body` (`oncall override add`), sent once.

        The official client sends a request again after a network error, whatever its method,
        up to `max_network_attempts` (3) times (pagerduty 7.2.0, pagerduty/api_client.py,
        `ApiClient.max_network_attempts` and `ApiClient.request`, its `except TransportError`):
        a POST that PagerDuty carried out but whose answer was lost would create a second
        override. With `max_network_attempts` 0 the first network error raises instead
        (`network_attempts > self.max_network_attempts`), and becomes NoAnswer: the caller
        finds out what PagerDuty did. A 429 is still retried (RetryAfterTransport): PagerDuty
        carries out no request it answers 429."""
        attempts = self._client.max_network_attempts
        self._client.max_network_attempts = 0
        try:
            response = self._client.post(path, json=dict(body))
        except _CLIENT_ERRORS as e:
            if isinstance(e.__cause__, httpx2.TransportError):
                cause = _cause(e)
                raise NoAnswer(f"POST {path}: no answer from PagerDuty: {cause}", cause) from None
            raise _failed("POST", path, e) from None
        finally:
            self._client.max_network_attempts = attempts
        if not response.is_success:
            raise _failed("POST", path, response.status_code, _errors_of(response))
        try:
            return response.json()
        except (ValueError, RecursionError):
            raise _not_the_api(path, "not JSON", "POST") from None

    def delete(self, path: str) -> int:
        """DELETE `path`; its status (PagerDuty answers some deletes 200, others 204)."""
        try:
            response = self._client.delete(path)
        except _CLIENT_ERRORS as e:
            raise _failed("DELETE", path, e) from None
        if not response.is_success:
            raise _failed("DELETE", path, response.status_code, _errors_of(response))
        return int(response.status_code)


_CLIENT_ERRORS: Final = (pagerduty.Error, pagerduty.UrlError, httpx2.HTTPError, httpx2.InvalidURL)
"""What the client raises for an answer it cannot use, a URL it refuses, or no answer at all."""
_NOT_THE_API: Final = "the answer is not PagerDuty's REST API v2 JSON"
_TOO_DEEP: Final = "JSON nested too deeply to read"
_CHECK_URL: Final = "a proxy's page, or an --api-url that is not PagerDuty's REST API v2?"


def _not_the_api(path: str, detail: str, method: str = "GET") -> ImportFailed:
    return ImportFailed(f"{method} {path}: {_NOT_THE_API} ({detail}); {_CHECK_URL}")


def _errors_of(response: httpx2.Response) -> str:
    """What PagerDuty's error answer says was wrong (`error.errors`, else `error.message`)."""
    try:
        error = response.json().get("error") or {}
        said = error.get("errors") or [error.get("message")]
        return "; ".join(str(e) for e in said if e)
    except (ValueError, AttributeError, TypeError, RecursionError):
        return ""


def _failed(method: str, path: str, error: Exception | int, said: str = "") -> ImportFailed:
    status = error if isinstance(error, int) else getattr(error, "response", None)
    code = status if isinstance(status, int) else getattr(status, "status_code", None)
    if isinstance(code, int) and 200 <= code < 300:
        return ImportFailed(f"{method} {path}: HTTP {code}, but {_NOT_THE_API}; {_CHECK_URL}")
    if code == 401:
        return ImportFailed(
            f"{method} {path}: PagerDuty refused the token (401 Unauthorized): check "
            "PAGERDUTY_TOKEN or pagerduty:token, and --region (eu accounts need --region eu)"
        )
    if code == 403 and method != "GET":
        return ImportFailed(
            f"{method} {path}: the token may not change this (403 Forbidden); use a REST API "
            "key with write access to schedules"
        )
    if code == 403:
        return ImportFailed(
            f"{method} {path}: the token may not read this (403 Forbidden); use a REST API "
            "key with read access to users, schedules, escalation policies and services"
        )
    if code is not None or isinstance(error, int):
        detail = f": {safe_text(said, 300)}" if said else ""
        return ImportFailed(f"{method} {path}: PagerDuty answered HTTP {code}{detail}")
    return ImportFailed(f"{method} {path}: could not reach PagerDuty: {_cause(error)}")


def unexpected_answer(error: Exception) -> str:
    """The message for an answer that passed the wrapper checks but lacks a field the import
    reads, or has one of another type: nothing is written."""
    if isinstance(error, KeyError) and error.args:
        what = f"no {error.args[0]!r}"
    else:
        what = f"a field of an unexpected shape ({type(error).__name__}: {error})"
    return f"an answer from PagerDuty has {what}; {_CHECK_URL} Nothing was written"


def _cause(error: BaseException) -> str:
    """What went wrong underneath the client's own error (refused, timed out, certificate), in
    one line without the token."""
    while error.__cause__ is not None:
        error = error.__cause__
    said = safe_text(str(error).splitlines()[0] if str(error) else "", 200)
    hint = ""
    if "CERTIFICATE_VERIFY_FAILED" in said or "certificate verify failed" in said:
        hint = " (behind a TLS proxy? --ca-file trusts its certificate authority)"
    return f"{type(error).__name__}: {said}{hint}" if said else type(error).__name__


def token_from_environment(
    env: Mapping[str, str] = os.environ,
    run: Callable[..., subprocess.CompletedProcess[str]] = subprocess.run,
    stack: str | None = None,
) -> str:
    """PAGERDUTY_TOKEN, else `pulumi config get pagerduty:token` of `stack` (default: the
    selected stack)."""
    token = env.get("PAGERDUTY_TOKEN", "").strip()
    if token:
        return _checked_token(token, "PAGERDUTY_TOKEN")
    try:
        result = run(
            ["pulumi", "config", "get", "pagerduty:token", *(["--stack", stack] if stack else [])],
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        result = None
    if result is not None and result.returncode == 0 and result.stdout.strip():
        return _checked_token(result.stdout.strip(), "pagerduty:token")
    raise ImportFailed(
        "no PagerDuty token: set PAGERDUTY_TOKEN (a REST API key with read access), or select "
        "a stack that has pagerduty:token (pulumi stack select …)"
    )


def _checked_token(token: str, source: str) -> str:
    """The token, unless an HTTP header cannot carry it (the client would fail with an encoding
    error halfway through); the message never shows it."""
    if token.isascii() and token.isprintable() and not any(c.isspace() for c in token):
        return token
    raise ImportFailed(
        f"{source}: the token has whitespace, control or non-ASCII characters in it (a "
        "copy-paste slip?); a PagerDuty REST API key is one word"
    )
