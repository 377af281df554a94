"""PagerDuty's API vocabulary: the only place these strings appear in the project.

The components use these values as the REST API spells them; the stack config (oncall.enums) maps
the words PagerDuty's UI shows onto them. Every vocabulary also accepts its values in any letter
case when constructed (`Urgency("HIGH")`), so config parsing can be forgiving; the components
themselves compare exact values.
"""

from __future__ import annotations

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


DEFAULT_ROLE: Final = Role.MANAGER
"""PagerDuty's own default when a user is created without a role."""

OFF_CALL_ROLES: Final = frozenset({Role.OBSERVER, Role.STAKEHOLDER, Role.LIMITED_STAKEHOLDER})
"""Roles PagerDuty never puts on call: not on schedule layers, not escalation targets."""

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
"""A key that names members, schedules and services in resource names: lower-case letters, digits
and hyphens, starting and ending with a letter or digit."""

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


def trunk_prefix_problem(country_code: int, number: str) -> str | None:
    """Why PagerDuty would refuse `number` as the national number of `country_code`, or None."""
    prefix = TRUNK_PREFIXES.get(country_code)
    if prefix is None or not number.startswith(prefix):
        return None
    return (
        f"drop the trunk prefix {prefix}: PagerDuty refuses a leading {prefix} for country code "
        f"{country_code}"
    )


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
