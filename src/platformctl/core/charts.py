"""The one module that imports the plotting libraries (plotly for HTML, Pillow for PNG radar
charts), each inside the functions that need it.

``html_report`` writes a report as one self-contained HTML file: plotly.js is inlined once
(``include_plotlyjs=True``) and the data sits in the page, so it opens offline with no CDN.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
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


@dataclass(frozen=True)
class _RadarLayout:
    """A radar chart's geometry in pixels, drawn the same way as SVG and as PNG."""

    width: int
    height: int
    title: tuple[float, float, str]  # in the page; everything below is drawn ``shift`` lower
    shift: float
    rings: list[tuple[list[tuple[float, float]], tuple[float, float], str]]  # polygon, label at
    spokes: list[tuple[tuple[float, float], tuple[float, float]]]
    axis_labels: list[tuple[float, float, str, str]]  # x, y, anchor (start/middle/end), text
    series: list[tuple[str, str, list[tuple[float, float]]]]  # name, colour, polygon
    legend: list[tuple[float, float, str, str]]  # x, y (baseline), colour, name


def _radar_layout(chart: Chart, size: int) -> _RadarLayout:
    """Polygons on ``len(chart.x)`` evenly spaced axes (the first at the top, clockwise),
    scaled to ``chart.y_max``; a 20 px title band (``shift``) above the square plot area."""
    import math

    axes = len(chart.x)
    if axes < 3:
        raise ValueError("a radar chart needs at least three axes")
    top = chart.y_max or max((v or 0 for _, ys in chart.series for v in ys), default=1.0) or 1.0
    centre, radius, shift = size / 2, size / 2 - 110, 20.0
    palette = chart.colors or ["#0969da", "#8250df", "#1a7f37", "#cf222e"]

    def point(index: int, value: float, clamp: bool = True) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / axes
        r = radius * (max(0.0, min(value, top)) if clamp else value) / top
        return centre + r * math.cos(angle), centre + r * math.sin(angle)

    def polygon(values: list[float]) -> list[tuple[float, float]]:
        return [point(i, v) for i, v in enumerate(values)]

    ticks = chart.y_ticks or [(float(v), str(v)) for v in range(1, int(top) + 1)]
    rings = [(polygon([value] * axes), point(0, value), label) for value, label in ticks]
    spokes = [((centre, centre), point(i, top)) for i in range(axes)]
    labels = []
    for index, name in enumerate(chart.x):
        lx, ly = point(index, top * 1.15, clamp=False)
        anchor = "middle" if abs(lx - centre) < 5 else ("start" if lx > centre else "end")
        labels.append((lx, ly + 4, anchor, name))
    series = [
        (name, palette[index % len(palette)], polygon([v or 0.0 for v in values]))
        for index, (name, values) in enumerate(chart.series)
    ]
    legend_y = size - 10.0
    legend = [
        (20.0 + index * 170, legend_y, palette[index % len(palette)], name)
        for index, (name, _) in enumerate(chart.series)
    ]
    return _RadarLayout(
        size, size + 40, (centre, 24.0, chart.title), shift, rings, spokes, labels, series,
        legend,
    )


def _points(polygon: list[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in polygon)


def radar_svg(chart: Chart, *, size: int = 520) -> str:
    """A radar chart as a standalone SVG file (no plotting library needed)."""
    layout = _radar_layout(chart, size)
    cx, cy, title = layout.title
    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{layout.width}' "
        f"height='{layout.height}' viewBox='0 0 {layout.width} {layout.height}' "
        "font-family='sans-serif' font-size='13'>",
        "<rect width='100%' height='100%' fill='white'/>",
        f"<text x='{cx}' y='{cy}' text-anchor='middle' font-size='15' font-weight='bold'>"
        f"{escape(title)}</text>",
        f"<g transform='translate(0,{layout.shift:g})'>",
    ]
    for ring, (x, y), label in layout.rings:
        parts.append(f"<polygon points='{_points(ring)}' fill='none' stroke='#d0d7de'/>")
        parts.append(
            f"<text x='{x + 4:.1f}' y='{y - 3:.1f}' fill='#57606a' font-size='11'>"
            f"{escape(label)}</text>"
        )
    for (x1, y1), (x2, y2) in layout.spokes:
        parts.append(
            f"<line x1='{x1}' y1='{y1}' x2='{x2:.1f}' y2='{y2:.1f}' stroke='#d0d7de'/>"
        )
    for x, y, anchor, name in layout.axis_labels:
        parts.append(
            f"<text x='{x:.1f}' y='{y:.1f}' text-anchor='{anchor}'>{escape(name)}</text>"
        )
    for name, color, polygon in layout.series:
        parts.append(
            f"<polygon points='{_points(polygon)}' fill='{color}' fill-opacity='0.2' "
            f"stroke='{color}' stroke-width='2'><title>{escape(name)}</title></polygon>"
        )
    for x, y, color, name in layout.legend:
        parts.append(f"<rect x='{x:g}' y='{y - 10:g}' width='12' height='12' fill='{color}'/>")
        parts.append(f"<text x='{x + 18:g}' y='{y:g}'>{escape(name)}</text>")
    parts.append("</g></svg>")
    return "\n".join(parts) + "\n"


