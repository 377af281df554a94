"""The configuration reference (docs/reference.md) is generated from the config models, and every
key in it has a description: a field added without its docstring fails here."""

from __future__ import annotations

from pathlib import Path

from oncall.config import reference
from oncall.config.stack import SECTIONS

PAGE = Path(__file__).resolve().parents[2] / "docs" / "reference.md"


def test_every_key_has_a_description() -> None:
    missing = [key.path for key in reference.all_keys() if not key.description.strip()]

    assert missing == [], "add a docstring under the field in oncall/config/"


def test_every_section_and_the_keys_users_write_most_are_in_it() -> None:
    paths = {key.path for key in reference.all_keys()}

    assert {f"pantheon-oncall:{section}" for section in SECTIONS} <= paths
    for key in (
        "site.name",
        "team.members.<slug>.email",
        "team.schedules.<slug>.layers[].rotation",
        "team.escalation.rules[].escalateAfterMinutes",
        "team.load.maxAfterHoursDaysPerMonth",
        "newrelic.conditions.errorRate.percent",
        "slack.channel",
    ):
        assert f"pantheon-oncall:{key}" in paths, key


def test_a_field_without_a_docstring_is_found_missing() -> None:
    from oncall.config.scalars import Model

    class Example(Model):
        documented: int = 1
        """Said."""
        bare: int = 2

    assert reference.field_docs(Example) == {"documented": "Said."}


def test_the_page_is_the_generated_one() -> None:
    assert PAGE.read_text() == reference.markdown(), "run `make reference`"


def test_a_row_shows_type_default_required_and_description() -> None:
    rows = reference.markdown().splitlines()

    assert (
        "| `createPagerdutyTeam` | boolean | `false` |  | Also create a PagerDuty team with the "
        "members as its members (needs PagerDuty's Teams feature). |"
    ) in rows
    assert any(row.startswith("| `name` | string |  | yes | The Pantheon site's") for row in rows)


def test_a_restriction_type_is_listed_in_the_words_the_stack_file_takes() -> None:
    keys = {key.path: key for key in reference.all_keys()}

    kind = keys["pantheon-oncall:team.schedules.<slug>.layers[].restrictions[].type"]
    assert kind.type == "`daily` \\| `weekly`"
