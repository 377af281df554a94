"""The arguments of `oncall check` and `oncall calendar` (oncall.schedule_cli runs them), and
the defaults they show: light, so that `--help` answers without loading the config models."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Final

DEFAULT_WEEKS: Final = 4
"""The horizon of `check`, `calendar` and the plan's coverage lines, in weeks."""
MAX_AFTER_HOURS_SHARE: Final = 0.8
"""`team.load.maxAfterHoursShare`'s default (oncall.config.team.LoadLimits)."""
MAX_AFTER_HOURS_DAYS_PER_MONTH: Final = 10
"""`team.load.maxAfterHoursDaysPerMonth`'s default (oncall.config.team.LoadLimits)."""


def check_arguments(check: argparse.ArgumentParser) -> None:
    """The `check` subcommand's arguments."""
    _horizon_arguments(check, "the latest layer start")
    _live_arguments(check)
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


def calendar_arguments(cal: argparse.ArgumentParser) -> None:
    """The `calendar` subcommand's arguments."""
    _horizon_arguments(cal, "today")
    _live_arguments(cal)
    cal.add_argument("--ics", type=Path, help="write an iCalendar file of the shifts")
    cal.add_argument("--person", help="with --ics: only this member's shifts (a member slug)")
    cal.add_argument("--schedule", help="with --ics: only this schedule's shifts (a slug)")
    cal.add_argument("--svg", type=Path, help="write the timeline as an SVG picture")


def _live_arguments(parser: argparse.ArgumentParser) -> None:
    from oncall.cli.override import connection_arguments

    parser.add_argument(
        "--live",
        action="store_true",
        help="also read the schedules' overrides from PagerDuty and show them (token as for "
        "import: $PAGERDUTY_TOKEN, else pagerduty:token; ids from the stack's outputs)",
    )
    connection_arguments(parser)


def _horizon_arguments(parser: argparse.ArgumentParser, default_from: str) -> None:
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
