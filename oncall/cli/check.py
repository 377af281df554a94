"""`oncall check STACK`: coverage, gaps, shadowed layers and load of a stack's schedules, offline.

    oncall check example-live      # gaps, shadowed layers, load; exit 1 on errors

`check` is part of planning and never reads the clock: by default its horizon starts at the
latest layer start (the first moment every layer is in effect). `--from` takes a date
(`2026-12-07`, midnight in the team's zone) or a date-time (`2026-12-07T09:00`, the team's zone
unless it has an offset); `--weeks N` (default 4) is its length. `calendar` takes the same two,
and `--base REF`: the roster against a git revision, as `oncall diff` reviews it
(oncall.cli.roster_base).

The config models and the schedule checks load in `run`, not at the top: `oncall check --help`
imports this module and answers without them.
"""

from __future__ import annotations

import argparse

from oncall.defaults import DEFAULT_WEEKS, MAX_AFTER_HOURS_DAYS_PER_MONTH, MAX_AFTER_HOURS_SHARE


def arguments(check: argparse.ArgumentParser) -> None:
    """The `check` subcommand's arguments."""
    horizon_arguments(check, "the latest layer start")
    live_arguments(check)
    check.add_argument(
        "--max-after-hours-share",
        type=float,
        help="warn when more of a person's on-call hours than this share fall outside working "
        "hours (Mon-Fri 09:00-17:00 in their time zone; default: the stack's "
        f"team.load.maxAfterHoursShare, else {MAX_AFTER_HOURS_SHARE})",
    )
    check.add_argument(
        "--max-after-hours-days",
        type=float,
        help="warn when a person is on call outside working hours on more days per 30 (default: "
        "the stack's team.load.maxAfterHoursDaysPerMonth, else "
        f"{MAX_AFTER_HOURS_DAYS_PER_MONTH:g})",
    )


def horizon_arguments(parser: argparse.ArgumentParser, default_from: str) -> None:
    """The stack and the horizon, as `check` and `calendar` both take them."""
    parser.add_argument("stack", help="stack name, e.g. example-live")
    parser.add_argument(
        "--weeks",
        type=int,
        default=DEFAULT_WEEKS,
        help=f"horizon in weeks (default {DEFAULT_WEEKS})",
    )
    parser.add_argument(
        "--from",
        dest="since",
        metavar="DATE",
        help=f"start of the horizon, e.g. 2026-12-07 or 2026-12-07T09:00 (default: {default_from})",
    )
    parser.add_argument(
        "--base",
        metavar="REF",
        help="also review the roster against this git revision, as `oncall diff` does: the "
        "layers the working tree reshuffles and its handovers, from --from, else the head "
        "commit's committer date",
    )


def live_arguments(parser: argparse.ArgumentParser) -> None:
    """`--live` of `check` and `calendar`: PagerDuty's overrides on top of the stack's schedules."""
    from oncall.cli.override import connection_arguments  # argparse only, light for --help

    parser.add_argument(
        "--live",
        action="store_true",
        help="also read the schedules' overrides from PagerDuty and show them (token as for "
        "import: $PAGERDUTY_TOKEN, else pagerduty:token; ids from the stack's outputs)",
    )
    connection_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """`oncall check STACK`: coverage, gaps and load of the stack's schedules; 1 on an error."""
    from oncall.cli import horizon  # the config models: loaded when the command runs (see above)
    from oncall.config import TeamStackConfig, stackindex
    from oncall.schedules import checks, holidays, urgency

    config = horizon.load(args.project_dir, args.stack)
    services = urgency.services_of(stackindex.index_of(args.project_dir), args.stack)
    if config.team is None or not config.team.schedules:
        print(f"{args.stack}: {stackindex.where_schedules_live(config)}")
        print("\n".join(urgency.lines(services)))
        return 0
    if isinstance(config, TeamStackConfig):
        pagers = stackindex.index_of(args.project_dir).paged_by_live(args.stack)
        live = bool(pagers)
        context = f"team stack, paged by live {', '.join(pagers)}" if live else "team stack"
    else:
        live = stackindex.index_of(args.project_dir).is_live(args.stack)
        context = f"{config.site.env} environment"
    thresholds = horizon.thresholds(args, config.team)
    since = horizon.since(args.since, config.team.time_zone)
    base = horizon.base(args, since)
    result = checks.report(
        config.team, live=live, since=since, weeks=horizon.weeks(args.weeks), thresholds=thresholds
    )
    res = result.resolution
    start_note = "--from" if since else "the latest layer start; --from to choose"
    print(f"Schedules of {args.stack} ({context}), from {checks.when(res.since, res.team.zone)}")
    print(f"({start_note}) for {args.weeks} weeks:")
    for line in checks.summary_lines(result):
        print(f"  {line}")
    print()
    on_roster = horizon.roster_findings(res, horizon.print_handovers(res))
    reviewed = horizon.print_base_review(args, config.team, base)
    on_holidays = holidays.holiday_shifts(
        horizon.live(args, config.team, res), holidays.team_countries(config.team)
    )
    for finding in [*result.findings, *on_roster]:
        print(finding)
    for shift in on_holidays:
        print(shift.warning())
    if result.findings or on_roster or on_holidays:
        print()
    holiday_loads = holidays.holiday_loads(on_holidays)
    print(
        f"On-call load over {args.weeks} weeks (final schedules; after hours = outside "
        f"Mon-Fri {thresholds.work_start:%H:%M}-{thresholds.work_end:%H:%M} in the person's "
        "own time zone):"
    )
    hours_vary = any(service.paging.support_hours for service in services)
    high = urgency.high_union(services, res.since, res.until) if hours_vary else None
    for load in result.loads:
        at_high = (
            ""
            if high is None
            else f", {urgency.person_high_hours(res, load.slug, high):5.0f} h at high urgency"
        )
        print(
            f"  {res.team.display(load.slug):<24} {load.hours:6.0f} h on call{at_high}, "
            f"{load.after_hours:5.0f} h after hours ({100 * load.after_hours_share:3.0f} %), "
            f"{load.after_hours_days} after-hours days "
            f"({checks.per_month(load.after_hours_days, res):.0f} a month)"
            + (f", {holiday_loads[load.slug].describe()}" if load.slug in holiday_loads else "")
        )
    if not result.loads:
        print("  nobody is on call in this horizon")
    if services:
        print()
        print("\n".join(urgency.lines(services)))
    errors = len(result.errors)
    warnings = len(result.findings) - errors + len(on_roster) + reviewed + len(on_holidays)
    print(f"\n{errors} error(s), {warnings} warning(s).")
    return 1 if errors else 0
