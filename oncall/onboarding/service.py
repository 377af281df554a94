"""How `oncall import` maps a PagerDuty service to a site stack's `pagerduty` section.

The service is written as PagerDuty has it, with its `importId`, description ("" for none), both
timeouts and its urgency (one urgency, or support hours: oncall.onboarding.support_hours),
because Pulumi's import fails on any difference. What the contract cannot say (another urgency
rule, the service's own integrations, an event orchestration routing its events) is a note
(`note`) and stays in PagerDuty as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from oncall.onboarding.account import Account
from oncall.onboarding.support_hours import support_hours_section


def service_section(
    service: Mapping[str, Any], account: Account, note: Callable[[str, str], None]
) -> dict[str, Any]:
    """The site stack's `pagerduty` section for `service` (its orchestration read from
    `account`)."""
    out: dict[str, Any] = {"service": service["name"]}
    out["description"] = str(service.get("description") or "")
    out["importId"] = service["id"]
    # The timeouts as they are (seconds to minutes; null: off): the import must match.
    for key, api_key in (
        ("autoResolveMinutes", "auto_resolve_timeout"),
        ("acknowledgementTimeoutMinutes", "acknowledgement_timeout"),
    ):
        seconds = service.get(api_key)
        out[key] = _minutes_or_off(seconds)
        if isinstance(seconds, int) and seconds % 60:
            note(
                f"pagerduty.{key}",
                f"PagerDuty has {seconds} s, not whole minutes: rounded, so `pulumi preview` "
                "shows the import differ there; set whole minutes in PagerDuty first",
            )
    rule = service.get("incident_urgency_rule") or {}
    hours = support_hours_section(service)
    if rule.get("type") == "constant" and rule.get("urgency") in ("high", "low"):
        out["urgency"] = rule["urgency"]
    elif hours is not None:
        out |= hours
    elif rule:
        note(
            "pagerduty",
            f"urgency rule {rule.get('type')!r}: the contract has one urgency or support "
            "hours high during and low outside; the environment's preset applies",
        )
    integrations = [i.get("summary", i["id"]) for i in service.get("integrations") or []]
    if integrations:
        note(
            "pagerduty",
            f"the service's integrations ({', '.join(integrations)}) stay; the stack adds "
            "its own New Relic integration: move New Relic to it, then delete the old one",
        )
    orchestration = account.get(
        f"/event_orchestrations/services/{service['id']}",
        "orchestration_path",
        missing_ok=True,
    )
    sets = (orchestration or {}).get("sets") or []
    rule_count = sum(len(s.get("rules") or []) for s in sets)
    if rule_count:
        note(
            "pagerduty",
            f"an event orchestration with {rule_count} rule(s) routes this service's "
            "events; the contract cannot express it: it stays as it is",
        )
    return out


def _minutes_or_off(seconds: object) -> int | bool:
    """A service timeout as the contract writes it: whole minutes, or false when off."""
    if seconds is None or seconds == "null":
        return False
    return max(1, round(int(str(seconds)) / 60))
