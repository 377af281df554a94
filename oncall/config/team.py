"""`pantheon-oncall:team`: the team, its rules across members, schedules and escalation, resolved.

Pydantic checks each part on its own (`members.py`, `schedules.py`); the team-wide rules here run
over every part that parsed, so one typo does not hide the rest: references between members,
schedules and escalation rules, schedule starts in their time zone. Then the team
is resolved (layer starts and ends fixed with their UTC offsets) and TeamOnCall's own rules run on
it (oncall.config.component_check)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, TypeAdapter, ValidationError
from pydantic.alias_generators import to_snake

from components.vocabulary import TargetType
from oncall.config.issues import Issue
from oncall.config.layer_times import layer_times
from oncall.config.members import Defaults, Member, Notify, NotifyOverride, ResolvedMember
from oncall.config.scalars import (
    Model,
    Name,
    RealNumber,
    Slug,
    TimeZoneName,
    or_false,
    resolved_as,
)
from oncall.config.schedules import (
    Escalation,
    EscalationRule,
    Layer,
    ResolvedLayer,
    ResolvedSchedule,
    Schedule,
)
from oncall.defaults import MAX_AFTER_HOURS_DAYS_PER_MONTH, MAX_AFTER_HOURS_SHARE

DAYS_PER_MONTH = 30
"""The month of `maxAfterHoursDaysPerMonth`: after-hours days are scaled from the horizon to 30."""


def _within(low: float, high: float, expected: str) -> AfterValidator:
    """A number from `low` to `high`; otherwise "expected <expected>" (the value as written)."""

    def check(value: float) -> float:
        if not low <= value <= high:
            raise ValueError(f"expected {expected}")
        return value

    return AfterValidator(check)


class LoadLimits(Model):
    """`team.load`: when a person's on-call time outside working hours (Monday to Friday,
    09:00-17:00 in their own time zone) is a warning in `plan` and `check`. `false`: never."""

    max_after_hours_share: Annotated[
        RealNumber, _within(0, 1, "a share from 0 to 1 (0.8 is 80 %)")
    ] = MAX_AFTER_HOURS_SHARE
    """Of a person's on-call hours, the share outside working hours. A plain 24/7 rotation puts
    about 76 % there (128 of 168 hours a week), so the default flags only shifts skewed into the
    night, e.g. a follow-the-sun layer written for the wrong time zone."""
    max_after_hours_days_per_month: Annotated[
        RealNumber, _within(0, DAYS_PER_MONTH, f"a number of days from 0 to {DAYS_PER_MONTH}")
    ] = MAX_AFTER_HOURS_DAYS_PER_MONTH
    """Days per 30 with on-call time outside working hours (scaled from the horizon)."""


class Team(Model):
    """`pantheon-oncall:team` — the guide's team, defined in this stack (or in a team stack)."""

    name: Name
    """The team's name, as PagerDuty shows it in descriptions (and as the PagerDuty team's name)."""
    time_zone: TimeZoneName
    """The team's IANA time zone (e.g. America/New_York): the default of every member and
    schedule."""
    create_pagerduty_team: bool = False
    """Also create a PagerDuty team with the members as its members (needs PagerDuty's Teams
    feature)."""
    defaults: Defaults = Defaults()
    """Notification steps and the handoff rule every member gets unless the member sets their
    own."""
    members: Annotated[Mapping[Slug, Member], Field(min_length=1)]
    """The people, by a short slug you choose (part of their resources' names: see `formerly`
    before renaming one)."""
    schedules: Mapping[Slug, Schedule] = {}
    """The on-call schedules, by a short slug you choose (escalation rules name them as
    `schedule:<slug>`)."""
    escalation: Escalation
    """The escalation policy: who is paged, in which order, after how long. Its second level is
    where the guide's backstop goes."""
    load: Annotated[LoadLimits | Literal[False], or_false(LoadLimits)] = LoadLimits()
    """When a person's on-call time outside working hours (Mon-Fri 09:00-17:00 in their time
    zone) is a warning in `plan` and `check`; `false` for never."""


class ResolvedTeam(Team):
    """The team as `parse_stack_config` returns it: its members and schedules resolved."""

    members: Mapping[str, ResolvedMember]
    schedules: Mapping[str, ResolvedSchedule]


# --- Team-wide rules ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ScheduleView:
    zone: str | None
    layers: Sequence[Layer | None]


@dataclass(frozen=True)
class _TeamView:
    """What the team-wide rules read. From a valid Team, or salvaged part by part from the raw
    config when the Team did not parse; a part that did not parse is None (its problems are
    already reported) and rules that need it skip it."""

    members: Mapping[str, Member | None] | None
    """None when `members` itself is not a mapping: references to members go unchecked."""
    schedules: Mapping[str, _ScheduleView] | None
    rules: Sequence[EscalationRule | None]


def checked_team(raw: object, team: Team | None, issues: list[Issue]) -> ResolvedTeam | None:
    """Add the team-wide problems to `issues`; return the team resolved (`_resolved`)."""
    view = _view_of(team) if team is not None else _salvaged(raw)
    found = [
        *_schedule_members(view),
        *_escalation_targets(view),
        *_schedule_time_issues(view),
    ]
    issues.extend(issue.under("team") for issue in found)
    return _resolved(team) if team is not None and not found else None


