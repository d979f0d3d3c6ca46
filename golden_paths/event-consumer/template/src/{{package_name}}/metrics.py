"""Prometheus metrics, served on /metrics (health.py).

consumer_messages_consumed_total     messages received from Kafka
consumer_messages_processed_total    messages the handler finished (or duplicates skipped)
consumer_messages_failed_total       failed handling attempts, by reason
consumer_messages_dead_lettered_total messages sent to the dead-letter topic, by reason
consumer_messages_duplicate_total    messages skipped as already processed
consumer_processing_seconds          time from receiving a message to its outcome
consumer_lag                         messages behind the partition's end, from the committed
                                     offset (librdkafka statistics; the whole partition while
                                     nothing is committed)
"""

from __future__ import annotations

import json
import logging

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

logger = logging.getLogger(__name__)


class Metrics:
    """The service's metrics in their own registry (tests make one each)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        self.consumed = Counter(
            "consumer_messages_consumed",
            "Messages received from Kafka.",
            ["topic"],
            registry=self.registry,
        )
        self.processed = Counter(
            "consumer_messages_processed",
            "Messages the handler finished.",
            ["topic"],
            registry=self.registry,
        )
        self.failed = Counter(
            "consumer_messages_failed",
            "Failed handling attempts (invalid, transient, error).",
            ["topic", "reason"],
            registry=self.registry,
        )
        self.dead_lettered = Counter(
            "consumer_messages_dead_lettered",
            "Messages sent to the dead-letter topic.",
            ["topic", "reason"],
            registry=self.registry,
        )
        self.duplicates = Counter(
            "consumer_messages_duplicate",
            "Messages skipped because their idempotency key was already processed.",
            ["topic"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "consumer_processing_seconds",
            "Time from receiving a message to its outcome (retries included).",
            ["topic"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
            registry=self.registry,
        )
        self.lag = Gauge(
            "consumer_lag",
            "Messages between the committed offset and the end of the partition.",
            ["topic", "partition"],
            registry=self.registry,
        )

    def record_statistics(self, stats_json: str) -> None:
        """librdkafka's ``stats_cb``: set consumer_lag for every assigned partition."""
        try:
            stats = json.loads(stats_json)
        except json.JSONDecodeError:
            logger.warning("unreadable librdkafka statistics")
            return
        for topic, topic_stats in (stats.get("topics") or {}).items():
            for partition, partition_stats in (topic_stats.get("partitions") or {}).items():
                if partition == "-1":  # librdkafka's internal unassigned partition
                    continue
                lag = _lag(partition_stats)
                if lag is not None:
                    self.lag.labels(topic=topic, partition=partition).set(lag)


def _lag(stats: dict[str, object]) -> int | None:
    """``consumer_lag`` (end offset - committed offset); with nothing committed yet, the whole
    partition (end - start), as the group would read it from the earliest offset; None when
    librdkafka does not know the offsets yet."""
    lag = stats.get("consumer_lag")
    if isinstance(lag, int) and lag >= 0:
        return lag
    committed, low, end = (stats.get(k) for k in ("committed_offset", "lo_offset", "ls_offset"))
    if not (isinstance(committed, int) and isinstance(low, int) and isinstance(end, int)):
        return None
    if committed < 0 <= low <= end:
        return end - low
    return None
