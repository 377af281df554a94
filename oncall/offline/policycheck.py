"""The policy pack (policy/guardrails.py) over an offline plan, as `pulumi preview --policy-pack`
runs it, without the Pulumi CLI: `make stacks` runs it over every stack, the tests over theirs.

The offline plan's registrations become the policy SDK's view of a resource the way the engine
hands them over in a preview: wire (camelCase) inputs with secrets unwrapped, values only known
after a deploy as the SDK's unknown sentinels (reading one raises UnknownValueError), the resource
options (protect, aliases, additional secret outputs), and the parent and property dependencies
as resources.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError, unknown_checking_proxy

from oncall.offline.markers import Computed, Secret
from oncall.offline.recorded import Registration, Run

POLICY_DIR = Path(__file__).resolve().parents[2] / "policy"
"""The pack's folder (PulumiPolicy.yaml, guardrails.py), beside the program's code."""

if str(POLICY_DIR) not in sys.path:
    sys.path.append(str(POLICY_DIR))
import guardrails  # noqa: E402  (found through POLICY_DIR, as `pulumi preview` finds it)


def policy_props(value: Any) -> Any:
    """Inputs as a policy reads them: secrets unwrapped, unknowns as the SDK's sentinel."""
    if isinstance(value, Secret):
        return policy_props(value.value)
    if isinstance(value, Computed):
        return UNKNOWN_STRING_VALUE
    if isinstance(value, Mapping):
        return {k: policy_props(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [policy_props(v) for v in value]
    return value


def options(
    protect: bool = False,
    aliases: list[str] | None = None,
    secret_outputs: list[str] | None = None,
    parent: str | None = None,
    ignore_changes: list[str] | None = None,
) -> PolicyResourceOptions:
    """Resource options as the policy SDK hands them to a policy."""
    return PolicyResourceOptions(
        protect,
        ignore_changes or [],
        None,
        aliases or [],
        PolicyCustomTimeouts(0, 0, 0),
        secret_outputs or [],
        parent,
    )


def policy_view(run: Run) -> list[PolicyResource]:
    """Every registration of a run as a PolicyResource, parents and dependencies linked."""

    def resource(r: Registration) -> PolicyResource:
        return PolicyResource(
            r.type,
            unknown_checking_proxy(policy_props(r.inputs)),
            r.urn,
            r.name,
            options(
                r.protect,
                list(r.aliases),
                list(r.additional_secret_outputs),
                r.parent_urn,
                list(r.ignore_changes),
            ),
            None,
            None,
            [],
            {},
        )

    by_urn = {r.urn: resource(r) for r in run.resources}
    for r in run.resources:
        view = by_urn[r.urn]
        view.parent = by_urn.get(r.parent_urn)
        for prop, urns in r.property_dependencies.items():
            view.property_dependencies[prop] = [by_urn[u] for u in urns if u in by_urn]
            view.dependencies += [d for d in view.property_dependencies[prop]]
    return list(by_urn.values())


@dataclass
class Report:
    """What the pack reported: violations as (policy, message, urn), and the policies that
    could not run because a value they read was unknown in the preview."""

    violations: list[tuple[str, str, str | None]] = field(default_factory=list)
    unknown: list[tuple[str, str]] = field(default_factory=list)

    def collect(self, policy: str) -> Callable[[str, str | None], None]:
        """The `report_violation` callback a validate function of `policy` is given."""

        def report(message: str, urn: str | None = None) -> None:
            self.violations.append((policy, message, urn))

        return report


def run_pack(resources: list[PolicyResource]) -> Report:
    """Every policy of the pack over `resources`, as `pulumi preview --policy-pack` runs them:
    resource policies one resource at a time, stack policies once over all."""
    report = Report()
    for policy in guardrails.POLICIES:
        try:
            if isinstance(policy, ResourceValidationPolicy):
                for r in resources:
                    args = ResourceValidationArgs(
                        r.resource_type, r.props, r.urn, r.name, r.opts, None
                    )
                    policy.validate(args, report.collect(policy.name))
            elif isinstance(policy, StackValidationPolicy):
                policy.validate(StackValidationArgs(resources), report.collect(policy.name))
        except UnknownValueError as e:  # the engine reports these as "can't run during preview"
            report.unknown.append((policy.name, e.message))
    return report


def enforcement_levels() -> dict[str, str]:
    """Each policy's level as the pack sets it: "mandatory", "advisory" (or "disabled")."""
    return {
        p.name: p.enforcement_level.value  # type: ignore[union-attr]
        for p in guardrails.POLICIES
    }
