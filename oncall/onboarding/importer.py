"""`oncall import`: write a stack file from what a PagerDuty account already has.

    PAGERDUTY_TOKEN=… oncall import --service "New Relic" --site example --env live \\
        --out stacks/Pulumi.example-live.yaml

Reads the account through PagerDuty's REST API v2 with PagerDuty's official Python client
(`pagerduty`): the escalation policy (the one behind `--service` by default, or
`--escalation-policy`, or the one of `--team`), the schedules it targets (and any `--schedule`),
every person on them with their role, time zone, phone and SMS numbers, notification rules and
handoff rule, and the service. It writes the config contract (oncall.config) with an `importId`
on every user, schedule, the policy and the service, on every member's phone and SMS contact
method (`{number, importId, label}`, label as PagerDuty has it), and on every notify step and
handoff (the rule's id), and the login e-mail's contact method as `emailContactMethodId`; so
`pulumi up` adopts them instead of creating duplicates. Everything the provider reads back is
written as it exists, because Pulumi's import fails on any difference: descriptions ("" for
none: absent, the provider would send its placeholder), job titles, the teams of schedules and
the policy, the service's two timeouts, and notification rules of both urgencies. The file is
checked by the contract before it is written.

Rules must be adopted: the component's provider creates each rule with a plain POST that never
looks for an existing one (terraform-provider-pagerduty,
pagerdutyplugin/resource_pagerduty_user_notification_rule.go and
resource_pagerduty_user_handoff_notification_rule.go, `Create`), and PagerDuty refuses a second
notification rule on the same contact method and delay. PagerDuty's own e-mail-at-once rule is
the exception: the stack never creates nor manages it, so its step carries no id.

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

This module decides what to read and maps the policy and the service; the rest has a module each:
reading the account (paging, 429s, errors, the token) oncall.onboarding.account, users to members
oncall.onboarding.members, schedules oncall.onboarding.schedules, and laying out, heading and
checking the file oncall.onboarding.file.
"""

from __future__ import annotations

import os
import re
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from components.vocabulary import TARGET_API_TYPES, TargetType
from oncall.config import NAMESPACE, stack_write, stackfile
from oncall.config.errors import ConfigError, safe_text
from oncall.onboarding import file
from oncall.onboarding.account import (
    API_HOSTS,
    Account,
    ImportFailed,
    token_from_environment,
    unexpected_answer,
)
from oncall.onboarding.args import checked_options
from oncall.onboarding.file import Flow, FlowList, team_defaults, without_defaults
from oncall.onboarding.members import MemberMapper
from oncall.onboarding.schedules import ScheduleMapper
from oncall.onboarding.support_hours import support_hours_section

