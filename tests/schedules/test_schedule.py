"""The schedule model against hand-worked cases, and its invariants as properties (hypothesis).

Every expected time below is worked out by hand from the layer's definition: handoffs every turn
from the virtual start, wall-clock in the schedule's time zone; restrictions as local windows;
later layers win.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from oncall.schedules.model import (
    Layer,
    Restriction,
    Schedule,
    Shift,
    instant,
    layer_shifts,
    resolve,
)

DAY, WEEK, HOUR = timedelta(days=1), timedelta(days=7), timedelta(hours=1)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def local(zone: str, year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def on_call(layer: Layer, zone: str, moment: datetime) -> str | None:
    for shift in layer_shifts(layer, ZoneInfo(zone), moment, moment + timedelta(seconds=1)):
        return shift.who
    return None


def spans(shifts: list[Shift]) -> list[tuple[datetime, datetime, str | None]]:
    return [(s.start, s.end, s.who) for s in shifts]


# --- Rotations ------------------------------------------------------------------------------------


def test_weekly_rotation_hands_off_every_seven_days_in_member_order() -> None:
    layer = Layer("Weekly", ("ann", "bob", "cat"), utc(2026, 1, 5, 9), WEEK)
    assert on_call(layer, "UTC", utc(2026, 1, 5, 9)) == "ann"
    assert on_call(layer, "UTC", utc(2026, 1, 12, 8, 59)) == "ann"
    assert on_call(layer, "UTC", utc(2026, 1, 12, 9)) == "bob"
    assert on_call(layer, "UTC", utc(2026, 1, 19, 9)) == "cat"
    assert on_call(layer, "UTC", utc(2026, 1, 26, 9)) == "ann"


def test_daily_rotation_hands_off_at_the_start_time_every_day() -> None:
    layer = Layer("Daily", ("ann", "bob"), utc(2026, 1, 5, 8), DAY)
    shifts = layer_shifts(layer, ZoneInfo("UTC"), utc(2026, 1, 5), utc(2026, 1, 7, 12))
    assert spans(shifts) == [
        (utc(2026, 1, 5, 8), utc(2026, 1, 6, 8), "ann"),
        (utc(2026, 1, 6, 8), utc(2026, 1, 7, 8), "bob"),
        (utc(2026, 1, 7, 8), utc(2026, 1, 7, 12), "ann"),
    ]


def test_nobody_is_on_call_on_a_layer_before_its_start_or_from_its_end() -> None:
    layer = Layer("L", ("ann",), utc(2026, 1, 5), DAY, end=utc(2026, 1, 6, 12))
    assert on_call(layer, "UTC", utc(2026, 1, 4, 23, 59)) is None
    assert on_call(layer, "UTC", utc(2026, 1, 6, 11, 59)) == "ann"
    assert on_call(layer, "UTC", utc(2026, 1, 6, 12)) is None


def test_a_virtual_start_before_the_start_sets_whose_turn_it_is_at_the_start() -> None:
    # Turns began Jan 1 00:00 (ann), Jan 2 (bob), Jan 3 (cat): at the Jan 3 12:00 start, cat.
    layer = Layer(
        "L", ("ann", "bob", "cat"), utc(2026, 1, 3, 12), DAY, virtual_start=utc(2026, 1, 1)
    )
    assert on_call(layer, "UTC", utc(2026, 1, 3, 11, 59)) is None
    shifts = layer_shifts(layer, ZoneInfo("UTC"), utc(2026, 1, 3), utc(2026, 1, 5, 1))
    assert spans(shifts) == [
        (utc(2026, 1, 3, 12), utc(2026, 1, 4), "cat"),
        (utc(2026, 1, 4), utc(2026, 1, 5), "ann"),
        (utc(2026, 1, 5), utc(2026, 1, 5, 1), "bob"),
    ]


# --- Restrictions ---------------------------------------------------------------------------------


def test_a_daily_restriction_that_wraps_midnight_is_split_by_the_handoff() -> None:
    night = Restriction(time(22), timedelta(hours=10))  # 22:00 → 08:00 the next day
    layer = Layer("Nights", ("ann", "bob"), utc(2026, 1, 5), DAY, restrictions=(night,))
    shifts = layer_shifts(layer, ZoneInfo("UTC"), utc(2026, 1, 5), utc(2026, 1, 7))
    assert spans(shifts) == [
        (utc(2026, 1, 5, 0), utc(2026, 1, 5, 8), "ann"),  # the window that began Jan 4
        (utc(2026, 1, 5, 22), utc(2026, 1, 6, 0), "ann"),
        (utc(2026, 1, 6, 0), utc(2026, 1, 6, 8), "bob"),  # handoff at midnight, mid-window
        (utc(2026, 1, 6, 22), utc(2026, 1, 7, 0), "bob"),
    ]


def test_a_weekly_restriction_friday_17_to_monday_09_covers_the_weekend_only() -> None:
    zone = "America/New_York"
    weekend = Restriction(time(17), timedelta(hours=64), start_day=5)
    layer = Layer(
        "Weekends", ("ann", "bob"), local(zone, 2026, 1, 2, 17), WEEK, restrictions=(weekend,)
    )
    assert on_call(layer, zone, local(zone, 2026, 1, 9, 16, 59)) is None  # Friday afternoon
    assert on_call(layer, zone, local(zone, 2026, 1, 9, 17)) == "bob"  # second turn
    assert on_call(layer, zone, local(zone, 2026, 1, 11, 3)) == "bob"  # Sunday night
    assert on_call(layer, zone, local(zone, 2026, 1, 12, 8, 59)) == "bob"  # Monday morning
    assert on_call(layer, zone, local(zone, 2026, 1, 12, 9)) is None
    assert on_call(layer, zone, local(zone, 2026, 1, 14, 12)) is None  # Wednesday


def test_a_weekend_window_over_the_fall_back_ends_at_monday_09_local() -> None:
    # New York falls back Sunday 2026-11-01 02:00: Fri 17:00 EDT → Mon 09:00 EST is 65 hours.
    zone = "America/New_York"
    weekend = Restriction(time(17), timedelta(hours=64), start_day=5)
    layer = Layer("W", ("ann",), utc(2026, 10, 2), WEEK, restrictions=(weekend,))
    shifts = layer_shifts(layer, ZoneInfo(zone), utc(2026, 10, 29), utc(2026, 11, 4))
    assert spans(shifts) == [(utc(2026, 10, 30, 21), utc(2026, 11, 2, 14), "ann")]


# --- Daylight saving time -------------------------------------------------------------------------


def test_new_york_spring_forward_keeps_the_09_00_handoff_local_a_23_hour_turn() -> None:
    # Clocks go 02:00 EST → 03:00 EDT on Sunday 2026-03-08.
    zone = "America/New_York"
    layer = Layer("Daily", ("ann", "bob"), local(zone, 2026, 3, 6, 9), DAY)
    shifts = layer_shifts(layer, ZoneInfo(zone), utc(2026, 3, 7, 14), utc(2026, 3, 9, 13))
    assert spans(shifts) == [
        (utc(2026, 3, 7, 14), utc(2026, 3, 8, 13), "bob"),  # Sat 09:00 EST → Sun 09:00 EDT
        (utc(2026, 3, 8, 13), utc(2026, 3, 9, 13), "ann"),
    ]
    assert shifts[0].hours == 23


def test_london_fall_back_keeps_the_09_00_handoff_local_a_25_hour_turn() -> None:
    # Clocks go 02:00 BST → 01:00 GMT on Sunday 2026-10-25.
    zone = "Europe/London"
    layer = Layer("Daily", ("ann", "bob"), local(zone, 2026, 10, 24, 9), DAY)
    shifts = layer_shifts(layer, ZoneInfo(zone), utc(2026, 10, 24, 8), utc(2026, 10, 26, 9))
    assert spans(shifts) == [
        (utc(2026, 10, 24, 8), utc(2026, 10, 25, 9), "ann"),  # Sat 09:00 BST → Sun 09:00 GMT
        (utc(2026, 10, 25, 9), utc(2026, 10, 26, 9), "bob"),
    ]
    assert shifts[0].hours == 25


def test_london_restriction_over_the_repeated_hour_lasts_its_wall_clock_span() -> None:
    # 00:30 for 2 hours on the fall-back night: 00:30 BST (23:30Z) → 02:30 GMT (02:30Z), 3 hours.
    zone = "Europe/London"
    window = Restriction(time(0, 30), timedelta(hours=2))
    layer = Layer("N", ("ann",), utc(2026, 10, 1), WEEK, restrictions=(window,))
    shifts = layer_shifts(layer, ZoneInfo(zone), utc(2026, 10, 24, 12), utc(2026, 10, 25, 12))
    assert spans(shifts) == [(utc(2026, 10, 24, 23, 30), utc(2026, 10, 25, 2, 30), "ann")]


def test_a_skipped_local_time_is_read_one_gap_later() -> None:
    assert instant(datetime(2026, 3, 8, 2, 30), ZoneInfo("America/New_York")) == utc(
        2026, 3, 8, 7, 30
    )


# --- Layers and the final schedule ----------------------------------------------------------------


def test_the_later_layer_wins_where_it_has_someone_and_the_lower_shows_through_elsewhere() -> None:
    backstop = Layer("Backstop", ("jane",), utc(2026, 1, 1), WEEK)
    days = Restriction(time(9), timedelta(hours=8))
    rotation = Layer("Days", ("joe",), utc(2026, 1, 5), DAY, restrictions=(days,))
    schedule = Schedule("s", "S", "UTC", (backstop, rotation))
    final = resolve(schedule, utc(2026, 1, 5), utc(2026, 1, 6)).final
    assert [(s.start.hour, s.end.hour, s.who, s.layer) for s in final.shifts] == [
        (0, 9, "jane", 0),
        (9, 17, "joe", 1),
        (17, 0, "jane", 0),
    ]


def test_a_gap_is_where_no_layer_has_anyone() -> None:
    days = Restriction(time(9), timedelta(hours=8))
    schedule = Schedule(
        "s", "S", "UTC", (Layer("D", ("joe",), utc(2026, 1, 1), DAY, restrictions=(days,)),)
    )
    final = resolve(schedule, utc(2026, 1, 5), utc(2026, 1, 6)).final
    assert [(s.start.hour, s.end.hour) for s in final.gaps()] == [(0, 9), (17, 0)]
    assert abs(final.covered_share() - 8 / 24) < 1e-9


# --- Properties -----------------------------------------------------------------------------------

ZONES = ["UTC", "America/New_York", "Europe/London", "Asia/Kolkata", "Australia/Lord_Howe"]
SINCE = utc(2026, 3, 1)
UNTIL = SINCE + 4 * WEEK


@st.composite
def restrictions(draw: st.DrawFn) -> Restriction:
    weekly = draw(st.booleans())
    hours = draw(st.integers(1, 167 if weekly else 24))
    return Restriction(
        time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 30]))),
        timedelta(hours=hours),
        draw(st.integers(1, 7)) if weekly else None,
    )


@st.composite
def layers(draw: st.DrawFn, restricted: bool = True) -> Layer:
    start = SINCE + timedelta(hours=draw(st.integers(-24 * 40, 24 * 30)))
    end_hours = draw(st.none() | st.integers(1, 24 * 40))
    return Layer(
        name=draw(st.sampled_from(["A", "B", "C"])),
        members=tuple(
            draw(st.lists(st.sampled_from("abcdef"), min_size=1, max_size=4, unique=True))
        ),
        start=start,
        turn=timedelta(hours=draw(st.integers(1, 24 * 14))),
        virtual_start=start - timedelta(hours=draw(st.integers(0, 24 * 20))),
        end=None if end_hours is None else start + timedelta(hours=end_hours),
        restrictions=tuple(draw(st.lists(restrictions(), max_size=3))) if restricted else (),
    )


def always(members: tuple[str, ...]) -> Layer:
    return Layer("24/7", members, SINCE - WEEK, timedelta(hours=12))


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(ZONES), st.lists(layers(), max_size=3), st.sampled_from(["a", "b"]))
def test_a_24_7_bottom_layer_leaves_no_gaps(zone: str, above: list[Layer], member: str) -> None:
    schedule = Schedule("s", "S", zone, (always((member,)), *above))
    assert resolve(schedule, SINCE, UNTIL).final.gaps() == []


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(ZONES), st.lists(layers(), min_size=1, max_size=3), layers())
def test_adding_a_layer_never_creates_a_gap(zone: str, base: list[Layer], extra: Layer) -> None:
    before = resolve(Schedule("s", "S", zone, tuple(base)), SINCE, UNTIL).final
    after = resolve(Schedule("s", "S", zone, (*base, extra)), SINCE, UNTIL).final
    for gap in after.gaps():
        assert before.who(gap.start) is None
        covering = before.at(gap.start)
        assert covering is not None
        assert covering.end >= gap.end


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(ZONES), st.lists(layers(), min_size=1, max_size=4), st.data())
def test_the_final_schedule_has_exactly_one_person_wherever_there_is_no_gap(
    zone: str, stack: list[Layer], data: st.DataObject
) -> None:
    resolved = resolve(Schedule("s", "S", zone, tuple(stack)), SINCE, UNTIL)
    shifts = resolved.final.shifts
    # The final schedule partitions the horizon: contiguous, no overlap.
    assert shifts[0].start == SINCE
    assert shifts[-1].end == UNTIL
    assert all(a.end == b.start and a.start < a.end for a, b in itertools.pairwise(shifts))
    for _ in range(10):
        moment = SINCE + timedelta(minutes=data.draw(st.integers(0, 4 * 7 * 24 * 60 - 1)))
        on_layers = [on_call(layer, zone, moment) for layer in stack]
        present = [(i, who) for i, who in enumerate(on_layers) if who is not None]
        shift = resolved.final.at(moment)
        assert shift is not None
        if not present:
            assert shift.who is None
        else:
            # One person: the topmost layer's, and nobody else's.
            assert (shift.layer, shift.who) == present[-1]
