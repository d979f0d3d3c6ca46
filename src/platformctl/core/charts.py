"""The one module that imports the plotting libraries (plotly for HTML reports, matplotlib for
the static SVG and PNG radar charts), each inside the functions that need it.

``html_report`` writes a report as one self-contained HTML file: plotly.js is inlined once
(``include_plotlyjs=True``) and the data sits in the page, so it opens offline with no CDN.
"""

from __future__ import annotations

import io
from html import escape
from typing import TYPE_CHECKING, Any, cast

from platformctl.core.errors import EnvironmentProblem

if TYPE_CHECKING:
    from matplotlib.projections.polar import PolarAxes

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


# Static radar charts (assess --chart FILE.svg|FILE.png) come from matplotlib, not plotly:
# plotly's static export needs kaleido, which since version 1 drives an installed Chrome or
# Chromium (none on most laptops and CI images). matplotlib's Agg renderer and its bundled
# DejaVu fonts need no browser and no system font. The figure is built with
# matplotlib.figure.Figure directly, never through pyplot, so no global figure or GUI backend.
_DPI = 100
_PALETTE = ["#0969da", "#8250df", "#1a7f37", "#cf222e"]


def _radar_figure(chart: Chart, size: int) -> Any:
    """``chart`` on polar axes: ``len(chart.x)`` evenly spaced axes, the first at the top,
    clockwise (as the HTML report draws it), values clamped to ``[0, y_max]``; one filled
    polygon per series, the title above and the legend below. ``size`` x ``size + 40`` pixels."""
    import math

    if len(chart.x) < 3:
        raise ValueError("a radar chart needs at least three axes")
    try:
        from matplotlib.colors import to_rgba
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise EnvironmentProblem(
            "radar charts need matplotlib, which is not installed",
            hint="pip install matplotlib (it is a dependency of platformctl; reinstall it), "
            "or use --format html",
        ) from exc

    top = chart.y_max or max((v or 0 for _, ys in chart.series for v in ys), default=1.0) or 1.0
    palette = chart.colors or _PALETTE
    angles = [2 * math.pi * index / len(chart.x) for index in range(len(chart.x))]

    fig = Figure(figsize=(size / _DPI, (size + 40) / _DPI), dpi=_DPI, layout="constrained")
    ax = cast("PolarAxes", fig.add_subplot(projection="polar"))
    ax.set_theta_offset(math.pi / 2)
    ax.set_theta_direction(-1)
    for index, (name, values) in enumerate(chart.series):
        color = palette[index % len(palette)]
        radii = [max(0.0, min(v or 0.0, top)) for v in values]
        # fills under every outline (zorder), so a smaller polygon's edge stays visible;
        # unclipped, so an outline on the outer ring keeps its full width
        ax.fill(angles, radii, facecolor=to_rgba(color, 0.2), edgecolor=color, linewidth=2,
                label=name, zorder=2, clip_on=False)
        ax.plot([*angles, angles[0]], [*radii, radii[0]], color=color, linewidth=2, zorder=3,
                clip_on=False)
    ax.set_xticks(angles, chart.x, fontsize=10, color="#1f2328")
    ax.tick_params(axis="x", pad=14)  # axis names clear of a polygon at the top level
    ticks = chart.y_ticks or [(float(v), str(v)) for v in range(1, int(top) + 1)]
    ax.set_ylim(0, top)
    ax.set_yticks([v for v, _ in ticks], [label for _, label in ticks], fontsize=8,
                  color="#57606a")
    # the level names between the first two axes, clear of the polygons' top corner
    ax.set_rlabel_position(180 / len(chart.x))
    ax.grid(color="#d0d7de")
    ax.spines["polar"].set_color("#d0d7de")
    fig.suptitle(chart.title, fontsize=13, fontweight="bold", color="#1f2328")
    if chart.series:
        fig.legend(loc="outside lower center", ncols=min(len(chart.series), 2), fontsize=9,
                   frameon=False)
    return fig


def _render(chart: Chart, size: int, fmt: str) -> bytes:
    from matplotlib import rc_context

    buffer = io.BytesIO()
    # text stays <text> in the SVG (selectable, small, findable); fixed ids and no date make
    # equal charts equal files; names are plain text, never mathtext (a "$" in an aspect title)
    with rc_context(
        {"svg.fonttype": "none", "svg.hashsalt": "platformctl-radar", "text.parse_math": False}
    ):
        fig = _radar_figure(chart, size)
        if fmt == "png":
            from matplotlib.backends.backend_agg import FigureCanvasAgg

            FigureCanvasAgg(fig)  # the Agg canvas, explicitly: no pyplot, no GUI backend
        metadata = {"Date": None} if fmt == "svg" else None
        fig.savefig(buffer, format=fmt, dpi=_DPI, facecolor="white", metadata=metadata)
    return buffer.getvalue()


def radar_svg(chart: Chart, *, size: int = 520) -> str:
    """A radar chart as a standalone SVG file (``size`` x ``size + 40`` at 100 dpi), drawn by
    matplotlib; the title, axis and level names and the legend are SVG text."""
    return _render(chart, size, "svg").decode("utf-8")


def radar_png(chart: Chart, *, size: int = 520) -> bytes:
    """The same radar chart as ``radar_svg``, as PNG bytes (``size`` x ``size + 40`` pixels),
    rendered by matplotlib's Agg backend: no browser, no display, no system fonts."""
    return _render(chart, size, "png")
