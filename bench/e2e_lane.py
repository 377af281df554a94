"""Benchmark figures of the end-to-end lane, read from the last run's build/e2e/summary.json.

    make e2e && venv/bin/python bench/e2e_lane.py [build/e2e/summary.json]

It prints:
- the lane's wall time (warm: the engine was already built) and the sum of its steps;
- per stack, the API requests of its first `pulumi up` (PagerDuty, New Relic NerdGraph, Slack)
  and PagerDuty's requests a minute at that step's own pace;
- per stack, the requests of a no-change `pulumi preview --refresh` (what a drift check costs);
- each against PagerDuty's limit of about 960 requests a minute per token: how many such runs
  fit in one minute of one token's budget.

The doubles answer in microseconds, so the pace printed is an upper bound of what the real API
would see; the counts are what matters, and they do not depend on the machine. The engine's cold
build times and peak memory are printed by `engine/build.sh`, not here.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PAGERDUTY_PER_MINUTE = 960


def figures(summary: Mapping[str, Any]) -> list[str]:
    """The report's lines for one summary."""
    steps = summary["steps"]
    lines = []
    wall = summary.get("seconds")
    total = sum(float(s["seconds"]) for s in steps)
    if wall is not None:
        lines.append(f"lane: {float(wall):.0f} s wall, {total:.0f} s in {len(steps)} steps")
    else:
        lines.append(f"lane: {total:.0f} s in {len(steps)} steps")
    lines.append("")
    lines.append(
        f"{'stack':<14} {'step':<38} {'PD':>5} {'NR':>5} {'Slack':>5} {'PD/min':>7} {'fit':>5}"
    )
    for step in steps:
        command = step["command"]
        if not (command.startswith("up --policy-pack") or command.startswith("preview --refresh")):
            continue
        requests = step.get("requests") or {}
        pd = int(requests.get("pagerduty", 0))
        seconds = max(float(step["seconds"]), 0.1)
        pace = pd / seconds * 60
        fit = f"{PAGERDUTY_PER_MINUTE // pd}x" if pd else "-"
        lines.append(
            f"{step['stack']:<14} {command:<38} {pd:>5} {int(requests.get('nerdgraph', 0)):>5} "
            f"{int(requests.get('slack', 0)):>5} {pace:>7.0f} {fit:>5}"
        )
    if not any(s["command"].startswith(("up --policy-pack", "preview --refresh")) for s in steps):
        skipped = ", ".join(summary.get("skipped") or {}) or "none"
        lines.append(f"(no deploy ran; parts skipped for want of engine binaries: {skipped})")
    lines.append("")
    lines.append(
        f"PD/min: PagerDuty requests a minute at the step's pace against the doubles (an upper "
        f"bound); fit: such runs per minute within {PAGERDUTY_PER_MINUTE} requests per token."
    )
    lines.append(f"all steps: {summary['api_requests']}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Print the figures of the summary named (default build/e2e/summary.json)."""
    args = list(sys.argv[1:] if argv is None else argv)
    path = Path(args[0]) if args else ROOT / "build" / "e2e" / "summary.json"
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        print(f"error: {path}: {e}; run `make e2e` first", file=sys.stderr)
        return 1
    print("\n".join(figures(summary)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
