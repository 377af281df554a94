"""`oncall`: the offline, credential-free command line. `run` is its one entry.

    oncall plan example-live          # the resource tree the stack would manage
    oncall plan example-live --json   # the same as data
    oncall plan --all                 # every stack, in one process, a worker per core
    oncall diff --base origin/main    # what a change does to every stack, as Markdown
    oncall stacks                     # the stacks that have a stack file
    oncall smoke example-live         # after `pulumi up`: page the team once, resolve
    oncall affected --base origin/main --json   # the stacks a change touches (CI)
    oncall check example-live         # schedule gaps, shadowed layers, load
    oncall calendar example-live      # who is on call when (--ics, --svg)
    oncall fleet-check --sites sites.json --domains domains/   # stacks against Pantheon's sites
    oncall quicksilver example-live   # the hook marking the site's deploys (New Relic, PagerDuty)
    oncall override add team-x --who lee --from … --to …   # a vacation or swap, live

Each command is a module of this package: its `arguments(parser)` and its `run(args)`. Config
errors print one line per problem, with the key path and the bad value, and exit 1; so do bad
arguments (a --project-dir that is not a folder, a --schemas folder without the schemas).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from oncall.cli.usage import Parser, UsageError

COMMANDS: dict[str, tuple[str, str]] = {
    "plan": ("plan", "plan one stack offline under the mock engine"),
    "stacks": ("stacks", "list the stacks that have a stack file"),
    "verify": ("verify", "plan every stack, run the policy pack, compare URNs (make stacks)"),
    "smoke": ("smoke", "page the team once (go-live check)"),
    "affected": ("affected", "the stacks a git change touches"),
    "check": ("check", "check a stack's schedules over the next weeks (exit 1 on errors)"),
    "calendar": ("calendar", "who is on call when: a table, ICS or SVG"),
    "new-site": ("new_site", "write the stack files of Pantheon sites (one per environment)"),
    "import": ("import_", "write a stack file from a PagerDuty account (token: $PAGERDUTY_TOKEN)"),
    "diff": ("diff", "what the working tree changes against a git ref"),
    "fleet-check": (
        "fleetcheck",
        "compare stacks/ with terminus site:list and domain:list (exit 1 on findings)",
    ),
    "quicksilver": (
        "quicksilver",
        "write the Quicksilver hook marking a site's deploys in New Relic and PagerDuty",
    ),
    "override": (
        "override",
        "add, list or delete a schedule override in PagerDuty (vacations, swaps)",
    ),
}
"""Each command: its module in this package and its one-line summary."""


def run(argv: list[str] | None = None) -> int:
    """Run the command `argv` names (default: the process's arguments); the exit status.

    Every bad input, from arguments to the stack file, ends here as lines on stderr and 1.
    """
    arguments = sys.argv[1:] if argv is None else argv
    command = _command_in(arguments)
    module = _module(command) if command in COMMANDS else None
    parser = _parser(command, module)
    args = parser.parse_args(arguments)
    if module is None:  # unreachable: argparse refuses a command it does not know
        parser.error(f"unknown command {args.command!r}")
    try:
        # The SDK and the config models load only once a command runs: `--help` of the program
        # or of a command answers without them.
        import pulumi

        from oncall.config.errors import ConfigError, safe_text
        from oncall.offline.schemas import SchemaError
    except ModuleNotFoundError as e:  # run by a Python without the project's dependencies
        print(
            f"error: the Python at {sys.executable} lacks the package {e.name!r}: run the "
            "project's venv, `venv/bin/oncall …` (`make plan` sets it up), or activate it with "
            "`. venv/bin/activate`",
            file=sys.stderr,
        )
        return 1
    try:
        status: int = module.run(args)
    except UsageError as e:
        parser.error(str(e))
    except ConfigError as e:
        print(f"error: {len(e.problems)} problem(s) in the configuration:", file=sys.stderr)
        for problem in e.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except (ValueError, SchemaError, pulumi.RunError) as e:
        # A component's own argument check (the config layer checks first, with key paths), or
        # a schema folder that is not one.
        print(f"error: {safe_text(str(e))}", file=sys.stderr)
        return 1
    return status


def _module(command: str) -> ModuleType:
    """The command's module. Imported by name, and only the one being run: each is light, but
    importing all of them for every start would add up."""
    return importlib.import_module(f"{__name__}.{COMMANDS[command][0]}")


def _command_in(argv: Sequence[str]) -> str | None:
    """The command `argv` names (its first positional argument), if any."""
    words = iter(argv)
    for word in words:
        if word == "--project-dir":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def _parser(command: str | None, module: ModuleType | None) -> Parser:
    """Every command, and the arguments of `command` (the one being run: the others' arguments
    are not needed to parse it)."""
    parser = Parser(prog="oncall", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--project-dir", type=Path, default=Path.cwd(), help="folder with Pulumi.yaml (default: .)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, (_, summary) in COMMANDS.items():
        sub = commands.add_parser(name, help=summary, description=summary)
        if name == command and module is not None:
            module.arguments(sub)
    return parser
