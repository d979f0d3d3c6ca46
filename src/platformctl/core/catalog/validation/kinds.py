"""Steps 4 and 5: kind validation (the built-in kind schemas, the scaffolder's Template
v1beta3, the platform's custom kinds; an entity nobody recognises is rejected) and the allowed
type of Location entities."""

from __future__ import annotations

import difflib
import json
from typing import Any

from platformctl.core import yamlio
from platformctl.core.catalog import schema as S
from platformctl.core.catalog.validation.context import FileContext, kind_names
from platformctl.core.catalog.validation.model import ALLOWED_LOCATION_TYPES
from platformctl.core.catalog.validation.placeholders import Placeholder
from platformctl.core.catalog.validation.policies import schema_findings


def validate_kind(
    ctx: FileContext,
    doc: yamlio.Document,
    entity: dict[str, Any],
    ref: str,
    placeholders: dict[tuple[Any, ...], Placeholder],
    *,
    builtin: bool,
    schema_ok: bool,
) -> bool:
    """True when a processor accepts the entity (``builtin``: a built-in kind with one of its
    apiVersions; ``schema_ok``: it already passed that kind's compiled schema)."""
    kind: str = entity["kind"]
    api_version = entity.get("apiVersion")
    custom = ctx.org.custom_kinds.get(kind)
    kind_ok = False
    if builtin:
        compiled = S.kind_schema(kind)
        if schema_ok:
            kind_ok = True
        else:
            errors = [e for e in compiled.errors(entity) if list(e.schema_path)[:2] != ["allOf", 0]]
            if errors:
                schema_findings(ctx, doc, errors, "backstage/kind-schema", ref, placeholders)
            else:
                kind_ok = True
    elif custom is not None and api_version in custom.api_versions:
        compiled = custom.compiled()
        if compiled.is_valid(entity):
            kind_ok = True
        else:
            schema_findings(ctx, doc, compiled.errors(entity), "org/custom-kind", ref, placeholders)
    elif kind in S.KIND_SCHEMAS or custom is not None:
        versions = S.kind_api_versions(kind) if custom is None else custom.api_versions
        close = difflib.get_close_matches(str(api_version), versions, n=1, cutoff=0.5)
        hint = f"did you mean {close[0]}?" if close else f"use one of: {', '.join(versions)}"
        ctx.add(
            "backstage/unknown-kind",
            f"no processor recognises kind {kind} with apiVersion {api_version}",
            doc=doc,
            path=("apiVersion",),
            entity=ref,
            hint=hint,
        )
    else:
        known = kind_names(ctx.org)
        lowered = {k.lower(): k for k in known}
        close = (
            [lowered[kind.lower()]]
            if kind.lower() in lowered
            else difflib.get_close_matches(kind, known, n=1, cutoff=0.6)
        )
        hint = (
            f"did you mean {close[0]}?"
            if close
            else "declare it under catalog.custom_kinds in your platform, or use one of: "
            + ", ".join(known)
        )
        ctx.add(
            "backstage/unknown-kind",
            f"unknown kind {kind} (apiVersion {api_version}): no processor recognises it",
            doc=doc,
            path=("kind",),
            entity=ref,
            hint=hint,
        )
    return kind_ok


def check_location_type(
    ctx: FileContext, doc: yamlio.Document, kind: str, spec: Any, ref: str
) -> None:
    """Location entities must be of an allowed type (the file is registered as ``url``)."""
    if (
        kind == "Location"
        and isinstance(spec, dict)
        and "type" in spec
        and spec["type"] not in ALLOWED_LOCATION_TYPES
    ):
        ctx.add(
            "backstage/location-type",
            f"location type {spec['type']!r} is not allowed; registered locations must be of "
            f"an allowed type {json.dumps(list(ALLOWED_LOCATION_TYPES))}",
            doc=doc,
            path=("spec", "type"),
            entity=ref,
            hint="use type: url (or leave type out); targets are resolved relative to this file",
        )
