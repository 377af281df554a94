"""Safe change: every resource of every fixture stack (tests/project/stacks/) keeps its URN, or
names the old one (`make stacks` does the same for the user's stacks/, against stacks/.urns.json).

Pulumi identifies a resource by its URN (stack, project, parent types, type, name). A refactor that
changes one (a renamed component, child or member slug) makes `pulumi up` delete the live object and
create a new one: for a PagerDuty user that is a person's phone numbers, rules and on-call history
gone. tests/urns.json pins the URN set of each stack. A URN that disappears fails here until the
resource that replaces it carries an alias naming it; a new one fails until the snapshot is
updated on purpose:

    make urns        # rewrites tests/urns.json from the current plans; review and commit its diff
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, cast

import pytest
import yaml

from components.team.args import TeamOnCallArgs
from components.team.component import TeamOnCall
from oncall.config import parse_stack_config, stackfile
from oncall.config.errors import ConfigError
from oncall.offline.plan import plan_stack
from oncall.offline.recorded import Run
from tests.components.test_team import guide_team
from tests.config.test_config import example
from tests.support import PROJECT, TESTS, T, copy_project, run_component

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = TESTS / "urns.json"
STACKS = stackfile.stack_names(PROJECT)
UPDATE = "UPDATE_URN_SNAPSHOT"
"""Set (by `make urns`) to rewrite the snapshot instead of comparing with it."""


def urns(run: Run) -> list[str]:
    return sorted(r.urn for r in run.resources)


def lost(pinned: list[str], run: Run) -> list[str]:
    """The pinned URNs that no resource of `run` has, neither as its URN nor as an alias."""
    kept = {r.urn for r in run.resources} | {a for r in run.resources for a in r.aliases}
    return [urn for urn in pinned if urn not in kept]


@pytest.fixture(scope="module")
def runs() -> dict[str, Run]:
    return {stack: plan_stack(PROJECT, stack).run for stack in STACKS}


@pytest.fixture(scope="module")
def snapshot(runs: dict[str, Run]) -> dict[str, list[str]]:
    if os.environ.get(UPDATE):
        data = {stack: urns(run) for stack, run in runs.items()}
        SNAPSHOT.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    loaded: dict[str, list[str]] = json.loads(SNAPSHOT.read_text())
    return loaded


def test_the_snapshot_pins_every_stack(snapshot: dict[str, list[str]]) -> None:
    assert sorted(snapshot) == STACKS, "a stack was added or removed: run `make urns`"


@pytest.mark.parametrize("stack", STACKS)
def test_no_resource_loses_its_urn_without_an_alias(
    stack: str, runs: dict[str, Run], snapshot: dict[str, list[str]]
) -> None:
    gone = lost(snapshot.get(stack, []), runs[stack])

    assert gone == [], (
        f"{stack}: `pulumi up` would delete these resources and create new ones; give the new "
        "resource an alias naming the old URN (a renamed member: `formerly: [<old slug>]`), or, "
        "if the replacement is intended, run `make urns` and commit tests/urns.json"
    )


@pytest.mark.parametrize("stack", STACKS)
def test_every_resource_is_in_the_snapshot(
    stack: str, runs: dict[str, Run], snapshot: dict[str, list[str]]
) -> None:
    new = sorted(set(urns(runs[stack])) - set(snapshot.get(stack, [])))

    assert new == [], f"{stack}: new resources; run `make urns` and commit tests/urns.json"


# --- A member's slug renamed with an alias -------------------------------------------------------


def renamed_guide_stack(tmp_path: Path, formerly: bool) -> Path:
    """A copy of the project whose guide-live renames member joe to joseph."""
    copy_project(tmp_path)
    path = tmp_path / "stacks" / "Pulumi.guide-live.yaml"
    doc: dict[str, Any] = yaml.safe_load(path.read_text())
    team = doc["config"]["pantheon-oncall:team"]
    team["members"]["joseph"] = team["members"].pop("joe")
    if formerly:
        team["members"]["joseph"]["formerly"] = ["joe"]
    for layer in team["schedules"]["default"]["layers"]:
        layer["members"] = ["joseph" if m == "joe" else m for m in layer["members"]]
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return tmp_path


def test_a_renamed_member_slug_with_formerly_keeps_every_urn(
    tmp_path: Path, runs: dict[str, Run]
) -> None:
    before = runs["guide-live"]
    after = plan_stack(renamed_guide_stack(tmp_path, formerly=True), "guide-live").run

    assert lost(urns(before), after) == []
    # Each of joe's resources resolves to joseph's of the same type: the same live object.
    joes = [r for r in before.resources if r.name.startswith("team-joe")]
    assert {r.type for r in joes} >= {T.USER, T.CONTACT_METHOD, T.NOTIFICATION_RULE}
    for old in joes:
        new = after.get(old.type, old.name.replace("team-joe", "team-joseph", 1))
        assert old.urn in new.aliases, new.key
    joseph = after.get(T.USER, "team-joseph")
    assert joseph.inputs == before.get(T.USER, "team-joe").inputs
    assert joseph.protect


def test_a_renamed_member_slug_without_formerly_would_replace_the_user(
    tmp_path: Path, runs: dict[str, Run]
) -> None:
    before = runs["guide-live"]
    after = plan_stack(renamed_guide_stack(tmp_path, formerly=False), "guide-live").run

    gone = lost(urns(before), after)
    assert before.get(T.USER, "team-joe").urn in gone
    assert all("team-joe" in urn for urn in gone)


@pytest.mark.parametrize(
    ("formerly", "message"),
    [
        ({"joe": ["jane"]}, r"members\.joe\.formerly\[0\]: 'jane' is a member's slug now"),
        (
            {"joe": ["jo"], "anita": ["jo"]},
            r"members\.anita\.formerly\[0\]: 'jo' is also members\.joe\.formerly",
        ),
        ({"joe": "jo"}, r"members\.joe\.formerly: expected a list of earlier slugs"),
        ({"joe": ["Jo Smith"]}, r"members\.joe\.formerly\[0\]: key 'Jo Smith' must be a slug"),
    ],
)
def test_formerly_names_gone_slugs_each_claimed_once(
    formerly: dict[str, Any], message: str
) -> None:
    args = guide_team()
    for member, old in formerly.items():
        args["members"][member]["formerly"] = old
    team = cast(TeamOnCallArgs, args)

    with pytest.raises(ValueError, match=message):
        run_component(lambda: TeamOnCall("team", team), ["userIds"])


def test_formerly_in_the_stack_file_must_list_slugs() -> None:
    values = example()
    values["team"]["members"]["joe"]["formerly"] = ["Joe Smith"]

    with pytest.raises(ConfigError) as raised:
        parse_stack_config(values)
    assert [p.path for p in raised.value.problems] == [
        "pantheon-oncall:team.members.joe.formerly[0]"
    ]
