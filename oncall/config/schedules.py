"""`team.schedules` and `team.escalation`: who is on call when, and whom an incident reaches.

Layers rotate their members in turns (`rotation` or `rotationHours`), restricted to daily or
weekly windows; escalation rules name `schedule:<slug>` or `user:<slug>` targets. Layer starts
are read as written here; `team.py` fixes each one to a zone-aware time when the stack is parsed.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Final, Self

from pydantic import AfterValidator, Field, PlainSerializer, PlainValidator, model_validator

from components.vocabulary import (
    MAX_TURN_SECONDS,
    SLUG,
    TARGET_API_TYPES,
    RestrictionType,
    TargetType,
    Vocabulary,
)
from oncall.config.issues import Issue, fail
from oncall.config.scalars import (
    Description,
    Model,
    Name,
    PagerDutyId,
    Slug,
    TimeZoneName,
    WholeNumber,
    distinct,
)
from oncall.config.yamldata import number_problem

MAX_TURN_HOURS: Final = MAX_TURN_SECONDS // 3600
"""PagerDuty's longest rotation turn, 365 days (`rotation_turn_length_seconds` ≤ 31536000)."""

YEARS: Final = range(2000, 9001)
"""The years a date-time may fall in: far from datetime's limits, so converting between time
zones and adding weeks cannot overflow."""


class Rotation(Vocabulary):
    """A named rotation turn length (`rotationHours` gives any other length)."""

    DAILY = "daily"
    WEEKLY = "weekly"


ROTATION_SECONDS: Final[dict[Rotation, int]] = {Rotation.DAILY: 86_400, Rotation.WEEKLY: 604_800}


RESTRICTION_WORDS: Final[dict[str, RestrictionType]] = {
    "daily": RestrictionType.DAILY,
    "weekly": RestrictionType.WEEKLY,
}
"""The stack file's words for a restriction type: on call every day, or once a week."""


class Weekday(Vocabulary):
    """A day of the week, as written in restrictions."""

    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"

    @property
    def number(self) -> int:
        """PagerDuty's `start_day_of_week`: 1 = Monday … 7 = Sunday (ISO 8601)."""
        return WEEKDAY_NUMBERS[self]


WEEKDAY_NUMBERS: Final[dict[Weekday, int]] = {day: index for index, day in enumerate(Weekday, 1)}


def _time_of_day(value: object) -> str:
    match = (
        re.fullmatch(r"([01]?[0-9]|2[0-3]):([0-5][0-9])", value) if isinstance(value, str) else None
    )
    if match is None:
        raise ValueError('expected a quoted time of day "HH:MM", e.g. "09:00"')
    return f"{int(match[1]):02d}:{match[2]}"


def _date_time(value: object) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and len(value) > 10:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if moment.year not in YEARS:
                raise ValueError(
                    f"expected a date-time between the years {YEARS[0]} and {YEARS[-1]}"
                )
            return moment
    raise ValueError(
        'expected an ISO 8601 date-time like "2026-12-07T09:00:00" (in the schedule\'s time zone) '
        'or "2026-12-07T09:00:00-05:00"'
    )


def _rotation(value: object) -> Rotation:
    if isinstance(value, str):
        try:
            return Rotation(value)
        except ValueError:
            pass
    raise ValueError("expected daily or weekly; for any other turn length set rotationHours")


def _turn_hours(hours: int) -> int:
    if not 1 <= hours <= MAX_TURN_HOURS:
        raise ValueError(f"a turn lasts 1 to {MAX_TURN_HOURS} hours (1 hour to 365 days)")
    return hours


def restriction_word(kind: RestrictionType) -> str:
    """The stack file's word for a restriction type (`daily`, `weekly`)."""
    return next(word for word, known in RESTRICTION_WORDS.items() if known is kind)


def _restriction_type(value: object) -> RestrictionType:
    word = value.strip().lower() if isinstance(value, str) else None
    if word not in RESTRICTION_WORDS:
        raise ValueError("expected 'daily' or 'weekly'")
    return RESTRICTION_WORDS[word]


