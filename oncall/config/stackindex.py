"""Every stack of a project, each stack file read and parsed once, and what is asked about them.

`plan`, `check`, `diff`, `affected` and the cross-stack warnings all ask the same questions of
the stacks in `stacks/`: is this a team stack, which team stack does a site stack page through, is
it live, which stacks create a PagerDuty service. They are answered here, once, from the parsed
config (`parse_stack_config`), never from the raw stack file:

- a site stack is live when its site's environment is (`site.env: live`);
- a team stack is live when a live site stack pages through it (its people answer live pages);
- a stack whose files do not load or parse is none of these (its own plan reports why);
- a site stack pages when at least one of its alert conditions is on (ping failure, error rate,
  response time): it can open incidents on its PagerDuty service;
- a site stack watches APM when an APM condition (error rate, response time) is on: it needs the
  site's New Relic APM app (`newrelic.apm: false` turns both off);
- a stack without schedules of its own says where they are (`where_schedules_live`).

Parsing is cached per version of a stack's files (Pulumi.yaml and the stack file), so a process
that plans stacks one at a time still parses each once; `indexed` builds a fleet's indexes up
front, so that worker processes forked while planning inherit them.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterable, Iterator
from pathlib import Path

from oncall.config import (
    EnvKind,
    StackConfig,
    TeamStackConfig,
    Topology,
    parse_stack_config,
    stackfile,
    yamldata,
)
from oncall.config.errors import MISSING, ConfigError, Problem

Config = StackConfig | TeamStackConfig


class StackIndex:
    """The stacks of the project in `project_dir`, parsed on first use."""

    def __init__(self, project_dir: Path) -> None:
        """Raises ConfigError when there is no project there (no readable Pulumi.yaml)."""
        self.project_dir = project_dir.resolve()
        self.project, self.stacks_dir = stackfile.project_name(project_dir)
        self.names = tuple(stackfile.stack_names(project_dir))

    def config(self, name: str) -> Config | None:
        """The stack's parsed config; None when it has no stack file or it does not parse."""
        return self._parse(name)[0]

    def problem(self, name: str) -> Problem | None:
        """Why the stack's file does not parse (its first problem); None when it does, or when
        there is no such file."""
        return self._parse(name)[1]

    def _parse(self, name: str) -> tuple[Config | None, Problem | None]:
        project = _version(self.project_dir / "Pulumi.yaml")
        stack = _version(self.stacks_dir / f"Pulumi.{name}.yaml")
        return _parsed(self.project_dir, name, project, stack)

    def site_config(self, name: str) -> StackConfig | None:
        """The config of a site stack; None for a team stack or a stack that does not parse."""
        config = self.config(name)
        return config if isinstance(config, StackConfig) else None

    def is_team_stack(self, name: str) -> bool:
        """Whether the stack is a team stack (only `team`, nothing about a site)."""
        return isinstance(self.config(name), TeamStackConfig)

    def team_stack_of(self, name: str) -> str | None:
        """The stack in this project that the site stack `name` pages through (`teamStack`)."""
        config = self.site_config(name)
        if config is None or config.team_stack is None or config.team_stack_project != self.project:
            return None
        return config.team_stack_name

    def paged_by_live(self, team_stack: str) -> list[str]:
        """The live site stacks that page through `team_stack`, in name order."""
        return [
            name
            for name in self.names
            if self.team_stack_of(name) == team_stack and self._live_site(name)
        ]

    def is_live(self, name: str) -> bool:
        """Whether the stack serves a live environment (see the module docstring)."""
        if self.is_team_stack(name):
            return bool(self.paged_by_live(name))
        return self._live_site(name)

    def watching(self, site: str) -> list[str]:
        """The site stacks of the Pantheon site `site` (`site.name`), in name order."""
        return [name for name in self.names if _site_name(self.site_config(name)) == site]

    def pages(self, name: str) -> bool:
        """Whether the site stack can open incidents (see the module docstring)."""
        config = self.site_config(name)
        if config is None:
            return False
        newrelic = config.newrelic
        return any(c is not None for c in (newrelic.ping_failure, *_apm(config)))

    def watches_apm(self, name: str) -> bool:
        """Whether the site stack has APM conditions (see the module docstring)."""
        config = self.site_config(name)
        return config is not None and any(c is not None for c in _apm(config))

    def creating(self, service: str) -> list[str]:
        """The stacks that create (not adopt) the PagerDuty service named `service`, in order."""
        found = []
        for name in self.names:
            config = self.site_config(name)
            creates = config is not None and config.pagerduty.import_id is None
            if creates and config is not None and config.pagerduty.service == service:
                found.append(name)
        return found

    def _live_site(self, name: str) -> bool:
        config = self.site_config(name)
        return config is not None and config.site.env_kind is EnvKind.LIVE


