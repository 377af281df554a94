"""What a change does to each person on call: the per-person shift diff of a PR.

Both versions of a team are resolved over the same horizon, N weeks (default 4) from the
reference moment (the head commit's date or `--from`, never the clock), and compared per schedule
(its final schedule) and per escalation level (whom the rule reaches, through schedules and
users). For every person whose time there changes: the shifts they lose, with whom each moves to;
the shifts they gain, with whom each was; their on-call hours before → after; and their hours
outside working hours (Monday to Friday 09:00-17:00, or the team's `load` hours, in the person's
own time zone) before → after. People whose shifts stay the same are not listed.

What is compared is time: a person loses the stretches they had and no longer have, and gains
those they have and had not, each cut to the horizon. A shift that only gets longer gains just the
added stretch, and a turn doubled at a handover gains its second week, never "loses" its first to
nobody.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from oncall.schedules import handover, handover_text, roster
from oncall.schedules.from_config import team_model
from oncall.schedules.hours import on_call_time
from oncall.schedules.model import (
    TeamModel,
    TeamResolution,
    Timeline,
    minus,
    resolve_team,
    union,
    wall,
)

if TYPE_CHECKING:
    from oncall.config import ResolvedTeam

Span = tuple[datetime, datetime]
EN, MINUS = "\N{EN DASH}", "\N{MINUS SIGN}"


@dataclass(frozen=True)
class Moved:
    """A shift one side has and the other does not, and who has that time on the other side."""

    start: datetime
    end: datetime
    others: tuple[str, ...]
    """Who is on call then on the other side (for a level: whom it reaches); empty for nobody."""


@dataclass(frozen=True)
class PersonDiff:
    """One person's change on one schedule or escalation level."""

    slug: str
    lost: tuple[Moved, ...]
    gained: tuple[Moved, ...]
    hours: tuple[float, float]
    after_hours: tuple[float, float]


@dataclass(frozen=True)
class TargetDiff:
    """A schedule (`schedule:<slug>`) or an escalation level (`level:<n>`, 1-based) whose people
    change, with its name as people read it."""

    key: str
    title: str
    zone: str
    people: tuple[PersonDiff, ...]


# --- Who is on call when, per person --------------------------------------------------------------


def _schedule_spans(final: Timeline) -> dict[str, list[Span]]:
    spans: dict[str, list[Span]] = {}
    for shift in final.shifts:
        if shift.who is not None:
            spans.setdefault(shift.who, []).append((shift.start, shift.end))
    return {who: union(s) for who, s in spans.items()}


def _level_spans(res: TeamResolution, index: int) -> dict[str, list[Span]]:
    spans: dict[str, list[Span]] = {}
    for level in res.levels[index]:
        for who in level.people:
            spans.setdefault(who, []).append((level.start, level.end))
    return {who: union(s) for who, s in spans.items()}


def _targets(res: TeamResolution) -> dict[str, tuple[str, dict[str, list[Span]]]]:
    """Every schedule and escalation level of a resolution: key → (title, spans per person)."""
    targets = {
        f"schedule:{slug}": (f"schedule {r.schedule.name}", _schedule_spans(r.final))
        for slug, r in res.schedules.items()
    }
    for index in range(len(res.levels)):
        targets[f"level:{index + 1}"] = (f"escalation level {index + 1}", _level_spans(res, index))
    return targets


def _others(spans: Mapping[str, Sequence[Span]], start: datetime, end: datetime) -> tuple[str, ...]:
    """Who has time in [start, end) in `spans`, most time first."""
    overlap = {
        who: sum(
            (min(e, end) - max(s, start) for s, e in own if s < end and e > start), timedelta()
        )
        for who, own in spans.items()
    }
    return tuple(sorted((w for w, t in overlap.items() if t), key=lambda w: (-overlap[w], w)))


def _hours(spans: Iterable[Span], zone: str, work: tuple[time, time]) -> tuple[float, float]:
    total, after, _ = on_call_time(spans, ZoneInfo(zone), *work)
    return total / timedelta(hours=1), after / timedelta(hours=1)


def _person(
    slug: str,
    before: Mapping[str, Sequence[Span]],
    after: Mapping[str, Sequence[Span]],
    zone: str,
    work: tuple[time, time],
) -> PersonDiff | None:
    old, new = list(before.get(slug, ())), list(after.get(slug, ()))
    if old == new:
        return None
    lost = tuple(
        Moved(s, e, tuple(w for w in _others(after, s, e) if w != slug)) for s, e in minus(old, new)
    )
    gained = tuple(
        Moved(s, e, tuple(w for w in _others(before, s, e) if w != slug))
        for s, e in minus(new, old)
    )
    h0, a0 = _hours(old, zone, work)
    h1, a1 = _hours(new, zone, work)
    return PersonDiff(slug, lost, gained, (h0, h1), (a0, a1))