TimeOfDay = Annotated[str, PlainValidator(_time_of_day)]
RestrictionWord = Annotated[
    RestrictionType,
    PlainValidator(_restriction_type),
    PlainSerializer(restriction_word, when_used="json"),
]
DateTime = Annotated[datetime, PlainValidator(_date_time)]
RotationWord = Annotated[Rotation, PlainValidator(_rotation)]
TurnHours = Annotated[WholeNumber, AfterValidator(_turn_hours)]


def _hours(hours: float) -> float:
    """A number of hours the config can convert to whole seconds (`duration_seconds`): the
    conversion is the config's, so guarding it is too (1e308 hours, written as text, would
    overflow). How long a restriction may last is TeamOnCall's rule, checked on the seconds
    (components/team/schedules.py `_duration`)."""
    problem = number_problem(hours)
    if problem is not None:
        raise ValueError(problem)
    return hours


class Restriction(Model):
    """When a layer is on call: a daily window, or a weekly one starting on `startDay`.

    Which type takes a `startDay` and how long each may last are TeamOnCall's rules
    (components/team/schedules.py `_restriction_problems`), reported here at these keys."""

    type: RestrictionWord
    """`daily` (the same hours every day) or `weekly` (from a start day and time)."""
    start_time: TimeOfDay
    """The time of day the window opens, `HH:MM`, in the schedule's time zone."""
    duration_hours: Annotated[float, AfterValidator(_hours)]
    """How many hours the window stays open."""
    start_day: Weekday | None = None
    """For a weekly window: the day it opens (`monday` … `sunday`)."""

    @property
    def api_type(self) -> str:
        """The restriction type as PagerDuty's API spells it."""
        return self.type.value

    @property
    def start_time_of_day(self) -> str:
        """`start_time_of_day` as PagerDuty takes it, "HH:MM:SS"."""
        return f"{self.start_time}:00"

    @property
    def duration_seconds(self) -> int:
        """`duration_seconds`: the hours written, rounded to whole seconds."""
        return round(self.duration_hours * 3600)

    @property
    def start_day_of_week(self) -> int | None:
        """`start_day_of_week` of a weekly restriction (1 = Monday); None for a daily one."""
        return None if self.start_day is None else self.start_day.number


class Layer(Model):
    """A schedule layer; later layers win where they overlap, as in PagerDuty."""

    name: Name
    """The layer's name in PagerDuty (a name saying daily or weekly must match the rotation)."""
    members: Annotated[tuple[Slug, ...], Field(min_length=1), AfterValidator(distinct)]
    """Member slugs in rotation order; append newcomers at the end (reordering reshuffles turns)."""
    rotation: RotationWord | None = None
    """How long each turn lasts: `daily` or `weekly` (or give `rotationHours`)."""
    rotation_hours: TurnHours | None = None
    """The turn's length in hours, when it is neither a day nor a week."""
    start: DateTime | None = None
    """As written: with an offset, without one (the schedule's local time), or absent (the
    earliest of the other layers'). `parse_stack_config` returns `ResolvedLayer`s."""
    end: DateTime | None = None
    """When the layer stops (a fixed date-time); default never."""
    rotation_virtual_start: DateTime | None = None
    """The rotation's anchor: the moment the first member's turn starts (a turn boundary), kept
    apart from `start`, from when this version of the layer applies; default `start`. `oncall
    diff` offers both when a roster change would otherwise reshuffle shifts at deploy time."""
    restrictions: tuple[Restriction, ...] = ()
    """When the layer is on call at all, e.g. weekday working hours; default always."""

    @model_validator(mode="after")
    def _one_turn_length(self) -> Self:
        if self.rotation is not None and self.rotation_hours is not None:
            message = "set either rotation or rotationHours, not both"
            fail(Issue(("rotationHours",), self.rotation_hours, message))
        return self

    @property
    def rotation_seconds(self) -> int:
        """The turn length (`rotation_turn_length_seconds`); weekly unless the config says."""
        if self.rotation_hours is not None:
            return self.rotation_hours * 3600
        return ROTATION_SECONDS[self.rotation or Rotation.WEEKLY]


