"""TeamOnCall under the offline engine: what the guide's team creates, how the children point at
each other, which args are refused, and that every registration fits the provider schema."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any, cast

import pytest
from pulumi.provider.experimental.analyzer import Analyzer

from components.team.args import TeamOnCallArgs
from components.team.component import TeamOnCall
from oncall.offline.engine import run_program
from oncall.offline.recorded import Registration, Run
from oncall.offline.schemacheck import check_run
from oncall.offline.schemas import SchemaSet
from tests.support import T, all_but, assert_exactly, run_component

# --- Vocabulary -----------------------------------------------------------------------------------

NAME = "t"
START = "2026-12-07T09:00:00-05:00"
WEEK = 604_800


COMPONENT = f"{T.TEAM_ON_CALL}::{NAME}"
OUTPUTS = ("escalationPolicyId", "scheduleIds", "userIds", "teamId")
# Every resource type TeamOnCall registers, and every lookup it calls.
TEAM_TYPES = (
    T.USER,
    T.CONTACT_METHOD,
    T.NOTIFICATION_RULE,
    T.HANDOFF_RULE,
    T.TEAM,
    T.MEMBERSHIP,
    T.SCHEDULE,
    T.ESCALATION_POLICY,
)
TEAM_LOOKUPS = (T.GET_USER, T.GET_CONTACT_METHOD)
NAMED_AND_DESCRIBED = (T.USER, T.TEAM, T.SCHEDULE, T.ESCALATION_POLICY)
PAGERDUTY_DEFAULT_DESCRIPTION = "Managed by Pulumi"


def guide_team() -> dict[str, Any]:
    """The guide's team: Jane (manager) is the backstop, Joe and Anita (responders) rotate weekly;
    everyone is emailed and texted at once and called after 15 minutes, emailed a day before
    their shift; the escalation policy pages the schedule, then Jane."""
    notify = {
        "high": [
            {"via": "email", "afterMinutes": 0},
            {"via": "sms", "afterMinutes": 0},
            {"via": "phone", "afterMinutes": 15},
        ],
        "low": [{"via": "email", "afterMinutes": 0}],
    }
    handoff = {"via": "email", "beforeMinutes": 1440, "type": "oncall"}

    def member(name: str, email: str, role: str, phone: Any, sms: Any) -> dict[str, Any]:
        return {
            "name": name,
            "email": email,
            "role": role,
            "phone": phone,
            "sms": sms,
            "notify": copy.deepcopy(notify),
            "handoff": dict(handoff),
        }

    us = {"countryCode": 1, "number": "4155550100"}
    anita = member(
        "Anita Rao",
        "anita@example.com",
        "limited_user",
        {"countryCode": 44, "number": "2079460958"},
        {"countryCode": 44, "number": "7700900123"},
    )
    anita["timeZone"] = "Europe/London"
    return {
        "name": "Example Web Team",
        "timeZone": "America/New_York",
        "members": {
            "jane": member("Jane Doe", "jane@example.com", "user", us, dict(us)),
            "joe": member(
                "Joe Smith",
                "joe@example.com",
                "limited_user",
                {"countryCode": 1, "number": "4155550101"},
                {"countryCode": 1, "number": "4155550101"},
            ),
            "anita": anita,
        },
        "schedules": {
            "default": {
                "name": "Default",
                "layers": [
                    {
                        "name": "Backstop",
                        "members": ["jane"],
                        "start": START,
                        "rotationTurnLengthSeconds": WEEK,
                    },
                    {
                        "name": "Weekly rotation",
                        "members": ["joe", "anita"],
                        "start": START,
                        "rotationTurnLengthSeconds": WEEK,
                    },
                ],
            }
        },
        "escalationPolicy": {
            "name": "Default",
            "numLoops": 1,
            "rules": [
                {
                    "escalationDelayInMinutes": 15,
                    "targets": [{"type": "schedule", "ref": "default"}],
                },
                {"escalationDelayInMinutes": 30, "targets": [{"type": "user", "ref": "jane"}]},
            ],
        },
    }


def plan(args: Mapping[str, Any], *, preview: bool = False) -> Run:
    """Run TeamOnCall(NAME, args) under the recording mocks; its outputs become stack exports."""
    team = cast(TeamOnCallArgs, args)
    return run_component(lambda: TeamOnCall(NAME, team), OUTPUTS, preview=preview)


def rules_of(run: Run, member: str) -> list[Registration]:
    user_id = f"{NAME}-{member}-id"
    return [r for r in run.of_type(T.NOTIFICATION_RULE) if r.inputs["userId"] == user_id]


def layer_users(run: Run, schedule: str = "default") -> list[list[str]]:
    layers = run.get(T.SCHEDULE, f"{NAME}-{schedule}").inputs["layers"]
    return [layer["users"] for layer in layers]


def login_email_lookup(run: Run, member: str) -> str:
    """The id the mocks answer for the lookup of a member's "Default" email contact method."""
    lookups = [
        i
        for i in run.invokes
        if i.token == T.GET_CONTACT_METHOD and i.args["userId"] == f"{NAME}-{member}-id"
    ]
    assert len(lookups) == 1, lookups
    assert lookups[0].args == {
        "userId": f"{NAME}-{member}-id",
        "type": "email_contact_method",
        "label": "Default",
    }
    return (
        "getusercontactmethod-label-default--type-email-contact-method--userid-"
        f"{NAME}-{member}-id-id"
    )


