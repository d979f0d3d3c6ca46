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

Where each stage lives (``platformctl.core.catalog.validation``):

* ``reading``: step 1 (YAML, root mapping, envelope, annotations; whole-file rejection);
* ``entity``: the per-entity pipeline calling ``placeholders`` (2), ``policies`` (3),
  ``kinds`` (4, 5), ``relations`` (6) and ``platform_checks`` (ours);
* ``context``/``model``: per-file state, findings with positions, records, the rule catalogue;
* ``files``: which files are read; ``parallel``: the fan-out to worker processes.

This module is the entry point: it validates files or text and resolves references across
every validated file.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator
from pathlib import Path

from platformctl.core import yamlio
from platformctl.core.catalog.org import OrgRules
from platformctl.core.catalog.org import from_config as org_rules_from_config
from platformctl.core.catalog.validation.context import FileContext
from platformctl.core.catalog.validation.files import discover, display_name, expand_paths
from platformctl.core.catalog.validation.model import (
    ADR_URL,
    ALLOWED_LOCATION_TYPES,
    ANNOTATION_LOCATION,
    ANNOTATION_ORIGIN_LOCATION,
    ANNOTATION_TECHDOCS,
    CATALOG_FILENAMES,
    CATALOG_SUFFIX,
    KNOWN_ROOT_FIELDS,
    PLACEHOLDER_RESOLVERS,
    RULES,
    SKIP_DIRS,
    EntityRecord,
    RelationRef,
    ValidationResult,
)
from platformctl.core.catalog.validation.parallel import PARALLEL_MIN_FILES, validate_parallel
from platformctl.core.catalog.validation.parallel import worker_count as _worker_count
from platformctl.core.catalog.validation.reading import validate_file, validate_loaded
from platformctl.core.config import Config
from platformctl.core.report import Finding, Report

__all__ = [
    "ADR_URL",
    "ALLOWED_LOCATION_TYPES",
    "ANNOTATION_LOCATION",
    "ANNOTATION_ORIGIN_LOCATION",
    "ANNOTATION_TECHDOCS",
    "CATALOG_FILENAMES",
    "CATALOG_SUFFIX",
    "KNOWN_ROOT_FIELDS",
    "PARALLEL_MIN_FILES",
    "PLACEHOLDER_RESOLVERS",
    "RULES",
    "SKIP_DIRS",
    "EntityRecord",
    "RelationRef",
    "ValidationResult",
    "discover",
    "expand_paths",
    "refresh_summary",
    "validate_paths",
    "validate_text",
]


def _finish(contexts: list[FileContext], strict_refs: bool, org: OrgRules) -> ValidationResult:
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
    cwd = os.getcwd().rstrip(os.sep) + os.sep  # Path.absolute(), without a Path per file
    displays = [
        display_name(text if os.path.isabs(text := str(p)) else cwd + text, base, prefix)
        for p in files
    ]
    workers = _worker_count(len(files), jobs)
    with _no_gc():
        if workers > 1 and not org.custom_kinds:
            contexts = validate_parallel(files, displays, org, workers)
        else:
            contexts = [validate_file(p, d, org) for p, d in zip(files, displays, strict=True)]
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
    loaded = yamlio.load_text(text, name, backstage=True)
    ctx = FileContext(name, None, loaded, org)
    validate_loaded(ctx)
    return _finish([ctx], False, org)
