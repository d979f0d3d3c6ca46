"""`platformctl fleet`: golden-path status, compliance and template updates across every
repository of the inventory.  Parses options, calls core.fleet, renders the report."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from platformctl.core.fleet.workflow import FleetRun, Selection

app = typer.Typer(
    help="Golden-path status, compliance and template updates across many repositories.",
    no_args_is_help=True,
)

INVENTORY_HELP = (
    "Where the repositories come from: a YAML or CSV file (url, owner, name), a text file "
    "(one git URL or path per line), a folder of clones, or 'backstage'. Repeatable."
)
FORMAT_HELP = "text, json, csv, markdown, prometheus or html."


@app.callback()
def _group() -> None:
    """Golden-path status, compliance and template updates across many repositories."""


def _inventory(
    sources: list[str],
    *,
    owner: str | None,
    system: str | None,
    lifecycle: str | None,
    kind: str,
    type_: str | None,
    shard: str | None,
) -> Selection:
    from platformctl.cli import render
    from platformctl.cli.app import load_config
    from platformctl.core.fleet import workflow

    selection = workflow.select(
        sources,
        cwd=Path.cwd(),
        config=lambda: load_config(cwd=Path.cwd()),
        owner=owner,
        system=system,
        lifecycle=lifecycle,
        kind=kind,
        type_=type_,
        shard=shard,
    )
    for ref, why in selection.skipped:
        render.warn(f"{ref}: not in the fleet ({why})")
    if selection.shard:
        index, total = selection.shard
        render.info(
            f"shard {index}/{total}: {len(selection.entries)} of {selection.listed} repositories"
        )
    return selection


@contextmanager
def _progress(total: int | None, what: str) -> Iterator[Callable[[Any], None]]:
    """A Rich progress bar on a terminal, one plain line per repository otherwise (stderr).
    ``total`` None: not known in advance (a pulsing bar)."""
    from platformctl.cli import render

    def line(outcome: Any) -> None:
        data = outcome.data or {}
        state = (
            f"failed: {outcome.error}"
            if outcome.error
            else data.get("result") or ("ok" if data else "not selected")
        )
        render.info(f"{what} {outcome.entry.name}: {state}")

    if not sys.stderr.isatty() or total == 0:
        yield line
        return
    from rich.progress import Progress

    with Progress(console=render.err(), transient=True) as bar:
        task = bar.add_task(what, total=total)

        def advance(outcome: Any) -> None:
            bar.advance(task)
            if outcome.error:
                bar.console.print(f"{outcome.entry.name}: failed: {outcome.error}", markup=False)

        yield advance


def _write(doc: Any, fmt: str, output: str | None) -> None:
    from platformctl.cli import render
    from platformctl.core import reports
    from platformctl.core.errors import UsageError

    try:
        render.emit(reports.render(doc, fmt), output)
    except OSError as exc:
        raise UsageError(
            f"cannot write the report to {output}: {exc.strerror or exc}",
            hint="pass --output a file path in a folder you can write to",
        ) from exc
    if output and output != "-":
        render.info(f"wrote {output}: {doc.headline[0] if doc.headline else doc.title}")


def _check_output(fmt: str, output: str | None) -> None:
    from platformctl.core import reports
    from platformctl.core.errors import UsageError

    reports.check_format(fmt)
    if output and output != "-" and Path(output).is_dir():
        raise UsageError(f"cannot write the report to {output}: it is a folder")


def _status(
    *,
    command: str,
    inventory: list[str],
    owner: str | None,
    system: str | None,
    lifecycle: str | None,
    kind: str,
    type_: str | None,
    shard: str | None,
    workers: int | None,
    cache: Path | None,
    resume: Path | None,
    fmt: str,
    output: str | None,
) -> FleetRun:
    from platformctl.core.fleet import workflow

    _check_output(fmt, output)
    selection = _inventory(
        inventory,
        owner=owner,
        system=system,
        lifecycle=lifecycle,
        kind=kind,
        type_=type_,
        shard=shard,
    )
    run = workflow.status(
        selection,
        command=command,
        workers=workers,
        cache=cache,
        resume=resume,
        progress=lambda total: _progress(total, "read"),
    )
    _write(run.doc, fmt, output)
    return run


# Options shared by the commands (typer needs them spelled out per command).
def _inv_opt() -> Any:
    return typer.Option([], "--inventory", "-i", metavar="SOURCE", help=INVENTORY_HELP)


def _owner_opt() -> Any:
    return typer.Option(None, "--owner", help="Catalog filter: only Components of this owner.")


@app.command("status")
def status_cmd(
    inventory: list[str] = _inv_opt(),
    owner: str = _owner_opt(),
    system: str = typer.Option(None, "--system", help="Catalog filter: only this system."),
    lifecycle: str = typer.Option(None, "--lifecycle", help="Catalog filter: this lifecycle."),
    kind: str = typer.Option("component", "--kind", help="Catalog filter: entity kind."),
    type_: str = typer.Option(None, "--type", help="Catalog filter: spec.type (service, ...)."),
    shard: str = typer.Option(
        None, "--shard", metavar="I/N", help="Only this share of the inventory (1-based)."
    ),
    workers: int = typer.Option(None, "--workers", "-j", help="Repositories in parallel."),
    cache: Path = typer.Option(
        None, "--cache", help="Clone cache folder (default: ~/.cache/platformctl/fleet)."
    ),
    resume: Path = typer.Option(
        None,
        "--resume",
        metavar="FILE",
        help="Keep repositories already read in this JSON results file; read the rest.",
    ),
    fmt: str = typer.Option("text", "--format", "-f", help=FORMAT_HELP),
    output: str = typer.Option(None, "--output", "-o", help="Write the report to FILE."),
) -> None:
    """Golden path, version, versions behind, scores, failing rules, last commit and owner of
    every repository, and the organisation's summary (adoption, versions, scores, the rules
    failing most, the owners with the most debt).

    Exit 0 with a report (also when some repositories could not be read: they are listed),
    2 on a bad option or a malformed inventory (file:line), 3 when the catalog is unreachable.
    """
    _status(
        command="fleet status",
        inventory=inventory,
        owner=owner,
        system=system,
        lifecycle=lifecycle,
        kind=kind,
        type_=type_,
        shard=shard,
        workers=workers,
        cache=cache,
        resume=resume,
        fmt=fmt,
        output=output,
    )


@app.command("check")
def check_cmd(
    inventory: list[str] = _inv_opt(),
    owner: str = _owner_opt(),
    system: str = typer.Option(None, "--system", help="Catalog filter: only this system."),
    lifecycle: str = typer.Option(None, "--lifecycle", help="Catalog filter: this lifecycle."),
    kind: str = typer.Option("component", "--kind", help="Catalog filter: entity kind."),
    type_: str = typer.Option(None, "--type", help="Catalog filter: spec.type (service, ...)."),
    shard: str = typer.Option(
        None, "--shard", metavar="I/N", help="Only this share of the inventory (1-based)."
    ),
    workers: int = typer.Option(None, "--workers", "-j", help="Repositories in parallel."),
    cache: Path = typer.Option(
        None, "--cache", help="Clone cache folder (default: ~/.cache/platformctl/fleet)."
    ),
    resume: Path = typer.Option(
        None,
        "--resume",
        metavar="FILE",
        help="Keep repositories already read in this JSON results file; read the rest.",
    ),
    fmt: str = typer.Option("text", "--format", "-f", help=FORMAT_HELP),
    output: str = typer.Option(None, "--output", "-o", help="Write the report to FILE."),
) -> None:
    """`platformctl check` in every repository, with each repository's own scorecards,
    waivers (.platformctl.yaml) and baseline (.platformctl-baseline.json).

    Exit 0 when every repository passes, 1 when any fails its check or could not be read,
    2 on a bad option or a malformed inventory.
    """
    run = _status(
        command="fleet check",
        inventory=inventory,
        owner=owner,
        system=system,
        lifecycle=lifecycle,
        kind=kind,
        type_=type_,
        shard=shard,
        workers=workers,
        cache=cache,
        resume=resume,
        fmt=fmt,
        output=output,
    )
    raise typer.Exit(1 if run.failed else 0)


@app.command("update")
def update_cmd(
    inventory: list[str] = _inv_opt(),
    owner: str = _owner_opt(),
    system: str = typer.Option(None, "--system", help="Catalog filter: only this system."),
    lifecycle: str = typer.Option(None, "--lifecycle", help="Catalog filter: this lifecycle."),
    kind: str = typer.Option("component", "--kind", help="Catalog filter: entity kind."),
    type_: str = typer.Option(None, "--type", help="Catalog filter: spec.type (service, ...)."),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Run each update in a throw-away clone; change nothing."
    ),
    to: str = typer.Option(
        None, "--to", metavar="VERSION", help="Target version (default: latest)."
    ),
    push: bool = typer.Option(False, "--push", help="Push each update branch to origin."),
    only: str = typer.Option(
        None, "--only", metavar="OWNER", help="Only this owner's repositories."
    ),
    canary: int = typer.Option(
        None, "--canary", metavar="N", help="First wave: update N repositories, then stop."
    ),
    maximum: int = typer.Option(None, "--max", metavar="N", help="Update at most N repositories."),
    shard: str = typer.Option(
        None, "--shard", metavar="I/N", help="Only this share of the inventory (1-based)."
    ),
    workers: int = typer.Option(None, "--workers", "-j", help="Repositories in parallel."),
    cache: Path = typer.Option(
        None, "--cache", help="Clone cache folder (default: ~/.cache/platformctl/fleet)."
    ),
    resume: Path = typer.Option(
        None,
        "--resume",
        metavar="FILE",
        help="Leave repositories already updated in this JSON results file alone.",
    ),
    fmt: str = typer.Option("text", "--format", "-f", help=FORMAT_HELP),
    output: str = typer.Option(None, "--output", "-o", help="Write the report to FILE."),
) -> None:
    """Pull the newer golden-path version into every repository behind it: `platformctl update`
    on a branch platformctl/update-<golden path>-<version>, committed, pushed with --push (the
    forge's compare URL is printed; pull requests are not opened).

    Repositories with local changes, conflicts or a failing update are skipped with the reason
    (conflicts are rolled back, never left as .rej files). Exit 0 when nothing failed, 1 when a
    repository had a conflict or failed, 2 on a bad option or a malformed inventory.
    """
    from platformctl.core.fleet import workflow

    _check_output(fmt, output)
    workflow.check_update_options(canary=canary, maximum=maximum)
    selection = _inventory(
        inventory,
        owner=owner,
        system=system,
        lifecycle=lifecycle,
        kind=kind,
        type_=type_,
        shard=shard,
    )
    run = workflow.update(
        selection,
        workers=workers,
        cache=cache,
        to=to,
        dry_run=dry_run,
        push=push,
        only=only,
        canary=canary,
        maximum=maximum,
        resume=resume,
        progress=lambda total: _progress(total, "update"),
    )
    _write(run.doc, fmt, output)
    raise typer.Exit(1 if run.failed else 0)


@app.command("merge")
def merge_cmd(
    parts: list[Path] = typer.Argument(..., help="Partial results (fleet status --format json)."),
    fmt: str = typer.Option("text", "--format", "-f", help=FORMAT_HELP),
    output: str = typer.Option(None, "--output", "-o", help="Write the report to FILE."),
) -> None:
    """Combine the partial results of sharded `fleet status --shard I/N --format json` runs
    into one report, identical to a single run over the whole inventory."""
    from platformctl.core.fleet import workflow

    _check_output(fmt, output)
    _write(workflow.merged(list(parts)).doc, fmt, output)


@app.command("job")
def job_cmd(
    shards: int = typer.Option(..., "--shards", metavar="N", help="How many shards."),
    inventory: list[str] = _inv_opt(),
    image: str = typer.Option(
        None, "--image", help="Container image with platformctl (Kubernetes; optional for Actions)."
    ),
    github_actions: bool = typer.Option(
        False, "--github-actions", help="Write a GitHub Actions workflow instead of a Job."
    ),
    command: str = typer.Option("status", "--command", help="The fleet command: status or check."),
    name: str = typer.Option("platformctl-fleet", "--name", help="Name of the Job."),
    namespace: str = typer.Option(None, "--namespace", "-n", help="Namespace of the Job."),
    claim: str = typer.Option(
        "platformctl-fleet-results",
        "--claim",
        help="ReadWriteMany PersistentVolumeClaim the shards write their results to.",
    ),
    parallelism: int = typer.Option(None, "--parallelism", help="Shards running at once."),
    secret: str = typer.Option(
        None, "--secret", help="Secret whose keys become the pods' environment (catalog token)."
    ),
    report_format: str = typer.Option("html", "--report-format", help="Format of the merge."),
    owner: str = _owner_opt(),
    server_dry_run: bool = typer.Option(
        False, "--server-dry-run", help="Also apply the Jobs with a server-side dry run."
    ),
    kubeconfig: str = typer.Option(None, "--kubeconfig", help="For --server-dry-run."),
    context: str = typer.Option(None, "--context", help="kubeconfig context, --server-dry-run."),
    output: str = typer.Option(None, "--output", "-o", help="Write to FILE (default stdout)."),
) -> None:
    """Write a Kubernetes Indexed Job (JOB_COMPLETION_INDEX -> --shard, partial results on a
    shared volume, then a merge Job), or with --github-actions a workflow with a matrix over
    the shards and an aggregation job, that runs `fleet status` (or check) at scale.

    Nothing is applied to a cluster (--server-dry-run asks the API server to validate it).
    Exit 2 on bad options, 3 when the cluster is unreachable for --server-dry-run.
    """
    from platformctl.cli import render
    from platformctl.core import reports
    from platformctl.core.fleet import job, workflow

    reports.check_format(report_format)
    spec = job.JobSpec(
        shards=shards,
        inventory=list(inventory or []),
        command=command,
        image=image or "",
        name=name,
        namespace=namespace,
        parallelism=parallelism,
        claim=claim,
        report_format=report_format,
        extra=["--owner", owner] if owner else [],
        secret=secret,
    )
    generated = workflow.job(
        spec,
        github_actions=github_actions,
        server_dry_run=server_dry_run,
        kubeconfig=kubeconfig,
        context=context,
    )
    for line in generated.dry_run:
        render.info(line)
    text = generated.text
    _write_text(text, output)


def _write_text(text: str, output: str | None) -> None:
    from platformctl.cli import render
    from platformctl.core.errors import UsageError

    try:
        render.emit(text, output)
    except OSError as exc:
        raise UsageError(
            f"cannot write to {output}: {exc.strerror or exc}",
            hint="pass --output a file path in a folder you can write to",
        ) from exc
