"""What a stack's roster handovers and layer ends need a reviewer to know, beyond who goes on.

- A doubled turn: a layer's new version hands over to the person its old version already has on
  call at the end (the new version is anchored so that it starts with them), so that person's
  turn runs on into a second one, two weeks in a row on a weekly rotation. Sometimes meant (a
  swap); mostly an anchor a turn off. A warning, with the anchor that has the next person go on.
  A layer of one person is always that person's: nothing is doubled there.
- An ended layer: its `end` is before the reference moment. terraform-provider-pagerduty stops
  reading such a layer back into state (pagerduty/resource_pagerduty_schedule.go,
  `flattenScheduleLayers`: "if it has been ended we don't read it back because it's not relevant
  anymore", skipped when `time.Now().UTC().After(end)`), so a stack file that keeps it shows a
  change at every preview, for ever. Deleting it from the stack file is safe: the provider's
  update ends a layer that is gone from the config (`resourcePagerDutyScheduleUpdate`), and this
  one has ended already.

The reference moment is the caller's (`check`'s horizon start, a commit's date): never the clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from oncall.schedules.checks import TEAM_KEY, Finding, when
from oncall.schedules.handover import DAY, Handover, continuing_anchor
from oncall.schedules.handover_text import local_text
from oncall.schedules.model import Layer, Shift, TeamModel, layer_shifts, wall


@dataclass(frozen=True)
class Doubled:
    """A handover whose new version starts with the person the old one has on call at its end."""

    change: Handover
    index: int
    """The new version's index in the schedule's layers."""
    person: str
    start: datetime
    """Where the person's turn under the old version began (not before the old version did)."""
    end: datetime
    """Where their first turn under the new version ends (not after the new version does)."""
    anchor: datetime
    """The new version's `rotationVirtualStart` that has the next person go on instead."""


def _turn(layer: Layer, zone: str, moment: datetime) -> Shift:
    """The turn of the layer's rotation that covers `moment`, whole (restrictions, the layer's
    start and end aside; the rotation still counts from its own anchor)."""
    lo, hi = moment - layer.turn - 2 * DAY, moment + layer.turn + 2 * DAY
    bare = replace(layer, start=lo, end=None, virtual_start=layer.anchor, restrictions=())
    return next(s for s in layer_shifts(bare, ZoneInfo(zone), lo, hi) if s.end > moment)


def doubled_turns(team: TeamModel, found: Iterable[Handover]) -> list[Doubled]:
    """The handovers in `found` that double a person's turn, in the order given."""
    doubled = []
    for change in found:
        old, new = change.old, change.new
        if len(old.members) < 2 or len(new.members) < 2:
            continue
        zone = team.schedules[change.schedule].zone
        last = _turn(old, zone, change.at - timedelta(microseconds=1))
        if last.who != change.first:
            continue
        first = _turn(new, zone, change.at)
        layers = team.schedules[change.schedule].layers
        doubled.append(
            Doubled(
                change=change,
                index=next(i for i, layer in enumerate(layers) if layer is new),
                person=change.first,
                start=max(last.start, old.start),
                end=min(first.end, new.end) if new.end else first.end,
                anchor=continuing_anchor(old, new, zone, change.at),
            )
        )
    return doubled


def stretch(length: timedelta) -> str:
    """A stretch of wall-clock time as people say it: `2 weeks`, `9 days`, `36 h` (two weeks
    across a DST change are 335 or 337 real hours, and still two weeks)."""
    if length % timedelta(weeks=1) == timedelta(0):
        weeks = length // timedelta(weeks=1)
        return f"{weeks} week{'s' if weeks != 1 else ''}"
    if length % DAY == timedelta(0):
        return f"{length // DAY} days"
    return f"{length / timedelta(hours=1):g} h"


def doubled_finding(d: Doubled, team: TeamModel) -> Finding:
    """The warning: who, the handover in the schedule's zone, how long their stretch becomes,
    and the anchor that has the next person go on instead."""
    zone = team.schedules[d.change.schedule].zone
    z, name = ZoneInfo(zone), team.display(d.person)
    length = stretch(wall(d.end, z) - wall(d.start, z))
    return Finding(
        False,
        f"{TEAM_KEY}.schedules.{d.change.schedule}.layers[{d.index}]",
        f"layer {d.change.name!r}: {name} ({d.person}) is on call when its old version ends and "
        f"goes on first in its new one at {when(d.change.at, zone)}, so their turn is doubled: "
        f"on call on this layer from {when(d.start, zone)} to {when(d.end, zone)}, "
        f"{length} in a row. If that is not meant, anchor the new version "
        f'where the next person goes on: rotationVirtualStart: "{local_text(d.anchor, zone)}"',
    )


def ended_layers(team: TeamModel, reference: datetime) -> list[Finding]:
    """A warning for every layer whose `end` is before `reference`: PagerDuty's provider no
    longer reads it back (see the module docstring), so it is a change at every preview."""
    found = []
    for slug, schedule in team.schedules.items():
        for index, layer in enumerate(schedule.layers):
            if layer.end is not None and layer.end < reference:
                found.append(
                    Finding(
                        False,
                        f"{TEAM_KEY}.schedules.{slug}.layers[{index}]",
                        f"layer {layer.name!r} ended at {when(layer.end, schedule.zone)}, before "
                        f"{when(reference, schedule.zone)}; delete it from the stack file "
                        "(PagerDuty's provider no longer reads an ended layer back, so keeping "
                        "it shows a change at every preview)",
                    )
                )
    return found
