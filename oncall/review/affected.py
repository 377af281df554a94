"""`oncall affected --base REF`: the stacks a change touches, for CI's matrices.

CI previews (pull requests) and deploys (`main`) only the stacks whose outcome a change can move:

- a stack file `stacks/Pulumi.<stack>.yaml` → that stack;
- a team stack's file → the team stack and every site stack whose `teamStack` names it (their
  escalation policy comes from its outputs);
- the program, its dependencies or its guardrails (`components/`, `oncall/`, `policy/`,
  `__main__.py`, `Pulumi.yaml`, `requirements*`) → every stack (every preview and update runs the
  policy pack in `policy/`, so a change there can stop any stack's update);
- anything else (docs, tests, CI, tooling) → none: `pulumi up` never reads it.

A stack file that the change deletes names a stack that no longer has a config; it is listed
under `removed` (its resources stay until someone runs `pulumi destroy` on it).

A stack file that cannot be read is still listed, as a site stack, with a warning on stderr: its
own preview or update job then fails on it, and the other stacks' jobs go on. One bad file never
holds back every deploy.

Team stacks are listed apart from site stacks so a deploy can update a team before the sites that
read its outputs.
"""

from __future__ import annotations

import argparse
import json
import posixpath
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Final

from oncall.config import stackfile
from oncall.config.errors import ConfigError, Problem, printable, shown

NAMESPACE: Final = "pantheon-oncall"
PROGRAM_DIRS: Final = ("components", "oncall", "policy")
"""Folders of the program itself and its policy pack: a change in them can change every stack's
plan or what its update lets through."""
PROGRAM_FILES: Final = ("__main__.py", "Pulumi.yaml")
PROGRAM_FILE_PREFIXES: Final = ("requirements",)
"""Top-level files whose name starts so: the program's dependencies (requirements*.txt)."""


@dataclass(frozen=True)
class Stack:
    """A stack that has a stack file: its name, whether it is a team stack, whose team it pages."""

    name: str
    is_team: bool
    team_stack: str | None


@dataclass(frozen=True)
class Affected:
    """The stacks to preview or deploy, in stack order: team stacks and site stacks apart."""

    teams: tuple[str, ...]
    sites: tuple[str, ...]
    removed: tuple[str, ...]

    @property
    def stacks(self) -> tuple[str, ...]:
        """Every affected stack, team stacks first (they are deployed before the sites that page
        them)."""
        return self.teams + self.sites

    def to_json(self) -> str:
        """One line, for `$GITHUB_OUTPUT` and `fromJSON` in a workflow's matrix."""
        data = {
            "stacks": list(self.stacks),
            "teams": list(self.teams),
            "sites": list(self.sites),
            "removed": list(self.removed),
        }
        return json.dumps(data, separators=(",", ":"))


def run(args: argparse.Namespace) -> int:
    """Print the affected stacks, one a line (or as JSON); exit 0. A revision git does not know
    raises ValueError; a stack file that cannot be read, ConfigError (the CLI prints both)."""
    project_dir: Path = args.project_dir
    stacks = load_stacks(project_dir)
    if args.all:
        result = _split(stacks, {stack.name for stack in stacks}, set())
    else:
        changed = (
            project_paths(project_dir, args.paths)
            if args.paths is not None
            else changed_paths(project_dir, args.base, args.head)
        )
        result = affected(stacks, changed, _stacks_dir(project_dir))
    print(result.to_json() if args.json else "\n".join(result.stacks))
    return 0


def affected(stacks: Iterable[Stack], changed: Iterable[str], stacks_dir: str) -> Affected:
    """The stacks that `changed` (paths relative to the project folder) can move."""
    by_name = {stack.name: stack for stack in stacks}
    hit: set[str] = set()
    removed: set[str] = set()
    for path in changed:
        parts = PurePosixPath(path).parts
        if _is_program(parts):
            hit.update(by_name)
            continue
        name = _stack_of(path, stacks_dir)
        if name is None:
            continue
        if name not in by_name:
            removed.add(name)
            continue
        hit.add(name)
        if by_name[name].is_team:
            hit.update(s.name for s in by_name.values() if s.team_stack == name)
    return _split(by_name.values(), hit, removed)


def _split(stacks: Iterable[Stack], names: set[str], removed: set[str]) -> Affected:
    teams = {stack.name for stack in stacks if stack.is_team}
    return Affected(
        teams=tuple(sorted(names & teams)),
        sites=tuple(sorted(names - teams)),
        removed=tuple(sorted(removed)),
    )


