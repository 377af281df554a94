"""The PagerDuty double answers the calls terraform-provider-pagerduty makes the way the API
does: plain HTTP against a started double, the requests shaped as the provider's clients send
them (heimweh/go-pagerduty and PagerDuty/go-pagerduty, vendored in the provider)."""

from __future__ import annotations

import http.client
import json
import os
import ssl
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme
import yaml

from e2e.doubles._double import Planned
from e2e.doubles.pagerduty import PagerDutyDouble, guide_account

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "pd-double-test-token-0001"


class Client:
    """Plain urllib calls, with the provider's headers."""

    def __init__(self, url: str, token: str | None = TOKEN, host: str | None = None) -> None:
        self.url = url
        self.token = token
        self.host = host

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        headers = {"Accept": "application/vnd.pagerduty+json;version=2"}
        content_type = "application/json"
        if self.token is not None:
            headers["Authorization"] = f"Token token={self.token}"
        if self.host is not None:
            headers["Host"] = self.host
        data = None if body is None else json.dumps(body).encode()
        if data is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.url + path, data, headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                raw = response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            raw, status = error.read(), error.code
            content_type = error.headers["Content-Type"]
        # Both of the provider's clients need JSON errors to decode them.
        assert content_type == "application/json"
        return status, json.loads(raw) if raw else None

    def ok(self, method: str, path: str, body: Any = None) -> Any:
        status, answer = self.call(method, path, body)
        assert status in (200, 201, 204), (status, answer)
        return answer


@pytest.fixture
def pd() -> Iterator[PagerDutyDouble]:
    with PagerDutyDouble() as double:
        yield double


@pytest.fixture
def api(pd: PagerDutyDouble) -> Client:
    return Client(pd.url)


def new_user(api: Client, email: str = "jane@example.com", **extra: Any) -> dict[str, Any]:
    body = {"name": "Jane Doe", "email": email, "role": "user", "time_zone": "Europe/Berlin"}
    user: dict[str, Any] = api.ok("POST", "/users", {"user": body | extra})["user"]
    return user


def new_sms(api: Client, uid: str, number: str = "3125550142") -> dict[str, Any]:
    body = {"type": "sms_contact_method", "address": number, "country_code": 1, "label": "Mobile"}
    method: dict[str, Any] = api.ok(
        "POST", f"/users/{uid}/contact_methods", {"contact_method": body}
    )["contact_method"]
    return method


def rule_body(method: dict[str, Any], delay: int, urgency: str = "high") -> dict[str, Any]:
    return {
        "notification_rule": {
            "type": "assignment_notification_rule",
            "start_delay_in_minutes": delay,
            "urgency": urgency,
            "contact_method": {"id": method["id"], "type": method["type"]},
        }
    }


# --- users ----------------------------------------------------------------------------------------


def test_a_new_user_gets_the_default_email_and_an_email_at_once_rule_per_urgency(
    api: Client,
) -> None:
    user = new_user(api, description="On call", job_title="SRE")

    assert user["id"] == "P000013"  # after the license (1), 8 vendors and 3 extension schemas
    assert (user["description"], user["job_title"], user["time_zone"]) == (
        "On call",
        "SRE",
        "Europe/Berlin",
    )
    methods = api.ok("GET", f"/users/{user['id']}/contact_methods")["contact_methods"]
    assert [(m["type"], m["address"], m["label"]) for m in methods] == [
        ("email_contact_method", "jane@example.com", "Default")
    ]
    rules = api.ok("GET", f"/users/{user['id']}/notification_rules?urgency=all")
    assert [
        (r["urgency"], r["start_delay_in_minutes"], r["contact_method"]["id"])
        for r in rules["notification_rules"]
    ] == [("high", 0, methods[0]["id"]), ("low", 0, methods[0]["id"])]


def test_user_read_update_delete_as_the_provider_does(api: Client) -> None:
    uid = new_user(api)["id"]

    updated = api.ok("PUT", f"/users/{uid}", {"user": {"name": "Jane Q. Doe", "role": "admin"}})
    read = api.ok("GET", f"/users/{uid}?include[]=contact_methods")["user"]
    license_ = api.ok("GET", f"/users/{uid}/license")["license"]

    assert updated["user"]["name"] == read["name"] == "Jane Q. Doe"
    assert read["role"] == "admin"
    assert read["contact_methods"][0]["address"] == "jane@example.com"
    assert license_["type"] == "license"
    assert api.call("DELETE", f"/users/{uid}") == (204, None)
    status, answer = api.call("GET", f"/users/{uid}")
    assert (status, answer["error"]["code"]) == (404, 2100)


def test_a_second_user_with_the_same_email_in_any_case_is_refused(api: Client) -> None:
    new_user(api)

    status, answer = api.call(
        "POST", "/users", {"user": {"name": "Other", "email": "JANE@example.com"}}
    )

    # heimweh/go-pagerduty's UserService.Create compares the errors to exactly this.
    assert status == 400
    assert answer["error"]["errors"] == ["Email has already been taken"]
    assert answer["error"]["code"] == 2001


def test_the_user_list_filters_by_query_and_pages_with_limit_offset_more_total(
    api: Client,
) -> None:
    for n in range(5):
        new_user(api, f"user{n}@example.com")

    first = api.ok("GET", "/users?limit=2&offset=0&total=true")
    last = api.ok("GET", "/users?limit=2&offset=4")
    found = api.ok("GET", "/users?query=USER3%40example")

    assert [u["email"] for u in first["users"]] == ["user0@example.com", "user1@example.com"]
    assert (first["limit"], first["offset"], first["more"], first["total"]) == (2, 0, True, 5)
    assert ([u["email"] for u in last["users"]], last["more"], last["total"]) == (
        ["user4@example.com"],
        False,
        None,
    )
    assert [u["email"] for u in found["users"]] == ["user3@example.com"]


# --- contact methods and rules --------------------------------------------------------------------


