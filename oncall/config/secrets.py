"""What counts as a credential, so that none is accepted in plain text or ever printed.

Two signs, either enough: the key it sits under (`token`, `apiKey`, `userToken`, … in any
namespace, any case, at any depth), or the value itself looking like a PagerDuty, New Relic or
Slack token. The stack-file loader refuses such a plain-text value, and every problem message
(oncall.config.errors) hides it, so a misspelled or misplaced credential is never echoed back.

Token shapes, from the secret scanners' rules (gitleaks/gitleaks
cmd/generate/config/rules/newrelic.go, slack.go, pulumi.go, github.go): New Relic keys start
with `NRAK-` (user), `NRAA-` (admin), `NRII-` (insert), `NRJS-` (browser); a license key ends
in `NRAL`. Slack tokens start with `xox?-` or `xoxe.`, app tokens with `xapp-`. PagerDuty REST
API keys have no prefix:
20 characters of letters, digits, `_`, `-`, `+` (user keys start with `u+`); integration keys are
32 hexadecimal digits, routing keys `R0` and 30 more; 40 hexadecimal digits are a New Relic
license or REST key; Pulumi access tokens start with `pul-`, GitHub's with `ghp_`, `ghs_`…
No value this project's config needs has any of these shapes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
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

_TOKEN_PATTERNS: Final = (
    # New Relic: NRAK- (user), NRAA- (admin), NRII- (insert), NRJS- (browser); license keys.
    r"NR(?:AK|AA|II|JS)-[A-Za-z0-9]{8,}",
    r"\b[A-Za-z0-9]{36}NRAL\b",
    # Slack: bot, user, app-level, refresh tokens; incoming webhooks.
    r"\bxox[a-z]-[A-Za-z0-9-]{6,}",
    r"\bxoxe\.[A-Za-z0-9.-]{6,}",
    r"\bxapp-[A-Za-z0-9-]{6,}",
    r"hooks\.slack\.com/services/[A-Za-z0-9/]+",
    # PagerDuty: user API keys (u+…), REST API keys mixing upper, lower case and digits,
    # integration (routing) keys.
    r"(?<![A-Za-z0-9_+-])u\+[A-Za-z0-9_+-]{18}(?![A-Za-z0-9_+-])",
    r"(?<![A-Za-z0-9_+-])(?=[A-Za-z0-9_+-]{0,19}[a-z])(?=[A-Za-z0-9_+-]{0,19}[A-Z])"
    r"(?=[A-Za-z0-9_+-]{0,19}[0-9])[A-Za-z0-9_+-]{20}(?![A-Za-z0-9_+-])",
    r"(?<![A-Za-z0-9])[0-9a-f]{32}(?![A-Za-z0-9])",
    # PagerDuty Events API v2 routing keys (R0 and 30 more), 40-hex keys (New Relic license and
    # REST keys, among others).
    r"(?<![A-Za-z0-9])R0[0-9A-Z]{30}(?![A-Za-z0-9])",
    r"(?<![A-Za-z0-9])[0-9a-fA-F]{40}(?![A-Za-z0-9])",
    # Pulumi access tokens and GitHub tokens, which CI holds (gitleaks rules pulumi.go, github.go).
    r"\bpul-[0-9a-f]{40}\b",
    r"\bgh[pousr]_[A-Za-z0-9]{36,}",
    r"\bgithub_pat_[A-Za-z0-9_]{40,}",
)
_TOKEN: Final = re.compile("|".join(f"(?:{p})" for p in _TOKEN_PATTERNS))


def is_credential_key(key: object) -> bool:
    """Whether a config key (`token`, `pagerduty:userToken`, `PagerDuty:apiKey`…) holds a
    credential: its last `:`-part, letters only and lower-cased, ends in a credential word."""
    if not isinstance(key, str):
        return False
    name = re.sub(r"[^a-z]", "", key.rsplit(":", 1)[-1].lower())
    return name.endswith(_CREDENTIAL_KEY_ENDINGS)


def looks_like_token(text: object) -> bool:
    """Whether a string contains something shaped like a PagerDuty, New Relic or Slack token."""
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
