"""Helpers shared by the components for reading their args."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def without_none(value: Any) -> Any:
    """A copy of nested mappings without the keys whose value is None: None means absent, as
    callers in other languages (and the wiring) pass unset optional args."""
    if isinstance(value, Mapping):
        return {key: without_none(item) for key, item in value.items() if item is not None}
    return value
