"""Synthetics monitors of the NerdGraph double: what every monitor type shares, and the
certificate check monitor (`syntheticsCreateCertCheckMonitor`, `syntheticsUpdateCertCheckMonitor`).

terraform-provider-newrelic's resource_newrelic_synthetics_cert_check_monitor.go sends them
through newrelic-client-go (pkg/synthetics/synthetics_api.go), reads the monitor back with
`actor.entity` (GetEntityWithContext) and deletes it with `syntheticsDeleteMonitor`, the same
delete as the ping monitor. What it reads from the entity: `period` in minutes, the status
(`monitorSummary.status`), `monitorId`, and the tags `publicLocation`, `runtimeType`,
`runtimeTypeVersion`, `domain` and `daysUntilExpiration` (helpers_synthetics.go:
getPublicLocationsFromEntityTags, getRuntimeValuesFromEntityTags,
getCertCheckMonitorValuesFromEntityTags); a missing tag leaves the attribute as it was, so the
double must answer them all or the refresh would not see a change made outside.

The input is SyntheticsCreateCertCheckMonitorInput / SyntheticsUpdateCertCheckMonitorInput
(pkg/synthetics/types.go): the update's fields are `omitempty`, and `locations` is a struct, so an
update always carries it (`{}` when nothing is set: the double keeps what the monitor has). When
`runtime_type` is not configured the provider still sends `runtime` with two empty strings
(buildSyntheticsCertCheckMonitorCreateInput).

Refusals are the payload's `errors` list, as NerdGraph answers synthetics mutations and the
provider prints them (`TYPE: description`):
- `runtime` must be NODE_API with a version the API takes: 16.10 (the schema's description of
  the input, newrelic-client-go schema.json) or 22.20.0 (the provider's docs,
  website/docs/r/synthetics_cert_check_monitor.html.markdown); any other pair is "Runtime values
  are invalid combination." (TestSyntheticsCertCheckMonitor_IncorrectRuntimeError in
  synthetics_api_integration_test.go). An empty runtime is the legacy runtime, refused since its
  end of life (the provider's docs: requests "will be blocked by an API error"); the double uses
  the same message there, the API's own text for that case is not in the sources.
- `domain` is a host name: "recent error handling in Synthetics throws an 'invalid domain'
  error with 'https://'" (the comment in TestSyntheticsCertCheckMonitor_Basic).
- `numberDaysToFailBeforeCertExpires` is a positive number of days; `period` one of
  SyntheticsMonitorPeriod (all nine: the provider's docs list every one for this type), `status`
  and the public locations as for every monitor.
"""

import copy
from collections.abc import Mapping
from typing import Any

# SyntheticsMonitorPeriod (newrelic-client-go pkg/synthetics/types.go) and its minutes, as the
# monitor entity reports `period` (terraform-provider-newrelic helpers_synthetics.go).
PERIOD_MINUTES = {
    "EVERY_MINUTE": 1,
    "EVERY_5_MINUTES": 5,
    "EVERY_10_MINUTES": 10,
    "EVERY_15_MINUTES": 15,
    "EVERY_30_MINUTES": 30,
    "EVERY_HOUR": 60,
    "EVERY_6_HOURS": 360,
    "EVERY_12_HOURS": 720,
    "EVERY_DAY": 1440,
}
# Public location codes and the labels the monitor entity's `publicLocation` tag holds; the
# provider maps them back (terraform-provider-newrelic helpers_synthetics.go,
# syntheticsPublicLocationsMap).
PUBLIC_LOCATIONS = {
    "US_EAST_2": "Columbus, OH, USA",
    "CA_CENTRAL_1": "Montreal, Québec, CA",
    "US_WEST_2": "Portland, OR, USA",
    "US_WEST_1": "San Francisco, CA, USA",
    "US_EAST_1": "Washington, DC, USA",
    "SA_EAST_1": "São Paulo, BR",
    "AP_EAST_1": "Hong Kong, HK",
    "ME_SOUTH_1": "Manama, BH",
    "AP_SOUTH_1": "Mumbai, IN",
    "AP_NORTHEAST_2": "Seoul, KR",
    "AP_SOUTHEAST_1": "Singapore, SG",
    "AP_NORTHEAST_1": "Tokyo, JP",
    "EU_WEST_1": "Dublin, IE",
    "EU_CENTRAL_1": "Frankfurt, DE",
    "EU_WEST_2": "London, England, UK",
    "EU_SOUTH_1": "Milan, IT",
    "EU_WEST_3": "Paris, FR",
    "EU_NORTH_1": "Stockholm, SE",
    "AP_SOUTHEAST_2": "Sydney, AU",
    "AF_SOUTH_1": "Cape Town, ZA",
}
MONITOR_STATUSES = {"ENABLED", "DISABLED", "MUTED"}

