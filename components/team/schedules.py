"""TeamOnCall's schedules and escalation policy: the checks of their args, and their layers as the
PagerDuty provider takes them.

The checks add every problem to the component's `Problems` (components._args), each with its
property path; layer members and escalation targets must be members that can be on call.
"""

import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

import pulumi
import pulumi_pagerduty as pagerduty

from components._args import Problems, is_one_of, whole
from components.team.args import (
    EscalationRuleArgs,
    LayerArgs,
    RestrictionArgs,
    TargetArgs,
)
from components.vocabulary import (
    MAX_DAILY_RESTRICTION_SECONDS,
    MAX_NUM_LOOPS,
    MAX_TURN_SECONDS,
    MAX_WEEKLY_RESTRICTION_SECONDS,
    MIN_ESCALATION_DELAY_MINUTES,
    MIN_TURN_SECONDS,
    OFF_CALL_ROLES,
    RestrictionType,
    Role,
    TargetType,
    role_word,
    whole_number,
)

_TIME_OF_DAY = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]:00$")


def check_schedule(
    p: Problems, path: str, schedule: Mapping[str, Any], roles: Mapping[str, str]
) -> None:
    """One schedule: its name, zone and layers (`roles`: each member's role, by slug)."""
    p.text(f"{path}.name", schedule["name"])
    if "timeZone" in schedule:
        p.time_zone(f"{path}.timeZone", schedule["timeZone"])
    if "description" in schedule:
        p.exact_text(f"{path}.description", schedule["description"])
    if "importId" in schedule:
        p.text(f"{path}.importId", schedule["importId"])
    teams = schedule.get("teams", [])
    if not isinstance(teams, list):
        p.add(f"{path}.teams", f"expected a list of team IDs (got {teams!r})")
        teams = []
    for i, team in enumerate(teams):
        p.text(f"{path}.teams[{i}]", team)
    for lpath, layer in _each(p, f"{path}.layers", schedule["layers"], "layer", LayerArgs):
        _layer_problems(p, lpath, layer, roles)


def _each(
    p: Problems, path: str, items: object, what: str, shape: Any
) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """The items of a list that must not be empty, with their paths, each with the keys of
    `shape` (a TypedDict); a problem for each that has not."""
    if not isinstance(items, list) or not items:
        p.add(path, f"expected at least one {what} (got {items!r})")
        return
    for index, item in enumerate(items):
        if p.keys(f"{path}[{index}]", item, shape):
            yield f"{path}[{index}]", item


def _layer_problems(
    p: Problems, path: str, layer: Mapping[str, Any], roles: Mapping[str, str]
) -> None:
    p.text(f"{path}.name", layer["name"])
    members = layer["members"]
    if not isinstance(members, list) or not members:
        p.add(f"{path}.members", f"expected at least one member slug (got {members!r})")
        members = []
    for j, slug in enumerate(members):
        _on_call_member(p, f"{path}.members[{j}]", slug, roles)
    start = _timestamp(p, f"{path}.start", layer["start"])
    if "rotationVirtualStart" in layer:
        _timestamp(p, f"{path}.rotationVirtualStart", layer["rotationVirtualStart"])
    if "end" in layer:
        end = _timestamp(p, f"{path}.end", layer["end"])
        if start is not None and end is not None and end <= start:
            message = f"must be after the layer's start, {start.isoformat()}"
            p.add(f"{path}.end", f"{message} (got {layer['end']!r})")
    p.integer(
        f"{path}.rotationTurnLengthSeconds",
        layer["rotationTurnLengthSeconds"],
        MIN_TURN_SECONDS,
        MAX_TURN_SECONDS,
    )
    restrictions = layer.get("restrictions", [])
    if not isinstance(restrictions, list):
        p.add(f"{path}.restrictions", f"expected a list (got {restrictions!r})")
        restrictions = []
    for k, restriction in enumerate(restrictions):
        rpath = f"{path}.restrictions[{k}]"
        if p.keys(rpath, restriction, RestrictionArgs):
            _restriction_problems(p, rpath, restriction)


def _restriction_problems(p: Problems, path: str, restriction: Mapping[str, Any]) -> None:
    kind = restriction["type"]
    if not is_one_of(kind, RestrictionType):
        p.add(f"{path}.type", f"expected daily_restriction or weekly_restriction (got {kind!r})")
        return
    start = restriction["startTimeOfDay"]
    if not isinstance(start, str) or not _TIME_OF_DAY.match(start):
        p.add(f"{path}.startTimeOfDay", f"expected HH:MM:00 (got {start!r})")
    _duration(p, f"{path}.durationSeconds", kind, restriction["durationSeconds"])
    if kind == RestrictionType.WEEKLY:
        if "startDayOfWeek" not in restriction:
            p.add(f"{path}.startDayOfWeek", "required for a weekly restriction: the day it opens")
        else:
            p.integer(f"{path}.startDayOfWeek", restriction["startDayOfWeek"], 1, 7)
    elif "startDayOfWeek" in restriction:
        message = "only a weekly restriction has a start day; a daily one repeats every day"
        p.add(f"{path}.startDayOfWeek", f"{message} (got {restriction['startDayOfWeek']!r})")


