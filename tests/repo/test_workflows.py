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

from oncall.review.affected import Affected

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
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


# --- Credentials: which job holds which token -----------------------------------------------------

ENVIRONMENTS = {"deploy.yml": "production", "preview.yml": "preview", "drift.yml": "drift"}


def jobs_using_secrets() -> list[tuple[str, str, dict[Any, Any]]]:
    found = []
    for path in FILES:
        for name, job in load(path)["jobs"].items():
            if "secrets." in json.dumps(job):
                found.append((path.name, name, job))
    return found


def test_every_job_that_reads_a_secret_runs_in_its_workflows_own_environment() -> None:
    # The environment holds the token (docs/delivery.md): production admits only main, preview
    # needs a reviewer's approval before a pull request's code gets its narrower token.
    found = jobs_using_secrets()
    assert {(f, n) for f, n, _ in found} == {
        ("deploy.yml", "up-teams"),
        ("deploy.yml", "up-sites"),
        ("preview.yml", "preview"),
        ("drift.yml", "drift"),
    }
    for file, name, job in found:
        assert job.get("environment") == ENVIRONMENTS[file], f"{file}: job {name}"


def test_no_workflow_reads_a_secret_at_the_workflow_level() -> None:
    for path in FILES:
        doc = load(path)
        assert "secrets." not in json.dumps(doc.get("env", {})), path.name


# --- What the workflows run: the pinned CLI, the policy pack, the locked install ------------------


def pulumi_steps(name: str) -> list[dict[Any, Any]]:
    return [
        step
        for job in workflow(name)["jobs"].values()
        for step in job.get("steps", [])
        if step.get("uses", "").startswith("pulumi/actions@")
    ]


def pinned(requirements: Path, package: str) -> str:
    for line in requirements.read_text().splitlines():
        if line.startswith(f"{package}=="):
            return line.split("==", 1)[1].strip()
    raise AssertionError(f"{requirements}: no pin of {package}")


@pytest.mark.parametrize("name", ["ci.yml", "preview.yml", "deploy.yml", "drift.yml"])
def test_every_pulumi_cli_is_the_version_of_the_pinned_sdk(name: str) -> None:
    version = pinned(ROOT / "components" / "requirements.txt", "pulumi")
    steps = pulumi_steps(name)
    assert steps
    assert all(str(step["with"]["pulumi-version"]) == version for step in steps)


@pytest.mark.parametrize("name", ["preview.yml", "deploy.yml", "drift.yml"])
def test_every_preview_and_update_runs_the_policy_pack(name: str) -> None:
    steps = [s for s in pulumi_steps(name) if s["with"].get("command") in ("preview", "up")]
    assert steps
    for step in steps:
        assert step["with"]["policyPacks"] == "policy"
    jobs = workflow(name)["jobs"].values()
    installs = [s.get("run", "") for j in jobs for s in j.get("steps", [])]
    assert any("policy-venv" in run.split() for run in installs)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_workflows_install_only_through_the_hash_locked_make_targets(path: Path) -> None:
    runs = [
        step.get("run", "") for job in load(path)["jobs"].values() for step in job.get("steps", [])
    ]
    assert not any(re.search(r"\bpip3? install\b|\buv pip install\b", run) for run in runs)


def test_dependabot_watches_the_pins_and_the_actions() -> None:
    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text())
    ecosystems = {u["package-ecosystem"]: u for u in config["updates"]}
    assert set(ecosystems) == {"pip", "github-actions"}
    assert set(ecosystems["pip"]["directories"]) == {"/", "/components", "/policy"}


# --- Deploys: never an older commit over a newer one ----------------------------------------------

HEAD_CHECK = "steps.head.outputs.current == 'true'"


@pytest.mark.parametrize("job", ["up-teams", "up-sites"])
def test_a_deploy_job_checks_main_is_still_at_its_commit_before_anything_else(job: str) -> None:
    steps = workflow("deploy.yml")["jobs"][job]["steps"]
    first = steps[0]
    assert first["id"] == "head"
    assert 'gh api "repos/$REPO/commits/main"' in first["run"]
    assert first["env"]["SHA"] == "${{ github.sha }}"
    assert '[ "$head" = "$SHA" ]' in first["run"]
    assert "::notice::" in first["run"]  # skipped, with a notice
    assert all(step["if"] == HEAD_CHECK for step in steps[1:])
    # The check runs inside the stack's concurrency group: once this stack's turn has come.
    assert "concurrency" in workflow("deploy.yml")["jobs"][job]


def test_deploy_covers_everything_since_the_last_fully_deployed_commit() -> None:
    doc = workflow("deploy.yml")
    jobs = doc["jobs"]
    assert "workflow_dispatch" in doc[True]  # a failed stack can be retried without a push
    assert "artifacts?name=deployed" in jobs["base"]["steps"][0]["run"]
    assert jobs["stacks"]["with"]["base"] == "${{ needs.base.outputs.sha }}"
    marker = jobs["deployed"]
    assert marker["needs"] == ["stacks", "up-teams", "up-sites"]
    assert marker["if"] == "${{ !cancelled() && !failure() }}"
    check, upload = marker["steps"]
    assert 'gh api "repos/$REPO/commits/main"' in check["run"]
    assert upload["if"] == HEAD_CHECK
    assert upload["with"]["name"] == "deployed"


def test_a_base_the_history_no_longer_has_means_every_stack_not_a_failed_matrix() -> None:
    run = workflow("stacks.yml")["jobs"]["affected"]["steps"][-1]["run"]
    assert 'git cat-file -e "$BASE^{commit}"' in run
