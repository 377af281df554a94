"""Schedule checks, the calendar's outputs, and the `check`/`calendar` commands as users run them.

The guide's example stack is the main case: its "Backstop" layer is meant as a fallback, but once
the weekly rotation starts it is never on top, so `check` reports it and shows that the backstop
person is reached only through escalation.
"""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest
import yaml

from oncall.config import ResolvedTeam, StackConfig, TeamStackConfig, parse_stack_config, stackfile
from oncall.offline import plan
from oncall.schedules import calendar, checks
from oncall.schedules.from_config import team_model
from oncall.schedules.model import resolve_team
from tests.support import PROJECT, copy_project, run_cli

ROOT = Path(__file__).resolve().parents[2]
GUIDE = yaml.safe_load((PROJECT / "stacks" / "Pulumi.guide-live.yaml").read_text())["config"]
STACKS = stackfile.stack_names(PROJECT)


def guide_values() -> dict[str, Any]:
    prefix = "pantheon-oncall:"
    return {k[len(prefix) :]: copy.deepcopy(v) for k, v in GUIDE.items() if k.startswith(prefix)}


def parsed(values: dict[str, Any]) -> StackConfig | TeamStackConfig:
    return parse_stack_config(values)


def team_of(values: dict[str, Any]) -> ResolvedTeam:
    team = parsed(values).team
    assert team is not None
    return team


def messages(result: checks.Report) -> list[str]:
    return [str(f) for f in result.findings]


# --- The guide's stack ----------------------------------------------------------------------------


def test_the_guides_backstop_is_shadowed_once_the_weekly_rotation_starts() -> None:
    result = checks.report(team_of(guide_values()), live=True)

    assert result.resolution.since == datetime(2026, 12, 7, 14, tzinfo=UTC)  # 09:00 EST
    shadowed = [f for f in result.findings if f.path.endswith("schedules.default.layers[0]")]
    assert len(shadowed) == 1
    assert "'Backstop' is never on top" in shadowed[0].message
    assert "Jane Doe (jane) is reached only through escalation: escalation.rules[1]" in (
        shadowed[0].message
    )
    assert "15 minutes after an unacknowledged page" in shadowed[0].message
    assert result.errors == []


def test_check_on_the_guide_stack_reports_the_shadowed_backstop_and_exits_0() -> None:
    result = run_cli("check", "guide-live")

    assert result.returncode == 0, result.stderr
    assert "warning: pantheon-oncall:team.schedules.default.layers[0]:" in result.stdout
    assert "reached only through escalation" in result.stdout
    assert "schedule default (Default): 100.0 % covered, 0 gap(s)" in result.stdout
    assert "0 error(s)" in result.stdout


def test_before_the_rotation_starts_every_rule_reaches_only_the_backstop_person() -> None:
    since = datetime(2026, 11, 30, 5, tzinfo=UTC)
    result = checks.report(team_of(guide_values()), live=True, since=since, weeks=2)

    found = [f for f in result.findings if f.path == "pantheon-oncall:team.escalation"]
    assert len(found) == 1
    # Nov 30 00:00 to the rotation's first handoff, Dec 7 09:00: 7 days and 9 hours.
    assert "every rule reaches only Jane Doe (jane) for 177 h" in found[0].message
    assert "Mon 2026-11-30 00:00 EST → Mon 2026-12-07 09:00 EST" in found[0].message
    assert "escalating reaches nobody new" in found[0].message


def test_the_plan_shows_coverage_per_schedule_and_the_checks_as_warnings() -> None:
    lines = checks.coverage_lines(parsed(guide_values()), live=True)
    assert lines == [
        "schedule default (Default): 100.0 % covered, 0 gap(s) in 4 weeks from "
        "Mon 2026-12-07 09:00 EST"
    ]
    planned = plan.plan_stack(PROJECT, "guide-live")
    assert planned.schedules[0] == lines[0]
    assert any("'Backstop' is never on top" in line for line in planned.schedules)
    assert "Schedules (oncall check / calendar for details):" in plan.to_text(planned)
    assert plan.to_data(planned)["schedules"] == list(planned.schedules)


