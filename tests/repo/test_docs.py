"""The README is the front door and docs/ the site: what they promise must stay true of the code."""

from __future__ import annotations

import re
from pathlib import Path

from oncall.config import presets

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
CONFIGURATION = (ROOT / "docs" / "configuration.md").read_text()


def test_the_presets_table_in_the_docs_is_the_one_in_the_code() -> None:
    assert presets.render_table() in CONFIGURATION


def test_the_readme_two_commands_are_make_targets() -> None:
    makefile = (ROOT / "Makefile").read_text()
    for target in ("plan", "test"):
        assert f"make {target}" in README
        assert re.search(rf"^{target}:", makefile, re.MULTILINE), target


def test_make_help_is_the_default_and_lists_every_target() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^\.DEFAULT_GOAL := help$", makefile, re.MULTILINE)
    phony = re.search(r"^\.PHONY: (.*)$", makefile, re.MULTILINE)
    assert phony is not None
    described = set(re.findall(r"^([a-z][a-z0-9_-]*):.*## ", makefile, re.MULTILINE))
    assert set(phony.group(1).split()) <= described


def test_the_configuration_page_tables_list_every_pagerduty_newrelic_and_member_key() -> None:
    from oncall.config import (
        AdoptedPhone,
        Handoff,
        LoadLimits,
        Member,
        NewRelicSection,
        PagerDutySection,
        Step,
        Team,
    )

    for row_key, part in (
        ("`members.<slug>.phone`", AdoptedPhone),
        ("`members.<slug>.notify.high`", Step),
        ("`members.<slug>.handoff`", Handoff),
    ):
        (row,) = [line for line in CONFIGURATION.splitlines() if line.startswith(f"| {row_key}")]
        for field in part.model_fields.values():
            assert f"{field.alias}: " in row, f"{part.__name__}.{field.alias}"
    for model in (PagerDutySection, NewRelicSection, Member, Team, LoadLimits):
        for name, field in model.model_fields.items():
            key = field.alias or name
            assert re.search(rf"`{key}[`.:]", CONFIGURATION), f"{model.__name__}.{name}"


def test_the_readme_stays_a_short_front_door_pointing_at_the_site() -> None:
    assert len(README.splitlines()) <= 200
    pages = set(re.findall(r"\]\(docs/([a-z0-9-]+\.md)", README))
    nav = (ROOT / "mkdocs.yml").read_text()
    assert pages, "the README links into docs/"
    for page in pages:
        assert (ROOT / "docs" / page).is_file(), page
        assert f": {page}" in nav, f"{page} is not in mkdocs.yml's nav"


def test_the_readme_runs_the_project_command_from_the_venv() -> None:
    assert "venv/bin/oncall plan example-live" in README
    assert "python -m oncall" not in README
