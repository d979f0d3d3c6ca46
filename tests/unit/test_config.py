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


def test_unknown_keys_are_warnings_with_file_line_and_did_you_mean(tmp_path):
    """Issue 9 #6: `settings: {backstge: {url: x}}` was taken silently."""
    platform = _platform(tmp_path, "settings:\n  provison:\n    namespace: a\nscorecard: []\n")
    home = tmp_path / "home"
    (home / ".config" / "platformctl").mkdir(parents=True)
    user = home / ".config" / "platformctl" / "config.yaml"
    user.write_text(f"platfrom: {platform}\nsettings:\n  backstage:\n    ulr: https://b.test\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".platformctl.yaml").write_text(
        "golden_path: python-service\nwaiver: []\nsettings:\n  backstge: {url: x}\n"
    )
    cfg = config.load(cwd=repo, env={"HOME": str(home), "PLATFORMCTL_PLATFORM": str(platform)})
    got = {(w.file, w.line, w.column): (w.message, w.hint) for w in cfg.warnings}
    platform_file, repo_file = str(platform / "platform.yaml"), str(repo / ".platformctl.yaml")
    assert got == {
        (platform_file, 6, 3): (
            "unknown setting 'provison.namespace'",
            "did you mean 'provision.namespace'?",
        ),
        (platform_file, 8, 1): ("unknown key 'scorecard'", "did you mean 'scorecards'?"),
        (str(user), 1, 1): ("unknown key 'platfrom'", "did you mean 'platform'?"),
        (str(user), 4, 5): ("unknown setting 'backstage.ulr'", "did you mean 'backstage.url'?"),
        (repo_file, 2, 1): ("unknown key 'waiver'", "did you mean 'waivers'?"),
        (repo_file, 4, 3): ("unknown setting 'backstge.url'", "did you mean 'backstage.url'?"),
    }
    # Taken as written (a warning, not an error): the value is still there for config show.
    assert cfg.get("backstge.url") == "x"


def test_known_keys_and_the_embedded_platform_warn_about_nothing(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".platformctl.yaml").write_text(
        "golden_path: python-service\nscorecards: [production-readiness]\nwaivers: []\n"
        "settings:\n  backstage: {url: x, portal_url: y, connect_timeout: 1, read_timeout: 2}\n"
        "  provision: {namespace: a, context: b, gitops_dir: c, ready_settle: 1}\n"
    )
    assert config.load(cwd=repo, env={"HOME": str(tmp_path)}).warnings == []


def test_an_unknown_setting_far_from_any_gets_the_known_keys_as_hint(tmp_path):
    (tmp_path / ".platformctl.yaml").write_text("settings:\n  zzz: 1\n")
    (warning,) = config.load(cwd=tmp_path, env={"HOME": str(tmp_path)}).warnings
    assert warning.message == "unknown setting 'zzz'" and warning.line == 2
    assert warning.hint.startswith(
        "known settings: backstage.connect_timeout, backstage.portal_url"
    )


def test_every_setting_and_top_level_key_is_documented():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "reference" / "platform.md").read_text()
    section = doc.split("## Configuration keys", 1)[1].split("\n## ", 1)[0]
    for key in config.SETTINGS | config.PLATFORM_KEYS | config.USER_KEYS | config.REPO_KEYS:
        assert f"`{key}`" in section, key
