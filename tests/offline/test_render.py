"""The plan a reviewer reads: references by what they point at, durations with units, the stack
file's words beside the API's, secrets structural in the data and `[secret]` in the text, and a
summary line by provider and type."""

from __future__ import annotations

import pytest

from oncall.offline import plan as planning
from oncall.offline import render
from oncall.offline.plan import Plan
from tests.support import PROJECT


@pytest.fixture(scope="module")
def live_text(plans: dict[str, Plan]) -> str:
    return planning.to_text(plans["guide-live"])


@pytest.fixture(scope="module")
def plans() -> dict[str, Plan]:
    return {s: planning.plan_stack(PROJECT, s) for s in ("guide-live", "guide-test")}


def test_a_rotation_lists_its_members_by_resource_name(live_text: str) -> None:
    assert "users: [team-joe, team-anita]" in live_text


def test_a_reference_shows_the_resource_it_points_at(live_text: str) -> None:
    assert "escalationPolicy: → team-escalation" in live_text
    assert "userId: → team-joe" in live_text
    assert "(known after apply)" not in live_text.split("Outputs:")[0]


def test_a_team_stack_output_shows_the_stack_and_output(plans: dict[str, Plan]) -> None:
    text = planning.to_text(plans["guide-test"])
    assert "escalationPolicy: → team stack team-agency: escalationPolicyId" in text


def test_durations_carry_their_units(live_text: str) -> None:
    assert "rotationTurnLengthSeconds: 604800 (1 week)" in live_text
    assert "escalationDelayInMinutes: 15 (15 min)" in live_text
    assert "notifyAdvanceInMinutes: 1440 (1 day)" in live_text
    assert 'aggregationDelay: "120" (2 min)' in live_text
    assert "startDelayInMinutes: 0 (immediately)" in live_text


def test_api_words_show_the_stack_files_word_beside_them(live_text: str) -> None:
    assert "role: limited_user (responder)" in live_text
    assert "role: user (manager)" in live_text
    assert "type: schedule_reference (schedule)" in live_text


def test_the_plan_ends_with_a_summary_by_provider_and_type(live_text: str) -> None:
    summary = live_text.rstrip().splitlines()[-1]
    assert summary.startswith("Resources: 34 to create, 0 to import; ")
    assert "pagerduty 23 (1 EscalationPolicy, 1 Schedule," in summary
    assert "3 User, 6 UserContactMethod" in summary
    assert "slack 1 (1 Conversation)" in summary


def test_the_json_plan_marks_secrets_unknowns_and_references_structurally(
    plans: dict[str, Plan],
) -> None:
    data = planning.to_data(plans["guide-live"])
    assert data["outputs"]["integrationKey"] == {"secret": True}
    # What a resource computes points at it too: the service's URL, a monitor's id in a query.
    assert data["outputs"]["serviceUrl"] == {
        "ref": {
            "type": "pagerduty:index/service:Service",
            "name": "alerts-service",
            "output": "htmlUrl",
        }
    }
    ping = next(r for r in data["resources"] if r["name"] == "alerts-ping-failure")
    assert "monitorId = '<alerts-monitor.monitorId>'" in ping["inputs"]["nrql"]["query"]
    service = next(r for r in data["resources"] if r["name"] == "alerts-service")
    assert service["inputs"]["escalationPolicy"] == {
        "ref": {
            "type": "pagerduty:index/escalationPolicy:EscalationPolicy",
            "name": "team-escalation",
        }
    }
    # A string that reads like a marker is just a string.
    assert render.value_text("name", "[secret]") == '"[secret]"'


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(604_800, "1 week"), (1_209_600, "2 weeks"), (86_400, "1 day"), (259_200, "3 days"),
     (5_400, "1 h 30 min"), (90, "1 min 30 s"), (0, "immediately")],
)  # fmt: skip
def test_duration_text(seconds: int, text: str) -> None:
    assert render.duration_text(seconds) == text


def test_flatten_keeps_a_list_of_references_as_one_value() -> None:
    inputs = {"layers": [{"users": [{"ref": {"type": "t", "name": "team-joe"}}], "name": "Weekly"}]}
    assert render.flatten(inputs) == {
        "layers[0].name": "Weekly",
        "layers[0].users": "[team-joe]",
    }
