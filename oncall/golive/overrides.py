"""Schedule overrides for vacations and swaps, in the live PagerDuty account.

pulumi-pagerduty has no override resource, and an override is a one-off (a week of leave, a swapped
night), not configuration: `oncall override` sends it to PagerDuty's REST API v2 directly, through
the official client (oncall.pagerduty_account: the token, 429s, errors without the token). The
shapes are those of PagerDuty's API reference (PagerDuty/api-schema, reference/REST/openapiv3.json):

- createScheduleOverride, `POST /schedules/{id}/overrides` with `{"overrides": [{start, end,
  user: {id, type: "user_reference"}, time_zone}]}`; it answers 201 with a list, one
  `{status, errors?, override}` per override sent, each with its own status (a 400 in it means
  that override was refused, e.g. "Override must end after its start"). It is sent once: a
  POST whose answer is lost is looked for in the list below, never sent again (`create`);
- listScheduleOverrides, `GET /schedules/{id}/overrides?since=…&until=…` (both required) with
  `{"overrides": [{id, start, end, user}]}`; `overflow=true` keeps the overrides that cross the
  range whole instead of truncating them at its bounds;
- deleteScheduleOverride, `DELETE /schedules/{id}/overrides/{override_id}`: 204 deleted, 200
  when an override under way was only truncated to now; a past override cannot be removed.

The schedule's id is the stack's `scheduleIds` output (`pulumi stack output --json`, slug to
id), or `--schedule-id`; the person's user id the stack's `userIds` output, else the PagerDuty
user with the member's e-mail. Secret outputs stay secret: they are never asked for with
`--show-secrets`, so a stack whose team outputs are secret needs `--schedule-id`.

Times must carry their offset (`2026-12-24T09:00+01:00`, `…Z`): a time without one means a
different instant in every time zone the team spans, so it is refused. An override starts now or
later (the one place that reads the clock, injected for tests) and ends after it starts.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

from oncall.config.errors import safe_text, shown
from oncall.onboarding.account import Account, ImportFailed, NoAnswer
from oncall.schedules.model import Resolved, Shift, TeamResolution, Timeline, rule_levels

Run = Callable[..., subprocess.CompletedProcess[str]]


class OverrideRefused(ImportFailed):
    """An override that is not sent (bad input, or PagerDuty refused it): one line, exit 1."""


@dataclass(frozen=True)
class LiveOverride:
    """An override as PagerDuty has it."""

    id: str
    start: datetime
    end: datetime
    user_id: str
    user_name: str
    who: str | None = None
    """The member slug of the user, when the user is one of the stack's."""

    @property
    def label(self) -> str:
        """Who it puts on call: the member slug, else PagerDuty's name for the user."""
        return self.who or self.user_name


# --- Times ----------------------------------------------------------------------------------------


