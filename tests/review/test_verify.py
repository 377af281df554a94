"""`oncall verify` (`make stacks`): the user's stacks plan, pass the policy pack and keep their
URNs; a new stack is recorded, a lost URN fails with the command that accepts it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from oncall import cli
from tests.support import PROJECT, copy_project

RECORD = Path("stacks") / ".urns.json"


def verify(project: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = cli.run(["--project-dir", str(project), "verify", *args])
    out = capsys.readouterr()
    return status, out.out + out.err


def edit(path: Path, change: Any) -> None:
    doc = yaml.safe_load(path.read_text())
    change(doc["config"])
    path.write_text(yaml.safe_dump(doc, sort_keys=False))


def new_site(project: Path) -> Path:
    """guide-live copied to bakery-live, as the README says a new site starts (a new name,
    domain and channel)."""
    path = project / "stacks" / "Pulumi.bakery-live.yaml"
    path.write_text((PROJECT / "stacks" / "Pulumi.guide-live.yaml").read_text())

    def rename(config: dict[str, Any]) -> None:
        config["pantheon-oncall:site"] = {"name": "bakery", "env": "live", "domain": "bakery.com"}
        config["pantheon-oncall:pagerduty"]["service"] = "Bakery"
        config["pantheon-oncall:slack"]["channel"] = "bakery-alerts"

    edit(path, rename)
    return path


def rename_member(path: Path, formerly: bool = False) -> None:
    """The member joe becomes joseph (every layer follows)."""

    def rename(config: dict[str, Any]) -> None:
        team = config["pantheon-oncall:team"]
        team["members"]["joseph"] = team["members"].pop("joe")
        if formerly:
            team["members"]["joseph"]["formerly"] = ["joe"]
        for layer in team["schedules"]["default"]["layers"]:
            layer["members"] = ["joseph" if m == "joe" else m for m in layer["members"]]

    edit(path, rename)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path)


def test_the_first_run_records_every_stack_and_a_second_finds_nothing_changed(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = verify(project, capsys)

    assert status == 0, out
    record = json.loads((project / RECORD).read_text())
    assert sorted(record) == sorted(p.name[7:-5] for p in (project / "stacks").glob("*.yaml"))
    assert all(urn.startswith("urn:pulumi:guide-live::") for urn in record["guide-live"])
    assert "guide-live: ok" in out
    assert "recorded: a new stack" in out
    assert "commit it" in out

    again, out = verify(project, capsys)
    assert again == 0, out
    assert "recorded" not in out
    assert "wrote" not in out
    assert json.loads((project / RECORD).read_text()) == record


def test_a_new_site_copied_from_the_example_is_recorded_not_failed(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert verify(project, capsys)[0] == 0
    new_site(project)

    status, out = verify(project, capsys)

    assert status == 0, out
    assert "bakery-live: ok" in out
    record = json.loads((project / RECORD).read_text())
    assert any("::pantheon-oncall::" in urn for urn in record["bakery-live"])


def test_a_renamed_resource_fails_naming_the_lost_urn_and_the_command_that_accepts_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert verify(project, capsys)[0] == 0
    before = (project / RECORD).read_text()
    rename_member(project / "stacks" / "Pulumi.guide-live.yaml")

    status, out = verify(project, capsys)

    assert status == 1
    assert "guide-live: FAILED" in out
    assert "run `make stacks-accept`" in out
    assert "`formerly: [<old slug>]`" in out
    assert "lost: urn:pulumi:guide-live::pantheon-oncall::" in out
    assert "team-joe" in out
    assert "1 of 5 stack(s) failed: guide-live" in out
    assert (project / RECORD).read_text() == before  # nothing accepted by accident

    accepted, out = verify(project, capsys, "--accept")
    assert accepted == 0, out
    assert "accepted:" in out
    assert verify(project, capsys)[0] == 0


def test_a_renamed_member_with_formerly_keeps_its_urns(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert verify(project, capsys)[0] == 0
    rename_member(project / "stacks" / "Pulumi.guide-live.yaml", formerly=True)

    status, out = verify(project, capsys)

    assert status == 0, out


def test_a_stack_that_does_not_plan_fails_with_its_key_path_and_the_others_are_checked(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(
        project / "stacks" / "Pulumi.guide-dev.yaml",
        lambda config: config["pantheon-oncall:site"].update(env="Live!"),
    )

    status, out = verify(project, capsys)

    assert status == 1
    assert "guide-dev: FAILED" in out
    assert "pantheon-oncall:site.env" in out
    assert "guide-live: ok" in out
    assert "guide-dev" not in json.loads((project / RECORD).read_text())


def test_warnings_are_shown_and_do_not_fail(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = verify(project, capsys)

    assert status == 0
    assert "warning: pantheon-oncall:team.members.joe" in out


def test_a_broken_record_is_one_line_naming_the_file(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / RECORD).write_text('{"guide-live": "urn"}')

    status, out = verify(project, capsys)

    assert status == 1
    assert f"{project / RECORD}" in out
    assert "expected {stack: [URN, ...]}" in out
    assert "Traceback" not in out
