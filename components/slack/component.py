"""SlackExtension: PagerDuty incidents of one or more services posted to a Slack channel.

The guide's "Slack" step as code. The legacy Slack V1 extension it clicks through can no longer
be automated; its successor is PagerDuty's Slack integration, one `pagerduty.SlackConnection` per
service. The channel is either named by id (preferred: no Slack resource, no rate-limited lookup)
or managed with pulumi-slack: adopted when it already exists, and never archived on destroy.
"""

from collections.abc import Mapping
from typing import NotRequired, TypedDict, cast

import pulumi
import pulumi_pagerduty as pagerduty
import pulumi_slack as slack

from components._args import Problems, without_none
from components.vocabulary import (
    REQUIRED_SLACK_EVENT,
    SLACK_CHANNEL_ID,
    SLACK_CHANNEL_NAME,
    SLACK_WORKSPACE_ID,
    SlackEvent,
    SlackNotificationType,
    Urgency,
)

TYPE_TOKEN = "pantheon-oncall:index:SlackExtension"

DEFAULT_NOTIFICATION_TYPE = SlackNotificationType.RESPONDER.value
ALL_PRIORITIES = ["*"]
# What pulumi-slack does to a channel on destroy and to members missing from `permanent_members`.
# Its defaults ("archive", "kick") would archive the channel, and empty an adopted one of everyone
# the program does not list. "none" for both, always.
ACTION_ON_DESTROY = "none"
ACTION_ON_UPDATE_PERMANENT_MEMBERS = "none"
# The conversation's free-text properties: managed when given, ignored when not (_unmanaged_text).
# This component never sets a purpose, so an adopted channel's purpose is always left alone.
TEXT_PROPERTIES = ("topic", "purpose")


class SlackChannelArgs(TypedDict):
    """The Slack channel to post to: an id (preferred), or a name to adopt or create."""

    id: NotRequired[str]
    """Channel id (C… or G…); used as is, no Slack resource is managed. Excludes the others."""
    name: NotRequired[str]
    """Channel name without '#' (lowercase letters, digits, '-' and '_', up to 80)."""
    adoptExisting: NotRequired[bool]
    """Adopt the channel of that name if it exists (default true); false fails when it exists.
    The channel is never archived on destroy either way. An archived channel is not adopted (the
    deploy fails): unarchive it in Slack first."""
    private: NotRequired[bool]
    """Private channel (default false). Invite the PagerDuty app to a private channel."""
    topic: NotRequired[str]
    """Channel topic to set (replaces the topic of an adopted channel). Absent: the channel's
    topic is left as it is, whatever it is or becomes."""


class SlackExtensionArgs(TypedDict):
    """Inputs of SlackExtension."""

    workspaceId: str
    """Slack workspace (team) id, T… (E… for an Enterprise Grid org)."""
    channel: SlackChannelArgs
    """The channel that receives the incidents."""
    services: dict[str, pulumi.Input[str]]
    """PagerDuty service ids keyed by a slug (lowercase letters, digits, '-'); one connection each,
    named after the slug, so adding or removing a service touches only its connection."""
    notificationType: NotRequired[str]
    """responder (default: the guide's "actions available to any Slack user": acknowledge,
    resolve, reassign from Slack) or stakeholder (read-only updates)."""
    events: list[str]
    """PagerDuty event types to post, e.g. incident.triggered, incident.acknowledged,
    incident.resolved, incident.reassigned, incident.escalated; must include
    incident.triggered."""
    priorities: NotRequired[list[str]]
    """PagerDuty priority ids to post; default ["*"] (any priority). An empty list posts only
    incidents without a priority, as the provider documents `configs.priorities` (the stack
    config accepts it too: on an account without priorities that is every incident)."""
    urgency: NotRequired[str]
    """Only incidents of this urgency: high or low; absent: both."""


