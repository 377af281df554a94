"""The components' one argument checker: every problem collected with its property path.

A component checks all of its args before `super().__init__`, so bad input registers nothing, and
reports every problem at once as a `pulumi.InputPropertiesError` (one property path and reason
each): the error the Pulumi engine shows a program in any language. It is also a `ValueError`,
which is what Python callers of the components catch. The rules themselves (patterns, bounds,
vocabularies) are in `components.vocabulary`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

import pulumi

from components.vocabulary import (
    LOCATION,
    SLUG,
    SLUG_RULE,
    is_time_zone,
    real_number,
    whole_number,
)


def without_none(value: Any) -> Any:
    """A copy of nested mappings without the keys whose value is None: None means absent, as
    callers in other languages (and the wiring) pass unset optional args."""
    if isinstance(value, Mapping):
        return {key: without_none(item) for key, item in value.items() if item is not None}
    return value


class ComponentArgsError(pulumi.InputPropertiesError, ValueError):
    """Bad component args: every problem, each as a property path and a reason."""

    def __init__(self, component: str, problems: list[tuple[str, str]]) -> None:
        listed = "\n".join(f"  {path}: {reason}" for path, reason in problems)
        super().__init__(
            f"invalid {component} args ({len(problems)} problem(s)):\n{listed}",
            [{"property_path": path, "reason": reason} for path, reason in problems],
        )
        self.problems = problems


def join(path: str, key: str | int) -> str:
    """`path.key`, `path[index]`, or the key alone at the top."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class Problems:
    """Collects problems as (property path, reason); the small checks return whether the value
    is usable, so that checks depending on it can be skipped."""

    def __init__(self, component: str) -> None:
        self.component = component
        self.found: list[tuple[str, str]] = []

    def __bool__(self) -> bool:
        return bool(self.found)

    def add(self, path: str, reason: str) -> None:
        self.found.append((path or "args", reason))

    def raise_if_any(self) -> None:
        if self.found:
            raise ComponentArgsError(self.component, self.found)

    # -- small checks ------------------------------------------------------------------------------

    def keys(self, path: str, value: object, shape: Any) -> bool:
        """`value` is a mapping with the TypedDict `shape`'s required keys and no unknown ones."""
        if not isinstance(value, Mapping):
            self.add(path, f"expected an object (got {value!r})")
            return False
        required: frozenset[str] = shape.__required_keys__
        ok = True
        for key in sorted(required - value.keys()):
            self.add(join(path, key), "required")
            ok = False
        return self.unknown_keys(path, value, shape) and ok

    def unknown_keys(self, path: str, value: Mapping[Any, Any], shape: Any) -> bool:
        """No key of `value` is unknown to the TypedDict `shape` (a typo is never ignored)."""
        known: frozenset[str] = shape.__required_keys__ | shape.__optional_keys__
        unknown = sorted(str(k) for k in value if k not in known)
        for key in unknown:
            allowed = ", ".join(sorted(known))
            self.add(join(path, key), f"unknown key (expected one of {allowed})")
        return not unknown

    def text(self, path: str, value: object) -> bool:
        if not isinstance(value, str) or not value.strip():
            self.add(path, f"expected a non-empty string (got {value!r})")
            return False
        return True

    def exact_text(self, path: str, value: object) -> bool:
        """A description or job title: any string, "" included (an adopted object's has to equal
        what exists, which may be nothing; the provider sends it as written)."""
        if not isinstance(value, str):
            self.add(path, f'expected a string, "" for none (got {value!r})')
            return False
        return True

    def boolean(self, path: str, value: object) -> bool:
        if not isinstance(value, bool):
            self.add(path, f"expected true or false (got {value!r})")
            return False
        return True

    def integer(self, path: str, value: object, low: int, high: int | None, why: str = "") -> bool:
        """A whole number (15 or 15.0, never 15.5 or true) within low..high."""
        number = whole_number(value)
        if number is None:
            self.add(path, f"expected a whole number (got {value!r})")
            return False
        if number < low or (high is not None and number > high):
            bounds = f"{low}..{high}" if high is not None else f"at least {low}"
            suffix = f" {why}" if why else ""
            self.add(path, f"must be {bounds}{suffix} (got {value!r})")
            return False
        return True

    def number(self, path: str, value: object) -> bool:
        if real_number(value) is None:
            self.add(path, f"expected a number (got {value!r})")
            return False
        return True

    def one_of(
        self,
        path: str,
        value: object,
        vocabulary: type[StrEnum] | Iterable[str],
        *,
        optional: bool = False,
    ) -> bool:
        """`value` is one of the words (exactly as written); None too when `optional`."""
        if optional and value is None:
            return True
        if not is_one_of(value, vocabulary):
            allowed = ", ".join(str(word) for word in vocabulary)
            self.add(path, f"expected one of {allowed} (got {value!r})")
            return False
        return True

    def slug(self, path: str, key: object) -> None:
        """`key` (of a member, a schedule, a service) is a slug."""
        if not isinstance(key, str) or not re.fullmatch(SLUG, key):
            self.add(path, f"key {key!r} must be a slug ({SLUG_RULE})")

    def time_zone(self, path: str, value: object) -> None:
        if not is_time_zone(value):
            self.add(path, f"expected an IANA time zone like America/New_York (got {value!r})")

    def matches(self, path: str, value: object, pattern: str, expected: str) -> bool:
        if not isinstance(value, str) or not re.fullmatch(pattern, value):
            self.add(path, f"expected {expected} (got {value!r})")
            return False
        return True

    def distinct(self, path: str, items: list[Any]) -> bool:
        first: dict[Any, int] = {}
        ok = True
        for index, item in enumerate(items):
            if not isinstance(item, str | int | float | bool):
                continue
            if item in first:
                self.add(join(path, index), f"duplicate of {path}[{first[item]}] (got {item!r})")
                ok = False
            else:
                first[item] = index
        return ok


def check_locations(p: Problems, at: str, locations: object) -> int | None:
    """A non-empty list of distinct public locations; how many when they are usable."""
    if not isinstance(locations, list) or not locations:
        p.add(at, f"expected a list of public locations like US_EAST_1 (got {locations!r})")
        return None
    ok = True
    for index, location in enumerate(locations):
        path = f"{at}[{index}]"
        if isinstance(location, str) and location.startswith("AWS_"):
            p.add(
                path,
                f"public locations take no AWS_ prefix: write {location.removeprefix('AWS_')!r} "
                f"(got {location!r})",
            )
            ok = False
        else:
            ok = p.matches(path, location, LOCATION, "a public location like US_EAST_1") and ok
    return len(locations) if p.distinct(at, locations) and ok else None


def is_one_of(value: object, vocabulary: type[StrEnum] | Iterable[str]) -> bool:
    """`value` is one of the words of `vocabulary`, exactly as the API spells it."""
    return isinstance(value, str) and value in {str(word) for word in vocabulary}


def whole(value: Any) -> int:
    """A checked whole number as an int (15.0 from another Pulumi language is 15)."""
    number = whole_number(value)
    assert number is not None, value  # the args were checked
    return number
