"""Roster changes that keep today's shifts: a layer's new version takes over at a handover.

The trap: a layer's person on call is `members[(t - virtual start) / turn mod n]`, so a change of
its members, their order, its turn length or its rotation start reshuffles who is on call from
the moment the change deploys, when nothing says otherwise.

What PagerDuty does with a layer's times, and so what a stack file has to say:
- The REST API holds one version of a layer: `start` ("The start time of this layer.") and `end`
  ("The end time of this layer. If `null`, the layer does not end."), PagerDuty/api-schema,
  reference/REST/openapiv3.json, components.schemas.ScheduleLayer. Nothing there keeps an earlier
  version of the layer running until a later `start`.
- A start in the past is moved to the time of the update: terraform-provider-pagerduty's
  util.SuppressScheduleLayerStartDiff (pagerduty/resource_pagerduty_schedule.go, the layer's
  `start`) suppresses a change of `start` when the old and the new are both in the past, "as the
  actual start time will be updated by PagerDuty API to current time". An edit of a layer whose
  start has passed therefore applies from the deploy on (the past stays as it was: "changes apply
  only to future dates and times", support.pagerduty.com/main/docs/edit-schedules).
- The web app's "changes take effect" date is the web app's: the provider offers no such field
  (`start`, `end`, `rotation_virtual_start`, `rotation_turn_length_seconds`, `users`,
  `restriction` are all of a layer), and the API reference documents none.

So a change that keeps today's shifts is written with the API's own two fields: the layer as it
was, ending at the handover (`end`), and its new version as a layer starting there (`start`), with
the rotation anchored (`rotationVirtualStart`) so that whoever was next under the old version
takes over. `review` finds a changed layer whose version in effect at the reference moment differs
between two versions of a team, and offers that edit; `handovers` lists where a stack already
hands a layer over from one version to the next.

The reference moment is the caller's (a commit's date, or `--from`): never the clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from oncall.schedules.model import (
    Layer,
    Schedule,
    TeamModel,
    instant,
    layer_shifts,
    wall,
)

DAY, WEEK = timedelta(days=1), timedelta(days=7)


@dataclass(frozen=True)
class Moved:
    """A person whose next shift on the layer is another one after the change."""

    person: str
    before: tuple[datetime, datetime] | None
    after: tuple[datetime, datetime] | None


@dataclass(frozen=True)
class Reshuffle:
    """A layer whose version in effect at the reference moment changes its rotation."""

    schedule: str
    index: int
    """The layer's index in the new version of the schedule."""
    name: str
    changed: tuple[str, ...]
    """What changed: `members`, `order`, `turn length`, `rotation start`."""
    handover: datetime
    """Where the offered edit hands over: the old version's first handover after the reference
    moment, or the new version's own start when it starts later (`gap`)."""
    anchor: datetime
    """The offered `rotationVirtualStart` of the new version: whoever was next takes over."""
    moved: tuple[Moved, ...]
    old: Layer
    new: Layer
    gap: bool = False
    """The new version starts after the reference moment and no earlier version runs until then:
    the layer has nobody on call from the deploy until its start."""
    early: bool = False
    """The old version was still to start (at `handover`) and the new one has started: the layer
    goes on call from the deploy, rotating otherwise; the edit keeps the planned start."""


@dataclass(frozen=True)
class Handover:
    """A layer's version ending where its next version (same name) starts."""

    schedule: str
    name: str
    at: datetime
    old: Layer
    new: Layer
    first: str
    """Who the new version has on call at the handover."""


# --- Turns ----------------------------------------------------------------------------------------


def _bare(layer: Layer, since: datetime) -> Layer:
    """The layer's rotation alone: no restrictions, no end, started by `since`."""
    return replace(layer, start=min(layer.start, since), end=None, restrictions=())


def next_handover(layer: Layer, zone: str, after: datetime) -> datetime:
    """The first moment after `after` at which the layer's rotation hands over to the next
    member (wall-clock in `zone`: a 09:00 handoff stays 09:00 across a DST change)."""
    bare = _bare(layer, after)
    turn = layer_shifts(bare, ZoneInfo(zone), after, after + layer.turn + 2 * DAY)[0]
    return turn.end


def _turn_at(layer: Layer, zone: str, moment: datetime) -> str:
    """Who the layer's rotation has on call at `moment`, restrictions aside."""
    bare = _bare(layer, moment)
    return layer_shifts(bare, ZoneInfo(zone), moment, moment + timedelta(seconds=1))[0].who or ""


def continuing_anchor(old: Layer, new: Layer, zone: str, at: datetime) -> datetime:
    """The `rotationVirtualStart` that makes `new` hand over at `at` to whoever `old` would have
    had on call next (the first of the old order still in the new list), so nobody's turn is
    skipped or doubled by the change."""
    z = ZoneInfo(zone)
    moment, who = at, ""
    for _ in range(len(old.members)):
        who = _turn_at(old, zone, moment)
        if who in new.members:
            break
        moment = next_handover(old, zone, moment)
    position = new.members.index(who) if who in new.members else 0
    return instant(wall(at, z) - position * new.turn, z)


def _rotation(layer: Layer) -> tuple[object, ...]:
    return (layer.members, layer.turn, layer.anchor)


def _what_changed(old: Layer, new: Layer) -> tuple[str, ...]:
    changed = []
    if set(old.members) != set(new.members):
        changed.append("members")
    elif old.members != new.members:
        changed.append("order")
    if old.turn != new.turn:
        changed.append("turn length")
    if old.anchor != new.anchor:
        changed.append("rotation start")
    return tuple(changed)


