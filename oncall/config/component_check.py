"""The components' own checks, run on the args the config builds, reported at stack-file keys.

A rule about component args lives with the component (components/team/checks.py,
components/newrelic/checks.py, components/slack/component.py) and is written once: the config
layer does not repeat it. Instead it builds the args exactly as the program will
(oncall.config.args) and hands them to the same checks, so a stack file the components would
refuse is refused here, at the key path the user wrote, and `plan` or `up` never
gets as far as a component refusing its input.

A component's property path is mapped back to the stack file by renaming the fields the config
spells differently (`rotationTurnLengthSeconds` is `rotation`, `startTimeOfDay` is `startTime`,
…) and keeping the longest part of the path that the stack file has: a problem in what a member
inherits from `team.defaults` is reported at the member, and says which default it comes from;
one that every member who inherits the default has alike, about the default alone (two steps
alike), is reported once, at the default.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Final

from components._args import ComponentArgsError
from components.newrelic.checks import validate as check_alerts
from components.slack.component import validate as check_slack
from components.team.checks import raise_if_invalid as check_team
from components.vocabulary import SlackEvent
from oncall.config.alerts import NewRelicSettings, PagerDutySettings
from oncall.config.args import alerts_args, slack_args, team_args
from oncall.config.errors import MISSING
from oncall.config.issues import Issue, Loc, dotted
from oncall.config.site import Site
from oncall.config.slack import SlackSettings
from oncall.config.team import ResolvedTeam

PLACEHOLDER_ID: Final = "P000000"
"""What the checks see for an id only known at deploy time (the escalation policy, the service)."""

_TEAM_FIELDS: Final = {
    "escalationPolicy": "escalation",
    "numLoops": "loops",
    "escalationDelayInMinutes": "escalateAfterMinutes",
    "createTeam": "createPagerdutyTeam",
    "rotationTurnLengthSeconds": "rotation",
    "startTimeOfDay": "startTime",
    "durationSeconds": "durationHours",
    "startDayOfWeek": "startDay",
}
"""TeamOnCall's field names that `pantheon-oncall:team` spells differently."""

_TEAM_WORDS: Final = re.compile(r"\bcreateTeam\b")
"""TeamOnCall's switch named in a reason (one team per policy), as the stack file spells it."""

_ALERTS_KEYS: Final[dict[str, Loc]] = {
    "serviceName": ("pagerduty", "service"),
    "serviceDescription": ("pagerduty", "description"),
    "serviceImportId": ("pagerduty", "importId"),
    "vendorId": ("pagerduty", "vendorId"),
    "urgency": ("pagerduty", "urgency"),
    "supportHours": ("pagerduty", "supportHours"),
    "autoResolveTimeout": ("pagerduty", "autoResolveMinutes"),
    "acknowledgementTimeout": ("pagerduty", "acknowledgementTimeoutMinutes"),
    "escalationPolicyId": ("escalationPolicy",),
    "policyName": ("newrelic", "policyName"),
    "incidentPreference": ("newrelic", "incidentPreference"),
    "appName": ("newrelic", "appName"),
    "siteUrl": ("site",),
    "pingMonitor": ("newrelic", "pingMonitor"),
    "conditions": ("newrelic", "conditions"),
    "certificateMonitor": ("newrelic", "certificateMonitor"),
}
"""Where in the stack file each NewRelicPagerDutyChannel arg comes from."""

_ALERTS_FIELDS: Final[dict[str | int, str | int]] = {
    "daysBeforeExpiry": "days",
    "startTime": "start",
    "endTime": "end",
}
"""NewRelicPagerDutyChannel's field names inside those that the stack file spells differently."""

_SLACK_EVENTS: Final = re.compile(
    "|".join(re.escape(e.value) for e in sorted(SlackEvent, key=lambda e: -len(e.value)))
)
"""PagerDuty's event types named in a SlackExtension reason; the stack file writes `triggered`
(`oncall.config.slack.SLACK_EVENT_WORDS`: the member's name, lower-cased)."""

_SLACK_CHANNEL_KEYS: Final = {"id": "channelId", "name": "channel"}
"""SlackExtension's `channel.*` args that `pantheon-oncall:slack` spells differently (its
`adoptExisting` and `private` are the same keys, one level up)."""