def test_contact_method_create_read_update_delete(api: Client) -> None:
    uid = new_user(api)["id"]
    method = new_sms(api, uid)
    path = f"/users/{uid}/contact_methods/{method['id']}"

    update = {"contact_method": {"type": "sms_contact_method", "address": "3125550199"}}
    api.ok("PUT", path, update)
    read = api.ok("GET", path)["contact_method"]

    assert (read["address"], read["country_code"], read["label"], read["enabled"]) == (
        "3125550199",
        1,
        "Mobile",
        True,
    )
    assert api.call("DELETE", path) == (204, None)
    assert api.call("GET", path)[0] == 404


def test_a_duplicate_contact_method_is_refused_with_the_text_the_provider_matches(
    api: Client,
) -> None:
    uid = new_user(api)["id"]
    new_sms(api, uid)

    status, answer = api.call(
        "POST",
        f"/users/{uid}/contact_methods",
        {
            "contact_method": {
                "type": "sms_contact_method",
                "address": "3125550142",
                "country_code": 1,
                "label": "Other",
            }
        },
    )
    login = api.call(
        "POST",
        f"/users/{uid}/contact_methods",
        {
            "contact_method": {
                "type": "email_contact_method",
                "address": "jane@example.com",
                "label": "Work",
            }
        },
    )

    assert status == 400
    assert answer["error"]["errors"] == ["User Contact method must be unique"]
    assert login[0] == 400
    # The same digits as a phone (another type) or in another country are other methods.
    other_country = {"type": "sms_contact_method", "address": "3125550142", "country_code": 44}
    assert (
        api.call(
            "POST",
            f"/users/{uid}/contact_methods",
            {"contact_method": other_country | {"label": "x"}},
        )[0]
        == 201
    )


def test_a_rule_with_the_start_delay_of_another_on_that_method_and_urgency_is_refused(
    api: Client,
) -> None:
    uid = new_user(api)["id"]
    sms = new_sms(api, uid)
    api.ok("POST", f"/users/{uid}/notification_rules", rule_body(sms, 0))

    again = api.call("POST", f"/users/{uid}/notification_rules", rule_body(sms, 0))
    low = api.call("POST", f"/users/{uid}/notification_rules", rule_body(sms, 0, "low"))
    later = api.call("POST", f"/users/{uid}/notification_rules", rule_body(sms, 5))

    assert again[0] == 400
    assert again[1]["error"]["errors"] == [
        "Channel Start delay must be unique for a given contact method"
    ]
    assert low[0] == later[0] == 201
    moved = api.call(
        "PUT",
        f"/users/{uid}/notification_rules/{later[1]['notification_rule']['id']}",
        rule_body(sms, 0),
    )
    assert moved[0] == 400


def test_notification_rules_list_high_urgency_unless_asked_for_low_or_all(api: Client) -> None:
    uid = new_user(api)["id"]
    sms = new_sms(api, uid)
    api.ok("POST", f"/users/{uid}/notification_rules", rule_body(sms, 10, "low"))

    def listed(query: str) -> list[tuple[str, int]]:
        rules = api.ok("GET", f"/users/{uid}/notification_rules{query}")["notification_rules"]
        return [(r["urgency"], r["start_delay_in_minutes"]) for r in rules]

    assert listed("") == [("high", 0)]
    assert listed("?urgency=high") == [("high", 0)]
    assert listed("?urgency=low") == [("low", 0), ("low", 10)]
    assert listed("?urgency=all") == [("high", 0), ("low", 0), ("low", 10)]
    assert api.call("GET", f"/users/{uid}/notification_rules?urgency=urgent")[0] == 400


def test_rule_read_update_delete_and_a_deleted_method_takes_its_rules(api: Client) -> None:
    uid = new_user(api)["id"]
    sms = new_sms(api, uid)
    rule = api.ok("POST", f"/users/{uid}/notification_rules", rule_body(sms, 0))
    path = f"/users/{uid}/notification_rules/{rule['notification_rule']['id']}"

    api.ok("PUT", path, rule_body(sms, 3))
    read = api.ok("GET", path)["notification_rule"]

    # Read back as the program sent it: the plain type, not "_reference" (the provider stores it).
    assert read["contact_method"]["type"] == "sms_contact_method"
    assert read["start_delay_in_minutes"] == 3
    api.ok("DELETE", f"/users/{uid}/contact_methods/{sms['id']}")
    assert api.call("GET", path)[0] == 404


def test_handoff_rule_takes_the_reference_type_and_reads_back_the_plain_one(api: Client) -> None:
    uid = new_user(api)["id"]
    email = api.ok("GET", f"/users/{uid}/contact_methods")["contact_methods"][0]
    body = {
        "oncall_handoff_notification_rule": {
            "handoff_type": "oncall",
            "notify_advance_in_minutes": 1440,
            "contact_method": {"id": email["id"], "type": "email_contact_method_reference"},
        }
    }

    base = f"/users/{uid}/oncall_handoff_notification_rules"
    made = api.ok("POST", base, body)
    path = f"{base}/{made['oncall_handoff_notification_rule']['id']}"
    body["oncall_handoff_notification_rule"]["handoff_type"] = "both"
    api.ok("PUT", path, body)
    read = api.ok("GET", path)["oncall_handoff_notification_rule"]

    assert (read["handoff_type"], read["notify_advance_in_minutes"]) == ("both", 1440)
    assert read["contact_method"]["type"] == "email_contact_method"
    assert api.call("DELETE", path) == (204, None)
    assert api.call("GET", path)[0] == 404


# --- teams, schedules, policies, services ---------------------------------------------------------


def schedule_body(uids: list[str], team: str | None = None) -> dict[str, Any]:
    layers = [
        {
            "name": "Backstop",
            "start": "2026-11-02T00:00:00-06:00",
            # Go's time.Time.String(), as resource_pagerduty_schedule.go sends it.
            "rotation_virtual_start": "2026-11-02 06:00:00 +0000 UTC",
            "rotation_turn_length_seconds": 604800,
            "users": [{"user": {"id": uids[0], "type": "user"}}],
        },
        {
            "name": "Weekly",
            "start": "2026-12-07T15:00:00Z",
            "rotation_virtual_start": "2026-12-07 15:00:00 +0000 UTC",
            "rotation_turn_length_seconds": 604800,
            "users": [{"user": {"id": u, "type": "user"}} for u in uids],
            "restrictions": [
                {
                    "type": "weekly_restriction",
                    "start_time_of_day": "08:00:00",
                    "start_day_of_week": 6,
                    "duration_seconds": 43200,
                }
            ],
        },
    ]
    teams = [] if team is None else [{"id": team, "type": "team_reference"}]
    return {
        "schedule": {
            "name": "Primary",
            "time_zone": "America/Chicago",
            "description": "d",
            "schedule_layers": layers,
            "teams": teams,
        }
    }


