"""Crossplane CompositeResourceDefinitions: load, check the shape, and describe what a user
submits for them.

* ``apiextensions.crossplane.io/v1``: a composite resource (XR, cluster scoped) and, when
  ``spec.claimNames`` is set, a namespaced claim.  Users submit the claim.  Crossplane adds
  ``compositionSelector``, ``compositionRef``, ``writeConnectionSecretToRef``, ... to the
  claim's schema; ``connectionSecretKeys`` lists the keys of the connection secret.
* ``apiextensions.crossplane.io/v2``: no claims; the XR itself is namespaced
  (``scope: Namespaced``, the default) or cluster scoped.  Crossplane's own fields live under
  ``spec.crossplane`` (``compositionSelector`` ...); a composition writes its own Secret.
  ``scope: LegacyCluster`` keeps v1 semantics, claims included.
* ``v1beta1`` was removed from Crossplane (deprecated in 1.3, no longer served): refused.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformctl.core import yamlio
from platformctl.core.errors import InputFileError, UsageError

GROUP = "apiextensions.crossplane.io"
SUPPORTED = (f"{GROUP}/v1", f"{GROUP}/v2")
REMOVED = (f"{GROUP}/v1alpha1", f"{GROUP}/v1beta1")


class RemovedXRDVersion(UsageError):
    """An XRD of an API version Crossplane no longer serves (exit 2)."""


@dataclass(frozen=True)
class XRDVersion:
    name: str
    served: bool
    referenceable: bool
    schema: dict[str, Any]


@dataclass
class XRD:
    name: str
    api_version: str
    group: str
    kind: str  # the composite resource's kind
    plural: str
    scope: str  # Namespaced, Cluster or LegacyCluster (v1: always Cluster)
    versions: list[XRDVersion]
    claim_kind: str | None = None
    claim_plural: str | None = None
    connection_secret_keys: list[str] = field(default_factory=list)
    default_composition: str | None = None
    description: str = ""
    file: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def major(self) -> int:
        return 2 if self.api_version.endswith("/v2") else 1

    @property
    def has_claims(self) -> bool:
        return self.claim_kind is not None

    @property
    def request_kind(self) -> str:
        """What a user submits: the claim when there is one, otherwise the XR."""
        return self.claim_kind or self.kind

    @property
    def request_plural(self) -> str:
        return self.claim_plural or self.plural

    @property
    def request_namespaced(self) -> bool:
        return self.has_claims or self.scope == "Namespaced"

    @property
    def request_is_claim(self) -> bool:
        return self.has_claims

    @property
    def legacy_fields(self) -> bool:
        """v1-style Crossplane fields at spec level (v1 XRDs and v2 LegacyCluster)."""
        return self.major == 1 or self.scope == "LegacyCluster"

    @property
    def version(self) -> XRDVersion:
        """The version we write: the referenceable one, else the first served one."""
        for v in self.versions:
            if v.referenceable and v.served:
                return v
        for v in self.versions:
            if v.served:
                return v
        return self.versions[0]

    @property
    def api_version_of_request(self) -> str:
        return f"{self.group}/{self.version.name}"

    def served_version(self, name: str) -> XRDVersion | None:
        for v in self.versions:
            if v.name == name and v.served:
                return v
        return None

    def object_schema(
        self, version: str | None = None, *, claim: bool | None = None
    ) -> dict[str, Any]:
        """The full schema of a claim or XR of ``version``, with the fields Crossplane adds."""
        v = self.served_version(version) if version else self.version
        if v is None:
            raise UsageError(f"{self.name} does not serve version {version!r}")
        claim = self.request_is_claim if claim is None else claim
        schema = copy.deepcopy(v.schema) or {"type": "object"}
        schema.setdefault("type", "object")
        props = schema.setdefault("properties", {})
        props.setdefault("apiVersion", {"type": "string"})
        props.setdefault("kind", {"type": "string"})
        props.setdefault(
            "metadata", {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
        )
        spec = props.setdefault("spec", {"type": "object"})
        spec.setdefault("type", "object")
        spec_props = spec.setdefault("properties", {})
        for key, sub in injected_spec_fields(self, claim=claim).items():
            spec_props.setdefault(key, sub)
        status = props.setdefault("status", {"type": "object"})
        status.setdefault("x-kubernetes-preserve-unknown-fields", True)
        return schema

    def parameters_schema(self) -> dict[str, Any]:
        """The schema of ``spec`` as the XRD author wrote it (no Crossplane fields)."""
        spec = (self.version.schema.get("properties") or {}).get("spec") or {}
        return spec


_SELECTOR = {
    "type": "object",
    "properties": {
        "matchLabels": {"type": "object", "additionalProperties": {"type": "string"}},
    },
    "required": ["matchLabels"],
}
_REF = {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}
_ANY = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
_UPDATE_POLICY = {"type": "string", "enum": ["Automatic", "Manual"]}


def injected_spec_fields(xrd: XRD, *, claim: bool) -> dict[str, Any]:
    """Fields Crossplane adds to the spec of claims and XRs (so validation knows them)."""
    if not xrd.legacy_fields:
        crossplane = {
            "type": "object",
            "properties": {
                "compositionRef": _REF,
                "compositionSelector": _SELECTOR,
                "compositionRevisionRef": _REF,
                "compositionRevisionSelector": _SELECTOR,
                "compositionUpdatePolicy": _UPDATE_POLICY,
                "resourceRefs": {"type": "array", "items": _ANY},
            },
        }
        return {"crossplane": crossplane}
    fields: dict[str, Any] = {
        "compositionRef": _REF,
        "compositionSelector": _SELECTOR,
        "compositionRevisionRef": _REF,
        "compositionRevisionSelector": _SELECTOR,
        "compositionUpdatePolicy": _UPDATE_POLICY,
        "publishConnectionDetailsTo": _ANY,
    }
    if claim:
        fields["compositeDeletePolicy"] = {"type": "string", "enum": ["Background", "Foreground"]}
        fields["resourceRef"] = _ANY
        fields["writeConnectionSecretToRef"] = _REF
    else:
        fields["claimRef"] = _ANY
        fields["environmentConfigRefs"] = {"type": "array", "items": _ANY}
        fields["resourceRefs"] = {"type": "array", "items": _ANY}
        fields["writeConnectionSecretToRef"] = {
            "type": "object",
            "properties": {"name": {"type": "string"}, "namespace": {"type": "string"}},
            "required": ["name", "namespace"],
        }
    return fields


def _need(data: dict[str, Any], path: tuple[str, ...], where: str) -> Any:
    value: Any = data
    for key in path:
        if not isinstance(value, dict) or key not in value:
            raise InputFileError(
                f"XRD has no {'.'.join(path)}",
                file=where,
                hint="a CompositeResourceDefinition needs spec.group, spec.names and spec.versions",
            )
        value = value[key]
    return value


def parse_xrd(data: Any, *, file: str | None = None, allow_removed: bool = False) -> XRD:
    """Turn a parsed XRD into an XRD. ``allow_removed`` reads v1beta1 for inspection only."""
    where = file or "<xrd>"
    if not isinstance(data, dict) or data.get("kind") != "CompositeResourceDefinition":
        raise InputFileError(
            "not a Crossplane CompositeResourceDefinition",
            file=where,
            hint="a claim type must point to a file with kind: CompositeResourceDefinition",
        )
    api_version = str(data.get("apiVersion") or "")
    if api_version in REMOVED and not allow_removed:
        raise RemovedXRDVersion(
            f"XRD {((data.get('metadata') or {}).get('name')) or ''} uses {api_version}, "
            "which Crossplane removed (deprecated in v1.3, no longer served)",
            file=where,
            hint="convert it to apiextensions.crossplane.io/v1 (same fields) or v2",
        )
    if api_version not in SUPPORTED and api_version not in REMOVED:
        raise InputFileError(
            f"unsupported XRD apiVersion {api_version!r}",
            file=where,
            hint=f"use one of {', '.join(SUPPORTED)}",
        )
    spec = _need(data, ("spec",), where)
    group = str(_need(data, ("spec", "group"), where))
    names = _need(data, ("spec", "names"), where)
    versions_raw = _need(data, ("spec", "versions"), where)
    if not isinstance(versions_raw, list) or not versions_raw:
        raise InputFileError("XRD spec.versions is empty", file=where)
    versions = []
    for entry in versions_raw:
        schema = ((entry.get("schema") or {}).get("openAPIV3Schema")) or {"type": "object"}
        versions.append(
            XRDVersion(
                name=str(entry.get("name")),
                served=bool(entry.get("served", True)),
                referenceable=bool(entry.get("referenceable", False)),
                schema=schema,
            )
        )
    major2 = api_version.endswith("/v2")
    scope = str(spec.get("scope") or ("Namespaced" if major2 else "Cluster"))
    if scope not in ("Namespaced", "Cluster", "LegacyCluster"):
        raise InputFileError(
            f"XRD spec.scope {scope!r} is not Namespaced, Cluster or LegacyCluster", file=where
        )
    claim_names = spec.get("claimNames") or {}
    if major2 and claim_names and scope != "LegacyCluster":
        raise InputFileError(
            "a v2 XRD has claimNames but scope is not LegacyCluster",
            file=where,
            hint="v2 composite resources are requested directly; "
            "drop claimNames or use scope: LegacyCluster",
        )
    meta = data.get("metadata") or {}
    annotations = meta.get("annotations") or {}
    top_schema = versions[0].schema if versions else {}
    description = str(
        annotations.get("crossplane.io/description")
        or annotations.get("description")
        or top_schema.get("description")
        or ""
    )
    default_ref = (spec.get("defaultCompositionRef") or {}).get("name")
    return XRD(
        name=str(meta.get("name") or f"{names.get('plural')}.{group}"),
        api_version=api_version,
        group=group,
        kind=str(names.get("kind")),
        plural=str(names.get("plural") or str(names.get("kind")).lower() + "s"),
        scope=scope,
        versions=versions,
        claim_kind=claim_names.get("kind"),
        claim_plural=claim_names.get("plural")
        or (claim_names["kind"].lower() + "s" if claim_names.get("kind") else None),
        connection_secret_keys=[str(k) for k in spec.get("connectionSecretKeys") or []],
        default_composition=default_ref,
        description=description,
        file=file,
        raw=data,
    )


def load_xrd(path: Path, *, allow_removed: bool = False) -> XRD:
    """Load the (first) XRD in a YAML file."""
    loaded = yamlio.load_file(path)
    for problem in loaded.problems:
        if problem.severity == "error":
            raise InputFileError(
                problem.message, file=str(path), line=problem.line, column=problem.column
            )
    for doc in loaded.documents:
        if isinstance(doc.data, dict) and doc.data.get("kind") == "CompositeResourceDefinition":
            return parse_xrd(doc.data, file=str(path), allow_removed=allow_removed)
    raise InputFileError(
        "no CompositeResourceDefinition in file",
        file=str(path),
        hint="a claim type must point to a file with kind: CompositeResourceDefinition",
    )
