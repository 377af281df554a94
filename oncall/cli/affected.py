"""`oncall affected --base REF`: the stacks a git change touches, for CI (oncall.review.affected).

The stack index loads in `run`, not at the top: `oncall affected --help` imports this module and
answers without the config models.
"""

from __future__ import annotations

import argparse


def arguments(parser: argparse.ArgumentParser) -> None:
    """The `affected` subcommand's arguments."""
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--base", help="a git revision: the changes from it (their merge base) to --head"
    )
    which.add_argument("--paths", nargs="+", metavar="PATH", help="the changed paths, given")
    which.add_argument("--all", action="store_true", help="every stack (the nightly drift check)")
    parser.add_argument("--head", default="HEAD", help="the changed revision (default HEAD)")
    parser.add_argument(
        "--json", action="store_true", help="print {stacks, teams, sites, removed} as JSON"
    )


def run(args: argparse.Namespace) -> int:
    """Print the affected stacks, one a line (or as JSON); exit 0."""
    from oncall.review import affected  # the config models: loaded when the command runs

    return affected.run(args)
