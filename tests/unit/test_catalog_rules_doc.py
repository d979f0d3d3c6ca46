"""Every rule id `catalog validate` can emit is documented in docs/reference/json-output.md."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    *sorted((ROOT / "src" / "platformctl" / "core" / "catalog").rglob("*.py")),
    ROOT / "src" / "platformctl" / "core" / "yamlio.py",
    *sorted((ROOT / "src" / "platformctl" / "core" / "yamlread").glob("*.py")),
    ROOT / "src" / "platformctl" / "cli" / "catalog_validate.py",
    ROOT / "src" / "platformctl" / "cli" / "catalog_remote.py",
]
RULE = re.compile(r"""["']((?:yaml|backstage|refs|org)/[a-z][a-z0-9-]*)["']""")


def test_every_catalog_rule_id_is_documented() -> None:
    emitted = {m for path in SOURCES for m in RULE.findall(path.read_text())}
    assert {"refs/missing-remote", "refs/stale-cache", "backstage/server-validation"} <= emitted
    doc = (ROOT / "docs" / "reference" / "json-output.md").read_text()
    undocumented = sorted(rule for rule in emitted if f"`{rule}`" not in doc)
    assert not undocumented, f"rule ids missing from json-output.md: {undocumented}"
