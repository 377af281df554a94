"""The providers' Pulumi package schemas: which folder holds them, reading them, their index.

A folder of schemas is named by `--schemas` or by $PULUMI_SCHEMA_DIR and must hold all three
providers' (`schemas_chosen`); each file is plain or gzip-compressed JSON (the copies vendored
under tests/ are compressed). `SchemaSet` indexes the resource types, functions and types of
each package by name; holding values to them is oncall.offline.schemacheck's job.
"""

from __future__ import annotations

import functools
import gzip
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA_DIR_ENV = "PULUMI_SCHEMA_DIR"
"""Environment variable naming the folder that holds the package schemas."""

REQUIRED_PACKAGES = ("newrelic", "pagerduty", "slack")
"""Packages whose schemas `schema_dir_from_env` insists on (`<name>.json` or `.json.gz` each)."""

SCHEMA_SUFFIXES = (".json", ".json.gz")
"""A schema file is plain JSON or gzip-compressed JSON (the copies vendored under tests/)."""


class SchemaError(Exception):
    """The schema folder or a schema file is missing or malformed."""


@dataclass(frozen=True)
class Package:
    """One package schema's resource types, functions and types, each keyed by its token."""

    name: str
    resources: Mapping[str, Any]
    functions: Mapping[str, Any]
    types: Mapping[str, Any]


class SchemaSet:
    """The package schemas of one folder, keyed by package name."""

    def __init__(self, packages: Mapping[str, Package]) -> None:
        self._packages = dict(packages)

    @classmethod
    def load(cls, directory: Path) -> SchemaSet:
        """Read every `*.json` package schema in `directory` (cached per resolved path)."""
        return _load(Path(directory).resolve())

    @property
    def package_names(self) -> frozenset[str]:
        """Names of the loaded packages (the schemas' `name` fields)."""
        return frozenset(self._packages)

    def resource_inputs(self, type_token: str) -> Mapping[str, Any]:
        """The `inputProperties` of a resource type (empty for one the schemas do not have)."""
        package = self._packages.get(type_token.split(":", 1)[0])
        resource = package.resources.get(type_token) if package else None
        return (resource or {}).get("inputProperties", {})

    def knows_package(self, token: str) -> bool:
        """Whether the package of a type or function token (`pkg:module:Name`) is loaded."""
        return token.split(":", 1)[0] in self._packages

    def package(self, token: str) -> Package:
        """The package of a type or function token; KeyError for one not loaded."""
        name = token.split(":", 1)[0]
        try:
            return self._packages[name]
        except KeyError:
            known = ", ".join(sorted(self._packages))
            raise KeyError(
                f"{token}: package {name!r} not loaded ({known}); check knows_package() first"
            ) from None


def schemas_chosen(option: Path | None) -> SchemaSet | None:
    """The schemas of the folder a command's `--schemas` names, else of $PULUMI_SCHEMA_DIR;
    None when neither is given (the plan is then not checked against schemas)."""
    if option is not None:
        schema_dir: Path | None = checked_schema_dir(option, f"--schemas {str(option)!r}")
    else:
        schema_dir = schema_dir_from_env()
    return SchemaSet.load(schema_dir) if schema_dir else None


def schema_dir_from_env() -> Path | None:
    """The schema folder named by PULUMI_SCHEMA_DIR; None when unset or empty.

    Raises SchemaError when it is set but not a folder holding the three package schemas.
    """
    raw = os.environ.get(SCHEMA_DIR_ENV, "").strip()
    if not raw:
        return None
    return checked_schema_dir(Path(raw).expanduser(), f"{SCHEMA_DIR_ENV}={raw!r}")


def checked_schema_dir(directory: Path, named: str) -> Path:
    """`directory` if it holds every provider's schema; else SchemaError saying what is wrong
    with what the user `named` (`--schemas x`, `PULUMI_SCHEMA_DIR=x`). A partial folder would
    check some resources and let the plan claim they all conform."""
    if not directory.is_dir():
        raise SchemaError(f"{named} is not a folder")
    missing = [
        f"{name}.json"
        for name in REQUIRED_PACKAGES
        if not any((directory / f"{name}{suffix}").is_file() for suffix in SCHEMA_SUFFIXES)
    ]
    if missing:
        raise SchemaError(
            f"{named} lacks {', '.join(missing)}; "
            "run `make schemas` or point it at a folder with the provider schemas"
        )
    return directory


def read_schema(file: Path) -> Any:
    """The JSON document in a schema file, plain (`.json`) or gzip-compressed (`.json.gz`)."""
    try:
        opener = gzip.open if file.name.endswith(".gz") else open
        with opener(file, "rb") as fh:
            return json.load(fh)
    except (OSError, EOFError, ValueError) as exc:  # EOFError: a truncated .gz
        raise SchemaError(f"{file}: not a readable JSON schema: {exc}") from exc


@functools.lru_cache(maxsize=8)
def _load(directory: Path) -> SchemaSet:
    if not directory.is_dir():
        raise SchemaError(f"schema folder {directory} does not exist")
    files = sorted(f for suffix in SCHEMA_SUFFIXES for f in directory.glob(f"*{suffix}"))
    if not files:
        raise SchemaError(f"no *.json package schemas in {directory}")
    packages: dict[str, Package] = {}
    for file in files:
        doc = read_schema(file)
        name = doc.get("name") if isinstance(doc, dict) else None
        if not isinstance(name, str) or not name:
            raise SchemaError(f"{file}: not a Pulumi package schema (no 'name')")
        if name in packages:
            raise SchemaError(f"{file}: a second schema for package {name!r}")
        packages[name] = Package(
            name=name,
            resources=doc.get("resources") or {},
            functions=doc.get("functions") or {},
            types=doc.get("types") or {},
        )
    return SchemaSet(packages)
