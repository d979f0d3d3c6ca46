"""The shared report writers (core/reports.py): envelope, escaping, exposition format."""

from __future__ import annotations

import csv
import io
import json

import pytest

from platformctl import __version__
from platformctl.core.errors import UsageError
from platformctl.core.reports import Chart, ReportDoc, Sample, Table, render

EVIL = '</script><script>alert("x")</script> | a\\b\nnext'


def doc() -> ReportDoc:
    return ReportDoc(
        kind="demo",
        command="demo run",
        title=f"title {EVIL}",
        headline=[f"verdict {EVIL}"],
        data={"value": 1.5},
        tables=[Table("numbers", ["name", "value"], [[EVIL, 2.0], ["none", None]])],
        csv=Table("", ["name", "value"], [[EVIL, 1], ["none", None]]),
        samples=[
            Sample("platform_demo_seconds", 1.5, {"service": EVIL}, "Demo help."),
            Sample("platform_demo_seconds", 3.0, {"service": "b"}, "Demo help."),
            Sample("platform_demo_ratio", 0.25, {}, ""),
        ],
        charts=[Chart(f"chart {EVIL}", ["w1", "w2"], [(EVIL, [1.0, None])], "hours")],
    )


def test_json_envelope_matches_findings():
    data = json.loads(render(doc(), "json"))
    assert data["version"] == 1
    assert data["tool"] == {"name": "platformctl", "version": __version__, "command": "demo run"}
    assert (data["kind"], data["value"]) == ("demo", 1.5)


def test_prometheus_exposition_escapes_labels_and_groups_families():
    text = render(doc(), "prometheus")
    assert text.count("# HELP platform_demo_seconds Demo help.") == 1
    assert text.count("# TYPE platform_demo_seconds gauge") == 1
    assert (
        'platform_demo_seconds{service="</script><script>alert(\\"x\\")</script> | a\\\\b\\nnext"}'
        " 1.5" in text
    )
    assert "platform_demo_ratio 0.25\n" in text
    assert "# HELP platform_demo_ratio" not in text


def test_csv_round_trips_awkward_values():
    rows = list(csv.reader(io.StringIO(render(doc(), "csv"))))
    assert rows == [["name", "value"], [EVIL, "1"], ["none", ""]]


def test_markdown_escapes_pipes_and_newlines():
    text = render(doc(), "markdown")
    assert "\\|" in text
    row = next(line for line in text.splitlines() if line.startswith("| </script>"))
    assert row.count(" | ") == 1  # two cells: the pipe in the value is escaped


def test_html_escapes_text_and_inlines_the_library():
    html = render(doc(), "html")
    assert "<script>alert" not in html
    assert "&lt;/script&gt;" in html
    assert html.count("Plotly.newPlot") == 1
    assert "<script src=" not in html


def test_unknown_format():
    with pytest.raises(UsageError, match="unknown format 'pdf'"):
        render(doc(), "pdf")
