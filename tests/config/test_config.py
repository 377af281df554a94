"""The stack config contract, without Pulumi: the full example parses into what the wiring
reads, presets fill what a stack leaves out, and every bad input is reported by key path and
value, all at once."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import pydantic
import pytest
import yaml

from components.vocabulary import (
    HandoffType,
    IncidentPreference,
    MonitorPeriod,
    Role,
    SlackEvent,
    Urgency,
    Via,
)
from oncall.config import (
    EnvKind,
    Member,
    StackConfig,
    Step,
    Team,
    TeamStackConfig,
    Topology,
    parse_stack_config,
    presets,
)
from oncall.config.errors import MISSING, ConfigError, Problem
from oncall.config.presets import ErrorRate, PingFailure, PingMonitor, ResponseTime
from oncall.config.urgency import Paging, SupportHours

NS = "pantheon-oncall"

# A full stack file (every section, an inline team), as a user writes it (credentials stand in
# for the encrypted values).
FULL_EXAMPLE = """
config:
  pagerduty:token: {secure: v1:AAAA}
  pagerduty:userToken: {secure: v1:AAAA}
  newrelic:accountId: "1234567"
  newrelic:apiKey: {secure: v1:AAAA}
  slack:token: {secure: v1:AAAA}
  pantheon-oncall:site:
    name: example                 # Pantheon site machine name
    env: live                     # dev | test | live | a multidev name
    domain: www.example.com       # optional; default <env>-<name>.pantheonsite.io
  pantheon-oncall:team:
    name: Example Web Team
    timeZone: America/New_York
    defaults:                     # applied to every member unless the member overrides
      notify:
        high: [{via: email}, {via: sms}, {via: phone, afterMinutes: 15}]
        low: [{via: email}]
      handoff: {via: email, beforeMinutes: 1440}
    members:
      jane: {name: Jane Doe, email: jane@example.com, role: manager, phone: "+1 415 555 0100", sms: "+1 415 555 0100"}
      joe: {name: Joe Smith, email: joe@example.com, role: responder, phone: "+1 415 555 0101", sms: "+1 415 555 0101"}
      anita: {name: Anita Rao, email: anita@example.com, role: responder, timeZone: Europe/London, phone: "+44 20 7946 0958", sms: "+44 7700 900123"}
    schedules:
      default:
        name: Default
        layers:                                   # later layers take precedence, as in PagerDuty
          - {name: Backstop, members: [jane]}
          - {name: Weekly rotation, members: [joe, anita], rotation: weekly, start: "2026-12-07T09:00:00"}
    escalation:
      name: Default
      loops: 1
      rules:
        - {targets: [schedule:default], escalateAfterMinutes: 15}
        - {targets: [user:jane], escalateAfterMinutes: 30}
  pantheon-oncall:pagerduty:
    service: New Relic            # default: the site domain
  pantheon-oncall:newrelic:
    incidentPreference: PER_POLICY
    pingMonitor: {period: EVERY_5_MINUTES, locations: [US_EAST_1, US_WEST_1, EU_WEST_2], verifySsl: true}
    conditions:
      pingFailure: {failingLocations: 2}
      errorRate: {percent: 5, forMinutes: 5}
      responseTime: {seconds: 3, forMinutes: 10}
  pantheon-oncall:slack:
    workspaceId: T0123ABCD
    channel: example-alerts
    events: [triggered, acknowledged, resolved, reassigned]
"""  # noqa: E501 — kept exactly as a user writes it


def parse_site(values: Mapping[str, Any]) -> StackConfig:
    """Parse a site stack's config (a team stack's would be a TeamStackConfig)."""
    config = parse_stack_config(values)
    assert isinstance(config, StackConfig)
    return config


def iso(moment: datetime | None) -> str:
    """A resolved layer time as the program sends it; parsing fixed it with its UTC offset."""
    assert moment is not None
    assert moment.tzinfo is not None
    return moment.isoformat()


def resolved_notify(member: Member) -> dict[Urgency, tuple[Step, ...]]:
    """A parsed member's rules per urgency: parsing wrote the team's defaults into `notify`."""
    assert member.notify is not None
    high, low = member.notify.high, member.notify.low
    assert high is not None
    assert low is not None
    return {Urgency.HIGH: high, Urgency.LOW: low}


def _project_values(stack_yaml: str) -> dict[str, Any]:
    """A stack file's `pantheon-oncall:*` keys without the namespace, as the program passes them."""
    config = yaml.safe_load(stack_yaml)["config"]
    return {
        key.split(":", 1)[1]: value for key, value in config.items() if key.startswith(f"{NS}:")
    }


_EXAMPLE = _project_values(FULL_EXAMPLE)


def example() -> dict[str, Any]:
    return copy.deepcopy(_EXAMPLE)


def minimal(env: str = "live", **sections: Any) -> dict[str, Any]:
    """A site stack that uses an existing escalation policy: the presets decide everything else."""
    return {
        "site": {"name": "example", "env": env},
        "escalationPolicy": {"name": "Default"},
        **sections,
    }


@pytest.fixture(scope="module")
def parsed() -> StackConfig:
    return parse_site(example())


