"""Benchmark: how fast the everyday commands answer, as medians.

    venv/bin/python bench/speed.py                # every `oncall … --help`, 7 runs each
    venv/bin/python bench/speed.py --pytest 3     # and `make pytest`, warm, 3 runs
    venv/bin/python bench/speed.py --runs 0 --install 3   # installs from empty caches, 3 runs
    venv/bin/python bench/speed.py --runs 0 --first-test 1  # first `make test` of a fresh clone

Each command runs as a fresh process, as a user runs it. Printed per command: the median wall
time and the median CPU time (user + system of the process and its children). On a shared
machine the wall time includes waiting for a core; the CPU time is what the command costs and is
disturbed much less by other load. The targets: `--help` under 0.3 s, `make pytest` warm under
60 s, the first `make plan` of a fresh clone under 30 s, its first `make test` under 120 s.

`--install` times, in a fresh clone (`git clone` of this checkout's HEAD) with empty pip and uv
caches each run, as on a new machine or CI: the hash-locked install of requirements.lock by pip
(`python -m venv`, `pip install --require-hashes --only-binary=:all:`) against uv (the Makefile's
way: a venv without pip, uv from requirements-uv.lock, `uv pip install --require-hashes`), and
the whole first `make plan`. The runs alternate, so both see the same load.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from functools import partial
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


def timed(
    argv: list[str], cwd: Path = ROOT, env: Mapping[str, str] | None = None
) -> tuple[float, float]:
    """Wall and CPU seconds of one run of `argv` (which must exit 0)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, timeout=1800)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def medians(argv: list[str], runs: int) -> tuple[float, float]:
    """The median wall and CPU seconds of `runs` runs."""
    results = [timed(argv) for _ in range(runs)]
    return statistics.median(w for w, _ in results), statistics.median(c for _, c in results)


PIP = "--quiet --disable-pip-version-check --require-hashes --only-binary=:all:"
FRESH: dict[str, str] = {
    "pip": f"python3 -m venv venv && venv/bin/python -m pip install {PIP} -r requirements.lock",
    "uv": "make -s venv/.uv && venv/bin/uv pip install --quiet --require-hashes "
    "--only-binary=:all: --python venv/bin/python -r requirements.lock",
    "make plan": "make -s plan > /dev/null",
}
"""Each first-time step timed by --install, as a shell command in a fresh clone."""


def in_fresh_clone(command: str, ref: str = "HEAD") -> tuple[float, float]:
    """Wall and CPU seconds of `command` in a fresh clone of `ref`, with empty pip and uv caches
    (and no pip cache of the system's Python either)."""
    with tempfile.TemporaryDirectory(prefix="speed-") as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        subprocess.run(["git", "-C", str(clone), "checkout", "--quiet", ref], check=True)
        env = {**os.environ, "PIP_CACHE_DIR": f"{tmp}/pip", "UV_CACHE_DIR": f"{tmp}/uv"}
        env.pop("VIRTUAL_ENV", None)
        return timed(["sh", "-c", command], cwd=clone, env=env)


def alternating(steps: Mapping[str, Callable[[], tuple[float, float]]], runs: int) -> None:
    """Run each step `runs` times, round-robin; print each one's medians."""
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in steps}
    for _ in range(runs):
        for name, step in steps.items():
            results[name].append(step())
    for name, times in results.items():
        wall = statistics.median(w for w, _ in times)
        cpu = statistics.median(c for _, c in times)
        print(f"  {name:<28} wall {wall:5.1f} s   cpu {cpu:5.1f} s   ({len(times)} runs)")


def main() -> int:
    """Time the commands; print a table of medians."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per --help (default 7)")
    parser.add_argument("--pytest", type=int, default=0, metavar="N", help="time `make pytest`")
    parser.add_argument(
        "--serial", action="store_true", help="with --pytest: also one process (-n 0)"
    )
    parser.add_argument(
        "--install", type=int, default=0, metavar="N", help="time first installs and `make plan`"
    )
    parser.add_argument(
        "--first-test", type=int, default=0, metavar="N", help="time a fresh clone's `make test`"
    )
    parser.add_argument(
        "--baseline",
        metavar="REF",
        help="with --install or --first-test: also time the fresh `make` of git revision REF",
    )
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; medians:")
    for command in ("", *COMMANDS) if args.runs else ():
        argv = [str(ONCALL), *([command] if command else []), "--help"]
        wall, cpu = medians(argv, args.runs)
        name = f"oncall {command} --help".replace("  ", " ")
        print(f"  {name:<28} wall {wall:5.2f} s   cpu {cpu:5.2f} s")
    if args.pytest:
        timed(["make", "-s", "pytest"])  # warm: the venv, caches and byte code exist
        steps = {"make pytest (warm)": lambda: timed(["make", "-s", "pytest"])}
        if args.serial:
            serial = [str(ROOT / "venv" / "bin" / "python"), "-m", "pytest", "-q", "-n", "0"]
            steps["pytest -n 0 (warm)"] = lambda: timed(serial)
        alternating(steps, args.pytest)
    if args.install:
        steps = {
            f"fresh: {name}": partial(in_fresh_clone, command) for name, command in FRESH.items()
        }
        if args.baseline:
            plan = FRESH["make plan"]
            steps[f"fresh {args.baseline}: make plan"] = partial(
                in_fresh_clone, plan, args.baseline
            )
        alternating(steps, args.install)
    if args.first_test:
        steps = {"fresh: make test": partial(in_fresh_clone, "make -s test")}
        if args.baseline:
            old = partial(in_fresh_clone, "make -s test", args.baseline)
            steps[f"fresh {args.baseline}: make test"] = old
        alternating(steps, args.first_test)
    return 0


if __name__ == "__main__":
    sys.exit(main())
