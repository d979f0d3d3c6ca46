"""Test doubles of the Kafka client boundary: confluent_kafka's Message, Consumer, Producer.

They behave as the loop and the processor rely on: poll() returns messages then None, calls
on_assign on the first poll, commit() records the offsets, seek() replays from an offset,
produce() + flush() deliver (or fail, when told to)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from confluent_kafka import KafkaError, TopicPartition


@dataclass
class FakeMessage:
    _value: bytes | None
    _topic: str = "orders.v1"
    _partition: int = 0
    _offset: int = 0
    _key: bytes | None = b"key-1"
    _headers: list[tuple[str, bytes | None]] | None = None
    _error: KafkaError | None = None

    def topic(self) -> str | None:
        return self._topic

    def partition(self) -> int | None:
        return self._partition

    def offset(self) -> int | None:
        return self._offset

    def key(self) -> bytes | None:
        return self._key

    def value(self) -> bytes | None:
        return self._value

    def headers(self) -> list[tuple[str, bytes | None]] | None:
        return self._headers

    def error(self) -> KafkaError | None:
        return self._error


def event(event_id: str = "evt-1", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": event_id,
        "type": "order.created",
        "occurred_at": "2026-01-01T12:00:00Z",
        "data": {"order": 42},
    }
    body.update(overrides)
    return body


def message(body: Any, offset: int = 0, **kwargs: Any) -> FakeMessage:
    value = body if isinstance(body, bytes) else json.dumps(body).encode()
    return FakeMessage(value, _offset=offset, **kwargs)


@dataclass
class FakeConsumer:
    messages: list[FakeMessage]
    stop: threading.Event | None = None  # set when the messages run out
    commits: list[tuple[str, int, int]] = field(default_factory=list)
    seeks: list[tuple[str, int, int]] = field(default_factory=list)
    subscribed: list[str] = field(default_factory=list)
    callbacks: dict[str, Callable[..., None]] = field(default_factory=dict)
    closed: bool = False
    config: dict[str, Any] = field(default_factory=dict)
    commit_error: Exception | None = None
    _position: int = 0
    _assigned: bool = False

    def subscribe(self, topics: list[str], **callbacks: Any) -> None:
        self.subscribed = topics
        self.callbacks = callbacks

    def poll(self, timeout: float) -> FakeMessage | None:
        if not self._assigned:
            self._assigned = True
            self.callbacks["on_assign"](self, [TopicPartition(self.subscribed[0], 0)])
        if self._position >= len(self.messages):
            if self.stop is not None:
                self.stop.set()
            return None
        self._position += 1
        return self.messages[self._position - 1]

    def commit(self, *, message: FakeMessage, asynchronous: bool) -> None:
        assert asynchronous is False, "the loop commits synchronously"
        if self.commit_error is not None:
            raise self.commit_error
        self.commits.append(
            (message.topic() or "", message.partition() or 0, message.offset() or 0)
        )

    def seek(self, partition: TopicPartition) -> None:
        self.seeks.append((partition.topic, partition.partition, partition.offset))
        for index, candidate in enumerate(self.messages):
            if candidate.offset() == partition.offset:
                self._position = index
                return

    def close(self) -> None:
        self.closed = True


@dataclass
class FakeProducer:
    """Delivers every message unless ``fail_times`` says how many deliveries fail first."""

    fail_times: int = 0
    produced: list[dict[str, Any]] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)
    _pending: list[Callable[[], None]] = field(default_factory=list)

    def produce(self, topic: str, **kwargs: Any) -> None:
        callback = kwargs.get("on_delivery")
        if self.fail_times > 0:
            self.fail_times -= 1
            error: Any = "broker unreachable"
        else:
            error = None
            self.produced.append({"topic": topic, **kwargs})
        if callback is not None:
            self._pending.append(lambda: callback(error, None))

    def flush(self, timeout: float = -1) -> int:
        while self._pending:
            self._pending.pop(0)()
        return 0

    def headers(self, index: int = -1) -> dict[str, bytes | None]:
        return dict(self.produced[index]["headers"])