def shift_diff(
    base: TeamModel,
    head: TeamModel,
    since: datetime,
    weeks: int,
    work: tuple[time, time] = (time(9), time(17)),
) -> list[TargetDiff]:
    """Per schedule and escalation level whose people change, each changed person's diff over
    `weeks` from `since`; after hours in each person's own zone (`head`'s, else `base`'s)."""
    until = since + timedelta(weeks=weeks)
    renamed = _renamed(base, head)
    before = {
        key: (title, {renamed.get(who, who): spans for who, spans in people.items()})
        for key, (title, people) in _targets(resolve_team(base, since, until)).items()
    }
    after = _targets(resolve_team(head, since, until))
    found = []
    for key in dict.fromkeys([*after, *before]):
        title, old = before.get(key, (after[key][0], {}))
        title, new = after.get(key, (title, {}))
        zone = _target_zone(key, base, head)
        people = []
        for slug in sorted(old.keys() | new.keys(), key=lambda s: _name(s, base, head)):
            person = head.people.get(slug) or base.people.get(slug)
            diff = _person(slug, old, new, person.zone if person else zone, work)
            if diff is not None:
                people.append(diff)
        if people:
            found.append(TargetDiff(key, title, zone, tuple(people)))
    return found


def _renamed(base: TeamModel, head: TeamModel) -> dict[str, str]:
    """Members whose key changed and nothing else that tells people apart: a base-only key and a
    head-only key with the same name, where the name is on no other key. Their shifts are one
    person's (the diff's resource part says how to keep their PagerDuty user: `formerly`)."""
    gone = [slug for slug in base.people if slug not in head.people]
    new = [slug for slug in head.people if slug not in base.people]
    pairs = {}
    for old in gone:
        same = [slug for slug in new if head.people[slug].name == base.people[old].name]
        if len(same) == 1 and [base.people[o].name for o in gone].count(base.people[old].name) == 1:
            pairs[old] = same[0]
    return pairs


def _target_zone(key: str, base: TeamModel, head: TeamModel) -> str:
    kind, _, slug = key.partition(":")
    if kind == "schedule":
        schedule = head.schedules.get(slug) or base.schedules[slug]
        return schedule.zone
    return head.zone


def _name(slug: str, base: TeamModel, head: TeamModel) -> str:
    return head.display(slug) if slug in head.people else base.display(slug)


# --- As people read it ----------------------------------------------------------------------------


def dates(start: datetime, end: datetime, zone: str) -> str:
    """A shift as a reader says it, local to `zone` (with an en dash): `Dec 14-21` for whole turns
    that start and end at the same time of day, `Dec 28-Jan 4` across months, `Dec 14
    09:00-17:00` within a day, `Dec 14 17:00-Dec 15 09:00` otherwise."""
    z = ZoneInfo(zone)
    a, b = wall(start, z), wall(end, z)
    if a.time() == b.time() and b - a >= timedelta(hours=23):
        if a.month == b.month:
            return f"{a:%b} {a.day}{EN}{b.day}"
        return f"{a:%b} {a.day}{EN}{b:%b} {b.day}"
    if a.date() == b.date():
        return f"{a:%b} {a.day} {a:%H:%M}{EN}{b:%H:%M}"
    return f"{a:%b} {a.day} {a:%H:%M}{EN}{b:%b} {b.day} {b:%H:%M}"


def _count(n: int, sign: str) -> str:
    return f"{sign}{n} shift{'s' if n != 1 else ''}"


def person_line(diff: PersonDiff, team: Mapping[str, str], zone: str) -> str:
    """`Tom Becker: -1 shift (Dec 14-21 moves to Priya Nair), on call 336 h → 168 h, after hours
    128 h → 96 h`; `team` maps slugs to names."""

    def who(others: tuple[str, ...]) -> str:
        return ", ".join(team.get(o, o) for o in others) or "nobody"

    parts = []
    if diff.lost:
        moves = "; ".join(
            f"{dates(m.start, m.end, zone)} moves to {who(m.others)}" for m in diff.lost
        )
        parts.append(f"{_count(len(diff.lost), MINUS)} ({moves})")
    if diff.gained:
        takes = "; ".join(
            f"{dates(m.start, m.end, zone)}, was {who(m.others)}" for m in diff.gained
        )
        parts.append(f"{_count(len(diff.gained), '+')} ({takes})")
    (h0, h1), (a0, a1) = diff.hours, diff.after_hours
    parts.append(f"on call {h0:.0f} h → {h1:.0f} h")
    parts.append(f"after hours {a0:.0f} h → {a1:.0f} h")
    return f"{team.get(diff.slug, diff.slug)}: " + ", ".join(parts)


