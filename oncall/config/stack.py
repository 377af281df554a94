"""The stack file as a whole: its sections, its topology, and the entry point that parses them.

`parse_stack_config(values)` takes the project's config keys (`site`, `team`, `teamStack`,
`escalationPolicy`, `pagerduty`, `newrelic`, `slack`, `protect`), already JSON-decoded, checks
every section and returns a `StackConfig` (a site stack) or a `TeamStackConfig` (a team stack),
or raises one `ConfigError` naming every problem. Where the escalation policy comes from is the
stack's `Topology`: exactly one of `team`, `teamStack` and `escalationPolicy`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Annotated, Any, Final, Self

from pydantic import AfterValidator, TypeAdapter, ValidationError, model_validator

from oncall.config.alerts import (
    NewRelicSection,
    NewRelicSettings,
    PagerDutySection,
    PagerDutySettings,
    resolve_newrelic,
    resolve_pagerduty,
)
from oncall.config.component_check import component_issues
from oncall.config.errors import MISSING, did_you_mean
from oncall.config.issues import NAMESPACE, Issue, config_error, fail, issues_from
from oncall.config.scalars import Flag, Model, Name, PagerDutyId
from oncall.config.site import EnvKind, Site
from oncall.config.slack import SlackSettings
from oncall.config.team import ResolvedTeam, Team, checked_team
from oncall.config.urgency import TeamZone, ZoneSource


class Topology(StrEnum):
    """Where a site stack's escalation policy comes from (exactly one per stack)."""

    INLINE = "inline"
    """`team:` — the stack creates the team's users, schedules and escalation policy."""
    TEAM_STACK = "team_stack"
    """`teamStack:` — a team stack owns them; this stack reads its outputs."""
    EXISTING_POLICY = "existing_policy"
    """`escalationPolicy:` — an escalation policy that already exists in the account."""
    TEAM_STACK_OWNER = "team_stack_owner"
    """A team stack: `team:` and no `site:`; it owns the team and exports it for site stacks."""


class EscalationPolicyRef(Model):
    """`pantheon-oncall:escalationPolicy` — an existing policy, by `id` or by `name`."""

    id: PagerDutyId | None = None
    """The existing escalation policy's PagerDuty id (`P…`)."""
    name: Name | None = None
    """The existing escalation policy's name, looked up at deploy time."""

    @model_validator(mode="after")
    def _id_or_name(self) -> Self:
        if self.id is not None and self.name is not None:
            fail(Issue(("name",), self.name, "give id or name, not both"))
        if self.id is None and self.name is None:
            fail(Issue(("id",), MISSING, "required: id (like PABC123) or name"))
        return self


def _team_stack(value: str) -> str:
    # Pulumi names orgs, projects and stacks with letters, digits, '-', '_' and '.'.
    if not re.fullmatch(r"[A-Za-z0-9._-]+/[A-Za-z0-9._-]+/[A-Za-z0-9._-]+", value):
        raise ValueError(
            "expected a stack reference org/project/stack, e.g. acme/pantheon-oncall/team-web"
        )
    return value


TeamStack = Annotated[str, AfterValidator(_team_stack)]


@dataclass(frozen=True)
class StackConfig:
    """A site stack's configuration, checked and resolved. Exactly one of `team`, `team_stack`
    and `escalation_policy` is set, as `topology` says."""

    site: Site
    topology: Topology
    team: ResolvedTeam | None
    team_stack: str | None
    escalation_policy: EscalationPolicyRef | None
    pagerduty: PagerDutySettings
    newrelic: NewRelicSettings
    slack: SlackSettings | None
    protect: bool = False
    """Protect the team's users, schedules and escalation policy (see `protected`)."""

    @property
    def team_stack_project(self) -> str | None:
        """The project of the team stack (`teamStack` is org/project/stack), or None."""
        return None if self.team_stack is None else self.team_stack.split("/")[1]

    @property
    def team_stack_name(self) -> str | None:
        """The stack name of the team stack (`teamStack` is org/project/stack), or None."""
        return None if self.team_stack is None else self.team_stack.split("/")[2]


@dataclass(frozen=True)
class TeamStackConfig:
    """A team stack's configuration: `team` and nothing about a site. It owns the team's users,
    schedules and escalation policy; site stacks read its outputs through `teamStack`."""

    team: ResolvedTeam
    topology: Topology = Topology.TEAM_STACK_OWNER
    protect: bool = True
    """Protect the team's users, schedules and escalation policy (see `protected`)."""


# --- The entry point ------------------------------------------------------------------------------

SECTIONS: Final[dict[str, Any]] = {  # the type of each `pantheon-oncall:<key>`
    "site": Site,
    "team": Team,
    "teamStack": TeamStack,
    "escalationPolicy": EscalationPolicyRef,
    "pagerduty": PagerDutySection,
    "newrelic": NewRelicSection,
    "slack": SlackSettings,
    "protect": Flag,
}
_ALERTS: Final = frozenset({"site", "pagerduty", "newrelic"})
"""The sections NewRelicPagerDutyChannel's args are built from (oncall.config.args)."""
_TOPOLOGIES: Final = {
    "team": Topology.INLINE,
    "teamStack": Topology.TEAM_STACK,
    "escalationPolicy": Topology.EXISTING_POLICY,
}


