"""Load a stack's configuration offline, the way the `pulumi` CLI hands it to the program.

`pulumi` merges the project's config defaults (`config:` in Pulumi.yaml) with the stack file
(`stacks/Pulumi.<stack>.yaml`, per `stackConfigDir`), puts keys without a namespace into the
project's, passes structured values as JSON, and decrypts `secure:` values. Offline nothing can be
decrypted, so a secure value becomes the placeholder `[secret]` and its key is marked secret: the
plan prints it as `[secret]` and no plain-text secret is ever needed to plan.

The YAML is read strictly and must be JSON data the engine carries (oncall.config.yamldata:
duplicate keys, non-JSON types, alias bombs…), with every problem reported at once and located
(file, line, key path); a credential in plain text is refused too (oncall.config.secrets), without
echoing it.

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

from oncall.config import secrets
from oncall.config.errors import MISSING, ConfigError, Problem, did_you_mean
from oncall.config.yamldata import Budget, check_data, kind, read_yaml

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
# What a stack file may hold besides `config:` (the Pulumi CLI's stack settings).
STACK_FILE_KEYS = frozenset(
    {"config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"}
)


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
    if not project_dir.is_dir():
        what = "a file" if project_dir.exists() else "nothing"
        message = f"not a folder ({what} is there); expected the project folder with Pulumi.yaml"
        raise ConfigError([Problem(str(project_dir), MISSING, message)])
    doc = read_yaml(project_dir / "Pulumi.yaml")
    if not isinstance(doc, dict) or not isinstance(doc.get("name"), str):
        raise ConfigError([Problem("Pulumi.yaml:name", MISSING, "the project needs a name")])
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
        hint = did_you_mean(short, stack_names(project_dir))
        raise ConfigError(
            [Problem(str(path), MISSING, f"no such stack file{hint} (stacks: {known})")]
        )

    problems: list[Problem] = []
    values: dict[str, Any] = {}
    secret_keys: set[str] = set()

    _project_defaults(project_dir, project, values, problems)
    config, stack_doc = _stack_config(path, problems)
    for key, value in config.items():
        full = _full_key(project, key)
        problem = _key_problem(full, value, project)
        if problem is not None:
            problems.append(problem)
            continue
        plain, secret = _strip_secure(value)
        values[full] = plain
        if secret:
            secret_keys.add(full)
    environments = _environments(stack_doc.get("environment"), f"{path.name}:environment", problems)
    loaded = StackFile(project, short, path, values, frozenset(secret_keys), environments)
    if problems:
        raise StackFileError(problems, loaded)
    return loaded


def _project_defaults(
    project_dir: Path, project: str, values: dict[str, Any], problems: list[Problem]
) -> None:
    """Add Pulumi.yaml's config defaults (and values) to `values`, as `pulumi` does; a credential
    written there in plain text is a problem instead (it would be in git, for every stack)."""
    project_config = read_yaml(project_dir / "Pulumi.yaml").get("config") or {}
    if not isinstance(project_config, dict):
        project_config = {}
        problems.append(Problem("Pulumi.yaml:config", MISSING, "must be a mapping of keys"))
    for key, spec in project_config.items():
        full = _full_key(project, str(key))
        if isinstance(spec, dict) and ("default" in spec or "value" in spec):
            value = spec.get("value", spec.get("default"))
        elif not isinstance(spec, dict):
            value = spec
        else:
            continue
        if _plain_credential(full, value) is not None:
            message = "a credential in plain text (not shown): set it per stack, encrypted"
            problems.append(Problem(f"Pulumi.yaml:config.{full}", MISSING, message))
            continue
        values[full] = value


class StackFileError(ConfigError):
    """Problems in a stack file; `partial` holds the keys that had none, for checking further."""

    def __init__(self, problems: list[Problem], partial: StackFile) -> None:
        super().__init__(problems)
        self.partial = partial


def _stack_config(path: Path, problems: list[Problem]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The stack file's `config:` mapping, checked to be plain JSON data (problems added), and
    the whole file.

    A file with no usable `config:` at all raises at once: checking the config would only add
    "required" to every key.
    """
    doc = read_yaml(path)
    name = path.name
    if doc is None:
        message = (
            "the stack file is empty; its settings go under config:, "
            "e.g. config: {pantheon-oncall:site: {name: example, env: live}, ...}"
        )
        raise ConfigError([Problem(str(path), MISSING, message)])
    if not isinstance(doc, dict):
        message = f"a stack file is a YAML mapping with the settings under config:, not {kind(doc)}"
        raise ConfigError([Problem(str(path), MISSING, message)])
    for key in doc:
        if key not in STACK_FILE_KEYS:
            hint = did_you_mean(key, STACK_FILE_KEYS) or " (the stack's settings go under config:)"
            others = ", ".join(sorted(STACK_FILE_KEYS - {"config"}))
            message = f"not a stack-file key; expected config (or {others}){hint}"
            problems.append(Problem(f"{name}:{key}", MISSING, message))
    config = doc.get("config")
    if config is None:
        if "config" not in doc:
            if problems:  # settings written outside config: (reported above), none inside
                raise ConfigError(problems)
            return {}, doc
        message = "empty; write the stack's settings under it, e.g. pantheon-oncall:site"
        raise ConfigError([*problems, Problem(f"{name}:config", MISSING, message)])
    if not isinstance(config, dict):
        message = (
            f"must be a mapping of keys (like pantheon-oncall:site) to values, not {kind(config)}"
        )
        raise ConfigError([*problems, Problem(f"{name}:config", MISSING, message)])
    found: list[Problem] = []
    budget = Budget(found)
    check_data(config, "", budget)
    if budget.left < 0:
        # Too big to check any further (each later look would expand the aliases again).
        raise ConfigError([*problems, *found])
    problems.extend(found)
    bad = {p.path.split(".", 1)[0].split("[", 1)[0] for p in found}
    return {k: v for k, v in config.items() if isinstance(k, str) and k not in bad}, doc