def _duration(p: Problems, path: str, kind: str, seconds: object) -> None:
    """A restriction's `durationSeconds`: shorter than a day (daily) or a week (weekly), said in
    hours too (the unit people think of restrictions in, and the one the stack file writes)."""
    daily = kind == RestrictionType.DAILY
    limit = MAX_DAILY_RESTRICTION_SECONDS if daily else MAX_WEEKLY_RESTRICTION_SECONDS
    number = whole_number(seconds)
    if number is None:
        p.add(path, f"expected a whole number of seconds (got {seconds!r})")
    elif not 1 <= number <= limit:
        word, hours = "daily" if daily else "weekly", (limit + 1) // 3600
        bound = "at least a second" if number < 1 else f"less than {hours} hours"
        p.add(path, f"a {word} restriction lasts {bound} (1 to {limit} seconds) (got {seconds!r})")


def check_policy(
    p: Problems,
    path: str,
    policy: Mapping[str, Any],
    roles: Mapping[str, str],
    schedules: set[str],
) -> None:
    """The escalation policy: its loops and rules, whose targets exist and can be on call."""
    p.text(f"{path}.name", policy["name"])
    p.integer(f"{path}.numLoops", policy.get("numLoops", 0), 0, MAX_NUM_LOOPS)
    if "description" in policy:
        p.exact_text(f"{path}.description", policy["description"])
    for key in ("importId", "team"):
        if key in policy:
            p.text(f"{path}.{key}", policy[key])
    for rpath, rule in _each(p, f"{path}.rules", policy["rules"], "rule", EscalationRuleArgs):
        _rule(p, rpath, rule, roles, schedules)


def _rule(
    p: Problems,
    path: str,
    rule: Mapping[str, Any],
    roles: Mapping[str, str],
    schedules: set[str],
) -> None:
    """One escalation rule: a delay PagerDuty accepts, and targets that exist and can be on call."""
    delay = rule["escalationDelayInMinutes"]
    p.integer(f"{path}.escalationDelayInMinutes", delay, MIN_ESCALATION_DELAY_MINUTES, None)
    targets = rule["targets"]
    if not isinstance(targets, list) or not targets:
        p.add(f"{path}.targets", f"expected at least one target (got {targets!r})")
        return
    for j, target in enumerate(targets):
        tpath = f"{path}.targets[{j}]"
        if not p.keys(tpath, target, TargetArgs):
            continue
        kind, ref = target["type"], target["ref"]
        if kind == TargetType.SCHEDULE:
            if ref not in schedules:
                known = ", ".join(sorted(schedules)) or "none"
                p.add(f"{tpath}.ref", f"no schedule {ref!r} (schedules: {known})")
        elif kind == TargetType.USER:
            _on_call_member(p, f"{tpath}.ref", ref, roles)
        else:
            p.add(f"{tpath}.type", f"expected schedule or user (got {kind!r})")


def _on_call_member(p: Problems, path: str, slug: object, roles: Mapping[str, str]) -> None:
    if not isinstance(slug, str) or slug not in roles:
        known = ", ".join(sorted(roles)) or "none"
        p.add(path, f"no member {slug!r} (members: {known})")
    elif roles[slug] in OFF_CALL_ROLES:
        role = Role(roles[slug])
        word = role_word(role)
        named = role.value if word == role.value else f"{role.value} ({word})"
        p.add(
            path,
            f"{slug!r} is {named}, a role PagerDuty never puts on call: change members.{slug}.role",
        )


def _timestamp(p: Problems, path: str, value: object) -> datetime | None:
    """Parse an ISO 8601 timestamp that must carry an offset; None (and a problem) otherwise."""
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        parsed = datetime.fromisoformat(value)
    except ValueError:
        p.add(path, f"expected ISO 8601 like 2026-12-07T09:00:00-05:00 (got {value!r})")
        return None
    if parsed.tzinfo is None:
        p.add(path, f"needs an offset, e.g. 2026-12-07T09:00:00-05:00 (got {value!r})")
        return None
    return parsed


def provider_layer(
    layer: LayerArgs, user_ids: Mapping[str, pulumi.Output[str]]
) -> pagerduty.ScheduleLayerArgsDict:
    """A schedule layer as pulumi_pagerduty's Schedule takes it, the members' user ids in order."""
    result: pagerduty.ScheduleLayerArgsDict = {
        "name": layer["name"],
        "start": layer["start"],
        "rotation_virtual_start": layer.get("rotationVirtualStart", layer["start"]),
        "rotation_turn_length_seconds": whole(layer["rotationTurnLengthSeconds"]),
        # Rotation order is the list order.
        "users": [user_ids[slug] for slug in layer["members"]],
    }
    if "end" in layer:
        result["end"] = layer["end"]
    restrictions = layer.get("restrictions", [])
    if restrictions:
        result["restrictions"] = [_provider_restriction(r) for r in restrictions]
    return result


def _provider_restriction(
    restriction: RestrictionArgs,
) -> pagerduty.ScheduleLayerRestrictionArgsDict:
    result: pagerduty.ScheduleLayerRestrictionArgsDict = {
        "type": restriction["type"],
        "start_time_of_day": restriction["startTimeOfDay"],
        "duration_seconds": whole(restriction["durationSeconds"]),
    }
    if "startDayOfWeek" in restriction:
        result["start_day_of_week"] = whole(restriction["startDayOfWeek"])
    return result


def schedule_teams(
    created: pulumi.Output[str] | None, given: list[str]
) -> list[pulumi.Input[str]] | None:
    """A schedule's teams: the one createTeam makes, then those given; None when there are none
    (the provider's `teams` unset)."""
    teams: list[pulumi.Input[str]] = [created] if created is not None else []
    teams += given
    return teams or None
