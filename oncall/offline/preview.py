"""The plan as `oncall plan` prints it by default: like `pulumi preview`, one line per resource.

    Previewing pantheon-oncall/example-live offline (mock engine; nothing is sent)

         Type                                   Name              Plan    Info
     +   pantheon-oncall:TeamOnCall             team              create
     +   ├─ pagerduty:User                      team-jane         create  name: Jane Doe, …
     +   │  └─ pagerduty:UserContactMethod      team-jane-phone   create  type: phone_…, …

The markers are `pulumi preview`'s: `+` create, `=` import, `>` read, `~` update, `-` delete,
`+-` replace (an offline plan only creates, imports and reads a team stack's outputs). On a
terminal they are coloured, unless `NO_COLOR` is set (https://no-color.org). Then the lookups and
outputs in a line each, the schedules and the warnings, and the counts last. `oncall plan
--details` prints every input (plan.text_of).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any, Final, TextIO

from oncall.offline import render
from oncall.offline.plan import credentials_note, findings_lines

COLOURS: Final = {
    "+": "green",
    "=": "cyan",
    ">": "cyan",
    "~": "yellow",
    "-": "red",
    "+-": "magenta",
}
"""The markers' colours, as `pulumi preview` has them (rich's names of the 8 standard colours)."""

PLANS: Final = {
    "+": "create",
    "=": "import",
    ">": "read",
    "~": "update",
    "-": "delete",
    "+-": "replace",
}

READS: Final = frozenset({"pulumi:pulumi:StackReference"})
"""Types whose registration reads something that exists (another stack's outputs)."""

INFO: Final = {
    "pagerduty:User": ("name", "email", "role"),
    "pagerduty:UserContactMethod": ("type", "address"),
    "pagerduty:UserNotificationRule": ("urgency", "startDelayInMinutes"),
    "pagerduty:UserHandoffNotificationRule": ("handoffType", "notifyAdvanceInMinutes"),
    "pagerduty:Schedule": ("name", "timeZone"),
    "pagerduty:EscalationPolicy": ("name", "numLoops"),
    "pagerduty:SlackConnection": ("notificationType",),
    "pagerduty:TeamMembership": ("role",),
    "newrelic:synthetics:Monitor": ("name", "period"),
    "newrelic:synthetics:CertCheckMonitor": ("domain", "certificateExpiration", "period"),
    "slack:Conversation": ("name", "isPrivate"),
}
"""The inputs that matter, per type, shown on a resource's line (default: `name`)."""

INFO_WIDTH: Final = 70
"""Where a line's information is cut (with …), so that a line stays a line."""


def use_colour(stream: TextIO) -> bool:
    """Colour for a terminal that shows it, as rich decides: not with NO_COLOR set to anything
    (no-color.org), nor on a TERM=dumb terminal. Off a terminal, never (and rich is not loaded)."""
    if not stream.isatty() or os.environ.get("NO_COLOR"):
        return False
    from rich.console import Console

    console = Console(file=stream)
    return console.is_terminal and not console.no_color and console.color_system is not None


@cache
def marker(mark: str, colour: bool) -> str:
    """`mark` coloured (an 8-colour ANSI code, which every colour terminal shows), or as it is."""
    if not colour:
        return mark
    from rich.color import ColorSystem
    from rich.style import Style

    return Style(color=COLOURS[mark]).render(mark, color_system=ColorSystem.STANDARD)


def preview_of(data: Mapping[str, Any], colour: bool = False) -> str:
    """The plan data (plan.to_data) as a preview: a line per resource, the counts last."""
    lines = [
        f"Previewing {data['project']}/{data['stack']} offline (mock engine; nothing is sent; "
        "--details shows every input)",
        "",
    ]
    if data.get("environments"):
        lines += [credentials_note(data["environments"]), ""]
    lines.extend(resource_lines(data["resources"], colour))
    if data["invokes"]:
        tokens = sorted({render.short_type(i["token"]) for i in data["invokes"]})
        lines += ["", f"Lookups at deploy time: {len(data['invokes'])} ({', '.join(tokens)})"]
    if data["outputs"]:
        lines += ["", f"Outputs: {', '.join(sorted(data['outputs']))}"]
    lines.extend(findings_lines(data))
    violations = data.get("schemaViolations")
    if violations:
        lines += ["", f"{len(violations)} schema violation(s):"]
        lines.extend(f"    {v}" for v in violations)
    elif violations is not None:
        lines += ["", "Every resource and lookup conforms to the providers' schemas."]
    lines += ["", *count_lines(data["resources"], colour)]
    return "\n".join(lines) + "\n"


def resource_lines(resources: Sequence[Mapping[str, Any]], colour: bool) -> list[str]:
    """The table: marker, the type drawn as a tree under its parent, name, plan, information."""
    rows = [(_mark(r), prefix + render.short_type(r["type"]), r) for r, prefix in _tree(resources)]
    type_width = max([len("Type"), *(len(t) for _, t, _ in rows)])
    name_width = max([len("Name"), *(len(r["name"]) for _, _, r in rows)])
    lines = [f"     {'Type':<{type_width}}  {'Name':<{name_width}}  Plan     Info".rstrip()]
    for mark, type_text, r in rows:
        info = _info(r)
        plan = PLANS[mark]
        pad = " " * (3 - len(mark))
        line = f" {marker(mark, colour)}{pad} {type_text:<{type_width}}  {r['name']:<{name_width}}"
        lines.append(f"{line}  {plan:<7}  {info}".rstrip())
    return lines


def count_lines(resources: Sequence[Mapping[str, Any]], colour: bool) -> list[str]:
    """`Resources:` with a line per marker, and the counts by provider and type."""
    custom = [r for r in resources if r["custom"]]
    counts: dict[str, int] = {}
    for r in custom:
        counts[_mark(r)] = counts.get(_mark(r), 0) + 1
    lines = ["Resources:"]
    for mark in PLANS:
        if counts.get(mark):
            lines.append(f"    {marker(mark, colour)} {counts[mark]} to {PLANS[mark]}")
    if not counts:
        lines.append("    none")
    lines.append(f"    {render.by_provider(r['type'] for r in custom)}")
    return lines


def _mark(resource: Mapping[str, Any]) -> str:
    if resource["type"] in READS:
        return ">"
    return "=" if resource.get("import") else "+"


def _tree(
    resources: Sequence[Mapping[str, Any]],
) -> list[tuple[Mapping[str, Any], str]]:
    """Each resource (parents first, as plan.to_data orders them) with its tree prefix."""
    keys = {f"{r['type']}::{r['name']}" for r in resources}
    children: dict[str, list[Mapping[str, Any]]] = {}
    for r in resources:
        parent = r["parent"] if r["parent"] in keys else ""
        children.setdefault(parent, []).append(r)
    out: list[tuple[Mapping[str, Any], str]] = []

    def walk(parent: str, indent: str, top: bool) -> None:
        kids = children.get(parent, [])
        for index, r in enumerate(kids):
            last = index == len(kids) - 1
            out.append((r, "" if top else indent + ("└─ " if last else "├─ ")))
            deeper = "" if top else indent + ("   " if last else "│  ")
            walk(f"{r['type']}::{r['name']}", deeper, False)

    walk("", "", True)
    return out


def _info(resource: Mapping[str, Any]) -> str:
    """The inputs that matter for this type, `key: value`, and the protect/retain flags."""
    if not resource["custom"]:
        return ""
    inputs = resource["inputs"]
    keys = INFO.get(render.short_type(resource["type"]), ("name",))
    parts = [f"{k}: {render.value_text(k, inputs[k])}" for k in keys if k in inputs]
    text = ", ".join(parts)
    if len(text) > INFO_WIDTH:
        text = text[: INFO_WIDTH - 1] + "…"
    flags = [
        f
        for f, on in (("protect", resource["protect"]), ("retain", resource["retainOnDelete"]))
        if on
    ]
    if resource.get("import"):
        flags.insert(0, f"import {resource['import']}")
    return f"{text}  [{', '.join(flags)}]".strip() if flags else text
