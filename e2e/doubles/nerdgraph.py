"""NerdGraphDouble: a stateful local double of New Relic's NerdGraph API (POST /graphql).

It answers what terraform-provider-newrelic v3 (bridged by pulumi-newrelic) sends through
newrelic-client-go v2 for the resources and lookups of this project, with the fields those queries
select (newrelic-client-go: pkg/alerts/policies.go, pkg/alerts/nrql_conditions.go,
pkg/alerts/conditions.go, pkg/synthetics/synthetics_api.go, pkg/entities/entities_api.go and
entities_api_.go, pkg/notifications/notifications_api.go, pkg/workflows/workflows_api.go):

* alert policies: `alertsPolicyCreate`, `alertsPolicyUpdate`, `alertsPolicyDelete`,
  `actor.account.alerts.policy`;
* static NRQL conditions: `alertsNrqlConditionStaticCreate`, `alertsNrqlConditionStaticUpdate`,
  `alertsConditionDelete`, `actor.account.alerts.nrqlCondition`;
* the ping monitor (NerdGraph, not the REST synthetics API: the provider's
  resource_newrelic_synthetics_monitor.go calls `SyntheticsCreateSimpleMonitor`):
  `syntheticsCreateSimpleMonitor`, `syntheticsUpdateSimpleMonitor`, `syntheticsDeleteMonitor`,
  read back as an entity (`actor.entity`);
* the certificate check monitor (resource_newrelic_synthetics_cert_check_monitor.go):
  `syntheticsCreateCertCheckMonitor`, `syntheticsUpdateCertCheckMonitor`, the same delete and
  entity read (its input checks and entity tags: e2e/doubles/nerdgraph_synthetics.py);
* notification destinations and channels (`aiNotifications*`, `actor.account.aiNotifications`),
  workflows (`aiWorkflows*`, `actor.account.aiWorkflows.workflows`);
* `actor.entitySearch(query:)` as `newrelic.get_entity` builds it
  (`name = '…' AND domain = '…' AND type = '…'`, data_source_newrelic_entity.go).

Point the provider at it with `provider_config()`: `newrelic:nerdgraphApiUrl` = `<url>/graphql`
(the client uses that URL as it is: pkg/region/region.go) and the other URL settings at the
double too. The provider makes no call when it is configured (newrelic/provider_newrelic.go and
config.go build the client only; the insights client validates nothing without an insert key).

Anything else is not answered with a guess: an unknown top-level field (or an unknown field of an
object the double models strictly) gets HTTP 501 with a GraphQL `errors` entry naming it, and is
kept in `unimplemented`. The client does not retry 501 (internal/http/retry.go retries 500 and
502+). Refusals the API makes (a policy or condition that does not exist: "Not Found" with
BAD_USER_INPUT, which the client turns into NotFound; invalid input) are GraphQL errors, or the
payload `errors` list where the API puts them there (synthetics, notifications, workflows).

State (all plain dicts, shaped as NerdGraph answers): `policies`, `conditions`, `monitors` (each
with its `monitorType`, SIMPLE or CERT_CHECK), `destinations`, `channels`, `workflows` keyed by id
(monitors by GUID), `entities` (seeded APM applications). `state()` returns a deep copy.
`seed_apm_application(name, ...)` adds an APM application entity that `get_entity` finds. A
destination's secret token is never kept: only its SHA-256 (`tokenSha256`). The request log records
that an `Api-Key` header was present, never its value. Ids are counters and GUIDs are derived from
them; timestamps come from `clock`.
"""

import base64
import copy
import hashlib
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from e2e.doubles._double import FIXED_NOW, LocalDouble, Reply, Request, read_json
from e2e.doubles.graphql_exec import (
    BadQueryError,
    Executor,
    RefusalError,
    UnimplementedError,
    parse_operation,
    top_level_fields,
)
from e2e.doubles.nerdgraph_synthetics import (
    PERIOD_MINUTES,
    PUBLIC_LOCATIONS,
    cert_check_entity_tags,
    cert_check_problems,
    cert_check_result,
    common_problems,
    locations,
    new_cert_check,
    problem,
    updated_cert_check,
)

DEFAULT_ACCOUNT_ID = 1234567
NOT_FOUND = {"code": "BAD_USER_INPUT", "errorClass": "BAD_USER_INPUT"}
INCIDENT_PREFERENCES = {"PER_POLICY", "PER_CONDITION", "PER_CONDITION_AND_TARGET"}
DESTINATION_TYPES = {
    "EMAIL",
    "EVENT_BRIDGE",
    "JIRA",
    "MOBILE_PUSH",
    "PAGERDUTY_ACCOUNT_INTEGRATION",
    "PAGERDUTY_SERVICE_INTEGRATION",
    "SERVICE_NOW",
    "SERVICE_NOW_APP",
    "SLACK",
    "SLACK_COLLABORATION",
    "SLACK_LEGACY",
    "WEBHOOK",
}
# What a workflow notifies about when the input leaves notificationTriggers out (an assumption of
# the double: the API fills them, which values is not documented in the client).
DEFAULT_TRIGGERS = ["ACTIVATED", "ACKNOWLEDGED", "PRIORITY_CHANGED", "CLOSED", "OTHER_UPDATES"]
# One clause of an entity search as the provider's buildEntitySearchQuery writes it.
SEARCH_CLAUSE = re.compile(r"\s*(name|domain|type|tags\.`([^`]*)`)\s*=\s*'((?:[^'\\]|\\.)*)'\s*")
MAX_SEARCH_CLAUSES = 32


def _guid(account_id: int, domain: str, kind: str, ident: object) -> str:
    """An entity GUID as New Relic builds them: base64 of 'account|DOMAIN|TYPE|id', no padding."""
    raw = f"{account_id}|{domain}|{kind}|{ident}".encode()
    return base64.b64encode(raw).decode().rstrip("=")


def _uuid(kind: int, number: int) -> str:
    """A deterministic UUID-shaped id (destinations, channels, workflows, monitors)."""
    return f"00000000-0000-4000-8{kind:03d}-{number:012d}"


