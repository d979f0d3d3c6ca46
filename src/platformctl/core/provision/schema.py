"""Kubernetes structural-schema semantics for claims, checked before anything is sent.

The API server handles a custom resource in this order: prune unknown fields, apply defaults,
validate.  We do the same, so a claim that passes here is one the server accepts (CEL rules in
``x-kubernetes-validations`` are the exception: they are left to the server).

Supported: ``type`` (object, array, string, integer, number, boolean), ``nullable``,
``properties``, ``additionalProperties`` (maps), ``items``, ``required``, ``enum``,
``minimum``/``maximum`` (and exclusive), ``multipleOf``, ``minLength``/``maxLength``,
``pattern``, ``minItems``/``maxItems``, ``uniqueItems``, ``minProperties``/``maxProperties``,
``allOf``/``anyOf``/``oneOf``/``not``, ``default``, ``x-kubernetes-preserve-unknown-fields``,
``x-kubernetes-int-or-string``, ``x-kubernetes-embedded-resource``.
"""

from __future__ import annotations

import copy
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from platformctl.core.yamlio import dotted

PRESERVE = "x-kubernetes-preserve-unknown-fields"
INT_OR_STRING = "x-kubernetes-int-or-string"
EMBEDDED = "x-kubernetes-embedded-resource"


@dataclass(frozen=True)
class FieldProblem:
    path: str  # dotted: spec.parameters.size
    message: str
    allowed: tuple[Any, ...] = ()

    def __str__(self) -> str:
        return f"{self.path or '<root>'}: {self.message}"


@dataclass
class Validation:
    value: Any
    errors: list[FieldProblem] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def join(path: tuple[Any, ...]) -> str:
    return dotted(path)


def show(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value)
    return json.dumps(value, default=str)


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _is_type(value: Any, wanted: str) -> bool:
    if wanted == "object":
        return isinstance(value, dict)
    if wanted == "array":
        return isinstance(value, list)
    if wanted == "string":
        return isinstance(value, str)
    if wanted == "boolean":
        return isinstance(value, bool)
    if wanted == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer()
        )
    if wanted == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return True


