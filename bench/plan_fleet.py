"""Benchmark: how `python -m oncall plan --all` (and `diff`) scale with the number of stacks.

    venv/bin/python bench/plan_fleet.py 30
    venv/bin/python bench/plan_fleet.py 300 --runs 3

It writes N synthetic stacks into a temporary project: one team stack, and sites in {dev, test,
live} that page it through `teamStack`. Then it times, each as a fresh process like a user or CI
runs it, and prints medians:
- the floor: a bare `import pulumi, pulumi_pagerduty, pulumi_newrelic, pulumi_slack`;
- `plan` of one live site stack, and its ratio to the floor;
- `plan --all` of the N stacks: seconds, stacks per second, and the ratio to the floor;
- the per-stack median inside one process (planned one after another);
- `diff --base HEAD` after a change to every stack's config (both sides planned), unless
  --no-diff.

Timings on a shared machine are noisy: compare the ratios, which are measured in the same run,
and the CPU seconds (user + system, the process and its workers), which other load on the
machine disturbs much less than wall time. Nothing here asserts a target; the issue's targets
are listed at the end for reading.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
FLOOR = "import pulumi, pulumi_pagerduty, pulumi_newrelic, pulumi_slack"

TEAM = """\
config:
  pantheon-oncall:team:
    name: Agency On-Call
    timeZone: America/Chicago
    createPagerdutyTeam: true
    members:
      priya: {name: Priya N, email: priya@agency.example, role: manager, phone: "+1 312 555 0142",
              sms: "+1 312 555 0142"}
      marco: {name: Marco B, email: marco@agency.example, role: responder, phone: "+1 312 555 0177",
              sms: "+1 312 555 0177"}
      lee: {name: Lee O, email: lee@agency.example, role: responder, phone: "+1 312 555 0178",
            sms: "+1 312 555 0178"}
    schedules:
      primary:
        name: Agency primary
        layers:
          - {name: Backstop, members: [priya], start: "2026-11-02T00:00:00"}
          - {name: Weekly, members: [marco, lee], rotation: weekly, start: "2026-12-07T09:00:00"}
    escalation:
      name: Agency escalation
      rules:
        - {targets: [schedule:primary], escalateAfterMinutes: 15}
        - {targets: [user:priya], escalateAfterMinutes: 20}
"""

SITE = """\
config:
  newrelic:accountId: "1234567"
  pantheon-oncall:site:
    name: {site}
    env: {env}
  pantheon-oncall:teamStack: organization/pantheon-oncall/team-agency
  pantheon-oncall:slack:
    workspaceId: T0123ABCD
    channel: {site}-{env}-alerts
"""


def write_project(folder: Path, count: int) -> list[str]:
    """`count` stacks: the team stack, then site-000-dev, site-000-test, site-000-live, …"""
    (folder / "Pulumi.yaml").write_text((ROOT / "Pulumi.yaml").read_text())
    (folder / "__main__.py").write_text((ROOT / "__main__.py").read_text())
    stacks = folder / "stacks"
    stacks.mkdir()
    (stacks / "Pulumi.team-agency.yaml").write_text(TEAM)
    names = ["team-agency"]
    for index in range(count - 1):
        site, env = f"site{index // 3:03d}", ("dev", "test", "live")[index % 3]
        (stacks / f"Pulumi.{site}-{env}.yaml").write_text(SITE.format(site=site, env=env))
        names.append(f"{site}-{env}")
    return names


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


CPU: dict[str, float] = {}
"""Median CPU seconds of the last `timed` command, by its label."""


def timed(args: list[str], runs: int, cwd: Path = ROOT, label: str = "") -> float:
    """Median wall time of `runs` runs of a command (which must succeed); its median CPU time
    goes to CPU[label]."""
    times, cpu = [], []
    for _ in range(runs):
        cpu_start = _children_cpu()
        start = time.perf_counter()
        result = subprocess.run(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if result.returncode != 0:
            sys.exit(f"{' '.join(args[-3:])} failed:\n{result.stderr.decode()[-2000:]}")
        times.append(time.perf_counter() - start)
        cpu.append(_children_cpu() - cpu_start)
    CPU[label] = statistics.median(cpu)
    return statistics.median(times)


PER_STACK = """
import statistics, sys, time
from pathlib import Path
from oncall.offline import fleet
project, names = Path(sys.argv[1]), sys.argv[2:]
fleet.plan_one(project, names[0])  # warm up: imports
times, cpu = [], []
for name in names:
    start, cpu_start = time.perf_counter(), time.process_time()
    assert fleet.plan_one(project, name).ok, name
    times.append(time.perf_counter() - start)
    cpu.append(time.process_time() - cpu_start)
