"""``catalog validate``: Backstage's ingestion rules, all errors at once, with positions.

The order follows the catalog backend (plugin-catalog-backend 4.0.0) for a file registered as
a ``url`` location:

1. read: ``parseEntityYaml`` (YAML 1.2; any YAML error or non-object document fails the read),
   then the output collector's envelope check (``EntityEnvelope`` schema) and the
   "annotations must be an object" check.  A failure here rejects the *whole file*;
2. pre-process: ``$text``/``$json``/``$yaml`` placeholders are substituted;
3. policies: ``SchemaValidEntityPolicy`` (Entity schema), ``DefaultNamespaceEntityPolicy``,
   ``NoForeignRootFieldsEntityPolicy``, ``FieldFormatEntityPolicy``;
4. kind validation: the built-in kind schemas (and the scaffolder's Template v1beta3); an
   entity no validator recognises is rejected;
5. Location entities: ``spec.type`` must be an allowed location type (``url``);
6. post-process: relation fields are parsed as entity references.

Backstage stops at the first error; we report every error of every stage.  On top come our own
offline reference checks (``refs/...``) and the platform's rules (``org/...``).
"""

from __future__ import annotations

import contextlib
import difflib
import gc
import json
import os
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformctl.core import yamlio
from platformctl.core.catalog import refs as refs_mod
from platformctl.core.catalog import rules as R
from platformctl.core.catalog import schema as S
from platformctl.core.catalog.org import OrgRules
from platformctl.core.catalog.org import from_config as org_rules_from_config
from platformctl.core.catalog.org import reference_problems as org_reference_problems
from platformctl.core.config import Config
from platformctl.core.report import Finding, Report, RuleInfo

ANNOTATION_LOCATION = "backstage.io/managed-by-location"
ANNOTATION_ORIGIN_LOCATION = "backstage.io/managed-by-origin-location"
ANNOTATION_TECHDOCS = "backstage.io/techdocs-ref"
KNOWN_ROOT_FIELDS = ("apiVersion", "kind", "metadata", "spec")
ALLOWED_LOCATION_TYPES = ("url",)
PLACEHOLDER_RESOLVERS = ("text", "json", "yaml")
CATALOG_FILENAMES = ("catalog-info.yaml", "catalog-info.yml")
CATALOG_SUFFIX = ".catalog.yaml"
SKIP_DIRS = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".nox"})
ADR_URL = (
    "https://github.com/backstage/backstage/blob/master/docs/architecture-decisions/"
    "adr002-default-catalog-file-format.md"
)


@dataclass
class EntityRecord:
    ref: str
    kind: str
    namespace: str
    name: str
    file: str
    document: int
    data: dict
    doc: yamlio.Document


class RelationRef:
    """A relation (``spec.owner`` etc.) of an entity to a target ref.

    Its position is found in the YAML document only when asked for (``line``/``column``):
    most relations resolve, and only unresolved ones become findings."""

    __slots__ = ("source", "field", "target", "file", "document", "resolved", "_pos", "_where")

    def __init__(
        self,
        source: str,
        field: str,
        target: str,
        file: str,
        line: int | None,
        column: int | None,
        document: int,
        resolved: bool,
        *,
        where: tuple[yamlio.Document, tuple[Any, ...]] | None = None,
    ) -> None:
        self.source = source
        self.field = field
        self.target = target
        self.file = file
        self.document = document
        self.resolved = resolved
        self._pos: tuple[int | None, int | None] = (line, column)
        self._where = where

    def _position(self) -> tuple[int | None, int | None]:
        if self._where is not None:
            doc, path = self._where
            self._where = None
            self._pos = doc.position(path)
        return self._pos

    @property
    def line(self) -> int | None:
        return self._position()[0]

    @property
    def column(self) -> int | None:
        return self._position()[1]

    def __getstate__(self) -> dict[str, Any]:
        # shipped from worker processes: the position, not the document's node graph
        self._position()
        return {name: getattr(self, name) for name in self.__slots__}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            setattr(self, name, value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RelationRef):
            return NotImplemented
        return self.__getstate__() == other.__getstate__()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"RelationRef(source={self.source!r}, field={self.field!r}, "
            f"target={self.target!r}, file={self.file!r}, line={self.line!r}, "
            f"column={self.column!r}, document={self.document!r}, resolved={self.resolved!r})"
        )


@dataclass
class ValidationResult:
    report: Report
    entities: list[EntityRecord]
    relations: list[RelationRef]
    input_errors: bool


