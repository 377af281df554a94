"""Stack-file scalars read offline become what the `pulumi` CLI makes of them.

The cases are data (tests/data/goyaml_scalars.json) so that the end-to-end lane can check the same
list against the real CLI (`pulumi config --json` on a stack file holding them inside one
structured value). Each case names what PyYAML's own safe loader reads, to show that these are the
scalars where the two YAML libraries disagree; see oncall/config/goyaml.py for where the rules come
from (gopkg.in/yaml.v3 v3.0.1 resolve.go, and the CLI's rewriting of what it read).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from oncall import cli
from oncall.config.errors import ConfigError
from oncall.config.yamldata import data_problems, read_yaml
from tests.support import TESTS, copy_project

CASES = json.loads((TESTS / "data" / "goyaml_scalars.json").read_text())


def offline(tmp_path: Path, text: str) -> Any:
    """The value the offline loader reads for `v: <text>` inside a structured config value, or
    ConfigError with the problems of the value."""
    path = tmp_path / "Pulumi.t.yaml"
    path.write_text(f"config:\n  pantheon-oncall:probe:\n    v: {text}\n")
    value = read_yaml(path)["config"]["pantheon-oncall:probe"]
    problems = data_problems(value, "pantheon-oncall")
    if problems:
        raise ConfigError(problems)
    return value["v"]


def pyyaml(text: str) -> str:
    try:
        return repr(yaml.safe_load(f"v: {text}")["v"])
    except (yaml.YAMLError, ValueError):
        return "error"


@pytest.mark.parametrize("case", CASES["cases"], ids=[c["yaml"] or "empty" for c in CASES["cases"]])
def test_a_scalar_reads_as_the_cli_reads_it(tmp_path: Path, case: dict[str, Any]) -> None:
    value = offline(tmp_path, case["yaml"])

    assert (type(value), value) == (type(case["pulumi"]), case["pulumi"]), case["why"]
    assert pyyaml(case["yaml"]) == case["pyyaml"]


@pytest.mark.parametrize("case", CASES["refused"], ids=[c["yaml"] for c in CASES["refused"]])
def test_a_scalar_the_cli_cannot_carry_or_reads_by_time_zone_is_refused(
    tmp_path: Path, case: dict[str, Any]
) -> None:
    with pytest.raises(ConfigError) as refused:
        offline(tmp_path, case["yaml"])

    assert case["offline"] in str(refused.value)
    assert pyyaml(case["yaml"]) == case["pyyaml"]


def test_every_listed_case_differs_from_pyyaml_or_says_that_it_agrees() -> None:
    for case in CASES["cases"]:
        agrees = case["pyyaml"] == repr(case["pulumi"])
        assert agrees == ("agree" in case["why"] or "in both" in case["why"]), case


def test_an_unquoted_time_of_day_plans_like_the_quoted_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_project(tmp_path)
    stack = project / "stacks" / "Pulumi.team-agency.yaml"
    quoted = stack.read_text()
    assert 'startTime: "08:00"' in quoted

    outputs = []
    for text in (quoted, quoted.replace('startTime: "08:00"', "startTime: 08:00")):
        stack.write_text(text)
        status = cli.run(["--project-dir", str(project), "plan", "team-agency"])
        outputs.append((status, capsys.readouterr()))

    assert outputs[0][0] == 0, outputs[0]
    assert outputs[1] == outputs[0]