# --- What the guide's team creates ----------------------------------------------------------------


GUIDE_MEMBERS = ("jane", "joe", "anita")


def test_guide_team_creates_exactly_its_users_contact_methods_rules_schedule_and_policy() -> None:
    run = plan(guide_team())

    expected: list[tuple[str, str]] = [
        (T.SCHEDULE, f"{NAME}-default"),
        (T.ESCALATION_POLICY, f"{NAME}-escalation"),
    ]
    for m in GUIDE_MEMBERS:
        expected += [
            (T.USER, f"{NAME}-{m}"),
            (T.CONTACT_METHOD, f"{NAME}-{m}-phone"),
            (T.CONTACT_METHOD, f"{NAME}-{m}-sms"),
            (T.NOTIFICATION_RULE, f"{NAME}-{m}-high-sms-0m"),
            (T.NOTIFICATION_RULE, f"{NAME}-{m}-high-phone-15m"),
            (T.HANDOFF_RULE, f"{NAME}-{m}-handoff"),
        ]
    assert_exactly(all_but(run, COMPONENT), expected)
    assert sorted(i.token for i in run.invokes) == [T.GET_CONTACT_METHOD] * 3


def test_every_child_hangs_under_the_component_or_its_user() -> None:
    args = guide_team()
    args["createTeam"] = True
    run = plan(args)

    per_user = (T.CONTACT_METHOD, T.NOTIFICATION_RULE, T.HANDOFF_RULE)
    for r in all_but(run, COMPONENT):
        if r.type in per_user:
            member = r.inputs["userId"].removesuffix("-id")
            assert r.parent == f"{T.USER}::{member}", r.key
        elif r.type == T.MEMBERSHIP:
            assert r.parent == f"{T.TEAM}::{NAME}-team", r.key
        else:
            assert r.parent == COMPONENT, r.key


def test_outputs_are_the_policy_schedule_and_user_ids() -> None:
    run = plan(guide_team())

    assert run.outputs == {
        "escalationPolicyId": f"{NAME}-escalation-id",
        "scheduleIds": {"default": f"{NAME}-default-id"},
        "userIds": {m: f"{NAME}-{m}-id" for m in GUIDE_MEMBERS},
        "teamId": None,
    }


def test_users_have_name_email_role_and_their_time_zone_or_the_teams() -> None:
    run = plan(guide_team())

    jane = run.get(T.USER, f"{NAME}-jane").inputs
    anita = run.get(T.USER, f"{NAME}-anita").inputs
    assert (jane["name"], jane["email"], jane["role"]) == ("Jane Doe", "jane@example.com", "user")
    assert jane["timeZone"] == "America/New_York"
    assert (anita["role"], anita["timeZone"]) == ("limited_user", "Europe/London")


def test_role_defaults_to_responder_as_in_the_stack_file() -> None:
    args = guide_team()
    del args["members"]["jane"]["role"]

    assert plan(args).get(T.USER, f"{NAME}-jane").inputs["role"] == "limited_user"


# --- Notification rules ---------------------------------------------------------------------------


def test_phone_rule_waits_15_minutes_at_high_urgency() -> None:
    run = plan(guide_team())

    rule = run.get(T.NOTIFICATION_RULE, f"{NAME}-joe-high-phone-15m").inputs
    assert (rule["urgency"], rule["startDelayInMinutes"]) == ("high", 15)
    assert rule["contactMethod"] == {"id": f"{NAME}-joe-phone-id", "type": "phone_contact_method"}


def test_sms_fires_at_once_at_high_urgency() -> None:
    run = plan(guide_team())

    rule = run.get(T.NOTIFICATION_RULE, f"{NAME}-joe-high-sms-0m").inputs
    assert (rule["urgency"], rule["startDelayInMinutes"]) == ("high", 0)
    assert rule["contactMethod"] == {"id": f"{NAME}-joe-sms-id", "type": "sms_contact_method"}