def test_a_schedule_lists_the_last_layer_first_in_its_own_time_zone(api: Client) -> None:
    uids = [new_user(api, f"u{n}@example.com")["id"] for n in range(2)]

    made = api.ok("POST", "/schedules?overflow=true", schedule_body(uids))["schedule"]
    read = api.ok("GET", f"/schedules/{made['id']}")["schedule"]

    assert [layer["name"] for layer in read["schedule_layers"]] == ["Weekly", "Backstop"]
    backstop = read["schedule_layers"][1]
    assert backstop["start"] == "2026-11-02T00:00:00-06:00"
    assert backstop["rotation_virtual_start"] == "2026-11-02T00:00:00-06:00"
    assert read["schedule_layers"][0]["start"] == "2026-12-07T09:00:00-06:00"
    assert read["schedule_layers"][0]["restrictions"][0]["start_day_of_week"] == 6
    # The provider dereferences final_schedule without a check.
    assert read["final_schedule"]["name"] == "Final Schedule"
    assert [u["id"] for u in read["users"]] == uids


def test_a_schedule_update_keeps_layer_ids_it_is_sent(api: Client) -> None:
    uids = [new_user(api, f"u{n}@example.com")["id"] for n in range(2)]
    made = api.ok("POST", "/schedules", schedule_body(uids))["schedule"]
    body = schedule_body(list(reversed(uids)))
    for sent, shown in zip(
        body["schedule"]["schedule_layers"], reversed(made["schedule_layers"]), strict=True
    ):
        sent["id"] = shown["id"]

    updated = api.ok("PUT", f"/schedules/{made['id']}", body)["schedule"]

    assert [layer["id"] for layer in updated["schedule_layers"]] == [
        layer["id"] for layer in made["schedule_layers"]
    ]
    assert [u["user"]["id"] for u in updated["schedule_layers"][0]["users"]] == uids[::-1]


def test_policy_service_integration_and_the_refusals_that_keep_them_consistent(
    api: Client,
) -> None:
    uids = [new_user(api, f"u{n}@example.com")["id"] for n in range(2)]
    team = api.ok("POST", "/teams", {"team": {"name": "Ops", "description": "d"}})["team"]
    api.ok("PUT", f"/teams/{team['id']}/users/{uids[0]}", {"role": "manager"})
    schedule = api.ok("POST", "/schedules", schedule_body(uids, team["id"]))["schedule"]
    policy = api.ok(
        "POST",
        "/escalation_policies",
        {
            "escalation_policy": {
                "name": "Escalation",
                "num_loops": 2,
                "teams": [{"id": team["id"], "type": "team_reference"}],
                "escalation_rules": [
                    {
                        "escalation_delay_in_minutes": 15,
                        "targets": [{"id": schedule["id"], "type": "schedule_reference"}],
                    },
                    {
                        "escalation_delay_in_minutes": 20,
                        "targets": [{"id": uids[0], "type": "user_reference"}],
                    },
                ],
            }
        },
    )["escalation_policy"]

    plain = api.ok("GET", f"/escalation_policies/{policy['id']}")["escalation_policy"]
    strategies = api.ok(
        "GET",
        f"/escalation_policies/{policy['id']}?include[]=escalation_rule_assignment_strategies",
    )["escalation_policy"]
    assert "escalation_rule_assignment_strategy" not in plain["escalation_rules"][0]
    assert strategies["escalation_rules"][0]["escalation_rule_assignment_strategy"] == {
        "type": "assign_to_everyone"
    }
    assert [t["type"] for r in plain["escalation_rules"] for t in r["targets"]] == [
        "schedule_reference",
        "user_reference",
    ]

    ep_ref = {"id": policy["id"], "type": "escalation_policy_reference"}
    service = api.ok(
        "POST",
        "/services",
        {
            "service": {
                "name": "Site",
                "escalation_policy": ep_ref,
                "auto_resolve_timeout": None,
                "acknowledgement_timeout": 600,
            }
        },
    )["service"]
    default = api.ok("POST", "/services", {"service": {"name": "B", "escalation_policy": ep_ref}})
    read = api.ok(
        "GET", f"/services/{service['id']}?include[]=auto_pause_notifications_parameters"
    )["service"]
    assert (read["auto_resolve_timeout"], read["acknowledgement_timeout"]) == (None, 600)
    assert (
        default["service"]["auto_resolve_timeout"],
        default["service"]["acknowledgement_timeout"],
    ) == (14400, 1800)
    assert read["escalation_policy"]["id"] == policy["id"]
    assert read["teams"][0]["id"] == team["id"]
    assert read["auto_pause_notifications_parameters"] == {"enabled": False, "timeout": None}

    vendor = api.ok("GET", "/vendors?limit=100")["vendors"]
    new_relic = next(v for v in vendor if v["name"] == "New Relic")
    integration = api.ok(
        "POST",
        f"/services/{service['id']}/integrations",
        {"integration": {"name": "New Relic", "vendor": {"id": new_relic["id"], "type": "vendor"}}},
    )["integration"]
    got = api.ok("GET", f"/services/{service['id']}/integrations/{integration['id']}")
    assert len(got["integration"]["integration_key"]) == 32
    assert got["integration"]["vendor"]["id"] == new_relic["id"]

    in_use = api.call("DELETE", f"/schedules/{schedule['id']}")
    assert in_use[1]["error"]["errors"] == [
        "Schedule can't be deleted if it's being used by escalation policies"
    ]
    assert api.call("DELETE", f"/escalation_policies/{policy['id']}")[0] == 400
    refused = api.call("DELETE", f"/teams/{team['id']}/users/{uids[0]}")
    assert refused[1]["error"]["errors"] == [
        "User cannot be removed as they belong to an escalation policy on this team"
    ]
    duplicate = api.call(
        "POST", "/services", {"service": {"name": "Site", "escalation_policy": ep_ref}}
    )
    assert duplicate[0] == 400

    for path in (
        f"/services/{service['id']}/integrations/{integration['id']}",
        f"/services/{service['id']}",
        f"/services/{default['service']['id']}",
        f"/escalation_policies/{policy['id']}",
        f"/schedules/{schedule['id']}",
    ):
        assert api.call("DELETE", path) == (204, None), path
        assert api.call("GET", path)[0] == 404, path
    assert api.call("DELETE", f"/teams/{team['id']}/users/{uids[0]}") == (204, None)
    assert api.ok("GET", f"/teams/{team['id']}/members")["members"] == []
    assert api.call("DELETE", f"/teams/{team['id']}") == (204, None)
    assert api.call("GET", f"/teams/{team['id']}")[0] == 404