def parse_time(option: str, value: str) -> datetime:
    """`value` as an instant; OverrideRefused for one that is not a time or has no offset."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise OverrideRefused(
            f"{option} {shown(value)}: expected a date-time with its offset, e.g. "
            "2026-12-24T09:00+01:00 or 2026-12-24T08:00Z"
        ) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise OverrideRefused(
            f"{option} {shown(value)}: no time zone offset, so it names a different moment in "
            "each of the team's time zones; write one, e.g. 2026-12-24T09:00+01:00 or …Z"
        )
    return moment


def check_window(start: datetime, end: datetime, now: datetime) -> None:
    """OverrideRefused unless [start, end) is a span of time to come."""
    if end <= start:
        raise OverrideRefused(
            f"--to {end.isoformat()}: not after --from {start.isoformat()}; an override ends "
            "after it starts"
        )
    if start < now:
        raise OverrideRefused(
            f"--from {start.isoformat()}: in the past (it is "
            f"{now.astimezone(UTC):%Y-%m-%d %H:%M} UTC now); an override covers time to come"
        )


# --- The stack's outputs --------------------------------------------------------------------------


@dataclass(frozen=True)
class StackIds:
    """The PagerDuty ids a deployed team stack exports (empty where it exports none)."""

    schedules: Mapping[str, str]
    users: Mapping[str, str]
    why_not: str = ""
    """Why `schedules` is empty: no outputs, secret outputs, the CLI missing…"""


def stack_ids(project_dir: Path, stack: str, run: Run = subprocess.run) -> StackIds:
    """`scheduleIds` and `userIds` of `pulumi stack output --json --stack STACK` (run in the
    project folder; secrets stay masked, so a secret output counts as none)."""
    command = ["pulumi", "stack", "output", "--json", "--stack", stack]
    try:
        result = run(command, capture_output=True, text=True, check=False, cwd=project_dir)
    except FileNotFoundError:
        return StackIds({}, {}, "the pulumi CLI is not installed (not on PATH)")
    if result.returncode != 0:
        said = (result.stderr or result.stdout or "").strip().splitlines()
        detail = safe_text(said[-1] if said else f"exit status {result.returncode}", 300)
        return StackIds({}, {}, f"`pulumi stack output --stack {stack}` failed: {detail}")
    try:
        outputs = json.loads(result.stdout or "{}")
    except ValueError:
        return StackIds({}, {}, f"`pulumi stack output --stack {stack}` printed no JSON")
    if not isinstance(outputs, dict):
        outputs = {}
    schedules, why = _id_map(outputs, "scheduleIds", stack)
    users, _ = _id_map(outputs, "userIds", stack)
    return StackIds(schedules, users, why)


def _id_map(outputs: Mapping[str, Any], name: str, stack: str) -> tuple[dict[str, str], str]:
    value = outputs.get(name)
    if value == "[secret]":
        return {}, f"its {name} output is secret (a secure value in its team config)"
    if not isinstance(value, dict):
        return {}, f"stack {stack} has no {name} output (not deployed yet? `pulumi up` first)"
    return {str(k): str(v) for k, v in value.items() if isinstance(v, str)}, ""


def schedule_id(ids: StackIds, slug: str, stack: str) -> str:
    """The schedule's id from the outputs; OverrideRefused naming the way out otherwise."""
    if slug in ids.schedules:
        return ids.schedules[slug]
    why = ids.why_not or (
        f"its scheduleIds output has no {slug!r} (added after the last `pulumi up`?)"
    )
    raise OverrideRefused(
        f"--schedule {shown(slug)}: no PagerDuty id for it from stack {stack}: {why}; "
        "pass --schedule-id"
    )


def user_id(account: Account, ids: StackIds, slug: str, email: str) -> str:
    """The member's PagerDuty user id: the stack's `userIds` output, else the user with their
    e-mail (PagerDuty users are unique by e-mail in an account)."""
    if slug in ids.users:
        return ids.users[slug]
    found = [
        user
        for user in account.list("/users", {"query": email})
        if str(user.get("email", "")).lower() == email.lower()
    ]
    if len(found) != 1:
        raise OverrideRefused(
            f"--who {shown(slug)}: no PagerDuty user has the member's e-mail {email} (is the "
            "stack deployed? `pulumi up` creates the user)"
        )
    return str(found[0]["id"])


# --- The API --------------------------------------------------------------------------------------


def request_body(user: str, start: datetime, end: datetime, zone: str) -> dict[str, Any]:
    """The body of createScheduleOverride for one override."""
    override = {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "user": {"id": user, "type": "user_reference"},
        "time_zone": zone,
    }
    return {"overrides": [override]}


@dataclass(frozen=True)
class Created:
    """The override PagerDuty created."""

    override: LiveOverride
    lost: str = ""
    """Why the POST got no answer, when it was found in the schedule's list instead."""
    alike: tuple[str, ...] = ()
    """The ids of other overrides the list has for the same person and times (an earlier run's)."""


def create(account: Account, schedule: str, body: Mapping[str, Any]) -> Created:
    """POST the override once; the one PagerDuty created, or OverrideRefused with its reasons.

    A POST is never sent again (Account.post): when its answer is lost, the schedule's overrides
    over the override's own times say whether PagerDuty created it (`Created.lost` says why the
    answer did not come); ImportFailed, naming what to do, when it has not or that cannot be
    told."""
    path = f"/schedules/{schedule}/overrides"
    try:
        answer = account.post(path, body)
    except NoAnswer as e:
        return _found_after(account, schedule, body, e)
    if not isinstance(answer, list) or len(answer) != 1 or not isinstance(answer[0], dict):
        raise ImportFailed(f"POST {path}: the answer is not one result per override sent")
    result = answer[0]
    status = result.get("status")
    if status not in (200, 201) or not isinstance(result.get("override"), dict):
        said = "; ".join(str(e) for e in result.get("errors") or []) or f"status {status}"
        raise OverrideRefused(f"PagerDuty refused the override: {safe_text(said, 300)}")
    return Created(_live(result["override"], {}))


