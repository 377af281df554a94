"""`oncall check STACK` and `oncall calendar STACK`: schedules, offline.

    oncall check example-live      # gaps, shadowed layers, load; exit 1 on errors
    oncall calendar example-live --from 2026-12-07
    oncall calendar example-live --ics oncall.ics --person joe
    oncall calendar example-live --svg oncall.svg

Where the horizon starts: `check` is part of planning and never reads the clock; by default it
starts at the latest layer start (the first moment every layer is in effect). `calendar` is for
people asking "who is on call next?", so it starts today (midnight in the team's time zone) unless
`--from` says otherwise; it says so in its first line. Both take `--from` as a date
(`2026-12-07`, midnight in the team's zone) or a date-time (`2026-12-07T09:00`, the team's zone
unless it has an offset), and `--weeks N` (default 4).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from oncall import calendar, coverage, stackindex
from oncall.config import YEARS, LoadLimits, ResolvedTeam, StackConfig, Team, TeamStackConfig
from oncall.config.issues import issues_from
from oncall.errors import ConfigError, Problem, safe_text
from oncall.schedule import TeamResolution, resolve_team, team_model
from oncall.schedules import holidays


def _load(project_dir: Path, stack: str) -> StackConfig | TeamStackConfig:
    from oncall import program

    return program.checked_stack_file(project_dir, stack)[1]


def _since(value: str | None, zone: str) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        message = "expected a date like 2026-12-07 or a date-time like 2026-12-07T09:00"
        raise ConfigError([Problem("--from", value, message)]) from None
    if moment.year not in YEARS:
        message = f"expected a date between the years {YEARS[0]} and {YEARS[-1]}"
        raise ConfigError([Problem("--from", value, message)])
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.astimezone(UTC)


def _weeks(weeks: int) -> int:
    if not 1 <= weeks <= 52:
        raise ConfigError([Problem("--weeks", weeks, "expected 1 to 52")])
    return weeks


_LOAD_OPTIONS = (
    ("--max-after-hours-share", "max_after_hours_share", "max_after_hours_share"),
    ("--max-after-hours-days", "max_after_hours_days", "max_after_hours_days_per_month"),
)
"""Each `check` option on load: its name, its `Thresholds` field, its `LoadLimits` field."""


def _thresholds(args: argparse.Namespace, team: Team) -> coverage.Thresholds:
    """The team's `load` limits, each overridden by its option when given (checked by the same
    bounds as the stack file's key)."""
    given = {}
    for option, field, key in _LOAD_OPTIONS:
        value = getattr(args, field)
        if value is None:
            continue
        try:
            LoadLimits.model_validate({key: value})
        except ValidationError as e:
            message = issues_from(e, LoadLimits, option)[0].message
            raise ConfigError([Problem(option, value, message)]) from None
        given[field] = value
    return replace(coverage.team_thresholds(team), **given)


def run(args: argparse.Namespace) -> int:
    """Dispatch `check` or `calendar`; 1 with one line when PagerDuty cannot be read (--live)."""
    from oncall.pagerduty_account import ImportFailed

    try:
        return check(args) if args.command == "check" else calendar_command(args)
    except ImportFailed as e:
        print(f"error: {safe_text(str(e))}", file=sys.stderr)
        return 1


def _live(args: argparse.Namespace, team: ResolvedTeam, res: TeamResolution) -> TeamResolution:
    """With --live: print the overrides PagerDuty has, and `res` with them on top."""
    if not getattr(args, "live", False):
        return res
    from oncall.cli.override import live_lines, live_overrides
    from oncall.golive.overrides import with_overrides

    found = live_overrides(args, team, res.since, res.until)
    print("\n".join(live_lines(team, found)))
    print()
    return with_overrides(res, found)


