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
    ctx = click.Context(
        command,
        info_name=" ".join(path),
        terminal_width=100,
        max_content_width=100,
        **command.context_settings,
    )
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


def root_help() -> str:
    """Click's help for `platformctl --help` at its default width (served by the fast path)."""
    from platformctl.cli.app import app

    root = typer.main.get_command(app)
    ctx = click.Context(root, info_name="platformctl", terminal_width=120, **root.context_settings)
    return root.get_help(ctx) + "\n"


def root_help_path() -> Path:
    from platformctl.__main__ import ROOT_HELP

    return Path(__file__).resolve().parent.parent / "src" / "platformctl" / "cli" / ROOT_HELP


if __name__ == "__main__":
    text = generate()
    if "--write" in sys.argv:
        TARGET.write_text(text, encoding="utf-8")
        root_help_path().write_text(root_help(), encoding="utf-8")
        print(f"wrote {TARGET} and {root_help_path()}")
    else:
        sys.stdout.write(text)
