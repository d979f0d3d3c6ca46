"""References checked against a live Backstage (``validate --remote`` / ``--server``) or against a
local snapshot of it (``catalog pull`` + ``validate --offline``).

* ``resolve_remote``: every relation target not defined in the validated files, resolved in one
  batched ``POST /entities/by-refs``; each missing target is a ``refs/missing-remote`` error
  at the position of the reference.
* ``server_validate``: each entity through the backend's own ``validate-entity`` (so org-specific
  processors apply), reported as ``backstage/server-validation`` errors.
* ``pull_cache`` / ``load_cache`` / ``resolve_offline``: the refs and kinds of the live catalog in
  ``$XDG_CACHE_HOME/platformctl/catalog-cache.json`` with the time they were fetched.

The functions take duck-typed inputs so they work on ``RelationRef`` and the validator's entity
records alike: a relation has ``source, field, target, file, line, column, document, resolved``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platformctl.core.errors import UsageError
from platformctl.core.report import Finding, RuleInfo

if TYPE_CHECKING:
    from platformctl.core.backstage import BackstageClient

CACHE_FILE = "catalog-cache.json"
CACHE_VERSION = 1
DEFAULT_MAX_AGE = timedelta(hours=24)
RULE_MISSING = "refs/missing-remote"
RULE_STALE = "refs/stale-cache"
RULE_SERVER = "backstage/server-validation"
RULE_INFO = {
    RULE_MISSING: RuleInfo(
        RULE_MISSING,
        "A referenced entity does not exist in the live (or cached) Backstage catalog",
        "Checked with --remote against /api/catalog/entities/by-refs, or with --offline "
        "against the cache written by `platformctl catalog pull`.",
    ),
    RULE_STALE: RuleInfo(RULE_STALE, "The catalog cache used by --offline is old"),
    RULE_SERVER: RuleInfo(
        RULE_SERVER,
        "The Backstage backend's validate-entity rejects the entity",
        "--server sends each entity to /api/catalog/validate-entity, so organisation-specific "
        "processors and policies apply.",
    ),
}


def _norm(target: Any) -> str | None:
    """A relation target as the lower-case ``kind:namespace/name`` Backstage compares."""
    text = str(target).strip() if target is not None else ""
    if not text:
        return None
    kind, sep, rest = text.partition(":")
    if not sep or "/" in kind:
        return None  # no kind: the local validator already reported it
    namespace, sep, name = rest.partition("/")
    if not sep:
        namespace, name = "default", rest
    if not namespace or not name:
        return None
    return f"{kind}:{namespace}/{name}".lower()


def _unresolved(relations: Iterable[Any]) -> list[tuple[Any, str]]:
    out = []
    for rel in relations:
        if getattr(rel, "resolved", False):
            continue
        ref = _norm(getattr(rel, "target", None))
        if ref is not None:
            out.append((rel, ref))
    return out


def _missing_finding(rel: Any, *, where: str, hint: str) -> Finding:
    target = getattr(rel, "target", "")
    fld = getattr(rel, "field", None) or "reference"
    source = getattr(rel, "source", None)
    return Finding(
        rule=RULE_MISSING,
        severity="error",
        message=f"{fld} {target} does not exist {where}",
        file=getattr(rel, "file", None),
        line=getattr(rel, "line", None),
        column=getattr(rel, "column", None),
        document=getattr(rel, "document", None),
        entity=str(source) if source is not None else None,
        hint=hint,
    )


def resolve_remote(relations: list[Any], client: BackstageClient) -> list[Finding]:
    """Resolve every unresolved relation target against the live catalog (one batched request)."""
    pending = _unresolved(relations)
    if not pending:
        return []
    refs = sorted({ref for _, ref in pending})
    items = client.entities_by_refs(refs)
    present = {ref for ref, item in zip(refs, items, strict=False) if item is not None}
    where = f"in the catalog at {client.base_url}"
    return [
        _missing_finding(
            rel,
            where=where,
            hint="fix the reference, or register the missing entity first "
            "(platformctl catalog register)",
        )
        for rel, ref in pending
        if ref not in present
    ]


# --- server-side validation ------------------------------------------------------------------


def _entity_data(entity: Any) -> Mapping[str, Any] | None:
    if isinstance(entity, Mapping):
        return entity
    for attr in ("data", "raw", "entity", "body"):
        value = getattr(entity, attr, None)
        if isinstance(value, Mapping):
            return value
    return None


def _pos(entity: Any, attr: str) -> int | None:
    value = getattr(entity, attr, None)
    if value is None:  # EntityRecord keeps its yamlio.Document in ``doc``
        value = getattr(getattr(entity, "doc", None), attr, None)
    return value if isinstance(value, int) else None


def _location_ref(file: str | None, base: str | None) -> str:
    """``validate-entity`` takes only ``url:`` locations; use the file's URL where we know it."""
    if base:
        return f"url:{base.rstrip('/')}/{(file or 'catalog-info.yaml').lstrip('./')}"
    path = Path(file or "catalog-info.yaml").resolve()
    return f"url:{path.as_uri()}"


