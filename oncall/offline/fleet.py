"""Plan many stacks in one process: `oncall plan --all`, and both sides of `oncall diff`.

A process per stack pays the interpreter start, the imports of four Pulumi packages and the
interpreter exit every time (about a second each). Here the program is imported once; then each
stack runs under fresh mocks (oncall.offline.engine resets the SDK's state after every run), in
worker processes forked from the warmed-up parent, one per core. Results come back in the order
asked for, whoever finished first; a stack that fails is reported as such and the others go on.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import oncall.program  # noqa: F401 - the program (and the SDK) imported once, before any fork
from oncall.config import stackfile, stackindex
from oncall.config.errors import ConfigError
from oncall.offline import plan as planning


@dataclass(frozen=True)
class Outcome:
    """One stack's plan as data (oncall.offline.plan.to_data), or why there is none."""

    project_dir: Path
    stack: str
    data: dict[str, Any] | None = None
    problems: tuple[str, ...] = ()
    """One line per problem (a config error, a component's check, or an internal error)."""

    @property
    def ok(self) -> bool:
        """Planned, and every resource conforms to the schemas when they were checked."""
        return self.data is not None and not self.data.get("schemaViolations")


def plan_one(project_dir: Path, stack: str, schemas: Any | None = None) -> Outcome:
    """Plan one stack; every error becomes the Outcome's problems, never an exception."""
    try:
        plan = planning.plan_stack(project_dir, stack, schemas=schemas)
    except ConfigError as e:
        return Outcome(project_dir, stack, problems=tuple(str(p) for p in e.problems))
    except ValueError as e:  # a component's own argument check
        return Outcome(project_dir, stack, problems=(str(e),))
    except Exception as e:
        where = traceback.extract_tb(e.__traceback__)[-1]
        return Outcome(
            project_dir,
            stack,
            problems=(
                f"internal error: {type(e).__name__}: {e} ({where.filename}:{where.lineno})",
            ),
        )
    return Outcome(project_dir, stack, data=planning.to_data(plan))


# What forked workers plan with: set in the parent before the fork, inherited, never pickled.
_SCHEMAS: Any | None = None


def _work(task: tuple[str, str]) -> Outcome:
    return plan_one(Path(task[0]), task[1], _SCHEMAS)


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def plan_many(
    tasks: Sequence[tuple[Path, str]],
    *,
    schemas: Any | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> Iterator[Outcome]:
    """Plan every (project dir, stack), yielding Outcomes in the order of `tasks`.

    `jobs` worker processes (default: one per core, at most one per task); 1 plans in this
    process. Workers are forked after the program's modules are imported, so none imports again.
    """
    global _SCHEMAS
    jobs = max(1, min(jobs or cores(), len(tasks)))
    if progress is not None:
        progress.start(len(tasks))
    _SCHEMAS = schemas
    try:
        # Every stack file is read once for the cross-stack warnings, here, before any fork.
        with stackindex.indexed(dict.fromkeys(d for d, _ in tasks)):
            yield from _reported(_planned(tasks, schemas, jobs), progress)
    finally:
        _SCHEMAS = None
        if progress is not None:
            progress.finish()


def _planned(tasks: Sequence[tuple[Path, str]], schemas: Any, jobs: int) -> Iterator[Outcome]:
    if jobs == 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from (plan_one(d, s, schemas) for d, s in tasks)
        return
    # What the parent holds now stays put: the workers' garbage collector then leaves those
    # pages alone instead of copying them all on its first pass.
    gc.freeze()
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs) as pool:
        yield from pool.imap(_work, [(str(d), s) for d, s in tasks])


def _reported(results: Iterator[Outcome], progress: Progress | None) -> Iterator[Outcome]:
    for outcome in results:
        if progress is not None:
            progress.advance(outcome)
        yield outcome


class Progress:
    """Progress on a stream (stderr): on a terminal, rich's bar redrawn in place (stacks done of
    all, the last one's name, the time taken); otherwise one plain line per stack, so that CI logs
    stay readable."""

    def __init__(self, stream: TextIO | None = None, label: str = "plan") -> None:
        """Report on `stream` (default: stderr as it is when the run starts, not as it was when
        this module was imported), each line starting with `label` (plan, diff)."""
        self.stream = sys.stderr if stream is None else stream
        self.label = label
        self.tty = self.stream.isatty()
        self.total = 0
        self.done = 0
        self._bar: Any = None  # rich.progress.Progress, loaded only to draw a bar

    def start(self, total: int) -> None:
        """Begin counting `total` stacks."""
        self.total, self.done = total, 0
        if not (self.tty and total):
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as Bar

        self._bar = Bar(
            TextColumn(self.label),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=Console(file=self.stream),
            # Redrawn when a stack is done, by this thread: no refresh thread runs while the
            # workers fork. The plans on stdout stay on stdout (only stderr goes above the bar).
            auto_refresh=False,
            redirect_stdout=False,
            redirect_stderr=self.stream is sys.stderr,
        )
        self._bar.add_task("", total=total)
        self._bar.start()
        self._bar.refresh()

    def advance(self, outcome: Outcome) -> None:
        """One stack is done: redraw the bar, or write its line."""
        self.done += 1
        if self._bar is not None:
            [task] = self._bar.task_ids
            self._bar.update(task, advance=1, description=outcome.stack, refresh=True)
            return
        status = "ok" if outcome.ok else "FAILED"
        self.stream.write(f"{self.label} {outcome.stack}: {status} ({self.done}/{self.total})\n")
        self.stream.flush()

    def note(self, line: str) -> None:
        """A line of its own (a stack's error), above the bar on a terminal."""
        if self._bar is not None:
            self._bar.console.print(line, markup=False, highlight=False, soft_wrap=True)
            return
        self.stream.write(f"{line}\n")
        self.stream.flush()

    def finish(self) -> None:
        """Leave the finished bar on its line, and stop redrawing it."""
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def plan_all_command(
    project_dir: Path, stacks: Sequence[str], *, as_json: bool, schemas: Any, jobs: int | None
) -> int:
    """`oncall plan --all`: every stack (or the named ones), in one process; plans on stdout in
    stack order, problems on stderr; exit 1 when any stack failed."""
    names = list(stacks) or stackfile.stack_names(project_dir)
    tasks = [(project_dir, name) for name in names]
    failed = 0
    collected: dict[str, Any] = {}
    for outcome in plan_many(tasks, schemas=schemas, jobs=jobs, progress=Progress()):
        if outcome.data is None:
            failed += 1
            print(
                f"error: stack {outcome.stack}: {len(outcome.problems)} problem(s):",
                file=sys.stderr,
            )
            for problem in outcome.problems:
                print(f"  {problem}", file=sys.stderr)
            collected[outcome.stack] = {"problems": list(outcome.problems)}
            continue
        violations = outcome.data.get("schemaViolations")
        if violations:
            failed += 1
            print(
                f"error: stack {outcome.stack}: {len(violations)} schema violation(s)",
                file=sys.stderr,
            )
        if as_json:
            collected[outcome.stack] = outcome.data
        else:
            sys.stdout.write(planning.text_of(outcome.data) + "\n")
    if as_json:
        sys.stdout.write(planning.json_text(collected))
    print(f"{len(names) - failed} of {len(names)} stack(s) planned cleanly", file=sys.stderr)
    return 1 if failed else 0
