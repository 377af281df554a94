"""The hash lock: every install (make, and so the workflows) is from *.lock files that pin every
distribution, direct or not, with its sha256; the exact pins in requirements*.txt are their
inputs, and `make lock` re-resolves them. A pin changed without `make lock` fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
# Each lock and the requirements file it is compiled from.
LOCKS = {
    "requirements.lock": "requirements.txt",
    "requirements-dev.lock": "requirements-dev.txt",
    "policy/requirements.lock": "policy/requirements.txt",
    "requirements-uv.lock": "requirements-uv.txt",
}


def direct_pins(path: Path) -> dict[str, str]:
    """The exact pins of a requirements file and the files it includes with -r."""
    pins: dict[str, str] = {}
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("-r"):
            pins.update(direct_pins(path.parent / line[2:].strip()))
            continue
        requirement = Requirement(line)
        [spec] = requirement.specifier
        assert spec.operator == "==", f"{path}: {line} is not an exact pin"
        pins[canonicalize_name(requirement.name)] = spec.version
    return pins


def locked(path: Path) -> dict[str, tuple[str, list[str]]]:
    """Each distribution of a lock file: its version and its hashes."""
    entries: dict[str, tuple[str, list[str]]] = {}
    text = path.read_text()
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        head = block.split("\n", 1)[0]
        match = re.match(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)", head)
        if match is None:
            continue
        hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", block)
        entries[canonicalize_name(match.group(1))] = (match.group(2), hashes)
    return entries


@pytest.mark.parametrize(("lock", "source"), LOCKS.items())
def test_every_direct_pin_is_locked_at_its_version(lock: str, source: str) -> None:
    entries = locked(ROOT / lock)
    for name, version in direct_pins(ROOT / source).items():
        assert name in entries, f"{lock} lacks {name}: run `make lock`"
        assert entries[name][0] == version, f"{lock} has {name} {entries[name][0]}: `make lock`"


@pytest.mark.parametrize("lock", LOCKS)
def test_every_locked_distribution_has_its_hashes(lock: str) -> None:
    entries = locked(ROOT / lock)
    assert len(entries) >= len(direct_pins(ROOT / LOCKS[lock]))
    for name, (_, hashes) in entries.items():
        assert hashes, f"{lock}: {name} has no hash"


def test_one_package_has_one_version_in_every_lock() -> None:
    versions: dict[str, set[str]] = {}
    for lock in LOCKS:
        for name, (version, _) in locked(ROOT / lock).items():
            versions.setdefault(name, set()).add(version)
    assert {name: v for name, v in versions.items() if len(v) > 1} == {}


def test_the_dev_lock_holds_the_runtime_and_the_policy_pack_lock() -> None:
    dev = locked(ROOT / "requirements-dev.lock")
    for lock in ("requirements.lock", "policy/requirements.lock"):
        assert set(locked(ROOT / lock)) <= set(dev), lock


def test_make_installs_only_from_the_locks_with_their_hashes() -> None:
    makefile = (ROOT / "Makefile").read_text().replace("\\\n", "")
    installs = [line.strip() for line in makefile.splitlines() if "$(INSTALL)" in line]
    assert sorted(installs) == sorted(
        [
            "$(INSTALL) --python $(PY) -r requirements.lock",
            "$(INSTALL) --python $(PY) -r requirements-dev.lock",
            "$(INSTALL) --python policy/venv/bin/python -r policy/requirements.lock",
        ]
    )
    [flags] = re.findall(r"^INSTALL = (.*)$", makefile, re.MULTILINE)
    assert flags.split()[:3] == ["$(UV)", "pip", "install"]
    assert "--require-hashes" in flags.split()
    assert "--only-binary=:all:" in flags.split()
    # uv itself: installed by pip, from its own lock, with the same checks.
    [bootstrap] = [line for line in makefile.splitlines() if "-r requirements-uv.lock" in line]
    assert " -m pip --python $(PY) install " in bootstrap
    assert {"--require-hashes", "--only-binary=:all:"} <= set(bootstrap.split())
    # The one install without hashes is the project itself, editable, from this folder: it may
    # download nothing (no index, no dependencies, no isolated build environment).
    own = "$(UV) pip install --quiet --python $(PY) --no-index --no-deps --no-build-isolation"
    lines = makefile.replace(own, "OWN").splitlines()
    assert any("OWN" in line and line.rstrip().endswith("-e .") for line in lines)
    assert not [line for line in lines if re.search(r"pip install\b(?!.*--require-hashes)", line)]


def test_the_lock_files_say_how_to_refresh_them() -> None:
    for lock in LOCKS:
        assert (
            (ROOT / lock)
            .read_text()
            .startswith(
                "# This file was autogenerated by uv via the following command:\n#    make lock\n"
            )
        )
