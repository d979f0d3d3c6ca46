"""`metrics dora --argocd-app NAME`: the Application's sync history read from a (test) API
server with the kubernetes client, and the same Application from a saved JSON file."""

from __future__ import annotations

import json

import pytest
from kubeapi.fixture import Kube, kube  # noqa: F401
from kubeapi.server import ResourceDef

pytestmark = pytest.mark.integration

WINDOW = ("--since", "2026-01-05", "--until", "2026-01-19")


def _application(shas: dict[str, str]) -> dict:
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {"name": "shop-prod", "namespace": "argocd"},
        "spec": {"destination": {"namespace": "shop"}},
        "status": {"history": [
            {"id": 0, "revision": shas["c0"], "deployedAt": "2025-12-22T10:00:00Z"},
            {"id": 1, "revision": shas["c2"], "deployedAt": "2026-01-06T12:00:00Z"},
            {"id": 2, "revision": shas["c5"], "deployedAt": "2026-01-13T15:00:00Z",
             "deployStartedAt": "2026-01-13T14:58:00Z"},
        ]},
    }


def _check(data: dict) -> None:
    (group,) = data["groups"]
    s = group["summary"]
    # sync 1 ships c1 (27 h) and c2 (4 h); sync 2 ships f1 (8 d 5 h = 197 h), M (merge), c3
    # (125 h), c4 (30 h), c5 (1 h): median of 1, 4, 27, 30, 125, 197 = 28.5 h
    assert s["deployments"] == 2
    assert s["changes"] == 6
    assert s["lead_time_median_seconds"] == 28.5 * 3600
    assert [d["id"] for d in group["deployments"] if d["counted"]] == [
        "shop-prod#1", "shop-prod#2"
    ]


def test_argocd_application_from_the_cluster(cli, dora_world, kube: Kube):  # noqa: F811
    kube.state.add_resource(
        ResourceDef("argoproj.io", "v1alpha1", "applications", "Application", True)
    )
    kube.state.put(_application(dora_world["shas"]))
    result = cli("metrics", "dora", "--repo", dora_world["repo"], "--argocd-app", "shop-prod",
                 "--kubeconfig", kube.kubeconfig, *WINDOW, "--format", "json", "--explain")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    _check(data)
    missing = cli("metrics", "dora", "--repo", dora_world["repo"], "--argocd-app", "nope",
                  "--kubeconfig", kube.kubeconfig, *WINDOW)
    assert missing.exit_code == 3
    assert "no Argo CD Application 'nope' in namespace 'argocd'" in missing.stderr


def test_argocd_application_from_a_saved_file(cli, dora_world, tmp_path):
    saved = tmp_path / "app.json"
    saved.write_text(json.dumps(_application(dora_world["shas"]), indent=2))
    result = cli("metrics", "dora", "--repo", dora_world["repo"], "--deployments", saved,
                 *WINDOW, "--format", "json", "--explain")
    assert result.exit_code == 0, result.output
    _check(json.loads(result.stdout))


def test_argocd_without_a_kubeconfig_is_exit_3(cli, dora_world, tmp_path, monkeypatch):
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "none"))
    result = cli("metrics", "dora", "--repo", dora_world["repo"], "--argocd-app", "shop-prod",
                 *WINDOW)
    assert result.exit_code == 3
    assert result.stderr.startswith("error: no kubeconfig found")
    assert "--deployments" in result.stderr.splitlines()[1]
