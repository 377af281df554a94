"""Load a stack's configuration offline, the way the `pulumi` CLI hands it to the program.

`pulumi` merges the project's config defaults (`config:` in Pulumi.yaml) with the stack file
(`stacks/Pulumi.<stack>.yaml`, per `stackConfigDir`), puts keys without a namespace into the
project's, passes structured values as JSON, and decrypts `secure:` values. Offline nothing can be
decrypted, so a secure value becomes the placeholder `[secret]` and its key is marked secret: the
plan prints it as `[secret]` and no plain-text secret is ever needed to plan.

A stack file may import Pulumi ESC environments (`environment: [agency/pagerduty]`), whose
`pulumiConfig` supplies config at deploy time, typically the credentials shared by every stack.
Offline nothing can be opened: the names are kept (`StackFile.environments`) so the plan can say
where the credentials come from, and only the stack file's own config is planned.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from oncall.errors import MISSING, ConfigError, Problem

SECRET_PLACEHOLDER = "[secret]"

# Provider settings that are credentials: they must be encrypted in the stack file.
CREDENTIAL_KEYS = frozenset(
    {
        "pagerduty:token",
        "pagerduty:userToken",
        "newrelic:apiKey",
        "newrelic:adminApiKey",
        "newrelic:insightsInsertKey",
        "slack:token",
    }
)
# The providers' settings (`config.variables` of each pinned provider's schema; a test keeps
# them in step), so that a typo such as `pagerduty:tokn` is caught instead of silently ignored.
PROVIDER_SETTINGS: dict[str, frozenset[str]] = {
    "pagerduty": frozenset(
        {
            "apiUrlOverride",
            "insecureTls",
            "serviceRegion",
            "skipCredentialsValidation",
            "token",
            "useAppOauthScopedToken",
            "userToken",
        }
    ),
    "newrelic": frozenset(
        {
            "accountId",
            "adminApiKey",
            "apiKey",
            "apiUrl",
            "cacertFile",
            "infrastructureApiUrl",
            "insecureSkipVerify",
            "insightsInsertKey",
            "insightsInsertUrl",
            "insightsQueryUrl",
            "nerdgraphApiUrl",
            "region",
            "syntheticsApiUrl",
        }
    ),
    "slack": frozenset({"token"}),
}
KNOWN_NAMESPACES = frozenset({*PROVIDER_SETTINGS, "pulumi"})


@dataclass(frozen=True)
class StackFile:
    """A stack's merged configuration: full keys (`ns:key`) to decoded values."""

    project: str
    stack: str
    path: Path
    values: dict[str, Any]
    secret_keys: frozenset[str] = field(default_factory=frozenset)
    environments: tuple[str, ...] = ()
    """Pulumi ESC environments the stack file imports (`environment:`), in merge order."""

    def namespace(self, ns: str) -> dict[str, Any]:
        """The values of one namespace, keyed without the `ns:` prefix."""
        prefix = f"{ns}:"
        return {k[len(prefix) :]: v for k, v in self.values.items() if k.startswith(prefix)}

    def engine_config(self) -> dict[str, str]:
        """Config as the engine passes it to a program: strings, structured values as JSON."""
        return {k: _engine_string(v) for k, v in sorted(self.values.items())}


def project_name(project_dir: Path) -> tuple[str, Path]:
    """The project's name and its stack config folder, read from Pulumi.yaml."""
    doc = _read_yaml(project_dir / "Pulumi.yaml")
    if not isinstance(doc, dict) or not isinstance(doc.get("name"), str):
        raise ConfigError([Problem("Pulumi.yaml:name", doc, "the project needs a name")])
    return doc["name"], project_dir / str(doc.get("stackConfigDir", "."))


def stack_names(project_dir: Path) -> list[str]:
    """Every stack that has a stack file, sorted."""
    _, stacks_dir = project_name(project_dir)
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in stacks_dir.glob("Pulumi.*.yaml"))


