"""Fan-out for large trees: forked worker processes validate batches of files and ship back
compact results (findings, entity tuples, relations with their positions), not node graphs."""

from __future__ import annotations

import gc
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformctl.core import yamlio
from platformctl.core.catalog import schema as S
from platformctl.core.catalog.org import OrgRules
from platformctl.core.catalog.validation.context import FileContext
from platformctl.core.catalog.validation.model import EntityRecord, RelationRef
from platformctl.core.catalog.validation.reading import validate_file
from platformctl.core.report import Finding

PARALLEL_MIN_FILES = 400
OWN_SHARE = 0.8  # of an equal share, for this process (it also collects and resolves)


def worker_count(files: int, jobs: int | None) -> int:
    """Processes to use: ``jobs`` or ``PLATFORMCTL_JOBS`` when given; otherwise 1 for small
    inputs, else the cores that are not busy right now: on a loaded machine extra processes
    only add fork and pickling cost."""
    if jobs is None and os.environ.get("PLATFORMCTL_JOBS", "").isdigit():
        jobs = int(os.environ["PLATFORMCTL_JOBS"])
    if jobs is not None:
        return max(1, jobs)
    if files < PARALLEL_MIN_FILES:
        return 1
    if not hasattr(os, "fork"):  # pragma: no cover - Windows: one process
        return 1
    cpus = os.cpu_count() or 1
    return max(1, min(cpus - busy_cores(), 8))


def busy_cores(samples: int = 4) -> int:
    """Other processes running at this moment: the kernel's runnable count in /proc/loadavg,
    less this one, the smallest of a few samples a millisecond apart (a kernel thread or a
    shell is often runnable for an instant; a busy process always is).  The one-minute load
    average ``make -l`` uses lags: right after another program finished it still reads 1 on
    an idle machine, and two processes would never be used (for instance just after a
    benchmark's other contestant ran)."""
    import time

    try:
        fewest = None
        for i in range(samples):
            if i:
                time.sleep(0.001)
            with open("/proc/loadavg", encoding="ascii") as handle:
                running = int(handle.read().split()[3].split("/")[0])
            fewest = running if fewest is None else min(fewest, running)
        return max(0, (fewest or 1) - 1)
    except (OSError, ValueError, IndexError):  # no /proc (macOS, Windows): the load average
        try:
            return int(os.getloadavg()[0])
        except (AttributeError, OSError):  # pragma: no cover - Windows
            return 0


@dataclass
class _Shipped:
    """What a worker sends back for one file: no node graph, just what the report needs."""

    display: str
    findings: list[Finding]
    # (ref, kind, namespace, name, document, (line, column)): no data, see EntityRecord
    entities: list[tuple[str, str, str, str, int, tuple[int, int]]]
    # (source, field, target, document, path in the document) or, when the position is
    # already known, (source, field, target, document, (line, column), None)
    relations: list[tuple[Any, ...]]
    input_error: bool
    positions: dict[int, dict[tuple[Any, ...], tuple[int, int]]] = field(default_factory=dict)


def _work(batch: list[tuple[str, str]], org: OrgRules) -> list[_Shipped]:
    gc.disable()
    out = []
    for path, display in batch:
        ctx = validate_file(Path(path), display, org)
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
                        (e.doc.line, e.doc.column),
                    )
                    for e in ctx.entities
                ],
                [_relation_tuple(r) for r in ctx.relations],
                ctx.input_error,
            )
        )
    return out


def _fork(batch: list[tuple[str, str]], org: OrgRules) -> tuple[int, int]:
    """Start a child validating ``batch``; (pid, read end of its result pipe)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: validate, send the pickled results, exit without cleanup
        status = 0
        try:
            os.close(read)
            try:
                payload = pickle.dumps((True, _work(batch, org)), pickle.HIGHEST_PROTOCOL)
            except BaseException as exc:  # noqa: BLE001 - reported by the parent
                import traceback

                status = 1
                payload = pickle.dumps((False, "".join(traceback.format_exception(exc))))
            with os.fdopen(write, "wb") as out:
                out.write(payload)
        finally:
            os._exit(status)
    os.close(write)
    return pid, read


def _collect(child: tuple[int, int]) -> list[_Shipped]:
    pid, read = child
    with os.fdopen(read, "rb") as pipe:
        payload = pipe.read()
    _, status = os.waitpid(pid, 0)
    if not payload:
        raise RuntimeError(f"a validation worker exited without results (status {status})")
    ok, result = pickle.loads(payload)
    if not ok:
        raise RuntimeError(f"a validation worker failed:\n{result}")
    return result


def _relation_tuple(relation: RelationRef) -> tuple[Any, ...]:
    """A relation without its document: its position is found only when asked for (most
    resolve), from the file read again, as for the entities' positions."""
    where = relation._where  # the lazy position, kept lazy across the pipe
    if where is not None:
        return (relation.source, relation.field, relation.target, relation.document, where[1])
    return (
        relation.source,
        relation.field,
        relation.target,
        relation.document,
        relation._pos,
        None,
    )


def validate_parallel(
    files: list[Path], displays: list[str], org: OrgRules, workers: int
) -> list[FileContext]:
    """``workers - 1`` forked children each validate a slice of the file list's tail while
    this process validates the head itself (no pickling for its share), then reads their
    results from a pipe.  Plain ``os.fork`` and pipes: a process pool's queues, threads and
    imports cost more than one static split saves by balancing."""
    for kind in ("Component", "API", "Resource", "System", "Group", "User"):
        S.kind_schema(kind).is_valid(None)  # compile before the fork: the children inherit them
    pairs = [(str(p), d) for p, d in zip(files, displays, strict=True)]
    # This process also unpickles the children's results and resolves references: a smaller
    # share.
    own = int(len(pairs) / workers * OWN_SHARE)
    rest = pairs[own:]
    size = max(1, -(-len(rest) // (workers - 1)))
    slices = [rest[i : i + size] for i in range(0, len(rest), size)]
    children = [_fork(batch, org) for batch in slices]
    contexts = [validate_file(Path(p), d, org) for p, d in pairs[:own]]
    for batch, child in zip(slices, children, strict=True):
        for (path, _), shipped in zip(batch, _collect(child), strict=True):
            ctx = FileContext(
                shipped.display, None, yamlio.LoadedFile(shipped.display, [], []), org
            )
            ctx.findings = shipped.findings
            ctx.input_error = shipped.input_error
            # positions (rarely needed: duplicate entities, unresolved relations) are read
            # from the file again
            source = yamlio.Source(path=path)
            docs: dict[int, yamlio.Document] = {}
            for shipped_relation in shipped.relations:
                src, fld, target, index, where = shipped_relation[:5]
                if len(shipped_relation) == 6:
                    line, col = where
                    relation = RelationRef(
                        src, fld, target, shipped.display, line, col, index, False
                    )
                else:
                    doc = docs.get(index)
                    if doc is None:
                        doc = docs[index] = yamlio.Document(index, None, 1, 1, source=source)
                    relation = RelationRef(
                        src, fld, target, shipped.display, None, None, index, False,
                        where=(doc, where),
                    )  # fmt: skip
                ctx.relations.append(relation)
            for ref, kind, ns, name, index, (line, col) in shipped.entities:
                doc = yamlio.Document(index, None, line, col, source=source)
                ctx.entities.append(
                    EntityRecord(ref, kind, ns, name, shipped.display, index, None, doc)
                )
            contexts.append(ctx)
    return contexts
