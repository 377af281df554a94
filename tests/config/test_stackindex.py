"""One answer to "is this stack live?" and "which team stack does it page through?", from the
parsed config of every stack (oncall.config.stackindex), for plan, check, diff and affected
alike."""

from __future__ import annotations

from pathlib import Path

from oncall.config import stackindex
from oncall.review.affected import load_stacks
from tests.support import PROJECT, copy_project, run_cli


def test_site_stacks_are_live_by_their_env_and_a_team_stack_by_the_live_stacks_it_serves() -> None:
    index = stackindex.StackIndex(PROJECT)

    live = {name: index.is_live(name) for name in index.names}

    assert live == {
        "guide-dev": False,
        "guide-live": True,
        "guide-test": False,
        "store-live": True,
        "team-agency": True,  # store-live pages through it
    }
    assert index.paged_by_live("team-agency") == ["store-live"]


def test_a_team_stack_no_live_stack_pages_is_not_live_and_check_says_so(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    (project / "stacks" / "Pulumi.store-live.yaml").unlink()

    assert stackindex.StackIndex(project).is_live("team-agency") is False
    checked = run_cli("check", "team-agency", cwd=project)
    assert "Schedules of team-agency (team stack)," in checked.stdout, checked.stdout


def test_a_team_stack_of_another_project_is_not_this_projects_stack(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    stack = project / "stacks" / "Pulumi.store-live.yaml"
    text = stack.read_text()
    reference = "organization/pantheon-oncall/team-agency"
    assert reference in text
    stack.write_text(text.replace(reference, "organization/other-project/team-agency"))

    index = stackindex.StackIndex(project)
    stacks = {s.name: s for s in load_stacks(project)}

    assert index.team_stack_of("store-live") is None
    assert stacks["store-live"].team_stack is None
    assert index.paged_by_live("team-agency") == []


def test_a_stack_that_does_not_parse_is_neither_live_nor_a_team_stack(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    stack = project / "stacks" / "Pulumi.guide-live.yaml"
    stack.write_text(stack.read_text().replace("env: live", "env: [live]"))

    index = stackindex.StackIndex(project)

    assert index.config("guide-live") is None
    assert index.is_live("guide-live") is False
    assert index.is_team_stack("guide-live") is False


def test_which_site_a_stack_watches_and_whether_it_pages_come_from_its_alert_conditions(
    tmp_path: Path,
) -> None:
    project = copy_project(tmp_path)
    dev = project / "stacks" / "Pulumi.guide-dev.yaml"
    before = stackindex.StackIndex(project)
    pages_before = before.pages("guide-dev"), before.watches_apm("guide-dev")
    # The dev preset has no ping monitor: without APM it has no condition left to page with.
    dev.write_text(dev.read_text() + "  pantheon-oncall:newrelic:\n    apm: false\n")

    index = stackindex.StackIndex(project)

    assert index.watching("example") == ["guide-dev", "guide-live", "guide-test"]
    assert index.watching("shop") == ["store-live"]
    assert index.watching("team-agency") == []
    assert pages_before == (True, True)
    assert (index.pages("guide-dev"), index.watches_apm("guide-dev")) == (False, False)
    assert (index.pages("guide-test"), index.watches_apm("guide-test")) == (True, True)
    assert (index.pages("team-agency"), index.watches_apm("team-agency")) == (False, False)
