"""The configuration reference (docs/reference.md), generated from the config models.

    venv/bin/python -m oncall.config.reference > docs/reference.md     # `make reference`

Every key of a stack file's `pantheon-oncall:` sections, with its type, default, whether it is
required, and its description: the docstring under the field in its model (oncall.config), the
one written source. tests/config/test_reference.py fails when a key has no description or the
page is not the generated one.
"""

from __future__ import annotations

import ast
import enum
import functools
import inspect
import itertools
import sys
import textwrap
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, PlainSerializer
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from oncall.config.issues import NAMESPACE
from oncall.config.stack import SECTIONS

SECTION_NOTES = {
    "teamStack": "The team stack whose outputs this site stack pages (`org/project/stack`).",
    "protect": "Protect the team's users, schedules and escalation policy from deletion and "
    "replacement; default `true` on a live site stack and on a team stack, else `false`.",
}
"""Descriptions of the sections that are a plain value rather than a model."""


WRITTEN_AS_VALUES = frozenset({"Phone"})
"""Models a stack file writes as one value (a phone number), parsed into parts: no keys below."""


@dataclass(frozen=True)
class Key:
    """One key of the reference."""

    path: str
    type: str
    default: str
    required: bool
    description: str


def all_keys() -> Iterator[Key]:
    """Every key, section by section, depth first in the models' field order."""
    for section, kind in SECTIONS.items():
        path = f"{NAMESPACE}:{section}"
        model = _model_in(kind)
        if model is None:
            yield Key(path, type_text(kind), "", False, SECTION_NOTES.get(section, ""))
            continue
        yield Key(path, "section", "", False, _class_doc(model))
        yield from _fields(model, path)


def _fields(
    model: type[BaseModel], prefix: str, seen: frozenset[type] = frozenset()
) -> Iterator[Key]:
    docs = field_docs(model)
    for name, field in model.model_fields.items():
        key = f"{prefix}.{field.alias or name}"
        yield Key(
            key,
            _words(field.annotation, tuple(field.metadata)) or type_text(field.annotation),
            _default(field),
            field.is_required(),
            docs.get(name, ""),
        )
        inner, many = _nested(field.annotation)
        if inner is not None and inner not in seen and inner.__name__ not in WRITTEN_AS_VALUES:
            yield from _fields(inner, key + many, seen | {model})


def _nested(annotation: Any) -> tuple[type[BaseModel] | None, str]:
    """The model a field holds (directly, in a map by slug, or in a list), and the key suffix."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _nested(args[0])
    if origin in (typing.Union, types.UnionType):
        for arg in args:
            found = _nested(arg)
            if found[0] is not None:
                return found
        return None, ""
    if isinstance(origin, type) and issubclass(origin, Mapping):
        return _model_in(args[-1]), ".<slug>"
    if origin in (list, tuple):
        return _model_in(args[0]), "[]"
    return _model_in(annotation), ""


def _model_in(kind: Any) -> type[BaseModel] | None:
    if typing.get_origin(kind) is typing.Annotated:
        return _model_in(typing.get_args(kind)[0])
    return kind if isinstance(kind, type) and issubclass(kind, BaseModel) else None


def type_text(annotation: Any) -> str:
    """A field's type as a reader of YAML thinks of it."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        written = _words(args[0], args[1:])
        return written if written is not None else type_text(args[0])
    if origin in (typing.Union, types.UnionType):
        return " or ".join(type_text(a) for a in args if a is not type(None))
    if origin is typing.Literal:
        return " or ".join(f"`{str(a).lower() if isinstance(a, bool) else a}`" for a in args)
    if isinstance(origin, type) and issubclass(origin, Mapping):
        return f"map of {type_text(args[-1])}"
    if origin in (list, tuple):
        return f"list of {type_text(args[0])}"
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return " \\| ".join(f"`{m.value}`" for m in annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "string or mapping" if annotation.__name__ in WRITTEN_AS_VALUES else "mapping"
    names = {str: "string", int: "integer", float: "number", bool: "boolean"}
    return names.get(annotation, getattr(annotation, "__name__", str(annotation)))


def _words(kind: Any, metadata: tuple[Any, ...]) -> str | None:
    """An API vocabulary the stack file writes in its own words (its JSON serializer gives the
    word, as for restriction types): those words; None for any other type."""
    if not (isinstance(kind, type) and issubclass(kind, enum.Enum)):
        return None
    for meta in metadata:
        if isinstance(meta, PlainSerializer) and meta.when_used == "json":
            return " \\| ".join(f"`{meta.func(m)}`" for m in kind)  # type: ignore[call-arg]
    return None


def _default(field: FieldInfo) -> str:
    if field.is_required() or field.default is PydanticUndefined:
        return ""
    value = field.default
    if value is None:
        return ""
    if isinstance(value, BaseModel | Mapping | tuple | list) and not value:
        return ""
    if isinstance(value, BaseModel) or (
        isinstance(value, tuple | list) and any(isinstance(v, BaseModel) for v in value)
    ):
        return "see the description"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, enum.Enum):
        return f"`{value.value}`"
    return f"`{value}`"


def _class_doc(model: type[BaseModel]) -> str:
    doc = inspect.getdoc(model) or ""
    first = doc.split("\n\n")[0].replace("\n", " ")
    text = first.split(" — ", 1)[-1]
    return text[:1].upper() + text[1:]


@functools.cache
def field_docs(model: type[BaseModel]) -> dict[str, str]:
    """The docstring under each field of `model` (and of the models it derives from)."""
    docs: dict[str, str] = {}
    for klass in reversed(model.__mro__):
        if not (isinstance(klass, type) and issubclass(klass, BaseModel)) or klass is BaseModel:
            continue
        try:
            source = textwrap.dedent(inspect.getsource(klass))
        except (OSError, TypeError):
            continue
        body = ast.parse(source).body[0]
        assert isinstance(body, ast.ClassDef)
        statements = body.body
        for here, after in itertools.pairwise(statements):
            if (
                isinstance(here, ast.AnnAssign)
                and isinstance(here.target, ast.Name)
                and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            ):
                docs[here.target.id] = " ".join(inspect.cleandoc(after.value.value).split())
    return docs


def markdown() -> str:
    """docs/reference.md."""
    lines = [
        "# Configuration reference",
        "",
        "Every key of a stack file's `pantheon-oncall:` sections. Generated from the config",
        "models by `make reference` (`venv/bin/python -m oncall.config.reference`): edit the "
        "docstrings",
        "in `oncall/config/`, not this page. [Configuration](configuration.md) shows them in use.",
        "`<slug>` is a key you choose (a member's or a schedule's), `[]` an item of a list.",
        "",
    ]
    section = ""
    for key in all_keys():
        top = key.path.split(".")[0]
        if top != section:
            section = top
            lines += [
                "",
                f"## `{top}`",
                "",
                key.description,
                "",
                _row(("Key", "Type", "Default", "Required", "Description")),
                "| --- | --- | --- | --- | --- |",
            ]
            if key.type != "section":
                lines.append(_row((f"`{key.path}`", key.type, key.default, "", key.description)))
            continue
        lines.append(
            _row(
                (
                    f"`{key.path.removeprefix(section + '.')}`",
                    key.type,
                    key.default,
                    "yes" if key.required else "",
                    key.description,
                )
            )
        )
    return "\n".join(lines).replace("\n\n\n", "\n\n") + "\n"


def _row(cells: tuple[str, ...]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") if "`" not in c else c for c in cells) + " |"


if __name__ == "__main__":
    sys.stdout.write(markdown())