@pytest.fixture(scope="module")
def team(parsed: StackConfig) -> Team:
    assert parsed.team is not None
    return parsed.team


# --- Editing the example --------------------------------------------------------------------------

Edit = Callable[[dict[str, Any]], None]


def _tokens(path: str) -> list[str | int]:
    return [
        int(t[1:-1]) if t.startswith("[") else t for t in re.findall(r"[^.\[\]]+|\[\d+\]", path)
    ]


def _parent(values: dict[str, Any], path: str) -> tuple[Any, str | int]:
    *parents, last = _tokens(path)
    node: Any = values
    for token in parents:
        node = node[token]
    return node, last


def put(path: str, value: object) -> Edit:
    def edit(values: dict[str, Any]) -> None:
        node, last = _parent(values, path)
        node[last] = value

    return edit


def drop(path: str) -> Edit:
    def edit(values: dict[str, Any]) -> None:
        node, last = _parent(values, path)
        del node[last]

    return edit


def config_error(values: dict[str, Any], namespace: str = NS) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        parse_stack_config(values, namespace)
    return caught.value


def problem_at(error: ConfigError, path: str) -> Problem:
    found = [p for p in error.problems if p.path == path]
    assert found, f"no problem at {path}; got:\n{error}"
    return found[0]


# --- the full example --------------------------------------------------------------------------


def test_full_example_parses_as_an_inline_team(parsed: StackConfig) -> None:
    assert parsed.topology is Topology.INLINE
    assert parsed.team_stack is None
    assert parsed.escalation_policy is None
    assert parsed.site.url == "https://www.example.com/"
    assert parsed.site.env_kind is EnvKind.LIVE


def test_phone_numbers_split_into_country_code_and_national_number(team: Team) -> None:
    jane, anita = team.members["jane"], team.members["anita"]
    assert jane.phone is not None
    assert (jane.phone.country_code, jane.phone.national_number) == (1, "4155550100")
    assert jane.phone.e164 == "+14155550100"
    assert anita.sms is not None
    assert (anita.sms.country_code, anita.sms.national_number) == (44, "7700900123")
    assert anita.phone is not None
    assert anita.phone.national_number == "2079460958"


def test_responder_is_limited_user_and_manager_is_user_in_the_api(team: Team) -> None:
    assert team.members["joe"].api_role == "limited_user"
    assert team.members["jane"].api_role == "user"


def test_weekly_rotation_lasts_604800_seconds_from_a_local_start(team: Team) -> None:
    backstop, weekly = team.schedules["default"].layers
    assert weekly.rotation_seconds == 604_800
    assert iso(weekly.start) == "2026-12-07T09:00:00-05:00"
    assert backstop.rotation_seconds == 604_800


def test_backstop_layer_inherits_the_rotation_start(team: Team) -> None:
    backstop, _ = team.schedules["default"].layers
    assert iso(backstop.start) == "2026-12-07T09:00:00-05:00"
    assert backstop.end is None


def test_member_time_zone_falls_back_to_the_team(team: Team) -> None:
    assert team.members["anita"].time_zone == "Europe/London"
    assert team.members["joe"].time_zone == "America/New_York"
    assert team.schedules["default"].time_zone == "America/New_York"


def test_emails_are_lower_case_and_every_member_gets_the_guide_rules(team: Team) -> None:
    joe = team.members["joe"]
    assert joe.email == "joe@example.com"
    notify = resolved_notify(joe)
    assert [(s.via, s.after_minutes) for s in notify[Urgency.HIGH]] == [
        (Via.EMAIL, 0),
        (Via.SMS, 0),
        (Via.PHONE, 15),
    ]
    assert [(s.via, s.after_minutes) for s in notify[Urgency.LOW]] == [(Via.EMAIL, 0)]
    handoff = joe.handoff
    assert handoff
    assert (handoff.via, handoff.before_minutes, handoff.type) == (
        Via.EMAIL,
        1440,
        HandoffType.ONCALL,
    )


def test_escalation_rules_keep_their_order_and_targets(team: Team) -> None:
    first, second = team.escalation.rules
    assert [(t.api_type, t.slug) for t in first.targets] == [("schedule_reference", "default")]
    assert first.escalate_after_minutes == 15
    assert [str(t) for t in second.targets] == ["user:jane"]
    assert team.escalation.loops == 1


def test_live_example_pages_at_high_urgency_with_a_three_location_monitor(
    parsed: StackConfig,
) -> None:
    assert parsed.pagerduty.service == "New Relic"
    assert parsed.pagerduty.paging == Paging(outside=Urgency.HIGH)
    newrelic = parsed.newrelic
    assert newrelic.ping_monitor == PingMonitor(
        MonitorPeriod.EVERY_5_MINUTES, ("US_EAST_1", "US_WEST_1", "EU_WEST_2"), verify_ssl=True
    )
    assert newrelic.ping_failure == PingFailure(2)
    assert newrelic.error_rate == ErrorRate(5, 5)
    assert newrelic.response_time == ResponseTime(3, 10)
    assert newrelic.incident_preference is IncidentPreference.PER_POLICY
    assert newrelic.policy_name == "www.example.com"
    assert newrelic.app_name == "example (live)"