def _validation(name: str, reason: str) -> RefusalError:
    """The alerts API's validation error (the provider prints name: reason)."""
    return RefusalError(
        "Validation Error",
        {"errorClass": "BAD_USER_INPUT", "validationErrors": [{"name": name, "reason": reason}]},
    )


class NerdGraphDouble(LocalDouble):
    """Local NerdGraph at `url` + '/graphql'; see the module docstring for what it answers."""

    def __init__(
        self,
        account_id: int = DEFAULT_ACCOUNT_ID,
        clock: Callable[[], datetime] = lambda: FIXED_NOW,
    ) -> None:
        super().__init__()
        self.account_id = account_id
        self._clock = clock
        self._counter = 0
        self.policies: dict[str, dict[str, Any]] = {}
        self.conditions: dict[str, dict[str, Any]] = {}
        self.monitors: dict[str, dict[str, Any]] = {}
        self.destinations: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.workflows: dict[str, dict[str, Any]] = {}
        self.entities: dict[str, dict[str, Any]] = {}
        self.deployments: list[dict[str, Any]] = []
        self.null_fields: list[str] = []

    # -- seeding and inspection ---------------------------------------------------------------

    def seed_apm_application(
        self, name: str, guid: str | None = None, application_id: int | None = None
    ) -> str:
        """Add an APM application entity (what the stacks look up by name); returns its GUID."""
        with self._lock:
            app_id = application_id if application_id is not None else self._next()
            guid = guid or _guid(self.account_id, "APM", "APPLICATION", app_id)
            self.entities[guid] = {
                "guid": guid,
                "name": name,
                "accountId": self.account_id,
                "domain": "APM",
                "type": "APPLICATION",
                "entityType": "APM_APPLICATION_ENTITY",
                "applicationId": app_id,
                "language": "php",
                "reporting": True,
                "alertSeverity": "NOT_CONFIGURED",
                "permalink": f"https://one.newrelic.com/redirect/entity/{guid}",
                "tags": [{"key": "accountId", "values": [str(self.account_id)]}],
            }
            return guid

    def provider_config(self) -> dict[str, str]:
        """The `newrelic:` stack config that points the provider here (test stacks only).

        Every URL setting of the provider (newrelic/provider_newrelic.go) names the double, so
        a call to an API it does not model (REST v2, synthetics REST, infrastructure, insights)
        arrives here and fails with 501 instead of leaving the machine. Plain http: the client
        joins paths onto the URL as it is (newrelic-client-go pkg/region/region.go), and Go
        never sends requests for 127.0.0.1 through HTTPS_PROXY. cacertFile and
        insecureSkipVerify must stay unset: either makes the provider build a bare transport.
        """
        return {
            "newrelic:accountId": str(self.account_id),
            "newrelic:nerdgraphApiUrl": f"{self.url}/graphql",
            "newrelic:apiUrl": f"{self.url}/v2",
            "newrelic:syntheticsApiUrl": f"{self.url}/synthetics/api",
            "newrelic:infrastructureApiUrl": f"{self.url}/infra/v2",
            "newrelic:insightsInsertUrl": f"{self.url}/insights/v1/accounts",
            "newrelic:insightsQueryUrl": f"{self.url}/insights-query/v1/accounts",
        }

    def state(self) -> dict[str, Any]:
        """A deep copy of everything the double holds."""
        with self._lock:
            return copy.deepcopy(
                {
                    "accountId": self.account_id,
                    "policies": self.policies,
                    "conditions": self.conditions,
                    "monitors": self.monitors,
                    "destinations": self.destinations,
                    "channels": self.channels,
                    "workflows": self.workflows,
                    "entities": self.entities,
                }
            )

    # -- HTTP ---------------------------------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        """POST /graphql only; anything else is 501."""
        record: dict[str, Any] = {"api_key": "api-key" in request.headers}
        if request.method != "POST" or request.path.rstrip("/") != "/graphql":
            reply = self.not_implemented(request, f"{request.method} {request.path}")
            reply.record.update(record)
            return reply
        if not request.headers.get("api-key"):
            refusal = {"errors": [{"message": "Invalid API key", "extensions": _BAD_KEY}]}
            return Reply(401, refusal, record)
        payload = read_json(request.body)
        if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
            return Reply(400, {"errors": [{"message": "expected {query, variables}"}]}, record)
        try:
            operation, fragments = parse_operation(payload["query"], payload.get("operationName"))
        except BadQueryError as error:
            return Reply(400, {"errors": [{"message": str(error)}]}, record)
        kind = operation.operation.value
        record["operation"] = kind
        record["fields"] = top_level_fields(operation)
        variables = payload.get("variables") or {}
        executor = Executor(fragments, variables if isinstance(variables, dict) else {})
        root = self._mutation_root() if kind == "mutation" else self._query_root()
        try:
            data, errors = executor.run(operation, root)
        except UnimplementedError as missing:
            message = f"not implemented by the local double: {kind} {missing.path}"
            reply = self.not_implemented(request, f"{kind} {missing.path}")
            reply.body["errors"] = [{"message": message}]
            reply.record.update(record)
            return reply
        except BadQueryError as error:
            return Reply(400, {"errors": [{"message": str(error)}]}, record)
        self.null_fields.extend(executor.null_fields)
        body: dict[str, Any] = {"data": data}
        if errors:
            body["errors"] = errors
        return Reply(200, body, record)

    # -- roots --------------------------------------------------------------------------------

    def _query_root(self) -> dict[str, Any]:
        actor = {
            "__typename": "Actor",
            "account": self._account,
            "entity": lambda args: self._entity(str(args.get("guid"))),
            "entitySearch": self._entity_search,
            "organization": {
                "__typename": "Organization",
                "aiNotifications": {"destinations": self._organization_destinations},
            },
            "user": {
                "__typename": "User",
                "__lenient__": True,
                "id": 1,
                "email": "e2e@example.test",
                "name": "E2E",
            },
        }
        return {"__typename": "Query", "actor": actor}

    def _mutation_root(self) -> dict[str, Any]:
        return {
            "__typename": "Mutation",
            "alertsPolicyCreate": self._policy_create,
            "alertsPolicyUpdate": self._policy_update,
            "alertsPolicyDelete": self._policy_delete,
            "alertsNrqlConditionStaticCreate": self._condition_create,
            "alertsNrqlConditionStaticUpdate": self._condition_update,
            "alertsConditionDelete": self._condition_delete,
            "syntheticsCreateSimpleMonitor": self._monitor_create,
            "syntheticsUpdateSimpleMonitor": self._monitor_update,
            "syntheticsCreateCertCheckMonitor": self._cert_check_create,
            "syntheticsUpdateCertCheckMonitor": self._cert_check_update,
            "syntheticsDeleteMonitor": self._monitor_delete,
            "aiNotificationsCreateDestination": self._destination_create,
            "aiNotificationsUpdateDestination": self._destination_update,
            "aiNotificationsDeleteDestination": self._destination_delete,
            "aiNotificationsCreateChannel": self._channel_create,
            "aiNotificationsUpdateChannel": self._channel_update,
            "aiNotificationsDeleteChannel": self._channel_delete,
            "aiWorkflowsCreateWorkflow": self._workflow_create,
            "aiWorkflowsUpdateWorkflow": self._workflow_update,
            "aiWorkflowsDeleteWorkflow": self._workflow_delete,
            "changeTrackingCreateDeployment": self._deployment_create,
        }

    # -- change tracking ----------------------------------------------------------------------

    def _deployment_create(self, args: dict[str, Any]) -> dict[str, Any]:
        """A deploy marker on a seeded entity; `entityGuid` and `version` are required
        (ChangeTrackingDeploymentInput, newrelic-client-go pkg/changetracking/types.go)."""
        given = dict(args.get("deployment") or {})
        if given.get("entityGuid") not in self.entities:
            raise RefusalError("Entity not found", NOT_FOUND)
        if not given.get("version"):
            raise RefusalError("version can't be blank", NOT_FOUND)
        deployment = {"deploymentId": f"deployment-{self._next()}", **given}
        self.deployments.append(deployment)
        return {"__typename": "ChangeTrackingDeployment", "__lenient__": True, **deployment}

    def _account(self, args: dict[str, Any]) -> dict[str, Any]:
        self._check_account(args.get("id"))
        return {
            "__typename": "Account",
            "id": self.account_id,
            "name": "E2E account",
            "alerts": {
                "__typename": "AlertsAccountStitchedFields",
                "policy": lambda a: self._policy(a.get("id")),
                "nrqlCondition": lambda a: self._condition(a.get("id")),
            },
            "aiNotifications": {
                "__typename": "AiNotificationsAccountStitchedFields",
                "destinations": self._account_destinations,
                "channels": self._channels_query,
            },
            "aiWorkflows": {
                "__typename": "AiWorkflowsAccountStitchedFields",
                "workflows": self._workflows_query,
            },
        }

    def _check_account(self, account_id: object) -> None:
        if account_id != self.account_id:
            raise RefusalError(
                f"Account {account_id} not found or not accessible",
                {"errorClass": "FORBIDDEN"},
            )

    def _next(self) -> int:
        self._counter += 1
        return self._counter

    def _now_iso(self) -> str:
        return self._clock().strftime("%Y-%m-%dT%H:%M:%S.000Z")

    def _now_millis(self) -> int:
        return int(self._clock().timestamp() * 1000)

    # -- alert policies -----------------------------------------------------------------------

    def _policy(self, policy_id: object) -> dict[str, Any]:
        policy = self.policies.get(str(policy_id))
        if policy is None:
            raise RefusalError("Not Found", NOT_FOUND)
        return {"__typename": "AlertsPolicy", **policy}

    def _policy_create(self, args: dict[str, Any]) -> dict[str, Any]:
        self._check_account(args.get("accountId"))
        policy = args.get("policy") or {}
        _check_policy(policy)
        policy_id = str(1_000_000 + self._next())
        self.policies[policy_id] = {
            "id": policy_id,
            "name": policy["name"],
            "incidentPreference": policy.get("incidentPreference") or "PER_POLICY",
            "accountId": self.account_id,
            "entityGuid": _guid(self.account_id, "AIOPS", "POLICY", policy_id),
        }
        return self._policy(policy_id)

    def _policy_update(self, args: dict[str, Any]) -> dict[str, Any]:
        self._check_account(args.get("accountId"))
        current = self._policy(args.get("id"))
        update = args.get("policy") or {}
        merged = {**current, **{k: v for k, v in update.items() if v not in (None, "")}}
        _check_policy(merged)
        self.policies[current["id"]].update(
            name=merged["name"], incidentPreference=merged["incidentPreference"]
        )
        return self._policy(current["id"])

    def _policy_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        self._check_account(args.get("accountId"))
        policy = self._policy(args.get("id"))
        del self.policies[policy["id"]]
        # New Relic deletes a policy's conditions with it.
        for condition_id in [
            c for c, v in self.conditions.items() if v["policyId"] == policy["id"]
        ]:
            del self.conditions[condition_id]
        return {"__typename": "AlertsPolicy", "id": policy["id"]}

    # -- NRQL conditions (static) -------------------------------------------------------------

    def _condition(self, condition_id: object) -> dict[str, Any]:
        condition = self.conditions.get(str(condition_id))
        if condition is None:
            raise RefusalError("Not Found", NOT_FOUND)
        return _condition_node(condition)

    def _condition_create(self, args: dict[str, Any]) -> dict[str, Any]:
        self._check_account(args.get("accountId"))
        policy_id = str(args.get("policyId"))
        if policy_id not in self.policies:
            raise RefusalError("Not Found", NOT_FOUND)
        given = args.get("condition") or {}
        _check_condition(given)
        condition_id = str(2_000_000 + self._next())
        self.conditions[condition_id] = {
            **_condition_defaults(),
            **_condition_fields(given),
            "id": condition_id,
            "policyId": policy_id,
            "type": "STATIC",
            "entityGuid": _guid(self.account_id, "AIOPS", "CONDITION", condition_id),
        }
        return self._condition(condition_id)

    def _condition_update(self, args: dict[str, Any]) -> dict[str, Any]:
        self._check_account(args.get("accountId"))
        current = self._condition(args.get("id"))
        given = args.get("condition") or {}
        merged = {**self.conditions[current["id"]], **_condition_fields(given)}
        _check_condition(merged)
        self.conditions[current["id"]] = merged
        return self._condition(current["id"])

    def _condition_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        self._check_account(args.get("accountId"))
        condition = self._condition(args.get("id"))
        del self.conditions[condition["id"]]
        return {"__typename": "AlertsConditionDeleteResponse", "id": condition["id"]}

    # -- synthetics ping monitor --------------------------------------------------------------

    def _monitor_create(self, args: dict[str, Any]) -> dict[str, Any]:
        self._check_account(args.get("accountId"))
        given = args.get("monitor") or {}
        problems = _monitor_problems(given)
        if problems:
            return _monitor_result(None, problems)
        number = self._next()
        monitor_id = _uuid(1, number)
        guid = _guid(self.account_id, "SYNTH", "MONITOR", monitor_id)
        options = given.get("advancedOptions") or {}
        self.monitors[guid] = {
            "guid": guid,
            "id": monitor_id,
            "monitorType": "SIMPLE",
            "name": given["name"],
            "period": given["period"],
            "status": given["status"],
            "uri": given["uri"],
            "locations": locations(given.get("locations")),
            "advancedOptions": _advanced_options(options),
            "tags": list(given.get("tags") or []),
            "createdAt": self._now_millis(),
            "modifiedAt": self._now_millis(),
        }
        return _monitor_result(self.monitors[guid], [])

    def _monitor_update(self, args: dict[str, Any]) -> dict[str, Any]:
        monitor = self.monitors.get(str(args.get("guid")))
        if monitor is None or monitor["monitorType"] != "SIMPLE":
            return _monitor_result(
                None, [{"type": "NOT_FOUND", "description": "Monitor not found"}]
            )
        given = args.get("monitor") or {}
        merged = {**monitor, **{k: v for k, v in given.items() if v is not None}}
        problems = _monitor_problems(merged)
        if problems:
            return _monitor_result(None, problems)
        merged["locations"] = locations(merged.get("locations"))
        if given.get("advancedOptions") is not None:
            merged["advancedOptions"] = _advanced_options(given["advancedOptions"])
        merged["modifiedAt"] = self._now_millis()
        self.monitors[monitor["guid"]] = merged
        return _monitor_result(merged, [])

    def _monitor_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        guid = str(args.get("guid"))
        if guid not in self.monitors:
            raise RefusalError(f"Monitor {guid} not found", {"errorClass": "NOT_FOUND"})
        del self.monitors[guid]
        return {"__typename": "SyntheticsMonitorDeleteMutationResult", "deletedGuid": guid}

    # -- synthetics certificate check monitor (e2e/doubles/nerdgraph_synthetics.py) -----------

    def _cert_check_create(self, args: dict[str, Any]) -> dict[str, Any]:
        self._check_account(args.get("accountId"))
        given = args.get("monitor") or {}
        problems = cert_check_problems(given)
        if problems:
            return cert_check_result(None, problems)
        monitor_id = _uuid(1, self._next())
        guid = _guid(self.account_id, "SYNTH", "MONITOR", monitor_id)
        self.monitors[guid] = new_cert_check(given, guid, monitor_id, self._now_millis())
        return cert_check_result(self.monitors[guid], [])

    def _cert_check_update(self, args: dict[str, Any]) -> dict[str, Any]:
        monitor = self.monitors.get(str(args.get("guid")))
        if monitor is None or monitor["monitorType"] != "CERT_CHECK":
            return cert_check_result(
                None, [{"type": "NOT_FOUND", "description": "Monitor not found"}]
            )
        merged, problems = updated_cert_check(
            monitor, args.get("monitor") or {}, self._now_millis()
        )
        if problems:
            return cert_check_result(None, problems)
        self.monitors[monitor["guid"]] = merged
        return cert_check_result(merged, [])

    # -- entities -----------------------------------------------------------------------------

    def _entity(self, guid: str) -> dict[str, Any] | None:
        """The entity with that GUID (an APM app or a monitor), or null as NerdGraph answers."""
        if guid in self.entities:
            return {**_app_outline(self.entities[guid]), "__typename": "ApmApplicationEntity"}
        monitor = self.monitors.get(guid)
        if monitor is None:
            return None
        return self._monitor_entity(monitor)

    def _monitor_entity(self, monitor: Mapping[str, Any]) -> dict[str, Any]:
        # One tag per key, its values a list (New Relic's entity tags).
        tags = [
            {
                "key": "publicLocation",
                "values": [PUBLIC_LOCATIONS[code] for code in monitor["locations"]["public"]],
            }
        ]
        kind = monitor["monitorType"]
        if kind == "CERT_CHECK":
            tags.extend(cert_check_entity_tags(monitor))
        else:
            options = monitor["advancedOptions"]
            tags.append(
                {"key": "useTlsValidation", "values": [str(options["useTlsValidation"]).lower()]}
            )
            if options.get("responseValidationText"):
                tags.append(
                    {
                        "key": "responseValidationText",
                        "values": [options["responseValidationText"]],
                    }
                )
        tags.extend({"key": t["key"], "values": list(t["values"])} for t in monitor["tags"])
        return {
            "__typename": "SyntheticMonitorEntity",
            "__implements__": ["Entity", "EntityOutline", "AlertableEntity"],
            "__lenient__": True,
            "guid": monitor["guid"],
            "name": monitor["name"],
            "accountId": self.account_id,
            "domain": "SYNTH",
            "type": "MONITOR",
            "entityType": "SYNTHETIC_MONITOR_ENTITY",
            "monitorId": monitor["id"],
            "monitorType": kind,
            # A certificate check has no URL; NerdGraph's field is nullable.
            "monitoredUrl": monitor.get("uri"),
            "period": PERIOD_MINUTES[monitor["period"]],
            "monitorSummary": {"__lenient__": True, "status": monitor["status"]},
            "reporting": True,
            "tags": tags,
        }

    def _entity_search(self, args: dict[str, Any]) -> dict[str, Any]:
        query = args.get("query")
        if not isinstance(query, str) or args.get("queryBuilder") is not None:
            raise UnimplementedError("actor.entitySearch without a query string")
        clauses = _search_clauses(query)
        candidates = [_app_outline(app) for app in self.entities.values()]
        candidates += [
            {**self._monitor_entity(m), "__typename": "SyntheticMonitorEntityOutline"}
            for m in self.monitors.values()
        ]
        found = [entity for entity in candidates if _matches_search(entity, clauses)]
        return {
            "__typename": "EntitySearch",
            "__lenient__": True,
            "count": len(found),
            "query": query,
            "results": {
                "__typename": "EntitySearchResult",
                "entities": found,
                "nextCursor": None,
            },
        }

    # -- notification destinations ------------------------------------------------------------

    def _scope_account(self, args: Mapping[str, Any]) -> None:
        scope = args.get("scope")
        if scope is not None:
            if scope.get("type") != "ACCOUNT":
                raise UnimplementedError(f"destination scope {scope.get('type')}")
            self._check_account(int(scope.get("id")))
        else:
            self._check_account(args.get("accountId"))

    def _destination_create(self, args: dict[str, Any]) -> dict[str, Any]:
        self._scope_account(args)
        given = args.get("destination") or {}
        problems = _destination_problems(given, creating=True)
        if problems:
            return {"destination": None, "error": problems[0], "errors": problems}
        destination_id = _uuid(2, self._next())
        self.destinations[destination_id] = {
            "id": destination_id,
            "guid": _guid(self.account_id, "AIOPS", "DESTINATION", destination_id),
            "accountId": self.account_id,
            "name": given["name"],
            "type": given["type"],
            "active": given.get("active", True) is not False,
            "properties": _properties(given.get("properties")),
            "auth": _auth(given.get("auth")),
            "scope": {"id": str(self.account_id), "type": "ACCOUNT"},
            "createdAt": self._now_iso(),
            "updatedAt": self._now_iso(),
        }
        return {"destination": self._destination_node(destination_id), "error": None, "errors": []}

    def _destination_node(self, destination_id: str) -> dict[str, Any]:
        stored = self.destinations[destination_id]
        auth = stored["auth"]
        return {
            "__typename": "AiNotificationsDestination",
            "__lenient__": True,
            **{k: v for k, v in stored.items() if k != "auth"},
            "auth": None if auth is None else {k: v for k, v in auth.items() if k != "tokenSha256"},
            "isUserAuthenticated": False,
            "lastSent": None,
            "secureUrl": None,
            "status": "DEFAULT",
            "updatedBy": 1,
            "properties": [_property_node(p) for p in stored["properties"]],
        }

    def _destination_update(self, args: dict[str, Any]) -> dict[str, Any]:
        self._scope_account(args)
        destination_id = str(args.get("destinationId"))
        if destination_id not in self.destinations:
            return {"destination": None, "error": _NOT_FOUND_ERROR, "errors": [_NOT_FOUND_ERROR]}
        given = args.get("destination") or {}
        problems = _destination_problems(given, creating=False)
        if problems:
            return {"destination": None, "error": problems[0], "errors": problems}
        stored = self.destinations[destination_id]
        if given.get("name"):
            stored["name"] = given["name"]
        if given.get("properties") is not None:
            stored["properties"] = _properties(given["properties"])
        if given.get("auth") is not None:
            stored["auth"] = _auth(given["auth"])
        if given.get("disableAuth"):
            stored["auth"] = None
        if given.get("active") is not None:
            stored["active"] = bool(given["active"])
        stored["updatedAt"] = self._now_iso()
        return {"destination": self._destination_node(destination_id), "error": None, "errors": []}

    def _destination_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        self._scope_account(args)
        destination_id = str(args.get("destinationId"))
        if destination_id not in self.destinations:
            return {"error": _NOT_FOUND_ERROR, "errors": [_NOT_FOUND_ERROR], "ids": []}
        users = [c for c, v in self.channels.items() if v["destinationId"] == destination_id]
        if users:
            error = {
                "description": f"Destination {destination_id} is used by channels {users}",
                "details": "",
                "type": "ENTITY_IN_USE",
            }
            return {"error": error, "errors": [error], "ids": []}
        del self.destinations[destination_id]
        return {"error": None, "errors": [], "ids": [destination_id]}

    def _account_destinations(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._page(
            self.destinations, args, self._destination_node, ("id", "name", "type", "active")
        )

    def _organization_destinations(self, args: dict[str, Any]) -> dict[str, Any]:
        # Organization-scoped destinations are not modelled: there are none.
        return self._page({}, args, self._destination_node, ("id", "name", "type", "active"))

    def _page(
        self,
        items: Mapping[str, Mapping[str, Any]],
        args: Mapping[str, Any],
        node: Callable[[str], dict[str, Any]],
        known_filters: tuple[str, ...],
    ) -> dict[str, Any]:
        """One page holding every match (the double never paginates these)."""
        if args.get("cursor"):
            raise UnimplementedError(f"pagination cursor {args['cursor']!r}")
        filters = {k: v for k, v in (args.get("filters") or {}).items() if v not in (None, "")}
        unknown = sorted(set(filters) - set(known_filters))
        if unknown:
            raise UnimplementedError(f"filters {unknown}")
        found = [
            node(key)
            for key, item in items.items()
            if all(item.get(name) == value for name, value in filters.items())
        ]
        return {
            "entities": found,
            "error": None,
            "errors": [],
            "nextCursor": None,
            "totalCount": len(found),
        }

    # -- notification channels ----------------------------------------------------------------

    def _channel_node(self, channel_id: str) -> dict[str, Any]:
        stored = self.channels[channel_id]
        return {
            "__typename": "AiNotificationsChannel",
            "__lenient__": True,
            **stored,
            "status": "DEFAULT",
            "updatedBy": 1,
            "properties": [_property_node(p) for p in stored["properties"]],
        }

    def _channel_create(self, args: dict[str, Any]) -> dict[str, Any]:
        self._check_account(args.get("accountId"))
        given = args.get("channel") or {}
        problems = self._channel_problems(given)
        if problems:
            return {"channel": None, "error": problems[0], "errors": problems}
        channel_id = _uuid(3, self._next())
        self.channels[channel_id] = {
            "id": channel_id,
            "accountId": self.account_id,
            "name": given["name"],
            "type": given["type"],
            "product": given["product"],
            "destinationId": given["destinationId"],
            "active": True,
            "properties": _properties(given.get("properties")),
            "createdAt": self._now_iso(),
            "updatedAt": self._now_iso(),
        }
        return {"channel": self._channel_node(channel_id), "error": None, "errors": []}

    def _channel_problems(self, given: Mapping[str, Any]) -> list[dict[str, Any]]:
        problems = []
        if not given.get("name"):
            problems.append(_invalid("name", "must not be blank"))
        destination = self.destinations.get(str(given.get("destinationId")))
        if destination is None:
            problems.append(_invalid("destinationId", "destination not found"))
        elif given.get("type") != destination["type"]:
            problems.append(
                _invalid("type", f"{given.get('type')} does not match the destination's type")
            )
        if not given.get("product"):
            problems.append(_invalid("product", "must not be blank"))
        return problems

    def _channel_update(self, args: dict[str, Any]) -> dict[str, Any]:
        self._check_account(args.get("accountId"))
        channel_id = str(args.get("channelId"))
        if channel_id not in self.channels:
            return {"channel": None, "error": _NOT_FOUND_ERROR, "errors": [_NOT_FOUND_ERROR]}
        given = args.get("channel") or {}
        stored = self.channels[channel_id]
        if given.get("name"):
            stored["name"] = given["name"]
        if given.get("properties") is not None:
            stored["properties"] = _properties(given["properties"])
        if given.get("active") is not None:
            stored["active"] = bool(given["active"])
        stored["updatedAt"] = self._now_iso()
        return {"channel": self._channel_node(channel_id), "error": None, "errors": []}

    def _channel_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        self._check_account(args.get("accountId"))
        channel_id = str(args.get("channelId"))
        if channel_id not in self.channels:
            return {"error": _NOT_FOUND_ERROR, "errors": [_NOT_FOUND_ERROR], "ids": []}
        users = [w for w, v in self.workflows.items() if channel_id in _channel_ids(v)]
        if users:
            error = {
                "description": f"Channel {channel_id} is used by workflows {users}",
                "details": "",
                "type": "ENTITY_IN_USE",
            }
            return {"error": error, "errors": [error], "ids": []}
        del self.channels[channel_id]
        return {"error": None, "errors": [], "ids": [channel_id]}

    def _channels_query(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._page(
            self.channels, args, self._channel_node, ("id", "name", "type", "destinationId")
        )

    # -- workflows ----------------------------------------------------------------------------

    def _workflow_node(self, workflow_id: str) -> dict[str, Any]:
        stored = self.workflows[workflow_id]
        configurations = []
        for configuration in stored["destinationConfigurations"]:
            channel = self.channels.get(configuration["channelId"], {})
            configurations.append(
                {
                    **configuration,
                    "name": channel.get("name"),
                    "type": channel.get("type"),
                }
            )
        return {
            "__typename": "AiWorkflowsWorkflow",
            "__lenient__": True,
            **stored,
            "destinationConfigurations": configurations,
            "lastRun": None,
        }

    def _workflow_problems(
        self, given: Mapping[str, Any], workflow_id: str | None
    ) -> list[dict[str, Any]]:
        problems = []
        if not given.get("name"):
            problems.append({"type": "INVALID_PARAMETER", "description": "name must not be blank"})
        issues_filter = given.get("issuesFilter")
        if not isinstance(issues_filter, Mapping) or not issues_filter.get("type"):
            problems.append({"type": "MISSING_REQUIRED_FIELD", "description": "issuesFilter"})
        for configuration in given.get("destinationConfigurations") or []:
            channel_id = configuration.get("channelId")
            if channel_id not in self.channels:
                problems.append(
                    {"type": "INVALID_PARAMETER", "description": f"channel {channel_id} not found"}
                )
            for other_id, other in self.workflows.items():
                if other_id != workflow_id and channel_id in _channel_ids(other):
                    problems.append(
                        {
                            "type": "INVALID_PARAMETER",
                            "description": f"channel {channel_id} belongs to workflow {other_id}",
                        }
                    )
        return problems

    def _workflow_create(self, args: dict[str, Any]) -> dict[str, Any]:
        self._check_account(args.get("accountId"))
        given = args.get("createWorkflowData") or {}
        problems = self._workflow_problems(given, None)
        if problems:
            return {"errors": problems, "workflow": None}
        workflow_id = _uuid(4, self._next())
        self.workflows[workflow_id] = {
            "id": workflow_id,
            "guid": _guid(self.account_id, "AIOPS", "WORKFLOW", workflow_id),
            "accountId": self.account_id,
            "name": given["name"],
            "workflowEnabled": given.get("workflowEnabled", True) is not False,
            "destinationsEnabled": given.get("destinationsEnabled", True) is not False,
            "enrichmentsEnabled": given.get("enrichmentsEnabled", True) is not False,
            "mutingRulesHandling": given.get("mutingRulesHandling") or "NOTIFY_ALL_ISSUES",
            "destinationConfigurations": _destination_configurations(given),
            "issuesFilter": self._issues_filter(given["issuesFilter"], None),
            "enrichments": self._enrichments(given.get("enrichments")),
            "createdAt": self._now_iso(),
            "updatedAt": self._now_iso(),
        }
        return {"errors": [], "workflow": self._workflow_node(workflow_id)}

    def _issues_filter(self, given: Mapping[str, Any], filter_id: str | None) -> dict[str, Any]:
        return {
            "id": filter_id or _uuid(5, self._next()),
            "accountId": self.account_id,
            "name": given.get("name"),
            "type": given.get("type"),
            "predicates": [
                {
                    "attribute": p.get("attribute"),
                    "operator": p.get("operator"),
                    "values": list(p.get("values") or []),
                }
                for p in given.get("predicates") or []
            ],
        }

    def _enrichments(self, given: Mapping[str, Any] | None) -> list[dict[str, Any]]:
        out = []
        for enrichment in (given or {}).get("nrql") or []:
            out.append(
                {
                    "id": _uuid(6, self._next()),
                    "accountId": self.account_id,
                    "name": enrichment.get("name"),
                    "type": "NRQL",
                    "configurations": [
                        {"__typename": "AiWorkflowsNrqlConfiguration", "query": c.get("query")}
                        for c in enrichment.get("configuration") or []
                    ],
                    "createdAt": self._now_iso(),
                    "updatedAt": self._now_iso(),
                }
            )
        return out

    def _workflow_update(self, args: dict[str, Any]) -> dict[str, Any]:
        self._check_account(args.get("accountId"))
        given = args.get("updateWorkflowData") or {}
        workflow_id = str(given.get("id"))
        stored = self.workflows.get(workflow_id)
        if stored is None:
            return {"errors": [{"type": "NOT_FOUND", "description": "workflow"}], "workflow": None}
        merged = {**stored, **{k: v for k, v in given.items() if v is not None}}
        problems = self._workflow_problems(merged, workflow_id)
        if problems:
            return {"errors": problems, "workflow": None}
        for key in (
            "name",
            "workflowEnabled",
            "destinationsEnabled",
            "enrichmentsEnabled",
            "mutingRulesHandling",
        ):
            if given.get(key) is not None:
                stored[key] = given[key]
        if given.get("destinationConfigurations") is not None:
            stored["destinationConfigurations"] = _destination_configurations(given)
        if given.get("issuesFilter") is not None:
            stored["issuesFilter"] = self._issues_filter(
                given["issuesFilter"], stored["issuesFilter"]["id"]
            )
        if given.get("enrichments") is not None:
            stored["enrichments"] = self._enrichments(given["enrichments"])
        stored["updatedAt"] = self._now_iso()
        return {"errors": [], "workflow": self._workflow_node(workflow_id)}

    def _workflow_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        self._check_account(args.get("accountId"))
        workflow_id = str(args.get("id"))
        stored = self.workflows.pop(workflow_id, None)
        if stored is None:
            return {"errors": [{"type": "NOT_FOUND", "description": "workflow"}], "id": None}
        if args.get("deleteChannels"):
            for channel_id in _channel_ids(stored):
                self.channels.pop(channel_id, None)
        return {"errors": [], "id": workflow_id}

    def _workflows_query(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._page(self.workflows, args, self._workflow_node, ("id", "name"))


_BAD_KEY = {"error_code": "BAD_API_KEY"}
_NOT_FOUND_ERROR = {
    "__typename": "AiNotificationsResponseError",
    "description": "Entity not found",
    "details": "",
    "type": "ENTITY_NOT_FOUND",
}


def _check_policy(policy: Mapping[str, Any]) -> None:
    if not policy.get("name"):
        raise _validation("name", "must not be blank")
    preference = policy.get("incidentPreference") or "PER_POLICY"
    if preference not in INCIDENT_PREFERENCES:
        raise _validation(
            "incidentPreference", f"{preference!r} is not one of {INCIDENT_PREFERENCES}"
        )


def _condition_defaults() -> dict[str, Any]:
    """What the API fills in when the input leaves it out (nullable fields as null)."""
    return {
        "description": None,
        "enabled": True,
        "runbookUrl": None,
        "titleTemplate": None,
        "targetEntity": None,
        "violationTimeLimit": None,
        "violationTimeLimitSeconds": 259200,
        "nrql": {"query": "", "evaluationOffset": None, "dataAccountId": None},
        "terms": [],
        "expiration": {
            "closeViolationsOnExpiration": False,
            "expirationDuration": None,
            "openViolationOnExpiration": False,
            "ignoreOnExpectedTermination": False,
        },
        "signal": {
            "aggregationWindow": 60,
            "evaluationOffset": None,
            "evaluationDelay": None,
            "fillOption": "NONE",
            "fillValue": None,
            "aggregationMethod": "EVENT_FLOW",
            "aggregationDelay": 120,
            "aggregationTimer": None,
            "slideBy": None,
        },
    }


def _condition_fields(given: Mapping[str, Any]) -> dict[str, Any]:
    """The stored fields an input sets (nested objects replaced as a whole, terms normalised)."""
    fields: dict[str, Any] = {}
    for key in (
        "name",
        "description",
        "enabled",
        "runbookUrl",
        "titleTemplate",
        "targetEntity",
        "violationTimeLimit",
        "violationTimeLimitSeconds",
    ):
        if key in given:
            fields[key] = given[key]
    if "nrql" in given:
        nrql = given["nrql"] or {}
        fields["nrql"] = {
            "query": nrql.get("query", ""),
            "evaluationOffset": nrql.get("evaluationOffset"),
            "dataAccountId": nrql.get("dataAccountId"),
        }
    if "terms" in given:
        fields["terms"] = [_term(term) for term in given["terms"] or []]
    if given.get("expiration") is not None:
        fields["expiration"] = {**_condition_defaults()["expiration"], **given["expiration"]}
    if given.get("signal") is not None:
        signal = {**_condition_defaults()["signal"], **given["signal"]}
        fields["signal"] = signal
    return fields


def _term(term: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "operator": term.get("operator"),
        "priority": term.get("priority") or "CRITICAL",
        "threshold": term.get("threshold"),
        "thresholdDuration": term.get("thresholdDuration"),
        "thresholdOccurrences": term.get("thresholdOccurrences"),
        "disableHealthStatusReporting": bool(term.get("disableHealthStatusReporting")),
        "disableEventCreation": bool(term.get("disableEventCreation")),
        "prediction": term.get("prediction"),
    }


def _check_condition(condition: Mapping[str, Any]) -> None:
    if not condition.get("name"):
        raise _validation("name", "must not be blank")
    if not (condition.get("nrql") or {}).get("query"):
        raise _validation("nrql.query", "must not be blank")
    terms = condition.get("terms") or []
    if not any((t.get("priority") or "CRITICAL") == "CRITICAL" for t in terms):
        raise _validation("terms", "a critical term is required")
    for term in terms:
        if term.get("threshold") is None:
            raise _validation("terms.threshold", "must not be null")
        if term.get("operator") not in {
            "ABOVE",
            "ABOVE_OR_EQUALS",
            "BELOW",
            "BELOW_OR_EQUALS",
            "EQUALS",
            "NOT_EQUALS",
        }:
            raise _validation("terms.operator", f"{term.get('operator')!r} is not an operator")


def _condition_node(condition: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "__typename": "AlertsNrqlStaticCondition",
        "__implements__": ["AlertsNrqlCondition"],
        **copy.deepcopy(dict(condition)),
    }


def _monitor_problems(monitor: Mapping[str, Any]) -> list[dict[str, str]]:
    problems = common_problems(monitor)
    uri = monitor.get("uri") or ""
    if not re.match(r"https?://[^/\s]+", uri):
        problems.insert(0 if monitor.get("name") else 1, problem(f"uri {uri!r} is not a URL"))
    return problems


def _advanced_options(options: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "responseValidationText": options.get("responseValidationText"),
        "useTlsValidation": bool(options.get("useTlsValidation")),
        "redirectIsFailure": bool(options.get("redirectIsFailure")),
        "shouldBypassHeadRequest": bool(options.get("shouldBypassHeadRequest")),
    }


def _monitor_result(monitor: Mapping[str, Any] | None, errors: list[dict[str, str]]) -> dict:
    if monitor is None:
        return {"errors": errors, "monitor": None}
    node = {
        "__typename": "SyntheticsSimpleMonitor",
        "__lenient__": True,
        **copy.deepcopy(dict(monitor)),
        "browsers": [],
        "devices": [],
        "runtime": None,
    }
    node["advancedOptions"] = {
        "__lenient__": True,
        "enableScreenshotOnFailureAndScript": None,
        **node["advancedOptions"],
    }
    return {"errors": errors, "monitor": node}


def _app_outline(app: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "__typename": "ApmApplicationEntityOutline",
        "__implements__": ["EntityOutline", "AlertableEntityOutline", "Entity"],
        "__lenient__": True,
        **copy.deepcopy(dict(app)),
        "indexedAt": None,
    }


def _search_clauses(query: str) -> list[tuple[str, str]]:
    """(attribute, value) pairs of `a = 'v' AND b = 'w'`; anything else is unimplemented."""
    clauses = []
    position = 0
    for _ in range(MAX_SEARCH_CLAUSES):
        match = SEARCH_CLAUSE.match(query, position)
        if match is None:
            break
        attribute = f"tags.{match.group(2)}" if match.group(2) is not None else match.group(1)
        clauses.append((attribute, re.sub(r"\\(.)", r"\1", match.group(3))))
        position = match.end()
        if query.startswith("AND", position):
            position += 3
        else:
            break
    if position != len(query) or not clauses:
        raise UnimplementedError(f"actor.entitySearch(query={query!r})")
    return clauses


def _matches_search(entity: Mapping[str, Any], clauses: list[tuple[str, str]]) -> bool:
    for attribute, value in clauses:
        if attribute.startswith("tags."):
            key = attribute[len("tags.") :]
            if not any(t["key"] == key and value in t["values"] for t in entity["tags"]):
                return False
        elif str(entity.get(attribute)) != value:
            return False
    return True


def _properties(given: object) -> list[dict[str, Any]]:
    return [
        {
            "key": p.get("key"),
            "value": p.get("value"),
            "label": p.get("label"),
            "displayValue": p.get("displayValue"),
        }
        for p in (given if isinstance(given, list) else [])
    ]


def _property_node(stored: Mapping[str, Any]) -> dict[str, Any]:
    return {"__typename": "AiNotificationsProperty", **stored}


def _auth(given: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The destination's auth as NerdGraph reads it back: never the secret itself."""
    if not given:
        return None
    kind = given.get("type")
    if kind == "TOKEN":
        token = given.get("token") or {}
        secret = str(token.get("token") or "")
        return {
            "__typename": "AiNotificationsTokenAuth",
            "authType": "TOKEN",
            "prefix": token.get("prefix"),
            "tokenSha256": hashlib.sha256(secret.encode()).hexdigest(),
        }
    if kind == "BASIC":
        basic = given.get("basic") or {}
        return {
            "__typename": "AiNotificationsBasicAuth",
            "authType": "BASIC",
            "user": basic.get("user"),
        }
    raise UnimplementedError(f"destination auth type {kind}")


def _destination_problems(given: Mapping[str, Any], creating: bool) -> list[dict[str, Any]]:
    problems = []
    if creating and not given.get("name"):
        problems.append(_invalid("name", "must not be blank"))
    if creating and given.get("type") not in DESTINATION_TYPES:
        problems.append(_invalid("type", f"{given.get('type')!r} is not a destination type"))
    auth = given.get("auth")
    needs_token = given.get("type") == "PAGERDUTY_SERVICE_INTEGRATION"
    if creating and needs_token:
        token = (auth or {}).get("token") or {}
        if (auth or {}).get("type") != "TOKEN" or not token.get("token"):
            problems.append(_invalid("auth", "a PagerDuty service integration needs its key"))
    return problems


def _invalid(field: str, message: str) -> dict[str, Any]:
    return {
        "__typename": "AiNotificationsDataValidationError",
        "details": f"{field}: {message}",
        "fields": [{"field": field, "message": message}],
    }


def _destination_configurations(given: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "channelId": c.get("channelId"),
            "notificationTriggers": list(c.get("notificationTriggers") or DEFAULT_TRIGGERS),
            "updateOriginalMessage": c.get("updateOriginalMessage", True) is not False,
        }
        for c in given.get("destinationConfigurations") or []
    ]


def _channel_ids(workflow: Mapping[str, Any]) -> list[str]:
    return [c.get("channelId") for c in workflow.get("destinationConfigurations") or []]
