"""One writer set for every report (DESIGN.md §3): text, json, csv, markdown, prometheus, html.

A report builder (``core/metrics/report.py``, ...) turns its result into a ``ReportDoc``: tables
for people, a JSON body, a long-format CSV table, Prometheus samples and charts. ``render``
writes any format from it, so every report gets the same envelope, escaping and conventions.
HTML goes through ``core/charts.py`` (the one module that imports the plotting library).
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field
from typing import Any

from platformctl.core.errors import UsageError

FORMATS = ("text", "json", "csv", "markdown", "prometheus", "html")
JSON_VERSION = 1


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[Any]]
    note: str = ""


@dataclass
class Sample:
    """One Prometheus sample. ``name`` carries the ``platform_`` prefix and a base unit."""

    name: str
    value: float
    labels: dict[str, str] = field(default_factory=dict)
    help: str = ""
    type: str = "gauge"


@dataclass
class Zone:
    """A shaded horizontal band on a chart (a performance band)."""

    name: str
    low: float
    high: float
    color: str


@dataclass
class Chart:
    title: str
    x: list[str]
    series: list[tuple[str, list[float | None]]]
    y_title: str
    kind: str = "line"  # line, bar, stack (stacked bars) or radar (x = the axes)
    zones: list[Zone] = field(default_factory=list)
    y_format: str = ""  # plotly tick format, e.g. ".0%"
    x_title: str = "week starting"
    barmode: str = "group"  # bar charts with several series: group or stack
    y_max: float | None = None  # fixed top of the value axis (a scale's maximum)
    y_ticks: list[tuple[float, str]] = field(default_factory=list)  # (value, label)
    colors: list[str] = field(default_factory=list)  # one per series (default: the theme's)


@dataclass
class ReportDoc:
    kind: str
    command: str  # "metrics dora", for the JSON envelope's tool.command
    title: str
    headline: list[str]
    data: dict[str, Any]
    tables: list[Table] = field(default_factory=list)
    details: list[Table] = field(default_factory=list)
    csv: Table | None = None
    samples: list[Sample] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    charts_heading: str = "Weekly trend"


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}", hint=f"choose one of: {', '.join(FORMATS)}")
    return fmt


def render(doc: ReportDoc, fmt: str) -> str:
    writer = {
        "text": to_text,
        "json": to_json,
        "csv": to_csv,
        "markdown": to_markdown,
        "prometheus": to_prometheus,
        "html": to_html,
    }[check_format(fmt)]
    return writer(doc)


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


# -- text -------------------------------------------------------------------------------------


def _text_table(table: Table) -> list[str]:
    cells = [[_cell(v) for v in row] for row in table.rows]
    widths = [len(c) for c in table.columns]
    for row in cells:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], len(value))
    lines = [table.title]
    lines.append("  " + "  ".join(c.ljust(w) for c, w in zip(table.columns, widths, strict=True)))
    lines.append("  " + "  ".join("-" * w for w in widths))
    for row in cells:
        lines.append("  " + "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))
    if table.note:
        lines.append(f"  {table.note}")
    return [line.rstrip() for line in lines]


def to_text(doc: ReportDoc) -> str:
    lines = [doc.title, ""]
    for table in [*doc.tables, *doc.details]:
        lines += _text_table(table)
        lines.append("")
    lines += doc.headline
    return "\n".join(lines) + "\n"


# -- json -------------------------------------------------------------------------------------


def envelope(command: str, kind: str, body: dict[str, Any]) -> dict[str, Any]:
    """The envelope findings use too (core/report.py): version and tool."""
    from platformctl import __version__

    return {
        "version": JSON_VERSION,
        "tool": {"name": "platformctl", "version": __version__, "command": command},
        "kind": kind,
        **body,
    }


def to_json(doc: ReportDoc) -> str:
    return json.dumps(envelope(doc.command, doc.kind, doc.data), indent=2, default=str) + "\n"


# -- csv --------------------------------------------------------------------------------------


def to_csv(doc: ReportDoc) -> str:
    table = doc.csv or (doc.tables[0] if doc.tables else Table("", [], []))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue()


# -- markdown ---------------------------------------------------------------------------------


def _md(value: Any) -> str:
    return _cell(value).replace("|", "\\|").replace("\n", " ")


def to_markdown(doc: ReportDoc) -> str:
    lines = [f"# {doc.title}", ""]
    lines += [f"**{line}**" if i == 0 else line for i, line in enumerate(doc.headline)]
    lines.append("")
    for table in [*doc.tables, *doc.details]:
        lines += [f"## {table.title}", ""]
        lines.append("| " + " | ".join(_md(c) for c in table.columns) + " |")
        lines.append("|" + "|".join(" --- " for _ in table.columns) + "|")
        for row in table.rows:
            lines.append("| " + " | ".join(_md(v) for v in row) + " |")
        if table.note:
            lines += ["", table.note]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# -- prometheus -------------------------------------------------------------------------------


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _number(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


def to_prometheus(doc: ReportDoc) -> str:
    """Text exposition format (for node_exporter's textfile collector): HELP and TYPE once per
    metric family, samples without timestamps."""
    lines: list[str] = []
    families: dict[str, list[Sample]] = {}
    for sample in doc.samples:
        families.setdefault(sample.name, []).append(sample)
    for name, samples in families.items():
        first = samples[0]
        if first.help:
            help_text = first.help.replace("\\", "\\\\").replace("\n", "\\n")
            lines.append(f"# HELP {name} {help_text}")
        lines.append(f"# TYPE {name} {first.type}")
        for sample in samples:
            labels = ",".join(f'{k}="{_label(v)}"' for k, v in sample.labels.items())
            lines.append(
                f"{name}{{{labels}}} {_number(sample.value)}"
                if labels
                else f"{name} {_number(sample.value)}"
            )
    return "\n".join(lines) + "\n"


# -- html -------------------------------------------------------------------------------------


def html_table(table: Table) -> str:
    from html import escape

    head = "".join(f"<th>{escape(c)}</th>" for c in table.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(_cell(v))}</td>" for v in row) + "</tr>"
        for row in table.rows
    )
    note = f"<p class='note'>{escape(table.note)}</p>" if table.note else ""
    return (
        f"<h2>{escape(table.title)}</h2><table><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>{note}"
    )


def to_html(doc: ReportDoc) -> str:
    from platformctl.core import charts

    return charts.html_report(doc)
