"""Kubernetes manifests: workloads, pod templates and their containers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from platformctl.core.compliance.facts import Facts

K8S_GLOBS = (
    "k8s/**/*.yaml",
    "k8s/**/*.yml",
    "kubernetes/**/*.yaml",
    "kubernetes/**/*.yml",
    "deploy/**/*.yaml",
    "deploy/**/*.yml",
    "manifests/**/*.yaml",
    "manifests/**/*.yml",
    ".k8s/**/*.yaml",
    ".k8s/**/*.yml",
    "kustomize/**/*.yaml",
    "kustomize/**/*.yml",
)
WORKLOAD_KINDS = frozenset(
    {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"}
)


@dataclass
class Manifest:
    file: str
    document: Any  # yamlio.Document
    kind: str
    name: str

    @property
    def data(self) -> dict[str, Any]:
        return self.document.data

    def line(self, path: tuple[Any, ...]) -> int:
        return self.document.position(path)[0]


@dataclass
class Container:
    manifest: Manifest
    path: tuple[Any, ...]  # path of the container mapping in the document
    data: dict[str, Any]
    pod_spec: dict[str, Any]
    init: bool = False

    @property
    def name(self) -> str:
        return str(self.data.get("name") or "?")

    @property
    def where(self) -> str:
        return f"{self.manifest.kind}/{self.manifest.name} container {self.name}"

    def line(self, *sub: Any) -> int:
        return self.manifest.line((*self.path, *sub))


def manifests(facts: Facts, globs: tuple[str, ...] | list[str] = K8S_GLOBS) -> list[Manifest]:
    def build() -> list[Manifest]:
        out: list[Manifest] = []
        for file in facts.glob(list(globs)):
            if file.rsplit("/", 1)[-1].startswith(("kustomization.", "Chart.", "values")):
                continue
            loaded = facts.yaml(file)
            if loaded is None:
                continue
            for doc in loaded.documents:
                data = doc.data
                if isinstance(data, dict) and isinstance(data.get("kind"), str):
                    meta: dict[str, Any] = (
                        data["metadata"] if isinstance(data.get("metadata"), dict) else {}
                    )
                    out.append(Manifest(file, doc, data["kind"], str(meta.get("name") or "?")))
        return out

    return facts.cached(("<k8s>", "|".join(globs)), build)


def pod_template_path(manifest: Manifest) -> tuple[Any, ...] | None:
    kind = manifest.kind
    if kind == "Pod":
        return ()
    if kind == "CronJob":
        return ("spec", "jobTemplate", "spec", "template")
    if kind == "PodTemplate":  # e.g. Airflow's KubernetesExecutor task pod (data-pipeline)
        return ("template",)
    if kind in WORKLOAD_KINDS:
        return ("spec", "template")
    return None


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


def containers(
    facts: Facts, globs: tuple[str, ...] | list[str] = K8S_GLOBS, *, include_init: bool = False
) -> list[Container]:
    out: list[Container] = []
    for manifest in manifests(facts, globs):
        base = pod_template_path(manifest)
        if base is None:
            continue
        pod_spec = _get(manifest.data, (*base, "spec"))
        if not isinstance(pod_spec, dict):
            continue
        keys = ["containers"] + (["initContainers"] if include_init else [])
        for key in keys:
            items = pod_spec.get(key)
            if not isinstance(items, list):
                continue
            for index, item in enumerate(items):
                if isinstance(item, dict):
                    out.append(
                        Container(
                            manifest,
                            (*base, "spec", key, index),
                            item,
                            pod_spec,
                            key == "initContainers",
                        )
                    )
    return out
