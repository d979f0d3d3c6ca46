"""The ``applies_when`` conditions of scorecard rules (lifecycle, type, kind, files present or
missing, golden path, catalog values).
"""

from __future__ import annotations

from typing import Any

from platformctl.core.compliance.checks import (
    as_list,
    parse_path,
    resolve,
    value_test,
)
from platformctl.core.compliance.facts import Facts
from platformctl.core.compliance.registry import (
    STR_OR_LIST,
    condition,
)

# --- applies_when conditions -----------------------------------------------------------------


def _catalog_value(facts: Facts, path: str) -> Any:
    entity = facts.entity()
    if entity is None:
        return None
    found = resolve(entity.data, parse_path(path))
    return found[0][1] if found else None


@condition("lifecycle", STR_OR_LIST)
def _lifecycle(facts: Facts, value: Any, context: dict[str, Any]) -> bool:
    """The catalog entity's spec.lifecycle is one of these."""
    return str(_catalog_value(facts, "spec.lifecycle")) in map(str, as_list(value))


@condition("type", STR_OR_LIST)
def _type(facts: Facts, value: Any, context: dict[str, Any]) -> bool:
    """The catalog entity's spec.type is one of these."""
    return str(_catalog_value(facts, "spec.type")) in map(str, as_list(value))


@condition("kind", STR_OR_LIST)
def _kind(facts: Facts, value: Any, context: dict[str, Any]) -> bool:
    """The catalog entity's kind is one of these."""
    return str(_catalog_value(facts, "kind")) in map(str, as_list(value))


@condition("file_exists", STR_OR_LIST)
def _file_exists(facts: Facts, value: Any, context: dict[str, Any]) -> bool:
    """One of these files (or globs) exists."""
    return bool(facts.glob([str(v) for v in as_list(value)]))


@condition("file_missing", STR_OR_LIST)
def _file_missing(facts: Facts, value: Any, context: dict[str, Any]) -> bool:
    """None of these files (or globs) exists."""
    return not facts.glob([str(v) for v in as_list(value)])


@condition("golden_path", STR_OR_LIST)
def _golden_path(facts: Facts, value: Any, context: dict[str, Any]) -> bool:
    """The repository's golden path (``.platformctl.yaml``) is one of these."""
    return str(context.get("golden_path")) in map(str, as_list(value))


@condition("catalog", (dict,))
def _catalog(facts: Facts, value: Any, context: dict[str, Any]) -> bool:
    """A catalog field test: ``{path: spec.type, equals|in|matches: ...}``."""
    found = _catalog_value(facts, str(value.get("path", "")))
    return found is not None and value_test(found, value) is None
