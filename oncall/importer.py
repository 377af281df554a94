"""`python -m oncall import`: write a stack file from what a PagerDuty account already has.

    PAGERDUTY_TOKEN=… python -m oncall import --service "New Relic" --site example --env live \\
        --out stacks/Pulumi.example-live.yaml

Reads the account through PagerDuty's REST API v2 with PagerDuty's official Python client
(`pagerduty`): the escalation policy (the one behind `--service` by default, or
`--escalation-policy`, or the one of `--team`), the schedules it targets (and any `--schedule`),
every person on them with their role, time zone, phone and SMS numbers, notification rules and
handoff rule, and the service. It writes the config contract (oncall.config) with an `importId`
on every user, schedule, the policy and the service, and on every member's phone and SMS contact
method (`{number, importId, label}`, label as PagerDuty has it), and the login e-mail's contact
method as `emailContactMethodId`; so `pulumi up` adopts them instead of creating duplicates. The
file is checked by the contract before it is written.

Notification and handoff rules are not adopted (the contract has no id for them): the component
creates each rule with a plain POST (terraform-provider-pagerduty,
pagerdutyplugin/resource_pagerduty_user_notification_rule.go and
resource_pagerduty_user_handoff_notification_rule.go, `Create`), and PagerDuty refuses a second
notification rule on the same contact method and delay. The rules the first `pulumi up` would
post again (all but PagerDuty's own e-mail-at-once rule) are listed by id in the file's header
and counted in a warning, so that they can be deleted right before it.

What the contract cannot say (a rule notifying a push contact method, a team target, an event
orchestration, a second handoff rule…) is listed in the file's header comment and printed as a
warning; it stays in PagerDuty as it is.

Response shapes follow PagerDuty's REST API v2 reference (PagerDuty/api-schema,
reference/REST/openapiv3.json): users, `/users/{id}/contact_methods`,
`/users/{id}/notification_rules`, `/users/{id}/oncall_handoff_notification_rules`, schedules with
`schedule_layers`, escalation policies with `escalation_rules`, services, and
`/event_orchestrations/services/{id}`. The API lists a schedule's layers with the one that wins
first; the contract (like terraform-provider-pagerduty's flattenScheduleLayers in
pagerduty/resource_pagerduty_schedule.go) lists them the other way round, so they are reversed;
layers that have ended are skipped, as the provider does.

Lists are paged with `offset`/`more` by the client's `iter_all`. A 429 is retried after the
`Retry-After` the API sends (`RetryAfterTransport`; the sleep is injectable for tests). The token
comes from PAGERDUTY_TOKEN or `pulumi config get pagerduty:token` and is never printed.
"""

from __future__ import annotations

import os
import re
import ssl
import subprocess
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

import httpx2
import pagerduty
import phonenumbers
import yaml

from components.vocabulary import CONTACT_METHOD_TYPES, OFF_CALL_ROLES, TARGET_API_TYPES, Role, Via
from oncall import stackfile
from oncall.config import (
    NAMESPACE,
    RESTRICTION_API_TYPES,
    ROLE_WORDS,
    ROTATION_SECONDS,
    TargetKind,
    Weekday,
    parse_stack_config,
)
from oncall.errors import ConfigError
from oncall.newsite import credentials_comment

API_HOSTS: Final = {"us": "https://api.pagerduty.com", "eu": "https://api.eu.pagerduty.com"}
"""PagerDuty's REST API per service region (`--region`)."""

MAX_RETRIES: Final = 5
"""How many times one request is retried after a 429 before giving up."""

_VIA_OF_TYPE: Final = {api_type: via for via, api_type in CONTACT_METHOD_TYPES.items()}
_TARGET_OF_TYPE: Final = {api_type: kind for kind, api_type in TARGET_API_TYPES.items()}
_RESTRICTION_WORD: Final = {api: word.value for word, api in RESTRICTION_API_TYPES.items()}
_ROTATION_WORD: Final = {seconds: rotation.value for rotation, seconds in ROTATION_SECONDS.items()}
_WEEKDAYS: Final = {day.number: day.value for day in Weekday}
_VIA_ORDER: Final = {via.value: index for index, via in enumerate(Via)}


def _role_words() -> dict[str, str]:
    """Each API role's UI word, the first one oncall.config.ROLE_WORDS lists for it."""
    words: dict[str, str] = {}
    for word, role in ROLE_WORDS.items():
        words.setdefault(role.value, word)
    return words


_ROLE_WORD: Final = _role_words()


_RULES_NOT_ADOPTED: Final = """\
Notification and handoff rules are not adopted: the stack creates each with a
plain POST (terraform-provider-pagerduty, pagerdutyplugin/resource_pagerduty_
user_notification_rule.go and …_user_handoff_notification_rule.go, Create).
For the rules below, which exist, the first `pulumi up` fails: PagerDuty
refuses a second rule on the same contact method and delay ("Channel Start
delay must be unique for a given contact method"); a handoff rule is posted
again (refused or doubled: not documented). Delete them in PagerDuty right
before the first `pulumi up`, which creates them again as this file says
(README, "Coming from the guide's manual setup"). E-mail at once is
PagerDuty's own rule: it stays and is not created."""
"""The header's paragraph above the rules a first `pulumi up` posts again (`_render`)."""


