"""`parse_stack_config` resolves once: what the program reads is never "not written" or local.

Members and schedules inherit the team's time zone, members the team's notification rules per
urgency and its handoff notification, and every layer start and end carries its UTC offset; the
wiring maps these fields as they are. What the stack file itself wrote stays in
`model_fields_set` (advice names only keys the user wrote). The types say so too
(`ResolvedTeam`, `ResolvedMember`, `ResolvedSchedule`, `ResolvedLayer`); these tests check that
the values are what the types say.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from components.vocabulary import is_time_zone
from oncall.config import (
    Handoff,
    Notify,
    ResolvedLayer,
    ResolvedMember,
    ResolvedSchedule,
    ResolvedTeam,
    TeamStackConfig,
    load,
    parse_stack_config,
    stackfile,
)
from tests.support import PROJECT

ROOT = Path(__file__).resolve().parents[2]

MINIMAL_TEAM = {
    "name": "Web",
    "timeZone": "America/New_York",
    "defaults": {"handoff": {"via": "email", "beforeMinutes": 60}},
    "members": {
        "ann": {
            "name": "Ann",
            "email": "ann@example.com",
            "timeZone": "Europe/London",
            "phone": "+1 415 555 0100",
            "sms": "+1 415 555 0100",
        },
        "bob": {
            "name": "Bob",
            "email": "bob@example.com",
            "phone": "+1 415 555 0101",
            "sms": "+1 415 555 0101",
            "notify": {"low": []},
            "handoff": False,
        },
    },
    "schedules": {
        "web": {
            "name": "Web",
            "layers": [
                {"name": "backstop", "members": ["ann"]},
                {"name": "weekly", "members": ["ann", "bob"], "start": "2026-12-07T09:00:00"},
            ],
        }
    },
    "escalation": {"name": "Web", "rules": [{"targets": ["schedule:web"]}]},
}


def parsed_team() -> ResolvedTeam:
    config = parse_stack_config({"team": MINIMAL_TEAM})
    assert isinstance(config, TeamStackConfig)
    return config.team


def stack_teams() -> list[tuple[str, ResolvedTeam]]:
    teams = []
    for stack in stackfile.stack_names(PROJECT):
        loaded = stackfile.load(PROJECT, stack)
        config = load.parse(loaded.namespace(loaded.project))
        if config.team is not None:
            teams.append((stack, config.team))
    return teams


def test_members_and_schedules_inherit_the_team_time_zone_unless_they_write_one() -> None:
    team = parsed_team()

    assert team.members["ann"].time_zone == "Europe/London"
    assert team.members["bob"].time_zone == "America/New_York"
    assert team.schedules["web"].time_zone == "America/New_York"


def test_a_member_keeps_the_urgencies_they_write_and_inherits_the_others() -> None:
    bob = parsed_team().members["bob"]

    assert bob.notify.low == ()
    assert [step.via.value for step in bob.notify.high] == ["email", "sms", "phone"]


def test_the_handoff_is_the_member_own_or_the_team_default_and_false_turns_it_off() -> None:
    team = parsed_team()

    assert team.members["ann"].handoff == Handoff(before_minutes=60)
    assert team.members["bob"].handoff is False


def test_a_layer_without_a_start_takes_the_earliest_and_every_start_has_its_offset() -> None:
    backstop, weekly = parsed_team().schedules["web"].layers

    assert weekly.start.isoformat() == "2026-12-07T09:00:00-05:00"
    assert backstop.start == weekly.start


def test_what_the_stack_file_wrote_stays_in_model_fields_set() -> None:
    team = parsed_team()

    assert "time_zone" in team.members["ann"].model_fields_set
    assert "time_zone" not in team.members["bob"].model_fields_set
    assert "time_zone" not in team.schedules["web"].model_fields_set


TEAMS = stack_teams()


@pytest.mark.parametrize(("stack", "team"), TEAMS, ids=[stack for stack, _ in TEAMS])
def test_every_stack_team_comes_out_resolved(stack: str, team: ResolvedTeam) -> None:
    assert isinstance(team, ResolvedTeam), stack
    for member in team.members.values():
        assert isinstance(member, ResolvedMember)
        assert is_time_zone(member.time_zone)
        assert isinstance(member.notify, Notify)
        assert member.handoff is False or isinstance(member.handoff, Handoff)
    for schedule in team.schedules.values():
        assert isinstance(schedule, ResolvedSchedule)
        assert is_time_zone(schedule.time_zone)
        for layer in schedule.layers:
            assert isinstance(layer, ResolvedLayer)
            assert layer.start.tzinfo is not None
            assert layer.end is None or layer.end.tzinfo is not None