def test_slack_events_map_to_incident_types_and_priorities_default_to_all(
    parsed: StackConfig,
) -> None:
    slack = parsed.slack
    assert slack is not None
    assert slack.event_types == (
        "incident.triggered",
        "incident.acknowledged",
        "incident.resolved",
        "incident.reassigned",
    )
    assert slack.priorities == ("*",)
    assert slack.adopt_existing is True
    assert slack.urgency is None
    assert slack.channel == "example-alerts"


def test_parsed_config_is_frozen(team: Team) -> None:
    with pytest.raises(pydantic.ValidationError):
        team.members["joe"].email = "x@example.com"  # type: ignore[misc]


# --- Presets --------------------------------------------------------------------------------------


def test_presets_docstring_shows_the_presets_table() -> None:
    assert presets.__doc__ is not None
    assert presets.render_table() in presets.__doc__


def test_live_preset_pages_high_and_pings_every_5_minutes_from_3_locations() -> None:
    config = parse_site(minimal("live"))
    assert config.pagerduty.paging == Paging(outside=Urgency.HIGH)
    assert config.newrelic.ping_monitor == PingMonitor(
        MonitorPeriod.EVERY_5_MINUTES, ("US_EAST_1", "US_WEST_1", "EU_WEST_2"), verify_ssl=True
    )
    assert config.newrelic.ping_failure == PingFailure(2)
    assert config.newrelic.error_rate == ErrorRate(5, 5)
    assert config.newrelic.response_time == ResponseTime(3, 10)


def test_test_preset_pages_high_in_business_hours_and_pings_from_1_location() -> None:
    config = parse_site(minimal("test", pagerduty={"supportHours": {"timeZone": "Europe/Paris"}}))
    assert config.pagerduty.paging == Paging(
        outside=Urgency.LOW,
        support_hours=SupportHours(
            days=(1, 2, 3, 4, 5), start="09:00", end="17:00", time_zone="Europe/Paris"
        ),
    )
    assert config.newrelic.ping_monitor == PingMonitor(
        MonitorPeriod.EVERY_15_MINUTES, ("US_EAST_1",), verify_ssl=True
    )
    assert config.newrelic.ping_failure == PingFailure(1)
    assert config.newrelic.error_rate == ErrorRate(5, 5)
    assert config.newrelic.response_time == ResponseTime(3, 10)


@pytest.mark.parametrize("env", ["dev", "pr-123"])
def test_dev_and_multidev_presets_page_low_without_a_ping_monitor(env: str) -> None:
    config = parse_site(minimal(env))
    assert config.site.env_kind is (EnvKind.DEV if env == "dev" else EnvKind.MULTIDEV)
    assert config.pagerduty.paging == Paging(outside=Urgency.LOW)
    assert config.newrelic.ping_monitor is None
    assert config.newrelic.ping_failure is None
    assert config.newrelic.error_rate == ErrorRate(5, 5)
    assert config.newrelic.response_time == ResponseTime(3, 10)


def test_names_default_to_the_pantheon_host() -> None:
    config = parse_site(minimal("dev"))
    assert config.site.host == "dev-example.pantheonsite.io"
    assert config.site.url == "https://dev-example.pantheonsite.io/"
    assert config.pagerduty.service == "dev-example.pantheonsite.io"
    assert config.newrelic.policy_name == "dev-example.pantheonsite.io"
    assert config.newrelic.app_name == "example (dev)"


def test_stack_overrides_a_preset_key_by_key() -> None:
    values = minimal("live", newrelic={"pingMonitor": {"period": "EVERY_MINUTE"}})
    values["pagerduty"] = {"urgency": "low"}
    config = parse_site(values)
    assert config.pagerduty.paging == Paging(outside=Urgency.LOW)
    assert config.newrelic.ping_monitor == PingMonitor(
        MonitorPeriod.EVERY_MINUTE, ("US_EAST_1", "US_WEST_1", "EU_WEST_2"), verify_ssl=True
    )


def test_false_turns_a_part_off_and_ping_failure_follows_the_monitor() -> None:
    newrelic = {"pingMonitor": False, "conditions": {"responseTime": False}}
    config = parse_site(minimal("live", newrelic=newrelic))
    assert config.newrelic.ping_monitor is None
    assert config.newrelic.ping_failure is None
    assert config.newrelic.response_time is None
    assert config.newrelic.error_rate == ErrorRate(5, 5)


def test_an_adopted_member_adopts_its_numbers_and_names_its_login_email_method() -> None:
    values = example()
    jane = values["team"]["members"]["jane"]
    jane |= {"importId": "PJANE01", "emailContactMethodId": "PCMEMAIL"}
    jane["phone"] = {"number": "+1 415 555 0100", "importId": "PCMPHONE", "label": "Mobile"}
    member = parse_site(values).team.members["jane"]  # type: ignore[union-attr]

    assert member.email_contact_method_id == "PCMEMAIL"
    assert member.phone is not None
    assert (member.phone.import_id, member.phone.label) == ("PCMPHONE", "Mobile")
    assert (member.phone.country_code, member.phone.national_number) == (1, "4155550100")
    assert member.sms is not None
    assert member.sms.import_id is None


