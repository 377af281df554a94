"""`oncall diff --base REF`: a reviewer reads exactly what a change does to each stack.

The tests build real git repositories in a temporary folder from copies of the project's stacks,
commit a base and a change, and read the Markdown (and JSON) report the way a PR comment shows it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from oncall.offline import fleet
from oncall.review import diff
from oncall.review import report as diff_report
from oncall.review.changes import compare
from tests import support
from tests.support import PROJECT, copy_project

ROOT = Path(__file__).resolve().parents[2]


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repo whose first commit holds the project's stacks and entry point."""
    copy_project(tmp_path)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "base")
    return tmp_path


def the_reviewed_change(repo: Path) -> None:
    """Second commit: a member added to a layer, a notification delay changed, a member's slug
    renamed, a stack deleted and a stack added."""
    stacks = repo / "stacks"
    live = stacks / "Pulumi.guide-live.yaml"
    edit(live, "members: [joe, anita], rotation", "members: [joe, anita, jane], rotation")
    edit(live, "{via: phone, afterMinutes: 15}", "{via: phone, afterMinutes: 10}")
    team = stacks / "Pulumi.team-agency.yaml"
    edit(team, "      marco: {", "      marcus: {")
    edit(team, "[marco, lee]", "[marcus, lee]")
    edit(team, "[lee, marco]", "[lee, marcus]")
    (stacks / "Pulumi.store-live.yaml").unlink()
    blog = (stacks / "Pulumi.guide-test.yaml").read_text().replace("name: example", "name: blog")
    (stacks / "Pulumi.blog-test.yaml").write_text(blog)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "the change")


