"""The schedule model (oncall.schedules.model) of a team as the stack file configures it.

The config has already resolved everything the model needs (oncall.config.parse_stack_config:
layer starts fixed with their UTC offsets, time zones inherited from the team); this only maps
it onto the model's types, as the program sends the same values to PagerDuty.
"""

from __future__ import annotations

from datetime import UTC, time, timedelta
from typing import TYPE_CHECKING

from components.vocabulary import TargetType
from oncall.schedules.model import Layer, Person, Policy, Restriction, Rule, Schedule, TeamModel

if TYPE_CHECKING:
    from oncall.config import ResolvedTeam


def team_model(team: ResolvedTeam) -> TeamModel:
    """The model of a parsed team (`oncall.config.parse_stack_config` resolved it: layer starts
    fixed, time zones inherited)."""
    schedules = {}
    for slug, schedule in team.schedules.items():
        layers = []
        for layer in schedule.layers:
            layers.append(
                Layer(
                    name=layer.name,
                    members=layer.members,
                    start=layer.start.astimezone(UTC),
                    turn=timedelta(seconds=layer.rotation_seconds),
                    # Without rotationVirtualStart the program sends start (components' default).
                    virtual_start=(
                        layer.rotation_virtual_start.astimezone(UTC)
                        if layer.rotation_virtual_start
                        else None
                    ),
                    end=layer.end.astimezone(UTC) if layer.end else None,
                    restrictions=tuple(
                        Restriction(
                            start_time=time.fromisoformat(r.start_time),
                            duration=timedelta(seconds=r.duration_seconds),
                            start_day=r.start_day_of_week,
                        )
                        for r in layer.restrictions
                    ),
                )
            )
        schedules[slug] = Schedule(slug, schedule.name, schedule.time_zone, tuple(layers))
    rules = tuple(
        Rule(
            schedules=tuple(t.slug for t in rule.targets if t.kind is TargetType.SCHEDULE),
            users=tuple(t.slug for t in rule.targets if t.kind is TargetType.USER),
            delay_minutes=rule.escalate_after_minutes,
        )
        for rule in team.escalation.rules
    )
    people = {
        slug: Person(member.name or member.email, member.time_zone)
        for slug, member in team.members.items()
    }
    return TeamModel(
        team.name,
        team.time_zone,
        people,
        schedules,
        Policy(team.escalation.name, rules, team.escalation.loops),
    )
