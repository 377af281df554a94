"""`oncall smoke STACK`: page the team once after `pulumi up`, then resolve it
(oncall.golive.smoke).

The sending and the stack's facts load in `run`, not at the top: `oncall smoke --help` imports
this module and answers without the config models.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from oncall.golive.events_api import (
    EU_EVENTS_URL,
    EVENTS_URL,
    KEY_ENV,
    KEY_OUTPUT,
    SEVERITIES,
    URL_ENV,
)


def arguments(parser: argparse.ArgumentParser) -> None:
    """The `smoke` subcommand's arguments."""
    parser.add_argument(
        "stack", help="a site stack, e.g. example-live (stacks/Pulumi.<stack>.yaml)"
    )
    parser.add_argument(
        "--severity",
        choices=SEVERITIES,
        default="info",
        help="the alert's severity (default info; critical pages as a real outage would)",
    )
    resolve = parser.add_mutually_exclusive_group()
    resolve.add_argument(
        "--resolve-after",
        type=_seconds,
        default=60.0,
        metavar="SECONDS",
        help="resolve the incident after this many seconds (default 60; Ctrl-C resolves now)",
    )
    resolve.add_argument(
        "--no-resolve", action="store_true", help="leave the incident open (resolve it by hand)"
    )
    key = parser.add_mutually_exclusive_group()
    key.add_argument(
        "--integration-key-file",
        type=Path,
        metavar="PATH",
        help="read the service's Events API v2 key from this file (- for stdin): it stays off "
        "the command line",
    )
    key.add_argument(
        "--integration-key",
        help=f"the key itself; visible to every user of the machine (ps, shell history), so "
        f"prefer ${KEY_ENV} or --integration-key-file. Default: ${KEY_ENV}, else the stack "
        f"output {KEY_OUTPUT} read with `pulumi stack output --show-secrets`",
    )
    parser.add_argument(
        "--events-url",
        help=f"the Events API v2 endpoint (default ${URL_ENV}, else the region's: "
        f"{EVENTS_URL}, or {EU_EVENTS_URL} when the stack sets pagerduty:serviceRegion: eu)",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print the exact requests (key redacted) and send nothing",
    )


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds (got {text!r})") from None
    if not 0 <= value <= 86400:
        raise argparse.ArgumentTypeError(f"expected 0 to 86400 seconds (got {text!r})")
    return value


def run(args: argparse.Namespace) -> int:
    """Page once, then resolve; the exit status."""
    from oncall.golive import smoke  # the config models: loaded when the command runs (see above)

    return smoke.run(args)
