"""The report of `oncall diff`: the PR comment's Markdown, and the same as data (`--json`).

Both are made from oncall.review.changes's `StackDiff`s: `to_data` turns them into plain data,
`markdown` renders that data (so a report read back from JSON renders the same).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from oncall.offline import render
from oncall.review.changes import StackDiff
from oncall.review.shifts import roster_markdown


def to_data(
    base: str, reports: Iterable[StackDiff], planned_by: str = "both sides planned by the same code"
) -> dict[str, Any]:
    """The whole report as plain data: callouts, totals, and every stack's report."""
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
        f"<sub>Offline plan (`oncall diff`) under the mock engine: {data['plannedBy']}; "
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
    if s.get("coverage") and s["status"] != "removed":
        lines += [*(f"- {line}" for line in s["coverage"]), ""]
    if s.get("roster"):
        lines += roster_markdown(s["roster"])
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
            # A code block shows backticks as they are: the hint is plain text there.
            hint = c["alias"].replace("`", "")
            lines.append(f"    renamed to {c['renamedTo']}: an alias keeps it ({hint})")
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
