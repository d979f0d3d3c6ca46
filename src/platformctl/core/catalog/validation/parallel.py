"""Fan-out for large trees: forked worker processes validate batches of files and ship back
compact results (findings, entity tuples, relations with their positions), not node graphs."""

from __future__ import annotations

import contextlib
import fcntl
import gc
import os
import pickle
import signal
import struct
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
CHUNKS_PER_WORKER = 32  # small enough that the last chunk hardly delays the end
MAX_CHUNK = 16  # files
_CHUNK = struct.Struct("=I")  # a chunk number in the shared queue
_QUEUE_BYTES = 4096  # the smallest pipe buffer Linux gives: all numbers go in before the fork


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


def _ship(display: str, ctx: FileContext) -> _Shipped:
    return _Shipped(
        display,
        ctx.findings,
        [(e.ref, e.kind, e.namespace, e.name, e.document, (e.doc.line, e.doc.column))
         for e in ctx.entities],
        [_relation_tuple(r) for r in ctx.relations],
        ctx.input_error,
    )  # fmt: skip


def _take(queue: int) -> int | None:
    """The next chunk number from the shared queue, or None when it is empty.  Every number
    was written before any process started reading and each read takes exactly one (a pipe
    read holds the pipe's lock), so no chunk is taken twice."""
    raw = os.read(queue, _CHUNK.size)
    return _CHUNK.unpack(raw)[0] if raw else None


_FRAME = struct.Struct("=I")  # the length of one pickled frame on a result pipe
_RESULT_PIPE_BYTES = 1 << 20  # room for a whole run's results: a worker hardly ever waits


def _send(out: int, frame: object) -> None:
    data = pickle.dumps(frame, pickle.HIGHEST_PROTOCOL)
    view = memoryview(_FRAME.pack(len(data)) + data)
    while view:
        view = view[os.write(out, view) :]


def _work(chunks: list[list[tuple[str, str]]], queue: int, out: int, org: OrgRules) -> None:
    """A child's loop: take chunks until the queue is empty, sending each chunk's results
    as one frame ``(chunk number, results)`` as soon as they are ready."""
    gc.disable()
    while (number := _take(queue)) is not None:
        _send(out, (number, [_ship(d, validate_file(Path(p), d, org)) for p, d in chunks[number]]))


def _fork(chunks: list[list[tuple[str, str]]], queue: int, org: OrgRules) -> _Child:
    """Start a child validating chunks from ``queue``."""
    read, write = os.pipe()
    with contextlib.suppress(AttributeError, OSError):  # Linux only; a smaller pipe works too
        fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, _RESULT_PIPE_BYTES)
    pid = os.fork()
    if pid == 0:  # the child: validate, send the pickled results, exit without cleanup
        status = 0
        try:
            os.close(read)
            try:
                _work(chunks, queue, write, org)
            except BaseException as exc:  # noqa: BLE001 - reported by the parent
                import traceback

                status = 1
                _send(write, (None, "".join(traceback.format_exception(exc))))
            os.close(write)
        finally:
            os._exit(status)
    os.close(write)
    os.set_blocking(read, False)
    return _Child(pid, read)


class _Child:
    """A worker process and the frames of results it sent so far."""

    def __init__(self, pid: int, read: int) -> None:
        self.pid = pid
        self.read = read
        self.buffer = bytearray()
        self.open = True

    def frames(self, wait: bool) -> list[tuple[int, list[_Shipped]]]:
        """The complete frames that arrived (``wait``: all of them, until the child closes
        its end).  A frame reporting the child's failure raises RuntimeError."""
        if wait:
            os.set_blocking(self.read, True)
        while self.open:
            try:
                data = os.read(self.read, 1 << 16)
            except BlockingIOError:
                break
            if not data:
                self.open = False
                break
            self.buffer += data
        out = []
        offset = 0
        while len(self.buffer) - offset >= _FRAME.size:
            (size,) = _FRAME.unpack_from(self.buffer, offset)
            if len(self.buffer) - offset - _FRAME.size < size:
                break
            start = offset + _FRAME.size
            number, result = pickle.loads(self.buffer[start : start + size])
            if number is None:
                raise RuntimeError(f"a validation worker failed:\n{result}")
            out.append((number, result))
            offset = start + size
        del self.buffer[:offset]
        return out

    def close(self, kill: bool = False) -> int:
        if kill:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.close(self.read)
        return os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])


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


