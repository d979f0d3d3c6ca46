"""Rich consoles and the glue between core results and the terminal.

Chatter (progress, hints, summaries) goes to stderr; data (reports, JSON) to stdout.
NO_COLOR, --no-color and non-TTY outputs turn colour off.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from platformctl.core.report import Report


def _no_color() -> bool:
    return bool(os.environ.get("NO_COLOR"))


@cache
def _console(stderr: bool, no_color: bool) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, no_color=no_color, highlight=False, soft_wrap=True)


def out() -> Console:
    return _console(False, _no_color())


def err() -> Console:
    return _console(True, _no_color())


def info(message: str) -> None:
    """A line of chatter on stderr (plain text: no markup is interpreted)."""
    err().print(message, markup=False)


def warn(message: str) -> None:
    err().print(f"warning: {message}", style="yellow", markup=False)


def emit(text: str, output: str | None = None) -> None:
    """Write data to --output FILE (atomically) or to stdout."""
    if output and output != "-":
        target = Path(output)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
        return
    sys.stdout.write(text)
    sys.stdout.flush()


def table(
    columns: list[str], rows: list[list[str]], *, title: str | None = None, gap: int = 3
) -> None:
    """A table on stdout that never cuts a value: on a terminal a Rich table whose cells wrap
    (fold) rather than end in "…"; in a pipe, a file or a CI log plain aligned columns with
    every value whole, one row per line (what grep, cut and copy-paste need)."""
    if sys.stdout.isatty():
        from rich.table import Table

        rich_table = Table(title=title, show_lines=False)
        for column in columns:
            rich_table.add_column(column, overflow="fold", no_wrap=False)
        for row in rows:
            rich_table.add_row(*row)
        out().print(rich_table)
        return
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(columns)]
    lines = [] if title is None else [title, ""]
    for cells in [columns, *rows]:
        padded = [cell.ljust(width) for cell, width in zip(cells, widths, strict=True)]
        lines.append((" " * gap).join(padded).rstrip())
    emit("".join(f"{line}\n" for line in lines))


def print_report_text(report: Report, output: str | None = None) -> None:
    """Text format: coloured on a terminal, plain in files and pipes."""
    from platformctl.core.report import text_location, to_text

    text = to_text(report)
    if output and output != "-" or not sys.stdout.isatty() or _no_color():
        emit(text, output)
        return
    from rich.text import Text

    styles = {"error": "bold red", "warning": "yellow", "info": "cyan", "suppressed": "dim"}
    console = out()
    findings = iter(report.sorted_findings())
    for line in text.splitlines():
        rendered = Text(line)
        if line.lstrip().startswith("hint:") and line.startswith(" "):
            rendered.stylize("dim")
        elif line and line != report.summary.get("line"):
            # a finding line: "path:line:col: severity message [rule]" (see core.report.to_text)
            finding = next(findings, None)
            where = text_location(finding) if finding is not None else ""
            start = len(where) + 2 if where else 0
            rendered.stylize("bold", 0, len(where))
            for word, style in styles.items():
                if line.startswith(f"{word} ", start):
                    rendered.stylize(style, start, start + len(word))
                    break
        console.print(rendered)
