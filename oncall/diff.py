"""`python -m oncall diff --base REF [STACK...]`: what a change does to each stack, for review.

Each stack is planned offline as its files are at git revision REF (extracted with `git archive`
into a temporary folder: the user's checkout, index and worktrees are never touched) and as they
are in the working tree, in one process with a worker per core (oncall.fleet). When the change
touches no program code, both sides are planned by it and a stack whose files are the same on
both sides is planned once; when it changes code, the base is planned by its own code (`python -m
oncall plan --all --json` run in the extracted folder).

The report (Markdown on stdout, or `--json`) lists per stack the resources to add `+`, delete
`-`, update `~` (each changed property, old → new) and replace `+-` (with the reason), stacks
added or removed whole, and at the top every user, schedule or escalation policy that a live
stack would delete or replace, with the alias that would keep it. Exit 1 when a stack's new
version does not plan (a config error), 2 when git cannot produce REF.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from oncall import fleet, render, stackfile
from oncall.errors import ConfigError

# Properties the providers can only set when they create the resource: a change replaces it. The
# pinned schemas carry no replaceOnChanges marks, so they come from the providers' source:
# ForceNew / RequiresReplace in PagerDuty/terraform-provider-pagerduty
# (pagerduty/resource_pagerduty_service_integration.go, pagerdutyplugin/
# resource_pagerduty_team_membership.go) and newrelic/terraform-provider-newrelic (newrelic/
# resource_newrelic_{nrql_alert_condition,synthetics_monitor,notifications_destination,
# notifications_channel,alert_policy,workflow}.go). pablovarela/terraform-provider-slack's
# conversation has none.
REPLACE_ON_CHANGES: dict[str, frozenset[str]] = {
    "pagerduty:index/serviceIntegration:ServiceIntegration": frozenset(
        {"service", "type", "vendor", "emailFilters"}
    ),
    "pagerduty:index/teamMembership:TeamMembership": frozenset({"userId", "teamId"}),
    "newrelic:index/nrqlAlertCondition:NrqlAlertCondition": frozenset({"policyId", "type"}),
    "newrelic:synthetics/monitor:Monitor": frozenset({"type"}),
    "newrelic:index/notificationDestination:NotificationDestination": frozenset(
        {"accountId", "type"}
    ),
    "newrelic:index/notificationChannel:NotificationChannel": frozenset(
        {"accountId", "destinationId", "type", "product"}
    ),
    "newrelic:index/alertPolicy:AlertPolicy": frozenset({"accountId"}),
    "newrelic:index/workflow:Workflow": frozenset({"accountId"}),
}

GUARDED_TYPES = {
    "pagerduty:index/user:User": "user",
    "pagerduty:index/schedule:Schedule": "schedule",
    "pagerduty:index/escalationPolicy:EscalationPolicy": "escalation policy",
}
"""What a live stack must not lose by accident: people, their schedules, and the policies that
page them (their history and incidents go with them)."""

_OPTIONS = (("protect", "protect"), ("retainOnDelete", "retainOnDelete"), ("import", "import"))


@dataclass
class Change:
    """One resource's change: op is `+`, `-`, `~` or `+-`."""

    op: str
    type: str
    name: str
    properties: dict[str, list[str | None]] = field(default_factory=dict)
    """Path → [old, new] as oncall.render shows them (None: absent on that side)."""
    reason: str = ""
    renamed_to: str = ""
    """For a delete that is really a rename: the new name, the alias that would keep the
    resource under it, and the old URN (for `pulumi state rename`)."""
    alias: str = ""
    urn: str = ""

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"op": self.op, "type": self.type, "name": self.name}
        if self.properties:
            data["properties"] = {k: {"old": o, "new": n} for k, (o, n) in self.properties.items()}
        if self.reason:
            data["reason"] = self.reason
        if self.renamed_to:
            data |= {"renamedTo": self.renamed_to, "alias": self.alias, "urn": self.urn}
        return data


