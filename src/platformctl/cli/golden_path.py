"""`platformctl golden-path export-backstage NAME --output DIR`: a golden path as a Backstage
Template (the portal's front-end to the same copier template `platformctl new` renders)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from platformctl.cli import render

app = typer.Typer(help="Work with golden paths.", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """Work with golden paths (see `platformctl new --list`)."""


@app.command("export-backstage")
def export_backstage(
    name: str = typer.Argument(..., help="Golden path name or alias (see new --list)."),
    output: Path = typer.Option(
        ..., "--output", "-o", metavar="DIR", help="Folder for template.yaml and the action."
    ),
    owner: str = typer.Option(
        "group:default/platform-team", "--owner", help="spec.owner of the Template entity."
    ),
    template_type: str = typer.Option(
        "service", "--type", help="spec.type of the Template (service, website, library...)."
    ),
    force: bool = typer.Option(False, "--force", help="Replace files already in DIR."),
    fmt: str = typer.Option("text", "--format", help="Summary on stdout: text or json."),
) -> None:
    """Write a Backstage scaffolder Template (scaffolder.backstage.io/v1beta3) for a golden path.

    DIR/template.yaml asks the golden path's copier questions as form pages and runs the custom
    scaffolder action platformctl:new (DIR/platformctl-new-action.js, to install in the Backstage
    backend), then publish:github and catalog:register. Notes on what the form cannot express
    (copier still checks it when the template runs) go to stderr.
    """
    from platformctl.core import config as config_mod
    from platformctl.core.errors import UsageError
    from platformctl.core.scaffold import export as export_mod
    from platformctl.core.scaffold.registry import load_registry

    if fmt not in ("text", "json"):
        raise UsageError(f"unknown format {fmt!r}", hint="use --format text or --format json")
    registry = load_registry(config_mod.load())
    result = export_mod.export_backstage(registry, name, owner=owner, template_type=template_type)
    written = export_mod.write_export(result, output, force=force)
    for note in result.notes:
        render.info(f"note: {note}")
    if fmt == "json":
        payload = {
            "version": 1,
            **export_mod.summary(result),
            "files": [str(p) for p in written],
        }
        render.emit(json.dumps(payload, indent=2) + "\n")
        return
    for path in written:
        render.emit(f"{path}\n")
    render.info(
        f"Exported golden path {result.golden_path} as a Backstage Template; install "
        f"{export_mod.ACTION_FILE} in the Backstage backend once "
        "(docs/how-to/backstage-templates.md)"
    )
