"""Preflight: before a claim is sent, check the cluster can take it (the claim type is served,
we may create and patch it, the Composition Crossplane will use exists), so the failure is a
clear EnvironmentProblem before anything is written.  Reads the cluster through ``kube.Cluster``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from platformctl.core.errors import EnvironmentProblem

if TYPE_CHECKING:
    from platformctl.core.provision.kube import Cluster


def served(cluster: Cluster, claim_type: Any) -> tuple[str, bool]:
    """(plural, namespaced) of the claim kind on this cluster: one discovery request, so it
    also proves the API server is reachable and accepts our credentials.  Raises
    EnvironmentProblem when the claim type is not installed (discovery is cached: preflight
    repeats no request)."""
    xrd = claim_type.xrd
    api_version = xrd.api_version_of_request
    found = cluster.resource_for(api_version, xrd.request_kind)
    if found is None:
        raise EnvironmentProblem(
            f"the cluster does not serve {xrd.request_kind} ({xrd.request_plural}.{api_version}): "
            f"the XRD {xrd.name} is not installed",
            hint="ask the platform team to install this claim type (its XRD and Compositions) "
            "on the cluster, or check --context",
        )
    return found


def preflight(
    cluster: Cluster,
    claim_type: Any,
    namespace: str | None,
    *,
    selector: dict[str, str] | None = None,
    composition_ref: str | None = None,
    verbs: tuple[str, ...] = ("create", "patch"),
) -> Preflight:
    """Check the cluster can take this claim; raises EnvironmentProblem when it cannot.

    The Composition Crossplane will use must exist (when we may read Compositions): the one
    the claim names (``compositionRef``), else one matching its ``compositionSelector``, else
    the XRD's ``defaultCompositionRef``.
    """
    xrd = claim_type.xrd
    plural, namespaced = served(cluster, claim_type)
    ns = namespace if namespaced else None
    for verb in verbs:
        if not cluster.can_i(verb, xrd.group, plural, ns):
            raise EnvironmentProblem(
                f"forbidden: you may not {verb} {plural}.{xrd.group}"
                + (f" in namespace {ns}" if ns else "")
                + (f" (context {cluster.context})" if cluster.context else ""),
                hint="ask the platform team for access (RBAC) or pick a namespace you may use "
                "(--namespace)",
            )
    result = Preflight(plural=plural, namespaced=namespaced, allowed=list(verbs))
    named = composition_ref or (None if selector else xrd.default_composition)
    if named:
        _check_named_composition(
            cluster,
            xrd,
            named,
            "the claim's compositionRef" if composition_ref else "the XRD's defaultCompositionRef",
            result,
        )
        return result
    if selector:
        label_selector = ",".join(f"{k}={v}" for k, v in sorted(selector.items()))
        try:
            comps = cluster.list_objects(
                "apiextensions.crossplane.io/v1",
                "compositions",
                None,
                label_selector=label_selector,
            )
        except EnvironmentProblem:
            result.notes.append("compositions are not readable with your credentials; not checked")
            return result
        matching = [
            c
            for c in comps
            if ((c.get("spec") or {}).get("compositeTypeRef") or {}).get("kind") == xrd.kind
        ]
        if not matching:
            raise EnvironmentProblem(
                f"no Composition for {xrd.kind} matches the labels {label_selector}",
                hint="this combination is not offered by the platform; pick other parameter "
                "values or ask the platform team",
            )
        result.compositions = [str((c.get("metadata") or {}).get("name")) for c in matching]
    return result


def _check_named_composition(
    cluster: Cluster, xrd: Any, name: str, origin: str, result: Preflight
) -> None:
    api_version = "apiextensions.crossplane.io/v1"
    try:
        if cluster.resource_for(api_version, "Composition") is None:
            result.notes.append("the cluster does not serve Compositions; not checked")
            return
        comp = cluster.get(api_version, "compositions", name, None)
    except EnvironmentProblem:
        result.notes.append("compositions are not readable with your credentials; not checked")
        return
    if comp is None:
        raise EnvironmentProblem(
            f"the Composition {name} ({origin}) does not exist on the cluster",
            hint="ask the platform team to install it"
            + (
                "; or pick another with --set compositionRef.name=NAME"
                if "claim's" in origin
                else ""
            ),
        )
    kind = ((comp.get("spec") or {}).get("compositeTypeRef") or {}).get("kind")
    if kind and kind != xrd.kind:
        raise EnvironmentProblem(
            f"the Composition {name} ({origin}) composes {kind}, not {xrd.kind}",
            hint="ask the platform team to fix the reference",
        )
    result.compositions = [name]


@dataclass
class Preflight:
    plural: str
    namespaced: bool
    allowed: list[str]
    compositions: list[str] | None = None  # None: not checked
    notes: list[str] = field(default_factory=list)