def test_team_members_page_like_the_provider_reads_them(api: Client) -> None:
    team = api.ok("POST", "/teams", {"team": {"name": "Ops"}})["team"]
    uids = [new_user(api, f"u{n}@example.com")["id"] for n in range(3)]
    for uid in uids:
        api.ok("PUT", f"/teams/{team['id']}/users/{uid}", {"role": "responder"})

    page = api.ok("GET", f"/teams/{team['id']}/members?limit=2&offset=2")

    assert [(m["user"]["id"], m["role"]) for m in page["members"]] == [(uids[2], "responder")]
    assert (page["more"], page["offset"]) == (False, 2)
    assert api.call("POST", "/teams", {"team": {"name": "Ops"}})[0] == 400


# --- Slack, lookups, protocol ---------------------------------------------------------------------


def test_slack_connection_answers_on_the_app_host_and_an_unconnected_workspace_is_404() -> None:
    with PagerDutyDouble(slack_workspaces=["T0001"]) as pd:
        api = Client(pd.url)
        app = Client(pd.url, host="app.pagerduty.com")
        uid = new_user(api)["id"]
        schedule = api.ok(
            "POST", "/schedules", schedule_body([uid, new_user(api, "x@example.com")["id"]])
        )
        policy = api.ok(
            "POST",
            "/escalation_policies",
            {
                "escalation_policy": {
                    "name": "P",
                    "escalation_rules": [
                        {
                            "escalation_delay_in_minutes": 5,
                            "targets": [
                                {"id": schedule["schedule"]["id"], "type": "schedule_reference"}
                            ],
                        }
                    ],
                }
            },
        )["escalation_policy"]
        service = api.ok(
            "POST",
            "/services",
            {"service": {"name": "S", "escalation_policy": {"id": policy["id"]}}},
        )["service"]
        connection = {
            "slack_connection": {
                "source_id": service["id"],
                "source_type": "service_reference",
                "channel_id": "C0001",
                "notification_type": "responder",
                "config": {"events": ["incident.triggered"], "priorities": ["*"], "urgency": None},
            }
        }

        made = app.ok("POST", "/integration-slack/workspaces/T0001/connections", connection)
        path = f"/integration-slack/workspaces/T0001/connections/{made['slack_connection']['id']}"
        read = app.ok("GET", path)["slack_connection"]
        elsewhere = app.call("POST", "/integration-slack/workspaces/T9999/connections", connection)

        assert (read["source_name"], read["workspace_id"], read["config"]["priorities"]) == (
            "S",
            "T0001",
            ["*"],
        )
        assert elsewhere[0] == 404
        assert app.call("DELETE", path) == (204, None)
        assert {r["host"] for r in pd.requests if "integration-slack" in r["path"]} == {
            "app.pagerduty.com"
        }


def test_the_vendor_list_pages_and_an_ability_answers_204_or_402(api: Client) -> None:
    first = api.ok("GET", "/vendors?limit=3&offset=0")
    rest = api.ok("GET", "/vendors?limit=100&offset=3")

    names = [v["name"] for v in first["vendors"] + rest["vendors"]]
    assert "New Relic" in names
    assert len(names) == len(set(names)) == 8
    assert first["more"] is True
    assert rest["more"] is False
    assert api.ok("GET", "/abilities")["abilities"][:2] == ["teams", "urgencies"]
    assert api.call("GET", "/abilities/teams") == (204, None)
    assert api.call("GET", "/abilities/sso")[0] == 402
    schemas = api.ok("GET", "/extension_schemas?limit=20&offset=0&total=true")
    assert schemas["total"] == 3


def test_an_unknown_path_is_501_naming_method_and_path_and_is_listed(pd: PagerDutyDouble) -> None:
    api = Client(pd.url)

    status, answer = api.call("POST", "/maintenance_windows", {"maintenance_window": {}})

    assert status == 501
    assert (answer["error"]["method"], answer["error"]["path"]) == ("POST", "/maintenance_windows")
    assert [(r["method"], r["path"]) for r in pd.unimplemented] == [
        ("POST", "/maintenance_windows")
    ]


def test_every_request_is_recorded_without_the_token_and_no_token_is_401(
    pd: PagerDutyDouble,
) -> None:
    Client(pd.url).call("GET", "/users?limit=5")
    status, _ = Client(pd.url, token=None).call("GET", "/users")

    assert status == 401
    assert [
        (r["method"], r["path"], r["query"], r["status"], r["authorized"]) for r in pd.requests
    ] == [
        ("GET", "/users", {"limit": ["5"]}, 200, True),
        ("GET", "/users", {}, 401, False),
    ]
    assert TOKEN not in json.dumps(pd.requests)


def test_ids_are_deterministic_across_doubles() -> None:
    def ids() -> dict[str, str]:
        with PagerDutyDouble() as pd:
            return pd.seed(guide_account())

    assert ids() == ids()


# --- the guide's account and the importer ---------------------------------------------------------