class Schedule(Model):
    """An on-call schedule, keyed by a slug in `team.schedules`.

    `time_zone` is the schedule's own as the stack file writes it (None: not written);
    `parse_stack_config` returns a `ResolvedSchedule`.
    """

    name: Name
    """The schedule's name in PagerDuty."""
    time_zone: TimeZoneName | None = None
    """The schedule's IANA time zone; default the team's. Layer starts without an offset are
    local to it."""
    description: Description | None = None
    """Absent: the stack's own; "" for none (an adopted schedule's must be what exists)."""
    teams: Annotated[tuple[PagerDutyId, ...], AfterValidator(distinct)] = ()
    """PagerDuty teams the schedule is assigned to, by id (an adopted one's as they are), besides
    the team `createPagerdutyTeam` makes."""
    import_id: PagerDutyId | None = None
    """Adopt the schedule PagerDuty already has under this id instead of creating one (retained
    on destroy)."""
    layers: Annotated[tuple[Layer, ...], Field(min_length=1)]
    """The layers, in order: where two have someone on call, the later one wins, as in PagerDuty."""


class ResolvedLayer(Layer):
    """A layer as `parse_stack_config` returns it: its start fixed, with its UTC offset."""

    start: datetime
    end: datetime | None = None
    rotation_virtual_start: datetime | None = None


class ResolvedSchedule(Schedule):
    """A schedule as `parse_stack_config` returns it: its time zone (its own or the team's) and
    its layers resolved."""

    time_zone: str
    layers: tuple[ResolvedLayer, ...]


class Target(Model):
    """An escalation target, written `schedule:<slug>` or `user:<slug>`."""

    kind: TargetType
    """`schedule` or `user`."""
    slug: str
    """The schedule's or member's slug."""

    def __str__(self) -> str:
        """The target as written: `schedule:<slug>` or `user:<slug>`."""
        return f"{self.kind.value}:{self.slug}"

    def as_written(self) -> str:
        """The target in problem messages, as the user wrote it."""
        return str(self)

    @property
    def api_type(self) -> str:
        """The target type as PagerDuty's API spells it."""
        return TARGET_API_TYPES[self.kind]


def _target(value: object) -> Target:
    if isinstance(value, Target):
        return value
    kind, _, slug = value.partition(":") if isinstance(value, str) else ("", "", "")
    if kind not in tuple(TargetType) or not re.fullmatch(SLUG, slug):
        raise ValueError("expected schedule:<slug> or user:<slug>")
    return Target(kind=TargetType(kind), slug=slug)


class EscalationRule(Model):
    """Notify these targets; escalate to the next rule after `escalateAfterMinutes`."""

    targets: Annotated[
        tuple[Annotated[Target, PlainValidator(_target)], ...],
        Field(min_length=1),
        AfterValidator(distinct),
    ]
    """Who this level pages: `schedule:<slug>` (whoever is on call) or `user:<slug>`."""
    escalate_after_minutes: WholeNumber = 30
    """Minutes without an acknowledgement before the next level is paged."""


class Escalation(Model):
    """`team.escalation`: the escalation policy, rules in order."""

    name: Name
    """The escalation policy's name in PagerDuty."""
    loops: WholeNumber = 0
    """How many more times the rules repeat when nobody acknowledges (0-9)."""
    description: Description | None = None
    """Absent: the stack's own; "" for none (an adopted policy's must be what exists)."""
    team: PagerDutyId | None = None
    """The PagerDuty team the policy is assigned to, by id (PagerDuty takes one); not with
    `createPagerdutyTeam`, which assigns its own."""
    import_id: PagerDutyId | None = None
    """Adopt the escalation policy PagerDuty already has under this id (retained on destroy)."""
    rules: Annotated[tuple[EscalationRule, ...], Field(min_length=1)]
    """The levels, in order: each pages its targets, and the next one after
    `escalateAfterMinutes` without an acknowledgement."""
