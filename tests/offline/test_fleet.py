"""`oncall plan --all`: many stacks in one process, with nothing of one plan leaking into the next,
every stack in order, and one stack's error reported without stopping the others."""

from __future__ import annotations

import io
import json
import logging
import re
import shutil
from pathlib import Path

import pytest

from oncall.offline import fleet
from oncall.offline import plan as planning
from tests.cli.test_cli import run_cli
from tests.support import PROJECT

ROOT = Path(__file__).resolve().parents[2]
STACKS = planning.stackfile.stack_names(PROJECT)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's stacks and entry point, to break one stack in."""
    for part in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / part, tmp_path / part)
    shutil.copytree(PROJECT / "stacks", tmp_path / "stacks")
    return tmp_path


def test_planning_stacks_one_after_another_gives_each_stack_its_own_plan() -> None:
    alone = {s: planning.to_data(planning.plan_stack(PROJECT, s)) for s in reversed(STACKS)}

    together = list(fleet.plan_many([(PROJECT, s) for s in STACKS], jobs=1))

    assert [o.stack for o in together] == STACKS
    assert {o.stack: o.data for o in together} == alone


def test_workers_return_the_same_plans_in_stack_order() -> None:
    tasks = [(PROJECT, s) for s in STACKS * 2]

    in_workers = [o.data for o in fleet.plan_many(tasks, jobs=2)]

    assert in_workers == [o.data for o in fleet.plan_many(tasks, jobs=1)]


def test_a_plan_leaves_no_logger_behind() -> None:
    before = set(logging.root.manager.loggerDict)
    list(fleet.plan_many([(PROJECT, s) for s in STACKS], jobs=1))
    assert set(logging.root.manager.loggerDict) == before


def test_one_broken_stack_is_reported_and_the_others_still_plan(project: Path) -> None:
    broken = project / "stacks" / "Pulumi.guide-dev.yaml"
    broken.write_text(broken.read_text().replace("env: dev", "env: dve!"))

    result = run_cli("plan", "--all", "--json", cwd=project)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "error: stack guide-dev: 1 problem(s):" in result.stderr
    assert "pantheon-oncall:site.env" in result.stderr
    data = json.loads(result.stdout)
    assert list(data) == STACKS
    assert "problems" in data["guide-dev"]
    assert all(data[s]["resources"] for s in STACKS if s != "guide-dev")


def test_progress_is_one_plain_line_per_stack_off_a_terminal() -> None:
    stream = io.StringIO()

    list(
        fleet.plan_many([(PROJECT, s) for s in STACKS[:2]], jobs=1, progress=fleet.Progress(stream))
    )

    assert stream.getvalue().splitlines() == [
        f"plan {STACKS[0]}: ok (1/2)",
        f"plan {STACKS[1]}: ok (2/2)",
    ]


def test_progress_on_a_terminal_is_one_bar_redrawn_in_place() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()

    list(
        fleet.plan_many([(PROJECT, s) for s in STACKS[:2]], jobs=1, progress=fleet.Progress(stream))
    )

    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", stream.getvalue())
    assert shown.count("\n") == 1  # the bar ends with one newline, once
    frames = [frame.strip() for frame in shown.split("\r")]
    assert frames[-1].startswith(f"plan {'━' * 40} 2/2 {STACKS[1]} 0:00:")
    assert any(re.fullmatch(rf"plan \S{{40}} 1/2 {STACKS[0]} 0:00:\d\d", f) for f in frames)


def test_a_fleets_file_reads_grow_linearly_with_its_stacks(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[Path] = []
    read = planning.stackfile.read_yaml

    def counted(path: Path) -> object:
        reads.append(path)
        return read(path)

    monkeypatch.setattr(planning.stackfile, "read_yaml", counted)

    def reads_to_plan(names: list[str]) -> int:
        reads.clear()
        assert all(o.ok for o in fleet.plan_many([(project, s) for s in names], jobs=1))
        return len(reads)

    few = reads_to_plan(STACKS)
    for name in STACKS:  # twice the stacks
        copy = project / "stacks" / f"Pulumi.{name}-copy.yaml"
        copy.write_text((project / "stacks" / f"Pulumi.{name}.yaml").read_text())
    many = reads_to_plan(planning.stackfile.stack_names(project))

    # Each stack's own plan reads its files, and the cross-stack warnings read every stack file
    # once per fleet (oncall.config.stackindex.indexed), not once per stack planned (quadratic).
    assert many <= 2 * few + 2


def test_a_service_name_two_stacks_create_is_warned_in_a_fleet_plan_too(project: Path) -> None:
    live = project / "stacks" / "Pulumi.guide-live.yaml"
    (project / "stacks" / "Pulumi.copy-live.yaml").write_text(live.read_text())

    plans = {o.stack: o.data for o in fleet.plan_many([(project, s) for s in STACKS], jobs=2)}

    assert plans["guide-live"] is not None
    assert [w for w in plans["guide-live"]["warnings"] if "is also created by" in w] == [
        "pantheon-oncall:pagerduty.service: 'New Relic' is also created by copy-live; PagerDuty "
        "service names are unique in an account, so one of the deploys fails: give each stack "
        "its own pagerduty.service"
    ]
