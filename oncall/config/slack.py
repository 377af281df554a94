"""`pantheon-oncall:slack`: the channel PagerDuty posts a service's incidents to, and which ones.

Events take the words PagerDuty's UI shows (`triggered`, `responder_added`; `SLACK_EVENT_WORDS`)
over the one event list, `components.vocabulary.SlackEvent`. What PagerDuty and Slack take (ids,
channel names, the events a connection needs) is SlackExtension's check
(components/slack/component.py `validate`), run on the args these settings make
(oncall.config.component_check).
"""

from __future__ import annotations

from typing import Annotated, Final, Self

from pydantic import PlainValidator, model_validator

from components.vocabulary import SlackEvent, SlackNotificationType, Urgency
from oncall.config.errors import MISSING
from oncall.config.issues import Issue, fail
from oncall.config.scalars import Model, Name, normalise_word

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


DEFAULT_SLACK_EVENTS: Final = (
    SlackEvent.TRIGGERED,
    SlackEvent.ACKNOWLEDGED,
    SlackEvent.RESOLVED,
    SlackEvent.REASSIGNED,
)


class SlackSettings(Model):
    """`pantheon-oncall:slack` — where PagerDuty posts this service's incidents."""

    workspace_id: str
    """The Slack workspace's id (`T…`), connected to PagerDuty once by hand."""
    channel: str | None = None
    """The channel's name without `#`; created if it does not exist."""
    channel_id: str | None = None
    """Preferred over `channel`: looking a channel up by name is rate-limited."""
    adopt_existing: bool = True
    """Use the channel if it exists and never archive it; false creates it (and owns it)."""
    private: bool = False
    """Create the channel as private (invite the PagerDuty app to it)."""
    events: tuple[Annotated[SlackEvent, PlainValidator(_slack_event)], ...] = DEFAULT_SLACK_EVENTS
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
