"""TeamOnCall: a team's PagerDuty users, notification rules, schedules and escalation policy.

What the guide "Integrate PagerDuty on Pantheon" clicks through under "Add users", "Create
Schedule" and "Create Escalation policy", as one Pulumi component. Its Args (TypedDicts the SDK's
analyzer publishes for other Pulumi languages) are in components.team.args, its input checks in
components.team.checks.

What PagerDuty itself gives a new user (a login-email contact method and two rules on it), and
so which notify steps become resources, is decided in components.team.rules.
"""

from collections.abc import Mapping
from typing import Final

import pulumi
import pulumi_pagerduty as pagerduty

from components._args import whole
from components.team.args import (
    DEFAULT_HANDOFF_MINUTES,
    DEFAULT_HANDOFF_TYPE,
    HandoffArgs,
    MemberArgs,
    TeamOnCallArgs,
)
from components.team.checks import raise_if_invalid
from components.team.rules import (
    contact_import_id,
    defaults_kept,
    handoff_import_id,
    phone_methods,
    rules_to_create,
    uses_login_email,
)
from components.team.schedules import provider_layer, schedule_teams
from components.vocabulary import (
    CONTACT_METHOD_LABELS,
    CONTACT_METHOD_TYPES,
    DEFAULT_ROLE,
    LOGIN_EMAIL_LABEL,
    TARGET_API_TYPES,
    TEAM_ROLES,
    Role,
    TargetType,
    Via,
)

