"""`oncall fleet-check`: its arguments and the command (oncall.onboarding.fleetcheck checks).

    oncall fleet-check --sites pantheon/sites.json --domains pantheon/domains
    terminus site:list --format=json | oncall fleet-check --sites - --json

One line per finding on standard output (`kind: stack-or-site: problem; fix: …`), a summary on
standard error; exit 1 when there is any finding, 0 when the stacks and the sites agree. A bad
file is one message naming it, and exit 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# The checking modules load only when the command runs: `--help` imports no config or SDK.


def arguments(parser: argparse.ArgumentParser) -> None:
    """fleet-check's arguments."""
    parser.add_argument(
        "--sites",
        type=Path,
        required=True,
        help="terminus site:list --format=json output (- for stdin)",
    )
    parser.add_argument(
        "--domains",
        type=Path,
        help="folder of terminus domain:list <site>.<env> --format=json outputs, one file "
        "per site environment named <site>.<env>.json (e.g. shop.live.json)",
    )
    parser.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="SITE",
        help="leave this Pantheon site out of every check (repeat it for more)",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")


def run(args: argparse.Namespace) -> int:
    """`oncall fleet-check` (arguments as `arguments` defines them); 1 on any finding."""
    from oncall.config.stackindex import index_of
    from oncall.onboarding import fleetcheck
    from oncall.onboarding.terminus import read_sites

    index = index_of(args.project_dir)
    sites = read_sites(args.sites)
    report = fleetcheck.run(index, sites, args.domains, args.ignore)
    if args.json:
        sys.stdout.write(report.to_json())
    else:
        sys.stdout.writelines(f"{finding.line()}\n" for finding in report.findings)
        for note in report.notes:
            print(f"note: {note}", file=sys.stderr)
    print(report.summary(), file=sys.stderr)
    return 1 if report.findings else 0
