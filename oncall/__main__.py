"""`python -m oncall`: the offline, credential-free command line.

    python -m oncall plan example-live          # the resource tree the stack would manage
    python -m oncall plan example-live --json   # the same as data
    python -m oncall plan --all                 # every stack, in one process, a worker per core
    python -m oncall diff --base origin/main    # what a change does to every stack, as Markdown
    python -m oncall stacks                     # the stacks that have a stack file

Config errors print one line per problem, with the key path and the bad value, and exit 1.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from oncall import plan as planning
from oncall import stackfile
from oncall.errors import ConfigError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m oncall", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--project-dir", type=Path, default=Path.cwd(), help="folder with Pulumi.yaml (default: .)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    plan_cmd = commands.add_parser("plan", help="plan one stack offline under the mock engine")
    plan_cmd.add_argument(
        "stack", nargs="?", help="stack name, e.g. example-live (stacks/Pulumi.<stack>.yaml)"
    )
    plan_cmd.add_argument("--json", action="store_true", help="print the plan as JSON")
    plan_cmd.add_argument("--all", action="store_true", help="plan every stack in one process")
    plan_cmd.add_argument("--jobs", type=int, help="worker processes (default: one per core)")
    plan_cmd.add_argument(
        "--schemas",
        type=Path,
        help="check every resource against the provider schemas in this folder "
        "(default: $PULUMI_SCHEMA_DIR when set)",
    )
    commands.add_parser("stacks", help="list the stacks that have a stack file")
    diff_cmd = commands.add_parser("diff", help="what the working tree changes against a git ref")
    diff_cmd.add_argument("--base", required=True, help="git revision to compare with")
    diff_cmd.add_argument("stacks", nargs="*", help="only these stacks (default: every stack)")
    diff_cmd.add_argument("--json", action="store_true", help="print the report as JSON")
    diff_cmd.add_argument("--jobs", type=int, help="worker processes (default: one per core)")
    args = parser.parse_args(argv)
    if args.command == "plan" and bool(args.all) == bool(args.stack):
        parser.error("plan needs a stack name or --all")

    try:
        if args.command == "stacks":
            print("\n".join(stackfile.stack_names(args.project_dir)))
            return 0
        if args.command == "diff":
            from oncall import diff

            return diff.command(args.project_dir, args.base, args.stacks, args.json, args.jobs)
        return _plan(args)
    except ConfigError as e:
        print(f"error: {len(e.problems)} problem(s) in the configuration:", file=sys.stderr)
        for problem in e.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except ValueError as e:
        # A component's own argument check (the config layer checks first, with key paths).
        print(f"error: {e}", file=sys.stderr)
        return 1


def _plan(args: argparse.Namespace) -> int:
    from oncall.schemacheck import SchemaSet, schema_dir_from_env

    sys.path.insert(0, str(args.project_dir.resolve()))
    schema_dir = args.schemas or schema_dir_from_env()
    schemas = SchemaSet.load(schema_dir) if schema_dir else None
    if args.all:
        from oncall import fleet

        return fleet.plan_all_command(
            args.project_dir, [], as_json=args.json, schemas=schemas, jobs=args.jobs
        )
    plan = planning.plan_stack(args.project_dir, args.stack, schemas=schemas)
    sys.stdout.write(planning.to_json(plan) if args.json else planning.to_text(plan))
    if plan.violations:
        print(f"error: {len(plan.violations)} schema violation(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    code = main()
    # Everything is written: skip the interpreter's teardown of the Pulumi SDK (about 0.2 s).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