def test_email_at_once_is_pagerdutys_own_default_rule_and_not_created_again() -> None:
    # PagerDuty gives a new user "email, 0 minutes" rules for both urgencies; creating the same
    # rule again is refused ("Channel Start delay must be unique for a given contact method").
    run = plan(guide_team())

    for m in GUIDE_MEMBERS:
        vias = {r.inputs["contactMethod"]["type"] for r in rules_of(run, m)}
        assert vias == {"sms_contact_method", "phone_contact_method"}, m


def test_low_urgency_is_email_only_which_pagerduty_already_does() -> None:
    run = plan(guide_team())

    assert [r.name for r in run.of_type(T.NOTIFICATION_RULE) if r.inputs["urgency"] == "low"] == []


def test_a_later_email_step_uses_the_login_email_contact_method() -> None:
    args = guide_team()
    args["members"]["jane"]["notify"]["low"].append({"via": "email", "afterMinutes": 30})
    run = plan(args)

    rule = run.get(T.NOTIFICATION_RULE, f"{NAME}-jane-low-email-30m").inputs
    assert (rule["urgency"], rule["startDelayInMinutes"]) == ("low", 30)
    assert rule["contactMethod"] == {
        "id": login_email_lookup(run, "jane"),
        "type": "email_contact_method",
    }


def test_notify_without_email_at_once_warns_that_pagerdutys_default_stays() -> None:
    args = guide_team()
    args["members"]["joe"]["notify"]["high"] = [{"via": "sms", "afterMinutes": 0}]

    warnings = plan(args).warnings

    assert len(warnings) == 1
    assert warnings[0].startswith(
        "members.joe.notify: PagerDuty's default email-at-0-minutes rule stays for high"
    )


def test_handoff_rule_is_1440_minutes_before_going_on_call_via_the_login_email() -> None:
    run = plan(guide_team())

    for m in GUIDE_MEMBERS:
        rule = run.get(T.HANDOFF_RULE, f"{NAME}-{m}-handoff").inputs
        assert rule == {
            "userId": f"{NAME}-{m}-id",
            "notifyAdvanceInMinutes": 1440,
            "handoffType": "oncall",
            "contactMethod": {"id": login_email_lookup(run, m), "type": "email_contact_method"},
        }


def test_handoff_defaults_to_24_hours_before_going_on_call() -> None:
    args = guide_team()
    args["members"]["joe"]["handoff"] = {"via": "sms"}
    rule = plan(args).get(T.HANDOFF_RULE, f"{NAME}-joe-handoff").inputs

    assert (rule["notifyAdvanceInMinutes"], rule["handoffType"]) == (1440, "oncall")
    assert rule["contactMethod"] == {"id": f"{NAME}-joe-sms-id", "type": "sms_contact_method"}


# --- Contact methods ------------------------------------------------------------------------------


def test_login_email_gets_no_duplicate_contact_method() -> None:
    run = plan(guide_team())

    assert [r.name for r in run.of_type(T.CONTACT_METHOD) if "@" in r.inputs["address"]] == []
    assert {r.inputs["type"] for r in run.of_type(T.CONTACT_METHOD)} == {
        "phone_contact_method",
        "sms_contact_method",
    }


def test_anitas_uk_sms_is_country_44_and_the_national_number() -> None:
    sms = plan(guide_team()).get(T.CONTACT_METHOD, f"{NAME}-anita-sms").inputs

    assert sms == {
        "userId": f"{NAME}-anita-id",
        "type": "sms_contact_method",
        "countryCode": 44,
        "address": "7700900123",
        "label": "SMS",
    }


def test_phone_contact_method_is_labelled_phone() -> None:
    phone = plan(guide_team()).get(T.CONTACT_METHOD, f"{NAME}-jane-phone").inputs

    assert (phone["type"], phone["countryCode"], phone["address"], phone["label"]) == (
        "phone_contact_method",
        1,
        "4155550100",
        "Phone",
    )


# --- Schedule -------------------------------------------------------------------------------------


def test_backstop_layer_comes_first_and_the_rotation_after_it() -> None:
    layers = plan(guide_team()).get(T.SCHEDULE, f"{NAME}-default").inputs["layers"]

    assert [layer["name"] for layer in layers] == ["Backstop", "Weekly rotation"]
    assert layers[0]["users"] == [f"{NAME}-jane-id"]
    assert "restrictions" not in layers[0]


