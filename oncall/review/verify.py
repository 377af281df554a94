"""`oncall verify` (`make stacks`): the user's own stacks checked for a safe deploy, offline.

The project's tests plan fixture stacks of their own (tests/project/), so a repository an agency
fills with its sites stays green whatever it adds to stacks/. This command checks those sites:

- every stack in stacks/ plans (the config is valid, the components accept it; with --schemas,
  every resource conforms to the providers' schemas);
- the policy pack (policy/guardrails.py) passes: a mandatory policy's violation fails, an
  advisory one is printed;
- no resource loses its URN. Pulumi identifies a resource by its URN; one that changes (a renamed
  member slug, schedule key or site) makes `pulumi up` delete the live object and create a new
  one, for a PagerDuty user its phone numbers, rules and on-call history. The URNs of every stack
  are recorded in stacks/.urns.json (commit it). A stack not yet recorded is recorded, not
  failed; so are resources a stack adds. A recorded URN that no resource has any more (neither
  as its URN nor as an alias) fails, naming the command that accepts the change on purpose.

    oncall verify             # check every stack; record new stacks and resources
    oncall verify --accept    # also accept lost URNs (the resources will be replaced)
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from oncall.config import stackfile
from oncall.config.errors import ConfigError
from oncall.offline.schemas import schemas_chosen

RECORD = ".urns.json"
"""The URN record's file name, in the stack files' folder."""

ACCEPT = "make stacks-accept"
"""The command that accepts lost URNs (`oncall verify --accept`)."""


@dataclass
class StackResult:
    """What the check found in one stack."""

    stack: str
    urns: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    """Failures: plan problems, schema and mandatory policy violations, lost URNs."""
    notes: list[str] = field(default_factory=list)
    """Printed, not failed: warnings, advisory policies, what was recorded."""


def lost_urns(recorded: list[str], urns: set[str], aliases: set[str]) -> list[str]:
    """The recorded URNs no resource has any more, neither as its URN nor as an alias."""
    return [urn for urn in recorded if urn not in urns and urn not in aliases]


def check_stack(
    project_dir: Path, stack: str, recorded: list[str] | None, schemas: Any, accept: bool
) -> StackResult:
    """Plan `stack`, run the policy pack over the plan, compare its URNs with `recorded`."""
    from oncall.offline import plan as planning
    from oncall.offline import policycheck

    result = StackResult(stack)
    try:
        plan = planning.plan_stack(project_dir, stack, schemas=schemas)
    except ConfigError as e:
        result.errors += [str(p) for p in e.problems]
        return result
    except ValueError as e:  # a component's own argument check
        result.errors.append(str(e))
        return result
    result.errors += [f"schema: {v}" for v in plan.violations or ()]
    result.notes += [f"warning: {w}" for w in plan.run.warnings]
    result.notes += [line for line in plan.schedules if line.startswith("warning: ")]
    report = policycheck.run_pack(policycheck.policy_view(plan.run))
    levels = policycheck.enforcement_levels()
    for policy, message, _urn in report.violations:
        line = f"policy {policy}: {message}"
        (result.errors if levels.get(policy) == "mandatory" else result.notes).append(line)
    result.notes += [f"policy {p}: not run in a preview ({m})" for p, m in report.unknown]
    urns = {r.urn for r in plan.run.resources}
    result.urns = sorted(urns)
    if recorded is None:
        result.notes.append(f"recorded: a new stack, {len(urns)} URNs")
        return result
    aliases = {a for r in plan.run.resources for a in r.aliases}
    gone = lost_urns(recorded, urns, aliases)
    if gone and not accept:
        result.errors.append(
            f"{len(gone)} resource(s) would be deleted and created anew by `pulumi up` "
            "(their URN changed): give the new resource an alias naming the old URN (a renamed "
            "member: `formerly: [<old slug>]`), or, if replacing them is intended, run "
            f"`{ACCEPT}` and commit stacks/{RECORD}"
        )
        result.errors += [f"  lost: {urn}" for urn in gone]
        result.urns = recorded  # the record keeps what is live until the change is accepted
    elif gone:
        result.notes.append(f"accepted: {len(gone)} URN(s) replaced")
    added = sorted(urns - set(recorded))
    if added and not (gone and not accept):
        result.notes.append(f"recorded: {len(added)} new resource(s)")
    return result


def run(args: argparse.Namespace) -> int:
    """Check every stack; print one block per stack; exit 1 when any failed."""
    project_dir: Path = args.project_dir
    schemas = schemas_chosen(args.schemas)
    _, stacks_dir = stackfile.project_name(project_dir)
    record_path = stacks_dir / RECORD
    record = _read_record(record_path)
    stacks = stackfile.stack_names(project_dir)
    results = [check_stack(project_dir, s, record.get(s), schemas, args.accept) for s in stacks]
    failed = [r.stack for r in results if r.errors]
    for r in results:
        status = "FAILED" if r.errors else "ok"
        print(f"{r.stack}: {status} ({len(r.urns)} URNs)")
        for line in [*r.errors, *r.notes]:
            print(f"    {line}")
    removed = sorted(set(record) - set(stacks))
    if removed:
        print(f"no longer recorded (no stack file): {', '.join(removed)}")
    new_record = {r.stack: r.urns for r in results if r.urns}
    new_record.update({s: record[s] for s in stacks if s in record and s not in new_record})
    if new_record != record:
        record_path.write_text(json.dumps(new_record, indent=2, sort_keys=True) + "\n")
        print(f"wrote {record_path.relative_to(project_dir)}: commit it with the stack files")
    if failed:
        print(f"{len(failed)} of {len(stacks)} stack(s) failed: {', '.join(failed)}")
        return 1
    print(f"{len(stacks)} stack(s) plan, pass the policy pack and keep their URNs")
    return 0


def _read_record(path: Path) -> dict[str, list[str]]:
    """The URN record, {} when there is none yet; a broken one is a ConfigError."""
    from oncall.config.errors import MISSING, Problem

    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as e:
        raise ConfigError(
            [Problem(str(path), MISSING, f"not JSON ({e.msg}, line {e.lineno})")]
        ) from e
    if not isinstance(data, dict) or not all(
        isinstance(urns, list) and all(isinstance(u, str) for u in urns) for urns in data.values()
    ):
        raise ConfigError(
            [
                Problem(
                    str(path),
                    MISSING,
                    "expected {stack: [URN, ...]}; delete it and run `make stacks` to "
                    "record every stack anew",
                )
            ]
        )
    return data
