"""`pagerduty.urgency`, `pagerduty.supportHours` and `newrelic.certificateMonitor` in the stack
config: presets, overrides, adoption, and every refusal at its key path."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from components.vocabulary import MonitorPeriod, Urgency
from oncall.config import StackConfig, parse_stack_config
from oncall.config.errors import ConfigError
from oncall.config.presets import CERTIFICATE_MONITOR, CertificateMonitor
from oncall.config.urgency import Paging, SupportHours, ZoneSource
from oncall.onboarding.support_hours import support_hours_section
from tests.support import copy_project, run_cli

NS = "pantheon-oncall"

TEAM = {
    "name": "Web Team",
    "timeZone": "America/Chicago",
    "defaults": {"notify": {"high": [{"via": "email"}], "low": [{"via": "email"}]}},
    "members": {"jane": {"name": "Jane Doe", "email": "jane@example.com"}},
    "escalation": {"name": "Default", "rules": [{"targets": ["user:jane"]}]},
}


def site(env: str, topology: str = "team", **sections: Any) -> dict[str, Any]:
    """A site stack of `env` with its team inline, a team stack, or an existing policy."""
    values: dict[str, Any] = {"site": {"name": "example", "env": env}, **sections}
    if topology == "team":
        values["team"] = copy.deepcopy(TEAM)
    elif topology == "teamStack":
        values["teamStack"] = "acme/pantheon-oncall/team-web"
    else:
        values["escalationPolicy"] = {"name": "Default"}
    return values


def parsed(values: dict[str, Any]) -> StackConfig:
    config = parse_stack_config(values)
    assert isinstance(config, StackConfig)
    return config


def refusals(values: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        parse_stack_config(values)
    return [str(p) for p in raised.value.problems]


WEEKDAYS_9_TO_5: dict[str, Any] = {"days": (1, 2, 3, 4, 5), "start": "09:00", "end": "17:00"}


# --- Presets --------------------------------------------------------------------------------------


def test_test_preset_pages_high_on_weekdays_9_to_5_in_the_teams_zone() -> None:
    paging = parsed(site("test")).pagerduty.paging
    assert paging == Paging(
        outside=Urgency.LOW,
        support_hours=SupportHours(
            **WEEKDAYS_9_TO_5, time_zone="America/Chicago", zone_source=ZoneSource.TEAM
        ),
    )


def test_test_preset_of_a_team_stack_site_reads_the_team_stacks_zone_when_it_deploys() -> None:
    hours = parsed(site("test", "teamStack")).pagerduty.paging.support_hours
    assert hours == SupportHours(
        **WEEKDAYS_9_TO_5, time_zone=None, zone_source=ZoneSource.TEAM_STACK
    )


@pytest.mark.parametrize(("env", "urgency"), [("live", Urgency.HIGH), ("dev", Urgency.LOW)])
def test_live_and_dev_have_one_urgency_at_all_hours(env: str, urgency: Urgency) -> None:
    assert parsed(site(env)).pagerduty.paging == Paging(outside=urgency)


def test_one_word_keeps_its_meaning_on_test() -> None:
    values = site("test", pagerduty={"urgency": "low"})
    assert parsed(values).pagerduty.paging == Paging(outside=Urgency.LOW)


def test_support_hours_on_live_take_missing_keys_from_business_hours() -> None:
    hours = {"timeZone": "Europe/Paris", "days": ["saturday", "sunday"], "end": "18:00"}
    paging = parsed(site("live", pagerduty={"supportHours": hours})).pagerduty.paging
    assert paging == Paging(
        outside=Urgency.LOW,
        support_hours=SupportHours(
            days=(6, 7), start="09:00", end="18:00", time_zone="Europe/Paris"
        ),
    )


def test_the_urgency_pair_turns_business_hours_on_for_live() -> None:
    values = site("live", pagerduty={"urgency": {"during": "high", "outside": "low"}})
    hours = parsed(values).pagerduty.paging.support_hours
    assert hours == SupportHours(
        **WEEKDAYS_9_TO_5, time_zone="America/Chicago", zone_source=ZoneSource.TEAM
    )


def test_support_hours_false_on_test_keeps_low_urgency_at_all_hours() -> None:
    values = site("test", pagerduty={"supportHours": False})
    assert parsed(values).pagerduty.paging == Paging(outside=Urgency.LOW)


# --- Adopted services -----------------------------------------------------------------------------


def test_a_preset_adds_no_support_hours_to_an_adopted_service() -> None:
    values = site("test", pagerduty={"importId": "PSVC123"})
    assert parsed(values).pagerduty.paging == Paging(outside=Urgency.LOW)


def test_an_adopted_service_gets_the_support_hours_its_stack_file_writes() -> None:
    values = site("test", pagerduty={"importId": "PSVC123", "supportHours": {"start": "08:00"}})
    hours = parsed(values).pagerduty.paging.support_hours
    assert hours is not None
    assert (hours.start, hours.end, hours.time_zone) == ("08:00", "17:00", "America/Chicago")


# --- Refusals -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pagerduty", "problem"),
    [
        (
            {"urgency": {"during": "low", "outside": "high"}},
            f"{NS}:pagerduty.urgency.during: PagerDuty raises urgency when support hours start, "
            "never lowers it: the pair is during: high, outside: low (got 'low')",
        ),
        (
            {"urgency": {"during": "high", "outside": "high"}},
            f"{NS}:pagerduty.urgency.outside: the same urgency at all hours is one word: "
            "urgency: high (got 'high')",
        ),
        (
            {"urgency": "medium"},
            f"{NS}:pagerduty.urgency: expected high or low, or {{during: high, outside: low}} "
            "with support hours (got 'medium')",
        ),
        (
            {"urgency": "high", "supportHours": {"start": "08:00"}},
            f"{NS}:pagerduty.supportHours: urgency: high pages the same at all hours: write "
            "urgency: {during: high, outside: low} for support hours, or remove supportHours "
            "(got {'start': '08:00'})",
        ),
        (
            {"urgency": {"during": "high", "outside": "low"}, "supportHours": False},
            f"{NS}:pagerduty.urgency: needs support hours, and supportHours is false "
            "(got {'during': 'high', 'outside': 'low'})",
        ),
        (
            {"supportHours": {"start": "18:00"}},
            f"{NS}:pagerduty.supportHours.start: support hours end after they start, the same "
            "day (from 18:00 to 17:00); PagerDuty has one window per day, so overnight support "
            "cannot be written (got '18:00')",
        ),
        (
            {"supportHours": {"start": 1080}},
            f'{NS}:pagerduty.supportHours.start: expected a quoted time of day "HH:MM", e.g. '
            '"09:00" (got 1080)',
        ),
        (
            {"supportHours": {"days": ["monday", "funday"]}},
            f"{NS}:pagerduty.supportHours.days[1]: expected 'monday', 'tuesday', 'wednesday', "
            "'thursday', 'friday', 'saturday' or 'sunday' (got 'funday')",
        ),
        (
            {"supportHours": {"timeZone": "Mars/Olympus"}},
            f"{NS}:pagerduty.supportHours.timeZone: unknown time zone; expected an IANA name "
            "like America/New_York (got 'Mars/Olympus')",
        ),
        (
            {"supportHours": {"when": "always"}},
            f"{NS}:pagerduty.supportHours.when: unknown key; expected one of timeZone, days, "
            "start, end",
        ),
    ],
)
def test_bad_urgency_or_support_hours_is_refused_at_its_key_path(
    pagerduty: dict[str, Any], problem: str
) -> None:
    assert problem in refusals(site("test", pagerduty=pagerduty))


def test_support_hours_written_without_a_team_need_a_time_zone() -> None:
    values = site("test", "escalationPolicy", pagerduty={"supportHours": {"days": ["monday"]}})
    assert refusals(values) == [
        f"{NS}:pagerduty.supportHours.timeZone: required: support hours need a time zone, and "
        "this stack has no team to take it from (it pages an existing escalation policy); or "
        "urgency: low (or high) for one urgency at all hours"
    ]


def test_a_test_stack_paging_an_existing_policy_keeps_one_urgency_without_a_zone() -> None:
    # Valid before support hours existed: the preset's business hours need a zone it cannot
    # know, so it keeps paging at the preset's one urgency instead of being refused.
    paging = parsed(site("test", "escalationPolicy")).pagerduty.paging
    assert paging.support_hours is None
    assert paging.outside == "low"


def test_an_existing_policy_stack_with_a_zone_gets_business_hours() -> None:
    values = site("test", "escalationPolicy", pagerduty={"supportHours": {"timeZone": "UTC"}})
    hours = parsed(values).pagerduty.paging.support_hours
    assert hours == SupportHours(**WEEKDAYS_9_TO_5, time_zone="UTC")


# --- The certificate monitor ----------------------------------------------------------------------


def with_domain(domain: str, **newrelic: Any) -> dict[str, Any]:
    values = site("live", newrelic=newrelic) if newrelic else site("live")
    values["site"]["domain"] = domain
    return values


def test_a_custom_domain_gets_a_certificate_check_of_14_days_every_6_hours() -> None:
    monitor = parsed(with_domain("www.example.com")).newrelic.certificate_monitor
    assert monitor == CERTIFICATE_MONITOR
    assert monitor == CertificateMonitor(14, MonitorPeriod.EVERY_6_HOURS, ("US_EAST_1",))


def test_pantheons_own_domain_gets_no_certificate_check() -> None:
    assert parsed(site("live")).newrelic.certificate_monitor is None
    assert parsed(with_domain("live-example.pantheonsite.io")).newrelic.certificate_monitor is None


def test_the_switch_turns_the_certificate_check_off() -> None:
    values = with_domain("www.example.com", certificateMonitor=False)
    assert parsed(values).newrelic.certificate_monitor is None


def test_certificate_keys_replace_the_defaults_one_by_one() -> None:
    values = with_domain("www.example.com", certificateMonitor={"days": 30, "period": "EVERY_HOUR"})
    assert parsed(values).newrelic.certificate_monitor == CertificateMonitor(
        30, MonitorPeriod.EVERY_HOUR, ("US_EAST_1",)
    )


@pytest.mark.parametrize(
    ("domain", "monitor", "problem"),
    [
        (
            "live-example.pantheonsite.io",
            {"days": 30},
            f"{NS}:newrelic.certificateMonitor: needs a custom domain (site.domain): "
            "live-example.pantheonsite.io is Pantheon's, and Pantheon renews its certificates; "
            "remove this key (got {'days': 30})",
        ),
        (
            "www.example.com",
            {"period": "EVERY_12_HOURS"},
            f"{NS}:newrelic.certificateMonitor.period: EVERY_12_HOURS is longer than the 6-hour "
            "window of the condition on its failures: EVERY_6_HOURS or shorter "
            "(got 'EVERY_12_HOURS')",
        ),
        (
            "www.example.com",
            {"days": 0},
            f"{NS}:newrelic.certificateMonitor.days: must be at least 1 (got 0)",
        ),
        (
            "www.example.com",
            {"locations": ["AWS_US_EAST_1"]},
            f"{NS}:newrelic.certificateMonitor.locations[0]: public locations take no AWS_ "
            "prefix: write 'US_EAST_1' (got 'AWS_US_EAST_1')",
        ),
    ],
)
def test_bad_certificate_monitor_is_refused_at_its_key_path(
    domain: str, monitor: dict[str, Any], problem: str
) -> None:
    assert problem in refusals(with_domain(domain, certificateMonitor=monitor))


# --- A stack file, read as the Pulumi CLI reads it ----------------------------------------------


STACK_FILE = """\
config:
  pantheon-oncall:site: {name: example, env: live}
  pantheon-oncall:escalationPolicy: {name: Default}
  pantheon-oncall:pagerduty:
    urgency: {during: high, outside: low}
    supportHours:
      timeZone: Europe/London
      days: [monday, tuesday, wednesday, thursday, friday, saturday]
      start: 08:30
      end: 18:00
