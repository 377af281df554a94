"""Roster changes as a reviewer reads them: the warning, whose next shifts move, the edit to paste.

`oncall.schedules.handover` finds the reshuffles and handovers; this turns them into text: local
times in the schedule's zone, and the layers of the offered edit as stack-file lines, written so
they can be pasted as they are (a local time that happens twice keeps its offset).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from oncall.schedules.handover import DAY, WEEK, Handover, Reshuffle
from oncall.schedules.model import Layer, Restriction, TeamModel, wall

RESHUFFLE = "this change reshuffles who is on call from the moment it deploys"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


# --- The edit to paste ----------------------------------------------------------------------------


def local_text(moment: datetime, zone: str) -> str:
    """A stack-file date-time in the schedule's zone: local, with the offset only where the local
    time happens twice (clocks going back) and would not say which."""
    z = ZoneInfo(zone)
    naive = wall(moment, z)
    if naive.replace(tzinfo=z, fold=0).utcoffset() != naive.replace(tzinfo=z, fold=1).utcoffset():
        return moment.astimezone(z).isoformat()
    return naive.isoformat()


def _restriction_text(r: Restriction) -> str:
    hours = r.duration / timedelta(hours=1)
    parts = [f"type: {'daily' if r.start_day is None else 'weekly'}"]
    parts.append(f'startTime: "{r.start_time:%H:%M}"')
    parts.append(f"durationHours: {hours:g}")
    if r.start_day is not None:
        parts.append(f"startDay: {_WEEKDAYS[r.start_day - 1]}")
    return "{" + ", ".join(parts) + "}"


def layer_text(layer: Layer, zone: str, *, anchor: datetime | None = None) -> str:
    """The layer as a stack-file flow mapping (one line of `layers:`)."""
    parts = [f"name: {layer.name}", f"members: [{', '.join(layer.members)}]"]
    if layer.turn == WEEK:
        parts.append("rotation: weekly")
    elif layer.turn == DAY:
        parts.append("rotation: daily")
    else:
        parts.append(f"rotationHours: {layer.turn // timedelta(hours=1)}")
    parts.append(f'start: "{local_text(layer.start, zone)}"')
    if anchor is not None and anchor != layer.start:
        parts.append(f'rotationVirtualStart: "{local_text(anchor, zone)}"')
    if layer.end is not None:
        parts.append(f'end: "{local_text(layer.end, zone)}"')
    if layer.restrictions:
        restrictions = ", ".join(_restriction_text(r) for r in layer.restrictions)
        parts.append(f"restrictions: [{restrictions}]")
    return "- {" + ", ".join(parts) + "}"


def offered_edit(change: Reshuffle, zone: str) -> list[str]:
    """The two layers to write in place of the changed one: the old version ending at the
    handover, and the new version starting there, anchored so that whoever was next goes on."""
    new = replace(change.new, start=change.handover, virtual_start=None)
    if change.early:  # nothing ran before: the new version alone, from the planned start
        return [layer_text(new, zone, anchor=change.anchor)]
    old = replace(change.old, name=change.name, end=change.handover)  # a renamed one: its new name
    return [layer_text(old, zone, anchor=old.anchor), layer_text(new, zone, anchor=change.anchor)]


# --- As a reviewer reads it -----------------------------------------------------------------------


def _when(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%a %Y-%m-%d %H:%M %Z")


def _short(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%a %b %-d %H:%M")


def _next(span: tuple[datetime, datetime] | None, reference: datetime, zone: str) -> str:
    if span is None:
        return "none"
    start = "now" if span[0] <= reference else _short(span[0], zone)
    return f"{start} until {_short(span[1], zone)}"


@dataclass(frozen=True)
class Notice:
    """A reshuffle as a reviewer reads it: what it does, whose next shifts move, what to do."""

    what: str
    moves: tuple[str, ...]
    advice: str

    def __str__(self) -> str:
        return (
            f"{self.what}. Next shifts that move: {'; '.join(self.moves) or 'none'}. {self.advice}"
        )


def describe(change: Reshuffle, team: TeamModel, reference: datetime) -> Notice:
    """The warning a reviewer reads: what the change does on the layer, whose next shift moves
    (times in the schedule's zone), and where the offered edit hands over."""
    zone = team.schedules[change.schedule].zone
    where = f"schedule {change.schedule}, layer {change.name!r}"
    if change.early:
        what = (
            f"{where}: its new version is on call from the moment this change deploys (its "
            f"start, {_when(change.new.start, zone)}, is not after {_when(reference, zone)}), "
            f"where the old one was to start {_when(change.handover, zone)}, and it rotates "
            f"otherwise (its {', '.join(change.changed)})"
        )
    elif change.gap:
        what = (
            f"{where}: its new version starts {_when(change.new.start, zone)} and PagerDuty keeps "
            "no earlier version of a layer running until a later start, so this layer has nobody "
            "on call from the moment this change deploys until then"
        )
    else:
        what = (
            f"{where}: {RESHUFFLE} (its {', '.join(change.changed)} change, and its start, "
            f"{_when(change.new.start, zone)}, is not after {_when(reference, zone)})"
        )
    moves = tuple(
        f"{team.display(m.person)}: {_next(m.before, reference, zone)} → "
        f"{_next(m.after, reference, zone)}"
        for m in change.moved
    )
    advice = (
        f"To keep today's shifts, hand over at {_when(change.handover, zone)}: write the layer "
        "as these two (the old version ending there, the new one starting there, anchored so "
        "that whoever was next goes on)"
    )
    if change.early:
        advice = (
            f"To keep the planned start, write the layer as this, starting "
            f"{_when(change.handover, zone)} (anchored so that whoever was to go on first does)"
        )
    return Notice(what, moves, advice)


def describe_handover(change: Handover, team: TeamModel) -> str:
    """`schedule primary, layer 'Weekly': hands over from Tom, Priya to Tom, Priya, Sam at …`."""
    zone = team.schedules[change.schedule].zone

    def names(layer: Layer) -> str:
        return ", ".join(team.display(m) for m in layer.members)

    return (
        f"schedule {change.schedule}, layer {change.name!r}: hands over from its old version "
        f"({names(change.old)}) to its new one ({names(change.new)}) at "
        f"{_when(change.at, zone)}; {team.display(change.first)} goes on first"
    )
