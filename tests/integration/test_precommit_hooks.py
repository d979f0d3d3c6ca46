"""The hooks in .pre-commit-hooks.yaml, run by the real pre-commit (`pre-commit try-repo`) on a
real git repository.

The hook repository is the committed platformctl (``git archive HEAD`` plus the working-tree
.pre-commit-hooks.yaml) in this module's own temporary folder: nothing outside it is read or
written, so a run never depends on what an earlier run left behind.  ``try-repo`` always installs
into a throw-away store, so it runs once; the other scenarios use ``pre-commit run`` with a
``.pre-commit-config.yaml`` naming the same repository and a store shared by this module's tests.
pip installs from a wheelhouse downloaded once per module (``--no-index`` afterwards), which keeps
each install near 20 s.  pip comes from the ``test`` extra: a uv-made virtual environment has none.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parent.parent.parent
DATA = ROOT / "tests" / "data" / "compliance"
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
FIXED_DATE = "2026-01-01T00:00:00+00:00"


def git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True, env=env
    )
    return proc.stdout


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not PRE_COMMIT.exists() and shutil.which("pre-commit") is None:
        pytest.skip("pre-commit is not installed")
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "HEAD"], capture_output=True, check=False
    )
    if archive.returncode != 0:
        pytest.skip("not a git checkout")
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_bytes()
    base = tmp_path_factory.mktemp("pre-commit")
    repo = base / "hooks"
    repo.mkdir()
    subprocess.run(["tar", "-x", "-C", str(repo)], input=archive.stdout, check=True)
    (repo / ".pre-commit-hooks.yaml").write_bytes(hooks)
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": FIXED_DATE,
        "GIT_COMMITTER_DATE": FIXED_DATE,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    git(repo, "init", "-q", "-b", "main", env=env)
    git(repo, "add", "-A", env=env)
    git(repo, "commit", "-q", "-m", "hooks", env=env)
    return repo


def service(hook_repo: Path, tmp_path: Path, name: str = "service-good") -> Path:
    # Beside the hook repository (same relative path for every test: one environment).
    root = Path(tempfile.mkdtemp(prefix="svc-", dir=hook_repo.parent))
    shutil.copytree(DATA / name, root, dirs_exist_ok=True)
    catalog = root / "catalog-info.yaml"
    catalog.write_text(
        catalog.read_text().replace(
            "      title: Orders runbook\n", "      title: Orders runbook\n      type: runbook\n"
        )
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "init")
    return root


def _env(hook_repo: Path) -> dict[str, str]:
    wheelhouse = hook_repo.parent / "wheelhouse"
    if not (wheelhouse / ".complete").exists():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "-q",
                "-d",
                str(wheelhouse),
                str(hook_repo),
                *_build_requires(),
            ],
            check=True,
            capture_output=True,
        )
        (wheelhouse / ".complete").write_text("")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(hook_repo.parent / "store"),
        "NO_COLOR": "1",
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(wheelhouse),
        # the hooks' behaviour, not their speed: no 20 s mypyc compilation per install
        "PLATFORMCTL_PURE_PYTHON": "1",
    }
    env.pop("PRE_COMMIT", None)
    return env


def _build_requires() -> list[str]:
    """pyproject.toml's build-system requirements: pip builds the hook repository's wheel
    from the wheelhouse alone."""
    import tomllib

    with (ROOT / "pyproject.toml").open("rb") as handle:
        return list(tomllib.load(handle)["build-system"]["requires"])


def _exe() -> str:
    return str(PRE_COMMIT) if PRE_COMMIT.exists() else "pre-commit"


def try_repo(hook_repo: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # Relative to the service repository, the hook repository is always ../hooks.
    return subprocess.run(
        [_exe(), "try-repo", "../hooks", *args],
        cwd=cwd,
        env=_env(hook_repo),
        capture_output=True,
        text=True,
        timeout=600,
    )


def pre_commit_run(hook_repo: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    rev = git(hook_repo, "rev-parse", "HEAD").strip()
    (cwd / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: ../hooks\n    rev: {rev}\n    hooks:\n"
        "      - id: platformctl-check\n      - id: platformctl-fix\n"
        "      - id: platformctl-catalog-validate\n"
    )
    return subprocess.run(
        [_exe(), "run", *args],
        cwd=cwd,
        env=_env(hook_repo),
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_manifest_shape():
    import yaml

    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    check = hooks["platformctl-check"]
    assert check["pass_filenames"] is False and check["require_serial"] is True
    assert check["entry"] == "platformctl check" and "always_run" not in check
    assert hooks["platformctl-fix"]["stages"] == ["manual"]
    assert hooks["platformctl-catalog-validate"]["entry"] == "platformctl catalog validate"
    import re

    files = re.compile(check["files"])
    for name in (
        "catalog-info.yaml",
        "Dockerfile",
        ".github/workflows/ci.yml",
        "pyproject.toml",
        "deploy/k8s/deployment.yaml",
        "src/app/main.py",
        "CODEOWNERS",
        ".platformctl.yaml",
        # the secret scan reads every tracked text file: a key in other code counts too
        "web/src/api.ts",
        "cmd/server/main.go",
        ".env.production",
        "deploy/keys/id_rsa",
        "infra/main.hcl",
    ):
        assert files.search(name), name
    for name in ("README.md", "docs/guide.md", "logo.png"):
        assert not files.search(name), name
    assert re.search(hooks["platformctl-catalog-validate"]["files"], "team/x.catalog.yaml")


def test_try_repo_check_hook_fails_with_the_reason(hook_repo, tmp_path):
    root = service(hook_repo, tmp_path)
    catalog = root / "catalog-info.yaml"
    catalog.write_text(catalog.read_text().replace("    backstage.io/techdocs-ref: dir:.\n", ""))
    git(root, "add", "catalog-info.yaml")
    result = try_repo(hook_repo, root, "platformctl-check")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "platformctl check (scorecards)" in result.stdout and "Failed" in result.stdout
    assert "techdocs" in result.stdout and "next level silver" in result.stdout


def test_check_and_catalog_hooks_pass_on_a_compliant_repo(hook_repo, tmp_path):
    root = service(hook_repo, tmp_path)
    result = pre_commit_run(hook_repo, root, "--all-files")
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    lines = {
        line.split(".")[0]: line for line in out.splitlines() if line.startswith("platformctl")
    }
    assert lines["platformctl check (scorecards)"].endswith("Passed"), out
    assert lines["platformctl catalog validate"].endswith("Passed"), out
    assert "platformctl check --fix" not in out  # manual stage only


def test_check_hook_skips_unrelated_files(hook_repo, tmp_path):
    root = service(hook_repo, tmp_path)
    (root / "catalog-info.yaml").write_text("kind: Component\n")  # broken, but not staged
    (root / "NOTES.md").write_text("notes\n")
    git(root, "add", "NOTES.md")
    result = pre_commit_run(hook_repo, root, "platformctl-check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "(no files to check)Skipped" in result.stdout


def test_fix_hook_is_manual_and_adds_the_annotation(hook_repo, tmp_path):
    root = service(hook_repo, tmp_path)
    catalog = root / "catalog-info.yaml"
    catalog.write_text(
        catalog.read_text().replace(
            "    platform.example.com/security-contact: security-orders@acme.example\n", ""
        )
    )
    git(root, "add", "catalog-info.yaml")
    before = catalog.read_text()
    result = pre_commit_run(hook_repo, root, "platformctl-fix", "--all-files")
    assert catalog.read_text() == before  # manual stage only: not run by default
    result = pre_commit_run(
        hook_repo, root, "platformctl-fix", "--all-files", "--hook-stage", "manual"
    )
    # the hook modified a file: pre-commit reports failure so the fix can be reviewed
    assert result.returncode == 1, result.stdout + result.stderr
    assert "files were modified by this hook" in result.stdout
    assert (
        "platform.example.com/security-contact: TODO-security-contact@example.com"
        in catalog.read_text()
    )
