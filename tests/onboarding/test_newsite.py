"""`oncall new-site`: one stack file per site and environment, paging a team stack.

Three sites by three environments from a `terminus site:list --format=json` file: the files, their
`teamStack`, the preset they follow, existing files skipped unless --force, and every file
written plans offline.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from oncall.offline import plan as planning
from oncall.onboarding.newsite import NewSiteOptions, new_site, stack_text
from tests import support

ROOT = Path(__file__).resolve().parents[2]
TEAM_STACK = "acme/pantheon-oncall/team-acme"
SITES = ("blog", "intranet", "shop")
ENVS = ("live", "test", "dev")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with Pulumi.yaml and __main__.py and no stack files yet."""
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    shutil.copy(ROOT / "__main__.py", tmp_path / "__main__.py")
    return tmp_path


def terminus_json(tmp_path: Path) -> Path:
    """What `terminus site:list --format=json` prints: rows keyed by site id."""
    rows = {
        f"0000000{index}-site": {
            "name": name,
            "id": f"0000000{index}-site",
            "framework": "drupal10",
            "frozen": False,
        }
        for index, name in enumerate(SITES)
    }
    rows["99999999-site"] = {"name": "old-campaign", "id": "99999999-site", "frozen": True}
    path = tmp_path / "sites.json"
    path.write_text(json.dumps(rows))
    return path


def run_cli(
    project: Path, *args: str, stdin: str | None = None, process: bool = False
) -> subprocess.CompletedProcess[str]:
    return support.run_cli("new-site", *args, cwd=project, stdin=stdin, process=process)


def test_three_sites_times_three_envs_from_terminus_json(project: Path) -> None:
    result = run_cli(
        project, "--sites-json", str(terminus_json(project)), "--env", "live,test,dev",
        "--team-stack", TEAM_STACK,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    files = sorted(p.name for p in (project / "stacks").iterdir())
    assert files == sorted(f"Pulumi.{s}-{e}.yaml" for s in SITES for e in ENVS)
    for site in SITES:
        for env in ENVS:
            config = yaml.safe_load((project / "stacks" / f"Pulumi.{site}-{env}.yaml").read_text())
            assert config == {
                "config": {
                    "pantheon-oncall:site": {"name": site, "env": env},
                    "pantheon-oncall:teamStack": TEAM_STACK,
                }
            }
    assert "skipped old-campaign: the site is frozen" in result.stdout
    assert result.stdout.count("wrote ") == 9


def test_existing_files_are_skipped_unless_force(project: Path) -> None:
    (project / "stacks").mkdir()
    mine = project / "stacks" / "Pulumi.shop-live.yaml"
    mine.write_text("# edited by hand\nconfig: {}\n")

    first = run_cli(project, *SITES, "--team-stack", TEAM_STACK)

    assert first.returncode == 0, first.stderr
    assert mine.read_text() == "# edited by hand\nconfig: {}\n"
    assert f"skipped {mine}: it exists (--force overwrites it)" in first.stdout
    assert first.stdout.count("wrote ") == 8

    forced = run_cli(project, "shop", "--env", "live", "--team-stack", TEAM_STACK, "--force")

    assert forced.returncode == 0, forced.stderr
    assert yaml.safe_load(mine.read_text())["config"]["pantheon-oncall:teamStack"] == TEAM_STACK


def test_each_file_names_its_preset_and_the_live_domain_hint() -> None:
    options = NewSiteOptions(sites=("shop",), envs=ENVS, team_stack=TEAM_STACK)

    live, test, dev = (stack_text("shop", env, options) for env in ENVS)

    assert "# Preset live: high urgency, a ping every 5 minutes from 3 location(s);" in live
    assert "# domain: www.shop.com" in live
    assert (
        "# Preset test: high urgency Mon-Fri 09:00-17:00 (the team's time zone), else low, a ping "
        "every 15 minutes from 1 location(s);"
    ) in test
    assert "# Preset dev: low urgency, no ping monitor;" in dev
    assert "domain" not in dev


def test_written_files_plan_offline_with_esc_credentials_and_slack(
    project: Path, schemas: object
) -> None:
    options = NewSiteOptions(
        sites=("shop",),
        envs=("live",),
        team_stack=TEAM_STACK,
        environments=("acme/pagerduty-credentials",),
        newrelic_account_id="1234567",
        slack_workspace="T0123ABCD",
    )

    result = new_site(project, options)
    plan = planning.plan_stack(project, "shop-live", schemas=schemas)

    assert [p.name for p in result.written] == ["Pulumi.shop-live.yaml"]
    assert plan.violations == ()
    assert plan.environments == ("acme/pagerduty-credentials",)
    slack = yaml.safe_load(result.written[0].read_text())["config"]["pantheon-oncall:slack"]
    assert slack == {"workspaceId": "T0123ABCD", "channel": "shop-alerts"}


def test_bad_names_are_refused_with_the_value_and_nothing_is_written(project: Path) -> None:
    result = run_cli(project, "Shop", "--env", "live", "--team-stack", "team-acme")

    assert result.returncode == 1
    assert "site: expected a Pantheon site machine name" in result.stderr
    assert "(got 'Shop')" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "stacks").exists()


def test_a_bad_team_stack_reference_is_refused(project: Path) -> None:
    result = run_cli(project, "shop", "--env", "live", "--team-stack", "team-acme")

    assert result.returncode == 1
    assert "pantheon-oncall:teamStack: expected a stack reference org/project/stack" in (
        result.stderr
    )
    assert not (project / "stacks" / "Pulumi.shop-live.yaml").exists()


