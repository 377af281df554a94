"""Two guardrails of the pack (guardrails.POLICIES lists them): no credential in plain text in any
resource input, and a live site's service pages at high urgency.

Self-contained like the rest of the pack: Pulumi runs this folder in its own virtualenv.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
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

SHAPES_FILE: Final = Path(__file__).with_name("credential_shapes.toml")
"""The credential shapes, each a name (as a report gives it) and its patterns: one list, in this
folder so that the pack stays self-contained; the program reads it too (oncall.config.secrets),
to refuse and hide the same values in the stack file."""

_SHAPES: Final = [
    (what, re.compile("|".join(f"(?:{p})" for p in patterns)))
    for what, patterns in tomllib.loads(SHAPES_FILE.read_text())["shapes"].items()
]
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
