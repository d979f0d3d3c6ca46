"""Golden-path lifecycle for real: copier renders, git merges, signals interrupt.

* a platform golden path in its own git repository with tags v1, v2: create from v1, edit,
  update to v2 (clean merge, exit 0) or with a conflicting edit (markers, exit 1);
* the embedded history bundle: a repository created by "release N" updates with "release N+1"
  on a machine that never had release N (fresh cache, release N's files deleted);
* Ctrl-C and SIGTERM during rendering leave no destination and no temporary folder behind.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from platformctl.core.scaffold import registry as registry_mod
from platformctl.core.scaffold import versions

pytestmark = pytest.mark.integration

COPIER_YML = """\
_subdirectory: template
name:
  type: str
greeting:
  type: str
  default: hello
"""
BODY_V1 = "".join(f"line {i}\n" for i in range(1, 13))
BODY_V2 = BODY_V1.replace("line 12\n", "line 12 changed by v2\n")


def _git(*args: str, cwd: Path) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return proc.stdout


def _write_template(folder: Path, body: str) -> None:
    (folder / "template").mkdir(parents=True, exist_ok=True)
    (folder / "copier.yml").write_text(COPIER_YML)
    (folder / "template" / "{{_copier_conf.answers_file}}.jinja").write_text(
        "{{ _copier_answers|to_nice_yaml }}"
    )
    (folder / "template" / "README.md.jinja").write_text("# {{ name }}\n\n{{ greeting }}\n")
    (folder / "template" / "app.txt").write_text(body)


@pytest.fixture
def tagged_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A platform whose golden path `tagged` is a git repository with tags v1 and v2."""
    repo = tmp_path / "tagged-template"
    _write_template(repo, BODY_V1)
    _git("init", "-q", "-b", "main", cwd=repo)
    _git("add", "-A", cwd=repo)
    _git("commit", "-qm", "v1", cwd=repo)
    _git("tag", "v1", cwd=repo)
    (repo / "template" / "app.txt").write_text(BODY_V2)
    _git("commit", "-qam", "v2: change the last line", cwd=repo)
    _git("tag", "v2", cwd=repo)
    platform = tmp_path / "platform"
    (platform / "gp").mkdir(parents=True)
    (platform / "gp" / "index.yaml").write_text(
        f"golden_paths:\n  - name: tagged\n    title: Tagged\n    src: {repo}\n"
    )
    (platform / "platform.yaml").write_text("metadata:\n  name: acme\ngolden_paths: gp\n")
    monkeypatch.setenv("PLATFORMCTL_PLATFORM", str(platform))
    monkeypatch.chdir(tmp_path)
    return repo


def _create_v1(cli, tmp_path: Path) -> Path:
    result = cli("new", "tagged", "svc", "--defaults", "--ref", "v1")
    assert result.exit_code == 0, result.output
    repo = tmp_path / "svc"
    assert (repo / "app.txt").read_text() == BODY_V1
    assert "_commit: v1" in (repo / ".copier-answers.yml").read_text()
    return repo


def test_platform_git_template_clean_merge(cli, tagged_template: Path, tmp_path: Path) -> None:
    repo = _create_v1(cli, tmp_path)
    check = cli("update", str(repo), "--check")
    assert check.exit_code == 1 and "(latest 2)" in check.stdout and "v2" in check.stdout
    (repo / "app.txt").write_text(BODY_V1.replace("line 1\n", "line 1 edited locally\n"))
    _git("commit", "-qam", "local edit", cwd=repo)
    result = cli("update", str(repo))
    assert result.exit_code == 0, result.output
    text = (repo / "app.txt").read_text()
    assert "line 1 edited locally\n" in text and "line 12 changed by v2\n" in text
    assert "<<<<<<<" not in text
    assert "_commit: v2" in (repo / ".copier-answers.yml").read_text()
    _git("commit", "-qam", "update", cwd=repo)
    assert cli("update", str(repo), "--check").exit_code == 0


