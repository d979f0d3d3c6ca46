"""Step 6, relations: every relation field is parsed as an entity reference the way
``BuiltinKindsEntityProcessor`` does (``backstage/invalid-ref``), and the parsed targets are
kept for resolution across files; plus our checks of each written reference against the
platform's rules (``org/owner-kind``, ``org/ref-kind``, ``org/ref-namespace``, ``org/ref-name``)."""

from __future__ import annotations

import difflib
from typing import Any

from platformctl.core import yamlio
from platformctl.core.catalog import refs as refs_mod
from platformctl.core.catalog import schema as S
from platformctl.core.catalog.org import OrgRules
from platformctl.core.catalog.org import reference_problems as org_reference_problems
from platformctl.core.catalog.validation.context import FileContext, dotted, js_truthy, kind_names
from platformctl.core.catalog.validation.model import RelationRef

# Relation fields no kind schema types: any YAML value reaches parseEntityRef.
UNTYPED_RELATION_FIELDS = frozenset({"dependencyOf"})
TEMPLATE_API_VERSION = "scaffolder.backstage.io/v1beta3"


_CACHE_SIZE = 50_000
_PROBLEMS: dict[tuple[Any, ...], list[Any]] = {}
_PARSED: dict[tuple[str, str | None, str], refs_mod.EntityRef | str] = {}


def _parsed_target(target: Any, default_kind: str | None, namespace: str) -> Any:
    """``check_relation_target``, remembered for strings (they recur across entities)."""
    if not isinstance(target, str):
        return refs_mod.check_relation_target(target, default_kind, namespace)
    key = (target, default_kind, namespace)
    cached = _PARSED.get(key)
    if cached is None:
        if len(_PARSED) > _CACHE_SIZE:
            _PARSED.clear()
        try:
            cached = refs_mod.check_relation_target(target, default_kind, namespace)
        except refs_mod.EntityRefError as exc:
            cached = str(exc)
        _PARSED[key] = cached  # type: ignore[assignment]
    if isinstance(cached, str):
        raise refs_mod.EntityRefError(cached)
    return cached


def parse_relations(
    ctx: FileContext,
    doc: yamlio.Document,
    kind: str,
    namespace: str,
    spec: Any,
    ref: str,
    api_version: Any = None,
) -> None:
    """Parse every relation field of a built-in kind (Backstage's default kinds per field),
    the way BuiltinKindsEntityProcessor (and ScaffolderEntitiesProcessor for a v1beta3
    Template's owner) does: a falsy field is skipped, a list is read item by item, anything
    else as one reference."""
    if not isinstance(spec, dict):
        return
    # Backstage parses a Template's owner only for the scaffolder's own apiVersion
    backstage_parses = kind != "Template" or api_version == TEMPLATE_API_VERSION
    for field_name, default_kind in refs_mod.RELATION_FIELDS.get(kind, ()):
        if field_name not in spec:
            continue
        value = spec[field_name]
        if not js_truthy(value):
            continue
        targets = value if isinstance(value, list) else [value]
        for i, target in enumerate(targets):
            if not isinstance(target, str) and field_name not in UNTYPED_RELATION_FIELDS:
                continue  # the kind schema reports the type
            path = ("spec", field_name, i) if isinstance(value, list) else ("spec", field_name)
            try:
                parsed = _parsed_target(target, default_kind, namespace)
            except refs_mod.EntityRefError as exc:
                hint = (
                    f"write a full reference such as resource:default/{target}"
                    if default_kind is None and isinstance(target, str)
                    else "use [<kind>:][<namespace>/]<name>"
                )
                ctx.add(
                    "backstage/invalid-ref" if backstage_parses else "refs/invalid-ref",
                    f"spec.{field_name}: {exc}",
                    doc=doc,
                    path=path,
                    entity=ref,
                    hint=hint,
                )
                continue
            if parsed is None:
                continue
            ctx.relations.append(
                RelationRef(
                    ref,
                    f"spec.{field_name}",
                    str(parsed),
                    ctx.display,
                    None,
                    None,
                    doc.index,
                    False,
                    where=(doc, path),
                )
            )


def relation_fields(kind: str, org: OrgRules) -> tuple[tuple[str, str | None], ...]:
    """The relation fields of ``kind``; for a kind no processor knows, those of the kind it
    most likely means (``Componnent``), else just ``owner``: the entity is rejected anyway,
    but its references are still worth checking (all problems of a document at once)."""
    if kind in refs_mod.RELATION_FIELDS:
        return refs_mod.RELATION_FIELDS[kind]
    if kind in org.custom_kinds:
        return (("owner", "Group"),)
    if kind in S.KIND_SCHEMAS:
        return ()  # Location
    lowered = {k.lower(): k for k in refs_mod.RELATION_FIELDS}
    close = lowered.get(kind.lower()) or next(
        iter(difflib.get_close_matches(kind, list(refs_mod.RELATION_FIELDS), n=1, cutoff=0.6)),
        None,
    )
    return refs_mod.RELATION_FIELDS[close] if close else (("owner", "Group"),)


def reference_checks(
    ctx: FileContext, doc: yamlio.Document, kind: str, spec: dict[str, Any], ref: str
) -> None:
    """``org/owner-kind``, ``org/ref-kind``, ``org/ref-namespace``, ``org/ref-name``: every
    written reference of every relation field, owners against the platform's owner kinds."""
    org = ctx.org
    # Backstage already rejects empty parts (backstage/invalid-ref) of the kinds it processes
    backstage_parses = kind in refs_mod.RELATION_FIELDS
    known = tuple(kind_names(org))
    for field_name, default_kind in relation_fields(kind, org):
        value = spec.get(field_name)
        if not value:
            continue
        targets = value if isinstance(value, list) else [value]
        for i, target in enumerate(targets):
            if not isinstance(target, str):
                continue
            path = ("spec", field_name, i) if isinstance(value, list) else ("spec", field_name)
            owner_kinds = org.owner_kinds if field_name == "owner" else None
            # the same few references recur in every entity (owner: team-a): check each once
            key = (target, default_kind, path, owner_kinds, known)
            problems = _PROBLEMS.get(key)
            if problems is None:
                if len(_PROBLEMS) > _CACHE_SIZE:
                    _PROBLEMS.clear()
                problems = _PROBLEMS[key] = org_reference_problems(
                    target,
                    default_kind,
                    field=dotted(path),
                    owner_kinds=owner_kinds,
                    known_kinds=known,
                )
            for problem in problems:
                if problem.empty and backstage_parses:
                    continue
                ctx.add(
                    problem.rule,
                    problem.message,
                    severity=org.severity,
                    doc=doc,
                    path=path,
                    entity=ref,
                    hint=problem.hint,
                )
