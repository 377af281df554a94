"""Turn a validated stack config into the three components, and name the stack's outputs.

The config layer (oncall.config) has already checked and resolved everything: presets applied,
phone numbers split, the team's defaults inherited by members and schedules, schedule starts fixed
with their offsets, UI words mapped to API values. This module only maps those resolved models
(`ResolvedTeam` and its members, schedules and layers) onto the components' args, field by field
(it calls nothing back in the config), and picks where the escalation policy comes from (the
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
from typing import Any, Literal

import pulumi
import pulumi_pagerduty as pagerduty

from components.newrelic_channel import (
    TIMEOUT_OFF,
    NewRelicConditionsArgs,
    NewRelicPagerDutyChannel,
    NewRelicPagerDutyChannelArgs,
    PingMonitorArgs,
)
from components.slack import SlackChannelArgs, SlackExtension, SlackExtensionArgs
from components.team import (
    EscalationPolicyArgs,
    HandoffArgs,
    LayerArgs,
    MemberArgs,
    NotifyStepArgs,
    PhoneArgs,
    RestrictionArgs,
    ScheduleArgs,
    TeamOnCall,
    TeamOnCallArgs,
)
from components.vocabulary import Urgency
from oncall.config import (
    NAMESPACE,
    Escalation,
    NewRelicSettings,
    PagerDutySettings,
    Phone,
    ResolvedLayer,
    ResolvedMember,
    ResolvedSchedule,
    ResolvedTeam,
    Site,
    SlackSettings,
    StackConfig,
    Step,
    TeamStackConfig,
    Topology,
)

TEAM = "team"
ALERTS = "alerts"
SLACK = "slack"

# The config keys (`pantheon-oncall:<key>`) each component is built from.
TEAM_SOURCES = frozenset({"team"})
ALERTS_SOURCES = frozenset({"site", "pagerduty", "newrelic", "escalationPolicy"})
SLACK_SOURCES = frozenset({"slack"})
TEAM_OUTPUTS = ("escalationPolicyId", "scheduleIds", "userIds", "teamId")
"""What a stack with a team exports, and so what a site stack can read from a team stack."""


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
        return secret.outputs(_team_outputs(team), TEAM_SOURCES)

    outputs: dict[str, Any] = {}
    escalation_policy_id: pulumi.Input[str]
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
    else:
        assert config.escalation_policy is not None
        escalation_policy_id = _existing_policy_id(
            config.escalation_policy.id, config.escalation_policy.name
        )
        outputs |= secret.outputs({"escalationPolicyId": escalation_policy_id}, ALERTS_SOURCES)

    alerts = NewRelicPagerDutyChannel(
        ALERTS,
        alerts_args(config.site, config.pagerduty, config.newrelic, escalation_policy_id),
        secret.options(ALERTS_SOURCES),
    )
    alerts_outputs = {
        "serviceId": alerts.serviceId,
        "serviceUrl": alerts.serviceUrl,
        "integrationKey": alerts.integrationKey,
        "newrelicPolicyId": alerts.policyId,
    }
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


# --- TeamOnCall -----------------------------------------------------------------------------------


def team_args(team: ResolvedTeam, protect: bool = False) -> TeamOnCallArgs:
    """A resolved team as `TeamOnCall` takes it; `protect` its users, schedules and policy."""
    return {
        "name": team.name,
        "timeZone": team.time_zone,
        "createTeam": team.create_pagerduty_team,
        "members": {slug: member_args(m) for slug, m in team.members.items()},
        "schedules": {slug: schedule_args(s) for slug, s in team.schedules.items()},
        "escalationPolicy": escalation_args(team.escalation),
        "protect": protect,
        "keyPath": f"{NAMESPACE}:team",
    }


def member_args(member: ResolvedMember) -> MemberArgs:
    """A resolved member as `TeamOnCall` takes it."""
    if member.existing:
        return {"name": member.name or member.email, "email": member.email, "existing": True}
    assert member.name is not None
    args: MemberArgs = {
        "name": member.name,
        "email": member.email,
        "role": str(member.api_role),
        "timeZone": member.time_zone,
        "notify": {
            str(urgency): [_step(step) for step in member.notify.get(urgency)]
            for urgency in Urgency
        },
    }
    _add_texts(args, member)
    if member.phone:
        args["phone"] = _phone(member.phone)
    if member.sms:
        args["sms"] = _phone(member.sms)
    if member.email_contact_method_id:
        args["emailContactMethodId"] = member.email_contact_method_id
    handoff = member.handoff
    if handoff:
        handoff_args: HandoffArgs = {
            "via": str(handoff.via),
            "beforeMinutes": handoff.before_minutes,
            "type": str(handoff.type),
        }
        if handoff.import_id:
            handoff_args["importId"] = handoff.import_id
        args["handoff"] = handoff_args
    if member.import_id:
        args["importId"] = member.import_id
    if member.formerly:
        args["formerly"] = list(member.formerly)
    return args


def _add_texts(args: MemberArgs, member: ResolvedMember) -> None:
    """The user's description and job title where written ("" too: an adopted user's none)."""
    if member.description is not None:
        args["description"] = member.description
    if member.job_title is not None:
        args["jobTitle"] = member.job_title


def _phone(phone: Phone) -> PhoneArgs:
    args: PhoneArgs = {"countryCode": phone.country_code, "number": phone.national_number}
    if phone.import_id:
        args["importId"] = phone.import_id
    if phone.label:
        args["label"] = phone.label
    return args


def _step(step: Step) -> NotifyStepArgs:
    args: NotifyStepArgs = {"via": str(step.via), "afterMinutes": step.after_minutes}
    if step.import_id:
        args["importId"] = step.import_id
    return args


def schedule_args(schedule: ResolvedSchedule) -> ScheduleArgs:
    """A resolved schedule as `TeamOnCall` takes it."""
    args: ScheduleArgs = {
        "name": schedule.name,
        "timeZone": schedule.time_zone,
        "layers": [layer_args(layer) for layer in schedule.layers],
    }
    if schedule.description is not None:
        args["description"] = schedule.description
    if schedule.teams:
        args["teams"] = list(schedule.teams)
    if schedule.import_id:
        args["importId"] = schedule.import_id
    return args


def layer_args(layer: ResolvedLayer) -> LayerArgs:
    """A resolved layer (its start fixed, zone-aware) as `TeamOnCall` takes it."""
    args: LayerArgs = {
        "name": layer.name,
        "members": list(layer.members),
        "start": layer.start.isoformat(),
        "rotationTurnLengthSeconds": layer.rotation_seconds,
    }
    if layer.end is not None:
        args["end"] = layer.end.isoformat()
    if layer.restrictions:
        args["restrictions"] = [_restriction(r) for r in layer.restrictions]
    return args


def _restriction(r: Any) -> RestrictionArgs:
    args: RestrictionArgs = {
        "type": str(r.api_type),
        "startTimeOfDay": r.start_time_of_day,
        "durationSeconds": r.duration_seconds,
    }
    if r.start_day_of_week is not None:
        args["startDayOfWeek"] = r.start_day_of_week
    return args


def escalation_args(escalation: Escalation) -> EscalationPolicyArgs:
    """The escalation policy as `TeamOnCall` takes it (targets by slug)."""
    args: EscalationPolicyArgs = {
        "name": escalation.name,
        "numLoops": escalation.loops,
        "rules": [
            {
                "escalationDelayInMinutes": rule.escalate_after_minutes,
                "targets": [{"type": str(t.kind), "ref": t.slug} for t in rule.targets],
            }
            for rule in escalation.rules
        ],
    }
    if escalation.description is not None:
        args["description"] = escalation.description
    if escalation.team is not None:
        args["team"] = escalation.team
    if escalation.import_id:
        args["importId"] = escalation.import_id
    return args


# --- NewRelicPagerDutyChannel ---------------------------------------------------------------------


def alerts_args(
    site: Site,
    service: PagerDutySettings,
    newrelic: NewRelicSettings,
    escalation_policy_id: pulumi.Input[str],
) -> NewRelicPagerDutyChannelArgs:
    """The resolved PagerDuty service and New Relic alerts as `NewRelicPagerDutyChannel` takes
    them, paging `escalation_policy_id`."""
    args: NewRelicPagerDutyChannelArgs = {
        "serviceName": service.service,
        "serviceDescription": service.description,
        "escalationPolicyId": escalation_policy_id,
        "urgency": str(service.urgency),
        "policyName": newrelic.policy_name,
        "incidentPreference": str(newrelic.incident_preference),
        "siteUrl": site.url,
        "appName": newrelic.app_name,
    }
    if service.import_id:
        args["serviceImportId"] = service.import_id
    if service.vendor_id:
        args["vendorId"] = service.vendor_id
    if service.auto_resolve_minutes is not None:
        args["autoResolveTimeout"] = _timeout(service.auto_resolve_minutes)
    if service.acknowledgement_timeout_minutes is not None:
        args["acknowledgementTimeout"] = _timeout(service.acknowledgement_timeout_minutes)
    if newrelic.ping_monitor is not None:
        monitor = newrelic.ping_monitor
        ping: PingMonitorArgs = {
            "name": f"{site.host} ping",
            "period": str(monitor.period),
            "locations": list(monitor.locations),
            "verifySsl": monitor.verify_ssl,
        }
        args["pingMonitor"] = ping
    conditions: NewRelicConditionsArgs = {}
    if newrelic.ping_failure is not None:
        conditions["pingFailure"] = {"failingLocations": newrelic.ping_failure.failing_locations}
    if newrelic.error_rate is not None:
        conditions["errorRate"] = {
            "percent": newrelic.error_rate.percent,
            "forMinutes": newrelic.error_rate.for_minutes,
        }
    if newrelic.response_time is not None:
        conditions["responseTime"] = {
            "seconds": newrelic.response_time.seconds,
            "forMinutes": newrelic.response_time.for_minutes,
        }
    if conditions:
        args["conditions"] = conditions
    return args


def _timeout(minutes: int | Literal[False]) -> str:
    """A PagerDuty service timeout: minutes from the config as the API's seconds, false off."""
    return TIMEOUT_OFF if minutes is False else str(minutes * 60)


# --- SlackExtension -------------------------------------------------------------------------------


def slack_args(slack: SlackSettings, services: dict[str, pulumi.Input[str]]) -> SlackExtensionArgs:
    """The Slack settings as `SlackExtension` takes them, for these PagerDuty services."""
    channel: SlackChannelArgs
    if slack.channel_id:
        channel = {"id": slack.channel_id}  # preferred: no Slack resource, no rate-limited lookup
    else:
        assert slack.channel is not None
        channel = {
            "name": slack.channel,
            "adoptExisting": slack.adopt_existing,
            "private": slack.private,
        }
    args: SlackExtensionArgs = {
        "workspaceId": slack.workspace_id,
        "channel": channel,
        "services": services,
        "notificationType": str(slack.notification_type),
        "events": list(slack.event_types),
        "priorities": list(slack.priorities),
    }
    if slack.urgency is not None:
        args["urgency"] = str(slack.urgency)
    return args
