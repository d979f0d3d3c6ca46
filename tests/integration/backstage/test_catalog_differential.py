"""Differential fuzzing of `catalog validate` against Backstage's own packages.

Mutated corpus files (catalog_mutations.py) go through both validators in one batch each: the
vendored oracle (oracle/backstage-validate.mjs, one Node process for every file) and
``validate_paths``.  Any difference in a document's verdict, in ``file_blocked`` or in the rule
that matches Backstage's (first) error fails the test, with the case's file kept for replay.

``-m backstage`` (nox -s backstage) runs a fixed-seed sample; ``nox -s fuzz -- --count 20000
[--seed N]`` a large run (PLATFORMCTL_FUZZ_COUNT / PLATFORMCTL_FUZZ_SEED).  Comparison rules are
those of shared/corpus/catalog/README.md: only error findings under ``backstage/`` and ``yaml/``
count; rows Backstage marks ``uncertain`` (an unreadable ``$json``/``$yaml``) are skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from catalog_mutations import make_cases

from platformctl.core.catalog.validate import validate_paths

pytestmark = pytest.mark.backstage

HERE = Path(__file__).resolve().parent
ORACLE = HERE / "oracle" / "backstage-validate.mjs"
CORPUS = HERE.parents[2].parent / "shared" / "corpus" / "catalog"
DEPS = Path(os.environ.get("BACKSTAGE_ORACLE_DEPS") or HERE)
REQUIRED = bool(os.environ.get("PLATFORMCTL_BACKSTAGE_IT"))
COUNT = int(os.environ.get("PLATFORMCTL_FUZZ_COUNT") or 1500)
SEED = int(os.environ.get("PLATFORMCTL_FUZZ_SEED") or 17)

# Backstage's steps in order; Backstage reports the first failing one, we report all, so the
# earliest of ours must be Backstage's.
RANK = {
    "yaml": 0,
    "yaml/not-a-mapping": 1,
    "backstage/envelope": 2,
    "backstage/annotations-not-object": 3,
    "backstage/placeholder": 4,
    "backstage/schema": 5,
    # Backstage's schema policy reports an unknown root key as "<root> must NOT have additional
    # properties", NoForeignRootFields names relations/status: we say unknown-root-field for both
    "backstage/unknown-root-field": 5,
    "backstage/field-format": 7,
    "backstage/unknown-kind": 8,
    "backstage/kind-schema": 8,
    "backstage/location-type": 9,
    "backstage/invalid-ref": 10,
}


READ_STAGES = ("yaml", "root", "envelope")  # the stages that block the whole file


def _rank(rule: str) -> int:
    return RANK.get(rule, 0 if rule.startswith("yaml/") else 99)


def backstage_rule(row: dict[str, Any]) -> str:
    """Our rule id for Backstage's error (its stage and message)."""
    stage, error = row["stage"], row["errors"][0] if row["errors"] else ""
    if stage == "yaml":
        return "yaml"
    if stage == "root":
        return "yaml/not-a-mapping"
    if stage == "envelope":
        if "annotations must be a valid object" in error:
            return "backstage/annotations-not-object"
        return "backstage/envelope"
    if stage == "placeholder":
        return "backstage/placeholder"
    if stage == "policy":
        if "Malformed envelope, <root> must NOT have additional properties" in error:
            return "backstage/unknown-root-field"  # we name the field instead
        if "Malformed envelope" in error:
            return "backstage/schema"
        if "Unknown field" in error:
            return "backstage/unknown-root-field"
        return "backstage/field-format"
    if stage == "kind":
        if "No processor recognized" in error:
            return "backstage/unknown-kind"
        if "failed validation after preprocessing" in error:
            return "backstage/schema"
        return "backstage/kind-schema"
    if stage == "location":
        return "backstage/location-type"
    if stage == "relations":
        return "backstage/invalid-ref"
    return f"?{stage}"


def _same_rule(ours: str, theirs: str) -> bool:
    return ours == theirs or (theirs == "yaml" and ours.startswith("yaml/"))