def test_an_adopted_member_adopts_its_rules_in_order_and_inherits_the_other_urgency() -> None:
    values = example()
    jane = values["team"]["members"]["jane"]
    jane["importId"] = "PJANE01"
    jane["notify"] = {
        "high": [
            {"via": "email"},
            {"via": "sms", "afterMinutes": 0, "importId": "PRULEHS"},
            {"via": "phone", "afterMinutes": 15, "importId": "PRULEHP"},
        ]
    }
    jane["handoff"] = {"via": "email", "beforeMinutes": 1440, "importId": "PRULEHO"}
    member = parse_site(values).team.members["jane"]  # type: ignore[union-attr]

    notify = resolved_notify(member)
    assert [(s.via, s.after_minutes, s.import_id) for s in notify[Urgency.HIGH]] == [
        (Via.EMAIL, 0, None),
        (Via.SMS, 0, "PRULEHS"),
        (Via.PHONE, 15, "PRULEHP"),
    ]
    assert [(s.via, s.import_id) for s in notify[Urgency.LOW]] == [(Via.EMAIL, None)]
    assert member.handoff
    assert (member.handoff.before_minutes, member.handoff.import_id) == (1440, "PRULEHO")


def test_apm_false_turns_both_apm_conditions_off_and_keeps_the_ping() -> None:
    config = parse_site(minimal("live", newrelic={"apm": False}))
    assert config.newrelic.error_rate is None
    assert config.newrelic.response_time is None
    assert config.newrelic.ping_failure == PingFailure(2)


def test_service_timeouts_are_left_to_the_component_unless_written() -> None:
    config = parse_site(minimal("live"))
    assert config.pagerduty.auto_resolve_minutes is None
    assert config.pagerduty.acknowledgement_timeout_minutes is None


def test_service_timeouts_take_minutes_or_false() -> None:
    pagerduty = {"autoResolveMinutes": 1440, "acknowledgementTimeoutMinutes": False}
    config = parse_site(minimal("live", pagerduty=pagerduty))
    assert config.pagerduty.auto_resolve_minutes == 1440
    assert config.pagerduty.acknowledgement_timeout_minutes is False


def test_a_monitor_turned_on_in_dev_takes_missing_keys_from_the_test_preset() -> None:
    newrelic = {"pingMonitor": {"locations": ["US_WEST_1", "EU_WEST_2"]}}
    config = parse_site(minimal("dev", newrelic=newrelic))
    assert config.newrelic.ping_monitor == PingMonitor(
        MonitorPeriod.EVERY_15_MINUTES, ("US_WEST_1", "EU_WEST_2"), verify_ssl=True
    )
    assert config.newrelic.ping_failure == PingFailure(1)


def test_preset_ping_failure_is_capped_at_the_number_of_locations() -> None:
    newrelic = {"pingMonitor": {"locations": ["US_EAST_1"]}}
    config = parse_site(minimal("live", newrelic=newrelic))
    assert config.newrelic.ping_failure == PingFailure(1)


# --- More of the contract -------------------------------------------------------------------------


def test_a_site_stack_can_read_its_team_from_a_team_stack() -> None:
    site = {"name": "example", "env": "live"}
    config = parse_site({"site": site, "teamStack": "acme/pantheon-oncall/team-web"})
    assert config.topology is Topology.TEAM_STACK
    assert config.team_stack == "acme/pantheon-oncall/team-web"
    assert (config.team, config.escalation_policy) == (None, None)


def test_a_site_stack_can_use_an_existing_escalation_policy() -> None:
    site = {"name": "example", "env": "live"}
    config = parse_site({"site": site, "escalationPolicy": {"id": "PABC123"}})
    assert config.topology is Topology.EXISTING_POLICY
    assert config.escalation_policy is not None
    assert (config.escalation_policy.id, config.escalation_policy.name) == ("PABC123", None)
    assert (config.team, config.team_stack) == (None, None)


EMAIL_ONLY = {"high": [{"via": "email"}], "low": [{"via": "email"}]}


@pytest.mark.parametrize(
    ("word", "role"),
    [
        ("responder", Role.RESPONDER),
        ("manager", Role.MANAGER),
        ("Global Admin", Role.ADMIN),
        ("observer", Role.OBSERVER),
        ("full stakeholder", Role.STAKEHOLDER),
        ("limited stakeholder", Role.LIMITED_STAKEHOLDER),
        ("restricted access", Role.RESTRICTED_ACCESS),
        ("read_only_user", Role.STAKEHOLDER),
    ],
)
def test_roles_take_ui_words_or_api_values(word: str, role: Role) -> None:
    values = example()
    dora = {"name": "Dora", "email": "dora@example.com", "role": word, "notify": EMAIL_ONLY}
    values["team"]["members"]["dora"] = dora
    team = parse_site(values).team
    assert team is not None
    assert team.members["dora"].role is role


def test_team_without_defaults_gets_the_guide_defaults() -> None:
    values = example()
    del values["team"]["defaults"]
    team = parse_site(values).team
    assert team is not None
    notify = resolved_notify(team.members["jane"])
    assert [(s.via, s.after_minutes) for s in notify[Urgency.HIGH]] == [
        (Via.EMAIL, 0),
        (Via.SMS, 0),
        (Via.PHONE, 15),
    ]
    handoff = team.members["jane"].handoff
    assert handoff
    assert handoff.before_minutes == 1440


