"""Shared credentials through Pulumi ESC: a stack file's `environment:` list is accepted offline.

Pulumi's stack file imports ESC environments with a top-level `environment:` list
(pulumi.com/docs/esc/integrations/infrastructure/pulumi-iac/); at deploy time their
`pulumiConfig` supplies the credentials. Offline nothing can be opened, so the plan must accept
such a stack without any credential in it and say where the credentials come from.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from oncall.config import stackfile
from oncall.config.errors import ConfigError
from oncall.offline import plan as planning
from oncall.offline.schemas import SchemaSet
from tests.support import copy_project

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    copy_project(tmp_path)
    return tmp_path


def with_environment(project: Path, environment: object) -> None:
    """guide-live, importing `environment`, with no credential in its config."""
    path = project / "stacks" / "Pulumi.guide-live.yaml"
    doc = yaml.safe_load(path.read_text())
    assert not set(doc["config"]) & stackfile.CREDENTIAL_KEYS
    path.write_text(yaml.safe_dump({"environment": environment, **doc}, sort_keys=False))


def test_a_stack_importing_an_esc_environment_plans_without_credentials(
    project: Path, schemas: SchemaSet
) -> None:
    with_environment(project, ["acme/pagerduty-credentials"])

    plan = planning.plan_stack(project, "guide-live", schemas=schemas)

    assert plan.violations == ()
    assert plan.environments == ("acme/pagerduty-credentials",)
    text = planning.to_text(plan)
    assert "Credentials: from the Pulumi ESC environment(s) acme/pagerduty-credentials" in text
    assert planning.to_data(plan)["environments"] == ["acme/pagerduty-credentials"]


def test_a_stack_without_environment_says_nothing_about_esc(project: Path) -> None:
    plan = planning.plan_stack(project, "guide-live")

    assert plan.environments == ()
    assert "ESC" not in planning.to_text(plan)
    assert "environments" not in planning.to_data(plan)


@pytest.mark.parametrize(
    ("environment", "path"),
    [
        ("acme/pagerduty-credentials", "Pulumi.guide-live.yaml:environment"),
        (["acme/ok", ""], "Pulumi.guide-live.yaml:environment[1]"),
        ([{"name": "acme/x"}], "Pulumi.guide-live.yaml:environment[0]"),
    ],
)
def test_environment_must_be_a_list_of_names(project: Path, environment: object, path: str) -> None:
    with_environment(project, environment)

    with pytest.raises(ConfigError) as error:
        stackfile.load(project, "guide-live")

    assert [p.path for p in error.value.problems] == [path]
    assert "list of Pulumi ESC environment names" in str(error.value)
