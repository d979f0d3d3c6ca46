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
    name: str | None = typer.Argument(
        None, help="Golden path name or alias (see new --list).", show_default=False
    ),
    all_paths: bool = typer.Option(
        False,
        "--all",
        help="Every golden path: DIR/NAME/template.yaml, the action, and a catalog-info.yaml "
        "Location that registers them all.",
    ),
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
    """Write a Backstage scaffolder Template (scaffolder.backstage.io/v1beta3) for a golden path
    (or for every one with --all).

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
    if (name is None) == (not all_paths):
        raise UsageError(
            "name one golden path, or pass --all",
            hint="platformctl golden-path export-backstage python-service --output DIR",
        )
    exported = export_mod.export_to(
        load_registry(config_mod.load()),
        name,
        output,
        owner=owner,
        template_type=template_type,
        force=force,
    )
    results, written = exported.exports, exported.written
    for result in results:
        for note in result.notes:
            render.info(f"note: {result.golden_path}: {note}" if all_paths else f"note: {note}")
    if fmt == "json":
        summaries = [export_mod.summary(r) for r in results]
        payload = {
            "version": 1,
            **(summaries[0] if name is not None else {"golden_paths": summaries}),
            "files": [str(p) for p in written],
        }
        render.emit(json.dumps(payload, indent=2) + "\n")
        return
    for path in written:
        render.emit(f"{path}\n")
    names = ", ".join(r.golden_path for r in results)
    render.info(
        f"Exported {names} as Backstage Templates; install "
        f"{export_mod.ACTION_FILE} in the Backstage backend once "
        "(docs/how-to/backstage-templates.md)"
    )
