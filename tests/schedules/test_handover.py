"""Roster changes: the trap of a layer edited in place, and the handover that keeps today's shifts.

The scenario, worked out by hand: a weekly two-person rotation handing over on Mondays at 09:00,
and a change, on a Wednesday, that adds a third person. Weeks count from the rotation's start:
week k has `members[k mod n]` on call. Every instant below is written as the local time a person
reads and converted by the test; the DST cases pin the UTC instant too.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from oncall.schedules import handover, handover_text
from oncall.schedules.model import Layer, Person, Policy, Rule, Schedule, TeamModel, resolve

WEEK = timedelta(days=7)


def at(zone: str, year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def team(zone: str, *layers: Layer, people: dict[str, str] | None = None) -> TeamModel:
    names = people or {"tom": "Tom Becker", "priya": "Priya Nair", "sam": "Sam Okafor"}
    return TeamModel(
        "Team",
        zone,
        {slug: Person(name, zone) for slug, name in names.items()},
        {"primary": Schedule("primary", "Primary", zone, layers)},
        Policy("Default", (Rule(("primary",), (), 30),)),
    )


def on_call(model: TeamModel, moment: datetime) -> str | None:
    schedule = model.schedules["primary"]
    return resolve(schedule, moment, moment + timedelta(seconds=1)).final.who(moment)


LONDON = "Europe/London"
OLD = Layer("Weekly rotation", ("tom", "priya"), at(LONDON, 2026, 11, 2, 9), WEEK)
NEW = replace(OLD, members=("tom", "priya", "sam"))
WEDNESDAY = at(LONDON, 2026, 12, 2, 12)  # week 4 since Nov 2: tom (4 mod 2 = 0)


def test_adding_a_person_in_place_reshuffles_from_the_deploy_and_the_diff_offers_monday_0900() -> (
    None
):
    base, head = team(LONDON, OLD), team(LONDON, NEW)
    # The trap: week 4 mod 3 = 1, Priya instead of Tom from the moment it deploys.
    assert on_call(base, WEDNESDAY) == "tom"
    assert on_call(head, WEDNESDAY) == "priya"

    [change] = handover.review(base, head, WEDNESDAY)

    assert (change.schedule, change.index, change.name) == ("primary", 0, "Weekly rotation")
    assert change.changed == ("members",)
    assert not change.gap
    assert change.handover == at(LONDON, 2026, 12, 7, 9)  # the next Monday 09:00
    # Next under the old rotation is Priya (week 5 mod 2 = 1), second in the new list: the
    # rotation is anchored one week before the handover so that she goes on.
    assert change.anchor == at(LONDON, 2026, 11, 30, 9)
    moved = {m.person: (m.before, m.after) for m in change.moved}
    assert moved == {
        "tom": (
            (WEDNESDAY, at(LONDON, 2026, 12, 7, 9)),
            (at(LONDON, 2026, 12, 14, 9), at(LONDON, 2026, 12, 21, 9)),
        ),
        "priya": (
            (at(LONDON, 2026, 12, 7, 9), at(LONDON, 2026, 12, 14, 9)),
            (WEDNESDAY, at(LONDON, 2026, 12, 7, 9)),
        ),
        "sam": (None, (at(LONDON, 2026, 12, 7, 9), at(LONDON, 2026, 12, 14, 9))),
    }
    assert handover_text.offered_edit(change, LONDON) == [
        "- {name: Weekly rotation, members: [tom, priya], rotation: weekly, "
        'start: "2026-11-02T09:00:00", end: "2026-12-07T09:00:00"}',
        "- {name: Weekly rotation, members: [tom, priya, sam], rotation: weekly, "
        'start: "2026-12-07T09:00:00", rotationVirtualStart: "2026-11-30T09:00:00"}',
    ]


def edited(old: Layer, new: Layer, change: handover.Reshuffle) -> tuple[Layer, Layer]:
    """The two layers of the offered edit, as the stack file would hold them once pasted."""
    return (
        replace(old, end=change.handover),
        replace(new, start=change.handover, virtual_start=change.anchor),
    )


def test_with_the_offered_handover_this_weeks_person_stays_and_three_rotate_from_then_on() -> None:
    [change] = handover.review(team(LONDON, OLD), team(LONDON, NEW), WEDNESDAY)
    head = team(LONDON, *edited(OLD, NEW, change))

    assert handover.review(team(LONDON, OLD), head, WEDNESDAY) == []
    weeks = [on_call(head, at(LONDON, 2026, 12, day, 10)) for day in (2, 7, 14, 21, 28)]
    assert weeks == ["tom", "priya", "sam", "tom", "priya"]
    assert on_call(head, at(LONDON, 2026, 12, 7, 8, 59)) == "tom"  # his week ends at 09:00
    [kept] = handover.handovers(head, WEDNESDAY)
    assert (kept.at, kept.first) == (at(LONDON, 2026, 12, 7, 9), "priya")


def test_a_future_start_on_the_edited_layer_itself_leaves_nobody_until_then() -> None:
    head = team(LONDON, replace(NEW, start=at(LONDON, 2026, 12, 7, 9)))

    [change] = handover.review(team(LONDON, OLD), head, WEDNESDAY)

    assert change.gap
    assert on_call(head, WEDNESDAY) is None  # PagerDuty keeps no earlier version of the layer
    assert change.handover == at(LONDON, 2026, 12, 7, 9)
    assert change.anchor == at(LONDON, 2026, 11, 30, 9)


def test_a_layer_still_to_start_that_the_change_starts_in_the_past_is_on_call_from_the_deploy() -> (
    None
):
    # Base: Tom and Priya from Monday 7th 09:00 (not started on Wednesday 2nd). Head: Sam added,
    # and the start moved back to Nov 2: from the deploy, week 4 mod 3 = 1 has Priya on call,
    # and the layer that was to start with Tom on the 7th never does.
    monday = at(LONDON, 2026, 12, 7, 9)
    base = team(LONDON, replace(OLD, start=monday))
    head = team(LONDON, NEW)
    assert on_call(base, WEDNESDAY) is None
    assert on_call(head, WEDNESDAY) == "priya"

    [change] = handover.review(base, head, WEDNESDAY)

    assert change.early
    assert not change.gap
    assert change.handover == monday
    assert change.changed == ("members", "rotation start")
    notice = handover_text.describe(change, head, WEDNESDAY)
    assert "is on call from the moment this change deploys" in notice.what
    assert "where the old one was to start Mon 2026-12-07 09:00 GMT" in notice.what
    # The edit is one layer, the planned start kept; Tom goes on first, as the base had him.
    [edit] = handover_text.offered_edit(change, LONDON)
    assert edit == (
        "- {name: Weekly rotation, members: [tom, priya, sam], rotation: weekly, "
        'start: "2026-12-07T09:00:00"}'
    )
    fixed = team(LONDON, replace(NEW, start=monday))
    assert handover.review(base, fixed, WEDNESDAY) == []
    weeks = [on_call(fixed, at(LONDON, 2026, 12, day, 10)) for day in (2, 7, 14, 21, 28)]
    assert weeks == [None, "tom", "priya", "sam", "tom"]


def test_a_layer_renamed_and_edited_in_place_is_the_same_layer_and_reshuffles_as_much() -> None:
    # In PagerDuty a layer edited in place stays one layer whatever its name: renaming it in the
    # same change does not hide the reshuffle. The offered edit gives both versions the new name,
    # so that they hand over to each other.
    head = team(LONDON, replace(NEW, name="Weekly"))

    [change] = handover.review(team(LONDON, OLD), head, WEDNESDAY)

    assert (change.name, change.changed) == ("Weekly", ("members",))
    assert change.handover == at(LONDON, 2026, 12, 7, 9)
    old, new = handover_text.offered_edit(change, LONDON)
    assert old.startswith("- {name: Weekly, members: [tom, priya]")
    assert 'end: "2026-12-07T09:00:00"' in old
    assert new.startswith("- {name: Weekly, members: [tom, priya, sam]")
    renamed_only = team(LONDON, replace(OLD, name="Weekly"))
    assert handover.review(team(LONDON, OLD), renamed_only, WEDNESDAY) == []


def test_a_change_that_keeps_the_rotation_is_no_reshuffle() -> None:
    renamed_people_only = team(LONDON, OLD, people={"tom": "Thomas Becker", "priya": "Priya N"})
    assert handover.review(team(LONDON, OLD), renamed_people_only, WEDNESDAY) == []
    ended = team(LONDON, replace(OLD, end=at(LONDON, 2027, 1, 4, 9)))
    assert handover.review(team(LONDON, OLD), ended, WEDNESDAY) == []


def test_order_turn_length_and_rotation_start_are_changes_too() -> None:
    base = team(LONDON, OLD)
    reordered = team(LONDON, replace(OLD, members=("priya", "tom")))
    daily = team(LONDON, replace(OLD, turn=timedelta(days=1)))
    shifted = team(LONDON, replace(OLD, virtual_start=at(LONDON, 2026, 11, 3, 9)))
    assert [c.changed for c in handover.review(base, reordered, WEDNESDAY)] == [("order",)]
    assert [c.changed for c in handover.review(base, daily, WEDNESDAY)] == [("turn length",)]
    assert [c.changed for c in handover.review(base, shifted, WEDNESDAY)] == [("rotation start",)]


# --- Across a DST change ------------------------------------------------------------------------


def test_new_york_spring_forward_the_handover_is_0900_edt_one_hour_earlier_in_utc() -> None:
    zone = "America/New_York"
    old = Layer("Weekly", ("ann", "bob"), at(zone, 2027, 2, 1, 9), WEEK)
    new = replace(old, members=("ann", "bob", "cat"))
    people = {"ann": "Ann", "bob": "Bob", "cat": "Cat"}
    wednesday = at(zone, 2027, 3, 10, 12)  # week 5: bob; clocks go forward Sunday Mar 14

    [change] = handover.review(
        team(zone, old, people=people), team(zone, new, people=people), wednesday
    )

    assert change.handover == datetime(2027, 3, 15, 13, tzinfo=UTC)  # 09:00 EDT, not 14:00 UTC
    assert change.anchor == change.handover  # next is Ann (week 6), first in the new list
    assert handover_text.offered_edit(change, zone)[1] == (
        '- {name: Weekly, members: [ann, bob, cat], rotation: weekly, start: "2027-03-15T09:00:00"}'
    )
    head = team(zone, *edited(old, new, change), people=people)
    weeks = [on_call(head, at(zone, 2027, 3, day, 10)) for day in (10, 15, 22, 29)]
    assert weeks == ["bob", "ann", "bob", "cat"]
    assert on_call(head, datetime(2027, 3, 15, 12, 59, tzinfo=UTC)) == "bob"  # 08:59 EDT


def test_london_spring_forward_the_anchor_a_week_back_is_0900_gmt() -> None:
    old = Layer("Weekly", ("tom", "priya"), at(LONDON, 2027, 3, 8, 9), WEEK)
    new = replace(old, members=("tom", "priya", "sam"))
    wednesday = at(LONDON, 2027, 3, 24, 12)  # week 2: tom; clocks go forward Sunday Mar 28

    [change] = handover.review(team(LONDON, old), team(LONDON, new), wednesday)

    assert change.handover == datetime(2027, 3, 29, 8, tzinfo=UTC)  # Monday 09:00 BST
    # Next is Priya (week 3), second in the list: one week back, wall-clock, is 09:00 GMT.
    assert change.anchor == datetime(2027, 3, 22, 9, tzinfo=UTC)
    assert (
        'rotationVirtualStart: "2027-03-22T09:00:00"'
        in handover_text.offered_edit(change, LONDON)[1]
    )
    head = team(LONDON, *edited(old, new, change))
    weeks = [
        on_call(head, at(LONDON, 2027, m, d, 10)) for m, d in ((3, 24), (3, 29), (4, 5), (4, 12))
    ]
    assert weeks == ["tom", "priya", "sam", "tom"]


def test_a_local_time_that_happens_twice_is_written_with_its_offset() -> None:
    first = datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 01:30 BST; 01:30 GMT comes an hour later
    assert handover_text.local_text(first, LONDON) == "2027-10-31T01:30:00+01:00"
    assert handover_text.local_text(at(LONDON, 2026, 12, 7, 9), LONDON) == "2026-12-07T09:00:00"
