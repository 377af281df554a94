"""The component package as other languages use it: the real provider host over gRPC.

`python components <engine-address>` (components/__main__.py) is started the way Pulumi starts a
plugin, against a fake engine and resource monitor served here on localhost (the SDK's
`MockMonitor` behind a grpc server, the `pulumi.runtime.proto` stubs). The test asks for the
schema, then constructs each component with camelCase inputs written by hand as a YAML program
sends them: every number a double (`failingLocations: 2.0`), since gRPC's Struct has no integers.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from concurrent import futures
from pathlib import Path
from typing import Any, NamedTuple

import grpc
import pulumi
import pytest
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.proto import (
    engine_pb2,
    engine_pb2_grpc,
    errors_pb2,
    provider_pb2,
    provider_pb2_grpc,
    resource_pb2,
    resource_pb2_grpc,
    status_pb2,
)

from tests.support import T

ROOT = Path(__file__).resolve().parents[2]
PROJECT, STACK = "pantheon-oncall", "host-test"
TIMEOUT = 30  # seconds per RPC; a hung host fails the test instead of blocking the suite


class _Mocks(pulumi.runtime.Mocks):
    """Every resource gets the id `<name>-id`; lookups return an id (and an entity GUID) named
    after their token."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        state = dict(args.inputs)
        if args.typ == T.SERVICE_INTEGRATION:
            state["integrationKey"] = "0123456789abcdef0123456789abcdef"
        return f"{args.name}-id", state

    def call(
        self, args: pulumi.runtime.MockCallArgs
    ) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        found = args.token.rsplit(":", 1)[-1]
        return {"id": f"{found}-id", "guid": f"{found}-guid"}, []


class _Monitor(MockMonitor):
    """The SDK's mock monitor, with URNs of this test's project and stack."""

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        if parent:
            type_ = parent.split("::")[2].split("$")[-1] + "$" + type_
        return f"urn:pulumi:{STACK}::{PROJECT}::{type_}::{name}"


class _MonitorService(resource_pb2_grpc.ResourceMonitorServicer):
    """`MockMonitor` served over gRPC."""

    def __init__(self, monitor: MockMonitor) -> None:
        self.monitor = monitor

    def SupportsFeature(self, request: Any, context: Any) -> Any:
        return resource_pb2.SupportsFeatureResponse(
            hasSupport=self.monitor.SupportsFeature(request).hasSupport
        )

    def GetDeploymentInfo(self, request: Any, context: Any) -> Any:
        return self.monitor.GetDeploymentInfo(request)

    def Invoke(self, request: Any, context: Any) -> Any:
        return self.monitor.Invoke(request)

    def RegisterResource(self, request: Any, context: Any) -> Any:
        return self.monitor.RegisterResource(request)

    def RegisterResourceOutputs(self, request: Any, context: Any) -> Any:
        return self.monitor.RegisterResourceOutputs(request)

    def RegisterPackage(self, request: Any, context: Any) -> Any:
        return self.monitor.RegisterPackage(request)

    def SignalAndWaitForShutdown(self, request: Any, context: Any) -> Any:
        return empty_pb2.Empty()


class _EngineService(engine_pb2_grpc.EngineServicer):
    """The engine: keeps log messages, holds the root resource."""

    def __init__(self) -> None:
        self.logs: list[str] = []
        self.root = ""

    def Log(self, request: Any, context: Any) -> Any:
        self.logs.append(request.message)
        return empty_pb2.Empty()

    def GetRootResource(self, request: Any, context: Any) -> Any:
        return engine_pb2.GetRootResourceResponse(urn=self.root)

    def SetRootResource(self, request: Any, context: Any) -> Any:
        self.root = request.urn
        return engine_pb2.SetRootResourceResponse()


class Host(NamedTuple):
    provider: Any
    monitor: MockMonitor
    address: str


