"""Declared fixes (``fix:`` on a rule), applied by ``platformctl check --fix``.

Fix types:

* ``create_file`` -- create a missing file from ``content:`` or from a plain (non-Jinja) file of
  the repository's golden path template (``template: docs/index.md``);
* ``catalog_annotation`` -- add ``metadata.annotations[key]`` (a stub value) to catalog-info.yaml;
* ``catalog_link`` -- add a ``metadata.links`` entry.

Catalog edits go through ``core.yamledit`` (ruamel round trip), so comments and key order are
kept.  A fix only ever adds: it never overwrites an existing file, annotation or link.  Every
change is collected in a ``Changeset`` first, so ``--fix --diff`` shows the unified diff of
exactly what ``--fix`` would write.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from platformctl.core.compliance.registry import STR, Opt, fix_type
from platformctl.core.resources import golden_paths_dir

if TYPE_CHECKING:
    from platformctl.core.compliance.scoring import CheckResult

JINJA_MARKERS = ("{{", "{%", "{#")


@dataclass
class Changeset:
    root: Path
    original: dict[str, str | None] = field(default_factory=dict)  # None: file did not exist
    current: dict[str, str] = field(default_factory=dict)
    applied: list[tuple[str, str]] = field(default_factory=list)  # (rule id, what)

    def read(self, rel: str) -> str | None:
        if rel in self.current:
            return self.current[rel]
        path = self.root / rel
        return path.read_text(encoding="utf-8") if path.is_file() else None

    def put(self, rel: str, text: str) -> None:
        if rel not in self.original:
            path = self.root / rel
            self.original[rel] = path.read_text(encoding="utf-8") if path.is_file() else None
        self.current[rel] = text

    @property
    def changed(self) -> list[str]:
        return sorted(r for r, t in self.current.items() if t != self.original.get(r))

    def diff(self) -> str:
        out: list[str] = []
        for rel in self.changed:
            before = self.original.get(rel)
            after = self.current[rel]
            out.extend(
                difflib.unified_diff(
                    (before or "").splitlines(keepends=True),
                    after.splitlines(keepends=True),
                    fromfile="/dev/null" if before is None else f"a/{rel}",
                    tofile=f"b/{rel}",
                )
            )
            if out and not out[-1].endswith("\n"):
                out[-1] += "\n\\ No newline at end of file\n"
        return "".join(out)

    def write(self) -> list[str]:
        written = []
        for rel in self.changed:
            target = self.root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.platformctl-tmp")
            tmp.write_text(self.current[rel], encoding="utf-8")
            os.replace(tmp, target)
            written.append(rel)
        return written


class FixNotPossible(Exception):
    """The fix cannot be applied here (reason in the message); nothing was changed."""


@dataclass
class FixRun:
    """What ``platformctl check --fix`` did (or, with ``dry_run``, would do)."""

    changes: Changeset
    applied: list[str] = field(default_factory=list)  # "rule id: what was done"
    not_possible: list[tuple[str, str]] = field(default_factory=list)  # (rule id, reason)
    patch: str | None = None  # dry_run: the unified diff of what would be written
    written: list[str] = field(default_factory=list)  # not dry_run: the files written
    result: CheckResult | None = None  # not dry_run: the check run again after the fixes


def apply_fixes(
    result: CheckResult,
    root: Path,
    config: Any,
    *,
    only: list[str] | None = None,
    dry_run: bool = False,
) -> FixRun:
    """Apply the fix every failing rule of RESULT declares: with ``dry_run`` only the patch,
    else write the files and run the check again (``FixRun.result``)."""
    from platformctl.core.compliance import scoring
    from platformctl.core.compliance.registry import FIX_TYPES

    run = FixRun(Changeset(root))
    context = {"golden_path": result.golden_path, "catalog_file": result.facts.catalog_file()}
    for card in result.scorecards:
        for r in card.results:
            if r.state != scoring.FAIL or r.rule.fix is None:
                continue
            fix = FIX_TYPES[r.rule.fix.type]
            try:
                done = fix.func(run.changes, r.rule.fix.options, context)  # type: ignore[misc]
            except FixNotPossible as exc:
                run.not_possible.append((r.rule.full_id, str(exc)))
                continue
            if done:
                run.applied.append(f"{r.rule.full_id}: {done}")
    if dry_run:
        run.patch = run.changes.diff()
        return run
    run.written = run.changes.write()
    run.result = scoring.run(root=root, config=config, only=only)
    return run


def _safe_relative(rel: str) -> str:
    pure = PurePosixPath(rel)
    if pure.is_absolute() or ".." in pure.parts or not rel.strip():
        raise FixNotPossible(f"refusing to write outside the repository: {rel!r}")
    return str(pure)


def _template_file(golden_path: str | None, rel: str) -> str | None:
    if not golden_path:
        return None
    base = golden_paths_dir() / golden_path
    for candidate in (base / "template" / rel, base / rel):
        if candidate.is_file():
            text = candidate.read_text(encoding="utf-8")
            if not any(marker in text for marker in JINJA_MARKERS):
                return text
    return None


@fix_type(
    "create_file",
    one_of=("content", "template"),
    path=Opt(STR, required=True, help="file to create (relative to the repository)"),
    content=Opt(STR, help="its content"),
    template=Opt(STR, help="copy this (non-Jinja) file of the golden path's template"),
)
def create_file(changes: Changeset, options: dict[str, Any], context: dict[str, Any]) -> str | None:
    """Create a missing file from ``content`` or the golden path template (never overwrites)."""
    rel = _safe_relative(options["path"])
    if changes.read(rel) is not None or (changes.root / rel).exists():
        return None
    text = None
    if options.get("template"):
        text = _template_file(context.get("golden_path"), options["template"])
    if text is None:
        text = options.get("content")
    if text is None:
        raise FixNotPossible(f"no template file {options.get('template')} in the golden path")
    changes.put(rel, text)
    return f"created {rel}"


def _catalog_edit(changes: Changeset, context: dict[str, Any], mutate: Any) -> str:
    from platformctl.core import yamledit

    rel = context.get("catalog_file")
    if not rel:
        for name in ("catalog-info.yaml", "catalog-info.yml"):
            if changes.read(name) is not None:
                rel = name
                break
    text = changes.read(rel) if rel else None
    if not rel or text is None:
        raise FixNotPossible("no catalog-info.yaml to edit")
    result: list[str] = []

    def apply(documents: list[Any]) -> None:
        target = None
        for doc in documents:
            if isinstance(doc, dict) and doc.get("kind") == "Component":
                target = doc
                break
        if target is None:
            target = next((d for d in documents if isinstance(d, dict)), None)
        if target is None:
            raise FixNotPossible(f"{rel} holds no entity")
        if target.get("metadata") is None:
            target["metadata"] = {}
        result.append(mutate(target["metadata"]) or "")

    updated = yamledit.edit_text(text, apply, rel)
    if updated != text:
        changes.put(rel, updated)
    return result[0] if result else ""


@fix_type(
    "catalog_annotation",
    key=Opt(STR, required=True, help="annotation key"),
    value=Opt(STR, default="TODO", help="stub value to fill in"),
)
def catalog_annotation(
    changes: Changeset, options: dict[str, Any], context: dict[str, Any]
) -> str | None:
    """Add a missing annotation (a stub value) to catalog-info.yaml, keeping comments and order."""
    key, value = options["key"], options.get("value", "TODO")

    def mutate(metadata: Any) -> str:
        annotations = metadata.get("annotations")
        if annotations is None:
            metadata["annotations"] = annotations = _mapping()
        if key in annotations:
            return ""
        annotations[key] = value
        return f"added annotation {key}: {value}" + _fill_in(value)

    return _catalog_edit(changes, context, mutate) or None


@fix_type(
    "catalog_link",
    url=Opt(STR, required=True, help="link URL (a stub to fill in)"),
    title=Opt(STR, required=True, help="link title"),
    link_type=Opt(STR, help="link type, e.g. runbook, dashboard"),
    icon=Opt(STR, help="link icon"),
)
def catalog_link(
    changes: Changeset, options: dict[str, Any], context: dict[str, Any]
) -> str | None:
    """Add a link stub to ``metadata.links`` of catalog-info.yaml (unless such a link exists)."""

    def mutate(metadata: Any) -> str:
        links = metadata.get("links")
        if links is None:
            metadata["links"] = links = _sequence()
        for link in links:
            if not isinstance(link, dict):
                continue
            if options.get("link_type") and link.get("type") == options["link_type"]:
                return ""
            if link.get("title") == options["title"] or link.get("url") == options["url"]:
                return ""
        entry = _mapping()
        for field_name, option in (
            ("url", "url"),
            ("title", "title"),
            ("icon", "icon"),
            ("type", "link_type"),
        ):
            if options.get(option):
                entry[field_name] = options[option]
        links.append(entry)
        return f"added link {options['title']}: {options['url']}" + _fill_in(options["url"])

    return _catalog_edit(changes, context, mutate) or None


def _fill_in(value: str) -> str:
    from platformctl.core.compliance.checks_catalog import is_placeholder

    return " (a placeholder: fill it in)" if is_placeholder(value) else ""


def _mapping() -> Any:
    from ruamel.yaml.comments import CommentedMap

    return CommentedMap()


def _sequence() -> Any:
    from ruamel.yaml.comments import CommentedSeq

    return CommentedSeq()