def _key_problem(full: str, value: Any, project: str) -> Problem | None:
    """What is wrong with one top-level config key (and its value), if anything. A value is
    shown only under a known key: under a misspelled one it may be a misplaced credential."""
    namespace, setting = full.split(":", 1)
    known = KNOWN_NAMESPACES | {project}
    inside = _plain_credential(full, value)
    if inside == full:
        fix = full if namespace in known else f"{_closest(namespace, known)}:{setting}"
        message = (
            f"a credential in plain text (not shown): encrypt it, pulumi config set --secret {fix}"
        )
        return Problem(full, MISSING, message)
    if inside is not None:
        message = (
            "looks like a credential in plain text (not shown): remove it; a provider's "
            "credentials are its own settings, set encrypted (pulumi config set --secret "
            "pagerduty:token)"
        )
        return Problem(inside, MISSING, message)
    if namespace not in known:
        hint = did_you_mean(namespace, known) or f"; expected {project!r}"
        return Problem(full, MISSING, f"unknown namespace {namespace!r}{hint}")
    if namespace in PROVIDER_SETTINGS and setting not in PROVIDER_SETTINGS[namespace]:
        names = ", ".join(sorted(PROVIDER_SETTINGS[namespace]))
        hint = did_you_mean(setting, PROVIDER_SETTINGS[namespace])
        return Problem(full, MISSING, f"unknown {namespace} setting{hint}; expected {names}")
    if full in CREDENTIAL_KEYS and not secrets.is_secure(value):
        message = f"a credential must be encrypted: pulumi config set --secret {full}"
        return Problem(full, MISSING, message)
    return None


def _closest(word: str, choices: frozenset[str]) -> str:
    lowered = {c.lower(): c for c in choices}
    hint = did_you_mean(word, choices)
    return lowered.get(word.lower()) or (hint.split("'")[1] if hint else word)


def _plain_credential(full: str, value: Any) -> str | None:
    """The path of a plain-text credential in a top-level key: the key itself, or inside it."""
    if secrets.is_credential_key(full) and secrets.is_plain_credential(value):
        return full
    return _plain_credential_in(value, full)


def _plain_credential_in(value: Any, path: str) -> str | None:
    """The path of a credential key with a plain value, or of a token-shaped string, inside."""
    if isinstance(value, dict) and not secrets.is_secure(value):
        for key, item in value.items():
            if secrets.is_credential_key(key) and secrets.is_plain_credential(item):
                return f"{path}.{key}"
            found = _plain_credential_in(item, f"{path}.{key}")
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _plain_credential_in(item, f"{path}[{index}]")
            if found is not None:
                return found
    elif secrets.looks_like_token(value):
        return path
    return None


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
    return json.dumps(value, sort_keys=False, allow_nan=False)
