"""On-call time split into working hours and after hours, in the person's own time zone."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from oncall.schedules.model import instant, local_dates


def on_call_time(
    spans: Iterable[tuple[datetime, datetime]], zone: ZoneInfo, work_start: time, work_end: time
) -> tuple[timedelta, timedelta, set[date]]:
    """Time on call in `spans` (not overlapping), the part of it outside working hours (Monday to
    Friday `work_start`-`work_end` local to `zone`: the person's own zone), and the local dates
    that part falls on."""
    total, after, days = timedelta(), timedelta(), set[date]()
    for start, end in spans:
        total += end - start
        for day in local_dates(start, end, zone):
            lo = max(start, instant(datetime.combine(day, time()), zone))
            hi = min(end, instant(datetime.combine(day + timedelta(days=1), time()), zone))
            outside = hi - lo
            if day.isoweekday() <= 5:
                w0 = instant(datetime.combine(day, work_start), zone)
                w1 = instant(datetime.combine(day, work_end), zone)
                outside -= max(timedelta(), min(hi, w1) - max(lo, w0))
            if outside > timedelta():
                after += outside
                days.add(day)
    return total, after, days
