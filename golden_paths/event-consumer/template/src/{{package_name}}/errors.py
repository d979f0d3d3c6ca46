"""What a handler raises to say how a message failed."""

from __future__ import annotations


class TransientError(Exception):
    """A failure worth retrying (a dependency timed out, a rate limit): retried with backoff,
    dead-lettered when the attempts run out."""


class InvalidMessage(Exception):
    """The message cannot be processed as it is (not JSON, not matching the schema): it is
    dead-lettered at once, never retried."""


class ShuttingDown(Exception):
    """The service is stopping while a message waits for a retry: the message is left
    uncommitted, so the consumer that gets its partition next processes it."""


class DeadLetterError(Exception):
    """The dead-letter topic did not acknowledge a message: it is not committed (and so is
    processed again) rather than lost."""
