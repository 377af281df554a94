"""What `oncall import` reads from a PagerDuty account: a service, team, escalation policy or
schedule found by name or id, the policy and the schedules the import starts from, and each
person with their contact methods and rules.

A name must match one object exactly (else case-insensitively); none, or several, fails with
the names or ids to choose from. The reads are PagerDuty's REST API v2 (PagerDuty/api-schema,
reference/REST/openapiv3.json), through oncall.onboarding.account.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from components.vocabulary import TARGET_API_TYPES, TargetType
from oncall.onboarding.account import Account, ImportFailed


def find(account: Account, path: str, wrapper: str, what: str, name_or_id: str) -> dict[str, Any]:
    """The one object under `path` (`/services`, …) whose id or name is `name_or_id`."""
    if re.fullmatch(r"P[A-Z0-9]{5,}", name_or_id):
        found: dict[str, Any] | None = account.get(f"{path}/{name_or_id}", wrapper, missing_ok=True)
        if found is not None:
            return found
    candidates = account.list(path, {"query": name_or_id})
    exact = [c for c in candidates if c.get("name") == name_or_id] or [
        c for c in candidates if str(c.get("name", "")).lower() == name_or_id.lower()
    ]
    if len(exact) == 1:
        return exact[0]
    if not exact:
        seen = ", ".join(sorted(str(c.get("name")) for c in candidates)) or "none"
        raise ImportFailed(f"no {what} named {name_or_id!r} (similar names: {seen})")
    ids = ", ".join(c["id"] for c in exact)
    raise ImportFailed(f"several {what}s are named {name_or_id!r} ({ids}): pass the id")


def read_policy(
    account: Account,
    named: str | None,
    service: dict[str, Any] | None,
    pd_team: dict[str, Any] | None,
) -> dict[str, Any]:
    """The escalation policy to import: the one `named` (`--escalation-policy`), else the
    service's, else the PagerDuty team's only one."""
    if named:
        found = find(
            account, "/escalation_policies", "escalation_policy", "escalation policy", named
        )
        policy_id = found["id"]
    elif service is not None:
        policy_id = service["escalation_policy"]["id"]
    elif pd_team is not None:
        policies = account.list("/escalation_policies", {"team_ids[]": [pd_team["id"]]})
        if len(policies) != 1:
            names = ", ".join(p["name"] for p in policies) or "none"
            raise ImportFailed(
                f"team {pd_team['name']!r} has {len(policies)} escalation policies "
                f"({names}): pick one with --escalation-policy"
            )
        policy_id = policies[0]["id"]
    else:
        raise ImportFailed(
            "name what to import: --service NAME (its escalation policy), "
            "--escalation-policy NAME or --team NAME"
        )
    # As the provider reads a policy (terraform-provider-pagerduty,
    # pagerduty/resource_pagerduty_escalation_policy.go, fetchEscalationPolicy): with each
    # rule's assignment strategy, so that a round-robin rule is noticed; an account without
    # the entitlement answers 403 to that, and the provider then reads it without.
    path = f"/escalation_policies/{policy_id}"
    include = {"include[]": ["escalation_rule_assignment_strategies"]}
    policy: dict[str, Any] | None = account.get(
        path, "escalation_policy", params=include, forbidden_ok=True
    )
    if policy is None:
        return dict(account.get(path, "escalation_policy"))
    return policy


def schedule_ids(account: Account, policy: dict[str, Any], wanted: Sequence[str]) -> list[str]:
    """The schedules the policy targets, then those `wanted` (`--schedule`), each once."""
    ids = [
        target["id"]
        for rule in policy.get("escalation_rules") or []
        for target in rule.get("targets") or []
        if target.get("type") == TARGET_API_TYPES[TargetType.SCHEDULE]
    ]
    for name_or_id in wanted:
        ids.append(find(account, "/schedules", "schedule", "schedule", name_or_id)["id"])
    return list(dict.fromkeys(ids))


def read_user(account: Account, uid: str) -> dict[str, Any]:
    """A user, with their contact methods, notification rules and handoff rules under
    `_contact_methods`, `_notification_rules` and `_handoff_rules`."""
    user: dict[str, Any] = account.get(f"/users/{uid}", "user")
    base = f"/users/{uid}"
    user["_contact_methods"] = account.get(f"{base}/contact_methods", "contact_methods")
    # The API answers only high-urgency rules unless asked for `urgency=all` (PagerDuty/
    # api-schema, reference/REST/openapiv3.json, getUserNotificationRules: high, low, all;
    # default high): low-urgency rules must be adopted too, or a low step is posted again.
    user["_notification_rules"] = account.get(
        f"{base}/notification_rules", "notification_rules", params={"urgency": "all"}
    )
    user["_handoff_rules"] = account.get(
        f"{base}/oncall_handoff_notification_rules", "oncall_handoff_notification_rules"
    )
    return user
