"""Scoring, levels, next level, crash isolation, waivers, baselines and the read-once cache."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from platformctl.core import config
from platformctl.core.compliance import baseline, scoring
from platformctl.core.compliance.facts import Facts
from platformctl.core.compliance.registry import CHECK_TYPES, CheckType, Opt
from platformctl.core.compliance.scorecard import load_scorecard
from platformctl.core.errors import InputFileError

DATA = Path(__file__).resolve().parent.parent / "data" / "compliance"

CARD = """\
id: demo
title: Demo
levels: [bronze, silver, gold]
rules:
  - id: dockerfile
    title: Dockerfile
    level: bronze
    weight: 10
    check: {type: file_exists, path: Dockerfile}
  - id: readme
    title: README
    level: bronze
    weight: 5
    check: {type: file_exists, path: README.md}
  - id: docs
    title: Docs
    level: silver
    weight: 20
    check: {type: file_exists, path: docs/index.md}
  - id: codeowners
    title: CODEOWNERS
    level: silver
    weight: 5
    check: {type: codeowners}
  - id: runbook
    title: Runbook for production
    level: gold
    weight: 40
    applies_when: {lifecycle: production}
    check: {type: file_exists, path: docs/runbook.md}
"""


def make(tmp_path: Path, files: dict[str, str], card: str = CARD, repo: str = ""):
    root = tmp_path / "repo"
    root.mkdir(exist_ok=True)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    if repo:
        (root / ".platformctl.yaml").write_text(repo)
    path = tmp_path / "card.yaml"
    path.write_text(card)
    loaded = load_scorecard(path, display="card.yaml")
    cfg = config.load(cwd=root)
    return root, cfg, loaded


def run(tmp_path, files, card=CARD, repo=""):
    root, cfg, loaded = make(tmp_path, files, card, repo)
    return scoring.run(root=root, config=cfg, scorecards=[loaded])


def test_weighted_score_level_and_next_level(tmp_path):
    result = run(tmp_path, {"Dockerfile": "FROM x:1\n", "README.md": "x", "CODEOWNERS": "* @a\n"})
    card = result.scorecards[0]
    # runbook does not apply (no catalog => lifecycle unknown): 40 weight counted, 20 passes.
    assert card.score == 50 and card.status == "non_compliant"
    assert card.level == "bronze" and card.next_level == "silver"
    assert [r.rule.id for r in card.next_rules] == ["docs"]
    states = {r.rule.id: r.state for r in card.results}
    assert states == {
        "dockerfile": "pass",
        "readme": "pass",
        "docs": "fail",
        "codeowners": "pass",
        "runbook": "n/a",
    }
    assert [f.rule for f in result.findings] == ["check/demo/docs"]


def test_level_needs_every_lower_rung_and_cheapest_first(tmp_path):
    result = run(tmp_path, {"docs/index.md": "# x", "CODEOWNERS": "* @a\n"})
    card = result.scorecards[0]
    assert card.level is None and card.next_level == "bronze"
    assert [r.rule.id for r in card.next_rules] == ["readme", "dockerfile"]
    assert card.score == 62 and card.status == "non_compliant"


def test_compliant_and_applies_when(tmp_path):
    catalog = (
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: x}\n"
        "spec: {type: service, lifecycle: production, owner: a}\n"
    )
    files = {
        "Dockerfile": "x",
        "README.md": "x",
        "docs/index.md": "x",
        "CODEOWNERS": "* @a\n",
        "catalog-info.yaml": catalog,
    }
    card = run(tmp_path, files).scorecards[0]
    assert card.results[-1].state == "fail"  # runbook now applies
    assert card.score == 50 and card.level == "silver" and card.next_level == "gold"
    files["docs/runbook.md"] = "x"
    card = run(tmp_path, files).scorecards[0]
    assert (card.score, card.level, card.status, card.next_level) == (
        100,
        "gold",
        "compliant",
        None,
    )


def test_a_crashing_rule_is_an_error_finding_and_others_still_run(tmp_path, monkeypatch):
    def boom(facts, options):
        raise RuntimeError("kaput")

    monkeypatch.setitem(CHECK_TYPES, "boom", CheckType("boom", boom, {"x": Opt((int,))}))
    card_text = CARD.replace("check: {type: codeowners}", "check: {type: boom, x: 1}")
    result = run(tmp_path, {"Dockerfile": "x", "README.md": "x"}, card_text)
    states = {r.rule.id: r.state for r in result.scorecards[0].results}
    assert states["codeowners"] == "error" and states["dockerfile"] == "pass"
    finding = next(f for f in result.findings if f.rule == "check/demo/codeowners")
    assert finding.severity == "error"
    assert finding.message == "rule crashed: RuntimeError: kaput"
    assert finding.file == "card.yaml" and finding.line == 20
    assert "RuntimeError" in result.scorecards[0].results[3].detail
    from platformctl.core.compliance.output import text_lines

    text = "\n".join(line for line, _ in text_lines(result))
    assert "\nERROR check/demo/codeowners\n    rule crashed: RuntimeError: kaput\n" in text
    assert "--debug shows the traceback" in text


def test_each_file_is_read_at_most_once(tmp_path):
    root = tmp_path / "svc"
    shutil.copytree(DATA / "service-good", root)
    cfg = config.load(cwd=root)
    facts = Facts(root)
    result = scoring.run(root=root, config=cfg, facts=facts)
    assert {s.scorecard.id for s in result.scorecards} == {
        "production-readiness",
        "security-compliance",
        "golden-path-python-service",
    }
    assert facts.reads, "nothing was read"
    assert max(facts.reads.values()) == 1, facts.reads
    # catalog-info.yaml, the Dockerfile, manifests and workflows are used by many rules.
    for name in (
        "catalog-info.yaml",
        "Dockerfile",
        "k8s/deployment.yaml",
        ".github/workflows/ci.yml",
    ):
        assert facts.reads[name] == 1


def test_every_scorecard_scores_100_on_the_good_fixture(tmp_path):
    root = tmp_path / "svc"
    shutil.copytree(DATA / "service-good", root)
    (root / "catalog-info.yaml").write_text(
        (root / "catalog-info.yaml")
        .read_text()
        .replace(
            "      title: Orders runbook\n", "      title: Orders runbook\n      type: runbook\n"
        )
    )
    result = scoring.run(root=root, config=config.load(cwd=root))
    for card in result.scorecards:
        assert (card.scorecard.id, card.score, card.status) == (
            card.scorecard.id,
            100,
            "compliant",
        ), [(r.rule.id, r.message) for r in card.results if not r.ok]


# --- waivers ---------------------------------------------------------------------------------


WAIVERS = """\
waivers:
  - rule: check/demo/docs
    reason: docs move to the wiki this quarter
    expires: 2099-01-01
    owner: team-a
  - rule: demo/codeowners
    reason: ""
    expires: 2099-01-01
  - rule: check/demo/readme
    reason: old waiver
    expires: 2020-01-01
  - rule: check/other/thing
    reason: typo
    expires: 2099-01-01