def test_the_guide_account_has_what_the_adoption_must_match(pd: PagerDutyDouble) -> None:
    ids = pd.seed(guide_account())
    state = pd.state()

    users = {u["email"]: u for u in state["users"]}
    assert all(u["description"] and u["job_title"] for u in users.values())
    priya = ids["user:priya@agency.example"]
    urgencies = sorted(
        (r["urgency"], r["contact_method"]["type"], r["start_delay_in_minutes"])
        for r in state["notification_rules"]
        if r["_user"] == priya
    )
    assert urgencies == [
        ("high", "email_contact_method", 0),
        ("high", "phone_contact_method", 15),
        ("high", "sms_contact_method", 0),
        ("low", "email_contact_method", 0),
        ("low", "sms_contact_method", 10),
    ]
    assert [h["notify_advance_in_minutes"] for h in state["handoff_rules"]] == [1440, 1440]
    (schedule,) = state["schedules"]
    (policy,) = state["escalation_policies"]
    assert schedule["teams"][0]["id"] == policy["teams"][0]["id"] == ids["team"]
    (service,) = state["services"]
    assert service["auto_resolve_timeout"] == 14400
    assert service["acknowledgement_timeout"] == 1800
    assert state["integrations"][0]["vendor"]["summary"] == "New Relic"


def test_the_importer_reads_the_guide_account_from_the_double_over_https(
    tmp_path: Path,
) -> None:
    # The importer only takes https:// (oncall/config/urls.py, url_problem), so the double serves
    # TLS with a throwaway CA the importer is told to trust.
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    out = tmp_path / "Pulumi.adopted.yaml"
    with PagerDutyDouble(ssl_context=context) as pd:
        ids = pd.seed(guide_account())
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "oncall",
                "import",
                "--team",
                ids["team"],
                "--out",
                str(out),
                "--api-url",
                pd.url,
                "--ca-file",
                str(ca_file),
            ],
            cwd=ROOT,
            env=dict(os.environ, PAGERDUTY_TOKEN=TOKEN),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        unimplemented = pd.unimplemented

    assert result.returncode == 0, result.stderr
    assert unimplemented == []
    team = yaml.safe_load(out.read_text())["config"]["pantheon-oncall:team"]
    assert team["escalation"]["importId"] == ids["escalation_policy"]
    assert team["schedules"]["agency-primary"]["importId"] == ids["schedule"]
    assert team["members"]["priya"]["importId"] == ids["user:priya@agency.example"]
    assert TOKEN not in result.stdout + result.stderr + out.read_text()


def test_a_service_orchestration_is_read_as_the_api_shows_it(
    pd: PagerDutyDouble, api: Client
) -> None:
    # GET /event_orchestrations/services/{id} (openapiv3.json, getOrchPathService): what
    # `oncall import --service` reads to warn of rules the contract cannot express.
    account = guide_account()
    rules = [{"id": "c91f72f3", "label": "Critical is P1", "conditions": [], "actions": {}}]
    account["services"][0]["orchestration"] = {"sets": [{"id": "start", "rules": rules}]}
    ids = pd.seed(account)
    sid = ids["service"]

    path = api.ok("GET", f"/event_orchestrations/services/{sid}")["orchestration_path"]
    assert path["type"] == "service"
    assert path["parent"] == {
        "id": sid,
        "self": f"https://api.pagerduty.com/service/{sid}",
        "type": "service_reference",
    }
    assert path["sets"] == [{"id": "start", "rules": rules}]
    assert path["catch_all"] == {"actions": {}}
    assert pd.state()["service_orchestrations"] == [path]

    # A service made over the API has one from the start: a "start" set without rules.
    policy = {"id": ids["escalation_policy"], "type": "escalation_policy_reference"}
    body = {"service": {"name": "Fresh", "escalation_policy": policy}}
    fresh = api.ok("POST", "/services", body)["service"]["id"]
    empty = api.ok("GET", f"/event_orchestrations/services/{fresh}")["orchestration_path"]
    assert empty["sets"] == [{"id": "start", "rules": []}]

    api.ok("DELETE", f"/services/{fresh}")
    status, answer = api.call("GET", f"/event_orchestrations/services/{fresh}")
    assert (status, answer["error"]["message"]) == (404, "Not Found")
    assert pd.unimplemented == []


# --- every call the provider makes ----------------------------------------------------------------

