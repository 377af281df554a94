"""`check --base REF` and `calendar --base REF`: the roster of a git base against the working tree.

For each schedule whose layers differ between the stack file at REF and the working tree: the
reshuffle warnings `oncall diff` gives (oncall.review.shifts.roster_report, the same data its PR
comment shows, with the two-layer edit to paste), and the working tree's handovers in those
schedules from the reference moment on. The reference moment is `--from`, else the head
commit's committer date (oncall.review.diff.reference_moment): never the clock. REF is read from
git's objects (`git archive`, oncall.review.diff.extract): offline, and the checkout, its index
and worktrees are never touched.

Imported when one of the two commands runs with `--base`: the diff's module loads the program.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from oncall.config import ResolvedTeam
from oncall.config.errors import ConfigError, Problem
from oncall.config.load import checked_stack_file
from oncall.defaults import DEFAULT_WEEKS
from oncall.review import diff
from oncall.review.shifts import roster_report
from oncall.schedules import checks, handover, handover_text
from oncall.schedules.from_config import team_model
from oncall.schedules.model import TeamModel


def _base_team(project_dir: Path, ref: str, stack: str) -> tuple[ResolvedTeam | None, str]:
    """The stack's team as the stack file has it at `ref`, or None and why there is nothing to
    compare; ConfigError naming `--base` when git cannot produce `ref`."""
    with tempfile.TemporaryDirectory(prefix="oncall-base-") as tmp:
        try:
            base_dir = diff.extract(project_dir, ref, Path(tmp))
        except diff.GitError as e:
            raise ConfigError([Problem("--base", ref, str(e))]) from None
        try:
            team = checked_stack_file(base_dir, stack)[1].team
        except ConfigError:
            return None, f"the stack file of {stack} at {ref} is not there or does not load"
    if team is None or not team.schedules:
        return None, f"stack {stack} has no schedules of its own at {ref}"
    return team, ""


def reference(project_dir: Path, since: datetime | None) -> datetime:
    """`--from` (already a moment), else the head commit's committer date."""
    if since is not None:
        return since
    try:
        return diff.reference_moment(project_dir, None)
    except diff.GitError as e:
        raise ConfigError(
            [Problem("--base", "HEAD", f"no head commit to look from: {e}")]
        ) from None


def changed_schedules(base: TeamModel, head: TeamModel) -> list[str]:
    """The head's schedules whose layers are not the base's (new schedules among them)."""
    return [
        slug
        for slug, schedule in head.schedules.items()
        if slug not in base.schedules or base.schedules[slug].layers != schedule.layers
    ]


@dataclass(frozen=True)
class Base:
    """What `--base REF` compares the working tree with: the stack's team at REF (None, and why
    not, when there is nothing to compare) and the reference moment."""

    ref: str
    team: ResolvedTeam | None
    why_not: str
    moment: datetime
    given: bool
    """The moment is `--from`'s (else the head commit's date)."""

    def print_review(self, head: ResolvedTeam, weeks: int = DEFAULT_WEEKS, before: str = "") -> int:
        """Print the roster review of `head` against this base; how many warnings it printed."""
        where = "--from" if self.given else "the head commit's date; --from to choose"
        when = checks.when(self.moment, head.time_zone)
        print(f"{before}Roster against {self.ref}, from {when} ({where}):")
        if self.team is None:
            print(f"  {self.why_not}: nothing to compare")
            print()
            return 0
        old, new = team_model(self.team), team_model(head)
        changed = changed_schedules(old, new)
        if not changed:
            print(f"  no schedule's layers change since {self.ref}")
            print()
            return 0
        report = roster_report(self.team, head, self.moment, weeks) or {"reshuffles": []}
        reshuffles = [c for c in report["reshuffles"] if c["schedule"] in changed]
        for change in reshuffles:
            print(f"  warning: {change['path']}: {change['message']}:")
            print("\n".join(f"      {line}" for line in change["edit"]))
        found = [h for h in handover.handovers(new, self.moment) if h.schedule in changed]
        for change in found:
            print(f"  {handover_text.describe_handover(change, new)}")
        if not reshuffles and not found:
            print(
                f"  {', '.join(changed)}: changed, with no reshuffle and no handover from then on"
            )
        print()
        return len(reshuffles)


def load_base(project_dir: Path, stack: str, ref: str, since: datetime | None) -> Base:
    """The base to review against; ConfigError naming `--base` when git cannot produce it."""
    moment = reference(project_dir, since)
    team, why_not = _base_team(project_dir, ref, stack)
    return Base(ref, team, why_not, moment, since is not None)
