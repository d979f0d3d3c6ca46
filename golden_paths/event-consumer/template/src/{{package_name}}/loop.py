"""The consume loop: poll, process, commit, at least once.

* **Manual commit after processing.** ``enable.auto.commit`` is off; the offset of a message is
  committed (synchronously) only after the processor reached an outcome for it. A crash before
  the commit means the message comes again, and the idempotency store skips it.
* **Errors that must not lose the message** (dead-letter topic or deduplication store
  unreachable) seek the partition back to the message and retry it after a backoff.
* **Rebalances.** Commits are synchronous after every message, so nothing is pending when
  partitions are revoked; the callbacks log and keep the readiness state's partitions.
* **Graceful shutdown.** ``stop`` (SIGTERM) is checked between messages: the message in flight
  finishes, its offset is committed, then ``close()`` leaves the group (the partitions move to
  the other replicas at once instead of after the session timeout).
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Protocol

from confluent_kafka import KafkaError, KafkaException, TopicPartition

from .config import Settings
from .errors import ShuttingDown
from .health import HealthState
from .processor import Message, Processor

logger = logging.getLogger(__name__)


class Consumer(Protocol):
    """What the loop uses of a confluent_kafka.Consumer (tests pass a fake)."""

    def subscribe(self, topics: list[str], **callbacks: Any) -> None: ...
    def poll(self, timeout: float) -> Any: ...
    def commit(self, *, message: Any, asynchronous: bool) -> Any: ...
    def seek(self, partition: TopicPartition) -> None: ...
    def close(self) -> None: ...


class ConsumeLoop:
    def __init__(
        self,
        *,
        consumer: Consumer,
        processor: Processor,
        settings: Settings,
        health: HealthState,
        stop: threading.Event,
    ) -> None:
        self.consumer = consumer
        self.processor = processor
        self.settings = settings
        self.health = health
        self.stop = stop

    # --- rebalance callbacks (called from inside poll()) --------------------------------
    def on_assign(self, _consumer: Any, partitions: list[TopicPartition]) -> None:
        self.health.assigned |= {(p.topic, p.partition) for p in partitions}
        logger.info("partitions assigned", extra={"partitions": _names(partitions)})

    def on_revoke(self, _consumer: Any, partitions: list[TopicPartition]) -> None:
        self.health.assigned -= {(p.topic, p.partition) for p in partitions}
        logger.info("partitions revoked", extra={"partitions": _names(partitions)})

    def on_lost(self, _consumer: Any, partitions: list[TopicPartition]) -> None:
        self.health.assigned -= {(p.topic, p.partition) for p in partitions}
        logger.warning("partitions lost", extra={"partitions": _names(partitions)})

    # --- the loop -----------------------------------------------------------------------
    def run(self) -> None:
        self.consumer.subscribe(
            [self.settings.kafka_topic],
            on_assign=self.on_assign,
            on_revoke=self.on_revoke,
            on_lost=self.on_lost,
        )
        self.health.running = True
        logger.info(
            "consuming",
            extra={
                "topic": self.settings.kafka_topic,
                "group": self.settings.kafka_consumer_group,
                "dead_letter_topic": self.settings.kafka_dead_letter_topic,
            },
        )
        failures = 0
        try:
            while not self.stop.is_set():
                message = self.consumer.poll(self.settings.poll_timeout_seconds)
                self.health.polled()
                if message is None:
                    continue
                error = message.error()
                if error is not None:
                    if error.fatal():
                        raise KafkaException(error)
                    if error.code() != KafkaError._PARTITION_EOF:
                        logger.warning("consumer error", extra={"error": str(error)})
                    continue
                try:
                    self.processor.process(message)
                except ShuttingDown:
                    logger.info("stopping during a retry: the message stays uncommitted")
                    break
                except Exception:
                    failures += 1
                    delay = min(
                        self.settings.backoff_initial_seconds * 2 ** min(failures - 1, 16),
                        self.settings.backoff_max_seconds,
                    )
                    logger.exception(
                        "message not processed; it is processed again",
                        extra={"retry_in_seconds": delay},
                    )
                    self._rewind(message)
                    self.stop.wait(delay)
                    continue
                failures = 0
                self._commit(message)
        finally:
            self.health.stopping = True
            self.health.running = False
            logger.info("closing the consumer (leaving the group)")
            self.consumer.close()

    def _commit(self, message: Message) -> None:
        try:
            self.consumer.commit(message=message, asynchronous=False)
        except KafkaException as error:
            # A rebalance took the partition: the new owner gets the message again, and the
            # idempotency store skips it if it was processed here.
            logger.warning("commit failed", extra={"error": str(error)})

    def _rewind(self, message: Message) -> None:
        topic, partition, offset = message.topic(), message.partition(), message.offset()
        if topic is None or partition is None or offset is None:
            return
        try:
            self.consumer.seek(TopicPartition(topic, partition, offset))
        except KafkaException as error:
            logger.warning("seek failed", extra={"error": str(error)})


def _names(partitions: list[TopicPartition]) -> list[str]:
    return [f"{p.topic}[{p.partition}]" for p in partitions]
