"""One list of credential shapes (policy/credential_shapes.toml) for the program and the policy
pack: a value the stack-file loader refuses and every problem message hides is one the pack's
plain-text guardrail refuses in a resource input, and the other way round."""

from __future__ import annotations

import tomllib

import exposure
import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncall.config import secrets
from tests.policy.test_policy import violations_of

SERVICE = "pagerduty:index/service:Service"

SAMPLES = {
    "a Pulumi access token": ["pul-" + "0123456789abcdef" * 2 + "01234567"],
    "a GitHub token": ["ghp_" + "A1b2C3d4E5" * 4, "github_pat_" + "A1b2C3d4E5_" * 4],
    "a New Relic key": ["NRAK-ABCDEFGHIJ1234567890ABCDEFG", "A1b2C3d4E5" * 3 + "A1b2C3NRAL"],
    "a Slack token or webhook": [
        "xoxb-1234567890-abcdefghij",
        "xoxe.xoxp-1-abcdefghij",
        "xapp-1-A0123456789-abcdef",
        "https://hooks.slack.com/services/T0123/B0123/abcdef",
    ],
    "a PagerDuty user API key": ["u+PlantedUserToken0A"],
    "a PagerDuty REST API key": ["y_NbAkKc66ryYTWUXYEu"],
    "a PagerDuty routing key": ["R0ABCDEFGHIJ0123456789ABCDEFGHIJ"],
    "a 32- or 40-hex key (a PagerDuty integration key, a New Relic license key)": [
        "0123456789abcdef0123456789abcdef",
        "0123456789ABCDEF0123456789ABCDEF01234567",
    ],
    "a private key": ["-----BEGIN RSA PRIVATE KEY-----"],
}
"""A credential of every shape, by the shape's name in the file."""

CREDENTIALS = [value for values in SAMPLES.values() for value in values]
ORDINARY = [
    "Example Web Team",
    "www.example.com",
    "https://live-example.pantheonsite.io/",
    "PABC123",
    "1234567",
    "example-alerts",
    "2026-12-07T09:00:00-05:00",
    "+14155550100",
    "SELECT percentage(count(*), WHERE error IS true) FROM Transaction",
    "pantheon-oncall-example-live",
    "US_EAST_1",
]


def caught_by_the_pack(value: str) -> list[str]:
    return violations_of(exposure.no_plain_text_credentials, SERVICE, description=f"ask {value}")


def test_every_shape_in_the_file_has_a_sample_here() -> None:
    shapes = tomllib.loads(exposure.SHAPES_FILE.read_text())["shapes"]
    assert secrets.SHAPES_FILE == exposure.SHAPES_FILE
    assert set(shapes) == set(SAMPLES)


@pytest.mark.parametrize(("what", "value"), [(w, v) for w, vs in SAMPLES.items() for v in vs])
def test_a_credential_of_each_shape_is_caught_by_the_program_and_the_pack(
    what: str, value: str
) -> None:
    assert secrets.looks_like_token(value)
    assert value not in secrets.redact(f"key {value} here")
    (report,) = caught_by_the_pack(value)
    assert report.startswith(f"description holds what looks like {what}, in plain text")


@pytest.mark.parametrize("value", ORDINARY)
def test_an_ordinary_value_is_caught_by_neither(value: str) -> None:
    assert not secrets.looks_like_token(value)
    assert caught_by_the_pack(value) == []


TEXT = st.lists(
    st.one_of(st.sampled_from(CREDENTIALS + ORDINARY), st.text(max_size=24)), max_size=4
).map(" ".join)


@given(TEXT)
def test_what_one_catches_the_other_catches(text: str) -> None:
    assert secrets.looks_like_token(text) == bool(caught_by_the_pack(text))
