"""The stacks CI previews and deploys for a change (`oncall affected`).

A stack file moves its stack; a team stack's file also moves the site stacks that page its team;
the program and its dependencies move every stack; docs, tests and CI files move none.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from oncall.review.affected import Affected, Stack, affected, load_stacks
from tests import support
from tests.support import PROJECT

ROOT = Path(__file__).resolve().parents[2]
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
        "components/team/component.py",
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
        "tests/components/test_team.py",
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
    stacks = {stack.name: stack for stack in load_stacks(PROJECT)}
    assert stacks["team-agency"].is_team
    assert {name for name, s in stacks.items() if s.team_stack == "team-agency"} == {
        "guide-test",
        "store-live",
    }
    assert not stacks["guide-live"].is_team


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def test_cli_reads_the_change_from_git_and_prints_the_matrix(tmp_path: Path) -> None:
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    shutil.copytree(PROJECT / "stacks", tmp_path / "stacks")
    (tmp_path / "README.md").write_text("docs\n")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@example.com", "add", ".")
    git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "base")
    git(tmp_path, "checkout", "-q", "-b", "change")
    team_file = tmp_path / "stacks" / "Pulumi.team-agency.yaml"
    team_file.write_text(team_file.read_text() + "# a comment\n")
    (tmp_path / "README.md").write_text("more docs\n")
    (tmp_path / "stacks" / "Pulumi.guide-dev.yaml").unlink()
    git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qam", "x")

    result = support.run_cli("affected", "--base", "main", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "stacks": ["team-agency", "guide-test", "store-live"],
        "teams": ["team-agency"],
        "sites": ["guide-test", "store-live"],
        "removed": ["guide-dev"],
    }


def run_affected(
    *args: str, project: Path = PROJECT, path: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": path} if path is not None else None
    return support.run_cli("affected", *args, cwd=project, env=env)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--base", "no-such-ref"), "error: --base 'no-such-ref': git knows no such commit here"),
        (("--base", "HEAD", "--head", "no-such-ref"), "error: --head 'no-such-ref': git knows no"),
        # An option where a revision goes: git would write a file and print nothing (no stacks).
        (("--base=--output=x",), "error: --base '--output=x': git knows no such commit here"),
        (("--base=-p",), "error: --base '-p': git knows no such commit here"),
        (("--base", "HEAD", "--head=--cached"), "error: --head '--cached': git knows no such"),
    ],
)
def test_cli_a_revision_git_does_not_know_is_one_line_naming_the_option(
    args: tuple[str, ...], message: str
) -> None:
    result = run_affected(*args)

    assert result.returncode == 1
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert not (ROOT / "x...HEAD").exists()


def test_cli_outside_a_git_repository_or_without_git_says_so(tmp_path: Path) -> None:
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")

    no_repo = run_affected("--base", "main", project=tmp_path)
    no_git = run_affected("--base", "main", path=str(tmp_path))

    assert no_repo.returncode == no_git.returncode == 1
    assert "not in a git repository; name the changes with --paths, or use --all" in (
        no_repo.stderr
    )
    assert "error: cannot run git (No such file or directory): is it installed" in no_git.stderr
    assert "Traceback" not in no_repo.stderr + no_git.stderr


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("", "--paths[0]: expected a path relative to the project folder (got '')"),
        ("/etc/passwd", "--paths[0]: outside the project folder"),
        ("../other/stacks/Pulumi.store-live.yaml", "--paths[0]: outside the project folder"),
    ],
)
def test_cli_a_path_outside_the_project_is_refused_not_silently_ignored(
    path: str, message: str
) -> None:
    result = run_affected("--paths", path)

    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_paths_are_normalised_like_git_prints_them() -> None:
    paths = (
        "./stacks//Pulumi.store-live.yaml",
        str(PROJECT / "stacks" / "Pulumi.guide-live.yaml"),
        "stacks/../stacks/Pulumi.guide-dev.yaml",
        "docs/\x1b[31m.md",
    )

    result = run_affected("--paths", *paths)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["guide-dev", "guide-live", "store-live"]


@pytest.mark.parametrize("path", ["policy/guardrails.py", "policy/requirements.lock"])
def test_the_policy_pack_moves_every_stack(path: str) -> None:
    # Every preview and update runs the pack: a change to it can stop any stack's update.
    assert stacks_for(path) == EVERY


def test_cli_one_unreadable_stack_file_is_listed_with_a_warning_and_the_others_still_go(
    tmp_path: Path,
) -> None:
    support.copy_project(tmp_path)
    (tmp_path / "stacks" / "Pulumi.broken-live.yaml").write_text("config: [unclosed\n")

    result = support.run_cli("affected", "--all", "--json", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    assert listed["teams"] == ["team-agency"]
    assert listed["sites"] == [
        "broken-live",
        "guide-dev",
        "guide-live",
        "guide-test",
        "store-live",
    ]
    assert result.stderr.startswith("warning: stack broken-live: ")
    assert "listed anyway, so that its own job reports it" in result.stderr
    assert "Traceback" not in result.stderr
