"""Baselines: a ratchet for adopting repositories.

``--write-baseline`` records the current failures (by rule id: every rule reports at most one
failure, wherever it points); with ``--baseline FILE`` only failures not recorded there fail
the run.  Recorded failures are still reported, marked
suppressed ("in baseline").  The file is JSON::

    {"version": 1, "tool": "platformctl check", "failures": [{"rule": "...", "file": "..."}]}
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from platformctl.core.errors import InputFileError
from platformctl.core.report import Finding

BASELINE_VERSION = 1


def key(finding: Finding) -> str:
    return finding.rule


def read(path: Path) -> set[str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputFileError(
            "baseline file not found", file=str(path), hint="create it with --write-baseline"
        ) from None
    except (OSError, ValueError) as exc:
        raise InputFileError(f"cannot read baseline: {exc}", file=str(path)) from None
    if (
        not isinstance(data, dict)
        or data.get("version") != BASELINE_VERSION
        or not isinstance(data.get("failures"), list)
    ):
        raise InputFileError(
            "not a platformctl check baseline (version 1)",
            file=str(path),
            hint="recreate it with --write-baseline",
        )
    return {
        item["rule"]
        for item in data["failures"]
        if isinstance(item, dict) and isinstance(item.get("rule"), str)
    }


def write(path: Path, findings: list[Finding]) -> int:
    failures: dict[str, str | None] = {}
    for finding in findings:
        if not finding.suppressed:
            failures.setdefault(key(finding), finding.file)
    payload = {
        "version": BASELINE_VERSION,
        "tool": "platformctl check",
        "failures": [{"rule": rule, "file": failures[rule]} for rule in sorted(failures)],
    }
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise InputFileError(
            f"cannot write baseline: {exc.strerror or exc}",
            file=str(path),
            hint="pass --baseline FILE in an existing, writable folder",
        ) from None
    return len(failures)


def apply_file(findings: list[Finding], path: Path, root: Path) -> int:
    """``--baseline FILE``: mark the findings FILE records as suppressed; returns how many.
    FILE is relative to the current folder: a missing FILE that exists under the checked
    repository ROOT is an error whose hint says so."""
    from platformctl.core.compliance.scoring import apply_baseline

    if not path.exists() and not path.is_absolute() and (root / path).is_file():
        raise InputFileError(
            "baseline file not found",
            file=str(path),
            hint=f"--baseline is relative to the current folder: pass {root / path}",
        )
    return apply_baseline(findings, read(path), path.name)
