"""TeamOnCall's inputs: the Args TypedDicts, with a docstring under every field.

The SDK's analyzer (pulumi.provider.experimental) reads these classes, their annotations and the
docstrings under their fields to publish TeamOnCall's schema for other Pulumi languages; the
component (components.team.component) and its input checks (components.team.checks) share them.
"""

from typing import Final, NotRequired, TypedDict

from components.vocabulary import HandoffType

DEFAULT_HANDOFF_MINUTES: Final = 1440
"""A handoff notification's lead time when `beforeMinutes` is absent (the guide's 24 hours)."""
DEFAULT_HANDOFF_TYPE: Final = HandoffType.ONCALL
"""Which handoffs notify when `type` is absent."""


class PhoneArgs(TypedDict):
    """A phone number as PagerDuty stores it: country calling code and national number apart."""

    countryCode: int
    """Country calling code, 1 to 3 digits: 1 for North America, 44 for the UK."""
    number: str
    """National number, digits only, without the country code, e.g. "7700900123". PagerDuty
    refuses a trunk prefix only for some countries: a leading 0 for 33, 40, 44, 45, 49, 61, 66
    and 91 (the UK's 07700 900123 is "7700900123"), a leading 1 for 1. Elsewhere the number keeps
    its leading 0: Italy's +39 06 6988 3712 is "0669883712"."""
    importId: NotRequired[str]
    """ID (PXXXXXX) of the contact method an adopted user already has for this number, to adopt
    instead of creating a duplicate, which PagerDuty refuses. Needs the member's importId; number,
    country code and label must match it. Retained when the stack is destroyed."""
    label: NotRequired[str]
    """Label of the contact method; default "Phone" or "SMS" (an adopted one's as it is)."""


class NotifyStepArgs(TypedDict):
    """One step of a notification rule: reach the member this way, this long after assignment."""

    via: str
    """How: "email" (the login email), "sms" or "phone" (the member's numbers)."""
    afterMinutes: NotRequired[int]
    """Minutes after the incident is assigned to the member; default 0 (immediately)."""
    importId: NotRequired[str]
    """ID (PXXXXXX) of the notification rule an adopted user already has for this step, to
    adopt instead of posting a duplicate, which PagerDuty refuses ("Channel Start delay must be
    unique for a given contact method"). Needs the member's importId; not on email at 0 minutes,
    PagerDuty's own rule, which is never managed. Retained when the stack is destroyed."""


class HandoffArgs(TypedDict):
    """A notification before the member goes on (or off) call."""

    via: str
    """How: "email" (the login email), "sms" or "phone"."""
    beforeMinutes: NotRequired[int]
    """Minutes before the handoff; default 1440 (24 hours), as the guide keeps it."""
    type: NotRequired[str]
    """Which handoffs: "oncall" (default), "offcall" or "both"."""
    importId: NotRequired[str]
    """ID (PXXXXXX) of the handoff notification rule an adopted user already has, to adopt
    instead of posting another. Needs the member's importId. Retained when the stack is
    destroyed."""


class MemberArgs(TypedDict):
    """A person on the team: a PagerDuty user with contact methods and notification rules."""

    name: str
    """Full name, as PagerDuty shows it."""
    email: str
    """Login email, lower-case; unique in the PagerDuty account."""
    role: NotRequired[str]
    """Account role as the PagerDuty API spells it: limited_user (Responder, the
    default), user (Manager), admin, observer, read_only_user (Stakeholder),
    read_only_limited_user (Limited Stakeholder) or restricted_access. Observers and stakeholders
    cannot be on schedule layers or escalation targets."""
    timeZone: NotRequired[str]
    """IANA time zone of the member; default the team's."""
    description: NotRequired[str]
    """Description of the PagerDuty user; default names the team. When adopting a user with
    importId, set it to the user's current description ("" for none) so that the import
    matches: absent, the stack's default is sent."""
    jobTitle: NotRequired[str]
    """Job title of the PagerDuty user; default none. An adopted user's must be what exists."""
    phone: NotRequired[PhoneArgs]
    """Number to call (a phone contact method labelled "Phone")."""
    sms: NotRequired[PhoneArgs]
    """Number to text (an SMS contact method labelled "SMS")."""
    notify: NotRequired[dict[str, list[NotifyStepArgs]]]
    """Notification rules keyed by urgency ("high", "low"), e.g. high: email and sms at once,
    phone after 15 minutes. Email at 0 minutes is PagerDuty's own default rule for a new user and
    is never created again; PagerDuty's defaults stay when the list omits it."""
    handoff: NotRequired[HandoffArgs]
    """Tell the member before their on-call shift starts (the guide: email 24 hours before)."""
    existing: NotRequired[bool]
    """The user already exists in the account and is managed elsewhere: look it up by email and
    create nothing for it (role, phone, sms, notify and handoff are ignored); it can still be on
    layers, escalation targets and the team."""
    importId: NotRequired[str]
    """ID of a user created by hand (PXXXXXX) to adopt instead of creating a duplicate. An
    adopted user is retained, never deleted, when the stack is destroyed."""
    formerly: NotRequired[list[str]]
    """Slugs this member had before (renamed "joe" to "joseph": ["joe"]). The user and its
    contact methods, rules and team membership keep their resources (Pulumi aliases) instead of
    being deleted and created again."""
    emailContactMethodId: NotRequired[str]
    """ID of the user's login-email contact method, which rules and handoffs via email use.
    Default: looked up by the label "Default" that PagerDuty gives it when it creates a user; give
    the id for an adopted user, whose contact method may be labelled otherwise."""


