"""`oncall` and the stack-file loader, as a user meets them: real processes, real files.

Bad input must end in one clear message per problem, naming the key path and the value, exit
status 1, and no traceback; secrets must never be printed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from oncall.config import stackfile
from oncall.config.errors import ConfigError
from oncall.offline.schemas import SCHEMA_SUFFIXES, read_schema
from tests.support import PROJECT, copy_project, run_cli, schema_folder

ROOT = Path(__file__).resolve().parents[2]
GUIDE_STACK = PROJECT / "stacks" / "Pulumi.guide-live.yaml"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's Pulumi.yaml, __main__.py and stacks/, for bad stack files."""
    copy_project(tmp_path)
    return tmp_path


def write_stack(project: Path, name: str, config: dict) -> None:
    text = yaml.safe_dump({"config": config}, sort_keys=False)
    (project / "stacks" / f"Pulumi.{name}.yaml").write_text(text)


def guide_config() -> dict:
    return yaml.safe_load(GUIDE_STACK.read_text())["config"]


# --- the plan command ---------------------------------------------------------------------------


def test_plan_of_the_guide_stack_prints_a_line_per_resource_and_exits_0() -> None:
    result = run_cli("plan", "guide-live", process=True)

    assert result.returncode == 0, result.stderr
    assert " +   ├─ pagerduty:User " in result.stdout
    assert "\x1b[" not in result.stdout  # not a terminal: no colour
    assert "to create" in result.stdout.splitlines()[-2]


def test_plan_details_prints_the_tree_with_every_input() -> None:
    result = run_cli("plan", "guide-live", "--details")

    assert result.returncode == 0, result.stderr
    assert "+ pagerduty:User  team-jane" in result.stdout
    assert "startDelayInMinutes: 15" in result.stdout
    assert "to create" in result.stdout


def test_plan_json_is_data_with_every_resource() -> None:
    result = run_cli("plan", "guide-live", "--json", process=True)

    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["stack"] == "guide-live"
    assert len(data["resources"]) == 37
    # Marked structurally: no real value (a string "[secret]", say) can be mistaken for the marker.
    assert data["outputs"]["integrationKey"] == {"secret": True}


def test_a_typo_in_a_layer_member_exits_1_naming_the_key_path_without_traceback(
    project: Path,
) -> None:
    config = guide_config()
    config["pantheon-oncall:team"]["schedules"]["default"]["layers"][1]["members"] = [
        "joe",
        "anitta",
    ]
    write_stack(project, "broken", config)

    result = run_cli("plan", "broken", cwd=project)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert "pantheon-oncall:team.schedules.default.layers[1].members[1]" in result.stderr
    assert "'anitta'" in result.stderr
    assert result.stdout == ""


def test_several_problems_are_reported_together_one_per_line(project: Path) -> None:
    config = guide_config()
    config["pantheon-oncall:team"]["members"]["joe"]["phone"] = "555-CALL-NOW"
    config["pantheon-oncall:team"]["timeZone"] = "America/Gotham"
    config["pantheon-oncall:tema"] = {}
    write_stack(project, "broken", config)

    result = run_cli("plan", "broken", cwd=project)

    assert result.returncode == 1
    lines = [line.strip() for line in result.stderr.splitlines()[1:]]
    paths = [line.split(": ", 1)[0] for line in lines]
    assert set(paths) == {
        "pantheon-oncall:team.members.joe.phone",
        "pantheon-oncall:team.timeZone",
        "pantheon-oncall:tema",
    }


def test_a_plain_text_token_is_refused_and_not_echoed(project: Path) -> None:
    config = guide_config()
    config["pagerduty:token"] = "u+plaintextTOKEN123"
    write_stack(project, "leaky", config)

    result = run_cli("plan", "leaky", cwd=project)

    assert result.returncode == 1
    assert "pagerduty:token" in result.stderr
    assert "pulumi config set --secret pagerduty:token" in result.stderr
    assert "plaintextTOKEN123" not in result.stderr + result.stdout


def test_yaml_that_does_not_parse_names_the_file_and_line(project: Path) -> None:
    (project / "stacks" / "Pulumi.bad.yaml").write_text("config:\n  pantheon-oncall:site: [\n")

    result = run_cli("plan", "bad", cwd=project)

    assert result.returncode == 1
    assert "Pulumi.bad.yaml:3" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unknown_stack_lists_the_known_ones() -> None:
    result = run_cli("plan", "example-prod")

    assert result.returncode == 1
    assert "guide-live" in result.stderr
    assert "Traceback" not in result.stderr


