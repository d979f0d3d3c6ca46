"""The per-entity pipeline, in the catalog backend's order: the location annotations the
collector adds, placeholders (step 2), policies (3), kind validation (4), Location type (5),
relations (6), then our own reference, file and organisation checks."""

from __future__ import annotations

from typing import Any

from platformctl.core import yamlio
from platformctl.core.catalog import refs as refs_mod
from platformctl.core.catalog import schema as S
from platformctl.core.catalog.validation.context import FileContext, js_truthy
from platformctl.core.catalog.validation.kinds import check_location_type, validate_kind
from platformctl.core.catalog.validation.model import (
    ANNOTATION_LOCATION,
    ANNOTATION_ORIGIN_LOCATION,
    EntityRecord,
)
from platformctl.core.catalog.validation.placeholders import (
    Placeholder,
    resolve_placeholder,
    substitute,
)
from platformctl.core.catalog.validation.platform_checks import (
    location_targets_check,
    org_checks,
    techdocs_check,
)
from platformctl.core.catalog.validation.policies import apply_policies
from platformctl.core.catalog.validation.relations import parse_relations, reference_checks


def process_entity(ctx: FileContext, doc: yamlio.Document, data: dict[str, Any]) -> None:
    meta = data["metadata"]
    kind: str = data["kind"]
    name: str = meta["name"]
    namespace: str = meta.get("namespace") or refs_mod.DEFAULT_NAMESPACE
    ref = refs_mod.stringify_entity_ref(kind, namespace, name)
    ctx.entities.append(EntityRecord(ref, kind, namespace, name, ctx.display, doc.index, data, doc))

    # The collector adds the location annotations (an absent/falsy value becomes {}).
    entity = dict(data)
    entity_meta = dict(meta)
    entity_meta["annotations"] = {
        **(meta.get("annotations") if js_truthy(meta.get("annotations")) else {}),
        ANNOTATION_ORIGIN_LOCATION: f"url:{ctx.display}",
        ANNOTATION_LOCATION: f"url:{ctx.display}",
    }
    entity["metadata"] = entity_meta

    # 2. placeholders
    placeholders: dict[tuple[Any, ...], Placeholder] = {}
    if ctx.has_dollar:
        found: list[Placeholder] = []
        entity, _ = substitute(entity, (), found, lambda p: resolve_placeholder(ctx, doc, ref, p))
        placeholders = {p.path: p for p in found}

    # 3. policies
    api_version = entity.get("apiVersion")
    builtin = kind in S.KIND_SCHEMAS and api_version in S.kind_api_versions(kind)
    # A kind's schema includes the Entity schema (allOf[0]): one compiled check covers both.
    # Only entities that fail it go through the slower validators that collect every error.
    gate_ok = (S.kind_schema(kind) if builtin else S.entity()).is_valid(entity)
    apply_policies(ctx, doc, entity, ref, placeholders, schema_ok=gate_ok)

    # 4. kind validation
    kind_ok = validate_kind(
        ctx, doc, entity, ref, placeholders, builtin=builtin, schema_ok=builtin and gate_ok
    )

    spec = entity.get("spec")
    # 5. Location type
    check_location_type(ctx, doc, kind, spec, ref)
    # 6. relations
    parse_relations(ctx, doc, kind, namespace, spec, ref, api_version)

    # our own checks
    if isinstance(spec, dict):
        reference_checks(ctx, doc, kind, spec, ref)
    techdocs_check(ctx, doc, entity_meta, ref)
    if kind == "Location" and isinstance(spec, dict):
        location_targets_check(ctx, doc, spec, ref)
    if not ctx.org.empty:
        org_checks(ctx, doc, entity, ref, kind_ok)