# Each call terraform-provider-pagerduty makes for the resources and lookups the stacks use, as a
# route of the double, with where the provider makes it (PagerDuty/terraform-provider-pagerduty).
PROVIDER_CALLS = {
    # configure without skipCredentialsValidation: pagerduty/config.go, pagerdutyplugin/config.go
    ("GET", "/abilities"): "ValidateAuth, ListAbilitiesWithContext",
    # pagerduty/resource_pagerduty_user.go (heimweh UserService)
    ("POST", "/users"): "Users.Create",
    ("GET", "/users"): "findExistingUser; pagerdutyplugin/data_source_pagerduty_user.go",
    ("GET", "/users/{id}"): "Users.GetWithLicense",
    ("GET", "/users/{id}/license"): "Users.GetWithLicense",
    ("PUT", "/users/{id}"): "Users.Update (create, then update)",
    ("DELETE", "/users/{id}"): "Users.Delete",
    # pagerdutyplugin/resource_pagerduty_user_contact_method.go; the SDK's data source lists them
    ("POST", "/users/{id}/contact_methods"): "CreateUserContactMethodWithContext",
    ("GET", "/users/{id}/contact_methods"): "ListContactMethods (data source, findExisting…)",
    ("GET", "/users/{id}/contact_methods/{id}"): "GetUserContactMethodWithContext",
    ("PUT", "/users/{id}/contact_methods/{id}"): "UpdateUserContactMethodWthContext",
    ("DELETE", "/users/{id}/contact_methods/{id}"): "DeleteUserContactMethodWithContext",
    # pagerdutyplugin/resource_pagerduty_user_notification_rule.go
    ("POST", "/users/{id}/notification_rules"): "CreateUserNotificationRuleWithContext",
    ("GET", "/users/{id}/notification_rules/{id}"): "GetUserNotificationRuleWithContext",
    ("PUT", "/users/{id}/notification_rules/{id}"): "UpdateUserNotificationRuleWithContext",
    ("DELETE", "/users/{id}/notification_rules/{id}"): "DeleteUserNotificationRuleWithContext",
    # pagerdutyplugin/resource_pagerduty_user_handoff_notification_rule.go
    ("POST", "/users/{id}/oncall_handoff_notification_rules"): "Create…HandoffNotificationRule",
    ("GET", "/users/{id}/oncall_handoff_notification_rules/{id}"): "Get…HandoffNotificationRule",
    ("PUT", "/users/{id}/oncall_handoff_notification_rules/{id}"): "Update…HandoffNotificationRule",
    ("DELETE", "/users/{id}/oncall_handoff_notification_rules/{id}"): "Delete…HandoffRule",
    # pagerdutyplugin/resource_pagerduty_team.go, resource_pagerduty_team_membership.go
    ("POST", "/teams"): "CreateTeamWithContext",
    ("GET", "/teams/{id}"): "GetTeamWithContext",
    ("PUT", "/teams/{id}"): "UpdateTeamWithContext",
    ("DELETE", "/teams/{id}"): "DeleteTeamWithContext",
    ("GET", "/teams/{id}/members"): "ListTeamMembers (limit 100, offset)",
    ("PUT", "/teams/{id}/users/{id}"): "AddUserToTeamWithContext",
    ("DELETE", "/teams/{id}/users/{id}"): "RemoveUserFromTeamWithContext",
    ("GET", "/oncalls"): "fetchEscalationPoliciesWithUser (membership removal refused)",
    # pagerduty/resource_pagerduty_schedule.go
    ("POST", "/schedules"): "Schedules.Create (overflow)",
    ("GET", "/schedules/{id}"): "Schedules.Get",
    ("PUT", "/schedules/{id}"): "Schedules.Update",
    ("DELETE", "/schedules/{id}"): "Schedules.Delete",
    ("GET", "/incidents"): "listIncidentsOpenedRelatedToSchedule (delete refused)",
    # pagerduty/resource_pagerduty_escalation_policy.go; the plugin's data source lists them
    ("POST", "/escalation_policies"): "EscalationPolicies.Create",
    ("GET", "/escalation_policies"): "ListEscalationPoliciesWithContext (query, include[]=teams)",
    ("GET", "/escalation_policies/{id}"): "EscalationPolicies.Get (include[]=…strategies)",
    ("PUT", "/escalation_policies/{id}"): "EscalationPolicies.Update",
    ("DELETE", "/escalation_policies/{id}"): "EscalationPolicies.Delete",
    # pagerduty/resource_pagerduty_service.go, resource_pagerduty_service_integration.go
    ("POST", "/services"): "Services.Create",
    ("GET", "/services/{id}"): "Services.Get (include[]=auto_pause_notifications_parameters)",
    ("PUT", "/services/{id}"): "Services.Update",
    ("DELETE", "/services/{id}"): "Services.Delete",
    ("POST", "/services/{id}/integrations"): "Services.CreateIntegration",
    ("GET", "/services/{id}/integrations/{id}"): "Services.GetIntegration",
    ("PUT", "/services/{id}/integrations/{id}"): "Services.UpdateIntegration",
    ("DELETE", "/services/{id}/integrations/{id}"): "Services.DeleteIntegration",
    # pagerdutyplugin/data_source_pagerduty_vendor.go, data_source_pagerduty_extension_schema.go
    ("GET", "/vendors"): "ListVendorsWithContext (limit 100, offset)",
    ("GET", "/extension_schemas"): "ListExtensionSchemasWithContext (limit 20, total)",
    # pagerduty/resource_pagerduty_slack_connection.go (heimweh SlackConnectionService)
    ("POST", "/integration-slack/workspaces/{id}/connections"): "SlackConnections.Create",
    ("GET", "/integration-slack/workspaces/{id}/connections/{id}"): "SlackConnections.Get",
    ("PUT", "/integration-slack/workspaces/{id}/connections/{id}"): "SlackConnections.Update",
    ("DELETE", "/integration-slack/workspaces/{id}/connections/{id}"): "SlackConnections.Delete",
}


def template(path: str, ids: set[str]) -> str:
    """`path` with every id the double made written {id}."""
    return "/".join("{id}" if part in ids else part for part in path.split("/"))


