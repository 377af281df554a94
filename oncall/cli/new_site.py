"""`oncall new-site SITE…`: write the stack files of Pantheon sites (oncall.onboarding.newsite).

The writing loads in `run`, not at the top: `oncall new-site --help` imports this module and
answers without the config models.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def arguments(new_site_cmd: argparse.ArgumentParser) -> None:
    """The `new-site` subcommand's arguments."""
    new_site_cmd.add_argument("sites", nargs="*", help="Pantheon site machine names")
    new_site_cmd.add_argument(
        "--sites-json", type=Path, help="terminus site:list --format=json output (- for stdin)"
    )
    new_site_cmd.add_argument(
        "--env",
        action="append",
        default=[],
        help="environments, e.g. live,test (default: all 3); another name is a multidev, "
        "but prod, staging and the like are refused with a did-you-mean unless --multidev",
    )
    new_site_cmd.add_argument(
        "--multidev", action="store_true", help="write every other --env as a multidev, even prod"
    )
    new_site_cmd.add_argument(
        "--team-stack", required=True, help="the team stack to page, org/pantheon-oncall/team-x"
    )
    new_site_cmd.add_argument(
        "--environment", action="append", default=[], help="a Pulumi ESC environment to import"
    )
    new_site_cmd.add_argument("--newrelic-account-id", help="write newrelic:accountId")
    new_site_cmd.add_argument("--slack-workspace", help="Slack workspace id T…: add Slack")
    new_site_cmd.add_argument(
        "--slack-channel", default="{site}-alerts", help="channel name template ({site}, {env})"
    )
    new_site_cmd.add_argument("--force", action="store_true", help="overwrite existing files")


def run(args: argparse.Namespace) -> int:
    """Write one stack file per site and environment; 1 when one is refused."""
    from oncall.onboarding import newsite  # the config models: loaded when the command runs

    return newsite.main(args)