@dataclass
class StackDiff:
    """One stack's report: its status, its changes, and its problems."""

    stack: str
    status: str  # "changed", "unchanged", "added", "removed", "error"
    live: bool = False
    changes: list[Change] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    summary: str = ""

    def counts(self) -> dict[str, int]:
        ops = {"+": "add", "~": "update", "+-": "replace", "-": "delete"}
        counted = {word: 0 for word in ops.values()}
        for change in self.changes:
            counted[ops[change.op]] += 1
        return counted

    def callouts(self) -> list[str]:
        """Every user, schedule or escalation policy this live stack would delete or replace."""
        if not self.live:
            return []
        if self.status == "removed":  # nothing is deleted until someone destroys the stack
            guarded = sum(1 for c in self.changes if c.type in GUARDED_TYPES)
            return (
                [
                    f"`{self.stack}` is removed: `pulumi destroy -s {self.stack}` would delete its "
                    f"{guarded} user(s), schedule(s) and escalation polic(ies)"
                ]
                if guarded
                else []
            )
        out = []
        for c in self.changes:
            if c.op in ("-", "+-") and c.type in GUARDED_TYPES:
                verb = "deletes" if c.op == "-" else "replaces"
                children = sum(
                    1 for o in self.changes if o.renamed_to and o.name.startswith(f"{c.name}-")
                )
                also = f" (and the same for its {children} renamed children)" if children else ""
                keep = (
                    f" — it comes back as `{c.renamed_to}`: to keep it, {c.alias}, or run "
                    f"`pulumi state rename -s {self.stack} '{c.urn}' {c.renamed_to}` before "
                    f"`pulumi up`{also}"
                    if c.renamed_to
                    else ""
                )
                out.append(f"`{self.stack}` {verb} {GUARDED_TYPES[c.type]} `{c.name}`{keep}")
        return out

    def to_data(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "status": self.status,
            "live": self.live,
            "counts": self.counts(),
            "summary": self.summary,
            "changes": [c.to_data() for c in self.changes],
            "problems": self.problems,
            "notes": self.notes,
        }


# --- Comparing two plans --------------------------------------------------------------------------


def _snapshot(resource: Mapping[str, Any]) -> dict[str, str]:
    leaves = render.flatten(resource["inputs"]) if resource["custom"] else {}
    for label, key in _OPTIONS:
        if resource.get(key):
            leaves[f"({label})"] = render.value_text(key, resource[key])
    return leaves


def _by_key(data: Mapping[str, Any] | None) -> dict[tuple[str, str], Mapping[str, Any]]:
    return {(r["type"], r["name"]): r for r in (data or {}).get("resources", [])}


