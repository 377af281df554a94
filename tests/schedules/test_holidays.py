"""Public holidays: a shift on a holiday of the on-call person's own country is a warning.

The expected dates are worked out by hand from the governments' own lists, not from the library:
- India, "Gazetted Holiday 2026" (Government of India's list for its offices, as reproduced by
  niepvd.nic.in, published 2025-11-18): Guru Nanak's Birthday Tuesday 24 November, Christmas
  Day Friday 25 December 2026 (and nothing else between 23 November 2026 and 4 January 2027);
- United Kingdom, gov.uk/bank-holidays (England and Wales): Christmas Day Friday 25 December
  2026; Boxing Day falls on Saturday 26 December 2026, so Monday 28 December 2026 is its
  substitute day; New Year's Day Friday 1 January 2027.
The rotation: weekly, Mondays 09:00 London, Priya (+91, India) first, Tom (+44, the UK) second,
from Monday 2026-11-23: Priya has Nov 23-30, Dec 7-14, Dec 21-28 (09:00 London each), Tom the
weeks between and Dec 28-Jan 4. So Priya is on call on Nov 24 and Dec 25 (her whole local days:
48 h), Tom on Dec 28 from 09:00 GMT (15 h) and Jan 1 (24 h): 39 h. Priya is on call on the UK's
Boxing Day (Dec 26) and Tom on nobody's holiday at Christmas: neither is flagged, since only the
person's own country counts.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from oncall.config import parse_stack_config
from oncall.config.errors import ConfigError
from oncall.schedules import holidays
from oncall.schedules.from_config import team_model
from oncall.schedules.model import resolve_team


def team_values(**priya: Any) -> dict[str, Any]:
    return {
        "team": {
            "name": "Support",
            "timeZone": "Europe/London",
            "defaults": {"notify": {"high": [{"via": "email"}]}},
            "members": {
                "priya": {
                    "name": "Priya Nair",
                    "email": "priya@example.com",
                    "timeZone": "Asia/Kolkata",
                    "phone": "+91 98123 45678",
                    **priya,
                },
                "tom": {"name": "Tom Becker", "email": "tom@example.com", "sms": "+44 7400 123456"},
            },
            "schedules": {
                "primary": {
                    "name": "Primary",
                    "layers": [
                        {
                            "name": "Weekly",
                            "members": ["priya", "tom"],
                            "rotation": "weekly",
                            "start": "2026-11-23T09:00:00",
                        }
                    ],
                }
            },
            "escalation": {"name": "Support", "rules": [{"targets": ["schedule:primary"]}]},
        }
    }


def flagged(values: dict[str, Any]) -> list[holidays.HolidayShift]:
    config = parse_stack_config(values)
    assert config.team is not None
    since = datetime(2026, 11, 23, 9, tzinfo=UTC)  # 09:00 GMT
    res = resolve_team(team_model(config.team), since, since + timedelta(weeks=6))
    return holidays.holiday_shifts(res, holidays.team_countries(config.team))


def test_holidays_are_flagged_in_the_on_call_persons_own_country_on_the_dates_by_hand() -> None:
    found = flagged(team_values())

    assert [(s.slug, s.country, s.day) for s in found] == [
        ("priya", "IN", date(2026, 11, 24)),
        ("priya", "IN", date(2026, 12, 25)),
        ("tom", "GB", date(2026, 12, 28)),
        ("tom", "GB", date(2027, 1, 1)),
    ]
    assert "Priya Nair is on call on 2026-12-25 (Christmas" in found[1].message()
    assert found[1].message().endswith(", IN)")
    assert "Boxing Day" in found[2].holiday
    assert found[0].warning().startswith("warning: pantheon-oncall:team.members.priya: ")


def test_the_load_counts_holiday_dates_and_hours_apart() -> None:
    loads = holidays.holiday_loads(flagged(team_values()))

    assert loads["priya"] == holidays.HolidayLoad("IN", 2, 48.0)
    assert loads["tom"] == holidays.HolidayLoad("GB", 2, 39.0)
    assert loads["tom"].describe() == "39 h on 2 public holidays (GB)"


def test_an_explicit_country_wins_over_the_phone_number() -> None:
    found = flagged(team_values(country="gb"))

    # Priya, counted in the UK now, is on call on Christmas Day, Boxing Day and, until 09:00
    # London (14:30 her time), its substitute day; no longer on Guru Nanak's Birthday.
    priya = [(s.country, s.day) for s in found if s.slug == "priya"]
    assert priya == [
        ("GB", date(2026, 12, 25)),
        ("GB", date(2026, 12, 26)),
        ("GB", date(2026, 12, 28)),
    ]


def test_a_member_without_country_or_phone_is_never_flagged() -> None:
    values = team_values()
    del values["team"]["members"]["priya"]["phone"]

    assert [s.slug for s in flagged(values)] == ["tom", "tom"]


def test_an_unknown_country_is_one_problem_at_its_key_path() -> None:
    with pytest.raises(ConfigError) as raised:
        parse_stack_config(team_values(country="XX"))

    [problem] = raised.value.problems
    assert problem.path.endswith("team.members.priya.country")
    assert "ISO 3166-1 alpha-2" in problem.message
