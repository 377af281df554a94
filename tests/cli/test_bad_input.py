"""Bad input, wherever it enters (stack files, CLI arguments), ends in clear messages: every
problem at once, each with its key path (or file and line), exit status 1, no traceback, nothing
registered, and no value longer than a short excerpt or with raw control characters.

Each case here is one a fuzzer found (357 mutated stack files, 13 tracebacks; the rest were found
by hand). The CLI runs in-process (`oncall.cli.run`), so an exception that is not
a clean rejection fails the test with its traceback.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from oncall import cli, wiring
from oncall.config import load
from oncall.config.errors import ConfigError
from oncall.offline import engine
from oncall.offline import plan as planning
from tests.support import PROJECT, copy_project

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (PROJECT / "stacks" / "Pulumi.guide-live.yaml").read_text()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    copy_project(tmp_path, stacks=False)
    return tmp_path


def plan(project: Path, text: str | bytes, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Plan a stack file with this content; the exit status and everything printed."""
    path = project / "stacks" / "Pulumi.t.yaml"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    status = cli.run(["--project-dir", str(project), "plan", "t"])
    out, err = capsys.readouterr()
    return status, out + err


def guide(old: str, new: str) -> str:
    assert old in GUIDE, old
    return GUIDE.replace(old, new, 1)


BACKSTOP = '{name: Backstop, members: [jane], start: "2026-11-02T00:00:00"}'
ROTATION_START = 'rotation: weekly, start: "2026-12-07T09:00:00"'


def nested(depth: int) -> str:
    return "config:\n  pantheon-oncall:site: " + "[" * depth + "]" * depth + "\n"


