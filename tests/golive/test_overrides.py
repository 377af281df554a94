"""`oncall override` and `check/calendar --live` against the local HTTPS PagerDuty double.

The double (e2e/doubles/pagerduty.py) answers POST/GET/DELETE /schedules/{id}/overrides in the
API reference's shapes; the stack is the fixture team stack (tests/project, team-agency); the
deployed stack's outputs come from a stand-in for `pulumi stack output --json`; the clock is
injected.
"""

from __future__ import annotations

import json
import ssl
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import trustme

from e2e.doubles.pagerduty import PagerDutyDouble, guide_account
from oncall import cli
from oncall.cli import override
from tests.support import PROJECT

TOKEN = "u+fAkEtOkEn-not-REAL-5678"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def pd(ca: trustme.CA) -> Iterator[tuple[PagerDutyDouble, dict[str, str]]]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    with PagerDutyDouble(ssl_context=context, clock="2026-12-01T12:00:00Z") as double:
        yield double, double.seed(guide_account())


class Pulumi:
    """Stands in for the pulumi CLI: `stack output --json` prints `outputs`; records calls."""

    def __init__(self, outputs: dict[str, Any] | None) -> None:
        self.outputs = outputs
        self.calls: list[list[str]] = []

    def __call__(self, command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        self.calls.append(command)
        if command[1:3] == ["config", "get"]:
            return subprocess.CompletedProcess(command, 255, "", "error: no stack selected\n")
        if self.outputs is None:
            return subprocess.CompletedProcess(command, 255, "", "error: no stack named x\n")
        return subprocess.CompletedProcess(command, 0, json.dumps(self.outputs), "")


def _parser(command: str) -> Any:
    """The command line's parser with `command`'s arguments, as `oncall` builds it."""
    return cli._parser(command, cli._module(command))


def deployed(ids: dict[str, str]) -> Pulumi:
    return Pulumi(
        {
            "scheduleIds": {"primary": ids["schedule"]},
            "userIds": {
                "priya": ids["user:priya@agency.example"],
                "marco": ids["user:marco@agency.example"],
            },
            "integrationKey": "[secret]",
        }
    )


def oncall(
    capsys: pytest.CaptureFixture[str],
    pd: PagerDutyDouble,
    ca: trustme.CA,
    tmp_path: Any,
    pulumi: Pulumi,
    *argv: str,
) -> tuple[int, str, str]:
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    words = ["--project-dir", str(PROJECT), *argv]
    words += ["--api-url", pd.url, "--ca-file", str(ca_file)]
    args = _parser(argv[0]).parse_args(words)
    env = {"PAGERDUTY_TOKEN": TOKEN}
    if argv[0] == "override":
        status = override.run(args, env=env, pulumi=pulumi, now=lambda: NOW)
    else:
        saved = override.live_overrides.__defaults__
        override.live_overrides.__defaults__ = (env, pulumi)
        try:
            status = cli._module(args.command).run(args)
        finally:
            override.live_overrides.__defaults__ = saved
    out, err = capsys.readouterr()
    assert TOKEN not in out + err
    return status, out, err


ADD = ("override", "add", "team-agency", "--who", "marco")
XMAS = ("--from", "2026-12-24T09:00-06:00", "--to", "2026-12-26T09:00-06:00")


def test_add_posts_one_override_as_the_api_reference_shows_and_list_shows_it(
    pd: Any, ca: trustme.CA, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    double, ids = pd
    pulumi = deployed(ids)

    status, out, err = oncall(capsys, double, ca, tmp_path, pulumi, *ADD, *XMAS)

    assert status == 0, err
    [stored] = double.state()["overrides"][ids["schedule"]]
    assert stored["user"]["id"] == ids["user:marco@agency.example"]
    assert stored["start"] == "2026-12-24T09:00:00-06:00"
    assert stored["end"] == "2026-12-26T09:00:00-06:00"
    assert f"created override {stored['id']} on schedule primary ({ids['schedule']})" in out
    assert "Marco Bianchi on call Thu 2026-12-24 09:00 CST → Sat 2026-12-26 09:00 CST" in out
    assert ["pulumi", "stack", "output", "--json", "--stack", "team-agency"] in pulumi.calls
    assert all(r["authorized"] for r in double.requests)

    status, out, err = oncall(
        capsys, double, ca, tmp_path, pulumi, "override", "list", "team-agency",
        "--from", "2026-12-20T00:00Z", "--to", "2027-01-01T00:00Z",
    )  # fmt: skip

    assert status == 0, err
    assert f"  {stored['id']}  Marco Bianchi" in out
    listing = [r for r in double.requests if r["method"] == "GET" and "overrides" in r["path"]]
    assert listing[-1]["query"]["overflow"] == ["true"]


def test_dry_run_sends_nothing(
    pd: Any, ca: trustme.CA, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    double, ids = pd

    status, out, _ = oncall(capsys, double, ca, tmp_path, deployed(ids), *ADD, *XMAS, "--dry-run")

    assert status == 0
    assert f"would POST /schedules/{ids['schedule']}/overrides (dry run: nothing sent)" in out
    assert json.loads(out.split(":\n", 1)[1])["overrides"][0]["user"]["type"] == "user_reference"
    assert double.requests == []


def test_delete_removes_a_future_override_and_truncates_one_under_way(
    pd: Any, ca: trustme.CA, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    double, ids = pd
    pulumi = deployed(ids)
    oncall(capsys, double, ca, tmp_path, pulumi, *ADD, *XMAS)
    [future] = double.state()["overrides"][ids["schedule"]]
    delete = ("override", "delete", "team-agency")

    status, out, err = oncall(capsys, double, ca, tmp_path, pulumi, *delete, future["id"])

    assert status == 0, err
    assert f"deleted override {future['id']} from schedule primary" in out
    assert double.state()["overrides"][ids["schedule"]] == []

    status, _, err = oncall(capsys, double, ca, tmp_path, pulumi, *delete, future["id"])

    assert status == 1
    assert "PagerDuty answered HTTP 404" in err


def test_with_schedule_id_the_member_is_found_by_e_mail(
    pd: Any, ca: trustme.CA, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    double, ids = pd
    pulumi = Pulumi(None)  # no deployed outputs at all

    status, _, err = oncall(
        capsys, double, ca, tmp_path, pulumi, *ADD, *XMAS, "--schedule-id", ids["schedule"]
    )

    assert status == 0, err
    [stored] = double.state()["overrides"][ids["schedule"]]
    assert stored["user"]["id"] == ids["user:marco@agency.example"]
    assert not any(call[:3] == ["pulumi", "stack", "output"] for call in pulumi.calls)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ("override", "add", "team-agency", "--who", "joey", *XMAS),
            "error: --who 'joey': not a member of stack team-agency; expected one of priya, "
            "marco, lee",
        ),
        (
            (*ADD, "--from", "2026-11-30T09:00-06:00", "--to", "2026-12-02T09:00-06:00"),
            "error: --from 2026-11-30T09:00:00-06:00: in the past (it is 2026-12-01 12:00 UTC "
            "now); an override covers time to come",
        ),
        (
            (*ADD, "--from", "2026-12-26T09:00-06:00", "--to", "2026-12-24T09:00-06:00"),
            "error: --to 2026-12-24T09:00:00-06:00: not after --from 2026-12-26T09:00:00-06:00",
        ),
        (
            (*ADD, "--from", "2026-12-24T09:00", "--to", "2026-12-26T09:00-06:00"),
            "error: --from '2026-12-24T09:00': no time zone offset",
        ),
        (
            (*ADD, *XMAS, "--schedule", "nope"),
            "error: --schedule 'nope': expected a schedule of stack team-agency, one of primary",
        ),
        (
            ("override", "list", "store-live"),
            "error: store-live: schedules live in team stack team-agency",
        ),
        (
            ("override", "delete", "team-agency", "../users"),
            "error: override id '../users': expected a PagerDuty id",
        ),
    ],
)
def test_bad_input_is_refused_in_one_line_before_anything_is_sent(
    pd: Any,
    ca: trustme.CA,
    tmp_path: Any,
    capsys: pytest.CaptureFixture[str],
    argv: tuple[str, ...],
    expected: str,
) -> None:
    double, ids = pd

    status, _, err = oncall(capsys, double, ca, tmp_path, deployed(ids), *argv)

    assert status == 1
    assert err.startswith(expected), err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    assert not [r for r in double.requests if r["method"] != "GET"]


def test_a_stack_that_was_never_deployed_needs_schedule_id(
    pd: Any, ca: trustme.CA, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    double, _ = pd

    status, _, err = oncall(capsys, double, ca, tmp_path, Pulumi(None), *ADD, *XMAS)

    assert status == 1
    assert "--schedule 'primary': no PagerDuty id for it from stack team-agency" in err
    assert err.strip().endswith("pass --schedule-id")


def test_without_a_token_nothing_is_sent_and_the_message_says_where_it_comes_from(
    pd: Any, ca: trustme.CA, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    double, ids = pd
    pulumi = deployed(ids)
    args = _parser("override").parse_args(
        ["--project-dir", str(PROJECT), *ADD, *XMAS, "--api-url", double.url]
    )

    status = override.run(args, env={}, pulumi=pulumi, now=lambda: NOW)

    _, err = capsys.readouterr()
    assert status == 1
    assert err.startswith("error: no PagerDuty token: set PAGERDUTY_TOKEN")
    assert ["pulumi", "config", "get", "pagerduty:token", "--stack", "team-agency"] in pulumi.calls
    assert double.requests == []


def test_calendar_and_check_live_show_the_override_and_put_it_on_top(
    pd: Any, ca: trustme.CA, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    double, ids = pd
    pulumi = deployed(ids)
    oncall(capsys, double, ca, tmp_path, pulumi, *ADD[:-1], "priya", *XMAS)
    horizon = ("--from", "2026-12-21", "--weeks", "1")

    status, out, err = oncall(
        capsys, double, ca, tmp_path, pulumi, "calendar", "team-agency", *horizon, "--live"
    )

    assert status == 0, err
    assert "Live overrides in PagerDuty:" in out
    assert "primary: Priya Natarajan on call Thu 2026-12-24 09:00 CST → Sat 2026-12-26 09:00" in out
    assert "Thu 12-24 09:00  Sat 12-26 09:00  Priya Natarajan  Priya Natarajan" in out

    offline = oncall(capsys, double, ca, tmp_path, pulumi, "calendar", "team-agency", *horizon)
    assert "Live overrides" not in offline[1]
    assert "Thu 12-24 09:00  Sat 12-26 09:00  Priya" not in offline[1]

    status, out, err = oncall(
        capsys, double, ca, tmp_path, pulumi, "check", "team-agency", *horizon, "--live"
    )

    assert status == 0, err
    assert "primary: Priya Natarajan on call Thu 2026-12-24 09:00 CST" in out
    # On Christmas Day (US) it is Priya, the override's person, who is flagged, not Marco.
    assert "Priya Natarajan is on call on 2026-12-25 (Christmas Day, US)" in out
    assert "Marco Bianchi is on call on 2026-12-25" not in out
    assert "Marco Bianchi is on call on 2026-12-25" in offline[1]


def test_a_post_whose_answer_is_lost_is_not_sent_again_and_the_list_shows_it_was_created(
    pd: Any, ca: trustme.CA, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    double, ids = pd
    double.hang_up["POST"] = "after"  # the double creates the override, then drops the line

    status, out, err = oncall(capsys, double, ca, tmp_path, deployed(ids), *ADD, *XMAS)

    assert status == 0, err
    [stored] = double.state()["overrides"][ids["schedule"]]  # one, not one per retry
    assert [r["method"] for r in double.requests if "overrides" in r["path"]] == ["POST", "GET"]
    listing = double.requests[-1]["query"]
    assert (listing["since"], listing["until"]) == (
        ["2026-12-24T09:00:00-06:00"],
        ["2026-12-26T09:00:00-06:00"],
    )
    assert f"POST /schedules/{ids['schedule']}/overrides got no answer (" in out
    assert "so it was not sent again; the schedule's overrides show PagerDuty created it" in out
    assert f"created override {stored['id']} on schedule primary" in out


def test_a_post_lost_before_pagerduty_created_it_says_so_and_creates_nothing(
    pd: Any, ca: trustme.CA, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    double, ids = pd
    double.hang_up["POST"] = "before"

    status, out, err = oncall(capsys, double, ca, tmp_path, deployed(ids), *ADD, *XMAS)

    assert status == 1
    assert double.state()["overrides"].get(ids["schedule"], []) == []
    assert [r["method"] for r in double.requests if "overrides" in r["path"]] == ["POST", "GET"]
    assert err.startswith(f"error: POST /schedules/{ids['schedule']}/overrides: no answer from ")
    assert err.strip().endswith("so PagerDuty did not create it: run the command again")
    assert len(err.strip().splitlines()) == 1
    assert "created override" not in out


def test_a_lost_answer_names_an_earlier_override_like_it_too(
    pd: Any, ca: trustme.CA, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    double, ids = pd
    for hang_up in ("", "after"):  # the first sent as usual; the second's answer is lost
        if hang_up:
            double.hang_up["POST"] = hang_up
        status, out, err = oncall(capsys, double, ca, tmp_path, deployed(ids), *ADD, *XMAS)

    assert status == 0, err
    first, second = double.state()["overrides"][ids["schedule"]]
    assert f"created override {second['id']} on schedule primary" in out
    assert f"(the schedule has 1 more like it, from an earlier run: {first['id']};" in out
