"""TeamOnCall: a team's PagerDuty users, notification rules, schedules and escalation policy.

What the guide "Integrate PagerDuty on Pantheon" clicks through under "Add users", "Create
Schedule" and "Create Escalation policy", as one Pulumi component. Args are TypedDicts with a
docstring under every field, so that the SDK's analyzer can publish the component for other
Pulumi languages.

Two facts about PagerDuty shape what this component creates for a new user (see
`TeamOnCall._create_notifications`):
- PagerDuty itself gives every new user an email contact method for the login email, labelled
  "Default", and two notification rules on it: email immediately, for high and for low urgency
  (the API's user objects list one "Default" email and two "0 minutes: channel <it>" rules). The
  component never creates a second contact method for that address (PagerDuty answers "User
  Contact method must be unique"); steps and handoff rules "via email" use it: by its id
  (`emailContactMethodId`), or looked up by the label "Default" (users created by hand may lack it).
- The provider (terraform-provider-pagerduty's plugin-framework resources, which pulumi-pagerduty
  4.x wraps) creates contact methods and notification rules with a plain POST; unlike its older
  SDKv2 client it no longer adopts an identical existing one, and PagerDuty rejects the duplicate
  ("Channel Start delay must be unique for a given contact method"). An "email after 0 minutes"
  step therefore creates nothing: PagerDuty's own rule already is that step.
"""

import re
from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any, Final, NotRequired, TypedDict

import pulumi
import pulumi_pagerduty as pagerduty

from components._args import Problems, whole
from components.vocabulary import (
    CONTACT_METHOD_LABELS,
    CONTACT_METHOD_TYPES,
    DEFAULT_ROLE,
    LOGIN_EMAIL_LABEL,
    MAX_DAILY_RESTRICTION_SECONDS,
    MAX_NUM_LOOPS,
    MAX_PHONE_ADDRESS_LENGTH,
    MAX_TURN_SECONDS,
    MAX_WEEKLY_RESTRICTION_SECONDS,
    MIN_ESCALATION_DELAY_MINUTES,
    MIN_TURN_SECONDS,
    OFF_CALL_ROLES,
    SLUG,
    TARGET_API_TYPES,
    TEAM_ROLES,
    HandoffType,
    RestrictionType,
    Role,
    TargetType,
    Urgency,
    Via,
    is_time_zone,
    trunk_prefix_problem,
    whole_number,
)

DEFAULT_HANDOFF_MINUTES: Final = 1440
DEFAULT_HANDOFF_TYPE: Final = HandoffType.ONCALL
TOKEN: Final = "pantheon-oncall:index:TeamOnCall"
MANAGED_BY: Final = "managed by pantheon-oncall"


# --- Args -----------------------------------------------------------------------------------------


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


class HandoffArgs(TypedDict):
    """A notification before the member goes on (or off) call."""

    via: str
    """How: "email" (the login email), "sms" or "phone"."""
    beforeMinutes: NotRequired[int]
    """Minutes before the handoff; default 1440 (24 hours), as the guide keeps it."""
    type: NotRequired[str]
    """Which handoffs: "oncall" (default), "offcall" or "both"."""


class MemberArgs(TypedDict):
    """A person on the team: a PagerDuty user with contact methods and notification rules."""

    name: str
    """Full name, as PagerDuty shows it."""
    email: str
    """Login email, lower-case; unique in the PagerDuty account."""
    role: NotRequired[str]
    """Account role as the PagerDuty API spells it: limited_user (Responder), user (Manager, the
    default, as in PagerDuty), admin, observer, read_only_user (Stakeholder),
    read_only_limited_user (Limited Stakeholder) or restricted_access. Observers and stakeholders
    cannot be on schedule layers or escalation targets."""
    timeZone: NotRequired[str]
    """IANA time zone of the member; default the team's."""
    description: NotRequired[str]
    """Description of the PagerDuty user; default names the team. When adopting a user with
    importId, set it to the user's current description so that the import matches."""
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
    """Description; default names the team."""
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
    """Description; default names the team."""
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


# --- The component --------------------------------------------------------------------------------


