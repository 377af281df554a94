"""pr-comment.yml's unpack step and comment script, run as the workflow runs them: the unzip
command under bash, the github-script body under node with the GitHub API stubbed, on crafted
report artifacts (a symbolic link to a secret, an oversized report, extra members).

The artifact comes from the pull request's own CI run, so a fork controls every byte of it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = yaml.safe_load((ROOT / ".github" / "workflows" / "pr-comment.yml").read_text())
STEPS = WORKFLOW["jobs"]["comment"]["steps"]
UNPACK = next(step["run"] for step in STEPS if "unzip" in step.get("run", ""))
SCRIPT = STEPS[-1]["with"]["script"]  # the step that posts
HEAD_SHA = "a" * 40
SECRET = "INPUT_GITHUB-TOKEN=ghs_not_a_real_token_but_the_shape"

# github-script's globals, stubbed: the pull request, its files and comments; every call recorded.
HARNESS = r"""
const fs = require('fs');
const [scriptPath, statePath] = process.argv.slice(2);
const state = JSON.parse(fs.readFileSync(statePath, 'utf8'));
const calls = [];
const core = {
  notice: (m) => calls.push(['notice', m]),
  setFailed: (m) => calls.push(['setFailed', m]),
  setOutput: () => {},
};
const github = {
  rest: {
    pulls: {
      get: async () => ({
        data: { head: { sha: state.head_sha }, changed_files: state.files.length },
      }),
      listFiles: 'listFiles',
    },
    issues: {
      listComments: 'listComments',
      createComment: async (a) => calls.push(['createComment', a.body]),
      updateComment: async (a) => calls.push(['updateComment', a.body]),
    },
  },
  paginate: async (what) => (what === 'listFiles' ? state.files.map((f) => ({ filename: f })) : []),
};
const context = {
  repo: { owner: 'o', repo: 'r' },
  payload: { workflow_run: { head_sha: state.head_sha, html_url: 'https://example.invalid/run' } },
};
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
const body = fs.readFileSync(scriptPath, 'utf8');
new AsyncFunction('require', 'github', 'context', 'core', body)(require, github, context, core)
  .then(() => process.stdout.write(JSON.stringify(calls)))
  .catch((e) => { process.stdout.write(JSON.stringify([...calls, ['threw', String(e)]])); });
"""


def make_zip(
    path: Path, members: dict[str, str | bytes], links: dict[str, str] | None = None
) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.create_system = 3  # Unix: the mode below is honoured by unzip
            info.external_attr = (0o120777 << 16) | 0x20  # a symbolic link
            archive.writestr(info, target)


def post(tmp_path: Path, files: list[str] | None = None) -> list[list[str]]:
    """Unpack `pr-diff.zip` in tmp_path (as RUNNER_TEMP) and run the comment script."""
    env = {**os.environ, "RUNNER_TEMP": str(tmp_path)}
    unpacked = subprocess.run(
        ["bash", "-e", "-c", UNPACK], env=env, capture_output=True, text=True, check=False
    )
    assert unpacked.returncode == 0, unpacked.stderr
    (tmp_path / "script.js").write_text(SCRIPT)
    (tmp_path / "harness.js").write_text(HARNESS)
    state = {"head_sha": HEAD_SHA, "files": files if files is not None else ["README.md"]}
    (tmp_path / "state.json").write_text(json.dumps(state))
    result = subprocess.run(
        [
            "node",
            str(tmp_path / "harness.js"),
            str(tmp_path / "script.js"),
            str(tmp_path / "state.json"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    calls: list[list[str]] = json.loads(result.stdout)
    return calls


def report(diff: str | bytes = "no changes\n") -> dict[str, str | bytes]:
    return {"diff.md": diff, "pr-number": "7\n", "head-sha": HEAD_SHA + "\n"}


def test_node_and_unzip_are_there() -> None:
    assert shutil.which("node")
    assert shutil.which("unzip")


def test_a_plain_report_is_posted_as_one_comment(tmp_path: Path) -> None:
    make_zip(tmp_path / "pr-diff.zip", report("**shop-live**: 1 to update\n"))

    calls = post(tmp_path)

    assert [c[0] for c in calls] == ["createComment"]
    body = calls[0][1]
    assert body.startswith("<!-- pantheon-oncall:diff -->\n### pantheon-oncall diff\n")
    assert "**shop-live**: 1 to update" in body
    assert "Computed by the code under review" not in body


@pytest.mark.parametrize("member", ["diff.md", "pr-number"])
def test_a_member_that_is_a_symbolic_link_is_never_followed(tmp_path: Path, member: str) -> None:
    secret = tmp_path / "environ"
    secret.write_text(SECRET)
    members = report()
    del members[member]
    make_zip(tmp_path / "pr-diff.zip", members, links={member: str(secret)})

    calls = post(tmp_path)

    assert calls == [["setFailed", f"The report's {member} is a symbolic link: not posting."]]
    assert SECRET not in json.dumps(calls)


def test_an_oversized_report_is_read_only_up_to_its_cap(tmp_path: Path) -> None:
    make_zip(tmp_path / "pr-diff.zip", report("x" * 5_000_000 + SECRET))

    calls = post(tmp_path)

    [(kind, body)] = calls
    assert kind == "createComment"
    assert len(body) < 65_536  # what GitHub accepts in one comment
    assert "… cut here; the whole report is in the [job summary]" in body
    assert SECRET not in body


def test_extra_members_are_never_unpacked_or_posted(tmp_path: Path) -> None:
    members: dict[str, str | bytes] = {**report(), "extra.md": SECRET, "../outside": SECRET}
    make_zip(tmp_path / "pr-diff.zip", members)

    calls = post(tmp_path)

    assert sorted(p.name for p in (tmp_path / "pr-diff").iterdir()) == [
        "diff.md",
        "head-sha",
        "pr-number",
    ]
    assert not (tmp_path / "outside").exists()
    assert [c[0] for c in calls] == ["createComment"]
    assert SECRET not in calls[0][1]


def test_a_missing_member_fails_the_job_with_one_message(tmp_path: Path) -> None:
    members = report()
    del members["diff.md"]
    make_zip(tmp_path / "pr-diff.zip", members)

    calls = post(tmp_path)

    assert calls == [["setFailed", "The report's diff.md cannot be read (ENOENT): not posting."]]


@pytest.mark.parametrize(
    "changed",
    [
        "oncall/wiring.py",
        "components/team/component.py",
        "policy/guardrails.py",
        "requirements.lock",
    ],
)
def test_a_change_to_the_program_says_the_diff_was_computed_by_the_code_under_review(
    tmp_path: Path, changed: str
) -> None:
    make_zip(tmp_path / "pr-diff.zip", report())

    calls = post(tmp_path, files=["README.md", changed])

    body = calls[0][1]
    notice = body.index("**Computed by the code under review.**")
    assert notice < body.index("no changes")  # before the report, not after it


def test_the_notice_comes_from_the_api_file_list_not_from_the_artifact(tmp_path: Path) -> None:
    # The report itself cannot switch the notice off: the artifact is the PR's to write.
    members: dict[str, Any] = {**report(), "code-changed": "false"}
    make_zip(tmp_path / "pr-diff.zip", members)

    calls = post(tmp_path, files=["oncall/onboarding/importer.py"])

    assert "**Computed by the code under review.**" in calls[0][1]
