"""Our own checks beyond Backstage's: relative Location targets and ``techdocs-ref dir:``
folders exist, and the platform's organisation rules (``org/...``: name length, lifecycles,
types, required annotations)."""

from __future__ import annotations

from typing import Any

from platformctl.core import yamlio
from platformctl.core.catalog.validation.context import FileContext, close_matches
from platformctl.core.catalog.validation.model import ANNOTATION_TECHDOCS


def location_targets_check(
    ctx: FileContext, doc: yamlio.Document, spec: dict[str, Any], ref: str
) -> None:
    """Relative Location targets (type url, resolved against this file) should exist."""
    if ctx.real is None or spec.get("type", "url") != "url":
        return
    targets: list[tuple[tuple[Any, ...], Any]] = []
    if "target" in spec:
        targets.append((("spec", "target"), spec["target"]))
    if isinstance(spec.get("targets"), list):
        targets += [(("spec", "targets", i), t) for i, t in enumerate(spec["targets"])]
    for path, target in targets:
        if not isinstance(target, str) or "://" in target or any(c in target for c in "*?[\x00"):
            continue
        if not (ctx.real.parent / target).exists():
            ctx.add(
                "refs/location-target-missing",
                f"location target {target} does not exist",
                severity="warning",
                doc=doc,
                path=path,
                entity=ref,
                hint="targets are relative to this file",
            )


def techdocs_check(ctx: FileContext, doc: yamlio.Document, meta: dict[str, Any], ref: str) -> None:
    value = (meta.get("annotations") or {}).get(ANNOTATION_TECHDOCS)
    if (
        not isinstance(value, str)
        or not value.startswith("dir:")
        or ctx.real is None
        or "\x00" in value
    ):
        return
    folder = (ctx.real.parent / value[4:]).resolve()
    if not any((folder / n).is_file() for n in ("mkdocs.yml", "mkdocs.yaml")):
        ctx.add(
            "refs/techdocs-missing",
            f"{ANNOTATION_TECHDOCS} points to {value[4:] or '.'}, which has no mkdocs.yml",
            severity="warning",
            doc=doc,
            path=("metadata", "annotations", ANNOTATION_TECHDOCS),
            entity=ref,
            hint="add mkdocs.yml there, or fix the dir: path (relative to this file)",
        )


def org_checks(
    ctx: FileContext, doc: yamlio.Document, entity: dict[str, Any], ref: str, kind_ok: bool
) -> None:
    org = ctx.org
    sev = org.severity
    kind = entity["kind"]
    meta = entity["metadata"]
    raw_spec = entity.get("spec")
    spec: dict[str, Any] = raw_spec if isinstance(raw_spec, dict) else {}
    name = meta.get("name")
    if org.max_name_length and isinstance(name, str) and len(name) > org.max_name_length:
        ctx.add(
            "org/name-length",
            f"metadata.name is {len(name)} characters; "
            f"this platform allows at most {org.max_name_length}",
            severity=sev,
            doc=doc,
            path=("metadata", "name"),
            entity=ref,
            hint="shorten the name; put the long form in metadata.title",
        )
    lifecycle = spec.get("lifecycle")
    if (
        org.allowed_lifecycles is not None
        and isinstance(lifecycle, str)
        and lifecycle not in org.allowed_lifecycles
    ):
        close = close_matches(lifecycle, org.allowed_lifecycles)
        ctx.add(
            "org/lifecycle",
            f"spec.lifecycle {lifecycle!r} is not allowed here",
            severity=sev,
            doc=doc,
            path=("spec", "lifecycle"),
            entity=ref,
            hint=(f"did you mean {close[0]}? " if close else "")
            + f"allowed: {', '.join(org.allowed_lifecycles)}",
        )
    allowed_types = org.allowed_types.get(kind)
    spec_type = spec.get("type")
    if allowed_types is not None and isinstance(spec_type, str) and spec_type not in allowed_types:
        close = close_matches(spec_type, allowed_types)
        ctx.add(
            "org/type",
            f"spec.type {spec_type!r} is not an allowed {kind} type",
            severity=sev,
            doc=doc,
            path=("spec", "type"),
            entity=ref,
            hint=(f"did you mean {close[0]}? " if close else "")
            + f"allowed: {', '.join(allowed_types)}",
        )
    annotations = meta.get("annotations") or {}
    for requirement in org.required_annotations:
        if requirement.kind and requirement.kind.lower() != kind.lower():
            continue
        if requirement.type and requirement.type != spec_type:
            continue
        for annotation in requirement.annotations:
            if annotation not in annotations:
                what = kind + (f" of type {requirement.type}" if requirement.type else "")
                ctx.add(
                    "org/required-annotation",
                    f"missing annotation {annotation} (required for every {what})",
                    severity=sev,
                    doc=doc,
                    path=("metadata", "annotations"),
                    key=True,
                    entity=ref,
                    hint=f"add metadata.annotations.{annotation}",
                )
