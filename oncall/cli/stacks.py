"""`oncall stacks`: the stacks that have a stack file, one a line."""

from __future__ import annotations

import argparse


def arguments(parser: argparse.ArgumentParser) -> None:
    """`stacks` takes no arguments of its own."""


def run(args: argparse.Namespace) -> int:
    """Print the stack names; exit 0."""
    from oncall.config import stackfile  # the config package: loaded when the command runs

    print("\n".join(stackfile.stack_names(args.project_dir)))
    return 0
