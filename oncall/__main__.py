"""`python -m oncall` and the `oncall` command: oncall.cli.run, then exit with its status."""

from __future__ import annotations

import os
import sys
from typing import NoReturn

from oncall.cli import run


def entry() -> NoReturn:
    """The `oncall` command: run the command line and exit with its status."""
    code = run()
    # Everything is written: skip the interpreter's teardown of the Pulumi SDK (about 0.2 s).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    entry()