# --- Gaps -----------------------------------------------------------------------------------------


def business_hours_only(values: dict[str, Any]) -> dict[str, Any]:
    """The guide's team with one layer, on call Monday to Friday 09:00-17:00."""
    team = values["team"]
    team["schedules"]["default"]["layers"] = [
        {
            "name": "Days",
            "members": ["joe", "anita"],
            "rotation": "daily",
            "start": "2026-12-07T09:00:00",
            "restrictions": [
                {"type": "weekly", "startDay": day, "startTime": "09:00", "durationHours": 8}
                for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
            ],
        }
    ]
    return values


def test_a_gap_in_the_first_rule_of_a_live_environment_is_an_error() -> None:
    result = checks.report(team_of(business_hours_only(guide_values())), live=True)

    gaps = [f for f in result.findings if f.path == "pantheon-oncall:team.schedules.default"]
    assert len(gaps) == 1
    assert gaps[0].error
    # 4 weeks of Mon-Fri 09-17 leave 20 nights and weekends: 672 - 160 = 512 hours.
    assert "nobody on call in 20 gap(s), 512 h in all" in gaps[0].message
    assert "Mon 2026-12-07 17:00 EST → Tue 2026-12-08 09:00 EST" in gaps[0].message


def test_a_gap_elsewhere_is_a_warning() -> None:
    result = checks.report(team_of(business_hours_only(guide_values())), live=False)
    gaps = [f for f in result.findings if f.path == "pantheon-oncall:team.schedules.default"]
    assert [g.error for g in gaps] == [False]


def test_a_gap_covered_by_a_user_in_the_first_rule_is_a_warning_even_in_live() -> None:
    values = business_hours_only(guide_values())
    values["team"]["escalation"]["rules"][0]["targets"].append("user:jane")
    result = checks.report(team_of(values), live=True)
    gaps = [f for f in result.findings if f.path == "pantheon-oncall:team.schedules.default"]
    assert [g.error for g in gaps] == [False]


