"""Configuration problems, collected and raised together.

Every check in the program reports a `Problem` (where, what was found, what is wrong) instead of
raising at the first one, and the caller raises one `ConfigError` holding all of them, so a user
fixes a stack file in one pass. Generic on purpose: the config parser, the stack-file loader and
the CLI all report through it.

What a message shows of the user's input is made safe here, once: values are shortened to about
60 characters and their control characters escaped (an alias bomb or an ANSI escape in a name
cannot flood or repaint the terminal), and a value that may be a credential (oncall.config.secrets)
is never shown at all.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from oncall.config import secrets

SHOWN_LENGTH: Final = 60
"""About how many characters of a bad value a message shows."""


class _Missing:
    """The value of a key that is required but absent."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __reduce__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()
"""Sentinel `Problem.value` for a key that is absent: the message then omits "(got …)"."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the configuration.

    `path` names the key the way the user wrote it, e.g.
    `pantheon-oncall:team.schedules.default.layers[1].members[0]`.
    """

    path: str
    value: object
    message: str

    def __str__(self) -> str:
        # Redacted before shortening, so that a cut cannot leave half a token behind.
        path, message = secrets.redact(self.path), secrets.redact(self.message)
        head = f"{printable(path, 200)}: {printable(message, 1000)}"
        if self.value is not MISSING:
            got = secrets.HIDDEN if _hidden_at(self.path, self.value) else shown(self.value)
            head += f" (got {got})"
        return secrets.redact(head)


class ConfigError(Exception):
    """Every problem found in a configuration; `str()` gives one problem per line."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


def shown(value: object, length: int = SHOWN_LENGTH) -> str:
    """`value` for a message: a short Python-like literal, control characters escaped, anything
    that may be a credential replaced by `[hidden]`. Bounded work whatever the size of `value`."""
    text = _brief(value, 0)
    return text if len(text) <= length else text[: length - 1] + "…"


def printable(text: str, length: int) -> str:
    """`text` with control and other non-printable characters escaped, shortened to `length`."""
    escaped = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text[: length + 1])
    return escaped if len(escaped) <= length else escaped[: length - 1] + "…"


def safe_text(text: str, length: int = 2000) -> str:
    """Any error text fit for the terminal: escaped, shortened, no token-shaped string in it."""
    return printable(secrets.redact(text), length)


def did_you_mean(word: object, choices: Iterable[str]) -> str:
    """ " (did you mean 'x'?)" for the closest of `choices` to a misspelled key, else ""."""
    if not isinstance(word, str) or len(word) > 100:
        return ""
    options = {choice.lower(): choice for choice in choices}
    match = difflib.get_close_matches(word.lower(), options, n=1, cutoff=0.6)
    return f" (did you mean {options[match[0]]!r}?)" if match else ""


_ITEMS: Final = 4


def _hidden_at(path: str, value: object) -> bool:
    parts = path.replace("[", ".").split(".")
    return any(secrets.is_credential_key(p) for p in parts) and secrets.is_plain_credential(value)


def _brief(value: object, depth: int) -> str:
    if isinstance(value, str):
        if secrets.looks_like_token(value):
            return secrets.HIDDEN
        return repr(value if len(value) <= 40 else value[:40] + "…")
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        if value.bit_length() > 64:
            return f"<a number of about {int(value.bit_length() * 0.30103) + 1} digits>"
        return repr(value)
    if isinstance(value, Mapping):
        return _brief_mapping(value, depth)
    if isinstance(value, list | tuple):
        if depth >= 2:
            return "[…]"
        parts = [_brief(v, depth + 1) for v in itertools.islice(value, _ITEMS)]
        return "[" + ", ".join(parts + ["…"] * (len(value) > _ITEMS)) + "]"
    return printable(repr(value), SHOWN_LENGTH)


def _brief_mapping(value: Mapping[object, object], depth: int) -> str:
    """_brief of a mapping: its first items, a credential's value hidden, a secure one whole."""
    if secrets.is_secure(value):
        return secrets.HIDDEN
    if depth >= 2:
        return "{…}"
    parts = [
        f"{_brief(k, depth + 1)}: "
        + (
            secrets.HIDDEN
            if secrets.is_credential_key(k) and secrets.is_plain_credential(v)
            else _brief(v, depth + 1)
        )
        for k, v in itertools.islice(value.items(), _ITEMS)
    ]
    return "{" + ", ".join(parts + ["…"] * (len(value) > _ITEMS)) + "}"
