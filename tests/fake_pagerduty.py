"""A PagerDuty account served over real HTTP (pytest-httpserver), shaped like the REST API v2.

Response shapes follow PagerDuty's API reference (PagerDuty/api-schema,
reference/REST/openapiv3.json, the examples of each endpoint): index endpoints wrap their items
in the plural name with `limit`, `offset`, `more` and `total`, single objects in the singular;
references carry `id`, `type` (`…_reference`) and `summary`; a schedule lists its layers with the
winning (last-added) layer first.

`FakeAccount.from_run` turns what the program registered under the mock engine (ids `<name>-id`)
into that account, so a stack can be planned, "deployed" and imported back.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from oncall.offline.recorded import Run
from tests.support import T


def ref(kind: str, obj: dict[str, Any]) -> dict[str, Any]:
    """A reference to `obj` as the API writes one."""
    return {
        "id": obj["id"],
        "type": f"{kind}_reference",
        "summary": obj.get("name") or obj.get("summary") or obj["id"],
        "self": f"https://api.pagerduty.com/{kind}s/{obj['id']}",
    }


@dataclass
class FakeAccount:
    """Objects by id, and what the server saw. `page_size` forces pagination; `throttled` paths
    answer 429 once (with `Retry-After: 7`) before they answer."""

    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    contact_methods: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    notification_rules: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    handoff_rules: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    schedules: dict[str, dict[str, Any]] = field(default_factory=dict)
    policies: dict[str, dict[str, Any]] = field(default_factory=dict)
    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    teams: dict[str, dict[str, Any]] = field(default_factory=dict)
    orchestrations: dict[str, dict[str, Any]] = field(default_factory=dict)
    page_size: int = 100
    strategies_entitled: bool = True
    """False: the account's plan lacks round-robin scheduling, and a policy asked for with
    include[]=escalation_rule_assignment_strategies is answered 403."""
    throttled: set[str] = field(default_factory=set)
    requests: list[str] = field(default_factory=list)
    authorizations: set[str] = field(default_factory=set)

    def serve(self, server: HTTPServer) -> str:
        """Answer every request on `server`; return the base URL for the client."""
        server.expect_request(re.compile(r".*")).respond_with_handler(self.handle)
        return server.url_for("").rstrip("/")

    def handle(self, request: Request) -> Response:
        query = "&".join(f"{k}={v}" for k, v in sorted(request.args.items(multi=True)))
        self.requests.append(f"{request.method} {request.path}?{query}")
        self.authorizations.add(request.headers.get("Authorization", ""))
        if request.path in self.throttled:
            self.throttled.discard(request.path)
            return Response("{}", status=429, headers={"Retry-After": "7"})
        body = self.answer(request)
        if body is None:
            return _json({"error": {"message": "Not Found", "code": 2100}}, 404)
        if isinstance(body, Response):
            return body
        return _json(body)

    def answer(self, request: Request) -> dict[str, Any] | Response | None:
        path, args = request.path, request.args
        indexes = {
            "/users": ("users", self.users),
            "/schedules": ("schedules", self.schedules),
            "/escalation_policies": ("escalation_policies", self.policies),
            "/services": ("services", self.services),
            "/teams": ("teams", self.teams),
        }
        if path in indexes:
            wrapper, objects = indexes[path]
            items = list(objects.values())
            if args.get("query"):
                items = [i for i in items if args["query"].lower() in i["name"].lower()]
            if args.getlist("team_ids[]"):
                wanted = set(args.getlist("team_ids[]"))
                items = [i for i in items if {t["id"] for t in i.get("teams", [])} & wanted]
            offset = int(args.get("offset", 0))
            limit = min(int(args.get("limit", 25)), self.page_size)
            page = items[offset : offset + limit]
            more = offset + len(page) < len(items)
            return {wrapper: page, "limit": limit, "offset": offset, "more": more, "total": None}
        singles = {
            "users": ("user", self.users),
            "schedules": ("schedule", self.schedules),
            "escalation_policies": ("escalation_policy", self.policies),
            "services": ("service", self.services),
            "teams": ("team", self.teams),
        }
        parts = path.strip("/").split("/")
        if len(parts) == 2 and parts[0] == "escalation_policies" and parts[1] in self.policies:
            return self._policy(self.policies[parts[1]], args.getlist("include[]"))
        if len(parts) == 2 and parts[0] in singles:
            wrapper, objects = singles[parts[0]]
            found = objects.get(parts[1])
            return None if found is None else {wrapper: found}
        if len(parts) == 3 and parts[0] == "users" and parts[1] in self.users:
            return self._user_list(parts[1], parts[2], args.get("urgency", "high"))
        if parts[:2] == ["event_orchestrations", "services"] and len(parts) == 3:
            found = self.orchestrations.get(parts[2])
            return None if found is None else {"orchestration_path": found}
        return None

    def _user_list(self, uid: str, what: str, urgency: str) -> dict[str, Any] | Response | None:
        """A user's contact methods, notification rules (of `urgency`) or handoff rules."""
        lists = {
            "contact_methods": self.contact_methods,
            "notification_rules": self.notification_rules,
            "oncall_handoff_notification_rules": self.handoff_rules,
        }
        if what not in lists:
            return None
        listed: list[dict[str, Any]] | None = lists[what].get(uid, [])
        if what == "notification_rules":
            listed = _of_urgency(listed or [], urgency)
            if listed is None:
                return _bad_request(f"urgency {urgency!r}")
        return {what: listed}

    def _policy(self, policy: dict[str, Any], include: list[str]) -> dict[str, Any] | Response:
        """A policy as GET /escalation_policies/{id} answers: its rules' assignment strategies
        only when asked for (include[]), which an account without the entitlement refuses."""
        strategies = "escalation_rule_assignment_strategies" in include
        if strategies and not self.strategies_entitled:
            return _json({"error": {"message": "Forbidden", "code": 2010}}, 403)
        key = "escalation_rule_assignment_strategy"
        rules = [
            rule if strategies else {k: v for k, v in rule.items() if k != key}
            for rule in policy.get("escalation_rules", [])
        ]
        return {"escalation_policy": {**policy, "escalation_rules": rules}}

    # -- building an account -----------------------------------------------------------------------

    def add_user(
        self, uid: str, name: str, email: str, role: str, time_zone: str, **extra: Any
    ) -> dict[str, Any]:
        """A user as PagerDuty creates one: with a "Default" email contact method for the login
        address and an email-at-once rule for each urgency."""
        user = {
            "id": uid,
            "type": "user",
            "summary": name,
            "name": name,
            "email": email,
            "role": role,
            "time_zone": time_zone,
            "description": extra.pop("description", None),
            "job_title": extra.pop("job_title", None),
            "html_url": f"https://acme.pagerduty.com/users/{uid}",
        }
        self.users[uid] = user
        login = self.add_contact_method(uid, f"{uid}E", "email_contact_method", email, "Default")
        for urgency in ("high", "low"):
            self.add_rule(uid, f"{uid}{urgency[0].upper()}0", urgency, 0, login)
        return user

    def add_contact_method(
        self, uid: str, mid: str, kind: str, address: str, label: str, country_code: int = 1
    ) -> dict[str, Any]:
        method: dict[str, Any] = {
            "id": mid,
            "type": kind,
            "summary": label,
            "label": label,
            "address": address,
        }
        if kind != "email_contact_method":
            method |= {"country_code": country_code, "enabled": True, "blacklisted": False}
        else:
            method["send_short_email"] = False
        self.contact_methods.setdefault(uid, []).append(method)
        return method

    def add_rule(
        self, uid: str, rid: str, urgency: str, delay: int, method: dict[str, Any]
    ) -> None:
        self.notification_rules.setdefault(uid, []).append(
            {
                "id": rid,
                "type": "assignment_notification_rule",
                "summary": f"{delay} minutes: channel {method['id']}",
                "start_delay_in_minutes": delay,
                "urgency": urgency,
                "contact_method": _method_ref(method),
            }
        )

    def add_handoff(
        self, uid: str, rid: str, kind: str, minutes: int, method: dict[str, Any]
    ) -> None:
        self.handoff_rules.setdefault(uid, []).append(
            {
                "id": rid,
                "handoff_type": kind,
                "notify_advance_in_minutes": minutes,
                "contact_method": _method_ref(method),
            }
        )

    @classmethod
    def from_run(cls, run: Run) -> FakeAccount:
        """The account a deploy of `run` (preview=False) would leave, in the API's shapes."""
        ids = _IdMap()
        account = cls()
        methods: dict[str, dict[str, Any]] = {}
        for r in run.of_type(T.USER):
            uid = ids(f"{r.name}-id")
            i = r.inputs
            account.add_user(uid, i["name"], i["email"], i["role"], i["timeZone"])
            account.users[uid]["description"] = i.get("description")
            account.users[uid]["job_title"] = i.get("jobTitle")
            methods[f"{uid}:email_contact_method"] = account.contact_methods[uid][0]
        for r in run.of_type(T.CONTACT_METHOD):
            i = r.inputs
            uid = ids(i["userId"])
            method = account.add_contact_method(
                uid, ids(f"{r.name}-id"), i["type"], i["address"], i["label"], i["countryCode"]
            )
            methods[f"{uid}:{i['type']}"] = method
        for r in run.of_type(T.NOTIFICATION_RULE):
            i = r.inputs
            uid = ids(i["userId"])
            method = methods[f"{uid}:{i['contactMethod']['type']}"]
            account.add_rule(
                uid, ids(f"{r.name}-id"), i["urgency"], i["startDelayInMinutes"], method
            )
        for r in run.of_type(T.HANDOFF_RULE):
            i = r.inputs
            uid = ids(i["userId"])
            method = methods[f"{uid}:{i['contactMethod']['type']}"]
            account.add_handoff(
                uid, ids(f"{r.name}-id"), i["handoffType"], i["notifyAdvanceInMinutes"], method
            )
        for r in run.of_type(T.SCHEDULE):
            sid = ids(f"{r.name}-id")
            account.schedules[sid] = _schedule(sid, r.inputs, ids, account.users)
        for r in run.of_type(T.ESCALATION_POLICY):
            pid = ids(f"{r.name}-id")
            account.policies[pid] = _policy(pid, r.inputs, ids, account)
        for r in run.of_type(T.SERVICE):
            service_id = ids(f"{r.name}-id")
            policy = account.policies[ids(r.inputs["escalationPolicy"])]
            account.services[service_id] = {
                "id": service_id,
                "type": "service",
                "summary": r.inputs["name"],
                "name": r.inputs["name"],
                "description": r.inputs["description"],
                "status": "active",
                "escalation_policy": ref("escalation_policy", policy),
                "incident_urgency_rule": r.inputs["incidentUrgencyRule"],
                "auto_resolve_timeout": _timeout(r.inputs.get("autoResolveTimeout")),
                "acknowledgement_timeout": _timeout(r.inputs.get("acknowledgementTimeout")),
                "integrations": [],
                "teams": [],
            }
        return account