def test_member_notify_replaces_only_the_urgencies_given_and_handoff_false_disables() -> None:
    values = example()
    values["team"]["members"]["joe"]["notify"] = {"high": [{"via": "phone", "afterMinutes": 5}]}
    values["team"]["members"]["joe"]["handoff"] = False
    team = parse_site(values).team
    assert team is not None
    notify = resolved_notify(team.members["joe"])
    assert [(s.via, s.after_minutes) for s in notify[Urgency.HIGH]] == [(Via.PHONE, 5)]
    assert [(s.via, s.after_minutes) for s in notify[Urgency.LOW]] == [(Via.EMAIL, 0)]
    assert team.members["joe"].handoff is False


@pytest.mark.parametrize(
    ("written", "share", "days"),
    [
        (None, 0.8, 10),
        ({}, 0.8, 10),
        ({"maxAfterHoursDaysPerMonth": 20}, 0.8, 20),
        ({"maxAfterHoursShare": 1, "maxAfterHoursDaysPerMonth": 0}, 1, 0),
    ],
)
def test_team_load_limits_default_to_80_percent_and_10_days_a_month(
    written: dict[str, Any] | None, share: float, days: float
) -> None:
    values = example()
    if written is not None:
        values["team"]["load"] = written
    team = parse_site(values).team
    assert team is not None
    assert team.load
    assert (team.load.max_after_hours_share, team.load.max_after_hours_days_per_month) == (
        share,
        days,
    )


def test_team_load_false_turns_the_load_limits_off() -> None:
    values = example()
    values["team"]["load"] = False
    team = parse_site(values).team
    assert team is not None
    assert team.load is False


def test_existing_member_is_looked_up_and_may_be_a_target() -> None:
    values = example()
    values["team"]["members"]["ops"] = {"email": "Ops@Example.com", "existing": True}
    values["team"]["escalation"]["rules"][1]["targets"].append("user:ops")
    team = parse_site(values).team
    assert team is not None
    assert team.members["ops"].existing
    assert team.members["ops"].email == "ops@example.com"


def test_start_with_an_offset_is_kept_as_written() -> None:
    values = example()
    values["team"]["schedules"]["default"]["layers"][1]["start"] = "2026-12-07T09:00:00+01:00"
    team = parse_site(values).team
    assert team is not None
    assert [iso(layer.start) for layer in team.schedules["default"].layers] == [
        "2026-12-07T09:00:00+01:00",
        "2026-12-07T09:00:00+01:00",
    ]


def test_local_start_takes_the_schedule_zone_offset_at_that_instant() -> None:
    values = example()
    schedule = values["team"]["schedules"]["default"]
    schedule["timeZone"] = "Europe/London"
    schedule["layers"][1]["start"] = "2027-07-05T09:00:00"
    team = parse_site(values).team
    assert team is not None
    assert iso(team.schedules["default"].layers[1].start) == "2027-07-05T09:00:00+01:00"


def test_rotation_hours_and_restrictions_come_out_in_api_form() -> None:
    values = example()
    layer = values["team"]["schedules"]["default"]["layers"][1]
    del layer["rotation"]
    layer["rotationHours"] = 12
    layer["restrictions"] = [
        {"type": "daily", "startTime": "9:00", "durationHours": 8},
        {"type": "weekly", "startTime": "18:30", "durationHours": 62.5, "startDay": "Friday"},
    ]
    team = parse_site(values).team
    assert team is not None
    weekly = team.schedules["default"].layers[1]
    assert weekly.rotation_seconds == 43_200
    assert [
        (r.api_type, r.start_time_of_day, r.duration_seconds, r.start_day_of_week)
        for r in weekly.restrictions
    ] == [
        ("daily_restriction", "09:00:00", 28_800, None),
        ("weekly_restriction", "18:30:00", 225_000, 5),
    ]


def test_slack_accepts_api_event_types_and_a_channel_id() -> None:
    slack = {
        "workspaceId": "T0123ABCD",
        "channelId": "C0123ABCD",
        "events": ["incident.triggered", "escalated", "responder_added"],
        "priorities": [],
        "urgency": "high",
    }
    config = parse_site(minimal(slack=slack))
    assert config.slack is not None
    assert config.slack.events == (
        SlackEvent.TRIGGERED,
        SlackEvent.ESCALATED,
        SlackEvent.RESPONDER_ADDED,
    )
    assert config.slack.priorities == ()
    assert config.slack.urgency is Urgency.HIGH


def test_problem_names_path_message_and_value_and_omits_a_missing_value() -> None:
    assert (
        str(Problem(f"{NS}:site.env", "Live!", "bad env"))
        == f"{NS}:site.env: bad env (got 'Live!')"
    )
    assert str(Problem(f"{NS}:site", MISSING, "required")) == f"{NS}:site: required"
    error = ConfigError([Problem("a", 1, "x"), Problem("b", MISSING, "y")])
    assert str(error).splitlines() == ["a: x (got 1)", "b: y"]


def test_paths_use_the_given_namespace() -> None:
    error = config_error(minimal(env="Live!"), namespace="other")
    assert [p.path for p in error.problems] == ["other:site.env"]


