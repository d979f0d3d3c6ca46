"""The one module that imports the plotting library (plotly, imported inside the functions).

``html_report`` writes a report as one self-contained HTML file: plotly.js is inlined once
(``include_plotlyjs=True``) and the data sits in the page, so it opens offline with no CDN.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from platformctl.core.errors import EnvironmentProblem

if TYPE_CHECKING:
    from platformctl.core.reports import Chart, ReportDoc

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;
max-width:1100px;color:#1f2328;padding:0 1rem}
h1{font-size:1.6rem} h2{font-size:1.15rem;margin-top:2rem}
.headline{font-size:1.1rem;font-weight:600;padding:.6rem .9rem;background:#f6f8fa;
border-left:4px solid #0969da}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}
th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa} .note{color:#57606a;font-size:.85rem}
.charts{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
"""


def _plotly() -> Any:
    try:
        import plotly.graph_objects as go
    except ImportError as exc:
        raise EnvironmentProblem(
            "the html format needs plotly, which is not installed",
            hint="pip install plotly (it is a dependency of platformctl; reinstall it)",
        ) from exc
    return go


def _radar(chart: Chart) -> Any:
    go = _plotly()
    fig = go.Figure()
    for index, (name, values) in enumerate(chart.series):
        color = chart.colors[index] if index < len(chart.colors) else None
        # close the polygon: back to the first axis
        fig.add_trace(
            go.Scatterpolar(
                r=[*values, values[0]] if values else [],
                theta=[*chart.x, chart.x[0]] if chart.x else [],
                name=name,
                fill="toself",
                mode="lines+markers",
                line_color=color,
            )
        )
    top = chart.y_max or max((v or 0 for _, ys in chart.series for v in ys), default=1.0)
    radial: dict[str, Any] = {"range": [0, top], "visible": True}
    if chart.y_ticks:
        radial["tickvals"] = [v for v, _ in chart.y_ticks]
        radial["ticktext"] = [label for _, label in chart.y_ticks]
    fig.update_layout(
        title={"text": chart.title, "font": {"size": 14}},
        height=420,
        margin={"l": 70, "r": 70, "t": 60, "b": 40},
        # the first axis at the top, clockwise (as radar_svg draws it)
        polar={"radialaxis": radial, "angularaxis": {"rotation": 90, "direction": "clockwise"}},
        showlegend=len(chart.series) > 1,
        template="plotly_white",
    )
    return fig


def figure(chart: Chart) -> Any:
    if chart.kind == "radar":
        return _radar(chart)
    go = _plotly()
    fig = go.Figure()
    values = [v for _, ys in chart.series for v in ys if v is not None]
    if chart.kind == "stack":
        values = [sum(ys[i] or 0 for _, ys in chart.series) for i in range(len(chart.x))]
    top = max(values, default=0.0)
    if top <= 0:  # nothing measured: show the best band's limit so the chart still reads
        top = min((z.high for z in chart.zones if z.high != float("inf")), default=1.0)
    y_max = chart.y_max if chart.y_max is not None else top * 1.25
    for zone in chart.zones:
        low, high = zone.low, min(zone.high, y_max)
        if low >= y_max:
            continue
        fig.add_hrect(
            y0=low,
            y1=high,
            fillcolor=zone.color,
            opacity=0.25,
            line_width=0,
            layer="below",
            annotation_text=zone.name,
            annotation_position="top right",
            annotation_font_size=10,
            annotation_font_color="#57606a",
        )
    for index, (name, ys) in enumerate(chart.series):
        color = chart.colors[index] if index < len(chart.colors) else None
        if chart.kind in ("bar", "stack"):
            fig.add_trace(go.Bar(x=chart.x, y=ys, name=name, marker_color=color))
        else:
            fig.add_trace(
                go.Scatter(x=chart.x, y=ys, name=name, mode="lines+markers", connectgaps=False)
            )
    fig.update_layout(
        title={"text": chart.title, "font": {"size": 14}},
        height=320,
        margin={"l": 50, "r": 20, "t": 45, "b": 40},
        yaxis={"title": chart.y_title, "range": [0, y_max], "tickformat": chart.y_format},
        xaxis={"title": chart.x_title, "type": "category", "automargin": True},
        showlegend=len(chart.series) > 1,
        template="plotly_white",
        barmode="stack" if chart.kind == "stack" else chart.barmode,
    )
    if chart.y_ticks:
        fig.update_yaxes(
            tickvals=[v for v, _ in chart.y_ticks], ticktext=[label for _, label in chart.y_ticks]
        )
    return fig