@pytest.mark.parametrize("order", [["joe", "anita"], ["anita", "joe"]])
def test_members_of_a_layer_keep_their_rotation_order(order: list[str]) -> None:
    args = guide_team()
    args["schedules"]["default"]["layers"][1]["members"] = order

    assert layer_users(plan(args))[1] == [f"{NAME}-{m}-id" for m in order]


def test_weekly_rotation_turns_every_604800_seconds_from_its_fixed_start() -> None:
    schedule = plan(guide_team()).get(T.SCHEDULE, f"{NAME}-default").inputs
    rotation = schedule["layers"][1]

    assert rotation["rotationTurnLengthSeconds"] == 604_800
    assert rotation["start"] == rotation["rotationVirtualStart"] == START
    assert (schedule["name"], schedule["timeZone"]) == ("Default", "America/New_York")


def test_restrictions_and_end_reach_the_layer() -> None:
    args = guide_team()
    layer = args["schedules"]["default"]["layers"][1]
    layer["end"] = "2027-12-06T09:00:00-05:00"
    layer["restrictions"] = [
        {"type": "daily_restriction", "startTimeOfDay": "09:00:00", "durationSeconds": 28_800},
        {
            "type": "weekly_restriction",
            "startTimeOfDay": "18:00:00",
            "durationSeconds": 3600,
            "startDayOfWeek": 5,
        },
    ]
    rotation = plan(args).get(T.SCHEDULE, f"{NAME}-default").inputs["layers"][1]

    assert rotation["end"] == "2027-12-06T09:00:00-05:00"
    assert rotation["restrictions"] == [
        {"type": "daily_restriction", "startTimeOfDay": "09:00:00", "durationSeconds": 28_800},
        {
            "type": "weekly_restriction",
            "startTimeOfDay": "18:00:00",
            "durationSeconds": 3600,
            "startDayOfWeek": 5,
        },
    ]


# --- Escalation policy ----------------------------------------------------------------------------


def test_escalation_rules_keep_their_order_and_target_the_schedule_then_jane() -> None:
    policy = plan(guide_team()).get(T.ESCALATION_POLICY, f"{NAME}-escalation").inputs

    assert policy["name"] == "Default"
    assert policy["rules"] == [
        {
            "escalationDelayInMinutes": 15,
            "targets": [{"type": "schedule_reference", "id": f"{NAME}-default-id"}],
        },
        {
            "escalationDelayInMinutes": 30,
            "targets": [{"type": "user_reference", "id": f"{NAME}-jane-id"}],
        },
    ]
    assert "escalationRuleAssignmentStrategy" not in str(policy)


def test_num_loops_reaches_the_policy() -> None:
    policy = plan(guide_team()).get(T.ESCALATION_POLICY, f"{NAME}-escalation").inputs

    assert policy["numLoops"] == 1


# --- Names, descriptions, teams -------------------------------------------------------------------


def test_no_resource_is_left_unnamed_or_described_managed_by_pulumi() -> None:
    args = guide_team()
    args["createTeam"] = True
    run = plan(args)

    for r in all_but(run, COMPONENT):
        if r.type in NAMED_AND_DESCRIBED:
            assert r.inputs.get("name"), r.key
            assert r.inputs.get("description") not in (None, "", PAGERDUTY_DEFAULT_DESCRIPTION)
    assert {r.type for r in all_but(run, COMPONENT)} >= set(NAMED_AND_DESCRIBED)


def test_create_team_adds_memberships_by_role_and_assigns_schedules_and_policy() -> None:
    args = guide_team()
    args["createTeam"] = True
    run = plan(args)

    team = run.get(T.TEAM, f"{NAME}-team").inputs
    assert team["name"] == "Example Web Team"
    roles = {r.inputs["userId"]: r.inputs["role"] for r in run.of_type(T.MEMBERSHIP)}
    assert roles == {
        f"{NAME}-jane-id": "manager",
        f"{NAME}-joe-id": "responder",
        f"{NAME}-anita-id": "responder",
    }
    assert {r.inputs["teamId"] for r in run.of_type(T.MEMBERSHIP)} == {f"{NAME}-team-id"}
    assert run.get(T.SCHEDULE, f"{NAME}-default").inputs["teams"] == [f"{NAME}-team-id"]
    assert run.get(T.ESCALATION_POLICY, f"{NAME}-escalation").inputs["teams"] == f"{NAME}-team-id"
    assert run.outputs["teamId"] == f"{NAME}-team-id"


def test_without_create_team_nothing_is_assigned_to_a_team() -> None:
    run = plan(guide_team())

    assert run.of_type(T.TEAM) == run.of_type(T.MEMBERSHIP) == []
    assert "teams" not in run.get(T.SCHEDULE, f"{NAME}-default").inputs
    assert "teams" not in run.get(T.ESCALATION_POLICY, f"{NAME}-escalation").inputs


