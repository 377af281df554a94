"""TeamOnCall's input checks: every problem in the args at once, each with its property path.

The component raises them as one pulumi.InputPropertiesError before it registers anything, so
bad args leave nothing behind. The vocabularies, patterns and bounds come from
components.vocabulary and the shared checker from components._args; what is here is only how
TeamOnCall's args fit together (members referenced by layers and targets, roles that can be on
call, steps that need a number the member has).
"""

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from components._args import Problems, is_one_of
from components.team_args import (
    DEFAULT_HANDOFF_MINUTES,
    DEFAULT_HANDOFF_TYPE,
    EscalationPolicyArgs,
    EscalationRuleArgs,
    HandoffArgs,
    LayerArgs,
    MemberArgs,
    NotifyStepArgs,
    PhoneArgs,
    RestrictionArgs,
    ScheduleArgs,
    TargetArgs,
    TeamOnCallArgs,
)
from components.vocabulary import (
    DEFAULT_ROLE,
    MAX_DAILY_RESTRICTION_SECONDS,
    MAX_NUM_LOOPS,
    MAX_PHONE_ADDRESS_LENGTH,
    MAX_TURN_SECONDS,
    MAX_WEEKLY_RESTRICTION_SECONDS,
    MIN_ESCALATION_DELAY_MINUTES,
    MIN_TURN_SECONDS,
    OFF_CALL_ROLES,
    SLUG,
    HandoffType,
    RestrictionType,
    Role,
    TargetType,
    Urgency,
    Via,
    is_pagerduty_default_rule,
    is_time_zone,
    trunk_prefix_problem,
    whole_number,
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DIGITS = re.compile(r"^[0-9]+$")
_TIME_OF_DAY = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]:00$")


def raise_if_invalid(args: Mapping[str, Any]) -> None:
    """Raise one ComponentArgsError (an InputPropertiesError) listing every problem in `args`."""
    problems(args).raise_if_any()


def problems(args: Mapping[str, Any]) -> Problems:
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
    role = _account(p, path, member)
    if member.get("existing", False) is True:
        return role  # nothing else of theirs is managed here
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
    _notify(p, path, member)
    handoff = member.get("handoff")
    if handoff is not None and p.keys(f"{path}.handoff", handoff, HandoffArgs):
        _handoff(p, path, member, handoff)
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
            p.add(path, "existing and importId exclude each other (existing creates nothing)")
    return str(role)


def _reachable(
    p: Problems, path: str, member: Mapping[str, Any], step_path: str, via: object
) -> None:
    """A step or handoff `via` names a way to reach the member that they have."""
    if not is_one_of(via, Via):
        p.add(f"{step_path}.via", f"expected email, sms or phone (got {via!r})")
    elif via != Via.EMAIL and via not in member:
        p.add(f"{step_path}.via", f"{via} needs {path}.{via}, which is not set")


def _notify(p: Problems, path: str, member: Mapping[str, Any]) -> None:
    """The member's notification steps per urgency: reachable, and no two alike."""
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
            _adopted_rule(p, spath, step, member)
            if "importId" in step and is_pagerduty_default_rule(step["via"], delay):
                p.add(
                    f"{spath}.importId",
                    "email at 0 minutes is PagerDuty's own rule, never created nor adopted "
                    f"(got {step['importId']!r})",
                )
            key = (step["via"], delay)
            if key in seen:
                p.add(spath, f"same via and afterMinutes as {upath}[{seen[key]}]")
            seen[key] = i


def _handoff(p: Problems, path: str, member: Mapping[str, Any], handoff: Mapping[str, Any]) -> None:
    """The member's handoff notification: reachable, a lead time, a known kind."""
    _reachable(p, path, member, f"{path}.handoff", handoff["via"])
    minutes = handoff.get("beforeMinutes", DEFAULT_HANDOFF_MINUTES)
    p.integer(f"{path}.handoff.beforeMinutes", minutes, 0, None)
    kind = handoff.get("type", DEFAULT_HANDOFF_TYPE)
    if not is_one_of(kind, HandoffType):
        p.add(f"{path}.handoff.type", f"expected oncall, offcall or both (got {kind!r})")
    _adopted_rule(p, f"{path}.handoff", handoff, member)


def _adopted_rule(
    p: Problems, path: str, rule: Mapping[str, Any], member: Mapping[str, Any]
) -> None:
    """A notification step's or the handoff's importId: only on an adopted user's rules."""
    if "importId" not in rule:
        return
    p.text(f"{path}.importId", rule["importId"])
    if "importId" not in member:
        p.add(
            f"{path}.importId",
            "only an adopted user (importId on the member) has rules to adopt "
            f"(got {rule['importId']!r})",
        )


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
    if not is_one_of(kind, RestrictionType):
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
        if p.keys(rpath, rule, EscalationRuleArgs):
            _rule(p, rpath, rule, roles, schedules)


def _rule(
    p: Problems,
    path: str,
    rule: Mapping[str, Any],
    roles: Mapping[str, str],
    schedules: set[str],
) -> None:
    """One escalation rule: a delay PagerDuty accepts, and targets that exist and can be on call."""
    delay = rule["escalationDelayInMinutes"]
    p.integer(f"{path}.escalationDelayInMinutes", delay, MIN_ESCALATION_DELAY_MINUTES, None)
    targets = rule["targets"]
    if not isinstance(targets, list) or not targets:
        p.add(f"{path}.targets", f"expected at least one target (got {targets!r})")
        return
    for j, target in enumerate(targets):
        tpath = f"{path}.targets[{j}]"
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
