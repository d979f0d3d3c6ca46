"""`platformctl update`: --check (text/json), refusals, --pretend, --to."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from platformctl.core.scaffold import registry as registry_mod
from platformctl.core.scaffold import versions


def _template(folder: Path, body: str) -> Path:
    (folder / "template").mkdir(parents=True, exist_ok=True)
    (folder / "copier.yml").write_text("_subdirectory: template\nname:\n  type: str\n")
    (folder / "template" / "{{_copier_conf.answers_file}}.jinja").write_text(
        "{{ _copier_answers|to_nice_yaml }}"
    )
    (folder / "template" / "app.txt").write_text(body)
    return folder


BODY_V1 = "".join(f"line {i}\n" for i in range(1, 11))
BODY_V2 = BODY_V1.replace("line 10\n", "line 10 (v2)\n")


@pytest.fixture
def golden(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "golden_paths"
    _template(root / "demo", BODY_V1)
    (root / "index.yaml").write_text("golden_paths:\n  - name: demo\n    version: 1.0.0\n")
    versions.build_history("demo", root / "demo", root, "1.0.0")
    monkeypatch.setattr(registry_mod, "embedded_root", lambda: root)
    return root


def _release(root: Path, version: str, body: str, changelog: list[str]) -> None:
    (root / "demo" / "template" / "app.txt").write_text(body)
    versions.build_history("demo", root / "demo", root, version, changelog=changelog)


@pytest.fixture
def repo(cli, golden: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    result = cli("new", "demo", "svc", "--defaults")
    assert result.exit_code == 0, result.output
    return tmp_path / "svc"


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout


def test_check_current_then_behind(cli, golden: Path, repo: Path) -> None:
    result = cli("update", str(repo), "--check")
    assert result.exit_code == 0, result.output
    assert "up to date" in result.stdout
    _release(golden, "1.1.0", BODY_V2, ["line 10 says v2", "nothing else"])
    result = cli("update", str(repo), "--check")
    assert result.exit_code == 1
    assert "1.0.0 (latest 1.1.0) - behind" in result.stdout
    assert "1.1.0: line 10 says v2" in result.stdout
    result = cli("update", str(repo), "--check", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data == {
        "version": 1,
        "golden_path": "demo",
        "current": "1.0.0",
        "latest": "1.1.0",
        "behind": True,
        "changelog": ["1.1.0: line 10 says v2", "1.1.0: nothing else"],
    }


def test_check_drift_is_cheap(golden: Path, repo: Path) -> None:
    import sys

    from platformctl.core.scaffold.update import check_drift

    for module in [m for m in sys.modules if m == "copier" or m.startswith("copier.")]:
        sys.modules.pop(module)
    status = check_drift(repo)
    assert (status.current, status.latest, status.behind) == ("1.0.0", "1.0.0", False)
    assert "copier" not in sys.modules


def test_not_a_golden_path_repository(cli, git_repo: Path) -> None:
    result = cli("update", str(git_repo))
    assert result.exit_code == 2
    assert "not created from a golden path" in result.stderr
    assert cli("update", str(git_repo), "--check").exit_code == 2


def test_refuses_a_dirty_tree(cli, golden: Path, repo: Path) -> None:
    _release(golden, "1.1.0", BODY_V2, ["v2"])
    (repo / "app.txt").write_text("edited\n")
    (repo / "new.txt").write_text("untracked\n")
    result = cli("update", str(repo))
    assert result.exit_code == 2
    assert "uncommitted changes" in result.stderr
    assert "app.txt" in result.stderr and "new.txt" in result.stderr
    assert (repo / "app.txt").read_text() == "edited\n"


def test_pretend_changes_nothing(cli, golden: Path, repo: Path) -> None:
    _release(golden, "1.1.0", BODY_V2, ["v2"])
    head = _git("rev-parse", "HEAD", cwd=repo)
    result = cli("update", str(repo), "--pretend")
    assert result.exit_code == 0, result.output
    assert "would update demo 1.0.0 -> 1.1.0" in result.stderr
    assert "app.txt" in result.stderr
    assert (repo / "app.txt").read_text() == BODY_V1
    assert _git("status", "--porcelain", cwd=repo) == ""
    assert _git("rev-parse", "HEAD", cwd=repo) == head


def test_pretend_works_on_a_dirty_tree_and_leaves_it_as_it_was(
    cli, golden: Path, repo: Path
) -> None:
    """Issue 9 #12: --pretend writes nothing, so uncommitted changes do not stop it."""
    _release(golden, "1.1.0", BODY_V2, ["v2"])
    (repo / "app.txt").write_text(BODY_V1 + "my edit\n")
    (repo / "new.txt").write_text("untracked\n")
    before = _git("status", "--porcelain", cwd=repo)
    result = cli("update", str(repo), "--pretend")
    assert result.exit_code == 0, result.output
    assert "would update demo 1.0.0 -> 1.1.0" in result.stderr
    assert "compared with the last commit: uncommitted changes in app.txt, new.txt" in (
        result.stderr
    )
    assert (repo / "app.txt").read_text() == BODY_V1 + "my edit\n"
    assert (repo / "new.txt").read_text() == "untracked\n"
    assert _git("status", "--porcelain", cwd=repo) == before
    # the real update still refuses
    assert cli("update", str(repo)).exit_code == 2


