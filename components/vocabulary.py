"""PagerDuty's API vocabulary: the only place these strings appear in the project.

The components use these values as the REST API spells them; the stack config (oncall.config) maps
the words PagerDuty's UI shows onto them. Every vocabulary also accepts its values in any letter
case when constructed (`Urgency("HIGH")`), so config parsing can be forgiving; the components
themselves compare exact values.
"""

from __future__ import annotations

import zoneinfo
from enum import StrEnum
from typing import Final, Self


class Vocabulary(StrEnum):
    """A StrEnum that also accepts its values in any letter case ("Weekly", "every_5_minutes")."""

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        if isinstance(value, str):
            wanted = value.strip().lower()
            for member in cls:
                if member.value.lower() == wanted:
                    return member
        return None


class Role(Vocabulary):
    """PagerDuty user roles as the REST API spells them (the UI's words in comments)."""

    RESPONDER = "limited_user"
    MANAGER = "user"
    ADMIN = "admin"
    OBSERVER = "observer"
    STAKEHOLDER = "read_only_user"  # "Full Stakeholder"
    LIMITED_STAKEHOLDER = "read_only_limited_user"
    RESTRICTED_ACCESS = "restricted_access"


DEFAULT_ROLE: Final = Role.RESPONDER
"""A member's role when none is given, in the stack file and in the component args alike: the
least that can be on call (PagerDuty's own default, `user`, would make everyone a manager)."""

OFF_CALL_ROLES: Final = frozenset({Role.OBSERVER, Role.STAKEHOLDER, Role.LIMITED_STAKEHOLDER})
"""Roles PagerDuty never puts on call: not on schedule layers, not escalation targets."""


def role_word(role: Role) -> str:
    """The role as PagerDuty's UI names it (`limited stakeholder` for read_only_limited_user):
    the word a stack file writes, and problem messages show."""
    return role.name.lower().replace("_", " ")


TEAM_ROLES: Final[dict[Role, str]] = {
    Role.ADMIN: "manager",
    Role.MANAGER: "manager",
    Role.RESPONDER: "responder",
    Role.RESTRICTED_ACCESS: "responder",
    Role.OBSERVER: "observer",
    Role.STAKEHOLDER: "observer",
    Role.LIMITED_STAKEHOLDER: "observer",
}
"""A member's team role (`TeamMembership.role`) for their account role, as PagerDuty maps them:
`user` is a team manager, `limited_user` a responder; stakeholders and observers only watch."""


class Via(Vocabulary):
    """How PagerDuty reaches a person."""

    EMAIL = "email"
    SMS = "sms"
    PHONE = "phone"


CONTACT_METHOD_TYPES: Final[dict[Via, str]] = {
    Via.EMAIL: "email_contact_method",
    Via.SMS: "sms_contact_method",
    Via.PHONE: "phone_contact_method",
}

CONTACT_METHOD_LABELS: Final[dict[Via, str]] = {Via.SMS: "SMS", Via.PHONE: "Phone"}
"""Labels of the contact methods this component creates (never one for email: see below)."""

LOGIN_EMAIL_LABEL: Final = "Default"
"""Label of the email contact method PagerDuty creates for a new user's login email."""


def is_pagerduty_default_rule(via: str, delay: int) -> bool:
    """Email at 0 minutes: the notification rule PagerDuty gives every new user, for both
    urgencies, on the login email; never created, nor adopted (components.team.rules)."""
    return via == Via.EMAIL and delay == 0


class Urgency(Vocabulary):
    """Incident urgency; a notification rule applies to one of them."""

    HIGH = "high"
    LOW = "low"


class HandoffType(Vocabulary):
    """Which handoffs a handoff notification rule announces."""

    ONCALL = "oncall"
    OFFCALL = "offcall"
    BOTH = "both"


class RestrictionType(Vocabulary):
    """Schedule layer restriction types."""

    DAILY = "daily_restriction"
    WEEKLY = "weekly_restriction"


class TargetType(Vocabulary):
    """What an escalation rule target names, in this component's args."""

    SCHEDULE = "schedule"
    USER = "user"


TARGET_API_TYPES: Final[dict[TargetType, str]] = {
    TargetType.SCHEDULE: "schedule_reference",
    TargetType.USER: "user_reference",
}


# --- Patterns and bounds: the one place each rule is written --------------------------------------
# The components check their args with these; oncall.config imports the same ones for the stack
# file, so a value the config accepts is one the components accept.