# --- Adopting and referencing what already exists -------------------------------------------------


def test_adopted_user_is_imported_and_never_deleted_on_destroy() -> None:
    args = guide_team()
    args["members"]["jane"]["importId"] = "PJANE01"
    run = plan(args)

    jane = run.get(T.USER, f"{NAME}-jane")
    assert (jane.import_id, jane.retain_on_delete) == ("PJANE01", True)
    joe = run.get(T.USER, f"{NAME}-joe")
    assert (joe.import_id, joe.retain_on_delete) == (None, False)


def test_adopted_users_phone_and_sms_are_imported_with_their_label_and_retained() -> None:
    # Creating a contact method the user already has is refused by PagerDuty.
    args = guide_team()
    jane = args["members"]["jane"]
    jane["importId"] = "PJANE01"
    jane["phone"] |= {"importId": "PCMPHONE", "label": "Mobile"}
    jane["sms"] |= {"importId": "PCMSMS1"}
    run = plan(args)

    phone = run.get(T.CONTACT_METHOD, f"{NAME}-jane-phone")
    assert (phone.import_id, phone.retain_on_delete) == ("PJANE01:PCMPHONE", True)
    assert phone.inputs["label"] == "Mobile"
    sms = run.get(T.CONTACT_METHOD, f"{NAME}-jane-sms")
    assert (sms.import_id, sms.retain_on_delete) == ("PJANE01:PCMSMS1", True)
    assert sms.inputs["label"] == "SMS"
    joe_phone = run.get(T.CONTACT_METHOD, f"{NAME}-joe-phone")
    assert (joe_phone.import_id, joe_phone.retain_on_delete) == (None, False)


def test_adopted_users_rules_and_handoff_are_imported_in_the_providers_id_formats() -> None:
    # The provider's Create posts a rule without looking for an existing one, and
    # PagerDuty refuses the duplicate. ImportState splits a notification rule's id on ":" and a
    # handoff rule's on "." (terraform-provider-pagerduty, pagerdutyplugin/
    # resource_pagerduty_user_notification_rule.go, …_user_handoff_notification_rule.go).
    args = guide_team()
    jane = args["members"]["jane"]
    jane |= {"importId": "PJANE01", "emailContactMethodId": "PCMEMAIL"}
    jane["notify"]["high"][1]["importId"] = "PRULEHS"
    jane["notify"]["high"][2]["importId"] = "PRULEHP"
    jane["notify"]["low"].append({"via": "sms", "afterMinutes": 5})
    jane["handoff"]["importId"] = "PRULEHO"
    run = plan(args)

    adopted = {
        r.name: (r.import_id, r.retain_on_delete)
        for r in run.resources
        if r.type in (T.NOTIFICATION_RULE, T.HANDOFF_RULE) and r.name.startswith(f"{NAME}-jane")
    }
    assert adopted == {
        f"{NAME}-jane-high-sms-0m": ("PJANE01:PRULEHS", True),
        f"{NAME}-jane-high-phone-15m": ("PJANE01:PRULEHP", True),
        # A step without an importId is a rule the user does not have yet: created.
        f"{NAME}-jane-low-sms-5m": (None, False),
        f"{NAME}-jane-handoff": ("PJANE01.PRULEHO", True),
    }
    # PagerDuty's own email-at-0 rules are neither created nor adopted.
    assert not [r for r in run.resources if r.name.startswith(f"{NAME}-jane-high-email")]
    joe_sms = run.get(T.NOTIFICATION_RULE, f"{NAME}-joe-high-sms-0m")
    assert (joe_sms.import_id, joe_sms.retain_on_delete) == (None, False)


def test_login_email_contact_method_id_skips_the_lookup_by_the_default_label() -> None:
    args = guide_team()
    args["members"]["jane"] |= {"importId": "PJANE01", "emailContactMethodId": "PCMEMAIL"}
    run = plan(args)

    assert [i for i in run.invokes if i.args.get("userId") == f"{NAME}-jane-id"] == []
    handoff = run.get(T.HANDOFF_RULE, f"{NAME}-jane-handoff")
    assert handoff.inputs["contactMethod"] == {"id": "PCMEMAIL", "type": "email_contact_method"}
    assert run.warnings == []


def test_an_adopted_user_without_the_email_contact_method_id_is_warned() -> None:
    args = guide_team()
    args["members"]["jane"]["importId"] = "PJANE01"
    warnings = plan(args).warnings

    assert len(warnings) == 1
    assert warnings[0].startswith("members.jane: the adopted user's login-email contact method")
    assert "emailContactMethodId" in warnings[0]