def test_platform_git_template_conflict(cli, tagged_template: Path, tmp_path: Path) -> None:
    repo = _create_v1(cli, tmp_path)
    (repo / "app.txt").write_text(BODY_V1.replace("line 12\n", "line 12 edited locally\n"))
    _git("commit", "-qam", "conflicting edit", cwd=repo)
    result = cli("update", str(repo), "--to", "v2", "--pretend")
    assert result.exit_code == 1
    assert "error: the update would leave conflicts in: app.txt" in result.stderr
    assert "hint: run platformctl update, then resolve" in result.stderr
    assert _git("status", "--porcelain", cwd=repo) == ""
    result = cli("update", str(repo), "--to", "v2")
    assert result.exit_code == 1
    assert "conflicts in: app.txt" in result.stderr
    text = (repo / "app.txt").read_text()
    assert "<<<<<<< before updating" in text and ">>>>>>> after updating" in text
    assert "line 12 edited locally" in text and "line 12 changed by v2" in text


def test_embedded_bundle_across_releases_from_a_fresh_cache(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Release N ships demo 1.0.0.
    release_n = tmp_path / "release-n" / "golden_paths"
    _write_template(release_n / "demo", BODY_V1)
    (release_n / "index.yaml").write_text("golden_paths:\n  - name: demo\n    version: 1.0.0\n")
    versions.build_history("demo", release_n / "demo", release_n, "1.0.0")
    monkeypatch.setattr(registry_mod, "embedded_root", lambda: release_n)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "machine-a-cache"))
    monkeypatch.chdir(tmp_path)
    assert cli("new", "demo", "clean", "--defaults").exit_code == 0
    assert cli("new", "demo", "clash", "--defaults").exit_code == 0

    # Release N+1 (built by the maintainer from N's history) ships demo 1.0.0 and 1.1.0.
    release_n1 = tmp_path / "release-n1" / "golden_paths"
    shutil.copytree(release_n, release_n1)
    (release_n1 / "demo" / "template" / "app.txt").write_text(BODY_V2)
    versions.build_history("demo", release_n1 / "demo", release_n1, "1.1.0", changelog=["v2 line"])
    # A machine that never had release N: N's files and every cache are gone.
    shutil.rmtree(tmp_path / "release-n")
    shutil.rmtree(tmp_path / "machine-a-cache", ignore_errors=True)
    monkeypatch.setattr(registry_mod, "embedded_root", lambda: release_n1)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "machine-b-cache"))

    clean = tmp_path / "clean"
    (clean / "app.txt").write_text(BODY_V1.replace("line 1\n", "line 1 mine\n"))
    _git("commit", "-qam", "edit", cwd=clean)
    result = cli("update", str(clean))
    assert result.exit_code == 0, result.output
    text = (clean / "app.txt").read_text()
    assert "line 1 mine\n" in text and "line 12 changed by v2\n" in text
    answers = (clean / ".copier-answers.yml").read_text()
    assert "_src_path: git+platformctl:golden-paths/demo" in answers  # stable across machines
    assert "_commit: v1.1.0" in answers

    clash = tmp_path / "clash"
    (clash / "app.txt").write_text(BODY_V1.replace("line 12\n", "line 12 mine\n"))
    _git("commit", "-qam", "edit", cwd=clash)
    result = cli("update", str(clash))
    assert result.exit_code == 1
    assert "app.txt" in result.stderr
    assert "<<<<<<< before updating" in (clash / "app.txt").read_text()


def _signal_platform(tmp_path: Path) -> Path:
    platform = tmp_path / "platform"
    folder = platform / "gp" / "slow"
    _write_template(folder, BODY_V1)
    (folder / "copier.yml").write_text(
        COPIER_YML
        + "marker:\n  type: str\n  default: ''\n"
        + "_tasks:\n  - ['{{ _copier_python }}', 'waiter.py', '{{ marker }}']\n"
    )
    (folder / "template" / "waiter.py").write_text(
        "import pathlib, sys, time\n"
        "pathlib.Path(sys.argv[1]).write_text('started')\n"
        "time.sleep(60)\n"
    )
    (platform / "gp" / "index.yaml").write_text("golden_paths:\n  - name: slow\n")
    (platform / "platform.yaml").write_text("golden_paths: gp\n")
    return platform