def server_validate(
    entities: list[Any], client: BackstageClient, *, location_base: str | None = None
) -> list[Finding]:
    """Ask the backend's ``validate-entity`` about each entity; errors become findings at the
    entity's position.  ``location_base`` (e.g. the repo's blob URL) builds the ``url:`` ref."""
    findings: list[Finding] = []
    for entity in entities:
        data = _entity_data(entity)
        if data is None:
            continue
        file = getattr(entity, "file", None)
        messages = client.validate_entity(data, _location_ref(file, location_base))
        raw_meta = data.get("metadata")
        meta: Mapping[str, Any] = raw_meta if isinstance(raw_meta, Mapping) else {}
        ref = getattr(entity, "ref", None) or (
            f"{str(data.get('kind', '')).lower()}:"
            f"{meta.get('namespace') or 'default'}/{meta.get('name', '')}"
        )
        for message in messages:
            findings.append(
                Finding(
                    rule=RULE_SERVER,
                    severity="error",
                    message=f"Backstage rejects this entity: {message}",
                    file=file,
                    line=_pos(entity, "line"),
                    column=_pos(entity, "column"),
                    document=getattr(entity, "document", None),
                    entity=str(ref),
                    hint="the backend applies the organisation's own processors and policies",
                )
            )
    return findings


# --- the local snapshot ----------------------------------------------------------------------


@dataclass
class CachedCatalog:
    refs: set[str]
    kinds: dict[str, int]  # kind -> number of entities
    fetched_at: datetime
    stale: bool
    source: str | None = None  # the Backstage URL it was pulled from
    path: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __contains__(self, ref: object) -> bool:
        return isinstance(ref, str) and ref.lower() in self.refs

    @property
    def age(self) -> timedelta:
        return datetime.now(UTC) - self.fetched_at


def cache_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    base = env.get("XDG_CACHE_HOME") or str(Path(env.get("HOME", "~")).expanduser() / ".cache")
    return Path(base) / "platformctl" / CACHE_FILE


def pull_cache(client: BackstageClient, *, path: Path | None = None) -> Path:
    """Fetch every entity's kind/namespace/name and write the snapshot atomically."""
    items = client.query_entities()
    refs: set[str] = set()
    kinds: dict[str, int] = {}
    for item in items:
        meta = item.get("metadata") or {}
        kind = str(item.get("kind") or "")
        name = str(meta.get("name") or "")
        if not kind or not name:
            continue
        refs.add(f"{kind}:{meta.get('namespace') or 'default'}/{name}".lower())
        kinds[kind] = kinds.get(kind, 0) + 1
    target = path or cache_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "version": CACHE_VERSION,
        "source": client.base_url,
        "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "kinds": dict(sorted(kinds.items())),
        "refs": sorted(refs),
    }
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, target)
    return target


