"""The offline plan: run a stack's program under the mock engine and describe what it manages.

`plan_stack` loads the stack file the way `pulumi` does (oncall.config.stackfile), runs
`__main__.py`'s program under recording mocks in preview mode (oncall.offline.engine), and returns
the plan as plain, deterministic data. `to_data`/`to_json` is the machine form (`oncall plan
--json`, and what `oncall diff` compares); `text_of` is the tree a person reads (values shown by
oncall.offline.render).

JSON shape (stable; keys sorted):
    {"project", "stack",
     "resources": [{"type", "name", "urn", "parent", "custom", "inputs", "import", "protect",
                    "retainOnDelete", "additionalSecretOutputs", "aliases"}],  # parents first
     "invokes": [{"token", "args"}], "outputs": {...}, "warnings": [...],
     "schedules": [...],                            # coverage lines and schedule warnings
     "schemaViolations": [...],                     # present when schemas were checked
     "environments": [...]}                         # present when the stack imports ESC ones
Inside inputs, args and outputs, markers are structural (never a string a real value could be):
    {"secret": true}                       a secret (its value is never in the plan)
    {"unknown": true}                      known only after the deploy
    {"ref": {"type": "pagerduty:index/user:User", "name": "team-joe"}}   another resource's id
    {"ref": {"stack": "organization/pantheon-oncall/team-example", "output": "escalationPolicyId"}}
    {"ref": {"type": "newrelic:synthetics/monitor:Monitor", "name": "alerts-monitor",
             "output": "monitorId"}}             an output that resource computes
"""

from __future__ import annotations

import json
import runpy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oncall.config import advice, stackfile, stackindex
from oncall.config.load import checked_stack_file
from oncall.offline import engine, render
from oncall.offline.markers import Computed, Ref, Secret
from oncall.offline.recorded import Registration, Run
from oncall.offline.schemacheck import check_run
from oncall.schedules import checks
from oncall.wiring import TEAM_OUTPUTS, TIME_ZONE_OUTPUT


@dataclass(frozen=True)
class Plan:
    """A planned stack: what the program registered, and the schema check when one ran."""

    project: str
    stack: str
    run: Run
    violations: tuple[str, ...] | None = None
    schedules: tuple[str, ...] = ()
    """Coverage per schedule and the schedule checks' findings (oncall.schedules.checks's
    plan_lines)."""
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
    """Plan `stack` offline. Raises oncall.config.errors.ConfigError for a bad stack file or config.

    `schemas` is an oncall.offline.schemacheck.SchemaSet; when given, every resource and invoke is
    checked against the providers' schemas and the violations are part of the plan.
    """
    fleet: list[str] = []  # warnings that compare this stack with the others in stacks/
    schedules: tuple[str, ...] = ()
    if program is None:
        # Validate before the engine starts, so config errors surface as ConfigError, whole.
        stack_file, config = checked_stack_file(project_dir, stack)
        live = stackindex.index_of(project_dir).is_live(stack_file.stack)
        schedules = tuple(checks.plan_lines(config, live))
        fleet = advice.fleet_warnings(project_dir, stack_file.stack, config)
        entry = project_dir / "__main__.py"

        def program() -> None:
            # The project's own entry point, exactly as `pulumi` runs it.
            runpy.run_path(str(entry), run_name="__main__")

    else:
        stack_file = stackfile.load(project_dir, stack)

    run = engine.run_program(
        program,
        project=stack_file.project,
        stack=stack_file.stack,
        preview=True,
        config=stack_file.engine_config(),
        secret_keys=sorted(stack_file.secret_keys),
        references=(*TEAM_OUTPUTS, TIME_ZONE_OUTPUT),
    )
    run.warnings[:] = sorted([*run.warnings, *fleet])
    violations = None if schemas is None else tuple(check_run(run, schemas))
    return Plan(
        stack_file.project,
        stack_file.stack,
        run,
        violations,
        schedules,
        environments=stack_file.environments,
    )


