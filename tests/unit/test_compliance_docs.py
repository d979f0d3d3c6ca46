"""docs/reference/scorecards.md documents every check type, option, condition, fix type and
embedded rule (a drift check: adding one without documenting it fails here)."""

from __future__ import annotations

from pathlib import Path

from platformctl.core import config
from platformctl.core.compliance import scoring
from platformctl.core.compliance.registry import CHECK_TYPES, CONDITIONS, FIX_TYPES, ensure_loaded

DOC = Path(__file__).resolve().parent.parent.parent / "docs" / "reference" / "scorecards.md"


def test_reference_documents_the_registry():
    ensure_loaded()
    text = DOC.read_text()
    for name, check_type in CHECK_TYPES.items():
        section = text.split(f"### `{name}`", 1)
        assert len(section) == 2, f"check type {name} is not documented"
        body = section[1].split("\n### ", 1)[0]
        for option in check_type.options:
            assert f"`{option}`" in body, f"option {option} of {name} is not documented"
    for name in CONDITIONS:
        assert f"| `{name}` |" in text, f"condition {name} is not documented"
    for name in FIX_TYPES:
        assert f"### `{name}`" in text, f"fix type {name} is not documented"


def test_reference_documents_the_embedded_scorecards(tmp_path):
    text = DOC.read_text()
    for card in scoring.available_scorecards(config.load(cwd=tmp_path)).values():
        assert f"### `{card.id}`" in text
        section = text.split(f"### `{card.id}`", 1)[1].split("\n### ", 1)[0]
        for rule in card.rules:
            row = f"| `{rule.id}` | {rule.level} | {rule.weight:g} |"
            assert row in section, f"{card.id}/{rule.id} row missing or out of date: {row}"
