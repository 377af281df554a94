"""TeamOnCall's input checks: every problem in the args at once, each with its property path.

The component raises them as one pulumi.InputPropertiesError before it registers anything, so
bad args leave nothing behind. The vocabularies, patterns and bounds come from
components.vocabulary and the shared checker from components._args; what is here is only how
TeamOnCall's args fit together (members referenced by layers and targets, roles that can be on
call, steps that need a number the member has).
"""

import re
from collections.abc import Mapping
from typing import Any

from components._args import Problems, is_one_of
from components.team.args import (
    DEFAULT_HANDOFF_MINUTES,
    DEFAULT_HANDOFF_TYPE,
    EscalationPolicyArgs,
    HandoffArgs,
    MemberArgs,
    NotifyStepArgs,
    PhoneArgs,
    ScheduleArgs,
    TeamOnCallArgs,
)
from components.team.schedules import check_policy, check_schedule
from components.vocabulary import (
    DEFAULT_ROLE,
    MAX_PHONE_ADDRESS_LENGTH,
    HandoffType,
    Role,
    Urgency,
    Via,
    is_pagerduty_default_rule,
    sms_prefix_problem,
    trunk_prefix_problem,
    whole_number,
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DIGITS = re.compile(r"^[0-9]+$")


def raise_if_invalid(args: Mapping[str, Any]) -> None:
    """Raise one ComponentArgsError (an InputPropertiesError) listing every problem in `args`."""
    problems(args).raise_if_any()


def problems(args: Mapping[str, Any]) -> Problems:
    """Every problem in `args`, each with its property path; empty when they are valid."""
    p = Problems("TeamOnCall")
    if not p.keys("", args, TeamOnCallArgs):
        return p
    p.text("name", args["name"])
    p.time_zone("timeZone", args["timeZone"])
    _options(p, args)
    members = args["members"]
    if not isinstance(members, Mapping) or not members:
        p.add("members", f"expected at least one member (got {members!r})")
        members = {}
    roles: dict[str, str] = {}
    emails: dict[str, str] = {}
    for slug, member in members.items():
        path = f"members.{slug}"
        p.slug("members", slug)
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
        p.slug("schedules", key)
        if p.keys(path, schedule, ScheduleArgs):
            check_schedule(p, path, schedule, roles)
        valid_schedules.add(key)

    policy = args["escalationPolicy"]
    if p.keys("escalationPolicy", policy, EscalationPolicyArgs):
        check_policy(p, "escalationPolicy", policy, roles, valid_schedules)
        _one_policy_team(p, args, policy)
    return p


def _one_policy_team(p: Problems, args: Mapping[str, Any], policy: Mapping[str, Any]) -> None:
    """PagerDuty assigns a policy to one team at most: createTeam's, or the one given."""
    if args.get("createTeam", False) is True and "team" in policy:
        p.add(
            "escalationPolicy.team",
            "createTeam assigns the policy to the team it creates, and a policy has one "
            f"team (got {policy['team']!r})",
        )


def _options(p: Problems, args: Mapping[str, Any]) -> None:
    """The team-wide switches, and where the args are written (for warnings)."""
    p.boolean("createTeam", args.get("createTeam", False))
    p.boolean("protect", args.get("protect", False))
    if "keyPath" in args:
        p.text("keyPath", args["keyPath"])


def _member(p: Problems, path: str, member: Mapping[str, Any]) -> str:
    """Check one member; return its role (the default when absent or invalid)."""
    role = _account(p, path, member)
    if member.get("existing", False) is True:
        return role  # nothing else of theirs is managed here
    if "timeZone" in member:
        p.time_zone(f"{path}.timeZone", member["timeZone"])
    for key in ("description", "jobTitle"):
        if key in member:
            p.exact_text(f"{path}.{key}", member[key])
    for via in (Via.PHONE, Via.SMS):
        if via in member and p.keys(f"{path}.{via}", member[via], PhoneArgs):
            _phone(p, f"{path}.{via}", member[via])
            if via is Via.SMS:
                _sms_number(p, f"{path}.sms", member[via])
            _adopted_contact(p, f"{path}.{via}", member[via], "importId" in member)
    if "emailContactMethodId" in member:
        p.text(f"{path}.emailContactMethodId", member["emailContactMethodId"])
    adopted: dict[str, str] = {}
    _notify(p, path, member, adopted)
    _handoff(p, path, member, adopted)
    return role


def _account(p: Problems, path: str, member: Mapping[str, Any]) -> str:
    """The member's user account: name, email, role, and whether it exists or is adopted; the
    role (the default when absent or invalid), which decides whether they can be on call."""
    p.text(f"{path}.name", member["name"])
    email = member["email"]
    if not isinstance(email, str) or not _EMAIL.match(email):
        p.add(f"{path}.email", f"expected an email address (got {email!r})")
    elif email != email.lower():
        p.add(f"{path}.email", f"must be lower-case, as PagerDuty compares it (got {email!r})")
    role = member.get("role", DEFAULT_ROLE)
    if not is_one_of(role, Role):
        allowed = ", ".join(r.value for r in Role)
        p.add(f"{path}.role", f"expected one of {allowed} (got {role!r})")
        role = DEFAULT_ROLE
    existing = member.get("existing", False)
    p.boolean(f"{path}.existing", existing)
    if "importId" in member:
        p.text(f"{path}.importId", member["importId"])
        if existing:
            p.add(
                f"{path}.importId",
                "existing and importId exclude each other: existing only looks the user up, "
                f"importId adopts it into this stack (got {member['importId']!r})",
            )
    return str(role)


def _reachable(
    p: Problems, path: str, member: Mapping[str, Any], step_path: str, via: object
) -> None:
    """A step or handoff `via` names a way to reach the member that they have."""
    if not is_one_of(via, Via):
        p.add(f"{step_path}.via", f"expected email, sms or phone (got {via!r})")
    elif via != Via.EMAIL and via not in member:
        p.add(f"{step_path}.via", f"{via} needs {path}.{via}, which is not set")


def _notify(p: Problems, path: str, member: Mapping[str, Any], adopted: dict[str, str]) -> None:
    """The member's notification steps per urgency: reachable, and no two alike (`adopted`: the
    rule ids adopted so far, by where)."""
    notify = member.get("notify", {})
    if not isinstance(notify, Mapping):
        p.add(f"{path}.notify", f"expected a map of urgency to steps (got {notify!r})")
        notify = {}
    for urgency, steps in notify.items():
        upath = f"{path}.notify.{urgency}"
        if not is_one_of(urgency, Urgency):
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
            _reachable(p, path, member, spath, step["via"])
            delay = step.get("afterMinutes", 0)
            p.integer(f"{spath}.afterMinutes", delay, 0, None)
            _adopted_rule(p, spath, step, member, adopted)
            if "importId" in step and is_pagerduty_default_rule(step["via"], delay):
                p.add(
                    f"{spath}.importId",
                    "email at 0 minutes is PagerDuty's own rule, which the stack never creates "
                    f"nor adopts: drop importId (got {step['importId']!r})",
                )
            key = (step["via"], delay)
            if key in seen:
                p.add(
                    spath,
                    f"same via and afterMinutes as {upath}[{seen[key]}]: PagerDuty refuses a "
                    "second rule alike",
                )
            seen[key] = i


def _handoff(p: Problems, path: str, member: Mapping[str, Any], adopted: dict[str, str]) -> None:
    """The member's handoff notification, if any: reachable, a lead time, a known kind."""
    handoff = member.get("handoff")
    if handoff is None or not p.keys(f"{path}.handoff", handoff, HandoffArgs):
        return
    _reachable(p, path, member, f"{path}.handoff", handoff["via"])
    minutes = handoff.get("beforeMinutes", DEFAULT_HANDOFF_MINUTES)
    p.integer(f"{path}.handoff.beforeMinutes", minutes, 0, None)
    kind = handoff.get("type", DEFAULT_HANDOFF_TYPE)
    if not is_one_of(kind, HandoffType):
        p.add(f"{path}.handoff.type", f"expected oncall, offcall or both (got {kind!r})")
    _adopted_rule(p, f"{path}.handoff", handoff, member, adopted)


def _adopted_rule(
    p: Problems,
    path: str,
    rule: Mapping[str, Any],
    member: Mapping[str, Any],
    adopted: dict[str, str],
) -> None:
    """A notification step's or the handoff's importId: only on an adopted user's rules, and
    each rule adopted once (`adopted`: the ids adopted so far, by where)."""
    if "importId" not in rule:
        return
    rule_id = rule["importId"]
    if not p.text(f"{path}.importId", rule_id):
        return
    if "importId" not in member:
        p.add(
            f"{path}.importId",
            "only an adopted user has rules to adopt: give the member's importId too, or drop "
            f"this one, a user this stack creates has none yet (got {rule_id!r})",
        )
    elif rule_id in adopted:
        p.add(
            f"{path}.importId",
            f"the same rule as {adopted[rule_id]}: one rule is adopted once (got {rule_id!r})",
        )
    adopted.setdefault(rule_id, path)


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
            p.slug(path, old)
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


def _sms_number(p: Problems, path: str, phone: Mapping[str, Any]) -> None:
    """An SMS number PagerDuty takes (a rule of SMS alone: components.vocabulary)."""
    code, number = whole_number(phone["countryCode"]), phone["number"]
    if code is not None and isinstance(number, str):
        problem = sms_prefix_problem(code, number)
        if problem is not None:
            p.add(f"{path}.number", f"{problem} (got {number!r})")


def _adopted_contact(p: Problems, path: str, phone: Mapping[str, Any], user_adopted: bool) -> None:
    """A phone or SMS contact method's importId and label."""
    for key in ("importId", "label"):
        if key in phone:
            p.text(f"{path}.{key}", phone[key])
    if "importId" in phone and not user_adopted:
        p.add(
            f"{path}.importId",
            "only an adopted user has contact methods to adopt: give the member's importId too, "
            f"or drop this one, a user this stack creates has none yet (got {phone['importId']!r})",
        )
