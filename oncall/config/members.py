"""`team.members` and `team.defaults`: who is on the team, and how PagerDuty reaches them.

Roles take the words PagerDuty's UI shows (`ROLE_WORDS`); phone numbers are `phones.py`'s;
notification rules and the handoff notification are the member's own or the team's defaults
(`team.py` resolves which, once, when the stack is parsed).
"""

from __future__ import annotations

from typing import Annotated, Final, Literal, Self

from pydantic import AfterValidator, Field, PlainValidator, model_validator
from pydantic.alias_generators import to_camel

from components.vocabulary import (
    DEFAULT_ROLE,
    HandoffType,
    Role,
    Urgency,
    Via,
    is_pagerduty_default_rule,
)
from oncall.config.errors import MISSING
from oncall.config.issues import Issue, fail
from oncall.config.phones import PhoneNumber
from oncall.config.scalars import (
    Description,
    Email,
    Model,
    Name,
    PagerDutyId,
    Slug,
    TimeZoneName,
    WholeNumber,
    normalise_word,
    or_false,
)

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
    normalised = normalise_word(word)
    if normalised in ROLE_WORDS:
        return ROLE_WORDS[normalised]
    for role in Role:
        if normalise_word(role.value) == normalised:
            return role
    accepted = ", ".join(ROLE_WORDS)
    raise ValueError(f"unknown role; expected one of {accepted} (or an API value like user)")


def _role(value: object) -> Role:
    if isinstance(value, Role):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected a role word: one of {', '.join(ROLE_WORDS)}")
    return role_from_word(value)


RoleWord = Annotated[Role, PlainValidator(_role)]


def _country(value: str) -> str:
    # Imported only when a stack names a country: the holidays package loads its list of
    # calendars, which no other stack needs.
    import holidays

    code = value.strip().upper()
    if code not in holidays.list_supported_countries():
        raise ValueError(
            "expected an ISO 3166-1 alpha-2 country code the holidays package has a calendar "
            "of, e.g. IN, GB, US"
        )
    return code


class Step(Model):
    """One notification rule: reach the person `via` this, `afterMinutes` into the incident."""

    via: Via
    """How PagerDuty notifies: `email`, `sms` or `phone` (the member's contact method of that
    kind)."""
    after_minutes: WholeNumber = Field(default=0, ge=0)
    """Minutes after the incident is assigned (0: at once)."""
    import_id: PagerDutyId | None = None
    """The id of the rule an adopted member already has for this step, to adopt (Pulumi import)
    instead of posting a duplicate, which PagerDuty refuses. A member's own notify only."""

    @property
    def is_pagerduty_default(self) -> bool:
        """E-mail at once: the rule PagerDuty itself gives every user (components.team.rules)."""
        return is_pagerduty_default_rule(self.via, self.after_minutes)


Steps = tuple[Step, ...]
"""Notification steps, in order. No two alike (the same channel and delay) is TeamOnCall's rule
(components/team/checks.py `_notify`): a duplicate in `team.defaults` is reported once, there
(oncall.config.component_check)."""

BUILTIN_HIGH: Final = (
    Step(via=Via.EMAIL),
    Step(via=Via.SMS),
    Step(via=Via.PHONE, after_minutes=15),
)
"""The guide's high-urgency rules: email and text at once, a phone call 15 minutes later."""
BUILTIN_LOW: Final = (Step(via=Via.EMAIL),)


class NotifyOverride(Model):
    """A member's own rules; an urgency given here replaces the team's default for it."""

    high: Steps | None = None
    """The member's steps for high-urgency incidents (default: the team's)."""
    low: Steps | None = None
    """The member's steps for low-urgency incidents (default: the team's)."""

    def get(self, urgency: Urgency) -> tuple[Step, ...] | None:
        """The rules for one urgency; None where not written."""
        return self.high if urgency is Urgency.HIGH else self.low


class Notify(NotifyOverride):
    """Notification rules for both urgencies: the team's defaults (built-in ones where not
    given), and a resolved member's rules."""

    high: Steps = BUILTIN_HIGH
    """The steps for high-urgency incidents, in order."""
    low: Steps = BUILTIN_LOW
    """The steps for low-urgency incidents, in order."""

    def get(self, urgency: Urgency) -> tuple[Step, ...]:
        """The rules for one urgency."""
        return self.high if urgency is Urgency.HIGH else self.low


class Handoff(Model):
    """A handoff notification: "email me 24 h before my on-call shift starts"."""

    via: Via = Via.EMAIL
    """How the handoff notification is sent (`email`, `sms` or `phone`)."""
    before_minutes: WholeNumber = Field(default=1440, ge=0)
    """Minutes before the shift starts (1440: a day)."""
    type: HandoffType = HandoffType.ONCALL
    """Which handoffs: `oncall` (a shift starts), `offcall` (one ends) or `both`."""
    import_id: PagerDutyId | None = None
    """The id of the handoff rule an adopted member already has, to adopt (Pulumi import)
    instead of posting another. A member's own handoff only."""


HandoffOrOff = Annotated[Handoff | Literal[False], or_false(Handoff)]