def test_a_deploy_update_and_destroy_in_the_provider_s_order_makes_only_answered_calls(
    pd: PagerDutyDouble,
) -> None:
    api = Client(pd.url)
    app = Client(pd.url, host="app.pagerduty.com")
    api.ok("GET", "/abilities")
    # lookups
    vendors = api.ok("GET", "/vendors?limit=100&offset=0")["vendors"]
    vendor = next(v for v in vendors if v["name"] == "New Relic")
    api.ok("GET", "/extension_schemas?limit=20&offset=0&total=true")
    # a user, as User's create does it: POST, PUT, then GET and the license
    uid = new_user(api)["id"]
    api.ok("PUT", f"/users/{uid}", {"user": {"name": "Jane Doe", "description": "d"}})
    api.ok("GET", f"/users/{uid}")
    api.ok("GET", f"/users/{uid}/license")
    found = api.ok("GET", "/users?query=jane%40example.com")["users"]
    assert [u["id"] for u in found] == [uid]
    login = next(
        m
        for m in api.ok("GET", f"/users/{uid}/contact_methods")["contact_methods"]
        if m["label"] == "Default"
    )
    sms = new_sms(api, uid)
    sms_path = f"/users/{uid}/contact_methods/{sms['id']}"
    api.ok("GET", sms_path)
    api.ok("PUT", sms_path, {"contact_method": {**sms, "label": "Cell"}})
    rule = api.ok("POST", f"/users/{uid}/notification_rules", rule_body(sms, 0))
    rule_path = f"/users/{uid}/notification_rules/{rule['notification_rule']['id']}"
    api.ok("GET", rule_path)
    api.ok("PUT", rule_path, rule_body(sms, 1))
    handoff = {
        "oncall_handoff_notification_rule": {
            "handoff_type": "oncall",
            "notify_advance_in_minutes": 1440,
            "contact_method": {"id": login["id"], "type": "email_contact_method_reference"},
        }
    }
    made = api.ok("POST", f"/users/{uid}/oncall_handoff_notification_rules", handoff)
    handoff_path = (
        f"/users/{uid}/oncall_handoff_notification_rules/"
        f"{made['oncall_handoff_notification_rule']['id']}"
    )
    api.ok("GET", handoff_path)
    api.ok("PUT", handoff_path, handoff)
    # team and membership
    tid = api.ok("POST", "/teams", {"team": {"name": "Ops", "description": "d"}})["team"]["id"]
    api.ok("GET", f"/teams/{tid}")
    api.ok("PUT", f"/teams/{tid}", {"team": {"name": "Ops", "description": "e"}})
    api.ok("PUT", f"/teams/{tid}/users/{uid}", {"role": "manager"})
    api.ok("GET", f"/teams/{tid}/members?limit=100&offset=0")
    # schedule, policy (on the team, the user a target), service, integration
    sid = api.ok("POST", "/schedules?overflow=false", schedule_body([uid], tid))["schedule"]["id"]
    api.ok("GET", f"/schedules/{sid}")
    api.ok("PUT", f"/schedules/{sid}", schedule_body([uid], tid))
    policy_body = {
        "escalation_policy": {
            "name": "Escalation",
            "num_loops": 0,
            "teams": [{"id": tid, "type": "team_reference"}],
            "escalation_rules": [
                {
                    "escalation_delay_in_minutes": 15,
                    "targets": [
                        {"id": sid, "type": "schedule_reference"},
                        {"id": uid, "type": "user_reference"},
                    ],
                }
            ],
        }
    }
    pid = api.ok("POST", "/escalation_policies", policy_body)["escalation_policy"]["id"]
    include = "include[]=escalation_rule_assignment_strategies"
    api.ok("GET", f"/escalation_policies/{pid}?{include}")
    api.ok("PUT", f"/escalation_policies/{pid}", policy_body)
    looked_up = api.ok("GET", "/escalation_policies?query=Escalation&include[]=teams")
    assert looked_up["escalation_policies"][0]["teams"][0]["name"] == "Ops"
    service_body = {"service": {"name": "S", "escalation_policy": {"id": pid}}}
    service = api.ok("POST", "/services", service_body)["service"]["id"]
    api.ok("GET", f"/services/{service}?include[]=auto_pause_notifications_parameters")
    api.ok("PUT", f"/services/{service}", service_body)
    integration_body = {"integration": {"name": "NR", "vendor": {"id": vendor["id"]}}}
    iid = api.ok("POST", f"/services/{service}/integrations", integration_body)["integration"]
    integration_path = f"/services/{service}/integrations/{iid['id']}"
    api.ok("GET", integration_path)
    api.ok("PUT", integration_path, integration_body)
    connection = {
        "slack_connection": {
            "source_id": service,
            "source_type": "service_reference",
            "channel_id": "C1",
            "notification_type": "responder",
            "config": {"events": ["incident.triggered"], "priorities": ["*"]},
        }
    }
    slack = "/integration-slack/workspaces/T1/connections"
    cid = app.ok("POST", slack, connection)["slack_connection"]["id"]
    app.ok("GET", f"{slack}/{cid}")
    app.ok("PUT", f"{slack}/{cid}", connection)
    # destroy, with the refusals the provider works around first
    assert api.call("DELETE", f"/teams/{tid}/users/{uid}")[0] == 400
    oncalls = api.ok("GET", f"/oncalls?user_ids[]={uid}&limit=100")["oncalls"]
    assert [o["escalation_policy"]["id"] for o in oncalls] == [pid]
    assert api.call("DELETE", f"/schedules/{sid}")[0] == 400
    assert api.ok("GET", "/incidents?date_range=all&statuses[]=triggered")["incidents"] == []
    for path in (
        f"{slack}/{cid}",
        integration_path,
        f"/services/{service}",
        f"/escalation_policies/{pid}",
        f"/schedules/{sid}",
        f"/teams/{tid}/users/{uid}",
        f"/teams/{tid}",
        handoff_path,
        rule_path,
        sms_path,
        f"/users/{uid}",
    ):
        client = app if path.startswith(slack) else api
        assert client.call("DELETE", path) == (204, None), path

    ids = {uid, tid, sid, pid, service, iid["id"], cid, sms["id"], "T1"}
    ids |= {rule["notification_rule"]["id"], made["oncall_handoff_notification_rule"]["id"]}
    called = {(r["method"], template(r["path"], ids)) for r in pd.requests}
    assert pd.unimplemented == []
    assert called == set(PROVIDER_CALLS)


def test_a_chunked_body_is_read_like_a_sized_one(pd: PagerDutyDouble) -> None:
    body = json.dumps({"team": {"name": "Chunked"}}).encode()
    connection = http.client.HTTPConnection("127.0.0.1", int(pd.url.rsplit(":", 1)[1]), timeout=10)
    connection.request(
        "POST",
        "/teams",
        body=iter([body[:10], body[10:]]),
        headers={"Authorization": f"Token token={TOKEN}", "Content-Type": "application/json"},
        encode_chunked=True,
    )
    response = connection.getresponse()

    assert response.status == 201
    assert json.loads(response.read())["team"]["name"] == "Chunked"
    connection.close()


def test_a_refused_create_leaves_nothing_behind(pd: PagerDutyDouble, api: Client) -> None:
    refused = api.call("POST", "/teams", {"team": {"name": "Child", "parent": {"id": "PNOPE"}}})
    no_rules = api.call(
        "POST",
        "/escalation_policies",
        {"escalation_policy": {"name": "Empty", "escalation_rules": []}},
    )

    assert refused[0] == no_rules[0] == 400
    assert pd.state()["teams"] == pd.state()["escalation_policies"] == []


