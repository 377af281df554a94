"""`oncall diff --base REF [STACK...]`: what a change does to each stack, for review.

Each stack is planned offline as its files are at git revision REF (extracted with `git archive`
into a temporary folder: the user's checkout, index and worktrees are never touched) and as they
are in the working tree, in one process with a worker per core (oncall.offline.fleet). When the
change touches no program code, both sides are planned by it and a stack whose files are the same on
both sides (or load to the same config: only comments or layout changed) is planned once; when it
changes code, the base is planned by its own code (`oncall plan --all --json` run in the
extracted folder).

The report (Markdown on stdout, or `--json`) lists per stack the resources to add `+`, delete
`-`, update `~` (each changed property, old → new) and replace `+-` (with the reason), stacks
added or removed whole, and at the top every user, schedule or escalation policy that a live
stack would delete or replace, with the alias that would keep it. Exit 1 when a stack's new
version does not plan (a config error), 2 when git cannot produce REF.

This module plans both sides; comparing two plans is oncall.review.changes's, and the report's
Markdown and data are oncall.review.report's.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oncall.config import stackfile, stackindex
from oncall.config.errors import ConfigError, Problem
from oncall.config.load import checked_stack_file
from oncall.defaults import DEFAULT_WEEKS
from oncall.offline import fleet
from oncall.review.changes import StackDiff, stack_report
from oncall.review.report import markdown, to_data
from oncall.review.shifts import roster_report

if TYPE_CHECKING:
    from oncall.config import ResolvedTeam


def _git(repo: Path, *args: str) -> bytes:
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip().splitlines()
        raise GitError(f"git {' '.join(args)}: {message[-1] if message else 'failed'}")
    return result.stdout


class GitError(Exception):
    """git could not produce the base revision."""


def extract(project_dir: Path, ref: str, into: Path) -> Path:
    """The project folder as it is at `ref`, extracted under `into` (read from git's objects
    only); returns the project folder's path there."""
    root = Path(_git(project_dir, "rev-parse", "--show-toplevel").decode().strip())
    archive = _git(root, "archive", "--format=tar", ref)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / project_dir.resolve().relative_to(root.resolve())


def _names(project_dir: Path) -> list[str]:
    try:
        return stackfile.stack_names(project_dir)
    except ConfigError:  # no Pulumi.yaml at that revision
        return []


def _is_live(project_dir: Path, stack: str) -> bool:
    """Whether the stack serves a live environment, as oncall.config.stackindex answers it."""
    try:
        return stackindex.index_of(project_dir).is_live(stack)
    except ConfigError:  # no Pulumi.yaml at that revision
        return False


def _inputs_of(project_dir: Path, stack: str) -> bytes | None:
    """The files a stack's plan depends on besides the code: Pulumi.yaml and its stack file."""
    try:
        _, stacks_dir = stackfile.project_name(project_dir)
        return (project_dir / "Pulumi.yaml").read_bytes() + (
            stacks_dir / f"Pulumi.{stack}.yaml"
        ).read_bytes()
    except (ConfigError, OSError):
        return None


def _same_inputs(base_dir: Path, project_dir: Path, stack: str) -> bool:
    """Whether a stack plans the same on both sides when the code is the same: its files are the
    same byte for byte, or they load to the same config (only comments or layout changed)."""
    old, new = _inputs_of(base_dir, stack), _inputs_of(project_dir, stack)
    if old == new:
        return True
    loaded = _loaded(project_dir, stack)
    return loaded is not None and _loaded(base_dir, stack) == loaded


def _loaded(project_dir: Path, stack: str) -> tuple[Any, ...] | None:
    """What the program gets from a stack's files: the project, its config as the engine passes
    it, which keys are secret, and its ESC environments (None: they do not load)."""
    try:
        loaded = stackfile.load(project_dir, stack)
    except ConfigError:
        return None
    return (loaded.project, loaded.engine_config(), loaded.secret_keys, loaded.environments)


def diff_stacks(
    project_dir: Path,
    base_dir: Path,
    stacks: Sequence[str] = (),
    *,
    base_plans: Mapping[str, fleet.Outcome] | None = None,
    jobs: int | None = None,
    progress: fleet.Progress | None = None,
    roster: tuple[datetime, int] | None = None,
) -> list[StackDiff]:
    """The report of every stack (or the named ones) from `base_dir` to `project_dir`.

    `base_plans`: the base's stacks as the base's own code planned them (see `plan_with_code_at`);
    without it the base is planned by this process's code, and a stack whose files are the same
    on both sides is planned once. `roster`: (reference moment, weeks) for what each changed
    stack does to the people on call (oncall.review.shifts)."""
    old_names, new_names = set(_names(base_dir)), set(_names(project_dir))
    names = sorted(set(stacks) or (old_names | new_names))
    same = set()
    if base_plans is None:
        same = {
            name
            for name in set(names) & old_names & new_names
            if _same_inputs(base_dir, project_dir, name)
        }
    tasks = [(project_dir, n) for n in names if n in new_names]
    if base_plans is None:
        tasks += [(base_dir, n) for n in names if n in old_names and n not in same]
    outcomes = {
        (o.project_dir, o.stack): o for o in fleet.plan_many(tasks, jobs=jobs, progress=progress)
    }
    outcomes |= {(base_dir, n): o for n, o in (base_plans or {}).items() if n in old_names}
    reports = []
    for name in names:
        new = outcomes.get((project_dir, name))
        old = outcomes.get((base_dir, name), new if name in same else None)
        # A change is called out as live when the stack serves live before it or after it.
        live = _is_live(project_dir, name) or _is_live(base_dir, name)
        report = stack_report(name, old, new, live)
        if roster is not None and report.status == "changed":
            report.roster = _roster(base_dir, project_dir, name, *roster)
        reports.append(report)
    return reports