print(statistics.median(times), statistics.median(cpu))
"""


def per_stack_median(project: Path, names: list[str]) -> tuple[float, float]:
    """Median wall and CPU seconds of one stack's plan, stacks planned one after another."""
    result = subprocess.run(
        [PYTHON, "-c", PER_STACK, str(project), *names],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    wall, cpu = result.stdout.split()
    return float(wall), float(cpu)


def git(folder: Path, *args: str) -> None:
    """Run git in `folder` as a throwaway identity, quietly; fails on an error."""
    subprocess.run(
        ["git", "-C", str(folder), "-c", "user.name=b", "-c", "user.email=b@example.com", *args],
        check=True,
        capture_output=True,
    )


def main() -> int:
    """Build the N-stack fleet in a temporary git repository, time plan --all and diff, print
    medians."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("stacks", type=int, nargs="?", default=30, help="how many stacks (N)")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--no-diff", action="store_true", help="skip timing `oncall diff`")
    args = parser.parse_args()
    if args.stacks < 2:
        parser.error("at least 2 stacks: a team stack and a site")

    load = os.getloadavg()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"machine: {cores} cores, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    with tempfile.TemporaryDirectory(prefix="plan-fleet-") as tmp:
        project = Path(tmp)
        names = write_project(project, args.stacks)
        oncall = [PYTHON, "-m", "oncall", "--project-dir", str(project)]

        floor = timed([PYTHON, "-c", FLOOR], args.runs * 2, label="floor")
        print(
            f"floor (bare import of the 4 Pulumi packages): {floor:.3f} s, {CPU['floor']:.3f} s CPU"
        )
        one = timed([*oncall, "plan", names[min(3, len(names) - 1)]], args.runs * 2, label="one")
        print(
            f"plan of one stack: {one:.3f} s = {one / floor:.2f}x the floor "
            f"(CPU {CPU['one'] / CPU['floor']:.2f}x)"
        )

        total = timed([*oncall, "plan", "--all"], args.runs, label="all")
        rate = args.stacks / total
        print(
            f"plan --all of {args.stacks} stacks: {total:.2f} s, {rate:.1f} stacks/s, "
            f"{total / floor:.1f}x the floor; {CPU['all']:.2f} s CPU "
            f"({(CPU['all'] - CPU['floor']) / args.stacks * 1000:.1f} ms CPU per stack beyond "
            "the floor)"
        )
        sample = names[: min(len(names), 60)]
        median, median_cpu = per_stack_median(project, sample)
        print(
            f"per-stack median, one process, sequential ({len(sample)} stacks): "
            f"{median * 1000:.1f} ms, {median_cpu * 1000:.1f} ms CPU"
        )

        if not args.no_diff:
            git(project, "init", "-q")
            git(project, "add", "-A")
            git(project, "commit", "-qm", "base")
            # A change to the config of every stack (the team's schedule name, each site's Slack
            # channel): a comment alone would not count, `diff` plans such a stack once.
            for path in (project / "stacks").glob("Pulumi.*.yaml"):
                text = path.read_text().replace("Agency primary", "Agency main")
                path.write_text(text.replace("-alerts\n", "-pages\n") + "# changed\n")
            took = timed([*oncall, "diff", "--base", "HEAD"], args.runs, label="diff")
            print(
                f"diff --base HEAD of {args.stacks} stacks, every stack's config changed: "
                f"{took:.2f} s, {CPU['diff']:.2f} s CPU"
            )
    print(
        "targets: one stack <= 1.5x the floor; 300 stacks < 10 s on 2 cores; "
        "300-stack time <= 11x the 30-stack time; diff of 300 < 25 s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
