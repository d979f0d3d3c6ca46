"""Evidence for `assess`: real git repositories in tmp folders (golden path, catalog entry,
claims requested with platformctl provision or written by hand, check scores through the
compliance API), the fleet inventory as a source of repositories, DORA files, and the
proposals with their reasons."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from platformctl.core.errors import InputFileError, UsageError
from platformctl.core.insights import evidence, maturity

ROOT = Path(__file__).resolve().parents[2]
COMPLIANCE = ROOT / "tests" / "data" / "compliance"
GP = "git+platformctl:golden-paths/python-service"
LATEST = {"python-service": "1.2.0"}
KINDS = {("platform.example.com", "DatabaseClaim"), ("platform.example.com", "BucketClaim")}
PROVISIONED = (
    "apiVersion: platform.example.com/v1alpha1\nkind: DatabaseClaim\n"
    "metadata:\n  name: {name}\n  namespace: default\n"
    "  labels: {{app.kubernetes.io/managed-by: platformctl}}\n"
    "  annotations: {{platformctl.io/request-id: req-0123456789abcdef}}\n"
    "spec:\n  parameters: {{size: small}}\n"
)
HAND_WRITTEN = (
    "apiVersion: platform.example.com/v1alpha1\nkind: BucketClaim\n"
    "metadata:\n  name: {name}\nspec:\n  parameters: {{region: eu}}\n"
)


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def make_repo(
    root: Path,
    name: str,
    *,
    like: str | None = None,
    commit: str | None = None,
    catalog: bool = False,
    files: dict[str, str] | None = None,
) -> Path:
    """A real git repository: a copy of a compliance fixture (``like``) or an empty one, with a
    golden-path answers file at ``commit``, a catalog entry and extra files, committed."""
    repo = root / name
    if like:
        shutil.copytree(COMPLIANCE / like, repo)
    else:
        repo.mkdir(parents=True)
        (repo / "README.md").write_text(f"# {name}\n")
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    if commit:
        (repo / ".copier-answers.yml").write_text(f"_src_path: {GP}\n_commit: {commit}\n")
    if catalog and not (repo / "catalog-info.yaml").exists():
        (repo / "catalog-info.yaml").write_text(
            "apiVersion: backstage.io/v1alpha1\nkind: Component\n"
            f"metadata:\n  name: {name}\nspec:\n  type: service\n  owner: team-a\n"
            "  lifecycle: production\n"
        )
    for rel, text in (files or {}).items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    _git(repo, "add", "-A")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "init")
    return repo


@pytest.fixture
def fleet(tmp_path: Path) -> Path:
    """good: compliant, latest, one provisioned + one hand-written claim; bad: failing check,
    old version, one hand-written claim in deploy/; plain: no golden path, no catalog entry."""
    folder = tmp_path / "repos"
    make_repo(
        folder, "good", like="service-good", commit="v1.2.0",
        files={
            "infra/claims/databaseclaim-orders.yaml": PROVISIONED.format(name="orders"),
            "infra/claims/bucketclaim-assets.yaml": HAND_WRITTEN.format(name="assets"),
            "infra/claims/notes.yaml": "just: a note\n",
        },
    )  # fmt: skip
    make_repo(
        folder, "bad", like="service-bad", commit="v1.0.0",
        files={"deploy/base/bucket.yaml": HAND_WRITTEN.format(name="logs")},
    )  # fmt: skip
    make_repo(folder, "plain")
    (folder / "not-a-repo").mkdir()
    return folder


def test_repository_facts_from_checkouts(fleet: Path) -> None:
    repos = evidence.in_folder(fleet)
    assert [r.name for r in repos] == ["bad", "good", "plain"]
    found = evidence.gather(repos, where=str(fleet), latest_versions=LATEST, claim_kinds=KINDS)
    by = {r.name: r for r in found.repositories}
    good, bad, plain = by["good"], by["bad"], by["plain"]
    assert (good.golden_path, good.version, good.latest) == ("python-service", "1.2.0", True)
    assert (bad.version, bad.latest) == ("1.0.0", False)
    assert plain.golden_path is None and not plain.catalog
    # claims: documents of the platform's claim types, in infra/claims and deploy/
    assert (good.claims, good.claims_platformctl) == (2, 1)
    assert (bad.claims, bad.claims_platformctl) == (1, 0)
    # check scores through the compliance API, with each repository's own configuration
    assert good.compliant is True and good.scorecards["production-readiness"]["score"] == 100
    assert bad.compliant is False
    assert bad.scorecards["golden-path-python-service"]["status"] == "non_compliant"
    # the platform-wide scorecards apply to every repository, golden path or not
    assert set(plain.scorecards) == {"production-readiness", "security-compliance"}
    assert plain.compliant is False and plain.check_error is None


def test_proposals_show_why(fleet: Path) -> None:
    found = evidence.gather(
        evidence.in_folder(fleet), where=str(fleet), latest_versions=LATEST, claim_kinds=KINDS
    )
    proposals = {p.aspect: p for p in maturity.propose(found)}
    assert set(proposals) == {"adoption", "interfaces", "operations"}  # no DORA data given
    # interfaces: 2 of 3 repositories hold claims, but only 1 of 3 claims came through provision
    interfaces = proposals["interfaces"]
    assert interfaces.level == "operational"
    assert "67% of 3 repositories hold claims of the platform's claim types" in interfaces.why
    assert any(w.startswith("1 of 3 claims were requested with platformctl provision")
               for w in interfaces.why)  # fmt: skip
    # operations: 3 repositories scored, 1 compliant (33 %) -> tracked centrally: operational
    operations = proposals["operations"]
    assert operations.level == "operational"
    assert operations.why[0].startswith("platformctl check scores 3 of 3 repositories")
    assert "33% of those are compliant with every scorecard that applies" in operations.why
    assert "50% of the golden-path repositories are on its latest version" in operations.why


def test_compliant_and_current_repositories_make_operations_scalable(tmp_path: Path) -> None:
    folder = tmp_path / "repos"
    make_repo(folder, "a", like="service-good", commit="v1.2.0")
    make_repo(folder, "b", like="service-good", commit="v1.0.0")
    found = evidence.gather(evidence.in_folder(folder), where="x", latest_versions=LATEST)
    operations = next(p for p in maturity.propose(found) if p.aspect == "operations")
    assert operations.level == "scalable"
    # b on the old version fails its golden-path scorecard: 50 % compliant, 50 % on latest
    assert "50% of those are compliant with every scorecard that applies" in operations.why


def test_mostly_provisioned_claims_make_interfaces_self_service(tmp_path: Path) -> None:
    folder = tmp_path / "repos"
    for name in ("a", "b"):
        make_repo(folder, name, commit="v1.2.0", catalog=True, files={
            f"infra/claims/{name}.yaml": PROVISIONED.format(name=name)})  # fmt: skip
    found = evidence.gather(
        evidence.in_folder(folder), where="x", latest_versions=LATEST, claim_kinds=KINDS,
        check=False,
    )  # fmt: skip
    proposals = {p.aspect: p for p in maturity.propose(found)}
    assert proposals["interfaces"].level == "scalable"
    assert "operations" not in proposals  # check was not run: no evidence for it
    assert proposals["adoption"].level == "optimizing"


def test_check_that_cannot_run_is_recorded_not_fatal(tmp_path: Path) -> None:
    folder = tmp_path / "repos"
    make_repo(folder, "a", files={".platformctl.yaml": "scorecards: [unclosed\n"})
    found = evidence.gather(evidence.in_folder(folder), where="x", latest_versions=LATEST)
    (repo,) = found.repositories
    assert repo.scorecards == {} and repo.check_error and ".platformctl.yaml" in repo.check_error
    operations = next(p for p in maturity.propose(found) if p.aspect == "operations")
    assert operations.level == "provisional"
    assert operations.why[:2] == [
        "no scorecard applies to any of 1 repositories (platformctl check)",
        "check could not run in 1: a",
    ]


def test_stale_golden_paths_lower_the_adoption_proposal(tmp_path: Path) -> None:
    folder = tmp_path / "repos"
    for name in "abcd":
        make_repo(folder, name, commit="v1.0.0", catalog=True)
    found = evidence.gather(
        evidence.in_folder(folder), where="x", latest_versions=LATEST, check=False
    )
    proposals = {p.aspect: p for p in maturity.propose(found)}
    # 100 % on a golden path and in the catalog would be optimizing; none on latest -> scalable
    assert proposals["adoption"].level == "scalable"
    assert proposals["interfaces"].level == "operational"


def test_a_folder_without_repositories_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no git repositories"):
        evidence.in_folder(tmp_path)
    with pytest.raises(UsageError, match="is not a folder"):
        evidence.in_folder(tmp_path / "missing")


def test_the_fleet_inventory_as_a_source(fleet: Path, tmp_path: Path) -> None:
    listing = tmp_path / "repos.yaml"
    listing.write_text(
        f"- url: {fleet / 'good'}\n  owner: team-a\n- url: {fleet / 'plain'}\n"
        f"- url: {fleet / 'not-a-repo'}\n"
    )
    repos, skipped = evidence.from_inventory(
        [str(listing)], cwd=tmp_path, cache=tmp_path / "cache"
    )
    assert [r.name for r in repos] == ["good", "plain"]
    # a folder that is no work tree is taken as a URL: its clone fails, and it is skipped
    ((name, why),) = skipped
    assert name == "not-a-repo" and why.startswith("git clone failed")
    # a URL is cloned into the fleet cache and read there
    repos, skipped = evidence.from_inventory(
        [str(_text_inventory(tmp_path, f"file://{fleet / 'good'}"))], cwd=tmp_path,
        cache=tmp_path / "cache",
    )  # fmt: skip
    assert skipped == [] and len(repos) == 1
    assert (repos[0].path / ".copier-answers.yml").is_file()
    assert tmp_path / "cache" in repos[0].path.parents


def _text_inventory(folder: Path, line: str) -> Path:
    path = folder / "repos.txt"
    path.write_text(f"# the fleet\n{line}\n")
    return path


# -- DORA ------------------------------------------------------------------------------------


def _devlake(tmp_path: Path) -> tuple[Path, Path]:
    deployments = tmp_path / "deployments.json"
    deployments.write_text(json.dumps([
        {"id": "d1", "service": "api", "environment": "production", "result": "SUCCESS",
         "commit_sha": "a" * 40, "finished_date": "2026-01-06T10:00:00Z"},
        {"id": "d2", "service": "web", "environment": "production", "result": "SUCCESS",
         "commit_sha": "b" * 40, "finished_date": "2026-01-07T10:00:00Z"},
    ]))  # fmt: skip
    incidents = tmp_path / "incidents.json"
    incidents.write_text(json.dumps([
        {"issue_key": "INC-1", "service": "api", "created_date": "2026-01-06T11:00:00Z",
         "resolution_date": "2026-01-06T12:00:00Z"},
    ]))  # fmt: skip
    return deployments, incidents


def test_dora_records_make_measurement_operational(tmp_path: Path) -> None:
    deployments, incidents = _devlake(tmp_path)
    dora = evidence.read_dora(deployments=[deployments], incidents=[incidents])
    assert dora is not None
    assert (dora.deployments, dora.incidents, dora.services) == (2, 1, ["api", "web"])
    found = maturity.Evidence("", [], dora=dora)
    (measurement,) = maturity.propose(found)  # no repositories: only measurement
    assert measurement.aspect == "measurement" and measurement.level == "operational"
    assert measurement.why[0] == f"DORA data: {deployments}: 2 deployments (devlake)"
    assert evidence.read_dora() is None


def test_a_dora_report_with_all_four_keys_is_scalable(cli, tmp_path: Path, dora_world) -> None:
    result = cli(
        "metrics", "dora", "--repo", dora_world["repo"], "--deployments",
        dora_world["deployments"], "--incidents", dora_world["incidents"],
        "--since", "2026-01-05", "--until", "2026-01-19", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report = tmp_path / "dora.json"
    report.write_text(result.stdout)
    dora = evidence.read_dora(reports=[report])
    assert dora is not None and dora.report
    assert dora.keys == list(maturity.DORA_KEYS)
    (measurement,) = maturity.propose(maturity.Evidence("", [], dora=dora))
    assert measurement.level == "scalable"
    assert any("measures 4 of the 4 keys" in why for why in measurement.why)


def test_a_file_that_is_not_a_dora_report(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"version": 1, "kind": "survey"}')
    with pytest.raises(InputFileError, match="not a metrics dora report") as caught:
        evidence.read_dora(reports=[path])
    assert caught.value.hint and "metrics dora --format json" in caught.value.hint


def test_collect_and_prepare_for_assess(
    fleet: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from platformctl.core import config as config_mod
    from platformctl.core.insights import assessment

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    listing = tmp_path / "repos.yaml"
    listing.write_text(f"- url: {fleet / 'good'}\n- url: {fleet / 'not-a-repo'}\n")
    said: list[tuple[str, str]] = []
    cfg = config_mod.load(cwd=tmp_path)
    found = evidence.collect(
        cfg, repos=fleet, inventory=[str(listing)], cwd=tmp_path,
        warn=lambda text: said.append(("warn", text)),
        info=lambda text: said.append(("info", text)),
    )  # fmt: skip
    # the inventory's good is the folder's good: counted once; not-a-repo is skipped, said first
    assert sorted(r.name for r in found.repositories) == ["bad", "good", "plain"]
    assert found.folder == f"{fleet} and inventory {listing}"
    assert [name for name, _ in found.skipped] == ["not-a-repo"]
    assert said[0][0] == "warn" and said[0][1].startswith("not-a-repo: not read (")
    assert said[1] == ("info", "running platformctl check in 3 repositories")

    prepared = assessment.prepare(cfg, repos=fleet, check=False, accept_proposed=True)
    assert prepared.evidence is not None and prepared.proposals
    assert all(prepared.answers[p.aspect] == p.level for p in prepared.proposals)
    assert prepared.missing == maturity.missing(prepared.model, prepared.answers)
    assert prepared.history == []
    bare = assessment.prepare(cfg)
    assert bare.evidence is None and bare.answers == {} and bare.missing
    with pytest.raises(UsageError, match="--accept-proposed needs evidence"):
        assessment.prepare(cfg, accept_proposed=True)
