"""pantheon-oncall's guardrails: the policies of the Pulumi policy pack in this folder.

`pulumi preview --policy-pack policy` (and `pulumi up`) runs them against what the program is
about to do; `make test` runs them over every stack's offline plan (tests/policy/test_policy.py).
Each policy is mandatory (the update stops) or advisory (a warning), as `POLICIES` says; a team can
change a level with `--policy-pack-config`.

The pack reads resources as the engine hands them to a policy: inputs under their wire (camelCase)
names, secrets already unwrapped (so secrecy shows only in the resource options), and in a preview
the values that only exist after a deploy raise `UnknownValueError` when read.

Self-contained: Pulumi runs this folder in its own virtualenv (requirements.txt beside it), so it
imports nothing from the project.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any, Final

from exposure import live_service_pages_high, no_plain_text_credentials
from pulumi_policy import (
    EnforcementLevel,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

PACK_NAME: Final = "pantheon-oncall-guardrails"

SERVICE: Final = "pagerduty:index/service:Service"
SERVICE_INTEGRATION: Final = "pagerduty:index/serviceIntegration:ServiceIntegration"
SLACK_CONNECTION: Final = "pagerduty:index/slackConnection:SlackConnection"
USER: Final = "pagerduty:index/user:User"
NOTIFICATION_RULE: Final = "pagerduty:index/userNotificationRule:UserNotificationRule"
SCHEDULE: Final = "pagerduty:index/schedule:Schedule"
ESCALATION_POLICY: Final = "pagerduty:index/escalationPolicy:EscalationPolicy"
ALERT_POLICY: Final = "newrelic:index/alertPolicy:AlertPolicy"
DEPRECATED_NEWRELIC: Final = {
    "newrelic:index/alertChannel:AlertChannel": "a notification destination and channel",
    "newrelic:index/alertPolicyChannel:AlertPolicyChannel": "a workflow filtered on the policy",
}
"""New Relic's legacy notification channels (the guide's "notification channel"), and what
replaces each: New Relic has deprecated them for destinations, channels and workflows."""

ALL_PRIORITIES: Final = "*"
"""A Slack connection's `priorities` entry for every incident; without it (or with an empty list)
PagerDuty posts only incidents that have no priority."""

PHONE_OR_SMS: Final = frozenset({"phone_contact_method", "sms_contact_method"})
TIMEOUT_OFF: Final = "null"
"""A PagerDuty service timeout turned off. Absent, the provider sets auto_resolve_timeout to
"14400" (terraform-provider-pagerduty, pagerduty/resource_pagerduty_service.go)."""

ADOPTED_AUTO_RESOLVE: Final = "autoResolveTimeout"
"""What an adopted service's options ignore while it keeps the auto-resolve it has."""

LAYER_TIMES: Final = ("start", "rotationVirtualStart")


# --- Resource policies ----------------------------------------------------------------------------


def integration_key_is_secret(args: ResourceValidationArgs, report: ReportViolation) -> None:
    """The pagerduty schema does not mark `integrationKey` secret: without
    `additional_secret_outputs` it lands in the state and in previews in clear text, and anyone
    who has it can open incidents on the service."""
    if args.resource_type != SERVICE_INTEGRATION:
        return
    if "integrationKey" not in (args.opts.additional_secret_outputs or []):
        report(
            "the integration key is not secret: create the integration with "
            'additional_secret_outputs=["integrationKey"]',
            None,
        )


def no_deprecated_newrelic_channels(args: ResourceValidationArgs, report: ReportViolation) -> None:
    """New Relic's AlertChannel and AlertPolicyChannel are deprecated; an alert policy's
    `channelIds` is too, and changing it replaces the policy."""
    if args.resource_type in DEPRECATED_NEWRELIC:
        kind = args.resource_type.rsplit(":", 1)[-1]
        instead = DEPRECATED_NEWRELIC[args.resource_type]
        report(f"{kind} is deprecated by New Relic: use {instead}", None)
    elif args.resource_type == ALERT_POLICY and _known(args.props, "channelIds"):
        report(
            "channelIds is deprecated (and replaces the policy when changed): use a workflow", None
        )


def slack_forwards_all_priorities(args: ResourceValidationArgs, report: ReportViolation) -> None:
    """Every config of a Slack connection lists priorities ["*"]: omitted or empty, PagerDuty
    posts only incidents without a priority, and a P1 never reaches the channel."""
    if args.resource_type != SLACK_CONNECTION:
        return
    for index, config in enumerate(_known(args.props, "configs") or []):
        priorities = list(_known(config, "priorities") or [])
        if ALL_PRIORITIES not in priorities:
            report(
                f"configs[{index}].priorities is {priorities!r}: only incidents with these "
                f'priorities reach Slack; use ["{ALL_PRIORITIES}"] for every incident',
                None,
            )


