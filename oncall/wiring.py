"""Turn a validated stack config into the three components, and name the stack's outputs.

The config layer (oncall.config) has already checked and resolved everything, and built the
components' args (oncall.config.args) and had the components' own checks pass them. This module
registers the components with those args and picks where the escalation policy comes from (the
stack's own team, a team stack, or one in the account).

Component names are short and fixed (`team`, `alerts`, `slack`): they prefix every child's name,
and a change of them would replace resources.

Secrets in the project's own config: Pulumi marks a whole `pantheon-oncall:*` key secret when any
value inside it is `secure:`, and hands the program the value decrypted. Whatever is built from
such a key stays secret: every input of every resource in the components it feeds (a resource
transformation, `_secret_inputs`), and every stack output that comes from it. The components
themselves need plain values to validate them, so the wrapping happens here, at registration.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import pulumi
import pulumi_pagerduty as pagerduty

from components.newrelic.channel import NewRelicPagerDutyChannel
from components.slack.component import SlackExtension
from components.team.component import TeamOnCall
from oncall.config import StackConfig, TeamStackConfig, Topology
from oncall.config.args import TEAM_STACK_ZONE, alerts_args, slack_args, team_args

TEAM = "team"
ALERTS = "alerts"
SLACK = "slack"

# The config keys (`pantheon-oncall:<key>`) each component is built from.
TEAM_SOURCES = frozenset({"team"})
ALERTS_SOURCES = frozenset({"site", "pagerduty", "newrelic", "escalationPolicy"})
SLACK_SOURCES = frozenset({"slack"})
TEAM_OUTPUTS = ("escalationPolicyId", "scheduleIds", "userIds", "teamId")
"""What a stack with a team exports, and so what a site stack can read from a team stack."""
TIME_ZONE_OUTPUT = "timeZone"
"""A team stack's time zone, exported too: its site stacks' support hours default to it."""


def build(
    config: StackConfig | TeamStackConfig, secret_sections: Collection[str] = ()
) -> dict[str, Any]:
    """Create the stack's components; return the stack outputs by name.

    `secret_sections` are the config keys (without the namespace) that Pulumi marks secret:
    everything built from them is registered and exported as a secret.
    """
    secret = _Secrets(frozenset(secret_sections))
    if isinstance(config, TeamStackConfig):
        team = TeamOnCall(
            TEAM, team_args(config.team, config.protect), secret.options(TEAM_SOURCES)
        )
        exported = _team_outputs(team) | {TIME_ZONE_OUTPUT: config.team.time_zone}
        return secret.outputs(exported, TEAM_SOURCES)

    outputs: dict[str, Any] = {}
    escalation_policy_id: pulumi.Input[str]
    team_stack_zone: pulumi.Input[str] = TEAM_STACK_ZONE
    if config.topology is Topology.INLINE:
        assert config.team is not None
        team = TeamOnCall(
            TEAM, team_args(config.team, config.protect), secret.options(TEAM_SOURCES)
        )
        outputs |= secret.outputs(_team_outputs(team), TEAM_SOURCES)
        escalation_policy_id = team.escalationPolicyId
    elif config.topology is Topology.TEAM_STACK:
        assert config.team_stack is not None
        reference = pulumi.StackReference(config.team_stack)
        escalation_policy_id = reference.require_output("escalationPolicyId")
        outputs["escalationPolicyId"] = escalation_policy_id
        hours = config.pagerduty.paging.support_hours
        if hours is not None and hours.time_zone is None:
            team_stack_zone = reference.require_output(TIME_ZONE_OUTPUT)
    else:
        assert config.escalation_policy is not None
        escalation_policy_id = _existing_policy_id(
            config.escalation_policy.id, config.escalation_policy.name
        )
        outputs |= secret.outputs({"escalationPolicyId": escalation_policy_id}, ALERTS_SOURCES)

    alerts = NewRelicPagerDutyChannel(
        ALERTS,
        alerts_args(
            config.site, config.pagerduty, config.newrelic, escalation_policy_id, team_stack_zone
        ),
        secret.options(ALERTS_SOURCES),
    )
    alerts_outputs = {
        "serviceId": alerts.serviceId,
        "serviceUrl": alerts.serviceUrl,
        "integrationKey": alerts.integrationKey,
        "newrelicPolicyId": alerts.policyId,
    }
    if alerts.changeEventsRoutingKey is not None:
        # Secret whatever the config: a routing key lets anyone post to the service.
        alerts_outputs["changeEventsRoutingKey"] = pulumi.Output.secret(
            alerts.changeEventsRoutingKey
        )
    outputs |= secret.outputs(alerts_outputs, ALERTS_SOURCES)
    if config.slack is not None:
        slack = SlackExtension(
            SLACK,
            slack_args(config.slack, {"service": alerts.serviceId}),
            secret.options(SLACK_SOURCES),
        )
        outputs |= secret.outputs({"slackChannelId": slack.channelId}, SLACK_SOURCES)
    return outputs


class _Secrets:
    """What to mark secret, given the config keys Pulumi marks secret."""

    def __init__(self, sections: frozenset[str]) -> None:
        self._sections = sections

    def _any(self, sources: frozenset[str]) -> bool:
        return not self._sections.isdisjoint(sources)

    def options(self, sources: frozenset[str]) -> pulumi.ResourceOptions | None:
        """A component's options: every input of its resources secret when a source is."""
        if not self._any(sources):
            return None
        return pulumi.ResourceOptions(transformations=[_secret_inputs])

    def outputs(self, outputs: dict[str, Any], sources: frozenset[str]) -> dict[str, Any]:
        """Stack outputs, each secret when a source is."""
        if not self._any(sources):
            return outputs
        return {name: pulumi.Output.secret(value) for name, value in outputs.items()}


def _secret_inputs(
    args: pulumi.ResourceTransformationArgs,
) -> pulumi.ResourceTransformationResult | None:
    """Every input of a resource (not of a component, which has none) marked secret."""
    if not isinstance(args.resource, pulumi.CustomResource):
        return None
    props = {
        key: value if value is None else pulumi.Output.secret(value)
        for key, value in args.props.items()
    }
    return pulumi.ResourceTransformationResult(props, args.opts)


def _team_outputs(team: TeamOnCall) -> dict[str, Any]:
    return {name: getattr(team, name) for name in TEAM_OUTPUTS}


def _existing_policy_id(policy_id: str | None, name: str | None) -> pulumi.Input[str]:
    if policy_id:
        return policy_id
    return pagerduty.get_escalation_policy_output(name=name).id
