"""How `oncall import` maps a PagerDuty schedule to a schedule of the contract.

The API lists a schedule's layers with the one that wins first; the contract (like
terraform-provider-pagerduty's flattenScheduleLayers in pagerduty/resource_pagerduty_schedule.go)
lists them the other way round, so they are reversed; layers that have ended are skipped, as the
provider does. Times become local times in the schedule's zone (with an offset only where a DST
change makes one ambiguous), turn lengths the contract's rotation words or whole hours, and
restrictions the contract's daily and weekly words. What does not fit is a note (`note`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from oncall.config import RESTRICTION_WORDS, ROTATION_SECONDS, Weekday
from oncall.onboarding.account import ImportFailed
from oncall.onboarding.file import Flow, FlowList

_RESTRICTION_WORD: Final = {api.value: word for word, api in RESTRICTION_WORDS.items()}
_ROTATION_WORD: Final = {seconds: rotation.value for rotation, seconds in ROTATION_SECONDS.items()}
_WEEKDAYS: Final = {day.number: day.value for day in Weekday}


class ScheduleMapper:
    """Maps schedules read from the account; members by the slugs given to their users
    (`user_slugs`, by user id); layers that ended before `now` are skipped."""

    def __init__(
        self, note: Callable[[str, str], None], user_slugs: Mapping[str, str], now: datetime
    ) -> None:
        self._note = note
        self.user_slugs = user_slugs
        self.now = now

    def schedule(self, schedule: dict[str, Any], slug: str, team_zone: str) -> dict[str, Any]:
        """The schedule `slug` as the contract has it: its time zone when not the team's, its
        layers bottom first (ended ones skipped), and the id that adopts it."""
        zone = str(schedule.get("time_zone") or team_zone)
        out: dict[str, Any] = {"name": schedule["name"]}
        if zone != team_zone:
            out["timeZone"] = zone
        # Read back as PagerDuty has it, "" for none, and so are its teams
        # (terraform-provider-pagerduty, pagerduty/resource_pagerduty_schedule.go): the import
        # must match, so both are written as they are.
        out["description"] = str(schedule.get("description") or "")
        teams = [str(t["id"]) for t in schedule.get("teams") or []]
        if teams:
            out["teams"] = FlowList(teams)
        out["importId"] = schedule["id"]
        layers = []
        # The API lists the winning layer first; the contract lists it last (see the docstring).
        for index, layer in enumerate(reversed(schedule.get("schedule_layers") or [])):
            converted = self._layer(f"schedules.{slug}.layers[{index}]", layer, zone)
            if converted is not None:
                layers.append(Flow(converted))
        out["layers"] = layers
        return out

    def _layer(self, where: str, layer: dict[str, Any], zone: str) -> dict[str, Any] | None:
        end = _parse_time(layer.get("end"))
        if end is not None and end <= self.now:
            self._note(where, f"layer {layer.get('name')!r} ended {layer['end']}: not imported")
            return None
        out: dict[str, Any] = {"name": layer.get("name") or "Layer"}
        out["members"] = FlowList(self.user_slugs[ref["user"]["id"]] for ref in layer["users"])
        seconds = int(layer["rotation_turn_length_seconds"])
        if seconds in _ROTATION_WORD:
            out["rotation"] = _ROTATION_WORD[seconds]
        else:
            if seconds % 3600:
                self._note(where, f"a turn of {seconds} s is not whole hours; rounded")
            out["rotationHours"] = max(1, round(seconds / 3600))
        virtual = _parse_time(layer.get("rotation_virtual_start") or layer.get("start"))
        start = _parse_time(layer.get("start"))
        if virtual is None:
            raise ImportFailed(f"{where}: PagerDuty sent no start for layer {out['name']!r}")
        if start is not None and start != virtual and start > self.now:
            self._note(
                where,
                f"starts {layer['start']} but its rotation started "
                f"{layer['rotation_virtual_start']}"
                "; the contract has one start (the rotation's)",
            )
        out["start"] = _local_time(virtual, zone)
        if end is not None:
            out["end"] = _local_time(end, zone)
        restrictions = [self._restriction(where, r) for r in layer.get("restrictions") or []]
        if restrictions:
            out["restrictions"] = FlowList(Flow(r) for r in restrictions)
        return out

    def _restriction(self, where: str, restriction: dict[str, Any]) -> dict[str, Any]:
        kind = _RESTRICTION_WORD[restriction["type"]]
        hours, minutes, *seconds = str(restriction["start_time_of_day"]).split(":")
        if seconds and int(seconds[0]):
            self._note(where, f"a restriction starts at {restriction['start_time_of_day']}")
        out: dict[str, Any] = {"type": kind}
        if restriction.get("start_day_of_week"):
            out["startDay"] = _WEEKDAYS[int(restriction["start_day_of_week"])]
        out["startTime"] = f"{int(hours):02d}:{minutes}"
        duration = int(restriction["duration_seconds"]) / 3600
        out["durationHours"] = int(duration) if duration.is_integer() else duration
        return out


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _local_time(moment: datetime, zone_name: str) -> str:
    """The time in the schedule's zone, without an offset when that is unambiguous there."""
    zone = ZoneInfo(zone_name)
    local = moment.astimezone(zone)
    naive = local.replace(tzinfo=None)
    earlier, later = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if earlier.utcoffset() == later.utcoffset() == local.utcoffset():
        return naive.isoformat()
    return local.isoformat()
