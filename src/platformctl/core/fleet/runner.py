"""One plain function per repository, run over the fleet with a bounded pool of workers.

Like multi-gitter and all-repos: each repository's run is independent; an error in one is
recorded (``Outcome.error``) and the others go on.  Workers are processes, not threads: copier
changes the working directory and installs signal handlers, both process-wide.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from platformctl.core.errors import PlatformError
from platformctl.core.fleet.inventory import RepoEntry


@dataclass
class Outcome:
    """What one repository's run produced: ``data`` (plain JSON values) or ``error``."""

    entry: RepoEntry
    data: dict[str, Any] | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def default_workers() -> int:
    return max(1, min(8, os.cpu_count() or 1))


def checkout(entry: RepoEntry, *, cache: Path | None, full: bool = False) -> Path:
    """The work tree to run on: the local clone in place, else a cached clone (fetched)."""
    from platformctl.core import vcs
    from platformctl.core.errors import UsageError

    if entry.local:
        path = Path(entry.url)
        if not path.is_dir():
            raise UsageError(f"{path} does not exist")
        if not (path / ".git").exists():
            raise UsageError(f"{path} is not a git repository")
        return path
    return vcs.fleet_checkout(entry.url, cache=cache, full=full)


def _call(
    task: Callable[..., dict[str, Any] | None], entry: RepoEntry, options: dict[str, Any]
) -> tuple[dict[str, Any] | None, str | None]:
    try:
        return task(entry, **options), None
    except PlatformError as exc:
        return None, exc.render()
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # noqa: BLE001 - one repository's bug must not stop the fleet
        return None, f"internal error: {type(exc).__name__}: {exc}"


def run(
    entries: Iterable[RepoEntry],
    task: Callable[..., dict[str, Any] | None],
    *,
    workers: int = 1,
    options: dict[str, Any] | None = None,
    progress: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """``task(entry, **options)`` for every entry; results in inventory order.  ``task`` must be
    a module-level function (it is sent to worker processes).  A task returning None drops the
    repository from the results (not selected)."""
    items = list(entries)
    opts = dict(options or {})
    outcomes: dict[int, Outcome] = {}

    def done(index: int, data: dict[str, Any] | None, error: str | None) -> None:
        outcome = Outcome(items[index], data, error)
        if data is not None or error is not None:
            outcomes[index] = outcome
        if progress is not None:
            progress(outcome)

    if workers <= 1 or len(items) <= 1:
        for index, entry in enumerate(items):
            done(index, *_call(task, entry, opts))
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed

        context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
        with ProcessPoolExecutor(max_workers=min(workers, len(items)), mp_context=context) as pool:
            futures = {pool.submit(_call, task, entry, opts): i for i, entry in enumerate(items)}
            try:
                for future in as_completed(futures):
                    done(futures[future], *future.result())
            except KeyboardInterrupt:
                for future in futures:
                    future.cancel()
                raise
    return [outcomes[i] for i in sorted(outcomes)]
