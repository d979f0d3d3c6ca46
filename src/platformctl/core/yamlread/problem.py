"""``YamlProblem``: why a file or one of its documents could not be read."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class YamlProblem:
    """Why a file (or one of its documents) could not be read."""

    rule: str  # yaml/syntax, yaml/duplicate-key, yaml/too-large, ...
    message: str
    line: int | None = None
    column: int | None = None
    document: int | None = None  # index of the document, None for the whole file
    hint: str | None = None
    severity: str = "error"