def _found_after(
    account: Account, schedule: str, body: Mapping[str, Any], lost: NoAnswer
) -> Created:
    """The override the lost POST asked for, if the schedule's list has it: same user, same
    start and end (as instants)."""
    sent = body["overrides"][0]
    start, end = datetime.fromisoformat(sent["start"]), datetime.fromisoformat(sent["end"])
    try:
        found = listed(account, schedule, start, end)
    except ImportFailed as e:
        raise ImportFailed(
            f"{lost}; and the schedule's overrides could not be listed to see whether PagerDuty "
            f"created it ({e}): `oncall override list` with --from {start.isoformat()} --to "
            f"{end.isoformat()} shows it before you add it again"
        ) from None
    same = [
        o for o in found if o.user_id == sent["user"]["id"] and (o.start, o.end) == (start, end)
    ]
    if not same:
        raise ImportFailed(
            f"{lost}; the schedule has no such override ({start.isoformat()} to "
            f"{end.isoformat()}), so PagerDuty did not create it: run the command again"
        )
    return Created(same[-1], lost.cause, tuple(o.id for o in same[:-1]))


def listed(
    account: Account,
    schedule: str,
    since: datetime,
    until: datetime,
    members: Mapping[str, str] | None = None,
) -> list[LiveOverride]:
    """The schedule's overrides that meet [since, until), whole, by start; `members` (user id to
    slug) names the stack's people."""
    params = {"since": since.isoformat(), "until": until.isoformat(), "overflow": "true"}
    found = account.get(f"/schedules/{schedule}/overrides", "overrides", params=params)
    if not isinstance(found, list):
        raise ImportFailed(f"GET /schedules/{schedule}/overrides: 'overrides' is not a list")
    return sorted((_live(o, members or {}) for o in found), key=lambda o: (o.start, o.id))


def delete(account: Account, schedule: str, override: str) -> int:
    """DELETE the override: 204 when it is gone, 200 when it was under way and PagerDuty cut
    it short at now."""
    return account.delete(f"/schedules/{schedule}/overrides/{override}")


def _live(raw: Mapping[str, Any], members: Mapping[str, str]) -> LiveOverride:
    user = raw.get("user") or {}
    uid = str(user.get("id", ""))
    return LiveOverride(
        id=str(raw.get("id", "")),
        start=datetime.fromisoformat(str(raw["start"])),
        end=datetime.fromisoformat(str(raw["end"])),
        user_id=uid,
        user_name=str(user.get("summary") or uid),
        who=members.get(uid),
    )


# --- On the calendar ------------------------------------------------------------------------------


def with_overrides(
    res: TeamResolution, overrides: Mapping[str, Sequence[LiveOverride]]
) -> TeamResolution:
    """`res` as PagerDuty's final schedules have it once the live overrides sit on top of each
    schedule's layers (the last one created wins where two overlap: the API's
    createScheduleOverride says so; the list is taken in its order). Escalation levels follow."""
    schedules = dict(res.schedules)
    for slug, found in overrides.items():
        if slug in schedules and found:
            old = schedules[slug]
            schedules[slug] = Resolved(
                old.schedule, old.layers, _overlaid(old.final, found, res.since, res.until)
            )
    finals = {slug: r.final for slug, r in schedules.items()}
    levels = tuple(
        tuple(rule_levels(rule, finals, res.since, res.until)) for rule in res.team.policy.rules
    )
    return TeamResolution(res.team, res.since, res.until, schedules, levels)


def _overlaid(
    final: Timeline, overrides: Sequence[LiveOverride], since: datetime, until: datetime
) -> Timeline:
    cuts = {since, until, *(s.start for s in final.shifts)}
    cuts |= {t for o in overrides for t in (o.start, o.end) if since < t < until}
    shifts: list[Shift] = []
    for start, end in pairwise(sorted(cuts)):
        on_top = [o for o in overrides if o.start <= start < o.end]
        if on_top:
            # An override is no layer: `layer` None, like a gap's.
            who: str | None = on_top[-1].label
            layer: int | None = None
        else:
            shift = final.at(start)
            who, layer = (shift.who, shift.layer) if shift else (None, None)
        if shifts and shifts[-1].who == who and shifts[-1].layer == layer:
            shifts[-1] = Shift(shifts[-1].start, end, who, layer)
        else:
            shifts.append(Shift(start, end, who, layer))
    return Timeline(tuple(shifts))
