"""The stack config contract: what a `pantheon-oncall:*` key may hold, checked all at once.

`parse_stack_config(values)` returns frozen models with the Pantheon presets applied, the team's
defaults inherited and every schedule start fixed, or raises one `ConfigError` naming every
problem by the key path the user wrote and the bad value. Pure: no clock, no network, no
environment variables, no Pulumi. This module only re-exports; each section has its own:

| module         | what it holds                                                            |
| -------------- | ------------------------------------------------------------------------ |
| `stack.py`     | the entry point, the sections, the topology (`team`/`teamStack`/…)       |
| `site.py`      | `site`: the Pantheon site environment and its kind                       |
| `members.py`   | `team.members`, `team.defaults`: roles, phones, notification rules       |
| `schedules.py` | `team.schedules`, `team.escalation`: layers, restrictions, targets       |
| `team.py`      | the team, its team-wide rules, and resolving it (defaults, layer starts) |
| `alerts.py`    | `pagerduty`, `newrelic`: the service and alerts, merged over the presets |
| `presets.py`   | the Pantheon environment presets                                         |
| `slack.py`     | `slack`: the channel and the events posted to it                         |
| `scalars.py`   | the model base and the scalar types every section uses                   |
| `issues.py`    | problems by key path; pydantic's errors in a user's words                |
"""

from oncall.config.alerts import (
    APP_NAME_TEMPLATE,
    SERVICE_DESCRIPTION_TEMPLATE,
    ConditionsSection,
    ErrorRateSection,
    NewRelicSection,
    NewRelicSettings,
    PagerDutySection,
    PagerDutySettings,
    PingFailureSection,
    PingMonitorSection,
    ResponseTimeSection,
)
from oncall.config.issues import NAMESPACE
from oncall.config.members import (
    BUILTIN_HIGH,
    BUILTIN_LOW,
    ROLE_WORDS,
    Defaults,
    Handoff,
    Member,
    Notify,
    NotifyOverride,
    ResolvedMember,
    Step,
    role_from_word,
)
from oncall.config.phones import AdoptedPhone, Phone
from oncall.config.presets import PRESETS, Preset
from oncall.config.schedules import (
    MAX_TURN_HOURS,
    RESTRICTION_WORDS,
    ROTATION_SECONDS,
    WEEKDAY_NUMBERS,
    YEARS,
    Escalation,
    EscalationRule,
    Layer,
    ResolvedLayer,
    ResolvedSchedule,
    Restriction,
    Rotation,
    Schedule,
    Target,
    Weekday,
)
from oncall.config.site import EnvKind, Site
from oncall.config.slack import (
    DEFAULT_SLACK_EVENTS,
    SLACK_EVENT_WORDS,
    SlackSettings,
    slack_event_from_word,
)
from oncall.config.stack import (
    EscalationPolicyRef,
    StackConfig,
    TeamStackConfig,
    Topology,
    parse_stack_config,
    protected,
)
from oncall.config.team import DAYS_PER_MONTH, LoadLimits, ResolvedTeam, Team

__all__ = [
    "APP_NAME_TEMPLATE",
    "BUILTIN_HIGH",
    "BUILTIN_LOW",
    "DAYS_PER_MONTH",
    "DEFAULT_SLACK_EVENTS",
    "MAX_TURN_HOURS",
    "NAMESPACE",
    "PRESETS",
    "RESTRICTION_WORDS",
    "ROLE_WORDS",
    "ROTATION_SECONDS",
    "SERVICE_DESCRIPTION_TEMPLATE",
    "SLACK_EVENT_WORDS",
    "WEEKDAY_NUMBERS",
    "YEARS",
    "AdoptedPhone",
    "ConditionsSection",
    "Defaults",
    "EnvKind",
    "ErrorRateSection",
    "Escalation",
    "EscalationPolicyRef",
    "EscalationRule",
    "Handoff",
    "Layer",
    "LoadLimits",
    "Member",
    "NewRelicSection",
    "NewRelicSettings",
    "Notify",
    "NotifyOverride",
    "PagerDutySection",
    "PagerDutySettings",
    "Phone",
    "PingFailureSection",
    "PingMonitorSection",
    "Preset",
    "ResolvedLayer",
    "ResolvedMember",
    "ResolvedSchedule",
    "ResolvedTeam",
    "ResponseTimeSection",
    "Restriction",
    "Rotation",
    "Schedule",
    "Site",
    "SlackSettings",
    "StackConfig",
    "Step",
    "Target",
    "Team",
    "TeamStackConfig",
    "Topology",
    "Weekday",
    "parse_stack_config",
    "protected",
    "role_from_word",
    "slack_event_from_word",
]
