"""The end-to-end lane's bookkeeping, apart from running anything: what a Pulumi command changed,
whether a state export holds a planted secret in plain text, where the offline plan and diff
disagree with the engine's preview, and the shape of build/e2e/summary.json.

Everything here reads data the CLI wrote (the events `pulumi up --json` streams, the document
`pulumi preview --json` prints, `pulumi stack export`) and the offline tools' JSON (`oncall plan
--json`, `oncall diff --json`), so it is tested without the engine.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

CHANGE_KINDS = ("create", "update", "replace", "delete", "same")

# The preview's placeholder for a value only known after the update (sdk/go/common/resource/
# plugin/rpc.go, UnknownStringValue), and what the display prints for a secret.
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SECRET_TEXT = "[secret]"
# The state's marker of a secret value: {SIG_KEY: SECRET_SIG, "ciphertext" | "plaintext": …}
# (sdk/go/common/resource/sig/sig.go: Key and Secret).
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"

# Resources that are the engine's own, not the program's: no offline counterpart.
_ENGINE_TYPES = ("pulumi:pulumi:Stack",)
_PROVIDER_PREFIX = "pulumi:providers:"
# A replacement is one change, whichever of its steps the engine reports.
_REPLACE_OPS = {"replace", "create-replacement", "delete-replaced"}
_DIFF_OPS = {"+": "create", "-": "delete", "~": "update", "+-": "replace"}


# --- What a command changed -----------------------------------------------------------------------


@dataclass
class EventLog:
    """The events of one CLI run (`--json`): the summary's counts, every resource step
    and the error diagnostics."""

    resource_changes: dict[str, int] = field(default_factory=dict)
    steps: list[dict[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    policy_violations: list[str] = field(default_factory=list)

    def changes(self) -> dict[str, int]:
        """create, update, replace, delete and same, as the CLI's own summary counts them."""
        return changes_of(self.resource_changes)

    def ops_by_type(self, op: str) -> list[dict[str, str]]:
        """The program's resource steps (no providers, no stack) with this op."""
        return [s for s in self.steps if s["op"] == op and is_program_resource(s["type"])]


def changes_of(resource_changes: Mapping[str, int]) -> dict[str, int]:
    """The summary's five kinds from the engine's per-op counts (`changeSummary` of
    `preview --json`, `resourceChanges` of a summary event); other ops (read, import) are not
    changes of the five kinds."""
    return {kind: int(resource_changes.get(kind, 0)) for kind in CHANGE_KINDS}


def read_events(text: str) -> EventLog:
    """Parse the engine events that `pulumi up|refresh|destroy --json` streams, one JSON event
    per line (lines that are not JSON, such as a line cut short by a killed run, are skipped)."""
    log = EventLog()
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(event, dict):
            _add_event(log, event)
    return log


def read_preview(digest: Mapping[str, Any]) -> EventLog:
    """The same from the one JSON document `pulumi preview --json` prints: its changeSummary,
    its steps (a replacement's several steps as one `replace` op per resource, as the
    summary counts it) and its error diagnostics."""
    log = EventLog(resource_changes=dict(digest.get("changeSummary") or {}))
    for step in digest.get("steps") or []:
        state = step.get("newState") or step.get("oldState") or {}
        log.steps.append(
            {"op": step.get("op", ""), "urn": step.get("urn", ""), "type": state.get("type", "")}
        )
    for diag in digest.get("diagnostics") or []:
        if diag.get("severity") == "error":
            log.errors.append(str(diag.get("message", "")).strip())
    return log


def _add_event(log: EventLog, event: Mapping[str, Any]) -> None:
    if "summaryEvent" in event:
        log.resource_changes = dict(event["summaryEvent"].get("resourceChanges") or {})
    elif "resourcePreEvent" in event:
        meta = event["resourcePreEvent"].get("metadata", {})
        log.steps.append(
            {"op": meta.get("op", ""), "urn": meta.get("urn", ""), "type": meta.get("type", "")}
        )
    elif "diagnosticEvent" in event:
        diag = event["diagnosticEvent"]
        if diag.get("severity") == "error":
            log.errors.append(str(diag.get("message", "")).strip())
    elif "policyEvent" in event:
        policy = event["policyEvent"]
        if policy.get("enforcementLevel") == "mandatory":
            log.policy_violations.append(f"{policy.get('policyName')}: {policy.get('message')}")