def diff_cli(project: Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """`oncall diff --base HEAD` of `project`, run from `cwd` (whose code it uses)."""
    return support.run_cli("diff", "--base", "HEAD", cwd=project, run_from=cwd, timeout=300)


def report(repo: Path, base: str, *stacks: str) -> tuple[str, dict]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        base_dir = diff.extract(repo, base, Path(tmp))
        data = diff_report.to_data(base, diff.diff_stacks(repo, base_dir, stacks, jobs=1))
    return diff_report.markdown(data), data


def test_diff_names_exactly_the_changes_of_the_commit_with_the_rename_as_delete_and_create(
    repo: Path,
) -> None:
    the_reviewed_change(repo)

    text, data = report(repo, "HEAD~1")

    status = {s["stack"]: s["status"] for s in data["stacks"]}
    assert status == {
        "blog-test": "added",
        "guide-dev": "unchanged",
        "guide-live": "changed",
        "guide-test": "unchanged",
        "store-live": "removed",
        "team-agency": "changed",
    }
    changes = {
        s["stack"]: {(c["op"], c["name"]) for c in s["changes"]}
        for s in data["stacks"]
        if s["status"] == "changed"
    }
    rules = {f"team-{m}-high-phone-10m" for m in ("jane", "joe", "anita")}
    assert changes["guide-live"] == {("~", "team-default")} | {("+-", r) for r in rules}
    parts = ["", "-membership", "-phone", "-sms", "-handoff", "-high-phone-15m", "-high-sms-0m"]
    assert changes["team-agency"] == (
        {("~", "team-primary")}
        | {("+", f"team-marcus{p}") for p in parts}
        | {("-", f"team-marco{p}") for p in parts}
    )
    # Who was added, and where; old → new for the delay.
    assert "    layers[1].users: [team-joe, team-anita] → [team-joe, team-anita, team-jane]" in text
    assert "    startDelayInMinutes: 15 (15 min) → 10 (10 min)" in text
    assert "(replace: its name changes from team-joe-high-phone-15m)" in text
    # The rename: a delete and a create of the person, called out at the top with its alias.
    assert "- pagerduty:User  team-marco\n" in text
    assert "+ pagerduty:User  team-marcus\n" in text
    callout = text.split("\n\n")[1]
    assert "`team-agency` deletes user `team-marco`" in callout
    assert "add `formerly: [marco]` to `pantheon-oncall:team.members.marcus`" in callout
    # Inside the diff block nothing is Markdown: the alias hint is plain text there.
    blocks = [b.split("```", 1)[0] for b in text.split("```diff\n")[1:]]
    assert "    renamed to team-marcus: an alias keeps it (add formerly: [marco] to " in "".join(
        blocks
    )
    assert all("`" not in block for block in blocks)
    assert 'the alias `pulumi.Alias(name="team-marco")`' in callout
    assert "pulumi state rename -s team-agency" in callout
    assert "### `blog-test`: new stack" in text
    assert "### `store-live` (live): stack removed" in text
    assert "Unchanged: `guide-dev`, `guide-test`" in text


def test_an_unchanged_stack_takes_one_line(repo: Path) -> None:
    text, data = report(repo, "HEAD")

    assert {s["status"] for s in data["stacks"]} == {"unchanged"}
    assert "###" not in text
    assert "Unchanged: `guide-dev`, `guide-live`" in text


def test_secrets_show_as_secret_and_never_their_value(repo: Path) -> None:
    live = repo / "stacks" / "Pulumi.guide-live.yaml"
    edit(live, "config:\n", "config:\n  pagerduty:token: {secure: v1:AAAAplanted-cipher}\n")
    edit(live, "domain: www.example.com", "domain: www2.example.com")

    text, data = report(repo, "HEAD", "guide-live")

    assert "planted-cipher" not in text + json.dumps(data)
    assert "~ newrelic:synthetics:Monitor  alerts-monitor" in text


def test_a_secret_input_shows_as_secret_on_both_sides() -> None:
    token = "newrelic:index/notificationDestination:NotificationDestination"
    old = {"resources": [_resource(token, "d", {"authToken": "x", "name": "a"})]}
    new = {"resources": [_resource(token, "d", {"authToken": {"secret": True}, "name": "b"})]}

    (change,) = compare(old, new)

    assert change.properties == {"authToken": ["x", "[secret]"], "name": ["a", "b"]}


def test_a_config_error_in_the_new_version_is_reported_for_that_stack_and_exits_1(
    repo: Path,
) -> None:
    edit(repo / "stacks" / "Pulumi.guide-live.yaml", "[joe, anita]", "[joe, anitta]")

    result = diff_cli(repo)

    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "### `guide-live` (live): does not plan" in result.stdout
    assert "anitta" in result.stdout
    assert "Unchanged: `guide-dev`, `guide-test`, `store-live`, `team-agency`" in result.stdout


def test_diff_never_touches_the_checkout(repo: Path) -> None:
    edit(repo / "stacks" / "Pulumi.guide-dev.yaml", "name: Default", "name: Primary")
    before = git(repo, "status", "--porcelain"), git(repo, "worktree", "list")

    report(repo, "HEAD")

    assert (git(repo, "status", "--porcelain"), git(repo, "worktree", "list")) == before


def test_a_property_the_provider_sets_only_on_create_is_a_replace() -> None:
    token = "newrelic:index/nrqlAlertCondition:NrqlAlertCondition"
    old = {"resources": [_resource(token, "c", {"type": "static", "name": "x"})]}
    new = {"resources": [_resource(token, "c", {"type": "baseline", "name": "x"})]}

    (change,) = compare(old, new)

    assert change.op == "+-"
    assert change.properties == {"type": ["static", "baseline"]}
    assert "type can only be set when the resource is created" in change.reason


def test_a_create_only_property_that_became_secret_is_no_reason_to_replace() -> None:
    # A secret section (pantheon-oncall:newrelic with a secure value) makes every input secret:
    # the value may well be the same, so the diff shows it and does not claim a replace.
    token = "newrelic:index/notificationChannel:NotificationChannel"
    old = {"resources": [_resource(token, "c", {"type": "PAGERDUTY_SERVICE_INTEGRATION"})]}
    new = {"resources": [_resource(token, "c", {"type": {"secret": True}})]}

    (change,) = compare(old, new)

    assert change.op == "~"
    assert change.properties == {"type": ["PAGERDUTY_SERVICE_INTEGRATION", "[secret]"]}


def _resource(type_: str, name: str, inputs: dict) -> dict:
    return {"type": type_, "name": name, "custom": True, "inputs": inputs, "aliases": []}


def test_a_code_change_is_shown_with_the_base_planned_by_its_own_code(tmp_path: Path) -> None:
    for part in ("oncall", "components", "policy"):
        shutil.copytree(
            ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__", "venv")
        )
    shutil.copytree(PROJECT / "stacks", tmp_path / "stacks")
    for part in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / part, tmp_path / part)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "base")
    edit(tmp_path / "components" / "team" / "component.py", '"On-call member of ', '"Member of ')

    result = diff_cli(tmp_path, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "each side planned by its own code (1 code file(s) changed)" in result.stdout
    assert "~ pagerduty:User  team-jane\n    description: On-call member of" in result.stdout
    assert "Unchanged: `guide-dev`, `guide-test`, `store-live`" in result.stdout


def test_a_rename_with_an_alias_is_the_same_resource_and_its_references_follow() -> None:
    user, method = (
        "pagerduty:index/user:User",
        "pagerduty:index/userContactMethod:UserContactMethod",
    )

    def ref(name: str) -> dict:
        return {"ref": {"type": user, "name": name}}

    old = {
        "resources": [
            _resource(user, "team-joe", {"email": "joe@example.com"}),
            _resource(method, "team-joe-sms", {"userId": ref("team-joe")}),
        ]
    }
    new = {
        "resources": [
            {
                **_resource(user, "team-joseph", {"email": "joe@example.com"}),
                "aliases": ["team-joe"],
            },
            {
                **_resource(method, "team-joseph-sms", {"userId": ref("team-joseph")}),
                "aliases": ["team-joe-sms"],
            },
        ]
    }

    changes = compare(old, new)

    assert [(c.op, c.name, c.properties) for c in changes] == [
        ("~", "team-joseph", {"(name)": ["team-joe", "team-joseph"]}),
        ("~", "team-joseph-sms", {"(name)": ["team-joe-sms", "team-joseph-sms"]}),
    ]


def test_a_removed_team_stack_is_called_out_as_a_destroy_to_come(repo: Path) -> None:
    (repo / "stacks" / "Pulumi.team-agency.yaml").unlink()

    text, data = report(repo, "HEAD", "team-agency")

    assert data["callouts"] == [
        "`team-agency` is removed: `pulumi destroy -s team-agency` would delete its "
        "5 user(s), schedule(s) and escalation polic(ies)"
    ]
    assert "### `team-agency` (live): stack removed" in text


def test_a_stack_whose_edit_only_touches_comments_and_layout_is_unchanged_and_planned_once(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dev = repo / "stacks" / "Pulumi.guide-dev.yaml"
    spaced = dev.read_text().replace(": ", ":   ")
    dev.write_text(f"# reviewed in the on-call sync\n{spaced}\n")
    planned: list[tuple[str, str]] = []
    plan_one = fleet.plan_one

    def counted(project_dir: Path, stack: str, schemas: object = None) -> fleet.Outcome:
        planned.append((project_dir.name, stack))
        return plan_one(project_dir, stack, schemas)

    monkeypatch.setattr(fleet, "plan_one", counted)

    _, data = report(repo, "HEAD")

    assert {s["status"] for s in data["stacks"]} == {"unchanged"}
    assert [p for p in planned if p[1] == "guide-dev"] == [(repo.name, "guide-dev")]


def test_a_changed_stack_shows_each_schedules_coverage_and_what_it_was(repo: Path) -> None:
    # The weekly rotation only covers working hours, and the backstop goes: nights become gaps.
    live = repo / "stacks" / "Pulumi.guide-live.yaml"
    edit(live, '          - {name: Backstop, members: [jane], start: "2026-11-02T00:00:00"}', "")
    edit(
        live,
        'rotation: weekly, start: "2026-12-07T09:00:00"}',
        'rotation: weekly, start: "2026-12-07T09:00:00", '
        'restrictions: [{type: daily, startTime: "09:00", durationHours: 8}]}',
    )
    git(repo, "commit", "-qam", "working hours only")

    text, data = report(repo, "HEAD~1", "guide-live")

    (line,) = next(s for s in data["stacks"] if s["stack"] == "guide-live")["coverage"]
    assert line.startswith("schedule default (Default): 33.3 % covered, 28 gap(s)")
    assert line.endswith(
        "(was: 100.0 % covered, 0 gap(s) in 4 weeks from Mon 2026-12-07 09:00 EST)"
    )
    assert f"- {line}\n" in text
