"""Gather the records for one run from their sources (git, files, the cluster) and compute.

The I/O lives here and in the gateways (core/vcs.py for git, core/provision/kube.py for the
cluster); ``dora.compute`` stays pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from platformctl.core.errors import EnvironmentProblem, UsageError
from platformctl.core.metrics import bands as bands_mod
from platformctl.core.metrics import readers
from platformctl.core.metrics.dora import compute
from platformctl.core.metrics.model import Commit, Deployment, DoraResult, Incident, Query

ARGOCD_API = "argoproj.io/v1alpha1"


@dataclass
class Sources:
    repo: Path = Path(".")
    deploy_tags: str | None = None
    deployments: list[Path] = field(default_factory=list)
    argocd_app: str | None = None
    argocd_namespace: str = "argocd"
    kubeconfig: str | None = None
    context: str | None = None
    incidents: list[Path] = field(default_factory=list)
    service: str | None = None  # the service of records that name none (default: repo folder)


@dataclass
class Inputs:
    commits: list[Commit]
    deployments: list[Deployment]
    incidents: list[Incident]
    skipped: list[tuple[str, str]]
    kinds: list[str]  # which readers were used, for the report's "sources" line


_SPAN = re.compile(r"^(\d+)([dw])$")


def parse_moment(text: str, flag: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            f"{flag} {text!r} is not a date", hint=f"use {flag} 2026-01-31 or 2026-01-31T12:00Z"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_window(
    *, since: str | None, until: str | None, window: str | None, now: datetime | None = None
) -> tuple[datetime, datetime]:
    """--since/--until (dates; --until is exclusive) or --window 90d|12w ending at --until
    (default now). Default: the last 90 days."""
    end = parse_moment(until, "--until") if until else (now or datetime.now(UTC))
    if since and window:
        raise UsageError("--since and --window both set the start", hint="pass one of them")
    if since:
        start = parse_moment(since, "--since")
    else:
        match = _SPAN.match((window or "90d").strip())
        if not match:
            raise UsageError(
                f"--window {window!r} is not a span", hint="use a number of days or weeks: 90d, 12w"
            )
        count, unit = int(match.group(1)), match.group(2)
        start = end - timedelta(days=count * (7 if unit == "w" else 1))
    if start >= end:
        raise UsageError("the window is empty: --since is not before --until")
    return start, end


def parse_service_paths(values: list[str]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for value in values:
        name, sep, path = value.partition("=")
        if not sep or not name.strip() or not path.strip():
            raise UsageError(
                f"--service-path {value!r} is not NAME=PATH",
                hint="e.g. --service-path api=services/api (repeat for more paths or services)",
            )
        path = path.strip().removeprefix("./")
        out.setdefault(name.strip(), []).append(path)
    return {k: tuple(v) for k, v in out.items()}


def gather(sources: Sources, *, environment: str, with_paths: bool) -> Inputs:
    from platformctl.core import vcs

    repo = sources.repo
    if not repo.is_dir():
        raise UsageError(f"--repo {repo}: no such folder")
    service = sources.service or (vcs.repo_root(repo) or repo.resolve()).name
    history = vcs.HistoryReader(repo, with_paths=with_paths)  # git runs while files are read
    try:
        found = _gather_records(sources, repo=repo, service=service, environment=environment)
    except BaseException:
        history.close()
        raise
    return Inputs(history.commits(), *found)


def _gather_records(
    sources: Sources, *, repo: Path, service: str, environment: str
) -> tuple[list[Deployment], list[Incident], list[tuple[str, str]], list[str]]:
    from platformctl.core import vcs

    deployments: list[Deployment] = []
    incidents: list[Incident] = []
    skipped: list[tuple[str, str]] = []
    kinds: list[str] = []
    if sources.deploy_tags:
        records = readers.deployments_from_tags(
            vcs.tags(repo, sources.deploy_tags), service=service, environment=environment
        )
        deployments += records.deployments
        kinds.append(f"{records.kind} {sources.deploy_tags!r}")
    for path in sources.deployments:
        records = readers.read_deployments(
            path,
            default_service=service,
            environment=environment,
            argocd_app=sources.argocd_app,
        )
        deployments += records.deployments
        skipped += records.skipped
        kinds.append(f"{records.kind} {path}")
    if sources.argocd_app and not any(k.startswith("argocd ") for k in kinds):
        deployments += argocd_from_cluster(sources, environment=environment)
        kinds.append(f"argocd {sources.argocd_namespace}/{sources.argocd_app}")
    if not kinds:
        raise UsageError(
            "no deployments source",
            hint="pass --deploy-tags 'v*', --deployments FILE or --argocd-app NAME",
        )
    for path in sources.incidents:
        records = readers.read_incidents(path)
        incidents += records.incidents
        skipped += records.skipped
        kinds.append(f"{records.kind} incidents {path}")
    return deployments, incidents, skipped, kinds


def argocd_from_cluster(sources: Sources, *, environment: str) -> list[Deployment]:
    """``status.history`` of the Application, read with the kubernetes client."""
    from platformctl.core.provision import kube

    assert sources.argocd_app
    try:
        cluster = kube.connect(
            kubeconfig=sources.kubeconfig,
            context=sources.context,
            namespace=sources.argocd_namespace,
        )
    except EnvironmentProblem as exc:  # connect's hints speak of provisioning; ours of Argo CD
        raise EnvironmentProblem(
            exc.message,
            hint="pass --kubeconfig FILE / --context NAME, or save the Application with "
            "`kubectl get application NAME -n NAMESPACE -o json` and pass it with --deployments",
        ) from None
    app = cluster.get(ARGOCD_API, "applications", sources.argocd_app, sources.argocd_namespace)
    if app is None:
        raise EnvironmentProblem(
            f"no Argo CD Application {sources.argocd_app!r} in namespace "
            f"{sources.argocd_namespace!r} on {cluster.server}",
            hint="check the name and --argocd-namespace (kubectl get applications -A), or pass "
            "a saved `kubectl get application NAME -o json` with --deployments",
        )
    where = f"{cluster.context or cluster.server}:{sources.argocd_namespace}/{sources.argocd_app}"
    return readers.argocd_from_document(
        app, where, environment=environment, service=sources.service
    )


def teams_from_catalog(services: list[str], *, cwd: Path) -> dict[str, str]:
    """service -> owning team, from each service's Component in the Backstage catalog (one
    by-refs request per 500 services). A service is looked up as ``component:default/<name>``
    unless its name is already an entity reference."""
    from platformctl.core import backstage
    from platformctl.core import config as config_mod
    from platformctl.core.metrics.teams import teams_of

    if not services:
        return {}
    refs = [backstage.parse_ref(s).ref for s in services]
    with backstage.client_from_config(config_mod.load(cwd=cwd)) as client:
        entities = client.entities_by_refs(
            refs, fields=("kind", "metadata.namespace", "metadata.name", "spec.owner")
        )
    return teams_of(services, entities)


def dora(
    sources: Sources,
    *,
    since: datetime,
    until: datetime,
    environment: str = "production",
    services: tuple[str, ...] = (),
    service_paths: dict[str, tuple[str, ...]] | None = None,
    group_by: str | None = None,
    benchmark: str = bands_mod.LATEST,
) -> tuple[DoraResult, Inputs]:
    if group_by not in (None, "service", "team"):
        raise UsageError(
            f"unknown --group-by {group_by!r}", hint="use --group-by service or --group-by team"
        )
    bands_mod.check_benchmark(benchmark)
    paths = service_paths or {}
    inputs = gather(sources, environment=environment, with_paths=bool(paths))
    teams: dict[str, str] = {}
    if group_by == "team":
        names = sorted({d.service for d in inputs.deployments})
        teams = teams_from_catalog(
            [s for s in names if not services or s in services], cwd=sources.repo
        )
    query = Query(
        since=since,
        until=until,
        environment=environment,
        services=services,
        service_paths=paths,
        group_by=group_by,
        teams=teams,
        benchmark=benchmark,
    )
    return compute(inputs.commits, inputs.deployments, inputs.incidents, query), inputs