class ImportFailed(Exception):
    """The import cannot go on: one clear message (never the token), exit 1."""


# --- Talking to PagerDuty -------------------------------------------------------------------------


class RetryAfterTransport(httpx2.BaseTransport):
    """Retries a request answered 429 after the seconds its `Retry-After` header asks for.

    The official client's own 429 handling ignores `Retry-After`, sleeps an exponential, random
    time and never gives up (pagerduty/api_client.py, `ApiClient.request`). Underneath it, this
    transport answers the 429s itself, so the client never sees one: after MAX_RETRIES the
    import fails with a message instead.
    """

    def __init__(
        self,
        inner: httpx2.BaseTransport,
        sleep: Callable[[float], None] = time.sleep,
        max_retries: int = MAX_RETRIES,
    ) -> None:
        self._inner = inner
        self._sleep = sleep
        self._max_retries = max_retries

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        for attempt in range(self._max_retries + 1):
            response = self._inner.handle_request(request)
            if response.status_code != 429:
                return response
            response.read()
            response.close()
            if attempt == self._max_retries:
                break
            self._sleep(_retry_after(response.headers.get("Retry-After"), attempt))
        raise ImportFailed(
            f"PagerDuty answered 429 Too Many Requests {self._max_retries + 1} times to "
            f"{request.method} {request.url.path}; wait a minute and run the import again"
        )

    def close(self) -> None:
        self._inner.close()


def _retry_after(header: str | None, attempt: int) -> float:
    """Seconds to wait: the header's, or 1, 2, 4… when it is missing or not a number."""
    try:
        return max(0.0, float(header)) if header is not None else float(2**attempt)
    except ValueError:
        return float(2**attempt)


