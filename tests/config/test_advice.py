"""Warnings for what is valid but likely wrong: the plan still succeeds (exit 0) and shows each
warning, with its key path, in the text and in the JSON. The example stacks have none
(tests/program/test_stacks.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from oncall import cli
from tests.support import PROJECT, copy_project

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (PROJECT / "stacks" / "Pulumi.guide-live.yaml").read_text()
BACKSTOP_START = '{name: Backstop, members: [jane], start: "2026-11-02T00:00:00"}'
ROTATION = (
    '{name: Weekly rotation, members: [joe, anita], rotation: weekly, start: "2026-12-07T09:00:00"}'
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    copy_project(tmp_path)
    return tmp_path


def warnings_of(
    project: Path, text: str, capsys: pytest.CaptureFixture[str], stack: str = "guide-live"
) -> list[str]:
    """Plan the stack file `text` (by default in place of guide-live); its warnings, checked
    to be the same in text and JSON."""
    (project / "stacks" / f"Pulumi.{stack}.yaml").write_text(text)
    assert cli.run(["--project-dir", str(project), "plan", stack, "--json"]) == 0
    found = json.loads(capsys.readouterr().out)["warnings"]
    assert cli.run(["--project-dir", str(project), "plan", stack]) == 0
    text_out = capsys.readouterr().out
    if found:
        shown = text_out.split("\nWarnings:\n", 1)[1].split("\n\n", 1)[0]
        assert [line.strip() for line in shown.splitlines()] == found
    else:
        assert "Warnings:" not in text_out
    return list(found)


def guide(old: str, new: str) -> str:
    assert old in GUIDE, old
    return GUIDE.replace(old, new)


def test_the_guide_stack_has_no_warnings(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert warnings_of(project, GUIDE, capsys) == []


@pytest.mark.parametrize(
    ("env", "advice"),
    [
        ("feature-1", "write dev, test or live if you meant one"),
        ("prod", "did you mean live?"),
        ("staging", "did you mean test?"),
    ],
)
def test_an_env_that_is_not_dev_test_or_live_is_warned_as_a_multidev(
    project: Path, capsys: pytest.CaptureFixture[str], env: str, advice: str
) -> None:
    found = warnings_of(project, guide("env: live", f"env: {env}"), capsys)

    assert found == [
        f"pantheon-oncall:site.env: '{env}' is not dev, test or live, so it is treated as a "
        f"multidev (the multidev preset); {advice}"
    ]


def test_a_team_stack_that_is_not_in_stacks_is_warned(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (PROJECT / "stacks" / "Pulumi.guide-test.yaml").read_text()
    text = text.replace("pantheon-oncall/team-agency", "pantheon-oncall/team-agnecy")

    [found] = warnings_of(project, text, capsys, stack="guide-test")

    assert found.startswith(
        "pantheon-oncall:teamStack: 'organization/pantheon-oncall/team-agnecy' names no stack "
        "in stacks/ (did you mean 'team-agency'?) (stacks of pantheon-oncall: guide-dev,"
    )


def test_two_stacks_creating_the_same_service_name_are_warned(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    [found] = warnings_of(project, GUIDE, capsys, stack="copy")

    assert found == (
        "pantheon-oncall:pagerduty.service: 'New Relic' is also created by guide-live; "
        "PagerDuty service names are unique in an account, so one of the deploys fails: give "
        "each stack its own pagerduty.service"
    )


def test_an_adopted_service_of_the_same_name_is_not_warned(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    adopted = "service: New Relic\n    importId: PSERVIC\n    autoResolveMinutes: false\n"
    text = guide("service: New Relic ", adopted + "    acknowledgementTimeoutMinutes: 30 ")

    assert warnings_of(project, text, capsys, stack="copy") == []


def test_a_backstop_starting_after_the_rotation_is_warned(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    late = BACKSTOP_START.replace("2026-11-02T00:00:00", "2027-01-04T00:00:00")

    [found] = warnings_of(project, guide(BACKSTOP_START, late), capsys)

    assert found == (
        "pantheon-oncall:team.schedules.default.layers[0].start: the backstop starts "
        "2027-01-04T00:00:00-05:00, after layers[1] starts (2026-12-07T09:00:00-05:00): until "
        "then nobody backs that layer up; start the backstop no later than the layers it backs "
        "up (a past start is fine)"
    )


def test_a_layer_named_weekly_on_a_daily_rotation_is_warned(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = guide(ROTATION, ROTATION.replace("rotation: weekly", "rotation: daily"))

    [found] = warnings_of(project, text, capsys)

    assert found == (
        "pantheon-oncall:team.schedules.default.layers[1].name: 'Weekly rotation' says weekly, "
        "but a turn lasts 24 hours; set rotation: weekly or rename it"
    )


def test_a_time_zone_abbreviation_is_warned(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = guide("timeZone: Europe/London", "timeZone: EST5EDT").replace(
        "timeZone: America/New_York", "timeZone: EST"
    )

    found = warnings_of(project, text, capsys)

    assert [line.split(":")[1] for line in found] == [
        "team.members.anita.timeZone",
        "team.timeZone",
    ]
    assert found[1].endswith(
        "'EST' is a legacy zone name, not a place: it keeps UTC-5 all year, without daylight "
        "saving; use the IANA name of a place near the team, like America/New_York"
    )


@pytest.mark.parametrize(
    ("zone", "place"),
    [("CET", "Europe/Paris"), ("PST8PDT", "America/Los_Angeles"), ("EET", "Europe/Athens")],
)
def test_a_legacy_zone_with_summer_time_is_named_with_a_place_near_it(
    project: Path, capsys: pytest.CaptureFixture[str], zone: str, place: str
) -> None:
    text = GUIDE.replace("timeZone: America/New_York", f"timeZone: {zone}")

    [found] = [w for w in warnings_of(project, text, capsys) if ":team.timeZone" in w]

    assert f"{zone!r} is a legacy zone name, not a place" in found
    assert "daylight saving rules are one region's" in found
    assert found.endswith(f"like {place}")
    assert "EST" not in found


def test_a_possible_but_invalid_phone_number_is_warned(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Ofcom's drama range: the right length for a UK mobile, but never assigned.
    text = guide('sms: "+44 7400 123456"', 'sms: "+44 7700 900123"')

    assert warnings_of(project, text, capsys) == [
        "pantheon-oncall:team.members.anita.sms: +447700900123 is a possible number but not one "
        "in use in its country's numbering plan; check it, or PagerDuty cannot reach them"
    ]
