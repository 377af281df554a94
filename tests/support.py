"""The tests' assertion vocabulary: every Pulumi type and invoke token in one StrEnum, and helpers
that count what a run registered exactly, so that any missing or unexpected child fails.

Tokens are spelled out here rather than imported from the components, so a wrong token in a
component fails a test instead of agreeing with itself.
"""

from __future__ import annotations

import io
import json
import os
import random
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any

import pulumi

from oncall.offline.engine import run_program
from oncall.offline.recorded import Registration, Run
from oncall.offline.schemas import schema_dir_from_env
from tools import fuzz


class T(StrEnum):
    """Type tokens of everything the tests look for (and of what must never be registered), and
    the tokens of the lookups (invokes) the program calls."""

    # The components, and the stack reference a site stack reads its team stack through.
    TEAM_ON_CALL = "pantheon-oncall:index:TeamOnCall"
    NEWRELIC_CHANNEL = "pantheon-oncall:index:NewRelicPagerDutyChannel"
    SLACK_EXTENSION = "pantheon-oncall:index:SlackExtension"
    STACK_REFERENCE = "pulumi:pulumi:StackReference"

    # PagerDuty: people, schedules and escalation (TeamOnCall).
    USER = "pagerduty:index/user:User"
    CONTACT_METHOD = "pagerduty:index/userContactMethod:UserContactMethod"
    NOTIFICATION_RULE = "pagerduty:index/userNotificationRule:UserNotificationRule"
    HANDOFF_RULE = "pagerduty:index/userHandoffNotificationRule:UserHandoffNotificationRule"
    TEAM = "pagerduty:index/team:Team"
    MEMBERSHIP = "pagerduty:index/teamMembership:TeamMembership"
    SCHEDULE = "pagerduty:index/schedule:Schedule"
    ESCALATION_POLICY = "pagerduty:index/escalationPolicy:EscalationPolicy"

    # PagerDuty: services and where they post (NewRelicPagerDutyChannel, SlackExtension).
    SERVICE = "pagerduty:index/service:Service"
    SERVICE_INTEGRATION = "pagerduty:index/serviceIntegration:ServiceIntegration"
    SLACK_CONNECTION = "pagerduty:index/slackConnection:SlackConnection"
    # The legacy Slack V1 extension: cannot be automated any more, never used.
    EXTENSION = "pagerduty:index/extension:Extension"

    # New Relic (NewRelicPagerDutyChannel).
    ALERT_POLICY = "newrelic:index/alertPolicy:AlertPolicy"
    MONITOR = "newrelic:synthetics/monitor:Monitor"
    NRQL_CONDITION = "newrelic:index/nrqlAlertCondition:NrqlAlertCondition"
    NOTIFICATION_DESTINATION = "newrelic:index/notificationDestination:NotificationDestination"
    NOTIFICATION_CHANNEL = "newrelic:index/notificationChannel:NotificationChannel"
    WORKFLOW = "newrelic:index/workflow:Workflow"
    # Deprecated: never used.
    ALERT_CHANNEL = "newrelic:index/alertChannel:AlertChannel"
    ALERT_POLICY_CHANNEL = "newrelic:index/alertPolicyChannel:AlertPolicyChannel"
    SYNTHETICS_ALERT_CONDITION = "newrelic:synthetics/alertCondition:AlertCondition"

    # Slack (SlackExtension).
    CONVERSATION = "slack:index/conversation:Conversation"

    # Invokes (lookups).
    GET_USER = "pagerduty:index/getUser:getUser"
    GET_CONTACT_METHOD = "pagerduty:index/getUserContactMethod:getUserContactMethod"
    GET_VENDOR = "pagerduty:index/getVendor:getVendor"
    GET_ESCALATION_POLICY = "pagerduty:index/getEscalationPolicy:getEscalationPolicy"
    GET_ENTITY = "newrelic:index/getEntity:getEntity"


def run_component(
    create: Callable[[], pulumi.ComponentResource],
    outputs: Iterable[str],
    *,
    preview: bool = False,
) -> Run:
    """Run a program that creates one component and exports the named outputs of it (as stack
    outputs of the same names), under the recording mocks."""

    def program() -> None:
        component = create()
        for output in outputs:
            pulumi.export(output, getattr(component, output))

    return run_program(program, preview=preview)


def key(type_: str, name: str) -> str:
    """A resource's ``type::name``, as `Registration.key` and `Registration.parent` spell it."""
    return f"{type_}::{name}"


def children(run: Run, parent: str) -> list[Registration]:
    """The registrations whose parent is `parent` (a ``type::name`` key)."""
    return [r for r in run.resources if r.parent == parent]


def all_but(run: Run, resource: str) -> list[Registration]:
    """Every registration of the run except `resource` (a ``type::name`` key). In a component
    test that is all the component registered: its children, theirs, and anything it wrongly left
    outside itself."""
    return [r for r in run.resources if r.key != resource]


def assert_exactly(
    registrations: Iterable[Registration], expected: Iterable[tuple[str, str]]
) -> None:
    """Exactly these (type, name) registrations, counted: any missing, unexpected or repeated
    one fails."""
    got = Counter((r.type, r.name) for r in registrations)
    want = Counter((str(t), n) for t, n in expected)
    assert got == want, f"missing: {sorted(want - got)}; unexpected: {sorted(got - want)}"


