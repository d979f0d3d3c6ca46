"""`platformctl metrics dora`: the four keys (and rework rate) from git history, deployments
and incidents. Parses options, calls core.metrics, writes the report."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(help="Delivery metrics from your repository and records.", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """Delivery metrics from your repository and records."""


@app.command("dora")
def dora(
    repo: Path = typer.Option(Path("."), "--repo", help="The git repository."),
    deploy_tags: str = typer.Option(
        None, "--deploy-tags", help="Tags that mark production deployments, e.g. 'v*'."
    ),
    deployments: list[Path] = typer.Option(
        None,
        "--deployments",
        help="Deployments file: DevLake JSON/JSONL/CSV, a GitHub deployments export or a saved "
        "Argo CD Application (kubectl get application NAME -o json). Repeatable.",
    ),
    argocd_app: str = typer.Option(
        None,
        "--argocd-app",
        help="Argo CD Application whose sync history are the deployments (read from the "
        "cluster, or picked from a saved --deployments file).",
    ),
    argocd_namespace: str = typer.Option(
        "argocd", "--argocd-namespace", help="Namespace of the --argocd-app Application."
    ),
    kubeconfig: str = typer.Option(None, "--kubeconfig", help="For --argocd-app."),
    context: str = typer.Option(None, "--context", help="kubeconfig context for --argocd-app."),
    incidents: list[Path] = typer.Option(
        None, "--incidents", help="Incidents file: DevLake or PagerDuty (JSON/JSONL/CSV)."
    ),
    env: str = typer.Option("production", "--env", help="Which environment counts."),
    since: str = typer.Option(None, "--since", help="Start of the window (date)."),
    until: str = typer.Option(None, "--until", help="End of the window, exclusive (default now)."),
    window: str = typer.Option(None, "--window", help="Window length before --until: 90d, 12w."),
    service: list[str] = typer.Option(
        None, "--service", help="Only these services (records without one: the repo's name)."
    ),
    service_path: list[str] = typer.Option(
        None,
        "--service-path",
        help="NAME=PATH: only commits touching PATH count for service NAME. Repeatable.",
    ),
    group_by: str = typer.Option(
        None,
        "--group-by",
        help="service, or team (each service's Component owner in the Backstage catalog).",
    ),
    benchmark: str = typer.Option("2024", "--benchmark", help="DORA benchmark year: 2023, 2024."),
    explain: bool = typer.Option(
        False, "--explain", help="List every deployment, commit, incident and exclusion."
    ),
    fmt: str = typer.Option(
        "text", "--format", "-f", help="text, json, csv, markdown, prometheus or html."
    ),
    output: str = typer.Option(None, "--output", "-o", help="Write the report to FILE."),
) -> None:
    """Deployment frequency, lead time for changes, change failure rate, failed deployment
    recovery time and rework rate, each with its DORA performance band and a weekly trend.

    Exit 0 with a report (also when the window has no deployments), 2 on bad options or a
    malformed input file (file:line), 3 when git or the cluster is unavailable.
    """
    from platformctl.cli import render
    from platformctl.core import reports
    from platformctl.core.errors import UsageError
    from platformctl.core.metrics import collect
    from platformctl.core.metrics.report import build

    reports.check_format(fmt)
    if output and output != "-" and Path(output).is_dir():
        raise UsageError(f"cannot write the report to {output}: it is a folder")
    start, end = collect.parse_window(since=since, until=until, window=window)
    sources = collect.Sources(
        repo=repo,
        deploy_tags=deploy_tags,
        deployments=list(deployments or []),
        argocd_app=argocd_app,
        argocd_namespace=argocd_namespace,
        kubeconfig=kubeconfig,
        context=context,
        incidents=list(incidents or []),
        service=service[0] if service and len(service) == 1 else None,
    )
    result, inputs = collect.dora(
        sources,
        since=start,
        until=end,
        environment=env,
        services=tuple(service or ()),
        service_paths=collect.parse_service_paths(list(service_path or [])),
        group_by=group_by,
        benchmark=benchmark,
    )
    from platformctl.core.metrics.teams import NO_OWNER

    unowned = [
        s for g in result.groups if g.name == NO_OWNER and g.by == "team" for s in g.services
    ]
    if unowned:
        render.warn(
            f"no owner in the Backstage catalog for {', '.join(unowned)} "
            "(looked up as component:default/<service>)"
        )
    if result.empty:
        render.info(
            f"no deployments in window {start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M} UTC "
            f"({env}; sources: {', '.join(inputs.kinds)})"
        )
        if fmt == "text" and not explain:
            raise typer.Exit(0)
    if explain and fmt in ("csv", "prometheus"):
        render.warn(
            f"--explain detail is not part of the {fmt} format; use text, markdown, "
            "json or html to see it"
        )
    doc = build(result, explain=explain)
    if explain and inputs.skipped:
        from platformctl.core.reports import Table

        doc.details.append(
            Table("Skipped input records", ["source", "why"], [list(s) for s in inputs.skipped])
        )
    doc.headline.append(f"sources: {', '.join(inputs.kinds)}")
    try:
        render.emit(reports.render(doc, fmt), output)
    except OSError as exc:
        raise UsageError(
            f"cannot write the report to {output}: {exc.strerror or exc}",
            hint="pass --output a file path in a folder you can write to",
        ) from exc
    if output and output != "-":
        render.info(f"wrote {output}: {doc.headline[0] if doc.headline else doc.title}")
