"""Configuration problems, collected and raised together.

Every check in the program reports a `Problem` (where, what was found, what is wrong) instead of
raising at the first one, and the caller raises one `ConfigError` holding all of them, so a user
fixes a stack file in one pass. Generic on purpose: the config parser, the stack-file loader and
the CLI all report through it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final


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
        if self.value is MISSING:
            return f"{self.path}: {self.message}"
        return f"{self.path}: {self.message} (got {self.value!r})"


class ConfigError(Exception):
    """Every problem found in a configuration; `str()` gives one problem per line."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)