def test_stacks_lists_every_stack_file() -> None:
    result = run_cli("stacks")

    assert result.returncode == 0
    assert "guide-live" in result.stdout.split()
    assert "team-agency" in result.stdout.split()


# --- the stack-file loader ------------------------------------------------------------------------


def test_secure_values_become_placeholders_and_mark_their_key_secret(project: Path) -> None:
    config = guide_config()
    config["pagerduty:token"] = {"secure": "v1:abcdef=="}
    config["pantheon-oncall:slack"]["workspaceId"] = {"secure": "v1:Zm9v"}
    write_stack(project, "secret", config)

    loaded = stackfile.load(project, "secret")

    assert loaded.values["pagerduty:token"] == "[secret]"
    assert loaded.values["pantheon-oncall:slack"]["workspaceId"] == "[secret]"
    assert {"pagerduty:token", "pantheon-oncall:slack"} <= loaded.secret_keys


def test_design_md_example_with_its_secure_tokens_plans(project: Path) -> None:
    config = {
        "pagerduty:token": {"secure": "v1:AAAA"},
        "pagerduty:userToken": {"secure": "v1:BBBB"},
        "newrelic:apiKey": {"secure": "v1:CCCC"},
        "slack:token": {"secure": "v1:DDDD"},
        **guide_config(),
    }
    write_stack(project, "design", config)

    result = run_cli("plan", "design", "--json", cwd=project)

    assert result.returncode == 0, result.stderr
    assert "v1:AAAA" not in result.stdout


def test_keys_without_a_namespace_belong_to_the_project(project: Path) -> None:
    config = guide_config()
    config["site"] = config.pop("pantheon-oncall:site")
    write_stack(project, "short", config)

    loaded = stackfile.load(project, "short")

    assert loaded.values["pantheon-oncall:site"]["name"] == "example"


def test_an_unknown_namespace_is_a_problem(project: Path) -> None:
    config = guide_config()
    config["pantheon-oncal:site"] = config.pop("pantheon-oncall:site")
    write_stack(project, "typo", config)

    with pytest.raises(ConfigError) as raised:
        stackfile.load(project, "typo")

    assert [p.path for p in raised.value.problems] == ["pantheon-oncal:site"]


def test_a_typo_in_a_provider_setting_is_a_problem(project: Path) -> None:
    config = guide_config()
    config["newrelic:acountId"] = config.pop("newrelic:accountId")
    write_stack(project, "typo", config)

    with pytest.raises(ConfigError) as raised:
        stackfile.load(project, "typo")

    assert [p.path for p in raised.value.problems] == ["newrelic:acountId"]
    assert "accountId" in raised.value.problems[0].message


def test_the_known_provider_settings_are_the_schemas() -> None:
    directory = schema_folder()
    for package, settings in stackfile.PROVIDER_SETTINGS.items():
        (file,) = [
            directory / f"{package}{suffix}"
            for suffix in SCHEMA_SUFFIXES
            if (directory / f"{package}{suffix}").is_file()
        ]
        schema = read_schema(file)
        assert settings == set(schema["config"]["variables"]), package


def test_project_config_defaults_apply_unless_the_stack_overrides(project: Path) -> None:
    pulumi_yaml = yaml.safe_load((project / "Pulumi.yaml").read_text())
    pulumi_yaml["config"] = {"pantheon-oncall:slack": {"value": {"workspaceId": "T0DEFAULT"}}}
    (project / "Pulumi.yaml").write_text(yaml.safe_dump(pulumi_yaml))
    config = guide_config()
    del config["pantheon-oncall:slack"]
    write_stack(project, "defaults", config)

    loaded = stackfile.load(project, "defaults")

    assert loaded.values["pantheon-oncall:slack"] == {"workspaceId": "T0DEFAULT"}
    assert json.loads(loaded.engine_config()["pantheon-oncall:slack"]) == {
        "workspaceId": "T0DEFAULT"
    }


def test_a_member_without_email_at_once_is_warned_that_pagerdutys_default_stays(
    project: Path,
) -> None:
    config = guide_config()
    config["pantheon-oncall:team"]["members"]["joe"]["notify"] = {"high": [{"via": "sms"}]}
    config["pantheon-oncall:pagerduty"]["service"] = "SMS only"  # not guide-live's service
    write_stack(project, "sms-only", config)

    result = run_cli("plan", "sms-only", "--json", cwd=project)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["warnings"] == [
        "pantheon-oncall:team.members.joe.notify: PagerDuty's default email-at-0-minutes rule "
        "stays for high urgency; this component cannot remove it"
    ]
