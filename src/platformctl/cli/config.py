"""`platformctl config show`: the merged configuration and where each value came from."""

from __future__ import annotations

import json

import typer

from platformctl.cli import render

app = typer.Typer(help="Show the merged configuration and its sources.", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """Show the merged configuration and its sources."""


@app.command("show")
def show(
    fmt: str = typer.Option("text", "--format", help="text or json."),
) -> None:
    """Print every setting, its value and the layer (and file:line) it came from."""
    from platformctl.cli.app import load_config
    from platformctl.core import config as config_mod
    from platformctl.core.errors import UsageError

    cfg = load_config()
    secrets = config_mod.secret_status()
    if fmt == "json":
        payload = {
            "version": 1,
            "settings": {
                key: {"value": value, "source": str(source)} for key, value, source in cfg.items()
            },
            "platforms": [
                {"name": p.name, "path": str(p.root), "embedded": p.embedded} for p in cfg.platforms
            ],
            "repository": str(cfg.repo_root) if cfg.repo_root else None,
            "secrets": secrets,
        }
        render.emit(json.dumps(payload, indent=2, default=str) + "\n")
        return
    if fmt != "text":
        raise UsageError(f"unknown format {fmt!r}", hint="use --format text or --format json")
    rows = [
        [key, "" if value is None else str(value), str(source)]
        for key, value, source in cfg.items()
    ]
    rows += [[name, state, "environment (secret, never shown)"] for name, state in secrets.items()]
    render.table(["setting", "value", "source"], rows, title="platformctl configuration")