def component_issues(
    values: Mapping[str, Any],
    team: ResolvedTeam | None,
    protect: bool,
    alerts: tuple[Site, PagerDutySettings, NewRelicSettings] | None = None,
    slack: SlackSettings | None = None,
) -> list[Issue]:
    """What the components' checks refuse in the args built from the resolved sections (`alerts`
    None for a team stack), located in the stack file's `values` (the `pantheon-oncall:*` keys
    without the namespace)."""
    issues: list[Issue] = []
    if team is not None:
        issues += _team_issues(_refused(check_team, team_args(team, protect), _team_loc), values)
    if alerts is not None:
        built = alerts_args(*alerts, PLACEHOLDER_ID)
        refused = _refused(check_alerts, built, _alerts_loc)
        issues += [_issue(_written_time(loc, values), reason, values) for loc, reason in refused]
    if slack is not None:
        channel = slack_args(slack, {"service": PLACEHOLDER_ID})
        refused = _refused(check_slack, channel, _slack_loc)
        issues += [_issue(loc, _slack_words(reason), values) for loc, reason in refused]
    return issues


def _slack_words(reason: str) -> str:
    """`reason` with PagerDuty's event types as the stack file writes them."""
    return _SLACK_EVENTS.sub(lambda m: SlackEvent(m[0]).name.lower(), reason)


def _refused(
    check: Callable[[Any], None], args: Any, locate: Callable[[Loc], Loc]
) -> list[tuple[Loc, str]]:
    """What `check` refuses in `args`: each problem's stack-file key path (`locate` maps the
    component's property path) and its reason."""
    try:
        check(args)
    except ComponentArgsError as e:
        return [(locate(_split(path)), reason) for path, reason in e.problems]
    return []


def _team_issues(refused: list[tuple[Loc, str]], values: Mapping[str, Any]) -> list[Issue]:
    """TeamOnCall's problems at their stack-file keys (`_team_issue`), in the component's order.
    One that every member who inherits a part of `team.defaults` has alike, and that is about that
    part alone (it names no member once the part is called the default's), is reported once, at
    the default: a duplicate step in `team.defaults.notify`, say, rather than at every member."""
    order: list[Issue | tuple[Loc, str]] = []
    alike: dict[tuple[Loc, str], dict[str, Issue]] = {}
    for loc, reason in refused:
        issue = _team_issue(loc, reason, values)
        own = _inherited(loc, issue.loc)
        general = None if own is None else _as_the_defaults(reason, str(loc[2]), own)
        if general is None:
            order.append(issue)
            continue
        if (loc[3:], general) not in alike:
            order.append((loc[3:], general))
        alike.setdefault((loc[3:], general), {})[str(loc[2])] = issue
    issues: list[Issue] = []
    for entry in order:
        if isinstance(entry, Issue):
            issues.append(entry)
        elif set(alike[entry]) == _heirs_of(entry[0], values):
            issues.append(_issue(("team", "defaults", *entry[0]), entry[1], values))
        else:
            issues += alike[entry].values()
    return issues


def _as_the_defaults(reason: str, slug: str, own: Loc) -> str | None:
    """`reason`, about the `own` part that member `slug` inherits, said of `team.defaults`; None
    when it names the member otherwise (a number of theirs, say: then the problem is theirs)."""
    general = reason.replace(f"members.{slug}.{dotted(own)}", f"defaults.{dotted(own)}")
    return None if f"members.{slug}." in general else general


def _heirs_of(part: Loc, values: Mapping[str, Any]) -> set[str]:
    """The members who inherit `part` of `team.defaults` (`notify.<urgency>…`, `handoff…`): those
    managed here (not `existing`) who do not write it (oncall.config.team, `_resolved`)."""
    members = values.get("team", {}).get("members", {})
    own = part[:2] if part[0] == "notify" else part[:1]
    return {
        str(slug)
        for slug, member in members.items()
        if isinstance(member, Mapping)
        and member.get("existing") is not True
        and not _writes(member, own)
    }


def _writes(found: Any, part: Loc) -> bool:
    """Whether the mapping `found` has the key path `part`."""
    for key in part:
        if not isinstance(found, Mapping) or found.get(key) is None:
            return False
        found = found[key]
    return True


