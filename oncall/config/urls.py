"""Checking an endpoint URL a user gives (`smoke --events-url`, `import --api-url`): one rule.

A URL that urllib or httpx would refuse halfway through a run (a control character, a space, a
port that is not a number, a broken IPv6 literal) or that would send a credential in clear is
refused before anything is sent, with the reason.
"""

from __future__ import annotations

import ipaddress
import urllib.parse


def url_problem(url: str, *, loopback_http: bool) -> str | None:
    """Why `url` cannot be an https:// endpoint, or None when it can. `loopback_http` also
    accepts http:// to this machine (a test server): a credential never leaves it in clear."""
    if not url:
        return "it is empty (an unset variable?)"
    if not url.isprintable() or any(c.isspace() for c in url):
        return "it has whitespace or control characters in it"
    try:
        parsed = urllib.parse.urlsplit(url)
        parsed.port  # noqa: B018 (raises ValueError for a port that is not a number in range)
    except ValueError as e:
        return str(e)
    if parsed.scheme == "https" and parsed.hostname:
        return None
    if loopback_http and parsed.scheme == "http" and is_loopback(parsed.hostname or ""):
        return None
    return "not an https:// URL with a host"


def is_loopback(host: str) -> bool:
    """localhost, 127.0.0.0/8 or ::1."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
