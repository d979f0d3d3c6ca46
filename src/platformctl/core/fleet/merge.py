"""Partial results (``--shard I/N --format json --output FILE``) combined into one report, and
earlier results read back for ``--resume``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from platformctl.core.errors import InputFileError
from platformctl.core.fleet.report import KIND_STATUS


def read_results(path: Path, *, kind: str = KIND_STATUS) -> list[dict[str, Any]]:
    """The per-repository records of a ``fleet ... --format json`` file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputFileError(f"cannot read: {exc.strerror or exc}", file=str(path)) from None
    except json.JSONDecodeError as exc:
        raise InputFileError(
            f"not JSON: {exc.msg}",
            file=str(path),
            line=exc.lineno,
            column=exc.colno,
            hint="pass a file written by platformctl fleet ... --format json --output FILE",
        ) from None
    if not isinstance(data, dict) or data.get("kind") != kind:
        raise InputFileError(
            f"not a {kind} results file",
            file=str(path),
            line=1,
            hint="pass a file written by platformctl fleet ... --format json --output FILE",
        )
    recs = data.get("repositories")
    if not isinstance(recs, list) or not all(
        isinstance(r, dict) and isinstance(r.get("url"), str) for r in recs
    ):
        raise InputFileError("'repositories' must be a list of records with a url", file=str(path))
    return recs


def merge(parts: list[Path], *, kind: str = KIND_STATUS) -> list[dict[str, Any]]:
    """Every part's records, each repository once (a later part's record wins), in a stable
    order (by URL), so N merged shards equal one unsharded run."""
    by_url: dict[str, dict[str, Any]] = {}
    for part in parts:
        for rec in read_results(part, kind=kind):
            by_url[rec["url"]] = rec
    return [by_url[url] for url in sorted(by_url)]
