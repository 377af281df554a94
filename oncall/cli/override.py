"""`oncall override add|list|delete STACK`: vacations and swaps, live in PagerDuty.

    oncall override add team-agency --who lee --from 2026-12-24T09:00+01:00 \\
        --to 2026-12-28T09:00+01:00 [--schedule primary] [--dry-run]
    oncall override list team-agency [--from …] [--to …]
    oncall override delete team-agency Q3X6MJ1LUKD6QW [--dry-run]

The one command that changes PagerDuty outside `pulumi up` (oncall.golive.overrides says what it
sends, and why it is not a resource). The token is the import's: PAGERDUTY_TOKEN, else `pulumi
config get pagerduty:token --stack STACK`; it is never printed. The stack file says who may be
put on call (`--who` is a member slug) and which schedules there are; the ids come from the
deployed stack's outputs or `--schedule-id`.

`--live` of `check` and `calendar` reads the overrides through `live_overrides` here, with the
connection options `connection_arguments` adds.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oncall.config import ResolvedTeam, StackConfig, TeamStackConfig
    from oncall.golive.overrides import LiveOverride, Run
    from oncall.onboarding.account import Account

LIST_WEEKS = 4
"""How far `override list` looks ahead by default."""


def connection_arguments(parser: argparse.ArgumentParser) -> None:
    """How to reach PagerDuty: the region, or another API URL and the CA to trust."""
    parser.add_argument("--region", choices=["us", "eu"], default="us", help="service region")
    parser.add_argument("--api-url", help="another REST API base URL (tests, proxies)")
    parser.add_argument("--ca-file", type=Path, help="trust this CA bundle (a TLS proxy's)")


def arguments(parser: argparse.ArgumentParser) -> None:
    """`override`'s actions and their arguments."""
    actions = parser.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="put a member on call for a while (vacation, swap)")
    _common(add)
    add.add_argument("--who", required=True, help="the member slug who takes over")
    add.add_argument("--from", dest="start", required=True, help="e.g. 2026-12-24T09:00+01:00")
    add.add_argument("--to", dest="end", required=True, help="e.g. 2026-12-28T09:00+01:00")
    add.add_argument("--dry-run", action="store_true", help="show the request, send nothing")
    shown = actions.add_parser("list", help="the schedule's overrides (default: next 4 weeks)")
    _common(shown)
    shown.add_argument("--from", dest="start", help="from (default: now), with its offset")
    shown.add_argument("--to", dest="end", help=f"to (default: {LIST_WEEKS} weeks on)")
    delete = actions.add_parser("delete", help="remove an override (`list` shows its id)")
    _common(delete)
    delete.add_argument("override_id", help="the override's id, e.g. Q3X6MJ1LUKD6QW")
    delete.add_argument("--dry-run", action="store_true", help="show the request, send nothing")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("stack", help="the stack whose team has the schedule, e.g. team-agency")
    parser.add_argument("--schedule", help="schedule slug (default: the team's only schedule)")
    parser.add_argument("--schedule-id", help="the schedule's PagerDuty id (default: the output)")
    connection_arguments(parser)


