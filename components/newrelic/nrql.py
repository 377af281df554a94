"""NewRelicPagerDutyChannel's alert conditions: their NRQL queries, settings and names, pure.

The queries filter on ids, never on names (the ping condition on the monitor's id, the APM
conditions on the application's GUID), and no user text goes into them.
"""

from urllib.parse import urlsplit

import pulumi

from components.newrelic.args import PingMonitorArgs

# The APM application the APM conditions watch (newrelic.get_entity's domain and type).
APM_DOMAIN = "APM"
APM_TYPE = "APPLICATION"
APM_AGGREGATION_WINDOW = 60
# New Relic force-closes an incident that stays open this long (its default, 3 days); closing it
# would resolve the PagerDuty incident while the site may still be down, so keep it long.
VIOLATION_TIME_LIMIT_SECONDS = 259200
AGGREGATION_DELAY_SECONDS = "120"


def ping_failure_nrql(monitor_id: str) -> str:
    """Number of distinct locations whose check of the monitor failed in the window.

    The monitor id (a UUID, not the entity GUID) stays in the WHERE clause and the failure test
    goes into filter(), so the signal is 0 (not missing) while every check passes: the condition
    can close again.
    """
    return (
        "SELECT filter(uniqueCount(location), WHERE result = 'FAILED') "
        f"FROM SyntheticCheck WHERE monitorId = '{monitor_id}'"
    )


def error_rate_nrql(app_guid: str) -> str:
    """Percentage of the app's web transactions that ended in an error."""
    return (
        "SELECT percentage(count(*), WHERE error IS true) FROM Transaction "
        f"WHERE entityGuid = '{app_guid}' AND transactionType = 'Web'"
    )


def response_time_nrql(app_guid: str) -> str:
    """Average duration in seconds of the app's web transactions (cron and drush runs excluded)."""
    return (
        "SELECT average(duration) FROM Transaction "
        f"WHERE entityGuid = '{app_guid}' AND transactionType = 'Web'"
    )


def found_app(app: str, guid: str | None) -> str:
    """The APM application's GUID, or the error that fails the preview when there is none (a
    RunError: Pulumi prints its message without a Python traceback)."""
    if not guid:
        raise pulumi.RunError(
            f"appName: New Relic has no APM application named {app!r} in this account (looked up "
            "with domain APM, type APPLICATION): give the name exactly as New Relic lists it "
            "under APM, or leave the APM conditions (errorRate, responseTime) out"
        )
    return guid


def monitor_name(site_url: str, ping: PingMonitorArgs) -> str:
    """The monitor's name: given, or the site's host name."""
    return ping.get("name") or urlsplit(site_url).hostname or site_url


def number_text(value: float) -> str:
    """5.0 -> "5", 2.5 -> "2.5" (for names and descriptions)."""
    return f"{value:g}"