class SlackExtension(pulumi.ComponentResource):
    """PagerDuty's Slack integration for one or more services, and optionally the channel.

    Children: a `slack.Conversation` when the channel is given by name (adopted if it exists,
    never archived on destroy), and one `pagerduty.SlackConnection` per service.

    Before the first `pulumi up`, two things that are not this component's to do:

    * Connect the PagerDuty account to the Slack workspace once, by hand, in PagerDuty's UI
      (Integrations > Extensions > Slack). Until then PagerDuty answers 404 to every connection.
    * Give the pagerduty provider a user-level API token, `pagerduty:userToken` (preferably of a
      dedicated bot user): Slack connections cannot be managed with an account token.

    The slack provider's token needs channels:read/manage/join (groups:read/write for private
    channels). An archived channel is never adopted: its name stays taken, so Slack refuses to
    create it ("name_taken"), and the provider's search for the channel to adopt skips archived
    channels, so `pulumi up` fails with "could not find channel with name …". Unarchive it in
    Slack first, or give its id (`channel.id`).

    The channel's topic and purpose are managed only when given: the provider reads the live
    ones into its state and, on every update, sets whatever differs from the inputs, so an absent
    topic would blank an adopted channel's topic. Absent ones are ignored (`ignore_changes`).
    """

    channelId: pulumi.Output[str]
    """Id of the Slack channel that receives the incidents."""
    connectionIds: pulumi.Output[dict[str, str]]
    """Ids of the PagerDuty Slack connections, keyed by service slug."""

    def __init__(
        self,
        name: str,
        args: SlackExtensionArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        # Checked before anything is registered: bad args leave nothing behind.
        args = cast(SlackExtensionArgs, without_none(args))
        validate(args)
        super().__init__(TYPE_TOKEN, name, None, opts)
        self._name = name
        self._args = args

        channel_id = self._channel()
        connections = self._create_connections(channel_id)

        # Read back from a connection rather than echoed from the args: a channel id that the
        # caller registered as a secret stays one in this output too (the engine keeps an output
        # secret when the input of the same name was).
        self.channelId = connections[min(connections)].channel_id
        self.connectionIds = pulumi.Output.all(
            **{slug: connection.id for slug, connection in connections.items()}
        )
        self.register_outputs({"channelId": self.channelId, "connectionIds": self.connectionIds})

    def _channel(self) -> pulumi.Input[str]:
        """The channel id: given, or that of the managed conversation."""
        channel = self._args["channel"]
        if "id" in channel:
            return channel["id"]
        conversation = slack.Conversation(
            f"{self._name}-channel",
            name=channel["name"],
            is_private=channel.get("private", False),
            topic=channel.get("topic"),
            adopt_existing_channel=channel.get("adoptExisting", True),
            # Archiving on destroy loses the channel for good: its name stays taken, so creating
            # it again fails, and adopting it fails too (the provider's search for the existing
            # channel excludes archived ones). A created channel is left in place like an adopted
            # one; delete it in Slack if wanted.
            action_on_destroy=ACTION_ON_DESTROY,
            action_on_update_permanent_members=ACTION_ON_UPDATE_PERMANENT_MEMBERS,
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=_unmanaged_text(channel)),
        )
        return conversation.id

    def _create_connections(
        self, channel_id: pulumi.Input[str]
    ) -> dict[str, pagerduty.SlackConnection]:
        args = self._args
        config: pagerduty.SlackConnectionConfigArgsDict = {
            "events": list(args["events"]),
            "priorities": list(args.get("priorities", ALL_PRIORITIES)),
        }
        if "urgency" in args:
            config["urgency"] = args["urgency"]
        return {
            slug: pagerduty.SlackConnection(
                f"{self._name}-{slug}",
                source_id=service_id,
                source_type="service_reference",
                workspace_id=args["workspaceId"],
                channel_id=channel_id,
                notification_type=args.get("notificationType", DEFAULT_NOTIFICATION_TYPE),
                configs=[config],
                opts=pulumi.ResourceOptions(parent=self),
            )
            for slug, service_id in sorted(args["services"].items())
        }


