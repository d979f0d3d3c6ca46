"""`platformctl catalog discover` against the local Kubernetes API test server: workloads,
Services and claims in several namespaces become valid Component and Resource entities."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import yaml
from kubeapi.fixture import SRC, Kube, kube  # noqa: F401
from kubeapi.server import ResourceDef

from platformctl.core import backstage

pytestmark = pytest.mark.integration


def _workload(kind: str, ns: str, name: str, labels: dict, secret: str | None = None) -> dict:
    container: dict = {"name": "app", "image": "x"}
    if secret:
        container["envFrom"] = [{"secretRef": {"name": secret}}]
    template = {"metadata": {"labels": {"app": name}}, "spec": {"containers": [container]}}
    spec: dict = {"selector": {"matchLabels": {"app": name}}, "template": template}
    if kind == "CronJob":
        spec = {"schedule": "0 * * * *", "jobTemplate": {"spec": {"template": template}}}
    api = "batch/v1" if kind == "CronJob" else "apps/v1"
    return {
        "apiVersion": api,
        "kind": kind,
        "metadata": {"name": name, "namespace": ns, "labels": labels},
        "spec": spec,
    }


@pytest.fixture
def cluster(kube: Kube) -> Kube:  # noqa: F811
    for d in (
        ResourceDef("apps", "v1", "deployments", "Deployment", True),
        ResourceDef("apps", "v1", "statefulsets", "StatefulSet", True),
        ResourceDef("batch", "v1", "cronjobs", "CronJob", True),
        ResourceDef("", "v1", "services", "Service", True, status=False),
    ):
        kube.state.add_resource(d)
    kube.install_xrd(SRC / "database" / "definition.yaml")
    put = kube.state.put
    put(
        _workload(
            "Deployment", "shop-prod", "orders", {"team": "payments", "system": "shop"},
            secret="orders-db-connection",
        )
    )  # fmt: skip
    put({"apiVersion": "v1", "kind": "Service",
         "metadata": {"name": "orders", "namespace": "shop-prod"},
         "spec": {"selector": {"app": "orders"}}})  # fmt: skip
    put(
        {
            "apiVersion": "platform.example.com/v1alpha1",
            "kind": "DatabaseClaim",
            "metadata": {"name": "orders-db", "namespace": "shop-prod",
                         "labels": {"team": "payments"}},
            "spec": {"parameters": {"size": "small"},
                     "writeConnectionSecretToRef": {"name": "orders-db-connection"}},
        }
    )  # fmt: skip
    put(_workload("StatefulSet", "shop-staging", "search", {"owner": "group:default/search"}))
    put(_workload("CronJob", "batch", "nightly", {"tier": "batch"}))
    # the same app in two namespaces: each gets its namespace in the entity name
    put(_workload("Deployment", "dev", "orders", {"team": "payments"}))
    # a name Backstage refuses (over 63 characters): reported, never written
    put(_workload("Deployment", "batch", "x" * 70, {}))
    return kube


def _entities(path: Path) -> dict[str, dict]:
    docs = [d for d in yaml.safe_load_all(path.read_text()) if d]
    return {f"{d['kind']}:{d['metadata']['name']}": d for d in docs}


def test_discover_writes_valid_files_per_namespace(cli, cluster: Kube, tmp_path: Path) -> None:
    out = tmp_path / "catalog"
    r = cli("catalog", "discover", "-A", "--output-dir", out)
    assert r.exit_code == 1, r.output  # the over-long name is invalid
    assert sorted(p.name for p in out.iterdir()) == [
        "batch.catalog.yaml", "dev.catalog.yaml", "shop-prod.catalog.yaml",
        "shop-staging.catalog.yaml",
    ]  # fmt: skip
    prod = _entities(out / "shop-prod.catalog.yaml")
    orders = prod["Component:orders-shop-prod"]
    assert orders["spec"] == {
        "type": "service",
        "lifecycle": "production",
        "owner": "payments",
        "system": "shop",
        "dependsOn": ["resource:orders-db"],
    }
    annotations = orders["metadata"]["annotations"]
    assert annotations["backstage.io/kubernetes-id"] == "orders"
    assert annotations["backstage.io/kubernetes-namespace"] == "shop-prod"
    assert annotations["backstage.io/kubernetes-label-selector"] == "app=orders"
    assert prod["Resource:orders-db"]["spec"] == {"type": "database", "owner": "payments"}
    staging = _entities(out / "shop-staging.catalog.yaml")["Component:search"]["spec"]
    assert (staging["type"], staging["lifecycle"], staging["owner"]) == (
        "worker", "experimental", "group:default/search",
    )  # fmt: skip
    nightly = _entities(out / "batch.catalog.yaml")["Component:nightly"]["spec"]
    assert (nightly["type"], nightly["lifecycle"], nightly["owner"]) == (
        "job", "development", "group:default/unowned",
    )  # fmt: skip
    assert "Component:orders-dev" in _entities(out / "dev.catalog.yaml")
    assert "invalid component:default/" + "x" * 70 in r.stderr
    assert "x" * 70 not in (out / "batch.catalog.yaml").read_text()
    validated = cli("catalog", "validate", out)
    assert validated.exit_code == 0, validated.output
    again = cli("catalog", "discover", "-A", "--output-dir", out)
    assert again.exit_code == 2 and "--force" in again.stderr


def test_discover_one_namespace_to_stdout_and_json(
    cli, cluster: Kube, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = cli("catalog", "discover", "-n", "shop-prod")
    assert r.exit_code == 0, r.output
    docs = [d for d in yaml.safe_load_all(r.stdout) if d]
    # one namespace, no name clash: the plain name (names are made unique within one run)
    assert {d["metadata"]["name"] for d in docs} == {"orders", "orders-db"}
    platform = tmp_path / "platform"
    platform.mkdir()
    (platform / "platform.yaml").write_text(
        "apiVersion: platformctl.io/v1\nkind: Platform\nmetadata: {name: t}\n"
        "discover:\n  default_owner: group:default/platform-team\n"
        "  lifecycles:\n    - {namespace: 'batch', lifecycle: production}\n"
    )
    monkeypatch.setenv("PLATFORMCTL_PLATFORM", str(platform))
    j = cli("catalog", "discover", "-n", "batch", "-l", "tier=batch", "--format", "json")
    assert j.exit_code == 0, j.output
    payload = json.loads(j.stdout)
    assert [e["ref"] for e in payload["entities"]] == ["component:default/nightly"]
    spec = payload["entities"][0]["entity"]["spec"]
    assert (spec["lifecycle"], spec["owner"]) == ("production", "group:default/platform-team")


def test_diff_lists_orphans_both_ways_and_unknown_owners(
    cli, cluster: Kube, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = [
        {"kind": "Group", "metadata": {"namespace": "default", "name": "payments"}},
        {"kind": "Component", "metadata": {"namespace": "default", "name": "orders"}},
        {"kind": "Component", "metadata": {
            "namespace": "default", "name": "legacy-billing",
            "annotations": {"backstage.io/kubernetes-id": "billing",
                            "backstage.io/kubernetes-namespace": "shop-prod"}}},
        {"kind": "Component", "metadata": {
            "namespace": "default", "name": "elsewhere",
            "annotations": {"backstage.io/kubernetes-id": "x",
                            "backstage.io/kubernetes-namespace": "not-scanned"}}},
    ]  # fmt: skip

    def server(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/api/catalog/entities/by-query"
        return httpx.Response(200, json={"items": catalog, "pageInfo": {}})

    original = backstage.client_from_config
    monkeypatch.setattr(
        backstage,
        "client_from_config",
        lambda *a, **k: original(*a, transport=httpx.MockTransport(server), **k),
    )
    monkeypatch.setenv("PLATFORMCTL_BACKSTAGE_URL", "http://backstage.test")
    r = cli("catalog", "discover", "-n", "shop-prod", "--diff", "--format", "json")
    assert r.exit_code == 1, r.output
    drift = json.loads(r.stdout)["drift"]
    assert drift["not_in_catalog"] == [
        "resource:default/orders-db (DatabaseClaim/shop-prod/orders-db)"
    ]
    assert drift["not_running"] == ["component:default/legacy-billing"]
    assert drift["unresolved_owners"] == []
    text = cli("catalog", "discover", "-n", "shop-staging", "--diff")
    assert "Owner not in the catalog: 1" in text.stderr
    assert "component:default/search (owner group:default/search)" in text.stderr
