"""Metrics pushed to a Prometheus Pushgateway at the end of each run: the pod is gone before
Prometheus could scrape it.

Pushed with POST (``pushadd``), which replaces only the metrics pushed, so
``job_last_success_timestamp_seconds`` keeps the last success when a run fails (or finds its
slot already done, which is not a new success). Alert on it
(``time() - job_last_success_timestamp_seconds{job="<name>"} > <period>``).
"""

from __future__ import annotations

import logging
import time

from prometheus_client import CollectorRegistry, Gauge, pushadd_to_gateway

from .job import RunResult

logger = logging.getLogger(__name__)


def registry_for(result: RunResult, *, now: float | None = None) -> CollectorRegistry:
    """The metrics of one run."""
    registry = CollectorRegistry()
    now = time.time() if now is None else now

    def gauge(name: str, help_text: str, value: float) -> None:
        Gauge(name, help_text, registry=registry).set(value)

    gauge("job_last_run_timestamp_seconds", "When the last run ended (Unix time).", now)
    gauge("job_duration_seconds", "How long the last run took.", result.duration_seconds)
    gauge("job_attempts", "Attempts the last run made.", result.attempts)
    gauge("job_records_processed", "Records the last run processed.", result.records)
    gauge(
        "job_succeeded",
        "1 if the last run succeeded (or its slot was already done), else 0.",
        1 if result.exit_code == 0 else 0,
    )
    if result.status == "succeeded":  # not a skipped run: it did nothing
        gauge("job_last_success_timestamp_seconds", "When a run last succeeded (Unix time).", now)
    return registry


def push_metrics(
    url: str,
    job: str,
    result: RunResult,
    *,
    grouping_key: dict[str, str] | None = None,
    timeout: float = 10.0,
) -> bool:
    """Push the run's metrics; a Pushgateway that is down is logged, never fails the run."""
    try:
        pushadd_to_gateway(
            url,
            job=job,
            registry=registry_for(result),
            grouping_key=grouping_key or {},
            timeout=timeout,
        )
    except OSError as error:
        logger.warning("could not push metrics", extra={"pushgateway": url, "error": str(error)})
        return False
    logger.info("metrics pushed", extra={"pushgateway": url})
    return True
