"""Where the files shipped with platformctl live (wheel install or source checkout)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PKG = Path(__file__).resolve().parent.parent


@cache
def defaults_dir() -> Path:
    """The embedded default platform (platform.yaml, scorecards, claim types)."""
    return _PKG / "defaults"


@cache
def golden_paths_dir() -> Path:
    """Bundled golden paths: inside the wheel at platformctl/golden_paths, in a checkout at the
    repository root."""
    packaged = _PKG / "golden_paths"
    if packaged.is_dir():
        return packaged
    return _PKG.parent.parent / "golden_paths"