def _default_signals() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interrupt_leaves_nothing_behind(tmp_path: Path, signum: int) -> None:
    platform = _signal_platform(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    marker = tmp_path / "started"
    env = {**os.environ, "PLATFORMCTL_PLATFORM": str(platform)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "platformctl",
            "new",
            "slow",
            "sig-svc",
            "--defaults",
            "--trust",
            "--data",
            f"marker={marker}",
        ],
        cwd=work,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A job started in the background by a non-interactive shell (`bash .ci/run &`) inherits
        # SIGINT ignored, and Python keeps an ignored SIGINT: Ctrl-C would do nothing and the
        # render would finish with exit 0. Start the child as a terminal would.
        preexec_fn=_default_signals,
    )
    try:
        # The task writes the marker once rendering is under way: that is the readiness signal.
        # Timeouts are generous so a busy 2-core machine cannot make this flake.
        deadline = time.monotonic() + 180
        while not marker.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the render never started"
            time.sleep(0.05)
        # Rendering is under way: files exist in the temporary folder next to the destination.
        assert any(p.name.endswith(".platformctl-new") for p in work.iterdir())
        proc.send_signal(signum)
        _, stderr = proc.communicate(timeout=180)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr
    assert list(work.iterdir()) == []


def test_failed_update_is_rolled_back_and_migrations_need_trust(
    cli, tagged_template: Path, tmp_path: Path
) -> None:
    repo = _create_v1(cli, tmp_path)
    # v3 adds a migration that fails after the files were already merged.
    (tagged_template / "copier.yml").write_text(
        COPIER_YML + "_migrations:\n  - version: v3\n    command: exit 3\n"
    )
    (tagged_template / "template" / "app.txt").write_text(BODY_V2 + "line 13 (v3)\n")
    _git("commit", "-qam", "v3 with a migration", cwd=tagged_template)
    _git("tag", "v3", cwd=tagged_template)
    head = _git("rev-parse", "HEAD", cwd=repo)

    result = cli("update", str(repo))
    assert result.exit_code == 2
    assert "--trust" in result.stderr
    assert _git("status", "--porcelain", cwd=repo) == ""

    result = cli("update", str(repo), "--trust")
    assert result.exit_code == 3
    assert "task failed" in result.stderr
    assert _git("status", "--porcelain", "--untracked-files=all", cwd=repo) == ""
    assert _git("rev-parse", "HEAD", cwd=repo) == head
    assert (repo / "app.txt").read_text() == BODY_V1


def test_update_warns_about_local_changes_to_files_the_new_version_moved(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Copier deletes a file the new version no longer has even when the repository edited it
    (deploy/k8s -> deploy/base in python-service 1.1.0): update names those files."""
    root = tmp_path / "golden_paths"
    _write_template(root / "demo", BODY_V1)
    (root / "demo" / "template" / "k8s").mkdir()
    (root / "demo" / "template" / "k8s" / "deployment.yaml").write_text("replicas: 2\n")
    (root / "demo" / "template" / "k8s" / "service.yaml").write_text("port: 80\n")
    (root / "index.yaml").write_text("golden_paths:\n  - name: demo\n    version: 1.0.0\n")
    versions.build_history("demo", root / "demo", root, "1.0.0")
    shutil.move(root / "demo" / "template" / "k8s", root / "demo" / "template" / "base")
    versions.build_history("demo", root / "demo", root, "1.1.0")
    monkeypatch.setattr(registry_mod, "embedded_root", lambda: root)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    assert cli("new", "demo", "svc", "--defaults", "--ref", "1.0.0").exit_code == 0
    repo = tmp_path / "svc"
    (repo / "k8s" / "deployment.yaml").write_text("replicas: 5  # tuned\n")
    _git("commit", "-qam", "tune", cwd=repo)

    result = cli("update", str(repo), "--pretend")
    assert result.exit_code == 0, result.output
    assert "warning: k8s/deployment.yaml had local changes and the new version would remove" in (
        result.stderr
    )
    result = cli("update", str(repo))
    assert result.exit_code == 0, result.output
    assert "warning: k8s/deployment.yaml had local changes" in result.stderr
    assert "git show HEAD:k8s/deployment.yaml" in result.stderr
    assert "k8s/service.yaml had local changes" not in result.stderr  # unchanged: no warning
    assert (repo / "base" / "deployment.yaml").read_text() == "replicas: 2\n"
    assert not (repo / "k8s").exists()