def test_the_org_wide_one_liner_reads_terminus_json_from_stdin(project: Path) -> None:
    sites = terminus_json(project).read_text()

    result = run_cli(
        project, "--sites-json", "-", "--team-stack", TEAM_STACK, stdin=sites, process=True
    )

    assert result.returncode == 0, result.stderr
    assert len(list((project / "stacks").glob("Pulumi.*.yaml"))) == 9


def test_a_file_that_is_not_terminus_json_is_one_clear_message(project: Path) -> None:
    result = run_cli(project, "--sites-json", "-", "--team-stack", TEAM_STACK, stdin="[{}]")

    assert result.returncode == 1
    assert "expected a site with a name (terminus site:list --format=json)" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ("prod", "--env: did you mean live? as written it would be a multidev"),
        ("production", "--env: did you mean live?"),
        ("staging", "--env: did you mean test?"),
        ("stage", "--env: did you mean test?"),
        ("develop", "--env: did you mean dev?"),
        ("LIVE", "--env: did you mean live? names are lowercase (got 'LIVE')"),
        (",", "--env: name at least one environment"),
    ],
)
def test_an_env_that_most_likely_means_dev_test_or_live_is_refused_with_did_you_mean(
    project: Path, env: str, message: str
) -> None:
    result = run_cli(project, "shop", "--env", env, "--team-stack", TEAM_STACK)

    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "stacks").exists()


def test_multidev_writes_prod_as_a_multidev_and_other_names_need_no_flag(project: Path) -> None:
    forced = run_cli(project, "shop", "--env", "prod", "--multidev", "--team-stack", TEAM_STACK)
    plain = run_cli(project, "shop", "--env", "feature-1", "--team-stack", TEAM_STACK)

    assert forced.returncode == 0, forced.stderr
    assert plain.returncode == 0, plain.stderr
    files = sorted(p.name for p in (project / "stacks").iterdir())
    assert files == ["Pulumi.shop-feature-1.yaml", "Pulumi.shop-prod.yaml"]


NRAK = "NRAK-ABCDEFGHIJKLMNOPQRSTUVWXYZ1"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--slack-workspace", "T0123ABCD", "--slack-channel", "{nope}-alerts"),
            "--slack-channel: expected a channel name template using only {site} and {env} "
            "(got '{nope}-alerts')",
        ),
        (("--slack-workspace", "T0123ABCD", "--slack-channel", "{0}"), "--slack-channel: "),
        (("--slack-workspace", "T0123ABCD", "--slack-channel", "{site"), "--slack-channel: "),
        (("--newrelic-account-id", "abc"), "--newrelic-account-id: expected a New Relic account"),
        (("--newrelic-account-id", NRAK), "--newrelic-account-id: expected a New Relic account"),
        (("--environment", "acme/pager duty"), "--environment: expected a Pulumi ESC environment"),
        (("--team-stack", "acme/pantheon-oncall/\x1b[31mred"), "pantheon-oncall:teamStack: "),
    ],
)
def test_bad_options_are_one_message_naming_the_option_and_nothing_is_written(
    project: Path, args: tuple[str, ...], message: str
) -> None:
    team = () if "--team-stack" in args else ("--team-stack", TEAM_STACK)
    result = run_cli(project, "shop", "--env", "live", *team, *args)

    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert NRAK not in result.stderr
    assert "\x1b" not in result.stderr
    assert not (project / "stacks").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x85\xff", "not UTF-8 text (byte 0)"),
        (b"[" * 100_000, "not valid JSON: nested too deeply"),
        (b'{"a": ', "not valid JSON: Expecting value (line 1, column 7)"),
        (b"", "not valid JSON: Expecting value (line 1, column 1)"),
        (b"42", "no sites found; expected the output of terminus site:list"),
        (b'{"x": {"id": "x"}}', "[0]: expected a site with a name"),
        (b'[{"name": "Bad Name"}]', "site: expected a Pantheon site machine name"),
    ],
)
def test_sites_json_that_is_not_terminus_json_is_one_message_naming_the_file(
    project: Path, content: bytes, message: str
) -> None:
    sites = project / "sites.json"
    sites.write_bytes(content)

    result = run_cli(project, "--sites-json", str(sites), "--team-stack", TEAM_STACK)

    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "stacks").exists()


@pytest.mark.parametrize("where", ["folder", "missing"])
def test_a_sites_json_that_is_a_folder_or_missing_is_one_message(project: Path, where: str) -> None:
    path = project if where == "folder" else project / "nope.json"

    result = run_cli(project, "--sites-json", str(path), "--team-stack", TEAM_STACK)

    assert result.returncode == 1
    said = "cannot read it: Is a directory" if where == "folder" else "file not found"
    assert f"{path}: {said}" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_stacks_folder_that_cannot_be_made_is_one_message(project: Path) -> None:
    (project / "stacks").write_text("a file where the folder should be\n")

    result = run_cli(project, "shop", "--env", "live", "--team-stack", TEAM_STACK)

    assert result.returncode == 1
    assert "stacks: cannot write it: a file is there, not a folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_no_mutant_of_terminus_json_ends_in_a_traceback(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from oncall import cli

    doc = json.loads(terminus_json(project).read_text())
    rng = random.Random(13)
    sites = project / "mutant.json"
    outcomes = []
    for _ in range(150):
        sites.write_bytes(support.terminus_mutant(doc, rng, keys=["frozen"]))
        argv = ["--project-dir", str(project), "new-site", "--sites-json", str(sites)]
        status = cli.run([*argv, "--env", "live", "--team-stack", TEAM_STACK, "--force"])
        err = capsys.readouterr().err
        assert status in (0, 1), err
        assert (status == 1) == err.startswith("error: "), err
        assert "\x1b" not in err
        outcomes.append(status)

    assert outcomes.count(1) > 50  # the mutants do break the file
    assert outcomes.count(0) > 10  # and some stay valid (a frozen flag, an extra key)
