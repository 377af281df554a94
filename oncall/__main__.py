"""`oncall` (or `oncall` in the venv): the offline, credential-free command line.

    oncall plan example-live          # the resource tree the stack would manage
    oncall plan example-live --json   # the same as data
    oncall plan --all                 # every stack, in one process, a worker per core
    oncall diff --base origin/main    # what a change does to every stack, as Markdown
    oncall stacks                     # the stacks that have a stack file
    oncall smoke example-live         # after `pulumi up`: page the team once, resolve
    oncall affected --base origin/main --json   # the stacks a change touches (CI)
    oncall check example-live         # schedule gaps, shadowed layers, load
    oncall calendar example-live      # who is on call when (--ics, --svg)

Config errors print one line per problem, with the key path and the bad value, and exit 1; so do
bad arguments (a --project-dir that is not a folder, a --schemas folder without the schemas).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from oncall.errors import ConfigError, printable, safe_text

# The commands' modules and the Pulumi SDK load only once the command is known: `--help` of the
# program or of a command answers without importing what the other commands need.


class _Parser(argparse.ArgumentParser):
    """argparse, exiting 1 like every other bad input (argparse's own status is 2)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(1, f"error: {printable(message, 500)}\n")


def main(argv: list[str] | None = None) -> int:
    """Run the command `argv` names (default: the process's arguments); the exit status.

    Every bad input, from arguments to the stack file, ends here as lines on stderr and 1.
    """
    arguments = sys.argv[1:] if argv is None else argv
    parser = _parser(_command_in(arguments))
    args = parser.parse_args(arguments)
    if args.command == "plan" and bool(args.all) == bool(args.stack):
        parser.error("plan needs a stack name or --all")
    try:
        import pulumi

        from oncall.schemacheck import SchemaError
    except ModuleNotFoundError as e:  # run by a Python without the project's dependencies
        print(
            f"error: the Python at {sys.executable} lacks the package {e.name!r}: run the "
            "project's venv, `venv/bin/oncall …` (`make plan` sets it up), or activate it with "
            "`. venv/bin/activate`",
            file=sys.stderr,
        )
        return 1
    try:
        return _run(args)
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


def _command_in(argv: Sequence[str]) -> str | None:
    """The command `argv` names (its first positional argument), if any."""
    words = iter(argv)
    for word in words:
        if word == "--project-dir":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def _parser(command: str | None = None) -> _Parser:
    """Every command, and the arguments of `command` (the one being run; the others' arguments
    are not needed to parse it, and building them would import their modules)."""
    parser = _Parser(prog="oncall", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--project-dir", type=Path, default=Path.cwd(), help="folder with Pulumi.yaml (default: .)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, (summary, arguments) in _COMMANDS.items():
        sub = commands.add_parser(name, help=summary, description=summary)
        if name == command:
            arguments(sub)
    return parser


def _plan_arguments(plan_cmd: argparse.ArgumentParser) -> None:
    plan_cmd.add_argument(
        "stack", nargs="?", help="stack name, e.g. example-live (stacks/Pulumi.<stack>.yaml)"
    )
    plan_cmd.add_argument("--json", action="store_true", help="print the plan as JSON")
    plan_cmd.add_argument(
        "--details", action="store_true", help="print every input of every resource (a tree)"
    )
    plan_cmd.add_argument("--all", action="store_true", help="plan every stack in one process")
    plan_cmd.add_argument("--jobs", type=int, help="worker processes (default: one per core)")
    plan_cmd.add_argument(
        "--schemas",
        type=Path,
        help="check every resource against the provider schemas in this folder "
        "(default: $PULUMI_SCHEMA_DIR when set)",
    )


def _smoke_arguments(parser: argparse.ArgumentParser) -> None:
    from oncall import smoke

    smoke.add_arguments(parser)


def _affected_arguments(parser: argparse.ArgumentParser) -> None:
    from oncall import affected

    affected.add_arguments(parser)


def _verify_arguments(parser: argparse.ArgumentParser) -> None:
    from oncall import verify

    verify.add_arguments(parser)


def _check_arguments(parser: argparse.ArgumentParser) -> None:
    from oncall import schedule_args

    schedule_args.check_arguments(parser)


def _calendar_arguments(parser: argparse.ArgumentParser) -> None:
    from oncall import schedule_args

    schedule_args.calendar_arguments(parser)


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    """A command without arguments of its own."""


def _new_site_arguments(new_site_cmd: argparse.ArgumentParser) -> None:
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


def _import_arguments(import_cmd: argparse.ArgumentParser) -> None:
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


def _diff_arguments(diff_cmd: argparse.ArgumentParser) -> None:
    diff_cmd.add_argument("--base", required=True, help="git revision to compare with")
    diff_cmd.add_argument("stacks", nargs="*", help="only these stacks (default: every stack)")
    diff_cmd.add_argument("--json", action="store_true", help="print the report as JSON")
    diff_cmd.add_argument("--jobs", type=int, help="worker processes (default: one per core)")
    diff_cmd.add_argument(
        "--from",
        dest="since",
        metavar="DATE",
        help="where the roster review looks from, e.g. 2026-12-07T09:00 (UTC unless it has an "
        "offset; default: the head commit's committer date, never the clock)",
    )
    diff_cmd.add_argument(
        "--weeks", type=int, default=4, help="weeks of the per-person shift diff (default 4)"
    )


_COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], Any]]] = {
    "plan": ("plan one stack offline under the mock engine", _plan_arguments),
    "stacks": ("list the stacks that have a stack file", _no_arguments),
    "verify": (
        "plan every stack, run the policy pack, compare URNs (make stacks)",
        _verify_arguments,
    ),
    "smoke": ("page the team once (go-live check)", _smoke_arguments),
    "affected": ("the stacks a git change touches", _affected_arguments),
    "check": ("check a stack's schedules over the next weeks (exit 1 on errors)", _check_arguments),
    "calendar": ("who is on call when: a table, ICS or SVG", _calendar_arguments),
    "new-site": (
        "write the stack files of Pantheon sites (one per environment)",
        _new_site_arguments,
    ),
    "import": (
        "write a stack file from a PagerDuty account (token: $PAGERDUTY_TOKEN)",
        _import_arguments,
    ),
    "diff": ("what the working tree changes against a git ref", _diff_arguments),
}
"""Each command: its one-line summary and what adds its arguments (importing its module)."""


