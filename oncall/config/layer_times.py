"""A schedule's layer starts and ends fixed with their UTC offsets, in the schedule's time zone.

A time the stack file writes without an offset is local time in the schedule's zone (its own,
else the team's); a layer without a start takes the earliest start of the schedule's other
layers. A local time the clocks skip or pass twice has no one offset: it is a problem naming the
offsets to write, not a guess. Nothing here reads the clock: a schedule with no start at all is a
problem too. oncall.config.team reports the problems and writes the fixed times into the
resolved team.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from oncall.config.errors import MISSING
from oncall.config.issues import Issue, Loc
from oncall.config.schedules import Layer

_NO_START = (
    "required: a fixed start on at least one layer (layers without one take the earliest); "
    "nothing here reads the clock"
)

LayerTimes = tuple[datetime | None, datetime | None, datetime | None]
"""A layer's start, end and rotation anchor (`rotationVirtualStart`), each with its offset."""


def layer_times(
    layers: Sequence[Layer | None], zone_name: str | None
) -> tuple[list[LayerTimes], list[Issue]]:
    """Each layer's start and end with an offset, and the problems found fixing them.

    A start without an offset is local time in the schedule's time zone; a layer without a start
    takes the earliest start of the schedule's other layers. An end after the start is
    TeamOnCall's rule (components/team/schedules.py `_layer_problems`), checked on the times
    fixed here (oncall.config.component_check); nothing the config does with a layer before that
    check relies on it.
    """
    if zone_name is None:
        return [(None, None, None)] * len(layers), []
    zone, issues = ZoneInfo(zone_name), list[Issue]()
    own = [
        (
            _fixed(layer.start if layer else None, zone, ("layers", index, "start"), issues),
            _fixed(layer.end if layer else None, zone, ("layers", index, "end"), issues),
            _fixed(
                layer.rotation_virtual_start if layer else None,
                zone,
                ("layers", index, "rotationVirtualStart"),
                issues,
            ),
        )
        for index, layer in enumerate(layers)
    ]
    starts = [start for start, _, _ in own if start is not None]
    if not starts and not issues and all(layer is not None for layer in layers):
        issues.append(Issue(("layers", 0, "start"), MISSING, _NO_START))
    earliest = min(starts, default=None)
    return [(start or earliest, end, anchor) for start, end, anchor in own], issues


def _fixed(
    moment: datetime | None, zone: ZoneInfo, loc: Loc, issues: list[Issue]
) -> datetime | None:
    """`moment` with a fixed UTC offset: its own, or its zone's at that instant."""
    if moment is None or moment.tzinfo is not None:
        return moment
    earlier, later = moment.replace(tzinfo=zone, fold=0), moment.replace(tzinfo=zone, fold=1)
    if earlier.utcoffset() == later.utcoffset():
        return _with_offset(earlier)
    if earlier.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == moment:
        message = (
            f"happens twice in {zone.key} (clocks go back): write it with an offset, "
            f"{_with_offset(earlier).isoformat()} or {_with_offset(later).isoformat()}"
        )
    else:
        message = (
            f"does not exist in {zone.key} (clocks skip it): write it with an offset, e.g. "
            f"{_with_offset(earlier.astimezone(UTC).astimezone(zone)).isoformat()}"
        )
    issues.append(Issue(loc, moment.isoformat(), message))
    return None


def _with_offset(moment: datetime) -> datetime:
    offset = moment.utcoffset() or timedelta(0)
    return moment.astimezone(timezone(offset))
