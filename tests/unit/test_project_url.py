"""Issue 9 #12: the hook repository URL is one constant (platformctl.REPOSITORY_URL) and every
place that names it -- SARIF's informationUri, the README, .pre-commit-hooks.yaml, the docs --
says the same (README said example-org/platformctl, the rest platformctl/platformctl)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import platformctl
from platformctl.core.report import Finding, Report, to_sarif

ROOT = Path(__file__).resolve().parent.parent.parent
# Any GitHub URL of a repository named platformctl (whatever the organisation).
URL = re.compile(r"https://github\.com/[\w.-]+/platformctl(?![\w.-])")


def _documents() -> list[Path]:
    docs = sorted(p for p in (ROOT / "docs").rglob("*.md") if p.name != "cli.md")
    return [ROOT / "README.md", ROOT / ".pre-commit-hooks.yaml", *docs]


def test_sarif_names_the_repository_url():
    report = Report("check", [Finding("check/x/y", "error", "m", "a.txt", 1)])
    driver = json.loads(to_sarif(report))["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == platformctl.REPOSITORY_URL


def test_readme_hooks_file_and_docs_name_the_same_repository_url():
    found = {
        (path.relative_to(ROOT).as_posix(), url)
        for path in _documents()
        for url in URL.findall(path.read_text(encoding="utf-8"))
    }
    names = {name for name, _ in found}
    assert {"README.md", ".pre-commit-hooks.yaml"} <= names  # the two a user copies from
    assert {(name, url) for name, url in found if url != platformctl.REPOSITORY_URL} == set()
