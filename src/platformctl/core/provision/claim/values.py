"""Turning option values and ``--set path=value`` into typed values for a claim's spec."""

from __future__ import annotations

import re
from typing import Any

from platformctl.core import yamlio
from platformctl.core.errors import UsageError
from platformctl.core.provision import schema as schemas

_TRUE = {"true", "yes", "y", "on", "1"}
_FALSE = {"false", "no", "n", "off", "0"}


def coerce(raw: Any, sub: dict[str, Any] | None, where: str) -> Any:
    """A command-line string -> the JSON value the schema at ``where`` wants."""
    if not isinstance(raw, str):
        return raw
    sub = sub or {}
    kind = "int-or-string" if sub.get(schemas.INT_OR_STRING) else sub.get("type")
    text = raw.strip()
    if kind == "string":
        return raw
    if kind == "boolean":
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise UsageError(f"{where}: {raw!r} is not a boolean", hint="use true or false")
    if kind == "integer":
        try:
            return int(text, 10)
        except ValueError:
            raise UsageError(f"{where}: {raw!r} is not an integer") from None
    if kind == "number":
        try:
            number = float(text)
        except ValueError:
            raise UsageError(f"{where}: {raw!r} is not a number") from None
        return int(number) if number.is_integer() and "." not in text else number
    if kind == "int-or-string":
        return int(text) if re.fullmatch(r"[-+]?[0-9]+", text) else raw
    if kind == "array":
        if text.startswith("["):
            return _flow(text, where)
        items = sub.get("items") or {}
        return [coerce(part.strip(), items, where) for part in text.split(",") if part.strip()]
    if text.startswith(("{", "[")):
        return _flow(text, where)
    return yamlio.resolve_plain(text) if text else ""


def _flow(text: str, where: str) -> Any:
    loaded = yamlio.load_text(text, where)
    if not loaded.ok or not loaded.documents:
        raise UsageError(f"{where}: cannot parse {text!r} as a YAML/JSON value")
    return loaded.documents[0].data


def _set_path(target: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = target
    for key in path[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = {}
            node[key] = child
        node = child
    node[path[-1]] = value


def _get_path(target: Any, path: tuple[str, ...]) -> Any:
    node = target
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def parse_set(expression: str, object_schema: dict[str, Any]) -> tuple[tuple[str, ...], Any]:
    """``--set parameters.size=medium`` -> (("spec","parameters","size"), "medium")."""
    if "=" not in expression:
        raise UsageError(
            f"--set {expression!r}: expected path=value", hint="e.g. --set parameters.size=medium"
        )
    key, _, raw = expression.partition("=")
    key = key.strip()
    if not key:
        raise UsageError(
            f"--set {expression!r}: empty path", hint="e.g. --set parameters.size=medium"
        )
    parts = tuple(key.split("."))
    if any(not p for p in parts):
        raise UsageError(
            f"--set {key}: empty field name in the path",
            hint="separate field names with single dots, e.g. --set parameters.size=medium",
        )
    if parts[0] not in ("spec", "metadata"):
        parts = ("spec", *parts)
    if parts[0] == "metadata" and (
        parts[1:2] not in (("labels",), ("annotations",)) or len(parts) < 3
    ):
        raise UsageError(
            f"--set {key}: only metadata.labels.KEY and metadata.annotations.KEY can be set",
            hint="e.g. --set metadata.labels.team=payments",
        )
    if parts[0] == "metadata":  # label and annotation keys have dots: app.kubernetes.io/name
        parts = (*parts[:2], ".".join(parts[2:]))
    sub = schemas.at(object_schema, parts)
    if sub is None:
        parent = schemas.at(object_schema, parts[:-1]) or {}
        known = sorted((parent.get("properties") or {}).keys())
        raise UsageError(
            f"--set {key}: unknown field {'.'.join(parts)}",
            hint=f"fields at {'.'.join(parts[:-1])}: {', '.join(known)}"
            if known
            else f"{'.'.join(parts[:-1])} has no fields to set; "
            "platformctl provision explain TYPE lists them",
        )
    if parts[0] == "metadata":
        sub = {"type": "string"}
    return parts, coerce(raw, sub, f"--set {key}")
