"""`oncall quicksilver STACK [--out DIR]`: the arguments and the run (oncall.golive.quicksilver)."""

from __future__ import annotations

import argparse
from pathlib import Path


def arguments(parser: argparse.ArgumentParser) -> None:
    """The `quicksilver` command's arguments."""
    parser.add_argument("stack", help="a site stack, e.g. example-live: its site gets the hook")
    parser.add_argument(
        "--out",
        type=Path,
        help="folder to write into (default: quicksilver/<site>); never the site's pantheon.yml",
    )
    parser.add_argument("--force", action="store_true", help="replace files there that differ")


def run(args: argparse.Namespace) -> int:
    """Write the hook's files; print the snippet and the commands to run by hand."""
    from oncall.golive import quicksilver

    hook = quicksilver.load_hook(args.project_dir, args.stack)
    out = args.out if args.out is not None else Path("quicksilver") / hook.site
    written = quicksilver.write(hook, out, force=args.force)
    envs = ", ".join(f"{e.env} ({e.stack})" for e in hook.environments)
    print(f"Quicksilver hook of {hook.site} for {envs}; wrote:")
    for path in written:
        print(f"  {path}")
    print(f"\n1. Copy {quicksilver.SCRIPT_PATH} into the site's repository (web/ first on a")
    print("   nested docroot), and merge this into its pantheon.yml:\n")
    print(quicksilver.workflows_snippet(hook))
    print("2. Set the keys (printed, not run; the values are read when it runs):\n")
    print(quicksilver.secret_commands(hook))
    return 0
