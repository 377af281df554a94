"""The plan of every fixture stack (tests/project/stacks/) is byte-for-byte the recorded one
(tests/golden/plan/). The user's stacks/ are not recorded here: `make stacks` checks those.

Refactoring the config or the wiring must not change what a stack plans: this compares
`oncall plan --json <stack>` (its data, `plan.to_json`) with the output recorded
before. A change meant to alter plans re-records them with `make golden` (a new stack needs its
recording too), and the diff of tests/golden/plan/ shows the change in review.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from oncall.config import stackfile
from oncall.offline import plan as planning
from tests.support import PROJECT, TESTS

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = TESTS / "golden" / "plan"
STACKS = stackfile.stack_names(PROJECT)


def test_every_stack_has_a_recorded_plan_and_every_recording_a_stack() -> None:
    assert sorted(path.stem for path in GOLDEN.glob("*.json")) == sorted(STACKS)


@pytest.mark.parametrize("stack", STACKS)
def test_the_plan_of_a_stack_is_byte_identical_to_the_recorded_one(stack: str) -> None:
    path = GOLDEN / f"{stack}.json"
    assert path.is_file(), f"{stack} has no recorded plan: run `make golden` and commit {path}"
    recorded = path.read_text()

    assert planning.to_json(planning.plan_stack(PROJECT, stack)) == recorded
