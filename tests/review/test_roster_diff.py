"""`oncall diff` on a roster change: the PR adds a third person to a weekly rotation on a Wednesday.

The fixture stack guide-live (team zone America/New_York; Anita's own zone Europe/London) gets a
base where its weekly rotation [joe, anita] runs from Monday 2026-11-02 09:00; the change, committed
on Wednesday 2026-12-02 12:00 New York time, appends jane. Worked by hand: week k since Nov 2 has
members[k mod n]. Week 4 (Nov 30) is Joe's under the base; in place, 4 mod 3 = 1 makes it Anita's
from the deploy on. The next handover is Monday 2026-12-07 09:00 EST, where Anita (week 5 of the
base) goes on: second in the new list, so the rotation is anchored a week earlier, Nov 30 09:00.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests import support
from tests.support import copy_project

EN, MINUS = "\N{EN DASH}", "\N{MINUS SIGN}"
STACK = "stacks/Pulumi.guide-live.yaml"
WEEKLY = (
    '{name: Weekly rotation, members: [joe, anita], rotation: weekly, start: "2026-12-07T09:00:00"}'
)
WEDNESDAY = "2026-12-02T12:00:00-05:00"
OFFERED = (
    "- "
    + WEEKLY.replace("2026-12-07", "2026-11-02").replace("}", ', end: "2026-12-07T09:00:00"}')
    + "\n- "
    + WEEKLY.replace("anita]", "anita, jane]").replace(
        "}", ', rotationVirtualStart: "2026-11-30T09:00:00"}'
    )
)
"""The two layers the warning offers, as pasted: the old version ends at the Monday 09:00
handover, the new one starts there, anchored so that Anita (next under the base) goes on."""


def git(repo: Path, *args: str, date: str = WEDNESDAY) -> None:
    env = {**os.environ, "GIT_COMMITTER_DATE": date, "GIT_AUTHOR_DATE": date}
    command = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*command, *args], check=True, capture_output=True, env=env)


def write_layer(repo: Path, layer: str) -> None:
    path = repo / STACK
    text = path.read_text()
    old = next(line for line in text.splitlines() if "name: Weekly rotation" in line)
    indent = old[: len(old) - len(old.lstrip())]
    path.write_text(text.replace(old, "\n".join(indent + part for part in layer.split("\n"))))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    copy_project(tmp_path)
    write_layer(tmp_path, "- " + WEEKLY.replace("2026-12-07", "2026-11-02"))
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "base", date="2026-11-20T10:00:00-05:00")
    return tmp_path


def change(repo: Path, layer: str) -> None:
    write_layer(repo, layer)
    git(repo, "commit", "-qam", "add jane")


def diff(repo: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return support.run_cli("diff", "--base", "HEAD~1", "guide-live", *options, cwd=repo)


def test_adding_jane_in_place_warns_names_who_moves_and_offers_the_monday_0900_handover(
    repo: Path,
) -> None:
    change(
        repo, "- " + WEEKLY.replace("2026-12-07", "2026-11-02").replace("anita]", "anita, jane]")
    )

    result = diff(repo)

    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "`pantheon-oncall:team.schedules.default.layers[1]`" in text
    assert "this change reshuffles who is on call from the moment it deploys" in text
    assert "Joe Smith: now until Mon Dec 7 09:00 → Mon Dec 14 09:00 until Mon Dec 21 09:00" in text
    assert "Anita Rao: Mon Dec 7 09:00 until Mon Dec 14 09:00 → now until Mon Dec 7 09:00" in text
    assert "hand over at Mon 2026-12-07 09:00 EST" in text
    assert (
        "- {name: Weekly rotation, members: [joe, anita], rotation: weekly, "
        'start: "2026-11-02T09:00:00", end: "2026-12-07T09:00:00"}\n'
        "- {name: Weekly rotation, members: [joe, anita, jane], rotation: weekly, "
        'start: "2026-12-07T09:00:00", rotationVirtualStart: "2026-11-30T09:00:00"}'
    ) in text
    # The per-person lines: four weeks from the head commit, Wednesday 12:00 EST (17:00 UTC).
    assert "Who is on call, 4 weeks from 2026-12-02 17:00 UTC** (after hours: outside" in text
    assert (
        f"Joe Smith: {MINUS}2 shifts (Dec 2 12:00{EN}Dec 7 09:00 moves to Anita Rao; "
        f"Dec 28 09:00{EN}Dec 30 12:00 moves to Jane Doe), on call 336 h → 168 h, "
        "after hours 256 h → 128 h"
    ) in text
    # Anita's after hours count in London: the Wed 17:00 GMT-Mon 14:00 GMT part has 21 working
    # hours of 117, each Monday-14:00-to-Monday week 40 of 168.
    assert (
        f"Anita Rao: {MINUS}1 shift (Dec 7{EN}14 moves to Jane Doe), +1 shift (Dec 2 12:00{EN}"
        "Dec 7 09:00, was Joe Smith), on call 336 h → 285 h, after hours 256 h → 224 h"
    ) in text
    assert f"Jane Doe: +2 shifts (Dec 7{EN}14, was Anita Rao; Dec 28 09:00{EN}Dec 30 12:00" in text


def test_the_json_holds_the_same_warning_edit_and_per_person_numbers(repo: Path) -> None:
    change(
        repo, "- " + WEEKLY.replace("2026-12-07", "2026-11-02").replace("anita]", "anita, jane]")
    )

    [stack] = json.loads(diff(repo, "--json").stdout)["stacks"]

    roster = stack["roster"]
    assert roster["reference"] == "2026-12-02T17:00:00+00:00"
    [reshuffle] = roster["reshuffles"]
    assert reshuffle["handover"] == "2026-12-07T14:00:00+00:00"
    assert reshuffle["rotationVirtualStart"] == "2026-11-30T14:00:00+00:00"
    assert reshuffle["moved"] == ["joe", "anita", "jane"]
    schedule = next(t for t in roster["shifts"] if t["target"] == "schedule:default")
    joe = next(p for p in schedule["people"] if p["member"] == "joe")
    assert (joe["hours"], joe["afterHours"]) == (
        {"before": 336, "after": 168},
        {"before": 256, "after": 128},
    )
    assert [t["target"] for t in roster["shifts"]] == ["schedule:default", "level:1"]


def test_from_moves_the_reference_moment(repo: Path) -> None:
    change(
        repo, "- " + WEEKLY.replace("2026-12-07", "2026-11-02").replace("anita]", "anita, jane]")
    )

    [stack] = json.loads(diff(repo, "--json", "--from", "2026-12-08T12:00").stdout)["stacks"]

    # Tuesday Dec 8 (UTC): week 5, Anita's under the base; the next handover is Monday 14th.
    [reshuffle] = stack["roster"]["reshuffles"]
    assert reshuffle["handover"] == "2026-12-14T14:00:00+00:00"


def test_a_bad_from_is_one_line_naming_the_option(repo: Path) -> None:
    result = diff(repo, "--from", "next monday")
    assert result.returncode == 1
    assert "--from" in result.stderr
    assert "next monday" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_level_that_pages_one_schedule_says_so_instead_of_repeating_it(repo: Path) -> None:
    change(
        repo, "- " + WEEKLY.replace("2026-12-07", "2026-11-02").replace("anita]", "anita, jane]")
    )

    text = diff(repo).stdout

    assert "- escalation level 1: the same people and shifts as schedule Default" in text
    assert text.count("Joe Smith: " + MINUS) == 1


def test_the_offered_edit_plans_and_keeps_this_weeks_person_until_the_handover(repo: Path) -> None:
    change(repo, OFFERED)

    result = diff(repo)
    planned = support.run_cli("plan", "--json", "guide-live", cwd=repo)

    assert result.returncode == 0, result.stderr
    assert "reshuffles who is on call" not in result.stdout
    # Worked by hand. Base [joe, anita] from Nov 2: Nov 30 joe, Dec 7 anita, Dec 14 joe, Dec 21
    # anita, Dec 28 joe. New [joe, anita, jane] anchored Nov 30, from Dec 7: Dec 7 anita, Dec 14
    # jane, Dec 21 joe, Dec 28 anita. So Joe keeps this week (nothing before Dec 7 moves).
    review = result.stdout.split("Who is on call")[-1]
    assert "Dec 2 12:00" not in review
    assert f"Jane Doe: +1 shift (Dec 14{EN}21, was Joe Smith)" in review
    assert f"+1 shift (Dec 21{EN}28, was Anita Rao)" in review
    layers = next(
        r["inputs"]["layers"]
        for r in json.loads(planned.stdout)["resources"]
        if r["type"] == "pagerduty:index/schedule:Schedule"
    )
    assert [layer["rotationVirtualStart"] for layer in layers[-2:]] == [
        "2026-11-02T09:00:00-05:00",
        "2026-11-30T09:00:00-05:00",
    ]


def test_check_and_calendar_show_the_handover_of_the_pasted_edit(repo: Path) -> None:
    change(repo, OFFERED)

    for command in ("check", "calendar"):
        result = support.run_cli(command, "guide-live", "--from", "2026-12-02T12:00", cwd=repo)
        assert result.returncode == 0, result.stderr
        assert "Roster handovers in this horizon:" in result.stdout
        assert "Weekly rotation" in result.stdout.split("Roster handovers in this horizon:")[1]


DOUBLED = (
    "- "
    + WEEKLY.replace("2026-12-07", "2026-11-02").replace("}", ', end: "2026-12-07T09:00:00"}')
    + "\n- "
    + WEEKLY.replace("anita]", "anita, jane]")
)
"""The two-layer edit with the new version anchored at its own start (no rotationVirtualStart):
it starts with Joe, who has the week before it (week 4 since Nov 2) too."""

JOE_DOUBLED = (
    "layer 'Weekly rotation': Joe Smith (joe) is on call when its old version ends and goes on "
    "first in its new one at Mon 2026-12-07 09:00 EST, so their turn is doubled: on call on this "
    "layer from Mon 2026-11-30 09:00 EST to Mon 2026-12-14 09:00 EST, 2 weeks in a row. If that "
    "is not meant, anchor the new version where the next person goes on: "
    'rotationVirtualStart: "2026-11-30T09:00:00"'
)


def test_a_handover_that_doubles_joes_week_is_a_warning_of_check_and_of_the_diff(
    repo: Path,
) -> None:
    change(repo, DOUBLED)

    checked = support.run_cli("check", "guide-live", "--from", "2026-12-02T12:00", cwd=repo)
    reviewed = diff(repo)

    assert checked.returncode == 0, checked.stderr
    assert (
        f"warning: pantheon-oncall:team.schedules.default.layers[2]: {JOE_DOUBLED}\n"
        in checked.stdout
    )
    assert reviewed.returncode == 0, reviewed.stderr
    assert "reshuffles who is on call" not in reviewed.stdout
    assert f"> `pantheon-oncall:team.schedules.default.layers[2]`: {JOE_DOUBLED}.\n" in (
        reviewed.stdout
    )


def test_check_from_after_the_handover_says_to_delete_the_ended_layer(repo: Path) -> None:
    change(repo, OFFERED)

    later = support.run_cli("check", "guide-live", "--from", "2026-12-08", cwd=repo)
    default = support.run_cli("check", "guide-live", cwd=repo)

    assert later.returncode == 0, later.stderr
    assert (
        "warning: pantheon-oncall:team.schedules.default.layers[1]: layer 'Weekly rotation' "
        "ended at Mon 2026-12-07 09:00 EST, before Tue 2026-12-08 00:00 EST; delete it from the "
        "stack file"
    ) in later.stdout
    # By default the horizon starts at the latest layer start, the new version's: Dec 7 09:00,
    # the moment the old one ends, which has not ended before it.
    assert default.returncode == 0, default.stderr
    assert "from Mon 2026-12-07 09:00 EST" in default.stdout
    assert "delete it from the stack file" not in default.stdout


# --- check --base and calendar --base -------------------------------------------------------------

IN_PLACE = "- " + WEEKLY.replace("2026-12-07", "2026-11-02").replace("anita]", "anita, jane]")


def warnings(text: str) -> int:
    return int(text.rsplit(" error(s), ", 1)[1].split(" warning")[0])


def test_check_base_gives_the_diffs_reshuffle_warning_and_edit_from_the_head_commits_date(
    repo: Path,
) -> None:
    change(repo, IN_PLACE)

    reviewed = support.run_cli("check", "guide-live", "--base", "HEAD~1", cwd=repo)
    plain = support.run_cli("check", "guide-live", cwd=repo)

    assert reviewed.returncode == 0, reviewed.stderr
    text = reviewed.stdout
    assert (
        "Roster against HEAD~1, from Wed 2026-12-02 12:00 EST (the head commit's date; --from to "
        "choose):\n  warning: pantheon-oncall:team.schedules.default.layers[1]: schedule default, "
        "layer 'Weekly rotation': this change reshuffles who is on call from the moment it deploys"
    ) in text
    assert "Joe Smith: now until Mon Dec 7 09:00 → Mon Dec 14 09:00 until Mon Dec 21 09:00" in text
    assert "hand over at Mon 2026-12-07 09:00 EST" in text
    assert "\n".join("      " + line for line in OFFERED.split("\n")) + "\n" in text
    assert "Roster against" not in plain.stdout
    assert warnings(text) == warnings(plain.stdout) + 1


def test_calendar_base_looks_from_from_in_the_teams_zone(repo: Path) -> None:
    change(repo, IN_PLACE)

    result = support.run_cli(
        "calendar", "guide-live", "--base", "HEAD~1", "--from", "2026-12-08T12:00", cwd=repo
    )

    # Tuesday Dec 8 12:00 EST: week 5, Anita's under the base; the next handover is Monday 14th.
    assert result.returncode == 0, result.stderr
    assert "Roster against HEAD~1, from Tue 2026-12-08 12:00 EST (--from):" in result.stdout
    assert "hand over at Mon 2026-12-14 09:00 EST" in result.stdout


def test_check_base_of_the_pasted_edit_lists_its_handover_and_warns_of_nothing(
    repo: Path,
) -> None:
    change(repo, OFFERED)

    result = support.run_cli("check", "guide-live", "--base", "HEAD~1", cwd=repo)

    assert result.returncode == 0, result.stderr
    review = result.stdout.split("Roster against HEAD~1")[1].split("\n\n")[0]
    assert review.splitlines()[1:] == [
        "  schedule default, layer 'Weekly rotation': hands over from its old version (Joe Smith, "
        "Anita Rao) to its new one (Joe Smith, Anita Rao, Jane Doe) at Mon 2026-12-07 09:00 EST; "
        "Anita Rao goes on first"
    ]


def test_check_base_with_nothing_changed_says_so(repo: Path) -> None:
    result = support.run_cli("check", "guide-live", "--base", "HEAD", cwd=repo)

    assert result.returncode == 0, result.stderr
    assert "  no schedule's layers change since HEAD\n" in result.stdout


def test_a_base_git_cannot_produce_is_one_line_naming_the_option(repo: Path) -> None:
    for command in ("check", "calendar"):
        result = support.run_cli(command, "guide-live", "--base", "no-such-ref", cwd=repo)

        assert result.returncode == 1
        assert result.stdout == ""
        assert "--base" in result.stderr
        assert "no-such-ref" in result.stderr
        assert "Traceback" not in result.stderr
