"""The NerdGraph double answers newrelic-client-go's own query texts, keeps state, and refuses.

The queries are newrelic-client-go's constants, copied verbatim into
tests/data/newrelic_client_go_queries.json (its `_source` names the version and files). The
variables are shaped as the client's Go structs marshal them (pkg/alerts/nrql_conditions.go,
pkg/synthetics/types.go, pkg/notifications/types.go, pkg/workflows/types.go), with the values the
project's NewRelicPagerDutyChannel sets.
"""

import gzip
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any, cast

import pytest
from graphql import IntrospectionQuery, build_client_schema, graphql_sync

from components.newrelic.channel import NewRelicPagerDutyChannel
from e2e.doubles.nerdgraph import NerdGraphDouble
from tests.support import TESTS, run_component

QUERIES: dict[str, str] = json.loads(
    (TESTS / "data" / "newrelic_client_go_queries.json").read_text()
)
API_KEY = "NRAK-E2EDOUBLETESTKEY000000000"
INTEGRATION_KEY = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def nerdgraph() -> Iterator[NerdGraphDouble]:
    with NerdGraphDouble() as double:
        yield double


def call(
    double: NerdGraphDouble,
    query: str,
    variables: dict[str, Any],
    *,
    api_key: str | None = API_KEY,
    compress: bool = False,
) -> tuple[int, dict[str, Any]]:
    body = json.dumps({"query": query, "variables": variables}).encode()
    headers = {"Content-Type": "application/json"}
    if api_key is not None:
        headers["Api-Key"] = api_key
    if compress:  # the client gzips bodies over 150 bytes (internal/http/compress.go)
        body = gzip.compress(body)
        headers["Content-Encoding"] = "gzip"
    request = urllib.request.Request(double.url + "/graphql", data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def ok(double: NerdGraphDouble, name: str, variables: dict[str, Any]) -> dict[str, Any]:
    status, body = call(double, QUERIES[name], variables, compress=True)
    assert status == 200, body
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def create_policy(double: NerdGraphDouble, name: str = "example-live") -> str:
    data = ok(
        double,
        "alertsPolicyCreatePolicy",
        {
            "accountID": double.account_id,
            "policy": {"name": name, "incidentPreference": "PER_POLICY"},
        },
    )
    policy_id: str = data["alertsPolicyCreate"]["id"]
    return policy_id


CONDITION: dict[str, Any] = {
    "description": "More than 5% of the web transactions failed for 5 minutes.",
    "enabled": True,
    "name": "example-live: error rate above 5%",
    "nrql": {"query": "SELECT percentage(count(*), WHERE error IS true) FROM Transaction"},
    "terms": [
        {
            "operator": "ABOVE",
            "priority": "CRITICAL",
            "threshold": 5,
            "thresholdDuration": 300,
            "thresholdOccurrences": "ALL",
        }
    ],
    "violationTimeLimitSeconds": 259200,
    "expiration": {
        "closeViolationsOnExpiration": False,
        "openViolationOnExpiration": False,
        "ignoreOnExpectedTermination": False,
    },
    "signal": {
        "aggregationWindow": 60,
        "fillOption": "NONE",
        "fillValue": None,
        "aggregationMethod": "EVENT_FLOW",
        "aggregationDelay": 120,
    },
}


def test_policy_round_trip_with_the_clients_queries(nerdgraph: NerdGraphDouble) -> None:
    policy_id = create_policy(nerdgraph)
    read = ok(
        nerdgraph,
        "alertPolicyQueryPolicy",
        {"accountID": nerdgraph.account_id, "policyID": policy_id},
    )
    policy = read["actor"]["account"]["alerts"]["policy"]
    assert policy == {
        "id": policy_id,
        "name": "example-live",
        "incidentPreference": "PER_POLICY",
        "accountId": nerdgraph.account_id,
        "entityGuid": policy["entityGuid"],
    }
    ok(
        nerdgraph,
        "alertsPolicyUpdatePolicy",
        {
            "accountID": nerdgraph.account_id,
            "policyID": policy_id,
            "policy": {"name": "renamed", "incidentPreference": "PER_CONDITION"},
        },
    )
    assert nerdgraph.policies[policy_id]["name"] == "renamed"
    assert nerdgraph.policies[policy_id]["incidentPreference"] == "PER_CONDITION"
    ok(
        nerdgraph,
        "alertPolicyDeletePolicy",
        {"accountID": nerdgraph.account_id, "policyID": policy_id},
    )
    assert nerdgraph.policies == {}


def test_missing_policy_is_not_found_as_the_client_detects_it(nerdgraph: NerdGraphDouble) -> None:
    # alertPoliciesErrorResponse.IsNotFound (pkg/alerts/policies.go): message "Not Found" with
    # code BAD_USER_INPUT; the provider then drops the policy from state.
    status, body = call(
        nerdgraph,
        QUERIES["alertPolicyQueryPolicy"],
        {"accountID": nerdgraph.account_id, "policyID": "999"},
    )
    assert status == 200
    assert body["data"]["actor"]["account"]["alerts"]["policy"] is None
    [error] = body["errors"]
    assert error["message"] == "Not Found"
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["path"] == ["actor", "account", "alerts", "policy"]


def test_policy_without_name_is_refused(nerdgraph: NerdGraphDouble) -> None:
    status, body = call(
        nerdgraph,
        QUERIES["alertsPolicyCreatePolicy"],
        {"accountID": nerdgraph.account_id, "policy": {"incidentPreference": "PER_POLICY"}},
    )
    assert status == 200
    assert body["data"]["alertsPolicyCreate"] is None
    assert body["errors"][0]["extensions"]["validationErrors"][0]["name"] == "name"
    assert nerdgraph.policies == {}


def test_static_condition_reads_back_with_the_apis_defaults(nerdgraph: NerdGraphDouble) -> None:
    policy_id = create_policy(nerdgraph)
    created = ok(
        nerdgraph,
        "createNrqlConditionStaticMutation",
        {"accountId": nerdgraph.account_id, "policyId": policy_id, "condition": CONDITION},
    )["alertsNrqlConditionStaticCreate"]
    read = ok(
        nerdgraph,
        "getNrqlConditionQuery",
        {"accountId": nerdgraph.account_id, "id": created["id"]},
    )["actor"]["account"]["alerts"]["nrqlCondition"]
    assert read == created
    assert read["policyId"] == policy_id
    assert read["type"] == "STATIC"
    assert read["terms"][0]["threshold"] == 5
    assert read["terms"][0]["prediction"] is None  # selected in `... on AlertsNrqlStaticCondition`
    assert read["signal"]["evaluationDelay"] is None
    assert read["expiration"]["expirationDuration"] is None


def test_condition_update_replaces_terms_and_delete_removes_it(nerdgraph: NerdGraphDouble) -> None:
    policy_id = create_policy(nerdgraph)
    condition_id = ok(
        nerdgraph,
        "createNrqlConditionStaticMutation",
        {"accountId": nerdgraph.account_id, "policyId": policy_id, "condition": CONDITION},
    )["alertsNrqlConditionStaticCreate"]["id"]
    terms = [{**CONDITION["terms"][0], "threshold": 10}]
    ok(
        nerdgraph,
        "updateNrqlConditionStaticMutation",
        {
            "accountId": nerdgraph.account_id,
            "id": condition_id,
            "condition": {**CONDITION, "terms": terms, "runbookUrl": ""},
        },
    )
    assert nerdgraph.conditions[condition_id]["terms"][0]["threshold"] == 10
    ok(
        nerdgraph,
        "deleteConditionMutation",
        {"accountId": nerdgraph.account_id, "id": condition_id},
    )
    _, body = call(
        nerdgraph,
        QUERIES["getNrqlConditionQuery"],
        {"accountId": nerdgraph.account_id, "id": condition_id},
    )
    assert "Not Found" in body["errors"][0]["message"]


def test_condition_needs_an_existing_policy_and_a_critical_term(nerdgraph: NerdGraphDouble) -> None:
    _, body = call(
        nerdgraph,
        QUERIES["createNrqlConditionStaticMutation"],
        {"accountId": nerdgraph.account_id, "policyId": "404", "condition": CONDITION},
    )
    assert body["errors"][0]["message"] == "Not Found"
    policy_id = create_policy(nerdgraph)
    warning_only = [{**CONDITION["terms"][0], "priority": "WARNING"}]
    _, body = call(
        nerdgraph,
        QUERIES["createNrqlConditionStaticMutation"],
        {
            "accountId": nerdgraph.account_id,
            "policyId": policy_id,
            "condition": {**CONDITION, "terms": warning_only},
        },
    )
    assert body["errors"][0]["extensions"]["validationErrors"][0]["name"] == "terms"
    assert nerdgraph.conditions == {}


def test_deleting_a_policy_deletes_its_conditions(nerdgraph: NerdGraphDouble) -> None:
    policy_id = create_policy(nerdgraph)
    ok(
        nerdgraph,
        "createNrqlConditionStaticMutation",
        {"accountId": nerdgraph.account_id, "policyId": policy_id, "condition": CONDITION},
    )
    ok(
        nerdgraph,
        "alertPolicyDeletePolicy",
        {"accountID": nerdgraph.account_id, "policyID": policy_id},
    )
    assert nerdgraph.conditions == {}


MONITOR = {
    "name": "example.pantheonsite.io",
    "period": "EVERY_5_MINUTES",
    "status": "ENABLED",
    "uri": "https://example.pantheonsite.io",
    "locations": {"public": ["US_EAST_1", "EU_WEST_2"]},
    "advancedOptions": {"useTlsValidation": True},
}


def test_ping_monitor_reads_back_as_the_entity_the_provider_maps(
    nerdgraph: NerdGraphDouble,
) -> None:
    created = ok(
        nerdgraph,
        "SyntheticsCreateSimpleMonitorMutation",
        {"accountId": nerdgraph.account_id, "monitor": MONITOR},
    )["syntheticsCreateSimpleMonitor"]
    assert created["errors"] == []
    monitor = created["monitor"]
    assert monitor["locations"]["public"] == ["US_EAST_1", "EU_WEST_2"]
    assert monitor["advancedOptions"]["useTlsValidation"] is True
    # The whole getEntityQuery (hundreds of fragments): the SyntheticMonitorEntity one applies.
    entity = ok(nerdgraph, "getEntityQuery", {"guid": monitor["guid"]})["actor"]["entity"]
    assert entity["__typename"] == "SyntheticMonitorEntity"
    assert entity["monitorId"] == monitor["id"]
    assert entity["monitorType"] == "SIMPLE"
    assert entity["monitoredUrl"] == MONITOR["uri"]
    assert entity["period"] == 5
    assert entity["monitorSummary"]["status"] == "ENABLED"
    tags = {t["key"]: t["values"] for t in entity["tags"]}
    # The labels terraform-provider-newrelic's syntheticsPublicLocationsMap maps back to codes.
    assert tags["publicLocation"] == ["Washington, DC, USA", "London, England, UK"]
    assert tags["useTlsValidation"] == ["true"]


def test_ping_monitor_update_and_delete(nerdgraph: NerdGraphDouble) -> None:
    guid = ok(
        nerdgraph,
        "SyntheticsCreateSimpleMonitorMutation",
        {"accountId": nerdgraph.account_id, "monitor": MONITOR},
    )["syntheticsCreateSimpleMonitor"]["monitor"]["guid"]
    updated = ok(
        nerdgraph,
        "SyntheticsUpdateSimpleMonitorMutation",
        {"guid": guid, "monitor": {**MONITOR, "period": "EVERY_15_MINUTES"}},
    )["syntheticsUpdateSimpleMonitor"]
    assert updated["monitor"]["period"] == "EVERY_15_MINUTES"
    ok(nerdgraph, "SyntheticsDeleteMonitorMutation", {"guid": guid})
    assert ok(nerdgraph, "getEntityQuery", {"guid": guid})["actor"]["entity"] is None


def test_ping_monitor_with_unknown_location_is_refused_in_the_payload(
    nerdgraph: NerdGraphDouble,
) -> None:
    result = ok(
        nerdgraph,
        "SyntheticsCreateSimpleMonitorMutation",
        {
            "accountId": nerdgraph.account_id,
            "monitor": {**MONITOR, "locations": {"public": ["AWS_US_EAST_1"]}},
        },
    )["syntheticsCreateSimpleMonitor"]
    assert result["monitor"] is None
    assert "AWS_US_EAST_1" in result["errors"][0]["description"]
    assert nerdgraph.monitors == {}


def _introspection(cut: dict[str, Any]) -> IntrospectionQuery:
    """newrelic-client-go's schema.json (tutone's form, which leaves out empty and default
    entries) as the standard introspection result graphql-core builds a schema from."""

    def ref(type_ref: dict[str, Any]) -> dict[str, Any]:
        inner = type_ref.get("ofType")
        return {
            "kind": type_ref["kind"],
            "name": type_ref.get("name"),
            "ofType": ref(inner) if inner else None,
        }

    def value(entry: dict[str, Any]) -> dict[str, Any]:
        return {**entry, "type": ref(entry["type"]), "defaultValue": entry.get("defaultValue")}

    def field(entry: dict[str, Any]) -> dict[str, Any]:
        return {
            **entry,
            "type": ref(entry["type"]),
            "args": [value(a) for a in entry.get("args") or []],
            "isDeprecated": entry.get("isDeprecated", False),
            "deprecationReason": entry.get("deprecationReason"),
        }

    def named(entry: dict[str, Any]) -> dict[str, Any]:
        kind = entry["kind"]
        return {
            **entry,
            "description": entry.get("description"),
            "fields": [field(f) for f in entry.get("fields") or []]
            if kind in ("OBJECT", "INTERFACE")
            else None,
            "inputFields": [value(f) for f in entry.get("inputFields") or []]
            if kind == "INPUT_OBJECT"
            else None,
            "interfaces": list(entry.get("interfaces") or []) if kind == "OBJECT" else None,
            "enumValues": entry.get("enumValues") if kind == "ENUM" else None,
            "possibleTypes": entry.get("possibleTypes"),
        }

    roots = [cut["queryType"], cut["mutationType"]]
    introspection = {
        "__schema": {
            "queryType": {"name": cut["queryType"]["name"]},
            "mutationType": {"name": cut["mutationType"]["name"]},
            "subscriptionType": None,
            "types": [named(t) for t in [*roots, *cut["types"]]],
            "directives": [],
        }
    }
    return cast(IntrospectionQuery, introspection)


# The part of NerdGraph's schema the certificate check's mutations use, cut from
# newrelic-client-go's schema.json (its `_source`; scripts/nerdgraph_schema_slice.py).
NERDGRAPH_SCHEMA = build_client_schema(
    _introspection(json.loads((TESTS / "data" / "nerdgraph_schema_slice.json").read_text()))
)


def schema_checked(name: str, variables: dict[str, Any], data: dict[str, Any]) -> None:
    """The client's query is valid in NerdGraph's schema, the variables the provider sends
    coerce to its input types, and the double's answer is one the schema allows (executing the
    query over the answer gives the answer back, every enum, number and non-null as typed)."""
    result = graphql_sync(NERDGRAPH_SCHEMA, QUERIES[name], data, variable_values=variables)
    assert result.errors is None, result.errors
    assert result.data == data


# SyntheticsCreateCertCheckMonitorInput as buildSyntheticsCertCheckMonitorCreateInput fills it
# (terraform-provider-newrelic resource_newrelic_synthetics_cert_check_monitor.go) for the
# project's NewRelicPagerDutyChannel, marshalled as pkg/synthetics/types.go tags it (apdexTarget
# and tags omitempty; locations a struct, always sent).
CERT_CHECK = {
    "domain": "www.example.com",
    "locations": {"public": ["US_EAST_1", "EU_WEST_2"]},
    "name": "www.example.com certificate",
    "numberDaysToFailBeforeCertExpires": 30,
    "period": "EVERY_6_HOURS",
    "runtime": {"runtimeType": "NODE_API", "runtimeTypeVersion": "22.20.0"},
    "status": "ENABLED",
}


def create_cert_check(double: NerdGraphDouble, monitor: dict[str, Any]) -> dict[str, Any]:
    variables = {"accountId": double.account_id, "monitor": monitor}
    data = ok(double, "SyntheticsCreateCertCheckMonitorMutation", variables)
    schema_checked("SyntheticsCreateCertCheckMonitorMutation", variables, data)
    result: dict[str, Any] = data["syntheticsCreateCertCheckMonitor"]
    return result


def test_cert_check_monitor_answers_what_the_provider_sets_from_it(
    nerdgraph: NerdGraphDouble,
) -> None:
    created = create_cert_check(nerdgraph, CERT_CHECK)
    assert created["errors"] == []
    monitor = created["monitor"]
    # The create sets these attributes from the answer (monitor_id feeds the NRQL condition).
    assert monitor == {
        "createdAt": monitor["createdAt"],
        "domain": "www.example.com",
        "guid": monitor["guid"],
        "id": monitor["id"],
        "locations": {"private": [], "public": ["US_EAST_1", "EU_WEST_2"]},
        "modifiedAt": monitor["modifiedAt"],
        "name": "www.example.com certificate",
        "numberDaysToFailBeforeCertExpires": 30,
        "period": "EVERY_6_HOURS",
        "runtime": {"runtimeType": "NODE_API", "runtimeTypeVersion": "22.20.0"},
        "status": "ENABLED",
    }
    assert nerdgraph.monitors[monitor["guid"]]["monitorType"] == "CERT_CHECK"


def test_cert_check_monitor_reads_back_from_the_entity_tags_the_provider_maps(
    nerdgraph: NerdGraphDouble,
) -> None:
    monitor = create_cert_check(
        nerdgraph, {**CERT_CHECK, "tags": [{"key": "site", "values": ["example"]}]}
    )["monitor"]
    entity = ok(nerdgraph, "getEntityQuery", {"guid": monitor["guid"]})["actor"]["entity"]
    assert entity["__typename"] == "SyntheticMonitorEntity"
    assert entity["monitorType"] == "CERT_CHECK"
    assert entity["monitorId"] == monitor["id"]
    assert entity["period"] == 360  # period_in_minutes, and EVERY_6_HOURS back
    assert entity["monitorSummary"]["status"] == "ENABLED"
    tags = {t["key"]: t["values"] for t in entity["tags"]}
    # getPublicLocationsFromEntityTags, getRuntimeValuesFromEntityTags and
    # getCertCheckMonitorValuesFromEntityTags (helpers_synthetics.go) read exactly these.
    assert tags["publicLocation"] == ["Washington, DC, USA", "London, England, UK"]
    assert tags["runtimeType"] == ["NODE_API"]
    assert tags["runtimeTypeVersion"] == ["22.20.0"]
    assert tags["domain"] == ["www.example.com"]
    assert tags["daysUntilExpiration"] == ["30"]
    assert tags["site"] == ["example"]
    found = ok(
        nerdgraph,
        "getEntitySearchByQuery",
        {"query": "name = 'www.example.com certificate' AND domain = 'SYNTH' AND type = 'MONITOR'"},
    )["actor"]["entitySearch"]
    assert [e["guid"] for e in found["results"]["entities"]] == [monitor["guid"]]


def test_cert_check_monitor_update_keeps_what_it_leaves_out_and_delete_removes_it(
    nerdgraph: NerdGraphDouble,
) -> None:
    guid = create_cert_check(nerdgraph, CERT_CHECK)["monitor"]["guid"]
    # buildSyntheticsCertCheckMonitorUpdateInput sends the whole configuration again.
    update = {**CERT_CHECK, "numberDaysToFailBeforeCertExpires": 14, "period": "EVERY_12_HOURS"}
    variables = {"guid": guid, "monitor": update}
    data = ok(nerdgraph, "SyntheticsUpdateCertCheckMonitorMutation", variables)
    schema_checked("SyntheticsUpdateCertCheckMonitorMutation", variables, data)
    updated = data["syntheticsUpdateCertCheckMonitor"]
    assert updated["errors"] == []
    assert updated["monitor"]["numberDaysToFailBeforeCertExpires"] == 14
    assert updated["monitor"]["period"] == "EVERY_12_HOURS"
    # SyntheticsUpdateCertCheckMonitorInput's fields are omitempty but `locations`, a struct:
    # `{}` when no list is set (pkg/synthetics/types.go). What is left out stays.
    variables = {"guid": guid, "monitor": {"locations": {}, "status": "DISABLED"}}
    data = ok(nerdgraph, "SyntheticsUpdateCertCheckMonitorMutation", variables)
    schema_checked("SyntheticsUpdateCertCheckMonitorMutation", variables, data)
    kept = data["syntheticsUpdateCertCheckMonitor"]["monitor"]
    assert kept["status"] == "DISABLED"
    assert kept["locations"]["public"] == ["US_EAST_1", "EU_WEST_2"]
    assert kept["domain"] == "www.example.com"
    entity = ok(nerdgraph, "getEntityQuery", {"guid": guid})["actor"]["entity"]
    assert {t["key"]: t["values"] for t in entity["tags"]}["daysUntilExpiration"] == ["14"]
    data = ok(nerdgraph, "SyntheticsDeleteMonitorMutation", {"guid": guid})
    schema_checked("SyntheticsDeleteMonitorMutation", {"guid": guid}, data)
    assert data["syntheticsDeleteMonitor"]["deletedGuid"] == guid
    # The provider's read then finds no entity and forgets the monitor.
    assert ok(nerdgraph, "getEntityQuery", {"guid": guid})["actor"]["entity"] is None


def test_the_components_certificate_check_is_accepted_as_the_provider_sends_it(
    nerdgraph: NerdGraphDouble,
) -> None:
    channel = run_component(
        lambda: NewRelicPagerDutyChannel(
            "site",
            {
                "serviceName": "www.example.com",
                "escalationPolicyId": "PESC123",
                "policyName": "www.example.com",
                "siteUrl": "https://www.example.com/",
                "certificateMonitor": {
                    "domain": "www.example.com",
                    "daysBeforeExpiry": 14,
                    "locations": ["US_EAST_1"],
                },
            },
        ),
        ["serviceId"],
    )
    (registered,) = channel.of_type("newrelic:synthetics/certCheckMonitor:CertCheckMonitor")
    inputs = registered.inputs
    # buildSyntheticsCertCheckMonitorCreateInput: the bridge's input names to the input type's.
    monitor = {
        "domain": inputs["domain"],
        "locations": {"public": inputs["locationsPublics"]},
        "name": inputs["name"],
        "numberDaysToFailBeforeCertExpires": inputs["certificateExpiration"],
        "period": inputs["period"],
        "runtime": {
            "runtimeType": inputs["runtimeType"],
            "runtimeTypeVersion": inputs["runtimeTypeVersion"],
        },
        "status": inputs["status"],
    }
    created = create_cert_check(nerdgraph, monitor)
    assert created["errors"] == []
    assert created["monitor"]["runtime"] == monitor["runtime"]


@pytest.mark.parametrize(
    ("change", "description"),
    [
        # No runtime_type configured: the provider still sends two empty strings (legacy).
        (
            {"runtime": {"runtimeType": "", "runtimeTypeVersion": ""}},
            "Runtime values are invalid combination.",
        ),
        # TestSyntheticsCertCheckMonitor_IncorrectRuntimeError (synthetics_api_integration_test.go).
        (
            {
                "runtime": {
                    "runtimeType": "INVALID_RUNTIME",
                    "runtimeTypeVersion": "INVALID_RUNTIME",
                }
            },
            "Runtime values are invalid combination.",
        ),
        (
            {"runtime": {"runtimeType": "NODE_API", "runtimeTypeVersion": "10"}},
            "Runtime values are invalid combination.",
        ),
        ({"domain": "https://www.example.com"}, "invalid domain 'https://www.example.com'"),
        ({"numberDaysToFailBeforeCertExpires": 0}, "numberDaysToFailBeforeCertExpires 0"),
        ({"locations": {"public": ["AWS_US_EAST_1"]}}, "unknown locations ['AWS_US_EAST_1']"),
    ],
)
def test_cert_check_monitor_refusals_are_payload_errors_the_provider_prints(
    nerdgraph: NerdGraphDouble, change: dict[str, Any], description: str
) -> None:
    result = create_cert_check(nerdgraph, {**CERT_CHECK, **change})
    assert result["monitor"] is None
    assert result["errors"] == [{"description": description, "type": "BAD_REQUEST"}]
    assert nerdgraph.monitors == {}


def test_cert_check_period_outside_the_schemas_enum_is_refused(nerdgraph: NerdGraphDouble) -> None:
    monitor = {**CERT_CHECK, "period": "EVERY_2_HOURS"}
    variables = {"accountId": nerdgraph.account_id, "monitor": monitor}
    # NerdGraph refuses it while coercing the variables (SyntheticsMonitorPeriod), before the
    # mutation runs; the double, without the schema, answers it as a payload error.
    assert graphql_sync(
        NERDGRAPH_SCHEMA,
        QUERIES["SyntheticsCreateCertCheckMonitorMutation"],
        {},
        variable_values=variables,
    ).errors
    result = ok(nerdgraph, "SyntheticsCreateCertCheckMonitorMutation", variables)
    assert result["syntheticsCreateCertCheckMonitor"]["errors"] == [
        {"description": "period 'EVERY_2_HOURS'", "type": "BAD_REQUEST"}
    ]
    assert nerdgraph.monitors == {}


def test_cert_check_update_of_a_missing_or_ping_monitor_is_not_found(
    nerdgraph: NerdGraphDouble,
) -> None:
    ping = ok(
        nerdgraph,
        "SyntheticsCreateSimpleMonitorMutation",
        {"accountId": nerdgraph.account_id, "monitor": MONITOR},
    )["syntheticsCreateSimpleMonitor"]["monitor"]["guid"]
    for guid in (ping, "MTIzfFNZTlRIfE1PTklUT1J8bm9uZQ"):
        variables = {"guid": guid, "monitor": {"locations": {}, "status": "DISABLED"}}
        data = ok(nerdgraph, "SyntheticsUpdateCertCheckMonitorMutation", variables)
        schema_checked("SyntheticsUpdateCertCheckMonitorMutation", variables, data)
        assert data["syntheticsUpdateCertCheckMonitor"] == {
            "errors": [{"description": "Monitor not found", "type": "NOT_FOUND"}],
            "monitor": None,
        }
    assert nerdgraph.monitors[ping]["status"] == "ENABLED"


def test_entity_search_finds_the_seeded_apm_app_by_exact_name(nerdgraph: NerdGraphDouble) -> None:
    guid = nerdgraph.seed_apm_application("example (live)")
    nerdgraph.seed_apm_application("example (test)")

    def search(name: str) -> list[dict[str, Any]]:
        # As data_source_newrelic_entity.go builds it (quotes escaped with a backslash).
        query = f"name = '{name}' AND domain = 'APM' AND type = 'APPLICATION'"
        data = ok(
            nerdgraph,
            "getEntitySearchByQuery",
            {"query": query, "options": {"caseSensitiveTagMatching": False}, "sortBy": []},
        )
        found: list[dict[str, Any]] = data["actor"]["entitySearch"]["results"]["entities"]
        return found

    [app] = search("example (live)")
    assert app["guid"] == guid
    assert app["__typename"] == "ApmApplicationEntityOutline"
    assert app["accountId"] == nerdgraph.account_id
    assert search("no such app") == []


def test_entity_search_unescapes_quotes(nerdgraph: NerdGraphDouble) -> None:
    nerdgraph.seed_apm_application("Joe's site")
    data = ok(
        nerdgraph,
        "getEntitySearchByQuery",
        {"query": "name = 'Joe\\'s site' AND domain = 'APM' AND type = 'APPLICATION'"},
    )
    assert data["actor"]["entitySearch"]["count"] == 1


def pagerduty_path(double: NerdGraphDouble) -> tuple[str, str, str]:
    """Destination, channel and workflow as the component creates them."""
    destination = ok(
        double,
        "AiNotificationsCreateDestinationMutation",
        {
            "accountId": double.account_id,
            "destination": {
                "name": "Example (PagerDuty)",
                "type": "PAGERDUTY_SERVICE_INTEGRATION",
                "properties": [
                    {"key": "source", "label": "terraform-source-internal", "value": "terraform"},
                    {"key": "", "value": ""},
                ],
                "auth": {
                    "type": "TOKEN",
                    "token": {"prefix": "Token token=", "token": INTEGRATION_KEY},
                },
            },
        },
    )["aiNotificationsCreateDestination"]["destination"]
    channel = ok(
        double,
        "AiNotificationsCreateChannelMutation",
        {
            "accountId": double.account_id,
            "channel": {
                "name": "Example (PagerDuty)",
                "type": "PAGERDUTY_SERVICE_INTEGRATION",
                "product": "IINT",
                "destinationId": destination["id"],
                "properties": [{"key": "summary", "value": "{{ annotations.title.[0] }}"}],
            },
        },
    )["aiNotificationsCreateChannel"]["channel"]
    workflow = ok(
        double,
        "AiWorkflowsCreateWorkflowMutation",
        {
            "accountId": double.account_id,
            "createWorkflowData": {
                "name": "example-live to PagerDuty",
                "workflowEnabled": True,
                "destinationsEnabled": True,
                "enrichmentsEnabled": True,
                "mutingRulesHandling": "DONT_NOTIFY_FULLY_MUTED_ISSUES",
                "destinationConfigurations": [
                    {
                        "channelId": channel["id"],
                        "notificationTriggers": ["ACTIVATED", "ACKNOWLEDGED", "CLOSED"],
                    }
                ],
                "issuesFilter": {
                    "name": "example-live policy",
                    "type": "FILTER",
                    "predicates": [
                        {
                            "attribute": "labels.policyIds",
                            "operator": "EXACTLY_MATCHES",
                            "values": ["1000001"],
                        }
                    ],
                },
            },
        },
    )["aiWorkflowsCreateWorkflow"]
    assert workflow["errors"] == []
    return destination["id"], channel["id"], workflow["workflow"]["id"]


def test_notification_path_reads_back_by_id_filter(nerdgraph: NerdGraphDouble) -> None:
    destination_id, channel_id, workflow_id = pagerduty_path(nerdgraph)
    account = nerdgraph.account_id
    [destination] = ok(
        nerdgraph,
        "getDestinationsQueryAccount",
        {"accountID": account, "filters": {"id": destination_id}},
    )["actor"]["account"]["aiNotifications"]["destinations"]["entities"]
    assert destination["auth"] == {"authType": "TOKEN", "prefix": "Token token="}
    assert destination["properties"][0]["key"] == "source"
    [channel] = ok(
        nerdgraph, "getChannelsQuery", {"accountID": account, "filters": {"id": channel_id}}
    )["actor"]["account"]["aiNotifications"]["channels"]["entities"]
    assert channel["destinationId"] == destination_id
    assert channel["product"] == "IINT"
    [workflow] = ok(
        nerdgraph, "getWorkflowsQuery", {"accountID": account, "filters": {"id": workflow_id}}
    )["actor"]["account"]["aiWorkflows"]["workflows"]["entities"]
    [configuration] = workflow["destinationConfigurations"]
    assert configuration["channelId"] == channel_id
    assert configuration["type"] == "PAGERDUTY_SERVICE_INTEGRATION"
    assert configuration["notificationTriggers"] == ["ACTIVATED", "ACKNOWLEDGED", "CLOSED"]
    assert workflow["issuesFilter"]["predicates"][0]["values"] == ["1000001"]


def test_integration_key_is_never_kept_or_answered(nerdgraph: NerdGraphDouble) -> None:
    pagerduty_path(nerdgraph)
    assert INTEGRATION_KEY not in json.dumps(nerdgraph.state())
    assert INTEGRATION_KEY not in json.dumps(nerdgraph.requests)
    [destination] = nerdgraph.destinations.values()
    assert destination["auth"]["tokenSha256"]  # checkable without the key in the clear


def test_destination_in_use_cannot_be_deleted(nerdgraph: NerdGraphDouble) -> None:
    destination_id, channel_id, workflow_id = pagerduty_path(nerdgraph)
    account = nerdgraph.account_id
    refused = ok(
        nerdgraph,
        "AiNotificationsDeleteChannelMutation",
        {"accountId": account, "channelId": channel_id},
    )["aiNotificationsDeleteChannel"]
    assert refused["ids"] == []
    assert refused["error"]["type"] == "ENTITY_IN_USE"
    ok(
        nerdgraph,
        "AiWorkflowsDeleteWorkflowMutation",
        {"accountId": account, "deleteChannels": False, "id": workflow_id},
    )
    ok(
        nerdgraph,
        "AiNotificationsDeleteChannelMutation",
        {"accountId": account, "channelId": channel_id},
    )
    deleted = ok(
        nerdgraph,
        "AiNotificationsDeleteDestinationMutation",
        {"accountId": account, "destinationId": destination_id},
    )["aiNotificationsDeleteDestination"]
    assert deleted["ids"] == [destination_id]
    assert (nerdgraph.destinations, nerdgraph.channels, nerdgraph.workflows) == ({}, {}, {})


def test_workflow_update_keeps_the_filter_id(nerdgraph: NerdGraphDouble) -> None:
    _, channel_id, workflow_id = pagerduty_path(nerdgraph)
    filter_id = nerdgraph.workflows[workflow_id]["issuesFilter"]["id"]
    updated = ok(
        nerdgraph,
        "AiWorkflowsUpdateWorkflowMutation",
        {
            "accountId": nerdgraph.account_id,
            "deleteUnusedChannels": False,
            "updateWorkflowData": {
                "id": workflow_id,
                "name": "renamed",
                "issuesFilter": {"name": "f", "type": "FILTER", "predicates": []},
            },
        },
    )["aiWorkflowsUpdateWorkflow"]
    assert updated["workflow"]["name"] == "renamed"
    assert updated["workflow"]["issuesFilter"]["id"] == filter_id
    assert updated["workflow"]["destinationConfigurations"][0]["channelId"] == channel_id


def test_unknown_operation_is_501_naming_it(nerdgraph: NerdGraphDouble) -> None:
    status, body = call(
        nerdgraph,
        "mutation($id: ID!) { alertsMutingRuleDelete(accountId: 1, id: $id) { id } }",
        {"id": "1"},
    )
    assert status == 501
    assert body["operation"] == "mutation alertsMutingRuleDelete"
    assert "alertsMutingRuleDelete" in body["errors"][0]["message"]  # what the client prints
    [entry] = nerdgraph.unimplemented
    assert entry["fields"] == ["alertsMutingRuleDelete"]


def test_head_and_options_are_answered_501_and_logged(nerdgraph: NerdGraphDouble) -> None:
    # Any method reaches the double, so the lane sees it among the unimplemented requests.
    for method in ("HEAD", "OPTIONS"):
        request = urllib.request.Request(nerdgraph.url + "/graphql", method=method)
        with pytest.raises(urllib.error.HTTPError) as raised:
            urllib.request.urlopen(request, timeout=10)
        assert raised.value.code == 501
        assert raised.value.headers["Content-Type"].startswith("application/json")
    assert [entry["unimplemented"] for entry in nerdgraph.unimplemented] == [
        "HEAD /graphql",
        "OPTIONS /graphql",
    ]


def test_unknown_nested_field_is_501_naming_its_path(nerdgraph: NerdGraphDouble) -> None:
    status, body = call(
        nerdgraph,
        "query($a: Int!) { actor { account(id: $a) { alerts { mutingRules { id } } } } }",
        {"a": nerdgraph.account_id},
    )
    assert status == 501
    assert body["operation"] == "query actor.account.alerts.mutingRules"


def test_missing_api_key_is_unauthorized_and_keys_are_not_logged(
    nerdgraph: NerdGraphDouble,
) -> None:
    status, body = call(nerdgraph, QUERIES["alertPolicyQueryPolicy"], {}, api_key=None)
    assert status == 401
    assert body["errors"][0]["extensions"]["error_code"] == "BAD_API_KEY"
    create_policy(nerdgraph)
    assert [r["api_key"] for r in nerdgraph.requests] == [False, True]
    assert API_KEY not in json.dumps(nerdgraph.requests)


def test_other_paths_are_501(nerdgraph: NerdGraphDouble) -> None:
    # The REST API (api.newrelic.com/v2) is not modelled: nothing this project uses calls it.
    request = urllib.request.Request(nerdgraph.url + "/v2/applications.json")
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=10)
    assert raised.value.code == 501
    assert nerdgraph.unimplemented[0]["path"] == "/v2/applications.json"


def test_ids_are_deterministic() -> None:
    def run() -> dict[str, Any]:
        with NerdGraphDouble() as double:
            create_policy(double)
            pagerduty_path(double)
            return double.state()

    assert run() == run()


def test_provider_config_points_every_url_setting_at_the_double(
    nerdgraph: NerdGraphDouble,
) -> None:
    config = nerdgraph.provider_config()
    assert config["newrelic:nerdgraphApiUrl"] == nerdgraph.url + "/graphql"
    urls = {key: value for key, value in config.items() if key.endswith("Url")}
    # Every URL setting of the pinned provider's config schema.
    schema = json.loads(gzip.decompress((TESTS / "schemas" / "newrelic.json.gz").read_bytes()))
    settings = {f"newrelic:{key}" for key in schema["config"]["variables"] if key.endswith("Url")}
    assert set(urls) == settings
    assert all(url.startswith(nerdgraph.url + "/") for url in urls.values())
    assert "newrelic:cacertFile" not in config  # it would make the provider ignore proxies