class RestrictionArgs(TypedDict):
    """A window of a schedule layer: on call only during it."""

    type: str
    """"daily_restriction" (every day) or "weekly_restriction" (once a week)."""
    startTimeOfDay: str
    """Start of the window, "HH:MM:00" in the schedule's time zone (seconds must be 00)."""
    durationSeconds: int
    """Length of the window in seconds: under a day for daily, under a week for weekly."""
    startDayOfWeek: NotRequired[int]
    """Day the weekly window starts, 1 = Monday … 7 = Sunday; weekly restrictions only."""


class LayerArgs(TypedDict):
    """A schedule layer: a rotation of members. Later layers take precedence."""

    name: str
    """Layer name, e.g. "Backstop" or "Weekly rotation"."""
    members: list[str]
    """Member slugs in rotation order (reordering reshuffles who is on call: append new people
    at the end)."""
    start: str
    """When the layer takes effect: ISO 8601 with an offset, e.g. "2026-12-07T09:00:00-05:00"."""
    rotationVirtualStart: NotRequired[str]
    """When the rotation's first turn (the first member's) started, ISO 8601 with an offset;
    default `start`."""
    rotationTurnLengthSeconds: int
    """Length of one turn in seconds, 3600 to 31536000: 86400 daily, 604800 weekly."""
    end: NotRequired[str]
    """When the layer ends, ISO 8601 with an offset; default never."""
    restrictions: NotRequired[list[RestrictionArgs]]
    """On call only within these windows; default around the clock."""


class ScheduleArgs(TypedDict):
    """An on-call schedule."""

    name: str
    """Schedule name, e.g. "Default"."""
    timeZone: NotRequired[str]
    """IANA time zone of the schedule; default the team's."""
    description: NotRequired[str]
    """Description; default names the team; "" for none (an adopted schedule's as it is)."""
    teams: NotRequired[list[str]]
    """IDs of PagerDuty teams the schedule is assigned to (an adopted schedule's as they are),
    besides the team createTeam makes."""
    importId: NotRequired[str]
    """ID of a schedule created by hand to adopt (retained when the stack is destroyed)."""
    layers: list[LayerArgs]
    """Layers in PagerDuty's order: later layers take precedence where both have someone on
    call, so a 24/7 backstop goes first and the rotation after it."""


class TargetArgs(TypedDict):
    """Whom an escalation rule notifies."""

    type: str
    """"schedule" (whoever is on call on it) or "user" (that member)."""
    ref: str
    """Slug of a schedule or member of this component."""


class EscalationRuleArgs(TypedDict):
    """One level of the escalation policy."""

    escalationDelayInMinutes: int
    """Minutes without acknowledgement before escalating to the next rule (at least 1)."""
    targets: list[TargetArgs]
    """Who is notified at this level."""


class EscalationPolicyArgs(TypedDict):
    """The escalation policy: whom PagerDuty notifies, in order, for an incident."""

    name: str
    """Policy name, e.g. "Default"."""
    numLoops: NotRequired[int]
    """How many times the policy repeats after its last rule, 0 to 9; default 0."""
    description: NotRequired[str]
    """Description; default names the team; "" for none (an adopted policy's as it is)."""
    team: NotRequired[str]
    """ID of the PagerDuty team the policy is assigned to (PagerDuty takes one); not with
    createTeam, which assigns the team it creates."""
    importId: NotRequired[str]
    """ID of a policy created by hand (e.g. the account's "Default") to adopt; retained when the
    stack is destroyed."""
    rules: list[EscalationRuleArgs]
    """Escalation rules, in order."""


class TeamOnCallArgs(TypedDict):
    """A team's on-call setup in PagerDuty."""

    name: str
    """Team display name (used in descriptions and as the PagerDuty team's name)."""
    timeZone: str
    """IANA time zone, e.g. "America/New_York": the default of members and schedules."""
    createTeam: NotRequired[bool]
    """Create a PagerDuty team with every member in it and the schedules and policy assigned to
    it (needs the account's Teams feature); default false."""
    members: dict[str, MemberArgs]
    """Members keyed by a slug ("jane"): used in resource names and references."""
    schedules: NotRequired[dict[str, ScheduleArgs]]
    """Schedules keyed by a slug ("default")."""
    escalationPolicy: EscalationPolicyArgs
    """The team's escalation policy."""
    protect: NotRequired[bool]
    """Protect the users, schedules and escalation policy (Pulumi's `protect`): an update that
    would delete or replace one fails instead; default false."""
    keyPath: NotRequired[str]
    """Where these args are written, e.g. "pantheon-oncall:team" for a stack config: warnings
    name each key under it ("pantheon-oncall:team.members.jane"); default the args' own paths
    ("members.jane")."""
