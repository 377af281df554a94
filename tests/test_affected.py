"""The stacks CI previews and deploys for a change (`python -m oncall affected`).

A stack file moves its stack; a team stack's file also moves the site stacks that page its team;
the program and its dependencies move every stack; docs, tests and CI files move none.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from oncall.affected import Affected, Stack, affected, load_stacks

ROOT = Path(__file__).resolve().parent.parent
TEAM = Stack("team-web", is_team=True, team_stack=None)
SHOP = Stack("shop-live", is_team=False, team_stack="team-web")
BLOG = Stack("blog-live", is_team=False, team_stack="team-web")
SOLO = Stack("solo-live", is_team=False, team_stack=None)
OTHER_TEAM = Stack("team-ops", is_team=True, team_stack=None)
FLEET = [TEAM, SHOP, BLOG, SOLO, OTHER_TEAM]
EVERY = ("team-ops", "team-web", "blog-live", "shop-live", "solo-live")


def stacks_for(*paths: str) -> tuple[str, ...]:
    return affected(FLEET, paths, "stacks").stacks


def test_a_site_stack_file_moves_only_that_stack() -> None:
    assert stacks_for("stacks/Pulumi.shop-live.yaml") == ("shop-live",)


def test_a_team_stack_file_moves_the_team_and_the_sites_that_page_it() -> None:
    result = affected(FLEET, ["stacks/Pulumi.team-web.yaml"], "stacks")
    assert result == Affected(teams=("team-web",), sites=("blog-live", "shop-live"), removed=())


@pytest.mark.parametrize(
    "path",
    [
        "components/team.py",
        "components/requirements.txt",
        "oncall/wiring.py",
        "__main__.py",
        "Pulumi.yaml",
        "requirements.txt",
        "requirements-dev.txt",
    ],
)
def test_the_program_and_its_dependencies_move_every_stack(path: str) -> None:
    assert stacks_for(path) == EVERY


@pytest.mark.parametrize(
    "path",
    [
        "README.md",
        "tests/test_team.py",
        ".github/workflows/ci.yml",
        "Makefile",
        "docs/oncall.md",
        "stacks/README.md",
        "stacks/old/Pulumi.shop-live.yaml",
        "bench/components/x.py",
        "components.md",
    ],
)
def test_docs_tests_and_tooling_move_no_stack(path: str) -> None:
    assert stacks_for(path) == ()


def test_changes_add_up_and_team_stacks_come_first() -> None:
    result = affected(
        FLEET,
        ["README.md", "stacks/Pulumi.solo-live.yaml", "stacks/Pulumi.team-ops.yaml"],
        "stacks",
    )
    assert result.stacks == ("team-ops", "solo-live")


def test_a_deleted_stack_file_is_reported_as_removed_not_previewed() -> None:
    result = affected(FLEET, ["stacks/Pulumi.gone-live.yaml"], "stacks")
    assert result.stacks == ()
    assert result.removed == ("gone-live",)


def test_the_project_stacks_know_their_team_stack() -> None:
    stacks = {stack.name: stack for stack in load_stacks(ROOT)}
    assert stacks["team-example"].is_team
    assert {name for name, s in stacks.items() if s.team_stack == "team-example"} == {
        "example-test",
        "shop-live",
    }
    assert not stacks["example-live"].is_team


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def test_cli_reads_the_change_from_git_and_prints_the_matrix(tmp_path: Path) -> None:
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    shutil.copytree(ROOT / "stacks", tmp_path / "stacks")
    (tmp_path / "README.md").write_text("docs\n")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@example.com", "add", ".")
    git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "base")
    git(tmp_path, "checkout", "-q", "-b", "change")
    team_file = tmp_path / "stacks" / "Pulumi.team-example.yaml"
    team_file.write_text(team_file.read_text() + "# a comment\n")
    (tmp_path / "README.md").write_text("more docs\n")
    (tmp_path / "stacks" / "Pulumi.example-dev.yaml").unlink()
    git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qam", "x")

    command = ["affected", "--base", "main", "--json"]
    result = subprocess.run(
        [sys.executable, "-m", "oncall", "--project-dir", str(tmp_path), *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "stacks": ["team-example", "example-test", "shop-live"],
        "teams": ["team-example"],
        "sites": ["example-test", "shop-live"],
        "removed": ["example-dev"],
    }


def test_cli_an_unknown_base_is_one_line_and_exit_1() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "oncall", "affected", "--base", "no-such-ref"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("error: --base 'no-such-ref': git diff failed")
    assert "Traceback" not in result.stderr
