"""Sending one event to PagerDuty's Events API v2, as `oncall smoke` does.

The responses and the retry rules follow PagerDuty's Events API v2 reference (PagerDuty/api-schema,
reference/events-v2/openapiv3.json): POST JSON to `/v2/enqueue`; 202 means accepted (with the
`dedup_key`); 400 is an invalid event (`message`, `errors`) and must not be retried; 429, 5xx and
network errors should be retried after some time. A redirect is refused, never followed.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any, Final

EVENTS_URL: Final = "https://events.pagerduty.com/v2/enqueue"
EU_EVENTS_URL: Final = "https://events.eu.pagerduty.com/v2/enqueue"
"""The endpoint of a service in PagerDuty's EU service region."""
SEVERITIES: Final = ("info", "warning", "error", "critical")
"""`payload.severity` of a trigger (PagerDuty/api-schema, reference/events-v2/openapiv3.json)."""
KEY_ENV: Final = "PAGERDUTY_INTEGRATION_KEY"
"""Where `oncall smoke` reads the service integration's key when no option gives it."""
URL_ENV: Final = "PAGERDUTY_EVENTS_URL"
"""Where `oncall smoke` reads another endpoint when --events-url does not give one."""
KEY_OUTPUT: Final = "integrationKey"
"""The site stack's output holding the service integration's key (oncall/wiring.py)."""
MAX_TRIES: Final = 5
"""Attempts per event on 429, 5xx and network errors; the waits between them are 1, 2, 4, 8 s
(longer when PagerDuty's Retry-After asks for it, at most MAX_WAIT_SECONDS)."""
MAX_WAIT_SECONDS: Final = 30.0
REQUEST_TIMEOUT_SECONDS: Final = 15.0


class EventsError(Exception):
    """An event PagerDuty refused or that could not be sent: one line saying what to fix."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an error: urllib would follow it as a GET without the event (and report
    success), or carry the key to another host."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def send(url: str, event: dict, sleep: Callable[[float], None], say: Callable[[str], None]) -> str:
    """POST one event; return PagerDuty's message. Retries 429, 5xx and network errors with
    backoff, at most MAX_TRIES attempts, saying each retry; raises EventsError on anything else."""
    action = event["event_action"]
    body = json.dumps(event).encode()
    problem, retry_after = "", 0.0
    for attempt in range(MAX_TRIES):
        if attempt:
            wait = min(max(float(2 ** (attempt - 1)), retry_after), MAX_WAIT_SECONDS)
            say(f"  {problem}; retrying the {action} in {wait:g} s")
            sleep(wait)
        request = urllib.request.Request(
            url, data=body, method="POST", headers={"Content-Type": "application/json"}
        )
        try:
            with _OPENER.open(request, timeout=REQUEST_TIMEOUT_SECONDS) as response:
                return _accepted(action, response.status, response.read())
        except urllib.error.HTTPError as e:
            if e.code != 429 and e.code < 500:
                raise EventsError(_refusal(action, e.code, e.read())) from None
            problem = f"PagerDuty answered {e.code} {e.reason}"
            header = e.headers.get("Retry-After", "")
            retry_after = float(header) if header.isdigit() else 0.0
        except (urllib.error.URLError, OSError) as e:
            problem, retry_after = f"could not reach {url}: {getattr(e, 'reason', e)}", 0.0
        except http.client.HTTPException as e:  # IncompleteRead, BadStatusLine: a cut answer
            problem, retry_after = (
                f"{url} answered with a broken response ({type(e).__name__})",
                0.0,
            )
    raise EventsError(f"the {action} was not sent after {MAX_TRIES} tries: {problem}")


def _accepted(action: str, status: int, text: bytes) -> str:
    """PagerDuty's message for an accepted event. A success that is not the API's JSON object
    (a proxy's or captive portal's page) is an error: nothing says the event arrived."""
    try:
        doc = json.loads(text)
    except ValueError:
        doc = None
    if not isinstance(doc, dict):
        said = text.decode(errors="replace").strip()[:80]
        raise EventsError(
            f"the events URL answered the {action} with {status} but not with the Events API's "
            f"JSON, so it may not have arrived: is the URL right? It said: {said!r}"
        )
    return _message(text) or f"HTTP {status}"


def _refusal(action: str, status: int, text: bytes) -> str:
    """What a 4xx answer means, in words that say what to fix (the key, the URL)."""
    message = _message(text)
    if status in (401, 403) or "routing_key" in message or "routing key" in message.lower():
        return (
            f"PagerDuty refused the {action} ({status}): the integration key is wrong "
            f"(it must be the service's Events API v2 integration key). PagerDuty said: {message}"
        )
    if status == 404 or 300 <= status < 400:
        return f"the events URL answered {status}: is it right? {message}".rstrip()
    return f"PagerDuty refused the {action} ({status}): {message}"


def _message(text: bytes) -> str:
    """PagerDuty's `message` and `errors` (`status` and `dedup_key` on success), or the text."""
    try:
        doc = json.loads(text)
    except ValueError:
        return text.decode(errors="replace").strip()[:300]
    if not isinstance(doc, dict):
        return str(doc)[:300]
    parts = [str(doc.get("message") or doc.get("status") or "")]
    parts += [str(error) for error in doc.get("errors") or ()]
    return "; ".join(part for part in parts if part)
