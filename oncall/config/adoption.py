"""Plan warnings for an `importId` written by hand: which fields must equal what exists.

Pulumi's `import` reads the existing object and compares it with what the program sends; any
difference makes `pulumi preview` warn "inputs to import do not match the existing resource" and
`pulumi up` fail. Offline, the plan cannot know what exists. `python -m oncall import` writes
every adopted value exactly; where a stack file adopts by hand, these warnings name (with the
full key path) the values it leaves to the stack's defaults, which then must equal what exists:
a user's description (the stack's own when absent; the provider's placeholder otherwise), a
number without the contact method's id (created again and refused), a schedule's or policy's
description, a service's timeouts.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from oncall.config import NAMESPACE, StackConfig, Team, TeamStackConfig

HOW_TO_READ: Final = (
    "`python -m oncall import` writes it as it exists (or read it: GET {path} of PagerDuty's "
    "REST API)"
)


def adoption_warnings(config: StackConfig | TeamStackConfig) -> Iterator[str]:
    """One line per value an adopted object takes from the stack's defaults."""
    if config.team is not None:
        yield from _team(config.team)
    if isinstance(config, StackConfig) and config.pagerduty.import_id is not None:
        service = config.pagerduty
        for key, value in (
            ("autoResolveMinutes", service.auto_resolve_minutes),
            ("acknowledgementTimeoutMinutes", service.acknowledgement_timeout_minutes),
        ):
            if value is None:
                yield (
                    f"{NAMESPACE}:pagerduty.{key}: not given for the adopted service; the import "
                    "fails unless the service's own equals the stack's default (a service made "
                    "in the web UI resolves after 240 minutes and pages again after 30); "
                    + HOW_TO_READ.format(path=f"/services/{service.import_id}")
                )


def _team(team: Team) -> Iterator[str]:
    at = f"{NAMESPACE}:team"
    for slug, member in team.members.items():
        if member.import_id is None:
            continue
        where = f"{at}.members.{slug}"
        if member.description is None:
            yield _description(where, "user", f"/users/{member.import_id}")
        for via in ("phone", "sms"):
            phone = getattr(member, via)
            if phone is not None and phone.import_id is None:
                yield (
                    f"{where}.{via}: an adopted user's number without importId is created as a "
                    "new contact method; if the user already has it, PagerDuty refuses the "
                    "duplicate: write it as {number, importId, label}; "
                    + HOW_TO_READ.format(path=f"/users/{member.import_id}/contact_methods")
                )
    for slug, schedule in team.schedules.items():
        if schedule.import_id is not None and schedule.description is None:
            path = f"/schedules/{schedule.import_id}"
            yield _description(f"{at}.schedules.{slug}", "schedule", path)
    escalation = team.escalation
    if escalation.import_id is not None and escalation.description is None:
        path = f"/escalation_policies/{escalation.import_id}"
        yield _description(f"{at}.escalation", "escalation policy", path)


def _description(where: str, what: str, path: str) -> str:
    return (
        f"{where}.description: not given for the adopted {what}; the stack sends its own, and "
        f'the import fails unless the {what} has exactly that: write its description ("" for '
        "none); " + HOW_TO_READ.format(path=path)
    )
