"""Idempotency: the ids of processed messages, kept for a while.

Kafka delivers at least once: after a crash or a rebalance, messages processed but not yet
committed come again. The consumer skips a message whose idempotency key is in the store, and
remembers the key only after the handler succeeded. ``InMemoryDedupStore`` forgets on restart
and is per pod; ``RedisDedupStore`` is shared by every replica and survives restarts.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import redis


class DedupStore(Protocol):
    def seen(self, key: str) -> bool:
        """Whether the key was remembered and has not expired."""
        ...

    def remember(self, key: str, ttl_seconds: int) -> None:
        """Remember the key for ``ttl_seconds``."""
        ...

    def ping(self) -> bool:
        """Whether the store is reachable (readiness)."""
        ...


class InMemoryDedupStore:
    """A bounded dict of key -> expiry; the oldest keys go first when it is full."""

    def __init__(
        self, max_entries: int = 100_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._entries: OrderedDict[str, float] = OrderedDict()
        self._max_entries = max_entries
        self._clock = clock

    def seen(self, key: str) -> bool:
        expiry = self._entries.get(key)
        if expiry is None:
            return False
        if expiry <= self._clock():
            del self._entries[key]
            return False
        return True

    def remember(self, key: str, ttl_seconds: int) -> None:
        self._entries[key] = self._clock() + ttl_seconds
        self._entries.move_to_end(key)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    def ping(self) -> bool:
        return True

    def __len__(self) -> int:
        return len(self._entries)


class RedisDedupStore:
    """Keys in Redis with a TTL (``SET key 1 EX ttl``); Redis expires them itself."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self._client = client
        self._prefix = prefix

    @classmethod
    def from_url(cls, url: str, prefix: str) -> RedisDedupStore:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        return cls(client, prefix)

    def _key(self, key: str) -> str:
        return f"{self._prefix}:{key}"

    def seen(self, key: str) -> bool:
        return bool(self._client.exists(self._key(key)))

    def remember(self, key: str, ttl_seconds: int) -> None:
        self._client.set(self._key(key), b"1", ex=ttl_seconds)

    def ping(self) -> bool:
        import redis

        try:
            return bool(self._client.ping())
        except redis.RedisError:
            return False
