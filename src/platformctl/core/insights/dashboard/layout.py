"""Grafana building blocks: the 24-column grid (``_Layout``), panels, query targets, template
variables, and the label matchers and data source every query shares."""

from __future__ import annotations

from typing import Any

SCHEMA_VERSION = 39
UID = "platformctl-platform"
DS = {"type": "prometheus", "uid": "${datasource}"}
REPO = 'repository=~"$repository"'
SERVICE = 'service=~"$service"'
TEAM = 'team=~"$team"'

PANEL_TYPES = ("row", "stat", "gauge", "timeseries", "bargauge", "table", "text")


class _Layout:
    """Grafana's 24-column grid: panels left to right, a new row when the line is full."""

    def __init__(self) -> None:
        self.x = 0
        self.y = 0
        self.height = 0
        self.next_id = 1
        self.panels: list[dict[str, Any]] = []

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def row(self, title: str) -> None:
        if self.x:
            self.y += self.height
        self.x, self.height = 0, 0
        self.panels.append(
            {
                "id": self._id(),
                "type": "row",
                "title": title,
                "collapsed": False,
                "gridPos": {"h": 1, "w": 24, "x": 0, "y": self.y},
                "panels": [],
            }
        )
        self.y += 1

    def add(self, panel: dict[str, Any], w: int, h: int) -> None:
        if self.x + w > 24:
            self.y += self.height
            self.x, self.height = 0, 0
        panel["id"] = self._id()
        panel["gridPos"] = {"h": h, "w": w, "x": self.x, "y": self.y}
        self.panels.append(panel)
        self.x += w
        self.height = max(self.height, h)


def _targets(*queries: tuple[str, str]) -> list[dict[str, Any]]:
    return [
        {"refId": chr(ord("A") + i), "datasource": DS, "expr": expr, "legendFormat": legend}
        for i, (expr, legend) in enumerate(queries)
    ]


def _panel(
    kind: str,
    title: str,
    queries: list[tuple[str, str]],
    *,
    unit: str = "none",
    description: str = "",
    decimals: int | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
    instant: bool = False,
    options: dict[str, Any] | None = None,
) -> dict[str, Any]:
    defaults: dict[str, Any] = {"unit": unit}
    if decimals is not None:
        defaults["decimals"] = decimals
    if minimum is not None:
        defaults["min"] = minimum
    if maximum is not None:
        defaults["max"] = maximum
    targets = _targets(*queries)
    if instant:
        for target in targets:
            target["instant"] = True
            target["format"] = "table"
    return {
        "type": kind,
        "title": title,
        "description": description,
        "datasource": DS,
        "targets": targets,
        "fieldConfig": {"defaults": defaults, "overrides": []},
        "options": options or {},
    }


def _variable(name: str, label: str, metric: str) -> dict[str, Any]:
    return {
        "name": name,
        "label": label,
        "type": "query",
        "datasource": DS,
        "query": {"query": f"label_values({metric}, {name})", "refId": f"{name}-values"},
        "refresh": 2,
        "multi": True,
        "includeAll": True,
        "allValue": ".*",
        "current": {"text": "All", "value": "$__all"},
        "sort": 1,
    }
