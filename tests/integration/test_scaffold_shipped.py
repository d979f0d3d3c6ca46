"""The golden paths shipped in golden_paths/: their index, and their release history bundle."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from platformctl.core import resources
from platformctl.core.scaffold import versions
from platformctl.core.scaffold.registry import load_registry

pytestmark = pytest.mark.integration
ROOT = resources.golden_paths_dir()


def _shipped() -> list[str]:
    return [p.name for p in load_registry().entries() if p.embedded]


def test_every_shipped_golden_path_has_a_version_and_a_template() -> None:
    for path in load_registry().entries():
        assert path.version, path.name
        assert path.folder is not None and (path.folder / "copier.yml").is_file()


@pytest.mark.parametrize("name", _shipped())
def test_shipped_history_renders_from_a_fresh_cache(
    cli, name: str, tmp_path: Path, monkeypatch
) -> None:
    history = versions.load_history(ROOT, name)
    if history is None or history.latest is None:
        pytest.skip(f"no history built for {name} yet (python scripts/golden_history.py)")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "fresh-cache"))
    monkeypatch.chdir(tmp_path)
    oldest = history.versions[0].version
    result = cli("new", name, "shipped-svc", "--defaults", "--no-git", "--ref", oldest)
    assert result.exit_code == 0, result.output
    answers = (tmp_path / "shipped-svc" / ".copier-answers.yml").read_text()
    assert f"_src_path: {versions.symbolic_source(name)}" in answers
    assert f"_commit: {history.versions[0].tag}" in answers


@pytest.mark.parametrize("name", _shipped())
def test_fresh_repository_scores_100_on_its_own_scorecard(
    cli, name: str, tmp_path: Path, monkeypatch
) -> None:
    """Every shipped golden path has its own `golden-path-<name>` scorecard, and a repository
    fresh from it (default answers) scores 100 on every scorecard that applies; a fast guard
    that the template and its scorecard agree (the golden session runs the toolchains)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    created = cli("new", name, "fresh-svc", "--defaults", "--no-git")
    assert created.exit_code == 0, created.output
    checked = cli("check", tmp_path / "fresh-svc", "--format", "json")
    assert checked.exit_code == 0, checked.output
    cards = json.loads(checked.stdout)["summary"]["scorecards"]
    assert f"golden-path-{name}" in cards
    assert {card: data["score"] for card, data in cards.items()} == dict.fromkeys(cards, 100)


@pytest.mark.golden
def test_shipped_history_is_in_sync_with_the_templates() -> None:
    """Fails when a golden path changed without regenerating its history (release check)."""
    proc = subprocess.run(
        [sys.executable, str(ROOT.parent / "scripts" / "golden_history.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, (
        proc.stdout
        + proc.stderr
        + (
            "\nrun: python scripts/golden_history.py (and bump the version in "
            "golden_paths/index.yaml if the previous one was released)"
        )
    )
