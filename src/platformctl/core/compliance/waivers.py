"""Waivers from ``.platformctl.yaml``::

    waivers:
      - rule: check/production-readiness/runbook   # or production-readiness/runbook, or a glob
        reason: runbook lives in the team wiki until Q3
        expires: 2026-09-30
        owner: team-payments

A waived rule still runs and is reported as *suppressed* (SARIF ``suppressions``); it counts as
passing for the score.  A waiver without a reason or an expiry date, or past its expiry, is
itself an error finding (``check/waiver/invalid``, ``check/waiver/expired``) and waives nothing.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import os
from dataclasses import dataclass
from typing import Any

from platformctl.core import yamlio
from platformctl.core.errors import InputFileError
from platformctl.core.report import Finding

WAIVER_KEYS = frozenset({"rule", "reason", "expires", "owner"})


@dataclass
class Waiver:
    rule: str
    reason: str
    expires: dt.date
    owner: str | None
    line: int | None
    column: int | None = None

    def matches(self, rule_id: str) -> bool:
        pattern = self.rule if self.rule.startswith("check/") else f"check/{self.rule}"
        return fnmatch.fnmatchcase(rule_id, pattern)


def today() -> dt.date:
    """Today's date (``PLATFORMCTL_TODAY=YYYY-MM-DD`` pins it, for reproducible runs)."""
    pinned = os.environ.get("PLATFORMCTL_TODAY")
    if pinned:
        try:
            return dt.date.fromisoformat(pinned)
        except ValueError:
            pass
    return dt.date.today()


def parse_waivers(
    repo: dict[str, Any], document: yamlio.Document | None, file: str | None
) -> tuple[list[Waiver], list[Finding]]:
    """Valid, unexpired waivers and the findings about the others.  A ``waivers:`` value that is
    not a list of mappings is malformed input (exit 2)."""
    raw = repo.get("waivers")
    if raw is None:
        return [], []

    def pos(path: tuple[Any, ...]) -> tuple[int | None, int | None]:
        return document.position(path) if document else (None, None)

    if not isinstance(raw, list):
        line, col = pos(("waivers",))
        raise InputFileError(
            "'waivers' must be a list",
            file=file,
            line=line,
            column=col,
            hint="each waiver: {rule, reason, expires: YYYY-MM-DD, owner}",
        )
    waivers: list[Waiver] = []
    findings: list[Finding] = []
    now = today()
    for index, item in enumerate(raw):
        line, col = pos(("waivers", index))
        if not isinstance(item, dict):
            raise InputFileError(
                f"waiver #{index + 1} must be a mapping", file=file, line=line, column=col
            )
        for key in item:
            if key not in WAIVER_KEYS:
                kline, kcol = (
                    document.position(("waivers", index, key), key=True)
                    if document
                    else (None, None)
                )
                raise InputFileError(
                    f"waiver #{index + 1}: unknown key '{key}'",
                    file=file,
                    line=kline,
                    column=kcol,
                    hint="waiver keys: rule, reason, expires, owner",
                )
        rule = item.get("rule")
        if not isinstance(rule, str) or not rule:
            raise InputFileError(
                f"waiver #{index + 1}: 'rule' must name a rule id", file=file, line=line, column=col
            )
        problems = []
        reason = item.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            problems.append("has no reason")
        expires_raw = item.get("expires")
        expires: dt.date | None = None
        if expires_raw is None:
            problems.append("has no expiry date (expires: YYYY-MM-DD)")
        else:
            try:
                expires = dt.date.fromisoformat(str(expires_raw))
            except ValueError:
                problems.append(f"has an invalid expiry date {expires_raw!r} (use YYYY-MM-DD)")
        if problems:
            findings.append(
                Finding(
                    "check/waiver/invalid",
                    "error",
                    f"waiver for {rule} {' and '.join(problems)}",
                    file,
                    line,
                    col,
                    hint="every waiver needs a reason and expires: YYYY-MM-DD",
                )
            )
            continue
        assert expires is not None
        if expires < now:
            eline, ecol = pos(("waivers", index, "expires"))
            findings.append(
                Finding(
                    "check/waiver/expired",
                    "error",
                    f"waiver for {rule} expired on {expires.isoformat()}",
                    file,
                    eline,
                    ecol,
                    hint="fix the rule, or renew the waiver with a new reason and date",
                )
            )
            continue
        owner = item.get("owner")
        waivers.append(Waiver(rule, str(reason), expires, str(owner) if owner else None, line, col))
    return waivers, findings
