"""CustomResourceDefinitions from Crossplane XRDs, derived the way Crossplane's own XRD
controller does it (``internal/xcrd`` in crossplane/crossplane), written out independently of
``platformctl.core.provision`` so the real API server checks our claims against Crossplane's
CRDs, not against our own reading of them.

* every CRD: ``spec`` required, ``metadata`` left to the API server, a ``status`` subresource,
  ``status.conditions`` (type/status/reason/lastTransitionTime required) and
  ``status.connectionDetails``; the XRD's ``spec``/``status`` properties, ``required`` and CEL
  rules (``x-kubernetes-validations``) copied onto the CRD's;
* v1 claims (namespaced, category ``claim``): compositionRef/Selector/RevisionRef,
  compositionUpdatePolicy (default Automatic), compositeDeletePolicy (default Background),
  resourceRef, publishConnectionDetailsTo and writeConnectionSecretToRef (name only);
* v1 composites (cluster scoped, category ``composite``): the same composition fields plus
  claimRef, resourceRefs and writeConnectionSecretToRef (name and namespace);
* v2 composites (``scope: Namespaced`` by default): Crossplane's fields under ``spec.crossplane``.
"""

from __future__ import annotations

import copy
from typing import Any

_STR = {"type": "string"}
_MAP = {"type": "object", "additionalProperties": _STR}
_NAME_REF = {"type": "object", "required": ["name"], "properties": {"name": _STR}}
_SELECTOR = {"type": "object", "required": ["matchLabels"], "properties": {"matchLabels": _MAP}}
_UPDATE_POLICY = {"type": "string", "enum": ["Automatic", "Manual"], "default": "Automatic"}
_PUBLISH = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": _STR,
        "configRef": {
            "type": "object",
            "default": {"name": "default"},
            "properties": {"name": _STR},
        },
        "metadata": {
            "type": "object",
            "properties": {"labels": _MAP, "annotations": _MAP, "type": _STR},
        },
    },
}
_REFS = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["apiVersion", "kind"],
        "properties": {"apiVersion": _STR, "kind": _STR, "name": _STR},
    },
}
_CONDITIONS = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["lastTransitionTime", "reason", "status", "type"],
        "properties": {
            "lastTransitionTime": {"type": "string", "format": "date-time"},
            "message": _STR,
            "reason": _STR,
            "status": _STR,
            "type": _STR,
        },
    },
}
_STATUS = {
    "conditions": _CONDITIONS,
    "connectionDetails": {
        "type": "object",
        "properties": {"lastPublishedTime": {"type": "string", "format": "date-time"}},
    },
}


def claim_spec_props() -> dict[str, Any]:
    return {
        "compositionRef": _NAME_REF,
        "compositionSelector": _SELECTOR,
        "compositionRevisionRef": _NAME_REF,
        "compositionRevisionSelector": _SELECTOR,
        "compositionUpdatePolicy": _UPDATE_POLICY,
        "compositeDeletePolicy": {
            "type": "string",
            "enum": ["Background", "Foreground"],
            "default": "Background",
        },
        "resourceRef": {
            "type": "object",
            "required": ["apiVersion", "kind", "name"],
            "properties": {"apiVersion": _STR, "kind": _STR, "name": _STR},
        },
        "publishConnectionDetailsTo": _PUBLISH,
        "writeConnectionSecretToRef": _NAME_REF,
    }


def composite_spec_props() -> dict[str, Any]:
    return {
        "compositionRef": _NAME_REF,
        "compositionSelector": _SELECTOR,
        "compositionRevisionRef": _NAME_REF,
        "compositionRevisionSelector": _SELECTOR,
        "compositionUpdatePolicy": _UPDATE_POLICY,
        "claimRef": {
            "type": "object",
            "required": ["apiVersion", "kind", "namespace", "name"],
            "properties": {"apiVersion": _STR, "kind": _STR, "namespace": _STR, "name": _STR},
        },
        "resourceRefs": _REFS,
        "publishConnectionDetailsTo": _PUBLISH,
        "writeConnectionSecretToRef": {
            "type": "object",
            "required": ["name", "namespace"],
            "properties": {"name": _STR, "namespace": _STR},
        },
    }


