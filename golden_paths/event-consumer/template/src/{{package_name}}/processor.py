"""One message, from Kafka to its outcome: validate, deduplicate, handle (with retries), or
dead-letter. The consume loop (loop.py) commits the offset after ``process`` returns.

Outcomes:
  processed       the handler succeeded; the idempotency key is remembered
  duplicate       the idempotency key was processed before: skipped
  dead-lettered   invalid (schema), a handler error, or transient errors past MAX_ATTEMPTS: the
                  original message goes to the dead-letter topic with the error and its headers

``process`` raises (and the loop does not commit) only when the message must be processed
again: the dead-letter topic did not acknowledge, the deduplication store is unreachable, or
the service is shutting down during a retry.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol

from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from .config import Settings
from .dedup import DedupStore
from .errors import DeadLetterError, InvalidMessage, ShuttingDown, TransientError
from .handler import Handler, MessageContext
from .logging_config import message_context
from .metrics import Metrics
from .schema import MessageValidator
from .tracing import context_from_headers

logger = logging.getLogger(__name__)

IDEMPOTENCY_HEADER = "idempotency-key"
# Headers the dead-letter copy gets on top of the original message's own.
DLQ_HEADERS = (
    "dlq-reason",
    "dlq-error",
    "dlq-error-type",
    "dlq-original-topic",
    "dlq-original-partition",
    "dlq-original-offset",
    "dlq-consumer-group",
    "dlq-attempts",
    "dlq-failed-at",
)


class Message(Protocol):
    """What the processor reads of a confluent_kafka.Message (tests pass their own)."""

    def topic(self) -> str | None: ...
    def partition(self) -> int | None: ...
    def offset(self) -> int | None: ...
    def key(self) -> bytes | None: ...
    def value(self) -> bytes | None: ...
    def headers(self) -> list[tuple[str, bytes | None]] | None: ...


class Producer(Protocol):
    """What the processor uses of a confluent_kafka.Producer."""

    def produce(self, topic: str, **kwargs: Any) -> None: ...
    def flush(self, timeout: float = ...) -> int: ...


class Outcome(StrEnum):
    PROCESSED = "processed"
    DUPLICATE = "duplicate"
    DEAD_LETTERED = "dead-lettered"


def decode_headers(raw: list[tuple[str, bytes | None]] | None) -> dict[str, str]:
    """Message headers as text (the last value of a repeated header wins)."""
    headers: dict[str, str] = {}
    for name, value in raw or []:
        headers[name] = value.decode("utf-8", "replace") if value is not None else ""
    return headers


def backoff_delays(settings: Settings) -> list[float]:
    """Waits between the attempts: initial, doubling, capped at the maximum."""
    return [
        min(settings.backoff_initial_seconds * 2**n, settings.backoff_max_seconds)
        for n in range(settings.max_attempts - 1)
    ]


def _sleep(seconds: float) -> bool:
    time.sleep(seconds)
    return False


class Processor:
    def __init__(
        self,
        *,
        settings: Settings,
        handler: Handler,
        dedup: DedupStore,
        producer: Producer,
        metrics: Metrics,
        validator: MessageValidator | None = None,
        wait: Callable[[float], bool] | None = None,
        tracer: trace.Tracer | None = None,
    ) -> None:
        """``wait(seconds)`` sleeps between attempts and returns True when the service is
        stopping (the loop passes its stop event's ``wait``)."""
        self.settings = settings
        self.handler = handler
        self.dedup = dedup
        self.producer = producer
        self.metrics = metrics
        self.validator = MessageValidator() if validator is None else validator
        self.wait = wait if wait is not None else _sleep
        self.tracer = tracer if tracer is not None else trace.get_tracer(__name__)

    def process(self, message: Message) -> Outcome:
        started = time.perf_counter()
        topic = message.topic() or self.settings.kafka_topic
        headers = decode_headers(message.headers())
        token = message_context.set(
            {"topic": topic, "partition": message.partition(), "offset": message.offset()}
        )
        self.metrics.consumed.labels(topic=topic).inc()
        try:
            with self.tracer.start_as_current_span(
                f"{topic} process",
                context=context_from_headers(headers),
                kind=SpanKind.CONSUMER,
                attributes={
                    "messaging.system": "kafka",
                    "messaging.operation.type": "process",
                    "messaging.destination.name": topic,
                    "messaging.consumer.group.name": self.settings.kafka_consumer_group,
                    "messaging.destination.partition.id": str(message.partition()),
                    "messaging.kafka.offset": message.offset() or 0,
                },
            ) as span:
                outcome = self._process(message, topic, headers)
                span.set_attribute("app.outcome", outcome.value)
                if outcome is Outcome.DEAD_LETTERED:
                    span.set_status(Status(StatusCode.ERROR, "dead-lettered"))
                return outcome
        finally:
            self.metrics.latency.labels(topic=topic).observe(time.perf_counter() - started)
            message_context.reset(token)

    def _process(self, message: Message, topic: str, headers: dict[str, str]) -> Outcome:
        try:
            event = self.validator.decode(message.value())
        except InvalidMessage as error:
            self.metrics.failed.labels(topic=topic, reason="invalid").inc()
            self.dead_letter(message, headers, error, reason="invalid", attempts=0)
            return Outcome.DEAD_LETTERED
        key = headers.get(IDEMPOTENCY_HEADER) or str(event["id"])
        if self.dedup.seen(key):
            self.metrics.duplicates.labels(topic=topic).inc()
            logger.info("duplicate skipped", extra={"idempotency_key": key})
            return Outcome.DUPLICATE
        raw_key = message.key()
        context = MessageContext(
            topic=topic,
            partition=message.partition() or 0,
            offset=message.offset() or 0,
            key=raw_key.decode("utf-8", "replace") if raw_key is not None else None,
            idempotency_key=key,
            headers=headers,
        )
        delays = backoff_delays(self.settings)
        attempt = 0
        while True:
            attempt += 1
            try:
                self.handler(event, context)
            except TransientError as error:
                self.metrics.failed.labels(topic=topic, reason="transient").inc()
                if attempt > len(delays):
                    logger.error(
                        "transient errors past the attempts",
                        extra={"attempts": attempt, "error": str(error)},
                    )
                    self.dead_letter(
                        message, headers, error, reason="retries-exhausted", attempts=attempt
                    )
                    return Outcome.DEAD_LETTERED
                delay = delays[attempt - 1]
                logger.warning(
                    "transient error, retrying",
                    extra={"attempt": attempt, "retry_in_seconds": delay, "error": str(error)},
                )
                if self.wait(delay):
                    raise ShuttingDown("stopping during a retry") from error
            except Exception as error:
                self.metrics.failed.labels(topic=topic, reason="error").inc()
                logger.exception("handler failed", extra={"attempts": attempt})
                self.dead_letter(message, headers, error, reason="handler-error", attempts=attempt)
                return Outcome.DEAD_LETTERED
            else:
                self.dedup.remember(key, self.settings.dedup_ttl_seconds)
                self.metrics.processed.labels(topic=topic).inc()
                return Outcome.PROCESSED

    def dead_letter(
        self,
        message: Message,
        headers: dict[str, str],
        error: BaseException,
        *,
        reason: str,
        attempts: int,
    ) -> None:
        """Send the original key, value and headers to the dead-letter topic, with why, and
        wait for the broker's acknowledgement (DeadLetterError when it does not come)."""
        topic = message.topic() or self.settings.kafka_topic
        extra = {
            "dlq-reason": reason,
            "dlq-error": str(error)[:1000],
            "dlq-error-type": type(error).__name__,
            "dlq-original-topic": topic,
            "dlq-original-partition": str(message.partition()),
            "dlq-original-offset": str(message.offset()),
            "dlq-consumer-group": self.settings.kafka_consumer_group,
            "dlq-attempts": str(attempts),
            "dlq-failed-at": datetime.now(tz=UTC).isoformat(),
        }
        original = [(name, value) for name, value in (message.headers() or [])]
        failures: list[str] = []

        def delivered(error: Any, _message: Any) -> None:
            if error is not None:
                failures.append(str(error))

        self.producer.produce(
            self.settings.kafka_dead_letter_topic,
            key=message.key(),
            value=message.value(),
            headers=[*original, *((k, v.encode()) for k, v in extra.items())],
            on_delivery=delivered,
        )
        remaining = self.producer.flush(self.settings.shutdown_timeout_seconds)
        if remaining or failures:
            raise DeadLetterError(
                f"the dead-letter topic {self.settings.kafka_dead_letter_topic} did not "
                f"acknowledge: {', '.join(failures) or 'timed out'}"
            )
        self.metrics.dead_lettered.labels(topic=topic, reason=reason).inc()
        logger.warning(
            "message dead-lettered",
            extra={"reason": reason, "error": str(error)[:1000], "headers": sorted(headers)},
        )