def check(args: argparse.Namespace) -> int:
    """`oncall check STACK`: coverage, gaps and load of the stack's schedules; 1 on an error."""
    config = _load(args.project_dir, args.stack)
    if config.team is None or not config.team.schedules:
        print(f"{args.stack}: {stackindex.where_schedules_live(config)}")
        return 0
    if isinstance(config, TeamStackConfig):
        pagers = stackindex.index_of(args.project_dir).paged_by_live(args.stack)
        live = bool(pagers)
        context = f"team stack, paged by live {', '.join(pagers)}" if live else "team stack"
    else:
        live = stackindex.index_of(args.project_dir).is_live(args.stack)
        context = f"{config.site.env} environment"
    thresholds = _thresholds(args, config.team)
    since = _since(args.since, config.team.time_zone)
    result = coverage.report(
        config.team, live=live, since=since, weeks=_weeks(args.weeks), thresholds=thresholds
    )
    res = result.resolution
    start_note = "--from" if since else "the latest layer start; --from to choose"
    print(f"Schedules of {args.stack} ({context}), from {coverage.when(res.since, res.team.zone)}")
    print(f"({start_note}) for {args.weeks} weeks:")
    for line in coverage.summary_lines(result):
        print(f"  {line}")
    print()
    on_holidays = holidays.holiday_shifts(
        _live(args, config.team, res), holidays.team_countries(config.team)
    )
    for finding in result.findings:
        print(finding)
    for shift in on_holidays:
        print(shift.warning())
    if result.findings or on_holidays:
        print()
    holiday_loads = holidays.holiday_loads(on_holidays)
    print(
        f"On-call load over {args.weeks} weeks (final schedules; after hours = outside "
        f"Mon-Fri {thresholds.work_start:%H:%M}-{thresholds.work_end:%H:%M} in the person's "
        "own time zone):"
    )
    for load in result.loads:
        print(
            f"  {res.team.display(load.slug):<24} {load.hours:6.0f} h on call, "
            f"{load.after_hours:5.0f} h after hours ({100 * load.after_hours_share:3.0f} %), "
            f"{load.after_hours_days} after-hours days "
            f"({coverage.per_month(load.after_hours_days, res):.0f} a month)"
            + (f", {holiday_loads[load.slug].describe()}" if load.slug in holiday_loads else "")
        )
    if not result.loads:
        print("  nobody is on call in this horizon")
    errors = len(result.errors)
    warnings = len(result.findings) - errors + len(on_holidays)
    print(f"\n{errors} error(s), {warnings} warning(s).")
    return 1 if errors else 0


def calendar_command(args: argparse.Namespace) -> int:
    """`oncall calendar STACK`: who is on call when, as text, or as an .ics or .svg file."""
    config = _load(args.project_dir, args.stack)
    if config.team is None or not config.team.schedules:
        print(f"{args.stack}: {stackindex.where_schedules_live(config)}")
        return 0
    team = config.team
    model = team_model(team)
    since = _since(args.since, team.time_zone)
    if since is None:
        # A person asking "who is on call" means from today: the one place that reads the clock.
        today = datetime.now(ZoneInfo(team.time_zone)).date()
        since = datetime.combine(today, datetime.min.time(), ZoneInfo(team.time_zone))
        print(f"(from today, {today}; --from to choose another start)")
    for option, value, known in (
        ("--person", args.person, team.members),
        ("--schedule", args.schedule, team.schedules),
    ):
        if value is not None and value not in known:
            message = f"unknown; expected one of {', '.join(known)}"
            raise ConfigError([Problem(option, value, message)])
    res = _live(args, team, resolve_team(model, since, since + timedelta(weeks=_weeks(args.weeks))))
    sys.stdout.write(calendar.text(res))
    on_holidays = holidays.holiday_shifts(res, holidays.team_countries(team))
    if on_holidays:
        print("\nOn call on a public holiday of their own country:")
        for shift in on_holidays:
            print(f"  {shift.message()}")
    if args.ics:
        ics = calendar.ics(res, stack=args.stack, person=args.person, schedule=args.schedule)
        _write("--ics", args.ics, ics)
    if args.svg:
        _write("--svg", args.svg, calendar.svg(res).encode())
    return 0


def _write(option: str, path: Path, content: bytes) -> None:
    try:
        path.write_bytes(content)
    except OSError as e:
        raise ConfigError([Problem(option, str(path), f"cannot write it: {e.strerror}")]) from None
    print(f"wrote {path}")
