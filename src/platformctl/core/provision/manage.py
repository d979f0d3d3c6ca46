"""Existing claims: find one by name, its status, list them, delete one (on the cluster, or by
removing its file from the GitOps repository).

Plain values in, plain data out; confirmations and rendering are the caller's (the CLI).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from platformctl.core.errors import EnvironmentProblem, ProblemsFound, UsageError


def find(
    registry: Any, cluster: Any, name: str, namespace: str, type_name: str | None
) -> tuple[Any, dict[str, Any]]:
    """The claim type and object of the claim ``name`` (of ``type_name``, or of any type)."""
    candidates = [registry.get(type_name)] if type_name else list(registry.types.values())
    found = []
    served_any = False
    for ct in candidates:
        xrd = ct.xrd
        served = cluster.resource_for(xrd.api_version_of_request, xrd.request_kind)
        served_any = served_any or served is not None
        if served is None:
            if type_name:
                raise EnvironmentProblem(
                    f"the cluster does not serve {xrd.request_kind}: "
                    f"the XRD {xrd.name} is not installed",
                    hint="ask the platform team to install this claim type, or check --context",
                )
            continue
        plural, namespaced = served
        obj = cluster.get(
            xrd.api_version_of_request, plural, name, namespace if namespaced else None
        )
        if obj is not None:
            found.append((ct, obj))
    if not served_any:
        raise EnvironmentProblem(
            "the cluster serves none of this platform's claim types "
            f"({', '.join(registry.types)})"
            + (f" (context {cluster.context})" if cluster.context else ""),
            hint="check --context, or ask the platform team to install the claim types",
        )
    if not found:
        raise ProblemsFound(
            f"no claim named {name!r} in namespace {namespace}",
            hint="platformctl provision list shows what exists; pass -n NAMESPACE or -t TYPE",
        )
    if len(found) > 1:
        raise UsageError(
            f"several claims are named {name!r}: " + ", ".join(ct.name for ct, _ in found),
            hint="pass -t TYPE",
        )
    return found[0]


def request_id_of(obj: dict[str, Any]) -> str | None:
    """The platformctl.io/request-id annotation of a claim object."""
    from platformctl.core.provision.claim import REQUEST_ID

    return ((obj.get("metadata") or {}).get("annotations") or {}).get(REQUEST_ID)


# --- status -----------------------------------------------------------------------------


@dataclass
class ClaimStatus:
    claim_type: Any
    snapshot: Any
    request_id: str | None
    secret: Any  # SecretInfo when Ready and the secret exists
    written: Path | None  # the .env file written (--export-env)

    @property
    def failed(self) -> bool:
        from platformctl.core.provision import status as status_mod

        return bool(self.snapshot.phase == status_mod.FAILED)

    def to_json(self, *, show_values: bool) -> dict[str, Any]:
        return {
            "version": 1,
            "type": self.claim_type.name,
            "requestId": self.request_id,
            **self.snapshot.to_json(),
            "secret": self.secret.to_json(show_values=show_values) if self.secret else None,
        }

    def lines(self) -> list[str]:
        """The conditions of every resource and what they say."""
        from platformctl.core.provision import status as status_mod

        return status_mod.post_mortem(self.snapshot, [])


def status(
    registry: Any,
    cluster: Any,
    name: str,
    namespace: str,
    type_name: str | None,
    *,
    export_env: str | None,
) -> ClaimStatus:
    """Observe the claim, its composite and composed resources; read its connection secret when
    Ready (and write it to ``export_env`` when given)."""
    from platformctl.core.provision import secrets
    from platformctl.core.provision import status as status_mod

    ct, obj = find(registry, cluster, name, namespace, type_name)
    snapshot = status_mod.observe(cluster, ct, name, namespace)
    secret_info = None
    sns, sname = snapshot.secret
    if snapshot.phase == status_mod.READY and sns and sname:
        secret = cluster.secret(sns, sname)
        if secret is not None:
            secret_info = secrets.describe(secret, ct.xrd.connection_secret_keys)
    written = None
    if export_env and secret_info is not None:
        written = secrets.export_env(secret_info, Path(export_env))
    return ClaimStatus(ct, snapshot, request_id_of(obj), secret_info, written)


def nothing_exported(st: ClaimStatus, name: str, export_env: str) -> ProblemsFound:
    """The error when --export-env found no secret to write."""
    from platformctl.core.provision import status as status_mod

    snapshot = st.snapshot
    sns, sname = snapshot.secret
    return ProblemsFound(
        f"nothing written to {export_env}: "
        + (
            f"{snapshot.root.ref if snapshot.root else name} is not Ready yet"
            if snapshot.phase != status_mod.READY
            else f"its connection secret {sns or '?'}/{sname or '?'} does not exist"
        ),
        hint=f"platformctl provision status {name} --wait --export-env {export_env}",
    )


# --- list -------------------------------------------------------------------------------


def list_claims(
    registry: Any, cluster: Any, namespace: str | None, type_name: str | None
) -> list[dict[str, Any]]:
    """One row per claim (of ``type_name``, or of every type) in ``namespace`` (None: all)."""
    from platformctl.core.provision import status as status_mod
    from platformctl.core.provision.claim import connection_secret_ref

    types = [registry.get(type_name)] if type_name else list(registry.types.values())
    rows = []
    unserved = []
    for ct in types:
        xrd = ct.xrd
        served = cluster.resource_for(xrd.api_version_of_request, xrd.request_kind)
        if served is None:
            unserved.append(ct.name)
            continue
        plural, namespaced = served
        for obj in cluster.list_objects(
            xrd.api_version_of_request, plural, namespace if namespaced else None
        ):
            state = status_mod.state_of(obj, 0)
            sns, sname = connection_secret_ref(obj, xrd)
            rows.append(
                {
                    "type": ct.name,
                    "kind": state.kind,
                    "namespace": state.namespace,
                    "name": state.name,
                    "ready": state.ready,
                    "synced": state.synced,
                    "age": status_mod.age(state.created),
                    "secret": f"{sns}/{sname}" if sname else "",
                }
            )
    if unserved and len(unserved) == len(types):
        raise EnvironmentProblem(
            f"the cluster serves none of the claim types {', '.join(unserved)}"
            + (f" (context {cluster.context})" if cluster.context else ""),
            hint="check --context, or ask the platform team to install the claim types",
        )
    return rows


# --- delete on the cluster --------------------------------------------------------------

GITOPS_MARKERS: tuple[tuple[str, str, str], ...] = (
    ("annotation", "argocd.argoproj.io/tracking-id", "Argo CD"),
    ("label", "kustomize.toolkit.fluxcd.io/name", "Flux"),
    ("label", "helm.toolkit.fluxcd.io/name", "Flux"),
)
GITOPS_MANAGERS = {
    "argocd-controller": "Argo CD",
    "kustomize-controller": "Flux",
    "helm-controller": "Flux",
}


def gitops_controller(obj: dict[str, Any]) -> str | None:
    """Which GitOps controller applies this object, when it carries a known marker."""
    meta = obj.get("metadata") or {}
    for entry in meta.get("managedFields") or []:
        manager = str(entry.get("manager") or "")
        if manager in GITOPS_MANAGERS:
            return f"{GITOPS_MANAGERS[manager]} ({manager})"
    labels, annotations = meta.get("labels") or {}, meta.get("annotations") or {}
    for where, key, tool in GITOPS_MARKERS:
        found = (annotations if where == "annotation" else labels).get(key)
        if found:
            return f"{tool} ({key}={found})"
    return None


@dataclass
class ClusterClaim:
    """A claim found on the cluster, about to be deleted."""

    claim_type: Any
    name: str
    namespace: str
    ref: str
    controller: str | None  # the GitOps controller that applies it, if any


def find_for_delete(
    registry: Any, cluster: Any, name: str, namespace: str, type_name: str | None
) -> ClusterClaim:
    ct, obj = find(registry, cluster, name, namespace, type_name)
    xrd = ct.xrd
    ref = f"{xrd.request_kind}/{namespace + '/' if xrd.request_namespaced else ''}{name}"
    return ClusterClaim(ct, name, namespace, ref, gitops_controller(obj))


def delete(cluster: Any, claim: ClusterClaim) -> None:
    """Delete the claim (Crossplane deletes what it created)."""
    xrd = claim.claim_type.xrd
    plural, namespaced = cluster.resource_for(xrd.api_version_of_request, xrd.request_kind) or (
        xrd.request_plural,
        True,
    )
    cluster.delete(
        xrd.api_version_of_request, plural, claim.name, claim.namespace if namespaced else None
    )


# --- delete through GitOps --------------------------------------------------------------


@dataclass
class ClaimFile:
    """A claim's file in the GitOps repository."""

    claim_type: Any
    root: Path
    file: Path
    rel: str
    namespace: str | None


