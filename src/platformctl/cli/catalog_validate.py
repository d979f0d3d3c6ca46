"""`platformctl catalog validate [PATHS...]`: Backstage's catalog rules, offline, with positions."""

from __future__ import annotations

from pathlib import Path

import typer

FORMATS = ("text", "json", "sarif", "junit", "github")


def validate(
    paths: list[Path] = typer.Argument(
        None,
        help="Catalog files or folders (default: catalog-info.yaml, catalog-info.yml and "
        "*.catalog.yaml under the current folder, respecting .gitignore).",
        show_default=False,
    ),
    fmt: str = typer.Option("text", "--format", "-f", help="text, json, sarif, junit or github."),
    output: str = typer.Option(None, "--output", "-o", help="Write the report to FILE."),
    strict: bool = typer.Option(False, "--strict", help="Warnings fail too (exit 1)."),
    strict_refs: bool = typer.Option(
        False, "--strict-refs", help="Unresolved entity references are errors, not warnings."
    ),
    # --remote/--server/--offline: implemented in cli/catalog_remote.py (remote_checks)
    remote: bool = typer.Option(
        False, "--remote", help="Resolve references against the live Backstage catalog."
    ),
    server: bool = typer.Option(
        False, "--server", help="Also validate each entity with Backstage's validate-entity."
    ),
    offline: bool = typer.Option(
        False, "--offline", help="Resolve references against the `catalog pull` cache."
    ),
) -> None:
    """Validate Backstage catalog entity files the way Backstage's catalog ingests them.

    Exit 0 when nothing fails, 1 when an entity is invalid (or a warning with --strict),
    2 when a file could not be read or parsed (the other files are still validated).
    """
    from platformctl.cli import render
    from platformctl.cli.app import load_config
    from platformctl.core.catalog.validate import refresh_summary, validate_paths
    from platformctl.core.errors import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, UsageError
    from platformctl.core.report import fails
    from platformctl.core.report import render as render_report

    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}", hint=f"choose one of: {', '.join(FORMATS)}")
    if output and output != "-" and Path(output).is_dir():
        raise UsageError(
            f"cannot write the report to {output}: it is a folder",
            hint="pass --output a file path, e.g. --output report.json",
        )
    cwd = Path.cwd()
    config = load_config(cwd=cwd)
    targets = list(paths) if paths else [cwd]
    missing = [p for p in targets if not p.exists()]
    result = validate_paths(
        [p for p in targets if p.exists()], config=config, strict_refs=strict_refs, base=cwd
    )
    report = result.report
    for path in missing:
        from platformctl.core.report import Finding

        report.findings.append(
            Finding(
                "yaml/unreadable",
                "error",
                "no such file or folder",
                str(path),
                hint="check the path",
            )
        )
        report.files.append(str(path))
    if missing:
        result.input_errors = True
    if remote or server or offline:  # live catalog / cache checks: cli/catalog_remote.py
        from platformctl.cli.catalog_remote import remote_checks

        remote_checks(result, remote=remote, server=server, offline=offline)
    refresh_summary(report, input_errors=result.input_errors)
    if not report.files:
        render.warn("no catalog files found (catalog-info.yaml, catalog-info.yml, *.catalog.yaml)")
    try:
        if fmt == "text":
            render.print_report_text(report, output)
        else:
            render.emit(render_report(report, fmt), output)
            if output and output != "-":
                render.info(str(report.summary.get("line", "")))
    except OSError as exc:
        if not output or output == "-":
            raise
        raise UsageError(
            f"cannot write the report to {output}: {exc.strerror or exc}",
            hint="pass --output a file path in a folder you can write to",
        ) from exc
    if result.input_errors:
        raise typer.Exit(EXIT_USAGE)
    if fails(report.findings, "warning" if strict else "error"):
        raise typer.Exit(EXIT_PROBLEMS)
    raise typer.Exit(EXIT_OK)