TOKEN: Final = "pantheon-oncall:index:TeamOnCall"
MANAGED_BY: Final = "managed by pantheon-oncall"


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
        raise_if_invalid(args)
        super().__init__(TOKEN, name, None, opts)
        self._name = name
        self._args = args
        self._at = f"{args['keyPath']}." if "keyPath" in args else ""
        """What this component's warnings put before a key path (where the args are written)."""

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
            # Absent, the provider would send its own placeholder ("Managed by Pulumi", the
            # schema's default; terraform-provider-pagerduty, pagerduty/resource_pagerduty_user.go,
            # `description` Default), and Read stores what PagerDuty has, "" for none: an adopted
            # user's must be given exactly, "" included. Job title has no default: absent, none.
            description=member.get(
                "description", f"On-call member of {self._args['name']} ({MANAGED_BY})"
            ),
            job_title=member.get("jobTitle"),
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
        methods = self._create_contact_methods(slug, member, user)
        self._create_rules(slug, member, user, methods)
        handoff = member.get("handoff")
        if handoff is not None:
            self._create_handoff(slug, member, user, handoff, methods)

    def _child(
        self, member: MemberArgs, user: pagerduty.User, suffix: str
    ) -> pulumi.ResourceOptions:
        """Options of a user's child (contact method or rule) named `<user>{suffix}`."""
        # protect=False: a child inherits its parent's protect, but changing a number or a rule
        # is routine; only the user itself, schedules and policies are protected.
        return pulumi.ResourceOptions(
            parent=user, protect=False, aliases=self._formerly(member, suffix)
        )

    def _adoptable_child(
        self, member: MemberArgs, user: pagerduty.User, suffix: str, adopted: str | None
    ) -> pulumi.ResourceOptions:
        """Options of a user's child that may adopt what an adopted user already has (a contact
        method or rule; `adopted` is its Pulumi import id): it existed before this stack, so a
        destroy retains it."""
        return pulumi.ResourceOptions.merge(
            self._child(member, user, suffix),
            pulumi.ResourceOptions(import_=adopted, retain_on_delete=adopted is not None),
        )

    def _create_contact_methods(
        self, slug: str, member: MemberArgs, user: pagerduty.User
    ) -> dict[Via, pulumi.Input[str]]:
        """The member's phone and SMS contact methods, and the login email's when a rule uses
        it; their ids by how they reach the member."""
        methods: dict[Via, pulumi.Input[str]] = {}
        # PagerDuty keys contact methods by (type, address): phone and SMS may share a number,
        # but the login email must not be created again (it exists, and would be refused).
        for via, phone in phone_methods(member).items():
            adopted = contact_import_id(member, phone)
            created = pagerduty.UserContactMethod(
                f"{self._name}-{slug}-{via}",
                user_id=user.id,
                type=CONTACT_METHOD_TYPES[via],
                country_code=whole(phone["countryCode"]),
                address=phone["number"],
                label=phone.get("label", CONTACT_METHOD_LABELS[via]),
                # An adopted user's existing number: creating it again would be refused.
                opts=self._adoptable_child(member, user, f"-{via}", adopted),
            )
            methods[via] = created.id
        if uses_login_email(member):
            methods[Via.EMAIL] = self._login_email(slug, member, user)
        return methods

    def _create_rules(
        self,
        slug: str,
        member: MemberArgs,
        user: pagerduty.User,
        methods: Mapping[Via, pulumi.Input[str]],
    ) -> None:
        """One notification rule per notify step PagerDuty does not already have; a warning for
        the default rule that stays."""
        # Whether the REST API also gives a new phone or SMS contact method high-urgency rules of
        # its own (which would collide with an "sms at 0 minutes" rule: "Channel Start delay must
        # be unique for a given contact method") is unknown: neither terraform-provider-pagerduty
        # (pagerdutyplugin/resource_pagerduty_user_contact_method.go creates it with a plain POST
        # and nothing else; its notification-rule acceptance tests only use 1-minute delays) nor
        # the API reference says so. Checked on the first deploy (README, "First deploy").
        for urgency, via, delay, adopted in rules_to_create(member):
            suffix = f"-{urgency}-{via}-{delay}m"
            pagerduty.UserNotificationRule(
                f"{self._name}-{slug}{suffix}",
                user_id=user.id,
                urgency=urgency,
                start_delay_in_minutes=delay,
                contact_method={"id": methods[via], "type": CONTACT_METHOD_TYPES[via]},
                opts=self._adoptable_child(member, user, suffix, adopted),
            )
        missing = defaults_kept(member)
        if missing:
            pulumi.log.warn(
                f"{self._at}members.{slug}.notify: PagerDuty's default email-at-0-minutes rule "
                f"stays for {', '.join(missing)} urgency; this component cannot remove it",
                resource=self,
            )

    def _create_handoff(
        self,
        slug: str,
        member: MemberArgs,
        user: pagerduty.User,
        handoff: HandoffArgs,
        methods: Mapping[Via, pulumi.Input[str]],
    ) -> None:
        """The rule that notifies the member before they go on (or off) call."""
        via = Via(handoff["via"])
        pagerduty.UserHandoffNotificationRule(
            f"{self._name}-{slug}-handoff",
            user_id=user.id,
            notify_advance_in_minutes=whole(handoff.get("beforeMinutes", DEFAULT_HANDOFF_MINUTES)),
            handoff_type=handoff.get("type", DEFAULT_HANDOFF_TYPE),
            contact_method={"id": methods[via], "type": CONTACT_METHOD_TYPES[via]},
            opts=self._adoptable_child(
                member, user, "-handoff", handoff_import_id(member, handoff)
            ),
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
                f"{self._at}members.{slug}: the adopted user's login-email contact method is "
                f'looked up by the label "{LOGIN_EMAIL_LABEL}", which a user created by hand may '
                "not have (the preview then fails to find it); give its id as emailContactMethodId",
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
                # "" is sent as "" (none), as for users; `teams` is read back as PagerDuty has it
                # and not computed (pagerduty/resource_pagerduty_schedule.go), so an adopted
                # schedule's assignment is given, or an update removes it.
                description=schedule.get(
                    "description", f"On-call schedule of {team_name} ({MANAGED_BY})"
                ),
                layers=[provider_layer(layer, user_ids) for layer in schedule["layers"]],
                teams=schedule_teams(team_id, schedule.get("teams", [])),
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
            # The API takes at most one team here, as a plain ID (not a list as on schedules);
            # read back as it is (pagerduty/resource_pagerduty_escalation_policy.go).
            teams=team_id if team_id is not None else policy.get("team"),
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