_TARGET_OF_TYPE: Final = {api_type: kind for kind, api_type in TARGET_API_TYPES.items()}


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
            if target.get("type") == TARGET_API_TYPES[TargetType.USER]
        )
        zone = self._team_time_zone(schedules)
        team: dict[str, Any] = {"name": team_name, "timeZone": zone}
        mapper = MemberMapper(self._note)
        members = {slug: mapper.member(self.users[uid], slug, zone) for uid, slug in self._slugs()}
        team["defaults"] = team_defaults(members)
        team["members"] = {
            slug: Flow(without_defaults(member, team["defaults"]))
            for slug, member in members.items()
        }
        schedule_mapper = ScheduleMapper(self._note, self.user_slugs, self.now)
        team["schedules"] = {
            self.schedule_slugs[s["id"]]: schedule_mapper.schedule(
                s, self.schedule_slugs[s["id"]], zone
            )
            for s in schedules
        }
        team["escalation"] = self._escalation(policy)
        config = self._config(team, service)
        source = f"escalation policy {policy['name']!r}"
        if service is not None:
            source = f"service {service['name']!r}, {source}"
        text = file.render(config, source, self.notes, self.options.environments)
        file.check(text)
        summary = (
            f"{len(self.users)} people, {len(schedules)} schedule(s), escalation policy "
            f"{policy['name']!r}" + (f", service {service['name']!r}" if service else "")
        )
        return Imported(text, self.notes, summary)

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
        # As the provider reads a policy (terraform-provider-pagerduty,
        # pagerduty/resource_pagerduty_escalation_policy.go, fetchEscalationPolicy): with each
        # rule's assignment strategy, so that a round-robin rule is noticed; an account without
        # the entitlement answers 403 to that, and the provider then reads it without.
        path = f"/escalation_policies/{policy_id}"
        include = {"include[]": ["escalation_rule_assignment_strategies"]}
        policy: dict[str, Any] | None = self.account.get(
            path, "escalation_policy", params=include, forbidden_ok=True
        )
        if policy is None:
            return dict(self.account.get(path, "escalation_policy"))
        return policy

    def _schedule_ids(self, policy: dict[str, Any]) -> list[str]:
        ids = [
            target["id"]
            for rule in policy.get("escalation_rules") or []
            for target in rule.get("targets") or []
            if target.get("type") == TARGET_API_TYPES[TargetType.SCHEDULE]
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
        # The API answers only high-urgency rules unless asked for `urgency=all` (PagerDuty/
        # api-schema, reference/REST/openapiv3.json, getUserNotificationRules: high, low, all;
        # default high): low-urgency rules must be adopted too, or a low step is posted again.
        user["_notification_rules"] = self.account.get(
            f"{base}/notification_rules", "notification_rules", params={"urgency": "all"}
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

    # -- notes (also handed to the member and schedule mappers) ------------------------------------

    def _note(self, where: str, message: str) -> None:
        self.notes.append(f"{where}: {message}")

    # -- the policy --------------------------------------------------------------------------------

    def _escalation(self, policy: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"name": policy["name"], "loops": int(policy.get("num_loops") or 0)}
        # Read back as PagerDuty has it, "" for none, and so are the teams (pagerduty/
        # resource_pagerduty_escalation_policy.go, setResourceEPProps): the import must match.
        out["description"] = str(policy.get("description") or "")
        teams = [str(t["id"]) for t in policy.get("teams") or []]
        if teams:
            out["team"] = teams[0]
        out["importId"] = policy["id"]
        rules = []
        for index, rule in enumerate(policy.get("escalation_rules") or []):
            where = f"escalation.rules[{index}]"
            targets = []
            for target in rule.get("targets") or []:
                kind = _TARGET_OF_TYPE.get(str(target.get("type")))
                if kind is TargetType.SCHEDULE:
                    targets.append(f"schedule:{self.schedule_slugs[target['id']]}")
                elif kind is TargetType.USER:
                    targets.append(f"user:{self.user_slugs[target['id']]}")
                else:
                    self._note(where, f"targets a {target.get('type')}: not in the contract")
            # The provider's escalation_rule_assignment_strategy is Optional and Computed
            # (pagerduty/resource_pagerduty_escalation_policy.go): unset, it keeps what it read,
            # so the import matches and the strategy stays; only the contract cannot show it.
            strategy = rule.get("escalation_rule_assignment_strategy") or {}
            if isinstance(strategy, dict) and strategy.get("type") == "round_robin":
                self._note(
                    where,
                    "assigns round robin, which the contract cannot write: the stack leaves the "
                    "strategy as PagerDuty has it (reordering the rules may move it)",
                )
            if not targets:
                self._note(where, "has no target the contract can express: left out")
                continue
            rules.append(
                Flow(
                    targets=FlowList(targets),
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
        out["description"] = str(service.get("description") or "")
        out["importId"] = service["id"]
        # The timeouts as they are (seconds to minutes; null: off): the import must match.
        for key, api_key in (
            ("autoResolveMinutes", "auto_resolve_timeout"),
            ("acknowledgementTimeoutMinutes", "acknowledgement_timeout"),
        ):
            seconds = service.get(api_key)
            out[key] = _minutes_or_off(seconds)
            if isinstance(seconds, int) and seconds % 60:
                self._note(
                    f"pagerduty.{key}",
                    f"PagerDuty has {seconds} s, not whole minutes: rounded, so `pulumi preview` "
                    "shows the import differ there; set whole minutes in PagerDuty first",
                )
        rule = service.get("incident_urgency_rule") or {}
        hours = support_hours_section(service)
        if rule.get("type") == "constant" and rule.get("urgency") in ("high", "low"):
            out["urgency"] = rule["urgency"]
        elif hours is not None:
            out |= hours
        elif rule:
            self._note(
                "pagerduty",
                f"urgency rule {rule.get('type')!r}: the contract has one urgency or support "
                "hours high during and low outside; the environment's preset applies",
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


# --- Pure helpers ---------------------------------------------------------------------------------


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug or "x"


def _minutes_or_off(seconds: object) -> int | bool:
    """A service timeout as the contract writes it: whole minutes, or false when off."""
    if seconds is None or seconds == "null":
        return False
    return max(1, round(int(str(seconds)) / 60))


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
    """`oncall import` (arguments as oncall.cli defines them); 1 on failure."""
    try:
        return _main(args, env, sleep)
    except ImportFailed as e:
        print(f"error: {safe_text(str(e))}", file=sys.stderr)
        return 1
    except (KeyError, TypeError, AttributeError, ValueError, IndexError, RecursionError) as e:
        # What PagerDuty answered lacks a field the import reads, or has it in another shape.
        print(f"error: {safe_text(unexpected_answer(e))}", file=sys.stderr)
        return 1


def _main(args: Any, env: Mapping[str, str], sleep: Callable[[float], None]) -> int:
    out: Path = args.out
    verify = checked_options(args)
    base_url = args.api_url or API_HOSTS[args.region]
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
    try:
        stack_write.write(out, imported.text, args.project_dir, args.force, named_outside_ok=True)
    except stack_write.Exists:
        raise ImportFailed(f"{out} exists: pass --force to overwrite it") from None
    except ConfigError as e:
        raise ImportFailed(str(e)) from None
    for note in imported.notes:
        print(f"warning: {safe_text(note)}", file=sys.stderr)
    print(f"wrote {out}: {imported.summary}")
    stack = out.name.removeprefix("Pulumi.").removesuffix(".yaml")
    if out.parent.resolve() == stackfile.project_name(args.project_dir)[1].resolve():
        print(f"next: oncall plan {stack}, then pulumi preview --stack {stack}")
    return 0
