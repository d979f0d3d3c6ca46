"""The schedule slot a run is for: what makes a run idempotent.

A CronJob creates one Job per scheduled time and names it ``<cronjob>-<minutes since the
epoch>`` (the scheduled time, not the start time), so every pod of that Job (retries included)
sees the same slot, and a late or repeated start of the same scheduled run is recognised.
A Job created by hand (``kubectl create job --from=cronjob/...``) is its own slot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

_SCHEDULED = re.compile(r"^(?P<cronjob>.+)-(?P<minutes>[0-9]{8,})$")


@dataclass(frozen=True)
class Slot:
    key: str
    scheduled_at: datetime | None = None

    def __str__(self) -> str:
        return self.key


def resolve_slot(
    *, override: str | None, k8s_job_name: str | None, now: datetime | None = None
) -> Slot:
    """The slot of this run: the override, else the Job's scheduled time, else the current
    minute (a local run)."""
    if override:
        return Slot(key=override)
    if k8s_job_name:
        match = _SCHEDULED.match(k8s_job_name)
        if match:
            scheduled = datetime.fromtimestamp(int(match["minutes"]) * 60, tz=UTC)
            return Slot(key=scheduled.strftime("%Y-%m-%dT%H:%MZ"), scheduled_at=scheduled)
        return Slot(key=f"manual-{k8s_job_name}")
    minute = (now or datetime.now(tz=UTC)).astimezone(UTC).replace(second=0, microsecond=0)
    return Slot(key=minute.strftime("%Y-%m-%dT%H:%MZ"), scheduled_at=minute)