SLUG: Final = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
"""A key that names members, schedules and services in resource names (`SLUG_RULE`)."""
SLUG_RULE: Final = "lower-case letters, digits and hyphens, not starting or ending with a hyphen"
"""`SLUG` in words, for the problems that refuse a key."""

PAGERDUTY_ID: Final = r"P[A-Z0-9]+"
"""A PagerDuty object id (users, schedules, policies, services, vendors), e.g. PABC123."""

MIN_TURN_SECONDS: Final = 3600
MAX_TURN_SECONDS: Final = 365 * 24 * 3600
"""`rotation_turn_length_seconds`: one hour to 365 days."""
DAY_SECONDS: Final = 24 * 3600
MAX_DAILY_RESTRICTION_SECONDS: Final = DAY_SECONDS - 1
MAX_WEEKLY_RESTRICTION_SECONDS: Final = 7 * DAY_SECONDS - 1
"""A restriction's `duration_seconds`: under a day (daily), under a week (weekly)."""
MAX_NUM_LOOPS: Final = 9
"""An escalation policy's `num_loops`: 0 to 9."""
MIN_ESCALATION_DELAY_MINUTES: Final = 1


TRUNK_PREFIXES: Final[dict[int, str]] = {
    33: "0",  # France
    40: "0",  # Romania
    44: "0",  # UK
    45: "0",  # Denmark
    49: "0",  # Germany
    61: "0",  # Australia
    66: "0",  # Thailand
    91: "0",  # India
    1: "1",  # North America
}
"""The national prefixes PagerDuty refuses at the start of a phone or SMS contact method's address,
by country calling code (terraform-provider-pagerduty, util/validate_contact_address.go: "Trunk
prefixes are not supported for following countries…"). Elsewhere the national number keeps a
leading 0: Italy's +39 06 6988 3712 is country 39, address "0669883712"."""


MAX_PHONE_ADDRESS_LENGTH: Final = 40
"""The longest phone or SMS contact method address PagerDuty takes (terraform-provider-pagerduty,
util/validate_contact_address.go: "phone numbers may not exceed 40 characters")."""


def trunk_prefix_problem(country_code: int, number: str) -> str | None:
    """Why PagerDuty would refuse `number` as the national number of `country_code`, or None."""
    prefix = TRUNK_PREFIXES.get(country_code)
    if prefix is None or not number.startswith(prefix):
        return None
    return (
        f"drop the trunk prefix {prefix}: PagerDuty refuses a leading {prefix} for country code "
        f"{country_code}"
    )


MEXICO: Final = 52
"""Mexico's country calling code: PagerDuty refuses its SMS numbers with a leading 1."""


def sms_prefix_problem(country_code: int, number: str) -> str | None:
    """Why PagerDuty would refuse `number` for an SMS contact method (not a phone one), or None:
    a Mexican number with the old mobile prefix 1 (terraform-provider-pagerduty,
    util/validate_contact_address.go: "Mexico-based SMS numbers should be free of area code
    prefixes"; `ValidateConfig` of pagerdutyplugin/resource_pagerduty_user_contact_method.go)."""
    if country_code == MEXICO and number.startswith("1"):
        return "drop the leading 1: PagerDuty refuses it on an SMS number for country code 52"
    return None


def is_time_zone(value: object) -> bool:
    """An IANA time zone name (America/New_York), as PagerDuty's `time_zone` takes."""
    if not isinstance(value, str) or not value:
        return False
    try:
        zoneinfo.ZoneInfo(value)
    except (ValueError, OSError, zoneinfo.ZoneInfoNotFoundError):
        # OSError: a folder of the zone database ("America"), or a name too long for a file.
        return False
    return True


def real_number(value: object) -> float | None:
    """`value` as a float when it is a number (true and false are not), else None."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def whole_number(value: object) -> int | None:
    """`value` as an int when it is a whole number, else None. Other Pulumi languages send every
    number as a double over gRPC, so 15.0 is the whole number 15; 15.5 and true are not."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


# --- New Relic ------------------------------------------------------------------------------------


class IncidentPreference(Vocabulary):
    """How a New Relic alert policy opens incidents; PER_POLICY is the guide's "first critical
    event" (one incident per policy at a time)."""

    PER_POLICY = "PER_POLICY"
    PER_CONDITION = "PER_CONDITION"
    PER_CONDITION_AND_TARGET = "PER_CONDITION_AND_TARGET"