def test_every_problem_is_reported_at_once() -> None:
    values = example()
    values["team"]["members"]["jane"]["email"] = "jane@"
    values["team"]["schedules"]["default"]["layers"][1]["members"][0] = "bob"
    error = config_error(values)
    assert sorted(p.path for p in error.problems) == [
        f"{NS}:team.members.jane.email",
        f"{NS}:team.schedules.default.layers[1].members[0]",
    ]


# --- Bad input: one problem each, at the key path the user wrote, naming the value ----------------

T = "team"
SCHEDULE = "team.schedules.default"
LAYER = f"{SCHEDULE}.layers[1]"
RESTRICTION = f"{LAYER}.restrictions[0]"
RULES = "team.escalation.rules"
PING_FAILURE = "newrelic.conditions.pingFailure"


def case(name: str, path: str, value: object, *edits: Edit) -> Any:
    """Edits to the full example, and where the problem is and the value it names."""
    return pytest.param(list(edits), path, value, id=name)


def bad(name: str, path: str, value: object) -> Any:
    """`value` written at `path` is itself the problem."""
    return case(name, path, value, put(path, value))


DAYS_KEY = f"{T}.load.maxAfterHoursDaysPerMonth"


def load(share: object = 0.8, days: object = 10) -> Edit:
    """`team.load` with these limits."""
    return put(f"{T}.load", {"maxAfterHoursShare": share, "maxAfterHoursDaysPerMonth": days})


def restriction(**keys: object) -> Edit:
    return put(f"{LAYER}.restrictions", [{"type": "daily", "startTime": "09:00", **keys}])


def existing_joe(**keys: object) -> Edit:
    return put(f"{T}.members.joe", {"email": "joe@example.com", "existing": True, **keys})


ANITA_STAKEHOLDER = put(f"{T}.members.anita.role", "limited stakeholder")
JOE_SMS_STEP = put(f"{T}.members.joe.notify", {"high": [{"via": "email"}, {"via": "sms"}]})
SAME_EMAIL_STEP = [{"via": "email"}, {"via": "email", "afterMinutes": 0}]
TEAM_STACK = "acme/pantheon-oncall/team-web"
BOTH_REFS = {"id": "PABC123", "name": "Default"}
DORA = {"name": "Dora", "email": "dora@example.com"}

