"""The core entry functions behind `platformctl check --fix`, `--explain` and `--baseline`:
plain values in, data out (no terminal)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from platformctl.core import config as config_mod
from platformctl.core.compliance import baseline, fixes, output, scoring
from platformctl.core.errors import InputFileError, PlatformError

DATA = Path(__file__).resolve().parent.parent / "data" / "compliance"
CARD = ["production-readiness"]


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    target = tmp_path / "service-bad"
    shutil.copytree(DATA / "service-bad", target)
    return target


def _run(root: Path):
    cfg = config_mod.load(cwd=root)
    return cfg, scoring.run(root=root, config=cfg, only=CARD)


def test_apply_fixes_dry_run_returns_the_patch_and_writes_nothing(bad):
    before = (bad / "catalog-info.yaml").read_text()
    cfg, result = _run(bad)
    run = fixes.apply_fixes(result, bad, cfg, only=CARD, dry_run=True)
    assert run.patch and run.patch.startswith("--- a/catalog-info.yaml\n")
    assert run.applied and run.written == [] and run.result is None
    assert run.changes.changed == ["catalog-info.yaml"]
    assert (bad / "catalog-info.yaml").read_text() == before


def test_apply_fixes_writes_and_checks_again(bad):
    cfg, result = _run(bad)
    run = fixes.apply_fixes(result, bad, cfg, only=CARD)
    assert run.patch is None and "catalog-info.yaml" in run.written
    assert all(": " in line for line in run.applied)
    assert run.result is not None
    assert (bad / "catalog-info.yaml").read_text() == run.changes.current["catalog-info.yaml"]
    # a second run has nothing left to do
    again = fixes.apply_fixes(run.result, bad, cfg, only=CARD)
    assert again.written == [] and again.applied == []


def test_explain_rule_builtin_scorecard_and_unknown(bad):
    cfg = config_mod.load(cwd=bad)
    text = output.explain_rule("production-readiness/pagerduty", cfg, bad)
    assert text.startswith("check/production-readiness/pagerduty: ")
    assert "Automatic fix (platformctl check --fix): catalog_annotation" in text
    builtin = output.explain_rule("waiver/expired", cfg, bad)
    assert builtin.startswith("check/waiver/expired: ")
    assert output.explain_rule("check/waiver/expired", cfg, bad) == builtin
    with pytest.raises(PlatformError):
        output.explain_rule("nope", cfg, bad)


def test_baseline_apply_file(bad, tmp_path, monkeypatch):
    _, result = _run(bad)
    recorded = tmp_path / "baseline.json"
    count = baseline.write(recorded, result.findings)
    assert count > 0
    _, result = _run(bad)
    assert baseline.apply_file(result.findings, recorded, bad) == count
    assert all(f.suppressed == "in baseline baseline.json" for f in result.findings)
    # relative to the current folder, not to the repository: a hint when it is there
    shutil.copy(recorded, bad / "b.json")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputFileError) as caught:
        baseline.apply_file(result.findings, Path("b.json"), bad)
    assert caught.value.hint == (
        f"--baseline is relative to the current folder: pass {bad / 'b.json'}"
    )


def test_root_and_something_to_check(bad, tmp_path):
    import subprocess

    from platformctl.core.errors import UsageError

    cfg = config_mod.load(cwd=bad)
    assert scoring.root_of(bad, cfg) == bad.resolve()
    scoring.ensure_checkable(bad, cfg)  # it has a catalog file
    empty = tmp_path / "empty"
    empty.mkdir()
    cfg = config_mod.load(cwd=empty)
    with pytest.raises(UsageError, match="nothing to check in"):
        scoring.ensure_checkable(scoring.root_of(empty, cfg), cfg)
    subprocess.run(["git", "init", "-q", str(empty)], check=True)
    (empty / "sub").mkdir()
    scoring.ensure_checkable(empty / "sub", cfg)  # inside a git work tree