def _unmanaged_text(channel: SlackChannelArgs) -> list[str]:
    """The conversation's topic and purpose that the args leave out, to be left alone.

    pablovarela/terraform-provider-slack v1.2.2, slack/resource_conversation.go: Read stores the
    live `topic` and `purpose`; Update calls conversations.setTopic / setPurpose whenever they
    differ from the configuration, so an input left out would blank them on the first update.
    """
    return [key for key in TEXT_PROPERTIES if key not in channel]


def validate(args: SlackExtensionArgs) -> None:
    """Reject bad input before anything is registered: every problem, each with its path."""
    p = Problems("SlackExtension")
    raw: Mapping[str, object] = args
    p.unknown_keys("", raw, SlackExtensionArgs)
    p.matches(
        "workspaceId",
        raw.get("workspaceId"),
        SLACK_WORKSPACE_ID,
        "a Slack workspace id like T0123ABCD",
    )
    _validate_channel(p, raw.get("channel"))
    _validate_services(p, raw.get("services"))
    if "notificationType" in raw:
        p.one_of("notificationType", raw["notificationType"], SlackNotificationType)
    if "urgency" in raw:
        p.one_of("urgency", raw["urgency"], Urgency)
    _validate_events(p, raw.get("events"))
    if "priorities" in raw:
        priorities = raw["priorities"]
        if not isinstance(priorities, list) or not all(
            isinstance(priority, str) and priority for priority in priorities
        ):
            p.add(
                "priorities",
                f"expected a list of PagerDuty priority ids or ['*'] (got {priorities!r})",
            )
    p.raise_if_any()


def _validate_services(p: Problems, services: object) -> None:
    """At least one PagerDuty service id, keyed by a slug."""
    if not isinstance(services, Mapping) or not services:
        p.add(
            "services",
            f"expected at least one PagerDuty service id keyed by slug (got {services!r})",
        )
        services = {}
    for slug, service_id in services.items():
        p.slug("services", slug)
        if service_id is None or service_id == "":
            p.add(f"services.{slug}", f"expected a PagerDuty service id (got {service_id!r})")


def _validate_events(p: Problems, events: object) -> None:
    """Known PagerDuty event types, each once, including the one PagerDuty requires."""
    if not isinstance(events, list) or not events:
        p.add("events", f"expected a list of PagerDuty event types (got {events!r})")
        events = []
    known = {event.value for event in SlackEvent}
    for index, event in enumerate(events):
        if event not in known:
            hint = f"; did you mean 'incident.{event}'?" if f"incident.{event}" in known else ""
            p.add(f"events[{index}]", f"{event!r} is not a PagerDuty event type{hint}")
    p.distinct("events", events)
    if events and REQUIRED_SLACK_EVENT not in events:
        p.add("events", f"must include {REQUIRED_SLACK_EVENT.value!r} (PagerDuty requires it)")


def _validate_channel(p: Problems, channel: object) -> None:
    if not isinstance(channel, Mapping):
        p.add("channel", f"expected an object with an id or a name (got {channel!r})")
        return
    p.unknown_keys("channel", channel, SlackChannelArgs)
    if "id" in channel:
        others = sorted(key for key in channel if key != "id")
        if others:
            p.add("channel", f"give either id or name, not both (id excludes {', '.join(others)})")
        p.matches(
            "channel.id", channel["id"], SLACK_CHANNEL_ID, "a Slack channel id like C0123ABCD"
        )
        return
    name = channel.get("name")
    if name is None:
        p.add("channel", "an id (preferred) or a name is required")
    else:
        expected = (
            "a Slack channel name (lowercase letters, digits, '-' and '_', at most 80 "
            "characters; no '#', spaces or dots)"
        )
        if isinstance(name, str) and name.startswith("#"):
            expected = f"a Slack channel name without '#': {name[1:]!r}"
        p.matches("channel.name", name, SLACK_CHANNEL_NAME, expected)
    for key in ("adoptExisting", "private"):
        if key in channel:
            p.boolean(f"channel.{key}", channel[key])
    if "topic" in channel and not isinstance(channel["topic"], str):
        p.add("channel.topic", f"expected a string (got {channel['topic']!r})")
