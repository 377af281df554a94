"""No secret is ever printed: a distinctive value planted in every place a credential can sit
(right key in plain text, misspelled or mis-cased namespace, a credential key inside the
project's settings, a token-shaped value under an innocent key, an encrypted value under a
misspelled key) never appears in anything the CLI prints, for any command.

`COMMANDS` lists the commands run over every planted stack; `diff` has its own test, over a git
repository whose base commit holds the clean stacks.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml

from oncall import cli
from oncall import program as stack_program
from oncall.offline import engine
from tests.support import PROJECT, copy_project

ROOT = Path(__file__).resolve().parents[2]
GUIDE: dict[str, Any] = yaml.safe_load((PROJECT / "stacks" / "Pulumi.guide-live.yaml").read_text())[
    "config"
]

COMMANDS: list[tuple[str, ...]] = [
    ("plan",),
    ("plan", "--json"),
    ("check",),
]

# Distinctive plants; the token-shaped ones are refused for their shape wherever they sit.
PLAIN = "plantedPlainCredential"
PD_TOKEN = "y_NbAkKc66ryYTWUXYEu"
PD_USER_TOKEN = "u+PlantedUserToken0A"
PD_INTEGRATION_KEY = "0123456789abcdef0123456789abcdef"
NR_KEY = "NRAK-PLANTEDNEWRELICKEY0000000"
SLACK_TOKEN = "xoxb-1234567890-PLANTEDslacktoken"
CIPHERTEXT = "v1:plantedCiphertextAAAA"


def planted(where: str, value: Any) -> tuple[str, dict[str, Any]]:
    """The guide's config with `value` set at `where` (`ns:key.sub.sub`)."""
    config = yaml.safe_load(yaml.safe_dump(GUIDE))
    top, *rest = where.split(".")
    if not rest:
        config[top] = value
    else:
        node = config.setdefault(top, {})
        for part in rest[:-1]:
            node = node.setdefault(part, {})
        node[rest[-1]] = value
    return where, config


