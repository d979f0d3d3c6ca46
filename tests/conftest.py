"""Shared fixtures: an isolated environment for every test and a CLI runner."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"


@pytest.fixture(autouse=True)
def isolated_env(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Temp HOME and XDG config, no colour, fixed width, no PLATFORMCTL_* from the caller,
    and a git identity so commits work on CI machines without one."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Test User\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n"
        '[protocol "file"]\n\tallow = always\n'
    )
    for key in list(os.environ):
        if key.startswith("PLATFORMCTL_"):
            monkeypatch.delenv(key)
    yield home


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):
    """Run the CLI in-process through the real error boundary; returns exit code and output."""
    from platformctl.__main__ import run

    def invoke(*args: str) -> Result:
        code = run([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


@pytest.fixture
def git_repo(tmp_path: Path) -> Path:
    """An empty git repository with one commit."""
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    (repo / "README.md").write_text("# repo\n")
    subprocess.run(["git", "-C", str(repo), "add", "."], check=True)
    subprocess.run(["git", "-C", str(repo), "commit", "-q", "-m", "init"], check=True)
    return repo


@pytest.fixture(scope="session")
def dora_world(tmp_path_factory: pytest.TempPathFactory):
    """The DORA fixture repository (tests/dora_fixture.py) plus its deployments and incidents
    files; built once per session (the tests only read it)."""
    import dora_fixture

    base = tmp_path_factory.mktemp("dora")
    home = base / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("[init]\n\tdefaultBranch = main\n")
    old = os.environ.get("GIT_CONFIG_GLOBAL")
    os.environ["GIT_CONFIG_GLOBAL"] = str(home / ".gitconfig")
    try:
        shas = dora_fixture.build(base / "repo")
    finally:
        if old is None:
            os.environ.pop("GIT_CONFIG_GLOBAL", None)
        else:
            os.environ["GIT_CONFIG_GLOBAL"] = old
    deployments, incidents = dora_fixture.write_files(base, shas)
    return {"repo": base / "repo", "shas": shas, "deployments": deployments,
            "incidents": incidents, "base": base}


@pytest.fixture(scope="session")
def fleet_world(tmp_path_factory: pytest.TempPathFactory):
    """Repositories from the golden paths at different versions, each pushed to a bare remote
    (tests/fleet_fixture.py); built once per session.  Tests that change remotes copy them."""
    import fleet_fixture

    base = tmp_path_factory.mktemp("fleet")
    home = base / "home"
    home.mkdir()
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Fleet Test\n\temail = fleet@example.com\n"
        "[init]\n\tdefaultBranch = main\n"
    )
    saved = {k: os.environ.get(k) for k in ("GIT_CONFIG_GLOBAL", "XDG_CACHE_HOME", "HOME")}
    os.environ.update(
        GIT_CONFIG_GLOBAL=str(home / ".gitconfig"),
        XDG_CACHE_HOME=str(home / ".cache"),
        HOME=str(home),
    )
    try:
        remotes = fleet_fixture.build(base)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return {"base": base, "remotes": remotes}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``grafana`` need npm packages the reports session installs: they run only
    when the -m expression names them (``nox -s reports``: -m "browser or grafana")."""
    if "grafana" in (config.option.markexpr or ""):
        return
    keep = [item for item in items if item.get_closest_marker("grafana") is None]
    dropped = [item for item in items if item.get_closest_marker("grafana") is not None]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep
