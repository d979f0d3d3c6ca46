"""`platformctl catalog ...`: the catalog sub-app. Each command lives in its own module and is
registered here; their heavy imports stay inside the command bodies."""

from __future__ import annotations

import typer

app = typer.Typer(help="Validate and manage Backstage catalog files.", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """Validate and manage Backstage catalog files."""


# Commands register themselves on `app` when their module is imported.
from platformctl.cli import catalog_validate  # noqa: E402,F401

# isort: split
from platformctl.cli import catalog_remote  # noqa: E402,F401

# isort: split
from platformctl.cli import catalog_discover  # noqa: E402,F401
