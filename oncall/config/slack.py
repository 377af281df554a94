"""`pantheon-oncall:slack`: the channel PagerDuty posts a service's incidents to, and which ones.

Events take the words PagerDuty's UI shows (`triggered`, `responder_added`; `SLACK_EVENT_WORDS`)
over the one event list, `components.vocabulary.SlackEvent`.
"""

from __future__ import annotations

import re
from typing import Annotated, Final, Self

from pydantic import AfterValidator, PlainValidator, model_validator

from components.vocabulary import (
    SLACK_CHANNEL_ID,
    SLACK_CHANNEL_NAME,
    SLACK_WORKSPACE_ID,
    SlackEvent,
    SlackNotificationType,
    Urgency,
)
from oncall.config.errors import MISSING
from oncall.config.issues import Issue, fail
from oncall.config.scalars import Model, Name, distinct, matching, normalise_word

SLACK_EVENT_WORDS: Final[dict[str, SlackEvent]] = {
    event.name.lower(): event for event in SlackEvent
}
"""Words a config uses for Slack events: `triggered`, `responder_added`, … (or the API value)."""


def slack_event_from_word(word: str) -> SlackEvent:
    """The event a word or API event type names; ValueError listing the accepted words otherwise."""
    normalised = normalise_word(word).replace(" ", "_")
    if normalised in SLACK_EVENT_WORDS:
        return SLACK_EVENT_WORDS[normalised]
    try:
        return SlackEvent(word)
    except ValueError:
        accepted = ", ".join(SLACK_EVENT_WORDS)
        raise ValueError(f"unknown Slack event; expected one of {accepted}") from None


def _slack_event(value: object) -> SlackEvent:
    if isinstance(value, SlackEvent):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected an event word: one of {', '.join(SLACK_EVENT_WORDS)}")
    return slack_event_from_word(value)


def _channel_name(name: str) -> str:
    if name.startswith("#"):
        raise ValueError(f"write the channel name without '#': {name[1:]}")
    if not re.fullmatch(SLACK_CHANNEL_NAME, name):
        raise ValueError(
            "expected a Slack channel name: lowercase letters, digits, '-' and '_', "
            "at most 80 characters, no spaces or dots"
        )
    return name


SlackTeamId = Annotated[str, matching(SLACK_WORKSPACE_ID, "a Slack workspace id like T0123ABCD")]
SlackChannelId = Annotated[str, matching(SLACK_CHANNEL_ID, "a Slack channel id like C0123ABCD")]
ChannelName = Annotated[str, AfterValidator(_channel_name)]


DEFAULT_SLACK_EVENTS: Final = (
    SlackEvent.TRIGGERED,
    SlackEvent.ACKNOWLEDGED,
    SlackEvent.RESOLVED,
    SlackEvent.REASSIGNED,
)


def _includes_triggered(events: tuple[SlackEvent, ...]) -> tuple[SlackEvent, ...]:
    if SlackEvent.TRIGGERED not in events:
        fail(Issue((), events, "must include triggered: PagerDuty requires it"))
    return events


class SlackSettings(Model):
    """`pantheon-oncall:slack` — where PagerDuty posts this service's incidents."""

    workspace_id: SlackTeamId
    """The Slack workspace's id (`T…`), connected to PagerDuty once by hand."""
    channel: ChannelName | None = None
    """The channel's name without `#`; created if it does not exist."""
    channel_id: SlackChannelId | None = None
    """Preferred over `channel`: looking a channel up by name is rate-limited."""
    adopt_existing: bool = True
    """Use the channel if it exists and never archive it; false creates it (and owns it)."""
    private: bool = False
    """Create the channel as private (invite the PagerDuty app to it)."""
    events: Annotated[
        tuple[Annotated[SlackEvent, PlainValidator(_slack_event)], ...],
        AfterValidator(distinct),
        AfterValidator(_includes_triggered),
    ] = DEFAULT_SLACK_EVENTS
    """Which incident events PagerDuty posts, e.g. `triggered`, `acknowledged`, `resolved`,
    `reassigned`."""
    notification_type: SlackNotificationType = SlackNotificationType.RESPONDER
    """`responder` (the responders' view) or `stakeholder`."""
    priorities: tuple[Name, ...] = ("*",)
    """PagerDuty priority ids to post; ["*"] is every incident, [] only those with no priority."""
    urgency: Urgency | None = None
    """Only incidents of this urgency; None posts both."""

    @model_validator(mode="after")
    def _names_a_channel(self) -> Self:
        if self.channel is None and self.channel_id is None:
            fail(Issue(("channel",), MISSING, "required: channel (a name) or channelId"))
        if self.channel is not None and self.channel_id is not None:
            message = "give channel (a name) or channelId, not both"
            fail(Issue(("channelId",), self.channel_id, message))
        if not self.adopt_existing and self.channel is None:
            message = "creating a channel (adoptExisting: false) needs its name in channel"
            fail(Issue(("adoptExisting",), False, message))
        return self

    @property
    def event_types(self) -> tuple[str, ...]:
        """The events as PagerDuty's API names them (`incident.triggered`, …)."""
        return tuple(event.value for event in self.events)
