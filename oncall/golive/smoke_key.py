"""Where `oncall smoke` gets the service's Events API v2 integration key, and how it is checked.

The key comes from `--integration-key`, `$PAGERDUTY_INTEGRATION_KEY`, `--integration-key-file`
(or stdin), or the stack's `integrationKey` output through `pulumi stack output --show-secrets`.
It is checked for the slips a copy-paste makes and never shown, not even in an error.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Final

from oncall.config.errors import shown
from oncall.golive.events_api import KEY_ENV, KEY_OUTPUT


class SmokeError(Exception):
    """A problem the user can fix (key, endpoint, stack); printed after `error:`, exit 1."""


def checked_key(
    given: str | None, key: str | None, option: str = "--integration-key"
) -> str | None:
    """The key, refused (never shown) when it is empty or has whitespace or control characters
    in it: PagerDuty would refuse the event, or the shell split a copy-paste."""
    if given is not None and not given:
        raise SmokeError(
            f"--integration-key is empty (an unset variable?): pass the key, set ${KEY_ENV}, "
            "or leave the option out to read the stack output"
        )
    if key is not None and not _is_one_word(key):
        source = option if given else f"${KEY_ENV}"
        raise SmokeError(f"{source}: {_KEY_SHAPE}")
    return key


_KEY_SHAPE: Final = (
    "the key has whitespace or control characters in it (a copy-paste slip?); an Events API v2 "
    "integration key is one word of 32 letters and digits"
)


def key_from_file(path: Path) -> str:
    """The key in `path` (- for stdin), without its surrounding whitespace (a trailing newline);
    SmokeError naming the file when it cannot be read. The key itself is never shown."""
    where = "stdin" if str(path) == "-" else shown(str(path))
    try:
        text = sys.stdin.read(4096) if str(path) == "-" else path.read_text(encoding="utf-8")[:4096]
    except (OSError, UnicodeDecodeError) as e:
        said = e.strerror if isinstance(e, OSError) else "not UTF-8 text"
        raise SmokeError(f"--integration-key-file {where}: cannot read it ({said})") from None
    key = text.strip()
    if not key:
        raise SmokeError(f"--integration-key-file {where}: it is empty; expected the key")
    return key


def _is_one_word(key: str) -> bool:
    return key.isprintable() and not any(c.isspace() for c in key)


def key_from_stack_output(project_dir: Path, stack: str) -> str:
    """Run `pulumi stack output --json --show-secrets` for the user and take the key."""
    pulumi = shutil.which("pulumi")
    if pulumi is None:
        raise SmokeError(f"the pulumi CLI is not on PATH: pass --integration-key or set ${KEY_ENV}")
    command = [pulumi, "stack", "output", "--json", "--show-secrets", "--stack", stack]
    try:
        result = subprocess.run(
            command, cwd=project_dir, capture_output=True, text=True, timeout=120, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        raise SmokeError(f"`pulumi stack output` failed: {e}") from None
    if result.returncode != 0:
        said = result.stderr.strip().splitlines()[-1:] or ["no message"]
        raise SmokeError(
            f"`pulumi stack output --stack {stack}` failed (exit {result.returncode}): {said[0]}"
        )
    try:
        outputs: Any = json.loads(result.stdout)
    except ValueError:
        raise SmokeError("`pulumi stack output --json` did not print JSON") from None
    key = outputs.get(KEY_OUTPUT) if isinstance(outputs, dict) else None
    if not isinstance(key, str) or not key:
        raise SmokeError(
            f"stack {stack} has no {KEY_OUTPUT} output: run `pulumi up` first "
            f"(or pass --integration-key)"
        )
    if not _is_one_word(key):
        raise SmokeError(f"the stack output {KEY_OUTPUT}: {_KEY_SHAPE}")
    return key
