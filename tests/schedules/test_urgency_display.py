"""`check` and `calendar` show which hours page at high urgency: per service its support hours,
and per person the on-call hours at high urgency."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from components.vocabulary import Urgency
from oncall.config.urgency import Paging, SupportHours, ZoneSource
from oncall.schedules.urgency import ServicePaging, describe, high_spans, overlap_hours
from tests.support import copy_project, run_cli

WEEKDAYS = SupportHours(
    days=(1, 2, 3, 4, 5), start="09:00", end="17:00", time_zone="America/Chicago",
    zone_source=ZoneSource.TEAM,
)  # fmt: skip


def service(
    hours: SupportHours | None = WEEKDAYS, zone: str | None = "America/Chicago"
) -> ServicePaging:
    paging = Paging(outside=Urgency.LOW, support_hours=hours)
    return ServicePaging("service x", "x-test", paging, zone)


def test_business_hours_are_high_on_weekdays_only_in_the_teams_zone() -> None:
    # Monday 2026-12-07 to Monday 2026-12-14 (UTC); Chicago is UTC-6 in December.
    spans = high_spans(
        service(), datetime(2026, 12, 7, tzinfo=UTC), datetime(2026, 12, 14, tzinfo=UTC)
    )
    assert spans == [
        (datetime(2026, 12, day, 15, tzinfo=UTC), datetime(2026, 12, day, 23, tzinfo=UTC))
        for day in (7, 8, 9, 10, 11)
    ]


def test_support_hours_follow_daylight_saving_time() -> None:
    # Chicago moves to UTC-5 on Sunday 2027-03-14: 09:00 local is 15:00 UTC before, 14:00 after.
    spans = high_spans(
        service(), datetime(2027, 3, 12, tzinfo=UTC), datetime(2027, 3, 16, tzinfo=UTC)
    )
    assert spans == [
        (datetime(2027, 3, 12, 15, tzinfo=UTC), datetime(2027, 3, 12, 23, tzinfo=UTC)),
        (datetime(2027, 3, 15, 14, tzinfo=UTC), datetime(2027, 3, 15, 22, tzinfo=UTC)),
    ]


def test_a_horizon_cuts_the_support_hours_it_starts_or_ends_in() -> None:
    since, until = datetime(2026, 12, 7, 20, tzinfo=UTC), datetime(2026, 12, 8, 16, tzinfo=UTC)
    assert high_spans(service(), since, until) == [
        (since, datetime(2026, 12, 7, 23, tzinfo=UTC)),
        (datetime(2026, 12, 8, 15, tzinfo=UTC), until),
    ]


def test_one_urgency_is_high_all_along_or_never() -> None:
    since, until = datetime(2026, 12, 7, tzinfo=UTC), datetime(2026, 12, 8, tzinfo=UTC)
    high = ServicePaging("s", "s", Paging(outside=Urgency.HIGH), None)
    assert high_spans(high, since, until) == [(since, until)]
    assert high_spans(service(hours=None), since, until) == []


def test_support_hours_in_an_unknown_zone_are_not_guessed() -> None:
    since, until = datetime(2026, 12, 7, tzinfo=UTC), datetime(2026, 12, 8, tzinfo=UTC)
    hours = SupportHours(days=(1,), start="09:00", end="17:00", zone_source=ZoneSource.TEAM_STACK)
    assert high_spans(service(hours, zone=None), since, until) is None
    assert describe(service(hours, zone=None))[0] == (
        "service x: high urgency Mon 09:00-17:00 (the team stack's time zone): incidents page "
        "and escalate"
    )


def test_overlap_counts_the_hours_inside_the_high_spans() -> None:
    def at(hour: int) -> datetime:
        return datetime(2026, 12, 7, hour, tzinfo=UTC)

    assert overlap_hours([(at(0), at(12))], [(at(9), at(10)), (at(11), at(14))]) == 2


def test_check_of_a_test_stack_names_its_business_hours_and_their_zone() -> None:
    result = run_cli("check", "guide-test")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1:] == [
        "Paging urgency (which hours page at high urgency):",
        "  service test-example.pantheonsite.io: high urgency Mon-Fri 09:00-17:00 "
        "(America/Chicago, the team stack's time zone): incidents page and escalate",
        "    low urgency outside them: responders are notified, nothing escalates; an incident "
        "still open when support hours start (09:00) turns high",
    ]


def test_check_of_a_team_stack_lists_every_service_it_answers() -> None:
    out = run_cli("check", "team-agency").stdout
    assert (
        "  service test-example.pantheonsite.io (stack guide-test): high urgency Mon-Fri "
        "09:00-17:00 (America/Chicago, the team stack's time zone): incidents page and escalate\n"
    ) in out
    assert (
        "  service shop.example.org (stack store-live): high urgency at all hours (24/7): every "
        "incident pages\n"
    ) in out


def test_check_counts_each_persons_hours_at_high_urgency(tmp_path: Path) -> None:
    # Only the test site pages through the team: high urgency is its business hours alone.
    project = copy_project(tmp_path)
    (project / "stacks" / "Pulumi.store-live.yaml").unlink()
    out = run_cli("check", "team-agency", "--from", "2026-12-07", "--weeks", "1", cwd=project)
    loads = [line for line in out.stdout.splitlines() if "h at high urgency" in line]
    assert loads, out.stdout
    # Mon-Fri 09:00-17:00 is 40 hours a week; each person's share of it is at most that.
    total = sum(float(line.split("h on call,")[1].split("h at high")[0]) for line in loads)
    assert total == 40


def test_calendar_shows_the_urgency_lines_and_an_svg_row(tmp_path: Path) -> None:
    svg = tmp_path / "oncall.svg"
    result = run_cli(
        "calendar", "team-agency", "--from", "2026-12-07", "--weeks", "1", "--svg", str(svg)
    )
    assert result.returncode == 0, result.stderr
    assert "Paging urgency (which hours page at high urgency):\n" in result.stdout
    picture = svg.read_text()
    assert "High urgency · guide-test" in picture
    assert picture.count("<title>high urgency: ") == 5
    assert "high urgency: pages and escalates" in picture


def test_calendar_of_a_live_site_stack_without_support_hours_has_no_urgency_row(
    tmp_path: Path,
) -> None:
    svg = tmp_path / "oncall.svg"
    result = run_cli("calendar", "guide-live", "--from", "2026-12-07", "--svg", str(svg))
    assert "  service New Relic: high urgency at all hours (24/7): every incident pages\n" in (
        result.stdout
    )
    assert "High urgency ·" not in svg.read_text()