def v2_spec_props() -> dict[str, Any]:
    return {
        "crossplane": {
            "type": "object",
            "properties": {
                "compositionRef": _NAME_REF,
                "compositionSelector": _SELECTOR,
                "compositionRevisionRef": _NAME_REF,
                "compositionRevisionSelector": _SELECTOR,
                "compositionUpdatePolicy": _UPDATE_POLICY,
                "resourceRefs": _REFS,
            },
        }
    }


def _version(version: dict[str, Any], spec_props: dict[str, Any]) -> dict[str, Any]:
    xrd_schema = copy.deepcopy((version.get("schema") or {}).get("openAPIV3Schema") or {})
    xspec = (xrd_schema.get("properties") or {}).get("spec") or {}
    xstatus = (xrd_schema.get("properties") or {}).get("status") or {}
    spec: dict[str, Any] = {"type": "object", "properties": dict(xspec.get("properties") or {})}
    for key in ("required", "x-kubernetes-validations", "description"):
        if key in xspec:
            spec[key] = xspec[key]
    spec["properties"].update(copy.deepcopy(spec_props))
    status: dict[str, Any] = {"type": "object", "properties": dict(xstatus.get("properties") or {})}
    for key in ("required", "x-kubernetes-validations", "description"):
        if key in xstatus:
            status[key] = xstatus[key]
    status["properties"].update(copy.deepcopy(_STATUS))
    schema: dict[str, Any] = {
        "type": "object",
        "required": ["spec"],
        "properties": {
            "apiVersion": _STR,
            "kind": _STR,
            "metadata": {"type": "object"},
            "spec": spec,
            "status": status,
        },
    }
    if "description" in xrd_schema:
        schema["description"] = xrd_schema["description"]
    return {
        "name": version["name"],
        "served": bool(version.get("served", True)),
        "storage": bool(version.get("referenceable", False)),
        "schema": {"openAPIV3Schema": schema},
        "subresources": {"status": {}},
    }


def _crd(
    name: str, group: str, names: dict[str, Any], scope: str, category: str,
    versions: list[dict[str, Any]],
) -> dict[str, Any]:  # fmt: skip
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": name},
        "spec": {
            "group": group,
            "names": {**names, "categories": [*names.get("categories", []), category]},
            "scope": scope,
            "versions": versions,
        },
    }


def crds_for(xrd: dict[str, Any]) -> list[dict[str, Any]]:
    """The CRDs Crossplane creates for ``xrd``: the composite's, then the claim's (if any)."""
    spec = xrd["spec"]
    group = spec["group"]
    v2 = xrd["apiVersion"].endswith("/v2")
    scope = spec.get("scope") or ("Namespaced" if v2 else "Cluster")
    legacy = not v2 or scope == "LegacyCluster"
    out = [
        _crd(
            xrd["metadata"]["name"],
            group,
            spec["names"],
            "Namespaced" if scope == "Namespaced" else "Cluster",
            "composite",
            [
                _version(v, composite_spec_props() if legacy else v2_spec_props())
                for v in spec["versions"]
            ],
        )
    ]
    if spec.get("claimNames"):
        out.append(
            _crd(
                f"{spec['claimNames']['plural']}.{group}",
                group,
                spec["claimNames"],
                "Namespaced",
                "claim",
                [_version(v, claim_spec_props()) for v in spec["versions"]],
            )
        )
    return out


# Crossplane's Composition CRD, cut down to what platformctl reads (the composed type).
COMPOSITION_CRD: dict[str, Any] = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "compositions.apiextensions.crossplane.io"},
    "spec": {
        "group": "apiextensions.crossplane.io",
        "names": {
            "kind": "Composition",
            "listKind": "CompositionList",
            "plural": "compositions",
            "singular": "composition",
            "shortNames": ["comp"],
            "categories": ["crossplane"],
        },
        "scope": "Cluster",
        "versions": [
            {
                "name": "v1",
                "served": True,
                "storage": True,
                "schema": {
                    "openAPIV3Schema": {
                        "type": "object",
                        "properties": {
                            "apiVersion": _STR,
                            "kind": _STR,
                            "metadata": {"type": "object"},
                            "spec": {
                                "type": "object",
                                "required": ["compositeTypeRef"],
                                "properties": {
                                    "compositeTypeRef": {
                                        "type": "object",
                                        "required": ["apiVersion", "kind"],
                                        "properties": {"apiVersion": _STR, "kind": _STR},
                                    },
                                },
                                "x-kubernetes-preserve-unknown-fields": True,
                            },
                        },
                    }
                },
            }
        ],
    },
}
