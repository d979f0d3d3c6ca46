"""Scorecard loading: the embedded scorecards, and malformed ones rejected with file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from platformctl.core import config
from platformctl.core.compliance import scoring
from platformctl.core.compliance.scorecard import load_scorecard
from platformctl.core.errors import InputFileError

HEAD = "id: demo\ntitle: Demo\nlevels: [bronze, silver]\nrules:\n"


def load(tmp_path: Path, text: str):
    path = tmp_path / "card.yaml"
    path.write_text(text)
    return load_scorecard(path, display="card.yaml")


def test_embedded_scorecards_load(tmp_path):
    cards = scoring.available_scorecards(config.load(cwd=tmp_path))
    assert set(cards) == {
        "production-readiness",
        "security-compliance",
        "golden-path-python-service",
        "golden-path-go-service",
        "golden-path-scheduled-job",
        "golden-path-event-consumer",
        "golden-path-react-frontend",
        "golden-path-data-pipeline",
    }
    weights = {r.id: r.weight for r in cards["production-readiness"].rules}
    assert weights == {
        "owner": 10,
        "description": 5,
        "techdocs": 10,
        "pagerduty": 15,
        "runbook": 15,
        "dashboard": 10,
        "ci-project-slug": 10,
    }
    weights = {r.id: r.weight for r in cards["security-compliance"].rules}
    assert weights == {"security-contact": 20, "vulnerability-scanning": 25}
    assert cards["golden-path-python-service"].golden_paths == ["python-service"]
    assert cards["golden-path-go-service"].golden_paths == ["go-service"]
    assert cards["golden-path-react-frontend"].golden_paths == ["react-frontend"]
    pagerduty = next(r for r in cards["production-readiness"].rules if r.id == "pagerduty")
    assert pagerduty.applies_when == {"lifecycle": "production"}
    assert pagerduty.file == "<embedded>/scorecards/production-readiness.yaml"


def test_a_valid_rule(tmp_path):
    card = load(
        tmp_path,
        HEAD
        + (
            "  - id: owner\n    title: Owner\n    level: silver\n    weight: 3\n"
            "    applies_when: {type: service}\n"
            "    check: {type: catalog_field, path: spec.owner}\n"
            "    fix: {type: catalog_annotation, key: a/b}\n"
        ),
    )
    rule = card.rules[0]
    assert (rule.full_id, rule.level, rule.severity, rule.weight, rule.line) == (
        "check/demo/owner",
        "silver",
        "error",
        3.0,
        5,
    )
    assert rule.fix is not None and rule.fix.options == {"key": "a/b", "value": "TODO"}


@pytest.mark.parametrize(
    ("rules", "message", "line", "column"),
    [
        (
            "  - id: r1\n    title: R\n    check: {type: nope}\n",
            "rule 'r1': unknown check type 'nope'",
            7,
            19,
        ),
        (
            "  - id: r1\n    title: R\n    check:\n      type: file_exists\n      pth: x\n",
            "rule 'r1': unknown option 'pth' for check type 'file_exists'",
            9,
            7,
        ),
        (
            "  - id: r1\n    title: R\n    check: {type: file_exists}\n",
            "rule 'r1': check type 'file_exists' needs one of the options path, any_of",
            7,
            12,
        ),
        (
            "  - id: r1\n    title: R\n    check: {type: file_contains, path: x}\n",
            "rule 'r1': check type 'file_contains' needs option 'pattern'",
            7,
            12,
        ),
        (
            "  - id: r1\n    title: R\n    check: {type: coverage_gate, min: high}\n",
            "rule 'r1': option 'min' of check type 'coverage_gate' must be an integer or a number,"
            " not string",
            7,
            39,
        ),
        (
            "  - id: r1\n    title: R\n    check: {type: file_contains, path: x, pattern: '(['}\n",
            "rule 'r1': option 'pattern' is not a valid regex",
            7,
            52,
        ),
        (
            "  - id: r1\n    title: R\n    level: platinum\n    check: {type: codeowners}\n",
            "rule 'r1': level 'platinum' is not on the ladder",
            7,
            12,
        ),
        (
            "  - id: r1\n    title: R\n    severity: fatal\n    check: {type: codeowners}\n",
            "rule 'r1': severity must be one of error, warning, info",
            7,
            15,
        ),
        (
            "  - id: r1\n    title: R\n    applies_when: {weather: sunny}\n"
            "    check: {type: codeowners}\n",
            "rule 'r1': unknown condition 'weather' in applies_when",
            7,
            20,
        ),
        (
            "  - id: r1\n    title: R\n    check: {type: codeowners}\n    fix: {type: rm-rf}\n",
            "rule 'r1': unknown fix type 'rm-rf'",
            8,
            17,
        ),
        (
            "  - id: r1\n    title: R\n    check:\n      type: any_of\n      checks:\n"
            "        - {type: codeowners, strict: true}\n",
            "rule 'r1': unknown option 'strict' for check type 'codeowners'",
            10,
            30,
        ),
        (
            "  - id: r1\n    title: R\n    check: {type: codeowners}\n    owner: me\n",
            "rule 'r1': unknown key 'owner'",
            8,
            5,
        ),
        ("  - id: r1\n    check: {type: codeowners}\n", "rule 'r1': 'title' is required", 5, 5),
        (
            "  - id: Bad Id\n    title: R\n    check: {type: codeowners}\n",
            "rule #1: 'id' must be a lower-case name",
            5,
            9,
        ),
        (
            "  - id: r1\n    title: R\n    check: {type: codeowners}\n"
            "  - id: r1\n    title: S\n    check: {type: codeowners}\n",
            "duplicate rule id 'r1'",
            8,
            9,
        ),
    ],
)
def test_malformed_rules_fail_at_load_with_position(tmp_path, rules, message, line, column):
    with pytest.raises(InputFileError) as info:
        load(tmp_path, HEAD + rules)
    error = info.value
    assert error.message.startswith(message), error.message
    assert error.exit_code == 2
    assert (error.position.file, error.position.line, error.position.column) == (
        "card.yaml",
        line,
        column,
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id: x\nrules: {}\n", "'rules' must be a list"),
        ("id: x\nlevels: []\nrules: []\n", "'levels' must be a non-empty list"),
        ("title: x\nrules: []\n", "scorecard 'id' must be"),
        ("id: x\nrules: []\nextra: 1\n", "unknown scorecard key 'extra'"),
        ("id: x\nrules: [\n", "while parsing"),
    ],
)
def test_malformed_scorecards(tmp_path, text, message):
    with pytest.raises(InputFileError) as info:
        load(tmp_path, text)
    assert message in info.value.message
    assert info.value.position.line is not None
