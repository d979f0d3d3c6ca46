"""The GitOps check types (kustomize_buildable, argocd_applications) on a fixture layout."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from platformctl.core.compliance.facts import Facts
from platformctl.core.compliance.registry import CHECK_TYPES, ensure_loaded

DATA = Path(__file__).resolve().parent.parent / "data" / "compliance" / "service-gitops"
OVERLAYS = [f"deploy/overlays/{env}" for env in ("dev", "staging", "prod", "preview")]
ensure_loaded()


@pytest.fixture
def layout(tmp_path: Path) -> Path:
    target = tmp_path / "svc"
    shutil.copytree(DATA, target)
    return target


def run(root: Path, kind: str, settings: dict[str, object] | None = None, **options):
    facts = Facts(root)
    if settings is not None:
        facts.extra["settings"] = settings.get
    return CHECK_TYPES[kind].func(facts, options)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (old, path)
    path.write_text(text.replace(old, new))


# --- kustomize_buildable -------------------------------------------------------------------------


def test_layout_builds(layout: Path) -> None:
    outcome = run(layout, "kustomize_buildable", overlays=OVERLAYS)
    assert outcome.passed, outcome.message
    assert "5 kustomization(s)" in outcome.message


@pytest.mark.parametrize(
    ("file", "old", "new", "message", "line"),
    [
        (
            "deploy/base/kustomization.yaml",
            "  - deployment.yaml",
            "  - deployment-old.yaml",
            "deploy/base/kustomization.yaml: resources[0] 'deployment-old.yaml' does not exist",
            4,
        ),
        (
            "deploy/overlays/prod/kustomization.yaml",
            "path: patches/replicas.yaml",
            "path: patches/gone.yaml",
            "patches[0].path 'patches/gone.yaml' does not exist",
            8,
        ),
        (
            "deploy/overlays/dev/kustomization.yaml",
            "../../base",
            "../../k8s",
            "resources[0] '../../k8s' does not exist (file deploy/k8s)",
            5,
        ),
        (
            "deploy/overlays/staging/kustomization.yaml",
            "../../base",
            "../../../../elsewhere",
            "points outside the repository",
            5,
        ),
        (
            "deploy/overlays/dev/kustomization.yaml",
            "../../base",
            "patches",
            "'patches' is a folder without a kustomization.yaml",
            5,
        ),
    ],
    ids=["base-resource", "patch", "moved-base", "outside", "folder-without-kustomization"],
)
def test_broken_references_fail_with_file_and_line(
    layout: Path, file: str, old: str, new: str, message: str, line: int
) -> None:
    edit(layout / file, old, new)
    outcome = run(layout, "kustomize_buildable", overlays=OVERLAYS)
    assert outcome.passed is False
    assert message in outcome.message
    assert outcome.file is not None and outcome.line == line


def test_a_missing_overlay_and_generator_files(layout: Path) -> None:
    shutil.rmtree(layout / "deploy/overlays/staging")
    outcome = run(layout, "kustomize_buildable", overlays=OVERLAYS)
    assert outcome.passed is False
    assert outcome.message == "deploy/overlays/staging/kustomization.yaml is missing"

    edit(
        layout / "deploy/base/kustomization.yaml",
        "literals: [LOG_LEVEL=INFO]",
        "files: [app.properties=config/app.properties]",
    )
    outcome = run(layout, "kustomize_buildable")
    assert outcome.passed is False
    assert (
        "configMapGenerator[0].files[0] 'config/app.properties' does not exist" in outcome.message
    )
    (layout / "deploy/base/config").mkdir()
    (layout / "deploy/base/config/app.properties").write_text("a=b\n")
    assert run(layout, "kustomize_buildable").passed


def test_remote_resources_are_not_followed(layout: Path) -> None:
    edit(
        layout / "deploy/base/kustomization.yaml",
        "  - deployment.yaml",
        "  - deployment.yaml\n  - https://github.com/acme/shared//base?ref=v1",
    )
    assert run(layout, "kustomize_buildable", overlays=OVERLAYS).passed


def test_no_kustomization_at_all(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("x\n")
    outcome = run(tmp_path, "kustomize_buildable")
    assert outcome.passed is False and "no kustomization.yaml" in outcome.message


# --- argocd_applications -------------------------------------------------------------------------


def test_every_environment_has_its_application(layout: Path) -> None:
    outcome = run(
        layout,
        "argocd_applications",
        environments=["dev", "staging", "prod"],
        automated=["dev", "staging"],
        manual=["prod"],
        preview=True,
    )
    assert outcome.passed, outcome.message
    assert outcome.message == "Argo CD: dev, staging, prod, preview"


def test_application_pointing_elsewhere_fails(layout: Path) -> None:
    edit(layout / "deploy/argocd/staging.yaml", "deploy/overlays/staging", "deploy/k8s")
    outcome = run(layout, "argocd_applications", environments=["dev", "staging", "prod"])
    assert outcome.passed is False
    assert "environment staging: no Argo CD Application has source path" in outcome.message


def test_environment_without_overlay_fails(layout: Path) -> None:
    outcome = run(layout, "argocd_applications", environments=["qa"])
    assert outcome.passed is False
    assert outcome.message == "environment qa: deploy/overlays/qa/kustomization.yaml is missing"


def test_automated_sync_needs_prune_and_self_heal(layout: Path) -> None:
    edit(layout / "deploy/argocd/dev.yaml", "prune: true, selfHeal: true", "prune: true")
    outcome = run(layout, "argocd_applications", automated=["dev"])
    assert outcome.passed is False
    assert "svc-dev (dev) does not sync automatically with selfHeal" in outcome.message
    assert outcome.file == "deploy/argocd/dev.yaml"


def test_prod_auto_sync_fails_unless_the_platform_allows_it(layout: Path) -> None:
    edit(
        layout / "deploy/argocd/prod.yaml",
        "    syncOptions:",
        "    automated: {prune: true}\n    syncOptions:",
    )
    outcome = run(layout, "argocd_applications", manual=["prod"])
    assert outcome.passed is False
    assert "svc-prod (prod) syncs automatically" in outcome.message
    assert "gitops.allow_prod_auto_sync" in outcome.message
    denied = run(
        layout, "argocd_applications", {"gitops.allow_prod_auto_sync": False}, manual=["prod"]
    )
    assert denied.passed is False
    allowed = run(
        layout, "argocd_applications", {"gitops.allow_prod_auto_sync": True}, manual=["prod"]
    )
    assert allowed.passed is True
    assert "allowed by gitops.allow_prod_auto_sync" in allowed.message
    # automated.enabled: false is a manual sync as well.
    edit(layout / "deploy/argocd/prod.yaml", "{prune: true}", "{enabled: false}")
    assert run(layout, "argocd_applications", manual=["prod"]).passed is True


def test_previews_need_a_pull_request_generator_and_a_namespace_per_pr(layout: Path) -> None:
    appset = layout / "deploy/argocd/previews.yaml"
    edit(appset, "namespace: 'svc-pr-{{ .number }}'", "namespace: svc-previews")
    outcome = run(layout, "argocd_applications", preview=True)
    assert outcome.passed is False and "its own namespace" in outcome.message
    edit(appset, "pullRequest:", "list:")
    outcome = run(layout, "argocd_applications", preview=True)
    assert outcome.passed is False
    assert outcome.message == "no Argo CD ApplicationSet with a pullRequest generator"
