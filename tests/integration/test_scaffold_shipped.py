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
    # Releases before 1.1.0 accept only a group as owner (no user:default/<you> default).
    owner = ["--data", "owner=group:default/team-a"]
    result = cli("new", name, "shipped-svc", "--defaults", "--no-git", "--ref", oldest, *owner)
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


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def test_python_service_1_0_0_updates_cleanly_to_the_gitops_layout(
    cli, tmp_path: Path, monkeypatch
) -> None:
    """A repository created by the release before the GitOps layout (python-service 1.0.0,
    deploy/k8s) updates to the latest version without conflicts: deploy/k8s moves to
    deploy/base, the overlays and Argo CD manifests arrive, the developer's own change stays,
    and the result is what a fresh repository of the latest version has."""
    history = versions.load_history(ROOT, "python-service")
    assert history is not None and history.find("1.0.0") is not None
    latest = history.latest
    assert latest is not None and versions.version_key(latest.version) >= versions.version_key(
        "1.1.0"
    )
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    data = ["--data", "tier=tier-1", "--data", "has_database=true"]
    # 1.0.0 takes only a group as owner, and its system default (platform) is gone since 1.1.0
    data += ["--data", "owner=group:default/team-orders", "--data", "system=orders"]
    result = cli("new", "python-service", "orders-api", "--defaults", "--ref", "1.0.0", *data)
    assert result.exit_code == 0, result.output
    repo = tmp_path / "orders-api"
    assert (repo / "deploy/k8s/deployment.yaml").is_file()
    assert not (repo / "deploy/base").exists()
    # The developer's own change, in a file the update does not touch.
    items = repo / "src/orders_api/routers/items.py"
    items.write_text(items.read_text() + "\n# local change kept across updates\n")
    _git(repo, "commit", "-qam", "local change")

    result = cli("update", str(repo))
    assert result.exit_code == 0, result.output
    assert "conflict" not in result.output.lower()
    assert not list(repo.rglob("*.rej")) and not list(repo.rglob("*.orig"))
    assert not (repo / "deploy/k8s").exists()
    for rel in (
        "deploy/base/deployment.yaml",
        "deploy/base/kustomization.yaml",
        "deploy/overlays/prod/kustomization.yaml",
        "deploy/argocd/previews.yaml",
    ):
        assert (repo / rel).is_file(), rel
    assert "# local change kept across updates" in items.read_text()
    assert f"_commit: {latest.tag}" in (repo / ".copier-answers.yml").read_text()

    # Same answers, fresh from the latest version: the updated tree matches but for the change.
    fresh = tmp_path / "fresh"
    result = cli(
        "new", "python-service", "orders-api", "--defaults", "--no-git", "--dest", str(fresh), *data
    )
    assert result.exit_code == 0, result.output
    updated, expected = _tree(repo), _tree(fresh)
    rel_items = "src/orders_api/routers/items.py"
    updated[rel_items] = updated[rel_items].replace(b"\n# local change kept across updates\n", b"")
    assert sorted(updated) == sorted(expected)
    assert [k for k in expected if updated[k] != expected[k]] == []

    # And it passes platformctl check, GitOps rules included.
    result = cli("check", str(repo), "-f", "json", "-s", "golden-path-python-service")
    assert result.exit_code == 0, result.stdout


def test_python_service_1_1_0_with_a_person_owner_updates_codeowners(
    cli, tmp_path: Path, monkeypatch
) -> None:
    """python-service 1.1.0 wrote `* @<org>/<name>` for a person owner (a team that does not
    exist); `platformctl update` rewrites it to the GitHub user `@<name>` without conflict."""
    history = versions.load_history(ROOT, "python-service")
    assert history is not None and history.find("1.1.0") is not None
    latest = history.latest
    assert latest is not None and versions.version_key(latest.version) >= versions.version_key(
        "1.2.0"
    )
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    author = ["--author", "Demo <demo@example.com>"]  # the README quick start: user:default/demo
    result = cli("new", "python-service", "demo", "--defaults", "--ref", "1.1.0", *author)
    assert result.exit_code == 0, result.output
    repo = tmp_path / "demo"
    assert "owner: user:default/demo" in (repo / ".copier-answers.yml").read_text()
    assert "* @example-org/demo\n" in (repo / "CODEOWNERS").read_text()

    result = cli("update", str(repo))
    assert result.exit_code == 0, result.output
    assert "conflict" not in result.output.lower()
    assert not list(repo.rglob("*.rej")) and not list(repo.rglob("*.orig"))
    codeowners = (repo / "CODEOWNERS").read_text()
    assert "* @demo\n" in codeowners and "@example-org/" not in codeowners
    assert "<<<<<<<" not in codeowners
    answers = (repo / ".copier-answers.yml").read_text()
    assert f"_commit: {latest.tag}" in answers and "codeowner" not in answers
    assert _git(repo, "status", "--porcelain", "--", "CODEOWNERS").startswith(" M")


def _previous_release(name: str) -> tuple[str, str] | None:
    """(the release before the latest, the latest's tag), or None for a first release."""
    history = versions.load_history(ROOT, name)
    assert history is not None and history.latest is not None
    releases = sorted(history.versions, key=lambda v: versions.version_key(v.version))
    return (releases[-2].version, releases[-1].tag) if len(releases) >= 2 else None


@pytest.mark.parametrize("name", _shipped())
def test_previous_release_updates_cleanly_to_the_latest(
    name: str, cli, tmp_path: Path, monkeypatch
) -> None:
    """Every golden path with an earlier release: a repository created by that release (a
    person as owner, the README quick start's answers) updates to the latest version with no
    conflict, and the result is the tree a fresh repository of the latest version has."""
    pair = _previous_release(name)
    if pair is None:
        pytest.skip(f"{name} has one release: nothing to update from yet")
    previous, latest_tag = pair
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    author = ["--author", "Demo <demo@example.com>"]
    result = cli("new", name, "demo-app", "--defaults", "--ref", previous, *author)
    assert result.exit_code == 0, result.output
    repo = tmp_path / "demo-app"

    result = cli("update", str(repo))
    assert result.exit_code == 0, result.output
    assert "conflict" not in result.output.lower()
    assert not list(repo.rglob("*.rej")) and not list(repo.rglob("*.orig"))
    assert f"_commit: {latest_tag}" in (repo / ".copier-answers.yml").read_text()

    fresh = tmp_path / "fresh"
    result = cli("new", name, "demo-app", "--defaults", "--no-git", "--dest", str(fresh), *author)
    assert result.exit_code == 0, result.output
    updated, expected = _tree(repo), _tree(fresh)
    assert sorted(updated) == sorted(expected)
    assert [k for k in expected if updated[k] != expected[k]] == []
