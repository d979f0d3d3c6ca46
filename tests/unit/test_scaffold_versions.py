"""The embedded golden-path history: building the bundle, reading it, symbolic sources."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from platformctl.core.errors import UsageError
from platformctl.core.scaffold import engine, versions


def _template(folder: Path, text: str = "one\n") -> Path:
    (folder / "template").mkdir(parents=True, exist_ok=True)
    (folder / "copier.yml").write_text("_subdirectory: template\nname:\n  type: str\n")
    (folder / "template" / "README.md.jinja").write_text(text)
    (folder / "template" / ".gitignore").write_text("*.log\n")
    (folder / "template" / "keep.log").write_text("ignored by the template's .gitignore\n")
    return folder


def _tags(bundle: Path) -> list[str]:
    out = subprocess.run(
        ["git", "ls-remote", "--tags", "--refs", str(bundle)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sorted(line.split("refs/tags/")[1] for line in out.splitlines())


def test_build_is_idempotent_appends_and_replaces(tmp_path: Path) -> None:
    root = tmp_path / "gp"
    folder = _template(root / "demo")
    first = versions.build_history("demo", folder, root, "1.0.0", changelog=["first"])
    assert first.action == "created"
    bundle = root / "_history" / "demo.bundle"
    blob = bundle.read_bytes()
    again = versions.build_history("demo", folder, root, "1.0.0")
    assert again.action == "unchanged"
    assert bundle.read_bytes() == blob

    (folder / "template" / "README.md.jinja").write_text("two\n")
    replaced = versions.build_history("demo", folder, root, "1.0.0")
    assert replaced.action == "replaced" and replaced.warnings
    assert _tags(bundle) == ["v1.0.0"]

    (folder / "template" / "README.md.jinja").write_text("three\n")
    appended = versions.build_history(
        "demo", folder, root, "1.1.0", changelog=["README says three"]
    )
    assert appended.action == "appended"
    assert _tags(bundle) == ["v1.0.0", "v1.1.0"]
    assert bundle.stat().st_size < 10_000

    history = versions.load_history(root, "demo")
    assert history is not None and history.latest is not None
    assert [v.version for v in history.versions] == ["1.0.0", "1.1.0"]
    assert history.latest.digest == versions.template_digest(folder)
    assert history.latest.changelog == ["README says three"]
    assert [v.version for v in history.newer_than("1.0.0")] == ["1.1.0"]
    manifest = json.loads((root / "_history" / "history.json").read_text())
    assert manifest["format"] == 1

    with pytest.raises(UsageError, match="older than"):
        versions.build_history("demo", folder, root, "0.9.0")


def test_snapshot_holds_files_the_template_gitignores(tmp_path: Path) -> None:
    root = tmp_path / "gp"
    folder = _template(root / "demo")
    versions.build_history("demo", folder, root, "1")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", str(root / "_history" / "demo.bundle"), str(clone)], check=True
    )
    assert (clone / "template" / "keep.log").is_file()
    assert (clone / "template" / ".gitignore").is_file()


def test_changelog_from_changelog_md(tmp_path: Path) -> None:
    folder = _template(tmp_path / "demo")
    (folder / "CHANGELOG.md").write_text(
        "# Changelog\n\n## 1.1.0\n\n- Added readiness probe\n- Pinned FastAPI\n\n"
        "## 1.0.0\n\n- First\n"
    )
    assert versions.read_changelog(folder, "1.1.0") == ["Added readiness probe", "Pinned FastAPI"]
    assert versions.read_changelog(folder, "v1.0.0") == ["First"]
    assert versions.read_changelog(folder, "2.0.0") == []


def test_digest_tracks_content_and_exec_bit(tmp_path: Path) -> None:
    folder = _template(tmp_path / "demo")
    before = versions.template_digest(folder)
    (folder / "template" / "__pycache__").mkdir()
    (folder / "template" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    assert versions.template_digest(folder) == before
    (folder / "template" / "README.md.jinja").chmod(0o755)
    assert versions.template_digest(folder) != before


def test_symbolic_sources_and_versions() -> None:
    src = versions.symbolic_source("python-service")
    assert src == "git+platformctl:golden-paths/python-service"
    assert versions.name_from_source(src) == "python-service"
    assert versions.name_from_source("/some/path") is None
    assert versions.version_of("v1.2.0") == "1.2.0"
    assert versions.version_of("v1.2.0-3-gabc123") == "1.2.0+3"
    assert versions.version_key("1.10.0") > versions.version_key("1.9.0")
    assert versions.version_key("1.2.0+3") > versions.version_key("1.2.0")


def test_git_env_appends_to_existing_config_vars() -> None:
    env = engine.git_env({"platformctl:golden-paths/a": "/x/a.bundle"}, {"GIT_CONFIG_COUNT": "2"})
    assert env == {
        "GIT_CONFIG_KEY_2": "url./x/a.bundle.insteadOf",
        "GIT_CONFIG_VALUE_2": "platformctl:golden-paths/a",
        "GIT_CONFIG_COUNT": "3",
    }
    assert engine.git_env({}, {}) == {}
