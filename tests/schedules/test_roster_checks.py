"""Roster warnings of `check` and `diff`: a handover that doubles someone's turn.

Worked by hand, as in test_handover: a weekly London rotation [tom, priya] from Monday 2026-11-02
09:00, week k has `members[k mod 2]`: week 4 (Nov 30) is Tom's, week 5 (Dec 7) Priya's.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from oncall.schedules import handover, roster
from oncall.schedules.model import Layer
from tests.schedules.test_handover import LONDON, NEW, OLD, WEDNESDAY, at, team

DOUBLED_AT = at(LONDON, 2026, 12, 7, 9)


def pasted(
    old: Layer, new: Layer, at_: datetime, anchor: datetime | None = None
) -> tuple[Layer, Layer]:
    """The old version ending at `at_`, the new one starting there (anchored at `anchor`)."""
    return replace(old, end=at_), replace(new, start=at_, virtual_start=anchor)


def test_a_new_version_anchored_at_the_handover_doubles_toms_week() -> None:
    # [tom, priya, sam] anchored at its own start, Dec 7 09:00: week 0 of it is Tom's again.
    model = team(LONDON, *pasted(OLD, NEW, DOUBLED_AT))

    [doubled] = roster.doubled_turns(model, handover.handovers(model, WEDNESDAY))

    assert (doubled.person, doubled.index) == ("tom", 1)
    assert (doubled.start, doubled.end) == (
        at(LONDON, 2026, 11, 30, 9),
        at(LONDON, 2026, 12, 14, 9),
    )
    finding = roster.doubled_finding(doubled, model)
    assert not finding.error
    assert finding.path == "pantheon-oncall:team.schedules.primary.layers[1]"
    assert finding.message == (
        "layer 'Weekly rotation': Tom Becker (tom) is on call when its old version ends and goes "
        "on first in its new one at Mon 2026-12-07 09:00 GMT, so their turn is doubled: on call "
        "on this layer from Mon 2026-11-30 09:00 GMT to Mon 2026-12-14 09:00 GMT, 2 weeks in a "
        "row. If that is not meant, anchor the new version where the next person goes on: "
        'rotationVirtualStart: "2026-11-30T09:00:00"'
    )


def test_the_offered_anchor_doubles_nobody() -> None:
    # Anchored a week back, Nov 30: the new version's week 1 is Priya's, who was next anyway.
    model = team(LONDON, *pasted(OLD, NEW, DOUBLED_AT, at(LONDON, 2026, 11, 30, 9)))

    [kept] = handover.handovers(model, WEDNESDAY)

    assert kept.first == "priya"
    assert roster.doubled_turns(model, [kept]) == []


def test_a_handover_mid_turn_counts_the_stretch_from_the_old_turn_to_the_new_turns_end() -> None:
    # The old version ends on Wednesday Dec 2 12:00, in Tom's week (since Mon Nov 30 09:00); the
    # new one, anchored there, has Tom first for a week: until Wed Dec 9 12:00, 219 hours.
    model = team(LONDON, *pasted(OLD, NEW, WEDNESDAY))

    [doubled] = roster.doubled_turns(model, handover.handovers(model, WEDNESDAY))

    assert doubled.end - doubled.start == timedelta(days=9, hours=3)
    message = roster.doubled_finding(doubled, model).message
    assert "at Wed 2026-12-02 12:00 GMT, so their turn is doubled" in message
    assert "to Wed 2026-12-09 12:00 GMT, 219 h in a row" in message


def test_a_one_person_layer_is_always_theirs_and_doubles_nothing() -> None:
    alone = replace(OLD, members=("tom",))
    model = team(LONDON, *pasted(alone, replace(alone, members=("tom", "sam")), DOUBLED_AT))

    assert roster.doubled_turns(model, handover.handovers(model, WEDNESDAY)) == []


def test_across_the_new_york_spring_forward_the_stretch_is_wall_clock_weeks() -> None:
    zone = "America/New_York"
    people = {"ann": "Ann", "bob": "Bob", "cat": "Cat"}
    old = Layer("Weekly", ("ann", "bob"), at(zone, 2027, 2, 1, 9), timedelta(days=7))
    # Week 5 since Feb 1 (Mar 8) is Bob's; clocks go forward Sunday Mar 14. The new version
    # [bob, cat, ann] starts Monday Mar 15 09:00 EDT with Bob: Mar 8 09:00 EST to Mar 22 09:00
    # EDT, two weeks of the wall clock, one hour short of 336 real hours.
    new = replace(old, members=("bob", "cat", "ann"))
    model = team(zone, *pasted(old, new, at(zone, 2027, 3, 15, 9)), people=people)

    [doubled] = roster.doubled_turns(model, handover.handovers(model, at(zone, 2027, 3, 10)))

    assert doubled.person == "bob"
    assert doubled.end - doubled.start == timedelta(hours=335)
    message = roster.doubled_finding(doubled, model).message
    assert "from Mon 2027-03-08 09:00 EST to Mon 2027-03-22 09:00 EDT, 2 weeks in a row" in message


# --- Ended layers ---------------------------------------------------------------------------------


def test_a_layer_that_ended_before_the_reference_moment_is_to_be_deleted() -> None:
    model = team(LONDON, *pasted(OLD, NEW, DOUBLED_AT, at(LONDON, 2026, 11, 30, 9)))

    [finding] = roster.ended_layers(model, at(LONDON, 2026, 12, 8))

    assert not finding.error
    assert finding.path == "pantheon-oncall:team.schedules.primary.layers[0]"
    assert finding.message.startswith(
        "layer 'Weekly rotation' ended at Mon 2026-12-07 09:00 GMT, before Tue 2026-12-08 00:00 "
        "GMT; delete it from the stack file"
    )


def test_a_layer_ending_at_the_reference_moment_or_later_is_still_read_back() -> None:
    # The provider skips a layer only when now is after its end (flattenScheduleLayers).
    model = team(LONDON, *pasted(OLD, NEW, DOUBLED_AT, at(LONDON, 2026, 11, 30, 9)))

    assert roster.ended_layers(model, DOUBLED_AT) == []
    assert roster.ended_layers(model, WEDNESDAY) == []
    assert roster.ended_layers(team(LONDON, OLD), at(LONDON, 2030, 1, 1)) == []
