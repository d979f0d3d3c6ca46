"""Root Typer app. Sub-commands are registered by name and imported only when used, so
``platformctl --help`` and ``platformctl check`` start fast (DESIGN.md §1)."""

from __future__ import annotations

import importlib
import os
import sys
from dataclasses import dataclass, field
from typing import Any

import click
import typer
from typer.core import TyperGroup

from platformctl import __version__

# name -> (module, attribute, one-line help). The attribute is a typer.Typer (a group) or a
# plain function (a single command).  Help text lives here so --help needs no imports.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "new": ("platformctl.cli.new", "app", "Create a repository from a golden path."),
    "update": ("platformctl.cli.update", "app", "Pull golden-path changes into this repository."),
    "catalog": ("platformctl.cli.catalog", "app", "Validate and manage Backstage catalog files."),
    "check": ("platformctl.cli.check", "app", "Score this repository against its scorecards."),
    "provision": (
        "platformctl.cli.provision",
        "app",
        "Request infrastructure via Crossplane claims.",
    ),
    "metrics": (
        "platformctl.cli.metrics",
        "app",
        "DORA metrics from git history, deployments and incidents.",
    ),
    "fleet": (
        "platformctl.cli.fleet",
        "app",
        "Status, checks and template updates across many repositories.",
    ),
    "survey": (
        "platformctl.cli.survey",
        "app",
        "Developer-experience surveys: template, NPS and satisfaction.",
    ),
    "assess": (
        "platformctl.cli.assess",
        "app",
        "Assess the platform's maturity (CNCF model) with evidence.",
    ),
    "dashboard": (
        "platformctl.cli.dashboard",
        "app",
        "Export the platform metrics dashboard for Grafana.",
    ),
    "config": ("platformctl.cli.config", "app", "Show the merged configuration and its sources."),
    "golden-path": ("platformctl.cli.golden_path", "app", "Export golden paths to Backstage."),
    "cost": ("platformctl.cli.cost", "app", "Price claims: showback by team and system."),
}


@dataclass
class AppContext:
    """Built once in the root callback and passed to every command (ctx.obj)."""

    verbose: int = 0
    debug: bool = False
    no_color: bool = False
    warned: set[str] = field(default_factory=set)  # configuration warnings already shown

    @property
    def interactive(self) -> bool:
        """May we prompt? Only when stdin and stdout are terminals."""
        return sys.stdin.isatty() and sys.stdout.isatty()


def _module_available(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


class LazyGroup(TyperGroup):
    """A click group whose sub-commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        eager = super().list_commands(ctx)
        lazy = [name for name, (mod, _, _) in COMMANDS.items() if _module_available(mod)]
        return sorted(set(eager) | set(lazy), key=lambda n: (n not in COMMANDS, n))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS:
            module_name, attribute, help_text = COMMANDS[cmd_name]
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name == module_name:
                    return None
                raise
            target = getattr(module, attribute)
            command = typer.main.get_command(target) if isinstance(target, typer.Typer) else target
            _plain(command)
            command.name = cmd_name
            if not command.help:
                command.help = help_text
            return command
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            if name in COMMANDS:
                rows.append((name, COMMANDS[name][2]))
            else:
                cmd = super().get_command(ctx, name)
                if cmd is not None and not cmd.hidden:
                    rows.append((name, cmd.get_short_help_str(limit=formatter.width)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _plain(command: click.Command) -> None:
    """One help style everywhere: click's plain help (no Rich import at --help), no
    per-sub-app shell-completion options, -h as well as --help."""
    if hasattr(command, "rich_markup_mode"):
        command.rich_markup_mode = None
    command.params = [
        p for p in command.params if p.name not in ("install_completion", "show_completion")
    ]
    settings = command.context_settings
    settings.setdefault("help_option_names", ["-h", "--help"])
    if command.help and not command.short_help:
        # A group's command list shows short_help whole (wrapped); without one click cuts the
        # first paragraph at ~45 characters with "...".
        command.short_help = _summary(command.help)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _plain(sub)


def _summary(help_text: str) -> str:
    """The first paragraph of a help text, on one line (click's ``\f`` ends the help)."""
    first = help_text.split("\f", 1)[0].strip().split("\n\n", 1)[0]
    return " ".join(first.split())


app = typer.Typer(
    cls=LazyGroup,
    name="platformctl",
    help="The command-line front door of the internal developer platform.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"platformctl {__version__}")
        raise typer.Exit(0)


@app.callback()
def root(
    ctx: typer.Context,
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
    verbose: int = typer.Option(
        0, "--verbose", "-v", count=True, help="More detail (-vv: more).", show_default=False
    ),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors."),
    no_color: bool = typer.Option(False, "--no-color", help="Plain output without colour."),
) -> None:
    if no_color:
        os.environ["NO_COLOR"] = "1"
    ctx.obj = AppContext(verbose=verbose, debug=debug, no_color=no_color)
    if debug:
        os.environ["PLATFORMCTL_DEBUG"] = "1"


def get_context(ctx: click.Context | None = None) -> AppContext:
    ctx = ctx or click.get_current_context(silent=True)
    while ctx is not None:
        if isinstance(ctx.obj, AppContext):
            return ctx.obj
        ctx = ctx.parent
    return AppContext()


def load_config(**kwargs: Any) -> Any:
    """``core.config.load`` for a command: its warnings (unknown keys, with file:line and a
    did-you-mean) go to stderr, each once per run however often the command loads."""
    from platformctl.cli import render
    from platformctl.core import config as config_mod

    cfg = config_mod.load(**kwargs)
    shown = get_context().warned
    for warning in cfg.warnings:
        text = str(warning)
        if text in shown:
            continue
        shown.add(text)
        render.warn(text)
        if warning.hint:
            render.info(f"hint: {warning.hint}")
    return cfg


def main(argv: list[str] | None = None) -> Any:
    """Console entry point: the error boundary lives in platformctl.__main__."""
    from platformctl.__main__ import main as boundary

    return boundary(argv)