def _run(args: argparse.Namespace) -> int:
    """Dispatch to the command's own module."""
    if args.command == "smoke":
        from oncall import smoke

        return smoke.run(args)
    if args.command == "affected":
        from oncall import affected

        return affected.run(args)
    if args.command == "stacks":
        from oncall import stackfile

        print("\n".join(stackfile.stack_names(args.project_dir)))
        return 0
    if args.command == "verify":
        from oncall import verify

        return verify.run(args)
    if args.command in ("check", "calendar"):
        from oncall import schedule_cli

        return schedule_cli.run(args)
    if args.command == "new-site":
        from oncall import newsite

        return newsite.main(args)
    if args.command == "import":
        from oncall import importer

        return importer.main(args)
    if args.command == "diff":
        from oncall import diff

        return diff.command(
            args.project_dir, args.base, args.stacks, args.json, args.jobs, args.since, args.weeks
        )
    return _plan(args)


def _plan(args: argparse.Namespace) -> int:
    from oncall import plan as planning
    from oncall.schemacheck import SchemaSet, checked_schema_dir, schema_dir_from_env

    project = str(args.project_dir.resolve())
    if project not in sys.path:  # planned again in one process (oncall.fuzz)
        sys.path.insert(0, project)
    schema_dir: Path | None
    if args.schemas is not None:
        schema_dir = checked_schema_dir(args.schemas, f"--schemas {str(args.schemas)!r}")
    else:
        schema_dir = schema_dir_from_env()
    schemas = SchemaSet.load(schema_dir) if schema_dir else None
    if args.all:
        from oncall import fleet

        return fleet.plan_all_command(
            args.project_dir, [], as_json=args.json, schemas=schemas, jobs=args.jobs
        )
    plan = planning.plan_stack(args.project_dir, args.stack, schemas=schemas)
    if args.json:
        sys.stdout.write(planning.to_json(plan))
    elif args.details:
        sys.stdout.write(planning.to_text(plan))
    else:
        from oncall import preview

        data = planning.to_data(plan)
        sys.stdout.write(preview.preview_of(data, colour=preview.use_colour(sys.stdout)))
    if plan.violations:
        print(f"error: {len(plan.violations)} schema violation(s)", file=sys.stderr)
        return 1
    return 0


def entry() -> NoReturn:
    """The `oncall` command (and `oncall`): run main and exit with its status."""
    code = main()
    # Everything is written: skip the interpreter's teardown of the Pulumi SDK (about 0.2 s).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    entry()
