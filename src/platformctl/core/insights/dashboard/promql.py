"""PromQL: the metric names a query reads (``metric_names``), every query of a dashboard
(``queries``) and the metrics they use (``used_metrics``)."""

from __future__ import annotations

import re
from typing import Any

# -- PromQL: the metric names a query reads --------------------------------------------------

PROMQL_WORDS = frozenset(
    {
        # aggregation operators and their modifiers
        "sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk",
        "quantile", "count_values", "group", "by", "without", "on", "ignoring",
        "group_left", "group_right", "bool", "and", "or", "unless", "offset",
        # functions used or likely (a function is always followed by "(")
    }
)
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'')
_MATCHERS = re.compile(r"\{[^}]*\}")
_GROUPING = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
_IDENT = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression selects: identifiers that are not inside label
    matchers or grouping clauses, not a function call, not an operator keyword, and not a
    template variable (``$name``) or a duration (``5m``)."""
    text = _STRING.sub('""', expr)
    text = _MATCHERS.sub(" ", text)
    text = _GROUPING.sub(" ", text)
    names = set()
    for match in _IDENT.finditer(text):
        word = match.group(0)
        before = text[: match.start()]
        after = text[match.end():].lstrip()
        if before.endswith("$") or (before and (before[-1].isdigit() or before[-1] == "[")):
            continue
        if after.startswith("(") or word.lower() in PROMQL_WORDS:
            continue
        names.add(word)
    return names


def queries(dashboard: dict[str, Any]) -> list[str]:
    """Every PromQL expression in the dashboard: panel targets and query variables."""
    found = [
        target["expr"]
        for panel in dashboard["panels"]
        for target in panel.get("targets", [])
        if "expr" in target
    ]
    for variable in dashboard["templating"]["list"]:
        if variable["type"] == "query":
            definition = variable["query"]["query"]
            inner = re.fullmatch(r"label_values\((.+),\s*[A-Za-z_]+\)", definition)
            found.append(inner.group(1) if inner else definition)
    return found


def used_metrics(dashboard: dict[str, Any]) -> set[str]:
    return {name for expr in queries(dashboard) for name in metric_names(expr)}