def _next_shifts(layer: Layer, zone: str, since: datetime) -> dict[str, tuple[datetime, datetime]]:
    """Each member's first shift on the layer that ends after `since` (restrictions applied)."""
    until = since + layer.turn * (len(layer.members) + 1) + 2 * DAY
    found: dict[str, tuple[datetime, datetime]] = {}
    for shift in layer_shifts(layer, ZoneInfo(zone), since, until):
        if shift.who and shift.who not in found:
            found[shift.who] = (shift.start, shift.end)
    return found


def _moved(old: Layer, new: Layer, zone: str, since: datetime) -> tuple[Moved, ...]:
    before, after = _next_shifts(old, zone, since), _next_shifts(new, zone, since)
    people = dict.fromkeys([*old.members, *new.members])
    return tuple(
        Moved(p, before.get(p), after.get(p)) for p in people if before.get(p) != after.get(p)
    )


# --- Comparing two versions of a team -------------------------------------------------------------


def _named(layers: Sequence[Layer]) -> dict[str, list[tuple[int, Layer]]]:
    by_name: dict[str, list[tuple[int, Layer]]] = {}
    for index, layer in enumerate(layers):
        by_name.setdefault(layer.name, []).append((index, layer))
    return by_name


def _in_effect(versions: Iterable[tuple[int, Layer]], moment: datetime) -> tuple[int, Layer] | None:
    """The last version of a layer that runs at `moment` (started, not ended)."""
    running = [
        (i, layer)
        for i, layer in versions
        if layer.start <= moment and (layer.end is None or moment < layer.end)
    ]
    return running[-1] if running else None


def _renamed(
    old: Sequence[Layer], new: Sequence[Layer], before: dict[str, list[tuple[int, Layer]]]
) -> dict[str, list[tuple[int, Layer]]]:
    """`before` with a layer renamed in place under its new name: a head layer whose name the
    base lacks, at the index of a base layer whose name the head lacks, is that layer edited (in
    PagerDuty the same layer, so an edit of its rotation reshuffles the same)."""
    names = {layer.name for layer in new}
    renamed = dict(before)
    for index, layer in enumerate(new):
        if layer.name in before or index >= len(old) or old[index].name in names:
            continue
        renamed[layer.name] = renamed.pop(old[index].name, [])
    return renamed


def _schedule_review(old: Schedule, new: Schedule, reference: datetime) -> list[Reshuffle]:
    found = []
    before, after = _named(old.layers), _named(new.layers)
    before = _renamed(old.layers, new.layers, before)
    for name, versions in after.items():
        was = _in_effect(before.get(name, ()), reference)
        now = _in_effect(versions, reference)
        if was is None:
            planned = [v for _, v in before.get(name, ()) if v.start > reference]
            if planned and now is not None:
                # The base was to start it later; the head has it on call already.
                found.append(
                    _reshuffle(new, name, planned[0], now, planned[0].start, reference, early=True)
                )
            continue  # a new layer, or one that had not started and still has not: no reshuffle
        if now is not None:
            if _rotation(now[1]) == _rotation(was[1]):
                continue
            found.append(
                _reshuffle(
                    new, name, was[1], now, next_handover(was[1], new.zone, reference), reference
                )
            )
            continue
        later = [(i, v) for i, v in versions if v.start > reference]
        if later:  # else the layer ends: that is the change, not a reshuffle
            found.append(
                _reshuffle(new, name, was[1], later[0], later[0][1].start, reference, gap=True)
            )
    return found


def _reshuffle(
    new: Schedule,
    name: str,
    old: Layer,
    version: tuple[int, Layer],
    at: datetime,
    reference: datetime,
    *,
    gap: bool = False,
    early: bool = False,
) -> Reshuffle:
    """The change from `old` to the head's `version` (index, layer) of layer `name`, handed over
    at `at`: what changed, the anchor that continues the rotation, whose next shifts move."""
    index, layer = version
    return Reshuffle(
        schedule=new.slug,
        index=index,
        name=name,
        changed=_what_changed(old, layer) or ("start",),
        handover=at,
        anchor=continuing_anchor(old, layer, new.zone, at),
        moved=_moved(old, layer, new.zone, reference),
        old=old,
        new=layer,
        gap=gap,
        early=early,
    )


def review(base: TeamModel, head: TeamModel, reference: datetime) -> list[Reshuffle]:
    """Every layer of `head` whose version in effect at `reference` rotates otherwise than the
    one of `base` (same schedule, same layer name), or that `head` starts later with no earlier
    version running until then."""
    reference = reference.astimezone(UTC)
    return [
        change
        for slug, schedule in head.schedules.items()
        if slug in base.schedules
        for change in _schedule_review(base.schedules[slug], schedule, reference)
    ]


def handovers(team: TeamModel, since: datetime) -> list[Handover]:
    """Where a layer's version ends at `since` or later and a later layer of the same name starts
    at that moment: the old version hands over to the new one."""
    found = []
    for slug, schedule in team.schedules.items():
        for name, versions in _named(schedule.layers).items():
            for (_, old), (_, new) in pairwise(versions):
                if old.end is not None and old.end == new.start and old.end >= since:
                    first = _turn_at(new, schedule.zone, new.start)
                    found.append(Handover(slug, name, old.end, old, new, first))
    return sorted(found, key=lambda h: (h.at, h.schedule, h.name))