def run(
    args: argparse.Namespace,
    env: Mapping[str, str] = os.environ,
    pulumi: Run = subprocess.run,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> int:
    """`oncall override …`; 1 with one line on stderr for bad input or a refusal."""
    from oncall.onboarding.account import ImportFailed, unexpected_answer

    try:
        return _Override(args, env, pulumi, now).run()
    except ImportFailed as e:
        return _error(str(e))
    except (KeyError, TypeError, AttributeError, IndexError, RecursionError) as e:
        return _error(unexpected_answer(e).replace("Nothing was written", "Nothing was changed"))


def _error(message: str) -> int:
    from oncall.config.errors import safe_text

    print(f"error: {safe_text(message)}", file=sys.stderr)
    return 1


class _Override:
    """One `override` run: the stack's team, the schedule, then the action."""

    def __init__(
        self,
        args: argparse.Namespace,
        env: Mapping[str, str],
        pulumi: Run,
        now: Callable[[], datetime],
    ) -> None:
        from oncall.golive import overrides

        self.args, self.env, self.now = args, env, now
        self.pulumi: Run = functools.partial(pulumi, cwd=args.project_dir)
        self.ov = overrides
        self.team = team_of(args.project_dir, args.stack)
        self.slug = self._schedule_slug()

    def run(self) -> int:
        args, ov = self.args, self.ov
        if args.action == "add":
            return self._add()
        ids = self._ids()
        schedule = self._schedule_id(ids)
        if args.action == "list":
            return self._list(ids, schedule)
        _check_id("override id", args.override_id)
        path = f"/schedules/{schedule}/overrides/{args.override_id}"
        if args.dry_run:
            print(f"would DELETE {path} (dry run: nothing sent)")
            return 0
        status = ov.delete(connect(args, self.env, self.pulumi), schedule, args.override_id)
        if status == 200:
            print(f"override {args.override_id} was under way: PagerDuty ended it now ({path})")
        else:
            print(f"deleted override {args.override_id} from schedule {self.slug} ({schedule})")
        return 0

    def _add(self) -> int:
        args, ov, team = self.args, self.ov, self.team
        if args.who not in team.members:
            raise ov.OverrideRefused(
                f"--who {args.who!r}: not a member of stack {args.stack}; expected one of "
                f"{', '.join(team.members)}"
            )
        start, end = ov.parse_time("--from", args.start), ov.parse_time("--to", args.end)
        ov.check_window(start, end, self.now())
        ids = self._ids()
        schedule = self._schedule_id(ids)
        member = team.members[args.who]
        account = None
        if args.who in ids.users:
            user = ids.users[args.who]
        else:
            account = connect(args, self.env, self.pulumi)
            user = ov.user_id(account, ids, args.who, member.email)
        body = ov.request_body(user, start, end, team.time_zone)
        path = f"/schedules/{schedule}/overrides"
        if args.dry_run:
            print(f"would POST {path} (dry run: nothing sent):")
            print(json.dumps(body, indent=2))
            return 0
        done = ov.create(account or connect(args, self.env, self.pulumi), schedule, body)
        if done.lost:
            print(
                f"POST {path} got no answer ({done.lost}), so it was not sent again; the "
                "schedule's overrides show PagerDuty created it:"
            )
        created = done.override
        print(
            f"created override {created.id} on schedule {self.slug} ({schedule}): "
            f"{member.name or member.email} on call {_span(created.start, created.end, team)}"
        )
        if done.alike:
            print(
                f"(the schedule has {len(done.alike)} more like it, from an earlier run: "
                f"{', '.join(done.alike)}; `oncall override delete` removes one)"
            )
        return 0

    def _list(self, ids: Any, schedule: str) -> int:
        args, ov, team = self.args, self.ov, self.team
        since = ov.parse_time("--from", args.start) if args.start else self.now()
        until = ov.parse_time("--to", args.end) if args.end else since + timedelta(weeks=4)
        if until <= since:
            raise ov.OverrideRefused(f"--to {args.end}: not after --from ({since.isoformat()})")
        account = connect(args, self.env, self.pulumi)
        members = {uid: slug for slug, uid in ids.users.items()}
        found = ov.listed(account, schedule, since, until, members)
        print(f"Overrides of schedule {self.slug} ({schedule}), {_span(since, until, team)}:")
        for o in found:
            name = _display(team, o)
            print(f"  {o.id}  {name:<24} {_span(o.start, o.end, team)}")
        if not found:
            print("  none")
        return 0

    def _ids(self) -> Any:
        if self.args.schedule_id:
            _check_id("--schedule-id", self.args.schedule_id)
            return self.ov.StackIds({}, {})
        return self.ov.stack_ids(self.args.project_dir, self.args.stack, self.pulumi)

    def _schedule_id(self, ids: Any) -> str:
        if self.args.schedule_id:
            return str(self.args.schedule_id)
        return str(self.ov.schedule_id(ids, self.slug, self.args.stack))

    def _schedule_slug(self) -> str:
        schedules = self.team.schedules
        if self.args.schedule is None and len(schedules) == 1:
            return next(iter(schedules))
        if self.args.schedule not in schedules:
            given = "none given" if self.args.schedule is None else repr(self.args.schedule)
            raise self.ov.OverrideRefused(
                f"--schedule {given}: expected a schedule of stack {self.args.stack}, one of "
                f"{', '.join(schedules)}"
            )
        return str(self.args.schedule)


def team_of(project_dir: Path, stack: str) -> ResolvedTeam:
    """The stack's team with its schedules; OverrideRefused when the stack has none."""
    from oncall.config import stackindex
    from oncall.config.load import checked_stack_file
    from oncall.golive.overrides import OverrideRefused

    config: StackConfig | TeamStackConfig = checked_stack_file(project_dir, stack)[1]
    if config.team is None or not config.team.schedules:
        raise OverrideRefused(f"{stack}: {stackindex.where_schedules_live(config)}")
    return config.team


def connect(args: argparse.Namespace, env: Mapping[str, str], pulumi: Run) -> Account:
    """The account the options point at, with the token `oncall import` would use."""
    from oncall.config.errors import shown
    from oncall.config.urls import url_problem
    from oncall.onboarding.account import API_HOSTS, Account, ImportFailed, token_from_environment
    from oncall.onboarding.args import ca_context

    if args.api_url is not None:
        problem = url_problem(args.api_url, loopback_http=False)
        if problem is not None:
            raise ImportFailed(f"--api-url {shown(args.api_url)}: {problem}")
    verify = ca_context(args.ca_file) if args.ca_file else None
    token = token_from_environment(env, pulumi, stack=args.stack)
    return Account.connect(token, args.api_url or API_HOSTS[args.region], verify=verify)


def live_overrides(
    args: argparse.Namespace,
    team: ResolvedTeam,
    since: datetime,
    until: datetime,
    env: Mapping[str, str] = os.environ,
    pulumi: Run = subprocess.run,
) -> dict[str, list[LiveOverride]]:
    """`check --live` and `calendar --live`: every schedule's overrides over [since, until),
    from PagerDuty, by schedule slug (ids from the stack's outputs)."""
    from oncall.golive import overrides as ov

    run_here: Run = functools.partial(pulumi, cwd=args.project_dir)
    ids = ov.stack_ids(args.project_dir, args.stack, run_here)
    schedules = {slug: ov.schedule_id(ids, slug, args.stack) for slug in team.schedules}
    account = connect(args, env, run_here)
    members = {uid: slug for slug, uid in ids.users.items()}
    return {slug: ov.listed(account, sid, since, until, members) for slug, sid in schedules.items()}


def live_lines(team: ResolvedTeam, found: Mapping[str, list[LiveOverride]]) -> list[str]:
    """What `check --live` and `calendar --live` print about the overrides."""
    lines = ["Live overrides in PagerDuty:"]
    for slug, listed in found.items():
        for o in listed:
            lines.append(f"  {slug}: {_display(team, o)} on call {_span(o.start, o.end, team)}")
    if len(lines) == 1:
        lines.append("  none in this horizon")
    return lines


def _display(team: ResolvedTeam, o: LiveOverride) -> str:
    if o.who is not None:
        member = team.members[o.who]
        return str(member.name or member.email)
    return f"{o.user_name} (not in this stack)"


def _span(start: datetime, end: datetime, team: ResolvedTeam) -> str:
    from oncall.schedules.checks import span

    return span(start, end, team.time_zone)


def _check_id(option: str, value: str) -> None:
    """A PagerDuty id goes into a URL path: letters and digits only."""
    if not re.fullmatch(r"[A-Za-z0-9]{1,64}", value):
        from oncall.config.errors import shown
        from oncall.golive.overrides import OverrideRefused

        raise OverrideRefused(f"{option} {shown(value)}: expected a PagerDuty id (letters, digits)")
