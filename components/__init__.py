"""pantheon-oncall's component package: the guide "Integrate PagerDuty on Pantheon" as three
Pulumi components. Type tokens are `pantheon-oncall:index:<Class>`.

- `TeamOnCall`: PagerDuty users, contact methods, notification rules, schedules, escalation policy.
- `NewRelicPagerDutyChannel`: the PagerDuty service New Relic pages, and New Relic's alert policy,
  ping monitor, conditions and notification workflow.
- `SlackExtension`: PagerDuty's two-way Slack integration for one or more services.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from components.newrelic.channel import NewRelicPagerDutyChannel
    from components.slack.component import SlackExtension
    from components.team.component import TeamOnCall

PACKAGE_NAME = "pantheon-oncall"
VERSION = "0.1.0"

# The components load on first use: the providers' SDKs they import take most of a second, and
# the light modules of the package (components.vocabulary) are read by every command, `--help`
# included.
_LAZY = {
    "NewRelicPagerDutyChannel": "components.newrelic.channel",
    "SlackExtension": "components.slack.component",
    "TeamOnCall": "components.team.component",
}


def __getattr__(name: str) -> Any:
    if name == "COMPONENTS":
        return tuple(
            __getattr__(n) for n in ("TeamOnCall", "NewRelicPagerDutyChannel", "SlackExtension")
        )
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'components' has no attribute {name!r}")


__all__ = [
    "COMPONENTS",
    "PACKAGE_NAME",
    "VERSION",
    "NewRelicPagerDutyChannel",
    "SlackExtension",
    "TeamOnCall",
]
