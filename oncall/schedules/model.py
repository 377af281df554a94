"""Who is on call when: the final schedule, computed offline the way PagerDuty resolves it.

A layer is a rotation: from `rotation_virtual_start` on, every `rotation_turn_length_seconds`
the next member in the list takes over (the first member's turn starts at the virtual start,
which may be before the layer's `start`; the terraform provider's schema: "The effective start
time of the schedule layer. This can be before the start time of the schedule."). Nobody on the
layer is on call before its `start` or from its `end` on. Restrictions narrow a layer to daily or
weekly windows; the rotation still hands off by the clock, so a turn that falls outside every
window puts its member on call for no time at all. Where several layers have someone on call, the
last one in the list wins, and only one person per schedule is on call at a time (PagerDuty,
"Schedule Basics", support.pagerduty.com/docs/schedules: "the lowest layer always takes
precedence ... The last layer, then, essentially acts as an override for all layers that it
overlaps"; "It is also possible that no one is on-call").

Times of day are wall-clock times in the schedule's time zone, DST included: a 09:00 handoff
stays at 09:00 local when the clocks change, so a daily turn across a change lasts 23 or 25 hours,
and a restriction "Friday 17:00 for 64 hours" ends Monday 09:00 local. PagerDuty keeps a
schedule's times in the schedule's own zone and shifts them for viewers elsewhere when DST begins
(support.pagerduty.com/main/docs/time-zones, "Daylight Saving Time"); that turn lengths and
restriction durations count wall-clock time across a change is our reading of that, not a
sentence of PagerDuty's. A local time the clocks skip is read one gap later (02:30 on the
spring-forward night is 03:30 daylight time), as Python's zoneinfo (PEP 495) and java.time do.

An escalation policy's rules sit on top: rule k reaches its users and whoever is on call in its
schedules; when nobody is, PagerDuty escalates to the next rule at once ("Scheduling Gaps",
support.pagerduty.com/hc/en-us/articles/202830180). `loops` repeats the rules.

Pure: no clock, no config parsing, no Pulumi. oncall.schedules.from_config builds the model from a
parsed team.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

WEEK = timedelta(days=7)


# --- The model ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Restriction:
    """A window a layer is on call in: every day, or every week from `start_day` (1 = Monday)."""

    start_time: time
    duration: timedelta
    start_day: int | None = None
    """ISO weekday (1 = Monday … 7 = Sunday) of a weekly window; None for a daily one."""


@dataclass(frozen=True)
class Layer:
    """One schedule layer, the way PagerDuty's API describes it."""

    name: str
    members: tuple[str, ...]
    start: datetime
    turn: timedelta
    virtual_start: datetime | None = None
    """When the first member's first turn began; default `start`."""
    end: datetime | None = None
    restrictions: tuple[Restriction, ...] = ()

    @property
    def anchor(self) -> datetime:
        """Where the rotation is counted from: the virtual start if given, else the start."""
        return self.virtual_start or self.start


@dataclass(frozen=True)
class Schedule:
    """A schedule: its time zone and its layers, bottom first (later layers win)."""

    slug: str
    name: str
    zone: str
    layers: tuple[Layer, ...]


@dataclass(frozen=True)
class Rule:
    """An escalation rule: the schedules and users it notifies, and the minutes before the next."""

    schedules: tuple[str, ...]
    users: tuple[str, ...]
    delay_minutes: int


@dataclass(frozen=True)
class Policy:
    """An escalation policy: its rules in order, and how often it loops when nobody acknowledges."""

    name: str
    rules: tuple[Rule, ...]
    loops: int = 0

    def reached_after(self, index: int) -> int:
        """Minutes from the incident to rule `index` (0-based) when nobody acknowledges."""
        return sum(rule.delay_minutes for rule in self.rules[:index])


@dataclass(frozen=True)
class Person:
    """Someone on the team: the name shown, and the time zone their working hours are in."""

    name: str
    zone: str


@dataclass(frozen=True)
class TeamModel:
    """A team's people, schedules and escalation policy, ready to resolve."""

    name: str
    zone: str
    people: dict[str, Person]
    schedules: dict[str, Schedule]
    policy: Policy

    def display(self, slug: str | None) -> str:
        """The person's name for `slug`; `nobody` for a gap, the slug itself when it is unknown."""
        if slug is None:
            return "nobody"
        person = self.people.get(slug)
        return person.name if person else slug

    def latest_start(self) -> datetime:
        """When every layer of every schedule has started: where the checks look by default."""
        starts = [layer.start for s in self.schedules.values() for layer in s.layers]
        return max(starts).astimezone(UTC)