def _team_issue(loc: Loc, reason: str, values: Mapping[str, Any]) -> Issue:
    """TeamOnCall's problem at `loc`, its switch named as the stack file spells it, and a problem
    in what a member inherits from `team.defaults` said to come from there."""
    issue = _issue(loc, _TEAM_WORDS.sub(_TEAM_FIELDS["createTeam"], reason), values)
    own = _inherited(loc, issue.loc)
    if own is None:
        return issue
    slug = loc[2]
    inherited = (
        f"from {dotted(('team', 'defaults', *loc[3:]))}, which {slug} inherits; "
        f"{slug}'s own {dotted(own)} would replace it"
    )
    return Issue(issue.loc, issue.value, f"{issue.message} ({inherited})")


def _inherited(loc: Loc, written: Loc) -> Loc | None:
    """The part of `team.defaults` the problem at a member's `loc` comes from (`notify.<urgency>`
    or `handoff`), when the member does not write it (`written` is the part the stack file has):
    their notification steps for an urgency, or their handoff notification (oncall.config.team,
    `_resolved`)."""
    if loc[:2] != ("team", "members") or len(loc) < 4 or loc[3] not in ("notify", "handoff"):
        return None
    own = loc[3:5] if loc[3] == "notify" else loc[3:4]
    if len(written) >= 3 + len(own):
        return None  # the member's own
    return own


def _issue(loc: Loc, reason: str, values: Mapping[str, Any]) -> Issue:
    """The problem at the longest part of `loc` the stack file has, with the value written there
    when the whole of `loc` is in it, or when it is one value the component splits (a phone
    number written as one string is the args' `countryCode` and `number`, a target `user:<slug>`
    their `type` and `ref`). A key the component says is required, in a mapping the stack file
    writes, is reported at that key: there is where the user adds it."""
    found: Any = values
    for depth, part in enumerate(loc):
        inside = found.get(part) if isinstance(found, Mapping) and isinstance(part, str) else None
        if isinstance(found, list) and isinstance(part, int) and 0 <= part < len(found):
            inside = found[part]
        if inside is None:
            last = depth == len(loc) - 1
            if last and isinstance(found, Mapping) and reason.startswith("required"):
                return Issue(loc, MISSING, _without_got(reason))
            written = MISSING if depth == 0 or isinstance(found, Mapping | list) else found
            return Issue(loc[: max(depth, 1)], written, _without_got(reason))
        found = inside
    return Issue(loc, found, _without_got(reason))


def _without_got(reason: str) -> str:
    """The component's reason without its own `(got …)`: the problem shows the value written."""
    return re.sub(r" \(got .*\)$", "", reason)


def _split(path: str) -> Loc:
    """`members.jane.notify.high[0].via` as ('members', 'jane', 'notify', 'high', 0, 'via')."""
    if path == "args":
        return ()
    parts: list[str | int] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        parts.append(int(index) if index else name)
    return tuple(parts)


def _team_loc(path: Loc) -> Loc:
    if path[:1] == ("protect",):
        return ("protect",)
    return ("team", *(_TEAM_FIELDS.get(p, p) if isinstance(p, str) else p for p in path))


def _written_time(loc: Loc, values: Mapping[str, Any]) -> Loc:
    """Support hours that end before they start are reported at `end`, or at `start` when the
    stack file writes only that: the other time is the preset's (oncall.config.urgency merges
    them), and the one to change is the one written."""
    if loc != ("pagerduty", "supportHours", "end"):
        return loc
    hours = values.get("pagerduty", {}).get("supportHours")
    if isinstance(hours, Mapping) and "end" not in hours and "start" in hours:
        return ("pagerduty", "supportHours", "start")
    return loc


def _slack_loc(path: Loc) -> Loc:
    if path[:1] == ("channel",) and len(path) > 1 and isinstance(path[1], str):
        return ("slack", _SLACK_CHANNEL_KEYS.get(path[1], path[1]))
    return ("slack", *path[:2])


def _alerts_loc(path: Loc) -> Loc:
    if not path or not isinstance(path[0], str) or path[0] not in _ALERTS_KEYS:
        return ("newrelic",)
    return (*_ALERTS_KEYS[path[0]], *(_ALERTS_FIELDS.get(p, p) for p in path[1:]))
