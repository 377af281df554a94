"""Check resource inputs and invoke arguments against the providers' Pulumi package schemas
(found, read and indexed by oncall.offline.schemas).

The program only runs offline under the SDK's mocks, which accept anything. This module holds
every registered resource and every invoke to the published schemas instead (required inputs,
unknown keys, deprecated properties, nested types), so a mistake that would fail `pulumi up`
fails a test. Values are checked as the mocks deliver them: wire (camelCase) keys, every number a
float, unknowns as `pulumi.output.Unknown`, secrets wrapped in the RPC secret envelope.

`check_run` applies the schemas to a whole run of the mock engine (oncall.offline.recorded.Run): it
turns the engine's markers back into wire values (`to_wire`) and adds the checks the schemas cannot
express (replaced resource types, names and descriptions left to the provider).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import unquote

from pulumi.output import Unknown
from pulumi.runtime.rpc import is_rpc_secret, unwrap_rpc_secret

from oncall.offline.markers import Computed, Ref, Secret
from oncall.offline.recorded import Registration, Run
from oncall.offline.schemas import Package, SchemaSet

_TYPES_REF = "#/types/"
# Markup the doc generator puts into descriptions and deprecation messages:
# <span pulumi-lang-nodejs="`x`" ...>`x`</span> -> `x`
_LANG_SPAN = re.compile(r"<span pulumi-lang-[^>]*>(.*?)</span>", re.DOTALL)


def check_resource(schemas: SchemaSet, type_token: str, inputs: Mapping[str, Any]) -> list[str]:
    """Violations of `inputs` against the resource `type_token`; empty when they conform."""
    package = schemas.package(type_token)
    resource = package.resources.get(type_token)
    if resource is None:
        return [f"{type_token}: resource type not in the {package.name} schema"]
    spec = {
        "properties": resource.get("inputProperties"),
        "required": resource.get("requiredInputs"),
    }
    return _held_to(package, type_token, resource, spec, inputs)


def check_invoke(schemas: SchemaSet, token: str, args: Mapping[str, Any]) -> list[str]:
    """Violations of invoke `args` against the function `token`; empty when they conform."""
    package = schemas.package(token)
    function = package.functions.get(token)
    if function is None:
        return [f"{token}: function not in the {package.name} schema"]
    return _held_to(package, token, function, function.get("inputs") or {}, args)


def _held_to(
    package: Package,
    token: str,
    declared: Mapping[str, Any],
    spec: Mapping[str, Any],
    value: Mapping[str, Any],
) -> list[str]:
    """The violations of a resource's inputs or an invoke's args: the resource type or function
    `declared` deprecated, then the value against the object `spec` of its inputs."""
    checker = _Checker(package)
    properties, required = spec.get("properties") or {}, spec.get("required") or []
    checker.check_object("", value, properties, required, token)
    return _deprecated(token, declared) + checker.violations


# Resource types the schemas do not flag but the providers have replaced: each works today and
# leads a stack into a dead end (a deprecated API, a manual step, an early-access flag).
FORBIDDEN_TYPES = {
    "newrelic:index/alertChannel:AlertChannel": "deprecated; use NotificationDestination, "
    "NotificationChannel and Workflow",
    "newrelic:index/alertPolicyChannel:AlertPolicyChannel": "deprecated; use a Workflow",
    "newrelic:index/alertCondition:AlertCondition": "deprecated; use an NRQL condition",
    "newrelic:synthetics/alertCondition:AlertCondition": "deprecated; use an NRQL condition "
    "over SyntheticCheck",
    "pagerduty:index/extension:Extension": "the legacy Slack V1 extension cannot be automated; "
    "use SlackConnection",
    "pagerduty:index/schedulev2:Schedulev2": "needs an early-access flag; use Schedule",
}


def check_run(run: Run, schemas: SchemaSet) -> list[str]:
    """Every schema violation of a run, each prefixed with the resource or invoke it is in.

    Beyond the schemas: replaced resource types (FORBIDDEN_TYPES), and a `name` or
    `description` left to the provider, which would auto-name the resource with a random suffix
    or describe it as "Managed by Pulumi": a name that changes on every replacement is no
    name a person can find the object by.
    """
    found: list[str] = []
    for r in run.resources:
        if r.type in FORBIDDEN_TYPES:
            found.append(f"{r.type} {r.name}: {FORBIDDEN_TYPES[r.type]}")
        if r.custom and schemas.knows_package(r.type):
            for v in check_resource(schemas, r.type, to_wire(r.inputs)):
                found.append(f"{r.type} {r.name}: {v}")
            found += [f"{r.type} {r.name}: {v}" for v in _left_to_provider(r, schemas)]
    for i in run.invokes:
        if schemas.knows_package(i.token):
            for v in check_invoke(schemas, i.token, to_wire(i.args)):
                found.append(f"{i.token}: {v}")
    return found


def _left_to_provider(r: Registration, schemas: SchemaSet) -> list[str]:
    accepted = schemas.resource_inputs(r.type)
    problems = []
    if "name" in accepted and not r.inputs.get("name"):
        problems.append("name: not set; the provider would invent one with a random suffix")
    description = r.inputs.get("description")
    # "" is a description written on purpose (none, as an adopted object has it): sent as it is.
    if "description" in accepted and description in (None, "Managed by Pulumi"):
        problems.append('description: not set; the provider would say "Managed by Pulumi"')
    return problems


def to_wire(value: Any) -> Any:
    """Undo oncall.offline.engine's markers for the schema checker: secrets unwrapped, unknowns as
    the SDK's Unknown (accepted for any type)."""
    if isinstance(value, Secret):
        return to_wire(value.value)
    if isinstance(value, Computed | Ref):
        return Unknown()
    if isinstance(value, dict):
        return {k: to_wire(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_wire(v) for v in value]
    return value


def _deprecated(path: str, spec: Mapping[str, Any]) -> list[str]:
    message = spec.get("deprecationMessage")
    if message is None:
        return []
    first_line = _LANG_SPAN.sub(r"\1", str(message)).strip().splitlines() or [""]
    return [f"{path}: deprecated: {first_line[0].strip()}"]


def _got(value: Any) -> str:
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"{type(value).__name__} {shown}"


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class _Checker:
    """Walks one value against one package's type specs, collecting violations."""

    def __init__(self, package: Package) -> None:
        self.package = package
        self.violations: list[str] = []

    def fail(self, path: str, message: str) -> None:
        self.violations.append(f"{path}: {message}")

    def check_object(
        self,
        path: str,
        value: Mapping[str, Any],
        properties: Mapping[str, Any],
        required: Sequence[str],
        owner: str,
    ) -> None:
        present = {key: item for key, item in value.items() if item is not None}
        for key in required:
            if key not in present:
                self.fail(_join(path, key), "required input missing")
        for key, item in present.items():
            key_path = _join(path, key)
            spec = properties.get(key)
            if spec is None:
                hint = difflib.get_close_matches(key, list(properties), n=1)
                suffix = f"; did you mean {hint[0]!r}?" if hint else ""
                self.fail(key_path, f"unknown property of {owner}{suffix}")
                continue
            self.violations.extend(_deprecated(key_path, spec))
            self.check_value(key_path, item, spec)

    def check_value(self, path: str, value: Any, spec: Mapping[str, Any]) -> None:
        value = unwrap_rpc_secret(value) if is_rpc_secret(value) else value
        if value is None or isinstance(value, Unknown):
            return
        ref = spec.get("$ref")
        if isinstance(ref, str):
            self.check_ref(path, value, unquote(ref))
        elif "oneOf" in spec:
            self.check_one_of(path, value, spec["oneOf"])
        elif "properties" in spec:
            self.check_object_value(path, value, spec, "object")
        else:
            self.check_typed(path, value, spec)

    def check_ref(self, path: str, value: Any, ref: str) -> None:
        if not ref.startswith(_TYPES_REF):
            # pulumi.json#/Any|Archive|Asset|Json, #/provider, #/resources/..., other packages:
            # nothing to hold the value to.
            return
        token = ref[len(_TYPES_REF) :]
        type_spec = self.package.types.get(token)
        if type_spec is None:
            self.fail(path, f"schema refers to missing type {token}")
        elif "enum" in type_spec:
            self.check_enum(path, value, type_spec, token)
        else:
            self.check_object_value(path, value, type_spec, token)

    def check_object_value(
        self, path: str, value: Any, spec: Mapping[str, Any], owner: str
    ) -> None:
        if not isinstance(value, Mapping):
            self.fail(path, f"expected object {owner}, got {_got(value)}")
            return
        self.check_object(
            path, value, spec.get("properties") or {}, spec.get("required") or [], owner
        )

    def check_enum(self, path: str, value: Any, spec: Mapping[str, Any], token: str) -> None:
        before = len(self.violations)
        self.check_typed(path, value, spec)
        if len(self.violations) > before:
            return
        allowed = [case.get("value") for case in spec.get("enum") or []]
        if not any(_same(value, case) for case in allowed):
            shown = ", ".join(repr(case) for case in allowed)
            self.fail(path, f"expected one of {token} [{shown}], got {_got(value)}")

    def check_one_of(self, path: str, value: Any, options: Sequence[Mapping[str, Any]]) -> None:
        for option in options:
            probe = _Checker(self.package)
            probe.check_value(path, value, option)
            if not probe.violations:
                return
        kinds = ", ".join(str(option.get("$ref") or option.get("type")) for option in options)
        self.fail(path, f"expected one of ({kinds}), got {_got(value)}")

    def check_typed(self, path: str, value: Any, spec: Mapping[str, Any]) -> None:
        kind = spec.get("type")
        if kind == "string":
            ok = isinstance(value, str)
        elif kind == "boolean":
            ok = isinstance(value, bool)
        elif kind == "integer":
            # Every number crosses the wire as a protobuf double: 15.0 is an integer, 15.5 is not.
            ok = _is_number(value) and float(value).is_integer()
        elif kind == "number":
            ok = _is_number(value)
        elif kind == "array":
            self.check_array(path, value, spec)
            return
        elif kind == "object":
            self.check_map(path, value, spec)
            return
        else:
            # No type (or one this checker does not know): nothing to hold the value to.
            return
        if not ok:
            self.fail(path, f"expected {kind}, got {_got(value)}")

    def check_array(self, path: str, value: Any, spec: Mapping[str, Any]) -> None:
        """A list (or tuple) whose every item conforms to the spec's `items`."""
        if not isinstance(value, list | tuple):
            self.fail(path, f"expected array, got {_got(value)}")
            return
        items = spec.get("items") or {}
        for index, item in enumerate(value):
            self.check_value(f"{path}[{index}]", item, items)

    def check_map(self, path: str, value: Any, spec: Mapping[str, Any]) -> None:
        """A mapping whose every value conforms to the spec's `additionalProperties`, if any."""
        if not isinstance(value, Mapping):
            self.fail(path, f"expected object, got {_got(value)}")
            return
        values = spec.get("additionalProperties")
        if values:
            for key, item in value.items():
                self.check_value(f"{path}[{key!r}]", item, values)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _same(value: Any, case: Any) -> bool:
    # bool is an int in Python: keep True from matching an enum case of 1 and vice versa.
    return isinstance(value, bool) == isinstance(case, bool) and value == case
