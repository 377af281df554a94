"""The `--schemas` option, as `plan` and `verify` both take it; the folder it names is resolved
(with $PULUMI_SCHEMA_DIR as its default) by oncall.offline.schemas.schemas_chosen."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_schemas_option(parser: argparse.ArgumentParser, check: str) -> None:
    """Declare `--schemas FOLDER`; `check` says what the command does with the schemas in it."""
    parser.add_argument(
        "--schemas",
        type=Path,
        help=f"{check} every resource against the provider schemas in this folder "
        "(default: $PULUMI_SCHEMA_DIR when set)",
    )