def test_check_exits_1_on_a_gap_in_a_live_stack(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    config = copy.deepcopy(GUIDE)
    config["pantheon-oncall:team"] = business_hours_only(guide_values())["team"]
    write_stack(project, "gappy-live", config)

    result = run_cli("check", "gappy-live", cwd=project)

    assert result.returncode == 1
    assert "error: pantheon-oncall:team.schedules.default: nobody on call in 20 gap(s)" in (
        result.stdout
    )
    assert "Traceback" not in result.stderr


# --- Rules ----------------------------------------------------------------------------------------


def test_one_person_in_two_schedules_of_one_rule_is_reported() -> None:
    values = guide_values()
    team = values["team"]
    team["schedules"]["second"] = {
        "name": "Second",
        "layers": [{"name": "Joe", "members": ["joe"], "start": "2026-12-07T09:00:00"}],
    }
    team["escalation"]["rules"][0]["targets"] = ["schedule:default", "schedule:second"]
    result = checks.report(team_of(values), live=False)

    double = [f for f in result.findings if f.path == "pantheon-oncall:team.escalation.rules[0]"]
    assert len(double) == 1
    assert "Joe Smith (joe) is on call in schedule:default and schedule:second at once" in (
        double[0].message
    )
    assert "336 h in all" in double[0].message  # joe's two weeks of the four


def test_one_person_covering_a_whole_rule_in_live_has_nobody_to_hand_off_to() -> None:
    values = guide_values()
    values["team"]["schedules"]["default"]["layers"] = [
        {"name": "Only Joe", "members": ["joe"], "start": "2026-12-07T09:00:00"}
    ]
    live = messages(checks.report(team_of(values), live=True))
    elsewhere = messages(checks.report(team_of(values), live=False))

    alone = "Joe Smith (joe) alone covers this rule for all of the 28 days"
    assert any(alone in m and "nobody to hand off to" in m for m in live)
    assert not any(alone in m for m in elsewhere)


# --- Load -----------------------------------------------------------------------------------------


def test_load_counts_on_call_and_after_hours_in_each_persons_own_time_zone() -> None:
    # The business-hours layer is 09-17 New York: inside Joe's working hours, entirely outside
    # Anita's in London (14:00-22:00 there, 5 h after 17:00 each day).
    result = checks.report(team_of(business_hours_only(guide_values())), live=False)
    loads = {load.slug: load for load in result.loads}

    assert loads["joe"].hours == loads["anita"].hours == 80  # 10 days of 8 hours each
    assert loads["joe"].after_hours == 0
    assert loads["anita"].after_hours == 50
    assert loads["anita"].after_hours_days == 10


def test_a_share_of_after_hours_above_the_threshold_is_a_warning() -> None:
    team = team_of(business_hours_only(guide_values()))
    strict = checks.Thresholds(max_after_hours_share=0.5, max_after_hours_days=31)
    found = messages(checks.report(team, live=False, thresholds=strict))

    assert any(
        "team.members.anita" in m and "62 % of 80 on-call hours fall outside working hours" in m
        for m in found
    )
    assert not any("team.members.joe" in m for m in found)


def test_the_guides_two_person_24_7_rotation_exceeds_the_after_hours_days_default() -> None:
    found = messages(checks.report(team_of(guide_values()), live=True))
    assert any(
        "team.members.joe" in m
        and "outside working hours on 16 of the 29 dates the 28 days touch in their time zone" in m
        for m in found
    )


def test_the_after_hours_days_never_outnumber_the_dates_the_horizon_touches() -> None:
    values = guide_values()
    values["team"]["schedules"]["default"]["layers"] = [
        {"name": "Joe alone", "members": ["joe"], "start": "2026-12-07T09:00:00"}
    ]

    found = messages(checks.report(team_of(values), live=True))

    [joe] = [m for m in found if "team.members.joe" in m]
    assert "on 29 of the 29 dates the 28 days touch" in joe


def load_warnings(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("warning: pantheon-oncall:team.members.")]


def with_load(load: object) -> dict[str, Any]:
    values = guide_values()
    values["team"]["load"] = load
    return values


def test_plan_warns_of_the_guides_after_hours_days_under_the_default_load_limits() -> None:
    found = load_warnings(checks.plan_lines(parsed(guide_values()), live=True))
    assert len(found) == 2
    assert all(
        "on 16 of the 29 dates the 28 days touch in their time zone (17 a month; limit 10)" in line
        for line in found
    )


@pytest.mark.parametrize(
    "load", [{"maxAfterHoursDaysPerMonth": 20}, False], ids=["a generous limit", "false"]
)
def test_plan_has_no_load_warnings_when_team_load_accepts_the_load(load: object) -> None:
    lines = checks.plan_lines(parsed(with_load(load)), live=True)
    assert load_warnings(lines) == []
    assert any("'Backstop' is never on top" in line for line in lines)  # the other checks stay


def test_plan_uses_the_teams_after_hours_share_limit() -> None:
    lines = checks.plan_lines(parsed(with_load({"maxAfterHoursShare": 0.5})), live=True)
    share = [line for line in load_warnings(lines) if "fall outside working hours" in line]
    assert len(share) == 2
    assert all("76 % of 336 on-call hours" in line and "(limit 50 %)" in line for line in share)


def test_checks_flags_override_the_stacks_load_limits(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    config = copy.deepcopy(GUIDE)
    config["pantheon-oncall:team"] = with_load({"maxAfterHoursDaysPerMonth": 20})["team"]
    write_stack(project, "accepted-live", config)

    accepted = run_cli("check", "accepted-live", cwd=project)
    stricter = run_cli("check", "accepted-live", "--max-after-hours-days", "15", cwd=project)
    share = run_cli("check", "accepted-live", "--max-after-hours-share", "0.5", cwd=project)

    assert accepted.returncode == stricter.returncode == share.returncode == 0
    assert "outside working hours" not in accepted.stdout
    assert "(17 a month; limit 15)" in stricter.stdout
    assert "(limit 50 %)" in share.stdout
    assert "a month; limit" not in share.stdout  # the stack's 20 days still apply


def test_with_load_false_a_check_flag_checks_its_own_limit_only(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    config = copy.deepcopy(GUIDE)
    config["pantheon-oncall:team"] = with_load(False)["team"]
    write_stack(project, "unlimited-live", config)

    off = run_cli("check", "unlimited-live", cwd=project)
    days = run_cli("check", "unlimited-live", "--max-after-hours-days", "15", cwd=project)

    assert off.returncode == days.returncode == 0
    assert "outside working hours on" not in off.stdout
    assert "(17 a month; limit 15)" in days.stdout


# --- Calendar outputs -----------------------------------------------------------------------------


def guide_resolution(weeks: int = 3) -> Any:
    model = team_model(team_of(guide_values()))
    since = datetime(2026, 11, 30, 5, tzinfo=UTC)
    return resolve_team(model, since, since + timedelta(weeks=weeks))


def test_the_calendar_table_lists_each_change_in_the_teams_time_zone() -> None:
    table = calendar.text(guide_resolution())
    assert "From             To               Default    Level 1    Level 2" in table
    assert "Mon 11-30 00:00  Mon 12-07 09:00  Jane Doe   Jane Doe   Jane Doe" in table
    assert "Mon 12-07 09:00  Mon 12-14 09:00  Joe Smith  Joe Smith  Jane Doe" in table
    assert "Level 2 (after 15 min): Jane Doe" in table


def test_the_ics_file_parses_with_icalendar_and_holds_every_shift() -> None:
    data = calendar.ics(guide_resolution(), stack="guide-live")
    parsed_cal = icalendar.Calendar.from_ical(data)
    events = [
        (str(e["summary"]), e.decoded("dtstart"), e.decoded("dtend"))
        for e in parsed_cal.walk("VEVENT")
    ]

    def at(month: int, day: int, hour: int) -> datetime:
        return datetime(2026, month, day, hour, tzinfo=UTC)

    assert events == [
        ("Jane Doe on call (Default)", at(11, 30, 5), at(12, 7, 14)),  # 00:00 EST → 09:00 EST
        ("Joe Smith on call (Default)", at(12, 7, 14), at(12, 14, 14)),
        ("Anita Rao on call (Default)", at(12, 14, 14), at(12, 21, 5)),
    ]
    assert calendar.ics(guide_resolution(), stack="guide-live") == data  # deterministic


def test_the_ics_file_of_one_person_has_only_their_shifts() -> None:
    data = calendar.ics(guide_resolution(), stack="guide-live", person="joe")
    parsed_cal = icalendar.Calendar.from_ical(data)
    assert [str(e["summary"]) for e in parsed_cal.walk("VEVENT")] == ["On call: Default"]
    assert str(parsed_cal["x-wr-calname"]) == "On call: Joe Smith (Example Web Team)"


def test_the_svg_is_well_formed_with_a_row_per_layer_the_final_row_and_gaps_in_red() -> None:
    model = team_model(team_of(business_hours_only(guide_values())))
    since = datetime(2026, 12, 7, 14, tzinfo=UTC)
    picture = calendar.svg(resolve_team(model, since, since + timedelta(weeks=1)))

    root = ET.fromstring(picture.encode())
    ns = "{http://www.w3.org/2000/svg}"
    labels = [t.text for t in root.iter(f"{ns}text")]
    assert "Default · Days" in labels
    assert "Default · final" in labels
    assert any(r.get("fill") == calendar.GAP for r in root.iter(f"{ns}rect"))


def test_the_svg_draws_the_grid_under_the_bars_days_on_two_lines_and_a_faded_legend() -> None:
    root = ET.fromstring(calendar.svg(guide_resolution(4)).encode())
    ns = "{http://www.w3.org/2000/svg}"
    order = [e.tag for e in root.iter() if e.tag in (f"{ns}line", f"{ns}rect")]
    texts = [t.text for t in root.iter(f"{ns}text")]

    # Every grid line comes before the first bar, so bars and their names cover it.
    assert order.index(f"{ns}line") < order.index(f"{ns}rect", 1)
    assert max(i for i, tag in enumerate(order) if tag == f"{ns}line") < order.index(f"{ns}rect", 2)
    # Weekday and day are separate labels (side by side, "Mo 14 Tu 15" ran together).
    assert "Mo 14" not in texts
    assert texts.count("Mo") == 4
    assert "14" in texts
    faded = [r for r in root.iter(f"{ns}rect") if r.get("opacity") == "0.3"]
    assert faded, "a layer's hidden time is faded"
    assert "hidden by a later layer (faded)" in texts


def test_the_legend_explains_only_what_the_picture_shows() -> None:
    ns = "{http://www.w3.org/2000/svg}"
    values = guide_values()
    layers = values["team"]["schedules"]["default"]["layers"]
    del layers[1:]
    layers[0].pop("restrictions", None)
    model = team_model(team_of(values))
    since = datetime(2026, 12, 7, 14, tzinfo=UTC)
    one_layer = calendar.svg(resolve_team(model, since, since + timedelta(weeks=1)))
    texts = [t.text for t in ET.fromstring(one_layer.encode()).iter(f"{ns}text")]
    assert "hidden by a later layer (faded)" not in texts
    assert "nobody on call (gap)" not in texts

    model = team_model(team_of(business_hours_only(guide_values())))
    days_only = calendar.svg(resolve_team(model, since, since + timedelta(weeks=1)))
    texts = [t.text for t in ET.fromstring(days_only.encode()).iter(f"{ns}text")]
    assert "nobody on call (gap)" in texts
    assert "hidden by a later layer (faded)" not in texts


@pytest.mark.parametrize(
    ("width", "label"), [(200, "Joe Smith"), (40, "JS"), (10, "")], ids=["fits", "sliver", "hair"]
)
def test_a_bar_too_narrow_for_the_name_shows_the_initials(width: float, label: str) -> None:
    assert calendar._bar_label("Joe Smith", width) == label


# --- The commands on every stack ------------------------------------------------------------------


@pytest.mark.parametrize("stack", STACKS)
def test_check_and_calendar_run_on_every_stack(stack: str, tmp_path: Path) -> None:
    checked = run_cli("check", stack)
    shown = run_cli(
        "calendar", stack, "--from", "2026-12-07", "--ics", str(tmp_path / "a.ics"),
        "--svg", str(tmp_path / "a.svg"),
    )  # fmt: skip

    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert shown.returncode == 0, shown.stderr
    values = stackfile.load(PROJECT, stack).namespace("pantheon-oncall")
    if "teamStack" in values:
        assert "schedules live in team stack team-agency" in checked.stdout
        assert "schedules live in team stack team-agency" in shown.stdout
    elif "escalationPolicy" in values:
        assert "pages an existing escalation policy" in checked.stdout
    else:
        assert "covered" in checked.stdout
        assert "who is on call" in shown.stdout
        icalendar.Calendar.from_ical((tmp_path / "a.ics").read_bytes())
        ET.parse(tmp_path / "a.svg")


def test_check_on_a_team_stack_knows_a_live_site_pages_it() -> None:
    result = run_cli("check", "team-agency")
    assert "(team stack, paged by live store-live)" in result.stdout


def test_calendar_without_from_starts_today_and_says_so() -> None:
    result = run_cli("calendar", "guide-live", "--weeks", "1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("(from today, ")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("check", "guide-live", "--from", "next monday"), "--from: expected a date"),
        (("calendar", "guide-live", "--weeks", "0"), "--weeks: expected 1 to 52"),
        (("calendar", "guide-live", "--person", "joey"), "--person: unknown; expected one of"),
        (
            ("check", "guide-live", "--max-after-hours-share", "80"),
            "--max-after-hours-share: expected a share from 0 to 1",
        ),
        (
            ("check", "guide-live", "--max-after-hours-days", "-1"),
            "--max-after-hours-days: expected a number of days from 0 to 30",
        ),
    ],
)
def test_bad_options_get_one_clear_message_and_exit_1(args: tuple[str, ...], expected: str) -> None:
    result = run_cli(*args)
    assert result.returncode == 1
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


# --- helpers --------------------------------------------------------------------------------------


def write_stack(project: Path, name: str, config: dict[str, Any]) -> None:
    text = yaml.safe_dump({"config": config}, sort_keys=False)
    (project / "stacks" / f"Pulumi.{name}.yaml").write_text(text)


def test_the_docs_calendar_excerpt_and_picture_are_what_the_code_draws(tmp_path: Path) -> None:
    # The docs show the example stack (`make pictures`), which is the guide's team with the
    # backstop as the second escalation level only: the fixture without its backstop layer.
    values = guide_values()
    layers = values["team"]["schedules"]["default"]["layers"]
    values["team"]["schedules"]["default"]["layers"] = [
        layer for layer in layers if layer["name"] != "Backstop"
    ]
    model = team_model(team_of(values))
    since = datetime(2026, 11, 30, 5, tzinfo=UTC)
    res = resolve_team(model, since, since + timedelta(weeks=4))
    shown = ROOT / "docs" / "examples" / "calendar-example-live.txt"
    # The excerpt is the whole command's output: the table, then the holiday and urgency notes.
    project = copy_project(tmp_path)
    live = project / "stacks" / "Pulumi.guide-live.yaml"
    live.write_text(
        "".join(line for line in live.read_text().splitlines(True) if "Backstop" not in line)
    )
    result = run_cli("calendar", "guide-live", "--from", "2026-11-30", "--weeks", "4", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout == shown.read_text()
    assert result.stdout.startswith(calendar.text(res))
    assert f'--8<-- "docs/examples/{shown.name}"' in (ROOT / "docs" / "calendar.md").read_text()
    assert calendar.svg(res) == (ROOT / "docs" / "oncall-calendar.svg").read_text()


def test_a_team_without_schedules_says_its_rules_page_people_directly() -> None:
    values = guide_values()
    del values["team"]["schedules"]
    values["team"]["escalation"]["rules"][0]["targets"] = ["user:joe"]
    assert checks.coverage_lines(parsed(values), live=True) == [
        "no schedules: the team's escalation rules page people directly"
    ]


def test_a_rule_with_nobody_on_call_is_skipped_so_escalation_reaches_nobody_new() -> None:
    # Nights and weekends the business-hours schedule is empty: PagerDuty skips rule 1 and only
    # Jane, rule 2, is ever paged.
    values = business_hours_only(guide_values())
    result = checks.report(team_of(values), live=False)
    found = [f for f in result.findings if f.path == "pantheon-oncall:team.escalation"]
    assert len(found) == 1
    assert "every rule reaches only Jane Doe (jane) for 512 h" in found[0].message


def test_the_ics_file_of_one_schedule_marks_its_gaps() -> None:
    model = team_model(team_of(business_hours_only(guide_values())))
    since = datetime(2026, 12, 7, 14, tzinfo=UTC)
    res = resolve_team(model, since, since + timedelta(days=1))
    events = icalendar.Calendar.from_ical(
        calendar.ics(res, stack="guide-live", schedule="default")
    ).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == [
        "Joe Smith on call (Default)",  # Monday 09:00-17:00 New York
        "Nobody on call (Default)",  # until Tuesday 09:00
    ]
