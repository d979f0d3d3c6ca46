"""Which slots are done: a run for a slot that is already done does nothing.

``SlotStore`` is the interface; ``FileSlotStore`` keeps one marker file per slot in a
directory (in the cluster: a volume that outlives the pod), ``MemorySlotStore`` is for tests.
A marker is written only after the work succeeded, atomically (write, then rename).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


class SlotStore(Protocol):
    def is_done(self, slot: str) -> bool: ...

    def mark_done(self, slot: str, result: dict[str, object]) -> None: ...


class MemorySlotStore:
    def __init__(self) -> None:
        self.done: dict[str, dict[str, object]] = {}

    def is_done(self, slot: str) -> bool:
        return slot in self.done

    def mark_done(self, slot: str, result: dict[str, object]) -> None:
        self.done[slot] = result


class FileSlotStore:
    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    def _marker(self, slot: str) -> Path:
        return self.directory / f"{_UNSAFE.sub('_', slot)}.done.json"

    def is_done(self, slot: str) -> bool:
        return self._marker(slot).is_file()

    def mark_done(self, slot: str, result: dict[str, object]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        record = {"slot": slot, "completed_at": datetime.now(tz=UTC).isoformat(), **result}
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".slot-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(record, handle)
            os.replace(tmp, self._marker(slot))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