# The runtimes a certificate check takes (see the module docstring).
CERT_CHECK_RUNTIMES = {("NODE_API", "16.10"), ("NODE_API", "22.20.0")}
BAD_RUNTIME = "Runtime values are invalid combination."


def problem(description: str) -> dict[str, str]:
    """One entry of a synthetics payload's `errors` (SyntheticsMonitorCreateError)."""
    return {"type": "BAD_REQUEST", "description": description}


def common_problems(monitor: Mapping[str, Any]) -> list[dict[str, str]]:
    """What every monitor type needs: a name, a known period and status, a location."""
    problems = []
    if not monitor.get("name"):
        problems.append(problem("name must not be blank"))
    if monitor.get("period") not in PERIOD_MINUTES:
        problems.append(problem(f"period {monitor.get('period')!r}"))
    if monitor.get("status") not in MONITOR_STATUSES:
        problems.append(problem(f"status {monitor.get('status')!r}"))
    public = (monitor.get("locations") or {}).get("public") or []
    private = (monitor.get("locations") or {}).get("private") or []
    if not public and not private:
        problems.append(problem("at least one location is required"))
    unknown = [code for code in public if code not in PUBLIC_LOCATIONS]
    if unknown:
        problems.append(problem(f"unknown locations {unknown}"))
    return problems


def locations(given: Mapping[str, Any] | None) -> dict[str, list[str]]:
    """A monitor's `locations` as NerdGraph answers them: both lists, empty when not given."""
    return {
        "public": list((given or {}).get("public") or []),
        "private": list((given or {}).get("private") or []),
    }


def cert_check_problems(monitor: Mapping[str, Any]) -> list[dict[str, str]]:
    """The payload errors for a certificate check's input (merged with the monitor on update)."""
    problems = common_problems(monitor)
    domain = monitor.get("domain")
    if not isinstance(domain, str) or not domain or "://" in domain or " " in domain:
        problems.append(problem(f"invalid domain {domain!r}"))
    days = monitor.get("numberDaysToFailBeforeCertExpires")
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        problems.append(problem(f"numberDaysToFailBeforeCertExpires {days!r}"))
    runtime = monitor.get("runtime") or {}
    if (runtime.get("runtimeType"), runtime.get("runtimeTypeVersion")) not in CERT_CHECK_RUNTIMES:
        problems.append(problem(BAD_RUNTIME))
    return problems


def new_cert_check(
    given: Mapping[str, Any], guid: str, monitor_id: str, now_millis: int
) -> dict[str, Any]:
    """The stored certificate check for a valid create input."""
    return {
        "guid": guid,
        "id": monitor_id,
        "monitorType": "CERT_CHECK",
        "name": given["name"],
        "domain": given["domain"],
        "numberDaysToFailBeforeCertExpires": given["numberDaysToFailBeforeCertExpires"],
        "period": given["period"],
        "status": given["status"],
        "locations": locations(given.get("locations")),
        "runtime": _runtime(given["runtime"]),
        "tags": copy.deepcopy(list(given.get("tags") or [])),
        "createdAt": now_millis,
        "modifiedAt": now_millis,
    }


def updated_cert_check(
    current: Mapping[str, Any], given: Mapping[str, Any], now_millis: int
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """(the monitor with the update applied, the payload errors): absent fields stay."""
    merged = copy.deepcopy(dict(current))
    for key, value in given.items():
        if key == "locations":
            merged["locations"] = {
                **merged["locations"],
                **{k: list(v) for k, v in (value or {}).items() if v},
            }
        elif value is not None:
            merged[key] = copy.deepcopy(value)
    problems = cert_check_problems(merged)
    merged["runtime"] = _runtime(merged.get("runtime") or {})
    merged["modifiedAt"] = now_millis
    return merged, problems


def cert_check_result(
    monitor: Mapping[str, Any] | None, errors: list[dict[str, str]]
) -> dict[str, Any]:
    """SyntheticsCertCheckMonitorCreateMutationResult (and the update's, the same shape)."""
    if monitor is None:
        return {"errors": errors, "monitor": None}
    node = {"__typename": "SyntheticsCertCheckMonitor", **copy.deepcopy(dict(monitor))}
    return {"errors": errors, "monitor": node}


def cert_check_entity_tags(monitor: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The entity tags the provider reads a certificate check back from (module docstring);
    the monitor's own tags follow them."""
    runtime = monitor["runtime"]
    return [
        {"key": "domain", "values": [monitor["domain"]]},
        {
            "key": "daysUntilExpiration",
            "values": [str(monitor["numberDaysToFailBeforeCertExpires"])],
        },
        {"key": "runtimeType", "values": [runtime["runtimeType"]]},
        {"key": "runtimeTypeVersion", "values": [runtime["runtimeTypeVersion"]]},
    ]


def _runtime(given: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "runtimeType": given.get("runtimeType"),
        "runtimeTypeVersion": given.get("runtimeTypeVersion"),
    }
