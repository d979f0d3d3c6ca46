"""The claim request workflow: check the options, collect input, build and validate the claim,
then send it to the cluster (server-side apply) or commit it to a GitOps repository, and record
the dependency in the catalog.

Everything here takes plain values and returns plain data or yields typed events; the CLI
(``cli/provision.py``) parses the options, prompts on a terminal and renders what comes back.
Waiting for Ready is in ``follow.py``; status, list and delete are in ``manage.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformctl.core.errors import UsageError

DEFAULT_SETTLE = "5s"
DEFAULT_GITOPS_DIR = "infra/claims"


# --- options --------------------------------------------------------------------------------


def check_modes(
    *,
    gitops: bool,
    dry_run: bool,
    force_conflicts: bool,
    wait: bool | None,
    export_env: str | None,
    show_values: bool,
    output: str | None,
) -> bool | None:
    """Refuse option combinations that cannot work together; return the effective ``wait``
    (--export-env writes the file when Ready, so it waits).  Checks the .env target."""
    if gitops and (dry_run or force_conflicts or wait or export_env or show_values):
        raise UsageError(
            "--dry-run, --force-conflicts, --wait, --export-env and --show-values are for "
            "API mode, not --gitops",
            hint="after the change is merged, follow it with "
            "platformctl provision status NAME --wait [--export-env FILE]",
        )
    if export_env and (dry_run or wait is False):
        raise UsageError(
            "--export-env needs the claim to become Ready: it cannot go with "
            + ("--dry-run" if dry_run else "--no-wait"),
            hint="drop --no-wait (--export-env waits for Ready), or later run "
            "platformctl provision status NAME --wait --export-env FILE",
        )
    if export_env and not output:
        from platformctl.core.provision import secrets as secrets_mod

        secrets_mod.check_export_target(Path(export_env))
        return True
    return wait


def namespace(flag: str | None, cfg: Any, cluster_default: str | None = None) -> str:
    """The claim's namespace: the flag, else settings provision.namespace when set outside the
    embedded default, else the kube context's namespace, else the default setting."""
    if flag:
        return flag
    source = cfg.source("provision.namespace")
    if source is not None and source.layer != "embedded default" and cfg.get("provision.namespace"):
        return str(cfg.get("provision.namespace"))
    return cluster_default or str(cfg.get("provision.namespace", "default"))


def duration(option: str, text: str) -> float:
    """A duration option's value in seconds; the error names the option."""
    from platformctl.core.provision import status as status_mod

    try:
        return status_mod.parse_duration(text)
    except UsageError as exc:
        raise UsageError(f"{option}: {exc.message}", hint=exc.hint) from None


def settle(flag: str | None, cfg: Any) -> float:
    """Seconds Ready must hold: --settle, else settings provision.ready_settle, else 5s."""
    from platformctl.core.provision import status as status_mod

    if flag is not None:
        return duration("--settle", flag)
    configured = cfg.get("provision.ready_settle")
    if configured is None or configured == "":
        return status_mod.parse_duration(DEFAULT_SETTLE)
    try:
        return status_mod.parse_duration(str(configured))
    except UsageError as exc:
        source = cfg.source("provision.ready_settle")
        where = ""
        if source is not None:
            where = f" ({source.file}:{source.line})" if source.file else f" ({source.layer})"
        raise UsageError(
            f"settings provision.ready_settle{where}: {exc.message}",
            hint="use e.g. 5s, 30s or 0",
        ) from None


def gitops_dir(path: str | None, cfg: Any) -> str:
    """Folder of the claim files in the GitOps repository."""
    return path or str(cfg.get("provision.gitops_dir", DEFAULT_GITOPS_DIR))


# --- input and the claim --------------------------------------------------------------------


def missing_input(claim_type: Any, values: dict[str, Any], sets: tuple[str, ...]) -> list[Any]:
    """The required parameters neither given as options nor set with --set (--set expressions
    are parsed here, so a malformed one fails before anything is asked)."""
    from platformctl.core.provision import claim as claims

    set_paths = {}
    object_schema = claim_type.xrd.object_schema()
    for expression in sets:
        parsed_path, value = claims.parse_set(expression, object_schema)
        set_paths[parsed_path] = value
    return list(claims.missing_required(claim_type, values, set_paths))


def connect_early(
    claim_type: Any, *, kubeconfig: str | None, context: str | None, namespace: str | None
) -> Any:
    """Connect and check the claim type is served, before any prompt: an unusable cluster
    found after every answer wastes them all (the errors name --gitops and -o yaml)."""
    from platformctl.core.provision import kube, preflight

    cluster = kube.connect(kubeconfig=kubeconfig, context=context, namespace=namespace)
    preflight.served(cluster, claim_type)
    return cluster


@dataclass
class Target:
    """Where the claim goes: the connected cluster (API mode; None for --gitops, -o and
    --estimate) and the namespace it is requested in."""

    cluster: Any
    namespace: str


def target(
    cfg: Any,
    *,
    cluster: Any,
    api_mode: bool,
    namespace_flag: str | None,
    kubeconfig: str | None,
    context: str | None,
    printing: bool,
) -> Target:
    """Connect in API mode; when printing the claim (-o, --estimate) use the kube context's
    namespace, when there is one, so the output is what API mode would send."""
    from platformctl.core.provision import kube

    context_namespace = None
    if api_mode:
        if cluster is None:
            cluster = kube.connect(kubeconfig=kubeconfig, context=context, namespace=namespace_flag)
        context_namespace = cluster.namespace
    elif printing and not namespace_flag:
        context_namespace = kube.context_namespace(kubeconfig=kubeconfig, context=context)
    return Target(cluster, namespace(namespace_flag, cfg, context_namespace))


