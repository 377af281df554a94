"""The GitHub workflows: least privilege, pinned actions, and no PR code next to a write token.

zizmor (`make lint`) audits the workflows as a whole; these tests hold the project's own rules.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from oncall.affected import Affected

WORKFLOWS = Path(__file__).resolve().parent.parent / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yml"))
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$")


def load(path: Path) -> dict[Any, Any]:
    return yaml.safe_load(path.read_text())


def workflow(name: str) -> dict[Any, Any]:
    return load(WORKFLOWS / name)


def uses_lines(path: Path) -> list[str]:
    return [m.group(1) for m in re.finditer(r"uses: (.+)$", path.read_text(), re.MULTILINE)]


def test_the_workflows_exist() -> None:
    assert {p.name for p in FILES} >= {
        "ci.yml",
        "pr-comment.yml",
        "preview.yml",
        "deploy.yml",
        "drift.yml",
        "stacks.yml",
    }


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_default_permissions_and_every_job_states_its_own(path: Path) -> None:
    doc = load(path)
    assert doc["permissions"] == {}
    for name, job in doc["jobs"].items():
        assert "permissions" in job, f"{path.name}: job {name} states no permissions"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_third_party_actions_are_pinned_by_full_sha_with_their_release(path: Path) -> None:
    for uses in uses_lines(path):
        if uses.startswith("$/"):  # this repository's own reusable workflow
            continue
        assert PINNED.match(uses), f"{path.name}: {uses}"


def test_the_job_holding_a_write_token_for_pr_comments_never_checks_out_or_runs_pr_code() -> None:
    doc = workflow("pr-comment.yml")
    for job in doc["jobs"].values():
        for step in job["steps"]:
            assert "actions/checkout" not in step.get("uses", "")
            assert "python" not in step.get("run", "")
            assert "make" not in step.get("run", "")


def test_ci_runs_pr_code_with_read_only_permissions() -> None:
    jobs = workflow("ci.yml")["jobs"]
    assert jobs["diff"]["needs"] == "test"
    assert all(job["permissions"] == {"contents": "read"} for job in jobs.values())


def test_preview_never_runs_for_forks() -> None:
    jobs = workflow("preview.yml")["jobs"]
    same_repo = "github.event.pull_request.head.repo.full_name == github.repository"
    assert jobs["stacks"]["if"] == same_repo
    assert jobs["preview"]["needs"] == "stacks"


def test_deploy_and_drift_share_one_concurrency_group_per_stack() -> None:
    groups = [
        job["concurrency"]
        for name in ("deploy.yml", "drift.yml")
        for job in workflow(name)["jobs"].values()
        if "strategy" in job
    ]
    assert len(groups) == 3
    assert all(
        g == {"group": "pulumi-${{ matrix.stack }}", "cancel-in-progress": False} for g in groups
    )


def test_site_stacks_deploy_after_their_team_stacks() -> None:
    jobs = workflow("deploy.yml")["jobs"]
    assert jobs["up-sites"]["needs"] == ["stacks", "up-teams"]
    assert "fromJSON(needs.stacks.outputs.teams)" in jobs["up-teams"]["strategy"]["matrix"]["stack"]
    assert "fromJSON(needs.stacks.outputs.sites)" in jobs["up-sites"]["strategy"]["matrix"]["stack"]


def test_the_matrix_workflow_outputs_what_affected_prints() -> None:
    doc = workflow("stacks.yml")
    outputs = doc[True]["workflow_call"]["outputs"]  # YAML 1.1 reads the key `on` as true
    printed = json.loads(Affected(("t",), ("s",), ()).to_json())
    assert set(outputs) <= set(printed)
    assert "oncall affected --base" in doc["jobs"]["affected"]["steps"][-1]["run"]