RULES: dict[str, RuleInfo] = {
    r.id: r
    for r in (
        RuleInfo("yaml/syntax", "The file is not valid YAML 1.2"),
        RuleInfo(
            "yaml/not-a-mapping", "A YAML document is not a mapping (Backstage expects an object)"
        ),
        RuleInfo(
            "backstage/file-rejected",
            "Backstage rejects the whole file when any document fails to read",
        ),
        RuleInfo(
            "backstage/envelope", "apiVersion, kind and metadata.name must be non-empty strings"
        ),
        RuleInfo("backstage/annotations-not-object", "metadata.annotations must be a mapping"),
        RuleInfo(
            "backstage/placeholder", "A $text/$json/$yaml placeholder needs a string location"
        ),
        RuleInfo("backstage/schema", "The entity does not match Backstage's Entity schema"),
        RuleInfo(
            "backstage/unknown-root-field",
            "Only apiVersion, kind, metadata and spec may appear at the top level",
        ),
        RuleInfo(
            "backstage/field-format",
            "A field does not have the format Backstage requires",
            url=ADR_URL,
        ),
        RuleInfo("backstage/unknown-kind", "No processor recognises this kind and apiVersion"),
        RuleInfo("backstage/kind-schema", "The entity does not match the schema of its kind"),
        RuleInfo("backstage/location-type", "Location entities must be of an allowed type"),
        RuleInfo("backstage/invalid-ref", "A relation field is not a valid entity reference"),
        RuleInfo(
            "refs/unresolved", "A relation points to an entity not defined in the validated files"
        ),
        RuleInfo("refs/duplicate-entity", "Two documents define the same entity"),
        RuleInfo("refs/placeholder-missing", "A placeholder's relative target does not exist"),
        RuleInfo(
            "refs/placeholder-unparsable", "A $json/$yaml placeholder's target does not parse"
        ),
        RuleInfo("refs/techdocs-missing", "backstage.io/techdocs-ref dir: has no mkdocs.yml"),
        RuleInfo("refs/location-target-missing", "A relative Location target does not exist"),
        RuleInfo("org/name-length", "The entity name is longer than the platform allows"),
        RuleInfo("org/lifecycle", "spec.lifecycle is not one the platform allows"),
        RuleInfo("org/type", "spec.type is not one the platform allows for this kind"),
        RuleInfo("org/required-annotation", "An annotation the platform requires is missing"),
        RuleInfo(
            "org/custom-kind", "The entity does not match the platform's schema for this kind"
        ),
        RuleInfo(
            "org/owner-kind",
            "spec.owner must reference one of the platform's owner kinds (Group or User)",
        ),
        RuleInfo("org/ref-kind", "A written reference's kind is not a known, valid entity kind"),
        RuleInfo(
            "org/ref-namespace", "A written reference's namespace is not a valid entity namespace"
        ),
        RuleInfo("org/ref-name", "A written reference's name is not a valid entity name"),
    )
}


# --- helpers ---------------------------------------------------------------------------------


def _dotted(path: Iterable[Any]) -> str:
    return yamlio.dotted(path, "the document")


def _type_name(value: Any) -> str:
    name = yamlio.type_name(value)
    return {"string": "a string", "number": "a number", "boolean": "a boolean"}.get(name, name)


_JSON_TYPES = {
    "string": "a string",
    "object": "a mapping",
    "array": "a list",
    "number": "a number",
    "integer": "an integer",
    "boolean": "a boolean",
    "null": "null",
}


