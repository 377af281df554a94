"""NewRelicPagerDutyChannel: New Relic alerts for one Pantheon site, paging through PagerDuty.

The guide's "Add Services" step as code. On the PagerDuty side a service bound to an escalation
policy, with a New Relic integration whose key is kept secret. On the New Relic side an alert
policy, an optional synthetics ping monitor for the site URL, NRQL alert conditions (ping failing
from N locations, APM error rate, APM response time), and the notification path that replaced the
deprecated alert channels: a PagerDuty destination holding the integration key, a channel (the
message template), and a workflow that sends this policy's issues, and only those, to it.

Its Args (TypedDicts the SDK's analyzer publishes) are in components.newrelic.args, its
input checks in components.newrelic.checks.

The conditions are built in components.newrelic.conditions, their NRQL strings in
components.newrelic.nrql: they filter on ids, never on names, and no user text goes into NRQL.
"""

from typing import Final, cast

import pulumi
import pulumi_newrelic as newrelic
import pulumi_pagerduty as pagerduty

from components._args import without_none
from components.newrelic import conditions, nrql, sla
from components.newrelic.args import (
    DEFAULT_PERIOD,
    TIMEOUT_OFF,
    NewRelicPagerDutyChannelArgs,
)
from components.newrelic.checks import validate
from components.vocabulary import (
    IncidentPreference,
    MutingRulesHandling,
)

TYPE_TOKEN = "pantheon-oncall:index:NewRelicPagerDutyChannel"

DEFAULT_VENDOR_NAME = "New Relic"
DEFAULT_INCIDENT_PREFERENCE = IncidentPreference.PER_POLICY.value
# Muting rules are how a New Relic user silences a maintenance window; a workflow that notifies
# about fully muted issues would page through it anyway.
DEFAULT_MUTING_RULES_HANDLING = MutingRulesHandling.DONT_NOTIFY_FULLY_MUTED_ISSUES.value
# New Relic keeps an issue open for up to 3 days (VIOLATION_TIME_LIMIT_SECONDS) without sending a
# new trigger: a PagerDuty auto-resolve after 4 hours would silence a long outage. New Relic's
# CLOSED notification resolves the incident instead (NOTIFICATION_TRIGGERS).
DEFAULT_AUTO_RESOLVE_TIMEOUT = TIMEOUT_OFF
# An acknowledged incident that nobody resolves triggers again after 30 minutes and "starts the
# notification process from the beginning" (PagerDuty, support.pagerduty.com "Acknowledgement
# Timeouts"): an outage someone acknowledged and then forgot pages again. 1800 is the provider's
# default too; set explicitly so that it does not depend on the provider version.
DEFAULT_ACKNOWLEDGEMENT_TIMEOUT = "1800"
# The input an adopted, auto-resolving service ignores while it is adopted (see the service).
ADOPTED_AUTO_RESOLVE: Final = "autoResolveTimeout"
# Which issue events the workflow sends to PagerDuty: ACTIVATED triggers the incident, ACKNOWLEDGED
# acknowledges it and CLOSED resolves it. Left unset the API picks them; set explicitly. The
# provider keeps the order of the saved state (terraform-provider-newrelic,
# newrelic/structures_newrelic_workflow.go, normaliseTriggerList), so the list causes no diff.
NOTIFICATION_TRIGGERS = ("ACTIVATED", "ACKNOWLEDGED", "CLOSED")
# terraform-provider-newrelic adds a `source` property (key "source", value "terraform") to
# every notification destination it creates (newrelic/helpers_newrelic_notifications.go,
# createMonitoringProperty, appended in resourceNewRelicNotificationDestinationCreate) and reads
# it back; its schema hides a diff on it (the DiffSuppressFuncs of notificationsPropertySchema).
# The perpetual diff that once made programs list it themselves (pulumi/pulumi-newrelic#551,
# #875) was fixed in the bridge by PlanResourceChange (pulumi-newrelic commit 5a63c823, "Enable
# PRC (#877) Fixes #875"), so the program does not send it: listed here, it would be sent twice.

# The PagerDuty summary line: the New Relic issue title.
PAGERDUTY_SUMMARY_TEMPLATE = "{{ annotations.title.[0] }}"


