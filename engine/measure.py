"""Run one command and append its wall time and peak memory to a JSON-lines file.

    python3 engine/measure.py FIGURES_FILE STEP NAME -- COMMAND...

Writes one line {"step": STEP, "name": NAME, "seconds": s, "cpu_seconds": c, "max_rss_mib": m,
"rc": rc}, and exits with the command's exit code. CPU seconds (user + system of every process
the command waited for) depend much less on other load of a shared machine than wall seconds.
The peak memory is the largest resident set of any process the command waited for
(getrusage(RUSAGE_CHILDREN).ru_maxrss, KiB on Linux): for `go build` that is the largest single
compile or link process, the figure `/usr/bin/time -v` reports as "Maximum resident set size".
The standard library only, so a fresh machine needs nothing more than python3.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time


def main(argv: list[str]) -> int:
    """Run the command in argv, record its figures, and return its exit code."""
    if len(argv) < 5 or argv[3] != "--":
        print("usage: measure.py FIGURES_FILE STEP NAME -- COMMAND...", file=sys.stderr)
        return 2
    figures, step, name, command = argv[0], argv[1], argv[2], argv[4:]
    start = time.monotonic()
    rc = subprocess.call(command)
    seconds = time.monotonic() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    line = {
        "step": step,
        "name": name,
        "seconds": round(seconds, 1),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
        "max_rss_mib": round(usage.ru_maxrss / 1024),
        "rc": rc,
    }
    with open(figures, "a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\n")
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
