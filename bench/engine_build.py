"""Benchmark figures of the engine build: wall time and peak memory of each download and build.

    python3 bench/engine_build.py            # the figures of the current engine build
    python3 bench/engine_build.py DIR        # those in DIR/figures.jsonl (a build's folder)

`engine/build.sh` measures every step it runs (engine/measure.py) and appends one JSON line per
step to figures.jsonl beside bin/. The first build into an empty Go build cache is the cold one;
the download step of a group loads the packages of its binary, which fetches the module zips it
links (a warm module cache makes it quick, so its figure is the download time only on a machine
whose module cache was empty). Peak memory is the largest single process of the step (a compile
or the link). This prints the steps in the order they ran, then the totals, and the CI budget.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CI_BUDGET_SECONDS = 60 * 60  # the engine must build cold within CI's hour, downloads included


def engine_dir(argv: list[str]) -> Path:
    """The folder of the build to report: the one given, else the current key's."""
    if argv:
        return Path(argv[0])
    run = subprocess.run(
        [str(ROOT / "engine" / "build.sh"), "--path"], capture_output=True, text=True, check=False
    )
    if run.returncode != 0:
        print(run.stderr.strip() or "engine/build.sh --path failed", file=sys.stderr)
        sys.exit(1)
    return Path(run.stdout.strip()).parent


def main(argv: list[str]) -> int:
    """Print the figures of one engine build."""
    folder = engine_dir(argv)
    path = folder / "figures.jsonl"
    if not path.is_file():
        print(f"engine_build: no figures in {path}", file=sys.stderr)
        return 1
    steps = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    print(f"{'step':<9} {'name':<22} {'seconds':>8} {'CPU s':>7} {'peak MiB':>9}  rc")
    for s in steps:
        print(
            f"{s['step']:<9} {s['name']:<22} {s['seconds']:>8.1f} {s.get('cpu_seconds', '-'):>7}"
            f" {s['max_rss_mib']:>9}  {s['rc']}"
        )
    total = sum(s["seconds"] for s in steps)
    downloads = sum(s["seconds"] for s in steps if s["step"] == "download")
    peak = max((s["max_rss_mib"] for s in steps), default=0)
    print(f"total {total:.0f} s (downloads {downloads:.0f} s, builds {total - downloads:.0f} s),")
    share = total / CI_BUDGET_SECONDS
    print(f"peak {peak} MiB; CI budget {CI_BUDGET_SECONDS} s: {share:.0%} of it")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