BAD_INPUTS = [
    # References between members, schedules and escalation rules
    bad("unknown member in a layer", f"{LAYER}.members[0]", "bob"),
    bad("unknown member as target", f"{RULES}[1].targets[0]", "user:bob"),
    bad("unknown schedule as target", f"{RULES}[0].targets[0]", "schedule:weekend"),
    bad("malformed target", f"{RULES}[0].targets[0]", "team:x"),
    case(
        "duplicate member in a layer",
        f"{LAYER}.members[2]",
        "joe",
        put(f"{LAYER}.members", ["joe", "anita", "joe"]),
    ),
    case("stakeholder on a schedule", f"{LAYER}.members[1]", "anita", ANITA_STAKEHOLDER),
    case(
        "stakeholder as a target",
        f"{RULES}[1].targets[0]",
        "user:anita",
        put(f"{RULES}[1].targets[0]", "user:anita"),
        ANITA_STAKEHOLDER,
    ),
    # Members
    case(  # TeamOnCall's rule (emails are unique in the account), reported at the stack file's key
        "duplicate email in another case",
        f"{T}.members.joe.email",
        "JANE@example.com",
        put(f"{T}.members.joe.email", "JANE@example.com"),
    ),
    bad("bad email", f"{T}.members.jane.email", "jane@"),
    bad("unparseable phone", f"{T}.members.jane.phone", "555-CALL-NOW"),
    bad("phone without +", f"{T}.members.jane.sms", "1 415 555 0100"),
    bad("impossible phone", f"{T}.members.joe.phone", "+1 555"),
    bad("unknown role", f"{T}.members.joe.role", "boss"),
    bad("unknown member time zone", f"{T}.members.anita.timeZone", "America/Gotham"),
    case("member without a name", f"{T}.members.joe.name", MISSING, drop(f"{T}.members.joe.name")),
    case("member slug with capitals", f"{T}.members.Dora", "Dora", put(f"{T}.members.Dora", DORA)),
    case(
        "sms step without an sms number",
        f"{T}.members.joe.notify.high[1].via",
        "sms",
        drop(f"{T}.members.joe.sms"),
        JOE_SMS_STEP,
    ),
    case(
        "default phone step, no phone", f"{T}.members.joe", MISSING, drop(f"{T}.members.joe.phone")
    ),
    case(
        "duplicate notification step",
        f"{T}.defaults.notify.low[1]",
        {"via": "email", "afterMinutes": 0},
        put(f"{T}.defaults.notify.low", SAME_EMAIL_STEP),
    ),
    case(
        "existing member with a phone",
        f"{T}.members.joe.phone",
        "+14155550101",
        existing_joe(phone="+1 415 555 0101"),
    ),
    case(
        "existing member with importId",
        f"{T}.members.joe.importId",
        "PJOE123",
        existing_joe(importId="PJOE123"),
    ),
    # Team, schedules and layers
    bad("unknown team time zone", f"{T}.timeZone", "America/Gotham"),
    # An unknown key's value is never echoed (it may be a credential under a misspelled key).
    case("unknown key inside team", f"{T}.memebers", MISSING, put(f"{T}.memebers", {})),
    bad("local start in a DST gap", f"{LAYER}.start", "2027-03-14T02:30:00"),
    bad("local start in a DST fold", f"{LAYER}.start", "2026-11-01T01:30:00"),
    bad("unparseable start", f"{LAYER}.start", "next monday 9am"),
    case("no start in any layer", f"{SCHEDULE}.layers[0].start", MISSING, drop(f"{LAYER}.start")),
    case(
        "end before start",
        f"{LAYER}.end",
        "2026-12-01T09:00:00",
        put(f"{LAYER}.end", "2026-12-01T09:00:00"),
    ),
    case(
        "rotationHours 0",
        f"{LAYER}.rotationHours",
        0,
        drop(f"{LAYER}.rotation"),
        put(f"{LAYER}.rotationHours", 0),
    ),
    bad("rotation fortnightly", f"{LAYER}.rotation", "fortnightly"),
    bad("rotation and rotationHours", f"{LAYER}.rotationHours", 336),
    case("restriction too long", f"{RESTRICTION}.durationHours", 25, restriction(durationHours=25)),
    case(
        "startDay on a daily restriction",
        f"{RESTRICTION}.startDay",
        "monday",
        restriction(durationHours=8, startDay="monday"),
    ),
    case(
        "weekly restriction without startDay",
        f"{RESTRICTION}.startDay",
        MISSING,
        restriction(type="weekly", durationHours=8),
    ),
    case(
        "unquoted restriction time",
        f"{RESTRICTION}.startTime",
        540,
        restriction(startTime=540, durationHours=8),
    ),
    bad("loops 10", f"{T}.escalation.loops", 10),
    bad("escalateAfterMinutes 0", f"{RULES}[0].escalateAfterMinutes", 0),
    bad("no escalation rules", RULES, []),
    bad("load true", f"{T}.load", True),
    case("after-hours share as a percentage", f"{T}.load.maxAfterHoursShare", 80, load(80)),
    case("negative after-hours share", f"{T}.load.maxAfterHoursShare", -0.1, load(-0.1)),
    case("after-hours share as text", f"{T}.load.maxAfterHoursShare", "80%", load("80%")),
    case("31 after-hours days a month", DAYS_KEY, 31, load(days=31)),
    case("after-hours days true", DAYS_KEY, True, load(days=True)),
    case(
        "after-hours days without perMonth",
        f"{T}.load.maxAfterHoursDays",
        MISSING,  # an unknown key: its value is not echoed
        put(f"{T}.load", {"maxAfterHoursDays": 12}),
    ),
    # Stack topology and site
    bad("two topology modes", "teamStack", TEAM_STACK),
    case("no topology mode", "team", MISSING, drop("team")),
    case(
        "teamStack not org/project/stack",
        "teamStack",
        "acme",
        drop("team"),
        put("teamStack", "acme"),
    ),
    case(
        "escalationPolicy with id and name",
        "escalationPolicy.name",
        "Default",
        drop("team"),
        put("escalationPolicy", BOTH_REFS),
    ),
    case("unknown top-level key", "tema", MISSING, put("tema", {"name": "x"})),
    bad("bad env", "site.env", "Live!"),
    bad("domain with a scheme", "site.domain", "https://www.example.com"),
    case("no site", "site", MISSING, drop("site")),
    # New Relic and Slack
    case(
        "unknown key inside pingMonitor",
        "newrelic.pingMonitor.frequency",
        MISSING,
        put("newrelic.pingMonitor.frequency", 5),
    ),
    bad("AWS_ location prefix", "newrelic.pingMonitor.locations[0]", "AWS_US_EAST_1"),
    bad("failing locations over locations", f"{PING_FAILURE}.failingLocations", 4),
    case(
        "pingFailure without a monitor",
        PING_FAILURE,
        {"failingLocations": 2},
        put("newrelic.pingMonitor", False),
    ),
    bad("error rate over 100 %", "newrelic.conditions.errorRate.percent", 150),
    case(
        "a phone importId on a user the stack creates",
        f"{T}.members.joe.phone.importId",
        "PCMPHONE",
        put(f"{T}.members.joe.phone", {"number": "+1 415 555 0101", "importId": "PCMPHONE"}),
    ),
    case(
        "an adopted phone number that is not one",
        f"{T}.members.joe.phone.number",
        "555-CALL-NOW",
        put(f"{T}.members.joe.importId", "PJOE001"),
        put(f"{T}.members.joe.phone", {"number": "555-CALL-NOW", "importId": "PCMPHONE"}),
    ),
    case(
        "a rule importId in the team defaults",
        f"{T}.defaults.notify.high[1].importId",
        "PRULEHS",
        put(f"{T}.defaults.notify.high", [{"via": "email"}, {"via": "sms", "importId": "PRULEHS"}]),
    ),
    case(
        "a handoff importId in the team defaults",
        f"{T}.defaults.handoff.importId",
        "PRULEHO",
        put(f"{T}.defaults.handoff", {"via": "email", "importId": "PRULEHO"}),
    ),
    case(
        "a rule importId on a user the stack creates",
        f"{T}.members.joe.notify.high[0].importId",
        "PRULEHS",
        put(f"{T}.members.joe.notify", {"high": [{"via": "sms", "importId": "PRULEHS"}]}),
    ),
    case(
        "a handoff importId on a user the stack creates",
        f"{T}.members.joe.handoff.importId",
        "PRULEHO",
        put(f"{T}.members.joe.handoff", {"via": "email", "importId": "PRULEHO"}),
    ),
    case(
        "an importId on PagerDuty's own email-at-0 rule",
        f"{T}.members.joe.notify.low[0].importId",
        "PRULEL0",
        put(f"{T}.members.joe.importId", "PJOE001"),
        put(f"{T}.members.joe.notify", {"low": [{"via": "email", "importId": "PRULEL0"}]}),
    ),
    case(
        "one rule adopted by two steps",
        f"{T}.members.joe.notify.low[0].importId",
        "PRULEHS",
        put(f"{T}.members.joe.importId", "PJOE001"),
        put(
            f"{T}.members.joe.notify",
            {
                "high": [{"via": "sms", "importId": "PRULEHS"}],
                "low": [{"via": "sms", "afterMinutes": 5, "importId": "PRULEHS"}],
            },
        ),
    ),
    case(
        "two steps alike but for their importId",
        f"{T}.members.joe.notify.high[1]",
        {"via": "sms", "importId": "PRULE02"},
        put(f"{T}.members.joe.importId", "PJOE001"),
        put(
            f"{T}.members.joe.notify",
            {
                "high": [
                    {"via": "sms", "importId": "PRULE01"},
                    {"via": "sms", "importId": "PRULE02"},
                ]
            },
        ),
    ),
    case(
        "an APM condition with apm off",
        "newrelic.conditions.errorRate",
        {"percent": 5, "forMinutes": 5},
        put("newrelic.apm", False),
    ),
    bad("auto-resolve timeout of 0 minutes", "pagerduty.autoResolveMinutes", 0),
    bad("auto-resolve timeout true", "pagerduty.autoResolveMinutes", True),
    bad("acknowledgement timeout as text", "pagerduty.acknowledgementTimeoutMinutes", "30m"),
    bad("slack events without triggered", "slack.events", ["acknowledged", "resolved"]),
    bad("unknown slack event", "slack.events[1]", "snoozed"),
    bad("slack channel with #", "slack.channel", "#example-alerts"),
    case("slack without a channel", "slack.channel", MISSING, drop("slack.channel")),
]