def is_program_resource(type_: str) -> bool:
    """A resource the program registers (not the stack itself, not a provider instance)."""
    return type_ not in _ENGINE_TYPES and not type_.startswith(_PROVIDER_PREFIX)


def urn_name(urn: str) -> str:
    """The resource's name: the URN's last `::` part."""
    return urn.rsplit("::", 1)[-1]


# --- Secrets in a state export --------------------------------------------------------------------


def plaintext_secrets(export: str, secrets: Mapping[str, str]) -> list[str]:
    """The labels of the planted secrets that a state export holds in plain text.

    A secret counts when its value appears anywhere in the text, also JSON-escaped (a value inside
    a string that was serialized twice). Values shorter than 6 characters are refused: they would
    match by accident.
    """
    found = []
    for label, value in secrets.items():
        if len(value) < 6:
            raise ValueError(f"planted secret {label!r} is too short to scan for")
        forms = {value, json.dumps(value)[1:-1], json.dumps(json.dumps(value))[3:-3]}
        if any(form in export for form in forms):
            found.append(label)
    return found


def state_values(export: Mapping[str, Any], type_: str, key: str) -> list[str]:
    """Every output `key` of resources of `type_` in a `pulumi stack export --show-secrets`
    (decrypted secrets are plain values there; a secret still wrapped keeps its `plaintext`)."""
    values = []
    for resource in export.get("deployment", {}).get("resources", []) or []:
        if resource.get("type") != type_:
            continue
        value = (resource.get("outputs") or {}).get(key)
        if isinstance(value, Mapping) and value.get(SIG_KEY) == SECRET_SIG:
            value = json.loads(value.get("plaintext", "null"))
        if isinstance(value, str) and value:
            values.append(value)
    return values


# --- The offline tools against the engine ---------------------------------------------------------


def _is_wildcard(value: Any) -> bool:
    """A value one side cannot know: an output of another resource, a lookup's result, a value
    only known after the update, or a secret."""
    if isinstance(value, Mapping):
        return ("ref" in value and len(value) == 1) or value.get(SIG_KEY) == SECRET_SIG
    if isinstance(value, str):
        return value in (UNKNOWN, SECRET_TEXT) or value.startswith("(looked up:")
    return False


def value_differences(offline: Any, engine: Any, path: str) -> list[str]:
    """Where the offline value differs from the engine's, as `path: offline X, engine Y` lines.

    Unknowable values on either side match anything; so does a key the offline side does not set
    at a nested level when the engine's value there is empty (the bridge fills nested blocks)."""
    if _is_wildcard(offline) or _is_wildcard(engine):
        return []
    if isinstance(offline, Mapping) and isinstance(engine, Mapping):
        found = []
        for key in sorted(set(offline) | set(engine)):
            sub = f"{path}.{key}" if path else str(key)
            if key not in engine:
                found.append(f"{sub}: offline {_show(offline[key])}, engine has no such input")
            elif key not in offline:
                if engine[key] not in (None, "", [], {}, False, 0):
                    found.append(f"{sub}: offline sets nothing, engine {_show(engine[key])}")
            else:
                found += value_differences(offline[key], engine[key], sub)
        return found
    if isinstance(offline, list) and isinstance(engine, list):
        if len(offline) != len(engine):
            return [f"{path}: offline {len(offline)} items, engine {len(engine)}"]
        return [
            d
            for i, (o, e) in enumerate(zip(offline, engine, strict=True))
            for d in value_differences(o, e, f"{path}[{i}]")
        ]
    if (offline == engine and type(offline) is type(engine)) or _same_number(offline, engine):
        return []
    return [f"{path}: offline {_show(offline)}, engine {_show(engine)}"]


def _same_number(a: Any, b: Any) -> bool:
    numbers = (int, float)
    return (
        isinstance(a, numbers)
        and isinstance(b, numbers)
        and not isinstance(a, bool)
        and not isinstance(b, bool)
        and a == b
    )


def _show(value: Any) -> str:
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= 120 else text[:117] + "..."


