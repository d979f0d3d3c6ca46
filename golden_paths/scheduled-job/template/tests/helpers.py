"""Work functions the entry-point tests select with WORK=tests.helpers:<name>."""

from __future__ import annotations

import time
from typing import Any


class PermanentError(Exception):
    pass


def fail(slot: Any, settings: Any) -> int:
    raise PermanentError(f"cannot process {slot}")


def hang(slot: Any, settings: Any) -> int:
    time.sleep(60)
    return 0


def count(slot: Any, settings: Any) -> int:
    return 7
