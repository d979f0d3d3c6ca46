"""Building a validated claim (``build_claim``), its name and request id, and reading one back
(``requested_with_platformctl``, ``connection_secret_ref``)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from platformctl.core.errors import UsageError
from platformctl.core.provision import schema as schemas
from platformctl.core.provision.claim.model import (
    CLAIM_TYPE_LABEL,
    MANAGED_BY,
    NAME_RE,
    REQUEST_ID,
    ClaimType,
    Param,
)
from platformctl.core.provision.claim.values import _get_path, _set_path, coerce, parse_set
from platformctl.core.provision.xrd import XRD


@dataclass
class BuiltClaim:
    claim_type: ClaimType
    object: dict[str, Any]
    errors: list[schemas.FieldProblem] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.unknown

    @property
    def name(self) -> str:
        return str(self.object["metadata"]["name"])

    @property
    def namespace(self) -> str | None:
        return self.object["metadata"].get("namespace")

    @property
    def kind(self) -> str:
        return str(self.object["kind"])

    @property
    def request_id(self) -> str:
        return str(self.object["metadata"]["annotations"][REQUEST_ID])


def check_name(name: str) -> None:
    if not name or len(name) > 63 or not NAME_RE.match(name):
        raise UsageError(
            f"invalid name {name!r}",
            hint="use lower-case letters, digits and '-', starting and ending with a letter or "
            "digit, at most 63 characters (a Kubernetes DNS label)",
        )


def request_id(obj: dict[str, Any]) -> str:
    """Deterministic id of a request: the same input always gives the same id (idempotence)."""
    meta = obj.get("metadata") or {}
    basis = {
        "apiVersion": obj.get("apiVersion"),
        "kind": obj.get("kind"),
        "namespace": meta.get("namespace"),
        "name": meta.get("name"),
        "spec": obj.get("spec"),
    }
    digest = hashlib.sha256(json.dumps(basis, sort_keys=True, default=str).encode()).hexdigest()
    return f"req-{digest[:16]}"


def requested_with_platformctl(obj: Any) -> bool:
    """Whether a claim (a file's document or a cluster object) was built by ``platformctl
    provision``: every claim it builds carries ``app.kubernetes.io/managed-by: platformctl`` and
    the ``platformctl.io/request-id`` annotation (``build_claim``), whether it was then applied
    with field manager ``platformctl`` or committed in GitOps mode. A claim written by hand
    (a raw manifest) has neither."""
    meta = obj.get("metadata") if isinstance(obj, dict) else None
    if not isinstance(meta, dict):
        return False
    labels, annotations = meta.get("labels"), meta.get("annotations")
    return (isinstance(labels, dict) and labels.get(MANAGED_BY) == "platformctl") or (
        isinstance(annotations, dict) and REQUEST_ID in annotations
    )


def missing_required(
    claim_type: ClaimType, values: dict[str, Any], sets: dict[tuple[str, ...], Any]
) -> list[Param]:
    """Required parameters with no value from options, --set or a default."""
    out = []
    for p in claim_type.params:
        if not p.required:
            continue
        if values.get(p.option) is not None or ("spec", *p.path) in sets:
            continue
        out.append(p)
    return out


def build_claim(
    claim_type: ClaimType,
    name: str,
    *,
    namespace: str | None,
    values: dict[str, Any] | None = None,
    sets: list[str] | None = None,
    connection_secret: str | None = None,
) -> BuiltClaim:
    """Turn option values (by option name) and ``--set`` expressions into a validated claim.

    Defaults are applied as the API server would, so the printed claim is what gets stored.
    Unknown fields are errors here (the server would silently prune them).
    """
    check_name(name)
    xrd = claim_type.xrd
    object_schema = xrd.object_schema()
    by_option = {p.option: p for p in claim_type.params}
    spec: dict[str, Any] = {}
    for option, raw in (values or {}).items():
        if raw is None:
            continue
        param = by_option.get(option)
        if param is None:
            raise UsageError(
                f"unknown parameter --{option} for {claim_type.name}",
                hint=f"parameters: {', '.join(p.flag for p in claim_type.params)}",
            )
        sub = schemas.at(object_schema, ("spec", *param.path))
        _set_path(spec, param.path, coerce(raw, sub, param.flag))
    obj: dict[str, Any] = {
        "apiVersion": xrd.api_version_of_request,
        "kind": xrd.request_kind,
        "metadata": {"name": name},
        "spec": spec,
    }
    if xrd.request_namespaced:
        obj["metadata"]["namespace"] = namespace or "default"
    for expression in sets or []:
        path, value = parse_set(expression, object_schema)
        _set_path(obj, path, value)
    result = schemas.validate(obj, object_schema)
    built = dict(result.value)
    spec = built.setdefault("spec", {})
    # The Composition to use, from the selector labels of the claim type.
    if claim_type.composition_selector:
        labels = {}
        for label, field_path in claim_type.composition_selector.items():
            value = _get_path(spec, tuple(field_path.split(".")))
            if value is not None:
                labels[label] = str(value).lower() if isinstance(value, bool) else str(value)
        if labels:
            selector = {"matchLabels": labels}
            if xrd.legacy_fields:
                spec.setdefault("compositionSelector", selector)
            else:
                spec.setdefault("crossplane", {}).setdefault("compositionSelector", selector)
    if xrd.legacy_fields and xrd.request_is_claim:
        spec.setdefault(
            "writeConnectionSecretToRef", {"name": connection_secret or f"{name}-connection"}
        )
    elif xrd.legacy_fields:
        spec.setdefault(
            "writeConnectionSecretToRef",
            {
                "name": connection_secret or f"{name}-connection",
                "namespace": namespace or "crossplane-system",
            },
        )
    meta = built["metadata"]
    labels = meta.setdefault("labels", {})
    labels.setdefault(MANAGED_BY, "platformctl")
    labels.setdefault(CLAIM_TYPE_LABEL, claim_type.name)
    annotations = meta.setdefault("annotations", {})
    annotations.pop(REQUEST_ID, None)
    annotations[REQUEST_ID] = request_id(built)
    ordered = {
        "apiVersion": built["apiVersion"],
        "kind": built["kind"],
        "metadata": built["metadata"],
        "spec": built["spec"],
    }
    return BuiltClaim(claim_type, ordered, list(result.errors), list(result.pruned))


def connection_secret_ref(obj: dict[str, Any], xrd: XRD) -> tuple[str | None, str | None]:
    """(namespace, name) of the connection secret a claim/XR asks for."""
    spec = obj.get("spec") or {}
    meta = obj.get("metadata") or {}
    ref = spec.get("writeConnectionSecretToRef") or {}
    if ref.get("name"):
        return ref.get("namespace") or meta.get("namespace"), ref["name"]
    if not xrd.legacy_fields:  # v2: the composition writes <name>-connection by convention
        return meta.get("namespace"), f"{meta.get('name')}-connection"
    return None, None
