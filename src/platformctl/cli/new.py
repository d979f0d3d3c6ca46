"""`platformctl new [GOLDEN_PATH] [NAME]`: create a repository from a golden path."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer

from platformctl.cli import render

app = typer.Typer(add_completion=False, rich_markup_mode=None)


@app.command(
    "new",
    help=(
        "Create a repository from a golden path (a copier template).\n\n"
        "GOLDEN_PATH is a name or alias from --list (asked on a terminal when omitted). "
        "NAME is the repository name (lowercase letters, digits, '-', at most 63); the "
        "repository is created at ./NAME or --dest DIR, committed with git, and optionally "
        "pushed with --remote. Without a terminal, or with --no-input, every question without "
        "a default must be answered with --data/--data-file."
    ),
    context_settings={"help_option_names": ["-h", "--help"]},
)
def new(
    golden_path: str | None = typer.Argument(
        None,
        metavar="[GOLDEN_PATH]",
        help="Golden path name or alias (see --list).",
        show_default=False,
    ),
    name: str | None = typer.Argument(
        None,
        metavar="[NAME]",
        help="Repository name: lowercase letters, digits, '-'.",
        show_default=False,
    ),
    list_: bool = typer.Option(False, "--list", help="List the golden paths and exit."),
    fmt: str = typer.Option("text", "--format", help="Output of --list: text or json."),
    dest: Path | None = typer.Option(
        None, "--dest", help="Create the repository here instead of ./NAME."
    ),
    data: list[str] = typer.Option(
        [], "--data", "-d", metavar="KEY=VALUE", help="Answer a question (repeatable)."
    ),
    data_file: Path | None = typer.Option(None, "--data-file", help="YAML file of answers."),
    defaults: bool = typer.Option(
        False, "--defaults", help="Use the default for every unanswered question."
    ),
    no_input: bool = typer.Option(
        False, "--no-input", help="Never prompt; missing answers are an error."
    ),
    force: bool = typer.Option(False, "--force", help="Write into a non-empty destination."),
    no_git: bool = typer.Option(False, "--no-git", help="Do not create a git repository."),
    author: str | None = typer.Option(
        None, "--author", help='Author of the first commit: "Name <email>" (default: git config).'
    ),
    remote: str | None = typer.Option(
        None, "--remote", metavar="URL", help="Add origin and push main."
    ),
    trust: bool = typer.Option(
        False, "--trust", help="Allow tasks and migrations of a golden path that is not bundled."
    ),
    ref: str | None = typer.Option(
        None, "--ref", metavar="VERSION", help="Golden path version (default: latest)."
    ),
    register: bool = typer.Option(
        False,
        "--register",
        help="Register the new repository's catalog-info.yaml in Backstage (the file's URL on "
        "the --remote forge, else the local file).",
    ),
    register_timeout: float = typer.Option(
        120.0, "--register-timeout", metavar="SECONDS", help="How long to wait for the entities."
    ),
) -> None:
    from platformctl.cli.app import get_context, load_config
    from platformctl.core.errors import UsageError
    from platformctl.core.scaffold import create as create_mod
    from platformctl.core.scaffold.registry import load_registry

    if fmt not in ("text", "json"):
        raise UsageError(f"unknown format {fmt!r}", hint="use --format text or --format json")
    cfg = load_config()
    registry = load_registry(cfg)
    if list_:
        _print_list(registry, fmt)
        return
    ctx = get_context()
    interactive = ctx.interactive and not no_input
    if golden_path is None:
        if not registry.paths:
            raise UsageError(
                "no golden paths are available", hint="check your platform's golden_paths"
            )
        if not interactive:
            raise UsageError(
                "missing GOLDEN_PATH",
                hint="platformctl new GOLDEN_PATH NAME; available: " + _available(registry),
            )
        from platformctl.cli import prompts

        golden_path = prompts.select(
            "Which golden path?",
            [(p.name, f"{p.name} - {p.title}") for p in registry.entries()],
        )
    path = registry.resolve(golden_path)

    answers: dict[str, object] = {}
    if data_file is not None:
        answers.update(create_mod.load_data_file(data_file))
    answers.update(create_mod.parse_data(data))
    if name is None and "name" not in answers and interactive:
        from platformctl.cli import prompts

        def _valid(value: str) -> str | None:
            try:
                create_mod.validate_name(value)
            except UsageError as exc:
                return exc.message
            return None

        name = prompts.text("Repository name:", validate=_valid)
    elif name is not None:
        create_mod.validate_name(name)

    backstage_config = None
    if register:
        # Fail before anything touches the disk when Backstage is not configured.
        from platformctl.core.backstage import workflows

        backstage_config = load_config()
        workflows.check_configured(backstage_config)

    label = f"golden path {path.name}" + (f" {path.version}" if path.version else "")
    # The progress line appears only once every check has passed (create enters it).
    result = create_mod.create(
        registry,
        path.name,
        name,
        dest=dest,
        data=answers,
        defaults=defaults,
        interactive=interactive,
        force=force,
        git=not no_git,
        author=author,
        remote=remote,
        trust=trust,
        ref=ref,
        quiet=ctx.verbose == 0,
        progress=lambda: _progress(
            f"Creating from {label} ...", quiet_prompts=defaults or not interactive
        ),
        config=cfg,
    )
    for warning in result.warnings:
        _say(f"warning: {warning}", warn=True)
    version = f" {result.version}" if result.version else ""
    _say(f"Created {result.destination} from golden path {result.golden_path}{version}")
    if result.commit:
        pushed = f", pushed to {result.remote}" if result.remote else ""
        _say(f"  git: initial commit {result.commit[:8]} on {result.branch}{pushed}")
    for chosen in result.identity_defaults:
        _say(f"  {chosen.question}: {chosen.value} (from {chosen.source})")
        if chosen.question == "owner" and chosen.value.startswith("user:"):
            _say(
                "    a team should own a service: pass --data owner=group:default/<team> "
                "(or set defaults.owner in your platformctl config)"
            )
    if backstage_config is not None:
        _register(backstage_config, result, timeout=register_timeout)
    _say("Next steps:")
    for step in result.next_steps:
        _say(f"  {step}")


def _register(config: object, result: object, *, timeout: float) -> None:
    """Register the created repository's catalog file; the repository stays if this fails."""
    from platformctl.core.backstage import workflows
    from platformctl.core.config import Config
    from platformctl.core.errors import PlatformError
    from platformctl.core.scaffold.create import CreateResult

    assert isinstance(config, Config) and isinstance(result, CreateResult)
    target = workflows.registration_target(result.remote, result.branch, result.destination)
    if target is None:
        target = str(result.destination / "catalog-info.yaml")
        render.warn(
            "registering the local file: Backstage must be allowed to read file locations "
            "(push to a forge with --remote to register its URL instead)"
        )
    try:
        registered = workflows.register(
            target, config=config, wait=True, timeout=timeout, progress=render.info
        )
    except PlatformError as exc:
        render.warn(f"{result.destination} was created, but registering it in Backstage failed")
        raise exc
    state = "already registered" if registered.existed else "registered"
    render.info(f"Backstage: {state} {registered.location.target}")
    for ref, link in registered.links.items():
        render.info(f"  {ref}  {link}")


