"""A service's urgency as the PagerDuty double checks it: `incident_urgency_rule` (constant or
`use_support_hours`), `support_hours` and `scheduled_actions`.

The shapes are the REST API's (PagerDuty/api-schema reference/REST/openapiv3.json): Service's
`incident_urgency_rule` is IncidentUrgencyRule (IncidentUrgencyType's `type` constant |
use_support_hours and `urgency` low | high | severity_based, plus `during_support_hours` and
`outside_support_hours`, each an IncidentUrgencyType); `support_hours` is SupportHours (`type`
fixed_time_per_day, `time_zone`, `days_of_week` 1 = Monday … 7 = Sunday, `start_time` and
`end_time` of format time); `scheduled_actions` is a list of ScheduledAction (`type`
urgency_change, `at` {`type` named_time, `name` support_hours_start | support_hours_end},
`to_urgency` high; all three required).

terraform-provider-pagerduty (pagerduty/resource_pagerduty_service.go) sends them through
heimweh/go-pagerduty's Service (every field `omitempty`): buildServiceStruct sends
`scheduled_actions: [null]` (one nil action) for a use_support_hours rule when none is
configured, and leaves `support_hours` out when it is not configured. It refuses two
configurations in customizePagerDutyServiceDiff, before any request: "general urgency cannot be
set for a use_support_hours incident urgency rule type", and a use_support_hours rule without
"exactly one (otherwise optional) support_hours block". The double refuses the same requests
with those texts (400, code 2001), so that a request that gets past the provider fails as the
provider says it would; the API's own wording for them is not in the sources. The provider's
docs (website/docs/r/service.html.markdown) add what the double also refuses: a scheduled
action needs a use_support_hours rule ("required when using type = use_support_hours"), and is
"only possible … when urgency is set to high for during_support_hours and to low for
outside_support_hours"; support hours need the account's `service_support_hours` ability (402
without it).

Assumptions of the double's own: a `[null]` action list is refused (the docs require the block;
what the API does with a null element is not documented); the support hours' start must be
before their end (one window a day, "fixed_time_per_day"); with a constant rule the service keeps
no support hours and no actions (as the API shows a service without them: `support_hours` null,
`scheduled_actions` []).
"""

import copy
import re
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

RULE_TYPES = ("constant", "use_support_hours")
URGENCIES = ("low", "high", "severity_based")
SUPPORT_HOURS_TYPES = ("fixed_time_per_day",)
ACTION_NAMES = ("support_hours_start", "support_hours_end")
ABILITY = "service_support_hours"
GENERAL_URGENCY = "general urgency cannot be set for a use_support_hours incident urgency rule type"
NEEDS_HOURS = (
    "when using type = use_support_hours in incident_urgency_rule you must specify exactly one "
    "(otherwise optional) support_hours block"
)
TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d:[0-5]\d")


def urgency_problems(service: Mapping[str, Any], request: Mapping[str, Any]) -> list[str]:
    """Why the service's urgency fields (after the `request` is applied) are refused; [] if not.
    Actions a service kept from a use_support_hours rule go with it when it turns constant; only
    actions the request sends with a constant rule are refused."""
    rule = service.get("incident_urgency_rule")
    if not isinstance(rule, Mapping):
        return [f"Incident urgency rule {rule!r} must be an object"]
    kind = rule.get("type", "constant")
    if kind not in RULE_TYPES:
        return [f"Incident urgency rule type {kind!r} must be one of {', '.join(RULE_TYPES)}"]
    if kind == "constant":
        problems = _urgency_type_problems(rule, "Incident urgency rule")
        if request.get("scheduled_actions"):
            problems.append("Scheduled actions require a use_support_hours incident urgency rule")
        return problems
    problems = [GENERAL_URGENCY] if rule.get("urgency") else []
    for part in ("during_support_hours", "outside_support_hours"):
        given = rule.get(part)
        if not isinstance(given, Mapping):
            problems.append(f"Incident urgency rule {part} must be given")
        else:
            problems.extend(_urgency_type_problems(given, f"Incident urgency rule {part}"))
    hours = service.get("support_hours")
    problems.extend(_support_hours_problems(hours) if hours is not None else [NEEDS_HOURS])
    problems.extend(_actions_problems(service.get("scheduled_actions"), rule))
    return problems


