"""The project's mutation fuzzer (tools.fuzz) over every fixture stack: a few hundred seeded
mutants, each planned in-process; none may end in a traceback, an unclean message or a hang."""

from __future__ import annotations

from pathlib import Path

from tests.support import PROJECT
from tools import fuzz

ROOT = Path(__file__).resolve().parents[2]


def test_no_mutant_of_any_stack_ends_in_a_traceback_or_hangs() -> None:
    report = fuzz.run(PROJECT, count=300, seed=8, timeout=20.0)

    assert report.crashed == []
    assert report.hung == []
    assert report.tried == 300
    assert report.rejected > 100  # the mutants do break the stacks
    assert report.planned > 0  # and some stay valid, so the engine runs too


def test_the_fuzzer_is_seeded() -> None:
    text = (PROJECT / "stacks" / "Pulumi.guide-live.yaml").read_text()
    first, second = (
        fuzz.mutants(text, fuzz.random.Random(3)),
        fuzz.mutants(text, fuzz.random.Random(3)),
    )

    assert [next(first) for _ in range(20)] == [next(second) for _ in range(20)]
