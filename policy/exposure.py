"""Two guardrails of the pack (guardrails.POLICIES lists them): no credential in plain text in any
resource input, and a live site's service pages at high urgency.

Self-contained like the rest of the pack: Pulumi runs this folder in its own virtualenv.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final

from pulumi_policy import ReportViolation, ResourceValidationArgs
from pulumi_policy.proxy import UnknownValueError

SERVICE: Final = "pagerduty:index/service:Service"

SECRET_INPUTS: Final = {
    "newrelic:index/notificationDestination:NotificationDestination": frozenset(
        {"authBasic", "authCustomHeaders", "authToken", "secureUrl"}
    ),
}
"""The inputs that carry a credential by design, for the types this project creates: the provider
schemas mark them (or the fields inside them) `secret`, so the engine encrypts them. A policy
reads secrets unwrapped and cannot tell them from plain text, so these are not scanned; a test
keeps the table in step with the vendored schemas."""

TOKEN_SHAPES: Final = {
    "a Pulumi access token": r"\bpul-[0-9a-f]{40}\b",
    "a GitHub token": r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b",
    "a New Relic key": r"\bNR(?:AK|AA|II|JS)-[A-Za-z0-9]{8,}|\b[A-Za-z0-9]{36}NRAL\b",
    "a Slack token or webhook": r"\bxox[a-z]-[A-Za-z0-9-]{6,}|\bxapp-[A-Za-z0-9-]{6,}|"
    r"hooks\.slack\.com/services/[A-Za-z0-9/]+",
    "a PagerDuty user API key": r"(?<![A-Za-z0-9_+-])u\+[A-Za-z0-9_+-]{18}(?![A-Za-z0-9_+-])",
    "a PagerDuty routing key": r"(?<![A-Za-z0-9])R0[0-9A-Z]{30}(?![A-Za-z0-9])",
    "a 32- or 40-hex key (a PagerDuty integration key, a New Relic license key)": (
        r"(?<![A-Za-z0-9])(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{32})(?![A-Za-z0-9])"
    ),
    "a private key": r"-----BEGIN [A-Z ]*PRIVATE KEY-----",
}
"""Credential shapes, from the secret scanners' rules (gitleaks/gitleaks cmd/generate/config/rules:
pulumi.go, github.go, newrelic.go, slack.go, privatekey.go) and the providers' key formats."""

_SHAPES: Final = [(what, re.compile(pattern)) for what, pattern in TOKEN_SHAPES.items()]
_MAX_DEPTH: Final = 32
_HIGH: Final = frozenset({"high", "severity_based"})


def no_plain_text_credentials(args: ResourceValidationArgs, report: ReportViolation) -> None:
    """No resource input holds a credential-shaped string outside the inputs that are secret by
    design: one there is stored in plain text in the state and shown in every preview."""
    skipped = SECRET_INPUTS.get(args.resource_type, frozenset())
    for path, text in _strings(args.props, "", 0, skipped):
        for what, shape in _SHAPES:
            if shape.search(text):
                report(
                    f"{path} holds what looks like {what}, in plain text: keep credentials in "
                    "encrypted config (pulumi config set --secret) and out of resource inputs",
                    None,
                )
                break


def live_service_pages_high(args: ResourceValidationArgs, report: ReportViolation) -> None:
    """A live site's PagerDuty service opens high-urgency incidents: a low-urgency incident
    notifies nobody at night and never escalates, so the site could be down until morning.

    A live stack is named `live` or `<site>-live`, as `new-site` and `import` name them (the
    stack name is the URN's first part after `urn:pulumi:`)."""
    if args.resource_type != SERVICE or not _is_live_stack(args.urn):
        return
    rule = _known(args.props, "incidentUrgencyRule")
    if not rule:
        return  # PagerDuty's default: every incident high urgency
    found = {_known(rule, "urgency")}
    for key in ("duringSupportHours", "outsideSupportHours"):
        found.add(_known(_known(rule, key) or {}, "urgency"))
    if None in found and len(found) == 1:
        return  # unknown until the deploy: nothing to judge
    if not found & _HIGH:
        shown = sorted(str(u) for u in found if u is not None)
        report(
            f"incidentUrgencyRule pages at {', '.join(shown)} urgency on a live site: nobody is "
            'woken and nothing escalates; use urgency "high" (the live preset)',
            None,
        )


def _is_live_stack(urn: str) -> bool:
    parts = urn.split("::", 1)[0].split(":")
    stack = parts[2] if len(parts) > 2 else ""
    return stack == "live" or stack.endswith("-live")


def _strings(
    value: Any, path: str, depth: int, skipped: frozenset[str]
) -> Iterator[tuple[str, str]]:
    """Every string in `value` with its input path; unknown values and secret inputs skipped."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key in list(value.keys()):
            if depth == 0 and key in skipped:
                continue
            yield from _strings(
                _known(value, key), f"{path}.{key}" if path else str(key), depth + 1, skipped
            )
    elif isinstance(value, Sequence):  # a list, or the SDK's proxy of one
        for index in range(len(value)):
            try:
                item = value[index]
            except UnknownValueError:
                continue
            yield from _strings(item, f"{path}[{index}]", depth + 1, skipped)


def _known(props: Mapping[str, Any], key: str) -> Any:
    """`props[key]`, or None when absent or unknown in a preview."""
    try:
        return props.get(key)
    except UnknownValueError:
        return None
