"""The job's work. Replace ``run`` with what the job is for; keep it idempotent per slot
(write results keyed by the slot, so a retried attempt overwrites rather than duplicates).

Raise ``TransientError`` for failures worth retrying (a timeout talking to a dependency);
any other exception fails the run at once.
"""

from __future__ import annotations

import logging

from .config import Settings
from .slot import Slot

logger = logging.getLogger(__name__)


class TransientError(Exception):
    """A failure that another attempt may not hit (network, a busy dependency)."""


def run(slot: Slot, settings: Settings) -> int:
    """Do the work of one slot; return how many records were processed."""
    logger.info("processing slot", extra={"slot": slot.key, "environment": settings.environment})
    return 0
