"""Generate docs/reference/cli.md from the Typer app (`nox -s docs`); a test checks for drift.

    python docs/gen_cli_reference.py           # print
    python docs/gen_cli_reference.py --write   # write docs/reference/cli.md
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
import typer

TARGET = Path(__file__).resolve().parent / "reference" / "cli.md"


def _walk(command: click.Command, path: list[str], out: list[str]) -> None:
    ctx = click.Context(command, info_name=" ".join(path), terminal_width=100, max_content_width=100)
    out.append(f"{'#' * min(len(path) + 1, 4)} `{' '.join(path)}`\n")
    out.append("```text")
    out.append(command.get_help(ctx).rstrip())
    out.append("```\n")
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                _walk(sub, [*path, name], out)


def generate() -> str:
    from platformctl.cli.app import app

    root = typer.main.get_command(app)
    out = [
        "# CLI reference",
        "",
        "Generated from the Typer app by `docs/gen_cli_reference.py` (`nox -s docs`). Do not edit.",
        "",
    ]
    _walk(root, ["platformctl"], out)
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    text = generate()
    if "--write" in sys.argv:
        TARGET.write_text(text, encoding="utf-8")
        print(f"wrote {TARGET}")
    else:
        sys.stdout.write(text)
