"""`oncall calendar STACK`: who is on call when, as a table, an iCalendar file or an SVG picture.

    oncall calendar example-live --from 2026-12-07
    oncall calendar example-live --ics oncall.ics --person joe
    oncall calendar example-live --svg oncall.svg

`calendar` is for people asking "who is on call next?", so its horizon starts today (midnight in
the team's time zone) unless `--from` says otherwise; it says so in its first line. `--from` and
`--weeks` are `check`'s.

The config models and the schedules load in `run`, not at the top: `oncall calendar --help`
imports this module and answers without them.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from oncall.cli.check import horizon_arguments, live_arguments


def arguments(cal: argparse.ArgumentParser) -> None:
    """The `calendar` subcommand's arguments."""
    horizon_arguments(cal, "today")
    live_arguments(cal)
    cal.add_argument("--ics", type=Path, help="write an iCalendar file of the shifts")
    cal.add_argument("--person", help="with --ics: only this member's shifts (a member slug)")
    cal.add_argument("--schedule", help="with --ics: only this schedule's shifts (a slug)")
    cal.add_argument("--svg", type=Path, help="write the timeline as an SVG picture")


def run(args: argparse.Namespace) -> int:
    """`oncall calendar STACK`: who is on call when, as text, or as an .ics or .svg file."""
    from oncall.cli import horizon  # the config models: loaded when the command runs (see above)
    from oncall.config import stackindex
    from oncall.config.errors import ConfigError, Problem
    from oncall.schedules import calendar, holidays, urgency
    from oncall.schedules.from_config import team_model
    from oncall.schedules.model import resolve_team

    config = horizon.load(args.project_dir, args.stack)
    services = urgency.services_of(stackindex.index_of(args.project_dir), args.stack)
    if config.team is None or not config.team.schedules:
        print(f"{args.stack}: {stackindex.where_schedules_live(config)}")
        print("\n".join(urgency.lines(services)))
        return 0
    team = config.team
    model = team_model(team)
    since = horizon.since(args.since, team.time_zone)
    base = horizon.base(args, since)
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
    until = since + timedelta(weeks=horizon.weeks(args.weeks))
    res = horizon.live(args, team, resolve_team(model, since, until))
    sys.stdout.write(calendar.text(res))
    shown = horizon.print_handovers(res, before="\n")
    horizon.print_base_review(args, team, base, before="" if shown else "\n")
    on_holidays = holidays.holiday_shifts(res, holidays.team_countries(team))
    if on_holidays:
        print("\nOn call on a public holiday of their own country:")
        for shift in on_holidays:
            print(f"  {shift.message()}")
    if services:
        print("\n".join(["", *urgency.lines(services)]))
    if args.ics:
        ics = calendar.ics(res, stack=args.stack, person=args.person, schedule=args.schedule)
        horizon.write("--ics", args.ics, ics)
    if args.svg:
        bands = [
            (f"High urgency · {service.stack}", spans)
            for service in services
            if service.paging.support_hours
            and (spans := urgency.high_spans(service, res.since, res.until)) is not None
        ]
        horizon.write("--svg", args.svg, calendar.svg(res, bands).encode())
    return 0