@pytest.fixture(scope="module")
def host() -> Iterator[Host]:
    monitor = _Monitor(_Mocks())
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    resource_pb2_grpc.add_ResourceMonitorServicer_to_server(_MonitorService(monitor), server)
    engine_pb2_grpc.add_EngineServicer_to_server(_EngineService(), server)
    address = f"127.0.0.1:{server.add_insecure_port('127.0.0.1:0')}"
    server.start()
    plugin = subprocess.Popen(
        [sys.executable, "components", address],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert plugin.stdout is not None
        port = plugin.stdout.readline().strip()
        assert port.isdigit(), f"the host did not print its port: {plugin.stderr.read()}"  # type: ignore[union-attr]
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        yield Host(provider_pb2_grpc.ResourceProviderStub(channel), monitor, address)
        channel.close()
    finally:
        plugin.kill()
        plugin.wait()
        server.stop(None)


def construct(host: Host, component: str, name: str, inputs: dict[str, Any]) -> Any:
    properties = struct_pb2.Struct()
    properties.update(inputs)
    request = provider_pb2.ConstructRequest(
        project=PROJECT,
        stack=STACK,
        organization="organization",
        type=f"pantheon-oncall:index:{component}",
        name=name,
        inputs=properties,
        monitorEndpoint=host.address,
        dryRun=False,
    )
    return host.provider.Construct(request, timeout=TIMEOUT)


def registered(host: Host, name: str) -> list[str]:
    """The types of the resources the component `name` registered (their names start with it)."""
    return sorted(
        urn.split("::")[2].split("$")[-1]
        for urn in host.monitor.resources
        if urn.rsplit("::", 1)[-1].startswith(f"{name}-")
    )


# Hand-written, camelCase, as a YAML program would send them; numbers are doubles on the wire.
TEAM: dict[str, Any] = {
    "name": "Web Team",
    "timeZone": "America/New_York",
    "members": {
        "jane": {
            "name": "Jane Doe",
            "email": "jane@example.com",
            "phone": {"countryCode": 1.0, "number": "4155550100"},
            "notify": {"high": [{"via": "phone", "afterMinutes": 15.0}]},
            "handoff": {"via": "email", "beforeMinutes": 1440.0},
        },
        "gio": {
            "name": "Giovanni Rossi",
            "email": "gio@example.com",
            "sms": {"countryCode": 39.0, "number": "0669883712"},
            "notify": {"high": [{"via": "sms", "afterMinutes": 0.0}]},
        },
    },
    "schedules": {
        "default": {
            "name": "Default",
            "layers": [
                {
                    "name": "Weekly",
                    "members": ["jane", "gio"],
                    "start": "2026-12-07T09:00:00-05:00",
                    "rotationTurnLengthSeconds": 604800.0,
                    "restrictions": [
                        {
                            "type": "weekly_restriction",
                            "startTimeOfDay": "08:00:00",
                            "durationSeconds": 43200.0,
                            "startDayOfWeek": 6.0,
                        }
                    ],
                }
            ],
        }
    },
    "escalationPolicy": {
        "name": "Default",
        "numLoops": 1.0,
        "rules": [
            {"escalationDelayInMinutes": 15.0, "targets": [{"type": "schedule", "ref": "default"}]}
        ],
    },
}

ALERTS: dict[str, Any] = {
    "serviceName": "www.example.com",
    "escalationPolicyId": "PPOLICY",
    "policyName": "www.example.com",
    "siteUrl": "https://www.example.com/",
    "appName": "example (live)",
    "pingMonitor": {"period": "EVERY_5_MINUTES", "locations": ["US_EAST_1", "EU_WEST_2"]},
    "conditions": {
        "pingFailure": {"failingLocations": 2.0},
        "errorRate": {"percent": 5.0, "forMinutes": 5.0},
        "responseTime": {"seconds": 3.0, "forMinutes": 10.0},
    },
}

SLACK: dict[str, Any] = {
    "workspaceId": "T0123ABCD",
    "channel": {"id": "C0123ABCD"},
    "services": {"live": "PSERVICE"},
    "events": ["incident.triggered", "incident.resolved"],
}


def test_the_host_serves_the_schema_of_the_three_components(host: Host) -> None:
    response = host.provider.GetSchema(provider_pb2.GetSchemaRequest(), timeout=TIMEOUT)
    schema = json.loads(response.schema)

    assert schema["name"] == "pantheon-oncall"
    assert set(schema["resources"]) == {
        "pantheon-oncall:index:TeamOnCall",
        "pantheon-oncall:index:NewRelicPagerDutyChannel",
        "pantheon-oncall:index:SlackExtension",
    }


def test_team_on_call_accepts_doubles_and_registers_its_children(host: Host) -> None:
    response = construct(host, "TeamOnCall", "web", TEAM)

    assert response.urn.endswith("pantheon-oncall:index:TeamOnCall::web")
    assert registered(host, "web") == sorted(
        [str(T.USER)] * 2
        + [str(T.CONTACT_METHOD)] * 2
        + [str(T.NOTIFICATION_RULE)] * 2
        + [str(T.HANDOFF_RULE), str(T.SCHEDULE), str(T.ESCALATION_POLICY)]
    )
    layer = host.monitor.resources[_urn(host, "web-default")].state["layers"][0]
    assert layer["rotationTurnLengthSeconds"] == 604800
    state = rpc.deserialize_properties(response.state)
    assert set(state["userIds"]) == {"jane", "gio"}


def test_the_channel_accepts_doubles_and_returns_the_integration_key_secret(host: Host) -> None:
    response = construct(host, "NewRelicPagerDutyChannel", "alerts", ALERTS)

    assert registered(host, "alerts") == sorted(
        [
            str(T.SERVICE),
            str(T.SERVICE_INTEGRATION),
            str(T.ALERT_POLICY),
            str(T.MONITOR),
            *[str(T.NRQL_CONDITION)] * 3,
            str(T.NOTIFICATION_DESTINATION),
            str(T.NOTIFICATION_CHANNEL),
            str(T.WORKFLOW),
        ]
    )
    key = response.state.fields["integrationKey"].struct_value.fields
    assert key[rpc._special_sig_key].string_value == rpc._special_secret_sig
    assert key["value"].string_value == "0123456789abcdef0123456789abcdef"


def test_slack_extension_registers_one_connection_per_service(host: Host) -> None:
    construct(host, "SlackExtension", "slack", SLACK)

    assert registered(host, "slack") == [str(T.SLACK_CONNECTION)]


def test_a_layer_member_missing_from_members_is_an_input_property_error(host: Host) -> None:
    team = json.loads(json.dumps(TEAM))
    team["schedules"]["default"]["layers"][0]["members"].append("joe")
    team["escalationPolicy"]["numLoops"] = 2.5

    with pytest.raises(grpc.RpcError) as raised:
        construct(host, "TeamOnCall", "broken", team)

    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    errors = {(e.property_path, e.reason) for e in _input_errors(raised.value)}
    assert errors == {
        (
            "schedules.default.layers[0].members[2]",
            "no member 'joe' (members: gio, jane)",
        ),
        ("escalationPolicy.numLoops", "expected a whole number (got 2.5)"),
    }
    assert "Traceback" not in (raised.value.details() or "")
    assert not [urn for urn in host.monitor.resources if urn.endswith("::broken")]


def _urn(host: Host, name: str) -> str:
    (urn,) = [urn for urn in host.monitor.resources if urn.endswith(f"::{name}")]
    return urn


def _input_errors(error: grpc.RpcError) -> list[Any]:
    """The InputPropertiesError details of a failed call (grpc-status-details-bin)."""
    trailing = dict(error.trailing_metadata() or ())
    status = status_pb2.Status.FromString(trailing["grpc-status-details-bin"])
    details = errors_pb2.InputPropertiesError()
    assert status.details[0].Unpack(details)
    return list(details.errors)
