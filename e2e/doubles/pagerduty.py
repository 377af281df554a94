"""A stateful local double of PagerDuty's REST API v2, for the real provider under the real engine.

It answers every call terraform-provider-pagerduty makes (as bridged by pulumi-pagerduty) for the
resources and lookups this project's stacks use, read from the provider's source
(PagerDuty/terraform-provider-pagerduty, v3.32.x):

- the SDK half (pagerduty/resource_pagerduty_{user,schedule,escalation_policy,service,
  service_integration,slack_connection}.go, pagerduty/data_source_pagerduty_user_contact_method.go)
  through its vendored client vendor/github.com/heimweh/go-pagerduty/pagerduty/*.go;
- the framework half (pagerdutyplugin/resource_pagerduty_{team,team_membership,
  user_contact_method,user_notification_rule,user_handoff_notification_rule}.go,
  pagerdutyplugin/data_source_pagerduty_{user,vendor,escalation_policy,extension_schema}.go)
  through vendor/github.com/PagerDuty/go-pagerduty/*.go;
- the Slack connection, which the provider sends to https://app.pagerduty.com (its SlackClient,
  pagerduty/config.go, is not overridable) at /integration-slack/workspaces/{id}/connections.
  The double ignores the Host header, so one double answers both hosts behind the e2e proxy;
- and what `oncall import --service` reads besides: a service's orchestration,
  GET /event_orchestrations/services/{id} (empty rules unless seeded with some);
- and what `oncall override` sends: GET/POST /schedules/{id}/overrides and
  DELETE /schedules/{id}/overrides/{override_id} (the results list of createScheduleOverride,
  one status per override; deleting one under way truncates it to the double's clock, 200).

Shapes follow PagerDuty's API reference (PagerDuty/api-schema, reference/REST/openapiv3.json):
index endpoints wrap their items in the plural name with `limit`, `offset`, `more` and `total`
(`total` is null unless `total=true`); single objects come in the singular; references carry
`id`, `type` (`…_reference`), `summary`, `self` and `html_url`. Errors are
`{"error": {"message", "code", "errors": [...]}}` with `application/json`, which both clients
need to decode them (go-pagerduty's getErrorFromResponse checks the content type).

What the double refuses, as the API does: a second user with the same e-mail (case-insensitive;
"Email has already been taken", the exact text heimweh's UserService.Create looks for), a second
contact method with the same type, address and country code ("User Contact method must be
unique", the text pagerdutyplugin's contact method resource looks for), a notification rule whose
start delay another rule on the same contact method and urgency has ("Channel Start delay must be
unique for a given contact method"), duplicate names of teams, escalation policies and services,
deleting a schedule an escalation policy uses ("Schedule can't be deleted if it's being used by
escalation policies", the text resource_pagerduty_schedule.go matches), removing a team member an
escalation policy of the team targets ("User cannot be removed as they belong to an escalation
policy on this team", matched by pagerdutyplugin/resource_pagerduty_team_membership.go),
references to objects that do not exist, a service's urgency rule, support hours or scheduled
actions the API or the provider would refuse (e2e/doubles/pagerduty_support_hours.py), and any
request without an `Authorization: Token token=…` header (401).

Assumptions of the double's own (neither the provider nor the API reference settles them):
deleting a user an escalation policy targets, and an escalation policy a service uses, are
refused (400, wording of the double); the team-member refusal counts direct user targets only;
GET /oncalls lists direct user targets only (rendering schedules needs a clock); a new phone or
SMS contact method gets no notification rules of PagerDuty's own; rules and handoff rules show
their contact method with the plain type (`sms_contact_method`), as the provider says the API
answers (pagerdutyplugin/resource_pagerduty_user_handoff_notification_rule.go,
convertContactMethodDependencyType) and reads them back into its state (the API reference's
ContactMethodReference and examples write `…_reference` there).

PagerDuty's own side effects are modelled: a new user gets a "Default" e-mail contact method for
the login address and an e-mail-at-0-minutes notification rule for each urgency; deleting a
contact method deletes its rules; `GET /users/{id}/notification_rules` returns high-urgency rules
unless `urgency=low|all` is asked for; an escalation policy's rule assignment strategy only comes
with `include[]=escalation_rule_assignment_strategies`, which an account without that ability
answers 403; schedules list their layers last-added
first, with times in the schedule's time zone.

Use::

    with PagerDutyDouble() as pd:
        ids = pd.seed(guide_account())
        ...  # point pagerduty:apiUrlOverride at pd.url
        pd.state()["users"]      # what exists now
        pd.requests              # every request: method, path, query, status, host, authorized
        pd.unimplemented         # those answered 501
        pd.plan("GET", "/services", Planned(429, "{}", headers={"Retry-After": "7"}))
                                 # a fault of the test's instead of the next answer (_double.py)

Nothing reads the clock: timestamps the API returns (`created_at`) come from the `clock` given
to the constructor. Ids are deterministic (`P000001`, `P000002`, … in creation order).
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import re
import ssl
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from e2e.doubles._double import LocalDouble, Reply, Request
from e2e.doubles.pagerduty_support_hours import ABILITY, stored_urgency, urgency_problems

Json = dict[str, Any]
Query = dict[str, list[str]]

# The API's page size: default 25, at most 100 (openapiv3.json, parameter "limit").
DEFAULT_LIMIT = 25
MAX_LIMIT = 100
# A request body larger than this is refused (413): the double never reads unbounded input.
MAX_BODY = 1 << 20
FIXED_CLOCK = "2026-12-01T00:00:00Z"

CONTACT_TYPES = (
    "email_contact_method",
    "phone_contact_method",
    "sms_contact_method",
    "push_notification_contact_method",
)
USER_ROLES = (
    "admin",
    "limited_user",
    "observer",
    "owner",
    "read_only_user",
    "restricted_access",
    "read_only_limited_user",
    "user",
)
TEAM_ROLES = ("observer", "responder", "manager")
URGENCIES = ("high", "low")
HANDOFF_TYPES = ("both", "oncall", "offcall")
# What the account can do (GET /abilities): "teams" lets escalation policies and schedules have
# teams, "urgencies" allows low-urgency rules (a low-urgency rule is refused without it),
# "service_support_hours" support hours on a service (e2e/doubles/pagerduty_support_hours.py).
DEFAULT_ABILITIES = (
    "teams",
    "urgencies",
    "read_only_users",
    "team_responders",
    "escalation_rule_assignment_strategies",
    ABILITY,
)
# A few of PagerDuty's vendors (GET /vendors), New Relic included: the stacks look it up by
# name (pagerduty.get_vendor), and the provider pages through all of them.
DEFAULT_VENDORS = (
    ("Datadog", "api"),
    ("Email", "email"),
    ("Events API V2", "api"),
    ("Nagios", "api"),
    ("New Relic", "api"),
    ("New Relic Incident Intelligence", "api"),
    ("Pingdom", "api"),
    ("Slack", "api"),
)
DEFAULT_EXTENSION_SCHEMAS = ("Generic V2 Webhook", "Slack V2", "Custom Incident Action")


class ApiError(Exception):
    """An answer other than 2xx, as the API writes it."""

    def __init__(self, status: int, message: str, code: int, errors: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.body: Json = {"error": {"message": message, "code": code}}
        errors = list(errors)
        if errors:
            self.body["error"]["errors"] = errors


def not_found() -> ApiError:
    """The API's 404 (code 2100)."""
    return ApiError(404, "Not Found", 2100)


def invalid(*errors: str) -> ApiError:
    """The API's 400 for bad input (code 2001)."""
    return ApiError(400, "Invalid Input Provided", 2001, errors)


def no_ability() -> ApiError:
    """The API's 402: the account's plan lacks the ability."""
    return ApiError(402, "Account does not have the abilities to perform the action", 2012)


class UnimplementedError(Exception):
    """A request the double does not answer (501)."""


def _parse_time(value: str) -> dt.datetime:
    """A time the provider sends: RFC 3339, or Go's time.Time.String() ("2026-11-02 06:00:00
    +0000 UTC"), which resource_pagerduty_schedule.go sends for rotation_virtual_start."""
    text = value.strip()
    go = re.fullmatch(r"(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.\d+)? ([+-]\d{4})(?: \S+)?", text)
    if go:
        text = f"{go[1]}T{go[2]}{go[3][:3]}:{go[3][3:]}"
    text = text.replace("Z", "+00:00")
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError as error:
        raise invalid(f"{value} is not a valid time") from error
    if parsed.tzinfo is None:
        raise invalid(f"{value} has no offset")
    return parsed


def _in_zone(value: str, zone: str) -> str:
    """`value` as the API writes schedule times: ISO 8601 in the schedule's time zone."""
    return _parse_time(value).astimezone(ZoneInfo(zone)).isoformat()


def _zone(name: Any) -> str:
    try:
        ZoneInfo(str(name))
    except (ValueError, KeyError) as error:
        raise invalid(f"Time zone {name} is not a valid time zone") from error
    return str(name)


