"""`platformctl catalog ...`: the catalog sub-app. Each command lives in its own module and is
registered here; their heavy imports stay inside the command bodies."""

from __future__ import annotations

import typer

app = typer.Typer(help="Validate and manage Backstage catalog files.", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """Validate and manage Backstage catalog files."""


# The commands live in their own modules, which know nothing of this app (no import cycle);
# they are registered here, in the order --help lists them.
from platformctl.cli import catalog_discover, catalog_remote, catalog_validate  # noqa: E402

app.command("validate")(catalog_validate.validate)
app.command("register")(catalog_remote.register)
app.command("get")(catalog_remote.get)
app.command("unregister")(catalog_remote.unregister)
app.command("pull")(catalog_remote.pull)
app.command("init")(catalog_remote.init)
app.command("discover")(catalog_discover.discover)
