"""Problems found in the stack config, located by the key path the user wrote.

A rule reports an `Issue` relative to what it checks (a model, a section, the team); the entry
point prefixes it with the section and the namespace and raises one `ConfigError` for all of them
(`pantheon-oncall:team.schedules.default.layers[1].members[0]`). Pydantic's own errors become
issues here too, in words a user reads (`issues_from`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from types import UnionType
from typing import Annotated, Any, Final, NoReturn, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.alias_generators import to_snake
from pydantic_core import InitErrorDetails, PydanticCustomError

from components.vocabulary import Role, SlackEvent, role_word
from oncall.config.errors import MISSING, ConfigError, Problem, did_you_mean

NAMESPACE: Final = "pantheon-oncall"
"""The Pulumi project name, which prefixes every config key of this program."""

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Issue:
    """A problem located relative to whatever is being checked (a model, a section, the team)."""

    loc: Loc
    value: object
    message: str

    def under(self, *prefix: str | int) -> Issue:
        """The same problem, located under `prefix` (a section, a schedule)."""
        return Issue((*prefix, *self.loc), self.value, self.message)


def fail(*issues: Issue) -> NoReturn:
    """Raise issues from inside a validator; pydantic places them under the field or model."""
    raise ValidationError.from_exception_data(
        "oncall",
        [
            InitErrorDetails(
                type=PydanticCustomError("oncall", "{message}", {"message": issue.message}),
                loc=issue.loc,
                input=issue.value,
            )
            for issue in issues
        ],
    )


def as_written(value: object) -> object:
    """A parsed value the way the user wrote it (a role's word, a target's `schedule:<slug>`,
    a date-time's ISO text): what a problem shows as its value (`config_error` applies it)."""
    written = getattr(value, "as_written", None) if isinstance(value, BaseModel) else None
    if written is not None:
        return written()
    if isinstance(value, Role):
        return role_word(value)
    if isinstance(value, SlackEvent):
        return value.name.lower()
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, BaseModel):
        return as_written(value.model_dump(mode="json", by_alias=True, exclude_unset=True))
    if isinstance(value, dict):
        return {key: as_written(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return [as_written(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def config_error(namespace: str, issues: Iterable[Issue]) -> ConfigError:
    """One error for all the issues, each named by its full key path (`<namespace>:<key>…`)."""
    return ConfigError(
        Problem(f"{namespace}:{dotted(i.loc)}", as_written(i.value), i.message) for i in issues
    )


def dotted(loc: Loc) -> str:
    """`loc` as a key path is written in messages: `team.members.jane.notify.high[0]`."""
    head, *rest = loc
    return f"{head}" + "".join(
        f"[{part}]" if isinstance(part, int) else f".{part}" for part in rest
    )


# --- Pydantic errors as issues --------------------------------------------------------------------

_MESSAGES: Final = {
    "missing": "required",
    "dict_type": "expected a mapping of keys to values",
    "model_type": "expected a mapping of keys to values",
    "model_attributes_type": "expected a mapping of keys to values",
    "list_type": "expected a list",
    "tuple_type": "expected a list",
    "too_short": "must not be empty",
    "string_type": "expected a string",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "string_too_short": "must not be empty",
}


def issues_from(error: ValidationError, root: Any, key: str) -> list[Issue]:
    """Pydantic's errors for section `key` (of type `root`) as issues, in a user's words."""
    issues = []
    for detail in error.errors(include_url=False):
        loc, message = tuple(detail["loc"]), _message(detail, root, tuple(detail["loc"]))
        if loc and loc[-1] == "[key]":
            loc, message = loc[:-1], f"invalid key: {message}"
        # An unknown key's value is never echoed: it may be anything, a credential put under a
        # misspelled key among them, and messages reach CI logs and pull request comments.
        value = MISSING if detail["type"] in ("missing", "extra_forbidden") else detail["input"]
        issues.append(Issue((key, *loc), value, message))
    return issues


def _message(detail: Any, root: Any, loc: Loc) -> str:
    kind = detail["type"]
    if kind == "extra_forbidden":
        keys = _keys_at(root, loc[:-1])
        hint = did_you_mean(loc[-1], keys)
        return f"unknown key{hint}; expected one of {', '.join(keys)}" if keys else "unknown key"
    if kind == "value_error":
        return str(detail["msg"]).removeprefix("Value error, ")
    if kind == "enum":
        return f"expected {detail['ctx']['expected']}"
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    message = str(detail["msg"])
    return message.replace("Input should be", "must be", 1)


def _keys_at(root: Any, loc: Loc) -> list[str]:
    """The keys the model at `loc` (under `root`) accepts, as the user writes them."""
    types = leaf_types(root)
    for part in loc:
        types = [
            leaf for tp in types for child in _children(tp, part) for leaf in leaf_types(child)
        ]
    for tp in types:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            return [field.alias or name for name, field in tp.model_fields.items()]
    return []


def leaf_types(tp: Any) -> list[Any]:
    """The types `tp` allows: Annotated wrappers removed, a union split into its members."""
    origin, args = get_origin(tp), get_args(tp)
    if origin is Annotated:
        return leaf_types(args[0])
    if origin in (Union, UnionType):
        return [leaf for arg in args for leaf in leaf_types(arg)]
    return [tp]


def _children(tp: Any, part: str | int) -> list[Any]:
    """The type found at key or index `part` inside `tp` (a model, mapping or list)."""
    origin, args = get_origin(tp), get_args(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel) and isinstance(part, str):
        field = tp.model_fields.get(to_snake(part)) or tp.model_fields.get(part)
        return [field.annotation] if field else []
    if origin in (dict, Mapping) and isinstance(part, str):
        return [args[1]]
    if origin in (list, tuple) and isinstance(part, int):
        return [args[0]]
    return []
