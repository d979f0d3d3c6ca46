"""`platformctl update [PATH]`: pull golden-path changes into a repository (copier update)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from platformctl.cli import render

app = typer.Typer(add_completion=False, rich_markup_mode=None)


@app.command(
    "update",
    help=(
        "Pull golden-path changes into this repository (copier update: 3-way merge, conflicts "
        "inline).\n\nPATH is the repository (default: the current folder); its working tree must "
        "be clean. Exit 1 when the update leaves conflicts, or with --check when the repository "
        "is behind its golden path."
    ),
    context_settings={"help_option_names": ["-h", "--help"]},
)
def update(
    path: Path = typer.Argument(Path("."), help="The repository (default: current folder)."),
    check: bool = typer.Option(
        False, "--check", help="Only report whether the repository is behind (exit 1 when it is)."
    ),
    fmt: str = typer.Option("text", "--format", help="Output of --check: text or json."),
    to: str | None = typer.Option(
        None, "--to", metavar="VERSION", help="Update to this version (default: latest)."
    ),
    pretend: bool = typer.Option(
        False, "--pretend", help="Show what would change; change nothing."
    ),
    trust: bool = typer.Option(
        False, "--trust", help="Allow tasks and migrations of a golden path that is not bundled."
    ),
    no_input: bool = typer.Option(False, "--no-input", help="Never prompt for new questions."),
    data: list[str] = typer.Option(
        [],
        "--data",
        "-d",
        metavar="KEY=VALUE",
        help="Answer a question the new version asks (repeatable).",
    ),
) -> None:
    from platformctl.cli.app import get_context
    from platformctl.core.errors import ProblemsFound, UsageError
    from platformctl.core.scaffold import update as update_mod
    from platformctl.core.scaffold.create import parse_data

    if fmt not in ("text", "json"):
        raise UsageError(f"unknown format {fmt!r}", hint="use --format text or --format json")
    if check:
        status = update_mod.check_drift(path)
        if not status.versioned:
            raise UsageError(
                f"{path} was created from an unversioned copy of golden path {status.golden_path}",
                hint="only repositories created from a released golden path (or a git source "
                "with tags) can be checked and updated",
            )
        if fmt == "json":
            render.emit(json.dumps({"version": 1, **status.to_json()}, indent=2) + "\n")
        else:
            state = "behind" if status.behind else "up to date"
            lines = [f"{status.golden_path}: {status.current} (latest {status.latest}) - {state}"]
            lines += [f"  {line}" for line in status.changelog]
            if status.behind:
                lines.append("run platformctl update to apply")
            render.emit("\n".join(lines) + "\n")
        raise typer.Exit(1 if status.behind else 0)

    answers = parse_data(data)
    ctx = get_context()
    result = update_mod.update(
        path,
        data=dict(answers),
        to=to,
        pretend=pretend,
        trust=trust,
        interactive=ctx.interactive and not no_input,
        quiet=ctx.verbose == 0,
    )
    if result.up_to_date and not result.changed:
        render.info(f"{result.golden_path} is up to date ({result.from_version})")
        return
    verb = "would update" if result.pretend else "updated"
    render.info(f"{verb} {result.golden_path} {result.from_version} -> {result.to_version}")
    for rel in result.changed:
        mark = "!" if rel in result.conflicts else " "
        render.info(f" {mark} {rel}")
    removed = "would remove" if result.pretend else "removed"
    for rel in result.dropped_edits:
        render.warn(
            f"{rel} had local changes and the new version {removed} it (moved or deleted in the "
            f"golden path): carry them over by hand (git show HEAD:{rel})"
        )
    if result.conflicts:
        files = ", ".join(result.conflicts)
        if result.pretend:
            raise ProblemsFound(
                f"the update would leave conflicts in: {files}",
                hint="run platformctl update, then resolve the <<<<<<< / >>>>>>> markers",
            )
        raise ProblemsFound(
            f"the update left conflicts in: {files}",
            hint="resolve the <<<<<<< / >>>>>>> markers, then git add and commit",
        )
    if not result.pretend:
        render.info("review with git diff, then commit")
