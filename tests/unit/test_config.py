"""Layered configuration: precedence and sources (DESIGN.md §4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from platformctl.core import config
from platformctl.core.errors import InputFileError, UsageError


def _platform(tmp_path: Path, settings: str = "") -> Path:
    root = tmp_path / "platform"
    root.mkdir()
    (root / "platform.yaml").write_text(
        "apiVersion: platformctl.io/v1\nkind: Platform\nmetadata:\n  name: acme\n" + settings
    )
    return root


def test_embedded_defaults_only(tmp_path):
    cfg = config.load(cwd=tmp_path, env={"HOME": str(tmp_path)})
    assert cfg.get("provision.namespace") == "default"
    assert str(cfg.source("provision.namespace")) == "embedded default"
    assert [p.embedded for p in cfg.platforms] == [True]


def test_precedence_platform_user_repo_env_flags(tmp_path):
    platform = _platform(
        tmp_path, "settings:\n  provision:\n    namespace: from-platform\n    gitops_dir: p\n"
    )
    home = tmp_path / "home"
    (home / ".config" / "platformctl").mkdir(parents=True)
    (home / ".config" / "platformctl" / "config.yaml").write_text(
        f"platform: {platform}\nsettings:\n  provision:\n    namespace: from-user\n"
    )
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".platformctl.yaml").write_text("settings:\n  provision:\n    namespace: from-repo\n")
    env = {"HOME": str(home)}
    cfg = config.load(cwd=repo, env=env)
    assert cfg.get("provision.namespace") == "from-repo"
    assert cfg.get("provision.gitops_dir") == "p"
    assert cfg.source("provision.gitops_dir").layer == "platform"
    assert cfg.source("platform").layer == "user config"
    env["PLATFORMCTL_NAMESPACE"] = "from-env"
    cfg = config.load(cwd=repo, env=env)
    assert cfg.get("provision.namespace") == "from-env"
    assert cfg.source("provision.namespace").file == "PLATFORMCTL_NAMESPACE"
    cfg = config.load(cwd=repo, env=env, overrides={"provision.namespace": "from-flag"})
    assert cfg.get("provision.namespace") == "from-flag"
    assert str(cfg.source("provision.namespace")) == "command line"


def test_env_platform_beats_user_platform(tmp_path):
    platform = _platform(tmp_path)
    cfg = config.load(
        cwd=tmp_path, env={"HOME": str(tmp_path), "PLATFORMCTL_PLATFORM": str(platform)}
    )
    assert cfg.platform.name == "acme"
    assert cfg.source("platform").layer == "environment"


def test_repo_file_search_stops_at_git_root(tmp_path):
    (tmp_path / ".platformctl.yaml").write_text("golden_path: outer\n")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    sub = repo / "src"
    sub.mkdir()
    assert config.find_repo_file(sub) is None
    (repo / ".platformctl.yaml").write_text("golden_path: inner\n")
    assert config.find_repo_file(sub) == repo / ".platformctl.yaml"


def test_malformed_repo_file_has_position(tmp_path):
    (tmp_path / ".platformctl.yaml").write_text("settings:\n  a: [1,\n")
    with pytest.raises(InputFileError) as info:
        config.load(cwd=tmp_path, env={"HOME": str(tmp_path)})
    assert info.value.position.file.endswith(".platformctl.yaml")
    assert info.value.position.line is not None
    assert info.value.exit_code == 2


def test_settings_must_be_mapping(tmp_path):
    (tmp_path / ".platformctl.yaml").write_text("settings: [1, 2]\n")
    with pytest.raises(InputFileError) as info:
        config.load(cwd=tmp_path, env={"HOME": str(tmp_path)})
    assert info.value.position.line == 1


def test_missing_platform_folder(tmp_path):
    with pytest.raises(UsageError, match="does not exist"):
        config.load(
            cwd=tmp_path, env={"HOME": str(tmp_path), "PLATFORMCTL_PLATFORM": str(tmp_path / "x")}
        )


def test_folder_without_platform_yaml(tmp_path):
    with pytest.raises(UsageError, match="not a platform folder"):
        config.load(
            cwd=tmp_path, env={"HOME": str(tmp_path), "PLATFORMCTL_PLATFORM": str(tmp_path)}
        )


def test_secret_status_never_returns_values():
    status = config.secret_status({"PLATFORMCTL_BACKSTAGE_TOKEN": "abc"})
    assert status == {"PLATFORMCTL_BACKSTAGE_TOKEN": "set"}
