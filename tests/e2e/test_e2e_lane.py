"""The end-to-end lane's bookkeeping, without the engine: counting what a command changed from
its event log, finding planted secrets in a state export, and comparing the offline plan and
diff with the engine's preview."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from e2e import lane

USER = "pagerduty:index/user:User"
RULE = "pagerduty:index/userNotificationRule:UserNotificationRule"
POLICY = "pagerduty:index/escalationPolicy:EscalationPolicy"
STACK_URN = "urn:pulumi:s::pantheon-oncall::pulumi:pulumi:Stack::pantheon-oncall-s"


def _urn(type_: str, name: str) -> str:
    return f"urn:pulumi:s::pantheon-oncall::pantheon-oncall:index:TeamOnCall${type_}::{name}"


def _events(*events: dict[str, Any], tail: str = "") -> str:
    return "\n".join(json.dumps(e) for e in events) + "\n" + tail


def _pre(op: str, type_: str, name: str) -> dict[str, Any]:
    return {"resourcePreEvent": {"metadata": {"op": op, "urn": _urn(type_, name), "type": type_}}}


def test_event_stream_counts_the_summary_and_the_program_steps() -> None:
    text = _events(
        {
            "resourcePreEvent": {
                "metadata": {"op": "create", "urn": STACK_URN, "type": "pulumi:pulumi:Stack"}
            }
        },
        {
            "resourcePreEvent": {
                "metadata": {"op": "create", "urn": "urn:x", "type": "pulumi:providers:pagerduty"}
            }
        },
        _pre("import", USER, "team-jane"),
        _pre("create", RULE, "team-jane-high-sms-0m"),
        {"diagnosticEvent": {"severity": "error", "message": "boom\n"}},
        {"diagnosticEvent": {"severity": "warning", "message": "meh"}},
        {"summaryEvent": {"resourceChanges": {"create": 2, "import": 1, "replace": 1, "same": 3}}},
        tail='{"cut short',
    )
    log = lane.read_events(text)
    assert log.changes() == {"create": 2, "update": 0, "replace": 1, "delete": 0, "same": 3}
    assert [lane.urn_name(s["urn"]) for s in log.ops_by_type("create")] == ["team-jane-high-sms-0m"]
    assert [s["type"] for s in log.ops_by_type("import")] == [USER]
    assert log.errors == ["boom"]


def test_no_output_is_an_empty_run() -> None:
    log = lane.read_events("error: no stack selected\n")
    assert log.changes() == dict.fromkeys(lane.CHANGE_KINDS, 0)
    assert log.steps == []


def test_mandatory_policy_violations_are_collected() -> None:
    text = _events(
        {
            "policyEvent": {
                "policyName": "no-plain-token",
                "message": "x",
                "enforcementLevel": "mandatory",
            }
        },
        {"policyEvent": {"policyName": "advice", "message": "y", "enforcementLevel": "advisory"}},
    )
    assert lane.read_events(text).policy_violations == ["no-plain-token: x"]


SECRETS = {"pagerduty:token": "e2e-pd-token-PLANTED-0001", "phone": "+44 20 7946 0958"}


def test_secret_scan_finds_a_token_in_plain_text_also_when_escaped_twice() -> None:
    export = {
        "deployment": {
            "resources": [
                {
                    "type": "pulumi:providers:pagerduty",
                    "inputs": {"token": SECRETS["pagerduty:token"]},
                },
                {"type": USER, "outputs": {"raw": json.dumps({"address": "+44 20 7946 0958\n"})}},
            ]
        }
    }
    text = json.dumps(export, indent=4)
    assert lane.plaintext_secrets(text, SECRETS) == ["pagerduty:token", "phone"]


def test_secret_scan_passes_an_encrypted_export() -> None:
    secret = {lane.SIG_KEY: lane.SECRET_SIG, "ciphertext": "v1:abc:def"}
    export = {
        "deployment": {
            "resources": [{"type": "pulumi:providers:pagerduty", "inputs": {"token": secret}}]
        }
    }
    assert lane.plaintext_secrets(json.dumps(export), SECRETS) == []


def test_secret_scan_refuses_a_value_too_short_to_scan_for() -> None:
    with pytest.raises(ValueError, match="'pin' is too short"):
        lane.plaintext_secrets("{}", {"pin": "1234"})


def test_state_values_reads_plain_and_decrypted_secret_outputs() -> None:
    integration = "pagerduty:index/serviceIntegration:ServiceIntegration"
    export = {
        "deployment": {
            "resources": [
                {"type": integration, "outputs": {"integrationKey": "k-plain-0001"}},
                {
                    "type": integration,
                    "outputs": {
                        "integrationKey": {
                            lane.SIG_KEY: lane.SECRET_SIG,
                            "plaintext": '"k-secret-0002"',
                        }
                    },
                },
                {"type": USER, "outputs": {"integrationKey": "not-an-integration"}},
            ]
        }
    }
    assert lane.state_values(export, integration, "integrationKey") == [
        "k-plain-0001",
        "k-secret-0002",
    ]


def _plan(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"resources": [{"custom": True, "import": None, **r} for r in resources]}


def _step(op: str, type_: str, name: str, inputs: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "op": op,
        "urn": _urn(type_, name),
        "newState": {"type": type_, "inputs": inputs},
        **extra,
    }


def test_plan_and_preview_agree_when_only_unknowable_values_differ() -> None:
    plan = _plan(
        {"type": USER, "name": "team-jane", "inputs": {"name": "Jane", "email": "jane@x.test"}},
        {
            "type": RULE,
            "name": "team-jane-high-sms-0m",
            "inputs": {
                "startDelayInMinutes": 0,
                "urgency": "high",
                "contactMethod": {
                    "id": {"ref": {"name": "team-jane-sms", "type": "t"}},
                    "type": "sms_contact_method",
                },
                "userId": "(looked up: getUser email=jane@x.test)",
            },
        },
    )
    preview = {
        "steps": [
            {
                "op": "create",
                "urn": STACK_URN,
                "newState": {"type": "pulumi:pulumi:Stack", "inputs": {}},
            },
            _step(
                "create",
                USER,
                "team-jane",
                {
                    "name": "Jane",
                    "email": "jane@x.test",
                    "description": "Managed by Pulumi",
                    "__defaults": ["description"],
                },
            ),
            _step(
                "create",
                RULE,
                "team-jane-high-sms-0m",
                {
                    "startDelayInMinutes": 0.0,
                    "urgency": "high",
                    "contactMethod": {"id": lane.UNKNOWN, "type": "sms_contact_method"},
                    "userId": "PUSER01",
                },
            ),
        ]
    }
    assert lane.plan_mismatches(plan, preview) == []


def test_plan_and_preview_differences_name_resource_and_input() -> None:
    plan = _plan(
        {
            "type": USER,
            "name": "team-jane",
            "inputs": {"name": "Jane", "jobTitle": "Lead", "role": "user"},
        },
        {"type": USER, "name": "team-joe", "inputs": {"name": "Joe"}, "import": "PJOE"},
        {"type": RULE, "name": "team-jane-low", "inputs": {}},
    )
    preview = {
        "steps": [
            _step(
                "create",
                USER,
                "team-jane",
                {"name": "Jane", "role": "limited_user", "description": "Hand made"},
            ),
            _step("create", USER, "team-joe", {"name": "Joe"}),
            _step("create", RULE, "team-jane-high", {}),
        ]
    }
    assert lane.plan_mismatches(plan, preview) == [
        f"{RULE} team-jane-low: in the offline plan only",
        f"{RULE} team-jane-high: in the engine's preview only (create)",
        f'{USER} team-jane: description: offline sets nothing, engine "Hand made"',
        f'{USER} team-jane: jobTitle: offline "Lead", engine has no such input',
        f'{USER} team-jane: role: offline "user", engine "limited_user"',
        f"{USER} team-joe: offline import, engine create",
    ]


def test_booleans_are_not_numbers_in_the_comparison() -> None:
    assert lane.value_differences({"a": True}, {"a": 1}, "") == ["a: offline true, engine 1"]
    assert lane.value_differences([1, 2], [1], "x") == ["x: offline 2 items, engine 1"]


def test_diff_and_preview_agree_on_ops_and_changed_properties() -> None:
    diff = {
        "stacks": [
            {
                "stack": "team-example",
                "changes": [
                    {
                        "op": "~",
                        "type": "pagerduty:index/userContactMethod:UserContactMethod",
                        "name": "team-marco-phone",
                        "properties": {"address": {"old": "3125550177", "new": "3125550188"}},
                    },
                    {"op": "-", "type": RULE, "name": "team-marco-high-phone-15m"},
                    {"op": "+", "type": RULE, "name": "team-marco-high-phone-20m"},
                ],
            },
            {"stack": "other", "changes": [{"op": "+", "type": USER, "name": "x"}]},
        ]
    }
    cm = "pagerduty:index/userContactMethod:UserContactMethod"
    preview = {
        "steps": [
            _step("update", cm, "team-marco-phone", {}, diffReasons=["address"]),
            {
                "op": "delete",
                "urn": _urn(RULE, "team-marco-high-phone-15m"),
                "oldState": {"type": RULE},
            },
            _step("create", RULE, "team-marco-high-phone-20m", {}),
            _step("same", USER, "team-marco", {}),
        ]
    }
    assert lane.diff_mismatches(diff, "team-example", preview) == []


def test_diff_and_preview_disagreements_are_listed() -> None:
    cm = "pagerduty:index/userContactMethod:UserContactMethod"
    diff = {
        "stacks": [
            {
                "stack": "s",
                "changes": [
                    {
                        "op": "~",
                        "type": cm,
                        "name": "phone",
                        "properties": {"address": {"old": "1", "new": "2"}},
                    },
                    {
                        "op": "~",
                        "type": USER,
                        "name": "jane",
                        "properties": {"rules[0].x": {"old": "1", "new": "2"}},
                    },
                ],
            }
        ]
    }
    preview = {
        "steps": [
            _step("replace", cm, "phone", {}, diffReasons=["address"], replaceReasons=["address"]),
            _step("create-replacement", cm, "phone", {}),
            _step("update", USER, "jane", {}, diffReasons=["rules", "description"]),
            _step("update", RULE, "rule", {}, diffReasons=["urgency"]),
        ]
    }
    assert lane.diff_mismatches(diff, "s", preview) == [
        f"{RULE} rule: engine update, oncall diff no change",
        f"{USER} jane: oncall diff changes ['rules'], engine ['description', 'rules']",
        f"{cm} phone: oncall diff update, engine replace",
    ]


def test_summary_has_the_issue_shape_and_fails_on_any_problem() -> None:
    step = {
        "stack": "s",
        "command": "up",
        "ok": True,
        "changes": dict.fromkeys(lane.CHANGE_KINDS, 0),
        "seconds": 1.0,
    }
    data = lane.summary(
        versions={"pulumi": "v3.272.0"},
        steps=[step],
        adoption={"import": 4},
        plaintext=0,
        mismatches=0,
        requests={"pagerduty": 10},
    )
    assert set(data) >= {
        "versions",
        "steps",
        "adoption",
        "state_plaintext_secrets",
        "offline_vs_engine_mismatches",
        "api_requests",
    }
    assert data["adoption"] == {"import": 4, "create": 0, "update": 0}
    assert (data["complete"], data["blocked"]) == (True, {})
    assert data["api_requests"] == {"pagerduty": 10, "nerdgraph": 0, "slack": 0}
    assert lane.failed(data) == []
    bad = lane.summary(
        versions={},
        steps=[step | {"ok": False}],
        adoption={},
        plaintext=0,
        mismatches=0,
        requests={},
        unimplemented=["pagerduty GET /vendors"],
        refused=["CONNECT x:443"],
    )
    assert lane.failed(bad) == [
        "step failed: s up",
        "no double implements pagerduty GET /vendors",
        "the proxy refused CONNECT x:443",
    ]


def test_a_blocked_part_is_recorded_with_its_module_and_fails_unless_allowed() -> None:
    needs = {"pulumi-resource-pagerduty": "github.com/pulumi/pulumi-pagerduty/provider/v4"}
    data = lane.summary(
        versions={},
        steps=[],
        adoption={},
        plaintext=0,
        mismatches=0,
        requests={},
        blocked={"team": {"runs": "team-example's deploy cycle", "needs": needs}},
    )
    assert data["complete"] is False
    assert data["blocked"]["team"]["needs"] == needs
    line = (
        "not run: team: team-example's deploy cycle; needs pulumi-resource-pagerduty "
        "(github.com/pulumi/pulumi-pagerduty/provider/v4)"
    )
    assert lane.failed(data) == [line]
    # The CI gate while the engine is incomplete: what ran decides, the summary still says what
    # did not run.
    assert lane.failed(data, allow_blocked=True) == []
    assert lane.blocked_lines(data) == [line]
    failing = data | {"unimplemented": ["pagerduty GET /x"]}
    assert lane.failed(failing, allow_blocked=True) == ["no double implements pagerduty GET /x"]


def test_bench_reports_up_and_refresh_requests_against_the_rate_limit() -> None:
    from bench.e2e_lane import figures

    changes = dict.fromkeys(lane.CHANGE_KINDS, 0)
    steps = [
        {
            "stack": "team-example",
            "command": "up --policy-pack policy",
            "ok": True,
            "changes": changes,
            "seconds": 30.0,
            "requests": {"pagerduty": 120, "nerdgraph": 0, "slack": 0},
        },
        {
            "stack": "team-example",
            "command": "preview --refresh --expect-no-changes",
            "ok": True,
            "changes": changes,
            "seconds": 6.0,
            "requests": {"pagerduty": 48},
        },
        {
            "stack": "team-example",
            "command": "destroy",
            "ok": True,
            "changes": changes,
            "seconds": 9.0,
        },
    ]
    data = lane.summary(
        versions={},
        steps=steps,
        adoption={},
        plaintext=0,
        mismatches=0,
        requests={"pagerduty": 168},
        seconds=50.0,
    )
    lines = figures(data)
    assert lines[0] == "lane: 50 s wall, 45 s in 3 steps"
    rows = [line.split() for line in lines if line.startswith("team-example")]
    assert rows == [
        ["team-example", "up", "--policy-pack", "policy", "120", "0", "0", "240", "8x"],
        [
            "team-example",
            "preview",
            "--refresh",
            "--expect-no-changes",
            "48",
            "0",
            "0",
            "480",
            "20x",
        ],
    ]


def test_config_as_the_cli_reads_it_against_the_offline_loader() -> None:
    offline = {
        "pantheon-oncall:startTime": "1080",
        "pantheon-oncall:team": json.dumps({"name": "Web", "start": "18:00", "loops": 2}),
        "pantheon-oncall:only-offline": "x",
        "newrelic:accountId": "1234567",
    }
    cli = {
        "pantheon-oncall:startTime": {"value": "18:00", "secret": False},
        "pantheon-oncall:team": {
            "value": '{"loops":2,"name":"Web","start":"18:00"}',
            "objectValue": {"loops": 2, "name": "Web", "start": "18:00"},
            "secret": False,
        },
        "newrelic:accountId": {"value": "1234567", "secret": False},
        "pagerduty:token": {"value": "e2e-pd-token", "secret": True},
        "pagerduty:apiUrlOverride": {"value": "http://127.0.0.1:1", "secret": False},
    }
    assert lane.config_mismatches(offline, cli) == [
        'pagerduty:apiUrlOverride: the CLI reads "http://127.0.0.1:1", offline nothing',
        'pantheon-oncall:startTime: offline loader "1080", CLI "18:00"',
        'pantheon-oncall:only-offline: offline "x", the CLI has no such key',
    ]


def _imported(type_: str, name: str, import_id: str, inputs: dict[str, Any]) -> dict[str, Any]:
    return {"type": type_, "name": name, "import": import_id, "custom": True, "inputs": inputs}


ACCOUNT = {
    "users": [
        {
            "id": "PU1",
            "name": "Priya",
            "email": "priya@a.test",
            "role": "user",
            "time_zone": "America/Chicago",
            "description": "Hand made",
            "job_title": "SRE",
        },
    ],
    "schedules": [
        {
            "id": "PS1",
            "name": "Primary",
            "time_zone": "America/Chicago",
            "description": "x",
            "teams": [{"id": "PT1", "type": "team_reference"}],
        },
    ],
    "escalation_policies": [
        {
            "id": "PE1",
            "name": "Escalation",
            "description": "x",
            "num_loops": 0,
            "teams": [{"id": "PT1", "type": "team_reference"}],
        },
    ],
    "services": [
        {
            "id": "PV1",
            "name": "Site",
            "description": "x",
            "auto_resolve_timeout": 14400,
            "acknowledgement_timeout": None,
        },
    ],
    "notification_rules": [
        {
            "id": "PR1",
            "_user": "PU1",
            "urgency": "high",
            "start_delay_in_minutes": 0,
            "contact_method": {"id": "PC0", "type": "email_contact_method"},
        },
        {
            "id": "PR2",
            "_user": "PU1",
            "urgency": "high",
            "start_delay_in_minutes": 15,
            "contact_method": {"id": "PC1", "type": "phone_contact_method"},
        },
        {
            "id": "PR3",
            "_user": "PU1",
            "urgency": "low",
            "start_delay_in_minutes": 10,
            "contact_method": {"id": "PC2", "type": "sms_contact_method"},
        },
    ],
}


def test_imported_resources_that_match_the_account_pass() -> None:
    plan = {
        "resources": [
            _imported(
                USER,
                "team-priya",
                "PU1",
                {
                    "name": "Priya",
                    "email": "priya@a.test",
                    "role": "user",
                    "timeZone": "America/Chicago",
                    "description": "Hand made",
                    "jobTitle": "SRE",
                },
            ),
            _imported(
                "pagerduty:index/schedule:Schedule",
                "team-primary",
                "PS1",
                {
                    "name": "Primary",
                    "description": "x",
                    "teams": [{"ref": {"name": "t", "type": "x"}}],
                },
            ),
            _imported(
                RULE,
                "team-priya-high-phone-15m",
                "PU1:PR2",
                {
                    "startDelayInMinutes": 15,
                    "urgency": "high",
                    "contactMethod": {"id": "PC1", "type": "phone_contact_method"},
                },
            ),
            _imported(
                RULE,
                "team-priya-low-sms-10m",
                "PU1:PR3",
                {"startDelayInMinutes": 10, "urgency": "low"},
            ),
            # The bridge's schema has one team id where the API lists the policy's teams.
            _imported(
                POLICY,
                "team-escalation",
                "PE1",
                {"name": "Escalation", "description": "x", "numLoops": 0, "teams": "PT1"},
            ),
            # The provider holds a service's timeouts as text ("null": off).
            _imported(
                "pagerduty:index/service:Service",
                "alerts-service",
                "PV1",
                {
                    "name": "Site",
                    "description": "x",
                    "autoResolveTimeout": "14400",
                    "acknowledgementTimeout": "null",
                },
            ),
        ]
    }
    assert lane.import_mismatches(plan, ACCOUNT) == []


def test_import_differences_name_the_field_and_the_rule_left_out() -> None:
    plan = {
        "resources": [
            _imported(
                USER,
                "team-priya",
                "PU1",
                {
                    "name": "Priya",
                    "email": "priya@a.test",
                    "role": "limited_user",
                    "description": "Managed by pantheon-oncall",
                },
            ),
            _imported(
                "pagerduty:index/schedule:Schedule",
                "team-primary",
                "PS1",
                {"name": "Primary", "description": "x"},
            ),
            _imported(RULE, "team-priya-high-phone-15m", "PU1:PR2", {"startDelayInMinutes": 15}),
            _imported(USER, "team-ghost", "PU9", {"name": "Ghost"}),
            _imported(
                POLICY,
                "team-escalation",
                "PE1",
                {"name": "Escalation", "description": "x", "teams": "PT2"},
            ),
            _imported(
                "pagerduty:index/service:Service",
                "alerts-service",
                "PV1",
                {"name": "Site", "description": "x", "autoResolveTimeout": "3600"},
            ),
        ]
    }
    where = f"{USER} team-priya (import PU1)"
    assert lane.import_mismatches(plan, ACCOUNT) == [
        f'{where}: role: offline "limited_user", account "user"',
        f'{where}: description: offline "Managed by pantheon-oncall", account "Hand made"',
        f'{where}: jobTitle: the program sends nothing, the account has "SRE"',
        "pagerduty:index/schedule:Schedule team-primary (import PS1): teams: the program sends "
        'nothing, the account has ["PT1"]',
        f"{USER} team-ghost (import PU9): no such object in the account",
        f'{POLICY} team-escalation (import PE1): teams: offline "PT2", account "PT1"',
        "pagerduty:index/service:Service alerts-service (import PV1): autoResolveTimeout: "
        'offline "3600", account "14400"',
        "notification rule PR3 of user PU1 (low, sms_contact_method after 10 min): exists, not "
        "adopted by the plan",
    ]


def test_versions_are_each_binary_s_module_and_what_could_not_be_built(tmp_path: Path) -> None:
    from e2e.run import versions

    (tmp_path / "bin").mkdir()
    (tmp_path / "versions.json").write_text(
        json.dumps(
            {
                "go": "go1.26.8",
                "binaries": {
                    "pulumi": {
                        "module": "github.com/pulumi/pulumi/pkg/v3@v3.274.1",
                        "modules": ["a"],
                    }
                },
                "unavailable": {
                    "pulumi-resource-slack": {
                        "module": "github.com/pulumi/pulumi-slack/provider",
                        "why": "403",
                    }
                },
            }
        )
    )
    assert versions(tmp_path / "bin") == {
        "go": "go1.26.8",
        "pulumi": "github.com/pulumi/pulumi/pkg/v3@v3.274.1",
        "pulumi-resource-slack": "not built (github.com/pulumi/pulumi-slack/provider)",
    }


def test_preview_digest_counts_its_change_summary_and_errors() -> None:
    digest = {
        "changeSummary": {"create": 2, "same": 1},
        "steps": [_step("create", USER, "team-jane", {}), _step("create", RULE, "team-jane-r", {})],
        "diagnostics": [{"severity": "error", "message": "no resource plugin 'pagerduty'\n"}],
    }
    log = lane.read_preview(digest)
    assert log.changes() == {"create": 2, "update": 0, "replace": 0, "delete": 0, "same": 1}
    assert [lane.urn_name(s["urn"]) for s in log.ops_by_type("create")] == [
        "team-jane",
        "team-jane-r",
    ]
    assert log.errors == ["no resource plugin 'pagerduty'"]


def test_the_probe_holds_every_listed_scalar_and_the_cli_s_reading_is_checked_typed(
    tmp_path: Path,
) -> None:
    from e2e.run import PROBE_FILE, probe_file

    assert probe_file(tmp_path / "none.json") == (PROBE_FILE, {})
    listed = [
        {"yaml": "18:00", "pulumi": "18:00"},
        {"yaml": "017", "pulumi": 15},
        {"yaml": "", "pulumi": None},
    ]
    cases_file = tmp_path / "cases.json"
    cases_file.write_text(json.dumps({"cases": listed}))

    text, cases = probe_file(cases_file)

    probe = yaml.safe_load(text)["config"]["pantheon-oncall:probeCases"]
    assert list(probe) == ["c00", "c01", "c02"]
    assert text.endswith("    c00: 18:00\n    c01: 017\n    c02:\n")
    assert lane.scalar_case_differences(cases, {"c00": "18:00", "c01": 15, "c02": None}) == []
    assert lane.scalar_case_differences(cases, {"c00": 1080, "c01": 15.0}) == [
        "c00 ('18:00'): listed \"18:00\", the CLI reads 1080",
        "c01 ('017'): listed 15, the CLI reads 15.0",
        "c02 (''): listed null, the CLI has no such key",
    ]