def _view_of(team: Team) -> _TeamView:
    return _TeamView(
        members=team.members,
        schedules={
            slug: _ScheduleView(schedule.time_zone or team.time_zone, schedule.layers)
            for slug, schedule in team.schedules.items()
        },
        rules=team.escalation.rules,
    )


def _salvaged(raw: object) -> _TeamView:
    team = _mapping(raw)
    zone = _quiet(TimeZoneName, _get(team, "timeZone"))
    members, schedules = _get(team, "members"), _get(team, "schedules", {})
    return _TeamView(
        members=(
            {str(slug): _quiet(Member, m) for slug, m in members.items()}
            if isinstance(members, Mapping)
            else None
        ),
        schedules=(
            {str(slug): _salvaged_schedule(s, zone) for slug, s in schedules.items()}
            if isinstance(schedules, Mapping)
            else None
        ),
        rules=[
            _quiet(EscalationRule, r)
            for r in _list(_get(_mapping(_get(team, "escalation")), "rules"))
        ],
    )


def _salvaged_schedule(raw: object, team_zone: str | None) -> _ScheduleView:
    schedule = _mapping(raw)
    own_zone = _get(schedule, "timeZone")
    zone = team_zone if own_zone is None else _quiet(TimeZoneName, own_zone)
    return _ScheduleView(zone, [_quiet(Layer, layer) for layer in _list(_get(schedule, "layers"))])


def _quiet(tp: Any, value: object) -> Any:
    """`value` validated as `tp`, or None (its problems are reported elsewhere)."""
    try:
        return TypeAdapter(tp).validate_python(value)
    except ValidationError:
        return None


def _mapping(value: object) -> Mapping[Any, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _get(raw: Mapping[Any, Any], key: str, default: object = None) -> Any:
    """A raw config value by its camelCase key (or the snake_case name pydantic also accepts)."""
    return raw.get(key, raw.get(to_snake(key), default))


def _unknown_member(view: _TeamView, slug: str) -> str | None:
    """Why `slug` names no member, or None when it does (or we cannot tell). Whether the member
    can be on call is TeamOnCall's rule (components/team/schedules.py `_on_call_member`)."""
    if view.members is None or slug in view.members:
        return None
    known = ", ".join(sorted(view.members)) or "none"
    return f"unknown member; members are: {known}"


def _schedule_members(view: _TeamView) -> list[Issue]:
    issues = []
    for schedule_slug, schedule in (view.schedules or {}).items():
        for layer_index, layer in enumerate(schedule.layers):
            for index, slug in enumerate(layer.members if layer else ()):
                message = _unknown_member(view, slug)
                loc = ("schedules", schedule_slug, "layers", layer_index, "members", index)
                if message:
                    issues.append(Issue(loc, slug, message))
    return issues


def _escalation_targets(view: _TeamView) -> list[Issue]:
    issues = []
    for rule_index, rule in enumerate(view.rules):
        for index, target in enumerate(rule.targets if rule else ()):
            if target.kind is TargetType.USER:
                message = _unknown_member(view, target.slug)
            elif view.schedules is not None and target.slug not in view.schedules:
                known = ", ".join(sorted(view.schedules)) or "none"
                message = f"unknown schedule; schedules are: {known}"
            else:
                message = None
            if message:
                loc = ("escalation", "rules", rule_index, "targets", index)
                issues.append(Issue(loc, str(target), message))
    return issues


# --- Schedule times -------------------------------------------------------------------------------


def _schedule_time_issues(view: _TeamView) -> list[Issue]:
    return [
        issue.under("schedules", slug)
        for slug, schedule in (view.schedules or {}).items()
        for issue in layer_times(schedule.layers, schedule.zone)[1]
    ]


def _resolved(team: Team) -> ResolvedTeam:
    """The team as the program uses it: what members and schedules inherit, written into them.

    Members and schedules without a `timeZone` take the team's; a member's notification rules for
    an urgency they did not write, and their handoff notification, are `team.defaults`'; every
    layer start and end gets its UTC offset (oncall.config.layer_times).
    """
    defaults = team.defaults
    members = {
        slug: resolved_as(
            ResolvedMember,
            member,
            time_zone=member.time_zone or team.time_zone,
            notify=_inherited_notify(member.notify, defaults.notify),
            handoff=defaults.handoff if member.handoff is None else member.handoff,
        )
        for slug, member in team.members.items()
    }
    schedules = {}
    for slug, schedule in team.schedules.items():
        zone = schedule.time_zone or team.time_zone
        times, _ = layer_times(schedule.layers, zone)
        layers = tuple(
            resolved_as(ResolvedLayer, layer, start=start, end=end, rotation_virtual_start=anchor)
            for layer, (start, end, anchor) in zip(schedule.layers, times, strict=True)
        )
        schedules[slug] = resolved_as(ResolvedSchedule, schedule, time_zone=zone, layers=layers)
    return resolved_as(ResolvedTeam, team, members=members, schedules=schedules)


def _inherited_notify(own: NotifyOverride | None, defaults: Notify) -> Notify:
    """The member's rules per urgency: their own where given, the team's defaults otherwise."""
    own = own or NotifyOverride()
    return Notify(
        high=defaults.high if own.high is None else own.high,
        low=defaults.low if own.low is None else own.low,
    )