@pytest.mark.parametrize(("edits", "path", "value"), BAD_INPUTS)
def test_bad_input_is_reported_at_its_key_path_with_its_value(
    edits: list[Edit], path: str, value: object
) -> None:
    values = example()
    for edit in edits:
        edit(values)
    error = config_error(values)
    problem = problem_at(error, f"{NS}:{path}")
    if value is MISSING:
        assert problem.value is MISSING
        assert f"{NS}:{path}: " in str(error)
    else:
        assert problem.value == value
        assert f"{NS}:{path}: {problem.message} (got {value!r})" in str(error).splitlines()
    assert problem.message


def test_members_that_are_not_a_mapping_are_one_problem_not_many() -> None:
    values = example()
    values["team"]["members"] = ["jane", "joe", "anita"]
    error = config_error(values)
    assert [p.path for p in error.problems] == [f"{NS}:team.members"]


def test_unknown_keys_list_the_accepted_ones() -> None:
    values = example()
    values["team"]["memebers"] = {}
    values["tema"] = 1
    error = config_error(values)
    assert "expected one of name, timeZone, createPagerdutyTeam, defaults, members" in (
        problem_at(error, f"{NS}:team.memebers").message
    )
    assert "expected one of site, team, teamStack, escalationPolicy" in (
        problem_at(error, f"{NS}:tema").message
    )


def test_a_dst_gap_problem_suggests_an_explicit_offset() -> None:
    values = example()
    values["team"]["schedules"]["default"]["layers"][1]["start"] = "2027-03-14T02:30:00"
    problem = problem_at(config_error(values), f"{NS}:{LAYER}.start")
    assert "2027-03-14T03:30:00-04:00" in problem.message


def test_unknown_role_lists_the_accepted_words() -> None:
    values = example()
    values["team"]["members"]["joe"]["role"] = "boss"
    problem = problem_at(config_error(values), f"{NS}:team.members.joe.role")
    assert "responder, manager, admin" in problem.message


def test_a_stack_with_only_a_team_is_a_team_stack() -> None:
    values = example()
    config = parse_stack_config({"team": values["team"]})
    assert isinstance(config, TeamStackConfig)
    assert config.topology is Topology.TEAM_STACK_OWNER
    assert list(config.team.members) == ["jane", "joe", "anita"]


def test_a_team_with_site_settings_but_no_site_asks_for_the_site() -> None:
    values = example()
    with pytest.raises(ConfigError) as raised:
        parse_stack_config({"team": values["team"], "pagerduty": {"service": "New Relic"}})
    assert [p.path for p in raised.value.problems] == ["pantheon-oncall:site"]