def compare(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> list[Change]:
    """The changes from plan data `old` to `new` (oncall.plan.to_data), in the new plan's order
    with deletes after."""
    before, after = _by_key(old), _by_key(new)
    # A resource with an alias naming a resource of the base plan is that resource, renamed.
    renamed_from = {
        key: (r["type"], alias)
        for key, r in after.items()
        for alias in r.get("aliases", [])
        if (r["type"], alias) in before and (r["type"], alias) not in after
    }
    aliased = set(renamed_from.values())
    if renamed_from:  # an alias keeps the id: what pointed at the old name points at the new
        names = {old: new for new, old in renamed_from.items()}
        before = {k: {**r, "inputs": _renamed(r["inputs"], names)} for k, r in before.items()}
    changes: list[Change] = []
    for key, resource in after.items():
        previous = before.get(key) or before.get(renamed_from.get(key, ("", "")))
        if previous is None:
            changes.append(Change("+", key[0], key[1], _added(resource)))
            continue
        changed = _changed(_snapshot(previous), _snapshot(resource))
        if previous["name"] != resource["name"]:
            changed["(name)"] = [previous["name"], resource["name"]]
        if not changed:
            continue
        forced = sorted(
            path
            for path in changed
            if path.split(".", 1)[0].split("[", 1)[0] in REPLACE_ON_CHANGES.get(key[0], ())
        )
        if forced:
            reason = f"{', '.join(forced)} can only be set when the resource is created"
            changes.append(Change("+-", key[0], key[1], changed, reason))
        else:
            changes.append(Change("~", key[0], key[1], changed))
    gone = [key for key in before if key not in after and key not in aliased]
    changes += [Change("-", t, n, _added(before[(t, n)], removed=True)) for t, n in gone]
    _pair_type_changes(changes)
    _pair_renames(changes, before, after)
    return changes


def _renamed(value: Any, names: Mapping[tuple[str, str], tuple[str, str]]) -> Any:
    """`value` with every reference to an aliased resource naming its new name."""
    if render.is_ref(value):
        target = value["ref"]
        key = (target.get("type", ""), target.get("name", ""))
        return {"ref": {**target, "name": names[key][1]}} if key in names else value
    if isinstance(value, dict):
        return {k: _renamed(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_renamed(v, names) for v in value]
    return value


def _added(resource: Mapping[str, Any], removed: bool = False) -> dict[str, list[str | None]]:
    leaves = _snapshot(resource)
    return {k: [v, None] if removed else [None, v] for k, v in leaves.items()}


def _changed(old: Mapping[str, str], new: Mapping[str, str]) -> dict[str, list[str | None]]:
    return {
        path: [old.get(path), new.get(path)]
        for path in sorted(old.keys() | new.keys())
        if old.get(path) != new.get(path)
    }


def _pair_type_changes(changes: list[Change]) -> None:
    """A delete and an add of the same name with another type is a replace: the type changed."""
    deleted = {c.name: c for c in changes if c.op == "-"}
    for change in list(changes):
        if change.op == "+" and change.name in deleted:
            old = deleted.pop(change.name)
            changes.remove(old)
            change.op = "+-"
            change.reason = f"its type changes from {render.short_type(old.type)}"


def _pair_renames(
    changes: list[Change],
    before: Mapping[tuple[str, str], Mapping[str, Any]],
    after: Mapping[tuple[str, str], Mapping[str, Any]],
) -> None:
    """A delete whose resource comes back under another name (same type, mostly the same inputs).

    When only its name changes (and the names it points at), it is a rename: the delete stays,
    with the alias that would keep the resource instead. When its inputs change too (a name that
    carries a value, like a notification rule's delay), it is one replace `+-`."""
    taken: set[int] = set()
    for change in [c for c in changes if c.op == "-"]:
        old_resource = before[(change.type, change.name)]
        old = _snapshot(old_resource)
        best, score = None, 0.5
        for candidate in changes:
            if candidate.op != "+" or candidate.type != change.type or id(candidate) in taken:
                continue
            new = _snapshot(after[(candidate.type, candidate.name)])
            shared = sum(1 for k, v in old.items() if new.get(k) == v)
            similarity = shared / max(len(old), len(new), 1)
            if similarity > score:
                best, score = candidate, similarity
        if best is None:
            continue
        taken.add(id(best))
        new_resource = after[(best.type, best.name)]
        if _masked(old_resource) == _masked(new_resource):
            change.renamed_to = best.name
            change.alias = _alias_hint(change.type, change.name, best.name)
            change.urn = str(old_resource.get("urn", ""))
        else:
            best.op = "+-"
            best.reason = f"its name changes from {change.name}"
            best.properties = _changed(old, _snapshot(new_resource))
            changes.remove(change)


def _alias_hint(type_: str, old: str, new: str) -> str:
    """How to keep a renamed resource: a member's earlier slug in the stack file (TeamOnCall names
    a user `<component>-<slug>`; `formerly` aliases it and its children), else a Pulumi alias."""
    component, _, old_slug = old.partition("-")
    new_component, _, new_slug = new.partition("-")
    if type_ == "pagerduty:index/user:User" and component == new_component and old_slug:
        return (
            f"add `formerly: [{old_slug}]` to `pantheon-oncall:team.members.{new_slug}` "
            f'(the alias `pulumi.Alias(name="{old}")`)'
        )
    return f'give `{new}` the alias `pulumi.Alias(name="{old}")`'


_EMBEDDED_REF = re.compile(r"<[^<>]*>")


def _masked(resource: Mapping[str, Any]) -> dict[str, str]:
    """A resource's leaves with every reference blanked: equal when only names differ."""

    def mask(value: Any) -> Any:
        if render.is_ref(value):
            return {"ref": {"name": "*"}}
        if isinstance(value, dict):
            return {k: mask(v) for k, v in value.items()}
        if isinstance(value, list):
            return [mask(v) for v in value]
        if isinstance(value, str):
            return _EMBEDDED_REF.sub("<*>", value)
        return value

    return _snapshot({**resource, "inputs": mask(resource["inputs"])})


# --- Planning both sides --------------------------------------------------------------------------


def _git(repo: Path, *args: str) -> bytes:
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip().splitlines()
        raise GitError(f"git {' '.join(args)}: {message[-1] if message else 'failed'}")
    return result.stdout


class GitError(Exception):
    """git could not produce the base revision."""


def extract(project_dir: Path, ref: str, into: Path) -> Path:
    """The project folder as it is at `ref`, extracted under `into` (read from git's objects
    only); returns the project folder's path there."""
    root = Path(_git(project_dir, "rev-parse", "--show-toplevel").decode().strip())
    archive = _git(root, "archive", "--format=tar", ref)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / project_dir.resolve().relative_to(root.resolve())


def _names(project_dir: Path) -> list[str]:
    try:
        return stackfile.stack_names(project_dir)
    except ConfigError:  # no Pulumi.yaml at that revision
        return []


def _is_live(project_dir: Path, stack: str) -> bool:
    """A live site's stack, or a team stack (its people serve every environment, live too)."""
    try:
        loaded = stackfile.load(project_dir, stack)
    except ConfigError:
        return False
    site = loaded.namespace(loaded.project).get("site")
    if not isinstance(site, dict):
        return True
    return str(site.get("env", "")).lower() == "live"


def _inputs_of(project_dir: Path, stack: str) -> bytes | None:
    """The files a stack's plan depends on besides the code: Pulumi.yaml and its stack file."""
    try:
        _, stacks_dir = stackfile.project_name(project_dir)
        return (project_dir / "Pulumi.yaml").read_bytes() + (
            stacks_dir / f"Pulumi.{stack}.yaml"
        ).read_bytes()
    except (ConfigError, OSError):
        return None


def diff_stacks(
    project_dir: Path,
    base_dir: Path,
    stacks: Sequence[str] = (),
    *,
    base_plans: Mapping[str, fleet.Outcome] | None = None,
    jobs: int | None = None,
    progress: fleet.Progress | None = None,
) -> list[StackDiff]:
    """The report of every stack (or the named ones) from `base_dir` to `project_dir`.

    `base_plans`: the base's stacks as the base's own code planned them (see `plan_with_code_at`);
    without it the base is planned by this process's code, and a stack whose files are the same
    on both sides is planned once."""
    old_names, new_names = set(_names(base_dir)), set(_names(project_dir))
    names = sorted(set(stacks) or (old_names | new_names))
    same = set()
    if base_plans is None:
        same = {
            name
            for name in set(names) & old_names & new_names
            if _inputs_of(base_dir, name) == _inputs_of(project_dir, name)
        }
    tasks = [(project_dir, n) for n in names if n in new_names]
    if base_plans is None:
        tasks += [(base_dir, n) for n in names if n in old_names and n not in same]
    outcomes = {
        (o.project_dir, o.stack): o for o in fleet.plan_many(tasks, jobs=jobs, progress=progress)
    }
    outcomes |= {(base_dir, n): o for n, o in (base_plans or {}).items() if n in old_names}
    reports = []
    for name in names:
        new = outcomes.get((project_dir, name))
        old = outcomes.get((base_dir, name), new if name in same else None)
        live_dir = project_dir if name in new_names else base_dir
        reports.append(_stack_report(name, old, new, _is_live(live_dir, name)))
    return reports


def code_changes(project_dir: Path, ref: str) -> list[str]:
    """The program's Python files that differ between `ref` and the working tree (tests and
    benchmarks aside: they don't change a plan)."""
    root = Path(_git(project_dir, "rev-parse", "--show-toplevel").decode().strip())
    rel = project_dir.resolve().relative_to(root.resolve())
    changed = _git(root, "diff", "--name-only", ref, "--", str(rel)).decode().splitlines()
    return [
        path
        for path in changed
        if path.endswith(".py") and Path(path).relative_to(rel).parts[0] not in ("tests", "bench")
    ]


def plan_with_code_at(base_dir: Path, jobs: int | None) -> dict[str, fleet.Outcome] | None:
    """Every stack of `base_dir` planned by the code in `base_dir` (`python -m oncall plan --all
    --json` run there), or None when that version cannot (it predates `plan --all`)."""
    command = [sys.executable, "-m", "oncall", "--project-dir", str(base_dir), "plan", "--all"]
    command += ["--json", *([f"--jobs={jobs}"] if jobs else [])]
    result = subprocess.run(command, cwd=base_dir, stdout=subprocess.PIPE, check=False)
    if result.returncode not in (0, 1):
        return None
    try:
        plans = json.loads(result.stdout)
    except json.JSONDecodeError:
        return None
    return {
        name: fleet.Outcome(base_dir, name, None, tuple(data["problems"]))
        if "problems" in data
        else fleet.Outcome(base_dir, name, data)
        for name, data in plans.items()
    }


def _stack_report(
    name: str, old: fleet.Outcome | None, new: fleet.Outcome | None, live: bool
) -> StackDiff:
    if new is not None and new.data is None:
        return StackDiff(name, "error", live, problems=list(new.problems))
    report = StackDiff(name, "changed", live)
    if old is not None and old.data is None:
        report.notes.append(
            "the base version did not plan, so everything shows as new: " + "; ".join(old.problems)
        )
    old_data = old.data if old is not None else None
    new_data = new.data if new is not None else None
    report.changes = compare(old_data, new_data)
    if new is None:
        report.status = "removed"
        report.notes.append(
            f"the stack file is gone; its resources stay until `pulumi destroy -s {name}`"
        )
    elif old is None:
        report.status = "added"
    elif not report.changes:
        report.status = "unchanged"
    report.summary = _summary(report)
    return report


def _summary(report: StackDiff) -> str:
    counts = report.counts()
    text = ", ".join(f"{n} to {word}" for word, n in counts.items() if n) or "no changes"
    touched = [c.type for c in report.changes]
    return f"{text}; {render.by_provider(touched)}" if touched else text


# --- The report -----------------------------------------------------------------------------------


def to_data(
    base: str, reports: Iterable[StackDiff], planned_by: str = "both sides planned by the same code"
) -> dict[str, Any]:
    reports = list(reports)
    totals = {"add": 0, "update": 0, "replace": 0, "delete": 0}
    for r in reports:
        for word, n in r.counts().items():
            totals[word] += n
    return {
        "base": base,
        "plannedBy": planned_by,
        "callouts": [line for r in reports for line in r.callouts()],
        "totals": totals,
        "stacks": [r.to_data() for r in reports],
    }


def markdown(data: Mapping[str, Any]) -> str:
    """The PR comment: callouts first, one line of totals, a section per changed stack, and one
    line for every unchanged stack."""
    stacks = data["stacks"]
    lines = [f"## On-call plan: this change against `{data['base']}`", ""]
    if data["callouts"]:
        lines += ["> [!WARNING]", "> **A live stack would lose a person, schedule or policy:**"]
        lines += [f"> - {c}" for c in data["callouts"]]
        lines.append("")
    by_status: dict[str, list[Mapping[str, Any]]] = {}
    for s in stacks:
        by_status.setdefault(s["status"], []).append(s)
    totals = ", ".join(f"{n} to {w}" for w, n in data["totals"].items())
    states = ", ".join(f"{len(v)} {k}" for k, v in sorted(by_status.items()))
    lines += [f"**{len(stacks)} stack(s): {states}. Resources: {totals}.**", ""]
    for s in stacks:
        if s["status"] == "unchanged":
            continue
        lines += _stack_markdown(s)
    unchanged = by_status.get("unchanged", [])
    if unchanged:
        lines.append("Unchanged: " + ", ".join(f"`{s['stack']}`" for s in unchanged))
        lines.append("")
    lines.append(
        f"<sub>Offline plan (`python -m oncall diff`) under the mock engine: {data['plannedBy']}; "
        "secrets show as [secret].</sub>"
    )
    return "\n".join(lines) + "\n"


_TITLES = {
    "added": "new stack",
    "removed": "stack removed",
    "changed": "changed",
    "error": "does not plan",
}


def _stack_markdown(s: Mapping[str, Any]) -> list[str]:
    live = " (live)" if s["live"] else ""
    lines = [f"### `{s['stack']}`{live}: {_TITLES[s['status']]}"]
    if s["status"] == "error":
        lines += ["", "Configuration error (this stack cannot be deployed as it is):", ""]
        lines += [f"- {_code(p)}" for p in s["problems"]]
        return [*lines, ""]
    lines += ["", s["summary"], ""]
    lines += [f"> {n}" for n in s["notes"]]
    if s["notes"]:
        lines.append("")
    if s["status"] in ("added", "removed"):
        return lines  # a whole stack: its summary says what it holds
    lines.append("```diff")
    for c in s["changes"]:
        reason = f"  (replace: {c['reason']})" if c.get("reason") else ""
        lines.append(f"{c['op']} {render.short_type(c['type'])}  {c['name']}{reason}")
        if c["op"] != "-":
            for path, values in c.get("properties", {}).items():
                lines.append(_property_line(c["op"], path, values["old"], values["new"]))
        if c.get("renamedTo"):
            lines.append(f"    renamed to {c['renamedTo']}: an alias keeps it ({c['alias']})")
    lines += ["```", ""]
    return lines


def _property_line(op: str, path: str, old: str | None, new: str | None) -> str:
    if op == "+":
        return f"    {path}: {new}"
    before = "(none)" if old is None else old
    after = "(none)" if new is None else new
    return f"    {path}: {before} → {after}"


def _code(text: str) -> str:
    return "`" + text.replace("`", "'") + "`"


def command(
    project_dir: Path, base: str, stacks: Sequence[str], as_json: bool, jobs: int | None
) -> int:
    """`oncall diff`: the report on stdout; exit 1 when a stack's new version does not plan."""
    with tempfile.TemporaryDirectory(prefix="oncall-diff-") as tmp:
        try:
            base_dir = extract(project_dir, base, Path(tmp))
            changed_code = code_changes(project_dir, base)
        except GitError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        base_plans = plan_with_code_at(base_dir, jobs) if changed_code else None
        reports = diff_stacks(
            project_dir,
            base_dir,
            stacks,
            base_plans=base_plans,
            jobs=jobs,
            progress=fleet.Progress(label="diff"),
        )
    data = to_data(base, reports, _planned_by(changed_code, base_plans is not None))
    sys.stdout.write(
        json.dumps(data, indent=2, ensure_ascii=False) + "\n" if as_json else markdown(data)
    )
    return 1 if any(r.status == "error" for r in reports) else 0


def _planned_by(changed_code: list[str], base_code_ran: bool) -> str:
    if not changed_code:
        return "both sides planned by the same code (this change touches no program code)"
    if base_code_ran:
        return f"each side planned by its own code ({len(changed_code)} code file(s) changed)"
    return (
        f"this change also changes {len(changed_code)} code file(s), and the base's code cannot "
        "plan on its own (it predates `plan --all`): both sides planned by the new code, so what "
        "the code change itself does shows in `pulumi preview`, not here"
    )