class Account:
    """Read-only access to one PagerDuty account through the official client."""

    def __init__(self, client: pagerduty.RestApiV2Client) -> None:
        self._client = client

    @classmethod
    def connect(
        cls,
        token: str,
        base_url: str,
        sleep: Callable[[float], None] = time.sleep,
        verify: ssl.SSLContext | None = None,
    ) -> Account:
        """A client for `base_url` (https:// only, as the official client requires); `verify`
        trusts another certificate authority (a TLS proxy's, or a test server's)."""
        inner = httpx2.HTTPTransport(verify=verify if verify is not None else True)
        transport = RetryAfterTransport(inner, sleep)
        return cls(pagerduty.RestApiV2Client(token, base_url=base_url, transport=transport))

    def list(self, path: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Every item of an index endpoint, page after page (`offset`, `more`)."""
        try:
            return list(self._client.iter_all(path, params=dict(params or {})))
        except pagerduty.Error as e:
            raise _failed("GET", path, e) from None

    def get(self, path: str, wrapper: str, missing_ok: bool = False) -> Any:
        """The object (or list) under `wrapper` in the response to GET `path`."""
        try:
            response = self._client.get(path)
        except pagerduty.Error as e:
            raise _failed("GET", path, e) from None
        if missing_ok and response.status_code == 404:
            return None
        if not response.is_success:
            raise _failed("GET", path, response.status_code)
        body = response.json()
        if not isinstance(body, dict) or wrapper not in body:
            raise ImportFailed(f"GET {path}: PagerDuty's answer has no {wrapper!r}")
        return body[wrapper]


def _failed(method: str, path: str, error: pagerduty.Error | int) -> ImportFailed:
    status = error if isinstance(error, int) else getattr(error, "response", None)
    code = status if isinstance(status, int) else getattr(status, "status_code", None)
    if code == 401:
        return ImportFailed(
            f"{method} {path}: PagerDuty refused the token (401 Unauthorized): check "
            "PAGERDUTY_TOKEN or pagerduty:token, and --region (eu accounts need --region eu)"
        )
    if code == 403:
        return ImportFailed(
            f"{method} {path}: the token may not read this (403 Forbidden); use a REST API "
            "key with read access to users, schedules, escalation policies and services"
        )
    if code is not None:
        return ImportFailed(f"{method} {path}: PagerDuty answered HTTP {code}")
    return ImportFailed(f"{method} {path}: could not reach PagerDuty ({type(error).__name__})")


def token_from_environment(
    env: Mapping[str, str] = os.environ,
    run: Callable[..., subprocess.CompletedProcess[str]] = subprocess.run,
) -> str:
    """PAGERDUTY_TOKEN, else `pulumi config get pagerduty:token` of the selected stack."""
    token = env.get("PAGERDUTY_TOKEN", "").strip()
    if token:
        return token
    try:
        result = run(
            ["pulumi", "config", "get", "pagerduty:token"],
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        result = None
    if result is not None and result.returncode == 0 and result.stdout.strip():
        return result.stdout.strip()
    raise ImportFailed(
        "no PagerDuty token: set PAGERDUTY_TOKEN (a REST API key with read access), or select "
        "a stack that has pagerduty:token (pulumi stack select …)"
    )


# --- What to import -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportOptions:
    """What to read from the account and what kind of stack file to write."""

    service: str | None = None
    """A service name or id: its escalation policy is imported, and the service with a site."""
    escalation_policy: str | None = None
    schedules: tuple[str, ...] = ()
    """Schedules (names or ids) to import besides those the policy targets."""
    team: str | None = None
    """A PagerDuty team (name or id): its escalation policy, and its name for the team."""
    site: str | None = None
    env: str | None = None
    """With `site`, a site stack (team inline, the service); without, a team stack."""
    domain: str | None = None
    """The site's host (`site.domain`), e.g. www.example.com."""
    team_name: str | None = None
    environments: tuple[str, ...] = ()
    """Pulumi ESC environments the stack file imports (the shared credentials)."""
    now: datetime | None = None
    """When "now" is, to skip layers that have ended; the clock by default."""


@dataclass
class Imported:
    """The stack file's text and what it could not express (also in its header)."""

    text: str
    notes: list[str] = field(default_factory=list)
    summary: str = ""
    """What was read, e.g. "4 people, 1 schedule(s), escalation policy 'Default'"."""
    recreated: list[str] = field(default_factory=list)
    """Per member, the rules PagerDuty already has that the first `pulumi up` posts again."""


def import_stack(account: Account, options: ImportOptions) -> Imported:
    """Read the account and build the stack file; ImportFailed when it cannot."""
    return _Importer(account, options).run()


class _Importer:
    """One import: reads what `options` names, collects notes, renders the stack file."""

    def __init__(self, account: Account, options: ImportOptions) -> None:
        self.account = account
        self.options = options
        self.now = options.now or datetime.now(UTC)
        self.notes: list[str] = []
        self.recreated: dict[str, list[str]] = {}
        """By member slug, the existing rules the stack creates again (see `_render`)."""
        self.user_slugs: dict[str, str] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.schedule_slugs: dict[str, str] = {}

    def run(self) -> Imported:
        if bool(self.options.site) != bool(self.options.env):
            raise ImportFailed("--site and --env go together (a site stack), or neither")
        service = self._service() if self.options.service else None
        pd_team = self._team() if self.options.team else None
        policy = self._policy(service, pd_team)
        schedule_ids = self._schedule_ids(policy)
        schedules = [self.account.get(f"/schedules/{sid}", "schedule") for sid in schedule_ids]
        taken: set[str] = set()
        for schedule in schedules:
            self.schedule_slugs[schedule["id"]] = _unique(_slug(schedule["name"]), taken)
        policy_team = (policy.get("teams") or [{}])[0].get("summary")
        team_name = (
            self.options.team_name or (pd_team or {}).get("name") or policy_team or policy["name"]
        )
        for schedule in schedules:
            self._adopt_users(
                ref["user"]["id"]
                for layer in reversed(schedule.get("schedule_layers") or [])
                for ref in layer.get("users") or []
            )
        self._adopt_users(
            target["id"]
            for rule in policy.get("escalation_rules") or []
            for target in rule.get("targets") or []
            if target.get("type") == TARGET_API_TYPES[TargetKind.USER]
        )
        zone = self._team_time_zone(schedules)
        team: dict[str, Any] = {"name": team_name, "timeZone": zone}
        members = {slug: self._member(self.users[uid], zone) for uid, slug in self._slugs()}
        team["defaults"] = _defaults(members)
        team["members"] = {
            slug: _Flow(_without_defaults(member, team["defaults"]))
            for slug, member in members.items()
        }
        team["schedules"] = {
            self.schedule_slugs[s["id"]]: self._schedule(s, zone) for s in schedules
        }
        team["escalation"] = self._escalation(policy)
        self._teams_note("escalation", policy)
        for schedule in schedules:
            self._teams_note(f"schedules.{self.schedule_slugs[schedule['id']]}", schedule)
        config = self._config(team, service)
        text = self._render(config, policy, service)
        self._check(text)
        summary = (
            f"{len(self.users)} people, {len(schedules)} schedule(s), escalation policy "
            f"{policy['name']!r}" + (f", service {service['name']!r}" if service else "")
        )
        recreated = [f"{slug}: {', '.join(rules)}" for slug, rules in self.recreated.items()]
        return Imported(text, self.notes, summary, recreated)

    def _teams_note(self, where: str, obj: dict[str, Any]) -> None:
        # `teams` is optional and not computed in the provider (pagerduty/resource_pagerduty_
        # schedule.go, resource_pagerduty_escalation_policy.go): unset, an update removes it.
        if obj.get("teams"):
            names = ", ".join(str(t.get("summary", t["id"])) for t in obj["teams"])
            self._note(
                where,
                f"assigned to the PagerDuty team {names}; the contract cannot adopt a team, so "
                "`pulumi preview` shows the assignment removed",
            )

    # -- finding things ----------------------------------------------------------------------------

    def _find(self, path: str, wrapper: str, what: str, name_or_id: str) -> dict[str, Any]:
        if re.fullmatch(r"P[A-Z0-9]{5,}", name_or_id):
            found: dict[str, Any] | None = self.account.get(
                f"{path}/{name_or_id}", wrapper, missing_ok=True
            )
            if found is not None:
                return found
        candidates = self.account.list(path, {"query": name_or_id})
        exact = [c for c in candidates if c.get("name") == name_or_id] or [
            c for c in candidates if str(c.get("name", "")).lower() == name_or_id.lower()
        ]
        if len(exact) == 1:
            return exact[0]
        if not exact:
            seen = ", ".join(sorted(str(c.get("name")) for c in candidates)) or "none"
            raise ImportFailed(f"no {what} named {name_or_id!r} (similar names: {seen})")
        ids = ", ".join(c["id"] for c in exact)
        raise ImportFailed(f"several {what}s are named {name_or_id!r} ({ids}): pass the id")

    def _service(self) -> dict[str, Any]:
        assert self.options.service is not None
        return self._find("/services", "service", "service", self.options.service)

    def _team(self) -> dict[str, Any]:
        assert self.options.team is not None
        return self._find("/teams", "team", "team", self.options.team)

    def _policy(
        self, service: dict[str, Any] | None, pd_team: dict[str, Any] | None
    ) -> dict[str, Any]:
        if self.options.escalation_policy:
            found = self._find(
                "/escalation_policies",
                "escalation_policy",
                "escalation policy",
                self.options.escalation_policy,
            )
            policy_id = found["id"]
        elif service is not None:
            policy_id = service["escalation_policy"]["id"]
        elif pd_team is not None:
            policies = self.account.list("/escalation_policies", {"team_ids[]": [pd_team["id"]]})
            if len(policies) != 1:
                names = ", ".join(p["name"] for p in policies) or "none"
                raise ImportFailed(
                    f"team {pd_team['name']!r} has {len(policies)} escalation policies "
                    f"({names}): pick one with --escalation-policy"
                )
            policy_id = policies[0]["id"]
        else:
            raise ImportFailed(
                "name what to import: --service NAME (its escalation policy), "
                "--escalation-policy NAME or --team NAME"
            )
        policy: dict[str, Any] = self.account.get(
            f"/escalation_policies/{policy_id}", "escalation_policy"
        )
        return policy

    def _schedule_ids(self, policy: dict[str, Any]) -> list[str]:
        ids = [
            target["id"]
            for rule in policy.get("escalation_rules") or []
            for target in rule.get("targets") or []
            if target.get("type") == TARGET_API_TYPES[TargetKind.SCHEDULE]
        ]
        for wanted in self.options.schedules:
            ids.append(self._find("/schedules", "schedule", "schedule", wanted)["id"])
        return list(dict.fromkeys(ids))

    def _adopt_users(self, ids: Iterator[str] | Sequence[str]) -> None:
        for uid in ids:
            if uid not in self.users:
                self.users[uid] = self._read_user(uid)

    def _read_user(self, uid: str) -> dict[str, Any]:
        user: dict[str, Any] = self.account.get(f"/users/{uid}", "user")
        base = f"/users/{uid}"
        user["_contact_methods"] = self.account.get(f"{base}/contact_methods", "contact_methods")
        user["_notification_rules"] = self.account.get(
            f"{base}/notification_rules", "notification_rules"
        )
        user["_handoff_rules"] = self.account.get(
            f"{base}/oncall_handoff_notification_rules", "oncall_handoff_notification_rules"
        )
        return user

    def _slugs(self) -> list[tuple[str, str]]:
        if not self.user_slugs:
            taken: set[str] = set()
            for uid, user in self.users.items():
                name = str(user.get("name") or user.get("email") or uid)
                first = _slug(name.split()[0] if name.split() else name)
                slug = first if first not in taken else _unique(_slug(name), taken)
                taken.add(slug)
                self.user_slugs[uid] = slug
        return list(self.user_slugs.items())

    def _team_time_zone(self, schedules: Sequence[dict[str, Any]]) -> str:
        if schedules and schedules[0].get("time_zone"):
            return str(schedules[0]["time_zone"])
        zones = Counter(str(u.get("time_zone") or "UTC") for u in self.users.values())
        return zones.most_common(1)[0][0] if zones else "UTC"

    # -- members -----------------------------------------------------------------------------------

    def _note(self, where: str, message: str) -> None:
        self.notes.append(f"{where}: {message}")

    def _recreated(self, where: str, rule: str) -> None:
        self.recreated.setdefault(where.removeprefix("members."), []).append(rule)

    def _member(self, user: dict[str, Any], zone: str) -> dict[str, Any]:
        slug = self.user_slugs[user["id"]]
        where = f"members.{slug}"
        role_value = str(user.get("role", ""))
        email = str(user["email"]).lower()
        if role_value not in _ROLE_WORD:
            self._note(
                where,
                f"role {role_value!r} (the account owner) cannot be managed: the member is "
                "referenced (existing: true), looked up by email, and left as it is",
            )
            return {"email": email, "existing": True}
        if Role(role_value) in OFF_CALL_ROLES:
            self._note(where, f"a {_ROLE_WORD[role_value]} cannot be on call in PagerDuty")
        member: dict[str, Any] = {"name": user["name"], "email": email}
        member["role"] = _ROLE_WORD[role_value]
        if user.get("time_zone") and user["time_zone"] != zone:
            member["timeZone"] = user["time_zone"]
        methods = {m["id"]: m for m in user["_contact_methods"]}
        numbers = self._numbers(where, user, methods)
        member |= {via.value: _adopted_number(method) for via, method in numbers.items()}
        for via, method in numbers.items():
            self._check_number(f"{where}.{via.value}", method)
        member["notify"] = self._notify(where, user, methods, email)
        member["handoff"] = self._handoff(where, user, methods)
        member["importId"] = user["id"]
        login = self._login_email_method(where, methods, email)
        if login is not None:
            member["emailContactMethodId"] = login["id"]
        return member

    def _check_number(self, where: str, method: Mapping[str, Any]) -> None:
        """A note when the number, split again as the stack splits it (national significant
        number), is not the `country_code`/`address` PagerDuty stores: the import would differ."""
        stored = (int(method.get("country_code", 1)), str(method["address"]))
        try:
            number = phonenumbers.parse(_international(method), None)
        except phonenumbers.NumberParseException:
            return  # the contract check refuses it with a message
        sent = (number.country_code, phonenumbers.national_significant_number(number))
        if sent != stored:
            self._note(
                where,
                f"PagerDuty stores country code {stored[0]}, address {stored[1]}; the stack "
                f"sends {sent[0]}, {sent[1]}: `pulumi preview` shows the import differ "
                "there; correct the number in PagerDuty first",
            )

    def _login_email_method(
        self, where: str, methods: Mapping[str, dict[str, Any]], email: str
    ) -> dict[str, Any] | None:
        """The contact method PagerDuty made for the login e-mail (type email, same address),
        which the stack's e-mail rules and handoff use instead of looking it up by label."""
        for method in methods.values():
            same_address = str(method.get("address", "")).lower() == email
            if _via_of(method.get("type")) is Via.EMAIL and same_address:
                return method
        self._note(
            where,
            "has no e-mail contact method for the login e-mail; the stack looks it up by the "
            'label "Default" for e-mail rules and the handoff, and fails if there is none',
        )
        return None

    def _numbers(
        self, where: str, user: dict[str, Any], methods: Mapping[str, dict[str, Any]]
    ) -> dict[Via, dict[str, Any]]:
        """The phone and SMS contact methods: the ones the rules use, else the first of each
        type."""
        used = [_method_id(r) for r in user["_notification_rules"] + user["_handoff_rules"]]
        numbers: dict[Via, dict[str, Any]] = {}
        for via in (Via.PHONE, Via.SMS):
            of_type = [m for m in methods.values() if _via_of(m.get("type")) is via]
            in_use = [m for m in of_type if m["id"] in used]
            chosen = (in_use or of_type)[:1]
            if chosen:
                numbers[via] = chosen[0]
            for other in of_type:
                if chosen and other["id"] != chosen[0]["id"]:
                    self._note(
                        where,
                        f"another {via.value} number {_international(other)} "
                        f"({other.get('label')}): the contract holds one; it stays as it is",
                    )
        return numbers

    def _notify(
        self,
        where: str,
        user: dict[str, Any],
        methods: Mapping[str, dict[str, Any]],
        email: str,
    ) -> dict[str, list[dict[str, Any]]]:
        steps: dict[str, list[dict[str, Any]]] = {"high": [], "low": []}
        for rule in user["_notification_rules"]:
            urgency = str(rule.get("urgency"))
            method = methods.get(_method_id(rule), {})
            via = _via_of(rule["contact_method"].get("type"))
            delay = int(rule.get("start_delay_in_minutes") or 0)
            label = f"a {urgency}-urgency rule after {delay} min"
            if urgency not in steps or via is None:
                kind = str(rule["contact_method"].get("type")).removesuffix("_reference")
                self._note(where, f"{label} notifies via {kind}: not in the contract")
                continue
            if via is Via.EMAIL and str(method.get("address", email)).lower() != email:
                self._note(
                    where,
                    f"{label} e-mails {method.get('address')}, not the login e-mail; the "
                    "contract's email step means the login e-mail",
                )
            step: dict[str, Any] = {"via": via.value}
            if delay:
                step["afterMinutes"] = delay
            if step in steps[urgency]:
                self._note(where, f"{label} repeats another rule; imported once")
                continue
            steps[urgency].append(step)
            if via is not Via.EMAIL or delay:  # PagerDuty's own email-at-once rule stays as is
                self._recreated(where, f"{urgency} {via.value} at {delay} min ({rule['id']})")
        for urgency in steps:
            steps[urgency].sort(key=lambda s: (s.get("afterMinutes", 0), _VIA_ORDER[s["via"]]))
        return steps

    def _handoff(
        self, where: str, user: dict[str, Any], methods: Mapping[str, dict[str, Any]]
    ) -> dict[str, Any] | bool:
        rules = user["_handoff_rules"]
        for extra in rules[1:]:
            self._note(
                where,
                f"another handoff rule ({extra.get('handoff_type')}, "
                f"{extra.get('notify_advance_in_minutes')} min before): the contract holds one",
            )
        if not rules:
            return False
        rule = rules[0]
        via = _via_of(rule["contact_method"].get("type"))
        if via is None:
            self._note(where, "the handoff rule notifies a contact method the contract lacks")
            return False
        self._recreated(where, f"handoff ({rule['id']})")
        return {
            "via": via.value,
            "beforeMinutes": int(rule.get("notify_advance_in_minutes") or 0),
            "type": str(rule.get("handoff_type") or "both"),
        }

    # -- schedules and the policy ------------------------------------------------------------------

    def _schedule(self, schedule: dict[str, Any], team_zone: str) -> dict[str, Any]:
        slug = self.schedule_slugs[schedule["id"]]
        zone = str(schedule.get("time_zone") or team_zone)
        out: dict[str, Any] = {"name": schedule["name"]}
        if zone != team_zone:
            out["timeZone"] = zone
        if schedule.get("description"):
            out["description"] = schedule["description"]
        else:
            self._note(
                f"schedules.{slug}",
                "has no description; the stack will give it one (an update on import)",
            )
        out["importId"] = schedule["id"]
        layers = []
        # The API lists the winning layer first; the contract lists it last (see the docstring).
        for index, layer in enumerate(reversed(schedule.get("schedule_layers") or [])):
            converted = self._layer(f"schedules.{slug}.layers[{index}]", layer, zone)
            if converted is not None:
                layers.append(_Flow(converted))
        out["layers"] = layers
        return out

    def _layer(self, where: str, layer: dict[str, Any], zone: str) -> dict[str, Any] | None:
        end = _parse_time(layer.get("end"))
        if end is not None and end <= self.now:
            self._note(where, f"layer {layer.get('name')!r} ended {layer['end']}: not imported")
            return None
        out: dict[str, Any] = {"name": layer.get("name") or "Layer"}
        out["members"] = _FlowList(self.user_slugs[ref["user"]["id"]] for ref in layer["users"])
        seconds = int(layer["rotation_turn_length_seconds"])
        if seconds in _ROTATION_WORD:
            out["rotation"] = _ROTATION_WORD[seconds]
        else:
            if seconds % 3600:
                self._note(where, f"a turn of {seconds} s is not whole hours; rounded")
            out["rotationHours"] = max(1, round(seconds / 3600))
        virtual = _parse_time(layer.get("rotation_virtual_start") or layer.get("start"))
        start = _parse_time(layer.get("start"))
        if virtual is None:
            raise ImportFailed(f"{where}: PagerDuty sent no start for layer {out['name']!r}")
        if start is not None and start != virtual and start > self.now:
            self._note(
                where,
                f"starts {layer['start']} but its rotation started "
                f"{layer['rotation_virtual_start']}"
                "; the contract has one start (the rotation's)",
            )
        out["start"] = _local_time(virtual, zone)
        if end is not None:
            out["end"] = _local_time(end, zone)
        restrictions = [self._restriction(where, r) for r in layer.get("restrictions") or []]
        if restrictions:
            out["restrictions"] = _FlowList(_Flow(r) for r in restrictions)
        return out

    def _restriction(self, where: str, restriction: dict[str, Any]) -> dict[str, Any]:
        kind = _RESTRICTION_WORD[restriction["type"]]
        hours, minutes, *seconds = str(restriction["start_time_of_day"]).split(":")
        if seconds and int(seconds[0]):
            self._note(where, f"a restriction starts at {restriction['start_time_of_day']}")
        out: dict[str, Any] = {"type": kind}
        if restriction.get("start_day_of_week"):
            out["startDay"] = _WEEKDAYS[int(restriction["start_day_of_week"])]
        out["startTime"] = f"{int(hours):02d}:{minutes}"
        duration = int(restriction["duration_seconds"]) / 3600
        out["durationHours"] = int(duration) if duration.is_integer() else duration
        return out

    def _escalation(self, policy: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"name": policy["name"], "loops": int(policy.get("num_loops") or 0)}
        if policy.get("description"):
            out["description"] = policy["description"]
        else:
            self._note("escalation", "has no description; the stack will give it one")
        out["importId"] = policy["id"]
        rules = []
        for index, rule in enumerate(policy.get("escalation_rules") or []):
            where = f"escalation.rules[{index}]"
            targets = []
            for target in rule.get("targets") or []:
                kind = _TARGET_OF_TYPE.get(str(target.get("type")))
                if kind is TargetKind.SCHEDULE:
                    targets.append(f"schedule:{self.schedule_slugs[target['id']]}")
                elif kind is TargetKind.USER:
                    targets.append(f"user:{self.user_slugs[target['id']]}")
                else:
                    self._note(where, f"targets a {target.get('type')}: not in the contract")
            if rule.get("escalation_rule_assignment_strategy") == "round_robin":
                self._note(where, "assigns round robin; the stack leaves the strategy as is")
            if not targets:
                self._note(where, "has no target the contract can express: left out")
                continue
            rules.append(
                _Flow(
                    targets=_FlowList(targets),
                    escalateAfterMinutes=int(rule["escalation_delay_in_minutes"]),
                )
            )
        if not rules:
            raise ImportFailed(f"escalation policy {policy['name']!r} has no rule to import")
        out["rules"] = rules
        if policy.get("on_call_handoff_notifications") not in (None, "if_has_services"):
            self._note(
                "escalation",
                f"on-call handoff notifications: {policy['on_call_handoff_notifications']}",
            )
        return out

    # -- the service -------------------------------------------------------------------------------

    def _service_section(self, service: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"service": service["name"]}
        if service.get("description"):
            out["description"] = service["description"]
        out["importId"] = service["id"]
        rule = service.get("incident_urgency_rule") or {}
        if rule.get("type") == "constant" and rule.get("urgency") in ("high", "low"):
            out["urgency"] = rule["urgency"]
        elif rule:
            self._note(
                "pagerduty",
                f"urgency rule {rule.get('type')!r} (support hours): the contract has one "
                "urgency; the environment's preset applies",
            )
        integrations = [i.get("summary", i["id"]) for i in service.get("integrations") or []]
        if integrations:
            self._note(
                "pagerduty",
                f"the service's integrations ({', '.join(integrations)}) stay; the stack adds "
                "its own New Relic integration: move New Relic to it, then delete the old one",
            )
        orchestration = self.account.get(
            f"/event_orchestrations/services/{service['id']}",
            "orchestration_path",
            missing_ok=True,
        )
        sets = (orchestration or {}).get("sets") or []
        rule_count = sum(len(s.get("rules") or []) for s in sets)
        if rule_count:
            self._note(
                "pagerduty",
                f"an event orchestration with {rule_count} rule(s) routes this service's "
                "events; the contract cannot express it: it stays as it is",
            )
        return out

    # -- the file ----------------------------------------------------------------------------------

    def _config(self, team: dict[str, Any], service: dict[str, Any] | None) -> dict[str, Any]:
        config: dict[str, Any] = {}
        if self.options.site:
            site = {"name": self.options.site, "env": self.options.env}
            if self.options.domain:
                site["domain"] = self.options.domain
            config[f"{NAMESPACE}:site"] = site
        config[f"{NAMESPACE}:team"] = team
        if service is not None and self.options.site:
            config[f"{NAMESPACE}:pagerduty"] = self._service_section(service)
        elif service is not None:
            self.notes.append(
                f"pagerduty: the service {service['name']!r} belongs in a site stack: add "
                f"`pantheon-oncall:pagerduty: {{service: {service['name']}, importId: "
                f"{service['id']}}}` there (or import with --site and --env)"
            )
        return config

    def _render(
        self, config: dict[str, Any], policy: dict[str, Any], service: dict[str, Any] | None
    ) -> str:
        source = f"escalation policy {policy['name']!r}"
        if service is not None:
            source = f"service {service['name']!r}, {source}"
        header = [
            f"# Imported from PagerDuty by `python -m oncall import` ({source}).",
            "# Every user, schedule, the escalation policy and the service carry their importId,",
            "# and so do members' phone and SMS contact methods ({number, importId, label}); the",
            "# login e-mail's contact method is emailContactMethodId. `pulumi up` adopts them",
            "# instead of creating duplicates.",
        ]
        if self.recreated:
            header += [f"# {line}" for line in _RULES_NOT_ADOPTED.splitlines()]
            header += [
                f"#   - {slug}: {', '.join(rules)}" for slug, rules in self.recreated.items()
            ]
        header.append(credentials_comment(self.options.environments))
        if self.notes:
            header += [
                "#",
                "# What this stack file cannot express (review it before `pulumi up`):",
            ]
            header += [f"#   - {note}" for note in self.notes]
        doc: dict[str, Any] = {}
        if self.options.environments:
            doc["environment"] = list(self.options.environments)
        doc["config"] = config
        body = yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=4096)
        return "\n".join(header) + "\n" + body

    def _check(self, text: str) -> None:
        """The file must satisfy the config contract; a failure here is a bug in the import."""
        doc = yaml.safe_load(text)
        prefix = f"{NAMESPACE}:"
        values = {k[len(prefix) :]: v for k, v in doc["config"].items() if k.startswith(prefix)}
        try:
            parse_stack_config(values)
        except ConfigError as e:
            raise ImportFailed(
                "the imported account does not fit the config contract:\n"
                + "\n".join(f"  {p}" for p in e.problems)
            ) from None


