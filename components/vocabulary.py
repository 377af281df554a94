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
