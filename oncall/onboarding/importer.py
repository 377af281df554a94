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

This module puts the stack file together from what the options name; the rest has a module each:
reading the account (paging, 429s, errors, the token) oncall.onboarding.account, finding what the
options name and reading each person oncall.onboarding.lookup, users to members
oncall.onboarding.members, schedules oncall.onboarding.schedules, the escalation policy
oncall.onboarding.policy, the service oncall.onboarding.service, and laying out, heading and
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
from typing import Any

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
from oncall.onboarding.file import Flow, team_defaults, without_defaults
from oncall.onboarding.lookup import find, read_policy, read_user, schedule_ids
from oncall.onboarding.members import MemberMapper
from oncall.onboarding.policy import escalation_section
from oncall.onboarding.schedules import ScheduleMapper
from oncall.onboarding.service import service_section

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
        policy = read_policy(self.account, self.options.escalation_policy, service, pd_team)
        schedules = [
            self.account.get(f"/schedules/{sid}", "schedule")
            for sid in schedule_ids(self.account, policy, self.options.schedules)
        ]
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
        team["escalation"] = escalation_section(
            policy, self.schedule_slugs, self.user_slugs, self._note
        )
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

    # -- reading the account -----------------------------------------------------------------------

    def _service(self) -> dict[str, Any]:
        assert self.options.service is not None
        return find(self.account, "/services", "service", "service", self.options.service)

    def _team(self) -> dict[str, Any]:
        assert self.options.team is not None
        return find(self.account, "/teams", "team", "team", self.options.team)

    def _adopt_users(self, ids: Iterator[str] | Sequence[str]) -> None:
        for uid in ids:
            if uid not in self.users:
                self.users[uid] = read_user(self.account, uid)

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
            config[f"{NAMESPACE}:pagerduty"] = service_section(service, self.account, self._note)
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