class MutingRulesHandling(Vocabulary):
    """Whether a New Relic workflow notifies about muted issues."""

    DONT_NOTIFY_FULLY_MUTED_ISSUES = "DONT_NOTIFY_FULLY_MUTED_ISSUES"
    DONT_NOTIFY_FULLY_OR_PARTIALLY_MUTED_ISSUES = "DONT_NOTIFY_FULLY_OR_PARTIALLY_MUTED_ISSUES"
    NOTIFY_ALL_ISSUES = "NOTIFY_ALL_ISSUES"


class MonitorPeriod(Vocabulary):
    """How often a New Relic Synthetics monitor checks the site (the provider's valid values)."""

    EVERY_MINUTE = "EVERY_MINUTE"
    EVERY_5_MINUTES = "EVERY_5_MINUTES"
    EVERY_10_MINUTES = "EVERY_10_MINUTES"
    EVERY_15_MINUTES = "EVERY_15_MINUTES"
    EVERY_30_MINUTES = "EVERY_30_MINUTES"
    EVERY_HOUR = "EVERY_HOUR"
    EVERY_6_HOURS = "EVERY_6_HOURS"
    EVERY_12_HOURS = "EVERY_12_HOURS"
    EVERY_DAY = "EVERY_DAY"


PERIOD_SECONDS: Final[dict[MonitorPeriod, int]] = {
    MonitorPeriod.EVERY_MINUTE: 60,
    MonitorPeriod.EVERY_5_MINUTES: 300,
    MonitorPeriod.EVERY_10_MINUTES: 600,
    MonitorPeriod.EVERY_15_MINUTES: 900,
    MonitorPeriod.EVERY_30_MINUTES: 1800,
    MonitorPeriod.EVERY_HOUR: 3600,
    MonitorPeriod.EVERY_6_HOURS: 21600,
    MonitorPeriod.EVERY_12_HOURS: 43200,
    MonitorPeriod.EVERY_DAY: 86400,
}
"""A monitor period's length in seconds."""

MAX_AGGREGATION_WINDOW: Final = 21600
"""An NRQL condition's aggregation window is at most 6 hours; the ping-failure condition uses one
monitor period as its window."""

LOCATION: Final = r"[A-Z]{2}_[A-Z]+_[0-9]+"
"""A New Relic public Synthetics location, without the AWS_ prefix: US_EAST_1, AP_SOUTHEAST_2."""

MIN_FOR_MINUTES: Final = 1
MAX_FOR_MINUTES: Final = 1440
"""How long an APM condition's signal must stay above its threshold: 1 minute to a day."""
MAX_ERROR_PERCENT: Final = 100
"""The error-rate threshold, in percent: above 0, at most 100."""


# --- Slack ----------------------------------------------------------------------------------------


class SlackEvent(Vocabulary):
    """An incident event PagerDuty posts to Slack; the value is PagerDuty's event type (the
    provider's documented list for `pagerduty_slack_connection` `config.events`)."""

    TRIGGERED = "incident.triggered"
    ACKNOWLEDGED = "incident.acknowledged"
    RESOLVED = "incident.resolved"
    REASSIGNED = "incident.reassigned"
    ESCALATED = "incident.escalated"
    DELEGATED = "incident.delegated"
    ANNOTATED = "incident.annotated"
    UNACKNOWLEDGED = "incident.unacknowledged"
    PRIORITY_UPDATED = "incident.priority_updated"
    RESPONDER_ADDED = "incident.responder.added"
    RESPONDER_REPLIED = "incident.responder.replied"
    STATUS_UPDATE_PUBLISHED = "incident.status_update_published"
    REOPENED = "incident.reopened"


REQUIRED_SLACK_EVENT: Final = SlackEvent.TRIGGERED
"""PagerDuty requires every Slack connection to post triggered incidents."""


class SlackNotificationType(Vocabulary):
    """Which Slack message format PagerDuty posts: for responders or for stakeholders."""

    RESPONDER = "responder"
    STAKEHOLDER = "stakeholder"


SLACK_WORKSPACE_ID: Final = r"[TE][A-Z0-9]{2,}"
"""A Slack workspace (team) id, T…, or E… for an Enterprise Grid org."""
SLACK_CHANNEL_ID: Final = r"[CG][A-Z0-9]{2,}"
"""A Slack channel id, C… (G… for an old private channel)."""
SLACK_CHANNEL_NAME: Final = r"[a-z0-9][a-z0-9_-]{0,79}"
"""A Slack channel name: "Channel names may only contain lowercase letters, numbers, hyphens, and
underscores, and must be 80 characters or less" (Slack's conversations.create reference,
docs.slack.dev); a dot is refused ("invalid_name_specials")."""
