"""`oncall plan STACK` (or `--all`): the resource tree a stack would manage, offline.

Planning loads in `run`, not at the top: `oncall plan --help` imports this module and answers
without the Pulumi SDK.
"""

from __future__ import annotations

import argparse
import sys

from oncall.cli.schemas_option import add_schemas_option
from oncall.cli.usage import UsageError


def arguments(plan_cmd: argparse.ArgumentParser) -> None:
    """The `plan` subcommand's arguments."""
    plan_cmd.add_argument(
        "stack", nargs="?", help="stack name, e.g. example-live (stacks/Pulumi.<stack>.yaml)"
    )
    plan_cmd.add_argument("--json", action="store_true", help="print the plan as JSON")
    plan_cmd.add_argument(
        "--details", action="store_true", help="print every input of every resource (a tree)"
    )
    plan_cmd.add_argument("--all", action="store_true", help="plan every stack in one process")
    plan_cmd.add_argument("--jobs", type=int, help="worker processes (default: one per core)")
    add_schemas_option(plan_cmd, "check")


def run(args: argparse.Namespace) -> int:
    """Plan one stack (or every stack); 1 on a schema violation."""
    if bool(args.all) == bool(args.stack):
        raise UsageError("plan needs a stack name or --all")
    # The SDK and the config models: loaded when the command runs (see above).
    from oncall.offline import fleet, preview
    from oncall.offline import plan as planning
    from oncall.offline.schemas import schemas_chosen

    project = str(args.project_dir.resolve())
    if project not in sys.path:  # planned again in one process (tools.fuzz)
        sys.path.insert(0, project)
    schemas = schemas_chosen(args.schemas)
    if args.all:
        return fleet.plan_all_command(
            args.project_dir, [], as_json=args.json, schemas=schemas, jobs=args.jobs
        )
    plan = planning.plan_stack(args.project_dir, args.stack, schemas=schemas)
    if args.json:
        sys.stdout.write(planning.to_json(plan))
    elif args.details:
        sys.stdout.write(planning.to_text(plan))
    else:
        data = planning.to_data(plan)
        sys.stdout.write(preview.preview_of(data, colour=preview.use_colour(sys.stdout)))
    if plan.violations:
        print(f"error: {len(plan.violations)} schema violation(s)", file=sys.stderr)
        return 1
    return 0
