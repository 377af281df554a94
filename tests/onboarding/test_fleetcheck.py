"""`oncall fleet-check`: the stacks of a project against a saved terminus export.

The fixture (tests/onboarding/fleet/) is a project whose stacks and a `terminus site:list` export
with `domain:list` files plant one case of each finding, next to sites and stacks that agree:

| site / stack              | planted                                                        |
| ------------------------- | -------------------------------------------------------------- |
| intranet                  | a Performance site with no stack (no-stack)                    |
| oldsite-live              | a stack of a site Pantheon no longer lists (site-gone)         |
| campaign / campaign-test  | a frozen site whose test stack still pings and pages           |
| bakery / bakery-live      | pings live-bakery.pantheonsite.io; primary is www.bakery.example |
| blog / blog-live          | Basic plan, and the live preset's APM conditions               |
| broken-live               | a stack file that does not parse (env LIVE)                    |
| store, brochure, archive  | clean: own primary domain; Basic with apm false; frozen, no stack |
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from oncall.onboarding import terminus
from tests import support

FLEET = Path(__file__).resolve().parent / "fleet"
PLANTED = {
    ("no-stack", "intranet"),
    ("site-gone", "oldsite-live"),
    ("frozen-pages", "campaign-test"),
    ("platform-ping", "bakery-live"),
    ("no-new-relic", "blog-live"),
    ("stack-unreadable", "broken-live"),
}
"""(kind, stack or site) of every planted finding."""
CLEAN_SITES = ("archive", "brochure", "store")
CLEAN_STACKS = ("brochure-live", "store-live", "team-agency")


@pytest.fixture
def fleet(tmp_path: Path) -> Path:
    """A copy of the fixture: project/ (Pulumi.yaml, stacks/) and terminus/ (sites.json,
    domains/)."""
    shutil.copytree(FLEET, tmp_path / "fleet")
    return tmp_path / "fleet"


def fleet_check(
    fleet: Path, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return support.run_cli("fleet-check", *args, cwd=fleet / "project", stdin=stdin)


def default_args(fleet: Path) -> tuple[str, ...]:
    return (
        "--sites", str(fleet / "terminus" / "sites.json"),
        "--domains", str(fleet / "terminus" / "domains"),
    )  # fmt: skip


def sites_json(fleet: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((fleet / "terminus" / "sites.json").read_text())
    return doc


def keep_only(fleet: Path, sites: tuple[str, ...], stacks: tuple[str, ...]) -> None:
    """The fixture cut down to these sites (in sites.json) and these stack files."""
    doc = {key: row for key, row in sites_json(fleet).items() if row["name"] in sites}
    (fleet / "terminus" / "sites.json").write_text(json.dumps(doc))
    for path in (fleet / "project" / "stacks").glob("Pulumi.*.yaml"):
        if path.name.removeprefix("Pulumi.").removesuffix(".yaml") not in stacks:
            path.unlink()


def finding_of(line: str) -> tuple[str, str]:
    kind, subject, _ = line.split(": ", 2)
    return kind, subject


def test_each_planted_case_is_one_line_naming_the_stack_or_site_and_its_fix(fleet: Path) -> None:
    result = fleet_check(fleet, *default_args(fleet))

    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert {finding_of(line) for line in lines} == PLANTED
    assert len(lines) == len(PLANTED)
    by_subject = {finding_of(line)[1]: line for line in lines}
    assert by_subject["intranet"].endswith(
        "fix: oncall new-site intranet --team-stack organization/pantheon-oncall/team-agency, "
        "or --ignore intranet if it needs no on-call"
    )
    assert "(plan Performance Medium) has no stack in stacks/" in by_subject["intranet"]
    assert "Pantheon site oldsite, which the site list does not have" in by_subject["oldsite-live"]
    assert by_subject["oldsite-live"].endswith(
        "fix: `pulumi destroy --stack oldsite-live`, `pulumi stack rm oldsite-live`, then delete "
        "stacks/Pulumi.oldsite-live.yaml"
    )
    assert "site campaign is frozen" in by_subject["campaign-test"]
    assert "its ping of test-campaign.pantheonsite.io fails" in by_subject["campaign-test"]
    assert "stacks/Pulumi.campaign-test.yaml" in by_subject["campaign-test"]
    assert (
        "the ping monitor checks live-bakery.pantheonsite.io, but bakery.live's primary domain "
        "is www.bakery.example"
    ) in by_subject["bakery-live"]
    assert by_subject["bakery-live"].endswith(
        "fix: set pantheon-oncall:site.domain: www.bakery.example in stacks/Pulumi.bakery-live.yaml"
    )
    assert "blog is on the Basic plan, which has no New Relic APM" in by_subject["blog-live"]
    assert by_subject["blog-live"].endswith(
        "or set pantheon-oncall:newrelic.apm: false in stacks/Pulumi.blog-live.yaml"
    )
    assert "pantheon-oncall:site.env: expected dev, test, live" in by_subject["broken-live"]
    assert "fleet-check: 7 Pantheon site(s), 6 site stack(s): 6 finding(s)" in result.stderr
    assert "Traceback" not in result.stderr


def test_json_lists_the_same_findings_and_the_environment_without_a_domains_file(
    fleet: Path,
) -> None:
    text = fleet_check(fleet, *default_args(fleet)).stdout
    result = fleet_check(fleet, *default_args(fleet), "--json")

    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert {(f["kind"], f["stack"] or f["site"]) for f in report["findings"]} == PLANTED
    assert (report["sites"], report["stacks"]) == (7, 6)
    intranet = next(f for f in report["findings"] if f["kind"] == "no-stack")
    assert intranet["site"] == "intranet"
    assert intranet["stack"] is None
    assert intranet["fix"].startswith("oncall new-site intranet --team-stack ")
    assert [f"{f['kind']}: {f['stack'] or f['site']}" for f in report["findings"]] == [
        ": ".join(finding_of(line)) for line in text.splitlines()
    ]
    assert len(report["notes"]) == 1
    assert (
        "blog.live.json: no such file; stack blog-live pings live-blog.pantheonsite.io"
        in (report["notes"][0])
    )


@pytest.mark.parametrize("as_json", [False, True])
def test_a_fleet_that_agrees_with_pantheon_exits_0_with_nothing_to_fix(
    fleet: Path, as_json: bool
) -> None:
    keep_only(fleet, CLEAN_SITES, CLEAN_STACKS)

    result = fleet_check(fleet, *default_args(fleet), *(["--json"] if as_json else []))

    assert result.returncode == 0, result.stdout + result.stderr
    if as_json:
        assert json.loads(result.stdout) == {"sites": 3, "stacks": 2, "findings": [], "notes": []}
    else:
        assert result.stdout == ""
    assert "fleet-check: 3 Pantheon site(s), 2 site stack(s): nothing to fix" in result.stderr


@pytest.mark.parametrize(
    ("kind", "subject", "sites", "stacks"),
    [
        ("no-stack", "intranet", ("intranet",), ()),
        ("site-gone", "oldsite-live", (), ("oldsite-live",)),
        ("frozen-pages", "campaign-test", ("campaign",), ("campaign-test",)),
        ("platform-ping", "bakery-live", ("bakery",), ("bakery-live",)),
        ("no-new-relic", "blog-live", ("blog",), ("blog-live",)),
        ("stack-unreadable", "broken-live", (), ("broken-live",)),
    ],
)
def test_one_planted_case_in_a_clean_fleet_is_its_one_finding(
    fleet: Path, kind: str, subject: str, sites: tuple[str, ...], stacks: tuple[str, ...]
) -> None:
    keep_only(fleet, CLEAN_SITES + sites, CLEAN_STACKS + stacks)

    result = fleet_check(fleet, *default_args(fleet))

    assert result.returncode == 1
    assert [finding_of(line) for line in result.stdout.splitlines()] == [(kind, subject)]


def test_a_custom_domain_that_is_not_primary_leaves_the_platform_ping_alone(fleet: Path) -> None:
    keep_only(fleet, (*CLEAN_SITES, "bakery"), (*CLEAN_STACKS, "bakery-live"))
    domains = fleet / "terminus" / "domains" / "bakery.live.json"
    doc = json.loads(domains.read_text())
    doc["www.bakery.example"]["primary"] = False
    domains.write_text(json.dumps(doc))

    result = fleet_check(fleet, *default_args(fleet))

    assert result.returncode == 0, result.stdout


def test_a_frozen_site_whose_stack_pages_nobody_is_no_finding(fleet: Path) -> None:
    keep_only(fleet, (*CLEAN_SITES, "campaign"), (*CLEAN_STACKS, "campaign-test"))
    stack = fleet / "project" / "stacks" / "Pulumi.campaign-test.yaml"
    stack.write_text(
        stack.read_text() + "  pantheon-oncall:newrelic:\n    apm: false\n    pingMonitor: false\n"
    )

    result = fleet_check(fleet, *default_args(fleet))

    assert result.returncode == 0, result.stdout


def test_ignore_leaves_a_site_out_and_notes_a_name_it_does_not_know(fleet: Path) -> None:
    keep_only(fleet, (*CLEAN_SITES, "intranet"), (*CLEAN_STACKS, "oldsite-live"))

    result = fleet_check(
        fleet, *default_args(fleet), "--ignore", "intranet", "--ignore", "oldsite",
        "--ignore", "nosuch",
    )  # fmt: skip

    assert result.returncode == 0, result.stdout
    assert "note: --ignore nosuch: no such Pantheon site, and no stack watches it" in (
        result.stderr
    )


def test_without_domains_the_platform_ping_is_not_checked_and_a_note_says_so(
    fleet: Path,
) -> None:
    sites = str(fleet / "terminus" / "sites.json")

    result = fleet_check(fleet, "--sites", sites)

    assert {finding_of(line) for line in result.stdout.splitlines()} == PLANTED - {
        ("platform-ping", "bakery-live")
    }
    assert "note: domains not checked: no --domains folder" in result.stderr


def test_the_site_list_can_come_from_standard_input(fleet: Path) -> None:
    keep_only(fleet, CLEAN_SITES, CLEAN_STACKS)
    text = (fleet / "terminus" / "sites.json").read_text()

    result = fleet_check(fleet, "--sites", "-", stdin=text)

    assert result.returncode == 0, result.stdout + result.stderr


def test_a_list_of_rows_and_terminus_table_words_for_flags_are_read_too(fleet: Path) -> None:
    keep_only(fleet, CLEAN_SITES, CLEAN_STACKS)
    rows = list(sites_json(fleet).values())
    for row in rows:
        row["frozen"] = "true" if row["frozen"] else "false"
    (fleet / "terminus" / "sites.json").write_text(json.dumps(rows))
    (fleet / "terminus" / "domains" / "brochure.live.json").write_text("[]")

    result = fleet_check(fleet, *default_args(fleet))

    assert result.returncode == 0, result.stdout + result.stderr


# --- Bad input: one message naming the file (and the row), exit 1, never a traceback ------------


def bad(result: subprocess.CompletedProcess[str], *said: str) -> None:
    assert result.returncode == 1
    assert result.stdout == ""
    for text in said:
        assert text in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x85\xff", "not UTF-8 text (byte 0); expected terminus site:list --format=json"),
        (b"[" * 100_000, "not valid JSON: nested too deeply"),
        (b'{"a": ', "not valid JSON: Expecting value (line 1, column 7)"),
        (b"", "not valid JSON: Expecting value (line 1, column 1)"),
        (b"1" * 5000, "not valid JSON: Exceeds the limit (4300 digits)"),
        (b"42", "expected the rows of terminus site:list --format=json (got 42)"),
        (b'["shop"]', "[0]: expected a site (a row of terminus site:list --format=json)"),
        (b'[{"plan_name": "Basic", "frozen": false}]', "[0].name: expected a site machine name"),
        (
            b'[{"name": "Shop", "plan_name": "Basic", "frozen": false}]',
            "[0].name: expected a Pantheon site machine name: lowercase letters, digits, "
            "hyphens (got 'Shop')",
        ),
        (
            b'[{"name": "shop", "frozen": false}]',
            "[0].plan_name: expected the site's plan, e.g. Basic (saved with --fields",
        ),
        (
            b'[{"name": "shop", "plan_name": "Basic"}]',
            "[0].frozen: expected true or false",
        ),
        (
            b'[{"name": "shop", "plan_name": "Basic", "frozen": "maybe"}]',
            "[0].frozen: expected true or false (got 'maybe')",
        ),
        (
            b'[{"name": "shop", "plan_name": "Ba\\u001bsic", "frozen": false}]',
            "[0].plan_name: expected the site's plan",
        ),
        (
            b'[{"name": "shop", "plan_name": "Basic", "frozen": false},'
            b' {"name": "shop", "plan_name": "Elite", "frozen": false}]',
            "[1]: a second site of this name (first at ",
        ),
    ],
)
def test_a_site_list_that_is_not_terminus_json_is_one_message_naming_the_file(
    fleet: Path, content: bytes, message: str
) -> None:
    sites = fleet / "terminus" / "sites.json"
    sites.write_bytes(content)

    result = fleet_check(fleet, "--sites", str(sites))

    bad(result, f"{sites}", message)
    assert "\x1b" not in result.stderr


@pytest.mark.parametrize("where", ["folder", "missing"])
def test_a_site_list_that_is_a_folder_or_missing_is_one_message(fleet: Path, where: str) -> None:
    path = fleet if where == "folder" else fleet / "nope.json"

    result = fleet_check(fleet, "--sites", str(path))

    bad(
        result,
        f"{path}: " + ("cannot read it: Is a directory" if where == "folder" else "file not found"),
    )


def test_a_site_list_over_the_size_limit_is_refused_unread(
    fleet: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(terminus, "MAX_BYTES", 1000)
    sites = fleet / "terminus" / "sites.json"

    result = fleet_check(fleet, "--sites", str(sites))
    piped = fleet_check(fleet, "--sites", "-", stdin=sites.read_text())

    bad(result, f"{sites}: larger than 0 MiB; expected terminus site:list --format=json")
    bad(piped, "--sites -: larger than 0 MiB")


def test_a_million_bad_rows_are_twenty_problems_and_a_count(fleet: Path) -> None:
    sites = fleet / "terminus" / "sites.json"
    sites.write_text(json.dumps([{"name": "x"}] * 1_000_000))

    result = fleet_check(fleet, "--sites", str(sites))

    bad(result, f"{sites}: and 1999980 more problem(s)")
    assert len(result.stderr.splitlines()) == terminus.MAX_PROBLEMS + 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{", "not valid JSON: Expecting property name enclosed in double quotes"),
        (b'"www.bakery.example"', "expected the rows of terminus domain:list <site>.<env>"),
        (b"[[]]", "[0]: expected a domain (a row of terminus domain:list"),
        (b'[{"type": "custom", "primary": true}]', "[0].id: expected a host name"),
        (
            b'[{"id": "https://www.bakery.example/", "type": "custom", "primary": true}]',
            "[0].id: expected a bare host name like www.example.com (no scheme, no path)",
        ),
        (
            b'[{"id": "www.bakery.example", "primary": true}]',
            "[0].type: expected the domain's type",
        ),
        (
            b'[{"id": "www.bakery.example", "type": "custom", "primary": null}]',
            "[0].primary: expected true or false (got None)",
        ),
    ],
)
def test_a_domains_file_that_is_not_terminus_json_is_one_message_naming_it(
    fleet: Path, content: bytes, message: str
) -> None:
    domains = fleet / "terminus" / "domains" / "bakery.live.json"
    domains.write_bytes(content)

    result = fleet_check(fleet, *default_args(fleet))

    bad(result, f"{domains}", message)


def test_a_domains_folder_that_is_not_one_is_one_message(fleet: Path) -> None:
    sites = str(fleet / "terminus" / "sites.json")

    missing = fleet_check(fleet, "--sites", sites, "--domains", str(fleet / "nope"))
    a_file = fleet_check(fleet, "--sites", sites, "--domains", sites)

    bad(missing, f"--domains {fleet / 'nope'}: no such folder")
    bad(a_file, f"--domains {sites}: not a folder")


def test_a_folder_without_a_project_is_one_message(fleet: Path, tmp_path: Path) -> None:
    sites = str(fleet / "terminus" / "sites.json")

    result = support.run_cli("fleet-check", "--sites", sites, cwd=tmp_path)

    bad(result, "Pulumi.yaml")


@pytest.mark.parametrize("target", ["sites.json", "domains/bakery.live.json"])
def test_no_mutant_of_a_terminus_export_ends_in_a_traceback(
    fleet: Path, target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from oncall import cli

    path = fleet / "terminus" / target
    doc = json.loads(path.read_text())
    rng = random.Random(19)
    argv = ["--project-dir", str(fleet / "project"), "fleet-check", *default_args(fleet)]
    outcomes = []
    for _ in range(120):
        path.write_bytes(support.terminus_mutant(doc, rng))
        status = cli.run(argv)
        out, err = capsys.readouterr()
        assert status == 1, out + err  # the planted findings, or the bad file
        assert "Traceback" not in err
        assert "\x1b" not in err + out
        outcomes.append(err.startswith("error: "))

    assert outcomes.count(True) > 40  # the mutants do break the file
    assert outcomes.count(False) > 10  # and some stay valid (an extra key, a nasty owner)


# --- The saved export, and the nightly run of it -------------------------------------------------


FAKE_TERMINUS = """#!/bin/sh
# terminus as the export script calls it, answering from the fixture's saved files.
case "$1" in
  site:list) cat "$FIXTURE/sites.json" ;;
  domain:list) cat "$FIXTURE/domains/$2.json" 2>/dev/null || { echo "no $2" >&2; exit 1; } ;;
  *) exit 2 ;;