@contextmanager
def _progress(message: str, *, quiet_prompts: bool) -> Iterator[None]:
    """A spinner on a terminal when nothing will be asked; a plain line otherwise."""
    if quiet_prompts and sys.stderr.isatty():
        with render.err().status(message):
            yield
        return
    _say(message)
    yield


def _say(line: str, *, warn: bool = False) -> None:
    """A line of chatter on stderr.  Off a terminal (CI, scripts, pipes) Rich would print exactly
    these characters (no colour, no markup, no wrapping) and importing it costs ~5% of a whole
    `platformctl new`, so plain lines are written directly there."""
    if sys.stderr.isatty():
        if warn:
            render.warn(line.removeprefix("warning: "))
        else:
            render.info(line)
        return
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def _available(registry: object) -> str:
    from platformctl.core.scaffold.registry import Registry

    assert isinstance(registry, Registry)
    parts = []
    for path in registry.entries():
        aliases = [a for a, n in registry.aliases.items() if n == path.name]
        parts.append(path.name + (f" (alias {', '.join(sorted(aliases))})" if aliases else ""))
    return ", ".join(parts) or "(none)"


def _print_list(registry: object, fmt: str) -> None:
    from platformctl.core.scaffold.registry import Registry

    assert isinstance(registry, Registry)
    paths = registry.entries()
    if fmt == "json":
        payload = {"version": 1, "golden_paths": [p.to_json() for p in paths]}
        render.emit(json.dumps(payload, indent=2) + "\n")
        return
    rows = [("NAME", "VERSION", "ALIASES", "ORIGIN", "DESCRIPTION")]
    for p in paths:
        aliases = sorted({*p.aliases, *(a for a, n in registry.aliases.items() if n == p.name)})
        rows.append((p.name, p.version or "-", ",".join(aliases) or "-", p.origin, p.title))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    lines = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(r[:-1])) + "  " + r[-1]
        for r in rows
    ]
    render.emit("\n".join(line.rstrip() for line in lines) + "\n")
