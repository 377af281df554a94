"""Warnings for configurations that are valid but probably not what was meant.

A config error stops the plan; these do not. `config_warnings` reads one validated config and is
logged by the program (`pulumi.log.warn`), so `pulumi preview` and the offline plan both show
them. `fleet_warnings` compares the stack with the other stacks in `stacks/`, which only the
offline plan can see.

Nothing here reads the clock. "A backstop that starts in the future" is judged against the
schedule's own other layers: the backstop is the first layer, on call around the clock (no
restrictions); if it starts after another layer of the schedule starts, that layer runs without a
backstop until then — in the past or the future, the gap is the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

import phonenumbers

from oncall.config import (
    NAMESPACE,
    ROTATION_SECONDS,
    EnvKind,
    Layer,
    Member,
    Rotation,
    Schedule,
    StackConfig,
    Team,
    TeamStackConfig,
    adoption,
    stackindex,
)
from oncall.config.errors import did_you_mean, printable, shown
from oncall.config.site import meant_env

_ZONE_ABBREVIATION: Final = re.compile(r"[A-Z]{2,5}([0-9][A-Z]{3})?|[A-Z]{3}[0-9]")
"""Legacy zone names such as EST, MST, HST, EST5EDT, CST6CDT: not places. UTC is fine."""

_NEAR: Final = {
    "CET": "Europe/Paris",
    "MET": "Europe/Paris",
    "EET": "Europe/Athens",
    "WET": "Europe/Lisbon",
    "EST": "America/New_York",
    "EST5EDT": "America/New_York",
    "CST6CDT": "America/Chicago",
    "MST": "America/Phoenix",
    "MST7MDT": "America/Denver",
    "PST8PDT": "America/Los_Angeles",
    "HST": "Pacific/Honolulu",
}
"""A place in each legacy zone's region, to suggest instead of it."""

_SEASONS: Final = (datetime(2026, 1, 15, 12), datetime(2026, 7, 15, 12))
"""Two moments half a year apart: a zone whose offset is the same at both keeps no summer time."""


def config_warnings(config: StackConfig | TeamStackConfig) -> list[str]:
    """What looks wrong in one stack's validated config, one line each, with its key path."""
    found: list[str] = []
    if isinstance(config, StackConfig) and config.site.env_kind is EnvKind.MULTIDEV:
        meant = meant_env(config.site.env)
        advice = f"did you mean {meant}?" if meant else "write dev, test or live if you meant one"
        found.append(
            f"{NAMESPACE}:site.env: {shown(config.site.env)} is not dev, test or live, so it is "
            f"treated as a multidev (the multidev preset); {advice}"
        )
    if config.team is not None:
        found += _team_warnings(config.team)
    found += adoption.adoption_warnings(config)
    return [printable(line, 1000) for line in found]


def fleet_warnings(
    project_dir: Path, stack: str, config: StackConfig | TeamStackConfig
) -> list[str]:
    """What looks wrong about this stack next to the others in `stacks/`."""
    if not isinstance(config, StackConfig):
        return []
    found: list[str] = []
    fleet = stackindex.index_of(project_dir)
    project, names = fleet.project, list(fleet.names)
    if config.team_stack_name is not None:
        other_project, other = config.team_stack_project, config.team_stack_name
        if other_project != project or other not in names:
            hint = did_you_mean(other, names) if other_project == project else ""
            found.append(
                f"{NAMESPACE}:teamStack: '{config.team_stack}' names no stack in stacks/{hint} "
                f"(stacks of {project}: {', '.join(names)})"
            )
    if config.pagerduty.import_id is None:
        service = config.pagerduty.service
        same = [name for name in fleet.creating(service) if name != stack]
        if same:
            found.append(
                f"{NAMESPACE}:pagerduty.service: {shown(service)} is also created by "
                f"{', '.join(same)}; PagerDuty service names are unique in an account, so one "
                "of the deploys fails: give each stack its own pagerduty.service"
            )
    return [printable(line, 1000) for line in found]


def _team_warnings(team: Team) -> Iterator[str]:
    at = f"{NAMESPACE}:team"
    yield from _zone_warning(f"{at}.timeZone", team.time_zone)
    for slug, member in team.members.items():
        yield from _zone_warning(f"{at}.members.{slug}.timeZone", _written_zone(member))
        for via in ("phone", "sms"):
            phone = getattr(member, via)
            if phone is not None and not _valid(phone.e164):
                yield (
                    f"{at}.members.{slug}.{via}: {phone.e164} is a possible number but not one "
                    "in use in its country's numbering plan; check it, or PagerDuty cannot "
                    "reach them"
                )
    for slug, schedule in team.schedules.items():
        where = f"{at}.schedules.{slug}"
        yield from _zone_warning(f"{where}.timeZone", _written_zone(schedule))
        yield from _layer_name_warnings(where, schedule.layers)
        yield from _late_backstop(where, schedule.layers)


def _written_zone(part: Member | Schedule) -> str | None:
    """The time zone the stack file writes for a member or schedule (None: the team's)."""
    return part.time_zone if "time_zone" in part.model_fields_set else None


def _zone_warning(path: str, zone: str | None) -> Iterator[str]:
    if zone is None or zone == "UTC" or not _ZONE_ABBREVIATION.fullmatch(zone):
        return
    place = _NEAR.get(zone)
    suggestion = (
        f"use the IANA name of a place near the team, like {place}"
        if place
        else "use the IANA name of a place near the team, like Europe/Paris or America/New_York"
    )
    offsets = {ZoneInfo(zone).utcoffset(moment) for moment in _SEASONS}
    if len(offsets) == 1:
        (offset,) = offsets
        hours = (offset.total_seconds() if offset else 0) / 3600
        rules = f"it keeps UTC{hours:+g} all year, without daylight saving"
    else:
        rules = "its daylight saving rules are one region's, and not every place in it keeps them"
    yield f"{path}: {shown(zone)} is a legacy zone name, not a place: {rules}; {suggestion}"


def _layer_name_warnings(where: str, layers: tuple[Layer, ...]) -> Iterator[str]:
    for index, layer in enumerate(layers):
        for rotation in Rotation:
            named = re.search(rf"\b{rotation.value}\b", layer.name, re.IGNORECASE)
            if named and layer.rotation_seconds != ROTATION_SECONDS[rotation]:
                hours = layer.rotation_seconds // 3600
                yield (
                    f"{where}.layers[{index}].name: {shown(layer.name)} says {rotation.value}, "
                    f"but a turn lasts {hours} hours; set rotation: {rotation.value} or rename it"
                )


def _late_backstop(where: str, layers: tuple[Layer, ...]) -> Iterator[str]:
    if len(layers) < 2 or layers[0].restrictions:
        return
    backstop = _start(layers[0])
    others = [(index, _start(layer)) for index, layer in enumerate(layers) if index]
    early = [(index, start) for index, start in others if start and backstop and start < backstop]
    if early:
        index, start = min(early, key=lambda pair: pair[1])
        assert backstop is not None
        yield (
            f"{where}.layers[0].start: the backstop starts {backstop.isoformat()}, after "
            f"layers[{index}] starts ({start.isoformat()}): until then nobody backs that layer "
            "up; start the backstop no later than the layers it backs up (a past start is fine)"
        )


def _start(layer: Layer) -> datetime | None:
    return layer.start


def _valid(e164: str) -> bool:
    return phonenumbers.is_valid_number(phonenumbers.parse(e164, None))
