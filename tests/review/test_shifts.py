"""The per-person shift diff against hand-worked weeks.

The scenario: Tom and Priya rotate weekly from Monday 2026-11-02 09:00 London time; a change on
Wednesday 2026-12-02 12:00 adds Sam in place. Over the four weeks from then (to Wednesday
2026-12-30 12:00), before: Tom (now until Mon 7th 09:00), Priya (7th-14th), Tom (14th-21st), Priya
(21st-28th), Tom (28th until the horizon ends); after, week k has [tom, priya, sam][k mod 3]:
Priya (now until the 7th), Sam, Tom, Priya, Sam.

Working hours are Monday to Friday 09:00-17:00 in the person's zone: a Monday-to-Monday week
holds 40 of them, so 128 of its 168 hours are after hours.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from oncall.review import shifts
from oncall.schedules import handover
from oncall.schedules.model import Layer, Person, Policy, Rule, Schedule, TeamModel
from tests.schedules.test_handover import LONDON, NEW, OLD, WEDNESDAY, at, edited, team

EN, MINUS = "\N{EN DASH}", "\N{MINUS SIGN}"
NAMES = {"tom": "Tom Becker", "priya": "Priya Nair", "sam": "Sam Okafor"}


def by_person(diffs: list[shifts.TargetDiff], key: str) -> dict[str, shifts.PersonDiff]:
    [target] = [d for d in diffs if d.key == key]
    return {p.slug: p for p in target.people}


def test_adding_sam_in_place_moves_toms_weeks_and_counts_his_after_hours() -> None:
    diffs = shifts.shift_diff(team(LONDON, OLD), team(LONDON, NEW), WEDNESDAY, 4)

    assert [d.key for d in diffs] == ["schedule:primary", "level:1"]
    people = by_person(diffs, "schedule:primary")
    tom = people["tom"]
    assert [(m.start, m.end, m.others) for m in tom.lost] == [
        (WEDNESDAY, at(LONDON, 2026, 12, 7, 9), ("priya",)),
        (at(LONDON, 2026, 12, 28, 9), at(LONDON, 2026, 12, 30, 12), ("sam",)),
    ]
    assert tom.gained == ()
    # Before: Wed 12:00-Mon 09:00 is 117 h (21 working), a whole week 168 h (40), Mon 09:00-Wed
    # 12:00 is 51 h (19). After: the week of the 14th alone.
    assert tom.hours == (117 + 168 + 51, 168)
    assert tom.after_hours == (96 + 128 + 32, 128)
    assert shifts.person_line(tom, NAMES, LONDON) == (
        f"Tom Becker: {MINUS}2 shifts (Dec 2 12:00{EN}Dec 7 09:00 moves to Priya Nair; "
        f"Dec 28 09:00{EN}Dec 30 12:00 moves to Sam Okafor), on call 336 h → 168 h, "
        "after hours 256 h → 128 h"
    )
    assert shifts.person_line(people["priya"], NAMES, LONDON) == (
        f"Priya Nair: {MINUS}1 shift (Dec 7{EN}14 moves to Sam Okafor), "
        f"+1 shift (Dec 2 12:00{EN}Dec 7 09:00, was Tom Becker), "
        "on call 336 h → 285 h, after hours 256 h → 224 h"
    )
    assert shifts.person_line(people["sam"], NAMES, LONDON) == (
        f"Sam Okafor: +2 shifts (Dec 7{EN}14, was Priya Nair; "
        f"Dec 28 09:00{EN}Dec 30 12:00, was Tom Becker), "
        "on call 0 h → 219 h, after hours 0 h → 160 h"
    )
    # The escalation level pages whoever the schedule has: the same people, the same times.
    assert by_person(diffs, "level:1") == people


def test_with_the_handover_only_the_weeks_from_the_7th_change_and_tom_keeps_this_one() -> None:
    [change] = handover.review(team(LONDON, OLD), team(LONDON, NEW), WEDNESDAY)
    head = team(LONDON, *edited(OLD, NEW, change))

    people = by_person(shifts.shift_diff(team(LONDON, OLD), head, WEDNESDAY, 4), "schedule:primary")

    # After: Tom (now-7th), Priya (7th-14th), Sam (14th-21st), Tom (21st-28th), Priya (28th-).
    assert shifts.person_line(people["tom"], NAMES, LONDON) == (
        f"Tom Becker: {MINUS}2 shifts (Dec 14{EN}21 moves to Sam Okafor; "
        f"Dec 28 09:00{EN}Dec 30 12:00 moves to Priya Nair), "
        f"+1 shift (Dec 21{EN}28, was Priya Nair), on call 336 h → 285 h, "
        "after hours 256 h → 224 h"
    )
    assert set(people) == {"tom", "priya", "sam"}


def test_unchanged_people_and_schedules_are_not_listed() -> None:
    other = Layer("Backstop", ("jane",), at(LONDON, 2026, 11, 2), timedelta(days=7))
    base = team(LONDON, other, OLD, people={**NAMES, "jane": "Jane Doe"})
    head = team(LONDON, other, replace(OLD, name="Weekly rotation"), people={**NAMES, "jane": "J"})
    assert shifts.shift_diff(base, head, WEDNESDAY, 4) == []


def test_after_hours_count_in_the_persons_own_time_zone() -> None:
    # Mon 2026-12-07 09:00-17:00 London is 14:30-22:30 in Kolkata: 2.5 working hours there.
    daily = Layer("Day", ("priya",), at(LONDON, 2026, 12, 7, 9), timedelta(days=1))
    window = replace(daily, end=at(LONDON, 2026, 12, 7, 17))
    zone = {"priya": "Asia/Kolkata"}

    def model(*layers: Layer) -> TeamModel:
        return TeamModel(
            "Team",
            LONDON,
            {"priya": Person("Priya Nair", zone["priya"])},
            {"primary": Schedule("primary", "Primary", LONDON, layers)},
            Policy("Default", (Rule(("primary",), (), 30),)),
        )

    since = at(LONDON, 2026, 12, 7)
    [target, _level] = shifts.shift_diff(model(), model(window), since, 1)
    [priya] = target.people
    assert priya.hours == (0, 8)
    assert priya.after_hours == (0, 5.5)


def test_dates_read_as_people_say_them() -> None:
    assert shifts.dates(at(LONDON, 2026, 12, 28, 9), at(LONDON, 2027, 1, 4, 9), LONDON) == (
        f"Dec 28{EN}Jan 4"
    )
    assert shifts.dates(at(LONDON, 2026, 12, 14, 9), at(LONDON, 2026, 12, 14, 17), LONDON) == (
        f"Dec 14 09:00{EN}17:00"
    )


def test_the_json_carries_every_number_and_the_line() -> None:
    diffs = shifts.shift_diff(team(LONDON, OLD), team(LONDON, NEW), WEDNESDAY, 4)
    [schedule, _] = shifts.to_data(diffs, NAMES)
    tom = next(p for p in schedule["people"] if p["member"] == "tom")
    assert tom["hours"] == {"before": 336, "after": 168}
    assert tom["afterHours"] == {"before": 256, "after": 128}
    assert tom["lost"][0] == {
        "start": datetime(2026, 12, 2, 12, tzinfo=UTC).isoformat(),
        "end": datetime(2026, 12, 7, 9, tzinfo=UTC).isoformat(),
        "others": ["priya"],
    }
    assert tom["line"].startswith(f"Tom Becker: {MINUS}2 shifts")


def test_a_member_whose_key_alone_changes_keeps_their_shifts() -> None:
    # `tom` becomes `thomas`, the same Tom Becker: the resource diff says how to keep the PagerDuty
    # user (`formerly`); nobody's shifts move, so no person is listed.
    renamed = {"thomas": "Tom Becker", "priya": "Priya Nair"}
    head = team(LONDON, replace(OLD, members=("thomas", "priya")), people=renamed)
    assert shifts.shift_diff(team(LONDON, OLD), head, WEDNESDAY, 4) == []


def test_two_people_of_one_name_are_never_taken_for_a_rename() -> None:
    base_people = {"tom": "Tom Becker", "tomb": "Tom Becker", "priya": "Priya Nair"}
    head_people = {"thomas": "Tom Becker", "priya": "Priya Nair"}
    base = team(LONDON, replace(OLD, members=("tom", "priya")), people=base_people)
    head = team(LONDON, replace(OLD, members=("thomas", "priya")), people=head_people)
    people = by_person(shifts.shift_diff(base, head, WEDNESDAY, 4), "schedule:primary")
    assert set(people) == {"tom", "thomas"}


def test_a_turn_doubled_at_a_handover_gains_the_second_week_and_loses_nothing_to_nobody() -> None:
    # The old version ends Monday 7th 09:00 with Tom on call; the new one starts there, anchored
    # there, so Tom goes first again: Nov 30-Dec 14 is his. Before: Tom Wed 2nd-7th, 14th-21st,
    # 28th-30th; Priya 7th-14th, 21st-28th. After: Tom Wed 2nd-14th, 28th-30th; Priya 14th-21st;
    # Sam 21st-28th.
    monday = at(LONDON, 2026, 12, 7, 9)
    head = team(LONDON, replace(OLD, end=monday), replace(NEW, start=monday))
    people = by_person(shifts.shift_diff(team(LONDON, OLD), head, WEDNESDAY, 4), "schedule:primary")

    tom = people["tom"]
    assert [(m.start, m.end, m.others) for m in tom.lost] == [
        (at(LONDON, 2026, 12, 14, 9), at(LONDON, 2026, 12, 21, 9), ("priya",))
    ]
    assert [(m.start, m.end, m.others) for m in tom.gained] == [
        (monday, at(LONDON, 2026, 12, 14, 9), ("priya",))
    ]
    # 117 h (Wed 12:00-Mon 09:00) + 168 h + 51 h (Mon 28th 09:00-Wed 30th 12:00), either way.
    assert tom.hours == (336, 336)
    assert shifts.person_line(tom, NAMES, LONDON) == (
        f"Tom Becker: {MINUS}1 shift (Dec 14{EN}21 moves to Priya Nair), "
        f"+1 shift (Dec 7{EN}14, was Priya Nair), on call 336 h → 336 h, "
        "after hours 256 h → 256 h"
    )
    assert [(m.start, m.others) for m in people["priya"].lost] == [
        (monday, ("tom",)),
        (at(LONDON, 2026, 12, 21, 9), ("sam",)),
    ]
