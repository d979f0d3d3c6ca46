"""The golden-path registry: the shipped index, platform additions and replacements."""

from __future__ import annotations

from pathlib import Path

import pytest

from platformctl.core import config as config_mod
from platformctl.core.errors import InputFileError, UsageError
from platformctl.core.scaffold.registry import load_registry, parse_index


def _template(folder: Path) -> None:
    (folder / "template").mkdir(parents=True)
    (folder / "copier.yml").write_text("_subdirectory: template\nname:\n  type: str\n")


def test_shipped_index_has_python_service_with_alias() -> None:
    registry = load_registry()
    path = registry.resolve("service")
    assert path.name == "python-service"
    assert path.embedded and path.version
    assert "service" in path.aliases


def test_unknown_golden_path_lists_the_available_ones(tmp_path: Path) -> None:
    root = tmp_path / "gp"
    _template(root / "demo")
    (root / "index.yaml").write_text("golden_paths:\n  - name: demo\n    version: '1'\n")
    registry = load_registry(root=root)
    with pytest.raises(UsageError) as info:
        registry.resolve("nope")
    assert "demo" in (info.value.hint or "")


def test_index_errors_have_positions(tmp_path: Path) -> None:
    index = tmp_path / "index.yaml"
    index.write_text("golden_paths:\n  - name: Bad_Name\n")
    with pytest.raises(InputFileError) as info:
        parse_index(index, origin="p", embedded=False)
    assert info.value.position.line == 2
    index.write_text("golden_paths:\n  - name: ok\n    path: missing\n")
    with pytest.raises(InputFileError, match="no copier.yml"):
        parse_index(index, origin="p", embedded=False)


def _platform(tmp_path: Path, spec: str) -> Path:
    platform = tmp_path / "platform"
    gp = platform / "gp"
    _template(gp / "go-service")
    _template(gp / "mine")
    (gp / "index.yaml").write_text(
        "golden_paths:\n"
        "  - name: go-service\n    title: Go service\n    version: 2.0.0\n    aliases: [go]\n"
        "  - name: python-service\n    title: Our Python service\n    path: mine\n"
        "  - name: remote-one\n    src: https://git.example.com/t.git\n"
    )
    (platform / "platform.yaml").write_text(f"metadata:\n  name: acme\n{spec}")
    return platform


def test_platform_adds_and_replaces(tmp_path: Path) -> None:
    platform = _platform(tmp_path, "golden_paths: ./gp\n")
    cfg = config_mod.load(
        cwd=tmp_path, env={"PLATFORMCTL_PLATFORM": str(platform), "HOME": str(tmp_path)}
    )
    registry = load_registry(cfg)
    assert registry.resolve("go").name == "go-service"
    replaced = registry.resolve("python-service")
    assert replaced.title == "Our Python service" and replaced.origin == "acme"
    assert not replaced.embedded
    # the embedded alias still leads to the (replaced) python-service
    assert registry.resolve("service") is replaced
    assert registry.resolve("remote-one").src == "https://git.example.com/t.git"


def test_platform_can_hide_embedded(tmp_path: Path) -> None:
    platform = _platform(tmp_path, "golden_paths:\n  source: gp\n  embedded: false\n")
    cfg = config_mod.load(
        cwd=tmp_path, env={"PLATFORMCTL_PLATFORM": str(platform), "HOME": str(tmp_path)}
    )
    registry = load_registry(cfg)
    assert registry.names() == ["go-service", "python-service", "remote-one"]
    assert registry.get("service") is None  # the embedded aliases went with the embedded paths


def test_platform_golden_paths_must_exist(tmp_path: Path) -> None:
    platform = tmp_path / "platform"
    platform.mkdir()
    (platform / "platform.yaml").write_text("golden_paths: ./nowhere\n")
    cfg = config_mod.load(
        cwd=tmp_path, env={"PLATFORMCTL_PLATFORM": str(platform), "HOME": str(tmp_path)}
    )
    with pytest.raises(UsageError, match="index.yaml"):
        load_registry(cfg)
    (platform / "platform.yaml").write_text("golden_paths: [1, 2]\n")
    cfg = config_mod.load(
        cwd=tmp_path, env={"PLATFORMCTL_PLATFORM": str(platform), "HOME": str(tmp_path)}
    )
    with pytest.raises(InputFileError):
        load_registry(cfg)


def test_platform_golden_paths_from_a_git_url(tmp_path: Path) -> None:
    import subprocess

    source = tmp_path / "gp-repo"
    _template(source / "rust-service")
    (source / "index.yaml").write_text(
        "golden_paths:\n  - name: rust-service\n    version: 0.1.0\n"
    )
    subprocess.run(["git", "init", "-q", "-b", "main", str(source)], check=True)
    subprocess.run(["git", "-C", str(source), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(source), "commit", "-qm", "index"], check=True)
    platform = tmp_path / "platform"
    platform.mkdir()
    (platform / "platform.yaml").write_text(f"golden_paths:\n  source: file://{source}\n")
    env = {"PLATFORMCTL_PLATFORM": str(platform), "HOME": str(tmp_path)}
    registry = load_registry(config_mod.load(cwd=tmp_path, env=env))
    path = registry.resolve("rust-service")
    assert path.version == "0.1.0" and not path.embedded
    assert path.folder is not None and (path.folder / "copier.yml").is_file()
    assert "python-service" in registry.names()  # embedded ones stay
