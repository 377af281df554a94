"""`python -m oncall import` against a hostile or broken API: whatever text PagerDuty answers
reaches the stack file only as YAML data or inside one comment line; an index that never ends, a
JSON answer nested 100,000 deep and control characters each end in one message (or a clean file),
never a traceback or a request loop."""

from __future__ import annotations

import dataclasses
import re
import ssl
from pathlib import Path
from typing import Any

import pytest
import trustme
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from e2e.doubles.pagerduty import PagerDutyDouble
from oncall.onboarding.account import MAX_REPEATS, ImportFailed
from oncall.onboarding.importer import import_stack
from tests.onboarding import test_importer
from tests.onboarding.test_importer import (
    GUIDE_IMPORT,
    JSON,
    connect,
    double,
    guide_account,
    import_in_process,
    serve,
    service_then,
)

# The importer tests' fixtures: the double's HTTPS, its certificate authority, a double, a
# project.
server_context = test_importer.server_context
test_ca = test_importer.test_ca
pd = test_importer.pd
project = test_importer.project
ca_file = test_importer.ca_file

HOSTILE_PIECES = [
    "\n",
    "\r",
    "\r\n",
    "\x85",
    "\u2028",
    "\u2029",
    "\x00",
    "\x07",
    "\x1b[31m",
    "\t",
    "#",
    ": ",
    "- ",
    "secretsprovider: awskms://alias/x",
    "config:",
    "'",
    '"',
    "{",
    "&a *a",
    "!!python/object:os.system",
    "---",
    "...",
]
hostile_text = st.lists(
    st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(min_size=1, max_size=8)),
    min_size=1,
    max_size=6,
).map("".join)


def team_summaries(pd: PagerDutyDouble, summary: str) -> None:
    """Every team reference of the guide's schedule and policy summarised as `summary`."""
    for obj in (pd.account.schedules["PSCHED1"], pd.account.policies["PPOLICY"]):
        for team in obj["teams"]:
            team["summary"] = summary


def hostile_account(pd: PagerDutyDouble, text: str) -> str:
    """The guide's account with `text` in every name, summary and label the import reads; the
    URL to read it at. Text the API's own checks would refuse (blank, say) is written into the
    double's objects as they are stored, after seeding."""
    url = serve(pd, guide_account(), page_size=1)
    a = pd.account
    a.teams["PTEAM01"]["name"] = text
    team_summaries(pd, text)
    schedule = a.schedules["PSCHED1"]
    schedule["name"] = schedule["summary"] = text
    schedule["description"] = text
    for layer in schedule["_layers"]:
        layer["name"] = text
    a.policies["PPOLICY"]["name"] = text
    a.services["PSERV01"]["description"] = text
    a.integrations["PINTEG1"]["summary"] = text
    for rule in a.orchestrations["PSERV01"]["sets"][0]["rules"]:
        rule["label"] = text
    for user in a.users.values():
        user["name"] = user["summary"] = f"{user['name']} {text}"
    return url


BENIGN_KEYS = ["config"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=hostile_text)
def test_hostile_api_text_is_data_or_one_comment_line_never_a_key(
    server_context: ssl.SSLContext, test_ca: trustme.CA, text: str
) -> None:
    with double(server_context) as pd:
        url = hostile_account(pd, text)
        try:
            imported = import_stack(connect(url, test_ca), GUIDE_IMPORT)
        except ImportFailed:  # a name the contract refuses: one message, nothing written
            return

    lines = imported.text.split("\n")
    header = lines[: next(i for i, line in enumerate(lines) if not line.startswith("#"))]
    assert all(line.startswith("#") for line in header)
    doc = yaml.safe_load(imported.text)
    assert list(doc) == BENIGN_KEYS
    assert set(doc["config"]) == {
        "pantheon-oncall:site",
        "pantheon-oncall:team",
        "pantheon-oncall:pagerduty",
    } | (set(doc["config"]) & {"pantheon-oncall:newrelic", "pantheon-oncall:slack"})
    # The text itself survives as data where a name is data: the members' names.
    members = doc["config"]["pantheon-oncall:team"]["members"].values()
    names = {m.get("name", "") for m in members}
    assert any(name.endswith(text) for name in names)


def test_the_reported_injection_stays_in_its_comment(
    pd: PagerDutyDouble, test_ca: trustme.CA
) -> None:
    url = serve(pd, guide_account(), page_size=1)
    team_summaries(pd, "Web Team\nsecretsprovider: awskms://alias/x\n#")

    options = dataclasses.replace(GUIDE_IMPORT, team_name="Web Team")
    text = import_stack(connect(url, test_ca), options).text

    assert "secretsprovider" not in yaml.safe_load(text)
    assert not re.search(r"^secretsprovider", text, re.MULTILINE)
    # The team is adopted by id now (`teams: [P…]`), so its summary need not appear at all; where
    # it does, it is escaped onto one line.
    assert all(
        "Web Team\\nsecretsprovider" in line
        for line in text.splitlines()
        if "secretsprovider" in line
    )


def test_a_control_character_in_an_integration_summary_is_escaped_not_a_reader_error(
    pd: PagerDutyDouble, test_ca: trustme.CA
) -> None:
    url = serve(pd, guide_account(), page_size=1)
    pd.account.integrations["PINTEG1"]["summary"] = "New\x07Relic\x00"

    text = import_stack(connect(url, test_ca), GUIDE_IMPORT).text

    assert "(New\\x07Relic\\x00)" in text
    assert yaml.safe_load(text)["config"]


EMPTY_FOREVER = ('{"services": [], "more": true, "limit": 100, "offset": 0}', 200, JSON)
DEEP = ('{"services": ' + "[" * 100_000 + "]" * 100_000 + "}", 200, JSON)
DEEP_OBJECT = ('{"escalation_policy": ' + "[" * 100_000 + "]" * 100_000 + "}", 200, JSON)


@pytest.mark.parametrize(
    ("service", "handler", "message"),
    [
        (
            "x",
            service_then(answers={"/services": EMPTY_FOREVER}),
            f"error: GET /services: PagerDuty answered the same page {MAX_REPEATS} times with "
            "`more: true` and nothing new on it; the list would never end",
        ),
        (
            "x",
            service_then(answers={"/services": DEEP}),
            "error: GET /services: the answer is not PagerDuty's REST API v2 JSON (JSON nested "
            "too deeply to read)",
        ),
        (
            "PS00001",
            service_then(answers={"/escalation_policies/PEP0001": DEEP_OBJECT}),
            "error: GET /escalation_policies/PEP0001: the answer is not PagerDuty's REST API v2 "
            "JSON (JSON nested too deeply to read)",
        ),
    ],
)
def test_a_broken_api_answer_is_one_message_and_a_bounded_number_of_requests(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    pd: PagerDutyDouble,
    project: Path,
    ca_file: Path,
    service: str,
    handler: Any,
    message: str,
) -> None:
    handler(pd)
    out = project / "stacks" / "Pulumi.shop-live.yaml"

    status, err = import_in_process(
        monkeypatch, capsys, "--service", service, "--site", "shop", "--env", "live",
        "--out", str(out), "--api-url", pd.url,
        "--ca-file", str(ca_file),
    )  # fmt: skip

    assert status == 1
    assert err.count("\n") == 1
    assert err.startswith(message)
    assert not out.exists()
    assert len(pd.requests) <= MAX_REPEATS + 2