def assert_children(run: Run, parent: str, expected: Iterable[tuple[str, str]]) -> None:
    """`parent` (a ``type::name`` key) has exactly these (type, name) children."""
    assert_exactly(children(run, parent), expected)


def only(run: Run, type_: str) -> Registration:
    """The one registration of `type_`; none or several fail."""
    found = run.of_type(type_)
    assert len(found) == 1, f"{len(found)} {type_} registered"
    return found[0]


def problem_lines(error: BaseException) -> list[str]:
    """A component's `InputPropertiesError` as "property path: reason" lines, one per problem."""
    assert isinstance(error, pulumi.InputPropertiesError), f"not an input error: {error!r}"
    return [f"{e['property_path']}: {e['reason']}" for e in error.errors or []]


def as_doubles(value: object) -> object:
    """`value` as gRPC delivers it to a component hosted for another language: a Struct has no
    integers, so every int is a double (bools stay bools)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, dict):
        return {key: as_doubles(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [as_doubles(item) for item in value]
    return value


PROJECT_ROOT = Path(__file__).resolve().parent.parent

TESTS = Path(__file__).resolve().parent
"""The tests' root: each area's tests are in a folder of their own; their data stay here."""

PROJECT = TESTS / "project"
"""The tests' own project folder: a Pulumi.yaml like the project's and fixture stacks in
tests/project/stacks/. The tests plan these, never the user's stacks/, so that adding, renaming or
deleting a stack there cannot fail a test (`make stacks` checks those)."""

VENDORED_SCHEMAS = TESTS / "schemas"
"""The providers' schemas committed with the tests (`make schemas` refreshes them)."""


def schema_folder() -> Path:
    """$PULUMI_SCHEMA_DIR when set (checked: it must hold the three schemas), else the vendored."""
    return schema_dir_from_env() or VENDORED_SCHEMAS


def copy_project(dest: Path, *, stacks: bool = True) -> Path:
    """`dest` made a copy of the project as `pulumi` reads it: Pulumi.yaml, __main__.py and the
    stack files (or, with `stacks=False`, an empty stacks/ for a test's own)."""
    shutil.copy(PROJECT_ROOT / "Pulumi.yaml", dest / "Pulumi.yaml")
    shutil.copy(PROJECT_ROOT / "__main__.py", dest / "__main__.py")
    if stacks:
        shutil.copytree(PROJECT / "stacks", dest / "stacks")
    else:
        (dest / "stacks").mkdir()
    return dest


def run_cli(
    *args: str,
    cwd: Path = PROJECT,
    run_from: Path = PROJECT_ROOT,
    stdin: str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 120,
    process: bool = False,
) -> subprocess.CompletedProcess[str]:
    """`oncall --project-dir cwd ARGS` as a user runs it: its exit status and output captured.

    In this process (`oncall.cli.run`, with the working folder, environment and stdin the
    process would have), which saves the interpreter start and the imports of every run; a real
    process started in `run_from` when `process` is set or the code to run is another copy's
    (`run_from` is not this project)."""
    argv = ["--project-dir", str(cwd), *args]
    if process or run_from.resolve() != PROJECT_ROOT:
        return subprocess.run(
            [sys.executable, "-m", "oncall", *argv],
            cwd=run_from,
            input=stdin,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    return _in_process(argv, run_from, stdin, env)


def _in_process(
    argv: list[str], run_from: Path, stdin: str | None, env: Mapping[str, str] | None
) -> subprocess.CompletedProcess[str]:
    from oncall import cli

    out, err = io.StringIO(), io.StringIO()
    saved_env = dict(os.environ)
    saved_cwd = Path.cwd()
    saved_streams = sys.stdin, sys.stdout, sys.stderr
    try:
        if env is not None:
            os.environ.clear()
            os.environ.update(env)
        os.chdir(run_from)
        sys.stdin = io.StringIO(stdin or "")
        sys.stdout, sys.stderr = out, err
        try:
            status = cli.run(argv)
        except SystemExit as e:  # argparse: --help (0) and bad arguments (1)
            status = e.code if isinstance(e.code, int) else 1
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    return subprocess.CompletedProcess(
        ["oncall", *argv], status, stdout=out.getvalue(), stderr=err.getvalue()
    )


def terminus_mutant(doc: Mapping[str, Any], rng: random.Random, keys: Iterable[str] = ()) -> bytes:
    """`doc` (a terminus export: rows keyed by id) with one thing broken: a value (of a row's key
    or of one of `keys`) replaced by a nasty one, a key deleted, a row replaced, the whole
    document replaced, or the text truncated."""
    copy: dict[str, Any] = json.loads(json.dumps(doc))
    rows = list(copy.values())
    kind = rng.choice(["value", "delete", "row", "top", "truncate"])
    if kind == "value":
        row = rng.choice(rows)
        row[rng.choice([*row, *keys])] = rng.choice(fuzz.NASTY_VALUES)
    elif kind == "delete":
        row = rng.choice(rows)
        del row[rng.choice(list(row))]
    elif kind == "row":
        copy[rng.choice(list(copy))] = rng.choice(fuzz.NASTY_VALUES)
    elif kind == "top":
        return json.dumps(rng.choice([rows, rows[0], fuzz.NASTY_VALUES[:8], None])).encode()
    text = json.dumps(copy).encode()
    return text[: rng.randrange(len(text))] if kind == "truncate" else text