class _FileContext:
    """Everything about one file being validated."""

    def __init__(
        self,
        display: str,
        real: Path | None,
        loaded: yamlio.LoadedFile,
        org: OrgRules,
    ) -> None:
        self.display = display
        self.real = real
        self.loaded = loaded
        self.org = org
        self.findings: list[Finding] = []
        self.entities: list[EntityRecord] = []
        self.relations: list[RelationRef] = []
        self.blocked: list[str] = []  # why the file is rejected
        self.input_error = False
        self.has_dollar = bool(loaded.text) and "$" in (loaded.text or "")

    def add(
        self,
        rule: str,
        message: str,
        *,
        severity: str = "error",
        doc: yamlio.Document | None = None,
        path: tuple[Any, ...] = (),
        key: bool = False,
        document: int | None = None,
        entity: str | None = None,
        hint: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        if doc is not None and line is None:
            line, column = doc.position(path, key=key)
            document = doc.index
        if line is None:
            line, column = 1, 1
        self.findings.append(
            Finding(rule, severity, message, self.display, line, column, document, entity, hint)
        )


# --- reading ---------------------------------------------------------------------------------


def _envelope_errors(data: dict[str, Any]) -> list[tuple[tuple[Any, ...], str, bool]]:
    """(path, message, point-at-key) for every EntityEnvelope schema violation."""
    out: list[tuple[tuple[Any, ...], str, bool]] = []
    for name in ("apiVersion", "kind"):
        if name not in data:
            out.append(((), f"missing required field '{name}'", False))
        elif not isinstance(data[name], str):
            out.append(((name,), f"{name} must be a string, not {_type_name(data[name])}", False))
        elif not data[name]:
            out.append(((name,), f"{name} must not be empty", False))
    if "metadata" not in data:
        out.append(((), "missing required field 'metadata'", False))
        return out
    meta = data["metadata"]
    if not isinstance(meta, dict):
        out.append((("metadata",), f"metadata must be a mapping, not {_type_name(meta)}", False))
        return out
    if "name" not in meta:
        out.append((("metadata",), "missing required field 'metadata.name'", True))
    elif not isinstance(meta["name"], str):
        out.append(
            (
                ("metadata", "name"),
                f"metadata.name must be a string, not {_type_name(meta['name'])}",
                False,
            )
        )
    elif not meta["name"]:
        out.append((("metadata", "name"), "metadata.name must not be empty", False))
    if "namespace" in meta:
        ns = meta["namespace"]
        if not isinstance(ns, str):
            out.append(
                (
                    ("metadata", "namespace"),
                    f"metadata.namespace must be a string, not {_type_name(ns)}",
                    False,
                )
            )
        elif not ns:
            out.append((("metadata", "namespace"), "metadata.namespace must not be empty", False))
    return out


def _js_truthy(value: Any) -> bool:
    """JavaScript truthiness: empty lists and mappings are true; 0, "", null, NaN false."""
    if value is None or value is False or value == "":
        return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value == value and value != 0
    return True


def _template_hint(value: Any) -> str | None:
    if isinstance(value, dict) and len(value) == 1:
        (key,) = value
        if isinstance(key, str) and key.startswith("$"):
            return (
                f"Backstage's catalog resolves only $text, $json and $yaml placeholders, not {key}"
            )
    if R.looks_templated(value) or (isinstance(value, dict) and len(value) == 1):
        return (
            "unrendered template syntax? render the template before validating, "
            "or exclude skeleton files"
        )
    return None


# --- placeholders ----------------------------------------------------------------------------


@dataclass
class _Placeholder:
    path: tuple[Any, ...]
    resolver: str
    target: Any
    failed: bool = False  # reported already: no schema findings at or under this path


def _substitute(
    node: Any, path: tuple[Any, ...], found: list[_Placeholder], resolve: Any
) -> tuple[Any, bool]:
    """PlaceholderProcessor.preProcessEntity: returns (value, changed)."""
    if isinstance(node, list):
        changed = False
        items = []
        for i, item in enumerate(node):
            new, c = _substitute(item, (*path, i), found, resolve)
            items.append(new)
            changed = changed or c
        return (items, True) if changed else (node, False)
    if not isinstance(node, dict) or not node:
        return node, False
    dollar = [k for k in node if isinstance(k, str) and k.startswith("$")]
    if not dollar:
        changed = False
        out = {}
        for k, v in node.items():
            new, c = _substitute(v, (*path, k), found, resolve)
            out[k] = new
            changed = changed or c
        return (out, True) if changed else (node, False)
    if len(node) != 1:
        return node, False
    key = dollar[0]
    resolver = key[1:]
    if resolver not in PLACEHOLDER_RESOLVERS:
        return node, False
    placeholder = _Placeholder(path, resolver, node[key])
    found.append(placeholder)
    value = resolve(placeholder)
    if placeholder.failed:
        return node, False
    return value, True


# --- the per-entity pipeline -----------------------------------------------------------------


def _field_format(ctx: _FileContext, doc: yamlio.Document, data: dict[str, Any], ref: str) -> None:
    """FieldFormatEntityPolicy, every violation instead of the first."""
    rule = "backstage/field-format"

    def bad(
        path: tuple[Any, ...],
        label: str,
        value: Any,
        expectation: str,
        hint: str | None,
        key: bool = False,
    ) -> None:
        shown = value if isinstance(value, str) else json.dumps(value, default=str)
        ctx.add(
            rule,
            f'{label} "{shown}" is not valid; expected {expectation}',
            doc=doc,
            path=path,
            key=key,
            entity=ref,
            hint=hint,
        )

    api_version = data.get("apiVersion")
    if isinstance(api_version, str) and api_version and not R.is_valid_api_version(api_version):
        bad(
            ("apiVersion",),
            "apiVersion",
            api_version,
            R.EXPECT_PREFIX_SUFFIX,
            "use <group>/<version>, e.g. backstage.io/v1alpha1",
        )
    kind = data.get("kind")
    if isinstance(kind, str) and kind and not R.is_valid_kind(kind):
        bad(("kind",), "kind", kind, R.EXPECT_KIND, "kinds are words like Component or API")
    meta = data["metadata"]
    name = meta.get("name")
    if isinstance(name, str) and name and not R.is_valid_entity_name(name):
        suggestion = R.suggest_name(name)
        hint = _template_hint(name) or (
            f"for example: {suggestion} (put the display name in metadata.title)"
            if suggestion
            else "use letters, digits and [-_.] only, at most 63 characters"
        )
        bad(("metadata", "name"), "metadata.name", name, R.EXPECT_OBJECT_NAME, hint)
    namespace = meta.get("namespace")
    if isinstance(namespace, str) and namespace and not R.is_valid_namespace(namespace):
        bad(
            ("metadata", "namespace"),
            "metadata.namespace",
            namespace,
            R.EXPECT_DNS_LABEL,
            "use lowercase letters, digits and '-', e.g. " + (namespace.lower().replace("_", "-")),
        )
    labels = meta.get("labels")
    # Values of the wrong type are reported once, by the Entity schema (backstage/schema);
    # here only what the schema lets through (and keys the schema's ``^.+$`` does not cover).
    if isinstance(labels, dict):
        for k, v in labels.items():
            if not R.is_valid_label_key(k):
                bad(
                    ("metadata", "labels", k),
                    f"labels.{k}",
                    k,
                    R.EXPECT_PREFIX_SUFFIX,
                    "label keys are [prefix/]name, name of [a-zA-Z0-9-_.]",
                    key=True,
                )
            if (isinstance(v, str) or k == "") and not R.is_valid_label_value(v):
                bad(
                    ("metadata", "labels", k),
                    f"labels.{k}",
                    v,
                    R.EXPECT_OBJECT_NAME,
                    "label values are short identifiers; use an annotation for free text",
                )
    annotations = meta.get("annotations")
    if isinstance(annotations, dict):
        for k, v in annotations.items():
            if not R.is_valid_annotation_key(k):
                bad(
                    ("metadata", "annotations", k),
                    f"annotations.{k}",
                    k,
                    R.EXPECT_PREFIX_SUFFIX,
                    "annotation keys are [prefix/]name, e.g. github.com/project-slug",
                    key=True,
                )
            if k == "" and not R.is_valid_annotation_value(v):
                bad(
                    ("metadata", "annotations", k),
                    f"annotations.{k}",
                    v,
                    R.EXPECT_STRING,
                    "quote the value: annotation values are strings",
                )
    tags = meta.get("tags")
    if isinstance(tags, list):
        for i, tag in enumerate(tags):
            if isinstance(tag, str) and tag and not R.is_valid_tag(tag):
                hint = (
                    "tags are lowercase words joined by '-', e.g. "
                    + (tag.lower().replace(" ", "-").replace("_", "-")[:63])
                )
                bad(("metadata", "tags", i), f"tags.{i}", tag, R.EXPECT_TAG, hint)
    links = meta.get("links")
    if isinstance(links, list):
        for i, link in enumerate(links):
            if not isinstance(link, dict):
                continue
            url = link.get("url")
            if isinstance(url, str) and url and not R.is_valid_url(url):
                bad(
                    ("metadata", "links", i, "url"),
                    f"links.{i}.url",
                    url,
                    R.EXPECT_URL,
                    "use an absolute URL such as https://example.com/dashboard",
                )
            for part in ("title", "icon"):
                value = link.get(part)
                if isinstance(value, str) and value and not R.is_non_empty_string(value):
                    bad(
                        ("metadata", "links", i, part),
                        f"links.{i}.{part}",
                        value,
                        R.EXPECT_NON_EMPTY,
                        "remove it or write some text",
                    )


def _schema_findings(
    ctx: _FileContext,
    doc: yamlio.Document,
    errors: list[Any],
    rule: str,
    ref: str,
    placeholders: dict[tuple[Any, ...], _Placeholder],
    *,
    skip_root_additional: bool = False,
) -> None:
    seen: set[tuple[Any, ...]] = set()
    for error in errors:
        path = tuple(error.absolute_path)
        validator = error.validator
        hint: str | None = None
        if validator == "additionalProperties":
            if skip_root_additional and not path:
                continue
            props = error.schema.get("properties", {})
            extras = (
                [k for k in error.instance if k not in props]
                if isinstance(error.instance, dict)
                else []
            )
            for extra in extras:
                sig = (rule, "extra", *path, extra)
                if sig in seen:
                    continue
                seen.add(sig)
                ctx.add(
                    rule,
                    f"unknown field '{_dotted((*path, extra))}'",
                    doc=doc,
                    path=(*path, extra),
                    key=True,
                    entity=ref,
                    hint="remove it or move it under spec/metadata",
                )
            continue
        if validator == "required":
            missing = error.validator_value
            names = [
                m for m in missing if isinstance(error.instance, dict) and m not in error.instance
            ]
            for name in names or missing:
                sig = (rule, "required", *path, name)
                if sig in seen:
                    continue
                seen.add(sig)
                ctx.add(
                    rule,
                    f"missing required field '{_dotted((*path, name))}'",
                    doc=doc,
                    path=path,
                    key=bool(path),
                    entity=ref,
                    hint=f"add {_dotted((*path, name))}",
                )
            continue
        where = _dotted(path)
        if validator == "type":
            expected = error.validator_value
            expected_text = " or ".join(
                _JSON_TYPES.get(str(t), str(t))
                for t in (expected if isinstance(expected, list) else [expected])
            )
            message = f"{where} must be {expected_text}, not {_type_name(error.instance)}"
            if expected == "string" and isinstance(error.instance, (dict, list)):
                hint = _template_hint(error.instance) if isinstance(error.instance, dict) else None
                hint = hint or "quote the value or use a $text placeholder"
            elif expected == "string":
                hint = "quote the value to make it a string"
        elif validator == "minLength":
            message = f"{where} must not be empty"
            hint = "give it a value, or remove the field"
        elif validator == "enum":
            allowed = ", ".join(str(v) for v in error.validator_value)
            message = f"{where} must be one of: {allowed} (found {error.instance!r})"
            close = _close(str(error.instance), [str(v) for v in error.validator_value])
            hint = f"did you mean {close[0]}?" if close else f"use one of: {allowed}"
        elif validator == "const":
            message = f"{where} must be {error.validator_value!r}"
            hint = f"set it to {error.validator_value!r}"
        elif validator == "oneOf":
            message = f"{where} does not match any of the allowed shapes"
            hint = "see the schema of this kind: " + (
                "a mapping or a list of mappings"
                if path[-1:] == ("parameters",)
                else "check the type"
            )
        elif validator == "pattern":
            message = f"{where} {error.instance!r} does not match {error.validator_value}"
        else:
            message = f"{where}: {error.message}"
        sig = (rule, validator, *path)
        if sig in seen:
            continue
        seen.add(sig)
        if any(p.failed and path[: len(prefix)] == prefix for prefix, p in placeholders.items()):
            continue
        for prefix, placeholder in placeholders.items():
            if path[: len(prefix)] == prefix:
                message += f" (value comes from ${placeholder.resolver} {placeholder.target})"
                hint = (
                    hint or f"could not read {placeholder.target}; the check assumed a text value"
                )
                break
        ctx.add(rule, message, doc=doc, path=path, entity=ref, hint=hint)


def _kind_names(org: OrgRules) -> list[str]:
    return [*S.KIND_SCHEMAS, *org.custom_kinds]


def _process_entity(ctx: _FileContext, doc: yamlio.Document, data: dict[str, Any]) -> None:
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
        **(meta.get("annotations") if _js_truthy(meta.get("annotations")) else {}),
        ANNOTATION_ORIGIN_LOCATION: f"url:{ctx.display}",
        ANNOTATION_LOCATION: f"url:{ctx.display}",
    }
    entity["metadata"] = entity_meta

    # 2. placeholders
    placeholders: dict[tuple[Any, ...], _Placeholder] = {}
    if ctx.has_dollar:
        found: list[_Placeholder] = []
        entity, _ = _substitute(entity, (), found, lambda p: _resolve_placeholder(ctx, doc, ref, p))
        placeholders = {p.path: p for p in found}

    # 3. policies
    api_version = entity.get("apiVersion")
    builtin = kind in S.KIND_SCHEMAS and api_version in S.kind_api_versions(kind)
    # A kind's schema includes the Entity schema (allOf[0]): one compiled check covers both.
    # Only entities that fail it go through the slower validators that collect every error.
    gate_ok = (S.kind_schema(kind) if builtin else S.entity()).is_valid(entity)
    kind_valid = builtin and gate_ok
    entity_errors = [] if gate_ok else S.entity().errors(entity)
    if entity_errors:
        _schema_findings(
            ctx,
            doc,
            entity_errors,
            "backstage/schema",
            ref,
            placeholders,
            skip_root_additional=True,
        )
    for key in entity:
        if key not in KNOWN_ROOT_FIELDS:
            ctx.add(
                "backstage/unknown-root-field",
                f"unknown top-level field '{key}'",
                doc=doc,
                path=(key,),
                key=True,
                entity=ref,
                hint="only apiVersion, kind, metadata and spec are allowed; "
                "move it under spec or metadata",
            )
    _field_format(ctx, doc, entity, ref)

    # 4. kind validation
    custom = ctx.org.custom_kinds.get(kind)
    kind_ok = False
    if builtin:
        compiled = S.kind_schema(kind)
        if kind_valid:
            kind_ok = True
        else:
            errors = [e for e in compiled.errors(entity) if list(e.schema_path)[:2] != ["allOf", 0]]
            if errors:
                _schema_findings(ctx, doc, errors, "backstage/kind-schema", ref, placeholders)
            else:
                kind_ok = True
    elif custom is not None and api_version in custom.api_versions:
        compiled = custom.compiled()
        if compiled.is_valid(entity):
            kind_ok = True
        else:
            _schema_findings(
                ctx, doc, compiled.errors(entity), "org/custom-kind", ref, placeholders
            )
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
        known = _kind_names(ctx.org)
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

    spec = entity.get("spec")
    # 5. Location type
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

    # 6. relations
    if isinstance(spec, dict):
        for field_name, default_kind in refs_mod.RELATION_FIELDS.get(kind, ()):
            value = spec.get(field_name)
            if not value:
                continue
            targets = value if isinstance(value, list) else [value]
            for i, target in enumerate(targets):
                if not isinstance(target, str):
                    continue
                path = ("spec", field_name, i) if isinstance(value, list) else ("spec", field_name)
                try:
                    parsed = refs_mod.parse_entity_ref(target, default_kind, namespace)
                except refs_mod.EntityRefError as exc:
                    ctx.add(
                        "backstage/invalid-ref" if kind != "Template" else "refs/invalid-ref",
                        f"spec.{field_name}: {exc}",
                        doc=doc,
                        path=path,
                        entity=ref,
                        hint=f"write a full reference such as resource:default/{target}"
                        if default_kind is None
                        else "use [<kind>:][<namespace>/]<name>",
                    )
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

    # our own checks
    if isinstance(spec, dict):
        _reference_checks(ctx, doc, kind, spec, ref)
    _techdocs_check(ctx, doc, entity_meta, ref)
    if kind == "Location" and isinstance(spec, dict):
        _location_targets_check(ctx, doc, spec, ref)
    if not ctx.org.empty:
        _org_checks(ctx, doc, entity, ref, kind_ok)