def test_adopted_schedule_and_policy_are_imported_and_retained() -> None:
    args = guide_team()
    args["schedules"]["default"]["importId"] = "PSCHED1"
    args["escalationPolicy"]["importId"] = "PPOLICY"
    run = plan(args)

    schedule = run.get(T.SCHEDULE, f"{NAME}-default")
    policy = run.get(T.ESCALATION_POLICY, f"{NAME}-escalation")
    assert (schedule.import_id, schedule.retain_on_delete) == ("PSCHED1", True)
    assert (policy.import_id, policy.retain_on_delete) == ("PPOLICY", True)


def test_existing_member_creates_nothing_but_a_lookup_and_is_still_on_call() -> None:
    args = guide_team()
    args["createTeam"] = True
    args["members"]["joe"]["existing"] = True
    run = plan(args)

    joe_id = "getuser-email-joe-example-com-id"  # the mocks' answer to getUser(email=...)
    assert [i.args for i in run.invokes if i.token == T.GET_USER] == [{"email": "joe@example.com"}]
    assert [r.key for r in all_but(run, COMPONENT) if r.name.startswith(f"{NAME}-joe-")] == [
        f"{T.MEMBERSHIP}::{NAME}-joe-membership"
    ]
    assert not any(r.type == T.USER and r.name == f"{NAME}-joe" for r in run.resources)
    assert layer_users(run)[1] == [joe_id, f"{NAME}-anita-id"]
    assert run.get(T.MEMBERSHIP, f"{NAME}-joe-membership").inputs["userId"] == joe_id
    assert run.outputs["userIds"]["joe"] == joe_id


def test_numbers_from_other_languages_may_arrive_as_floats() -> None:
    args = guide_team()
    args["members"]["anita"]["sms"]["countryCode"] = 44.0
    args["members"]["joe"]["notify"]["high"][2]["afterMinutes"] = 15.0
    args["escalationPolicy"]["numLoops"] = 1.0
    run = plan(args)

    assert run.get(T.CONTACT_METHOD, f"{NAME}-anita-sms").inputs["countryCode"] == 44
    phone_rule = run.get(T.NOTIFICATION_RULE, f"{NAME}-joe-high-phone-15m")
    assert phone_rule.inputs["startDelayInMinutes"] == 15
    assert run.get(T.ESCALATION_POLICY, f"{NAME}-escalation").inputs["numLoops"] == 1


# --- Bad args -------------------------------------------------------------------------------------

