"""What every section of the stack config is built from: the frozen model base and the scalars.

Names, slugs, ids, numbers, flags, time zones: each checks a value by the components' own rule
(`components.vocabulary`), so the config and the components accept the same values, and words
are matched the way a user may write them (`normalise_word`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Mapping
from typing import Annotated, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    PlainValidator,
    StringConstraints,
)
from pydantic.alias_generators import to_camel

from components.vocabulary import (
    PAGERDUTY_ID,
    SLUG,
    SLUG_RULE,
    is_time_zone,
    real_number,
    whole_number,
)
from oncall.config.issues import Issue, fail


def normalise_word(word: str) -> str:
    """'Global Admin', 'global_admin' and 'global-admin' are the same word."""
    return " ".join(word.replace("_", " ").replace("-", " ").lower().split())


def matching(pattern: str, expected: str) -> AfterValidator:
    """A string that matches `pattern` in full; otherwise "expected <expected>"."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(f"expected {expected}")
        return value

    return AfterValidator(check)


def _one_line(value: str) -> str:
    if not value.isprintable():
        raise ValueError("expected one line of text, without control characters")
    return value


Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_one_line)
]
Slug = Annotated[str, matching(SLUG, f"a slug: {SLUG_RULE}")]
PagerDutyId = Annotated[str, matching(PAGERDUTY_ID, "a PagerDuty id like PABC123")]


def _exact_text(value: str) -> str:
    if any(not (c.isprintable() or c in "\n\t") for c in value):
        raise ValueError("expected text without control characters (line breaks and tabs are fine)")
    return value


Description = Annotated[str, AfterValidator(_exact_text)]
"""A description exactly as PagerDuty keeps it: kept as written (never stripped), several lines
allowed, and "" for none. An adopted object's must equal what exists, so nothing is normalised."""


def _by_rule(rule: Callable[[object], object], expected: str) -> BeforeValidator:
    """A value the components' `rule` accepts (it returns None for what it refuses)."""

    def check(value: object) -> object:
        accepted = rule(value)
        if accepted is None:
            raise ValueError(expected)
        return accepted

    return BeforeValidator(check)


WholeNumber = Annotated[int, _by_rule(whole_number, "expected a whole number")]
"""A whole number by the components' rule: 5 or 5.0, never 5.5 or true."""
RealNumber = Annotated[float, _by_rule(real_number, "expected a number")]
"""A number by the components' rule: 5 or 2.5, never true."""


def _time_zone(name: str) -> str:
    if not is_time_zone(name):
        raise ValueError("unknown time zone; expected an IANA name like America/New_York")
    return name


TimeZoneName = Annotated[str, AfterValidator(_time_zone)]


Location = Annotated[str, AfterValidator(str.upper)]
"""A New Relic public location, e.g. US_EAST_1, in any case; which ones New Relic has is
NewRelicPagerDutyChannel's check (components._args `check_locations`)."""


def _flag(value: object) -> bool:
    """true or false, as YAML writes it or as the engine passes a top-level value ("false")."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ValueError("expected true or false")


Flag = Annotated[bool, PlainValidator(_flag)]
Email = Annotated[EmailStr, AfterValidator(str.lower)]


_T = TypeVar("_T")


def distinct(items: tuple[_T, ...], key: Callable[[_T], Hashable] | None = None) -> tuple[_T, ...]:
    """A list without repeats (items alike by `key`, default equal); each repeat is a problem at
    its index, naming the first."""
    first: dict[Hashable, int] = {}
    issues = []
    for index, item in enumerate(items):
        seen = item if key is None else key(item)
        if seen in first:
            issues.append(Issue((index,), item, f"duplicate of [{first[seen]}] in this list"))
        else:
            first[seen] = index
    if issues:
        fail(*issues)
    return items


class Model(BaseModel):
    """Frozen, strict about keys, camelCase in config and snake_case in Python."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", populate_by_name=True, alias_generator=to_camel
    )


_M = TypeVar("_M", bound=BaseModel)


def resolved_as(resolved: type[_M], model: BaseModel, **update: object) -> _M:
    """`model` as its `resolved` subclass, with the resolved values in `update` written in. Its
    `model_fields_set` stays what the stack file wrote (advice tells a key the user wrote from
    one inherited)."""
    values = {name: getattr(model, name) for name in type(model).model_fields}
    return resolved.model_construct(set(model.model_fields_set), **(values | update))


def or_false(model: type[_M]) -> PlainValidator:
    """Accept the model's mapping, or `false` to turn the part off."""

    def validate(value: object) -> _M | Literal[False]:
        if value is False:
            return False
        if isinstance(value, model):
            return value
        if not isinstance(value, Mapping):
            raise ValueError("expected a mapping of keys to values, or false to turn this off")
        return model.model_validate(value)

    return PlainValidator(validate)