def _relation_fields(kind: str, org: OrgRules) -> tuple[tuple[str, str | None], ...]:
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


def _reference_checks(
    ctx: _FileContext, doc: yamlio.Document, kind: str, spec: dict[str, Any], ref: str
) -> None:
    """``org/owner-kind``, ``org/ref-kind``, ``org/ref-namespace``, ``org/ref-name``: every
    written reference of every relation field, owners against the platform's owner kinds."""
    org = ctx.org
    # Backstage already rejects empty parts (backstage/invalid-ref) of the kinds it processes
    backstage_parses = kind in refs_mod.RELATION_FIELDS
    known = _kind_names(org)
    for field_name, default_kind in _relation_fields(kind, org):
        value = spec.get(field_name)
        if not value:
            continue
        targets = value if isinstance(value, list) else [value]
        for i, target in enumerate(targets):
            if not isinstance(target, str):
                continue
            path = ("spec", field_name, i) if isinstance(value, list) else ("spec", field_name)
            for problem in org_reference_problems(
                target,
                default_kind,
                field=_dotted(path),
                owner_kinds=org.owner_kinds if field_name == "owner" else None,
                known_kinds=known,
            ):
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


def _resolve_placeholder(ctx: _FileContext, doc: yamlio.Document, ref: str, p: _Placeholder) -> Any:
    target = p.target
    where = _dotted(p.path)
    if not isinstance(target, str):
        p.failed = True
        ctx.add(
            "backstage/placeholder",
            f"placeholder ${p.resolver} at {where} expected a string value parameter, "
            "in the form of an absolute URL or a relative path",
            doc=doc,
            path=p.path,
            entity=ref,
            hint=f"write ${p.resolver}: ./relative/file or ${p.resolver}: https://...",
        )
        return None
    fallback: Any = f"(contents of {target})"
    if "://" in target or ctx.real is None:
        return fallback
    file = (ctx.real.parent / target).resolve()
    if not file.is_file():
        what = "is a folder, not a file" if file.is_dir() else "does not exist"
        ctx.add(
            "refs/placeholder-missing",
            f"placeholder ${p.resolver} at {where}: {target!r} {what}",
            severity="warning",
            doc=doc,
            path=p.path,
            entity=ref,
            hint="the path is relative to this catalog file",
        )
        return fallback
    if p.resolver == "text":
        return fallback
    try:
        content = file.read_text(encoding="utf-8")
        if p.resolver == "json":
            return json.loads(content)
        loaded = yamlio.load_text(content, str(file))
        problems = [x for x in loaded.problems if x.severity == "error"]
        docs = [d for d in loaded.documents if not d.empty]
        if problems:
            raise ValueError(f"{problems[0].message} at line {problems[0].line}")
        if len(docs) != 1:
            raise ValueError(f"expected exactly one document, found {len(docs)}")
        return docs[0].data
    except (OSError, ValueError) as exc:
        ctx.add(
            "refs/placeholder-unparsable",
            f"placeholder ${p.resolver} at {where}: {target} does not parse: {exc}",
            severity="warning",
            doc=doc,
            path=p.path,
            entity=ref,
            hint=f"Backstage fails to read this entity until {target} is valid "
            + ("JSON" if p.resolver == "json" else "YAML (one UTF-8 document)"),
        )
        return fallback