Mutation = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Mutation:
    """Set a dotted path (list indexes as numbers): "schedules.default.layers.1.start"."""

    def mutate(args: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = args
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return mutate


def _delete(path: str) -> Mutation:
    def mutate(args: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = args
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        del node[last]

    return mutate


def _both(*mutations: Mutation) -> Mutation:
    def mutate(args: dict[str, Any]) -> None:
        for m in mutations:
            m(args)

    return mutate


BAD_ARGS: dict[str, tuple[Mutation, str]] = {
    "unknown layer member": (
        _set("schedules.default.layers.1.members.1", "bob"),
        r"schedules\.default\.layers\[1\]\.members\[1\]: no member 'bob'",
    ),
    "stakeholder on a layer": (
        _set("members.anita.role", "read_only_user"),
        r"schedules\.default\.layers\[1\]\.members\[1\]: 'anita' is read_only_user",
    ),
    "observer as an escalation target": (
        _set("members.jane.role", "observer"),
        r"escalationPolicy\.rules\[1\]\.targets\[0\]\.ref: 'jane' is observer",
    ),
    "start without offset": (
        _set("schedules.default.layers.1.start", "2026-12-07T09:00:00"),
        r"schedules\.default\.layers\[1\]\.start: needs an offset",
    ),
    "turn length 1800": (
        _set("schedules.default.layers.1.rotationTurnLengthSeconds", 1800),
        r"schedules\.default\.layers\[1\]\.rotationTurnLengthSeconds: must be 3600\.\.31536000",
    ),
    "numLoops 10": (
        _set("escalationPolicy.numLoops", 10),
        r"escalationPolicy\.numLoops: must be 0\.\.9 \(got 10\)",
    ),
    "escalation delay 0": (
        _set("escalationPolicy.rules.0.escalationDelayInMinutes", 0),
        r"escalationPolicy\.rules\[0\]\.escalationDelayInMinutes: must be at least 1",
    ),
    "unknown schedule target": (
        _set("escalationPolicy.rules.0.targets.0.ref", "nights"),
        r"escalationPolicy\.rules\[0\]\.targets\[0\]\.ref: no schedule 'nights'",
    ),
    "sms step without an sms number": (
        _delete("members.joe.sms"),
        r"members\.joe\.notify\.high\[1\]\.via: sms needs members\.joe\.sms",
    ),
    "unknown via": (
        _set("members.joe.notify.high.2.via", "pager"),
        r"members\.joe\.notify\.high\[2\]\.via: expected email, sms or phone \(got 'pager'\)",
    ),
    "unknown urgency": (
        _set("members.joe.notify.urgent", []),
        r"members\.joe\.notify: urgency must be high or low \(got 'urgent'\)",
    ),
    "duplicate step": (
        _set("members.joe.notify.high.1", {"via": "phone", "afterMinutes": 15}),
        r"members\.joe\.notify\.high\[2\]: same via and afterMinutes as "
        r"members\.joe\.notify\.high\[1\]",
    ),
    "UK number with trunk 0": (
        _set("members.anita.sms.number", "07700900123"),
        r"members\.anita\.sms\.number: drop the trunk prefix 0",
    ),
    "number with spaces": (
        _set("members.anita.sms.number", "7700 900123"),
        r"members\.anita\.sms\.number: expected digits only",
    ),
    "upper-case email": (
        _set("members.joe.email", "Joe@example.com"),
        r"members\.joe\.email: must be lower-case",
    ),
    "duplicate email": (
        _set("members.joe.email", "jane@example.com"),
        r"members\.joe\.email: 'jane@example\.com' is also members\.jane\.email",
    ),
    "unknown role": (
        _set("members.joe.role", "responder"),
        r"members\.joe\.role: expected one of limited_user, user",
    ),
    "bad time zone": (
        _set("members.anita.timeZone", "London"),
        r"members\.anita\.timeZone: expected an IANA time zone",
    ),
    "typo in a key": (
        _set("members.anita.timezone", "Europe/London"),
        r"members\.anita\.timezone: unknown key",
    ),
    "missing required key": (
        _delete("escalationPolicy.rules"),
        r"escalationPolicy\.rules: required",
    ),
    "daily restriction with a start day": (
        _set(
            "schedules.default.layers.1.restrictions",
            [
                {
                    "type": "daily_restriction",
                    "startTimeOfDay": "09:00:00",
                    "durationSeconds": 3600,
                    "startDayOfWeek": 1,
                }
            ],
        ),
        r"schedules\.default\.layers\[1\]\.restrictions\[0\]\.startDayOfWeek: only a weekly",
    ),
    "restriction time with seconds": (
        _set(
            "schedules.default.layers.1.restrictions",
            [{"type": "daily_restriction", "startTimeOfDay": "09:00:30", "durationSeconds": 60}],
        ),
        r"restrictions\[0\]\.startTimeOfDay: expected HH:MM:00",
    ),
    "daily restriction of a whole day": (
        _set(
            "schedules.default.layers.1.restrictions",
            [
                {
                    "type": "daily_restriction",
                    "startTimeOfDay": "00:00:00",
                    "durationSeconds": 86_400,
                }
            ],
        ),
        r"restrictions\[0\]\.durationSeconds: a daily restriction lasts less than 24 hours "
        r"\(1 to 86399 seconds\)",
    ),
    "weekly restriction without a start day": (
        _set(
            "schedules.default.layers.1.restrictions",
            [{"type": "weekly_restriction", "startTimeOfDay": "09:00:00", "durationSeconds": 60}],
        ),
        r"restrictions\[0\]\.startDayOfWeek: required for a weekly restriction",
    ),
    "end before start": (
        _set("schedules.default.layers.1.end", "2026-12-01T09:00:00-05:00"),
        r"schedules\.default\.layers\[1\]\.end: must be after the layer's start, "
        r"2026-12-07T09:00:00-05:00 \(got '2026-12-01T09:00:00-05:00'\)",
    ),
    "a phone importId on a user this stack creates": (
        _set("members.joe.phone.importId", "PCMPHONE"),
        r"members\.joe\.phone\.importId: only an adopted user",
    ),
    "a rule importId on a user this stack creates": (
        _set("members.joe.notify.high.1.importId", "PRULEHS"),
        r"members\.joe\.notify\.high\[1\]\.importId: only an adopted user",
    ),
    "a handoff importId on a user this stack creates": (
        _set("members.joe.handoff.importId", "PRULEHO"),
        r"members\.joe\.handoff\.importId: only an adopted user",
    ),
    "an importId on PagerDuty's own email-at-0 rule": (
        _both(
            _set("members.joe.importId", "PJOE001"),
            _set("members.joe.notify.low.0.importId", "PRULEL0"),
        ),
        r"members\.joe\.notify\.low\[0\]\.importId: email at 0 minutes is PagerDuty's own",
    ),
    "an empty sms label": (
        _set("members.joe.sms.label", ""),
        r"members\.joe\.sms\.label: expected a non-empty string",
    ),
    "existing and importId together": (
        _both(_set("members.joe.existing", True), _set("members.joe.importId", "PJOE001")),
        r"members\.joe\.importId: existing and importId exclude each other",
    ),
    "one rule adopted by a step and the handoff": (
        _both(
            _set("members.joe.importId", "PJOE001"),
            _set("members.joe.notify.high.1.importId", "PRULE01"),
            _set("members.joe.handoff", {"via": "email", "importId": "PRULE01"}),
        ),
        r"members\.joe\.handoff\.importId: the same rule as members\.joe\.notify\.high\[1\]: "
        "one rule is adopted once",
    ),
}


@pytest.mark.parametrize(("mutate", "message"), BAD_ARGS.values(), ids=BAD_ARGS.keys())
def test_bad_args_raise_one_value_error_naming_the_path(mutate: Mutation, message: str) -> None:
    args = guide_team()
    mutate(args)

    with pytest.raises(ValueError, match=message):
        plan(args)


def test_every_problem_is_reported_at_once() -> None:
    args = guide_team()
    args["escalationPolicy"]["numLoops"] = 10
    args["schedules"]["default"]["layers"][1]["rotationTurnLengthSeconds"] = 1800

    with pytest.raises(ValueError, match=r"2 problem\(s\)") as raised:
        plan(args)
    assert "escalationPolicy.numLoops" in str(raised.value)
    assert "rotationTurnLengthSeconds" in str(raised.value)


def test_bad_args_fail_before_anything_is_registered() -> None:
    args = guide_team()
    args["escalationPolicy"]["numLoops"] = 10

    def program() -> None:
        with pytest.raises(ValueError, match="numLoops"):
            TeamOnCall(NAME, cast(TeamOnCallArgs, args))

    assert run_program(program).resources == []


# --- The published shapes: provider schemas and the component's own ------------------------------


def _everything() -> dict[str, Any]:
    """Args that make TeamOnCall register every kind of child and call every lookup."""
    args = guide_team()
    args["createTeam"] = True
    args["members"]["jane"]["importId"] = "PJANE01"
    args["members"]["jane"]["notify"]["low"].append({"via": "email", "afterMinutes": 30})
    args["members"]["mo"] = {"name": "Mo Existing", "email": "mo@example.com", "existing": True}
    args["schedules"]["default"]["layers"][1]["restrictions"] = [
        {
            "type": "weekly_restriction",
            "startTimeOfDay": "09:00:00",
            "durationSeconds": 3600,
            "startDayOfWeek": 1,
        }
    ]
    args["escalationPolicy"]["rules"][1]["targets"].append({"type": "user", "ref": "mo"})
    return args


@pytest.mark.parametrize("preview", [False, True], ids=["up", "preview"])
def test_every_registration_and_lookup_fits_the_provider_schema(
    schemas: SchemaSet, preview: bool
) -> None:
    run = plan(_everything(), preview=preview)

    assert {r.type for r in all_but(run, COMPONENT)} == set(TEAM_TYPES)
    assert {i.token for i in run.invokes} == set(TEAM_LOOKUPS)
    assert check_run(run, schemas) == []


def test_every_resource_with_a_name_or_description_in_its_schema_sets_it(
    schemas: SchemaSet,
) -> None:
    run = plan(_everything())

    for r in all_but(run, COMPONENT):
        properties = schemas.resource_inputs(r.type)
        assert properties, r.type
        for key in ("name", "description"):
            if key in properties:
                assert r.inputs.get(key), f"{r.key} leaves {key} to the provider"
        assert r.inputs.get("description") != PAGERDUTY_DEFAULT_DESCRIPTION


def test_analyzer_infers_a_schema_with_every_property_described() -> None:
    result = Analyzer("pantheon-oncall").analyze([TeamOnCall])

    component = result["component_definitions"]["TeamOnCall"]
    undescribed = [
        f"{owner}.{name}"
        for owner, properties in [
            ("TeamOnCall.inputs", component.inputs),
            ("TeamOnCall.outputs", component.outputs),
            *((t.name, t.properties) for t in result["type_definitions"].values()),
        ]
        for name, prop in properties.items()
        if not prop.description
    ]
    assert undescribed == []
    assert set(component.outputs) == {"escalationPolicyId", "scheduleIds", "userIds", "teamId"}
