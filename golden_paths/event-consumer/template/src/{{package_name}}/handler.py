"""The business logic: what the service does with one valid event.

Replace ``handle`` with your own. It is called once per message that passed the schema and was
not processed before (idempotency); raise ``TransientError`` for a failure worth retrying, any
other exception dead-letters the message. A handler may still see a message twice (a crash
between its side effects and the commit): keep its side effects idempotent too, for example
keyed by ``context.idempotency_key``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MessageContext:
    """Where a message came from."""

    topic: str
    partition: int
    offset: int
    key: str | None
    idempotency_key: str
    headers: dict[str, str] = field(default_factory=dict)


class Handler(Protocol):
    def __call__(self, event: dict[str, Any], context: MessageContext) -> None: ...


def handle(event: dict[str, Any], context: MessageContext) -> None:
    """Log the event (replace with your logic)."""
    logger.info(
        "event handled",
        extra={"event_id": event["id"], "event_type": event["type"], "key": context.key},
    )