def _site_name(config: StackConfig | None) -> str | None:
    return None if config is None else config.site.name


def _apm(config: StackConfig) -> tuple[object, object]:
    return config.newrelic.error_rate, config.newrelic.response_time


def where_schedules_live(config: StackConfig | TeamStackConfig) -> str:
    """Why a stack has no schedules to check, and where they are."""
    if config.team is not None:
        return "no schedules: the team's escalation rules page people directly"
    if isinstance(config, StackConfig) and config.topology is Topology.TEAM_STACK:
        team_stack = config.team_stack_name
        return (
            f"schedules live in team stack {team_stack}: "
            f"oncall check {team_stack} (or calendar {team_stack})"
        )
    ref = config.escalation_policy if isinstance(config, StackConfig) else None
    named = f"id {ref.id}" if ref and ref.id else f"named {ref.name if ref else '?'}"
    return (
        f"no schedules here: this stack pages an existing escalation policy ({named}) "
        "that is managed in PagerDuty, outside this repository"
    )


_INDEXES: dict[Path, StackIndex] | None = None
"""While a fleet is planned (`indexed`): its projects' indexes, else None (built per use)."""


@contextlib.contextmanager
def indexed(project_dirs: Iterable[Path]) -> Iterator[None]:
    """Plan a fleet with each project's stack files parsed once: the indexes are built now (so
    that worker processes forked inside inherit them) and used until the end. The stack files
    must not change meanwhile (true of `plan --all` and of `diff`)."""
    global _INDEXES
    outer, _INDEXES = _INDEXES, dict(_INDEXES or {})
    try:
        for project_dir in project_dirs:
            try:
                index = StackIndex(project_dir)
            except ConfigError:
                continue  # no project there: its plans fail on their own
            for name in index.names:
                index.config(name)  # parse every stack file now, before any fork
            _INDEXES[project_dir.resolve()] = index
        yield
    finally:
        _INDEXES = outer


def index_of(project_dir: Path) -> StackIndex:
    """The project's index (the fleet's, while one is planned). Raises ConfigError when there
    is no project in `project_dir`."""
    index = None if _INDEXES is None else _INDEXES.get(project_dir.resolve())
    return index or StackIndex(project_dir)


def _version(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


@functools.lru_cache(maxsize=4096)
def _parsed(
    project_dir: Path,
    stack: str,
    project_file: tuple[int, int] | None,
    stack_file: tuple[int, int] | None,
) -> tuple[Config | None, Problem | None]:
    """The stack's config as the program parses it, or its first problem, per version of its
    files (the key)."""
    if stack_file is None:
        return None, None
    try:
        loaded = stackfile.load(project_dir, stack)
        values = loaded.namespace(loaded.project)
        problems = yamldata.data_problems(values, loaded.project)
        if problems:
            return None, problems[0]
        return parse_stack_config(values, namespace=loaded.project), None
    except ConfigError as e:
        return None, (e.problems[0] if e.problems else Problem(stack, MISSING, "cannot be read"))
