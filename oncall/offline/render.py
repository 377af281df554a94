"""How a plan reads to a person: values, references, units, config words, and the summary line.

Everything here works on the plan's data (`oncall.offline.plan.to_data`, the `--json` form), so the
text
plan, `oncall diff` and any later view share one way of showing a value:
- a secret is `[secret]`, a value only known after a deploy is `(known after apply)`;
- a reference shows what it points at: `→ team-escalation`, in a list `[team-joe, team-anita]`,
  or `→ team stack team-example: escalationPolicyId`;
- a duration carries its unit: `604800 (1 week)`, `escalationDelayInMinutes: 15 (15 min)`;
- an API word shows the stack file's word beside it: `role: limited_user (responder)`.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from components.vocabulary import CONTACT_METHOD_TYPES, TARGET_API_TYPES
from oncall.config import RESTRICTION_WORDS, ROLE_WORDS, WEEKDAY_NUMBERS

SECRET_TEXT = "[secret]"
COMPUTED_TEXT = "(known after apply)"

# --- Markers in plan data (`oncall plan --json`) --------------------------------------------------
# Structural, so that no real value can be mistaken for one: {"secret": true}, {"unknown": true},
# {"ref": {"type": "<type token>", "name": "<name>"}} (+ "output" for an output it computes),
# {"ref": {"stack": "<s>", "output": "<o>"}}.


def is_secret(value: Any) -> bool:
    """Whether a plan value is the secret marker (its value never reaches the plan)."""
    return isinstance(value, dict) and value == {"secret": True}


def is_unknown(value: Any) -> bool:
    """Whether a plan value is the unknown marker (known only after the deploy)."""
    return isinstance(value, dict) and value == {"unknown": True}


def is_ref(value: Any) -> bool:
    """Whether a plan value is a reference marker (a resource's id or output, a stack output)."""
    return isinstance(value, dict) and set(value) == {"ref"} and isinstance(value["ref"], dict)


def is_marker(value: Any) -> bool:
    """Whether a plan value is any of the markers rather than data."""
    return is_secret(value) or is_unknown(value) or is_ref(value)


def ref_text(value: Mapping[str, Any]) -> str:
    """What a reference points at, without the arrow: `team-joe`, `team stack team-example:
    escalationPolicyId`."""
    target = value["ref"]
    if "stack" in target:
        return f"team stack {str(target['stack']).rsplit('/', 1)[-1]}: {target['output']}"
    if "output" in target:
        return f"{target['name']}.{target['output']}"
    return str(target["name"])


# --- Units and words ------------------------------------------------------------------------------

SECONDS_KEYS = frozenset(
    {
        "aggregationDelay",
        "aggregationWindow",
        "thresholdDuration",
        "slideBy",
        "expirationDuration",
        "acknowledgementTimeout",
        "autoResolveTimeout",
    }
)
"""Provider inputs in seconds whose names don't end in `Seconds` (New Relic's NRQL condition
windows and PagerDuty's service timeouts)."""

_UNITS = (("week", 604_800), ("day", 86_400), ("h", 3_600), ("min", 60), ("s", 1))


def duration_text(seconds: int) -> str:
    """`604800` → `1 week`, `5400` → `1 h 30 min`, `259200` → `3 days`."""
    if seconds == 0:
        return "immediately"
    if seconds % 604_800 == 0:
        weeks = seconds // 604_800
        return f"{weeks} week{'s' if weeks > 1 else ''}"
    parts, rest = [], seconds
    for unit, size in _UNITS[1:]:
        count, rest = divmod(rest, size)
        if count:
            parts.append(f"{count} {unit}{'s' if unit == 'day' and count > 1 else ''}")
    return " ".join(parts)


def _duration_seconds(key: str, value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int):
        return None
    if key.endswith("Seconds") or key in SECONDS_KEYS:
        return value
    if key.endswith("Minutes"):
        return value * 60
    return None


def _config_words() -> dict[str, dict[str, str]]:
    roles: dict[str, str] = {}
    for word, role in ROLE_WORDS.items():
        roles.setdefault(str(role), word)  # the first word is the stack file's usual one
    types = {str(api): str(word) for word, api in CONTACT_METHOD_TYPES.items()}
    types |= {str(api): str(word) for word, api in TARGET_API_TYPES.items()}
    types |= {str(api): word for word, api in RESTRICTION_WORDS.items()}
    days = {str(number): str(day) for day, number in WEEKDAY_NUMBERS.items()}
    return {"role": roles, "type": types, "startDayOfWeek": days}


CONFIG_WORDS = _config_words()
"""Per input key, an API value → the stack file's word for it, where the two differ."""


def note(key: str, value: Any) -> str:
    """What to show after a value in parentheses: its duration, or the stack file's word."""
    seconds = _duration_seconds(key, value)
    if seconds is not None:
        return duration_text(seconds)
    word = CONFIG_WORDS.get(key, {}).get(str(value))
    return word if word and word != str(value) else ""


# --- Values ---------------------------------------------------------------------------------------

_PLAIN = re.compile(r"[A-Za-z0-9_./@+()<>=*&%$!?~^|\\ -]*[A-Za-z0-9_./@+()<>=*%$!?~^|\\)-]")
_YAML_WORDS = frozenset({"true", "false", "null", "yes", "no", "on", "off", "~"})


def scalar_text(value: Any) -> str:
    """A scalar as it would read in YAML: strings quoted only when they must be."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    bare = (
        _PLAIN.fullmatch(text)
        and text.lower() not in _YAML_WORDS
        and not text[0].isdigit()
        and not text.startswith(("-", " "))
    )
    return text if bare else json.dumps(text, ensure_ascii=False)


def value_text(key: str, value: Any) -> str:
    """One value on one line, with its note: `604800 (1 week)`, `→ team-escalation`,
    `[team-joe, team-anita]`, `[secret]`. Mappings and lists of mappings as compact JSON."""
    if is_secret(value):
        return SECRET_TEXT
    if is_unknown(value):
        return COMPUTED_TEXT
    if is_ref(value):
        return f"→ {ref_text(value)}"
    if isinstance(value, list):
        return "[" + ", ".join(_item_text(key, v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {value_text(k, v)}" for k, v in sorted(value.items())) + "}"
    extra = note(key, value)
    return f"{scalar_text(value)} ({extra})" if extra else scalar_text(value)


def _item_text(key: str, value: Any) -> str:
    return ref_text(value) if is_ref(value) else value_text(key, value)


def _is_leaf(value: Any) -> bool:
    if isinstance(value, dict):
        return is_marker(value)
    if isinstance(value, list):
        return all(_is_leaf(v) and not isinstance(v, list) for v in value)
    return True


def flatten(value: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """Every leaf of a resource's inputs by path (`layers[1].users`), as `value_text` shows it.
    Lists of scalars or references are one leaf, so a member added to a rotation reads as
    `[team-joe, team-anita] → [team-joe, team-anita, team-lee]`."""
    out: dict[str, str] = {}
    for key, item in sorted(value.items()):
        path = f"{prefix}.{key}" if prefix else key
        out |= _flatten_item(key, item, path)
    return out


def _flatten_item(key: str, item: Any, path: str) -> dict[str, str]:
    if _is_leaf(item):
        return {path: value_text(key, item)}
    if isinstance(item, dict):
        return flatten(item, path)
    out: dict[str, str] = {}
    for index, element in enumerate(item):
        out |= _flatten_item(key, element, f"{path}[{index}]")
    return out


def tree_lines(value: Mapping[str, Any], indent: str) -> Iterator[str]:
    """A resource's inputs as an indented YAML-like tree, leaves as `value_text` shows them."""
    for key, item in sorted(value.items()):
        if _is_leaf(item):
            yield f"{indent}{key}: {value_text(key, item)}"
        elif isinstance(item, dict):
            yield f"{indent}{key}:"
            yield from tree_lines(item, indent + "  ")
        else:
            yield f"{indent}{key}:"
            for element in item:
                yield from _list_item_lines(key, element, indent + "  ")


def _list_item_lines(key: str, element: Any, indent: str) -> Iterator[str]:
    if isinstance(element, dict) and not is_marker(element):
        lines = list(tree_lines(element, indent + "  "))
        if lines:
            yield f"{indent}- {lines[0].lstrip()}"
            yield from lines[1:]
        else:
            yield f"{indent}- {{}}"
    else:
        yield f"{indent}- {value_text(key, element)}"


# --- Types and the summary ------------------------------------------------------------------------


def short_type(token: str) -> str:
    """`pagerduty:index/user:User` → `pagerduty:User`; `newrelic:synthetics/monitor:Monitor` →
    `newrelic:synthetics:Monitor`."""
    package, module, name = [*token.split(":"), "", ""][:3]
    module = module.split("/", 1)[0]
    return f"{package}:{name}" if module == "index" else f"{package}:{module}:{name}"


def by_provider(types: Iterable[str]) -> str:
    """`pagerduty 21 (3 User, 6 UserContactMethod, …) · newrelic 8 (…)`: counts per provider, then
    per type, in the order `pulumi preview` would not bother with but a reviewer scans."""
    counts = Counter(types)
    providers: dict[str, list[tuple[str, int]]] = {}
    for token, count in sorted(counts.items()):
        package, _, rest = short_type(token).partition(":")
        providers.setdefault(package, []).append((rest, count))
    parts = []
    for package, kinds in providers.items():
        total = sum(count for _, count in kinds)
        detail = ", ".join(f"{count} {kind}" for kind, count in kinds)
        parts.append(f"{package} {total} ({detail})")
    return " · ".join(parts)