def parse_stack_config(
    values: Mapping[str, Any], namespace: str = NAMESPACE
) -> StackConfig | TeamStackConfig:
    """Check and resolve a stack's `<namespace>:*` config values (keys without the namespace).

    Raises ConfigError listing every problem found, each with its key path and value.
    """
    issues = _unknown_sections(values)
    if "team" in values and not set(values) & (set(SECTIONS) - {"team", "protect"}):
        return _team_stack_config(values, namespace, issues)
    if "site" not in values:
        message = "required: the Pantheon site's name and env (a team stack has only team)"
        issues.append(Issue(("site",), MISSING, message))
    site: Site | None = _section(values, "site", issues)
    parsed_team: Team | None = _section(values, "team", issues)
    team_stack: str | None = _section(values, "teamStack", issues)
    policy: EscalationPolicyRef | None = _section(values, "escalationPolicy", issues)
    pagerduty_section: PagerDutySection | None = _section(values, "pagerduty", issues)
    pagerduty = pagerduty_section or PagerDutySection()
    newrelic: NewRelicSection = _section(values, "newrelic", issues) or NewRelicSection()
    slack: SlackSettings | None = _section(values, "slack", issues)
    protect: bool | None = _section(values, "protect", issues)
    topology = _topology(values, issues)
    team = checked_team(values["team"], parsed_team, issues) if "team" in values else None
    if site is None:
        raise config_error(namespace, issues)
    resolved_newrelic = resolve_newrelic(newrelic, site, issues)
    # Support hours are resolved once the keys they read parsed: else a missing time zone would
    # be reported for a team or section that is only wrong.
    parsed_keys = pagerduty_section is not None or "pagerduty" not in values
    resolved_pagerduty: PagerDutySettings | None = None
    if parsed_keys and topology is not None and (team is not None or "team" not in values):
        resolved_pagerduty = resolve_pagerduty(pagerduty, site, _team_zone(topology, team), issues)
    # What resolved is checked by the components too, so that one run lists everything: the
    # alerts once the sections they are built from have no problem of their own.
    alerts = None
    if resolved_pagerduty is not None and not {i.loc[0] for i in issues if i.loc} & _ALERTS:
        alerts = (site, resolved_pagerduty, resolved_newrelic)
    issues += component_issues(values, team, protected(site, protect), alerts, slack)
    if issues or topology is None or resolved_pagerduty is None:
        raise config_error(namespace, issues)
    return StackConfig(
        site=site,
        topology=topology,
        team=team,
        team_stack=team_stack,
        escalation_policy=policy,
        pagerduty=resolved_pagerduty,
        newrelic=resolved_newrelic,
        slack=slack,
        protect=protected(site, protect),
    )


def _team_stack_config(
    values: Mapping[str, Any], namespace: str, issues: list[Issue]
) -> TeamStackConfig:
    """A stack with `team` and nothing about a site: a team stack, which site stacks read
    through `teamStack`."""
    parsed_team: Team | None = _section(values, "team", issues)
    team = checked_team(values["team"], parsed_team, issues)
    protect = protected(None, _section(values, "protect", issues))
    issues += component_issues(values, team, protect)  # the same: everything in one run
    if issues or team is None:
        raise config_error(namespace, issues)
    return TeamStackConfig(team=team, protect=protect)


def _team_zone(topology: Topology, team: ResolvedTeam | None) -> TeamZone:
    """Where a site stack's support hours take their time zone from, when they do not say."""
    if topology is Topology.INLINE and team is not None:
        return TeamZone(team.time_zone, ZoneSource.TEAM)
    if topology is Topology.TEAM_STACK:
        return TeamZone(None, ZoneSource.TEAM_STACK)
    return TeamZone(None, None)


def protected(site: Site | None, protect: bool | None) -> bool:
    """Whether PagerDuty users, schedules and escalation policies get Pulumi's `protect`: as
    `pantheon-oncall:protect` says, else on for a live site and for a team stack (`site` None),
    which pages live sites; off for dev, test and multidevs."""
    if protect is not None:
        return protect
    return site is None or site.env_kind is EnvKind.LIVE


def _unknown_sections(values: Mapping[str, Any]) -> list[Issue]:
    expected = f"expected one of {', '.join(SECTIONS)}"
    return [
        # The value is never echoed (it may be a credential under a misspelled key).
        Issue((key,), MISSING, f"unknown key{did_you_mean(key, SECTIONS)}; {expected}")
        for key in values
        if key not in SECTIONS
    ]


def _section(values: Mapping[str, Any], key: str, issues: list[Issue]) -> Any:
    """The section's model, or None when it is absent or has problems (added to `issues`)."""
    if key not in values:
        return None
    try:
        return _adapter(key).validate_python(values[key])
    except ValidationError as error:
        issues.extend(issues_from(error, SECTIONS[key], key))
        return None


@cache
def _adapter(key: str) -> TypeAdapter[Any]:
    return TypeAdapter(SECTIONS[key])


def _topology(values: Mapping[str, Any], issues: list[Issue]) -> Topology | None:
    given = [key for key in _TOPOLOGIES if key in values]
    if len(given) == 1:
        return _TOPOLOGIES[given[0]]
    if not given:
        message = (
            "required: exactly one of team (the team, defined here), teamStack (a team stack "
            "to read it from) or escalationPolicy (an escalation policy that already exists)"
        )
        issues.append(Issue(("team",), MISSING, message))
    else:
        message = (
            f"set exactly one of team, teamStack or escalationPolicy, not {' and '.join(given)}"
        )
        issues.append(Issue((given[1],), values[given[1]], message))
    return None