esac
"""


def test_the_export_script_saves_what_fleet_check_reads(fleet: Path, tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "terminus").write_text(FAKE_TERMINUS)
    (bin_dir / "terminus").chmod(0o755)
    script = support.PROJECT_ROOT / "scripts" / "terminus-export.sh"
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "FIXTURE": str(fleet / "terminus")}

    saved = subprocess.run(
        [str(script), str(tmp_path / "pantheon")], env=env, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip

    assert saved.returncode == 0, saved.stderr
    domains = sorted(p.name for p in (tmp_path / "pantheon" / "domains").iterdir())
    assert domains == ["bakery.live.json", "brochure.live.json", "store.live.json"]
    assert "skipped blog.live: terminus domain:list failed" in saved.stderr
    assert "skipped campaign" not in saved.stderr  # frozen: not asked
    export = ("--sites", str(tmp_path / "pantheon" / "sites.json"))
    result = fleet_check(fleet, *export, "--domains", str(tmp_path / "pantheon" / "domains"))
    assert {finding_of(line) for line in result.stdout.splitlines()} == PLANTED


def test_the_nightly_job_checks_the_export_where_the_script_saves_it() -> None:
    workflow = support.PROJECT_ROOT / ".github" / "workflows" / "drift.yml"
    job = yaml.safe_load(workflow.read_text())["jobs"]["fleet-check"]
    script = (support.PROJECT_ROOT / "scripts" / "terminus-export.sh").read_text()

    assert job["permissions"] == {"contents": "read"}
    runs = [step["run"] for step in job["steps"] if "fleet-check" in step.get("run", "")]
    assert len(runs) == 1
    assert (
        "venv/bin/oncall fleet-check --sites pantheon/sites.json --domains pantheon/domains"
        in (runs[0])
    )
    assert 'exit "$status"' in runs[0]  # a finding fails the run
    assert "out=${1:-pantheon}" in script
