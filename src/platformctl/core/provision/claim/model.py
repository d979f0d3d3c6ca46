"""The claim-type model: ``ClaimType``, its parameters read from the XRD schema (``Param``,
``parameters``), ``Registry``, and the labels, reserved option names and Crossplane-owned fields
every claim type shares."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformctl.core.errors import UsageError
from platformctl.core.provision import schema as schemas
from platformctl.core.provision.xrd import XRD

REQUEST_ID = "platformctl.io/request-id"
CLAIM_TYPE_LABEL = "platformctl.io/claim-type"
MANAGED_BY = "app.kubernetes.io/managed-by"
NAME_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")

# Options every claim command has; a generated parameter with one of these names gets a prefix.
RESERVED_OPTIONS = frozenset(
    {
        "set",
        "namespace",
        "context",
        "kubeconfig",
        "output",
        "dry-run",
        "wait",
        "no-wait",
        "timeout",
        "format",
        "force-conflicts",
        "show-values",
        "export-env",
        "gitops",
        "repo",
        "path",
        "branch",
        "push",
        "record",
        "no-record",
        "catalog-file",
        "no-input",
        "yes",
        "help",
        "interval",
        "from-file",
    }
)
# Fields Crossplane (or the platform) fills in: never offered as parameters.
CROSSPLANE_FIELDS = frozenset(
    {
        "compositionRef",
        "compositionSelector",
        "compositionRevisionRef",
        "compositionRevisionSelector",
        "compositionUpdatePolicy",
        "compositeDeletePolicy",
        "writeConnectionSecretToRef",
        "publishConnectionDetailsTo",
        "resourceRef",
        "resourceRefs",
        "claimRef",
        "environmentConfigRefs",
        "crossplane",
    }
)
SCALARS = ("string", "integer", "number", "boolean")


@dataclass
class ClaimType:
    name: str
    xrd: XRD
    aliases: list[str] = field(default_factory=list)
    resource_type: str = "resource"
    composition_selector: dict[str, str] = field(default_factory=dict)
    platform: str = "default"
    xrd_path: Path | None = None

    @property
    def kind(self) -> str:
        return self.xrd.request_kind

    @property
    def description(self) -> str:
        return self.xrd.description

    @property
    def params(self) -> list[Param]:
        return parameters(self.xrd)


@dataclass
class Param:
    path: tuple[str, ...]  # under spec
    option: str  # kebab-case, without the leading --
    type: str  # string, integer, number, boolean, array, int-or-string
    description: str = ""
    enum: list[Any] | None = None
    default: Any = None
    has_default: bool = False
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    item_type: str | None = None

    @property
    def flag(self) -> str:
        return f"--{self.option}"

    @property
    def dotted(self) -> str:
        return ".".join(("spec", *self.path))


@dataclass
class Registry:
    types: dict[str, ClaimType] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # type name -> why it is unusable

    def names(self) -> list[str]:
        return list(self.types)

    def get(self, name: str) -> ClaimType:
        key = self.aliases.get(name, name)
        if key in self.types:
            return self.types[key]
        if key in self.errors:
            raise UsageError(f"claim type {name!r} cannot be used: {self.errors[key]}")
        known = ", ".join(sorted({*self.types, *self.aliases}))
        raise UsageError(
            f"unknown claim type {name!r}",
            hint=f"known types: {known} (platformctl provision types)",
        )

    def find(self, name: str) -> ClaimType | None:
        key = self.aliases.get(name, name)
        return self.types.get(key)


def _kebab(name: str) -> str:
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", name)
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1-\2", name)
    return re.sub(r"[^a-zA-Z0-9]+", "-", name).strip("-").lower()


def parameters(xrd: XRD, *, max_depth: int = 3) -> list[Param]:
    """CLI parameters derived from the XRD's spec schema (scalars and scalar lists)."""
    spec = xrd.parameters_schema()
    found: list[Param] = []

    def visit(node: dict[str, Any], path: tuple[str, ...], present: bool, depth: int) -> None:
        props = node.get("properties") or {}
        required = set(node.get("required") or [])
        for key, sub in props.items():
            if not isinstance(sub, dict) or (not path and key in CROSSPLANE_FIELDS):
                continue
            child_path = (*path, key)
            child_present = present and (key in required)
            kind = "int-or-string" if sub.get(schemas.INT_OR_STRING) else sub.get("type")
            if kind == "object" and sub.get("properties") and depth < max_depth:
                visit(sub, child_path, child_present or "default" in sub, depth + 1)
                continue
            item_type = None
            if kind == "array":
                items = sub.get("items") or {}
                item_type = items.get("type")
                if item_type not in SCALARS:
                    continue
            elif kind not in (*SCALARS, "int-or-string"):
                continue
            found.append(
                Param(
                    path=child_path,
                    option="",
                    type=str(kind),
                    description=" ".join(str(sub.get("description") or "").split()),
                    enum=list(sub["enum"])
                    if sub.get("enum")
                    else (list((sub.get("items") or {}).get("enum") or []) or None),
                    default=sub.get("default"),
                    has_default="default" in sub,
                    required=child_present and "default" not in sub,
                    minimum=sub.get("minimum"),
                    maximum=sub.get("maximum"),
                    pattern=sub.get("pattern"),
                    item_type=item_type,
                )
            )

    visit(spec, (), True, 0)

    # option names: path without a leading "parameters", kebab-case; full path on collisions
    def short(p: Param) -> str:
        parts = p.path[1:] if len(p.path) > 1 and p.path[0] == "parameters" else p.path
        return "-".join(_kebab(x) for x in parts)

    counts: dict[str, int] = {}
    for p in found:
        counts[short(p)] = counts.get(short(p), 0) + 1
    for p in found:
        option = short(p)
        if counts[option] > 1:
            option = "-".join(_kebab(x) for x in p.path)
        if option in RESERVED_OPTIONS:
            option = "param-" + option
        p.option = option
    return found
