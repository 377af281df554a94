"""The on-call calendar of a team: a text table, an iCalendar file, and an SVG timeline.

All three render a `TeamResolution` (oncall.schedules.model) and read nothing else: the caller picks
the horizon. Times are shown in the team's time zone; the iCalendar file carries UTC times, which
calendar apps show in their reader's zone.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, time
from itertools import pairwise
from zoneinfo import ZoneInfo

from oncall.schedules.checks import when
from oncall.schedules.model import Level, Shift, TeamResolution, Timeline, instant, local_dates

NOBODY = "— nobody —"


# --- Text -----------------------------------------------------------------------------------------


def _short(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%a %m-%d %H:%M")


def _level_at(levels: Iterable[Level], moment: datetime) -> Level | None:
    return next((lv for lv in levels if lv.start <= moment < lv.end), None)


def text(res: TeamResolution) -> str:
    """Who is on call per schedule and per escalation level, one row per change."""
    team, zone = res.team, ZoneInfo(res.team.zone)
    finals = res.finals()
    cuts = {res.since, res.until}
    cuts |= {s.start for final in finals.values() for s in final.shifts}
    cuts |= {lv.start for levels in res.levels for lv in levels}
    header = ["From", "To", *(r.schedule.name for r in res.schedules.values())]
    header += [f"Level {i + 1}" for i in range(len(res.levels))]
    rows: list[list[str]] = []
    previous: list[str] | None = None
    for start, end in pairwise(sorted(cuts)):
        cells = [team.display(final.who(start)) for final in finals.values()]
        for levels in res.levels:
            level = _level_at(levels, start)
            people = level.people if level else ()
            cells.append(", ".join(team.display(p) for p in people) or NOBODY)
        cells = [NOBODY if c == "nobody" else c for c in cells]
        if previous is not None and cells == previous:
            rows[-1][1] = _short(end, zone)
            continue
        rows.append([_short(start, zone), _short(end, zone), *cells])
        previous = cells
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [
        f"{team.name}: who is on call {when(res.since, team.zone)} → "
        f"{when(res.until, team.zone)} ({team.zone})",
        "",
        line(header),
        line(["-" * w for w in widths]),
        *(line(row) for row in rows),
        "",
        *_legend(res),
    ]
    return "\n".join(out) + "\n"


def _legend(res: TeamResolution) -> list[str]:
    policy, team = res.team.policy, res.team
    lines = [f"Escalation policy {policy.name!r}:"]
    for index, rule in enumerate(policy.rules):
        targets = [f"schedule {team.schedules[s].name}" for s in rule.schedules]
        targets += [team.display(u) for u in rule.users]
        at = "at once" if index == 0 else f"after {policy.reached_after(index)} min"
        lines.append(f"  Level {index + 1} ({at}): {', '.join(targets)}")
    cycle = policy.reached_after(len(policy.rules))
    if policy.loops:
        lines.append(
            f"  then from level 1 again after {cycle} min, {policy.loops} more time(s) (loops)"
        )
    lines.append("  A level with nobody on call is skipped at once (PagerDuty escalates).")
    return lines


# --- iCalendar ------------------------------------------------------------------------------------


def _merged(shifts: Iterable[Shift]) -> list[Shift]:
    """Consecutive shifts of the same person as one (a change of layer is no handoff)."""
    out: list[Shift] = []
    for s in shifts:
        if out and out[-1].who == s.who and out[-1].end == s.start:
            out[-1] = Shift(out[-1].start, s.end, s.who)
        else:
            out.append(s)
    return out


def ics(
    res: TeamResolution, *, stack: str, person: str | None = None, schedule: str | None = None
) -> bytes:
    """An iCalendar file of on-call shifts: everyone's (and the gaps), or one person's, or one
    schedule's. Deterministic: UIDs and DTSTAMP derive from the shifts and the horizon."""
    import icalendar  # here, not at the top: every `plan` imports this module, none needs it

    team = res.team
    cal = icalendar.Calendar()
    cal.add("prodid", "-//pantheon-oncall//oncall calendar//EN")
    cal.add("version", "2.0")
    title = f"On call: {team.name}"
    if person:
        title = f"On call: {team.display(person)} ({team.name})"
    elif schedule:
        title = f"On call: {team.schedules[schedule].name} ({team.name})"
    cal.add("x-wr-calname", title)
    for slug, resolved in res.schedules.items():
        if schedule and slug != schedule:
            continue
        name = resolved.schedule.name
        for shift in _merged(resolved.final.shifts):
            if person and shift.who != person:
                continue
            who = team.display(shift.who)
            summary = (
                f"On call: {name}"
                if person
                else (f"{who} on call ({name})" if shift.who else f"Nobody on call ({name})")
            )
            key = f"{stack}/{slug}/{shift.who}/{shift.start.isoformat()}"
            event = icalendar.Event()
            event.add("uid", hashlib.sha256(key.encode()).hexdigest()[:32] + "@pantheon-oncall")
            event.add("dtstamp", res.since)
            event.add("dtstart", shift.start)
            event.add("dtend", shift.end)
            event.add("summary", summary)
            event.add("description", f"Schedule {name} of {team.name}; stack {stack}.")
            cal.add_component(event)
    return bytes(cal.to_ical())


