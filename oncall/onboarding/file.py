"""The stack file `oncall import` writes: YAML laid out as the files in stacks/ are.

Team defaults are what most members have (each urgency's notification steps, the handoff rule), so
members list only what differs (an adopted rule's `importId` is one member's: members write their
own rules with it). The header says what was imported, where the credentials come from, and what
the contract cannot express.
Before it is written, the file is parsed by the config contract (oncall.config): a failure there
is a bug in the import, reported as one `ImportFailed`.

Everything the API answered is hostile text here: it reaches the file only as YAML data (the
dumper quotes and escapes it) or inside one comment line, with its line breaks and other control
characters escaped, so no name or summary can end a comment and start a key of its own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from oncall.config import NAMESPACE, parse_stack_config
from oncall.config.errors import ConfigError, printable
from oncall.onboarding.account import ImportFailed
from oncall.onboarding.newsite import credentials_comment


class Flow(dict[str, Any]):
    """A mapping written on one line (`{name: Jane, …}`), as the stack files in stacks/ do."""


class FlowList(list[Any]):
    """A list written on one line."""


class _Dumper(yaml.SafeDumper):
    """Indents block lists under their key, as the stack files in stacks/ do."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


_Dumper.add_representer(
    Flow, lambda d, data: d.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True)
)
_Dumper.add_representer(
    FlowList, lambda d, data: d.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)
)


def team_defaults(members: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    """The team defaults: each urgency's most common rules, and the most common handoff, without
    the ids of the rules they were read from (the contract refuses an importId there)."""
    managed = [m for m in members.values() if not m.get("existing")]
    notify = {}
    for urgency in ("high", "low"):
        lists = [tuple(_freeze(s) for s in m["notify"][urgency]) for m in managed]
        common = Counter(lists).most_common(1)[0][0] if lists else ()
        notify[urgency] = FlowList(Flow(dict(step)) for step in common)
    handoffs: list[Any] = [_freeze(m["handoff"]) for m in managed]
    handoff: Any = Counter(handoffs).most_common(1)[0][0] if handoffs else False
    return {"notify": notify, "handoff": Flow(handoff) if handoff else False}


def without_defaults(member: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """The member with only what differs from the team defaults."""
    if member.get("existing"):
        return member
    adoption = ("importId", "emailContactMethodId")
    out = {k: v for k, v in member.items() if k not in ("notify", "handoff", *adoption)}
    own = {
        urgency: FlowList(Flow(s) for s in steps)
        for urgency, steps in member["notify"].items()
        if steps != defaults["notify"][urgency]
    }
    if own:
        out["notify"] = own
    if member["handoff"] != defaults["handoff"]:
        out["handoff"] = Flow(member["handoff"]) if member["handoff"] else False
    out |= {k: member[k] for k in adoption if k in member}
    return out


def _freeze(value: Any) -> Any:
    """A step or handoff as a hashable tuple, without its importId (one member's rule)."""
    if not isinstance(value, dict):
        return value
    return tuple((k, v) for k, v in value.items() if k != "importId")


def render(
    config: dict[str, Any],
    source: str,
    notes: Sequence[str],
    environments: Sequence[str],
) -> str:
    """The stack file's text: the header (what `source` was imported, the credentials, the
    `notes`), then the ESC `environments` and the `config`."""
    header = [
        f"# Imported from PagerDuty by `oncall import` ({_one_line(source)}).",
        "# Every user, schedule, the escalation policy and the service carry their importId,",
        "# and so do members' phone and SMS contact methods ({number, importId, label}) and",
        "# their notification and handoff rules (importId on each notify step and handoff);",
        "# the login e-mail's contact method is emailContactMethodId. `pulumi up` adopts them",
        "# instead of creating duplicates. E-mail at once is PagerDuty's own rule: its step",
        "# has no importId, and the stack leaves the rule as it is.",
    ]
    header.append(credentials_comment(environments))
    if notes:
        header += [
            "#",
            "# What this stack file cannot express (review it before `pulumi up`):",
        ]
        header += [f"#   - {_one_line(note)}" for note in notes]
    doc: dict[str, Any] = {}
    if environments:
        doc["environment"] = list(environments)
    doc["config"] = config
    body = yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=4096)
    return "\n".join(header) + "\n" + body


_COMMENT_LENGTH = 1000
"""How much of one note a comment line keeps (a summary can be any length)."""


def _one_line(text: str) -> str:
    """`text` for one comment line: line breaks (\\n, \\r, NEL, U+2028…) and every other control
    character escaped, so it cannot end the comment."""
    return printable(text, _COMMENT_LENGTH)


def check(text: str) -> None:
    """The file must satisfy the config contract; a failure here is a bug in the import."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise ImportFailed(f"the stack file written does not read back as YAML: {e}") from None
    prefix = f"{NAMESPACE}:"
    values = {k[len(prefix) :]: v for k, v in doc["config"].items() if k.startswith(prefix)}
    try:
        parse_stack_config(values)
    except ConfigError as e:
        raise ImportFailed(
            "the imported account does not fit the config contract:\n"
            + "\n".join(f"  {p}" for p in e.problems)
        ) from None
