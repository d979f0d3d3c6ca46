"""Our validator against Backstage's own verdicts on 231 real-world catalog files.

Comparison rules: shared/corpus/catalog/README.md.  Only error findings under ``backstage/``
and ``yaml/`` count; file-level findings have ``document: None``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from platformctl.core.catalog.validate import validate_paths

CATALOG = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "catalog"

pytestmark = pytest.mark.skipif(
    not (CATALOG / "expected.jsonl").is_file(), reason="shared corpus not present"
)


def _counted(finding) -> bool:
    return finding.severity == "error" and finding.rule.split("/")[0] in ("backstage", "yaml")


def disagreements() -> tuple[int, list[str]]:
    rows = [json.loads(line) for line in (CATALOG / "expected.jsonl").read_text().splitlines()]
    files = sorted({r["file"] for r in rows})
    result = validate_paths([CATALOG / f for f in files], base=CATALOG)
    doc_errors: dict[tuple[str, int], list[str]] = defaultdict(list)
    file_errors: dict[str, list[str]] = defaultdict(list)
    for f in result.report.findings:
        if not _counted(f):
            continue
        if f.document is None:
            file_errors[f.file].append(f"{f.rule}: {f.message}")
        else:
            doc_errors[(f.file, f.document)].append(f"{f.rule}: {f.message}")
    problems = []
    checked = 0
    for row in rows:
        if row["empty"]:
            continue
        checked += 1
        key = (row["file"], row["doc_index"])
        where = f"{row['file']}#{row['doc_index']} ({row['kind']} {row['name']})"
        if not row["valid"]:
            if not doc_errors.get(key) and not file_errors.get(row["file"]):
                problems.append(
                    f"{where}: Backstage says invalid ({row['errors']}), we found nothing"
                )
        elif not row["file_blocked"]:
            ours = doc_errors.get(key, []) + file_errors.get(row["file"], [])
            if ours:
                problems.append(f"{where}: Backstage says valid, we say {ours}")
        else:
            if doc_errors.get(key):
                problems.append(
                    f"{where}: good document in a blocked file, we say {doc_errors[key]}"
                )
            if not file_errors.get(row["file"]):
                problems.append(f"{where}: Backstage rejects the file, we have no file-level error")
    return checked, problems


def test_corpus_agrees_with_backstage() -> None:
    checked, problems = disagreements()
    assert checked == 590
    assert not problems, f"{len(problems)}/{checked} disagreements:\n" + "\n".join(problems)


def test_corpus_findings_have_positions() -> None:
    files = sorted(p for p in CATALOG.glob("*.yaml"))
    result = validate_paths(files, base=CATALOG)
    for finding in result.report.findings:
        assert finding.file and finding.line and finding.column, finding
