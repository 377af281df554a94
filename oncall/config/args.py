"""The resolved stack config as the components take it: their args, field by field.

The config layer has checked and resolved everything before (presets applied, phone numbers
split, the team's defaults inherited, schedule starts fixed with their offsets, UI words mapped to
API values); these functions only map the resolved models onto the components' args. The config
layer hands what they build to the components' own checks (oncall.config.component_check), and
the program registers the components with the same args (oncall.wiring).
"""

from __future__ import annotations

from typing import Any, Final, Literal

import pulumi

from components.newrelic.args import (
    TIMEOUT_OFF,
    CertificateMonitorArgs,
    NewRelicConditionsArgs,
    NewRelicPagerDutyChannelArgs,
    PingMonitorArgs,
)
from components.slack.component import SlackChannelArgs, SlackExtensionArgs
from components.team.args import (
    EscalationPolicyArgs,
    HandoffArgs,
    LayerArgs,
    MemberArgs,
    NotifyStepArgs,
    PhoneArgs,
    RestrictionArgs,
    ScheduleArgs,
    TeamOnCallArgs,
)
from components.vocabulary import Urgency
from oncall.config.alerts import NewRelicSettings, PagerDutySettings
from oncall.config.issues import NAMESPACE
from oncall.config.members import ResolvedMember, Step
from oncall.config.phones import Phone
from oncall.config.presets import CertificateMonitor
from oncall.config.schedules import Escalation, ResolvedLayer, ResolvedSchedule
from oncall.config.site import Site
from oncall.config.slack import SlackSettings
from oncall.config.team import ResolvedTeam

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
    if layer.rotation_virtual_start is not None:
        args["rotationVirtualStart"] = layer.rotation_virtual_start.isoformat()
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

TEAM_STACK_ZONE: Final = "UTC"
"""What stands in for the team stack's time zone where the stack does not deploy (the component's
own check of the args): a valid zone; the team stack checks its own."""


def alerts_args(
    site: Site,
    service: PagerDutySettings,
    newrelic: NewRelicSettings,
    escalation_policy_id: pulumi.Input[str],
    team_stack_zone: pulumi.Input[str] = TEAM_STACK_ZONE,
) -> NewRelicPagerDutyChannelArgs:
    """The resolved PagerDuty service and New Relic alerts as `NewRelicPagerDutyChannel` takes
    them, paging `escalation_policy_id`; support hours in the team stack's time zone are in
    `team_stack_zone` (its `timeZone` output when the stack deploys)."""
    args: NewRelicPagerDutyChannelArgs = {
        "serviceName": service.service,
        "serviceDescription": service.description,
        "escalationPolicyId": escalation_policy_id,
        "policyName": newrelic.policy_name,
        "incidentPreference": str(newrelic.incident_preference),
        "siteUrl": site.url,
        "appName": newrelic.app_name,
    }
    _add_service(args, service, team_stack_zone)
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
    if newrelic.certificate_monitor is not None:
        args["certificateMonitor"] = _certificate(site, newrelic.certificate_monitor)
    return args


def _add_service(
    args: NewRelicPagerDutyChannelArgs, service: PagerDutySettings, zone: pulumi.Input[str]
) -> None:
    """The service's optional inputs, and one urgency at all hours or support hours (in `zone`
    when they name none)."""
    if service.import_id:
        args["serviceImportId"] = service.import_id
    if service.vendor_id:
        args["vendorId"] = service.vendor_id
    args.update({"changeEvents": True} if service.change_events else {})
    if service.auto_resolve_minutes is not None:
        args["autoResolveTimeout"] = _timeout(service.auto_resolve_minutes)
    if service.acknowledgement_timeout_minutes is not None:
        args["acknowledgementTimeout"] = _timeout(service.acknowledgement_timeout_minutes)
    hours = service.paging.support_hours
    if hours is None:
        args["urgency"] = str(service.paging.outside)
        return
    args["supportHours"] = {
        "timeZone": hours.time_zone if hours.time_zone is not None else zone,
        "daysOfWeek": list(hours.days),
        "startTime": f"{hours.start}:00",
        "endTime": f"{hours.end}:00",
    }


def _certificate(site: Site, monitor: CertificateMonitor) -> CertificateMonitorArgs:
    return {
        "name": f"{site.host} certificate",
        "domain": site.host,
        "daysBeforeExpiry": monitor.days,
        "period": str(monitor.period),
        "locations": list(monitor.locations),
    }


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