"""


def test_waivers_suppress_and_bad_waivers_are_errors(tmp_path):
    result = run(tmp_path, {"Dockerfile": "x"}, repo=WAIVERS)
    card = result.scorecards[0]
    states = {r.rule.id: r.state for r in card.results}
    assert states["docs"] == "waived"
    assert states["codeowners"] == "fail" and states["readme"] == "fail"
    by_rule = {f.rule: f for f in result.findings}
    docs = by_rule["check/demo/docs"]
    assert docs.suppressed.startswith("docs move to the wiki this quarter (owner team-a")
    invalid = by_rule["check/waiver/invalid"]
    assert invalid.severity == "error" and invalid.file == ".platformctl.yaml" and invalid.line == 6
    assert "has no reason" in invalid.message
    expired = by_rule["check/waiver/expired"]
    assert expired.line == 11 and "expired on 2020-01-01" in expired.message
    unknown = by_rule["check/waiver/unknown-rule"]
    assert unknown.severity == "warning"
    # A waived rule counts as passing.
    assert card.score == 75


def test_malformed_waivers_are_usage_errors(tmp_path):
    with pytest.raises(InputFileError) as info:
        run(tmp_path, {}, repo="waivers: {rule: x}\n")
    assert info.value.position.line == 1
    with pytest.raises(InputFileError) as info:
        run(tmp_path, {}, repo="waivers:\n  - rule: x\n    reasn: typo\n")
    assert "unknown key 'reasn'" in info.value.message and info.value.position.line == 3


def test_pinned_today(tmp_path, monkeypatch):
    monkeypatch.setenv("PLATFORMCTL_TODAY", "2019-06-01")
    result = run(tmp_path, {"Dockerfile": "x"}, repo=WAIVERS)
    assert "check/waiver/expired" not in {f.rule for f in result.findings}


# --- baseline --------------------------------------------------------------------------------


def test_baseline_round_trip(tmp_path):
    result = run(tmp_path, {"Dockerfile": "x"})
    assert scoring.failed(result)
    path = tmp_path / "baseline.json"
    assert baseline.write(path, result.findings) == 3
    assert json.loads(path.read_text())["version"] == 1
    again = run(tmp_path, {"Dockerfile": "x"})
    assert scoring.apply_baseline(again.findings, baseline.read(path), "baseline.json") == 3
    assert not scoring.failed(again)
    assert all(f.suppressed == "in baseline baseline.json" for f in again.findings)
    (tmp_path / "repo" / "Dockerfile").unlink()
    worse = run(tmp_path, {})
    scoring.apply_baseline(worse.findings, baseline.read(path), "baseline.json")
    assert scoring.failed(worse)
    assert [f.rule for f in worse.findings if not f.suppressed] == ["check/demo/dockerfile"]


def test_bad_baseline_file(tmp_path):
    (tmp_path / "b.json").write_text("[]")
    with pytest.raises(InputFileError):
        baseline.read(tmp_path / "b.json")
    with pytest.raises(InputFileError):
        baseline.read(tmp_path / "missing.json")


def test_fail_under_and_severity(tmp_path):
    card = CARD.replace(
        "    weight: 5\n    check: {type: codeowners}",
        "    weight: 5\n    severity: warning\n    check: {type: codeowners}",
    )
    files = {"Dockerfile": "x", "README.md": "x", "docs/index.md": "x"}
    result = run(tmp_path, files, card)
    assert (result.scorecards[0].score, result.scorecards[0].status) == (87, "partial")
    assert not scoring.failed(result)
    assert scoring.failed(result, severity="warning")
    assert scoring.failed(result, fail_under=90)
    assert not scoring.failed(result, fail_under=87)


def test_find_rule(tmp_path):
    cards = scoring.available_scorecards(config.load(cwd=tmp_path))
    assert scoring.find_rule("check/production-readiness/owner", cards).title == "Owner is set"
    assert scoring.find_rule("security-contact", cards).scorecard == "security-compliance"
    with pytest.raises(Exception, match="ambiguous"):
        scoring.find_rule("pagerduty", cards)


GATED = CARD.replace(
    "    weight: 5\n    check: {type: codeowners}",
    "    weight: 5\n    severity: warning\n    gate: true\n    check: {type: codeowners}",
)


def test_a_failing_gate_caps_the_level_and_fails_whatever_the_score(tmp_path):
    files = {"Dockerfile": "x", "README.md": "x", "docs/index.md": "x"}
    result = run(tmp_path, files, GATED)
    card = result.scorecards[0]
    gate = next(r for r in card.results if r.rule.id == "codeowners")
    assert gate.rule.gate and gate.state == "fail"
    # 35 of 40 counted weight passes, but the gate decides: no level, not compliant, run fails
    # although the gate's own finding is only a warning.
    assert card.score == 87 and card.level is None and card.status == "non_compliant"
    assert card.next_level == "bronze" and [r.rule.id for r in card.next_rules] == ["codeowners"]
    assert card.to_json()["gates_failed"] == ["check/demo/codeowners"]
    assert scoring.failed(result) and scoring.failed(result, severity="info")
    # A baseline does not hide a failing gate (only a waiver with a reason and an expiry does).
    scoring.apply_baseline(result.findings, {"check/demo/codeowners"}, "b.json")
    assert scoring.failed(result)
    files["CODEOWNERS"] = "* @a\n"
    card = run(tmp_path, files, GATED).scorecards[0]
    assert (card.level, card.to_json()["gates_failed"]) == ("gold", [])


def test_a_waived_gate_does_not_fail(tmp_path):
    files = {"Dockerfile": "x", "README.md": "x", "docs/index.md": "x"}
    repo = (
        "waivers:\n  - rule: check/demo/codeowners\n    reason: moving to GitLab\n"
        "    expires: 2999-01-01\n    owner: team-a\n"
    )
    result = run(tmp_path, files, GATED, repo)
    assert result.scorecards[0].level == "gold" and not scoring.failed(result)


def test_gate_must_be_true_or_false(tmp_path):
    card = GATED.replace("gate: true", "gate: yes please")
    with pytest.raises(InputFileError, match="gate must be true or false"):
        make(tmp_path, {}, card)


def test_secrets_are_a_gate_in_every_default_scorecard_that_scans_for_them(tmp_path):
    cards = scoring.available_scorecards(config.load(cwd=tmp_path))
    secret_rules = [r for c in cards.values() for r in c.rules if r.check.type == "no_secrets"]
    assert secret_rules
    assert all(r.gate for r in secret_rules), [r.full_id for r in secret_rules if not r.gate]
