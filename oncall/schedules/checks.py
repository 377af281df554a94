"""Coverage checks: gaps, shadowed layers, double bookings, escalation to nobody new, and load.

Run over a horizon (default 4 weeks) of the schedule model (`oncall.schedules.model`). `oncall
check STACK` prints them and exits 1 on an error; `plan` shows them as warnings, with one
coverage line per schedule (`coverage_lines`).

Where the horizon starts: planning never reads the clock, so by default the checks start at the
latest layer start of the team, the first moment every layer is in effect (the schedule as it
will run from then on; before it, a layer that has not started yet shows nothing useful). `--from`
picks another start.

Findings, each naming the config key it is about:
- a gap in a schedule: an error when the stack is a live environment's (or a team stack that a
  live site stack pages) and the first escalation rule reaches nobody then; a warning elsewhere;
- a layer that is never on top in the horizon (shadowed), and how its people are still reached;
- a person on call in two targets of one rule at once; in live, one person covering a whole rule
  (with a schedule target) for the entire horizon: nobody to hand off to;
- a time when every rule of the escalation policy reaches the same single person;
- load: on-call hours per person, and the share and days of them outside working hours in the
  person's own time zone, against the team's `load` limits (`Thresholds`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from oncall.config import (
    DAYS_PER_MONTH,
    ResolvedTeam,
    StackConfig,
    Team,
    TeamStackConfig,
)
from oncall.config.stackindex import where_schedules_live
from oncall.defaults import DEFAULT_WEEKS
from oncall.schedules.from_config import team_model
from oncall.schedules.hours import on_call_time
from oncall.schedules.model import (
    Level,
    TeamModel,
    TeamResolution,
    local_dates,
    resolve_team,
    union,
)

TEAM_KEY = "pantheon-oncall:team"


@dataclass(frozen=True)
class Thresholds:
    """When on-call load becomes a warning; a limit that is None is not checked. Working hours are
    Monday to Friday, local. The team's own are its `load` key (`team_thresholds`)."""

    max_after_hours_share: float | None = None
    max_after_hours_days: float | None = None
    """Days per 30 with on-call time outside working hours (scaled from the horizon)."""
    work_start: time = time(9)
    work_end: time = time(17)


def team_thresholds(team: Team) -> Thresholds:
    """The team's limits: `team.load` (its defaults when unset); none with `load: false`."""
    if team.load is False:
        return Thresholds()
    return Thresholds(team.load.max_after_hours_share, team.load.max_after_hours_days_per_month)


@dataclass(frozen=True)
class Finding:
    """One check result, about the config key `path`."""

    error: bool
    path: str
    message: str

    def __str__(self) -> str:
        return f"{'error' if self.error else 'warning'}: {self.path}: {self.message}"


@dataclass(frozen=True)
class Load:
    """A person's on-call time over the horizon (the final schedules, all schedules together)."""

    slug: str
    hours: float
    after_hours: float
    after_hours_days: int

    @property
    def after_hours_share(self) -> float:
        """The share of on-call hours outside working hours (0 when the person has none)."""
        return self.after_hours / self.hours if self.hours else 0.0


@dataclass(frozen=True)
class Report:
    """Everything `check` and `plan` say about a team's schedules."""

    resolution: TeamResolution
    findings: list[Finding] = field(default_factory=list)
    loads: list[Load] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        """The findings that make `check` exit 1 (the rest are warnings)."""
        return [f for f in self.findings if f.error]


# --- Time, the way people read it -----------------------------------------------------------------


def when(moment: datetime, zone: str) -> str:
    """`Mon 2026-12-07 09:00 EST`."""
    return moment.astimezone(ZoneInfo(zone)).strftime("%a %Y-%m-%d %H:%M %Z")


def span(start: datetime, end: datetime, zone: str) -> str:
    """`start → end` as people read it, in `zone`."""
    return f"{when(start, zone)} → {when(end, zone)}"


def hours(delta: timedelta) -> str:
    """A duration in hours, whole when it is (`8 h`, `1.5 h`)."""
    value = delta.total_seconds() / 3600
    return f"{value:.0f} h" if value == int(value) else f"{value:.1f} h"


# --- Horizon --------------------------------------------------------------------------------------


def default_start(team: TeamModel) -> datetime:
    """The latest layer start: every layer is in effect from then on. Never the clock."""
    return team.latest_start()


def report(
    team: ResolvedTeam,
    *,
    live: bool,
    since: datetime | None = None,
    weeks: int = DEFAULT_WEEKS,
    thresholds: Thresholds | None = None,
) -> Report:
    """Resolve `team` over `weeks` from `since` (default: the latest layer start) and check it;
    load against `thresholds` (default: the team's `load`)."""
    model = team_model(team)
    start = since or default_start(model)
    resolution = resolve_team(model, start, start + timedelta(weeks=weeks))
    limits = team_thresholds(team) if thresholds is None else thresholds
    loads = _loads(resolution, limits)
    findings = [
        *_gaps(resolution, live),
        *_shadowed(resolution),
        *_double_booked(resolution),
        *(_single_person_rules(resolution) if live else []),
        *_same_person_every_rule(resolution),
        *_overloaded(resolution, loads, limits),
    ]
    return Report(resolution, findings, loads)