PLAIN_PLANTS = [
    planted("pagerduty:token", PLAIN),
    planted("pagerduty:userToken", PD_USER_TOKEN),
    planted("pagerdutyy:token", PLAIN),
    planted("PagerDuty:token", PLAIN),
    planted("PAGERDUTY:userToken", PLAIN),
    planted("newrelic:apiKey", NR_KEY),
    planted("NewRelic:apikey", PLAIN),
    planted("newrelic:adminApiKey", PLAIN),
    planted("slack:token", SLACK_TOKEN),
    planted("Slack:Token", PLAIN),
    planted("token", PLAIN),
    planted("apiKey", PLAIN),
    planted("userToken", PLAIN),
    planted("pantheon-oncall:slack.token", PLAIN),
    planted("pantheon-oncall:slack.apiKey", PLAIN),
    planted("pantheon-oncall:team.members.jane.userToken", PLAIN),
    planted("pantheon-oncall:pagerduty.description", NR_KEY),
    planted("pantheon-oncall:pagerduty.service", PD_TOKEN),
    planted("pantheon-oncall:pagerduty.vendorId", PD_INTEGRATION_KEY),
    planted("pantheon-oncall:site.name", SLACK_TOKEN),
    planted("pantheon-oncall:team.members.jane.name", PD_USER_TOKEN),
    planted("pantheon-oncall:slack.channel", f"alerts {SLACK_TOKEN}"),
]
ENCRYPTED_PLANTS = [
    planted("pantheon-oncall:slak", {"secure": CIPHERTEXT}),
    planted("pagerduty:tokne", {"secure": CIPHERTEXT}),
    planted("pantheon-oncall:slack.workspaceId", {"secure": CIPHERTEXT}),
    planted("pantheon-oncall:team.members.jane.phone", {"secure": CIPHERTEXT}),
    planted("pagerduty:token", {"secure": CIPHERTEXT}),  # valid: the plan itself
    planted("pantheon-oncall:pagerduty.description", {"secure": CIPHERTEXT}),  # valid
]
PLANTS = PLAIN_PLANTS + ENCRYPTED_PLANTS
MARKERS = (PLAIN, PD_TOKEN, PD_USER_TOKEN, PD_INTEGRATION_KEY, NR_KEY, SLACK_TOKEN, CIPHERTEXT)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("planted")
    copy_project(root, stacks=False)
    for index, (_, config) in enumerate(PLANTS):
        text = yaml.safe_dump({"config": config}, sort_keys=False)
        (root / "stacks" / f"Pulumi.planted-{index}.yaml").write_text(text)
    return root


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_no_planted_secret_appears_in_any_output(
    project: Path, command: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    found, statuses = [], set()
    for index, (where, _) in enumerate(PLANTS):
        name, *options = command
        statuses.add(cli.run(["--project-dir", str(project), name, f"planted-{index}", *options]))
        out, err = capsys.readouterr()
        found += [(where, marker) for marker in MARKERS if marker in out + err]

    assert found == []
    assert statuses == {0, 1}  # both refusals and plans were printed


def test_no_planted_secret_appears_in_the_diff(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The base commit has the guide's stack under every planted stack's name; the working tree
    # plants one secret in each. `diff` plans both sides of every stack: nothing planted shows.
    shutil.copytree(PROJECT / "stacks", tmp_path / "stacks")
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, tmp_path / name)
    guide = yaml.safe_dump({"config": GUIDE}, sort_keys=False)
    for index in range(len(PLANTS)):
        (tmp_path / "stacks" / f"Pulumi.planted-{index}.yaml").write_text(guide)
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    for index, (_, config) in enumerate(PLANTS):
        text = yaml.safe_dump({"config": config}, sort_keys=False)
        (tmp_path / "stacks" / f"Pulumi.planted-{index}.yaml").write_text(text)
    stacks = [f"planted-{index}" for index in range(len(PLANTS))]

    for options in ([], ["--json"]):
        status = cli.run(
            ["--project-dir", str(tmp_path), "diff", "--base", "HEAD", *stacks, *options]
        )
        out, err = capsys.readouterr()

        assert [marker for marker in MARKERS if marker in out + err] == []
        assert status == 1  # the refused plants are reported per stack
        assert "planted-0" in out + err


@pytest.mark.parametrize(
    ("index", "where"),
    [(index, where) for index, (where, _) in enumerate(PLAIN_PLANTS)],
    ids=[where for where, _ in PLAIN_PLANTS],
)
def test_a_plain_credential_is_refused_naming_its_key(
    project: Path, index: int, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status = cli.run(["--project-dir", str(project), "plan", f"planted-{index}"])

    err = capsys.readouterr().err
    assert status == 1
    assert "credential in plain text (not shown)" in err
    assert where.split(".")[-1] in err


def test_a_decrypted_secret_is_not_echoed_by_the_program(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Under `pulumi up` a secure value arrives decrypted; a problem in it keeps it hidden."""
    site = '{"name": "plantedDecryptedSiteName", "env": "live"}'
    config = {"pantheon-oncall:site": site, "pantheon-oncall:escalationPolicy": '{"name": "x"}'}

    with pytest.raises(pulumi.RunError, match=r"site\.name") as raised:
        engine.run_program(
            stack_program.main, config=config, secret_keys=["pantheon-oncall:site"], preview=True
        )

    assert "plantedDecryptedSiteName" not in str(raised.value)


def test_a_plain_credential_in_the_project_defaults_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(PROJECT / "stacks", tmp_path / "stacks")
    shutil.copy(ROOT / "__main__.py", tmp_path / "__main__.py")
    pulumi_yaml = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    pulumi_yaml["config"] = {"pagerduty:token": {"default": PLAIN}}
    (tmp_path / "Pulumi.yaml").write_text(yaml.safe_dump(pulumi_yaml))

    status = cli.run(["--project-dir", str(tmp_path), "plan", "guide-live"])

    err = capsys.readouterr().err
    assert status == 1
    assert "Pulumi.yaml:config.pagerduty:token: a credential in plain text (not shown)" in err
    assert PLAIN not in err
