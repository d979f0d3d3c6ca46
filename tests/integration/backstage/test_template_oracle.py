"""Exported Backstage Templates pass Backstage's own validator (the vendored oracle, which runs
@backstage/catalog-model and the scaffolder's templateEntityV1beta3Validator).

Runs in `nox -s backstage` (its `npm ci` installs the oracle's packages from ../package.json) or
with BACKSTAGE_ORACLE_DEPS naming a folder prepared by the shared oracle's setup.sh.  Skipped only
when neither is there and PLATFORMCTL_BACKSTAGE_IT is unset; in CI a missing oracle fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from platformctl.core import config as config_mod
from platformctl.core.scaffold import export
from platformctl.core.scaffold.registry import load_registry

pytestmark = pytest.mark.backstage

HERE = Path(__file__).resolve().parent
ORACLE = HERE / "oracle" / "backstage-validate.mjs"
PLATFORM = HERE.parents[1] / "data" / "export-platform"
DEPS = Path(os.environ.get("BACKSTAGE_ORACLE_DEPS") or HERE)
REQUIRED = bool(os.environ.get("PLATFORMCTL_BACKSTAGE_IT"))


@pytest.fixture(scope="module")
def oracle() -> list[str]:
    missing = [
        p
        for p in ("@backstage/catalog-model", "@backstage/plugin-scaffolder-common", "yaml")
        if not (DEPS / "node_modules" / p).is_dir()
    ]
    if shutil.which("node") is None or missing:
        why = "node is not on PATH" if shutil.which("node") is None else f"{DEPS} lacks {missing}"
        if REQUIRED:
            pytest.fail(f"the Backstage oracle cannot run: {why}")
        pytest.skip(f"Backstage oracle not installed ({why}); run nox -s backstage")
    return ["node", str(ORACLE), "--deps", str(DEPS)]


def _verdicts(oracle: list[str], folder: Path) -> list[dict]:
    proc = subprocess.run(
        [*oracle, "--relative-to", str(folder), str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode in (0, 1), proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


def test_every_exported_template_is_valid_for_backstage(
    oracle: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exported = []
    registry = load_registry()
    for name in registry.names():
        export.write_export(export.export_backstage(registry, name), tmp_path / name)
        exported.append(name)
    monkeypatch.setenv("PLATFORMCTL_PLATFORM", str(PLATFORM))
    demo = load_registry(config_mod.load())
    export.write_export(export.export_backstage(demo, "demo-worker"), tmp_path / "demo-worker")
    exported.append("demo-worker")

    verdicts = _verdicts(oracle, tmp_path)
    assert sorted(v["name"] for v in verdicts) == sorted(exported)
    for verdict in verdicts:
        assert verdict["kind"] == "Template"
        assert verdict["valid"], verdict["errors"]


def test_the_oracle_rejects_a_broken_template(oracle: list[str], tmp_path: Path) -> None:
    """The check above can fail: a Template whose steps lack `action` is refused."""
    result = export.export_backstage(load_registry(), "python-service")
    del result.template["spec"]["steps"][0]["action"]
    export.write_export(result, tmp_path)
    (verdict,) = _verdicts(oracle, tmp_path)
    assert not verdict["valid"]
    assert "action" in verdict["errors"][0]


class _FakeCluster:
    """Just what catalog discovery reads: discovery of kinds and lists of objects."""

    def __init__(self, objects: list[dict]) -> None:
        self.objects = objects

    def resource_for(self, api_version: str, kind: str) -> tuple[str, bool] | None:
        return (kind.lower() + "s", True)

    def list_objects(self, api_version, plural, namespace, *, label_selector=None):  # noqa: ANN001
        return [
            o
            for o in self.objects
            if o["apiVersion"] == api_version and o["kind"].lower() + "s" == plural
        ]


def test_discovered_entities_are_valid_for_backstage(oracle: list[str], tmp_path: Path) -> None:
    from platformctl.core.catalog import discover
    from platformctl.core.provision import claim

    pod = {
        "metadata": {"labels": {"app": "orders"}},
        "spec": {
            "containers": [
                {"name": "app", "image": "x", "envFrom": [{"secretRef": {"name": "db-conn"}}]}
            ]
        },
    }
    objects = [
        {"apiVersion": "apps/v1", "kind": "Deployment",
         "metadata": {"name": "orders", "namespace": "shop-prod",
                      "labels": {"team": "payments", "app.kubernetes.io/part-of": "shop"},
                      "annotations": {"github.com/project-slug": "acme/orders"}},
         "spec": {"selector": {"matchLabels": {"app": "orders"}}, "template": pod}},
        {"apiVersion": "v1", "kind": "Service",
         "metadata": {"name": "orders", "namespace": "shop-prod"},
         "spec": {"selector": {"app": "orders"}}},
        {"apiVersion": "batch/v1", "kind": "CronJob",
         "metadata": {"name": "report", "namespace": "batch"},
         "spec": {"jobTemplate": {"spec": {"template": pod}}}},
        {"apiVersion": "platform.example.com/v1alpha1", "kind": "DatabaseClaim",
         "metadata": {"name": "orders-db", "namespace": "shop-prod"},
         "spec": {"parameters": {"size": "small"},
                  "writeConnectionSecretToRef": {"name": "db-conn"}}},
    ]  # fmt: skip
    found = discover.discover(_FakeCluster(objects), claim.registry_from_config(), namespace=None)
    assert discover.validate(found) == []
    for name, text in discover.files_by_namespace(found.entities).items():
        (tmp_path / name).write_text(text)
    verdicts = _verdicts(oracle, tmp_path)
    assert sorted(v["name"] for v in verdicts) == ["orders", "orders-db", "report"]
    assert all(v["valid"] for v in verdicts), verdicts
    orders = next(d for d in found.entities if d.entity["metadata"]["name"] == "orders")
    assert orders.entity["spec"]["dependsOn"] == ["resource:orders-db"]


def test_discovered_entities_are_accepted_by_the_real_backend(cli, backend, tmp_path: Path) -> None:
    """The files `catalog discover` writes, registered in a real Backstage catalog backend."""
    import uuid

    from platformctl.core import backstage as backstage_mod
    from platformctl.core.catalog import discover
    from platformctl.core.provision import claim

    app = f"orders-{uuid.uuid4().hex[:8]}"
    pod = {
        "metadata": {"labels": {"app": app}},
        "spec": {
            "containers": [
                {
                    "name": "app",
                    "image": "x",
                    "envFrom": [{"secretRef": {"name": f"{app}-db-conn"}}],
                }
            ]
        },
    }
    objects = [
        {"apiVersion": "apps/v1", "kind": "Deployment",
         "metadata": {"name": app, "namespace": "shop-prod", "labels": {"team": "payments"}},
         "spec": {"selector": {"matchLabels": {"app": app}}, "template": pod}},
        {"apiVersion": "platform.example.com/v1alpha1", "kind": "DatabaseClaim",
         "metadata": {"name": f"{app}-db", "namespace": "shop-prod"},
         "spec": {"parameters": {"size": "small"},
                  "writeConnectionSecretToRef": {"name": f"{app}-db-conn"}}},
    ]  # fmt: skip
    found = discover.discover(_FakeCluster(objects), claim.registry_from_config(), namespace=None)
    ((name, text),) = discover.files_by_namespace(found.entities).items()
    path = tmp_path / name
    path.write_text(text)
    result = cli("catalog", "register", str(path), "--timeout", "60")
    assert result.exit_code == 0, result.output
    with backstage_mod.BackstageClient(backend.url, backend.token) as client:
        component, resource = client.entities_by_refs(
            [f"component:default/{app}", f"resource:default/{app}-db"], fields=None
        )
    assert component is not None and resource is not None
    assert component["spec"]["dependsOn"] == [f"resource:{app}-db"]
