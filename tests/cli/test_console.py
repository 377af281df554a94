"""The `oncall` command: installed into the venv, `--help` without the heavy imports, and one
line of advice when it is run by a Python without the project's dependencies."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from oncall.cli import COMMANDS
from tests.support import PROJECT_ROOT


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    """`argv` run from the project folder, its output captured."""
    return subprocess.run(argv, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)


HEAVY = ("pulumi", "pydantic", "pulumi_pagerduty", "pulumi_newrelic", "email_validator")


def test_the_venv_has_the_oncall_command_and_it_runs_the_cli() -> None:
    script = Path(sys.executable).parent / "oncall"

    result = run(str(script), "--help")

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: oncall ")
    for command in COMMANDS:
        assert command in result.stdout


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_imports_none_of_the_heavy_packages(command: str) -> None:
    argv = [command, "--help"] if command else ["--help"]
    probe = (
        "import sys\n"
        "from oncall import cli\n"
        "try:\n"
        f"    cli.run({argv!r})\n"
        "except SystemExit as e:\n"
        "    assert e.code == 0, e.code\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )

    result = run(sys.executable, "-c", probe)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"


def test_a_python_without_the_dependencies_gets_one_line_saying_to_use_the_venv() -> None:
    # -S: no site-packages, like a system Python the project was never installed into.
    result = run(sys.executable, "-S", "-m", "oncall", "plan", "x")

    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert "lacks the package 'pulumi'" in line
    assert "`venv/bin/oncall …`" in line
    assert "Traceback" not in result.stderr