def stored_urgency(service: Mapping[str, Any]) -> dict[str, Any]:
    """The three fields as the API answers them for a service that passed urgency_problems."""
    rule = copy.deepcopy(dict(service["incident_urgency_rule"]))
    if rule.get("type", "constant") == "constant":
        rule = {"type": "constant", "urgency": rule.get("urgency", "high")}
        return {"incident_urgency_rule": rule, "support_hours": None, "scheduled_actions": []}
    rule.pop("urgency", None)
    for part in ("during_support_hours", "outside_support_hours"):
        rule[part] = {"type": "constant", **rule[part]}
    hours = dict(service["support_hours"])
    return {
        "incident_urgency_rule": rule,
        "support_hours": {
            "type": hours.get("type", "fixed_time_per_day"),
            "time_zone": hours["time_zone"],
            "days_of_week": list(hours["days_of_week"]),
            "start_time": hours["start_time"],
            "end_time": hours["end_time"],
        },
        "scheduled_actions": copy.deepcopy(list(service["scheduled_actions"])),
    }


def _urgency_type_problems(given: Mapping[str, Any], where: str) -> list[str]:
    if given.get("type", "constant") != "constant":
        return [f"{where} type {given.get('type')!r} must be constant"]
    urgency = given.get("urgency", "high")
    if urgency not in URGENCIES:
        return [f"{where} urgency {urgency!r} must be one of {', '.join(URGENCIES)}"]
    return []


def _support_hours_problems(hours: object) -> list[str]:
    if not isinstance(hours, Mapping):
        return [f"Support hours {hours!r} must be an object"]
    problems = []
    if hours.get("type", "fixed_time_per_day") not in SUPPORT_HOURS_TYPES:
        problems.append(f"Support hours type {hours.get('type')!r} must be fixed_time_per_day")
    zone = hours.get("time_zone")
    try:
        ZoneInfo(str(zone))
    except (ValueError, KeyError):
        problems.append(f"Support hours time zone {zone!r} is not a valid time zone")
    days = hours.get("days_of_week")
    if (
        not isinstance(days, list)
        or not days
        or any(type(day) is not int or not 1 <= day <= 7 for day in days)
        or len(set(days)) != len(days)
    ):
        problems.append(f"Support hours days_of_week {days!r} must be distinct days 1 to 7")
    start, end = hours.get("start_time"), hours.get("end_time")
    for name, value in (("start_time", start), ("end_time", end)):
        if not isinstance(value, str) or not TIME.fullmatch(value):
            problems.append(f"Support hours {name} {value!r} must be a time HH:MM:SS")
    if not problems and str(start) >= str(end):
        problems.append(f"Support hours start_time {start} must be before end_time {end}")
    return problems


def _actions_problems(actions: object, rule: Mapping[str, Any]) -> list[str]:
    if not isinstance(actions, list) or not actions:
        return ["Scheduled actions are required with a use_support_hours incident urgency rule"]
    problems = []
    for index, action in enumerate(actions):
        where = f"Scheduled action {index}"
        if not isinstance(action, Mapping):
            problems.append(f"{where} {action!r} must be an object")
            continue
        if action.get("type") != "urgency_change":
            problems.append(f"{where} type {action.get('type')!r} must be urgency_change")
        if action.get("to_urgency") != "high":
            problems.append(f"{where} to_urgency {action.get('to_urgency')!r} must be high")
        at = action.get("at")
        if (
            not isinstance(at, Mapping)
            or at.get("type") != "named_time"
            or at.get("name") not in ACTION_NAMES
        ):
            problems.append(
                f"{where} at {at!r} must be a named_time of {' or '.join(ACTION_NAMES)}"
            )
    during = (rule.get("during_support_hours") or {}).get("urgency")
    outside = (rule.get("outside_support_hours") or {}).get("urgency")
    if (during, outside) != ("high", "low"):
        problems.append(
            "Scheduled actions are only possible with high urgency during support hours and "
            "low urgency outside them"
        )
    return problems