def load_cache(
    *, path: Path | None = None, max_age: timedelta = DEFAULT_MAX_AGE, now: datetime | None = None
) -> CachedCatalog:
    """Read the snapshot; UsageError (exit 2) when there is none or it is unreadable."""
    target = path or cache_path()
    hint = "run `platformctl catalog pull` (needs PLATFORMCTL_BACKSTAGE_URL) to create it"
    if not target.is_file():
        raise UsageError(f"no catalog cache at {target}", hint=hint)
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
        if data.get("version") != CACHE_VERSION:
            raise ValueError(f"unknown cache version {data.get('version')!r}")
        fetched = datetime.fromisoformat(str(data["fetched_at"]))
        if fetched.tzinfo is None:
            fetched = fetched.replace(tzinfo=UTC)
        refs = {str(r).lower() for r in data.get("refs") or []}
        kinds = {str(k): int(v) for k, v in (data.get("kinds") or {}).items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UsageError(f"the catalog cache {target} is unreadable: {exc}", hint=hint) from None
    current = now or datetime.now(UTC)
    return CachedCatalog(
        refs=refs,
        kinds=kinds,
        fetched_at=fetched,
        stale=current - fetched > max_age,
        source=data.get("source"),
        path=target,
    )


def resolve_offline(relations: list[Any], cache: CachedCatalog) -> list[Finding]:
    """Like ``resolve_remote`` against the snapshot; a stale snapshot adds a warning."""
    findings: list[Finding] = []
    if cache.stale:
        hours = int(cache.age.total_seconds() // 3600)
        findings.append(
            Finding(
                rule=RULE_STALE,
                severity="warning",
                message=f"the catalog cache is {hours} h old (fetched "
                f"{cache.fetched_at.isoformat(timespec='minutes')}); results may be out of date",
                file=str(cache.path) if cache.path else None,
                hint="run `platformctl catalog pull` to refresh it",
            )
        )
    when = cache.fetched_at.isoformat(timespec="minutes")
    for rel, ref in _unresolved(relations):
        if ref not in cache.refs:
            findings.append(
                _missing_finding(
                    rel,
                    where=f"in the cached catalog (pulled {when})",
                    hint="fix the reference, or `platformctl catalog pull` if it was added since",
                )
            )
    return findings


# --- merging into a validate report ----------------------------------------------------------


def merge_findings(report: Any, findings: list[Finding], *, replaces_unresolved: bool) -> None:
    """Add remote findings to a ``catalog validate`` report and refresh its summary counts.

    With ``replaces_unresolved`` (the live catalog or the cache was consulted), the local
    ``refs/unresolved`` warnings are dropped: each such target is now either found or reported
    as ``refs/missing-remote``.
    """
    import re

    if replaces_unresolved:
        report.findings = [f for f in report.findings if f.rule != "refs/unresolved"]
    report.findings.extend(findings)
    rules = getattr(report, "rules", None)
    if isinstance(rules, dict):
        for finding in findings:
            if finding.rule in RULE_INFO:
                rules.setdefault(finding.rule, RULE_INFO[finding.rule])
    counts = report.counts()
    summary = report.summary
    for key, severity in (("errors", "error"), ("warnings", "warning"), ("infos", "info")):
        if key in summary or counts.get(severity):
            summary[key] = counts.get(severity, 0)
    line = summary.get("line")
    if isinstance(line, str):
        for word, severity in (("error", "error"), ("warning", "warning")):
            n = counts.get(severity, 0)
            line = re.sub(rf"\d+ {word}s?\b", f"{n} {word}{'s' if n != 1 else ''}", line)
        summary["line"] = line


def check_against_catalog(
    result: Any, *, remote: bool, server: bool, offline: bool, config: Callable[[], Any]
) -> None:
    """``catalog validate --remote/--server/--offline``, after the local rules: resolve the
    unresolved references of RESULT (a ``catalog.validate`` result) against the live catalog
    of ``config()`` (``remote``), also ask the backend's ``validate-entity`` (``server``), or
    resolve them against the ``catalog pull`` cache (``offline``); the findings replace the
    unresolved-reference findings in ``result.report``."""
    if offline and (remote or server):
        raise UsageError(
            "--offline cannot be combined with --remote or --server",
            hint="use --offline to check against the cache from `platformctl catalog pull`",
        )
    if offline:
        findings = resolve_offline(result.relations, load_cache())
    else:
        from platformctl.core.backstage import workflows

        findings = workflows.remote_findings(
            result.relations, result.entities, config=config(), server=server
        )
    merge_findings(result.report, findings, replaces_unresolved=True)