def service_never_auto_resolves(args: ResourceValidationArgs, report: ReportViolation) -> None:
    """A service's auto_resolve_timeout is "null": PagerDuty must not resolve an incident while
    New Relic keeps its issue open (New Relic does not trigger again; its CLOSED notification
    resolves the incident)."""
    if args.resource_type != SERVICE or _keeps_adopted_auto_resolve(args):
        return  # an adopted service keeps what it has for now: adopted_service_auto_resolves
    timeout = _known(args.props, "autoResolveTimeout")
    if timeout != TIMEOUT_OFF:
        shown = "absent (the provider's default, 4 hours)" if timeout is None else repr(timeout)
        report(
            f"autoResolveTimeout is {shown}: PagerDuty would resolve incidents that New Relic "
            f'still has open; set it to "{TIMEOUT_OFF}"',
            None,
        )


def adopted_service_auto_resolves(args: ResourceValidationArgs, report: ReportViolation) -> None:
    """A service adopted from PagerDuty (Pulumi `import`) keeps the auto-resolve it has there.

    The import must match what exists, so the program sends the service's own timeout and
    ignores changes to it while it is adopted (`ignore_changes: [autoResolveTimeout]`, the only
    sign of an import the policy SDK shows: PolicyResourceOptions has no import id). The
    mandatory no-auto-resolve lets exactly that through; this advisory says what to change next.
    """
    if args.resource_type != SERVICE or not _keeps_adopted_auto_resolve(args):
        return
    timeout = _known(args.props, "autoResolveTimeout")
    shown = "as it is in PagerDuty" if timeout is None else f"at {timeout!r} seconds"
    report(
        f"the adopted service keeps auto-resolving {shown} (ignored while adopted): once `pulumi "
        "up` has adopted it, remove importId and autoResolveMinutes from pantheon-oncall:pagerduty "
        f'in the stack file; the next update sets autoResolveTimeout to "{TIMEOUT_OFF}"',
        None,
    )


def _keeps_adopted_auto_resolve(args: ResourceValidationArgs) -> bool:
    return ADOPTED_AUTO_RESOLVE in (args.opts.ignore_changes or [])


def layer_starts_are_fixed(args: ResourceValidationArgs, report: ReportViolation) -> None:
    """A schedule layer's start (and rotation start) is a fixed time from the stack file.

    A start computed when the program runs moves on every `pulumi up` and reshuffles who is on
    call. A policy sees that two ways: the value is unknown in a preview (it comes from another
    resource's output), or it carries seconds or a fraction of a second (a clock reading such as
    `datetime.now().isoformat()`; a handoff is written in whole minutes).
    """
    if args.resource_type != SCHEDULE:
        return
    try:
        layers = list(args.props.get("layers") or [])
    except UnknownValueError:
        report("layers are unknown until the deploy: a layer start computed at run time", None)
        return
    for index, layer in enumerate(layers):
        for key in LAYER_TIMES:
            try:
                value = layer.get(key)
            except UnknownValueError:
                report(
                    f"layers[{index}].{key} is unknown until the deploy: computed at run time; "
                    "write a fixed date-time in the stack file",
                    None,
                )
                continue
            if _is_clock_reading(value):
                report(
                    f"layers[{index}].{key} is {value!r}, a clock reading: a start computed at "
                    "run time moves on every deploy; write a fixed date-time in the stack file",
                    None,
                )


def _is_clock_reading(value: object) -> bool:
    """A date-time with seconds or a fraction of a second: what `now()` gives, never what a
    person writes for a handoff."""
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return False  # not a date-time at all: the provider's schema check reports that
    return moment is not None and bool(moment.second or moment.microsecond)


# --- Stack policy: who a live service wakes -------------------------------------------------------


