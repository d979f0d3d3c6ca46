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