def coverage_lines(config: StackConfig | TeamStackConfig, live: bool) -> list[str]:
    """One line per schedule for the plan and the PR diff: coverage % and gaps over the default
    horizon; or where the schedules are when this stack has none. `live`: the stack serves a
    live environment (oncall.config.stackindex), where the checks are strict."""
    if config.team is None or not config.team.schedules:
        return [where_schedules_live(config)]
    return summary_lines(report(config.team, live=live))


def plan_lines(config: StackConfig | TeamStackConfig, live: bool) -> list[str]:
    """The coverage lines, then every finding as a warning (the plan does not fail on them)."""
    if config.team is None or not config.team.schedules:
        return [where_schedules_live(config)]
    result = report(config.team, live=live)
    warnings = [f"warning: {f.path}: {f.message}" for f in result.findings]
    return [*summary_lines(result), *warnings]


def summary_lines(result: Report) -> list[str]:
    """Per schedule its coverage and gaps, per person their load: `check`'s summary."""
    res, team = result.resolution, result.resolution.team
    weeks = round((res.until - res.since) / timedelta(weeks=1))
    lines = []
    for slug, resolved in res.schedules.items():
        gaps = resolved.final.gaps()
        lines.append(
            f"schedule {slug} ({resolved.schedule.name}): "
            f"{100 * resolved.final.covered_share():.1f} % covered, {len(gaps)} gap(s) "
            f"in {weeks} weeks from {when(res.since, team.zone)}"
        )
    return lines


# --- The checks -----------------------------------------------------------------------------------


def _rule_path(index: int) -> str:
    return f"{TEAM_KEY}.escalation.rules[{index}]"


def _gaps(res: TeamResolution, live: bool) -> Iterable[Finding]:
    zone, first = res.team.zone, res.levels[0] if res.levels else ()
    first_rule = res.team.policy.rules[0] if res.team.policy.rules else None
    for slug, resolved in res.schedules.items():
        gaps = resolved.final.gaps()
        if not gaps:
            continue
        in_first = first_rule is not None and slug in first_rule.schedules
        unreached = [g for g in gaps if in_first and _nobody_in(first, g.start, g.end)]
        total = sum((g.end - g.start for g in gaps), timedelta())
        shown = "; ".join(span(g.start, g.end, zone) for g in gaps[:3])
        more = f"; and {len(gaps) - 3} more" if len(gaps) > 3 else ""
        message = f"nobody on call in {len(gaps)} gap(s), {hours(total)} in all: {shown}{more}"
        if unreached:
            message += (
                "; the first escalation rule reaches nobody then, so PagerDuty escalates at once "
                "or, with no one to escalate to, creates no incident"
            )
        yield Finding(live and bool(unreached), f"{TEAM_KEY}.schedules.{slug}", message)


def _nobody_in(levels: Iterable[Level], start: datetime, end: datetime) -> bool:
    return any(not lv.reached and lv.start < end and lv.end > start for lv in levels)


def _shadowed(res: TeamResolution) -> Iterable[Finding]:
    zone, team = res.team.zone, res.team
    on_final = {s.who for r in res.schedules.values() for s in r.final.shifts if s.who}
    for slug, resolved in res.schedules.items():
        on_top = {s.layer for s in resolved.final.shifts if s.layer is not None}
        layers = resolved.schedule.layers
        for index, (layer, shifts) in enumerate(zip(layers, resolved.layers, strict=True)):
            if not shifts or index in on_top:
                continue
            above = ", ".join(layer.name for layer in layers[index + 1 :])
            message = (
                f"layer {layer.name!r} is never on top {span(res.since, res.until, zone)}: "
                f"a later layer ({above}) has someone on call whenever it does, and in "
                "PagerDuty the later layer wins, so this layer is no fallback"
            )
            reach = [_how_reached(team, who) for who in layer.members if who not in on_final]
            if reach:
                message += "; " + "; ".join(reach)
            yield Finding(False, f"{TEAM_KEY}.schedules.{slug}.layers[{index}]", message)


def _how_reached(team: TeamModel, who: str) -> str:
    rules = [i for i, rule in enumerate(team.policy.rules) if who in rule.users]
    name = team.display(who)
    if not rules:
        return f"{name} ({who}) is not reached at all"
    routes = ", ".join(
        f"escalation.rules[{i}] (user:{who}, {team.policy.reached_after(i)} minutes "
        "after an unacknowledged page)"
        for i in rules
    )
    via = "only through escalation" if all(i > 0 for i in rules) else "directly"
    return f"{name} ({who}) is reached {via}: {routes}"


