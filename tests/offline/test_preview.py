"""`oncall plan` reads like `pulumi preview`: a line per resource with the inputs that matter,
coloured markers on a terminal (not with NO_COLOR), the counts last; `--details` is the tree
with every input, `--json` the data."""

from __future__ import annotations

import io
import re

import pytest

from oncall import cli
from oncall.offline import plan as planning
from oncall.offline import preview
from tests.support import PROJECT, PROJECT_ROOT

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def data() -> dict:
    return planning.to_data(planning.plan_stack(PROJECT, "guide-live"))


def plan_output(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert cli.run(["--project-dir", str(PROJECT), "plan", "guide-live", *args]) == 0
    return capsys.readouterr().out


def test_every_resource_is_one_line_with_its_marker_type_name_and_plan(data: dict) -> None:
    text = preview.preview_of(data)
    rows = [line for line in text.splitlines() if line.startswith(" +   ")]

    assert len(rows) == len(data["resources"])
    assert re.search(
        r"^ \+   │  ├─ pagerduty:UserContactMethod +team-jane-phone +create +"
        r'type: phone_contact_method \(phone\), address: "4155550100"$',
        text,
        re.MULTILINE,
    )
    assert re.search(
        r"^ \+   ├─ pagerduty:User +team-jane +create +name: Jane Doe, email: jane@example.com, "
        r"role: user \(manager\)  \[protect\]$",
        text,
        re.MULTILINE,
    )
    assert re.search(r"^ \+   pantheon-oncall:TeamOnCall +team +create$", text, re.MULTILINE)


def test_the_counts_come_last(data: dict) -> None:
    lines = preview.preview_of(data).splitlines()

    created = sum(1 for r in data["resources"] if r["custom"])
    assert lines[-3:-1] == ["Resources:", f"    + {created} to create"]
    assert lines[-1].startswith("    newrelic 10 (")  # with the certificate check and condition


def test_warnings_and_schedules_are_listed_before_the_counts(data: dict) -> None:
    lines = preview.preview_of(data).splitlines()

    assert lines.index("Schedules (oncall check / calendar for details):") < lines.index(
        "Resources:"
    )
    warning = next(i for i, line in enumerate(lines) if "outside working hours" in line)
    assert warning < lines.index("Resources:")


def test_an_import_is_marked_and_counted_apart(data: dict) -> None:
    user = next(r for r in data["resources"] if r["name"] == "team-joe")
    imported = {**data, "resources": [{**user, "import": "PJOE001"}]}

    text = preview.preview_of(imported)

    assert re.search(r"^ =   pagerduty:User +team-joe +import +name: Joe Smith", text, re.MULTILINE)
    assert "[import PJOE001, protect]" in text
    assert text.splitlines()[-3:-1] == ["Resources:", "    = 1 to import"]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_markers_are_coloured_on_a_terminal_unless_no_color(
    data: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert preview.use_colour(Terminal())
    assert not preview.use_colour(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not preview.use_colour(Terminal())

    coloured = preview.preview_of(data, colour=True)
    assert " \x1b[32m+\x1b[0m   ├─ pagerduty:User" in coloured
    assert ANSI.sub("", coloured) == preview.preview_of(data)


def test_plan_prints_the_preview_plain_when_not_on_a_terminal(
    capsys: pytest.CaptureFixture[str], data: dict
) -> None:
    out = plan_output(capsys)

    assert out == preview.preview_of(data)
    assert not ANSI.search(out)
    assert out.startswith("Previewing pantheon-oncall/guide-live offline")


def test_details_is_the_tree_with_every_input_and_json_is_the_data(
    capsys: pytest.CaptureFixture[str], data: dict
) -> None:
    assert plan_output(capsys, "--details") == planning.text_of(data)
    assert plan_output(capsys, "--json") == planning.json_text(data)


def test_the_docs_show_the_preview_the_command_prints(capsys: pytest.CaptureFixture[str]) -> None:
    page = (PROJECT_ROOT / "docs" / "plan.md").read_text()
    shown = PROJECT_ROOT / "docs" / "examples" / "plan-guide-test.txt"  # `make pictures` writes it

    assert cli.run(["--project-dir", str(PROJECT), "plan", "guide-test"]) == 0
    out = capsys.readouterr().out
    assert '```\n--8<-- "docs/examples/plan-guide-test.txt"\n```' in page
    assert shown.read_text() == out
    assert " >   pulumi:pulumi:StackReference " in out
    assert "    > 1 to read" in out
