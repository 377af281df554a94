"""The offline plan: run a stack's program under the mock engine and describe what it manages.

`plan_stack` loads the stack file the way `pulumi` does (oncall.stackfile), runs `__main__.py`'s
program under recording mocks in preview mode (oncall.engine), and returns the plan as plain,
deterministic data. `to_json` is the machine form (`oncall plan --json`, and what `oncall diff`
compares); `to_text` is the tree a person reads. In both, secrets are `[secret]` and values that
only exist after a deploy are `(known after apply)`.

JSON shape (stable; keys sorted):
    {"project", "stack",
     "resources": [{"type", "name", "parent", "inputs", "import", "protect", "retainOnDelete",
                    "additionalSecretOutputs"}],      # tree order: parents before children
     "invokes": [{"token", "args"}], "outputs": {...}, "warnings": [...],
     "schedules": [...],                            # coverage lines and schedule warnings
     "schemaViolations": [...],                     # present when schemas were checked
     "environments": [...]}                         # present when the stack imports ESC ones
"""

from __future__ import annotations

import json
import runpy
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from oncall import engine, stackfile
from oncall.engine import COMPUTED, Computed, Registration, Run, Secret

SECRET_TEXT = "[secret]"
COMPUTED_TEXT = "(known after apply)"


@dataclass(frozen=True)
class Plan:
    """A planned stack: what the program registered, and the schema check when one ran."""

    project: str
    stack: str
    run: Run
    violations: tuple[str, ...] | None = None
    schedules: tuple[str, ...] = ()
    """Coverage per schedule and the schedule checks' findings (oncall.coverage.plan_lines)."""
    environments: tuple[str, ...] = ()
    """The Pulumi ESC environments the stack file imports: its credentials come from them."""

    def ordered(self) -> list[tuple[int, Registration]]:
        """Resources depth-first, parents before children, siblings by (type, name)."""
        by_parent: dict[str, list[Registration]] = {}
        keys = {r.key for r in self.run.resources}
        for r in self.run.resources:
            parent = r.parent if r.parent in keys else ""
            by_parent.setdefault(parent, []).append(r)
        out: list[tuple[int, Registration]] = []

        def walk(parent: str, depth: int) -> None:
            for r in sorted(by_parent.get(parent, []), key=lambda r: (r.type, r.name)):
                out.append((depth, r))
                walk(r.key, depth + 1)

        walk("", 0)
        return out


def plan_stack(
    project_dir: Path,
    stack: str,
    program: Callable[[], None] | None = None,
    schemas: Any | None = None,
) -> Plan:
    """Plan `stack` offline. Raises oncall.errors.ConfigError for a bad stack file or config.

    `schemas` is an oncall.schemacheck.SchemaSet; when given, every resource and invoke is
    checked against the providers' schemas and the violations are part of the plan.
    """
    stack_file = stackfile.load(project_dir, stack)
    schedules: tuple[str, ...] = ()
    if program is None:
        from oncall import coverage
        from oncall import program as stack_program

        # Validate before the engine starts, so config errors surface as ConfigError, whole.
        config = stack_program.parse(stack_file.namespace(stack_file.project))
        schedules = tuple(coverage.plan_lines(config))
        entry = project_dir / "__main__.py"

        def program() -> None:
            # The project's own entry point, exactly as `pulumi` runs it.
            runpy.run_path(str(entry), run_name="__main__")

    run = engine.run_program(
        program,
        project=stack_file.project,
        stack=stack_file.stack,
        preview=True,
        config=stack_file.engine_config(),
        secret_keys=sorted(stack_file.secret_keys),
    )
    violations = None if schemas is None else tuple(check_run(run, schemas))
    return Plan(
        stack_file.project,
        stack_file.stack,
        run,
        violations,
        schedules,
        environments=stack_file.environments,
    )


# Resource types the schemas do not flag but the providers have replaced (PITFALLS.md).
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


def check_run(run: Run, schemas: Any) -> list[str]:
    """Every schema violation of a run, each prefixed with the resource or invoke it is in.

    Beyond the schemas: replaced resource types (FORBIDDEN_TYPES), and a `name` or
    `description` left to the provider, which would auto-name the resource with a random suffix
    or describe it as "Managed by Pulumi" (PITFALLS.md, "Names and identity").
    """
    found: list[str] = []
    for r in run.resources:
        if r.type in FORBIDDEN_TYPES:
            found.append(f"{r.type} {r.name}: {FORBIDDEN_TYPES[r.type]}")
        if r.custom and schemas.knows_package(r.type):
            for v in schemas.check_resource(r.type, to_wire(r.inputs)):
                found.append(f"{r.type} {r.name}: {v}")
            found += [f"{r.type} {r.name}: {v}" for v in _left_to_provider(r, schemas)]
    for i in run.invokes:
        if schemas.knows_package(i.token):
            for v in schemas.check_invoke(i.token, to_wire(i.args)):
                found.append(f"{i.token}: {v}")
    return found


