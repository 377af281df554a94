"""What counts as a credential, so that none is accepted in plain text or ever printed.

Two signs, either enough: the key it sits under (`token`, `apiKey`, `userToken`, … in any
namespace, any case, at any depth), or the value itself looking like a PagerDuty, New Relic,
Slack, Pulumi or GitHub token or key. The stack-file loader refuses such a plain-text value, and
every problem message (oncall.config.errors) hides it, so a misspelled or misplaced credential is
never echoed back.

The shapes are the policy pack's (`SHAPES_FILE`): a value the program hides is one the pack's
plain-text guardrail refuses in a resource input, and the other way round.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Final

HIDDEN: Final = "[hidden]"
"""What is printed instead of a value that may be a credential."""

# Key names (lower-cased, letters only) whose value is a credential: the providers' settings
# (`token`, `userToken`, `apiKey`, `adminApiKey`, `insightsInsertKey`) and the usual words.
_CREDENTIAL_KEY_ENDINGS: Final = (
    "token",
    "apikey",
    "insertkey",
    "licensekey",
    "integrationkey",
    "routingkey",
    "secret",
    "password",
)

SHAPES_FILE: Final = Path(__file__).resolve().parents[2] / "policy" / "credential_shapes.toml"
"""The credential shapes, each a name and its patterns: the policy pack's own list (its folder is
self-contained, as Pulumi runs it in its own virtualenv), read here rather than written again."""

_SHAPES: Final[dict[str, list[str]]] = tomllib.loads(SHAPES_FILE.read_text())["shapes"]
_TOKEN: Final = re.compile("|".join(f"(?:{p})" for ps in _SHAPES.values() for p in ps))


def is_credential_key(key: object) -> bool:
    """Whether a config key (`token`, `pagerduty:userToken`, `PagerDuty:apiKey`…) holds a
    credential: its last `:`-part, letters only and lower-cased, ends in a credential word."""
    if not isinstance(key, str):
        return False
    name = re.sub(r"[^a-z]", "", key.rsplit(":", 1)[-1].lower())
    return name.endswith(_CREDENTIAL_KEY_ENDINGS)


def looks_like_token(text: object) -> bool:
    """Whether a string contains something shaped like a credential (`SHAPES_FILE`)."""
    return isinstance(text, str) and _TOKEN.search(text) is not None


def is_secure(value: object) -> bool:
    """Whether `value` is an encrypted stack-file value, `{secure: v1:…}`."""
    return isinstance(value, Mapping) and set(value) == {"secure"}


def is_plain_credential(value: object) -> bool:
    """Whether a value under a credential key is a credential in plain text (a flag such as
    `useAppOauthScopedToken: true`, an empty value or an encrypted one is not)."""
    if isinstance(value, bool) or value is None or value == "" or is_secure(value):
        return False
    return isinstance(value, str | int | float | Mapping | list)


def redact(text: str) -> str:
    """`text` with anything shaped like a token replaced by `[hidden]`."""
    return _TOKEN.sub(HIDDEN, text)