def alias_bomb() -> str:
    lines = ["config:", "  pantheon-oncall:site:", "    a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"    a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    return "\n".join(lines) + "\n"


REJECTED: list[tuple[str, Callable[[], str | bytes], str]] = [
    ("binary", lambda: guide('accountId: "1234567"', "accountId: !!binary aGVsbG8="), "binary"),
    ("set", lambda: guide('accountId: "1234567"', "accountId: !!set {a, b}"), "set values"),
    (
        "recursive alias",
        lambda: guide("    name: example   ", "    x: &a {name: example, x: *a}   "),
        "pantheon-oncall:site.x.x: contains itself (a recursive YAML alias)",
    ),
    ("500 nested [", lambda: nested(500), "nested more than 32 levels deep"),
    ("5000 nested [", lambda: nested(5000), "not valid YAML"),
    ("alias bomb", alias_bomb, "an alias bomb"),
    (
        "300-digit minutes",
        lambda: guide("escalateAfterMinutes: 15", "escalateAfterMinutes: " + "9" * 300),
        "rules[0].escalateAfterMinutes: too large",
    ),
    (
        "infinite hours",
        lambda: guide(
            ROTATION_START,
            ROTATION_START + ', restrictions: [{type: daily, startTime: "09:00", '
            "durationHours: .inf}]",
        ),
        "restrictions[0].durationHours: not a finite number",
    ),
    (
        "1e308 hours",
        lambda: guide(
            ROTATION_START,
            ROTATION_START + ', restrictions: [{type: daily, startTime: "09:00", '
            "durationHours: 1.0e+308}]",
        ),
        "restrictions[0].durationHours: too large",
    ),
    (
        "1e308 hours as text",
        lambda: guide(
            ROTATION_START,
            ROTATION_START + ', restrictions: [{type: daily, startTime: "09:00", '
            'durationHours: "1e308"}]',
        ),
        # The config's guard of its conversion to seconds, as for the number 1.0e+308 above.
        "restrictions[0].durationHours: too large: numbers go up to 2^53",
    ),
    (
        "a zone that is a folder",
        lambda: guide("timeZone: America/New_York", "timeZone: America"),
        "team.timeZone: unknown time zone",
    ),
    (
        "a 256-character zone",
        lambda: guide("timeZone: America/New_York", "timeZone: " + "A" * 256),
        "team.timeZone: unknown time zone",
    ),
    (
        "an end at the end of time",
        lambda: guide(ROTATION_START, ROTATION_START + ', end: "9999-12-31T23:59:59"'),
        "layers[1].end: expected a date-time between the years 2000 and 9000",
    ),
    (
        "a duplicate key",
        lambda: guide("    name: example   ", "    name: example\n    name: other   "),
        "Pulumi.t.yaml:13:5: not valid YAML: duplicate key 'name' (first on line 12)",
    ),
    (
        "a second config:",
        lambda: GUIDE + "config:\n  newrelic:accountId: '1'\n",
        "duplicate key 'config'",
    ),
    (
        "invalid UTF-8",
        lambda: GUIDE.encode().replace(b"Jane Doe", b"Jane \x85Doe"),
        "Pulumi.t.yaml:24: not valid UTF-8 (byte 0x85 at column 25)",
    ),
    ("an empty file", lambda: "", "the stack file is empty; its settings go under config:"),
    ("only comments", lambda: "# nothing yet\n", "the stack file is empty"),
    (
        "keys outside config:",
        lambda: "pantheon-oncall:site: {name: example, env: live}\n",
        "Pulumi.t.yaml:pantheon-oncall:site: not a stack-file key",
    ),
    ("config: a list", lambda: "config: [a, b]\n", "config: must be a mapping"),
    ("config: nothing", lambda: "config:\n", "config: empty"),
    ("a list file", lambda: "- config\n", "a stack file is a YAML mapping"),
    ("a number key", lambda: guide("    name: example   ", "    1: example   "), "must be text"),
    (
        "a near-miss section",
        lambda: GUIDE.replace("pantheon-oncall:team:", "pantheon-oncall:tema:"),
        "pantheon-oncall:tema: unknown key (did you mean 'team'?)",
    ),
    (
        "a near-miss model key",
        lambda: GUIDE.replace("    members:", "    memebrs:"),
        "team.memebrs: unknown key (did you mean 'members'?)",
    ),
    (
        "a near-miss namespace",
        lambda: GUIDE.replace("newrelic:accountId", "newrelc:accountId"),
        "unknown namespace 'newrelc' (did you mean 'newrelic'?)",
    ),
    (
        "a near-miss provider setting",
        lambda: GUIDE.replace("newrelic:accountId", "newrelic:acountId"),
        "unknown newrelic setting (did you mean 'accountId'?)",
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [(c[1], c[2]) for c in REJECTED], ids=[c[0] for c in REJECTED]
)
def test_bad_stack_file_exits_1_with_a_located_message(
    project: Path, capsys: pytest.CaptureFixture[str], text: Callable[[], str], expected: str
) -> None:
    status, output = plan(project, text(), capsys)

    assert status == 1, output
    assert expected in output
    assert output.startswith("error: ")
    assert max(len(line) for line in output.splitlines()) < 400


def test_every_problem_of_file_and_config_is_reported_at_once(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = GUIDE.replace("newrelic:accountId", "newrelc:accountId").replace(
        "timeZone: America/New_York", "timeZone: America"
    )
    text = text.replace("pantheon-oncall:pagerduty:", "pantheon-oncall:pagerduty:\n    x: 1")

    status, output = plan(project, text, capsys)

    assert status == 1
    assert "error: 3 problem(s)" in output
    assert "newrelc:accountId" in output
    assert "team.timeZone" in output
    assert "pagerduty.x: unknown key" in output


def test_nothing_is_registered_when_the_config_is_bad(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "stacks" / "Pulumi.t.yaml").write_text(guide("env: live", "env: LIVE!"))
    monkeypatch.setattr(engine, "run_program", pytest.fail)

    with pytest.raises(ConfigError, match=r"site\.env"):
        planning.plan_stack(project, "t")


def test_an_unquoted_timestamp_plans_like_the_quoted_one(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, quoted = plan(project, GUIDE, capsys)
    unquoted_text = GUIDE.replace('start: "2026-11-02T00:00:00"', "start: 2026-11-02T00:00:00")
    unquoted_status, unquoted = plan(project, unquoted_text, capsys)

    assert (status, unquoted_status) == (0, 0), unquoted
    assert unquoted == quoted


def test_an_unquoted_date_becomes_the_text_pulumi_makes_of_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = guide("    name: Default\n        layers", "    name: 2026-11-02\n        layers")

    status, output = plan(project, text, capsys)

    assert status == 0, output
    # pulumi's YAML library reads a date, and the CLI hands it on as Go's date-time text.
    assert re.search(r"team-default +create +name: \"2026-11-02 00:00:00 \+0000 UTC\",", output), (
        output
    )


def test_control_characters_in_values_and_keys_are_escaped(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = guide("    name: example   ", '    name: "ex\\e[31mample"\n    "k\\e[2J": 1   ')

    status, output = plan(project, text, capsys)

    assert status == 1
    assert "\x1b" not in output
    assert "site.name" in output
    assert "ex\\x1b[31mample" in output
    assert "site.k\\x1b[2J: unknown key" in output


def test_a_long_value_is_shown_shortened(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, output = plan(project, guide("    name: example   ", "    name: " + "X" * 5000), capsys)

    assert status == 1
    [line] = [line for line in output.splitlines() if "site.name" in line]
    assert len(line) < 200
    assert "…" in line


# --- CLI arguments --------------------------------------------------------------------------------


def test_a_project_dir_that_is_a_file_is_a_clean_error(capsys: pytest.CaptureFixture[str]) -> None:
    status = cli.run(["--project-dir", str(ROOT / "Pulumi.yaml"), "plan", "guide-live"])

    assert status == 1
    assert "Pulumi.yaml: not a folder (a file is there)" in capsys.readouterr().err


def test_a_schemas_folder_that_does_not_exist_is_a_clean_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = cli.run(
        ["--project-dir", str(PROJECT), "plan", "guide-live", "--schemas", "/nonexistent"]
    )

    assert status == 1
    assert capsys.readouterr().err == "error: --schemas '/nonexistent' is not a folder\n"


def test_a_bad_schema_dir_variable_is_a_clean_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PULUMI_SCHEMA_DIR", "/nonexistent")

    status = cli.run(["--project-dir", str(PROJECT), "plan", "guide-live"])

    assert status == 1
    assert "PULUMI_SCHEMA_DIR='/nonexistent' is not a folder" in capsys.readouterr().err


def test_a_schemas_folder_with_one_provider_does_not_claim_conformance(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pagerduty.json").write_text('{"name": "pagerduty"}')

    status = cli.run(
        ["--project-dir", str(PROJECT), "plan", "guide-live", "--schemas", str(tmp_path)]
    )

    out, err = capsys.readouterr()
    assert status == 1
    assert "conforms" not in out
    assert "lacks newrelic.json, slack.json" in err


def test_a_misspelled_stack_name_suggests_the_stack(capsys: pytest.CaptureFixture[str]) -> None:
    status = cli.run(["--project-dir", str(PROJECT), "plan", "gudie-live"])

    assert status == 1
    assert "no such stack file (did you mean 'guide-live'?)" in capsys.readouterr().err


def test_a_usage_error_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.run(["plan"])

    assert exited.value.code == 1
    assert "error: plan needs a stack name or --all" in capsys.readouterr().err


# --- values that reach the program another way (the Pulumi CLI, a test, another program) ----------


def test_numbers_the_engine_cannot_carry_are_refused_by_the_program_too() -> None:
    values = yaml.safe_load(GUIDE)["config"]
    values = {k.split(":", 1)[1]: v for k, v in values.items() if k.startswith("pantheon-oncall:")}
    values["team"]["escalation"]["rules"][0]["escalateAfterMinutes"] = 10**300
    values["newrelic"]["conditions"]["responseTime"]["seconds"] = float("nan")

    with pytest.raises(ConfigError) as raised:
        load.parse(values)

    assert [str(p) for p in raised.value.problems] == [
        "pantheon-oncall:team.escalation.rules[0].escalateAfterMinutes: too large: numbers go "
        "up to 2^53 (9007199254740992) (got <a number of about 301 digits>)",
        "pantheon-oncall:newrelic.conditions.responseTime.seconds: not a finite number (got nan)",
    ]


def test_a_component_refusing_its_input_is_a_clean_error(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object) -> dict[str, object]:
        raise ValueError("members.jane.name: expected text (got 'xoxb-123456789-secret\x1b[2J')")

    monkeypatch.setattr(wiring, "build", refuse)

    status, output = plan(project, GUIDE, capsys)

    assert status == 1
    assert output == (
        "error: a component refused its input: members.jane.name: expected text "
        "(got '[hidden]\\x1b[2J')\n"
    )


def test_a_name_with_control_characters_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = guide("{name: Jane Doe,", '{name: "Jane\\e[2J Doe",')

    status, output = plan(project, text, capsys)

    assert status == 1
    assert (
        "pantheon-oncall:team.members.jane.name: expected one line of text, without control "
        "characters (got 'Jane\\x1b[2J Doe')"
    ) in output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--from", "9999-12-31"], "--from: expected a date between the years 2000 and 9000"),
        (["--from", "2026-11-30", "--ics", "/nonexistent/x.ics"], "--ics: cannot write it"),
        (["--from", "2026-11-30", "--svg", "/nonexistent/x.svg"], "--svg: cannot write it"),
    ],
)
def test_bad_calendar_arguments_are_clean_errors(
    args: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status = cli.run(["--project-dir", str(PROJECT), "calendar", "guide-live", *args])

    assert status == 1
    assert expected in capsys.readouterr().err


@pytest.mark.parametrize(
    "text",
    ["", "# nothing yet\n", "- config\n", "config: [a]\n", "config:\n", "site: {name: x}\n"],
    ids=["empty", "comments", "a list", "config a list", "config empty", "outside config"],
)
def test_a_file_without_usable_config_says_only_that(
    project: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    status, output = plan(project, text, capsys)

    assert status == 1
    assert output.startswith("error: 1 problem(s) in the configuration:\n")
    assert "required" not in output