@dataclass(frozen=True)
class Shift:
    """[start, end) with `who` on call (None: a gap), from layer index `layer` (None in a gap)."""

    start: datetime
    end: datetime
    who: str | None
    layer: int | None = None

    @property
    def hours(self) -> float:
        """The shift's length in hours."""
        return (self.end - self.start).total_seconds() / 3600


# --- Local time -----------------------------------------------------------------------------------


def instant(local: datetime, zone: ZoneInfo) -> datetime:
    """A naive wall-clock time in `zone` as a UTC instant (PEP 495 fold=0 for ambiguous and
    skipped times: the first of two, one gap later for a skipped one)."""
    return local.replace(tzinfo=zone).astimezone(UTC)


def wall(moment: datetime, zone: ZoneInfo) -> datetime:
    """The naive wall-clock time in `zone` at `moment`."""
    return moment.astimezone(zone).replace(tzinfo=None)


def local_dates(since: datetime, until: datetime, zone: ZoneInfo) -> Iterable[date]:
    """Every local date in `zone` that [since, until) touches."""
    day, last = wall(since, zone).date(), wall(until - timedelta(microseconds=1), zone).date()
    while day <= last:
        yield day
        day += timedelta(days=1)


# --- One layer ------------------------------------------------------------------------------------


def _turns(layer: Layer, zone: ZoneInfo, since: datetime, until: datetime) -> Iterator[Shift]:
    """The layer's turns clipped to [since, until) and to its own start and end."""
    lo = max(since, layer.start)
    hi = min(until, layer.end) if layer.end else until
    if lo >= hi:
        return
    anchor = wall(layer.anchor, zone)
    # Handoffs are wall-clock: anchor + k turns, local. Estimate k from local time, then settle it.
    k = (wall(lo, zone) - anchor) // layer.turn
    while instant(anchor + (k + 1) * layer.turn, zone) <= lo:
        k += 1
    while instant(anchor + k * layer.turn, zone) > lo:
        k -= 1
    while True:
        start = max(instant(anchor + k * layer.turn, zone), lo)
        end = min(instant(anchor + (k + 1) * layer.turn, zone), hi)
        if start < end:
            yield Shift(start, end, layer.members[k % len(layer.members)])
        if end >= hi:
            return
        k += 1


def _windows(
    restrictions: Sequence[Restriction], zone: ZoneInfo, since: datetime, until: datetime
) -> list[tuple[datetime, datetime]]:
    """The union of the restriction windows that meet [since, until), sorted, clipped."""
    first, last = wall(since, zone).date() - WEEK - timedelta(days=1), wall(until, zone).date()
    found = []
    for r in restrictions:
        day = first
        while day <= last:
            if r.start_day is None or day.isoweekday() == r.start_day:
                local = datetime.combine(day, r.start_time)
                start, end = instant(local, zone), instant(local + r.duration, zone)
                if start < until and end > since:
                    found.append((max(start, since), min(end, until)))
            day += timedelta(days=1)
    return union(found)


