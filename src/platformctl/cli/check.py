"""`platformctl check`: score this repository against its scorecards (golden-path compliance).

Maps options onto ``core.compliance.scoring.run`` and renders the result; heavy imports stay in
the body.  Exit codes (DESIGN.md §2): 0 nothing at or above the threshold, 1 failing rules (or a
score under --fail-under, or --fix --diff with changes to make), 2 bad usage or a malformed
scorecard / .platformctl.yaml, 4 internal error.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from platformctl.cli import render

if TYPE_CHECKING:
    from platformctl.core.compliance.scoring import CheckResult

app = typer.Typer(
    help="Score this repository against its scorecards.",
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

DEFAULT_BASELINE = ".platformctl-baseline.json"


@app.command()
def check(
    path: Path = typer.Argument(Path("."), help="Repository to check (default: here)."),
    scorecard: list[str] = typer.Option(
        [], "--scorecard", "-s", metavar="ID", help="Only this scorecard (repeatable)."
    ),
    fmt: str = typer.Option(
        "text",
        "--format",
        "-f",
        metavar="FORMAT",
        help="text, json, sarif, junit, markdown, github or prometheus.",
    ),
    output: str = typer.Option(
        None, "--output", "-o", metavar="FILE", help="Write the report to FILE."
    ),
    fail_under: float = typer.Option(
        None,
        "--fail-under",
        metavar="SCORE",
        help="Also fail when a scorecard scores below SCORE (0-100).",
    ),
    severity: str = typer.Option(
        "error",
        "--severity",
        metavar="LEVEL",
        help="Fail on findings at or above: error, warning or info.",
    ),
    baseline: Path = typer.Option(
        None,
        "--baseline",
        metavar="FILE",
        help="Only failures not recorded in this baseline file fail.",
    ),
    write_baseline: bool = typer.Option(
        False,
        "--write-baseline",
        help=f"Record current failures (to --baseline or {DEFAULT_BASELINE}).",
    ),
    fix: bool = typer.Option(False, "--fix", help="Apply the fixes the failing rules declare."),
    diff: bool = typer.Option(False, "--diff", help="With --fix: print the patch, write nothing."),
    explain: str = typer.Option(
        None, "--explain", metavar="RULE_ID", help="Explain a rule (check/<card>/<rule>)."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No output when everything passes."),
) -> None:
    """Score this repository against its scorecards (golden-path compliance).

    PATH is the repository to check (default: the current folder). Exit codes: 0 nothing at
    or above --severity, 1 failing rules (or a score under --fail-under), 2 bad usage or a
    malformed scorecard or .platformctl.yaml.
    """
    from platformctl.cli.app import load_config
    from platformctl.core import report as report_mod
    from platformctl.core.compliance import scoring
    from platformctl.core.errors import UsageError

    formats = (*report_mod.FORMATS, "prometheus")
    if fmt not in formats:
        raise UsageError(f"unknown format {fmt!r}", hint=f"use one of: {', '.join(formats)}")
    if severity not in report_mod.SEVERITIES:
        raise UsageError(f"unknown severity {severity!r}", hint="use error, warning or info")
    if diff and not fix:
        raise UsageError("--diff only works with --fix", hint="run platformctl check --fix --diff")
    if fail_under is not None and not 0 <= fail_under <= 100:
        raise UsageError("--fail-under must be between 0 and 100")
    if not path.is_dir():
        raise UsageError(f"{path} is not a folder", hint="pass the repository folder to check")

    cfg = load_config(cwd=path)
    root = scoring.root_of(path, cfg)

    if explain:
        from platformctl.core.compliance.output import explain_rule

        _emit(explain_rule(explain, cfg, root), output)
        raise typer.Exit(0)

    scoring.ensure_checkable(root, cfg)

    result = scoring.run(root=root, config=cfg, only=scorecard or None)

    if fix:
        from platformctl.core.compliance.fixes import apply_fixes

        fixed = apply_fixes(result, root, cfg, only=scorecard or None, dry_run=diff)
        for rule_id, reason in fixed.not_possible:
            render.warn(f"{rule_id}: cannot fix: {reason}")
        if fixed.patch is not None:
            _emit(fixed.patch, output)
            render.info(
                f"{len(fixed.changes.changed)} file(s) would change"
                if fixed.patch
                else "nothing to fix"
            )
            raise typer.Exit(1 if fixed.patch else 0)
        for line in fixed.applied:
            render.info(f"fixed {line}")
        if not fixed.written:
            render.info("nothing to fix automatically")
        assert fixed.result is not None
        result = fixed.result

    if os.environ.get("PLATFORMCTL_DEBUG") == "1":
        for card in result.scorecards:
            for r in card.results:
                if r.detail:
                    render.err().print(f"{r.rule.full_id} crashed:\n{r.detail}", markup=False)

    from platformctl.core.compliance import baseline as baseline_mod

    if write_baseline:
        target = baseline or root / DEFAULT_BASELINE
        count = baseline_mod.write(target, result.findings)
        render.info(f"wrote {count} failure(s) to {target}")
        raise typer.Exit(0)
    if baseline is not None:
        count = baseline_mod.apply_file(result.findings, baseline, root)
        if count and not quiet:
            render.info(f"{count} known failure(s) in baseline {baseline}")

    failed = scoring.failed(result, severity=severity, fail_under=fail_under)
    if fail_under is not None and not quiet:
        for card in result.scorecards:
            if card.score < fail_under:
                render.info(
                    f"{card.scorecard.id} scores {card.score}, under --fail-under {fail_under:g}"
                )
    if fmt == "text":
        if not (quiet and not failed):
            _print_text(result, output, quiet=quiet)
    elif fmt == "junit":
        from platformctl.core.compliance.output import to_junit

        _emit(to_junit(result), output)
    elif fmt == "markdown":
        from platformctl.core.compliance.output import to_markdown

        _emit(to_markdown(result), output)
    elif fmt == "prometheus":
        from platformctl.core.compliance import prometheus

        _emit(prometheus.render(result), output)
    else:
        _emit(report_mod.render(result.report(), fmt), output)
    raise typer.Exit(1 if failed else 0)


def _emit(text: str, output: str | None) -> None:
    """--output FILE (or stdout); a folder that does not exist is bad input, not a crash."""
    from platformctl.core.errors import InputFileError

    try:
        render.emit(text, output)
    except OSError as exc:
        raise InputFileError(
            f"cannot write the report: {exc.strerror or exc}",
            file=output,
            hint="pass --output FILE in an existing, writable folder",
        ) from None


def _print_text(result: CheckResult, output: str | None, *, quiet: bool) -> None:
    """Plain text (built by core.compliance.output.text_lines) to a file, a pipe or a CI log;
    coloured line by line on a terminal.  Rich is only imported for the terminal."""
    import sys

    from platformctl.core.compliance.output import text_lines

    lines = text_lines(result, quiet=quiet)
    to_file = bool(output and output != "-")
    if to_file or not sys.stdout.isatty() or os.environ.get("NO_COLOR"):
        _emit("".join(f"{line}\n" for line, _ in lines), output)
        return
    styles = {
        "title": "bold",
        "header": "bold",
        "fail": "bold red",
        "error": "bold red",
        "waived": "yellow",
        "baseline": "yellow",
        "n/a": "dim",
        "skipped": "dim",
    }
    console = render.out()
    for line, state in lines:
        console.print(line, style=styles.get(state or ""), markup=False, highlight=False)