def find_claim_file(
    registry: Any, cfg: Any, *, name: str, type_name: str | None, repo: str | None,
    path: str | None,
) -> ClaimFile:  # fmt: skip
    """The file of the claim ``name`` in the GitOps repository's claim folder."""
    from platformctl.core import vcs
    from platformctl.core.provision import gitops
    from platformctl.core.provision.claim import check_name
    from platformctl.core.provision.request import gitops_dir

    check_name(name)
    root = vcs.repo_root(Path(repo or "."))
    if root is None:
        raise UsageError(
            f"{repo or Path.cwd()} is not inside a git repository",
            hint="pass --repo PATH to your GitOps repository",
        )
    directory = gitops_dir(path, cfg)
    candidates = [registry.get(type_name)] if type_name else list(registry.types.values())
    looked = {ct.name: gitops.target_file(root, directory, ct.kind, name) for ct in candidates}
    found = [(ct, looked[ct.name]) for ct in candidates if looked[ct.name].is_file()]
    if not found:
        shown = ", ".join(sorted({str(p.relative_to(root)) for p in looked.values()})[:4])
        raise ProblemsFound(
            f"no claim file for {name!r} in {root} (looked for {shown}"
            + (" ..." if len(looked) > 4 else "")
            + f" on {_where(root)})",
            hint="pass --path DIR (where the claim files are) or -t TYPE; "
            "or run it on the branch that holds the claim",
        )
    if len(found) > 1:
        raise UsageError(
            f"several claim files are named {name!r}: "
            + ", ".join(str(p.relative_to(root)) for _, p in found),
            hint="pass -t TYPE",
        )
    ct, file = found[0]
    return ClaimFile(ct, root, file, file.relative_to(root).as_posix(), _file_namespace(file))


def withdraw(claim_file: ClaimFile, name: str, *, branch: str | None, push: bool) -> Any:
    """Remove the claim file on a branch and commit it (GitOpsResult; restore it after)."""
    from platformctl.core.provision import gitops

    return gitops.withdraw(
        repo=claim_file.root,
        file=claim_file.file,
        kind=claim_file.claim_type.kind,
        name=name,
        namespace=claim_file.namespace,
        branch=branch,
        push=push,
    )


def _where(root: Path) -> str:
    from platformctl.core import vcs

    try:
        return f"branch {vcs.current_branch(root)}"
    except Exception:  # noqa: BLE001 - detached HEAD or unborn branch
        return "the current checkout"


def _file_namespace(file: Path) -> str | None:
    from platformctl.core import yamlio

    loaded = yamlio.load_file(file)
    data = loaded.documents[0].data if loaded.ok and loaded.documents else None
    meta = data.get("metadata") if isinstance(data, dict) else None
    namespace = meta.get("namespace") if isinstance(meta, dict) else None
    return str(namespace) if namespace else None
