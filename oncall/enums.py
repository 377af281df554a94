"""Closed vocabularies of the stack config, and how their words map to the providers' API values.

Each enum's values are what the APIs expect; users may write the words PagerDuty's UI shows where
those differ (roles, Slack events). Values are matched case-insensitively. PagerDuty's API strings
themselves (roles, contact method, restriction and target types), New Relic's and Slack's live in
components.vocabulary, the one place they appear; this module maps the config's words onto them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

# PagerDuty's own vocabulary is the component package's; the config reuses it as is.
from components.vocabulary import CONTACT_METHOD_TYPES as CONTACT_METHOD_TYPES
from components.vocabulary import OFF_CALL_ROLES as OFF_CALL_ROLES
from components.vocabulary import TARGET_API_TYPES as TARGET_API_TYPES
from components.vocabulary import HandoffType as HandoffType
from components.vocabulary import IncidentPreference as IncidentPreference
from components.vocabulary import MonitorPeriod as MonitorPeriod
from components.vocabulary import RestrictionType as ApiRestrictionType
from components.vocabulary import Role as Role
from components.vocabulary import SlackEvent as SlackEvent
from components.vocabulary import SlackNotificationType as SlackNotificationType
from components.vocabulary import TargetType, Vocabulary
from components.vocabulary import Urgency as Urgency
from components.vocabulary import Via as Via

TargetKind = TargetType
"""What an escalation rule target names: `schedule:<slug>` or `user:<slug>`."""


def _normalise_word(word: str) -> str:
    """'Global Admin', 'global_admin' and 'global-admin' are the same word."""
    return " ".join(word.replace("_", " ").replace("-", " ").lower().split())


# --- PagerDuty users ------------------------------------------------------------------------------


ROLE_WORDS: Final[dict[str, Role]] = {
    "responder": Role.RESPONDER,
    "manager": Role.MANAGER,
    "admin": Role.ADMIN,
    "global admin": Role.ADMIN,
    "observer": Role.OBSERVER,
    "stakeholder": Role.STAKEHOLDER,
    "full stakeholder": Role.STAKEHOLDER,
    "limited stakeholder": Role.LIMITED_STAKEHOLDER,
    "restricted access": Role.RESTRICTED_ACCESS,
}
"""UI words a config may use for a role. The API values (`limited_user`, …) are accepted too."""


def role_from_word(word: str) -> Role:
    """The role a UI word or API value names; ValueError listing the accepted words otherwise."""
    normalised = _normalise_word(word)
    if normalised in ROLE_WORDS:
        return ROLE_WORDS[normalised]
    for role in Role:
        if _normalise_word(role.value) == normalised:
            return role
    accepted = ", ".join(ROLE_WORDS)
    raise ValueError(f"unknown role; expected one of {accepted} (or an API value like user)")


# --- Schedules and escalation ---------------------------------------------------------------------


class Rotation(Vocabulary):
    """A named rotation turn length (`rotationHours` gives any other length)."""

    DAILY = "daily"
    WEEKLY = "weekly"


ROTATION_SECONDS: Final[dict[Rotation, int]] = {Rotation.DAILY: 86_400, Rotation.WEEKLY: 604_800}


class RestrictionType(Vocabulary):
    """When a schedule layer restricts on-call time: every day, or once a week."""

    DAILY = "daily"
    WEEKLY = "weekly"


RESTRICTION_API_TYPES: Final[dict[RestrictionType, ApiRestrictionType]] = {
    RestrictionType.DAILY: ApiRestrictionType.DAILY,
    RestrictionType.WEEKLY: ApiRestrictionType.WEEKLY,
}


class Weekday(Vocabulary):
    """A day of the week, as written in restrictions."""

    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"

    @property
    def number(self) -> int:
        """PagerDuty's `start_day_of_week`: 1 = Monday … 7 = Sunday (ISO 8601)."""
        return WEEKDAY_NUMBERS[self]


WEEKDAY_NUMBERS: Final[dict[Weekday, int]] = {day: index for index, day in enumerate(Weekday, 1)}


# --- Stacks and Pantheon --------------------------------------------------------------------------


class Topology(StrEnum):
    """Where a site stack's escalation policy comes from (exactly one per stack)."""

    INLINE = "inline"
    """`team:` — the stack creates the team's users, schedules and escalation policy."""
    TEAM_STACK = "team_stack"
    """`teamStack:` — a team stack owns them; this stack reads its outputs."""
    EXISTING_POLICY = "existing_policy"
    """`escalationPolicy:` — an escalation policy that already exists in the account."""
    TEAM_STACK_OWNER = "team_stack_owner"
    """A team stack: `team:` and no `site:`; it owns the team and exports it for site stacks."""


class EnvKind(StrEnum):
    """The kind of Pantheon environment, which picks a preset (see `oncall.presets`)."""

    DEV = "dev"
    TEST = "test"
    LIVE = "live"
    MULTIDEV = "multidev"

    @classmethod
    def of(cls, env: str) -> EnvKind:
        """dev, test and live are themselves; any other environment name is a multidev."""
        return cls(env) if env in (cls.DEV, cls.TEST, cls.LIVE) else cls.MULTIDEV


# --- Slack ----------------------------------------------------------------------------------------
# New Relic's and Slack's vocabularies (IncidentPreference, MonitorPeriod, SlackEvent,
# SlackNotificationType) are the component package's, imported above.


SLACK_EVENT_WORDS: Final[dict[str, SlackEvent]] = {
    event.name.lower(): event for event in SlackEvent
}
"""Words a config uses for Slack events: `triggered`, `responder_added`, … (or the API value)."""


def slack_event_from_word(word: str) -> SlackEvent:
    """The event a word or API event type names; ValueError listing the accepted words otherwise."""
    normalised = _normalise_word(word).replace(" ", "_")
    if normalised in SLACK_EVENT_WORDS:
        return SLACK_EVENT_WORDS[normalised]
    try:
        return SlackEvent(word)
    except ValueError:
        accepted = ", ".join(SLACK_EVENT_WORDS)
        raise ValueError(f"unknown Slack event; expected one of {accepted}") from None
