"""`oncall verify` (`make stacks`): every stack plans, passes the policy pack, keeps its URNs.

The planning loads in `run`, not at the top: `oncall verify --help` imports this module and
answers without the Pulumi SDK.
"""

from __future__ import annotations

import argparse

from oncall.cli.schemas_option import add_schemas_option


def arguments(parser: argparse.ArgumentParser) -> None:
    """`verify`'s arguments."""
    parser.add_argument(
        "--accept",
        action="store_true",
        help="record the current URNs even where some were lost (those resources are replaced)",
    )
    add_schemas_option(parser, "also check")


def run(args: argparse.Namespace) -> int:
    """Check every stack (oncall.review.verify); exit 1 when any failed."""
    from oncall.review import verify  # the SDK and the config models: loaded when it runs

    return verify.run(args)