def radar_png(chart: Chart, *, size: int = 520) -> bytes:
    """The same radar chart as ``radar_svg``, as PNG bytes (``size`` x ``size + 40`` pixels).

    Drawn with Pillow, not through plotly's static export: that needs kaleido, which since
    version 1 drives an installed Chrome or Chromium, and a user with no browser would get no
    chart. Pillow's wheels carry their own rasteriser and FreeType font, so this works on any
    machine. Drawn at 3x and scaled down, which smooths the edges (Pillow does not antialias
    polygons)."""
    try:
        from PIL import Image, ImageDraw, ImageFont
    except ImportError as exc:
        raise EnvironmentProblem(
            "PNG charts need Pillow, which is not installed",
            hint="pip install pillow (it is a dependency of platformctl; reinstall it), "
            "or write the chart as .svg",
        ) from exc
    layout = _radar_layout(chart, size)
    scale = 3

    def s(xy: tuple[float, float]) -> tuple[float, float]:  # plot area -> pixels at 3x
        return xy[0] * scale, (xy[1] + layout.shift) * scale

    def font(px: int) -> Any:
        return ImageFont.load_default(size=px * scale)

    def rgba(color: str, alpha: int = 255) -> tuple[int, int, int, int]:
        text = color.lstrip("#")
        return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16), alpha

    width, height = layout.width * scale, layout.height * scale
    image = Image.new("RGBA", (width, height), (255, 255, 255, 255))
    draw = ImageDraw.Draw(image)
    grid = rgba("#d0d7de")
    for ring, _, _ in layout.rings:
        draw.polygon([s(p) for p in ring], outline=grid, width=scale)
    for start, end in layout.spokes:
        draw.line([s(start), s(end)], fill=grid, width=scale)
    for _ring, (x, y), label in layout.rings:
        draw.text(s((x + 4, y - 3)), label, fill=rgba("#57606a"), font=font(11), anchor="ls")
    for _name, color, polygon in layout.series:
        overlay = Image.new("RGBA", (width, height), (0, 0, 0, 0))
        ImageDraw.Draw(overlay).polygon([s(p) for p in polygon], fill=rgba(color, 51))
        image = Image.alpha_composite(image, overlay)
        draw = ImageDraw.Draw(image)
        outline = [s(p) for p in polygon]
        draw.line([*outline, outline[0]], fill=rgba(color), width=2 * scale, joint="curve")
    anchors = {"start": "ls", "middle": "ms", "end": "rs"}
    for x, y, anchor, name in layout.axis_labels:
        draw.text(s((x, y)), name, fill=rgba("#1f2328"), font=font(13), anchor=anchors[anchor])
    cx, cy, title = layout.title
    draw.text((cx * scale, cy * scale), title, fill=rgba("#1f2328"), font=font(15), anchor="ms",
              stroke_width=1, stroke_fill=rgba("#1f2328"))
    for x, y, color, name in layout.legend:
        draw.rectangle([s((x, y - 10)), s((x + 12, y + 2))], fill=rgba(color))
        draw.text(s((x + 18, y)), name, fill=rgba("#1f2328"), font=font(13), anchor="ls")
    small = image.convert("RGB").resize((layout.width, layout.height), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    small.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
