"""SlackExtension: PagerDuty incidents of one or more services posted to a Slack channel.

The guide's "Slack" step as code. The legacy Slack V1 extension it clicks through can no longer
be automated; its successor is PagerDuty's Slack integration, one `pagerduty.SlackConnection` per
service. The channel is either named by id (preferred: no Slack resource, no rate-limited lookup)
or managed with pulumi-slack: adopted when it already exists, and never archived on destroy.
"""

import re
from collections.abc import Mapping
from typing import NotRequired, TypedDict, cast

import pulumi
import pulumi_pagerduty as pagerduty
import pulumi_slack as slack

from components._args import without_none

TYPE_TOKEN = "pantheon-oncall:index:SlackExtension"

NOTIFICATION_TYPES = ("responder", "stakeholder")
DEFAULT_NOTIFICATION_TYPE = "responder"
URGENCIES = ("high", "low")
REQUIRED_EVENT = "incident.triggered"
# PagerDuty's Slack connection event types (the provider's documented list).
EVENT_TYPES = (
    "incident.triggered",
    "incident.acknowledged",
    "incident.escalated",
    "incident.resolved",
    "incident.reassigned",
    "incident.annotated",
    "incident.unacknowledged",
    "incident.delegated",
    "incident.priority_updated",
    "incident.responder.added",
    "incident.responder.replied",
    "incident.status_update_published",
    "incident.reopened",
)
ALL_PRIORITIES = ["*"]
# What pulumi-slack does to a channel on destroy and to members missing from `permanent_members`.
# Its defaults ("archive", "kick") would archive the channel, and empty an adopted one of everyone
# the program does not list. "none" for both, always.
ACTION_ON_DESTROY = "none"
ACTION_ON_UPDATE_PERMANENT_MEMBERS = "none"
# The conversation's free-text properties: managed when given, ignored when not (_unmanaged_text).
# This component never sets a purpose, so an adopted channel's purpose is always left alone.
TEXT_PROPERTIES = ("topic", "purpose")

_WORKSPACE_ID = re.compile(r"^[TE][A-Z0-9]{2,}$")
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
_CHANNEL_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


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
    """PagerDuty priority ids to post; default ["*"] (any priority). An empty list would mean
    only incidents without a priority, so it is refused."""
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
        super().__init__(TYPE_TOKEN, name, None, opts)
        args = cast(SlackExtensionArgs, without_none(args))
        _validate(args)
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


def _validate(args: SlackExtensionArgs) -> None:
    """Reject bad input before anything is registered, naming the field path."""
    raw: Mapping[str, object] = args
    workspace = raw.get("workspaceId")
    if not isinstance(workspace, str) or not _WORKSPACE_ID.match(workspace):
        raise ValueError(f"workspaceId: a Slack team id like T0123ABCD; got {workspace!r}")
    _validate_channel(raw.get("channel"))

    services = raw.get("services")
    if not isinstance(services, Mapping) or not services:
        raise ValueError(
            f"services: at least one PagerDuty service id keyed by slug; got {services!r}"
        )
    for slug, service_id in services.items():
        if not isinstance(slug, str) or not _SLUG.match(slug):
            raise ValueError(
                f"services: key {slug!r} is not a slug (lowercase letters, digits and '-')"
            )
        if service_id is None or service_id == "":
            raise ValueError(f"services.{slug}: a PagerDuty service id; got {service_id!r}")

    notification_type = raw.get("notificationType")
    if notification_type is not None and notification_type not in NOTIFICATION_TYPES:
        raise ValueError(
            f"notificationType: one of {', '.join(NOTIFICATION_TYPES)}; got {notification_type!r}"
        )
    urgency = raw.get("urgency")
    if urgency is not None and urgency not in URGENCIES:
        raise ValueError(f"urgency: one of {', '.join(URGENCIES)} (absent: both); got {urgency!r}")

    events = raw.get("events")
    if not isinstance(events, list) or not events:
        raise ValueError(f"events: a list of PagerDuty event types; got {events!r}")
    for index, event in enumerate(events):
        if event not in EVENT_TYPES:
            hint = (
                f"; did you mean 'incident.{event}'?" if f"incident.{event}" in EVENT_TYPES else ""
            )
            raise ValueError(f"events[{index}]: {event!r} is not a PagerDuty event type{hint}")
    if len(set(events)) != len(events):
        raise ValueError(f"events: listed twice in {events!r}")
    if REQUIRED_EVENT not in events:
        raise ValueError(f"events: must include {REQUIRED_EVENT!r} (PagerDuty requires it)")

    if "priorities" in raw:
        priorities = raw["priorities"]
        if not isinstance(priorities, list) or not all(
            isinstance(p, str) and p for p in priorities
        ):
            raise ValueError(
                f"priorities: a list of PagerDuty priority ids or ['*']; got {priorities!r}"
            )
        if not priorities:
            raise ValueError(
                "priorities: [] would post only incidents without a priority; "
                "use ['*'] for any priority, or list priority ids"
            )


def _validate_channel(channel: object) -> None:
    if not isinstance(channel, Mapping):
        raise ValueError(f"channel: an object with an id or a name; got {channel!r}")
    if "id" in channel:
        others = sorted(key for key in channel if key != "id")
        if others:
            raise ValueError(
                f"channel: give either id or name, not both (id excludes {', '.join(others)})"
            )
        channel_id = channel["id"]
        if not isinstance(channel_id, str) or not _CHANNEL_ID.match(channel_id):
            raise ValueError(f"channel.id: a Slack channel id like C0123ABCD; got {channel_id!r}")
        return
    name = channel.get("name")
    if name is None:
        raise ValueError("channel: an id (preferred) or a name is required")
    if not isinstance(name, str) or not _CHANNEL_NAME.match(name):
        raise ValueError(
            f"channel.name: {name!r} is not a Slack channel name (lowercase letters, digits, "
            "'-' and '_', at most 80, no '#')"
        )
    for key in ("adoptExisting", "private"):
        if key in channel and not isinstance(channel[key], bool):
            raise ValueError(f"channel.{key}: true or false; got {channel[key]!r}")
    if "topic" in channel and not isinstance(channel["topic"], str):
        raise ValueError(f"channel.topic: a string; got {channel['topic']!r}")
