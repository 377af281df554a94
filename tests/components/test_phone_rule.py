"""The phone trunk-prefix rule, as PagerDuty's provider has it.

terraform-provider-pagerduty, util/validate_contact_address.go: a phone or SMS contact method's
address may not start with the trunk prefix 0 for country codes 33, 40, 44, 45, 49, 61, 66 and 91,
nor with 1 for country code 1. Every other national number is kept as phonenumbers gives it, with
its leading 0: Italy's +39 06 6988 3712 is country 39, address 0669883712.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from components.team.args import TeamOnCallArgs
from components.team.component import TeamOnCall
from components.vocabulary import TRUNK_PREFIXES, sms_prefix_problem, trunk_prefix_problem
from oncall.config import Phone, StackConfig, parse_stack_config
from oncall.config import args as component_args
from oncall.config.errors import ConfigError
from oncall.offline.engine import run_program
from tests.support import T

TEAM: dict[str, Any] = {
    "name": "Roma",
    "timeZone": "Europe/Rome",
    "members": {
        "giulia": {
            "name": "Giulia Rossi",
            "email": "giulia@example.com",
            "phone": "+39 06 6988 3712",
            "sms": "+39 06 6988 3712",
        }
    },
    "schedules": {
        "default": {
            "name": "Default",
            "layers": [{"name": "Rotation", "members": ["giulia"], "start": "2026-12-07T09:00:00"}],
        }
    },
    "escalation": {"name": "Default", "rules": [{"targets": ["schedule:default"]}]},
}


def _team(args: TeamOnCallArgs) -> None:
    TeamOnCall("team", args)


@pytest.mark.parametrize(
    ("country_code", "number"),
    [
        (33, "0612345678"),
        (40, "0712345678"),
        (44, "07700900123"),
        (45, "012345678"),
        (49, "030123456"),
        (61, "0412345678"),
        (66, "0812345678"),
        (91, "09876543210"),
        (1, "14155550100"),
    ],
)
def test_pagerduty_refuses_the_trunk_prefix_of_these_countries(
    country_code: int, number: str
) -> None:
    assert trunk_prefix_problem(country_code, number) is not None


@pytest.mark.parametrize(
    ("country_code", "number"),
    [
        (39, "0669883712"),
        (27, "0211234567"),
        (1, "4155550100"),
        (44, "7700900123"),
        (52, "0551234567"),
        (81, "0312345678"),
    ],
)
def test_other_national_numbers_keep_their_leading_digit(country_code: int, number: str) -> None:
    assert trunk_prefix_problem(country_code, number) is None


def test_the_rule_lists_exactly_the_providers_countries() -> None:
    assert TRUNK_PREFIXES == {33: "0", 40: "0", 44: "0", 45: "0", 49: "0", 61: "0"} | {
        66: "0",
        91: "0",
        1: "1",
    }


def test_an_italian_number_parses_with_its_leading_0() -> None:
    config = parse_stack_config({"team": copy.deepcopy(TEAM)})
    assert config.team is not None
    assert config.team.members["giulia"].phone == Phone(
        country_code=39, national_number="0669883712", e164="+390669883712"
    )


def test_an_italian_number_reaches_pagerduty_with_its_leading_0() -> None:
    """Config, wiring and TeamOnCall end to end: the contact methods are created as 39 /
    0669883712 (before the fix TeamOnCall refused it with "drop the trunk prefix 0")."""
    config = parse_stack_config({"team": copy.deepcopy(TEAM)})
    assert not isinstance(config, StackConfig)
    assert config.team is not None
    args: TeamOnCallArgs = component_args.team_args(config.team)

    run = run_program(lambda: _team(args))

    methods = {r.inputs["type"]: r.inputs for r in run.of_type(T.CONTACT_METHOD)}
    assert methods["phone_contact_method"]["countryCode"] == 39
    assert methods["phone_contact_method"]["address"] == "0669883712"
    assert methods["sms_contact_method"]["address"] == "0669883712"


def test_a_uk_number_given_with_its_trunk_0_is_refused_by_the_component() -> None:
    config = parse_stack_config({"team": copy.deepcopy(TEAM)})
    assert not isinstance(config, StackConfig)
    assert config.team is not None
    args: Any = component_args.team_args(config.team)
    args["members"]["giulia"]["phone"] = {"countryCode": 44, "number": "07700900123"}

    with pytest.raises(ValueError, match=r"members\.giulia\.phone\.number: drop the trunk prefix"):
        run_program(lambda: _team(args))


@pytest.mark.parametrize(("digits", "accepted"), [(15, True), (40, True), (41, False)])
def test_the_component_takes_addresses_up_to_the_providers_40_characters(
    digits: int, accepted: bool
) -> None:
    """validate_contact_address.go: "phone numbers may not exceed 40 characters" (a German
    national number may have 15 digits)."""
    config = parse_stack_config({"team": copy.deepcopy(TEAM)})
    assert not isinstance(config, StackConfig)
    assert config.team is not None
    args: Any = component_args.team_args(config.team)
    args["members"]["giulia"]["phone"] = {"countryCode": 49, "number": "3" * digits}

    if accepted:
        run_program(lambda: _team(args))
    else:
        with pytest.raises(ValueError, match=r"members\.giulia\.phone\.number: too long"):
            run_program(lambda: _team(args))


# --- Mexico: SMS without the leading 1 ------------------------------------------------------------
# validate_contact_address.go: "Mexico-based SMS numbers should be free of area code prefixes",
# for sms_contact_method alone; a phone contact method keeps it.


def test_a_mexican_sms_with_a_leading_1_is_refused_and_a_phone_keeps_it() -> None:
    assert sms_prefix_problem(52, "1551234567") is not None
    assert sms_prefix_problem(52, "5512345678") is None
    assert sms_prefix_problem(1, "4155550100") is None
    config = parse_stack_config({"team": copy.deepcopy(TEAM)})
    assert not isinstance(config, StackConfig)
    assert config.team is not None
    args: Any = component_args.team_args(config.team)
    args["members"]["giulia"]["phone"] = {"countryCode": 52, "number": "1551234567"}
    run_program(lambda: _team(args))  # a phone number may start with 1
    args["members"]["giulia"]["sms"] = {"countryCode": 52, "number": "1551234567"}

    with pytest.raises(ValueError, match=r"members\.giulia\.sms\.number: drop the leading 1"):
        run_program(lambda: _team(args))


def test_the_stack_file_refuses_a_mexican_sms_with_a_leading_1_with_its_key_path() -> None:
    team = copy.deepcopy(TEAM)
    team["members"]["giulia"]["phone"] = "+52 155 1234 567"
    team["members"]["giulia"]["sms"] = "+52 155 1234 567"

    with pytest.raises(ConfigError) as raised:
        parse_stack_config({"team": team})

    (problem,) = raised.value.problems
    assert str(problem).startswith("pantheon-oncall:team.members.giulia.sms: drop the leading 1")