class TeamOnCall(pulumi.ComponentResource):
    """A team's PagerDuty users (with contact methods, notification and handoff rules), optionally
    a PagerDuty team, its on-call schedules and its escalation policy."""

    escalationPolicyId: pulumi.Output[str]
    """ID of the escalation policy (bind services to it)."""
    scheduleIds: pulumi.Output[dict[str, str]]
    """Schedule IDs keyed by schedule slug."""
    userIds: pulumi.Output[dict[str, str]]
    """PagerDuty user IDs keyed by member slug, existing members included."""
    teamId: pulumi.Output[str | None]
    """ID of the PagerDuty team; null unless createTeam."""

    def __init__(
        self, name: str, args: TeamOnCallArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        # Validated before anything is registered: bad args leave nothing behind.
        _raise_if_invalid(args)
        super().__init__(TOKEN, name, None, opts)
        self._name = name
        self._args = args

        team = self._create_team() if args.get("createTeam", False) else None
        user_ids = self._create_users()
        if team is not None:
            self._create_memberships(team, user_ids)
        team_id = team.id if team is not None else None
        schedules = self._create_schedules(user_ids, team_id)
        policy = self._create_escalation_policy(user_ids, schedules, team_id)

        self.escalationPolicyId = policy.id
        self.scheduleIds = _collect({k: s.id for k, s in schedules.items()})
        self.userIds = _collect(user_ids)
        self.teamId = team.id if team is not None else pulumi.Output.from_input(None)
        self.register_outputs(
            {
                "escalationPolicyId": self.escalationPolicyId,
                "scheduleIds": self.scheduleIds,
                "userIds": self.userIds,
                "teamId": self.teamId,
            }
        )

    # -- users -------------------------------------------------------------------------------------

    def _create_team(self) -> pagerduty.Team:
        team_name = self._args["name"]
        return pagerduty.Team(
            f"{self._name}-team",
            name=team_name,
            description=f"{team_name} ({MANAGED_BY})",
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _create_users(self) -> dict[str, pulumi.Output[str]]:
        """One PagerDuty user per member (or a lookup of an existing one); their IDs by slug."""
        ids: dict[str, pulumi.Output[str]] = {}
        for slug, member in self._args["members"].items():
            if member.get("existing", False):
                found = pagerduty.get_user_output(
                    email=member["email"], opts=pulumi.InvokeOutputOptions(parent=self)
                )
                ids[slug] = found.id
            else:
                user = self._create_user(slug, member)
                self._create_notifications(slug, member, user)
                ids[slug] = user.id
        return ids

    def _create_user(self, slug: str, member: MemberArgs) -> pagerduty.User:
        import_id = member.get("importId")
        return pagerduty.User(
            f"{self._name}-{slug}",
            name=member["name"],
            email=member["email"],
            role=member.get("role", DEFAULT_ROLE),
            time_zone=member.get("timeZone", self._args["timeZone"]),
            description=member.get(
                "description", f"On-call member of {self._args['name']} ({MANAGED_BY})"
            ),
            # A user adopted by hand existed before this stack: a destroy must not delete them.
            opts=pulumi.ResourceOptions(
                parent=self,
                import_=import_id,
                retain_on_delete=import_id is not None,
                protect=self._args.get("protect", False),
                aliases=self._formerly(member),
            ),
        )

    def _formerly(self, member: MemberArgs, suffix: str = "") -> list[pulumi.Input[pulumi.Alias]]:
        """Aliases of a member's resource (the user, or the child named `suffix`) under the
        member's earlier slugs: a renamed slug keeps the resources."""
        return [
            pulumi.Alias(name=f"{self._name}-{old}{suffix}") for old in member.get("formerly", [])
        ]

    def _create_notifications(self, slug: str, member: MemberArgs, user: pagerduty.User) -> None:
        """Contact methods, notification rules and the handoff rule of a user this stack manages."""
        prefix = f"{self._name}-{slug}"

        def child(suffix: str) -> pulumi.ResourceOptions:
            # protect=False: a child inherits its parent's protect, but changing a number or a
            # rule is routine; only the user itself, schedules and policies are protected.
            return pulumi.ResourceOptions(
                parent=user, protect=False, aliases=self._formerly(member, suffix)
            )

        methods: dict[Via, pulumi.Input[str]] = {}
        # PagerDuty keys contact methods by (type, address): phone and SMS may share a number,
        # but the login email must not be created again (it exists, and would be refused).
        for via, phone in _phone_methods(member).items():
            adopted = _contact_import_id(member, phone)
            created = pagerduty.UserContactMethod(
                f"{prefix}-{via}",
                user_id=user.id,
                type=CONTACT_METHOD_TYPES[via],
                country_code=whole(phone["countryCode"]),
                address=phone["number"],
                label=phone.get("label", CONTACT_METHOD_LABELS[via]),
                # An adopted user's existing number: creating it again would be refused.
                opts=pulumi.ResourceOptions.merge(
                    child(f"-{via}"),
                    pulumi.ResourceOptions(import_=adopted, retain_on_delete=adopted is not None),
                ),
            )
            methods[via] = created.id
        if _uses_login_email(member):
            methods[Via.EMAIL] = self._login_email(slug, member, user)

        # Whether the REST API also gives a new phone or SMS contact method high-urgency rules of
        # its own (which would collide with an "sms at 0 minutes" rule: "Channel Start delay must
        # be unique for a given contact method") is unknown: neither terraform-provider-pagerduty
        # (pagerdutyplugin/resource_pagerduty_user_contact_method.go creates it with a plain POST
        # and nothing else; its notification-rule acceptance tests only use 1-minute delays) nor
        # the API reference says so. Checked on the first deploy (README, "First deploy").
        for urgency, via, delay in _rules_to_create(member):
            pagerduty.UserNotificationRule(
                f"{prefix}-{urgency}-{via}-{delay}m",
                user_id=user.id,
                urgency=urgency,
                start_delay_in_minutes=delay,
                contact_method={"id": methods[via], "type": CONTACT_METHOD_TYPES[via]},
                opts=child(f"-{urgency}-{via}-{delay}m"),
            )
        missing = _defaults_kept(member)
        if missing:
            pulumi.log.warn(
                f"members.{slug}.notify: PagerDuty's default email-at-0-minutes rule stays for "
                f"{', '.join(missing)} urgency; this component cannot remove it",
                resource=self,
            )

        handoff = member.get("handoff")
        if handoff is not None:
            via = Via(handoff["via"])
            pagerduty.UserHandoffNotificationRule(
                f"{prefix}-handoff",
                user_id=user.id,
                notify_advance_in_minutes=whole(
                    handoff.get("beforeMinutes", DEFAULT_HANDOFF_MINUTES)
                ),
                handoff_type=handoff.get("type", DEFAULT_HANDOFF_TYPE),
                contact_method={"id": methods[via], "type": CONTACT_METHOD_TYPES[via]},
                opts=child("-handoff"),
            )

    def _login_email(
        self, slug: str, member: MemberArgs, user: pagerduty.User
    ) -> pulumi.Input[str]:
        """The id of the user's login-email contact method: given, or looked up.

        PagerDuty created it with the user (and two rules on it), so it is never created again.
        The lookup (pagerduty.get_user_contact_method) can only match type and label, both
        required (terraform-provider-pagerduty, pagerduty/data_source_pagerduty_user_contact_method
        .go), not the address; "Default" is the label PagerDuty gives it on the users it creates.
        """
        if "emailContactMethodId" in member:
            return member["emailContactMethodId"]
        if "importId" in member:
            pulumi.log.warn(
                f"members.{slug}: the adopted user's login-email contact method is looked up by "
                f'the label "{LOGIN_EMAIL_LABEL}", which a user created by hand may not have '
                "(the preview then fails to find it); give its id as emailContactMethodId",
                resource=self,
            )
        return pagerduty.get_user_contact_method_output(
            user_id=user.id,
            type=CONTACT_METHOD_TYPES[Via.EMAIL],
            label=LOGIN_EMAIL_LABEL,
            opts=pulumi.InvokeOutputOptions(parent=self),
        ).id

    def _create_memberships(
        self, team: pagerduty.Team, user_ids: Mapping[str, pulumi.Output[str]]
    ) -> None:
        for slug, member in self._args["members"].items():
            pagerduty.TeamMembership(
                f"{self._name}-{slug}-membership",
                team_id=team.id,
                user_id=user_ids[slug],
                role=TEAM_ROLES[Role(member.get("role", DEFAULT_ROLE))],
                opts=pulumi.ResourceOptions(
                    parent=team, aliases=self._formerly(member, "-membership")
                ),
            )

    # -- schedules and escalation ------------------------------------------------------------------

    def _create_schedules(
        self, user_ids: Mapping[str, pulumi.Output[str]], team_id: pulumi.Output[str] | None
    ) -> dict[str, pagerduty.Schedule]:
        schedules: dict[str, pagerduty.Schedule] = {}
        team_name = self._args["name"]
        for key, schedule in self._args.get("schedules", {}).items():
            import_id = schedule.get("importId")
            schedules[key] = pagerduty.Schedule(
                f"{self._name}-{key}",
                name=schedule["name"],
                time_zone=schedule.get("timeZone", self._args["timeZone"]),
                description=schedule.get(
                    "description", f"On-call schedule of {team_name} ({MANAGED_BY})"
                ),
                layers=[_layer(layer, user_ids) for layer in schedule["layers"]],
                teams=[team_id] if team_id is not None else None,
                opts=pulumi.ResourceOptions(
                    parent=self,
                    import_=import_id,
                    retain_on_delete=import_id is not None,
                    protect=self._args.get("protect", False),
                ),
            )
        return schedules

    def _create_escalation_policy(
        self,
        user_ids: Mapping[str, pulumi.Output[str]],
        schedules: Mapping[str, pagerduty.Schedule],
        team_id: pulumi.Output[str] | None,
    ) -> pagerduty.EscalationPolicy:
        policy = self._args["escalationPolicy"]
        import_id = policy.get("importId")
        target_ids: dict[TargetType, Mapping[str, pulumi.Output[str]]] = {
            TargetType.SCHEDULE: {k: s.id for k, s in schedules.items()},
            TargetType.USER: user_ids,
        }
        rules: list[pagerduty.EscalationPolicyRuleArgsDict] = [
            {
                "escalation_delay_in_minutes": whole(rule["escalationDelayInMinutes"]),
                "targets": [
                    {
                        "type": TARGET_API_TYPES[TargetType(t["type"])],
                        "id": target_ids[TargetType(t["type"])][t["ref"]],
                    }
                    for t in rule["targets"]
                ],
            }
            for rule in policy["rules"]
        ]
        return pagerduty.EscalationPolicy(
            f"{self._name}-escalation",
            name=policy["name"],
            description=policy.get(
                "description", f"Escalation policy of {self._args['name']} ({MANAGED_BY})"
            ),
            num_loops=whole(policy.get("numLoops", 0)),
            rules=rules,
            # The API takes at most one team here, as a plain ID (not a list as on schedules).
            teams=team_id,
            opts=pulumi.ResourceOptions(
                parent=self,
                import_=import_id,
                retain_on_delete=import_id is not None,
                protect=self._args.get("protect", False),
            ),
        )


# --- Pure helpers ---------------------------------------------------------------------------------


def _collect(ids: Mapping[str, pulumi.Output[str]]) -> pulumi.Output[dict[str, str]]:
    """One Output of a map of IDs (an empty map when there are none)."""
    if not ids:
        empty: dict[str, str] = {}
        return pulumi.Output.from_input(empty)
    return pulumi.Output.all(**ids)


def _layer(
    layer: LayerArgs, user_ids: Mapping[str, pulumi.Output[str]]
) -> pagerduty.ScheduleLayerArgsDict:
    result: pagerduty.ScheduleLayerArgsDict = {
        "name": layer["name"],
        "start": layer["start"],
        "rotation_virtual_start": layer.get("rotationVirtualStart", layer["start"]),
        "rotation_turn_length_seconds": whole(layer["rotationTurnLengthSeconds"]),
        # Rotation order is the list order.
        "users": [user_ids[slug] for slug in layer["members"]],
    }
    if "end" in layer:
        result["end"] = layer["end"]
    restrictions = layer.get("restrictions", [])
    if restrictions:
        result["restrictions"] = [_restriction(r) for r in restrictions]
    return result


def _restriction(restriction: RestrictionArgs) -> pagerduty.ScheduleLayerRestrictionArgsDict:
    result: pagerduty.ScheduleLayerRestrictionArgsDict = {
        "type": restriction["type"],
        "start_time_of_day": restriction["startTimeOfDay"],
        "duration_seconds": whole(restriction["durationSeconds"]),
    }
    if "startDayOfWeek" in restriction:
        result["start_day_of_week"] = whole(restriction["startDayOfWeek"])
    return result


def _phone_methods(member: MemberArgs) -> dict[Via, PhoneArgs]:
    """The phone and SMS contact methods to create, by how they are used."""
    methods: dict[Via, PhoneArgs] = {}
    if "phone" in member:
        methods[Via.PHONE] = member["phone"]
    if "sms" in member:
        methods[Via.SMS] = member["sms"]
    return methods


def _contact_import_id(member: MemberArgs, phone: PhoneArgs) -> str | None:
    """Pulumi's import id of an adopted contact method: "<user id>:<contact method id>", the
    form the provider's ImportState splits (terraform-provider-pagerduty,
    pagerdutyplugin/resource_pagerduty_user_contact_method.go)."""
    if "importId" not in phone:
        return None
    return f"{member['importId']}:{phone['importId']}"


def _steps(member: MemberArgs) -> list[tuple[Urgency, Via, int]]:
    """Every notification step of a member as (urgency, via, delay), in config order."""
    return [
        (Urgency(urgency), Via(step["via"]), whole(step.get("afterMinutes", 0)))
        for urgency, steps in member.get("notify", {}).items()
        for step in steps
    ]


def _is_pagerduty_default_rule(via: Via, delay: int) -> bool:
    """PagerDuty gives every new user "email immediately" rules for both urgencies."""
    return via is Via.EMAIL and delay == 0


def _rules_to_create(member: MemberArgs) -> list[tuple[Urgency, Via, int]]:
    return [step for step in _steps(member) if not _is_pagerduty_default_rule(step[1], step[2])]


def _defaults_kept(member: MemberArgs) -> list[str]:
    """Urgencies the member's notify lists but without email at 0: PagerDuty's rule stays."""
    covered = {u for u, via, delay in _steps(member) if _is_pagerduty_default_rule(via, delay)}
    return [u for u in member.get("notify", {}) if Urgency(u) not in covered]


def _uses_login_email(member: MemberArgs) -> bool:
    handoff = member.get("handoff")
    return any(via is Via.EMAIL for _, via, _ in _rules_to_create(member)) or (
        handoff is not None and handoff["via"] == Via.EMAIL
    )


# --- Validation -----------------------------------------------------------------------------------

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DIGITS = re.compile(r"^[0-9]+$")
_TIME_OF_DAY = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]:00$")


def _raise_if_invalid(args: Mapping[str, Any]) -> None:
    """Raise one ComponentArgsError (an InputPropertiesError) listing every problem in `args`."""
    _problems(args).raise_if_any()


def _problems(args: Mapping[str, Any]) -> Problems:
    """Every problem in `args`, each with its property path; empty when they are valid."""
    p = Problems("TeamOnCall")
    if not p.keys("", args, TeamOnCallArgs):
        return p
    p.text("name", args["name"])
    _time_zone(p, "timeZone", args["timeZone"])
    p.boolean("createTeam", args.get("createTeam", False))
    p.boolean("protect", args.get("protect", False))
    members = args["members"]
    if not isinstance(members, Mapping) or not members:
        p.add("members", f"expected at least one member (got {members!r})")
        members = {}
    roles: dict[str, str] = {}
    emails: dict[str, str] = {}
    for slug, member in members.items():
        path = f"members.{slug}"
        _slug(p, "members", slug)
        if not p.keys(path, member, MemberArgs):
            roles[slug] = DEFAULT_ROLE  # reported above; keep references to it quiet
            continue
        roles[slug] = _member(p, path, member)
        email = member["email"]
        if email in emails:
            p.add(f"{path}.email", f"{email!r} is also members.{emails[email]}.email")
        emails[email] = slug
    _former_slugs(p, members)

    schedules = args.get("schedules", {})
    if not isinstance(schedules, Mapping):
        p.add("schedules", f"expected a map of schedules (got {schedules!r})")
        schedules = {}
    valid_schedules = set()
    for key, schedule in schedules.items():
        path = f"schedules.{key}"
        _slug(p, "schedules", key)
        if p.keys(path, schedule, ScheduleArgs):
            _schedule(p, path, schedule, roles)
        valid_schedules.add(key)

    policy = args["escalationPolicy"]
    if p.keys("escalationPolicy", policy, EscalationPolicyArgs):
        _policy(p, "escalationPolicy", policy, roles, valid_schedules)
    return p


def _member(p: Problems, path: str, member: Mapping[str, Any]) -> str:
    """Check one member; return its role (the default when absent or invalid)."""
    p.text(f"{path}.name", member["name"])
    email = member["email"]
    if not isinstance(email, str) or not _EMAIL.match(email):
        p.add(f"{path}.email", f"expected an email address (got {email!r})")
    elif email != email.lower():
        p.add(f"{path}.email", f"must be lower-case, as PagerDuty compares it (got {email!r})")
    role = member.get("role", DEFAULT_ROLE)
    if not _one_of(role, Role):
        allowed = ", ".join(r.value for r in Role)
        p.add(f"{path}.role", f"expected one of {allowed} (got {role!r})")
        role = DEFAULT_ROLE
    existing = member.get("existing", False)
    p.boolean(f"{path}.existing", existing)
    if "importId" in member:
        p.text(f"{path}.importId", member["importId"])
        if existing:
            p.add(path, "existing and importId exclude each other (existing creates nothing)")
    if existing is True:
        return str(role)  # nothing else of theirs is managed here
    if "timeZone" in member:
        _time_zone(p, f"{path}.timeZone", member["timeZone"])
    if "description" in member:
        p.text(f"{path}.description", member["description"])
    for via in (Via.PHONE, Via.SMS):
        if via in member and p.keys(f"{path}.{via}", member[via], PhoneArgs):
            _phone(p, f"{path}.{via}", member[via])
            _adopted_contact(p, f"{path}.{via}", member[via], "importId" in member)
    if "emailContactMethodId" in member:
        p.text(f"{path}.emailContactMethodId", member["emailContactMethodId"])

    def reachable(step_path: str, via: object) -> None:
        if not _one_of(via, Via):
            p.add(f"{step_path}.via", f"expected email, sms or phone (got {via!r})")
        elif via != Via.EMAIL and via not in member:
            p.add(f"{step_path}.via", f"{via} needs {path}.{via}, which is not set")

    notify = member.get("notify", {})
    if not isinstance(notify, Mapping):
        p.add(f"{path}.notify", f"expected a map of urgency to steps (got {notify!r})")
        notify = {}
    for urgency, steps in notify.items():
        upath = f"{path}.notify.{urgency}"
        if not _one_of(urgency, Urgency):
            p.add(f"{path}.notify", f"urgency must be high or low (got {urgency!r})")
            continue
        if not isinstance(steps, list):
            p.add(upath, f"expected a list of steps (got {steps!r})")
            continue
        seen: dict[tuple[object, object], int] = {}
        for i, step in enumerate(steps):
            spath = f"{upath}[{i}]"
            if not p.keys(spath, step, NotifyStepArgs):
                continue
            reachable(spath, step["via"])
            delay = step.get("afterMinutes", 0)
            p.integer(f"{spath}.afterMinutes", delay, 0, None)
            key = (step["via"], delay)
            if key in seen:
                p.add(spath, f"same via and afterMinutes as {upath}[{seen[key]}]")
            seen[key] = i
    handoff = member.get("handoff")
    if handoff is not None and p.keys(f"{path}.handoff", handoff, HandoffArgs):
        reachable(f"{path}.handoff", handoff["via"])
        minutes = handoff.get("beforeMinutes", DEFAULT_HANDOFF_MINUTES)
        p.integer(f"{path}.handoff.beforeMinutes", minutes, 0, None)
        kind = handoff.get("type", DEFAULT_HANDOFF_TYPE)
        if not _one_of(kind, HandoffType):
            p.add(f"{path}.handoff.type", f"expected oncall, offcall or both (got {kind!r})")
    return str(role)


def _former_slugs(p: Problems, members: Mapping[str, Any]) -> None:
    """`formerly` lists slugs that no member has now, each claimed by one member only."""
    claimed: dict[object, str] = {}
    for slug, member in members.items():
        if not isinstance(member, Mapping) or "formerly" not in member:
            continue
        formerly = member["formerly"]
        if not isinstance(formerly, list):
            p.add(
                f"members.{slug}.formerly", f"expected a list of earlier slugs (got {formerly!r})"
            )
            continue
        for i, old in enumerate(formerly):
            path = f"members.{slug}.formerly[{i}]"
            _slug(p, path, old)
            if old in members:
                p.add(path, f"{old!r} is a member's slug now; an alias must name a gone one")
            elif old in claimed:
                p.add(path, f"{old!r} is also members.{claimed[old]}.formerly")
            claimed[old] = slug


def _phone(p: Problems, path: str, phone: Mapping[str, Any]) -> None:
    code, number = phone["countryCode"], phone["number"]
    p.integer(f"{path}.countryCode", code, 1, 999)
    if not isinstance(number, str) or not _DIGITS.match(number):
        p.add(f"{path}.number", f"expected digits only, national number (got {number!r})")
    elif (trunk := trunk_prefix_problem(whole_number(code) or 0, number)) is not None:
        p.add(f"{path}.number", f"{trunk} (got {number!r})")
    elif len(number) > MAX_PHONE_ADDRESS_LENGTH:
        p.add(f"{path}.number", f"too long for a phone number (got {number!r})")


def _adopted_contact(p: Problems, path: str, phone: Mapping[str, Any], user_adopted: bool) -> None:
    """A phone or SMS contact method's importId and label."""
    for key in ("importId", "label"):
        if key in phone:
            p.text(f"{path}.{key}", phone[key])
    if "importId" in phone and not user_adopted:
        p.add(
            f"{path}.importId",
            "only an adopted user (importId on the member) has contact methods to adopt "
            f"(got {phone['importId']!r})",
        )


def _schedule(
    p: Problems, path: str, schedule: Mapping[str, Any], roles: Mapping[str, str]
) -> None:
    p.text(f"{path}.name", schedule["name"])
    if "timeZone" in schedule:
        _time_zone(p, f"{path}.timeZone", schedule["timeZone"])
    for key in ("description", "importId"):
        if key in schedule:
            p.text(f"{path}.{key}", schedule[key])
    layers = schedule["layers"]
    if not isinstance(layers, list) or not layers:
        p.add(f"{path}.layers", f"expected at least one layer (got {layers!r})")
        return
    for i, layer in enumerate(layers):
        lpath = f"{path}.layers[{i}]"
        if p.keys(lpath, layer, LayerArgs):
            _layer_problems(p, lpath, layer, roles)


def _layer_problems(
    p: Problems, path: str, layer: Mapping[str, Any], roles: Mapping[str, str]
) -> None:
    p.text(f"{path}.name", layer["name"])
    members = layer["members"]
    if not isinstance(members, list) or not members:
        p.add(f"{path}.members", f"expected at least one member slug (got {members!r})")
        members = []
    for j, slug in enumerate(members):
        _on_call_member(p, f"{path}.members[{j}]", slug, roles)
    start = _timestamp(p, f"{path}.start", layer["start"])
    if "rotationVirtualStart" in layer:
        _timestamp(p, f"{path}.rotationVirtualStart", layer["rotationVirtualStart"])
    if "end" in layer:
        end = _timestamp(p, f"{path}.end", layer["end"])
        if start is not None and end is not None and end <= start:
            p.add(f"{path}.end", f"must be after start (got {layer['end']!r})")
    p.integer(
        f"{path}.rotationTurnLengthSeconds",
        layer["rotationTurnLengthSeconds"],
        MIN_TURN_SECONDS,
        MAX_TURN_SECONDS,
    )
    restrictions = layer.get("restrictions", [])
    if not isinstance(restrictions, list):
        p.add(f"{path}.restrictions", f"expected a list (got {restrictions!r})")
        restrictions = []
    for k, restriction in enumerate(restrictions):
        rpath = f"{path}.restrictions[{k}]"
        if p.keys(rpath, restriction, RestrictionArgs):
            _restriction_problems(p, rpath, restriction)


def _restriction_problems(p: Problems, path: str, restriction: Mapping[str, Any]) -> None:
    kind = restriction["type"]
    if not _one_of(kind, RestrictionType):
        p.add(f"{path}.type", f"expected daily_restriction or weekly_restriction (got {kind!r})")
        return
    start = restriction["startTimeOfDay"]
    if not isinstance(start, str) or not _TIME_OF_DAY.match(start):
        p.add(f"{path}.startTimeOfDay", f"expected HH:MM:00 (got {start!r})")
    limit = (
        MAX_DAILY_RESTRICTION_SECONDS
        if kind == RestrictionType.DAILY
        else MAX_WEEKLY_RESTRICTION_SECONDS
    )
    p.integer(f"{path}.durationSeconds", restriction["durationSeconds"], 1, limit)
    if kind == RestrictionType.WEEKLY:
        if "startDayOfWeek" not in restriction:
            p.add(f"{path}.startDayOfWeek", "required for a weekly restriction (1 = Monday)")
        else:
            p.integer(f"{path}.startDayOfWeek", restriction["startDayOfWeek"], 1, 7)
    elif "startDayOfWeek" in restriction:
        p.add(f"{path}.startDayOfWeek", "only weekly restrictions have a start day")


def _policy(
    p: Problems,
    path: str,
    policy: Mapping[str, Any],
    roles: Mapping[str, str],
    schedules: set[str],
) -> None:
    p.text(f"{path}.name", policy["name"])
    p.integer(f"{path}.numLoops", policy.get("numLoops", 0), 0, MAX_NUM_LOOPS)
    for key in ("description", "importId"):
        if key in policy:
            p.text(f"{path}.{key}", policy[key])
    rules = policy["rules"]
    if not isinstance(rules, list) or not rules:
        p.add(f"{path}.rules", f"expected at least one rule (got {rules!r})")
        return
    for i, rule in enumerate(rules):
        rpath = f"{path}.rules[{i}]"
        if not p.keys(rpath, rule, EscalationRuleArgs):
            continue
        delay = rule["escalationDelayInMinutes"]
        p.integer(f"{rpath}.escalationDelayInMinutes", delay, MIN_ESCALATION_DELAY_MINUTES, None)
        targets = rule["targets"]
        if not isinstance(targets, list) or not targets:
            p.add(f"{rpath}.targets", f"expected at least one target (got {targets!r})")
            continue
        for j, target in enumerate(targets):
            tpath = f"{rpath}.targets[{j}]"
            if not p.keys(tpath, target, TargetArgs):
                continue
            kind, ref = target["type"], target["ref"]
            if kind == TargetType.SCHEDULE:
                if ref not in schedules:
                    known = ", ".join(sorted(schedules)) or "none"
                    p.add(f"{tpath}.ref", f"no schedule {ref!r} (schedules: {known})")
            elif kind == TargetType.USER:
                _on_call_member(p, f"{tpath}.ref", ref, roles)
            else:
                p.add(f"{tpath}.type", f"expected schedule or user (got {kind!r})")


def _on_call_member(p: Problems, path: str, slug: object, roles: Mapping[str, str]) -> None:
    if not isinstance(slug, str) or slug not in roles:
        known = ", ".join(sorted(roles)) or "none"
        p.add(path, f"no member {slug!r} (members: {known})")
    elif roles[slug] in OFF_CALL_ROLES:
        p.add(path, f"{slug!r} is {roles[slug]}, a role PagerDuty never puts on call")


# -- small checks of this component's own (the shared ones are Problems' methods)


def _one_of(value: object, vocabulary: type[StrEnum]) -> bool:
    return isinstance(value, str) and value in {word.value for word in vocabulary}


def _slug(p: Problems, path: str, key: object) -> None:
    if not isinstance(key, str) or not re.fullmatch(SLUG, key):
        p.add(
            path,
            f"key {key!r} must be a slug (lower-case letters, digits and -, not at either end)",
        )


def _time_zone(p: Problems, path: str, value: object) -> None:
    if not is_time_zone(value):
        p.add(path, f"expected an IANA time zone like America/New_York (got {value!r})")


def _timestamp(p: Problems, path: str, value: object) -> datetime | None:
    """Parse an ISO 8601 timestamp that must carry an offset; None (and a problem) otherwise."""
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        parsed = datetime.fromisoformat(value)
    except ValueError:
        p.add(path, f"expected ISO 8601 like 2026-12-07T09:00:00-05:00 (got {value!r})")
        return None
    if parsed.tzinfo is None:
        p.add(path, f"needs an offset, e.g. 2026-12-07T09:00:00-05:00 (got {value!r})")
        return None
    return parsed
