"""Validating existing claim documents (corpus, GitOps files) against their XRD."""

from __future__ import annotations

from typing import Any

from platformctl.core.provision import schema as schemas
from platformctl.core.provision.xrd import XRD


def validate_object(xrd: XRD, obj: dict[str, Any]) -> schemas.Validation:
    """Validate a claim or XR document against an XRD; a kind/group mismatch is an error."""
    api_version = str(obj.get("apiVersion") or "")
    group, _, version = api_version.rpartition("/")
    kind = obj.get("kind")
    names = f"{xrd.kind}" + (f"/{xrd.claim_kind}" if xrd.claim_kind else "")
    if group != xrd.group or kind not in (xrd.kind, xrd.claim_kind):
        return schemas.Validation(
            obj,
            [
                schemas.FieldProblem(
                    "apiVersion",
                    f"{api_version} {kind} does not match XRD {xrd.name} "
                    f"(group {xrd.group}, kinds {names})",
                )
            ],
        )
    if xrd.served_version(version) is None:
        served = ", ".join(v.name for v in xrd.versions if v.served)
        return schemas.Validation(
            obj,
            [
                schemas.FieldProblem(
                    "apiVersion", f"version {version} is not served; served: {served}"
                )
            ],
        )
    is_claim = kind == xrd.claim_kind and kind != xrd.kind
    return schemas.validate(obj, xrd.object_schema(version, claim=is_claim))