def union(spans: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Time spans [start, end) merged where they overlap or touch; sorted; empty ones dropped."""
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        elif start < end:
            merged.append((start, end))
    return merged


def minus(
    spans: Sequence[tuple[datetime, datetime]], other: Sequence[tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime]]:
    """The stretches of `spans` that `other` does not cover (both sorted and disjoint)."""
    left: list[tuple[datetime, datetime]] = []
    for start, end in spans:
        at = start
        for o_start, o_end in other:
            if o_end <= at or o_start >= end:
                continue
            if o_start > at:
                left.append((at, o_start))
            at = max(at, o_end)
        if at < end:
            left.append((at, end))
    return left


def layer_shifts(layer: Layer, zone: ZoneInfo, since: datetime, until: datetime) -> list[Shift]:
    """Who the layer has on call in [since, until), sorted, without gaps between entries."""
    turns = list(_turns(layer, zone, since, until))
    if not layer.restrictions:
        return turns
    windows = _windows(layer.restrictions, zone, since, until)
    shifts = []
    for turn in turns:
        for start, end in windows:
            lo, hi = max(start, turn.start), min(end, turn.end)
            if lo < hi:
                shifts.append(Shift(lo, hi, turn.who))
    return shifts


# --- A schedule -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timeline:
    """Shifts covering [since, until) without overlap, gaps included; looked up by time."""

    shifts: tuple[Shift, ...]
    _starts: tuple[datetime, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", tuple(s.start for s in self.shifts))

    def at(self, moment: datetime) -> Shift | None:
        """The shift that covers `moment`, or None outside every shift."""
        index = bisect.bisect_right(self._starts, moment) - 1
        if index < 0 or moment >= self.shifts[index].end:
            return None
        return self.shifts[index]

    def who(self, moment: datetime) -> str | None:
        """The slug on call at `moment` (None: nobody, a gap)."""
        shift = self.at(moment)
        return shift.who if shift else None

    def gaps(self) -> list[Shift]:
        """The shifts with nobody on call."""
        return [s for s in self.shifts if s.who is None]

    def covered_share(self) -> float:
        """The share of the timeline's time someone is on call (1.0 for an empty timeline)."""
        total = sum((s.end - s.start for s in self.shifts), timedelta())
        covered = sum((s.end - s.start for s in self.shifts if s.who), timedelta())
        return covered / total if total else 1.0

    def boundaries(self) -> list[datetime]:
        """Where the shifts start: the moments the answer to `who` can change."""
        return [s.start for s in self.shifts]


@dataclass(frozen=True)
class Resolved:
    """A schedule resolved over a horizon: each layer's own shifts and the final schedule."""

    schedule: Schedule
    layers: tuple[tuple[Shift, ...], ...]
    final: Timeline


def resolve(schedule: Schedule, since: datetime, until: datetime) -> Resolved:
    """The schedule's layers and final schedule over [since, until)."""
    zone = ZoneInfo(schedule.zone)
    per_layer = [layer_shifts(layer, zone, since, until) for layer in schedule.layers]
    cuts = sorted(
        {since, until, *(t for shifts in per_layer for s in shifts for t in (s.start, s.end))}
    )
    lookups = [Timeline(tuple(shifts)) for shifts in per_layer]
    final: list[Shift] = []
    for start, end in pairwise(cuts):
        who, top = None, None
        for index in reversed(range(len(lookups))):
            who = lookups[index].who(start)
            if who is not None:
                top = index
                break
        if final and final[-1].who == who and final[-1].layer == top and final[-1].end == start:
            final[-1] = Shift(final[-1].start, end, who, top)
        else:
            final.append(Shift(start, end, who, top))
    return Resolved(schedule, tuple(tuple(s) for s in per_layer), Timeline(tuple(final)))


# --- The escalation policy ------------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    """Who one escalation rule reaches over [start, end), and through which targets."""

    start: datetime
    end: datetime
    reached: tuple[tuple[str, str], ...]
    """(person, target) pairs in target order; target is `schedule:<slug>` or `user:<slug>`."""

    @property
    def people(self) -> tuple[str, ...]:
        """Everyone the level reaches, each once, in target order."""
        return tuple(dict.fromkeys(person for person, _ in self.reached))


def rule_levels(
    rule: Rule, finals: dict[str, Timeline], since: datetime, until: datetime
) -> list[Level]:
    """Who `rule` reaches over [since, until), as segments where that does not change."""
    cuts = sorted(
        {since, until, *(t for slug in rule.schedules for t in finals[slug].boundaries())}
    )
    cuts = [c for c in cuts if since <= c <= until]
    levels: list[Level] = []
    for start, end in pairwise(cuts):
        reached = [
            (who, f"schedule:{slug}")
            for slug in rule.schedules
            if (who := finals[slug].who(start)) is not None
        ]
        reached += [(user, f"user:{user}") for user in rule.users]
        key = tuple(reached)
        if levels and levels[-1].reached == key:
            levels[-1] = Level(levels[-1].start, end, key)
        else:
            levels.append(Level(start, end, key))
    return levels


@dataclass(frozen=True)
class TeamResolution:
    """A team over a horizon: every schedule resolved, and every escalation rule's levels."""

    team: TeamModel
    since: datetime
    until: datetime
    schedules: dict[str, Resolved]
    levels: tuple[tuple[Level, ...], ...]

    def finals(self) -> dict[str, Timeline]:
        """Each schedule's final timeline, by slug (what escalation rules resolve against)."""
        return {slug: r.final for slug, r in self.schedules.items()}


def resolve_team(team: TeamModel, since: datetime, until: datetime) -> TeamResolution:
    """Resolve every schedule of `team` and its escalation rules over [since, until)."""
    since, until = since.astimezone(UTC), until.astimezone(UTC)
    schedules = {slug: resolve(s, since, until) for slug, s in team.schedules.items()}
    finals = {slug: r.final for slug, r in schedules.items()}
    levels = tuple(tuple(rule_levels(rule, finals, since, until)) for rule in team.policy.rules)
    return TeamResolution(team, since, until, schedules, levels)
