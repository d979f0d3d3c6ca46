"""The platform dashboard: a Grafana dashboard (JSON model, schemaVersion 39) whose queries use
only the metric names platformctl writes (docs/reference/metrics.md):

- adoption and golden-path compliance from ``check --format prometheus``
- the fleet (adoption, versions behind, scores, failing rules, update runs) from ``fleet status``,
  ``fleet check``, ``fleet merge`` and ``fleet update`` with ``--format prometheus``
- self-service requests (claims, and whether ``platformctl provision`` built them) and their
  cost from ``cost report --format prometheus``
- DORA keys from ``metrics dora --format prometheus``
- developer NPS and satisfaction from ``survey analyze --format prometheus``
- maturity levels from ``assess --format prometheus``

The data source is a dashboard variable (``${datasource}``), so the import asks for nothing
and works with any Prometheus data source. Plain data out; no I/O.

* ``layout``  the grid, panel/target/variable builders, shared matchers
* ``panels``  ``build``: the rows and panels
* ``promql``  the metric names a dashboard's queries read

Every name stays importable from ``platformctl.core.insights.dashboard``."""

from __future__ import annotations

from platformctl.core.insights.dashboard.layout import (
    DS,
    PANEL_TYPES,
    REPO,
    SCHEMA_VERSION,
    SERVICE,
    TEAM,
    UID,
    _Layout,
    _panel,
    _targets,
    _variable,
)
from platformctl.core.insights.dashboard.panels import (
    build,
)
from platformctl.core.insights.dashboard.promql import (
    _GROUPING,
    _IDENT,
    _MATCHERS,
    _STRING,
    PROMQL_WORDS,
    metric_names,
    queries,
    used_metrics,
)

__all__ = [
    "DS",
    "PANEL_TYPES",
    "PROMQL_WORDS",
    "REPO",
    "SCHEMA_VERSION",
    "SERVICE",
    "TEAM",
    "UID",
    "_GROUPING",
    "_IDENT",
    "_Layout",
    "_MATCHERS",
    "_STRING",
    "_panel",
    "_targets",
    "_variable",
    "build",
    "metric_names",
    "queries",
    "used_metrics",
]