class InvalidClaim(UsageError):
    """The claim fails local validation (exit 2); ``problems`` lists every one."""

    def __init__(self, claim_type: Any, problems: list[str]) -> None:
        super().__init__(
            f"the {claim_type.kind} is invalid: "
            + (problems[0] if len(problems) == 1 else f"{len(problems)} problems, listed above"),
            hint=f"platformctl provision explain {claim_type.name} lists the parameters "
            "and their allowed values",
        )
        self.problems = problems


def build(
    claim_type: Any, name: str, *, namespace: str, values: dict[str, Any], sets: tuple[str, ...]
) -> Any:
    """Build the claim and validate it against the XRD's schema; InvalidClaim on problems."""
    from platformctl.core.provision import claim as claims

    built = claims.build_claim(
        claim_type, name, namespace=namespace, values=values, sets=list(sets)
    )
    problems = [str(e) for e in built.errors] + [f"{u}: unknown field" for u in built.unknown]
    if problems:
        raise InvalidClaim(claim_type, problems)
    return built


# --- API mode: preflight and server-side apply, as events ---------------------------------


@dataclass
class Preflighted:
    """The cluster serves the claim type and allows the request."""

    server: str
    context: str | None
    namespace: str
    plural: str
    group: str
    allowed: list[str]
    compositions: list[str] | None
    notes: list[str] = field(default_factory=list)


@dataclass
class Applied:
    """The claim was applied (or dry-run applied) with server-side apply."""

    ref: str
    outcome: str
    dry_run: bool
    request_id: str


def _composition_hints(spec: dict[str, Any]) -> tuple[Any, Any]:
    crossplane = spec.get("crossplane") or {}
    selector = (spec.get("compositionSelector") or crossplane.get("compositionSelector") or {}).get(
        "matchLabels"
    )
    composition_ref = (spec.get("compositionRef") or crossplane.get("compositionRef") or {}).get(
        "name"
    )
    return selector, composition_ref


def apply(
    cluster: Any, claim_type: Any, built: Any, *, namespace: str, force: bool, dry_run: bool
) -> Iterator[Preflighted | Applied]:
    """Preflight (served, allowed, compositions) in ``namespace``, then server-side apply."""
    from platformctl.core.provision import preflight

    ns = namespace
    selector, composition_ref = _composition_hints(built.object["spec"])
    checked = preflight.preflight(
        cluster, claim_type, ns, selector=selector, composition_ref=composition_ref
    )
    yield Preflighted(
        server=cluster.server,
        context=cluster.context,
        namespace=ns,
        plural=checked.plural,
        group=claim_type.xrd.group,
        allowed=list(checked.allowed),
        compositions=checked.compositions,
        notes=list(checked.notes),
    )
    result = cluster.apply(
        built.object, claim_type.xrd.request_plural, force=force, dry_run=dry_run
    )
    ref = f"{built.kind}/{built.namespace + '/' if built.namespace else ''}{built.name}"
    yield Applied(ref, result.outcome, dry_run, built.request_id)


# --- GitOps mode ----------------------------------------------------------------------------


def submit_gitops(
    built: Any, cfg: Any, *, repo: str | None, path: str | None, branch: str | None, push: bool
) -> Any:
    """Write the claim file on a branch of the GitOps repository and commit it."""
    from platformctl.core.provision import gitops

    return gitops.submit(
        built.object,
        repo=Path(repo or "."),
        directory=gitops_dir(path, cfg),
        branch=branch,
        push=push,
    )


# --- the catalog dependency -------------------------------------------------------------


def record_target(record: bool | None, catalog_file: str | None) -> Path | None:
    """The catalog file to record the dependency in; None when there is nothing to do.
    ``record`` None means 'ask' (the caller asks, on a terminal)."""
    target = Path(catalog_file) if catalog_file else Path("catalog-info.yaml")
    if record is False:
        return None
    if not target.is_file():
        if record:
            raise UsageError(f"{target} does not exist", hint="pass --catalog-file FILE")
        return None
    return target


def record(built: Any, target: Path) -> Any:
    """Add the claim as a Resource entity and a dependsOn of the component in ``target``."""
    from platformctl.core.provision import record as record_mod

    return record_mod.record_dependency(
        target,
        name=built.name,
        resource_type=built.claim_type.resource_type,
        description=f"{built.claim_type.name} requested with platformctl provision",
        claim_kind=built.kind,
        claim_namespace=built.namespace,
    )


def commit_record(built: Any, target: Path, gitops_result: Any) -> str | None:
    """In GitOps mode the catalog change goes on the claim's branch when in the same repo;
    the commit's sha, or None when nothing was committed."""
    from platformctl.core.provision import gitops

    path = target.resolve()
    root = Path(gitops_result.repo).resolve()
    if root not in path.parents:
        return None
    return gitops.commit_extra(
        root, [path], f"catalog: record dependency on {built.name}\n", gitops_result.branch
    )


def restore(result: Any) -> None:
    """Put the repository back on the branch the user started on (after submit_gitops or
    manage.withdraw)."""
    from platformctl.core.provision import gitops

    gitops.restore(result)


def to_yaml(obj: dict[str, Any]) -> str:
    """The claim as the YAML that --gitops would write."""
    from platformctl.core.provision import gitops

    return gitops.render(obj)


def connect(*, kubeconfig: str | None, context: str | None, namespace: str | None) -> Any:
    """The cluster of the kube context (kube.Cluster)."""
    from platformctl.core.provision import kube

    return kube.connect(kubeconfig=kubeconfig, context=context, namespace=namespace)


def check_export_target(path: str) -> Path:
    """Refuse an --export-env FILE that platformctl must not write (before anything runs)."""
    from platformctl.core.provision import secrets

    return secrets.check_export_target(Path(path))