def load_stacks(project_dir: Path) -> list[Stack]:
    """Every stack with a stack file, with its team stack (the last part of `teamStack`). A stack
    file that does not parse is a site stack paging no team, with a warning on stderr, so that its
    own job reports it and the other stacks still go."""
    from oncall.config import stackindex  # it parses stack files (pydantic): on first use

    index = stackindex.index_of(project_dir)
    stacks = []
    for name in index.names:
        problem = index.problem(name)
        if problem is not None:
            said = f"{problem}; listed anyway, so that its own job reports it"
            print(f"warning: stack {printable(name, 200)}: {said}", file=sys.stderr)
        stacks.append(Stack(name, index.is_team_stack(name), index.team_stack_of(name)))
    return stacks


def changed_paths(project_dir: Path, base: str, head: str = "HEAD") -> list[str]:
    """Paths (relative to the project folder) changed from the merge base of `base` and `head`
    to `head`; a rename counts as a delete and an add. ValueError naming the option when a
    revision is not a commit git knows (or the folder is not in a repository)."""
    for option, revision in (("--base", base), ("--head", head)):
        _check_revision(project_dir, option, revision)
    command = ["git", "diff", "--name-only", "--no-renames", "--relative", "-z", "--end-of-options"]
    result = _git(project_dir, [*command, f"{base}...{head}", "--"])
    if result.returncode != 0:
        said = (result.stderr.strip().splitlines() or ["no message"])[0]
        raise ValueError(f"--base {shown(base)}: git diff failed: {said}")
    return [path for path in result.stdout.split("\0") if path]


def project_paths(project_dir: Path, paths: Iterable[str]) -> list[str]:
    """--paths as paths relative to the project folder, the way git prints them: `./x` and
    `a//b` normalised, an absolute path inside the folder made relative; ConfigError for an
    empty path or one outside the folder (it could never name a stack)."""
    root = project_dir.resolve()
    relative, problems = [], []
    for index, path in enumerate(paths):
        where = f"--paths[{index}]"
        if not path.strip():
            problems.append(Problem(where, path, "expected a path relative to the project folder"))
            continue
        normal = PurePosixPath(posixpath.normpath(path))
        if normal.is_absolute():
            try:
                normal = normal.relative_to(root.as_posix())
            except ValueError:
                message = f"outside the project folder {root}; expected a path inside it"
                problems.append(Problem(where, path, message))
                continue
        if normal.parts[:1] == ("..",):
            message = "outside the project folder; expected a path relative to it"
            problems.append(Problem(where, path, message))
            continue
        relative.append(normal.as_posix())
    if problems:
        raise ConfigError(problems)
    return relative


def _check_revision(project_dir: Path, option: str, revision: str) -> None:
    """ValueError unless `revision` names a commit (an option-like `-x` never does)."""
    command = ["git", "rev-parse", "--verify", "--quiet", "--end-of-options"]
    result = _git(project_dir, [*command, f"{revision}^{{commit}}"])
    if result.returncode == 0:
        return
    if "not a git repository" in result.stderr:
        raise ValueError(
            f"--project-dir {shown(str(project_dir))}: not in a git repository; "
            "name the changes with --paths, or use --all"
        )
    raise ValueError(
        f"{option} {shown(revision)}: git knows no such commit here "
        "(a typo? in CI, fetch the history: actions/checkout with fetch-depth: 0)"
    )


def _git(project_dir: Path, argv: list[str]) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(argv, cwd=project_dir, capture_output=True, text=True, check=False)
    except OSError as e:
        raise ValueError(f"cannot run git ({e.strerror}): is it installed and on PATH?") from None


def _is_program(parts: tuple[str, ...]) -> bool:
    if not parts:
        return False
    if len(parts) > 1:
        return parts[0] in PROGRAM_DIRS
    return parts[0] in PROGRAM_FILES or parts[0].startswith(PROGRAM_FILE_PREFIXES)


def _stack_of(path: str, stacks_dir: str) -> str | None:
    """The stack whose stack file `path` is, or None."""
    file = PurePosixPath(path)
    if str(file.parent) != stacks_dir:
        return None
    if not (file.name.startswith("Pulumi.") and file.name.endswith(".yaml")):
        return None
    name = file.name[len("Pulumi.") : -len(".yaml")]
    return name or None


def _stacks_dir(project_dir: Path) -> str:
    """The stack files' folder relative to the project folder, as git prints paths ("stacks")."""
    _, stacks_dir = stackfile.project_name(project_dir)
    try:
        relative = stacks_dir.resolve().relative_to(project_dir.resolve())
    except ValueError:
        message = "must be inside the project folder"
        raise ConfigError(
            [Problem("Pulumi.yaml:stackConfigDir", str(stacks_dir), message)]
        ) from None
    return relative.as_posix()
