"""Step 3, the entity policies: ``SchemaValidEntityPolicy`` (Entity schema),
``NoForeignRootFieldsEntityPolicy`` and ``FieldFormatEntityPolicy``, every violation instead of
Backstage's first; and ``schema_findings``, which turns JSON-schema errors (of the Entity schema
and of the kind schemas) into findings with positions and hints."""

from __future__ import annotations

import json
from typing import Any

from platformctl.core import yamlio
from platformctl.core.catalog import rules as R
from platformctl.core.catalog import schema as S
from platformctl.core.catalog.validation.context import (
    JSON_TYPES,
    FileContext,
    close_matches,
    dotted,
    template_hint,
    type_name,
)
from platformctl.core.catalog.validation.model import KNOWN_ROOT_FIELDS
from platformctl.core.catalog.validation.placeholders import Placeholder


def apply_policies(
    ctx: FileContext,
    doc: yamlio.Document,
    entity: dict[str, Any],
    ref: str,
    placeholders: dict[tuple[Any, ...], Placeholder],
    *,
    schema_ok: bool,
) -> None:
    """The policies, in Backstage's order (``schema_ok``: the entity already passed a
    compiled schema that includes the Entity schema)."""
    entity_errors = [] if schema_ok else S.entity().errors(entity)
    if entity_errors:
        schema_findings(
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
    field_format(ctx, doc, entity, ref)


def field_format(ctx: FileContext, doc: yamlio.Document, data: dict[str, Any], ref: str) -> None:
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
        hint = template_hint(name) or (
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


def schema_findings(
    ctx: FileContext,
    doc: yamlio.Document,
    errors: list[Any],
    rule: str,
    ref: str,
    placeholders: dict[tuple[Any, ...], Placeholder],
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
                    f"unknown field '{dotted((*path, extra))}'",
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
                    f"missing required field '{dotted((*path, name))}'",
                    doc=doc,
                    path=path,
                    key=bool(path),
                    entity=ref,
                    hint=f"add {dotted((*path, name))}",
                )
            continue
        where = dotted(path)
        if validator == "type":
            expected = error.validator_value
            expected_text = " or ".join(
                JSON_TYPES.get(str(t), str(t))
                for t in (expected if isinstance(expected, list) else [expected])
            )
            message = f"{where} must be {expected_text}, not {type_name(error.instance)}"
            if expected == "string" and isinstance(error.instance, (dict, list)):
                hint = template_hint(error.instance) if isinstance(error.instance, dict) else None
                hint = hint or "quote the value or use a $text placeholder"
            elif expected == "string":
                hint = "quote the value to make it a string"
        elif validator == "minLength":
            message = f"{where} must not be empty"
            hint = "give it a value, or remove the field"
        elif validator == "enum":
            allowed = ", ".join(str(v) for v in error.validator_value)
            message = f"{where} must be one of: {allowed} (found {error.instance!r})"
            close = close_matches(str(error.instance), [str(v) for v in error.validator_value])
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