def _left_to_provider(r: Registration, schemas: Any) -> list[str]:
    accepted = schemas.resource_inputs(r.type)
    problems = []
    if "name" in accepted and not r.inputs.get("name"):
        problems.append("name: not set; the provider would invent one with a random suffix")
    description = r.inputs.get("description")
    if "description" in accepted and (not description or description == "Managed by Pulumi"):
        problems.append('description: not set; the provider would say "Managed by Pulumi"')
    return problems


def to_wire(value: Any) -> Any:
    """Undo oncall.engine's markers for the schema checker: secrets unwrapped, unknowns as the
    SDK's Unknown (accepted for any type)."""
    from pulumi.output import Unknown

    if isinstance(value, Secret):
        return to_wire(value.value)
    if isinstance(value, Computed):
        return Unknown()
    if isinstance(value, dict):
        return {k: to_wire(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_wire(v) for v in value]
    return value


def plain(value: Any) -> Any:
    """Data for output: secrets as `[secret]`, unknowns as `(known after apply)`."""
    if isinstance(value, Secret):
        return SECRET_TEXT
    if value == COMPUTED:
        return COMPUTED_TEXT
    if isinstance(value, dict):
        return {k: plain(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def to_data(plan: Plan) -> dict[str, Any]:
    keys = {r.key for r in plan.run.resources}
    resources = [
        {
            "type": r.type,
            "name": r.name,
            "parent": r.parent if r.parent in keys else None,
            "inputs": plain(r.inputs),
            "import": r.import_id,
            "protect": r.protect,
            "retainOnDelete": r.retain_on_delete,
            "additionalSecretOutputs": sorted(r.additional_secret_outputs),
        }
        for _, r in plan.ordered()
    ]
    data: dict[str, Any] = {
        "project": plan.project,
        "stack": plan.stack,
        "resources": resources,
        "invokes": [{"token": i.token, "args": plain(i.args)} for i in plan.run.invokes],
        "outputs": plain(plan.run.outputs),
        "warnings": list(plan.run.warnings),
        "schedules": list(plan.schedules),
    }
    if plan.violations is not None:
        data["schemaViolations"] = list(plan.violations)
    if plan.environments:
        data["environments"] = list(plan.environments)
    return data


def to_json(plan: Plan) -> str:
    return json.dumps(to_data(plan), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def to_text(plan: Plan) -> str:
    lines = [f"Offline plan of {plan.project}/{plan.stack} (mock engine; nothing is sent)", ""]
    if plan.environments:
        lines += [credentials_note(plan.environments), ""]
    creates = imports = 0
    for depth, r in plan.ordered():
        pad = "    " * depth
        if r.import_id:
            imports += 1
            mark, note = "=", f"  (import {r.import_id})"
        else:
            creates += 1
            mark, note = "+", ""
        flags = [f for f, on in (("protect", r.protect), ("retain", r.retain_on_delete)) if on]
        flag_text = f"  [{', '.join(flags)}]" if flags else ""
        lines.append(f"{pad}{mark} {short_type(r.type)}  {r.name}{note}{flag_text}")
        if r.custom and r.inputs:
            body = yaml.safe_dump(
                plain(r.inputs), sort_keys=True, default_flow_style=False, allow_unicode=True
            )
            lines.extend(f"{pad}      {line}" for line in body.rstrip().splitlines())
    if plan.run.invokes:
        lines += ["", "Lookups (answered by the account at deploy time):"]
        for i in plan.run.invokes:
            args = ", ".join(f"{k}={plain(v)}" for k, v in sorted(i.args.items()))
            lines.append(f"    {short_type(i.token)}({args})")
    if plan.run.outputs:
        lines += ["", "Outputs:"]
        body = yaml.safe_dump(plain(plan.run.outputs), sort_keys=True, allow_unicode=True)
        lines.extend(f"    {line}" for line in body.rstrip().splitlines())
    if plan.schedules:
        lines += ["", "Schedules (python -m oncall check / calendar for details):"]
        lines.extend(f"    {line}" for line in plan.schedules)
    if plan.run.warnings:
        lines += ["", "Warnings:"]
        lines.extend(f"    {warning}" for warning in plan.run.warnings)
    lines += ["", f"{creates} to create, {imports} to import."]
    if plan.violations:
        lines += ["", f"{len(plan.violations)} schema violation(s):"]
        lines.extend(f"    {v}" for v in plan.violations)
    elif plan.violations is not None:
        lines.append("Every resource and lookup conforms to the providers' schemas.")
    return "\n".join(lines) + "\n"


def credentials_note(environments: tuple[str, ...]) -> str:
    """Where a stack's credentials come from when its stack file imports ESC environments."""
    return (
        f"Credentials: from the Pulumi ESC environment(s) {', '.join(environments)} "
        "(their pulumiConfig), opened by `pulumi` at deploy time; not needed to plan."
    )


def short_type(token: str) -> str:
    """`pagerduty:index/user:User` → `pagerduty:User`; `newrelic:synthetics/monitor:Monitor` →
    `newrelic:synthetics:Monitor`."""
    package, module, name = [*token.split(":"), "", ""][:3]
    module = module.split("/", 1)[0]
    return f"{package}:{name}" if module == "index" else f"{package}:{module}:{name}"
