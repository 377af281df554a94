"""What one program run under the mock engine (oncall.offline.engine) registered and called.

The plan, the schema and policy checks and the tests read a run as this data: each resource with
the inputs the provider would receive and the resource options that matter, each invoke, the
stack's outputs and the program's warnings. It holds plain values with oncall.offline.markers'
markers, nothing of the Pulumi SDK.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Registration:
    """One resource the program registered, as the engine received it."""

    type: str
    name: str
    urn: str
    parent_urn: str
    inputs: dict[str, Any]
    custom: bool
    import_id: str | None = None
    protect: bool = False
    retain_on_delete: bool = False
    additional_secret_outputs: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    """URNs the resource had before (Pulumi aliases), as the engine resolves them."""
    property_dependencies: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """URNs of the resources each input was computed from (what a policy pack follows)."""
    ignore_changes: tuple[str, ...] = ()

    @property
    def parent(self) -> str:
        """``type::name`` of the parent, or "" for children of the stack."""
        return _short(self.parent_urn)

    @property
    def key(self) -> str:
        """``type::name``: unique within a stack."""
        return f"{self.type}::{self.name}"


@dataclass(frozen=True)
class Invocation:
    """One invoke (data source lookup) the program called."""

    token: str
    args: dict[str, Any]


@dataclass
class Run:
    """Everything one program run registered, in a stable order."""

    resources: list[Registration] = field(default_factory=list)
    invokes: list[Invocation] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    """What the program logged at warning level (`pulumi.log.warn`), as `pulumi preview` shows."""

    def of_type(self, type_: str) -> list[Registration]:
        """The resources of one type, in registration order."""
        return [r for r in self.resources if r.type == type_]

    def get(self, type_: str, name: str) -> Registration:
        """The resource of `type_` named `name`; KeyError naming the ones there are."""
        for r in self.resources:
            if r.type == type_ and r.name == name:
                return r
        known = sorted(r.name for r in self.resources if r.type == type_)
        raise KeyError(f"no {type_} named {name!r}; registered: {known}")


def _short(urn: str) -> str:
    if not urn:
        return ""
    parts = urn.split("::")
    return f"{parts[-2].split('$')[-1]}::{parts[-1]}"