def chunked(pairs: list[tuple[str, str]], workers: int) -> list[list[tuple[str, str]]]:
    """Consecutive runs of files, about CHUNKS_PER_WORKER per process (at most MAX_CHUNK
    files, and few enough that all their numbers fit in the queue pipe at once)."""
    size = max(1, min(MAX_CHUNK, len(pairs) // (workers * CHUNKS_PER_WORKER)))
    size = max(size, -(-len(pairs) * _CHUNK.size // _QUEUE_BYTES))
    return [pairs[i : i + size] for i in range(0, len(pairs), size)]


def validate_parallel(
    files: list[Path], displays: list[str], org: OrgRules, workers: int
) -> list[FileContext]:
    """``workers - 1`` forked children and this process take chunks of files from one shared
    queue (a pipe holding chunk numbers) until it is empty, so a slow chunk or a busy core
    does not leave one process idle while another still has a fixed share to finish.  The
    children send each chunk's results back through a pipe each as soon as they are ready,
    and this process takes them in between its own chunks (no pile of results to unpack
    at the end); it puts every chunk back in file order.  Plain ``os.fork`` and pipes: a
    process pool's queues, threads and imports cost more than they save here."""
    for kind in ("Component", "API", "Resource", "System", "Group", "User"):
        S.kind_schema(kind).is_valid(None)  # compile before the fork: the children inherit them
    pairs = [(str(p), d) for p, d in zip(files, displays, strict=True)]
    chunks = chunked(pairs, workers)
    queue, fill = os.pipe()
    try:
        numbers = b"".join(_CHUNK.pack(n) for n in range(len(chunks)))
        os.set_blocking(fill, False)
        try:
            written = os.write(fill, numbers)
        except BlockingIOError:
            written = 0
    finally:
        os.close(fill)
    if written < len(numbers):  # pragma: no cover - a pipe smaller than a page
        os.close(queue)
        return [validate_file(Path(p), d, org) for p, d in pairs]
    children: list[_Child] = []
    done: dict[int, list[FileContext]] = {}

    def receive(child: _Child, wait: bool) -> None:
        for number, shipped_files in child.frames(wait):
            done[number] = [
                _unship(path, shipped, org)
                for (path, _), shipped in zip(chunks[number], shipped_files, strict=True)
            ]

    try:
        for _ in range(workers - 1):
            children.append(_fork(chunks, queue, org))
        while (number := _take(queue)) is not None:
            done[number] = [validate_file(Path(p), d, org) for p, d in chunks[number]]
            for child in children:  # what has arrived meanwhile: no long tail at the end
                receive(child, wait=False)
        os.close(queue)
        queue = -1
        for child in children:
            receive(child, wait=True)
    except BaseException:
        for child in children:  # no orphans left computing for nobody
            child.close(kill=True)
        raise
    finally:
        if queue != -1:
            os.close(queue)
    codes = [child.close() for child in children]
    if len(done) != len(chunks):
        raise RuntimeError(
            f"a validation worker exited without all its results (exit codes {codes})"
        )
    return [ctx for number in range(len(chunks)) for ctx in done[number]]


def _unship(path: str, shipped: _Shipped, org: OrgRules) -> FileContext:
    """A child's results for one file as this process's FileContext: positions (rarely
    needed: duplicate entities, unresolved relations) are read from the file again."""
    ctx = FileContext(shipped.display, None, yamlio.LoadedFile(shipped.display, [], []), org)
    ctx.findings = shipped.findings
    ctx.input_error = shipped.input_error
    source = yamlio.Source(path=path)
    docs: dict[int, yamlio.Document] = {}
    for shipped_relation in shipped.relations:
        src, fld, target, index, where = shipped_relation[:5]
        if len(shipped_relation) == 6:
            line, col = where
            relation = RelationRef(src, fld, target, shipped.display, line, col, index, False)
        else:
            doc = docs.get(index)
            if doc is None:
                doc = docs[index] = yamlio.Document(index, None, 1, 1, source=source)
            relation = RelationRef(
                src, fld, target, shipped.display, None, None, index, False, where=(doc, where)
            )
        ctx.relations.append(relation)
    for ref, kind, ns, name, index, (line, col) in shipped.entities:
        doc = yamlio.Document(index, None, line, col, source=source)
        ctx.entities.append(EntityRecord(ref, kind, ns, name, shipped.display, index, None, doc))
    return ctx