def _double_booked(res: TeamResolution) -> Iterable[Finding]:
    zone = res.team.zone
    for index, levels in enumerate(res.levels):
        seen: dict[str, list[Level]] = {}
        for level in levels:
            people = [who for who, _ in level.reached]
            for who in {p for p in people if people.count(p) > 1}:
                seen.setdefault(who, []).append(level)
        for who, times in sorted(seen.items()):
            targets = " and ".join(t for p, t in times[0].reached if p == who)
            total = sum((lv.end - lv.start for lv in times), timedelta())
            yield Finding(
                False,
                _rule_path(index),
                f"{res.team.display(who)} ({who}) is on call in {targets} at once, "
                f"{hours(total)} in all, first {span(times[0].start, times[0].end, zone)}: "
                "the rule pages one person twice and nobody else",
            )


def _single_person_rules(res: TeamResolution) -> Iterable[Finding]:
    for index, (rule, levels) in enumerate(zip(res.team.policy.rules, res.levels, strict=True)):
        people = {lv.people for lv in levels}
        if rule.schedules and len(people) == 1 and len(next(iter(people))) == 1:
            who = next(iter(people))[0]
            yield Finding(
                False,
                _rule_path(index),
                f"{res.team.display(who)} ({who}) alone covers this rule for all of the "
                f"{_days(res)} from {when(res.since, res.team.zone)}: nobody to hand off to",
            )


def _same_person_every_rule(res: TeamResolution) -> Iterable[Finding]:
    if len(res.levels) < 2:
        return
    cuts = sorted({t for levels in res.levels for lv in levels for t in (lv.start, lv.end)})
    found: list[tuple[datetime, datetime, str]] = []
    lookups = [list(levels) for levels in res.levels]
    for start, end in pairwise(cuts):
        # A rule that reaches nobody is skipped at once (PagerDuty escalates past it).
        sets = {people for levels in lookups if (people := _level_at(levels, start))}
        if len(sets) == 1 and len(single := next(iter(sets))) == 1:
            if found and found[-1][1] == start and found[-1][2] == single[0]:
                found[-1] = (found[-1][0], end, single[0])
            else:
                found.append((start, end, single[0]))
    if found:
        start, end, who = found[0]
        total = sum((e - s for s, e, _ in found), timedelta())
        yield Finding(
            False,
            f"{TEAM_KEY}.escalation",
            f"every rule reaches only {res.team.display(who)} ({who}) for {hours(total)}, "
            f"first {span(start, end, res.team.zone)}: escalating reaches nobody new",
        )


def _level_at(levels: list[Level], moment: datetime) -> tuple[str, ...]:
    for level in levels:
        if level.start <= moment < level.end:
            return level.people
    return ()


# --- Load -----------------------------------------------------------------------------------------


def _loads(res: TeamResolution, limits: Thresholds) -> list[Load]:
    loads = []
    for slug, person in res.team.people.items():
        spans = union(
            (s.start, s.end)
            for r in res.schedules.values()
            for s in r.final.shifts
            if s.who == slug
        )
        total, after, days = on_call_time(
            spans, ZoneInfo(person.zone), limits.work_start, limits.work_end
        )
        if total:
            loads.append(
                Load(slug, total / timedelta(hours=1), after / timedelta(hours=1), len(days))
            )
    return loads


def _dates_touched(res: TeamResolution, slug: str) -> int:
    """How many local dates of the person's time zone the horizon touches: one more than its
    days when it starts at another hour than midnight there (a person is counted per date)."""
    zone = ZoneInfo(res.team.people[slug].zone)
    return sum(1 for _ in local_dates(res.since, res.until, zone))


def _days(res: TeamResolution) -> str:
    return f"{(res.until - res.since) / timedelta(days=1):g} days"


def per_month(days: int, res: TeamResolution) -> float:
    """`days` over the horizon scaled to a 30-day month, so that loads compare across horizons."""
    return days * DAYS_PER_MONTH / ((res.until - res.since) / timedelta(days=1))


def _overloaded(res: TeamResolution, loads: list[Load], limits: Thresholds) -> Iterable[Finding]:
    for load in loads:
        name = f"{res.team.display(load.slug)} ({load.slug}, {res.team.people[load.slug].zone})"
        monthly = per_month(load.after_hours_days, res)
        share, days = limits.max_after_hours_share, limits.max_after_hours_days
        if share is not None and load.after_hours_share > share:
            yield Finding(
                False,
                f"{TEAM_KEY}.members.{load.slug}",
                f"{name}: {100 * load.after_hours_share:.0f} % of {load.hours:.0f} on-call hours "
                f"fall outside working hours (limit {100 * share:.0f} %)",
            )
        if days is not None and monthly > days:
            yield Finding(
                False,
                f"{TEAM_KEY}.members.{load.slug}",
                f"{name}: on call outside working hours on {load.after_hours_days} of the "
                f"{_dates_touched(res, load.slug)} dates the {_days(res)} touch in their time "
                f"zone ({monthly:.0f} a month; limit {days:g})",
            )
