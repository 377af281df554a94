"""Benchmark: how fast the everyday commands answer, as medians.

    venv/bin/python bench/speed.py                # every `oncall … --help`, 7 runs each
    venv/bin/python bench/speed.py --pytest 3     # and `make pytest`, warm, 3 runs

Each command runs as a fresh process, as a user runs it. Printed per command: the median wall
time and the median CPU time (user + system of the process and its children). On a shared
machine the wall time includes waiting for a core; the CPU time is what the command costs and is
disturbed much less by other load. The targets: `--help` under 0.3 s, `make pytest` warm under
60 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONCALL = ROOT / "venv" / "bin" / "oncall"
COMMANDS = (
    "plan",
    "stacks",
    "verify",
    "smoke",
    "affected",
    "check",
    "calendar",
    "new-site",
    "import",
    "diff",
)


def timed(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of `argv` (which must exit 0)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, timeout=900)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def medians(argv: list[str], runs: int) -> tuple[float, float]:
    """The median wall and CPU seconds of `runs` runs."""
    results = [timed(argv) for _ in range(runs)]
    return statistics.median(w for w, _ in results), statistics.median(c for _, c in results)


def main() -> int:
    """Time the commands; print a table of medians."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per --help (default 7)")
    parser.add_argument("--pytest", type=int, default=0, metavar="N", help="time `make pytest`")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; medians:")
    for command in ("", *COMMANDS):
        argv = [str(ONCALL), *([command] if command else []), "--help"]
        wall, cpu = medians(argv, args.runs)
        name = f"oncall {command} --help".replace("  ", " ")
        print(f"  {name:<28} wall {wall:5.2f} s   cpu {cpu:5.2f} s")
    if args.pytest:
        timed(["make", "-s", "pytest"])  # warm: the venv, caches and byte code exist
        wall, cpu = medians(["make", "-s", "pytest"], args.pytest)
        print(f"  {'make pytest (warm)':<28} wall {wall:5.1f} s   cpu {cpu:5.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
