"""What a change does to a stack: the changes from one plan's data to another's.

`compare` reads two plans (oncall.offline.plan.to_data) and lists per resource an add `+`, a delete
`-`, an update `~` (each changed property, old → new) or a replace `+-` (with the reason: a changed
name or type, or a property the provider can only set on create), and pairs a delete with the
create that is the same resource renamed, with the alias that would keep it. `stack_report` makes
one stack's `StackDiff` from its two plans. Rendering them is oncall.review.report's; planning both
sides is oncall.review.diff's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from oncall.offline import fleet, render

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
    """Path → [old, new] as oncall.offline.render shows them (None: absent on that side)."""
    reason: str = ""
    renamed_to: str = ""
    """For a delete that is really a rename: the new name, the alias that would keep the
    resource under it, and the old URN (for `pulumi state rename`)."""
    alias: str = ""
    urn: str = ""

    def to_data(self) -> dict[str, Any]:
        """The change as plain data; properties as {"old", "new"}."""
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
    coverage: list[str] = field(default_factory=list)
    """Per schedule of the new version, its coverage and gaps (`was …` where the base differs)."""
    roster: dict[str, Any] | None = None
    """What the change does to the people on call (oncall.review.shifts.roster_report)."""

    def counts(self) -> dict[str, int]:
        """How many resources it would add, update, replace and delete."""
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
        """The stack's report as plain data (`oncall diff --json`)."""
        return {
            "stack": self.stack,
            "status": self.status,
            "live": self.live,
            "counts": self.counts(),
            "summary": self.summary,
            "changes": [c.to_data() for c in self.changes],
            "problems": self.problems,
            "notes": self.notes,
            "coverage": self.coverage,
        } | ({"roster": self.roster} if self.roster else {})


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
    """The changes from plan data `old` to `new` (oncall.offline.plan.to_data), in the new plan's
    order with deletes after."""
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
        # A value that is secret on one side may be the same value: no reason to replace.
        unseen = {_top(path) for path, sides in changed.items() if render.SECRET_TEXT in sides}
        forced = sorted(
            path
            for path in changed
            if _top(path) in REPLACE_ON_CHANGES.get(key[0], ()) and _top(path) not in unseen
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


def _top(path: str) -> str:
    """The input a leaf's path is under: `critical.threshold` and `properties[0].key` → the first
    key."""
    return path.split(".", 1)[0].split("[", 1)[0]


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


def stack_report(
    name: str, old: fleet.Outcome | None, new: fleet.Outcome | None, live: bool
) -> StackDiff:
    """One stack's report from its base plan `old` and new plan `new` (None: the stack
    is not on that side)."""
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
    report.coverage = _coverage_lines(old_data, new_data)
    return report


def _coverage(data: Mapping[str, Any] | None) -> dict[str, str]:
    """A plan's coverage lines (`schedule default (Default): 100.0 % covered, …`) by schedule."""
    lines = (data or {}).get("schedules", [])
    return dict(line.split(": ", 1) for line in lines if line.startswith("schedule "))


def _coverage_lines(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> list[str]:
    """Each schedule's coverage in the new version, with the base's where it differs."""
    before, after = _coverage(old), _coverage(new)
    return [
        f"{key}: {text}" + (f" (was: {before[key]})" if before.get(key, text) != text else "")
        for key, text in after.items()
    ]


def _summary(report: StackDiff) -> str:
    counts = report.counts()
    text = ", ".join(f"{n} to {word}" for word, n in counts.items() if n) or "no changes"
    touched = [c.type for c in report.changes]
    return f"{text}; {render.by_provider(touched)}" if touched else text
