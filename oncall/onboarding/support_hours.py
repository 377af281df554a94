"""An existing PagerDuty service's support hours as the stack file writes them, for `import`.

Pulumi's import fails when an input differs from what exists, so a service with support hours is
adopted with them written out: `urgency: {during: high, outside: low}` and `supportHours`, read
from the REST API's `incident_urgency_rule` and `support_hours` (PagerDuty/api-schema,
reference/REST/openapiv3.json: SupportHours, `days_of_week` 1 = Monday … 7 = Sunday, times
"HH:MM:SS").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from oncall.config.schedules import Weekday

_DAYS = {index: day.value for index, day in enumerate(Weekday, 1)}


def support_hours_section(service: Mapping[str, Any]) -> dict[str, Any] | None:
    """`{urgency, supportHours}` for a service whose rule is high during support hours and low
    outside them (the one pair the contract has); None for any other service."""
    rule = service.get("incident_urgency_rule") or {}
    hours = service.get("support_hours") or {}
    during = (rule.get("during_support_hours") or {}).get("urgency")
    outside = (rule.get("outside_support_hours") or {}).get("urgency")
    days = hours.get("days_of_week") or []
    if (
        rule.get("type") != "use_support_hours"
        or (during, outside) != ("high", "low")
        or hours.get("type", "fixed_time_per_day") != "fixed_time_per_day"
        or not all(day in _DAYS for day in days)
        or not days
    ):
        return None
    return {
        "urgency": {"during": "high", "outside": "low"},
        "supportHours": {
            "timeZone": hours.get("time_zone"),
            "days": [_DAYS[day] for day in sorted(days)],
            "start": str(hours.get("start_time", ""))[:5],
            "end": str(hours.get("end_time", ""))[:5],
        },
    }
