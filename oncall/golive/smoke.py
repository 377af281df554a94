"""`oncall smoke STACK`: page the team once after `pulumi up`, then resolve it again.

The guide ends by triggering a test incident and watching it reach the person on call and the
Slack channel. This does the same through PagerDuty's Events API v2 (the API New Relic itself
uses to page the service): a `trigger` with a dedup key of its own, then, after
`--resolve-after` seconds (or at Ctrl-C), a `resolve` for the same key.

The request bodies, the responses and the retry rules follow PagerDuty's Events API v2
reference (PagerDuty/api-schema, reference/events-v2/openapiv3.json): POST JSON to
`/v2/enqueue`; `routing_key` is the service integration's key; `payload.summary`, `.source` and
`.severity` are required on a trigger; 202 means accepted (with the `dedup_key`); 400 is an
invalid event (`message`, `errors`) and must not be retried; 429, 5xx and network errors should
be retried after some time. Sending one event that way is oncall.golive.events_api's.

The site facts (name, env, URL) come from the stack file through the same config loader as the
plan; the integration key from `pulumi stack output`, $PAGERDUTY_INTEGRATION_KEY,
`--integration-key-file` (a file or stdin: off the command line, where `ps` shows it) or
`--integration-key`. The key is never printed: every line this prints passes through
`_Output`, which replaces it with `[redacted]`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final, TextIO

from components.vocabulary import TargetType
from oncall.config import StackConfig, TeamStackConfig, Topology, parse_stack_config, stackfile
from oncall.config.errors import shown
from oncall.config.urls import url_problem
from oncall.golive.events_api import (
    EVENTS_URL,
    KEY_ENV,
    KEY_OUTPUT,
    URL_ENV,
    EventsError,
    send,
)
from oncall.golive.smoke_key import (
    SmokeError,
    checked_key,
    key_from_file,
    key_from_stack_output,
)

REDACTED: Final = "[redacted]"
EXIT_INTERRUPTED: Final = 130

Sleep = Callable[[float], None]


def run(
    args: argparse.Namespace,
    *,
    sleep: Sleep | None = None,
    new_dedup_key: Callable[[str], str] | None = None,
) -> int:
    """Run the smoke check; return the exit status. Tests inject `sleep` and the dedup key;
    otherwise each run waits for real and makes a new unique key."""
    output = _Output(sys.stdout, secret=None)
    try:
        given, option = args.integration_key, "--integration-key"
        if getattr(args, "integration_key_file", None) is not None:
            given, option = key_from_file(args.integration_key_file), "--integration-key-file"
        key = given or os.environ.get(KEY_ENV) or None
        output.secret = key
        key = checked_key(given, key, option)
        return _run(args, key, output, sleep or time.sleep, new_dedup_key or unique_dedup_key)
    except (SmokeError, EventsError) as e:
        output.error(str(e))
        return 1
    except KeyboardInterrupt:
        output.line("Interrupted before anything was sent.")
        return EXIT_INTERRUPTED


def unique_dedup_key(stack: str) -> str:
    """A dedup key no other event has: a trigger with a reused key would only update the alert
    that key already opened instead of paging anyone."""
    return f"pantheon-oncall-smoke/{stack}/{uuid.uuid4()}"


@dataclass(frozen=True)
class Target:
    """What the check pages: the site, and where the user should see the page arrive."""

    stack: str
    name: str
    env: str
    url: str
    service: str
    on_call: str
    slack: str
    events_url: str
    """The region's endpoint: the provider setting `pagerduty:serviceRegion` picks the API host
    as `api.<region>.pagerduty.com` unless it is "us" (terraform-provider-pagerduty,
    pagerdutyplugin/provider.go); the Events API follows the same pattern."""


def load_target(project_dir: Path, stack: str) -> Target:
    """The site facts of `stack`, from its stack file (ConfigError when it is wrong)."""
    stack_file = stackfile.load(project_dir, stack)
    config = parse_stack_config(stack_file.namespace("pantheon-oncall"))
    if isinstance(config, TeamStackConfig):
        raise SmokeError(
            f"{stack} is a team stack: it has no PagerDuty service to page; "
            "run the check on a site stack that uses it"
        )
    site = config.site
    return Target(
        stack=stack.rsplit("/", 1)[-1],
        name=site.name,
        env=site.env,
        url=site.url,
        service=config.pagerduty.service,
        on_call=_on_call(config),
        slack=_slack(config),
        events_url=_region_events_url(stack_file.values.get("pagerduty:serviceRegion")),
    )


def trigger_event(target: Target, key: str, dedup_key: str, severity: str, resolve: str) -> dict:
    """The Events API v2 `trigger` body."""
    return {
        "routing_key": key,
        "event_action": "trigger",
        "dedup_key": dedup_key,
        "client": "pantheon-oncall smoke",
        "payload": {
            "summary": (
                f"TEST from pantheon-oncall: go-live check of {target.name} ({target.env}), "
                f"{target.url}; nothing is wrong with the site"
            ),
            "source": target.url,
            "severity": severity,
            "component": "pantheon-oncall",
            "group": target.name,
            "class": "go-live check",
            "custom_details": {
                "stack": target.stack,
                "site": target.name,
                "env": target.env,
                "url": target.url,
                "check": "a test page sent by `oncall smoke`",
                "resolves": resolve,
            },
        },
    }


def resolve_event(key: str, dedup_key: str) -> dict:
    """The Events API v2 `resolve` body: the same key resolves the alert the trigger opened."""
    return {"routing_key": key, "event_action": "resolve", "dedup_key": dedup_key}


# --- the run --------------------------------------------------------------------------------------


def _run(
    args: argparse.Namespace,
    key: str | None,
    out: _Output,
    sleep: Sleep,
    new_dedup_key: Callable[[str], str],
) -> int:
    target = load_target(args.project_dir, args.stack)
    url = _events_url(*_url_source(args.events_url, target))
    dedup_key = new_dedup_key(target.stack)
    resolve = (
        "left open (--no-resolve)"
        if args.no_resolve
        else (f"after {_shown_seconds(args.resolve_after)} s")
    )
    if args.dry_run:
        _dry_run(target, url, dedup_key, args, resolve, out)
        return 0

    if key is None:
        key = key_from_stack_output(args.project_dir, args.stack)
        out.secret = key
    trigger = trigger_event(target, key, dedup_key, args.severity, resolve)
    try:
        accepted = send(url, trigger, sleep, out.line)
        out.line(
            f"Triggered a test incident for {target.name} ({target.env}), "
            f"severity {args.severity}: {accepted}"
        )
        out.line(f"  dedup key: {dedup_key}")
        out.line("  Look for:")
        out.line(
            f"  - PagerDuty: an incident on the service {target.service!r} paging {target.on_call}"
        )
        out.line(f"  - Slack: {target.slack}")
        if args.no_resolve:
            out.line("Left open (--no-resolve): resolve it in PagerDuty.")
            return 0
        out.line(f"Resolving in {_shown_seconds(args.resolve_after)} s (Ctrl-C resolves it now).")
        sleep(args.resolve_after)
    except KeyboardInterrupt:
        out.line("Interrupted: resolving the test incident before exiting.")
        _resolve(url, key, dedup_key, sleep, out)
        return EXIT_INTERRUPTED
    _resolve(url, key, dedup_key, sleep, out)
    return 0


def _resolve(url: str, key: str, dedup_key: str, sleep: Sleep, out: _Output) -> None:
    """Send the resolve; when it cannot be sent, say that the incident is still open."""
    still_open = f"the test incident is still open: resolve it in PagerDuty (dedup key {dedup_key})"
    try:
        send(url, resolve_event(key, dedup_key), sleep, out.line)
    except (SmokeError, EventsError) as e:
        raise SmokeError(f"{e}\n{still_open}") from None
    except KeyboardInterrupt:
        raise SmokeError(f"interrupted again: {still_open}") from None
    out.line(f"Resolved: {dedup_key}")


def _dry_run(
    target: Target,
    url: str,
    dedup_key: str,
    args: argparse.Namespace,
    resolve: str,
    out: _Output,
) -> None:
    out.line(f"Dry run: nothing is sent. The check would POST to {url}:")
    out.line(_json(trigger_event(target, REDACTED, dedup_key, args.severity, resolve)))
    if args.no_resolve:
        out.line("and leave the incident open (--no-resolve).")
        return
    out.line(f"then, {_shown_seconds(args.resolve_after)} s later (or at Ctrl-C):")
    out.line(_json(resolve_event(REDACTED, dedup_key)))
    out.line(f"routing_key: the stack output {KEY_OUTPUT} (or --integration-key, ${KEY_ENV}).")
    out.line(f"Look for: PagerDuty paging {target.on_call}; Slack: {target.slack}.")


# --- where events go ------------------------------------------------------------------------------


def _url_source(given: str | None, target: Target) -> tuple[str, str]:
    """The events URL and where it came from: --events-url, $PAGERDUTY_EVENTS_URL, the stack."""
    if given is not None:
        return given, "--events-url"
    if os.environ.get(URL_ENV):
        return os.environ[URL_ENV], f"${URL_ENV}"
    return target.events_url, "the stack's pagerduty:serviceRegion"


def _events_url(url: str, source: str = "--events-url") -> str:
    """Only https, or http to this machine (tests): the key travels in the body. An empty value
    is refused rather than replaced by PagerDuty's own URL (an unset variable would page for
    real)."""
    problem = url_problem(url, loopback_http=True)
    if problem is not None:
        raise SmokeError(
            f"{source}: expected an https:// URL such as {EVENTS_URL} (got {shown(url, 80)}): "
            f"{problem}"
        )
    return url


def _region_events_url(region: object) -> str:
    if not isinstance(region, str) or region.lower() in ("", "us"):
        return EVENTS_URL
    if not region.isalnum():
        raise SmokeError(f"pagerduty:serviceRegion: expected us or eu (got {region!r})")
    return f"https://events.{region.lower()}.pagerduty.com/v2/enqueue"


# --- words ----------------------------------------------------------------------------------------


def _on_call(config: StackConfig) -> str:
    if config.topology is Topology.INLINE and config.team is not None:
        team = config.team
        names = []
        for target in team.escalation.rules[0].targets:
            if target.kind is TargetType.SCHEDULE:
                names.append(
                    f"whoever is on call in the schedule {team.schedules[target.slug].name!r}"
                )
            else:
                names.append(repr(team.members[target.slug].name))
        return f"{' and '.join(names)} (first rule of {team.escalation.name!r})"
    if config.topology is Topology.TEAM_STACK:
        return f"the first on call in the escalation policy of the team stack {config.team_stack}"
    policy = config.escalation_policy
    which = f"{policy.name!r}" if policy and policy.name else f"id {policy.id if policy else '?'}"
    return f"the first on call in the escalation policy {which}"


def _slack(config: StackConfig) -> str:
    slack = config.slack
    if slack is None:
        return "nothing (no pantheon-oncall:slack in this stack)"
    channel = slack.channel_id or f"#{slack.channel}"
    return f"a message in the channel {channel} (workspace {slack.workspace_id})"


def _shown_seconds(value: float) -> str:
    return f"{value:g}"


def _json(event: dict) -> str:
    return json.dumps(event, indent=2)


class _Output:
    """Prints lines with the integration key replaced by [redacted], wherever it appears."""

    def __init__(self, stream: TextIO, secret: str | None) -> None:
        self.stream = stream
        self.secret = secret

    def _clean(self, text: str) -> str:
        return text.replace(self.secret, REDACTED) if self.secret else text

    def line(self, text: str) -> None:
        print(self._clean(text), file=self.stream, flush=True)

    def error(self, text: str) -> None:
        print(f"error: {self._clean(text)}", file=sys.stderr, flush=True)
