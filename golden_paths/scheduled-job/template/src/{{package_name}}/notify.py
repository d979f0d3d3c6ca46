"""Optional notification of each run's outcome: a JSON POST to a webhook (a chat or incident
tool's incoming webhook, or your own endpoint)."""

from __future__ import annotations

import logging
from typing import Any

import httpx

logger = logging.getLogger(__name__)


def notify(
    url: str,
    payload: dict[str, Any],
    *,
    timeout: float = 10.0,
    transport: httpx.BaseTransport | None = None,
) -> bool:
    """POST ``payload``; a failure is logged, never fails the run."""
    try:
        with httpx.Client(timeout=timeout, transport=transport) as client:
            response = client.post(url, json=payload)
            response.raise_for_status()
    except httpx.HTTPError as error:
        logger.warning("notification failed", extra={"error": str(error)})
        return False
    return True