def _engine_steps(preview: Mapping[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """The program's resources in a `pulumi preview --json`, by (type, name), with one op each
    (a replacement's several steps are one `replace`)."""
    steps: dict[tuple[str, str], dict[str, Any]] = {}
    for step in preview.get("steps", []) or []:
        state = step.get("newState") or step.get("oldState") or {}
        type_ = state.get("type") or step.get("urn", "::").rsplit("::", 2)[-2].rsplit("$", 1)[-1]
        if not is_program_resource(type_):
            continue
        op = "replace" if step.get("op") in _REPLACE_OPS else step.get("op", "")
        key = (type_, urn_name(step.get("urn", "")))
        if key in steps and steps[key]["op"] == "replace":
            continue
        steps[key] = {
            "op": op,
            "inputs": (step.get("newState") or {}).get("inputs") or {},
            "changed": sorted(
                set(step.get("diffReasons") or []) | set(step.get("replaceReasons") or [])
            ),
        }
    return steps


def _inputs(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Inputs without the bridge's bookkeeping (`__defaults`, `__meta`): what the program sent
    plus what the provider filled in (listed in `__defaults` at the top level, dropped here)."""
    defaults = set(inputs.get("__defaults") or [])
    return {k: v for k, v in inputs.items() if not k.startswith("__") and k not in defaults}


def plan_mismatches(plan: Mapping[str, Any], preview: Mapping[str, Any]) -> list[str]:
    """Where `oncall plan --json` (the offline plan of an empty stack) and the engine's first
    `pulumi preview --json` of that stack disagree: resources (type and name), their op (the
    offline plan creates everything, imports what has `import`, reads a stack reference), and
    their inputs."""
    engine = _engine_steps(preview)
    found = []
    offline: dict[tuple[str, str], Mapping[str, Any]] = {}
    for resource in plan.get("resources", []):
        if is_program_resource(resource["type"]):
            offline[(resource["type"], resource["name"])] = resource
    for key in sorted(set(offline) - set(engine)):
        found.append(f"{key[0]} {key[1]}: in the offline plan only")
    for key in sorted(set(engine) - set(offline)):
        found.append(f"{key[0]} {key[1]}: in the engine's preview only ({engine[key]['op']})")
    for key in sorted(set(offline) & set(engine)):
        resource, step = offline[key], engine[key]
        expected = _expected_op(resource)
        if step["op"] != expected:
            found.append(f"{key[0]} {key[1]}: offline {expected}, engine {step['op']}")
        if resource.get("custom", True) and key[0] != "pulumi:pulumi:StackReference":
            for line in value_differences(
                resource.get("inputs") or {}, _inputs(step["inputs"]), ""
            ):
                found.append(f"{key[0]} {key[1]}: {line}")
    return found


def _expected_op(resource: Mapping[str, Any]) -> str:
    if resource["type"] == "pulumi:pulumi:StackReference":
        return "read"
    if resource.get("import"):
        return "import"
    return "create"


def diff_mismatches(diff: Mapping[str, Any], stack: str, preview: Mapping[str, Any]) -> list[str]:
    """Where `oncall diff --json` for `stack` and the engine's `pulumi preview --diff --json` of
    the same change disagree: which resources change, how (create, update, replace, delete),
    and which top-level properties an update or replace changes."""
    reports = [s for s in diff.get("stacks", []) if s.get("stack") == stack]
    offline: dict[tuple[str, str], dict[str, Any]] = {}
    for change in reports[0].get("changes", []) if reports else []:
        props = {_top_level(p) for p in change.get("properties", {})}
        offline[(change["type"], change["name"])] = {
            "op": _DIFF_OPS[change["op"]],
            "changed": sorted(props),
        }
    engine = {k: v for k, v in _engine_steps(preview).items() if v["op"] not in ("same", "read")}
    found = []
    for key in sorted(set(offline) - set(engine)):
        found.append(f"{key[0]} {key[1]}: oncall diff {offline[key]['op']}, engine no change")
    for key in sorted(set(engine) - set(offline)):
        found.append(f"{key[0]} {key[1]}: engine {engine[key]['op']}, oncall diff no change")
    for key in sorted(set(offline) & set(engine)):
        o, e = offline[key], engine[key]
        if o["op"] != e["op"]:
            found.append(f"{key[0]} {key[1]}: oncall diff {o['op']}, engine {e['op']}")
        elif o["op"] in ("update", "replace") and o["changed"] != e["changed"]:
            found.append(
                f"{key[0]} {key[1]}: oncall diff changes {o['changed']}, engine {e['changed']}"
            )
    return found


def _top_level(path: str) -> str:
    return re.split(r"[.\[]", path, maxsplit=1)[0]


# --- The summary ----------------------------------------------------------------------------------


def summary(
    *,
    versions: Mapping[str, Any],
    steps: Sequence[Mapping[str, Any]],
    adoption: Mapping[str, Any],
    plaintext: int,
    mismatches: int,
    requests: Mapping[str, int],
    unimplemented: Iterable[str] = (),
    refused: Iterable[str] = (),
    seconds: float = 0.0,
    skipped: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, Any]:
    """build/e2e/summary.json: versions, steps, adoption, plaintext secrets in state,
    offline-vs-engine mismatches, API requests per double; plus what no double implemented and
    what the proxy refused (both fail the lane), the lane's wall time, and the parts skipped
    for want of engine binaries (part → the missing binaries)."""
    return {
        "versions": dict(versions),
        "steps": [dict(s) for s in steps],
        "adoption": {k: int(adoption.get(k, 0)) for k in ("import", "create", "update")}
        | ({"source": str(adoption["source"])} if "source" in adoption else {}),
        "state_plaintext_secrets": plaintext,
        "offline_vs_engine_mismatches": mismatches,
        "api_requests": {k: int(requests.get(k, 0)) for k in ("pagerduty", "nerdgraph", "slack")},
        "unimplemented": sorted(set(unimplemented)),
        "refused": sorted(set(refused)),
        "seconds": round(seconds, 1),
        "skipped": {part: list(names) for part, names in (skipped or {}).items()},
    }


def failed(data: Mapping[str, Any], allow_skipped: bool = False) -> list[str]:
    """Why the lane fails (empty: green): failed steps, unimplemented requests, refused hosts,
    and (unless `allow_skipped`) parts skipped because the engine lacks their binaries."""
    reasons = [f"step failed: {s['stack']} {s['command']}" for s in data["steps"] if not s["ok"]]
    reasons += [f"no double implements {r}" for r in data.get("unimplemented", [])]
    reasons += [f"the proxy refused {r}" for r in data.get("refused", [])]
    if data["offline_vs_engine_mismatches"]:
        n = data["offline_vs_engine_mismatches"]
        reasons.append(f"{n} offline-vs-engine mismatch(es) (build/e2e/mismatches.json)")
    if data["state_plaintext_secrets"]:
        reasons.append(f"{data['state_plaintext_secrets']} planted secret(s) in plain text")
    if not allow_skipped:
        for part, names in data.get("skipped", {}).items():
            reasons.append(f"not run: {part} (the engine has no {', '.join(names)})")
    return reasons


# --- Config: the CLI's reading against the offline loader's ---------------------------------------


def config_mismatches(offline: Mapping[str, str], cli: Mapping[str, Any]) -> list[str]:
    """Where the offline loader's config (key → the string the engine would pass, objects as
    JSON) differs from `pulumi config --json --show-secrets` (key → {value, objectValue?,
    secret}). Encrypted keys are not compared (the offline side cannot decrypt); a key the offline
    loader left out (it had a problem there) is listed."""
    found = []
    for key in sorted(cli):
        entry = cli[key]
        if not isinstance(entry, Mapping) or entry.get("secret"):
            continue
        if key not in offline:
            found.append(f"{key}: the CLI reads {_show(entry.get('value'))}, offline nothing")
            continue
        cli_value = entry.get("objectValue", entry.get("value"))
        offline_value: Any = offline[key]
        if "objectValue" in entry:
            with contextlib.suppress(json.JSONDecodeError):
                offline_value = json.loads(offline_value)
        for line in value_differences(offline_value, cli_value, key):
            found.append(
                line.replace(": offline ", ": offline loader ").replace(", engine ", ", CLI ")
            )
    for key in sorted(set(offline) - set(cli)):
        found.append(f"{key}: offline {_show(offline[key])}, the CLI has no such key")
    return found


# --- Adoption: what the program sends against what exists ---------------------------------------

# Per imported type: the state collection of the PagerDuty double (as the API shows objects),
# the program's inputs compared with the object's fields, and the fields that exist on the object
# but that the program must then also send. Pulumi's import reads the object and diffs the
# program's inputs against it; any difference fails `pulumi up` ("inputs to import do not match
# the existing resource"). A field the program leaves out is a difference when the object has a
# value there: `description` because the bridge fills in "Managed by Pulumi" (pulumi-pagerduty's
# resources.go defaults it), `job_title` and `teams` because they are optional without a default
# (terraform-provider-pagerduty, pagerduty/resource_pagerduty_user.go, _schedule.go and
# _escalation_policy.go: Optional, not Computed).
_IMPORTED: dict[str, tuple[str, dict[str, str], tuple[str, ...]]] = {
    "pagerduty:index/user:User": (
        "users",
        {"name": "name", "email": "email", "role": "role", "timeZone": "time_zone",
         "description": "description", "jobTitle": "job_title"},
        ("description", "job_title"),
    ),
    "pagerduty:index/userContactMethod:UserContactMethod": (
        "contact_methods",
        {"type": "type", "address": "address", "countryCode": "country_code", "label": "label"},
        (),
    ),
    "pagerduty:index/userNotificationRule:UserNotificationRule": (
        "notification_rules",
        {"startDelayInMinutes": "start_delay_in_minutes", "urgency": "urgency",
         "contactMethod": "contact_method"},
        (),
    ),
    "pagerduty:index/userHandoffNotificationRule:UserHandoffNotificationRule": (
        "handoff_rules",
        {"handoffType": "handoff_type", "notifyAdvanceInMinutes": "notify_advance_in_minutes",
         "contactMethod": "contact_method"},
        (),
    ),
    "pagerduty:index/schedule:Schedule": (
        "schedules",
        {"name": "name", "timeZone": "time_zone", "description": "description", "teams": "teams"},
        ("description", "teams"),
    ),
    "pagerduty:index/escalationPolicy:EscalationPolicy": (
        "escalation_policies",
        {"name": "name", "description": "description", "numLoops": "num_loops", "teams": "teams"},
        ("description", "teams"),
    ),
    "pagerduty:index/service:Service": (
        "services",
        {"name": "name", "description": "description",
         "autoResolveTimeout": "auto_resolve_timeout",
         "acknowledgementTimeout": "acknowledgement_timeout"},
        ("description",),
    ),
}  # fmt: skip


def _comparable(value: Any) -> Any:
    """An API field in the provider's terms: references as their ids, timeouts as text."""
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    if isinstance(value, Mapping):
        if "id" in value and str(value.get("type", "")).endswith("_reference"):
            return value["id"]
        return {k: _comparable(v) for k, v in value.items() if k in ("id", "type")}
    if value is None:
        return "null"
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return value


def _field_differences(
    resource: Mapping[str, Any],
    existing: Mapping[str, Any],
    spec: tuple[str, dict[str, str], tuple[str, ...]],
) -> list[str]:
    _, fields, must_send = spec
    inputs = resource.get("inputs") or {}
    found = []
    for key, field_name in fields.items():
        if field_name not in existing:
            continue
        have = _comparable(existing[field_name])
        if key in inputs:
            found += [
                line.replace(", engine ", ", account ")
                for line in value_differences(inputs[key], have, key)
            ]
        elif field_name in must_send and have not in ("null", "", []):
            found.append(f"{key}: the program sends nothing, the account has {_show(have)}")
    return found


def import_mismatches(plan: Mapping[str, Any], state: Mapping[str, Any]) -> list[str]:
    """For every resource the offline plan imports, where its inputs differ from the object that
    exists in the account (`state`: the PagerDuty double's `state()`), and which existing
    objects of the adopted users (a low-urgency rule, say) the plan neither imports nor keeps."""
    found = []
    imported: set[str] = set()
    for resource in plan.get("resources", []):
        spec = _IMPORTED.get(resource["type"])
        if not resource.get("import") or spec is None:
            continue
        collection = spec[0]
        object_id = re.split(r"[:.]", str(resource["import"]))[-1]
        imported.add(object_id)
        existing = next((o for o in state.get(collection, []) if o.get("id") == object_id), None)
        where = f"{resource['type']} {resource['name']} (import {resource['import']})"
        if existing is None:
            found.append(f"{where}: no such object in the account")
            continue
        found += [f"{where}: {line}" for line in _field_differences(resource, existing, spec)]
    users = {
        re.split(r"[:.]", str(r["import"]))[-1]
        for r in plan.get("resources", [])
        if r["type"] == "pagerduty:index/user:User" and r.get("import")
    }
    for rule in state.get("notification_rules", []):
        own_email_rule = rule.get("start_delay_in_minutes") == 0 and (
            rule.get("contact_method", {}).get("type") == "email_contact_method"
        )
        if rule.get("_user") in users and rule["id"] not in imported and not own_email_rule:
            found.append(
                f"notification rule {rule['id']} of user {rule['_user']} ({rule.get('urgency')}, "
                f"{rule.get('contact_method', {}).get('type')} after "
                f"{rule.get('start_delay_in_minutes')} min): exists, not adopted by the plan"
            )
    return found
