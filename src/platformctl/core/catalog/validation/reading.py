"""Step 1, reading a file the way ``parseEntityYaml`` and the processing collector do: YAML
problems, non-mapping documents, the ``EntityEnvelope`` schema and non-object annotations.  A
failure here rejects the *whole file* (``backstage/file-rejected``); every other document goes
on to the per-entity pipeline (:mod:`.entity`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from platformctl.core import yamlio
from platformctl.core.catalog import refs as refs_mod
from platformctl.core.catalog.org import OrgRules
from platformctl.core.catalog.validation.context import (
    FileContext,
    js_truthy,
    template_hint,
    type_name,
)
from platformctl.core.catalog.validation.entity import process_entity


def validate_file(path: Path, display: str, org: OrgRules) -> FileContext:
    # Backstage reads any bytes: invalid UTF-8 and NULs are characters, not errors
    loaded = yamlio.load_file(path, display=display, backstage=True)
    ctx = FileContext(display, path, loaded, org)
    validate_loaded(ctx)
    return ctx


def envelope_errors(data: dict[str, Any]) -> list[tuple[tuple[Any, ...], str, bool]]:
    """(path, message, point-at-key) for every EntityEnvelope schema violation."""
    out: list[tuple[tuple[Any, ...], str, bool]] = []
    for name in ("apiVersion", "kind"):
        if name not in data:
            out.append(((), f"missing required field '{name}'", False))
        elif not isinstance(data[name], str):
            out.append(((name,), f"{name} must be a string, not {type_name(data[name])}", False))
        elif not data[name]:
            out.append(((name,), f"{name} must not be empty", False))
    if "metadata" not in data:
        out.append(((), "missing required field 'metadata'", False))
        return out
    meta = data["metadata"]
    if not isinstance(meta, dict):
        out.append((("metadata",), f"metadata must be a mapping, not {type_name(meta)}", False))
        return out
    if "name" not in meta:
        out.append((("metadata",), "missing required field 'metadata.name'", True))
    elif not isinstance(meta["name"], str):
        out.append(
            (
                ("metadata", "name"),
                f"metadata.name must be a string, not {type_name(meta['name'])}",
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
                    f"metadata.namespace must be a string, not {type_name(ns)}",
                    False,
                )
            )
        elif not ns:
            out.append((("metadata", "namespace"), "metadata.namespace must not be empty", False))
    return out


def validate_loaded(ctx: FileContext) -> None:
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
                f"document {doc.index + 1} is {type_name(data)}, but an entity must be a mapping "
                "(Backstage: expected object at root)",
                doc=doc,
                hint="each YAML document must be one entity: apiVersion, kind, metadata, spec",
            )
            ctx.input_error = True
            ctx.blocked.append(f"document {doc.index + 1} is not a mapping")
            continue
        envelope = envelope_errors(data)
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
                    hint=template_hint(value)
                    if path
                    else "every entity needs apiVersion, kind and metadata.name",
                )
            ctx.blocked.append(f"document {doc.index + 1} has no valid entity envelope")
            continue
        annotations = data["metadata"].get("annotations")
        if js_truthy(annotations) and not isinstance(annotations, dict):
            ctx.add(
                "backstage/annotations-not-object",
                f"metadata.annotations must be a mapping, not {type_name(annotations)}",
                doc=doc,
                path=("metadata", "annotations"),
                entity=refs_mod.stringify_entity_ref(
                    data["kind"], data["metadata"].get("namespace"), data["metadata"]["name"]
                ),
                hint="write annotations as key: value lines",
            )
            ctx.blocked.append(f"document {doc.index + 1} has non-object annotations")
            continue
        process_entity(ctx, doc, data)
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