# --- Pure helpers ---------------------------------------------------------------------------------


class _Flow(dict[str, Any]):
    """A mapping written on one line (`{name: Jane, …}`), as the stack files in stacks/ do."""


class _FlowList(list[Any]):
    """A list written on one line."""


class _Dumper(yaml.SafeDumper):
    """Indents block lists under their key, as the stack files in stacks/ do."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


_Dumper.add_representer(
    _Flow, lambda d, data: d.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True)
)
_Dumper.add_representer(
    _FlowList, lambda d, data: d.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)
)


def _defaults(members: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    """The team defaults: each urgency's most common rules, and the most common handoff."""
    managed = [m for m in members.values() if not m.get("existing")]
    notify = {}
    for urgency in ("high", "low"):
        lists = [tuple(_freeze(s) for s in m["notify"][urgency]) for m in managed]
        common = Counter(lists).most_common(1)[0][0] if lists else ()
        notify[urgency] = _FlowList(_Flow(dict(step)) for step in common)
    handoffs: list[Any] = [_freeze(m["handoff"]) for m in managed]
    handoff: Any = Counter(handoffs).most_common(1)[0][0] if handoffs else False
    return {"notify": notify, "handoff": _Flow(handoff) if handoff else False}


def _without_defaults(member: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """The member with only what differs from the team defaults."""
    if member.get("existing"):
        return member
    adoption = ("importId", "emailContactMethodId")
    out = {k: v for k, v in member.items() if k not in ("notify", "handoff", *adoption)}
    own = {
        urgency: _FlowList(_Flow(s) for s in steps)
        for urgency, steps in member["notify"].items()
        if steps != defaults["notify"][urgency]
    }
    if own:
        out["notify"] = own
    if member["handoff"] != defaults["handoff"]:
        out["handoff"] = _Flow(member["handoff"]) if member["handoff"] else False
    out |= {k: member[k] for k in adoption if k in member}
    return out


def _freeze(value: Any) -> Any:
    return tuple(value.items()) if isinstance(value, dict) else value


def _method_id(rule: Mapping[str, Any]) -> str:
    return str((rule.get("contact_method") or {}).get("id"))


def _via_of(api_type: object) -> Via | None:
    """email_contact_method(_reference) → email; push and other types → None."""
    return _VIA_OF_TYPE.get(str(api_type).removesuffix("_reference"))


def _adopted_number(method: Mapping[str, Any]) -> _Flow:
    """A phone or SMS contact method as the contract adopts it: `{number, importId, label}`."""
    adopted = _Flow(number=_international(method), importId=method["id"])
    if str(method.get("label") or "").strip():
        adopted["label"] = method["label"]
    return adopted


def _international(method: Mapping[str, Any]) -> str:
    """A phone contact method back in international form, "+1 415 555 0100"."""
    raw = f"+{method.get('country_code', 1)}{method['address']}"
    try:
        number = phonenumbers.parse(raw, None)
    except phonenumbers.NumberParseException:
        return raw
    formatted = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return str(formatted).replace("-", " ")


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _local_time(moment: datetime, zone_name: str) -> str:
    """The time in the schedule's zone, without an offset when that is unambiguous there."""
    zone = ZoneInfo(zone_name)
    local = moment.astimezone(zone)
    naive = local.replace(tzinfo=None)
    earlier, later = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if earlier.utcoffset() == later.utcoffset() == local.utcoffset():
        return naive.isoformat()
    return local.isoformat()


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug or "x"


def _unique(slug: str, taken: set[str]) -> str:
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    taken.add(candidate)
    return candidate


# --- The command ----------------------------------------------------------------------------------


def main(
    args: Any,
    env: Mapping[str, str] = os.environ,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """`python -m oncall import` (arguments as oncall.__main__ defines them); 1 on failure."""
    try:
        return _main(args, env, sleep)
    except ImportFailed as e:
        print(f"error: {e}", file=sys.stderr)
        return 1


def _main(args: Any, env: Mapping[str, str], sleep: Callable[[float], None]) -> int:
    out: Path = args.out
    if out.exists() and not args.force:
        raise ImportFailed(f"{out} exists: pass --force to overwrite it")
    base_url = args.api_url or API_HOSTS[args.region]
    verify = ssl.create_default_context(cafile=str(args.ca_file)) if args.ca_file else None
    account = Account.connect(token_from_environment(env), base_url, sleep, verify)
    options = ImportOptions(
        service=args.service,
        escalation_policy=args.escalation_policy,
        schedules=tuple(args.schedule),
        team=args.team,
        site=args.site,
        env=args.env,
        domain=args.domain,
        team_name=args.team_name,
        environments=tuple(args.environment),
    )
    imported = import_stack(account, options)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(imported.text, encoding="utf-8")
    for note in imported.notes:
        print(f"warning: {note}", file=sys.stderr)
    if imported.recreated:
        print(
            f"warning: {len(imported.recreated)} member(s) have notification or handoff rules "
            "that the first `pulumi up` posts again (a duplicate notification rule is refused): "
            f"delete them in PagerDuty right before it (listed in {out.name}'s header)",
            file=sys.stderr,
        )
    print(f"wrote {out}: {imported.summary}")
    stack = out.name.removeprefix("Pulumi.").removesuffix(".yaml")
    if out.parent.resolve() == stackfile.project_name(args.project_dir)[1].resolve():
        print(f"next: python -m oncall plan {stack}, then pulumi preview --stack {stack}")
    return 0