def _team(project_dir: Path, stack: str) -> ResolvedTeam | None:
    try:
        return checked_stack_file(project_dir, stack)[1].team
    except ConfigError:
        return None


def _roster(
    base_dir: Path, project_dir: Path, stack: str, reference: datetime, weeks: int
) -> dict[str, Any] | None:
    """What the change does to a stack's people on call (None: no team on a side, or nothing)."""
    old, new = _team(base_dir, stack), _team(project_dir, stack)
    if old is None or new is None or not (old.schedules or new.schedules):
        return None
    return roster_report(old, new, reference, weeks)


def reference_moment(project_dir: Path, since: str | None) -> datetime:
    """Where the roster review looks from: `--from` (UTC unless it has an offset), else the head
    commit's committer date. Never the clock: the same commit reviews the same way every time."""
    if since is not None:
        try:
            moment = datetime.fromisoformat(since)
        except ValueError:
            message = "expected a date like 2026-12-07 or a date-time like 2026-12-07T09:00"
            raise ConfigError([Problem("--from", since, message)]) from None
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    stamp = _git(project_dir, "log", "-1", "--format=%cI", "HEAD").decode().strip()
    return datetime.fromisoformat(stamp).astimezone(UTC)


def code_changes(project_dir: Path, ref: str) -> list[str]:
    """The program's Python files that differ between `ref` and the working tree (tests and
    benchmarks aside: they don't change a plan)."""
    root = Path(_git(project_dir, "rev-parse", "--show-toplevel").decode().strip())
    rel = project_dir.resolve().relative_to(root.resolve())
    changed = _git(root, "diff", "--name-only", ref, "--", str(rel)).decode().splitlines()
    return [
        path
        for path in changed
        if path.endswith(".py") and Path(path).relative_to(rel).parts[0] not in ("tests", "bench")
    ]


def plan_with_code_at(base_dir: Path, jobs: int | None) -> dict[str, fleet.Outcome] | None:
    """Every stack of `base_dir` planned by the code in `base_dir` (`oncall plan --all
    --json` run there), or None when that version cannot (it predates `plan --all`)."""
    command = [sys.executable, "-m", "oncall", "--project-dir", str(base_dir), "plan", "--all"]
    command += ["--json", *([f"--jobs={jobs}"] if jobs else [])]
    result = subprocess.run(command, cwd=base_dir, stdout=subprocess.PIPE, check=False)
    if result.returncode not in (0, 1):
        return None
    try:
        plans = json.loads(result.stdout)
    except json.JSONDecodeError:
        return None
    return {
        name: fleet.Outcome(base_dir, name, None, tuple(data["problems"]))
        if "problems" in data
        else fleet.Outcome(base_dir, name, data)
        for name, data in plans.items()
    }


def command(
    project_dir: Path,
    base: str,
    stacks: Sequence[str],
    as_json: bool,
    jobs: int | None,
    since: str | None = None,
    weeks: int = DEFAULT_WEEKS,
) -> int:
    """`oncall diff`: the report on stdout; exit 1 when a stack's new version does not plan."""
    if not 1 <= weeks <= 52:
        raise ConfigError([Problem("--weeks", weeks, "expected 1 to 52")])
    with tempfile.TemporaryDirectory(prefix="oncall-diff-") as tmp:
        try:
            reference = reference_moment(project_dir, since)
            base_dir = extract(project_dir, base, Path(tmp))
            changed_code = code_changes(project_dir, base)
        except GitError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        base_plans = plan_with_code_at(base_dir, jobs) if changed_code else None
        reports = diff_stacks(
            project_dir,
            base_dir,
            stacks,
            base_plans=base_plans,
            jobs=jobs,
            progress=fleet.Progress(label="diff"),
            roster=(reference, weeks),
        )
    data = to_data(base, reports, _planned_by(changed_code, base_plans is not None))
    sys.stdout.write(
        json.dumps(data, indent=2, ensure_ascii=False) + "\n" if as_json else markdown(data)
    )
    return 1 if any(r.status == "error" for r in reports) else 0


def _planned_by(changed_code: list[str], base_code_ran: bool) -> str:
    if not changed_code:
        return "both sides planned by the same code (this change touches no program code)"
    if base_code_ran:
        return f"each side planned by its own code ({len(changed_code)} code file(s) changed)"
    return (
        f"this change also changes {len(changed_code)} code file(s), and the base's code cannot "
        "plan on its own (it predates `plan --all`): both sides planned by the new code, so what "
        "the code change itself does shows in `pulumi preview`, not here"
    )