def on_call_users_can_be_woken(args: StackValidationArgs, report: ReportViolation) -> None:
    """Every user on call for a live service has a high-urgency notification rule that fires at
    once and one that calls or texts.

    A live service is one that pages at high urgency (the live preset). A stack without a
    service (a team stack) pages live sites through its escalation policies, so every one of
    them counts. Users are followed through the resource graph: service → escalation policy →
    schedules → layer users, and the users the policy targets directly. Users the stack only
    looks up (`existing: true`) are not resources here and are not checked; PagerDuty's own
    "e-mail at once" rule is not a resource either, so it does not count as the immediate rule.
    """
    resources = list(args.resources)
    services = [r for r in resources if r.resource_type == SERVICE]
    if services:
        policies = [p for s in services if _pages_high(s) for p in _deps(s, "escalationPolicy")]
    else:
        policies = [r for r in resources if r.resource_type == ESCALATION_POLICY]
    rules_of: dict[str, list[PolicyResource]] = {}
    for rule in resources:
        if rule.resource_type == NOTIFICATION_RULE and _known(rule.props, "urgency") == "high":
            for user in _deps(rule, "userId"):
                rules_of.setdefault(user.urn, []).append(rule)
    checked: set[str] = set()
    for user in _on_call_users(policies):
        if user.urn in checked:
            continue
        checked.add(user.urn)
        rules = rules_of.get(user.urn, [])
        who = _known(user.props, "name") or user.name
        if not any(_known(r.props, "startDelayInMinutes") == 0 for r in rules):
            report(
                f"{who} is on call for a live service; no high-urgency rule fires at once",
                user.urn,
            )
        if not any(_contact_type(r) in PHONE_OR_SMS for r in rules):
            report(f"{who} is on call for a live service; nothing calls or texts them", user.urn)


def _pages_high(service: PolicyResource) -> bool:
    """The service opens high-urgency incidents (PagerDuty's default without a rule)."""
    rule = _known(service.props, "incidentUrgencyRule")
    if not rule:
        return True
    found = [rule.get("urgency")]
    for key in ("duringSupportHours", "outsideSupportHours"):
        found.append((rule.get(key) or {}).get("urgency"))
    return "high" in found or "severity_based" in found


def _on_call_users(policies: Iterable[PolicyResource]) -> Iterator[PolicyResource]:
    for policy in policies:
        if policy.resource_type != ESCALATION_POLICY:
            continue  # e.g. a stack reference: its users are checked in the team stack
        for target in _deps(policy, "rules"):
            if target.resource_type == USER:
                yield target
            elif target.resource_type == SCHEDULE:
                yield from (u for u in _deps(target, "layers") if u.resource_type == USER)


def _deps(resource: PolicyResource, prop: str) -> list[PolicyResource]:
    return list((resource.property_dependencies or {}).get(prop, []))


def _contact_type(rule: PolicyResource) -> Any:
    method = _known(rule.props, "contactMethod") or {}
    return _known(method, "type")


def _known(props: Mapping[str, Any], key: str) -> Any:
    """`props[key]`, or None when absent or unknown in a preview."""
    try:
        return props.get(key)
    except UnknownValueError:
        return None


# --- The pack -------------------------------------------------------------------------------------

POLICIES: Final = [
    ResourceValidationPolicy(
        name="integration-key-secret",
        description="The PagerDuty integration key New Relic pages with is a secret.",
        validate=integration_key_is_secret,
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
    ResourceValidationPolicy(
        name="no-deprecated-newrelic-channels",
        description="No New Relic AlertChannel or AlertPolicyChannel (deprecated): "
        "destinations, channels and workflows instead.",
        validate=no_deprecated_newrelic_channels,
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
    ResourceValidationPolicy(
        name="slack-all-priorities",
        description='Slack connections forward incidents of every priority (["*"]).',
        validate=slack_forwards_all_priorities,
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
    StackValidationPolicy(
        name="on-call-users-reachable",
        description="Everyone on call for a live service has an immediate high-urgency rule and "
        "a phone or SMS rule.",
        validate=on_call_users_can_be_woken,
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
    ResourceValidationPolicy(
        name="no-auto-resolve",
        description='Services never auto-resolve (autoResolveTimeout "null"): New Relic '
        "resolves them when its issue closes.",
        validate=service_never_auto_resolves,
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
    ResourceValidationPolicy(
        name="adopted-auto-resolve",
        description="A service adopted while it auto-resolves keeps its timeout for the import; "
        "the advisory says what to change next.",
        validate=adopted_service_auto_resolves,
        enforcement_level=EnforcementLevel.ADVISORY,
    ),
    ResourceValidationPolicy(
        name="fixed-layer-starts",
        description="Schedule layer starts are fixed in the stack file, not computed at run time.",
        validate=layer_starts_are_fixed,
        enforcement_level=EnforcementLevel.ADVISORY,
    ),
    ResourceValidationPolicy(
        name="no-plain-text-credentials",
        description="No resource input holds a token- or key-shaped value in plain text.",
        validate=no_plain_text_credentials,
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
    ResourceValidationPolicy(
        name="live-service-pages-high",
        description="A live site's PagerDuty service opens high-urgency incidents.",
        validate=live_service_pages_high,
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
]
"""The guardrails, in the order they are reported."""
