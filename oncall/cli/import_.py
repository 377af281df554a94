"""`oncall import --out FILE …`: write a stack file from a PagerDuty account (oncall.onboarding).

The name has a trailing underscore because `import` is a Python keyword. The importer loads in
`run`, not at the top: `oncall import --help` imports this module and answers without the config
models.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def arguments(import_cmd: argparse.ArgumentParser) -> None:
    """The `import` subcommand's arguments."""
    import_cmd.add_argument("--out", type=Path, required=True, help="stacks/Pulumi.<name>.yaml")
    import_cmd.add_argument("--service", help="a service (name or id): its escalation policy")
    import_cmd.add_argument("--escalation-policy", help="an escalation policy (name or id)")
    import_cmd.add_argument("--team", help="a PagerDuty team (name or id): its policy and name")
    import_cmd.add_argument(
        "--schedule", action="append", default=[], help="another schedule (name or id)"
    )
    import_cmd.add_argument("--site", help="Pantheon site: write a site stack with the service")
    import_cmd.add_argument(
        "--env",
        help="the site's environment (dev, test, live, a multidev; prod, staging and the like "
        "are refused with a did-you-mean unless --multidev)",
    )
    import_cmd.add_argument(
        "--multidev", action="store_true", help="take another --env as a multidev"
    )
    import_cmd.add_argument("--domain", help="the site's host, e.g. www.example.com")
    import_cmd.add_argument("--team-name", help="the team's name in the stack file")
    import_cmd.add_argument(
        "--environment", action="append", default=[], help="a Pulumi ESC environment to import"
    )
    import_cmd.add_argument("--region", choices=["us", "eu"], default="us", help="service region")
    import_cmd.add_argument("--api-url", help="another REST API base URL (tests, proxies)")
    import_cmd.add_argument("--ca-file", type=Path, help="trust this CA bundle (a TLS proxy's)")
    import_cmd.add_argument("--force", action="store_true", help="overwrite --out")


def run(args: argparse.Namespace) -> int:
    """Read the account, write the stack file; 1 on failure."""
    from oncall.onboarding import importer  # the config models: loaded when the command runs

    return importer.main(args)
