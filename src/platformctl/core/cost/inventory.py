"""Claims to price: from a GitOps folder (YAML files) or from the cluster (kube gateway)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from platformctl.core import yamlio
from platformctl.core.errors import InputFileError, UsageError


@dataclass
class ClaimRecord:
    claim_type: Any  # provision ClaimType
    obj: dict[str, Any]
    source: str  # file:line, or cluster/<context>

    @property
    def key(self) -> tuple[str, str | None, str]:
        meta = self.obj.get("metadata") or {}
        return (str(self.obj.get("kind")), meta.get("namespace"), str(meta.get("name")))


def _by_kind(registry: Any) -> dict[tuple[str, str], Any]:
    """(API group, claim kind) -> claim type."""
    return {(ct.xrd.group, ct.xrd.request_kind): ct for ct in registry.types.values()}


def claim_type_of(obj: Any, registry: Any) -> Any:
    if not isinstance(obj, dict):
        return None
    api_version, kind = obj.get("apiVersion"), obj.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return None
    group = api_version.rsplit("/", 1)[0] if "/" in api_version else ""
    return _by_kind(registry).get((group, kind))


def from_folder(folder: Path, registry: Any, *, base: Path | None = None) -> list[ClaimRecord]:
    """Every claim of a known claim type in the YAML files under ``folder`` (other documents are
    ignored; a malformed file is an InputFileError with file:line)."""
    if not folder.is_dir():
        raise UsageError(
            f"{folder} is not a folder", hint="pass the GitOps folder that holds the claim files"
        )
    files = sorted(
        p
        for pattern in ("*.yaml", "*.yml")
        for p in folder.rglob(pattern)
        if not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )
    kinds = _by_kind(registry)
    records: list[ClaimRecord] = []
    for path in files:
        try:
            shown = str(path.relative_to(base)) if base else str(path)
        except ValueError:
            shown = str(path)
        loaded = yamlio.load_file(path, display=shown)
        for problem in loaded.problems:
            if problem.severity == "error":
                raise InputFileError(
                    problem.message,
                    hint=problem.hint or "fix the YAML, or move the file out of the folder",
                    file=shown,
                    line=problem.line,
                    column=problem.column,
                )
        for doc in loaded.documents:
            data = doc.data
            if not isinstance(data, dict):
                continue
            api_version, kind = data.get("apiVersion"), data.get("kind")
            if not isinstance(api_version, str) or not isinstance(kind, str):
                continue
            group = api_version.rsplit("/", 1)[0] if "/" in api_version else ""
            claim_type = kinds.get((group, kind))
            if claim_type is not None:
                records.append(ClaimRecord(claim_type, data, f"{shown}:{doc.line}"))
    return records


@dataclass
class ClusterInventory:
    records: list[ClaimRecord]
    unserved: list[str]


def from_cluster(cluster: Any, registry: Any, *, namespace: str | None) -> ClusterInventory:
    """Every claim of every claim type the cluster serves (``namespace`` None: all)."""
    records: list[ClaimRecord] = []
    unserved: list[str] = []
    where = f"cluster/{cluster.context}" if getattr(cluster, "context", None) else "cluster"
    for claim_type in registry.types.values():
        xrd = claim_type.xrd
        served = cluster.resource_for(xrd.api_version_of_request, xrd.request_kind)
        if served is None:
            unserved.append(claim_type.name)
            continue
        plural, namespaced = served
        for obj in cluster.list_objects(
            xrd.api_version_of_request, plural, namespace if namespaced else None
        ):
            records.append(ClaimRecord(claim_type, obj, where))
    return ClusterInventory(records, unserved)


@dataclass
class ClusterClaims(ClusterInventory):
    """The claims of a kube context, and where they were read (for the report)."""

    source: str = ""


def read_cluster(
    registry: Any, *, kubeconfig: str | None, context: str | None, namespace: str | None
) -> ClusterClaims:
    """Connect to the kube context and read every claim (``namespace`` None: all)."""
    from platformctl.core.provision import kube

    connected = kube.connect(kubeconfig=kubeconfig, context=context, namespace=namespace)
    found = from_cluster(connected, registry, namespace=namespace)
    source = f"cluster {connected.context or connected.server}" + (
        f", namespace {namespace}" if namespace else ""
    )
    return ClusterClaims(found.records, found.unserved, source)
