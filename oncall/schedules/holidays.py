"""Public holidays in the on-call person's own country: `check` and `calendar` flag them.

A member's country is their `country` key when they write one, else the region of their phone
number, else of their SMS number, as phonenumbers reads it (`+1 312 555 0142` is US, `+44 20 …`
GB, `+91 …` IN); a member with neither has no country and nothing is flagged for them. A country
is config only: PagerDuty's users have no such field.

The holidays are those of the `holidays` package (python-holidays, one calendar per ISO 3166-1
alpha-2 code): the country's national public holidays, no region's own, named in English. A date
is the person's own: on call at any time of their local 25 December is on call on Christmas Day,
whatever the team's time zone says. Each (person, holiday) is one warning, never an error, and
`check`'s load counts those dates and their on-call hours apart from the rest.

Pure: no clock, no config parsing; the resolution (oncall.schedule) says who is on call when.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import phonenumbers

from oncall.schedules.model import TeamResolution, instant, local_dates, union

if TYPE_CHECKING:
    from oncall.config import ResolvedTeam
    from oncall.config.members import Member

TEAM_KEY = "pantheon-oncall:team"


@dataclass(frozen=True)
class HolidayShift:
    """A person on call on a public holiday of their own country (a local date of theirs)."""

    slug: str
    person: str
    """The name shown for them."""
    country: str
    day: date
    holiday: str
    """The holiday's name (several, joined with "; ", when a date has more than one)."""
    hours: float
    """How many of the date's hours (in the person's time zone) they are on call."""

    @property
    def path(self) -> str:
        """The config key the warning is about: the member."""
        return f"{TEAM_KEY}.members.{self.slug}"

    def message(self) -> str:
        """`Priya Nair is on call on 2026-12-25 (Christmas, IN)`."""
        return f"{self.person} is on call on {self.day} ({self.holiday}, {self.country})"

    def warning(self) -> str:
        """The line `check` and `calendar` print."""
        return f"warning: {self.path}: {self.message()}"


@dataclass(frozen=True)
class HolidayLoad:
    """A person's on-call time on public holidays of their country, over the horizon."""

    country: str
    days: int
    hours: float

    def describe(self) -> str:
        """`48 h on 2 public holidays (IN)`, for the load line."""
        plural = "" if self.days == 1 else "s"
        return f"{self.hours:.0f} h on {self.days} public holiday{plural} ({self.country})"


def country_of(member: Member) -> str | None:
    """The member's country: their `country` key, else their phone's region, else their SMS
    number's; None when none of them says."""
    if member.country:
        return member.country
    for number in (member.phone, member.sms):
        if number is None:
            continue
        region = phonenumbers.region_code_for_number(phonenumbers.parse(number.e164, None))
        # "001" and the like: a non-geographic number (satellite, international services).
        if region and region.isalpha():
            return str(region)
    return None


def team_countries(team: ResolvedTeam) -> dict[str, str]:
    """Each member's country by slug (members without one left out)."""
    found = {slug: country_of(member) for slug, member in team.members.items()}
    return {slug: country for slug, country in found.items() if country}


def holiday_shifts(res: TeamResolution, countries: Mapping[str, str]) -> list[HolidayShift]:
    """Every (person, local date) in the horizon that is a public holiday of the person's
    country while they are on call in a final schedule; by date, then person."""
    found = []
    for slug, person in res.team.people.items():
        country = countries.get(slug)
        if country is None:
            continue
        zone = ZoneInfo(person.zone)
        per_day = _hours_per_local_date(_spans(res, slug), zone)
        names = _calendar(country, tuple(sorted({day.year for day in per_day})))
        for day, hours in sorted(per_day.items()):
            if day in names:
                found.append(HolidayShift(slug, person.name, country, day, names[day], hours))
    return sorted(found, key=lambda shift: (shift.day, shift.slug))


def holiday_loads(shifts: Iterable[HolidayShift]) -> dict[str, HolidayLoad]:
    """Per person, how many holiday dates they are on call on and for how many hours."""
    days: dict[str, int] = defaultdict(int)
    hours: dict[str, float] = defaultdict(float)
    country: dict[str, str] = {}
    for shift in shifts:
        days[shift.slug] += 1
        hours[shift.slug] += shift.hours
        country[shift.slug] = shift.country
    return {slug: HolidayLoad(country[slug], days[slug], hours[slug]) for slug in days}


def _spans(res: TeamResolution, slug: str) -> list[tuple[datetime, datetime]]:
    """When `slug` is on call in any final schedule, overlaps merged."""
    return union(
        (s.start, s.end) for r in res.schedules.values() for s in r.final.shifts if s.who == slug
    )


def _hours_per_local_date(
    spans: Iterable[tuple[datetime, datetime]], zone: ZoneInfo
) -> dict[date, float]:
    """On-call hours on each local date of `zone` that the spans touch."""
    per_day: dict[date, float] = defaultdict(float)
    for start, end in spans:
        for day in local_dates(start, end, zone):
            lo = max(start, instant(datetime.combine(day, time()), zone))
            hi = min(end, instant(datetime.combine(day + timedelta(days=1), time()), zone))
            if hi > lo:
                per_day[day] += (hi - lo) / timedelta(hours=1)
    return per_day


@cache
def _calendar(country: str, years: tuple[int, ...]) -> dict[date, str]:
    """The country's public holidays in `years` by date, English names; empty for a country
    the package has no calendar of (a phone region such as Antarctica's)."""
    import holidays  # here: every plan imports the schedule modules, and none needs this

    try:
        found = holidays.country_holidays(country, years=years, language="en_US")
    except NotImplementedError:
        return {}
    return {day: str(name) for day, name in found.items()}
