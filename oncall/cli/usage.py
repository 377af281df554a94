"""The command line's parser, and the error a command raises for arguments that do not go
together (the parser prints it after the usage line and exits 1, as for any bad argument)."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn


class UsageError(Exception):
    """Arguments each valid alone that a command cannot take together."""


class Parser(argparse.ArgumentParser):
    """argparse, exiting 1 like every other bad input (argparse's own status is 2)."""

    def error(self, message: str) -> NoReturn:
        """Print the usage and the message (escaped, shortened) on stderr; exit 1."""
        # The config package (and with it pydantic) loads only on this error path, not for
        # every `--help`.
        from oncall.config.errors import printable

        self.print_usage(sys.stderr)
        self.exit(1, f"error: {printable(message, 500)}\n")