class NewRelicPagerDutyChannel(pulumi.ComponentResource):
    """New Relic alerting for one Pantheon site, delivered to a PagerDuty service.

    Children: a PagerDuty service and its New Relic integration (vendor looked up by name unless
    `vendorId` is given); a New Relic alert policy; optionally a synthetics ping monitor; one NRQL
    condition per configured check; and the notification path: a PAGERDUTY_SERVICE_INTEGRATION
    destination holding the integration key, its channel and a workflow filtered on
    `labels.policyIds` = this policy; support hours on the service and a certificate check of a
    custom domain (components.newrelic.sla). The deprecated alert channels (`AlertChannel`,
    `AlertPolicyChannel`, the policy's `channel_ids`) are never used.

    The integration key is a secret everywhere: in state, in the component output and in the
    destination's auth token.
    """

    serviceId: pulumi.Output[str]
    """Id of the PagerDuty service."""
    serviceUrl: pulumi.Output[str]
    """Web address of the PagerDuty service."""
    integrationKey: pulumi.Output[str]
    """Events API key of the New Relic integration (secret)."""
    policyId: pulumi.Output[str]
    """Id of the New Relic alert policy."""
    monitorId: pulumi.Output[str] | None
    """Entity GUID of the synthetics ping monitor; absent without a monitor."""
    workflowId: pulumi.Output[str]
    """Id of the New Relic workflow that notifies PagerDuty."""
    changeEventsRoutingKey: pulumi.Output[str] | None
    """Routing key of the service's change-events integration (secret); absent without
    changeEvents."""

    def __init__(
        self,
        name: str,
        args: NewRelicPagerDutyChannelArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        # Checked before anything is registered: bad args leave nothing behind.
        args = cast(NewRelicPagerDutyChannelArgs, without_none(args))
        validate(args)
        super().__init__(TYPE_TOKEN, name, None, opts)
        self._name = name
        self._args = args

        service, integration_key = self._create_pagerduty_service()
        policy = self._create_policy()
        monitor = self._create_monitor()
        conditions.create_conditions(self, name, args, policy, monitor)
        sla.create_certificate_check(name, args, self, policy)
        workflow = self._create_notification_path(policy, integration_key)

        self.serviceId = service.id
        self.serviceUrl = service.html_url
        self.integrationKey = integration_key
        self.policyId = policy.id
        self.monitorId = monitor.id if monitor is not None else None
        self.workflowId = workflow.id
        self.changeEventsRoutingKey = self._create_change_events(service)
        self.register_outputs(
            {
                "serviceId": self.serviceId,
                "serviceUrl": self.serviceUrl,
                "integrationKey": self.integrationKey,
                "policyId": self.policyId,
                "monitorId": self.monitorId,
                "workflowId": self.workflowId,
                "changeEventsRoutingKey": self.changeEventsRoutingKey,
            }
        )

    def _create_change_events(self, service: pagerduty.Service) -> pulumi.Output[str] | None:
        """The Events API v2 integration the Quicksilver hook sends change events to. `type`
        instead of `vendor`: the provider allows `events_api_v2_inbound_integration` there and
        refuses both together (terraform-provider-pagerduty,
        pagerduty/resource_pagerduty_service_integration.go: allowedIntegrationTypes and the
        ConflictsWith of `type` and `vendor`)."""
        if not self._args.get("changeEvents"):
            return None
        integration = pagerduty.ServiceIntegration(
            f"{self._name}-change-events",
            name="Change events (deploy markers)",
            service=service.id,
            type="events_api_v2_inbound_integration",
            opts=pulumi.ResourceOptions(parent=self, additional_secret_outputs=["integrationKey"]),
        )
        return pulumi.Output.secret(integration.integration_key)

    def _create_pagerduty_service(self) -> tuple[pagerduty.Service, pulumi.Output[str]]:
        args = self._args
        auto_resolve = args.get("autoResolveTimeout", DEFAULT_AUTO_RESOLVE_TIMEOUT)
        adopted = "serviceImportId" in args
        service = pagerduty.Service(
            f"{self._name}-service",
            name=args["serviceName"],
            # "" is sent as "" (none): an adopted service's must equal what exists.
            description=args.get("serviceDescription", f"New Relic alerts for {args['siteUrl']}"),
            escalation_policy=args["escalationPolicyId"],
            **sla.service_urgency(args),
            auto_resolve_timeout=auto_resolve,
            acknowledgement_timeout=args.get(
                "acknowledgementTimeout", DEFAULT_ACKNOWLEDGEMENT_TIMEOUT
            ),
            # An adopted service (created by hand before this stack) outlives a destroy.
            # An adopted service that auto-resolves keeps its timeout while it is adopted
            # (ignore_changes): the import must match what exists, and the policy pack's
            # no-auto-resolve lets exactly this through, with an advisory saying what to change
            # next (drop importId and the timeout once adopted, and the next update turns it off).
            opts=pulumi.ResourceOptions(
                parent=self,
                import_=args.get("serviceImportId"),
                retain_on_delete=adopted,
                ignore_changes=(
                    [ADOPTED_AUTO_RESOLVE] if adopted and auto_resolve != TIMEOUT_OFF else None
                ),
            ),
        )
        vendor_id: pulumi.Input[str]
        if "vendorId" in args:
            vendor_id = args["vendorId"]
        else:
            vendor_name = args.get("vendorName", DEFAULT_VENDOR_NAME)
            vendor_id = pagerduty.get_vendor_output(
                name=vendor_name, opts=pulumi.InvokeOptions(parent=self)
            ).id
        integration = pagerduty.ServiceIntegration(
            f"{self._name}-integration",
            name="New Relic",
            service=service.id,
            vendor=vendor_id,
            opts=pulumi.ResourceOptions(parent=self, additional_secret_outputs=["integrationKey"]),
        )
        integration_key: pulumi.Output[str] = pulumi.Output.secret(integration.integration_key)
        return service, integration_key

    def _create_policy(self) -> newrelic.AlertPolicy:
        return newrelic.AlertPolicy(
            f"{self._name}-policy",
            name=self._args["policyName"],
            incident_preference=self._args.get("incidentPreference", DEFAULT_INCIDENT_PREFERENCE),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _create_monitor(self) -> newrelic.synthetics.Monitor | None:
        ping = self._args.get("pingMonitor")
        if ping is None:
            return None
        return newrelic.synthetics.Monitor(
            f"{self._name}-monitor",
            name=nrql.monitor_name(self._args["siteUrl"], ping),
            type="SIMPLE",
            status="ENABLED",
            uri=self._args["siteUrl"],
            period=ping.get("period", DEFAULT_PERIOD),
            locations_publics=list(ping["locations"]),
            verify_ssl=ping.get("verifySsl", True),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _create_notification_path(
        self, policy: newrelic.AlertPolicy, integration_key: pulumi.Output[str]
    ) -> newrelic.Workflow:
        label = f"{self._args['serviceName']} (PagerDuty)"
        destination = newrelic.NotificationDestination(
            f"{self._name}-destination",
            name=label,
            type="PAGERDUTY_SERVICE_INTEGRATION",
            # A service-integration destination has no properties, yet the API needs the block.
            properties=[{"key": "", "value": ""}],
            auth_token={"prefix": "Token token=", "token": integration_key},
            opts=pulumi.ResourceOptions(parent=self),
        )
        channel = newrelic.NotificationChannel(
            f"{self._name}-channel",
            name=label,
            type="PAGERDUTY_SERVICE_INTEGRATION",
            product="IINT",
            destination_id=destination.id,
            properties=[{"key": "summary", "value": PAGERDUTY_SUMMARY_TEMPLATE}],
            opts=pulumi.ResourceOptions(parent=self),
        )
        return newrelic.Workflow(
            f"{self._name}-workflow",
            name=f"{self._args['policyName']} to PagerDuty",
            enabled=True,
            muting_rules_handling=self._args.get(
                "mutingRulesHandling", DEFAULT_MUTING_RULES_HANDLING
            ),
            issues_filter={
                "name": f"{self._args['policyName']} policy",
                "type": "FILTER",
                "predicates": [
                    {
                        "attribute": "labels.policyIds",
                        "operator": "EXACTLY_MATCHES",
                        "values": [policy.id],
                    }
                ],
            },
            destinations=[
                {"channel_id": channel.id, "notification_triggers": list(NOTIFICATION_TRIGGERS)}
            ],
            opts=pulumi.ResourceOptions(parent=self),
        )