class Defaults(Model):
    """`team.defaults`: what every member gets unless they override it."""

    notify: Notify = Notify()
    """The notification steps per urgency; default the guide's: e-mail and SMS at once, a phone
    call after 15 minutes; low urgency: e-mail."""
    handoff: HandoffOrOff = Handoff()
    """The on-call handoff notification (the guide's "24 hours before my shift"), or `false` for
    none."""

    @model_validator(mode="after")
    def _adopts_nothing(self) -> Self:
        """Every member gets the defaults: an existing rule's id belongs to one member."""
        issues = [
            Issue(("notify", urgency.value, index, "importId"), step.import_id, _RULE_IN_DEFAULTS)
            for urgency in Urgency
            for index, step in enumerate(self.notify.get(urgency))
            if step.import_id is not None
        ]
        if self.handoff and self.handoff.import_id is not None:
            issues.append(Issue(("handoff", "importId"), self.handoff.import_id, _RULE_IN_DEFAULTS))
        if issues:
            fail(*issues)
        return self


class Member(Model):
    """A person on the team, keyed by a slug in `team.members`.

    `name` is required unless `existing` (then only `email` is given). `role` takes the UI's
    words; `phone` and `sms` international numbers. `time_zone`, `notify` and `handoff` are
    the member's own as the stack file writes them (None: not written); `parse_stack_config`
    returns a `ResolvedMember`, with the team's values inherited into them.
    """

    name: Name | None = None
    """The person's full name, as PagerDuty shows it."""
    email: Email
    """The login e-mail; PagerDuty users are unique by e-mail in an account."""
    role: RoleWord = DEFAULT_ROLE
    """The PagerDuty role: responder, manager, admin, observer, stakeholder, limited stakeholder
    or restricted access."""
    time_zone: TimeZoneName | None = None
    """The person's IANA time zone; default the team's. Working hours for the load checks are
    theirs."""
    description: Description | None = None
    """The user's description; absent: the stack's own for a user it creates. An adopted user's
    must be what exists ("" for none): `oncall import` writes it."""
    job_title: Description | None = None
    """The user's job title; absent: none set."""
    phone: PhoneNumber | None = None
    """The number PagerDuty calls, in international form (`+1 415 555 0100`); for an adopted
    member, `{number, importId, label}` of the contact method they have."""
    sms: PhoneNumber | None = None
    """The number PagerDuty texts, in international form; for an adopted member, `{number,
    importId, label}` as for `phone`."""
    country: Annotated[str, AfterValidator(_country)] | None = None
    """The country whose public holidays `check` and `calendar` flag when the member is on call
    (ISO 3166-1 alpha-2, e.g. IN, GB, US); default the region of their phone (else SMS) number.
    Config only: PagerDuty has no such field."""
    notify: NotifyOverride | None = None
    """The member's own steps, replacing the team's defaults for that urgency."""
    handoff: Annotated[Handoff | Literal[False] | None, or_false(Handoff)] = None
    """The member's own handoff notification, or `false` for none; absent: the team default."""
    existing: bool = False
    """An existing PagerDuty user, looked up by email; nothing is created or changed for them."""
    import_id: PagerDutyId | None = None
    """Adopt a user created by hand (Pulumi `import`) instead of creating one."""
    formerly: tuple[Slug, ...] = ()
    """The member's earlier slugs (renamed joe to joseph: `formerly: [joe]`): Pulumi aliases keep
    the user and its contact methods and rules instead of replacing them."""
    email_contact_method_id: PagerDutyId | None = None
    """The id of the user's login-email contact method, for rules via email; otherwise it is
    looked up by the label "Default", which PagerDuty gives it on users it creates."""

    @model_validator(mode="after")
    def _existing_or_managed(self) -> Self:
        """An existing member is only looked up (oncall.config.args gives TeamOnCall their email
        alone), so a key that would manage them, importId too, is refused rather than dropped."""
        issues = []
        if self.existing:
            for field in (
                "name",
                "role",
                "time_zone",
                "description",
                "job_title",
                "phone",
                "sms",
                "notify",
                "handoff",
                "email_contact_method_id",
                "import_id",
            ):
                if field in self.model_fields_set:
                    issues.append(Issue((to_camel(field),), getattr(self, field), _EXISTING))
        elif self.name is None:
            issues.append(Issue(("name",), MISSING, "required (unless existing: true)"))
        if issues:
            fail(*issues)
        return self

    @property
    def api_role(self) -> str:
        """The role as PagerDuty's API spells it (`limited_user` for a responder)."""
        return self.role.value


class ResolvedMember(Member):
    """A member as `parse_stack_config` returns it: what they do not write, the team's."""

    time_zone: str
    notify: Notify
    """Their own rules for an urgency they write, the team's defaults for the other."""
    handoff: Handoff | Literal[False]
    """Their own handoff notification, else the team's default; False: none."""


_EXISTING = (
    "an existing user is looked up by email and left as it is: remove this key, "
    "or drop existing: true to manage the user here"
)
_RULE_IN_DEFAULTS = (
    "an existing rule belongs to one member, and every member gets the defaults: move this step "
    "with its importId to the member's own notify (or handoff)"
)
