"""What `oncall check` and `oncall calendar` share once they run: the stack's config, the horizon
(`--from`, `--weeks`) and the load limits checked, and a file written. Imported when one of them
runs, never for
`--help` (it loads the config models)."""

from __future__ import annotations

import argparse
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from oncall.config import YEARS, LoadLimits, ResolvedTeam, StackConfig, Team, TeamStackConfig
from oncall.config.errors import ConfigError, Problem
from oncall.config.issues import issues_from
from oncall.config.load import checked_stack_file
from oncall.schedules import checks, handover, handover_text, roster
from oncall.schedules.model import TeamResolution

if TYPE_CHECKING:
    from oncall.cli import roster_base


def load(project_dir: Path, stack: str) -> StackConfig | TeamStackConfig:
    """The stack's validated config (ConfigError naming every problem of its stack file)."""
    return checked_stack_file(project_dir, stack)[1]


def since(value: str | None, zone: str) -> datetime | None:
    """`--from` as a moment (in the team's zone unless it has an offset), None when not given."""
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


def weeks(count: int) -> int:
    """`--weeks`, checked."""
    if not 1 <= count <= 52:
        raise ConfigError([Problem("--weeks", count, "expected 1 to 52")])
    return count


def live(args: argparse.Namespace, team: ResolvedTeam, res: TeamResolution) -> TeamResolution:
    """With --live: print the overrides PagerDuty has, and `res` with them on top."""
    if not getattr(args, "live", False):
        return res
    from oncall.cli.override import live_lines, live_overrides
    from oncall.golive.overrides import with_overrides
    from oncall.onboarding.account import ImportFailed

    try:
        found = live_overrides(args, team, res.since, res.until)
    except ImportFailed as e:  # the command line prints a ValueError as one line, exit 1
        raise ValueError(str(e)) from None
    print("\n".join(live_lines(team, found)))
    print()
    return with_overrides(res, found)


def print_handovers(res: TeamResolution, before: str = "") -> list[handover.Handover]:
    """The layers that hand over from one version to the next in the horizon (a roster change
    written as the old layer ending where the new one starts), one line each; returns them."""
    found = [h for h in handover.handovers(res.team, res.since) if h.at < res.until]
    if found:
        print(f"{before}Roster handovers in this horizon:")
        for change in found:
            print(f"  {handover_text.describe_handover(change, res.team)}")
        print()
    return found


def roster_findings(res: TeamResolution, found: list[handover.Handover]) -> list[checks.Finding]:
    """`check`'s warnings on the roster: layers that ended before the horizon starts, and the
    handovers in `found` that double someone's turn."""
    doubled = roster.doubled_turns(res.team, found)
    return [
        *roster.ended_layers(res.team, res.since),
        *(roster.doubled_finding(d, res.team) for d in doubled),
    ]


def base(args: argparse.Namespace, given: datetime | None) -> roster_base.Base | None:
    """With `--base REF`: the stack at REF to review the roster against (oncall.cli.roster_base),
    from `--from` (`given`) or the head commit's date; None without `--base`. Read before
    anything is printed, so that a REF git cannot produce is the one line of a ConfigError."""
    if args.base is None:
        return None
    from oncall.cli import roster_base  # the diff's module loads the program: only with --base

    return roster_base.load_base(args.project_dir, args.stack, args.base, given)


def print_base_review(
    args: argparse.Namespace, team: ResolvedTeam, found: roster_base.Base | None, before: str = ""
) -> int:
    """The roster review against `found` (see `base`); how many warnings it printed."""
    if found is None:
        return 0
    return found.print_review(team, weeks(args.weeks), before)


def write(option: str, path: Path, content: bytes) -> None:
    """Write the file `option` names; a folder that is not there is a ConfigError."""
    try:
        path.write_bytes(content)
    except OSError as e:
        raise ConfigError([Problem(option, str(path), f"cannot write it: {e.strerror}")]) from None
    print(f"wrote {path}")


_LOAD_OPTIONS = (
    ("--max-after-hours-share", "max_after_hours_share", "max_after_hours_share"),
    ("--max-after-hours-days", "max_after_hours_days", "max_after_hours_days_per_month"),
)
"""Each `check` option on load: its name, its `Thresholds` field, its `LoadLimits` field."""


def thresholds(args: argparse.Namespace, team: Team) -> checks.Thresholds:
    """The team's `load` limits, each overridden by its `check` option when given (checked by the
    same bounds as the stack file's key)."""
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
    return replace(checks.team_thresholds(team), **given)