# --- SVG ------------------------------------------------------------------------------------------

Span = tuple[datetime, datetime]
_Bar = tuple[datetime, datetime, str | None, bool]
"""A bar on a timeline row: start, end, who (None: a gap), and whether it is on top."""

PALETTE = ["#4e79a7", "#59a14f", "#f28e2b", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#bab0ac"]
GAP = "#d62728"
LEFT, RIGHT, ROW, PAD, DAY_WIDTH = 210, 20, 24, 6, 34


def _rows(res: TeamResolution) -> list[tuple[str, list[_Bar], bool]]:
    """The timeline's rows (label, bars, whether it is a result row drawn bold): per schedule
    its layers and the final schedule, then the escalation levels."""
    rows: list[tuple[str, list[_Bar], bool]] = []
    for resolved in res.schedules.values():
        final = resolved.final
        for index, (layer, shifts) in enumerate(
            zip(resolved.schedule.layers, resolved.layers, strict=True)
        ):
            bars = _layer_bars(index, shifts, final)
            rows.append((f"{resolved.schedule.name} · {layer.name}", bars, False))
        bars = [(s.start, s.end, s.who, True) for s in final.shifts]
        rows.append((f"{resolved.schedule.name} · final", bars, True))
    for index, levels in enumerate(res.levels):
        bars = [(lv.start, lv.end, lv.people[0] if lv.people else None, True) for lv in levels]
        rows.append((f"Escalation level {index + 1}", bars, True))
    return rows


def _layer_bars(index: int, shifts: Sequence[Shift], final: Timeline) -> list[_Bar]:
    """A layer's shifts cut where the final schedule changes, each piece marked on top or not
    (a later layer hides it); neighbours alike are joined again."""
    bars: list[_Bar] = []
    for s in shifts:
        cuts = sorted(
            {s.start, s.end, *(f.start for f in final.shifts if s.start < f.start < s.end)}
        )
        for a, b in pairwise(cuts):
            top = final.at(a)
            on_top = top is not None and top.layer == index
            if bars and bars[-1][1] == a and bars[-1][2:] == (s.who, on_top):
                bars[-1] = (bars[-1][0], b, s.who, on_top)
            else:
                bars.append((a, b, s.who, on_top))
    return bars


HIDDEN_OPACITY = 0.3
"""How a layer's time shows where a later layer hides it (the legend has a swatch for it)."""
CHAR_WIDTH = 6.5
"""About the width of a character at 11 px, to tell whether a name fits its bar."""


def _bar_label(name: str, width: float) -> str:
    """The name on a bar: whole when it fits, else the initials, else nothing (a sliver)."""
    if width >= len(name) * CHAR_WIDTH + 8:
        return name
    initials = "".join(part[0] for part in name.split() if part)
    return initials if width >= len(initials) * CHAR_WIDTH + 6 else ""


def _svg_legend(
    root: ET.Element,
    y: float,
    colours: Mapping[str, str],
    display: Callable[[str], str],
    *,
    gaps: bool,
    hidden: bool,
    urgency: bool = False,
) -> None:
    """One swatch per person in their colour, then the gaps' red and the faded look of hidden
    time where the picture has any, in a line at `y`; with `urgency` the urgency rows' colours in
    a line below."""
    entries = [(display(slug), colour, 1.0) for slug, colour in colours.items()]
    if gaps:
        entries += [("nobody on call (gap)", GAP, 1.0)]
    if hidden:
        entries += [("hidden by a later layer (faded)", PALETTE[0], HIDDEN_OPACITY)]
    _swatches(root, y, entries)
    if urgency:
        entries = [("high urgency: pages and escalates", HIGH_URGENCY, 1.0)]
        entries += [("low urgency: notifies, no escalation", LOW_URGENCY, 1.0)]
        _swatches(root, y + 20, entries)


def _swatches(root: ET.Element, y: float, entries: list[tuple[str, str, float]]) -> None:
    legend_x = 10.0
    for text, colour, opacity in entries:
        ET.SubElement(
            root, "rect", x=str(legend_x), y=str(y), width="12", height="12", fill=colour,
            opacity=f"{opacity:g}",
        )  # fmt: skip
        entry = ET.SubElement(root, "text", x=str(legend_x + 16), y=str(y + 10))
        entry.text = text
        legend_x += 24 + 7 * len(text)


def _svg_days(
    root: ET.Element, days: list[date], midnight_x: Callable[[date], float], y: float
) -> None:
    """The day axis at `y`: the month where it starts or changes, then the weekday and the day
    centred on their day, on two lines (side by side they run into the next day's)."""
    for day in days:
        dx = midnight_x(day)
        if day.day == 1 or (day == days[0] and day.day < 26):
            ET.SubElement(root, "text", x=str(dx + 2), y=str(y + 4)).text = day.strftime("%B %Y")
        middle = str(round(dx + DAY_WIDTH / 2, 2))
        for line, text in ((16, f"{day:%a}"[:2]), (28, str(day.day))):
            label = ET.SubElement(
                root, "text", x=middle, y=str(y + line), fill="#444",
                attrib={"text-anchor": "middle"},
            )  # fmt: skip
            label.text = text


HIGH_URGENCY = "#7b3294"
LOW_URGENCY = "#eeeeee"


def _svg_band(
    root: ET.Element,
    y: float,
    label: str,
    spans: Sequence[Span],
    x: Callable[[datetime], float],
    zone: str,
) -> None:
    """A service's urgency row at `y`: low all along, its high-urgency spans over it."""
    ET.SubElement(root, "text", x="10", y=str(y + ROW / 2 + 4)).text = label
    width = float(root.get("width", "0"))
    ET.SubElement(
        root, "rect", x=str(LEFT), y=str(y), width=str(width - LEFT - RIGHT), height=str(ROW),
        fill=LOW_URGENCY,
    )  # fmt: skip
    for start, end in spans:
        rect = ET.SubElement(
            root, "rect", x=str(x(start)), y=str(y), width=str(max(x(end) - x(start), 0.5)),
            height=str(ROW), fill=HIGH_URGENCY,
        )  # fmt: skip
        ET.SubElement(rect, "title").text = f"high urgency: {when(start, zone)} → {when(end, zone)}"


def svg(res: TeamResolution, bands: Sequence[tuple[str, Sequence[Span]]] = ()) -> str:
    """A timeline: per schedule one row per layer (dimmed where a later layer hides it) and the
    final row (gaps in red), then one row per escalation level, then per service with support
    hours in `bands` its high-urgency spans; days in the team's zone."""
    team, zone = res.team, ZoneInfo(res.team.zone)
    days = list(local_dates(res.since, res.until, zone))
    width = LEFT + DAY_WIDTH * len(days) + RIGHT
    colours = {slug: PALETTE[i % len(PALETTE)] for i, slug in enumerate(team.people)}
    span_s = (res.until - res.since).total_seconds()

    def x(moment: datetime) -> float:
        offset = (min(max(moment, res.since), res.until) - res.since).total_seconds()
        return round(LEFT + (width - LEFT - RIGHT) * offset / span_s, 2)

    def midnight_x(day: date) -> float:
        return x(instant(datetime.combine(day, time()), zone))

    root = ET.Element(
        "svg", xmlns="http://www.w3.org/2000/svg", width=str(width), height="0",
        style="font-family: sans-serif; font-size: 11px",
    )  # fmt: skip
    ET.SubElement(root, "rect", width="100%", height="100%", fill="white")
    title = ET.SubElement(root, "text", x="10", y="20", style="font-size: 14px; font-weight: bold")
    title.text = f"{team.name}: on call {when(res.since, team.zone)} → {when(res.until, team.zone)}"
    y = 34
    _svg_days(root, days, midnight_x, y)
    y += 36
    grid_top = y
    rows = list(_rows(res))
    grid_bottom = grid_top + (len(rows) + len(bands)) * (ROW + PAD) - PAD
    # The grid first, so that the bars and the names on them cover it.
    for day in days:
        colour = "#555" if day.isoweekday() == 1 else "#ddd"
        ET.SubElement(
            root, "line", x1=str(midnight_x(day)), x2=str(midnight_x(day)),
            y1=str(grid_top - 4), y2=str(grid_bottom), stroke=colour,
            attrib={"stroke-width": "1", "stroke-dasharray": "2,2"},
        )  # fmt: skip
    for label_text, bars, strong in rows:
        label = ET.SubElement(root, "text", x="10", y=str(y + ROW / 2 + 4))
        label.text = label_text
        if strong:
            label.set("font-weight", "bold")
        for start, end, who, on_top in bars:
            if who is None and not strong:
                continue
            rect = ET.SubElement(
                root, "rect", x=str(x(start)), y=str(y), width=str(max(x(end) - x(start), 0.5)),
                height=str(ROW), fill=GAP if who is None else colours.get(who, "#888"),
                stroke="white", opacity="1" if on_top else str(HIDDEN_OPACITY),
            )  # fmt: skip
            ET.SubElement(rect, "title").text = (
                f"{team.display(who) if who else 'nobody on call'}: "
                f"{when(start, team.zone)} → {when(end, team.zone)}"
            )
            text = _bar_label(team.display(who) if who else "nobody", x(end) - x(start))
            if text:
                name = ET.SubElement(
                    root, "text", x=str(x(start) + 4), y=str(y + ROW / 2 + 4),
                    fill="white" if on_top else "#333",
                )  # fmt: skip
                name.text = text
        y += ROW + PAD
    for label_text, spans in bands:
        _svg_band(root, y, label_text, spans, x, team.zone)
        y += ROW + PAD
    y += 8
    drawn = [(who, top) for _, bars, strong in rows for *_, who, top in bars if strong or who]
    _svg_legend(
        root,
        y,
        colours,
        team.display,
        gaps=any(who is None for who, _ in drawn),
        hidden=any(who is not None and not top for who, top in drawn),
        urgency=bool(bands),
    )
    y += 44 if bands else 24
    root.set("height", str(y))
    root.set("viewBox", f"0 0 {width} {y}")
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