def html_report(doc: ReportDoc) -> str:
    from platformctl.core.reports import html_table

    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{escape(doc.title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(doc.title)}</h1>",
    ]
    parts += [f"<p class='headline'>{escape(line)}</p>" for line in doc.headline[:1]]
    parts += [f"<p>{escape(line)}</p>" for line in doc.headline[1:]]
    if doc.charts:
        parts.append(f"<h2>{escape(doc.charts_heading)}</h2><div class='charts'>")
        for index, chart in enumerate(doc.charts):
            fig = figure(chart)
            parts.append(
                "<div class='chart'>"
                + fig.to_html(
                    full_html=False,
                    include_plotlyjs=index == 0,  # the library once, inline: no CDN
                    div_id=f"chart-{index}",
                    config={"displayModeBar": False, "responsive": True},
                )
                + "</div>"
            )
        parts.append("</div>")
    for table in [*doc.tables, *doc.details]:
        parts.append(html_table(table))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def radar_svg(chart: Chart, *, size: int = 520) -> str:
    """A radar chart as a standalone SVG file (no plotting library needed: polygons on
    ``len(chart.x)`` evenly spaced axes, scaled to ``chart.y_max``)."""
    import math

    axes = len(chart.x)
    if axes < 3:
        raise ValueError("a radar chart needs at least three axes")
    top = chart.y_max or max((v or 0 for _, ys in chart.series for v in ys), default=1.0) or 1.0
    centre, radius = size / 2, size / 2 - 110
    palette = chart.colors or ["#0969da", "#8250df", "#1a7f37", "#cf222e"]

    def point(index: int, value: float, clamp: bool = True) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / axes
        r = radius * (max(0.0, min(value, top)) if clamp else value) / top
        return centre + r * math.cos(angle), centre + r * math.sin(angle)

    def polygon(values: list[float]) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, v) for i, v in enumerate(values)))

    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{size}' height='{size + 40}' "
        f"viewBox='0 0 {size} {size + 40}' font-family='sans-serif' font-size='13'>",
        "<rect width='100%' height='100%' fill='white'/>",
        f"<text x='{centre}' y='24' text-anchor='middle' font-size='15' font-weight='bold'>"
        f"{escape(chart.title)}</text>",
        "<g transform='translate(0,20)'>",
    ]
    ticks = chart.y_ticks or [(float(v), str(v)) for v in range(1, int(top) + 1)]
    for value, label in ticks:
        parts.append(
            f"<polygon points='{polygon([value] * axes)}' fill='none' stroke='#d0d7de'/>"
        )
        x, y = point(0, value)
        parts.append(
            f"<text x='{x + 4:.1f}' y='{y - 3:.1f}' fill='#57606a' font-size='11'>"
            f"{escape(label)}</text>"
        )
    for index, name in enumerate(chart.x):
        x, y = point(index, top)
        parts.append(
            f"<line x1='{centre}' y1='{centre}' x2='{x:.1f}' y2='{y:.1f}' stroke='#d0d7de'/>"
        )
        lx, ly = point(index, top * 1.15, clamp=False)
        anchor = "middle" if abs(lx - centre) < 5 else ("start" if lx > centre else "end")
        parts.append(
            f"<text x='{lx:.1f}' y='{ly + 4:.1f}' text-anchor='{anchor}'>{escape(name)}</text>"
        )
    for index, (name, values) in enumerate(chart.series):
        color = palette[index % len(palette)]
        parts.append(
            f"<polygon points='{polygon([v or 0.0 for v in values])}' fill='{color}' "
            f"fill-opacity='0.2' stroke='{color}' stroke-width='2'><title>{escape(name)}</title>"
            "</polygon>"
        )
    legend_y = size - 10
    for index, (name, _) in enumerate(chart.series):
        color = palette[index % len(palette)]
        x = 20 + index * 170
        parts.append(f"<rect x='{x}' y='{legend_y - 10}' width='12' height='12' fill='{color}'/>")
        parts.append(f"<text x='{x + 18}' y='{legend_y}'>{escape(name)}</text>")
    parts.append("</g></svg>")
    return "\n".join(parts) + "\n"
