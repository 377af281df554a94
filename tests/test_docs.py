"""The README is the front door: what it promises must stay true of the code."""

from __future__ import annotations

import re
from pathlib import Path

from oncall import stackfile
from oncall.config import presets

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_the_readme_presets_table_is_the_one_in_the_code() -> None:
    assert presets.render_table() in README


def test_the_readme_two_commands_are_make_targets() -> None:
    makefile = (ROOT / "Makefile").read_text()
    for target in ("plan", "test"):
        assert f"make {target}" in README
        assert re.search(rf"^{target}:", makefile, re.MULTILINE), target


def test_every_stack_the_readme_names_exists() -> None:
    named = set(re.findall(r"Pulumi\.([a-z0-9-]+)\.yaml", README)) - {"STACK"}
    assert named <= set(stackfile.stack_names(ROOT)) | {"<stack>"}


def test_make_help_is_the_default_and_lists_every_target() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^\.DEFAULT_GOAL := help$", makefile, re.MULTILINE)
    phony = re.search(r"^\.PHONY: (.*)$", makefile, re.MULTILINE)
    assert phony is not None
    described = set(re.findall(r"^([a-z][a-z0-9_-]*):.*## ", makefile, re.MULTILINE))
    assert set(phony.group(1).split()) <= described


def test_the_readme_configuration_tables_list_every_pagerduty_newrelic_and_member_key() -> None:
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
        (row,) = [line for line in README.splitlines() if line.startswith(f"| {row_key}")]
        for field in part.model_fields.values():
            assert f"{field.alias}: " in row, f"{part.__name__}.{field.alias}"
    for model in (PagerDutySection, NewRelicSection, Member, Team, LoadLimits):
        for name, field in model.model_fields.items():
            key = field.alias or name
            assert re.search(rf"`{key}[`.:]", README), f"{model.__name__}.{name}"