def plain(value: Any) -> Any:
    """Data for output, markers structural (see the module docstring)."""
    if isinstance(value, Secret):
        return {"secret": True}
    if isinstance(value, Computed):
        return {"unknown": True}
    if isinstance(value, Ref):
        if not value.of_resource:
            return {"ref": {"stack": value.target, "output": value.output}}
        ref = {"type": value.target.rsplit("::", 1)[0], "name": value.name}
        return {"ref": ref | ({"output": value.output} if value.output else {})}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def to_data(plan: Plan) -> dict[str, Any]:
    """The plan as JSON-ready data (the shape in the module docstring), resources parents first."""
    keys = {r.key for r in plan.run.resources}
    resources = [
        {
            "type": r.type,
            "name": r.name,
            "urn": r.urn,
            "parent": r.parent if r.parent in keys else None,
            "custom": r.custom,
            "inputs": plain(r.inputs),
            "import": r.import_id,
            "protect": r.protect,
            "retainOnDelete": r.retain_on_delete,
            "additionalSecretOutputs": sorted(r.additional_secret_outputs),
            "aliases": sorted(r.aliases),
            # Only where set: what an import compares as equal whatever the program sends.
            **({"ignoreChanges": sorted(r.ignore_changes)} if r.ignore_changes else {}),
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
    """The plan as `oncall plan --json` prints it."""
    return json_text(to_data(plan))


def json_text(data: Any) -> str:
    """Stable JSON: keys sorted, two-space indent, UTF-8 as is, a final newline (small diffs)."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def to_text(plan: Plan) -> str:
    """The plan as `oncall plan` prints it (text_of)."""
    return text_of(to_data(plan))


def text_of(data: Mapping[str, Any]) -> str:
    """The plan a reviewer reads: the resource tree with every input, the lookups, the outputs,
    warnings, and a summary line counting by provider and type."""
    lines = [
        f"Offline plan of {data['project']}/{data['stack']} (mock engine; nothing is sent)",
        "",
    ]
    if data.get("environments"):
        lines += [credentials_note(data["environments"]), ""]
    lines.extend(_resource_lines(data["resources"]))
    if data["invokes"]:
        lines += ["", "Lookups (answered by the account at deploy time):"]
        for i in data["invokes"]:
            args = ", ".join(f"{k}={render.value_text(k, v)}" for k, v in sorted(i["args"].items()))
            lines.append(f"    {render.short_type(i['token'])}({args})")
    if data["outputs"]:
        lines += ["", "Outputs:"]
        lines.extend(render.tree_lines(data["outputs"], "    "))
    lines.extend(findings_lines(data))
    lines += ["", summary(data)]
    violations = data.get("schemaViolations")
    if violations:
        lines += ["", f"{len(violations)} schema violation(s):"]
        lines.extend(f"    {v}" for v in violations)
    elif violations is not None:
        lines.append("Every resource and lookup conforms to the providers' schemas.")
    return "\n".join(lines) + "\n"


def findings_lines(data: Mapping[str, Any]) -> list[str]:
    """The schedules' coverage and findings, then the warnings, each under its heading."""
    lines: list[str] = []
    if data.get("schedules"):
        lines += ["", "Schedules (oncall check / calendar for details):"]
        lines.extend(f"    {line}" for line in data["schedules"])
    if data["warnings"]:
        lines += ["", "Warnings:"]
        lines.extend(f"    {warning}" for warning in data["warnings"])
    return lines


def _resource_lines(resources: Sequence[Mapping[str, Any]]) -> list[str]:
    """The resource tree, children indented under their parent, each with its inputs; `+` to
    create, `=` to import, and the protect/retain flags."""
    lines: list[str] = []
    depth: dict[str, int] = {}
    for r in resources:
        key = f"{r['type']}::{r['name']}"
        parent = f"{r['parent']}" if r["parent"] else ""
        depth[key] = depth[parent] + 1 if parent in depth else 0
        pad = "    " * depth[key]
        mark, note = ("=", f"  (import {r['import']})") if r["import"] else ("+", "")
        flags = [f for f, on in (("protect", r["protect"]), ("retain", r["retainOnDelete"])) if on]
        flag_text = f"  [{', '.join(flags)}]" if flags else ""
        lines.append(f"{pad}{mark} {render.short_type(r['type'])}  {r['name']}{note}{flag_text}")
        if r["custom"]:
            lines.extend(render.tree_lines(r["inputs"], pad + "      "))
    return lines


def credentials_note(environments: Sequence[str]) -> str:
    """Where a stack's credentials come from when its stack file imports ESC environments."""
    return (
        f"Credentials: from the Pulumi ESC environment(s) {', '.join(environments)} "
        "(their pulumiConfig), opened by `pulumi` at deploy time; not needed to plan."
    )


def summary(data: Mapping[str, Any]) -> str:
    """`Resources: 33 to create, 2 to import; pagerduty 21 (3 User, …) · newrelic 8 (…)`."""
    resources = [r for r in data["resources"] if r["custom"]]
    imports = sum(1 for r in resources if r["import"])
    counts = render.by_provider(r["type"] for r in resources)
    return f"Resources: {len(resources) - imports} to create, {imports} to import; {counts}"
