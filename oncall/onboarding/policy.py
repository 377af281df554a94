"""How `oncall import` maps a PagerDuty escalation policy to the contract's `escalation`.

The policy is written as PagerDuty has it, with its `importId`, description ("" for none) and
team, because Pulumi's import fails on any difference. Each rule keeps its delay and its targets,
schedules and users by the slugs the import gave them; what the contract cannot say (a target of
another type, round-robin assignment, on-call handoff notifications) is a note (`note`) and stays
in PagerDuty as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from components.vocabulary import TARGET_API_TYPES, TargetType
from oncall.onboarding.account import ImportFailed
from oncall.onboarding.file import Flow, FlowList

_TARGET_OF_TYPE: Final = {api_type: kind for kind, api_type in TARGET_API_TYPES.items()}


def escalation_section(
    policy: Mapping[str, Any],
    schedule_slugs: Mapping[str, str],
    user_slugs: Mapping[str, str],
    note: Callable[[str, str], None],
) -> dict[str, Any]:
    """The team's `escalation` for `policy`; ImportFailed when no rule has a target it can say."""
    out: dict[str, Any] = {"name": policy["name"], "loops": int(policy.get("num_loops") or 0)}
    # Read back as PagerDuty has it, "" for none, and so are the teams (pagerduty/
    # resource_pagerduty_escalation_policy.go, setResourceEPProps): the import must match.
    out["description"] = str(policy.get("description") or "")
    teams = [str(t["id"]) for t in policy.get("teams") or []]
    if teams:
        out["team"] = teams[0]
    out["importId"] = policy["id"]
    rules = []
    for index, rule in enumerate(policy.get("escalation_rules") or []):
        where = f"escalation.rules[{index}]"
        targets = []
        for target in rule.get("targets") or []:
            kind = _TARGET_OF_TYPE.get(str(target.get("type")))
            if kind is TargetType.SCHEDULE:
                targets.append(f"schedule:{schedule_slugs[target['id']]}")
            elif kind is TargetType.USER:
                targets.append(f"user:{user_slugs[target['id']]}")
            else:
                note(where, f"targets a {target.get('type')}: not in the contract")
        # The provider's escalation_rule_assignment_strategy is Optional and Computed
        # (pagerduty/resource_pagerduty_escalation_policy.go): unset, it keeps what it read,
        # so the import matches and the strategy stays; only the contract cannot show it.
        strategy = rule.get("escalation_rule_assignment_strategy") or {}
        if isinstance(strategy, dict) and strategy.get("type") == "round_robin":
            note(
                where,
                "assigns round robin, which the contract cannot write: the stack leaves the "
                "strategy as PagerDuty has it (reordering the rules may move it)",
            )
        if not targets:
            note(where, "has no target the contract can express: left out")
            continue
        rules.append(
            Flow(
                targets=FlowList(targets),
                escalateAfterMinutes=int(rule["escalation_delay_in_minutes"]),
            )
        )
    if not rules:
        raise ImportFailed(f"escalation policy {policy['name']!r} has no rule to import")
    out["rules"] = rules
    if policy.get("on_call_handoff_notifications") not in (None, "if_has_services"):
        note(
            "escalation",
            f"on-call handoff notifications: {policy['on_call_handoff_notifications']}",
        )
    return out
