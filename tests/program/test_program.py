"""The whole program on what a real `pulumi up` would get wrong: secrets inside the
project's own config, the service timeouts and the APM switch as the stack config sets them.

Each test runs `oncall.program.main` under the mock engine with the config of a stack file in
stacks/, changed where the test says, the way `pulumi` hands config to a program.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import yaml

from oncall import program
from oncall.config import stackfile
from oncall.offline import engine
from oncall.offline.markers import Secret
from oncall.offline.plan import plan_stack, to_data
from oncall.offline.recorded import Run
from tests.support import PROJECT, T, only

ROOT = Path(__file__).resolve().parents[2]


def run_stack(
    stack: str,
    changes: dict[str, Any] | None = None,
    secret: tuple[str, ...] = (),
) -> Run:
    """Run the program on a stack file's config, with `changes` written over its keys (full
    keys, JSON values) and `secret` keys marked secret as Pulumi marks a key holding a secure
    value, outside a preview (deterministic ids)."""
    config = stackfile.load(PROJECT, stack).engine_config()
    for key, value in (changes or {}).items():
        config[key] = json.dumps(value) if not isinstance(value, str) else value
    return engine.run_program(program.main, config=config, secret_keys=list(secret))


def section(stack: str, key: str) -> Any:
    return json.loads(stackfile.load(PROJECT, stack).engine_config()[f"pantheon-oncall:{key}"])


def plain_strings(value: Any) -> list[str]:
    """Every string in `value` that is not inside a Secret."""
    if isinstance(value, Secret):
        return []
    if isinstance(value, dict):
        return [s for item in value.values() for s in plain_strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in plain_strings(item)]
    return [value] if isinstance(value, str) else []


# --- secrets in pantheon-oncall:* -----------------------------------------------------------------


def test_a_secret_phone_number_stays_secret_in_its_contact_method_and_the_team_exports() -> None:
    # `pulumi config set --secret --path pantheon-oncall:team.members.jane.phone ...` makes the
    # whole team key secret; the program gets it decrypted.
    run = run_stack("guide-live", secret=("pantheon-oncall:team",))

    phone = run.get(T.CONTACT_METHOD, "team-jane-phone").inputs
    assert phone["address"] == Secret("4155550100")
    assert phone["countryCode"] == Secret(1)
    for registration in run.resources:
        if registration.parent.startswith(T.USER) or registration.type == T.USER:
            assert plain_strings(registration.inputs) == [], registration.key
    for name in ("escalationPolicyId", "scheduleIds", "userIds", "teamId"):
        assert isinstance(run.outputs[name], Secret), name
    # What the secret team does not feed stays as it was.
    assert only(run, T.SERVICE).inputs["name"] == "New Relic"
    assert run.outputs["serviceId"] == "alerts-service-id"


def test_a_secret_slack_channel_id_stays_secret_in_the_connection_and_the_export() -> None:
    slack = {**section("guide-live", "slack"), "channelId": "C0456EFGH"}
    del slack["channel"]
    run = run_stack(
        "guide-live", {"pantheon-oncall:slack": slack}, secret=("pantheon-oncall:slack",)
    )

    assert only(run, T.SLACK_CONNECTION).inputs["channelId"] == Secret("C0456EFGH")
    assert run.outputs["slackChannelId"] == Secret("C0456EFGH")


def test_a_secret_escalation_policy_id_stays_secret_in_the_service_and_the_export() -> None:
    run = run_stack(
        "guide-dev",
        {"pantheon-oncall:escalationPolicy": {"id": "PSECRET1"}},
        secret=("pantheon-oncall:escalationPolicy",),
    )

    assert only(run, T.SERVICE).inputs["escalationPolicy"] == Secret("PSECRET1")
    assert run.outputs["escalationPolicyId"] == Secret("PSECRET1")
    assert all(isinstance(v, Secret) for k, v in run.outputs.items()), run.outputs


def test_no_secret_key_no_secret_beyond_the_integration_key() -> None:
    run = run_stack("guide-live")
    assert [k for k, v in run.outputs.items() if isinstance(v, Secret)] == ["integrationKey"]
    assert plain_strings(only(run, T.SERVICE).inputs) != []


def test_a_secure_value_in_a_stack_file_plans_as_secret_in_the_resource(tmp_path: Path) -> None:
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, tmp_path / name)
    doc = yaml.safe_load((PROJECT / "stacks" / "Pulumi.guide-live.yaml").read_text())
    doc["config"]["pantheon-oncall:pagerduty"]["description"] = {"secure": "v1:c2VjcmV0"}
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "Pulumi.guide-live.yaml").write_text(yaml.safe_dump(doc))

    data = to_data(plan_stack(tmp_path, "guide-live"))

    service = next(r for r in data["resources"] if r["type"] == T.SERVICE)
    assert service["inputs"]["description"] == {"secret": True}
    assert service["inputs"]["name"] == {"secret": True}
    assert data["outputs"]["serviceId"] == {"secret": True}
    assert "v1:c2VjcmV0" not in json.dumps(data)


# --- service timeouts from pantheon-oncall:pagerduty ----------------------------------------------


def test_the_stack_service_never_auto_resolves_and_re_pages_an_acknowledgement_after_30() -> None:
    service = only(run_stack("guide-live"), T.SERVICE).inputs
    assert service["autoResolveTimeout"] == "null"
    assert service["acknowledgementTimeout"] == "1800"


def test_service_timeouts_are_written_in_minutes_and_false_turns_one_off() -> None:
    pagerduty = {
        **section("guide-live", "pagerduty"),
        "autoResolveMinutes": 1440,
        "acknowledgementTimeoutMinutes": False,
    }
    service = only(run_stack("guide-live", {"pantheon-oncall:pagerduty": pagerduty}), T.SERVICE)
    assert service.inputs["autoResolveTimeout"] == "86400"
    assert service.inputs["acknowledgementTimeout"] == "null"


# --- the APM switch -------------------------------------------------------------------------------


def test_apm_false_leaves_out_the_apm_conditions_and_the_app_lookup() -> None:
    run = run_stack("guide-dev", {"pantheon-oncall:newrelic": {"apm": False}})
    assert run.of_type(T.NRQL_CONDITION) == []
    assert [i for i in run.invokes if i.token == T.GET_ENTITY] == []


def test_the_apm_conditions_filter_on_the_guid_of_the_app_looked_up_by_name() -> None:
    run = run_stack("guide-dev")
    (lookup,) = [i for i in run.invokes if i.token == T.GET_ENTITY]
    assert lookup.args["name"] == "example (dev)"
    for condition in run.of_type(T.NRQL_CONDITION):
        assert "WHERE entityGuid = 'getentity-" in condition.inputs["nrql"]["query"]


# --- adopted members' contact methods -------------------------------------------------------------


def test_an_adopted_member_adopts_its_phone_and_uses_its_email_method_by_id() -> None:
    team = section("guide-live", "team")
    team["members"]["jane"] |= {
        "importId": "PJANE01",
        "description": "",
        "emailContactMethodId": "PCMEMAIL",
        "phone": {"number": "+1 415 555 0100", "importId": "PCMPHONE", "label": "Mobile"},
        "sms": {"number": "+1 415 555 0100", "importId": "PCMSMS", "label": "Mobile"},
    }
    run = run_stack("guide-live", {"pantheon-oncall:team": team})

    phone = run.get(T.CONTACT_METHOD, "team-jane-phone")
    assert (phone.import_id, phone.retain_on_delete) == ("PJANE01:PCMPHONE", True)
    assert phone.inputs["label"] == "Mobile"
    handoff = run.get(T.HANDOFF_RULE, "team-jane-handoff")
    assert handoff.inputs["contactMethod"]["id"] == "PCMEMAIL"
    assert run.warnings == []


def test_an_adopted_members_number_without_import_id_is_warned_with_its_full_key_path() -> None:
    team = section("guide-live", "team")
    team["members"]["jane"] |= {"importId": "PJANE01", "emailContactMethodId": "PCMEMAIL"}
    run = run_stack("guide-live", {"pantheon-oncall:team": team})

    assert [w.split(": ", 1)[0] for w in run.warnings] == [
        "pantheon-oncall:team.members.jane.description",
        "pantheon-oncall:team.members.jane.phone",
        "pantheon-oncall:team.members.jane.sms",
    ]
    assert "PagerDuty refuses the duplicate" in run.warnings[1]