def to_data(diffs: Iterable[TargetDiff], names: Mapping[str, str]) -> list[dict[str, Any]]:
    """The shift diff as plain data (`diff --json`): times as ISO 8601 in UTC, hours as numbers,
    and each person's line as the PR comment shows it."""

    def moved(m: Moved) -> dict[str, Any]:
        return {"start": m.start.isoformat(), "end": m.end.isoformat(), "others": list(m.others)}

    return [
        {
            "target": d.key,
            "title": d.title,
            "timeZone": d.zone,
            "people": [
                {
                    "member": p.slug,
                    "name": names.get(p.slug, p.slug),
                    "lost": [moved(m) for m in p.lost],
                    "gained": [moved(m) for m in p.gained],
                    "hours": {"before": round(p.hours[0], 2), "after": round(p.hours[1], 2)},
                    "afterHours": {
                        "before": round(p.after_hours[0], 2),
                        "after": round(p.after_hours[1], 2),
                    },
                    "line": person_line(p, names, d.zone),
                }
                for p in d.people
            ],
        }
        for d in diffs
    ]


# --- A stack's roster review ----------------------------------------------------------------------


def roster_report(
    base: ResolvedTeam, head: ResolvedTeam, reference: datetime, weeks: int
) -> dict[str, Any] | None:
    """What a change does to the people of a team (base → head) from `reference` on: every layer
    it reshuffles (with the edit that keeps today's shifts), every handover the head makes (and
    those that double someone's turn), and the per-person shift diff over `weeks`; None when it
    changes none of that."""
    old, new = team_model(base), team_model(head)
    names = {slug: p.name for slug, p in {**old.people, **new.people}.items()}
    reshuffles = handover.review(old, new, reference)
    found = handover.handovers(new, reference)
    diffs = shift_diff(old, new, reference, weeks)
    if not (reshuffles or diffs):
        return None
    return {
        "reference": reference.astimezone(UTC).isoformat(),
        "weeks": weeks,
        "reshuffles": [
            {
                "path": f"pantheon-oncall:team.schedules.{c.schedule}.layers[{c.index}]",
                "schedule": c.schedule,
                "layer": c.name,
                "changed": list(c.changed),
                "gap": c.gap,
                "handover": c.handover.astimezone(UTC).isoformat(),
                "rotationVirtualStart": c.anchor.astimezone(UTC).isoformat(),
                "moved": [m.person for m in c.moved],
                "message": str(warning := handover_text.describe(c, new, reference)),
                "warning": warning.what,
                "moves": list(warning.moves),
                "advice": warning.advice,
                "edit": handover_text.offered_edit(c, new.schedules[c.schedule].zone),
            }
            for c in reshuffles
        ],
        "handovers": [handover_text.describe_handover(h, new) for h in found],
        "doubled": [
            {"path": w.path, "warning": w.message}
            for w in (roster.doubled_finding(d, new) for d in roster.doubled_turns(new, found))
        ],
        "shifts": to_data(diffs, names),
    }


def roster_markdown(data: Mapping[str, Any]) -> list[str]:
    """The PR comment's part on people: reshuffle warnings with the edit to paste, handovers,
    then per schedule and escalation level the lines of the people whose shifts change."""
    lines: list[str] = []
    for change in data["reshuffles"]:
        lines += ["> [!WARNING]", f"> `{change['path']}`: {change['warning']}.", ">"]
        lines += ["> Next shifts that move:", ">"]
        lines += [f"> - {move}" for move in change["moves"] or ["none"]]
        lines += [">", f"> {change['advice']}:", ""]
        lines += ["```yaml", *change["edit"], "```", ""]
    for doubled in data["doubled"]:
        lines += ["> [!WARNING]", f"> `{doubled['path']}`: {doubled['warning']}.", ""]
    lines += [f"- {text}" for text in data["handovers"]]
    if data["handovers"]:
        lines.append("")
    if data["shifts"]:
        since = datetime.fromisoformat(data["reference"])
        lines += [
            f"**Who is on call, {data['weeks']} weeks from {since:%Y-%m-%d %H:%M} UTC** (after "
            "hours: outside Monday to Friday 09:00-17:00 in each person's own time zone):",
            "",
        ]
    shown: dict[str, str] = {}
    for target in data["shifts"]:
        lines_of = [person["line"] for person in target["people"]]
        same = shown.get("\n".join(lines_of))
        if same is not None:  # a level that pages exactly one schedule's people
            lines.append(f"- {target['title']}: the same people and shifts as {same}")
            continue
        shown["\n".join(lines_of)] = target["title"]
        lines.append(f"- {target['title']}:")
        lines += [f"    - {line}" for line in lines_of]
    if data["shifts"]:
        lines.append("")
    return lines
