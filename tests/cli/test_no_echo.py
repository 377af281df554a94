"""What the CLI echoes of a stack file never includes a credential: values under unknown
`pantheon-oncall:*` keys are not shown at all, and the credential shapes CI holds (Pulumi and
GitHub tokens, PagerDuty routing keys, 40-hex keys) are hidden wherever a value is shown. Those
messages reach CI logs and the pull request's diff comment."""

from __future__ import annotations

from pathlib import Path

import pytest

from oncall.config import secrets
from oncall.config.errors import shown
from tests import support

ROOT = Path(__file__).resolve().parents[2]
CREDENTIALS = [
    "R0ABCDEFGHIJ0123456789ABCDEFGHIJ",  # a PagerDuty Events API v2 routing key
    "0123456789abcdef0123456789abcdef01234567",  # 40 hex: a New Relic license key
    "pul-0123456789abcdef0123456789abcdef01234567",  # a Pulumi access token
    "ghp_A1b2C3d4E5A1b2C3d4E5A1b2C3d4E5A1b2C3",  # a GitHub token
    "ghs_A1b2C3d4E5A1b2C3d4E5A1b2C3d4E5A1b2C3",  # the workflow's own GITHUB_TOKEN
]


@pytest.mark.parametrize("value", CREDENTIALS)
def test_the_credential_shapes_ci_holds_are_never_shown(value: str) -> None:
    assert secrets.looks_like_token(value)
    assert shown(value) == secrets.HIDDEN
    assert value not in secrets.redact(f"got {value} here")


@pytest.mark.parametrize("value", ["Example Web Team", "www.example.com", "PABC123", "1234567"])
def test_ordinary_values_still_show(value: str) -> None:
    assert shown(value) == repr(value)


def plan_with(tmp_path: Path, old: str, new: str) -> str:
    """Plan guide-live with `old` replaced by `new` in its stack file: the output (exit 1)."""
    support.copy_project(tmp_path)
    stack = tmp_path / "stacks" / "Pulumi.guide-live.yaml"
    text = stack.read_text()
    assert old in text
    stack.write_text(text.replace(old, new, 1))
    result = support.run_cli("plan", "guide-live", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    return result.stdout + result.stderr


SECTION = "  pantheon-oncall:pagerduty:\n"


def test_values_of_unknown_keys_are_not_echoed(tmp_path: Path) -> None:
    extra = "".join(f"  pantheon-oncall:k{i}: {v}\n" for i, v in enumerate(CREDENTIALS))
    output = plan_with(
        tmp_path,
        SECTION,
        "  pantheon-oncall:notes: hunter2 is the vault password\n" + extra + SECTION,
    )

    assert "pantheon-oncall:notes: unknown key; expected one of" in output
    assert "hunter2" not in output
    for value in CREDENTIALS:
        assert value[:12] not in output


def test_values_of_unknown_keys_inside_a_section_are_not_echoed(tmp_path: Path) -> None:
    output = plan_with(
        tmp_path, SECTION, SECTION + "    serviceNotes: hunter2 is the vault password\n"
    )

    assert "pagerduty.serviceNotes: unknown key" in output
    assert "hunter2" not in output