def _team_ref(tid: str) -> dict[str, Any]:
    return {"id": tid, "type": "team_reference", "summary": tid}


def _timeout(seconds: str | None) -> int | None:
    """A service timeout as the API answers it: seconds, or null when off."""
    return None if seconds in (None, "null") else int(str(seconds))


class _IdMap:
    """Mock ids (`team-jane-id`) to PagerDuty-like ids (`PX0001`), stable per run."""

    def __init__(self) -> None:
        self._ids: dict[str, str] = {}

    def __call__(self, mock_id: str) -> str:
        return self._ids.setdefault(mock_id, f"PX{len(self._ids) + 1:04d}")


def _method_ref(method: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": method["id"],
        "type": f"{method['type']}_reference",
        "summary": method["label"],
        "self": f"https://api.pagerduty.com/users/x/contact_methods/{method['id']}",
    }


def _schedule(
    sid: str, inputs: dict[str, Any], ids: _IdMap, users: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    layers = []
    for index, layer in enumerate(inputs["layers"]):
        layers.append(
            {
                "id": f"{sid}L{index}",
                "name": layer["name"],
                "start": layer["start"],
                "end": layer.get("end"),
                "rotation_virtual_start": layer.get("rotationVirtualStart", layer["start"]),
                "rotation_turn_length_seconds": layer["rotationTurnLengthSeconds"],
                "users": [{"user": ref("user", users[ids(u)])} for u in layer["users"]],
                "restrictions": [
                    {
                        "type": r["type"],
                        "start_time_of_day": r["startTimeOfDay"],
                        "duration_seconds": r["durationSeconds"],
                        **(
                            {"start_day_of_week": r["startDayOfWeek"]}
                            if "startDayOfWeek" in r
                            else {}
                        ),
                    }
                    for r in layer.get("restrictions", [])
                ],
            }
        )
    return {
        "id": sid,
        "type": "schedule",
        "summary": inputs["name"],
        "name": inputs["name"],
        "time_zone": inputs["timeZone"],
        "description": inputs.get("description"),
        # The API lists the layer that wins first (the last one added).
        "schedule_layers": list(reversed(layers)),
        "teams": [_team_ref(ids(t)) for t in inputs.get("teams") or []],
    }


def _policy(pid: str, inputs: dict[str, Any], ids: _IdMap, account: FakeAccount) -> dict[str, Any]:
    def target(t: dict[str, Any]) -> dict[str, Any]:
        if t["type"] == "schedule_reference":
            return ref("schedule", account.schedules[ids(t["id"])])
        return ref("user", account.users[ids(t["id"])])

    return {
        "id": pid,
        "type": "escalation_policy",
        "summary": inputs["name"],
        "name": inputs["name"],
        "description": inputs.get("description"),
        "num_loops": inputs.get("numLoops", 0),
        "on_call_handoff_notifications": "if_has_services",
        "escalation_rules": [
            {
                "id": f"{pid}R{index}",
                "escalation_delay_in_minutes": rule["escalationDelayInMinutes"],
                "targets": [target(t) for t in rule["targets"]],
            }
            for index, rule in enumerate(inputs["rules"])
        ],
        "services": [],
        "teams": [_team_ref(ids(inputs["teams"]))] if inputs.get("teams") else [],
    }


def _of_urgency(rules: list[dict[str, Any]], urgency: str) -> list[dict[str, Any]] | None:
    """The rules GET /users/{id}/notification_rules answers for `urgency` (PagerDuty/api-schema,
    reference/REST/openapiv3.json, getUserNotificationRules: high, low or all; default high);
    None for another value (the API answers 400)."""
    if urgency == "all":
        return rules
    if urgency in ("high", "low"):
        return [r for r in rules if r["urgency"] == urgency]
    return None


def _bad_request(what: str) -> Response:
    return _json({"error": {"message": "Invalid Input Provided", "errors": [what]}}, 400)


def _json(body: object, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")
