"""One run of the job: skip a slot that is done, retry transient failures with exponential
backoff, stop at the hard timeout, record the slot when the work succeeded."""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, Literal

from .config import Settings
from .logging_config import run_context
from .slot import Slot
from .state import SlotStore
from .work import TransientError

logger = logging.getLogger(__name__)

Status = Literal["succeeded", "skipped", "failed", "timed_out"]
Work = Callable[[Slot, Settings], int]

# The process's exit code per outcome (docs/index.md): Kubernetes retries a failed pod up to
# the Job's backoffLimit; a slot that is already done is a success.
EXIT_CODES: dict[Status, int] = {"succeeded": 0, "skipped": 0, "failed": 1, "timed_out": 3}
EXIT_BAD_CONFIGURATION = 2


@dataclass
class RunResult:
    slot: str
    status: Status
    attempts: int = 0
    records: int = 0
    duration_seconds: float = 0.0
    error: str | None = None

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def backoff_delay(attempt: int, settings: Settings) -> float:
    """Seconds to wait after failed attempt ``attempt`` (1-based): doubling, capped."""
    delay = settings.backoff_initial_seconds * (2 ** (attempt - 1))
    return float(min(delay, settings.backoff_max_seconds))


def _attempts(
    slot: Slot, settings: Settings, work: Work, sleep: Callable[[float], None], tries: list[int]
) -> int:
    for attempt in range(1, settings.max_attempts + 1):
        tries.append(attempt)
        context = run_context.get() or {}
        run_context.set({**context, "attempt": attempt})
        try:
            return work(slot, settings)
        except TransientError as error:
            if attempt == settings.max_attempts:
                raise
            delay = backoff_delay(attempt, settings)
            logger.warning(
                "attempt failed, retrying",
                extra={"error": str(error), "retry_in_seconds": delay},
            )
            sleep(delay)
    raise AssertionError("unreachable: max_attempts >= 1")  # pragma: no cover


def run_job(
    slot: Slot,
    settings: Settings,
    work: Work,
    store: SlotStore,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> RunResult:
    """Run the work for ``slot`` once: at most ``max_attempts`` attempts within
    ``timeout_seconds`` in all. The work runs in a daemon thread so that the timeout is hard:
    the process exits when it is reached, whatever the work is doing."""
    started = time.monotonic()
    if store.is_done(slot.key):
        logger.info("slot already done, nothing to do")
        return RunResult(slot=slot.key, status="skipped")
    outcome: dict[str, Any] = {}
    tries: list[int] = []

    def target() -> None:
        try:
            outcome["records"] = _attempts(slot, settings, work, sleep, tries)
        except Exception as error:  # reported as the run's failure
            outcome["error"] = error

    thread = threading.Thread(
        target=contextvars.copy_context().run, args=(target,), name="work", daemon=True
    )
    thread.start()
    thread.join(settings.timeout_seconds)
    duration = time.monotonic() - started
    if thread.is_alive():
        logger.error("timed out", extra={"timeout_seconds": settings.timeout_seconds})
        return RunResult(
            slot=slot.key,
            status="timed_out",
            attempts=len(tries),
            duration_seconds=duration,
            error=f"timed out after {settings.timeout_seconds:g} s",
        )
    if "error" in outcome:
        error = outcome["error"]
        logger.error("run failed", exc_info=error)
        return RunResult(
            slot=slot.key,
            status="failed",
            attempts=len(tries),
            duration_seconds=duration,
            error=f"{type(error).__name__}: {error}",
        )
    result = RunResult(
        slot=slot.key,
        status="succeeded",
        attempts=len(tries),
        records=int(outcome["records"]),
        duration_seconds=duration,
    )
    store.mark_done(slot.key, {"records": result.records, "attempts": result.attempts})
    return result
