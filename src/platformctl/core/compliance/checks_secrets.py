"""The ``no_secrets`` check type: secrets committed to the repository."""

from __future__ import annotations

import re
from typing import Any

from platformctl.core.compliance.facts import Facts, glob_match
from platformctl.core.compliance.registry import (
    INT,
    LIST,
    Hit,
    Opt,
    Outcome,
    check,
)

# --- committed secrets -----------------------------------------------------------------------

SECRET_PATTERNS: dict[str, bytes] = {
    "private key": (
        rb"-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----"
    ),
    "AWS access key id": rb"\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b",
    "AWS secret access key": (
        rb"(?i:aws_secret_access_key)[\"']?\s*[:=]\s*[\"']?[A-Za-z0-9/+=]{40}\b"
    ),
    "GitHub token": rb"\bgh[pousr]_[A-Za-z0-9]{36,255}\b|\bgithub_pat_[A-Za-z0-9_]{22,255}\b",
    "GitLab token": rb"\bglpat-[A-Za-z0-9_\-]{20,}",
    "Slack token": rb"\bxox[baprse]-[A-Za-z0-9-]{10,}",
    "Slack webhook": rb"https://hooks\.slack\.com/services/T[A-Za-z0-9_]+/B[A-Za-z0-9_]+/[A-Za-z0-9_]+",
    "Google API key": rb"\bAIza[0-9A-Za-z_\-]{35}\b",
    "Stripe secret key": rb"\b[sr]k_live_[0-9a-zA-Z]{24,}\b",
    "npm token": rb"\bnpm_[A-Za-z0-9]{36}\b",
    "PyPI token": rb"\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,}",
}
_SECRET_RE = re.compile(
    b"|".join(b"(?P<s%d>%s)" % (i, p) for i, p in enumerate(SECRET_PATTERNS.values()))
)
_SECRET_NAMES = {f"s{i}": name for i, name in enumerate(SECRET_PATTERNS)}
# Literal fragments, one of which every pattern above contains: a file with none of them is
# skipped without running the regex (substring search is far cheaper than the alternation).
_SECRET_HINTS = (
    b"PRIVATE KEY",
    b"AKIA",
    b"ASIA",
    b"ABIA",
    b"ACCA",
    b"_access_key",
    b"_ACCESS_KEY",
    b"_Access_Key",
    b"ghp_",
    b"gho_",
    b"ghu_",
    b"ghs_",
    b"ghr_",
    b"github_pat_",
    b"glpat-",
    b"xox",
    b"hooks.slack.com",
    b"AIza",
    b"k_live_",
    b"npm_",
    b"pypi-",
)
_SECRET_PREFILTER = re.compile(b"|".join(re.escape(h) for h in _SECRET_HINTS))
_ALLOW = (b"platformctl: allow-secret", b"pragma: allowlist secret")
_BINARY = (
    ".png .jpg .jpeg .gif .ico .webp .bmp .tiff .pdf .zip .gz .tgz .bz2 .xz .7z .tar .whl "
    ".jar .war .so .dylib .dll .exe .bin .pyc .pyo .class .o .a .woff .woff2 .ttf .otf .eot "
    ".mp3 .mp4 .mov .avi .sqlite .db .parquet .onnx .pt .pkl .npy .npz"
)
BINARY_SUFFIXES = frozenset(_BINARY.split())


@check(
    "no_secrets",
    exclude=Opt(LIST, help="globs of files not to scan (test fixtures with fake keys)"),
    max_bytes=Opt(INT, default=1_048_576, help="skip files larger than this"),
)
def no_secrets(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """No committed secrets: private keys, cloud access keys, GitHub/GitLab/Slack/... tokens.

    Scans what a commit would take in a git work tree -- tracked files and untracked files git
    does not ignore -- (every file outside one), skipping binaries and files over
    ``max_bytes``.  Every hit is reported at its own file:line:column.  A line containing
    ``platformctl: allow-secret`` is ignored."""
    exclude = [str(e) for e in opts.get("exclude") or []]
    max_bytes = int(opts.get("max_bytes") or 1_048_576)
    hits: list[Hit] = []
    for name in facts.files():
        dot = name.rfind(".")
        if dot != -1 and name[dot:].lower() in BINARY_SUFFIXES:
            continue
        if exclude and any(glob_match(name, e) for e in exclude):
            continue
        data = facts.read_bytes(name, max_bytes=max_bytes)
        if not data or b"\0" in data[:8192]:
            continue
        if not _SECRET_PREFILTER.search(data):
            continue
        for match in _SECRET_RE.finditer(data):
            start = data.rfind(b"\n", 0, match.start()) + 1
            end = data.find(b"\n", match.end())
            line_text = data[start : end if end != -1 else len(data)]
            if any(a in line_text for a in _ALLOW):
                continue
            kind = _SECRET_NAMES[match.lastgroup or "s0"]
            line = data.count(b"\n", 0, match.start()) + 1
            column = len(data[start : match.start()].decode("utf-8", "replace")) + 1
            hits.append(Hit(f"possible {kind}", name, line, column))
    if hits:
        files = len({h.file for h in hits})
        where = f"{files} files" if files > 1 else hits[0].file
        if len(hits) == 1:
            return Outcome.fail_at(f"{hits[0].message} in {where}:{hits[0].line}", hits)
        return Outcome.fail_at(f"{len(hits)} possible secrets in {where}", hits)
    return Outcome.ok("no secrets found")
