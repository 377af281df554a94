"""`oncall quicksilver`: the generated PHP script, run with php-cli against loopback doubles.

The script runs as Quicksilver would run it: a prepended file fills $_POST with the variables
Pantheon passes, fixes $_SERVER['REQUEST_TIME'], and defines pantheon_get_secret(). The doubles are
the NerdGraph double (entity search, the deploy-marker mutation) and an Events API double.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

from e2e.doubles._double import LocalDouble, Reply, Request, read_json
from e2e.doubles.nerdgraph import NerdGraphDouble
from oncall.cli import run as main
from oncall.golive import quicksilver
from tests.support import TESTS

FIXTURE = TESTS / "project"
NR_KEY = "NRAK-TESTKEY0123456789ABCDEFGHIJ"
PD_KEY = "0123456789abcdef0123456789abcdef"
SITE_ID = "11111111-2222-4333-8444-555555555555"
STARTED = 1_764_676_800  # 2025-12-02T12:00:00Z
POST = {
    "wf_type": "deploy",
    "environment": "live",
    "trace_id": "5a5b5c5d-0000-4000-8000-000000000001",
    "site_id": SITE_ID,
    "user_email": "jane@example.com",
    "user_fullname": "Jane Doe",
    "qs_description": "Mark the change in New Relic and PagerDuty (pantheon-oncall)",
    "deploy_message": "Fix the cart",
}
FAST = quicksilver.Limits(connect_seconds=1.0, total_seconds=1.0, retry_wait_seconds=0.05, tries=2)


def _php() -> str:
    php = shutil.which("php")
    assert php is not None, (
        "php is missing: install Debian's php-cli and php-curl (apt-get install php-cli php-curl)"
    )
    probe = subprocess.run(
        [php, "-r", "echo function_exists('curl_init') ? 1 : 0;"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert probe.stdout == "1", (
        "php has no curl extension: install Debian's php-curl (apt-get install -y php-curl)"
    )
    return php


class EventsDouble(LocalDouble):
    """PagerDuty's Events API v2 change events (POST /v2/change/enqueue, 202) with planned
    failures: a status, or "hang" (no answer until the test ends)."""

    def __init__(self, faults: list[int | str] | None = None) -> None:
        super().__init__()
        self.faults = list(faults or [])
        self.events: list[dict[str, Any]] = []
        self.release = threading.Event()

    def handle(self, request: Request) -> Reply:
        if self.faults:
            fault = self.faults.pop(0)
            if fault == "hang":
                self.release.wait(5)
                return Reply(503, {"status": "hung"})
            return Reply(int(fault), {"status": "error", "message": "planned"})
        if request.method != "POST" or request.path != "/v2/change/enqueue":
            return self.not_implemented(request, f"{request.method} {request.path}")
        event = read_json(request.body)
        self.events.append(event)
        if not isinstance(event, dict) or not event.get("payload", {}).get("summary"):
            return Reply(
                400,
                {
                    "status": "invalid event",
                    "message": "Event object is invalid",
                    "errors": ["'payload.summary' is missing"],
                },
            )
        return Reply(202, {"status": "success", "message": "Change event processed"})


@pytest.fixture(autouse=True)
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture project, its guide-* stacks with `pagerduty.changeEvents: true`."""
    global PROJECT
    PROJECT = tmp_path_factory.mktemp("project") / "p"
    shutil.copytree(FIXTURE, PROJECT)
    for stack in PROJECT.glob("stacks/Pulumi.guide-*.yaml"):
        text = stack.read_text()
        if "pantheon-oncall:pagerduty:\n" in text:
            text = text.replace(
                "pantheon-oncall:pagerduty:\n",
                "pantheon-oncall:pagerduty:\n    changeEvents: true\n",
            )
        else:
            text = text.replace(
                "config:\n", "config:\n  pantheon-oncall:pagerduty: {changeEvents: true}\n", 1
            )
        stack.write_text(text)
    return PROJECT


PROJECT = FIXTURE


@pytest.fixture
def doubles():
    nerdgraph = NerdGraphDouble().start()
    events = EventsDouble().start()
    yield nerdgraph, events
    events.release.set()
    nerdgraph.stop()
    events.stop()