def test_to_version(cli, golden: Path, repo: Path) -> None:
    _release(golden, "1.1.0", BODY_V2, ["v2"])
    _release(golden, "2.0.0", BODY_V2 + "line 11\n", ["v3"])
    result = cli("update", str(repo), "--to", "9.9.9")
    assert result.exit_code == 2
    assert "1.0.0, 1.1.0, 2.0.0" in result.stderr
    result = cli("update", str(repo), "--to", "1.1.0")
    assert result.exit_code == 0, result.output
    assert (repo / "app.txt").read_text() == BODY_V2
    assert "_commit: v1.1.0" in (repo / ".copier-answers.yml").read_text()
    _git("commit", "-qam", "update to 1.1.0", cwd=repo)
    result = cli("update", str(repo), "--to", "1.0.0")
    assert result.exit_code == 2 and "downgrades" in result.stderr
    result = cli("update", str(repo))
    assert result.exit_code == 0, result.output
    assert (repo / "app.txt").read_text().endswith("line 11\n")


def test_already_current(cli, golden: Path, repo: Path) -> None:
    result = cli("update", str(repo))
    assert result.exit_code == 0
    assert "up to date" in result.stderr


def test_unversioned_repository_cannot_update(
    cli, golden: Path, tmp_path: Path, monkeypatch
) -> None:
    (golden / "demo" / "template" / "dev.txt").write_text("unreleased\n")
    monkeypatch.chdir(tmp_path)
    assert cli("new", "demo", "dev", "--defaults").exit_code == 0
    result = cli("update", str(tmp_path / "dev"), "--check")
    assert result.exit_code == 2
    assert "unversioned" in result.stderr
    shutil.rmtree(tmp_path / "dev")


def test_check_drift_for_the_check_command(golden: Path, repo: Path) -> None:
    from platformctl.core.scaffold import DriftStatus, check_drift

    status = check_drift(repo)
    assert isinstance(status, DriftStatus)
    assert status.message == "demo 1.0.0 (up to date)"
    _release(golden, "1.1.0", BODY_V2, ["v2"])
    status = check_drift(repo)
    assert status.behind and status.message == "demo 1.0.0 (behind, latest is 1.1.0)"


def test_outside_a_golden_path_repository_names_the_folder(
    cli, git_repo: Path, monkeypatch
) -> None:
    monkeypatch.chdir(git_repo)
    result = cli("update")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0] == (
        f"error: {git_repo.resolve()} was not created from a golden path "
        "(no .copier-answers.yml here or above it)"
    )
    assert lines[1].startswith("hint: ")


def test_a_new_required_question_is_answered_with_data(cli, golden: Path, repo: Path) -> None:
    """The missing-answer hint said --data, which update did not accept."""
    demo = golden / "demo"
    (demo / "copier.yml").write_text((demo / "copier.yml").read_text() + "channel:\n  type: str\n")
    (demo / "template" / "channel.txt.jinja").write_text("{{ channel }}\n")
    versions.build_history("demo", demo, golden, "2.0.0", changelog=["channel question"])
    result = cli("update", str(repo))
    assert result.exit_code == 2
    assert "missing required answers: channel" in result.stderr
    assert "--data channel=VALUE" in result.stderr
    assert _git("status", "--porcelain", cwd=repo) == ""
    result = cli("update", str(repo), "--pretend", "--data", "channel=#svc")
    assert result.exit_code == 0, result.output
    assert "channel.txt" in result.stderr and not (repo / "channel.txt").exists()
    result = cli("update", str(repo), "--data", "channel=#svc")
    assert result.exit_code == 0, result.output
    assert (repo / "channel.txt").read_text() == "#svc\n"
    assert "channel: '#svc'" in (repo / ".copier-answers.yml").read_text()
    assert cli("update", str(repo), "--data", "channel").exit_code == 2
