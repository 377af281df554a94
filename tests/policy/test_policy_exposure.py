"""The pack's guardrails against exposure and a silent live site (policy/exposure.py): no
credential-shaped value in plain text in any resource input, and a live site's service pages at
high urgency. Every stack's plan passing the whole pack is tests/policy/test_policy.py's."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import exposure
import pytest
from pulumi_policy import ResourceValidationArgs
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

from tests.policy.test_policy import options, violations_of

ROOT = Path(__file__).resolve().parents[2]
SERVICE = "pagerduty:index/service:Service"
DESTINATION = "newrelic:index/notificationDestination:NotificationDestination"

TOKENS = [
    "pul-" + "0123456789abcdef" * 2 + "01234567",
    "ghp_" + "A1b2C3d4E5" * 4,
    "NRAK-" + "ABCDEFGHIJ1234567890ABCDEFG",
    "0123456789abcdef0123456789abcdef01234567",  # 40 hex: a New Relic license key
    "0123456789abcdef0123456789abcdef",  # 32 hex: a PagerDuty integration key
    "R0" + "ABCDEFGHIJ0123456789ABCDEFGHIJ",  # a PagerDuty routing key
    "xoxb-1234567890-abcdefghij",
    "-----BEGIN RSA PRIVATE KEY-----",
]


@pytest.mark.parametrize("token", TOKENS)
def test_a_credential_shaped_value_in_any_input_fails(token: str) -> None:
    found = violations_of(
        exposure.no_plain_text_credentials,
        SERVICE,
        name="shop",
        description=f"ask ops, key is {token}",
    )
    assert len(found) == 1
    assert found[0].startswith("description holds what looks like ")
    assert token not in found[0]  # the report never repeats the value


def test_a_credential_deep_in_a_nested_input_is_found_with_its_path() -> None:
    found = violations_of(
        exposure.no_plain_text_credentials,
        "newrelic:index/oneDashboard:OneDashboard",
        pages=[{"widgets": [{"title": "x", "text": TOKENS[0]}]}],
    )
    assert [m.split(" holds")[0] for m in found] == ["pages[0].widgets[0].text"]


def test_ordinary_inputs_pass() -> None:
    assert (
        violations_of(
            exposure.no_plain_text_credentials,
            SERVICE,
            name="www.example.com",
            description="New Relic alerts for https://www.example.com",
            escalationPolicy="PABC123",
            autoResolveTimeout="null",
        )
        == []
    )


def test_an_input_secret_by_design_is_not_scanned() -> None:
    # The integration key New Relic pages with: the schema marks it secret, the engine encrypts it.
    found = violations_of(
        exposure.no_plain_text_credentials,
        DESTINATION,
        type="PAGERDUTY_SERVICE_INTEGRATION",
        authToken={"prefix": "Token token=", "token": TOKENS[4]},
    )
    assert found == []


def test_unknown_values_in_a_preview_are_skipped_not_an_error() -> None:
    found = violations_of(
        exposure.no_plain_text_credentials, SERVICE, description=UNKNOWN_STRING_VALUE, name="x"
    )
    assert found == []


def test_the_secret_inputs_are_the_ones_the_provider_schema_marks_secret() -> None:
    schema = json.loads(
        gzip.decompress((ROOT / "tests" / "schemas" / "newrelic.json.gz").read_bytes())
    )

    def secret(prop: dict[str, Any]) -> bool:
        ref = prop.get("$ref") or prop.get("items", {}).get("$ref", "")
        fields = schema["types"][ref.split("#/types/", 1)[1]]["properties"] if ref else {}
        return bool(prop.get("secret")) or any(f.get("secret") for f in fields.values())

    for token, inputs in exposure.SECRET_INPUTS.items():
        properties = schema["resources"][token]["inputProperties"]
        assert inputs == {name for name, prop in properties.items() if secret(prop)}, token


# --- live-service-pages-high ----------------------------------------------------------------------


def service_in(stack: str, **props: Any) -> list[str]:
    found: list[str] = []
    args = ResourceValidationArgs(
        SERVICE,
        unknown_checking_proxy(props),
        f"urn:pulumi:{stack}::pantheon-oncall::{SERVICE}::svc",
        "svc",
        options(),
        None,
    )

    def report(message: str, urn: str | None = None) -> None:
        found.append(message)

    exposure.live_service_pages_high(args, report)
    return found


LOW = {"type": "constant", "urgency": "low"}
HOURS_LOW = {
    "type": "use_support_hours",
    "duringSupportHours": {"type": "constant", "urgency": "low"},
    "outsideSupportHours": {"type": "constant", "urgency": "low"},
}


@pytest.mark.parametrize("rule", [LOW, HOURS_LOW])
@pytest.mark.parametrize("stack", ["shop-live", "live"])
def test_a_live_service_that_does_not_page_high_fails(stack: str, rule: dict[str, Any]) -> None:
    assert service_in(stack, incidentUrgencyRule=rule) == [
        "incidentUrgencyRule pages at low urgency on a live site: nobody is woken and nothing "
        'escalates; use urgency "high" (the live preset)'
    ]


@pytest.mark.parametrize(
    "rule",
    [
        None,  # PagerDuty's default: high
        {"type": "constant", "urgency": "high"},
        {"type": "constant", "urgency": "severity_based"},
        {**HOURS_LOW, "outsideSupportHours": {"type": "constant", "urgency": "high"}},
    ],
)
def test_a_live_service_that_pages_high_passes(rule: dict[str, Any] | None) -> None:
    assert service_in("shop-live", incidentUrgencyRule=rule) == []


@pytest.mark.parametrize("stack", ["shop-test", "shop-dev", "shop-live-copy", "olive"])
def test_other_environments_may_page_low(stack: str) -> None:
    assert service_in(stack, incidentUrgencyRule=LOW) == []
