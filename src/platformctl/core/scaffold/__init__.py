"""Golden paths: the registry (index.yaml + platform overrides), the copier gateway (engine),
the embedded version history (versions), and the create / update / drift core functions.

``check_drift`` and ``DriftStatus`` are importable from here (lazily: importing this package
loads nothing else)."""

from __future__ import annotations

from typing import Any

__all__ = ["DriftStatus", "check_drift"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from platformctl.core.scaffold import update

        return getattr(update, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