def _int(value: Any, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise invalid(f"{field} must be an integer between {low} and {high}")
    return value


def _text(body: Json, field: str) -> str:
    value = body.get(field)
    if not isinstance(value, str) or not value.strip():
        raise invalid(f"{field.replace('_', ' ').capitalize()} can't be blank")
    return value


def _one_of(value: Any, field: str, allowed: Iterable[str]) -> str:
    allowed = tuple(allowed)
    if value not in allowed:
        raise invalid(f"{field} must be one of {', '.join(allowed)}")
    return str(value)


def _wrapped(body: Any, key: str) -> Json:
    if not isinstance(body, dict) or not isinstance(body.get(key), dict):
        raise invalid(f"{key} is required")
    return body[key]


def _contact_type(value: Any) -> str:
    """A contact method type from a request: the plain type or its `_reference` form (the
    handoff rule sends `email_contact_method_reference`, pagerdutyplugin's
    convertContactMethodDependencyType)."""
    plain = str(value).removesuffix("_reference")
    return _one_of(plain, "contact_method.type", CONTACT_TYPES)


class _Account:
    """The objects of one PagerDuty account, by kind and id, and the operations on them. Not
    thread-safe by itself: the server serialises every request under one lock."""

    def __init__(
        self,
        clock: str,
        subdomain: str,
        time_zone: str,
        abilities: Iterable[str],
        slack_workspaces: Iterable[str] | None,
    ) -> None:
        self.clock = clock
        self.subdomain = subdomain
        self.time_zone = time_zone
        self.abilities = list(abilities)
        self.slack_workspaces = None if slack_workspaces is None else set(slack_workspaces)
        self.counter = 0
        self.chosen_ids: dict[str, str] = {}
        """Kind ("user", "contact_method", …) → the id the next new object of that kind gets,
        instead of the counter's: seeding an account whose ids are known. Popped when used."""
        self.users: dict[str, Json] = {}
        self.contact_methods: dict[str, Json] = {}  # id -> method (with "_user")
        self.notification_rules: dict[str, Json] = {}
        self.handoff_rules: dict[str, Json] = {}
        self.teams: dict[str, Json] = {}
        self.members: dict[str, dict[str, str]] = {}  # team id -> user id -> role
        self.schedules: dict[str, Json] = {}
        self.overrides: dict[str, list[Json]] = {}  # schedule id -> its overrides, as created
        self.policies: dict[str, Json] = {}
        self.services: dict[str, Json] = {}
        self.integrations: dict[str, Json] = {}  # id -> integration (with "_service")
        self.vendors: dict[str, Json] = {}
        self.extension_schemas: dict[str, Json] = {}
        self.slack_connections: dict[str, Json] = {}
        self.orchestrations: dict[str, Json] = {}  # service id -> its service orchestration
        self.license = {
            "id": self.new_id(),
            "type": "license",
            "name": "Full User",
            "summary": "Full User",
            "role_group": "FullUser",
            "valid_roles": ["owner", "admin", "user", "limited_user", "observer"],
        }
        for name, kind in DEFAULT_VENDORS:
            vid = self.new_id()
            self.vendors[vid] = {
                "id": vid,
                "type": "vendor",
                "name": name,
                "summary": name,
                "generic_service_type": kind,
                "self": self.api(f"vendors/{vid}"),
            }
        for name in DEFAULT_EXTENSION_SCHEMAS:
            sid = self.new_id()
            self.extension_schemas[sid] = {
                "id": sid,
                "type": "extension_schema",
                "label": name,
                "summary": name,
                "key": name.lower().replace(" ", "_"),
                "send_types": ["trigger", "acknowledge", "resolve"],
                "self": self.api(f"extension_schemas/{sid}"),
            }

    # -- ids and references ------------------------------------------------------------------------

    def new_id(self, kind: str = "") -> str:
        chosen = self.chosen_ids.pop(kind, None)
        if chosen is not None:
            return chosen
        self.counter += 1
        return f"P{self.counter:06d}"

    def api(self, path: str) -> str:
        return f"https://api.pagerduty.com/{path}"

    def web(self, path: str) -> str:
        return f"https://{self.subdomain}.pagerduty.com/{path}"

    def ref(self, kind: str, obj: Json, collection: str) -> Json:
        return {
            "id": obj["id"],
            "type": f"{kind}_reference",
            "summary": obj.get("summary") or obj.get("name") or obj["id"],
            "self": self.api(f"{collection}/{obj['id']}"),
            "html_url": self.web(f"{collection}/{obj['id']}"),
        }

    def user(self, uid: str) -> Json:
        if uid not in self.users:
            raise not_found()
        return self.users[uid]

    def team(self, tid: str) -> Json:
        if tid not in self.teams:
            raise not_found()
        return self.teams[tid]

    def team_refs(self, teams: Any, limit: int | None = None) -> list[Json]:
        if teams is None:
            return []
        if not isinstance(teams, list) or (limit is not None and len(teams) > limit):
            raise invalid(f"Teams must be a list of at most {limit} team references")
        if teams and "teams" not in self.abilities:
            raise no_ability()
        refs = []
        for team in teams:
            tid = team.get("id") if isinstance(team, dict) else team
            if tid not in self.teams:
                raise invalid(f"Team {tid} not found")
            refs.append(self.ref("team", self.teams[tid], "teams"))
        return refs

    # -- users -------------------------------------------------------------------------------------

    def email_taken(self, email: str, except_id: str | None = None) -> bool:
        wanted = email.lower()
        return any(
            u["email"].lower() == wanted and uid != except_id for uid, u in self.users.items()
        )

    def create_user(self, body: Json) -> Json:
        name, email = _text(body, "name"), _text(body, "email")
        if "@" not in email:
            raise invalid("Email is invalid")
        if self.email_taken(email):
            raise invalid("Email has already been taken")
        uid = self.new_id("user")
        user: Json = {
            "id": uid,
            "type": "user",
            "name": name,
            "summary": name,
            "email": email,
            "role": _one_of(body.get("role", "user"), "role", USER_ROLES),
            "time_zone": _zone(body.get("time_zone", self.time_zone)),
            "description": body.get("description"),
            "job_title": body.get("job_title"),
            "color": body.get("color", "purple"),
            "avatar_url": f"https://secure.gravatar.com/avatar/{uid}.png?d=mm&r=PG",
            "invitation_sent": False,
            "self": self.api(f"users/{uid}"),
            "html_url": self.web(f"users/{uid}"),
        }
        self.users[uid] = user
        # PagerDuty gives every new user a "Default" e-mail contact method for the login address
        # and an e-mail-at-once rule on it for each urgency.
        login = self.create_contact_method(
            uid, {"type": "email_contact_method", "address": email, "label": "Default"}
        )
        for urgency in URGENCIES:
            self.create_rule(
                uid,
                {
                    "start_delay_in_minutes": 0,
                    "urgency": urgency,
                    "contact_method": {"id": login["id"], "type": login["type"]},
                },
            )
        return self.show_user(uid, [])

    def update_user(self, uid: str, body: Json) -> Json:
        user = self.user(uid)
        if "email" in body:
            email = _text(body, "email")
            if self.email_taken(email, except_id=uid):
                raise invalid("Email has already been taken")
            user["email"] = email
        if "name" in body:
            user["name"] = user["summary"] = _text(body, "name")
        if "role" in body:
            user["role"] = _one_of(body["role"], "role", USER_ROLES)
        if "time_zone" in body:
            user["time_zone"] = _zone(body["time_zone"])
        for field in ("description", "job_title", "color"):
            if field in body:
                user[field] = body[field]
        return self.show_user(uid, [])

    def delete_user(self, uid: str) -> None:
        self.user(uid)
        for policy in self.policies.values():
            if any(t["id"] == uid for rule in policy["escalation_rules"] for t in rule["targets"]):
                raise invalid("User cannot be deleted as they belong to an escalation policy")
        del self.users[uid]
        for store in (self.contact_methods, self.notification_rules, self.handoff_rules):
            for oid in [k for k, v in store.items() if v["_user"] == uid]:
                del store[oid]
        for members in self.members.values():
            members.pop(uid, None)

    def show_user(self, uid: str, include: list[str]) -> Json:
        user = copy.deepcopy(self.user(uid))
        methods = [m for m in self.contact_methods.values() if m["_user"] == uid]
        rules = [r for r in self.notification_rules.values() if r["_user"] == uid]
        teams = [self.teams[t] for t, m in self.members.items() if uid in m]
        user["contact_methods"] = [
            self.public(m) if "contact_methods" in include else self.method_ref(m) for m in methods
        ]
        user["notification_rules"] = [
            self.public(r) if "notification_rules" in include else self.rule_ref(r) for r in rules
        ]
        user["teams"] = [
            self.public(t) if "teams" in include else self.ref("team", t, "teams") for t in teams
        ]
        return user

    def user_matches(self, uid: str, query: Query) -> bool:
        text = query.get("query", [""])[0].lower()
        user = self.users[uid]
        if text and text not in user["name"].lower() and text not in user["email"].lower():
            return False
        team_ids = set(query.get("team_ids[]", []))
        return not team_ids or any(uid in self.members.get(t, {}) for t in team_ids)

    # -- contact methods ---------------------------------------------------------------------------

    def method(self, uid: str, mid: str) -> Json:
        self.user(uid)
        method = self.contact_methods.get(mid)
        if method is None or method["_user"] != uid:
            raise not_found()
        return method

    def method_ref(self, method: Json) -> Json:
        return {
            "id": method["id"],
            "type": f"{method['type']}_reference",
            "summary": method["label"],
            "self": self.api(f"users/{method['_user']}/contact_methods/{method['id']}"),
            "html_url": None,
        }

    def method_fields(self, body: Json, kind: str) -> Json:
        address = _text(body, "address")
        fields: Json = {"address": address, "label": _text(body, "label")}
        if kind in ("phone_contact_method", "sms_contact_method"):
            if not address.isdigit():
                raise invalid("Address must be a valid phone number")
            fields["country_code"] = _int(body.get("country_code", 1), "country_code", 1, 999)
            fields["enabled"] = True
            fields["blacklisted"] = False
        elif kind == "email_contact_method":
            if "@" not in address:
                raise invalid("Address must be a valid email")
            fields["send_short_email"] = bool(body.get("send_short_email", False))
        else:
            fields["device_type"] = body.get("device_type", "ios")
            fields["enabled"] = True
            fields["blacklisted"] = False
        return fields

    def method_taken(self, uid: str, kind: str, fields: Json, except_id: str | None) -> bool:
        for method in self.contact_methods.values():
            if method["_user"] != uid or method["id"] == except_id or method["type"] != kind:
                continue
            same_code = method.get("country_code") == fields.get("country_code")
            if method["address"].lower() == fields["address"].lower() and same_code:
                return True
        return False

    def create_contact_method(self, uid: str, body: Json) -> Json:
        self.user(uid)
        kind = _one_of(body.get("type"), "type", CONTACT_TYPES)
        fields = self.method_fields(body, kind)
        if self.method_taken(uid, kind, fields, None):
            raise invalid("User Contact method must be unique")
        mid = self.new_id("contact_method")
        self.contact_methods[mid] = {
            "id": mid,
            "type": kind,
            "summary": fields["label"],
            "self": self.api(f"users/{uid}/contact_methods/{mid}"),
            "html_url": None,
            **fields,
            "_user": uid,
        }
        return self.public(self.contact_methods[mid])

    def update_contact_method(self, uid: str, mid: str, body: Json) -> Json:
        method = self.method(uid, mid)
        kind = _one_of(body.get("type", method["type"]), "type", CONTACT_TYPES)
        if kind != method["type"]:
            raise invalid("Type cannot be changed")
        merged = {k: v for k, v in method.items() if not k.startswith("_")} | body
        fields = self.method_fields(merged, kind)
        if self.method_taken(uid, kind, fields, mid):
            raise invalid("User Contact method must be unique")
        method.update(fields, summary=fields["label"])
        return self.public(method)

    def delete_contact_method(self, uid: str, mid: str) -> None:
        self.method(uid, mid)
        del self.contact_methods[mid]
        # The API drops the rules that used the method.
        for store in (self.notification_rules, self.handoff_rules):
            for rid in [k for k, v in store.items() if v["contact_method"]["id"] == mid]:
                del store[rid]

    def method_of(self, uid: str, reference: Any) -> Json:
        if not isinstance(reference, dict):
            raise invalid("Contact method is required")
        method = self.contact_methods.get(str(reference.get("id")))
        if method is None or method["_user"] != uid:
            raise invalid("Contact method not found")
        if "type" in reference and _contact_type(reference["type"]) != method["type"]:
            raise invalid("Contact method type does not match")
        return method

    # -- notification rules ------------------------------------------------------------------------

    def rule(self, uid: str, rid: str, store: dict[str, Json]) -> Json:
        self.user(uid)
        rule = store.get(rid)
        if rule is None or rule["_user"] != uid:
            raise not_found()
        return rule

    def rule_ref(self, rule: Json) -> Json:
        return {
            "id": rule["id"],
            "type": "assignment_notification_rule_reference",
            "summary": rule["summary"],
            "self": rule["self"],
            "html_url": None,
        }

    def rule_fields(self, uid: str, body: Json, rid: str | None) -> Json:
        urgency = _one_of(body.get("urgency", "high"), "urgency", URGENCIES)
        if urgency == "low" and "urgencies" not in self.abilities:
            raise no_ability()
        delay = _int(body.get("start_delay_in_minutes"), "start_delay_in_minutes", 0, 10080)
        method = self.method_of(uid, body.get("contact_method"))
        for other in self.notification_rules.values():
            same = other["contact_method"]["id"] == method["id"] and other["urgency"] == urgency
            clash = same and other["start_delay_in_minutes"] == delay
            if other["_user"] == uid and other["id"] != rid and clash:
                raise invalid("Channel Start delay must be unique for a given contact method")
        return {
            "urgency": urgency,
            "start_delay_in_minutes": delay,
            # Rules carry the contact method itself, typed without "_reference"
            # (pagerdutyplugin/resource_pagerduty_user_handoff_notification_rule.go,
            # convertContactMethodDependencyType: "the PagerDuty API returns without
            # '*_reference' values in the response").
            "contact_method": {"id": method["id"], "type": method["type"]},
            "summary": f"{delay} minutes: channel {method['id']}",
        }

    def create_rule(self, uid: str, body: Json) -> Json:
        self.user(uid)
        fields = self.rule_fields(uid, body, None)
        rid = self.new_id("notification_rule")
        self.notification_rules[rid] = {
            "id": rid,
            "type": "assignment_notification_rule",
            "self": self.api(f"users/{uid}/notification_rules/{rid}"),
            "html_url": None,
            **fields,
            "_user": uid,
        }
        return self.public(self.notification_rules[rid])

    def update_rule(self, uid: str, rid: str, body: Json) -> Json:
        rule = self.rule(uid, rid, self.notification_rules)
        merged = {k: v for k, v in rule.items() if not k.startswith("_")} | body
        rule.update(self.rule_fields(uid, merged, rid))
        return self.public(rule)

    def public(self, obj: Json) -> Json:
        """`obj` as the API shows it: without the double's own bookkeeping, contact methods
        expanded in rules."""
        shown = {k: copy.deepcopy(v) for k, v in obj.items() if not k.startswith("_")}
        reference = shown.get("contact_method")
        if isinstance(reference, dict) and reference.get("id") in self.contact_methods:
            shown["contact_method"] = self.public(self.contact_methods[reference["id"]])
        return shown

    # -- handoff rules -----------------------------------------------------------------------------

    def handoff_fields(self, uid: str, body: Json) -> Json:
        method = self.method_of(uid, body.get("contact_method"))
        return {
            "handoff_type": _one_of(
                body.get("handoff_type", "both"), "handoff_type", HANDOFF_TYPES
            ),
            "notify_advance_in_minutes": _int(
                body.get("notify_advance_in_minutes"), "notify_advance_in_minutes", 0, 10080
            ),
            "contact_method": {"id": method["id"], "type": method["type"]},
        }

    def create_handoff(self, uid: str, body: Json) -> Json:
        self.user(uid)
        fields = self.handoff_fields(uid, body)
        rid = self.new_id("handoff_rule")
        self.handoff_rules[rid] = {
            "id": rid,
            "type": "oncall_handoff_notification_rule",
            "self": self.api(f"users/{uid}/oncall_handoff_notification_rules/{rid}"),
            **fields,
            "_user": uid,
        }
        return self.public(self.handoff_rules[rid])

    def update_handoff(self, uid: str, rid: str, body: Json) -> Json:
        rule = self.rule(uid, rid, self.handoff_rules)
        merged = {k: v for k, v in rule.items() if not k.startswith("_")} | body
        rule.update(self.handoff_fields(uid, merged))
        return self.public(rule)

    # -- teams -------------------------------------------------------------------------------------

    def name_taken(self, store: Mapping[str, Json], name: str, except_id: str | None) -> bool:
        return any(o["name"] == name and oid != except_id for oid, o in store.items())

    def save_team(self, body: Json, tid: str | None) -> Json:
        name = _text(body, "name") if tid is None or "name" in body else self.teams[tid]["name"]
        if self.name_taken(self.teams, name, tid):
            raise invalid("Name has already been taken")
        parent = body.get("parent")
        if parent and (not isinstance(parent, dict) or parent.get("id") not in self.teams):
            raise invalid("Parent team not found")
        if tid is None:
            tid = self.new_id("team")
            self.teams[tid] = {
                "id": tid,
                "type": "team",
                "self": self.api(f"teams/{tid}"),
                "html_url": self.web(f"teams/{tid}"),
                "parent": None,
                "description": None,
                "default_role": "manager",
            }
            self.members[tid] = {}
        team = self.teams[tid]
        team.update(name=name, summary=name)
        for field in ("description", "default_role"):
            if field in body:
                team[field] = body[field]
        if parent:
            team["parent"] = self.ref("team", self.teams[parent["id"]], "teams")
        return self.public(team)

    def delete_team(self, tid: str) -> None:
        self.team(tid)
        del self.teams[tid]
        del self.members[tid]
        for obj in [*self.schedules.values(), *self.policies.values(), *self.services.values()]:
            obj["teams"] = [t for t in obj["teams"] if t["id"] != tid]

    def add_member(self, tid: str, uid: str, body: Json | None) -> None:
        team, _ = self.team(tid), self.user(uid)
        role = (body or {}).get("role") or team["default_role"]
        self.members[tid][uid] = _one_of(role, "role", TEAM_ROLES)

    def remove_member(self, tid: str, uid: str) -> None:
        self.team(tid)
        self.user(uid)
        for policy in self.policies.values():
            on_team = any(t["id"] == tid for t in policy["teams"])
            targeted = any(
                t["id"] == uid for rule in policy["escalation_rules"] for t in rule["targets"]
            )
            if on_team and targeted:
                raise invalid(
                    "User cannot be removed as they belong to an escalation policy on this team"
                )
        if uid not in self.members[tid]:
            raise not_found()
        del self.members[tid][uid]

    # -- schedules ---------------------------------------------------------------------------------

    def layer(self, body: Any, zone: str, old: Mapping[str, Json]) -> Json:
        if not isinstance(body, dict):
            raise invalid("Schedule layers must be objects")
        lid = body.get("id") if body.get("id") in old else self.new_id()
        users = []
        for entry in body.get("users") or []:
            uid = (entry.get("user") or {}).get("id") if isinstance(entry, dict) else None
            if uid not in self.users:
                raise invalid(f"User {uid} not found")
            users.append({"user": self.ref("user", self.users[uid], "users")})
        if not users:
            raise invalid("Schedule layer must have at least one user")
        end = body.get("end")
        return {
            "id": lid,
            "name": body.get("name") or f"Layer {len(old) + 1}",
            "start": _in_zone(_text(body, "start"), zone),
            "end": None if end in (None, "") else _in_zone(end, zone),
            "rotation_virtual_start": _in_zone(_text(body, "rotation_virtual_start"), zone),
            "rotation_turn_length_seconds": _int(
                body.get("rotation_turn_length_seconds"),
                "rotation_turn_length_seconds",
                1,
                31536000,
            ),
            "users": users,
            "restrictions": [self.restriction(r) for r in body.get("restrictions") or []],
            "rendered_schedule_entries": [],
            "rendered_coverage_percentage": None,
        }

    def restriction(self, body: Any) -> Json:
        if not isinstance(body, dict):
            raise invalid("Restrictions must be objects")
        kind = _one_of(body.get("type"), "type", ("daily_restriction", "weekly_restriction"))
        result: Json = {
            "type": kind,
            "start_time_of_day": _text(body, "start_time_of_day"),
            "duration_seconds": _int(body.get("duration_seconds"), "duration_seconds", 1, 604800),
        }
        if kind == "weekly_restriction":
            result["start_day_of_week"] = _int(
                body.get("start_day_of_week"), "start_day_of_week", 1, 7
            )
        return result

    def save_schedule(self, body: Json, sid: str | None) -> Json:
        old = self.schedules.get(sid or "", {})
        # Schedule names need not be unique (unlike teams, policies and services).
        name = _text(body, "name") if "name" in body or not old else old["name"]
        zone = _zone(body.get("time_zone", old.get("time_zone")))
        if "schedule_layers" in body or not old:
            sent = body.get("schedule_layers")
            if not isinstance(sent, list) or not sent:
                raise invalid("Schedule must have at least one layer")
            old_layers = {layer["id"]: layer for layer in old.get("_layers", [])}
            layers = [self.layer(layer, zone, old_layers) for layer in sent]
        else:
            layers = old["_layers"]
        teams = self.team_refs(body["teams"]) if "teams" in body else old.get("teams", [])
        sid = sid or self.new_id("schedule")
        self.schedules[sid] = {
            "id": sid,
            "type": "schedule",
            "name": name,
            "summary": name,
            "time_zone": zone,
            "description": body.get("description", old.get("description")),
            "teams": teams,
            "self": self.api(f"schedules/{sid}"),
            "html_url": self.web(f"schedules/{sid}"),
            "_layers": layers,  # in the order they were sent (the first one loses)
        }
        return self.show_schedule(sid)

    def show_schedule(self, sid: str) -> Json:
        if sid not in self.schedules:
            raise not_found()
        schedule = self.public(self.schedules[sid])
        layers = copy.deepcopy(self.schedules[sid]["_layers"])
        # The API lists the layer that wins first: the last one added
        # (resource_pagerduty_schedule.go, flattenScheduleLayers, reverses them back).
        schedule["schedule_layers"] = list(reversed(layers))
        users: dict[str, Json] = {}
        for layer in layers:
            for entry in layer["users"]:
                users.setdefault(entry["user"]["id"], entry["user"])
        schedule["users"] = list(users.values())
        schedule["escalation_policies"] = [
            self.ref("escalation_policy", p, "escalation_policies")
            for p in self.policies.values()
            if any(t["id"] == sid for rule in p["escalation_rules"] for t in rule["targets"])
        ]
        # The provider dereferences final_schedule unconditionally (flattenScheFinalSchedule).
        schedule["final_schedule"] = {
            "name": "Final Schedule",
            "rendered_schedule_entries": [],
            "rendered_coverage_percentage": None,
        }
        schedule["overrides_subschedule"] = {
            "name": "Overrides",
            "rendered_schedule_entries": [],
            "rendered_coverage_percentage": None,
        }
        return schedule

    # -- schedule overrides (openapiv3.json: listScheduleOverrides, createScheduleOverride,
    # deleteScheduleOverride) -----------------------------------------------------------------

    def create_overrides(self, sid: str, body: Any) -> list[Json]:
        """One result per override sent: {status, override} or {status: 400, errors, override};
        the legacy single `override` body is accepted too, as the API still does."""
        zone = self.schedules[sid]["time_zone"] if sid in self.schedules else None
        if zone is None:
            raise not_found()
        sent = body.get("overrides") if isinstance(body, dict) else None
        if sent is None and isinstance(body, dict) and isinstance(body.get("override"), dict):
            sent = [body["override"]]
        if not isinstance(sent, list) or not sent:
            raise invalid("overrides is required")
        results = []
        for raw in sent:
            uid = ((raw or {}).get("user") or {}).get("id") if isinstance(raw, dict) else None
            start, end = _parse_time(_text(raw, "start")), _parse_time(_text(raw, "end"))
            override: Json = {
                "start": start.astimezone(ZoneInfo(zone)).isoformat(),
                "end": end.astimezone(ZoneInfo(zone)).isoformat(),
                "user": self.ref("user", self.users[uid], "users") if uid in self.users else {},
            }
            errors = []
            if uid not in self.users:
                errors.append(f"User {uid} not found")
            if end <= start:
                errors.append("Override must end after its start")
            if errors:
                results.append({"status": 400, "errors": errors, "override": override})
                continue
            override = {"id": f"Q{self.new_id()}", **override}
            self.overrides.setdefault(sid, []).append(override)
            results.append({"status": 201, "override": copy.deepcopy(override)})
        return results

    def list_overrides(self, sid: str, query: Query) -> list[Json]:
        """The overrides meeting [since, until); truncated at the bounds unless overflow=true."""
        if sid not in self.schedules:
            raise not_found()
        if "since" not in query or "until" not in query:
            raise invalid("since and until are required")
        since, until = _parse_time(query["since"][0]), _parse_time(query["until"][0])
        overflow = query.get("overflow", ["false"])[0] == "true"
        zone = ZoneInfo(self.schedules[sid]["time_zone"])
        found = []
        for o in self.overrides.get(sid, []):
            start, end = _parse_time(o["start"]), _parse_time(o["end"])
            if start < until and end > since:
                shown = copy.deepcopy(o)
                if not overflow:
                    shown["start"] = max(start, since).astimezone(zone).isoformat()
                    shown["end"] = min(end, until).astimezone(zone).isoformat()
                found.append(shown)
        return found

    def delete_override(self, sid: str, oid: str) -> int:
        """204 gone; 200 when under way (truncated to the clock); a past one cannot go (400)."""
        listed = self.overrides.get(sid, [])
        found = next((o for o in listed if o["id"] == oid), None)
        if sid not in self.schedules or found is None:
            raise not_found()
        now = _parse_time(self.clock)
        if _parse_time(found["end"]) <= now:
            raise invalid("Cannot delete a past override")
        if _parse_time(found["start"]) < now:
            found["end"] = now.astimezone(ZoneInfo(self.schedules[sid]["time_zone"])).isoformat()
            return 200
        listed.remove(found)
        return 204

    def delete_schedule(self, sid: str) -> None:
        if sid not in self.schedules:
            raise not_found()
        if self.show_schedule(sid)["escalation_policies"]:
            raise invalid("Schedule can't be deleted if it's being used by escalation policies")
        del self.schedules[sid]

    # -- escalation policies -----------------------------------------------------------------------

    def target(self, body: Any) -> Json:
        if not isinstance(body, dict):
            raise invalid("Escalation rule targets must be objects")
        kind = str(body.get("type", "")).removesuffix("_reference")
        stores = {"user": (self.users, "users"), "schedule": (self.schedules, "schedules")}
        if kind not in stores:
            raise invalid(
                "Escalation rule target type must be user_reference or schedule_reference"
            )
        store, collection = stores[kind]
        if body.get("id") not in store:
            raise invalid(f"{kind.capitalize()} {body.get('id')} not found")
        return self.ref(kind, store[body["id"]], collection)

    def escalation_rule(self, body: Any, old: Mapping[str, Json]) -> Json:
        if not isinstance(body, dict):
            raise invalid("Escalation rules must be objects")
        targets = [self.target(t) for t in body.get("targets") or []]
        if not targets:
            raise invalid("Escalation rules must have at least one target")
        strategy = body.get("escalation_rule_assignment_strategy") or {"type": "assign_to_everyone"}
        return {
            "id": body["id"] if body.get("id") in old else self.new_id(),
            "escalation_delay_in_minutes": _int(
                body.get("escalation_delay_in_minutes", 30), "escalation_delay_in_minutes", 1, 1440
            ),
            "targets": targets,
            "escalation_rule_assignment_strategy": {"type": strategy.get("type")},
        }

    def save_policy(self, body: Json, pid: str | None) -> Json:
        old = self.policies.get(pid or "", {})
        name = _text(body, "name") if "name" in body or not old else old["name"]
        if self.name_taken(self.policies, name, pid):
            raise invalid("Name has already been taken")
        if "escalation_rules" in body or not old:
            sent = body.get("escalation_rules")
            if not isinstance(sent, list) or not sent:
                raise invalid("Escalation policy must have at least one rule")
            old_rules = {r["id"]: r for r in old.get("escalation_rules", [])}
            rules = [self.escalation_rule(r, old_rules) for r in sent]
        else:
            rules = old["escalation_rules"]
        pid = pid or self.new_id("escalation_policy")
        self.policies[pid] = {
            "id": pid,
            "type": "escalation_policy",
            "name": name,
            "summary": name,
            "description": body.get("description", old.get("description")),
            "num_loops": _int(body.get("num_loops", old.get("num_loops", 0)), "num_loops", 0, 9),
            "on_call_handoff_notifications": body.get(
                "on_call_handoff_notifications",
                old.get("on_call_handoff_notifications", "if_has_services"),
            ),
            "escalation_rules": rules,
            "teams": self.team_refs(body["teams"], 1) if "teams" in body else old.get("teams", []),
            "self": self.api(f"escalation_policies/{pid}"),
            "html_url": self.web(f"escalation_policies/{pid}"),
        }
        strategies = "escalation_rule_assignment_strategies"
        return self.show_policy(pid, [strategies] if strategies in self.abilities else [])

    def show_policy(self, pid: str, include: list[str]) -> Json:
        if pid not in self.policies:
            raise not_found()
        strategies = "escalation_rule_assignment_strategies"
        if strategies in include and strategies not in self.abilities:
            # An account without the entitlement refuses the include; the provider then reads
            # the policy without it (pagerduty/resource_pagerduty_escalation_policy.go,
            # fetchEscalationPolicy: isErrCode(err, http.StatusForbidden)).
            raise ApiError(403, "Forbidden", 2010)
        policy = self.public(self.policies[pid])
        if strategies not in include:
            for rule in policy["escalation_rules"]:
                rule.pop("escalation_rule_assignment_strategy", None)
        policy["services"] = [
            self.ref("service", s, "services")
            for s in self.services.values()
            if s["escalation_policy"]["id"] == pid
        ]
        if "teams" in include:
            policy["teams"] = [self.public(self.teams[t["id"]]) for t in policy["teams"]]
        return policy

    def delete_policy(self, pid: str) -> None:
        if pid not in self.policies:
            raise not_found()
        if self.show_policy(pid, [])["services"]:
            raise invalid("Escalation policy is in use by one or more services")
        del self.policies[pid]

    # -- services and integrations -----------------------------------------------------------------

    def save_service(self, body: Json, sid: str | None) -> Json:
        old = self.services.get(sid or "", {})
        name = _text(body, "name") if "name" in body or not old else old["name"]
        if self.name_taken(self.services, name, sid):
            raise invalid("Name has already been taken")
        policy_ref = body.get("escalation_policy", old.get("escalation_policy"))
        pid = policy_ref.get("id") if isinstance(policy_ref, dict) else None
        if pid not in self.policies:
            raise invalid("Escalation policy must be specified and exist")
        sid = sid or self.new_id("service")
        service: Json = {
            # The API's defaults for a service created without them (openapiv3.json, Service).
            "auto_resolve_timeout": 14400,
            "acknowledgement_timeout": 1800,
            "alert_creation": "create_alerts_and_incidents",
            "incident_urgency_rule": {"type": "constant", "urgency": "high"},
            "alert_grouping_parameters": {"type": None},
            "auto_pause_notifications_parameters": {"enabled": False, "timeout": None},
            "created_at": self.clock,
            "status": "active",
            "description": None,
            "response_play": None,
            "support_hours": None,
            "scheduled_actions": [],
            **old,
        }
        for field in (
            "auto_resolve_timeout",
            "acknowledgement_timeout",
            "alert_creation",
            "incident_urgency_rule",
            "alert_grouping_parameters",
            "auto_pause_notifications_parameters",
            "description",
            "support_hours",
            "scheduled_actions",
        ):
            if field in body:
                service[field] = body[field]
        for field in ("auto_resolve_timeout", "acknowledgement_timeout"):
            if service[field] is not None:
                service[field] = _int(service[field], field, 0, 2_147_483_647)
        rule = service["incident_urgency_rule"]
        hours_wanted = body.get("support_hours") is not None or (
            isinstance(rule, dict) and rule.get("type") == "use_support_hours"
        )
        if hours_wanted and ABILITY not in self.abilities:
            raise no_ability()
        problems = urgency_problems(service, body)
        if problems:
            raise invalid(*problems)
        service.update(stored_urgency(service))
        policy = self.policies[pid]
        service.update(
            id=sid,
            type="service",
            name=name,
            summary=name,
            escalation_policy=self.ref("escalation_policy", policy, "escalation_policies"),
            teams=copy.deepcopy(policy["teams"]),
            self=self.api(f"services/{sid}"),
            html_url=self.web(f"service-directory/{sid}"),
        )
        self.services[sid] = service
        if sid not in self.orchestrations:
            # Every service has a service orchestration from its creation on: an empty "start"
            # set and a catch-all without actions until rules are added.
            self.orchestrations[sid] = {
                "sets": [{"id": "start", "rules": []}],
                "catch_all": {"actions": {}},
                "created_at": self.clock,
                "updated_at": self.clock,
            }
        return self.show_service(sid, ["auto_pause_notifications_parameters"])

    def set_orchestration(self, sid: str, sets: Any, catch_all: Any) -> None:
        """Replace a service's orchestration rules (what PUT /event_orchestrations/services/{id}
        does; the double offers it to seeding only)."""
        if sid not in self.services:
            raise not_found()
        if not isinstance(sets, list) or not any(
            isinstance(s, dict) and s.get("id") == "start" for s in sets
        ):
            raise invalid('Sets must contain a "start" set')
        self.orchestrations[sid].update(
            sets=copy.deepcopy(sets), catch_all=copy.deepcopy(catch_all or {"actions": {}})
        )

    def show_orchestration(self, sid: str) -> Json:
        """GET /event_orchestrations/services/{id} (openapiv3.json, getOrchPathService, its
        example response): the service as `parent`, the `sets` of rules (the first is "start"),
        the `catch_all`. The double's orchestrations were never migrated from event rules, so
        `include[]=migrated_metadata` adds nothing."""
        if sid not in self.services:
            raise not_found()
        orchestration = self.orchestrations[sid]
        return {
            "type": "service",
            "parent": {"id": sid, "self": self.api(f"service/{sid}"), "type": "service_reference"},
            "self": self.api(f"event_orchestrations/service/{sid}"),
            "sets": copy.deepcopy(orchestration["sets"]),
            "catch_all": copy.deepcopy(orchestration["catch_all"]),
            "created_at": orchestration["created_at"],
            "created_by": None,
            "updated_at": orchestration["updated_at"],
            "updated_by": None,
            "version": None,
        }

    def show_service(self, sid: str, include: list[str]) -> Json:
        if sid not in self.services:
            raise not_found()
        service = self.public(self.services[sid])
        if "auto_pause_notifications_parameters" not in include:
            service.pop("auto_pause_notifications_parameters")
        # References typed after the integration: `generic_email_inbound_integration_reference`
        # (openapiv3.json, getService's example).
        service["integrations"] = [
            self.ref(i["type"], i, f"services/{sid}/integrations")
            for i in self.integrations.values()
            if i["_service"] == sid
        ]
        return service

    def delete_service(self, sid: str) -> None:
        if sid not in self.services:
            raise not_found()
        del self.services[sid]
        self.orchestrations.pop(sid, None)
        for iid in [k for k, v in self.integrations.items() if v["_service"] == sid]:
            del self.integrations[iid]
        for cid in [k for k, v in self.slack_connections.items() if v["source_id"] == sid]:
            del self.slack_connections[cid]

    def integration(self, sid: str, iid: str) -> Json:
        if sid not in self.services:
            raise not_found()
        found = self.integrations.get(iid)
        if found is None or found["_service"] != sid:
            raise not_found()
        return found

    def save_integration(self, sid: str, body: Json, iid: str | None) -> Json:
        if sid not in self.services:
            raise not_found()
        old = self.integrations.get(iid or "", {})
        vendor_ref = body.get("vendor", old.get("vendor"))
        vendor = None
        if vendor_ref:
            vendor = self.vendors.get(vendor_ref.get("id"))
            if vendor is None:
                raise invalid(f"Vendor {vendor_ref.get('id')} not found")
        kind = body.get("type") or old.get("type") or "generic_events_api_inbound_integration"
        if vendor is None and not body.get("type") and not old:
            raise invalid("Type or vendor must be specified")
        iid = iid or self.new_id("integration")
        name = body.get("name") or old.get("name") or (vendor or {}).get("name") or kind
        self.integrations[iid] = {
            "id": iid,
            "type": kind,
            "name": name,
            "summary": name,
            "service": self.ref("service", self.services[sid], "services"),
            "vendor": None if vendor is None else self.ref("vendor", vendor, "vendors"),
            "created_at": old.get("created_at", self.clock),
            # A deterministic 32-hex-digit key, like the API's.
            "integration_key": old.get("integration_key")
            or hashlib.sha256(iid.encode()).hexdigest()[:32],
            "self": self.api(f"services/{sid}/integrations/{iid}"),
            "html_url": self.web(f"services/{sid}/integrations/{iid}"),
            "_service": sid,
        }
        return self.public(self.integrations[iid])

    # -- Slack connections (app.pagerduty.com) -----------------------------------------------------

    def workspace(self, wid: str) -> None:
        # A workspace the account was never connected to (by hand, in PagerDuty's UI) answers 404.
        if self.slack_workspaces is not None and wid not in self.slack_workspaces:
            raise not_found()

    def save_slack_connection(self, wid: str, body: Json, cid: str | None) -> Json:
        self.workspace(wid)
        old = self.slack_connections.get(cid or "", {})
        merged = {**old, **body}
        source_type = _one_of(
            merged.get("source_type"), "source_type", ("service_reference", "team_reference")
        )
        source_id = _text(merged, "source_id")
        store = self.services if source_type == "service_reference" else self.teams
        if source_id not in store:
            raise invalid(f"Source {source_id} not found")
        config = merged.get("config") or {}
        events = config.get("events") or []
        if not events:
            raise invalid("Config events can't be blank")
        cid = cid or self.new_id()
        self.slack_connections[cid] = {
            "id": cid,
            "source_id": source_id,
            "source_name": store[source_id]["name"],
            "source_type": source_type,
            "channel_id": _text(merged, "channel_id"),
            "channel_name": merged.get("channel_name") or merged["channel_id"],
            "workspace_id": wid,
            "notification_type": _one_of(
                merged.get("notification_type"), "notification_type", ("responder", "stakeholder")
            ),
            "config": {
                "events": list(events),
                "priorities": config.get("priorities"),
                "urgency": config.get("urgency"),
            },
        }
        return copy.deepcopy(self.slack_connections[cid])

    def slack_connection(self, wid: str, cid: str) -> Json:
        self.workspace(wid)
        found = self.slack_connections.get(cid)
        if found is None or found["workspace_id"] != wid:
            raise not_found()
        return found

    # -- on-calls ----------------------------------------------------------------------------------

    def oncalls(self, query: Query) -> list[Json]:
        """Who is on call: the users an escalation policy targets directly, always (the API
        writes `start`/`end` null for them). Schedule targets are not rendered: that needs a
        clock and the rotation arithmetic."""
        user_ids = set(query.get("user_ids[]", []))
        policy_ids = set(query.get("escalation_policy_ids[]", []))
        result = []
        for policy in self.policies.values():
            if policy_ids and policy["id"] not in policy_ids:
                continue
            for level, rule in enumerate(policy["escalation_rules"], start=1):
                for target in rule["targets"]:
                    uid = target["id"]
                    if target["type"] != "user_reference" or (user_ids and uid not in user_ids):
                        continue
                    result.append(
                        {
                            "escalation_policy": self.ref(
                                "escalation_policy", policy, "escalation_policies"
                            ),
                            "escalation_level": level,
                            "schedule": None,
                            "user": self.ref("user", self.users[uid], "users"),
                            "start": None,
                            "end": None,
                        }
                    )
        return result

    # -- inspection --------------------------------------------------------------------------------

    def snapshot(self) -> Json:
        def listed(store: Mapping[str, Json]) -> list[Json]:
            return [copy.deepcopy(v) for v in store.values()]

        schedules = [
            {**self.public(s), "schedule_layers": copy.deepcopy(s["_layers"])}
            for s in self.schedules.values()
        ]
        return {
            "users": [self.show_user(uid, []) for uid in self.users],
            "contact_methods": listed(self.contact_methods),
            "notification_rules": listed(self.notification_rules),
            "handoff_rules": listed(self.handoff_rules),
            "teams": listed(self.teams),
            "memberships": [
                {"team_id": t, "user_id": u, "role": r}
                for t, members in self.members.items()
                for u, r in members.items()
            ],
            "schedules": schedules,
            "escalation_policies": listed(self.policies),
            "services": listed(self.services),
            "integrations": listed(self.integrations),
            "slack_connections": listed(self.slack_connections),
            "service_orchestrations": [self.show_orchestration(sid) for sid in self.services],
            "overrides": {sid: copy.deepcopy(found) for sid, found in self.overrides.items()},
        }


# --- HTTP -----------------------------------------------------------------------------------------

Handler = Callable[[_Account, "Call"], tuple[int, Any]]


class Call:
    """One request, parsed: the path's captured ids, the query and the JSON body."""

    def __init__(
        self, groups: tuple[str, ...], query: Query, body: Any, page_size: int = MAX_LIMIT
    ) -> None:
        self.groups = groups
        self.query = query
        self.body = body
        self.page_size = page_size

    @property
    def include(self) -> list[str]:
        """The `include[]` values asked for."""
        return self.query.get("include[]", []) + self.query.get("include", [])

    def page(self, wrapper: str, items: list[Json]) -> tuple[int, Json]:
        """A page of `items` under `wrapper`, with the API's pagination fields."""
        try:
            limit = int(self.query.get("limit", [DEFAULT_LIMIT])[0])
            offset = int(self.query.get("offset", [0])[0])
        except ValueError as error:
            raise invalid("limit and offset must be integers") from error
        if limit < 1 or offset < 0:
            raise invalid("limit must be positive and offset not negative")
        limit = min(limit, self.page_size)
        chunk = items[offset : offset + limit]
        total = len(items) if self.query.get("total", ["false"])[0] == "true" else None
        return 200, {
            wrapper: chunk,
            "limit": limit,
            "offset": offset,
            "more": offset + len(chunk) < len(items),
            "total": total,
        }


def _matching(items: Iterable[Json], call: Call, *fields: str) -> list[Json]:
    """`items` whose `fields` contain the `query` parameter (case-insensitive), as the API's
    index endpoints filter."""
    text = call.query.get("query", [""])[0].lower()
    return [i for i in items if not text or any(text in str(i.get(f, "")).lower() for f in fields)]


def _list_users(a: _Account, c: Call) -> tuple[int, Any]:
    return c.page(
        "users", [a.show_user(uid, c.include) for uid in a.users if a.user_matches(uid, c.query)]
    )


def _list_contact_methods(a: _Account, c: Call) -> tuple[int, Any]:
    uid = c.groups[0]
    a.user(uid)
    methods = [a.public(m) for m in a.contact_methods.values() if m["_user"] == uid]
    return 200, {"contact_methods": methods}


def _list_rules(a: _Account, c: Call) -> tuple[int, Any]:
    uid = c.groups[0]
    a.user(uid)
    # High urgency unless asked otherwise (openapiv3.json, GET /users/{id}/notification_rules).
    urgency = c.query.get("urgency", ["high"])[0]
    _one_of(urgency, "urgency", ("high", "low", "all"))
    rules = [
        a.public(r)
        for r in a.notification_rules.values()
        if r["_user"] == uid and urgency in ("all", r["urgency"])
    ]
    return 200, {"notification_rules": rules}


def _list_handoffs(a: _Account, c: Call) -> tuple[int, Any]:
    uid = c.groups[0]
    a.user(uid)
    rules = [a.public(r) for r in a.handoff_rules.values() if r["_user"] == uid]
    # Not paginated (openapiv3.json: only the list under its name), like contact methods.
    return 200, {"oncall_handoff_notification_rules": rules}


def _list_teams(a: _Account, c: Call) -> tuple[int, Any]:
    return c.page("teams", _matching([a.public(t) for t in a.teams.values()], c, "name"))


def _team_members(a: _Account, c: Call) -> tuple[int, Any]:
    tid = c.groups[0]
    a.team(tid)
    members = [
        {"user": a.ref("user", a.users[uid], "users"), "role": role}
        for uid, role in a.members[tid].items()
    ]
    return c.page("members", members)


def _list_schedules(a: _Account, c: Call) -> tuple[int, Any]:
    items = _matching([a.show_schedule(s) for s in a.schedules], c, "name")
    return c.page("schedules", items)


def _list_policies(a: _Account, c: Call) -> tuple[int, Any]:
    items = _matching([a.show_policy(p, c.include) for p in a.policies], c, "name")
    team_ids = set(c.query.get("team_ids[]", []))
    if team_ids:
        items = [p for p in items if {t["id"] for t in p["teams"]} & team_ids]
    user_ids = set(c.query.get("user_ids[]", []))
    if user_ids:
        items = [
            p
            for p in items
            if any(t["id"] in user_ids for r in p["escalation_rules"] for t in r["targets"])
        ]
    return c.page("escalation_policies", items)


def _list_services(a: _Account, c: Call) -> tuple[int, Any]:
    items = _matching([a.show_service(s, c.include) for s in a.services], c, "name")
    team_ids = set(c.query.get("team_ids[]", []))
    if team_ids:
        items = [s for s in items if {t["id"] for t in s["teams"]} & team_ids]
    return c.page("services", items)


def _one(store_name: str, wrapper: str) -> Handler:
    def handler(a: _Account, c: Call) -> tuple[int, Any]:
        found = getattr(a, store_name).get(c.groups[0])
        if found is None:
            raise not_found()
        return 200, {wrapper: a.public(found)}

    return handler


def _ability(a: _Account, c: Call) -> tuple[int, Any]:
    if c.groups[0] in a.abilities:
        return 204, None
    raise no_ability()


def _license(a: _Account, c: Call) -> tuple[int, Any]:
    a.user(c.groups[0])
    return 200, {"license": a.license}


def _list_slack(a: _Account, c: Call) -> tuple[int, Any]:
    a.workspace(c.groups[0])
    wid = c.groups[0]
    connections = [
        copy.deepcopy(s) for s in a.slack_connections.values() if s["workspace_id"] == wid
    ]
    return c.page("slack_connections", connections)


def _delete_membership(a: _Account, c: Call) -> tuple[int, Any]:
    a.remove_member(c.groups[0], c.groups[1])
    return 204, None


def _add_membership(a: _Account, c: Call) -> tuple[int, Any]:
    a.add_member(c.groups[0], c.groups[1], c.body if isinstance(c.body, dict) else None)
    return 204, None


def _body(c: Call, key: str) -> Json:
    return _wrapped(c.body, key)


def _deleted(action: Callable[[_Account, Call], None]) -> Handler:
    def handler(a: _Account, c: Call) -> tuple[int, Any]:
        action(a, c)
        return 204, None

    return handler


def _delete_rule(store: str) -> Handler:
    def action(a: _Account, c: Call) -> None:
        a.rule(c.groups[0], c.groups[1], getattr(a, store))
        del getattr(a, store)[c.groups[1]]

    return _deleted(action)


def _show_rule(store: str, wrapper: str) -> Handler:
    def handler(a: _Account, c: Call) -> tuple[int, Any]:
        return 200, {wrapper: a.public(a.rule(c.groups[0], c.groups[1], getattr(a, store)))}

    return handler


def _delete_slack(a: _Account, c: Call) -> None:
    a.slack_connection(c.groups[0], c.groups[1])
    del a.slack_connections[c.groups[1]]


def _delete_integration(a: _Account, c: Call) -> None:
    a.integration(c.groups[0], c.groups[1])
    del a.integrations[c.groups[1]]


# Any path segment: an id that does not exist (a name, say) is the API's 404, not a 501.
ID = r"([^/]+)"
U = f"/users/{ID}"
SLACK = f"/integration-slack/workspaces/{ID}/connections"

ROUTES: list[tuple[str, str, Handler]] = [
    ("GET", "/abilities", lambda a, c: (200, {"abilities": list(a.abilities)})),
    ("GET", f"/abilities/{ID}", _ability),
    # users
    ("GET", "/users", _list_users),
    ("POST", "/users", lambda a, c: (201, {"user": a.create_user(_body(c, "user"))})),
    ("GET", f"{U}", lambda a, c: (200, {"user": a.show_user(c.groups[0], c.include)})),
    ("PUT", f"{U}", lambda a, c: (200, {"user": a.update_user(c.groups[0], _body(c, "user"))})),
    ("DELETE", f"{U}", _deleted(lambda a, c: a.delete_user(c.groups[0]))),
    ("GET", f"{U}/license", _license),
    ("GET", "/licenses", lambda a, c: (200, {"licenses": [a.license]})),
    # contact methods
    ("GET", f"{U}/contact_methods", _list_contact_methods),
    (
        "POST",
        f"{U}/contact_methods",
        lambda a, c: (
            201,
            {"contact_method": a.create_contact_method(c.groups[0], _body(c, "contact_method"))},
        ),
    ),
    (
        "GET",
        f"{U}/contact_methods/{ID}",
        lambda a, c: (200, {"contact_method": a.public(a.method(c.groups[0], c.groups[1]))}),
    ),
    (
        "PUT",
        f"{U}/contact_methods/{ID}",
        lambda a, c: (
            200,
            {
                "contact_method": a.update_contact_method(
                    c.groups[0], c.groups[1], _body(c, "contact_method")
                )
            },
        ),
    ),
    (
        "DELETE",
        f"{U}/contact_methods/{ID}",
        _deleted(lambda a, c: a.delete_contact_method(c.groups[0], c.groups[1])),
    ),
    # notification rules
    ("GET", f"{U}/notification_rules", _list_rules),
    (
        "POST",
        f"{U}/notification_rules",
        lambda a, c: (
            201,
            {"notification_rule": a.create_rule(c.groups[0], _body(c, "notification_rule"))},
        ),
    ),
    (
        "GET",
        f"{U}/notification_rules/{ID}",
        _show_rule("notification_rules", "notification_rule"),
    ),
    (
        "PUT",
        f"{U}/notification_rules/{ID}",
        lambda a, c: (
            200,
            {
                "notification_rule": a.update_rule(
                    c.groups[0], c.groups[1], _body(c, "notification_rule")
                )
            },
        ),
    ),
    ("DELETE", f"{U}/notification_rules/{ID}", _delete_rule("notification_rules")),
    # handoff rules
    ("GET", f"{U}/oncall_handoff_notification_rules", _list_handoffs),
    (
        "POST",
        f"{U}/oncall_handoff_notification_rules",
        lambda a, c: (
            201,
            {
                "oncall_handoff_notification_rule": a.create_handoff(
                    c.groups[0], _body(c, "oncall_handoff_notification_rule")
                )
            },
        ),
    ),
    (
        "GET",
        f"{U}/oncall_handoff_notification_rules/{ID}",
        _show_rule("handoff_rules", "oncall_handoff_notification_rule"),
    ),
    (
        "PUT",
        f"{U}/oncall_handoff_notification_rules/{ID}",
        lambda a, c: (
            200,
            {
                "oncall_handoff_notification_rule": a.update_handoff(
                    c.groups[0], c.groups[1], _body(c, "oncall_handoff_notification_rule")
                )
            },
        ),
    ),
    ("DELETE", f"{U}/oncall_handoff_notification_rules/{ID}", _delete_rule("handoff_rules")),
    # teams
    ("GET", "/teams", _list_teams),
    ("POST", "/teams", lambda a, c: (201, {"team": a.save_team(_body(c, "team"), None)})),
    ("GET", f"/teams/{ID}", lambda a, c: (200, {"team": a.public(a.team(c.groups[0]))})),
    (
        "PUT",
        f"/teams/{ID}",
        lambda a, c: (
            200,
            {"team": a.team(c.groups[0]) and a.save_team(_body(c, "team"), c.groups[0])},
        ),
    ),
    ("DELETE", f"/teams/{ID}", _deleted(lambda a, c: a.delete_team(c.groups[0]))),
    ("GET", f"/teams/{ID}/members", _team_members),
    ("PUT", f"/teams/{ID}/users/{ID}", _add_membership),
    ("DELETE", f"/teams/{ID}/users/{ID}", _delete_membership),
    # schedules
    ("GET", "/schedules", _list_schedules),
    (
        "POST",
        "/schedules",
        lambda a, c: (201, {"schedule": a.save_schedule(_body(c, "schedule"), None)}),
    ),
    ("GET", f"/schedules/{ID}", lambda a, c: (200, {"schedule": a.show_schedule(c.groups[0])})),
    (
        "PUT",
        f"/schedules/{ID}",
        lambda a, c: (
            200,
            {
                "schedule": a.show_schedule(c.groups[0])
                and a.save_schedule(_body(c, "schedule"), c.groups[0])
            },
        ),
    ),
    ("DELETE", f"/schedules/{ID}", _deleted(lambda a, c: a.delete_schedule(c.groups[0]))),
    (
        "GET",
        f"/schedules/{ID}/overrides",
        lambda a, c: (200, {"overrides": a.list_overrides(c.groups[0], c.query)}),
    ),
    (
        "POST",
        f"/schedules/{ID}/overrides",
        lambda a, c: (201, a.create_overrides(c.groups[0], c.body)),
    ),
    (
        "DELETE",
        f"/schedules/{ID}/overrides/{ID}",
        lambda a, c: (a.delete_override(c.groups[0], c.groups[1]), None),
    ),
    # escalation policies
    ("GET", "/escalation_policies", _list_policies),
    (
        "POST",
        "/escalation_policies",
        lambda a, c: (
            201,
            {"escalation_policy": a.save_policy(_body(c, "escalation_policy"), None)},
        ),
    ),
    (
        "GET",
        f"/escalation_policies/{ID}",
        lambda a, c: (200, {"escalation_policy": a.show_policy(c.groups[0], c.include)}),
    ),
    (
        "PUT",
        f"/escalation_policies/{ID}",
        lambda a, c: (
            200,
            {
                "escalation_policy": a.show_policy(c.groups[0], [])
                and a.save_policy(_body(c, "escalation_policy"), c.groups[0])
            },
        ),
    ),
    (
        "DELETE",
        f"/escalation_policies/{ID}",
        _deleted(lambda a, c: a.delete_policy(c.groups[0])),
    ),
    # services and integrations
    ("GET", "/services", _list_services),
    (
        "POST",
        "/services",
        lambda a, c: (201, {"service": a.save_service(_body(c, "service"), None)}),
    ),
    (
        "GET",
        f"/services/{ID}",
        lambda a, c: (200, {"service": a.show_service(c.groups[0], c.include)}),
    ),
    (
        "PUT",
        f"/services/{ID}",
        lambda a, c: (
            200,
            {
                "service": a.show_service(c.groups[0], [])
                and a.save_service(_body(c, "service"), c.groups[0])
            },
        ),
    ),
    ("DELETE", f"/services/{ID}", _deleted(lambda a, c: a.delete_service(c.groups[0]))),
    (
        "POST",
        f"/services/{ID}/integrations",
        lambda a, c: (
            201,
            {"integration": a.save_integration(c.groups[0], _body(c, "integration"), None)},
        ),
    ),
    (
        "GET",
        f"/services/{ID}/integrations/{ID}",
        lambda a, c: (200, {"integration": a.public(a.integration(c.groups[0], c.groups[1]))}),
    ),
    (
        "PUT",
        f"/services/{ID}/integrations/{ID}",
        lambda a, c: (
            200,
            {
                "integration": a.integration(c.groups[0], c.groups[1])
                and a.save_integration(c.groups[0], _body(c, "integration"), c.groups[1])
            },
        ),
    ),
    ("DELETE", f"/services/{ID}/integrations/{ID}", _deleted(_delete_integration)),
    (
        "GET",
        f"/event_orchestrations/services/{ID}",
        lambda a, c: (200, {"orchestration_path": a.show_orchestration(c.groups[0])}),
    ),
    # lookups
    (
        "GET",
        "/vendors",
        lambda a, c: c.page("vendors", _matching(a.vendors.values(), c, "name")),
    ),
    ("GET", f"/vendors/{ID}", _one("vendors", "vendor")),
    (
        "GET",
        "/extension_schemas",
        lambda a, c: c.page("extension_schemas", list(a.extension_schemas.values())),
    ),
    ("GET", f"/extension_schemas/{ID}", _one("extension_schemas", "extension_schema")),
    ("GET", "/oncalls", lambda a, c: c.page("oncalls", a.oncalls(c.query))),
    # The account has no incidents (the schedule's delete path lists open ones).
    ("GET", "/incidents", lambda a, c: c.page("incidents", [])),
    # Slack connections (heimweh/go-pagerduty slack_connection.go)
    ("GET", SLACK, _list_slack),
    (
        "POST",
        SLACK,
        lambda a, c: (
            201,
            {
                "slack_connection": a.save_slack_connection(
                    c.groups[0], _body(c, "slack_connection"), None
                )
            },
        ),
    ),
    (
        "GET",
        f"{SLACK}/{ID}",
        lambda a, c: (
            200,
            {"slack_connection": copy.deepcopy(a.slack_connection(c.groups[0], c.groups[1]))},
        ),
    ),
    (
        "PUT",
        f"{SLACK}/{ID}",
        lambda a, c: (
            200,
            {
                "slack_connection": a.slack_connection(c.groups[0], c.groups[1])
                and a.save_slack_connection(c.groups[0], _body(c, "slack_connection"), c.groups[1])
            },
        ),
    ),
    ("DELETE", f"{SLACK}/{ID}", _deleted(_delete_slack)),
]
COMPILED = [(m, re.compile(p + "/?"), h) for m, p, h in ROUTES]


def route(method: str, path: str) -> tuple[Handler, tuple[str, ...]]:
    """The handler of `method path` and the ids captured from the path."""
    for wanted, pattern, handler in COMPILED:
        match = pattern.fullmatch(path)
        if match and wanted == method:
            return handler, match.groups()
    raise UnimplementedError(f"{method} {path}")


class PagerDutyDouble(LocalDouble):
    """A PagerDuty account behind an HTTP server on 127.0.0.1 (see the module docstring).

    - `clock`: the time the API writes into `created_at` (never the real clock);
    - `subdomain`: the account's web host (`https://<subdomain>.pagerduty.com/...` in html_url);
    - `time_zone`: the account's default time zone for new users;
    - `abilities`: what GET /abilities lists ("urgencies" is needed for low-urgency rules,
      "teams" for teams on schedules and policies);
    - `slack_workspaces`: the Slack workspace ids the account is connected to; a connection in
      another answers 404 as the API does; None accepts any workspace;
    - `ssl_context`: serve HTTPS with it (a trustme server context, say) for clients that
      refuse plain HTTP;
    - `token`: the only API key the account accepts (another one is answered 401, as a refused
      key is); None accepts any;
    - `page_size`: the most items a page of an index holds (the API's is 100); a smaller one
      makes a client page through short lists (`page_size` may be changed while serving).

    `requests` lists every request (method, path, query, status, host, authorized), in order;
    `unimplemented` those answered 501. `seed(account)` creates objects as the API would and
    returns their ids; `state()` returns every object as the API shows it.
    """

    content_type = "application/json"
    max_body = MAX_BODY

    def __init__(
        self,
        *,
        clock: str = FIXED_CLOCK,
        subdomain: str = "acme",
        time_zone: str = "Etc/UTC",
        abilities: Iterable[str] = DEFAULT_ABILITIES,
        slack_workspaces: Iterable[str] | None = None,
        ssl_context: ssl.SSLContext | None = None,
        token: str | None = None,
        page_size: int = MAX_LIMIT,
    ) -> None:
        super().__init__(ssl_context=ssl_context)
        self.account = _Account(clock, subdomain, time_zone, abilities, slack_workspaces)
        self.token = token
        self.page_size = page_size

    def describe(self, request: Request) -> Json:
        """What the request log adds for PagerDuty: the Host, and whether an accepted token came
        (not which)."""
        sent = request.headers.get("authorization", "")
        if self.token is None:
            authorized = bool(re.fullmatch(r"Token token=\S+", sent))
        else:
            authorized = sent == f"Token token={self.token}"
        return {"host": request.headers.get("host", ""), "authorized": authorized}

    # -- HTTP --------------------------------------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        """Route, check the token, decode the JSON body and answer from the account."""
        record = self.describe(request)
        try:
            handler, groups = route(request.method, request.path.rstrip("/") or "/")
        except UnimplementedError:
            message = f"Not implemented by the PagerDuty double: {request.method} {request.path}"
            body = {"message": message, "code": 501, "method": request.method, "path": request.path}
            return Reply(501, {"error": body}, record)
        if not record["authorized"]:
            return Reply(401, {"error": {"message": "Unauthorized", "code": 2006}}, record)
        try:
            payload = json.loads(request.body) if request.body.strip() else None
        except ValueError:
            return Reply(400, {"error": {"message": "Invalid JSON", "code": 2001}}, record)
        try:
            call = Call(groups, request.query, payload, self.page_size)
            status, answer = handler(self.account, call)
        except ApiError as error:
            status, answer = error.status, error.body
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            # A body of a shape the double does not expect: a 500 that says so (the real API
            # would have answered something; the lane must see which request it was).
            message = f"PagerDuty double failed: {type(error).__name__}: {error}"
            status, answer = 500, {"error": {"message": message, "code": 500}}
        return Reply(status, answer, record)

    def refuse_body(self, request: Request, message: str) -> Reply:
        """A body over MAX_BODY, or malformed chunking: 413, recorded like any request."""
        refusal = {"error": {"message": "Request body too large", "code": 2001}}
        return self.record(request, Reply(413, refusal, self.describe(request)))

    # -- the account -------------------------------------------------------------------------------

    def state(self) -> Json:
        """Every object, as the API shows it, by collection: users (with references to their
        contact methods, rules and teams), contact_methods, notification_rules, handoff_rules
        (each with `_user`), teams, memberships, schedules (layers in the order sent),
        escalation_policies, services, integrations (with `_service`), slack_connections,
        service_orchestrations (each service's, as GET /event_orchestrations/services/{id})."""
        with self._lock:
            return self.account.snapshot()

    def seed(self, account: Mapping[str, Any]) -> dict[str, str]:
        """Create `account` as the API would (the same checks as over HTTP) and return the ids,
        keyed `user:<email>`, `contact_method:<email>:<type>:<address>`,
        `notification_rule:<email>:<urgency>:<type>:<delay>`, `handoff_rule:<email>`,
        `team:<name>`, `schedule:<name>`, `escalation_policy:<name>`, `service:<name>`,
        `integration:<service>:<name>`, `vendor:<name>`; the only object of a kind (other than
        vendors) also under the kind alone (`team`, `service`, ...).

        `account` (see guide_account): `users` [{name, email, role, time_zone, description,
        job_title, contact_methods: [{type, address, label, country_code}],
        notification_rules: [{urgency, start_delay_in_minutes, contact_method: {type, address}}],
        handoff_rules: [{handoff_type, notify_advance_in_minutes, contact_method: {type,
        address}}]}], `teams` [{name, description, members: {email: role}}], `schedules` [{name,
        time_zone, description, teams: [name], layers: [{name, start, rotation_virtual_start,
        rotation_turn_length_seconds, users: [email], restrictions}]}], `escalation_policies`
        [{name, description, num_loops, teams: [name], rules: [{escalation_delay_in_minutes,
        targets: [{user: email} | {schedule: name}]}]}], `services` [{name, description,
        escalation_policy: name, auto_resolve_timeout, acknowledgement_timeout,
        incident_urgency_rule, support_hours, scheduled_actions, integrations: [{name, vendor:
        name}], orchestration: {sets: [{id, rules}], catch_all}}]. A policy's rule may have its
        escalation_rule_assignment_strategy. Each user, contact method, rule, handoff rule, team,
        schedule, policy, service and integration may have its `id` (an account whose ids are
        known; otherwise the counter's), a user the `login_method_id` of the e-mail contact
        method PagerDuty gives it. Raises ApiError on what the API would refuse."""
        with self._lock:
            return _Seeder(self.account).run(account)


class _Seeder:
    """Builds an account description into objects through the _Account's own operations."""

    def __init__(self, account: _Account) -> None:
        self.a = account
        self.ids: dict[str, str] = {
            f"vendor:{v['name']}": vid for vid, v in account.vendors.items()
        }

    def run(self, account: Mapping[str, Any]) -> dict[str, str]:
        for user in account.get("users", []):
            self.user(user)
        for team in account.get("teams", []):
            self.team(team)
        for schedule in account.get("schedules", []):
            self.schedule(schedule)
        for policy in account.get("escalation_policies", []):
            self.policy(policy)
        for service in account.get("services", []):
            self.service(service)
        # The only object of a kind is also under the kind alone ("team", "service", ...).
        kinds = [k.split(":", 1)[0] for k in self.ids if not k.startswith("vendor:")]
        for kind in {k for k in kinds if kinds.count(k) == 1}:
            self.ids[kind] = next(v for k, v in self.ids.items() if k.startswith(f"{kind}:"))
        return dict(self.ids)

    def chosen(self, kind: str, spec: Mapping[str, Any], key: str = "id") -> None:
        """The next `kind` made gets the spec's id, if it has one."""
        if key in spec:
            self.a.chosen_ids[kind] = str(spec[key])

    def method_id(self, email: str, reference: Mapping[str, Any]) -> Json:
        key = f"contact_method:{email}:{reference['type']}:{reference['address']}"
        return {"id": self.ids[key], "type": reference["type"]}

    def user(self, spec: Mapping[str, Any]) -> None:
        fields = ("name", "email", "role", "time_zone", "description", "job_title")
        self.chosen("user", spec)
        self.chosen("contact_method", spec, "login_method_id")
        created = self.a.create_user({k: spec[k] for k in fields if k in spec})
        email, uid = spec["email"], created["id"]
        self.ids[f"user:{email}"] = uid
        for method in self.a.contact_methods.values():
            if method["_user"] == uid:
                key = f"contact_method:{email}:{method['type']}:{method['address']}"
                self.ids[key] = method["id"]
        for rule in self.a.notification_rules.values():
            if rule["_user"] == uid:
                self.ids[self.rule_key(email, rule)] = rule["id"]
        for method in spec.get("contact_methods", []):
            self.chosen("contact_method", method)
            made = self.a.create_contact_method(uid, dict(method))
            self.ids[f"contact_method:{email}:{made['type']}:{made['address']}"] = made["id"]
        for rule in spec.get("notification_rules", []):
            body = {**rule, "contact_method": self.method_id(email, rule["contact_method"])}
            self.chosen("notification_rule", rule)
            made = self.a.create_rule(uid, body)
            self.ids[self.rule_key(email, made)] = made["id"]
        for rule in spec.get("handoff_rules", []):
            body = {**rule, "contact_method": self.method_id(email, rule["contact_method"])}
            self.chosen("handoff_rule", rule)
            self.ids[f"handoff_rule:{email}"] = self.a.create_handoff(uid, body)["id"]

    def rule_key(self, email: str, rule: Mapping[str, Any]) -> str:
        method_type = rule["contact_method"]["type"]
        delay = rule["start_delay_in_minutes"]
        return f"notification_rule:{email}:{rule['urgency']}:{method_type}:{delay}"

    def team(self, spec: Mapping[str, Any]) -> None:
        body = {"name": spec["name"], "description": spec.get("description")}
        self.chosen("team", spec)
        tid = self.a.save_team(body, None)["id"]
        self.ids[f"team:{spec['name']}"] = tid
        for email, role in spec.get("members", {}).items():
            self.a.add_member(tid, self.ids[f"user:{email}"], {"role": role})

    def teams(self, names: Iterable[str]) -> list[Json]:
        return [{"id": self.ids[f"team:{n}"], "type": "team_reference"} for n in names]

    def schedule(self, spec: Mapping[str, Any]) -> None:
        layers = [
            {
                **{k: v for k, v in layer.items() if k != "users"},
                "rotation_virtual_start": layer.get("rotation_virtual_start", layer["start"]),
                "users": [
                    {"user": {"id": self.ids[f"user:{e}"], "type": "user_reference"}}
                    for e in layer["users"]
                ],
            }
            for layer in spec["layers"]
        ]
        body = {
            "name": spec["name"],
            "time_zone": spec["time_zone"],
            "description": spec.get("description"),
            "schedule_layers": layers,
            "teams": self.teams(spec.get("teams", [])),
        }
        self.chosen("schedule", spec)
        self.ids[f"schedule:{spec['name']}"] = self.a.save_schedule(body, None)["id"]

    def target(self, spec: Mapping[str, str]) -> Json:
        if "user" in spec:
            return {"id": self.ids[f"user:{spec['user']}"], "type": "user_reference"}
        return {"id": self.ids[f"schedule:{spec['schedule']}"], "type": "schedule_reference"}

    def policy(self, spec: Mapping[str, Any]) -> None:
        body = {
            "name": spec["name"],
            "description": spec.get("description"),
            "num_loops": spec.get("num_loops", 0),
            "teams": self.teams(spec.get("teams", [])),
            "escalation_rules": [
                {
                    "escalation_delay_in_minutes": rule["escalation_delay_in_minutes"],
                    "targets": [self.target(t) for t in rule["targets"]],
                    "escalation_rule_assignment_strategy": rule.get(
                        "escalation_rule_assignment_strategy"
                    ),
                }
                for rule in spec["rules"]
            ],
        }
        self.chosen("escalation_policy", spec)
        self.ids[f"escalation_policy:{spec['name']}"] = self.a.save_policy(body, None)["id"]

    def service(self, spec: Mapping[str, Any]) -> None:
        extra = ("id", "escalation_policy", "integrations", "orchestration")
        body = {k: v for k, v in spec.items() if k not in extra}
        body["escalation_policy"] = {
            "id": self.ids[f"escalation_policy:{spec['escalation_policy']}"],
            "type": "escalation_policy_reference",
        }
        self.chosen("service", spec)
        sid = self.a.save_service(body, None)["id"]
        self.ids[f"service:{spec['name']}"] = sid
        if "orchestration" in spec:
            orchestration = spec["orchestration"]
            self.a.set_orchestration(sid, orchestration["sets"], orchestration.get("catch_all"))
        for integration in spec.get("integrations", []):
            vendor = {"id": self.ids[f"vendor:{integration['vendor']}"], "type": "vendor"}
            self.chosen("integration", integration)
            made = self.a.save_integration(
                sid, {"name": integration["name"], "vendor": vendor}, None
            )
            self.ids[f"integration:{spec['name']}:{integration['name']}"] = made["id"]


def guide_account() -> dict[str, Any]:
    """The account as Pantheon's guide "Integrate PagerDuty on Pantheon" leaves it, for the
    members of stacks/Pulumi.team-example.yaml: users made by hand with descriptions and job
    titles, their phone and SMS numbers, high- and low-urgency rules ("e-mail and text at once,
    call after 15 minutes"; low urgency: e-mail at once, text after 10 minutes), a handoff rule
    24 hours before a shift, a team, a schedule and an escalation policy assigned to the team,
    and a service that auto-resolves after 4 hours (PagerDuty's default, which the guide keeps)
    with New Relic's integration."""
    people = [
        ("Priya Natarajan", "priya@agency.example", "user", "America/Chicago", "3125550142", 1),
        (
            "Marco Bianchi",
            "marco@agency.example",
            "limited_user",
            "America/Chicago",
            "3125550177",
            1,
        ),
    ]
    users = []
    for name, email, role, zone, number, code in people:
        phone = {"type": "phone_contact_method", "address": number}
        sms = {"type": "sms_contact_method", "address": number}
        email_method = {"type": "email_contact_method", "address": email}
        users.append(
            {
                "name": name,
                "email": email,
                "role": role,
                "time_zone": zone,
                "description": f"{name.split()[0]} is on call for the agency's Pantheon sites",
                "job_title": "Site reliability engineer",
                "contact_methods": [
                    {**phone, "label": "Mobile", "country_code": code},
                    {**sms, "label": "Mobile", "country_code": code},
                ],
                "notification_rules": [
                    {"urgency": "high", "start_delay_in_minutes": 0, "contact_method": sms},
                    {"urgency": "high", "start_delay_in_minutes": 15, "contact_method": phone},
                    {"urgency": "low", "start_delay_in_minutes": 10, "contact_method": sms},
                ],
                "handoff_rules": [
                    {
                        "handoff_type": "oncall",
                        "notify_advance_in_minutes": 1440,
                        "contact_method": email_method,
                    }
                ],
            }
        )
    team = "Example Agency On-Call"
    return {
        "users": users,
        "teams": [
            {
                "name": team,
                "description": "The agency's on-call engineers",
                "members": {"priya@agency.example": "manager", "marco@agency.example": "responder"},
            }
        ],
        "schedules": [
            {
                "name": "Agency primary",
                "time_zone": "America/Chicago",
                "description": "Who is on call for the agency's sites",
                "teams": [team],
                "layers": [
                    {
                        "name": "Weekly rotation",
                        "start": "2026-11-02T09:00:00-06:00",
                        "rotation_turn_length_seconds": 604800,
                        "users": ["marco@agency.example", "priya@agency.example"],
                    }
                ],
            }
        ],
        "escalation_policies": [
            {
                "name": "Agency escalation",
                "description": "Page the on-call engineer, then Priya",
                "num_loops": 2,
                "teams": [team],
                "rules": [
                    {
                        "escalation_delay_in_minutes": 15,
                        "targets": [{"schedule": "Agency primary"}],
                    },
                    {
                        "escalation_delay_in_minutes": 20,
                        "targets": [{"user": "priya@agency.example"}],
                    },
                ],
            }
        ],
        "services": [
            {
                "name": "example.pantheonsite.io (live)",
                "description": "Pantheon live environment",
                "escalation_policy": "Agency escalation",
                "auto_resolve_timeout": 14400,
                "acknowledgement_timeout": 1800,
                "integrations": [{"name": "New Relic", "vendor": "New Relic"}],
            }
        ],
    }