def _run(
    tmp_path: Path, script: str, post: dict[str, Any], secrets: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    (tmp_path / "deploy.php").write_text(script)
    prepend = tmp_path / "prepend.php"
    prepend.write_text(
        "<?php\n"
        f"$_POST = json_decode({json.dumps(json.dumps(post))}, true);\n"
        f"$_SERVER['REQUEST_TIME'] = {STARTED};\n"
        f"$GLOBALS['qs_secrets'] = json_decode({json.dumps(json.dumps(secrets))}, true);\n"
        "function pantheon_get_secret($name) { return $GLOBALS['qs_secrets'][$name] ?? null; }\n"
    )
    return subprocess.run(
        [_php(), "-d", f"auto_prepend_file={prepend}", str(tmp_path / "deploy.php")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _script(nerdgraph: NerdGraphDouble, events: EventsDouble) -> str:
    hook = quicksilver.load_hook(PROJECT, "guide-live")
    return quicksilver.render_script(
        hook,
        FAST,
        nerdgraph_url=f"{nerdgraph.url}/graphql",
        events_url=f"{events.url}/v2/change/enqueue",
    )


KEYS = {quicksilver.NEW_RELIC_SECRET: NR_KEY, quicksilver.PAGERDUTY_SECRET: PD_KEY}


def test_a_live_deploy_posts_the_exact_marker_and_change_event(tmp_path: Path, doubles) -> None:
    nerdgraph, events = doubles
    hook = quicksilver.load_hook(PROJECT, "guide-live")
    live = next(e for e in hook.environments if e.env == "live")
    assert live.app is not None
    guid = nerdgraph.seed_apm_application(live.app)
    result = _run(tmp_path, _script(nerdgraph, events), POST, KEYS)
    assert result.returncode == 0, result.stderr
    summary = f"Deploy to live of {hook.site} by jane@example.com: Fix the cart"
    dashboard = f"https://dashboard.pantheon.io/sites/{SITE_ID}#live/deploys"
    marker = {k: v for k, v in nerdgraph.deployments[0].items() if k != "deploymentId"}
    assert marker == {
        "entityGuid": guid,
        "version": POST["trace_id"],
        "user": "jane@example.com",
        "description": summary,
        "groupId": POST["trace_id"],
        "deploymentType": "BASIC",
        "timestamp": STARTED * 1000,
        "deepLink": dashboard,
        "changelog": "Fix the cart",
    }
    assert events.events == [
        {
            "routing_key": PD_KEY,
            "payload": {
                "summary": summary,
                "source": live.host,
                "timestamp": "2025-12-02T12:00:00Z",
                "custom_details": {
                    "site": hook.site,
                    "environment": "live",
                    "workflow": "deploy",
                    "trace_id": POST["trace_id"],
                    "user": "jane@example.com",
                    "stack": "guide-live",
                    "quicksilver": POST["qs_description"],
                    "deploy_message": "Fix the cart",
                },
            },
            "links": [
                {"href": dashboard, "text": f"Pantheon dashboard: {hook.site} live"},
                {"href": live.url, "text": "The site"},
            ],
        }
    ]
    assert "deploy marker deployment-" in result.stdout
    assert "change event accepted" in result.stdout
    assert NR_KEY not in result.stdout + result.stderr
    assert PD_KEY not in result.stdout + result.stderr


@pytest.mark.parametrize("faults", [[503, 503], ["hang", "hang"], [500]])
def test_a_5xx_or_a_timeout_never_fails_the_deploy(tmp_path: Path, doubles, faults) -> None:
    nerdgraph, _ = doubles
    events = EventsDouble(faults).start()
    try:
        nerdgraph.seed_apm_application(
            quicksilver.load_hook(PROJECT, "guide-live").environments[-1].app or ""
        )
        result = _run(tmp_path, _script(nerdgraph, events), POST, KEYS)
    finally:
        events.release.set()
        events.stop()
    assert result.returncode == 0
    output = result.stdout + result.stderr
    assert NR_KEY not in output
    assert PD_KEY not in output
    if len(faults) == 2:
        assert "PagerDuty change event: not sent after 2 tries" in result.stdout
        assert events.events == []
    else:  # one failure, then the retry is accepted
        assert "trying again" in result.stdout
        assert "change event accepted" in result.stdout
        assert len(events.events) == 1


def test_an_environment_without_a_stack_or_without_keys_sends_nothing(
    tmp_path: Path, doubles
) -> None:
    nerdgraph, events = doubles
    script = _script(nerdgraph, events)
    multidev = _run(
        tmp_path, script, {**POST, "wf_type": "sync_code", "environment": "feature-x"}, KEYS
    )
    assert multidev.returncode == 0
    assert "has no on-call stack" in multidev.stdout
    placeholders = {name: quicksilver.PLACEHOLDER for name in KEYS}
    unset = _run(tmp_path, script, POST, placeholders)
    assert unset.returncode == 0
    assert unset.stdout.count("has no value for this environment") == 2
    assert nerdgraph.requests == []
    assert events.requests == []


def test_an_environment_without_apm_marks_no_deployment_but_still_sends_the_change_event(
    tmp_path: Path, doubles
) -> None:
    nerdgraph, events = doubles
    stack = PROJECT / "stacks" / "Pulumi.guide-test.yaml"
    stack.write_text(
        stack.read_text().replace(
            "config:\n", "config:\n  pantheon-oncall:newrelic: {apm: false}\n", 1
        )
    )
    hook = quicksilver.load_hook(PROJECT, "guide-live")
    apps = {env.env: env.app for env in hook.environments}
    assert apps["test"] is None
    assert apps["live"] == "example (live)"
    result = _run(tmp_path, _script(nerdgraph, events), {**POST, "environment": "test"}, KEYS)
    assert result.returncode == 0
    assert nerdgraph.requests == []
    assert len(events.events) == 1


def test_the_cli_writes_the_files_and_prints_commands_that_read_the_keys_at_run_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert (
        main(["--project-dir", str(PROJECT), "quicksilver", "guide-live", "--out", str(out)]) == 0
    )
    printed = capsys.readouterr().out
    assert (out / quicksilver.SCRIPT_PATH).is_file()
    assert not (out / "pantheon.yml").exists()
    assert "workflows:\n  deploy:\n    after:\n      - type: webphp" in printed
    assert f"script: {quicksilver.SCRIPT_PATH}" in printed
    assert (
        "key=$(pulumi stack output changeEventsRoutingKey --show-secrets --stack guide-live)"
        in printed
    )
    assert 'terminus secret:site:set example.live pantheon_oncall_pagerduty_key "$key"' in printed
    php = subprocess.run(
        [_php(), "-l", str(out / quicksilver.SCRIPT_PATH)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert php.returncode == 0, php.stdout
    # The production script keeps the regions' https endpoints.
    assert (
        "https://events.pagerduty.com/v2/change/enqueue"
        in (out / quicksilver.SCRIPT_PATH).read_text()
    )


def test_a_team_stack_is_refused_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert (
        main(["--project-dir", str(PROJECT), "quicksilver", "team-agency", "--out", str(tmp_path)])
        == 1
    )
    assert "team stack" in capsys.readouterr().err


def test_the_switch_adds_an_events_api_v2_integration_whose_key_is_a_secret_output() -> None:
    from oncall.offline import plan as planning
    from oncall.offline.schemas import SchemaSet

    plan = planning.plan_stack(PROJECT, "guide-live", schemas=SchemaSet.load(SCHEMAS))
    data = json.loads(planning.to_json(plan))
    text = json.dumps(data)
    assert '"events_api_v2_inbound_integration"' in text
    assert "alerts-change-events" in text
    assert data["outputs"]["changeEventsRoutingKey"] == {"secret": True}
    assert not plan.violations
    without = json.loads(planning.to_json(planning.plan_stack(FIXTURE, "guide-live")))
    assert "events_api_v2_inbound_integration" not in json.dumps(without)


SCHEMAS = TESTS / "schemas"
