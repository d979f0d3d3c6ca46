"""The ``platformctl fleet`` commands as calls: choose the repositories (inventory, catalog
filters, shard), run status / check / update over them (resuming earlier results), merge
sharded results, and write the Job or workflow that runs the shards.  Each returns plain data
(a ``FleetRun`` holds the report document); the command renders it."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformctl.core.fleet.inventory import RepoEntry
from platformctl.core.fleet.runner import Outcome
from platformctl.core.reports import ReportDoc

# total (None: not known in advance) -> a context giving the per-repository callback
Progress = Callable[[int | None], AbstractContextManager[Callable[[Outcome], None] | None]]


@dataclass
class Selection:
    entries: list[RepoEntry]  # the repositories to run on (this shard's)
    meta: dict[str, Any]  # inventory and shard, for the report
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (ref, why) not in the fleet
    listed: int = 0  # repositories in the inventory, before sharding
    shard: tuple[int, int] | None = None  # (index, total)


@dataclass
class FleetRun:
    doc: ReportDoc
    summary: dict[str, Any]
    records: list[dict[str, Any]]
    failed: bool = False  # check: a repository fails or could not be read; update: failed/conflict


def select(
    sources: list[str],
    *,
    cwd: Path,
    config: Callable[[], Any],
    owner: str | None = None,
    system: str | None = None,
    lifecycle: str | None = None,
    kind: str = "component",
    type_: str | None = None,
    shard: str | None = None,
) -> Selection:
    """The repositories of the inventory SOURCES (``backstage``: the catalog of ``config()``,
    filtered), then this SHARD (``I/N``; checked before any work) of them."""
    from platformctl.core.backstage import workflows
    from platformctl.core.fleet import inventory

    filters = inventory.CatalogFilter(
        owner=owner, system=system, lifecycle=lifecycle, kind=kind, type=type_
    )
    wanted = inventory.parse_shard(shard) if shard else None  # bad usage before any work
    catalog = workflows.catalog_source(config)
    inv = inventory.load(list(sources or []), cwd=cwd, catalog=catalog, filters=filters)
    entries = inv.entries
    meta: dict[str, Any] = {"inventory": {"sources": list(sources), "repositories": len(entries)}}
    if wanted:
        index, total = wanted
        entries = inventory.select_shard(entries, index, total)
        meta["shard"] = {"index": index, "total": total, "repositories": len(entries)}
    return Selection(entries, meta, list(inv.skipped), len(inv.entries), wanted)


def check_workers(workers: int | None) -> int:
    """--workers, or the default (the CPUs, at most 8)."""
    from platformctl.core.errors import UsageError
    from platformctl.core.fleet.runner import default_workers

    if workers is None:
        return default_workers()
    if workers < 1:
        raise UsageError("--workers must be at least 1")
    return workers


def _progress(progress: Progress | None, total: int | None) -> AbstractContextManager[Any]:
    return progress(total) if progress is not None else nullcontext(None)


def status(
    selection: Selection,
    *,
    command: str = "fleet status",
    workers: int | None = None,
    cache: Path | None = None,
    resume: Path | None = None,
    progress: Progress | None = None,
) -> FleetRun:
    """Status (and check) of every selected repository, keeping those RESUME (an earlier
    ``--format json`` results file, when it exists) read successfully."""
    from platformctl.core.fleet import merge, report
    from platformctl.core.fleet import status as status_mod

    previous = merge.read_results(resume) if resume and resume.exists() else None
    todo = len(selection.entries) - len({r["url"] for r in previous or [] if not r.get("error")})
    count = check_workers(workers)
    with _progress(progress, max(todo, 0)) as advance:
        recs, summary = status_mod.run_status(
            selection.entries, workers=count, cache=cache, progress=advance, previous=previous
        )
    doc = report.status_doc(recs, summary, command=command, meta=selection.meta)
    return FleetRun(doc, summary, recs, bool(summary["check_failed"] or summary["failed"]))


def check_update_options(*, canary: int | None, maximum: int | None) -> None:
    from platformctl.core.errors import UsageError

    for flag, value in (("--canary", canary), ("--max", maximum)):
        if value is not None and value < 1:
            raise UsageError(f"{flag} must be at least 1")


def update(
    selection: Selection,
    *,
    workers: int | None = None,
    cache: Path | None = None,
    to: str | None = None,
    dry_run: bool = False,
    push: bool = False,
    only: str | None = None,
    canary: int | None = None,
    maximum: int | None = None,
    resume: Path | None = None,
    progress: Progress | None = None,
) -> FleetRun:
    """Pull the newer golden-path version into every selected repository behind it (see
    ``core.fleet.update``), leaving those RESUME records as updated alone."""
    from platformctl.core.fleet import merge, report
    from platformctl.core.fleet import update as update_mod

    check_update_options(canary=canary, maximum=maximum)
    previous = (
        merge.read_results(resume, kind=report.KIND_UPDATE) if resume and resume.exists() else None
    )
    count = check_workers(workers)
    # how many are behind is known only after the survey: an open-ended progress
    with _progress(progress, None if selection.entries else 0) as advance:
        recs, later = update_mod.run_update(
            selection.entries,
            workers=count,
            cache=cache,
            to=to,
            dry_run=dry_run,
            push=push,
            only=only,
            canary=canary,
            maximum=maximum,
            progress=advance,
            previous=previous,
        )
    summary = report.update_summary(recs, dry_run=dry_run, later=later)
    bad = summary["results"].get("failed", 0) + summary["results"].get("conflict", 0)
    return FleetRun(report.update_doc(recs, summary, meta=selection.meta), summary, recs, bad > 0)


def merged(parts: list[Path]) -> FleetRun:
    """The partial results of sharded ``fleet status --format json`` runs as one report."""
    from platformctl.core.fleet import merge, report
    from platformctl.core.fleet import status as status_mod

    recs = status_mod.order(merge.merge(list(parts)))
    summary = status_mod.summarize(recs)
    doc = report.status_doc(recs, summary, meta={"merged": [str(p) for p in parts]})
    return FleetRun(doc, summary, recs)


@dataclass
class JobOutput:
    text: str  # the YAML to write
    dry_run: list[str] = field(default_factory=list)  # --server-dry-run: one line per document


def job(
    spec: Any,
    *,
    github_actions: bool = False,
    server_dry_run: bool = False,
    kubeconfig: str | None = None,
    context: str | None = None,
) -> JobOutput:
    """The Kubernetes Indexed Job (applied with a server-side dry run when asked), or the
    GitHub Actions workflow, that runs the shards of SPEC (a ``job.JobSpec``)."""
    from platformctl.core.errors import UsageError
    from platformctl.core.fleet import job as job_mod

    if github_actions:
        if server_dry_run:
            raise UsageError("--server-dry-run is for the Kubernetes Job, not --github-actions")
        return JobOutput(job_mod.to_yaml([job_mod.github_workflow(spec)]))
    documents = job_mod.indexed_job(spec)
    text = job_mod.to_yaml(documents)
    lines = (
        job_mod.server_dry_run(documents, kubeconfig=kubeconfig, context=context)
        if server_dry_run
        else []
    )
    return JobOutput(text, lines)