class _Walker:
    def __init__(self, *, defaults: bool, prune: bool) -> None:
        self.defaults = defaults
        self.prune = prune
        self.errors: list[FieldProblem] = []
        self.pruned: list[str] = []

    def error(self, path: tuple[Any, ...], message: str, allowed: tuple[Any, ...] = ()) -> None:
        self.errors.append(FieldProblem(join(path), message, allowed))

    # -- structure: pruning and defaulting, then value validation --------------------------
    def walk(self, value: Any, schema: dict[str, Any], path: tuple[Any, ...]) -> Any:
        if not isinstance(schema, dict):
            return value
        if value is None:
            if schema.get("nullable"):
                return None
            self.error(path, f"must be of type {self._wanted(schema)}, got null")
            return None
        wanted = schema.get("type")
        if schema.get(INT_OR_STRING):
            if not (isinstance(value, str) or _is_type(value, "integer")):
                self.error(path, f"must be an integer or a string, got {type_name(value)}")
                return value
        elif wanted and not _is_type(value, wanted):
            self.error(path, f"must be of type {wanted}, got {type_name(value)} {show(value)}")
            return value
        if isinstance(value, dict):
            value = self._object(value, schema, path)
        elif isinstance(value, list):
            items = schema.get("items")
            if isinstance(items, dict):
                value = [self.walk(item, items, (*path, i)) for i, item in enumerate(value)]
        self._check(value, schema, path)
        return value

    def _wanted(self, schema: dict[str, Any]) -> str:
        if schema.get(INT_OR_STRING):
            return "integer or string"
        return str(schema.get("type") or "any")

    def _object(
        self, value: dict[str, Any], schema: dict[str, Any], path: tuple[Any, ...]
    ) -> dict[str, Any]:
        props = schema.get("properties") or {}
        additional = schema.get("additionalProperties")
        preserve = bool(schema.get(PRESERVE))
        embedded = bool(schema.get(EMBEDDED))
        out: dict[str, Any] = {}
        for key, child in value.items():
            if key in props:
                out[key] = self.walk(child, props[key], (*path, key))
            elif isinstance(additional, dict):
                out[key] = self.walk(child, additional, (*path, key))
            elif (
                preserve
                or additional is True
                or (embedded and key in ("apiVersion", "kind", "metadata"))
            ):
                out[key] = child
            else:
                self.pruned.append(join((*path, key)))
                if not self.prune:
                    out[key] = child
        if self.defaults:
            for key, child_schema in props.items():
                if key in out and out[key] is not None:
                    continue
                if not isinstance(child_schema, dict) or "default" not in child_schema:
                    continue
                if key in out and child_schema.get("nullable"):
                    continue  # an explicit null stays null when nullable
                out[key] = self.walk(
                    copy.deepcopy(child_schema["default"]), child_schema, (*path, key)
                )
        for key in schema.get("required") or []:
            if key not in out:
                sub = props.get(key) or {}
                hint = ""
                if isinstance(sub, dict) and sub.get("enum"):
                    hint = "; allowed values: " + ", ".join(str(v) for v in sub["enum"])
                self.error(
                    (*path, key), f"required value{hint}", tuple((sub or {}).get("enum") or ())
                )
        return out

    def _check(self, value: Any, schema: dict[str, Any], path: tuple[Any, ...]) -> None:
        enum = schema.get("enum")
        if enum is not None and value not in enum:
            allowed = ", ".join(str(v) for v in enum)
            self.error(
                path, f"unsupported value {show(value)}; allowed values: {allowed}", tuple(enum)
            )
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            lo, hi = schema.get("minimum"), schema.get("maximum")
            if lo is not None:
                if schema.get("exclusiveMinimum") is True and not value > lo:
                    self.error(path, f"must be greater than {lo}, got {value}")
                elif value < lo:
                    self.error(path, f"must be at least {lo}, got {value}")
            if hi is not None:
                if schema.get("exclusiveMaximum") is True and not value < hi:
                    self.error(path, f"must be less than {hi}, got {value}")
                elif value > hi:
                    self.error(path, f"must be at most {hi}, got {value}")
            step = schema.get("multipleOf")
            if step and not math.isclose(value / step, round(value / step)):
                self.error(path, f"must be a multiple of {step}, got {value}")
        if isinstance(value, str):
            if schema.get("minLength") is not None and len(value) < schema["minLength"]:
                self.error(path, f"must be at least {schema['minLength']} characters long")
            if schema.get("maxLength") is not None and len(value) > schema["maxLength"]:
                self.error(path, f"must be at most {schema['maxLength']} characters long")
            pattern = schema.get("pattern")
            if pattern:
                try:
                    matched = re.search(pattern, value) is not None
                except re.error:
                    matched = True  # an RE2 pattern Python cannot compile: the server decides
                if not matched:
                    self.error(path, f"{show(value)} does not match the pattern {pattern}")
        if isinstance(value, list):
            if schema.get("minItems") is not None and len(value) < schema["minItems"]:
                self.error(path, f"must have at least {schema['minItems']} items, got {len(value)}")
            if schema.get("maxItems") is not None and len(value) > schema["maxItems"]:
                self.error(path, f"must have at most {schema['maxItems']} items, got {len(value)}")
            if schema.get("uniqueItems"):
                seen = [json.dumps(v, sort_keys=True, default=str) for v in value]
                if len(seen) != len(set(seen)):
                    self.error(path, "items must be unique")
        if isinstance(value, dict):
            if schema.get("minProperties") is not None and len(value) < schema["minProperties"]:
                self.error(path, f"must have at least {schema['minProperties']} fields")
            if schema.get("maxProperties") is not None and len(value) > schema["maxProperties"]:
                self.error(path, f"must have at most {schema['maxProperties']} fields")
        for sub in schema.get("allOf") or []:
            self.errors.extend(_value_errors(value, sub, path))
        if schema.get("anyOf") and all(_value_errors(value, sub, path) for sub in schema["anyOf"]):
            self.error(path, "does not match any of the allowed forms (anyOf)")
        if schema.get("oneOf"):
            matches = sum(1 for sub in schema["oneOf"] if not _value_errors(value, sub, path))
            if matches != 1:
                self.error(
                    path, f"must match exactly one of the allowed forms (oneOf), matches {matches}"
                )
        if isinstance(schema.get("not"), dict) and not _value_errors(value, schema["not"], path):
            self.error(path, "matches a form that is not allowed (not)")


def _value_errors(value: Any, schema: dict[str, Any], path: tuple[Any, ...]) -> list[FieldProblem]:
    walker = _Walker(defaults=False, prune=False)
    walker.walk(copy.deepcopy(value), schema, path)
    return walker.errors


def validate(
    value: Any, schema: dict[str, Any], *, defaults: bool = True, prune: bool = True
) -> Validation:
    """Prune, default and validate ``value``; the input is not modified."""
    walker = _Walker(defaults=defaults, prune=prune)
    result = walker.walk(copy.deepcopy(value), schema, ())
    return Validation(result, walker.errors, walker.pruned)


def at(schema: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any] | None:
    """The sub-schema at ``path`` (through properties and additionalProperties), or None."""
    node: Any = schema
    for key in path:
        if not isinstance(node, dict):
            return None
        props = node.get("properties") or {}
        if key in props:
            node = props[key]
        elif isinstance(node.get("additionalProperties"), dict):
            node = node["additionalProperties"]
        elif node.get(PRESERVE) or node.get("additionalProperties") is True:
            return {}
        else:
            return None
    return node if isinstance(node, dict) else None