def compare(rows: list[dict[str, Any]], findings: list[Any]) -> list[str]:
    """Every disagreement between Backstage's rows and our findings, one line each."""
    doc_rules: dict[tuple[str, int], list[str]] = defaultdict(list)
    file_rules: dict[str, list[str]] = defaultdict(list)
    for f in findings:
        if f.severity != "error" or f.rule.split("/")[0] not in ("backstage", "yaml"):
            continue
        if f.document is None:
            file_rules[f.file].append(f.rule)
        else:
            doc_rules[(f.file, f.document)].append(f.rule)
    by_file: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_file[row["file"]].append(row)
    problems: list[str] = []
    for file, file_rows in by_file.items():
        blocked = file_rows[0]["file_blocked"]
        ours_blocked = bool(file_rules.get(file))
        if blocked != ours_blocked:
            problems.append(
                f"{file}: file_blocked Backstage={blocked} ours={ours_blocked} "
                f"({file_rules.get(file)}; {[r['errors'][:1] for r in file_rows]})"
            )
        known = {r["doc_index"] for r in file_rows}
        for (f_name, index), rules in doc_rules.items():
            # a blocked file: where a YAML error ends the reading differs between parsers
            if f_name == file and index not in known and not (blocked and ours_blocked):
                problems.append(f"{file}#{index}: no such document for Backstage, we say {rules}")
        # After a YAML syntax error libyaml cannot read on, while the yaml package reports it in
        # one document and goes on: in a file both reject at read level, which document a
        # syntax error is blamed on (and the verdicts of the documents after it) may differ.
        # Also tolerated there: libyaml refusing what the yaml package reads (``{a:{b: 1}}``).
        yaml_blocked = (
            blocked
            and ours_blocked
            and any(r["stage"] in READ_STAGES for r in file_rows)
            and any(
                rule.startswith("yaml/")
                for (f_name, _), rules in doc_rules.items()
                if f_name == file
                for rule in rules
            )
        )
        for row in file_rows:
            if row["uncertain"]:
                continue
            where = f"{file}#{row['doc_index']}"
            ours = sorted(set(doc_rules.get((file, row["doc_index"]), [])), key=_rank)
            if yaml_blocked and all(r.startswith("yaml/") for r in ours):
                continue
            if row["empty"]:
                if ours:
                    problems.append(f"{where}: empty for Backstage, we say {ours}")
                continue
            if row["valid"]:
                if ours:
                    problems.append(f"{where}: Backstage says valid, we say {ours}")
                continue
            theirs = backstage_rule(row)
            if not ours and not file_rules.get(file):
                problems.append(f"{where}: Backstage says {theirs} ({row['errors']}), we: valid")
                continue
            if not ours:
                continue  # the whole file is rejected (checked above), as Backstage does
            candidates = ours
            first = _rank(candidates[0])
            earliest = [r for r in candidates if _rank(r) == first]
            if not any(_same_rule(r, theirs) for r in earliest):
                problems.append(
                    f"{where}: Backstage says {theirs} ({row['errors'][0][:300]}), "
                    f"we say {candidates}"
                )
    return problems


@pytest.fixture(scope="module")
def oracle() -> list[str]:
    missing = [
        p
        for p in ("@backstage/catalog-model", "@backstage/plugin-scaffolder-common", "yaml")
        if not (DEPS / "node_modules" / p).is_dir()
    ]
    if shutil.which("node") is None or missing or not CORPUS.is_dir():
        why = (
            "node is not on PATH"
            if shutil.which("node") is None
            else f"{DEPS} lacks {missing}"
            if missing
            else f"no corpus at {CORPUS}"
        )
        if REQUIRED:
            pytest.fail(f"the differential fuzzer cannot run: {why}")
        pytest.skip(f"Backstage oracle not installed ({why}); run nox -s backstage")
    return ["node", str(ORACLE), "--deps", str(DEPS)]


def run_both(oracle: list[str], folder: Path) -> tuple[list[dict[str, Any]], list[Any]]:
    files = sorted(folder.glob("*.yaml"))
    proc = subprocess.run(
        [*oracle, "--relative-to", str(folder), str(folder)],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert proc.returncode in (0, 1), proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    result = validate_paths(files, base=folder)
    return rows, result.report.findings


def test_no_disagreement_with_backstage(
    oracle: list[str], tmp_path: Path, record_property: Any
) -> None:
    started = time.monotonic()
    cases = make_cases(CORPUS, SEED, COUNT)
    width = len(str(len(cases)))
    for i, data in enumerate(cases):
        (tmp_path / f"case-{i:0{width}d}.yaml").write_bytes(data)
    rows, findings = run_both(oracle, tmp_path)
    problems = compare(rows, findings)
    stages = Counter(r["stage"] or ("empty" if r["empty"] else "valid") for r in rows)
    summary = (
        f"{len(cases)} cases (seed {SEED}), {len(rows)} documents, "
        f"{sum(1 for r in rows if r['file_blocked'])} in blocked files, by Backstage stage "
        f"{dict(sorted(stages.items()))}, {time.monotonic() - started:.1f}s"
    )
    record_property("fuzz", summary)
    print(summary)
    if problems:
        keep = Path(os.environ.get("PLATFORMCTL_FUZZ_KEEP") or tmp_path)
        if keep != tmp_path:
            shutil.copytree(tmp_path, keep, dirs_exist_ok=True)
        pytest.fail(
            f"{len(problems)} disagreements with Backstage in {summary} (cases in {keep}):\n"
            + "\n".join(problems[:80])
        )
