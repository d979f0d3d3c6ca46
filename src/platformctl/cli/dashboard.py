"""`platformctl dashboard export`: the Grafana dashboard for the metrics platformctl writes.
Calls core.insights.dashboard and writes its JSON."""

from __future__ import annotations

import typer

app = typer.Typer(help="The platform metrics dashboard.", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """The platform metrics dashboard (Grafana)."""


@app.command("export")
def export(
    output: str = typer.Option(None, "--output", "-o", help="Write the dashboard to FILE."),
    title: str = typer.Option("Platform", "--title", help="The dashboard's title."),
) -> None:
    """Write a Grafana dashboard (JSON, schemaVersion 39) with platform adoption, golden-path
    compliance, the fleet, self-service requests and their cost, DORA keys, developer NPS and
    satisfaction, and maturity levels.

    Its queries use only the metric names platformctl writes with --format prometheus (check,
    fleet, cost report, metrics dora, survey analyze, assess; see docs/reference/metrics.md).
    Import it in Grafana (Dashboards > New > Import) and pick the Prometheus data source that
    scrapes them.
    """
    import json
    from pathlib import Path

    from platformctl.cli import render
    from platformctl.core.errors import UsageError
    from platformctl.core.insights import dashboard

    model = dashboard.build(title=title)
    if output and output != "-" and Path(output).is_dir():
        raise UsageError(f"cannot write to {output}: it is a folder")
    try:
        render.emit(json.dumps(model, indent=2) + "\n", output)
    except OSError as exc:
        raise UsageError(
            f"cannot write to {output}: {exc.strerror or exc}",
            hint="pass --output a file path in a folder you can write to",
        ) from exc
    if output and output != "-":
        render.info(f"wrote {output}: {len(model['panels'])} panels")
