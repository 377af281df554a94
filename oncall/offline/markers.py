"""What a recorded value can be besides data: a secret, a value known only after the deploy, or a
reference to another resource's id or output (or a stack's output).

oncall.offline.engine records inputs, invoke arguments and outputs with these markers (`decode`
turns the SDK's wire values into them); oncall.offline.plan prints them as structural markers and
oncall.offline.schemacheck turns them back into wire values. A reference travels through the program
as an id string (`ref_id`): NUL-delimited, so no value from a stack file can be one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pulumi.output import Unknown
from pulumi.runtime import rpc


@dataclass(frozen=True)
class Secret:
    """A value that Pulumi encrypts in state; the plan shows it as ``[secret]``."""

    value: Any


class Computed:
    """A value that is only known after the resource exists (an id, an integration key)."""

    def __repr__(self) -> str:
        return "(known after apply)"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Computed)

    def __hash__(self) -> int:
        return 0


COMPUTED = Computed()

_REF = "\x00ref:"
_REF_END = "\x00"
_REF_PATTERN = re.compile(re.escape(_REF) + "([^\x00]*)" + re.escape(_REF_END))


@dataclass(frozen=True)
class Ref:
    """The id of another resource (``type::name``), or an output of a stack that a
    StackReference reads (``stack`` and ``output`` set): what an input points at."""

    target: str
    output: str | None = None

    @property
    def name(self) -> str:
        """The resource's name, or the stack's."""
        return self.target.rsplit("::", 1)[-1]

    @property
    def of_resource(self) -> bool:
        """Whether this points at a resource (its id, or an output it computes), not a stack."""
        return "::" in self.target

    @property
    def text(self) -> str:
        """`team-joe`, `alerts-ping.monitorId`: what a reference inside a longer string shows."""
        return f"{self.name}.{self.output}" if self.output and self.of_resource else self.name


def ref_id(target: str, output: str | None = None) -> str:
    """The id a plan gives a resource (`target` is `type::name`) or one of its outputs: a marker
    that `decode` turns back into a `Ref`."""
    return f"{_REF}{target}{'#' + output if output else ''}{_REF_END}"


def has_ref(value: str) -> bool:
    """Whether a string holds a ref marker (an id, whole or inside a longer string)."""
    return _REF in value


def decode(value: Any) -> Any:
    """Turn wire values into plain data: secrets into `Secret`, unknowns into `COMPUTED`,
    integral floats (protobuf has only doubles) back into ints."""
    if rpc.is_rpc_secret(value):
        return Secret(decode(rpc.unwrap_rpc_secret(value)))
    if isinstance(value, Unknown) or value == rpc.UNKNOWN:
        return COMPUTED
    if isinstance(value, str) and _REF in value:
        return decode_ref(value)
    if isinstance(value, Mapping):
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [decode(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def decode_ref(value: str) -> Any:
    """A string holding ref markers: the `Ref` when it is one whole, else the text with each
    marker shown as `<what it points at>`."""
    whole = _REF_PATTERN.fullmatch(value)
    if whole is None:  # an id inside a longer string: show what it points at
        return _REF_PATTERN.sub(lambda m: f"<{_to_ref(m.group(1)).text}>", value)
    return _to_ref(whole.group(1))


def _to_ref(marker: str) -> Ref:
    target, _, output = marker.partition("#")
    return Ref(target, output or None)
