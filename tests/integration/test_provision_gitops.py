"""GitOps mode against real repositories: a bare remote, and a service from the golden path."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from platformctl.core import yamlio
from platformctl.core.scaffold import shared

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "golden_paths" / "python-service"


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout


def test_push_to_a_bare_remote(cli, git_repo: Path, tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    _git(git_repo, "remote", "add", "origin", str(remote))
    _git(git_repo, "push", "-q", "origin", "main")
    r = cli(
        "provision",
        "bucket",
        "assets",
        "--versioning",
        "--gitops",
        "--repo",
        str(git_repo),
        "--push",
    )
    assert r.exit_code == 0, r.output
    assert "pushed" in r.stderr
    branches = _git(remote, "branch", "--list")
    assert "provision/bucketclaim-assets" in branches
    shown = _git(
        remote, "show", "provision/bucketclaim-assets:infra/claims/bucketclaim-assets.yaml"
    )
    assert "kind: BucketClaim" in shown and "versioning: true" in shown
    again = cli(
        "provision",
        "bucket",
        "assets",
        "--versioning",
        "--gitops",
        "--repo",
        str(git_repo),
        "--push",
    )
    assert again.exit_code == 0 and "nothing to commit" in again.stderr
    assert _git(git_repo, "branch", "--show-current").strip() == "main"


def test_push_failure_is_an_environment_problem(cli, git_repo: Path, tmp_path: Path) -> None:
    _git(git_repo, "remote", "add", "origin", str(tmp_path / "missing.git"))
    r = cli("provision", "bucket", "assets", "--gitops", "--repo", str(git_repo), "--push")
    assert r.exit_code == 3 and "git push to origin failed" in r.stderr
    assert "the commit is on branch provision/bucketclaim-assets" in r.stderr
    assert _git(git_repo, "branch", "--show-current").strip() == "main"  # put back all the same
    shown = _git(
        git_repo, "show", "provision/bucketclaim-assets:infra/claims/bucketclaim-assets.yaml"
    )
    assert "kind: BucketClaim" in shown


@pytest.mark.skipif(not GOLDEN.is_dir(), reason="python-service golden path not present")
def test_golden_path_service_records_its_database(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import copier

    service = tmp_path / "orders"
    copier.run_copy(
        str(shared.composed_template(GOLDEN)),
        str(service),
        data={"name": "orders", "has_database": True},
        defaults=True,
        quiet=True,
        unsafe=True,
    )
    subprocess.run(["git", "init", "-q", "-b", "main", str(service)], check=True)
    _git(service, "add", "-A")
    _git(service, "commit", "-q", "-m", "init")
    catalog = service / "catalog-info.yaml"
    before = catalog.read_text()
    monkeypatch.chdir(service)
    r = cli("provision", "db", "orders-db", "--size", "medium", "--gitops", "--record")
    assert r.exit_code == 0, r.output
    # back on main, untouched; the claim and the catalog change are on the claim's branch
    assert _git(service, "branch", "--show-current").strip() == "main"
    assert catalog.read_text() == before and _git(service, "status", "--porcelain") == ""
    _git(service, "checkout", "-q", "provision/databaseclaim-orders-db")
    assert (service / "infra" / "claims" / "databaseclaim-orders-db.yaml").is_file()
    text = catalog.read_text()
    assert text.startswith(before.split("spec:")[0])  # metadata, comments and order untouched
    loaded = yamlio.load_file(catalog)
    assert loaded.ok
    docs = [d.data for d in loaded.documents]
    component = next(d for d in docs if d["kind"] == "Component")
    assert "resource:default/orders-db" in component["spec"]["dependsOn"]
    resource = next(d for d in docs if d["kind"] == "Resource")
    assert resource["metadata"]["name"] == "orders-db"
    assert resource["spec"] == {
        "type": "database",
        "owner": component["spec"]["owner"],
        "system": component["spec"]["system"],
    }
    assert _git(service, "status", "--porcelain") == ""  # the catalog change is committed too
    assert "catalog: record dependency on orders-db" in _git(service, "log", "--format=%s")
    validate = cli("catalog", "validate", str(catalog))
    assert validate.exit_code == 0, validate.output
    again = cli("provision", "db", "orders-db", "--size", "medium", "--gitops", "--record")
    assert again.exit_code == 0 and "already records resource:default/orders-db" in again.stderr
    assert catalog.read_text() == text