"""


def test_unquoted_times_in_a_stack_file_are_times_as_go_yaml_reads_them(tmp_path: Path) -> None:
    project = copy_project(tmp_path, stacks=False)
    (project / "stacks" / "Pulumi.hours-live.yaml").write_text(STACK_FILE)
    result = run_cli("check", "hours-live", cwd=project)
    assert result.returncode == 0, result.stderr
    assert (
        "  service live-example.pantheonsite.io: high urgency Mon-Sat 08:30-18:00 "
        "(Europe/London): incidents page and escalate\n"
    ) in result.stdout


# --- Adopting a service that has support hours (`oncall import`) ---------------------------------

API_SERVICE: dict[str, Any] = {
    "incident_urgency_rule": {
        "type": "use_support_hours",
        "during_support_hours": {"type": "constant", "urgency": "high"},
        "outside_support_hours": {"type": "constant", "urgency": "low"},
    },
    "support_hours": {
        "type": "fixed_time_per_day",
        "time_zone": "Europe/Berlin",
        "days_of_week": [5, 1, 2, 3, 4],
        "start_time": "08:00:00",
        "end_time": "16:30:00",
    },
}


def test_an_imported_service_keeps_its_support_hours_as_they_are() -> None:
    section = support_hours_section(API_SERVICE)
    assert section == {
        "urgency": {"during": "high", "outside": "low"},
        "supportHours": {
            "timeZone": "Europe/Berlin",
            "days": ["monday", "tuesday", "wednesday", "thursday", "friday"],
            "start": "08:00",
            "end": "16:30",
        },
    }
    values = site("live", pagerduty={"importId": "PSVC123", **section})
    hours = parsed(values).pagerduty.paging.support_hours
    assert hours == SupportHours(
        days=(1, 2, 3, 4, 5), start="08:00", end="16:30", time_zone="Europe/Berlin"
    )


def test_a_service_with_another_urgency_rule_is_not_read_as_support_hours() -> None:
    inverted = copy.deepcopy(API_SERVICE)
    inverted["incident_urgency_rule"]["during_support_hours"]["urgency"] = "low"
    assert support_hours_section(inverted) is None
    assert support_hours_section({"incident_urgency_rule": {"type": "constant"}}) is None
