"""pantheon-oncall's component package: the guide "Integrate PagerDuty on Pantheon" as three
Pulumi components. Type tokens are `pantheon-oncall:index:<Class>`.

- `TeamOnCall`: PagerDuty users, contact methods, notification rules, schedules, escalation policy.
- `NewRelicPagerDutyChannel`: the PagerDuty service New Relic pages, and New Relic's alert policy,
  ping monitor, conditions and notification workflow.
- `SlackExtension`: PagerDuty's two-way Slack integration for one or more services.
"""

from components.newrelic_channel import NewRelicPagerDutyChannel
from components.slack import SlackExtension
from components.team import TeamOnCall

PACKAGE_NAME = "pantheon-oncall"
VERSION = "0.1.0"
COMPONENTS = (TeamOnCall, NewRelicPagerDutyChannel, SlackExtension)

__all__ = [
    "COMPONENTS",
    "PACKAGE_NAME",
    "VERSION",
    "NewRelicPagerDutyChannel",
    "SlackExtension",
    "TeamOnCall",
]
