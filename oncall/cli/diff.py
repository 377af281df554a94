"""`oncall diff --base REF`: what the working tree changes in every stack's plan, as Markdown.

Planning loads in `run`, not at the top: `oncall diff --help` imports this module and answers
without the Pulumi SDK.
"""

from __future__ import annotations

import argparse


def arguments(diff_cmd: argparse.ArgumentParser) -> None:
    """The `diff` subcommand's arguments."""
    diff_cmd.add_argument("--base", required=True, help="git revision to compare with")
    diff_cmd.add_argument("stacks", nargs="*", help="only these stacks (default: every stack)")
    diff_cmd.add_argument("--json", action="store_true", help="print the report as JSON")
    diff_cmd.add_argument("--jobs", type=int, help="worker processes (default: one per core)")
    diff_cmd.add_argument(
        "--from",
        dest="since",
        metavar="DATE",
        help="where the roster review looks from, e.g. 2026-12-07T09:00 (UTC unless it has an "
        "offset; default: the head commit's committer date, never the clock)",
    )
    diff_cmd.add_argument(
        "--weeks", type=int, default=4, help="weeks of the per-person shift diff (default 4)"
    )


def run(args: argparse.Namespace) -> int:
    """Plan both sides, print the report (oncall.review.diff); 1 when a stack fails to plan."""
    from oncall.review import diff  # the SDK and the config models: loaded when it runs

    return diff.command(
        args.project_dir, args.base, args.stacks, args.json, args.jobs, args.since, args.weeks
    )