def _location_targets_check(
    ctx: _FileContext, doc: yamlio.Document, spec: dict[str, Any], ref: str
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
        if not isinstance(target, str) or "://" in target or any(c in target for c in "*?["):
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


def _techdocs_check(
    ctx: _FileContext, doc: yamlio.Document, meta: dict[str, Any], ref: str
) -> None:
    value = (meta.get("annotations") or {}).get(ANNOTATION_TECHDOCS)
    if not isinstance(value, str) or not value.startswith("dir:") or ctx.real is None:
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


def _close(value: str, choices: Iterable[str]) -> list[str]:
    """The allowed value the user most likely meant (prefixes count: prod -> production)."""
    choices = list(choices)
    low = value.lower()
    prefixed = [c for c in choices if c.lower().startswith(low) or low.startswith(c.lower())]
    return prefixed[:1] or difflib.get_close_matches(value, choices, n=1, cutoff=0.5)


def _org_checks(
    ctx: _FileContext, doc: yamlio.Document, entity: dict[str, Any], ref: str, kind_ok: bool
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
        close = _close(lifecycle, org.allowed_lifecycles)
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
        close = _close(spec_type, allowed_types)
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


def _validate_loaded(ctx: _FileContext) -> None:
    loaded = ctx.loaded
    for problem in loaded.problems:
        ctx.add(
            problem.rule,
            problem.message,
            severity=problem.severity,
            document=problem.document,
            line=problem.line,
            column=problem.column,
            hint=problem.hint,
        )
        if problem.severity == "error":
            ctx.input_error = True
            if problem.document is not None:
                ctx.blocked.append(f"document {problem.document + 1} is not valid YAML")
    for doc in loaded.documents:
        data = doc.data
        if data is None:
            continue
        if not isinstance(data, dict):
            ctx.add(
                "yaml/not-a-mapping",
                f"document {doc.index + 1} is {_type_name(data)}, but an entity must be a mapping "
                "(Backstage: expected object at root)",
                doc=doc,
                hint="each YAML document must be one entity: apiVersion, kind, metadata, spec",
            )
            ctx.input_error = True
            ctx.blocked.append(f"document {doc.index + 1} is not a mapping")
            continue
        envelope = _envelope_errors(data)
        if envelope:
            entity_guess = None
            if isinstance(data.get("kind"), str) and isinstance(data.get("metadata"), dict):
                name = data["metadata"].get("name")
                if isinstance(name, str) and name:
                    entity_guess = refs_mod.stringify_entity_ref(
                        data["kind"],
                        data["metadata"].get("namespace")
                        if isinstance(data["metadata"].get("namespace"), str)
                        else None,
                        name,
                    )
            for path, message, key in envelope:
                value: Any = data
                for part in path:
                    value = value.get(part) if isinstance(value, dict) else None
                ctx.add(
                    "backstage/envelope",
                    message,
                    doc=doc,
                    path=path,
                    key=key,
                    entity=entity_guess,
                    hint=_template_hint(value)
                    if path
                    else "every entity needs apiVersion, kind and metadata.name",
                )
            ctx.blocked.append(f"document {doc.index + 1} has no valid entity envelope")
            continue
        annotations = data["metadata"].get("annotations")
        if _js_truthy(annotations) and not isinstance(annotations, dict):
            ctx.add(
                "backstage/annotations-not-object",
                f"metadata.annotations must be a mapping, not {_type_name(annotations)}",
                doc=doc,
                path=("metadata", "annotations"),
                entity=refs_mod.stringify_entity_ref(
                    data["kind"], data["metadata"].get("namespace"), data["metadata"]["name"]
                ),
                hint="write annotations as key: value lines",
            )
            ctx.blocked.append(f"document {doc.index + 1} has non-object annotations")
            continue
        _process_entity(ctx, doc, data)
    if ctx.blocked:
        has_file_level = any(f.document is None and f.severity == "error" for f in ctx.findings)
        if not has_file_level:
            ctx.add(
                "backstage/file-rejected",
                "Backstage rejects this whole file: "
                + "; ".join(ctx.blocked)
                + " (none of its entities would be stored)",
                line=1,
                column=1,
                document=None,
                hint="fix the errors above; one bad document blocks every entity in the file",
            )


# --- public API --------------------------------------------------------------------------------


def _display_name(path: Path, base: Path, prefix: str | None = None) -> str:
    """``path`` relative to ``base`` (``prefix`` = ``str(base) + os.sep``, a fast path for
    the common case of files under ``base``)."""
    text = str(path)
    if prefix and text.startswith(prefix) and ".." not in text:
        return text[len(prefix) :]
    try:
        return os.path.relpath(path, base)
    except ValueError:  # pragma: no cover - other drive on Windows
        return text


def _validate_file(path: Path, display: str, org: OrgRules) -> _FileContext:
    loaded = yamlio.load_file(path, display=display)
    ctx = _FileContext(display, path, loaded, org)
    _validate_loaded(ctx)
    return ctx


def _finish(contexts: list[_FileContext], strict_refs: bool, org: OrgRules) -> ValidationResult:
    report = Report("catalog validate", rules=dict(RULES))
    entities: list[EntityRecord] = []
    relations: list[RelationRef] = []
    input_errors = False
    for ctx in contexts:
        report.files.append(ctx.display)
        report.findings.extend(ctx.findings)
        entities.extend(ctx.entities)
        relations.extend(ctx.relations)
        input_errors = input_errors or ctx.input_error
    # duplicate entities and relation resolution across every validated file
    by_key: dict[tuple[str, str, str], EntityRecord] = {}
    for record in entities:
        key = (record.kind.lower(), record.namespace.lower(), record.name.lower())
        first = by_key.get(key)
        if first is None:
            by_key[key] = record
            continue
        line, column = record.doc.position(("metadata", "name"))
        report.findings.append(
            Finding(
                "refs/duplicate-entity",
                "warning",
                f"{record.ref} is also defined in {first.file} (document {first.document + 1})",
                record.file,
                line,
                column,
                record.document,
                record.ref,
                "entity refs must be unique across the catalog; rename one of them",
            )
        )
    severity = "error" if strict_refs else "warning"
    for relation in relations:
        relation.resolved = _target_key(relation.target) in by_key
        if relation.resolved:
            continue
        report.findings.append(
            Finding(
                "refs/unresolved",
                severity,
                f"{relation.field} refers to {relation.target}, which is not defined in the "
                "validated files (fine if it is defined elsewhere in your catalog)",
                relation.file,
                relation.line,
                relation.column,
                relation.document,
                relation.source,
                "validate the whole catalog together, or check the spelling of the reference",
            )
        )
    report.summary = {"files": len(contexts), "entities": len(entities)}
    refresh_summary(report, input_errors=input_errors)
    return ValidationResult(report, entities, relations, input_errors)


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def refresh_summary(report: Report, *, input_errors: bool | None = None) -> None:
    """Recount ``report.summary`` (errors, warnings, the text line) after findings or files
    were added, e.g. by the CLI or by remote reference checks."""
    counts = report.counts()
    summary = report.summary
    summary["files"] = max(summary.get("files", 0), len(report.files))
    summary.setdefault("entities", 0)
    summary["errors"] = counts.get("error", 0)
    summary["warnings"] = counts.get("warning", 0)
    summary["infos"] = counts.get("info", 0)
    if input_errors is not None:
        summary["input_errors"] = input_errors
    summary.setdefault("input_errors", False)
    summary["line"] = ", ".join(
        (
            _plural(summary["files"], "file"),
            _plural(summary["entities"], "entity", "entities"),
            _plural(summary["errors"], "error"),
            _plural(summary["warnings"], "warning"),
        )
    )


def _target_key(target: str) -> tuple[str, str, str]:
    """The comparison key of a ``kind:namespace/name`` string made by ``str(EntityRef)``."""
    kind, _, rest = target.lower().partition(":")
    namespace, _, name = rest.partition("/")
    return (kind, namespace, name)


def discover(root: Path) -> list[Path]:
    """Catalog files under ``root``: catalog-info.yaml/.yml and *.catalog.yaml, respecting
    .gitignore inside a git work tree (via ``git ls-files``), else skipping .git/node_modules/
    .venv.  Sorted, as paths under ``root``."""
    root = Path(root)
    names = _git_files(root)
    if names is None:
        names = _walk_files(root)
    found = [
        root / n
        for n in names
        if os.path.basename(n) in CATALOG_FILENAMES or os.path.basename(n).endswith(CATALOG_SUFFIX)
    ]
    for n in names:
        # git lists an untracked nested repository as one "folder/" entry: search it too
        if n.endswith("/") and os.path.basename(n.rstrip("/")) not in SKIP_DIRS:
            found.extend(discover(root / n))
    return sorted({p for p in found if p.is_file()})


def _walk_files(root: Path) -> list[str]:
    """Files under ``root`` outside a git work tree: SKIP_DIRS are skipped and ``.gitignore``
    files are still honoured (an unpacked archive or a copy without ``.git``)."""
    names: list[str] = []
    ignores: list[tuple[str, Any]] = []  # (folder relative to root, its .gitignore spec)
    for folder, dirs, files in os.walk(root):
        rel = os.path.relpath(folder, root)
        rel = "" if rel == "." else rel
        if ".gitignore" in files:
            spec = _gitignore_spec(Path(folder) / ".gitignore")
            if spec is not None:
                ignores.append((rel, spec))

        def ignored(name: str, is_dir: bool, rel: str = rel) -> bool:
            path = os.path.join(rel, name) if rel else name
            for base, spec in ignores:
                if base and not path.startswith(base + os.sep):
                    continue
                inner = path[len(base) + 1 :] if base else path
                if spec.match_file(inner.replace(os.sep, "/") + ("/" if is_dir else "")):
                    return True
            return False

        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not ignored(d, True))
        for f in files:
            if not ignores or not ignored(f, False):
                names.append(os.path.join(rel, f) if rel else f)
    return names


def _gitignore_spec(path: Path) -> Any:
    try:
        import pathspec  # a dependency of copier

        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        return pathspec.GitIgnoreSpec.from_lines(lines)
    except (ImportError, OSError, ValueError):
        return None


def _git_files(root: Path) -> list[str] | None:
    try:
        inside = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--is-inside-work-tree"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        if inside.returncode != 0 or inside.stdout.strip() != "true":
            return None
        listed = subprocess.run(
            [
                "git",
                "-C",
                str(root),
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if listed.returncode != 0:
        return None
    return [n for n in listed.stdout.split("\0") if n]


def expand_paths(paths: list[Path]) -> list[Path]:
    """Directories are searched with ``discover``; files are taken as given (even if their
    name is not a catalog file name); missing paths stay in the list and are reported."""
    out: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        candidates = discover(path) if Path(path).is_dir() else [Path(path)]
        for candidate in candidates:
            if candidate not in seen:
                seen.add(candidate)
                out.append(candidate)
    return out


def validate_paths(
    paths: list[Path],
    *,
    config: Config | None = None,
    strict_refs: bool = False,
    base: Path | None = None,
    jobs: int | None = None,
) -> ValidationResult:
    """Validate catalog files and directories (searched with ``discover``).

    ``base`` is the folder file names are shown relative to (default: the working directory).
    ``jobs``: worker processes for large trees (default: automatic, 1 for small inputs).
    """
    base = Path.cwd() if base is None else Path(base)
    org = org_rules_from_config(config)
    files = expand_paths([Path(p) for p in paths])
    prefix = str(base.absolute()).rstrip(os.sep) + os.sep
    displays = [_display_name(p.absolute(), base, prefix) for p in files]
    workers = _worker_count(len(files), jobs)
    with _no_gc():
        if workers > 1 and not org.custom_kinds:
            contexts = _validate_parallel(files, displays, org, workers)
        else:
            contexts = [_validate_file(p, d, org) for p, d in zip(files, displays, strict=True)]
        return _finish(contexts, strict_refs, org)


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Validation allocates many small, acyclic objects (node positions, findings); the cyclic
    collector would rescan the growing heap again and again (about a quarter of the time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # Hand everything allocated meanwhile straight to the oldest generation: re-enabling
        # alone would make the next young collection scan all of it (a quarter second for
        # 10,000 entities).  They stay collectable by later full collections.
        gc.freeze()
        gc.unfreeze()
        if enabled:
            gc.enable()


def validate_text(text: str, name: str, *, config: Config | None = None) -> ValidationResult:
    """Validate catalog YAML given as text (``name`` is used in findings). Relative
    placeholder and techdocs checks are skipped: there is no folder to look in."""
    org = org_rules_from_config(config)
    loaded = yamlio.load_text(text, name)
    ctx = _FileContext(name, None, loaded, org)
    _validate_loaded(ctx)
    return _finish([ctx], False, org)


# --- parallel validation -----------------------------------------------------------------------

PARALLEL_MIN_FILES = 400


def _worker_count(files: int, jobs: int | None) -> int:
    """Processes to use: ``jobs`` or ``PLATFORMCTL_JOBS`` when given; otherwise 1 for small
    inputs, else the cores that are not already busy (load average, like ``make -l``): on a
    loaded machine extra processes only add fork and pickling cost."""
    if jobs is None and os.environ.get("PLATFORMCTL_JOBS", "").isdigit():
        jobs = int(os.environ["PLATFORMCTL_JOBS"])
    if jobs is not None:
        return max(1, jobs)
    if files < PARALLEL_MIN_FILES:
        return 1
    cpus = os.cpu_count() or 1
    try:
        busy = int(os.getloadavg()[0])
    except (AttributeError, OSError):  # pragma: no cover - no load average (Windows)
        busy = 0
    return max(1, min(cpus - busy, 8))


@dataclass
class _Shipped:
    """What a worker sends back for one file: no node graph, just what the report needs."""

    display: str
    findings: list[Finding]
    entities: list[tuple[str, str, str, str, int, dict, tuple[int, int]]]
    relations: list[RelationRef]
    input_error: bool
    positions: dict[int, dict[tuple[Any, ...], tuple[int, int]]] = field(default_factory=dict)


def _work(batch: list[tuple[str, str]], org: OrgRules) -> list[_Shipped]:
    gc.disable()
    out = []
    for path, display in batch:
        ctx = _validate_file(Path(path), display, org)
        out.append(
            _Shipped(
                display,
                ctx.findings,
                [
                    (
                        e.ref,
                        e.kind,
                        e.namespace,
                        e.name,
                        e.document,
                        e.data,
                        (e.doc.line, e.doc.column),
                    )
                    for e in ctx.entities
                ],
                ctx.relations,
                ctx.input_error,
            )
        )
    return out


def _validate_parallel(
    files: list[Path], displays: list[str], org: OrgRules, workers: int
) -> list[_FileContext]:
    """``workers - 1`` forked processes take the tail of the file list in batches while this
    process validates the head itself (no pickling for its share)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    for kind in ("Component", "API", "Resource", "System", "Group", "User"):
        S.kind_schema(kind).is_valid(None)  # compile before the fork: the workers inherit them
    pairs = [(str(p), d) for p, d in zip(files, displays, strict=True)]
    # This process also unpickles the workers' results and resolves references: a smaller share.
    own = int(len(pairs) / workers * 0.8)
    rest = pairs[own:]
    size = max(1, len(rest) // ((workers - 1) * 3))
    batches = [rest[i : i + size] for i in range(0, len(rest), size)]
    context: Any
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # pragma: no cover - no fork (Windows): the platform default
        context = multiprocessing.get_context()
    contexts: list[_FileContext] = []
    with ProcessPoolExecutor(max_workers=workers - 1, mp_context=context) as pool:
        futures = [pool.submit(_work, batch, org) for batch in batches]
        batch_of = dict(zip(futures, batches, strict=True))
        contexts.extend(_validate_file(Path(p), d, org) for p, d in pairs[:own])
        for future in futures:
            for (path, _), shipped in zip(batch_of[future], future.result(), strict=True):
                ctx = _FileContext(
                    shipped.display, None, yamlio.LoadedFile(shipped.display, [], []), org
                )
                ctx.findings = shipped.findings
                ctx.relations = shipped.relations
                ctx.input_error = shipped.input_error
                # positions (rarely needed: duplicate entities) are read from the file again
                source = yamlio.Source(path=path)
                for ref, kind, ns, name, index, data, (line, col) in shipped.entities:
                    doc = yamlio.Document(index, data, line, col, source=source)
                    ctx.entities.append(
                        EntityRecord(ref, kind, ns, name, shipped.display, index, data, doc)
                    )
                contexts.append(ctx)
    return contexts
