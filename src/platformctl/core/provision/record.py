"""Record a provisioned dependency in ``catalog-info.yaml``, keeping comments and order.

Adds a Backstage ``Resource`` entity (``spec.type`` from the claim type, owner and system from
the Component) and ``dependsOn: resource:<namespace>/<name>`` on the Component.  Idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from platformctl.core import yamledit
from platformctl.core.errors import UsageError


@dataclass
class RecordResult:
    file: Path
    changed: bool
    ref: str
    component: str | None


def record_dependency(
    catalog_file: Path,
    *,
    name: str,
    resource_type: str,
    description: str | None = None,
    claim_kind: str | None = None,
    claim_namespace: str | None = None,
    write: bool = True,
) -> RecordResult:
    if not catalog_file.is_file():
        raise UsageError(
            f"{catalog_file} does not exist",
            hint="run it in the service's repository or pass --catalog-file",
        )
    found: dict[str, Any] = {}

    def mutate(docs: list[Any]) -> None:
        from ruamel.yaml.comments import CommentedMap, CommentedSeq

        component = next(
            (d for d in docs if isinstance(d, dict) and d.get("kind") == "Component"), None
        )
        if component is None:
            raise UsageError(
                f"{catalog_file} has no Component entity to attach the dependency to",
                hint="add the service's Component first (platformctl catalog ...)",
            )
        meta = component.get("metadata") or {}
        spec = component.get("spec")
        if spec is None:
            spec = CommentedMap()
            component["spec"] = spec
        namespace = str(meta.get("namespace") or "default")
        ref = f"resource:{namespace}/{name}"
        found["ref"] = ref
        found["component"] = meta.get("name")
        depends = spec.get("dependsOn")
        if depends is None:
            depends = CommentedSeq()
            spec["dependsOn"] = depends
        existing = {str(x).lower() for x in depends}
        if ref.lower() not in existing and f"resource:{name}".lower() not in existing:
            depends.append(ref)
        have_resource = any(
            isinstance(d, dict)
            and d.get("kind") == "Resource"
            and (d.get("metadata") or {}).get("name") == name
            and str((d.get("metadata") or {}).get("namespace") or "default") == namespace
            for d in docs
        )
        if have_resource:
            return
        res_meta = CommentedMap()
        res_meta["name"] = name
        if namespace != "default":
            res_meta["namespace"] = namespace
        res_meta["description"] = description or f"{resource_type} provisioned with platformctl"
        if claim_kind:
            annotations = CommentedMap()
            annotations["platformctl.io/claim"] = (
                f"{claim_kind}/{claim_namespace + '/' if claim_namespace else ''}{name}"
            )
            res_meta["annotations"] = annotations
        res_spec = CommentedMap()
        res_spec["type"] = resource_type
        res_spec["owner"] = spec.get("owner") or "unknown"
        if spec.get("system"):
            res_spec["system"] = spec["system"]
        resource = CommentedMap()
        resource["apiVersion"] = "backstage.io/v1alpha1"
        resource["kind"] = "Resource"
        resource["metadata"] = res_meta
        resource["spec"] = res_spec
        docs.append(resource)

    changed, _ = yamledit.edit_file(catalog_file, mutate, write=write)
    return RecordResult(catalog_file, changed, str(found.get("ref")), found.get("component"))