def test_a_body_of_an_unexpected_shape_is_a_500_that_says_so(api: Client) -> None:
    team = api.ok("POST", "/teams", {"team": {"name": "Ops"}})["team"]["id"]

    status, answer = api.call(
        "POST",
        "/integration-slack/workspaces/T1/connections",
        {
            "slack_connection": {
                "source_id": team,
                "source_type": "team_reference",
                "channel_id": "C1",
                "notification_type": "responder",
                "config": ["not", "an", "object"],
            }
        },
    )

    assert status == 500
    assert answer["error"]["message"].startswith("PagerDuty double failed: AttributeError")


def raw_get(url: str, token: str = TOKEN) -> tuple[int, str, str, str]:
    """GET `url`: status, Content-Type, Retry-After and the body as text, whatever it is."""
    request = urllib.request.Request(url, headers={"Authorization": f"Token token={token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return (
                response.status,
                response.headers["Content-Type"],
                response.headers.get("Retry-After", ""),
                response.read().decode(),
            )
    except urllib.error.HTTPError as error:
        return (
            error.code,
            error.headers["Content-Type"],
            error.headers.get("Retry-After", ""),
            error.read().decode(),
        )


def test_a_planned_answer_replaces_the_doubles_own_as_often_as_planned(pd: PagerDutyDouble) -> None:
    once = Planned(429, "{}", headers={"Retry-After": "7"})
    pd.plan("GET", "/users", once)
    html = Planned(200, "<html>Sign in</html>", "text/html", times=None)
    pd.plan("GET", "/services", html)

    throttled, answered = raw_get(f"{pd.url}/users?limit=5"), raw_get(f"{pd.url}/users")
    pages = [raw_get(f"{pd.url}/services?offset={n}") for n in range(3)]

    assert throttled == (429, "application/json", "7", "{}")
    assert answered[0] == 200
    assert json.loads(answered[3])["users"] == []
    assert pages == [(200, "text/html", "", "<html>Sign in</html>")] * 3
    assert once.times == 1  # the caller's answer is not used up: the double's copy is
    assert [(r["path"], r["status"], r.get("planned"), r["authorized"]) for r in pd.requests] == [
        ("/users", 429, True, True),
        ("/users", 200, None, True),
        *[("/services", 200, True, True)] * 3,
    ]


def test_an_account_with_a_token_refuses_another_and_pages_at_its_page_size() -> None:
    with PagerDutyDouble(token=TOKEN, page_size=1) as pd:
        pd.seed(guide_account())
        refused = Client(pd.url, token="another-accounts-key").call("GET", "/users")
        first = Client(pd.url).ok("GET", "/users?limit=100")
        second = Client(pd.url).ok("GET", f"/users?limit={first['limit']}&offset=1")

    assert refused == (401, {"error": {"message": "Unauthorized", "code": 2006}})
    assert (len(first["users"]), first["limit"], first["more"]) == (1, 1, True)
    assert (len(second["users"]), second["more"]) == (1, False)
    assert [r["authorized"] for r in pd.requests] == [False, True, True]


@pytest.mark.parametrize("entitled", [True, False])
def test_the_assignment_strategies_come_only_to_an_account_with_the_ability(
    entitled: bool,
) -> None:
    abilities = ["teams", "urgencies"] + ["escalation_rule_assignment_strategies"] * entitled
    with PagerDutyDouble(abilities=abilities) as pd:
        pid = pd.seed(guide_account())["escalation_policy"]
        api = Client(pd.url)
        status, asked = api.call(
            "GET", f"/escalation_policies/{pid}?include[]=escalation_rule_assignment_strategies"
        )
        plain = api.ok("GET", f"/escalation_policies/{pid}")["escalation_policy"]

    # As the provider expects (pagerduty/resource_pagerduty_escalation_policy.go,
    # fetchEscalationPolicy): 403 without the entitlement, and then it reads without.
    assert status == (200 if entitled else 403)
    if entitled:
        rules = asked["escalation_policy"]["escalation_rules"]
        assert [r["escalation_rule_assignment_strategy"] for r in rules] == [
            {"type": "assign_to_everyone"}
        ] * 2
    else:
        assert asked == {"error": {"message": "Forbidden", "code": 2010}}
    assert all("escalation_rule_assignment_strategy" not in r for r in plain["escalation_rules"])


def test_seeded_objects_keep_the_ids_they_are_given_and_a_name_for_an_id_is_404(
    pd: PagerDutyDouble, api: Client
) -> None:
    account = guide_account()
    priya = account["users"][0]
    priya |= {"id": "PPRIYA1", "login_method_id": "PPRIYAE"}
    priya["contact_methods"][1]["id"] = "PPRIYAS"
    priya["notification_rules"][0]["id"] = "PPRIYHS"
    priya["handoff_rules"][0]["id"] = "PPRIYHO"
    account["schedules"][0]["id"] = "PSCHED1"
    account["services"][0]["integrations"][0]["id"] = "PINTEG1"
    account["services"][0]["id"] = "PSERV01"

    ids = pd.seed(account)
    service = api.ok("GET", "/services/PSERV01")["service"]
    methods = api.ok("GET", "/users/PPRIYA1/contact_methods")["contact_methods"]

    assert ids["user:priya@agency.example"] == "PPRIYA1"
    assert ids["contact_method:priya@agency.example:sms_contact_method:3125550142"] == "PPRIYAS"
    assert ids["notification_rule:priya@agency.example:high:sms_contact_method:0"] == "PPRIYHS"
    assert (ids["handoff_rule:priya@agency.example"], ids["schedule"]) == ("PPRIYHO", "PSCHED1")
    assert {m["id"] for m in methods if m["label"] == "Default"} == {"PPRIYAE"}
    # An integration's reference is typed after it (openapiv3.json, getService's example).
    assert [(i["id"], i["type"]) for i in service["integrations"]] == [
        ("PINTEG1", "generic_events_api_inbound_integration_reference")
    ]
    # The rest are the counter's, as without ids: Marco's come next.
    assert ids["user:marco@agency.example"].startswith("P0000")
    assert api.call("GET", "/services/Example%20Service")[0] == 404
