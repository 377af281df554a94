"""The PagerDuty account a deploy of a program run leaves, as the e2e PagerDutyDouble seeds it.

`account_from_run` reads what the program registered under the mock engine
(oncall.offline.recorded.Run, preview=False) and describes the objects the provider would have
created: users (with PagerDuty's own login e-mail method and rules, which seeding makes), their
contact methods, notification and handoff rules, teams and their members, schedules, escalation
policies and services. The mock engine names every resource's id `<resource name>-id`, and the
inputs that reference another resource carry that id: references are resolved through it to the
e-mail or name the seed spec uses. The ids the double gives are its own (`P000001`, …).

Left out: the services' integrations and Slack connections (the account is read back by
`oncall import`, which notes existing integrations), and anything not PagerDuty's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from oncall.offline.recorded import Registration, Run
from tests.support import T

# A user's rules: where the seed spec lists them, each field under its input's name.
_RULE_FIELDS: Final = {
    T.NOTIFICATION_RULE: (
        "notification_rules",
        {"urgency": "urgency", "start_delay_in_minutes": "startDelayInMinutes"},
    ),
    T.HANDOFF_RULE: (
        "handoff_rules",
        {"handoff_type": "handoffType", "notify_advance_in_minutes": "notifyAdvanceInMinutes"},
    ),
}


def account_from_run(run: Run) -> dict[str, Any]:
    """The seed spec (see PagerDutyDouble.seed) of the account a deploy of `run` leaves."""
    emails = {_id(r): r.inputs["email"] for r in run.of_type(T.USER)}
    teams = {_id(r): r.inputs["name"] for r in run.of_type(T.TEAM)}
    schedules = {_id(r): r.inputs["name"] for r in run.of_type(T.SCHEDULE)}
    policies = {_id(r): r.inputs["name"] for r in run.of_type(T.ESCALATION_POLICY)}
    # Where a user's rules point: their one contact method of each type, the login e-mail's.
    addresses = {(uid, "email_contact_method"): email for uid, email in emails.items()}
    for r in run.of_type(T.CONTACT_METHOD):
        addresses[(r.inputs["userId"], r.inputs["type"])] = r.inputs["address"]

    def method(inputs: Mapping[str, Any]) -> dict[str, str]:
        kind = str(inputs["contactMethod"]["type"]).removesuffix("_reference")
        return {"type": kind, "address": addresses[(inputs["userId"], kind)]}

    users = {uid: _user(r) for uid, r in ((_id(r), r) for r in run.of_type(T.USER))}
    for r in run.of_type(T.CONTACT_METHOD):
        i = r.inputs
        users[i["userId"]]["contact_methods"].append(
            {
                "type": i["type"],
                "address": i["address"],
                "label": i["label"],
                "country_code": i.get("countryCode", 1),
            }
        )
    for token, (collection, fields) in _RULE_FIELDS.items():
        for r in run.of_type(token):
            rule = {field: r.inputs[name] for field, name in fields.items()}
            users[r.inputs["userId"]][collection].append(
                rule | {"contact_method": method(r.inputs)}
            )
    members: dict[str, dict[str, str]] = {tid: {} for tid in teams}
    for r in run.of_type(T.MEMBERSHIP):
        members[r.inputs["teamId"]][emails[r.inputs["userId"]]] = r.inputs.get("role", "manager")
    return {
        "users": list(users.values()),
        "teams": [
            {"name": r.inputs["name"], "description": r.inputs.get("description")}
            | {"members": members[_id(r)]}
            for r in run.of_type(T.TEAM)
        ],
        "schedules": [_schedule(r.inputs, emails, teams) for r in run.of_type(T.SCHEDULE)],
        "escalation_policies": [
            _policy(r.inputs, emails, teams, schedules) for r in run.of_type(T.ESCALATION_POLICY)
        ],
        "services": [_service(r.inputs, policies) for r in run.of_type(T.SERVICE)],
    }


def _id(resource: Registration) -> str:
    """The id the mock engine gives a resource (oncall.offline.engine): `<name>-id`."""
    return f"{resource.name}-id"


def _user(resource: Registration) -> dict[str, Any]:
    i = resource.inputs
    return {
        "name": i["name"],
        "email": i["email"],
        "role": i["role"],
        "time_zone": i["timeZone"],
        "description": i.get("description"),
        "job_title": i.get("jobTitle"),
        "contact_methods": [],
        "notification_rules": [],
        "handoff_rules": [],
    }


def _schedule(
    inputs: Mapping[str, Any], emails: Mapping[str, str], teams: Mapping[str, str]
) -> dict[str, Any]:
    """A schedule, its layers in the order the provider sends them (the first one loses)."""
    layers = []
    for layer in inputs["layers"]:
        layers.append(
            {
                "name": layer["name"],
                "start": layer["start"],
                "end": layer.get("end"),
                "rotation_virtual_start": layer.get("rotationVirtualStart", layer["start"]),
                "rotation_turn_length_seconds": layer["rotationTurnLengthSeconds"],
                "users": [emails[u] for u in layer["users"]],
                "restrictions": [
                    {
                        "type": r["type"],
                        "start_time_of_day": r["startTimeOfDay"],
                        "duration_seconds": r["durationSeconds"],
                    }
                    | ({"start_day_of_week": r["startDayOfWeek"]} if "startDayOfWeek" in r else {})
                    for r in layer.get("restrictions") or []
                ],
            }
        )
    return {
        "name": inputs["name"],
        "time_zone": inputs["timeZone"],
        "description": inputs.get("description"),
        "teams": [teams[t] for t in inputs.get("teams") or []],
        "layers": layers,
    }


def _policy(
    inputs: Mapping[str, Any],
    emails: Mapping[str, str],
    teams: Mapping[str, str],
    schedules: Mapping[str, str],
) -> dict[str, Any]:
    def target(t: Mapping[str, str]) -> dict[str, str]:
        if t["type"] == "schedule_reference":
            return {"schedule": schedules[t["id"]]}
        return {"user": emails[t["id"]]}

    # The provider's `teams` of a policy is one team id (at most one team, as the API allows).
    team = inputs.get("teams")
    return {
        "name": inputs["name"],
        "description": inputs.get("description"),
        "num_loops": inputs.get("numLoops", 0),
        "teams": [teams[team]] if team else [],
        "rules": [
            {
                "escalation_delay_in_minutes": rule["escalationDelayInMinutes"],
                "targets": [target(t) for t in rule["targets"]],
            }
            for rule in inputs["rules"]
        ],
    }


def _service(inputs: Mapping[str, Any], policies: Mapping[str, str]) -> dict[str, Any]:
    service = {
        "name": inputs["name"],
        "description": inputs["description"],
        "escalation_policy": policies[inputs["escalationPolicy"]],
        "incident_urgency_rule": _api_names(inputs["incidentUrgencyRule"]),
        "auto_resolve_timeout": _timeout(inputs.get("autoResolveTimeout")),
        "acknowledgement_timeout": _timeout(inputs.get("acknowledgementTimeout")),
    }
    # Support hours and their actions under the API's names; the bridge's lists of one are
    # the provider's blocks (`ats` is the one `at`, pulumi-pagerduty's ServiceScheduledAction).
    if inputs.get("supportHours") is not None:
        service["support_hours"] = _api_names(inputs["supportHours"])
    if inputs.get("scheduledActions"):
        service["scheduled_actions"] = [
            _api_names({k: v for k, v in a.items() if k != "ats"}) | {"at": _api_names(a["ats"][0])}
            for a in inputs["scheduledActions"]
        ]
    return service


# The bridge's input names whose API name is not their snake case (pulumi-pagerduty's
# ServiceSupportHours pluralizes the list).
_RENAMED: Final = {"daysOfWeeks": "days_of_week"}


def _api_names(value: Mapping[str, Any]) -> dict[str, Any]:
    """An input object (and the objects in it) with the REST API's field names."""
    return {
        _RENAMED.get(key) or re.sub(r"(?<!^)([A-Z])", r"_\1", key).lower(): (
            _api_names(item) if isinstance(item, Mapping) else item
        )
        for key, item in value.items()
    }


def _timeout(seconds: str | None) -> int | None:
    """A service timeout as the API holds it: seconds, or null when off (the provider's "null")."""
    return None if seconds in (None, "null") else int(str(seconds))
