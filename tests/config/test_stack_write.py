"""`new-site` and `import --out` never write through a symbolic link nor outside the project:
a dangling link in stacks/ would otherwise create its target wherever it points, without --force.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from oncall.onboarding.account import Account
from tests import support

TOKEN = "u+fAkEtOkEn-not-REAL-1234"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project of its own in tmp_path/project, with an empty stacks/ (tmp_path is outside it)."""
    folder = tmp_path / "project"
    folder.mkdir()
    return support.copy_project(folder, stacks=False)


def new_site(project: Path, *args: str) -> Any:
    return support.run_cli(
        "new-site", "shop", "--env", "live", "--team-stack", "acme/pantheon-oncall/team-web",
        *args, cwd=project,
    )  # fmt: skip


@pytest.mark.parametrize("force", [False, True])
def test_new_site_refuses_a_dangling_link_in_stacks(
    tmp_path: Path, project: Path, force: bool
) -> None:
    target = tmp_path / "outside" / "planted.yaml"
    target.parent.mkdir()
    link = project / "stacks" / "Pulumi.shop-live.yaml"
    link.symlink_to(target)

    result = new_site(project, *(["--force"] if force else []))

    assert result.returncode == 1
    assert f"{link}: a symbolic link; a stack file is never written through one" in result.stderr
    assert "Traceback" not in result.stderr
    assert not target.exists()


def test_new_site_refuses_a_link_to_an_existing_file_even_with_force(
    tmp_path: Path, project: Path
) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("keep me\n")
    (project / "stacks" / "Pulumi.shop-live.yaml").symlink_to(target)

    result = new_site(project, "--force")

    assert result.returncode == 1
    assert target.read_text() == "keep me\n"


def test_new_site_refuses_a_stacks_folder_that_resolves_outside_the_project(
    tmp_path: Path, project: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / "stacks").rmdir()
    (project / "stacks").symlink_to(elsewhere)

    result = new_site(project)

    assert result.returncode == 1
    assert "outside the project folder" in result.stderr
    assert list(elsewhere.iterdir()) == []


def test_new_site_still_writes_a_plain_file(project: Path) -> None:
    result = new_site(project)

    assert result.returncode == 0, result.stderr
    assert (project / "stacks" / "Pulumi.shop-live.yaml").is_file()


def import_to(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], project: Path, out: Path
) -> tuple[int, str]:
    from oncall import cli

    def no_account(*args: Any, **kwargs: Any) -> Account:
        raise AssertionError("the account was read")

    monkeypatch.setattr(Account, "connect", no_account)
    monkeypatch.setenv("PAGERDUTY_TOKEN", TOKEN)
    status = cli.run(
        ["--project-dir", str(project), "import", "--service", "x", "--out", str(out), "--force"]
    )
    return status, capsys.readouterr().err


def test_import_refuses_an_out_that_is_a_link_before_reading_the_account(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    project: Path,
) -> None:
    target = tmp_path / "planted.yaml"
    out = project / "stacks" / "Pulumi.shop-live.yaml"
    out.symlink_to(target)

    status, err = import_to(monkeypatch, capsys, project, out)

    assert status == 1
    assert ": a symbolic link; a stack file is never written through one" in err
    assert not target.exists()


def test_import_refuses_an_out_in_stacks_that_resolves_outside_the_project(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    project: Path,
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / "stacks").rmdir()
    (project / "stacks").symlink_to(elsewhere)
    out = project / "stacks" / "Pulumi.shop-live.yaml"

    status, err = import_to(monkeypatch, capsys, project, out)

    assert status == 1
    assert "resolves outside the project folder" in err
    assert list(elsewhere.iterdir()) == []