def load(project_dir: Path, stack: str) -> StackFile:
    """Merge Pulumi.yaml defaults and the stack file of `stack` (a name or `org/project/name`)."""
    project, stacks_dir = project_name(project_dir)
    short = stack.rsplit("/", 1)[-1]
    path = stacks_dir / f"Pulumi.{short}.yaml"
    if not path.is_file():
        known = ", ".join(stack_names(project_dir)) or "none"
        raise ConfigError([Problem(str(path), short, f"no such stack file (stacks: {known})")])

    problems: list[Problem] = []
    values: dict[str, Any] = {}
    secret_keys: set[str] = set()

    project_doc = _read_yaml(project_dir / "Pulumi.yaml")
    for key, spec in (project_doc.get("config") or {}).items():
        full = _full_key(project, str(key))
        if isinstance(spec, dict) and ("default" in spec or "value" in spec):
            values[full] = spec.get("value", spec.get("default"))
        elif not isinstance(spec, dict):
            values[full] = spec

    stack_doc = _read_yaml(path) or {}
    if not isinstance(stack_doc, dict):
        raise ConfigError([Problem(str(path), stack_doc, "a stack file is a YAML mapping")])
    config = stack_doc.get("config") or {}
    if not isinstance(config, dict):
        raise ConfigError([Problem(f"{path.name}:config", config, "config must be a mapping")])
    for key, value in config.items():
        full = _full_key(project, str(key))
        namespace = full.split(":", 1)[0]
        if namespace not in KNOWN_NAMESPACES | {project}:
            problems.append(
                Problem(full, value, f"unknown namespace {namespace!r}; expected {project!r}")
            )
            continue
        setting = full.split(":", 1)[1]
        if namespace in PROVIDER_SETTINGS and setting not in PROVIDER_SETTINGS[namespace]:
            known = ", ".join(sorted(PROVIDER_SETTINGS[namespace]))
            problems.append(
                Problem(full, MISSING, f"unknown {namespace} setting; expected {known}")
            )
            continue
        plain, secret = _strip_secure(value)
        if full in CREDENTIAL_KEYS and not secret:
            problems.append(
                Problem(
                    full,
                    "<plain text>",
                    f"a credential must be encrypted: pulumi config set --secret {full}",
                )
            )
            continue
        values[full] = plain
        if secret:
            secret_keys.add(full)
    environments = _environments(stack_doc.get("environment"), f"{path.name}:environment", problems)
    if problems:
        raise ConfigError(problems)
    return StackFile(project, short, path, values, frozenset(secret_keys), environments)


def _environments(value: Any, where: str, problems: list[Problem]) -> tuple[str, ...]:
    """The `environment:` list of ESC environment names (`project/env`), or () when absent."""
    if value is None:
        return ()
    expected = "a list of Pulumi ESC environment names, e.g. [agency/pagerduty]"
    if not isinstance(value, list):
        problems.append(Problem(where, value, f"expected {expected}"))
        return ()
    for index, name in enumerate(value):
        if not isinstance(name, str) or not name.strip():
            problems.append(Problem(f"{where}[{index}]", name, f"expected {expected}"))
    return tuple(name for name in value if isinstance(name, str) and name.strip())


def _full_key(project: str, key: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def _strip_secure(value: Any) -> tuple[Any, bool]:
    """Replace `{secure: ...}` anywhere in a value with the placeholder; report if any was."""
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            return SECRET_PLACEHOLDER, True
        out, secret = {}, False
        for k, v in value.items():
            out[k], s = _strip_secure(v)
            secret = secret or s
        return out, secret
    if isinstance(value, list):
        items = [_strip_secure(v) for v in value]
        return [v for v, _ in items], any(s for _, s in items)
    return value, False


def _engine_string(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=False)


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as f:
            return yaml.safe_load(f)
    except FileNotFoundError as e:
        raise ConfigError([Problem(str(path), MISSING, "file not found")]) from e
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        reason = getattr(e, "problem", None) or str(e)
        raise ConfigError([Problem(where, MISSING, f"not valid YAML: {reason}")]) from e
