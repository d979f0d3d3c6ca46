"""pytest fixture ``kube``: a running test API server and a kubeconfig pointing at it.

Import it into a test module: ``from kubeapi.fixture import kube  # noqa: F401``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .crossplane import FakeCrossplane
from .server import KubeServer, ResourceDef, State, start, write_kubeconfig

SRC = Path(__file__).resolve().parents[3] / "src" / "platformctl" / "defaults" / "claim-types"


def load_yaml(path: Path) -> Any:
    import yaml

    return yaml.safe_load(path.read_text())


@dataclass
class Kube:
    state: State
    server: KubeServer
    kubeconfig: Path

    @property
    def url(self) -> str:
        return self.server.url

    def install_xrd(self, path: Path, *, schema: bool = True) -> list[ResourceDef]:
        return self.state.add_crd_from_xrd(load_yaml(path), schema=schema)

    def add_composition(self, kind: str, labels: dict[str, str], name: str | None = None) -> None:
        self.state.put(
            {
                "apiVersion": "apiextensions.crossplane.io/v1",
                "kind": "Composition",
                "metadata": {
                    "name": name or f"{kind.lower()}-{'-'.join(labels.values())}",
                    "labels": labels,
                },
                "spec": {
                    "compositeTypeRef": {
                        "apiVersion": "platform.example.com/v1alpha1",
                        "kind": kind,
                    }
                },
            }
        )

    def install_database(
        self,
        behaviour: str = "ready",
        *,
        compositions: bool = True,
        schema: dict[str, Any] | None = None,
    ) -> FakeCrossplane:
        defs = self.install_xrd(SRC / "database" / "definition.yaml")
        xr = next(d for d in defs if d.kind == "XDatabase")
        claim = next(d for d in defs if d.kind == "DatabaseClaim")
        if schema is not None:
            claim.schema = schema
        if compositions:
            for provider in ("aws", "gcp", "azure"):
                for engine in ("postgresql", "mysql"):
                    self.add_composition("XDatabase", {"provider": provider, "engine": engine})
        return FakeCrossplane(self.state, claim, xr, behaviour=behaviour)

    def install_service_infra(
        self, behaviour: str = "ready", *, compositions: bool = True
    ) -> FakeCrossplane:
        defs = self.install_xrd(SRC / "service-infra" / "definition.yaml")
        if compositions:  # the XRD's defaultCompositionRef
            self.add_composition("ServiceInfra", {}, name="serviceinfras-default")
        return FakeCrossplane(
            self.state, defs[0], None, secret_keys=["endpoint"], behaviour=behaviour
        )


@pytest.fixture
def kube(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Kube]:
    state = State()
    server, thread = start(state)
    kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", server.url)
    monkeypatch.setenv("KUBECONFIG", str(kubeconfig))
    try:
        yield Kube(state, server, kubeconfig)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
