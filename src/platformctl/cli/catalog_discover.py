"""`platformctl catalog discover`: catalog entities from what runs in the cluster."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from platformctl.cli import render

FORMATS = ("text", "json", "markdown")


def discover(
    namespace: str | None = typer.Option(
        None, "--namespace", "-n", help="Only this namespace (default: the context's)."
    ),
    all_namespaces: bool = typer.Option(False, "--all-namespaces", "-A", help="Every namespace."),
    selector: str | None = typer.Option(
        None, "--selector", "-l", help="Label selector for workloads and claims, e.g. team=x."
    ),
    context: str | None = typer.Option(None, "--context", help="kubeconfig context to use."),
    kubeconfig: str | None = typer.Option(None, "--kubeconfig", metavar="FILE"),
    output_dir: Path | None = typer.Option(
        None, "--output-dir", metavar="DIR", help="Write one NAMESPACE.catalog.yaml per namespace."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", metavar="FILE", help="Write every entity to one file."
    ),
    force: bool = typer.Option(False, "--force", help="Replace files that exist."),
    diff: bool = typer.Option(
        False, "--diff", help="Compare with the live Backstage catalog: orphans both ways."
    ),
    fmt: str = typer.Option("text", "--format", "-f", help="Summary: text, json or markdown."),
) -> None:
    """Generate Component and Resource entities from the workloads and claims in the cluster.

    Deployments, StatefulSets and CronJobs become Components, claims of the platform's claim
    types Resources; a workload dependsOn the claims whose connection secret it mounts. Owner,
    lifecycle and system follow documented rules (docs/reference/discover.md) that `discover:`
    in platform.yaml can override. Every entity is validated with the Backstage-exact validator
    before it is written; invalid ones are reported and left out. Without --output/--output-dir
    the YAML goes to stdout. Exit 1 when an entity is invalid or --diff finds drift.
    """
    from platformctl.core import config as config_mod
    from platformctl.core.catalog import discover_run
    from platformctl.core.errors import EXIT_PROBLEMS, UsageError

    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}", hint="use " + ", ".join(FORMATS))
    discover_run.check_options(
        output=output, output_dir=output_dir, namespace=namespace, all_namespaces=all_namespaces
    )
    cfg = config_mod.load(overrides={"provision.context": context} if context else None)
    run = discover_run.run(
        cfg,
        kubeconfig=kubeconfig,
        context=context,
        namespace=namespace,
        all_namespaces=all_namespaces,
        selector=selector,
        output=output,
        output_dir=output_dir,
        force=force,
        diff=diff,
    )
    found, scope, good, invalid = run.found, run.scope, run.good, run.invalid
    files, drift = run.files, run.drift
    where = "every namespace" if scope is None else f"namespace {scope}"
    if fmt == "json":
        payload = {
            "version": 1,
            "scope": scope,
            "entities": [
                {"ref": d.ref, "source": d.source, "namespace": d.namespace, "entity": d.entity}
                for d in good
            ],
            "invalid": [
                {"ref": i.discovered.ref, "source": i.discovered.source, "errors": i.messages}
                for i in invalid
            ],
            "files": [str(p) for p in files],
            "drift": drift.to_json() if drift else None,
            "notes": found.notes,
        }
        render.emit(json.dumps(payload, indent=2) + "\n")
    else:
        if not files and fmt == "text":
            render.emit(run.text)
        summary = _summary(found, good, invalid, files, drift, where, markdown=fmt == "markdown")
        if fmt == "markdown":
            render.emit(summary)
        else:
            for line in summary.splitlines():
                render.info(line)
    if run.problems:
        raise typer.Exit(EXIT_PROBLEMS)


def _summary(found, good, invalid, files, drift, where, *, markdown: bool) -> str:  # noqa: ANN001
    bullet = "- " if markdown else "  "
    lines = [
        ("# Catalog discovery\n\n" if markdown else "")
        + f"Discovered {len(good)} valid entit{'y' if len(good) == 1 else 'ies'} in {where}"
        + (f", {len(invalid)} invalid (not written)" if invalid else "")
    ]
    for path in files:
        lines.append(f"{bullet}wrote {path}")
    for item in invalid:
        lines.append(f"{bullet}invalid {item.discovered.ref} ({item.discovered.source}): "
                     + "; ".join(item.messages))  # fmt: skip
    if drift is not None:
        sections = (
            ("Running but not in the catalog", drift.not_in_catalog),
            ("In the catalog but not running", drift.not_running),
            (
                "Owner not in the catalog",
                [f"{e} (owner {o})" for e, o in drift.unresolved_owners],
            ),
        )
        for title, items in sections:
            lines.append(("\n## " if markdown else "") + f"{title}: {len(items)}")
            lines += [f"{bullet}{item}" for item in items]
    lines += [f"{bullet}note: {n}" for n in found.notes]
    return "\n".join(lines) + "\n"
