"""The component package as other Pulumi languages see it: the schema the SDK's analyzer infers.

`components/__main__.py` hosts the three components with `component_provider_host`, which infers
the package schema from the Args TypedDicts and output annotations. This builds that schema the
same way and checks what a TypeScript or Go user would get.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from pulumi.provider.experimental.analyzer import Analyzer
from pulumi.provider.experimental.schema import generate_schema

import components
from components import COMPONENTS, PACKAGE_NAME, VERSION

ROOT = Path(__file__).resolve().parents[2]
TOKENS = {
    "TeamOnCall": "pantheon-oncall:index:TeamOnCall",
    "NewRelicPagerDutyChannel": "pantheon-oncall:index:NewRelicPagerDutyChannel",
    "SlackExtension": "pantheon-oncall:index:SlackExtension",
}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    result = Analyzer(PACKAGE_NAME).analyze(list(COMPONENTS))
    spec = generate_schema(
        PACKAGE_NAME,
        VERSION,
        None,
        result["component_definitions"],
        result["type_definitions"],
        sorted(result["dependencies"], key=lambda d: f"{d.name}{d.version}"),
    )
    return spec.to_json()


def test_the_package_publishes_exactly_the_three_components(schema: dict[str, Any]) -> None:
    assert schema["name"] == "pantheon-oncall"
    assert set(schema["resources"]) == set(TOKENS.values())
    assert all(r["isComponent"] for r in schema["resources"].values())


@pytest.mark.parametrize(
    ("component", "required", "outputs"),
    [
        (
            "TeamOnCall",
            {"name", "timeZone", "members", "escalationPolicy"},
            {"escalationPolicyId", "scheduleIds", "userIds", "teamId"},
        ),
        (
            "NewRelicPagerDutyChannel",
            {"serviceName", "escalationPolicyId", "policyName", "siteUrl"},
            {
                "serviceId",
                "serviceUrl",
                "integrationKey",
                "policyId",
                "monitorId",
                "workflowId",
                "changeEventsRoutingKey",
            },
        ),
        (
            "SlackExtension",
            {"workspaceId", "channel", "services", "events"},
            {"channelId", "connectionIds"},
        ),
    ],
)
def test_each_component_has_its_required_inputs_and_documented_outputs(
    schema: dict[str, Any], component: str, required: set[str], outputs: set[str]
) -> None:
    resource = schema["resources"][TOKENS[component]]

    assert set(resource["requiredInputs"]) == required
    assert set(resource["properties"]) == outputs
    for name, prop in resource["properties"].items():
        assert prop.get("description"), f"{component}.{name} has no description"


def _undocumented(properties: dict[str, Any], where: str) -> list[str]:
    return [f"{where}.{name}" for name, p in properties.items() if not p.get("description")]


def test_every_input_and_every_nested_field_is_documented(schema: dict[str, Any]) -> None:
    missing: list[str] = []
    for token, resource in schema["resources"].items():
        missing += _undocumented(resource["inputProperties"], token)
    for token, type_ in schema["types"].items():
        missing += _undocumented(type_.get("properties", {}), token)

    assert missing == []


def test_layers_and_escalation_rules_are_lists_and_members_are_maps(
    schema: dict[str, Any],
) -> None:
    team = schema["resources"][TOKENS["TeamOnCall"]]["inputProperties"]
    schedule = schema["types"]["pantheon-oncall:index:ScheduleArgs"]["properties"]
    policy = schema["types"]["pantheon-oncall:index:EscalationPolicyArgs"]["properties"]

    assert team["members"]["type"] == "object"
    assert schedule["layers"]["type"] == "array"
    assert policy["rules"]["type"] == "array"


def test_the_plugin_files_host_the_same_components() -> None:
    plugin = yaml.safe_load((ROOT / "components" / "PulumiPlugin.yaml").read_text())
    host = (ROOT / "components" / "__main__.py").read_text()

    assert plugin["runtime"]["name"] == "python"
    assert "_Provider(list(COMPONENTS), PACKAGE_NAME, version=VERSION)" in host
    assert [c.__name__ for c in components.COMPONENTS] == list(TOKENS)
