"""DoraResult -> ReportDoc (core/reports.py writes every format from it). No I/O."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from platformctl.core.metrics import bands as bands_mod
from platformctl.core.metrics.model import (
    DeploymentFacts,
    DoraResult,
    Group,
    IncidentFacts,
    Summary,
)
from platformctl.core.reports import Chart, ReportDoc, Sample, Table, Zone

BAND_COLORS = {"elite": "#1f883d", "high": "#aceebb", "medium": "#f2cc60", "low": "#ff8182"}
METRIC_TITLES = {
    "deployment_frequency": "Deployment frequency",
    "lead_time": "Lead time for changes",
    "change_failure_rate": "Change failure rate",
    "recovery_time": "Failed deployment recovery time",
}


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _time(moment: datetime | None) -> str | None:
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _summary_rows(group: Group) -> list[list[Any]]:
    s = group.summary
    bands = {b.metric: b.band for b in group.bands}
    return [
        [
            METRIC_TITLES["deployment_frequency"],
            "—"
            if s.deployments_per_day is None
            else f"{s.deployments_per_day:.2f}/day, {s.deployments_per_week:.1f}/week "
            f"({s.deployments} deployments on {s.deploy_days} deploy days)",
            bands["deployment_frequency"],
        ],
        [
            METRIC_TITLES["lead_time"],
            f"median {duration(s.lead_time_median_seconds)}, "
            f"p90 {duration(s.lead_time_p90_seconds)} ({s.changes} changes)",
            bands["lead_time"],
        ],
        [
            METRIC_TITLES["change_failure_rate"],
            f"{_pct(s.change_failure_ratio)} ({s.change_failures} of "
            f"{s.deployments + s.failed_deployments} deployments)",
            bands["change_failure_rate"],
        ],
        [
            METRIC_TITLES["recovery_time"],
            f"median {duration(s.recovery_time_median_seconds)} ({s.recoveries} recoveries)",
            bands["recovery_time"],
        ],
        [
            "Deployment rework rate",
            f"{_pct(s.rework_ratio)} ({s.rework_deployments} of {s.deployments} deployments)",
            None,
        ],
    ]


def _deployment_json(f: DeploymentFacts) -> dict[str, Any]:
    d = f.deployment
    return {
        "id": d.id,
        "service": d.service,
        "environment": d.environment,
        "result": d.result,
        "finished": _time(d.finished),
        "started": _time(d.started),
        "source": d.source,
        "shas": list(d.shas),
        "counted": f.counted,
        "excluded": f.excluded,
        "failed": f.failed,
        "failure_reasons": f.failure_reasons,
        "recovery_seconds": f.recovery_seconds,
        "recovery_notes": f.recovery_notes,
        "rework": f.rework,
        "commits": [
            {
                "sha": c.sha,
                "subject": c.subject,
                "authored": _time(c.authored),
                "lead_time_seconds": c.lead_time_seconds,
                "note": c.note or None,
            }
            for c in f.commits
        ],
    }


def _incident_json(f: IncidentFacts) -> dict[str, Any]:
    i = f.incident
    return {
        "id": i.id,
        "title": i.title,
        "created": _time(i.created),
        "resolved": _time(i.resolved),
        "service": f.service,
        "source": i.source,
        "deployment_id": f.deployment_id,
        "linked_by": f.linked_by,
        "excluded": f.excluded,
    }


def _summary_json(s: Summary) -> dict[str, Any]:
    return asdict(s)


def _group_json(group: Group, explain: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": group.name,
        "by": group.by,
        "services": group.services,
        "summary": _summary_json(group.summary),
        "bands": {b.metric: {"band": b.band, "rule": b.rule} for b in group.bands},
        "verdict": group.verdict,
        "weeks": [{"start": _time(w.start), **_summary_json(w.summary)} for w in group.weeks],
    }
    if explain:
        body["deployments"] = [_deployment_json(f) for f in group.deployments]
        body["incidents"] = [_incident_json(f) for f in group.incidents]
    return body


def _explain_tables(result: DoraResult) -> list[Table]:
    tables: list[Table] = []
    for group in result.groups:
        prefix = f"{group.name}: " if group.by else ""
        rows = []
        for f in group.deployments:
            d = f.deployment
            if f.excluded:
                status = f"excluded: {f.excluded}"
            elif d.result != "success":
                status = "failed (counts for failure rate, not frequency or lead time)"
            else:
                status = "counted"
            notes = []
            if f.failure_reasons and d.result == "success":
                notes.append("change failure: " + ", ".join(f.failure_reasons))
            if f.rework:
                notes.append(f"rework: {f.rework}")
            if f.recovery_seconds:
                notes.append("recovery " + ", ".join(duration(s) for s in f.recovery_seconds))
            notes += f.recovery_notes if d.result != "success" or f.failure_reasons else []
            rows.append(
                [
                    d.id,
                    d.service,
                    _time(d.finished),
                    d.result,
                    status,
                    len(f.commits),
                    "; ".join(notes) or None,
                ]
            )
        tables.append(
            Table(
                f"{prefix}Deployments",
                ["deployment", "service", "finished", "result", "status", "commits", "notes"],
                rows,
            )
        )
        commit_rows = [
            [
                f.deployment.id,
                c.sha[:12],
                _time(c.authored),
                duration(c.lead_time_seconds)
                if c.lead_time_seconds is not None
                else f"not counted ({c.note})",
                c.subject,
            ]
            for f in group.deployments
            if f.counted
            for c in f.commits
        ]
        tables.append(
            Table(
                f"{prefix}Commits shipped by counted deployments",
                ["deployment", "commit", "authored", "lead time", "subject"],
                commit_rows,
                note="a commit is charged to the first successful production deployment whose "
                "commit contains it (graph ancestry)",
            )
        )
        tables.append(
            Table(
                f"{prefix}Incidents",
                ["incident", "created", "resolved", "charged to", "why"],
                [
                    [
                        f.incident.id,
                        _time(f.incident.created),
                        _time(f.incident.resolved),
                        f.deployment_id,
                        f"excluded: {f.excluded}" if f.excluded else f.linked_by,
                    ]
                    for f in group.incidents
                ],
            )
        )
    excluded_rows = [
        [f.deployment.id, f.deployment.source, f.deployment.service, f.excluded]
        for f in result.excluded_deployments
    ]
    excluded_rows += [
        [f"incident {f.incident.id}", f.incident.source, f.service, f.excluded or "not charged"]
        for f in result.excluded_incidents
    ]
    tables.append(Table("Excluded", ["record", "source", "service", "why"], excluded_rows))
    return tables


def _zones(metric: str, year: str, scale: float) -> list[Zone]:
    """Band limits as chart zones (values divided by ``scale`` to the chart's unit)."""
    rules = bands_mod.BENCHMARKS[year][metric]
    zones: list[Zone] = []
    if metric == "deployment_frequency":  # higher is better: zones go downwards
        upper = float("inf")
        for band, limit, _ in rules:
            if limit * scale >= upper:
                continue
            zones.append(Zone(band, limit * scale, upper, BAND_COLORS[band]))
            upper = limit * scale
        zones.append(Zone("low", 0.0, upper, BAND_COLORS["low"]))
        return zones
    lower = 0.0
    for band, limit, _ in rules:
        if limit / scale <= lower:
            continue  # a band the published ranges leave empty (see bands.py)
        zones.append(Zone(band, lower, limit / scale, BAND_COLORS[band]))
        lower = limit / scale
    zones.append(Zone("low", lower, float("inf"), BAND_COLORS["low"]))
    return zones


def _charts(result: DoraResult) -> list[Chart]:
    year = result.query.benchmark
    groups = result.groups
    if not groups or not groups[0].weeks:
        return []
    x = [w.start.strftime("%Y-%m-%d") for w in groups[0].weeks]

    def series(get: Any) -> list[tuple[str, list[float | None]]]:
        return [(g.name, [get(w.summary) for w in g.weeks]) for g in groups]

    return [
        Chart(
            "Deployments per week",
            x,
            series(lambda s: float(s.deployments)),
            "deployments",
            kind="bar",
            zones=_zones("deployment_frequency", year, 7.0),
        ),
        Chart(
            "Lead time for changes (weekly median)",
            x,
            series(
                lambda s: (
                    None
                    if s.lead_time_median_seconds is None
                    else s.lead_time_median_seconds / 3600
                )
            ),
            "hours",
            zones=_zones("lead_time", year, 3600.0),
        ),
        Chart(
            "Change failure rate (weekly)",
            x,
            series(lambda s: s.change_failure_ratio),
            "share of deployments",
            zones=_zones("change_failure_rate", year, 1.0),
            y_format=".0%",
        ),
        Chart(
            "Failed deployment recovery time (weekly median)",
            x,
            series(
                lambda s: (
                    None
                    if s.recovery_time_median_seconds is None
                    else s.recovery_time_median_seconds / 3600
                )
            ),
            "hours",
            zones=_zones("recovery_time", year, 3600.0),
        ),
    ]


def _samples(result: DoraResult) -> list[Sample]:
    out: list[Sample] = []
    year = result.query.benchmark
    for group in result.groups:
        s = group.summary
        labels = {group.by: group.name} if group.by else {}

        def add(
            name: str,
            value: float | None,
            help_text: str,
            labels: dict[str, str] = labels,
            **extra: str,
        ) -> None:
            if value is not None:
                out.append(Sample(name, value, {**labels, **extra}, help_text))

        add(
            "platform_dora_deployment_frequency",
            s.deployments_per_day,
            "Successful production deployments per day over the window.",
        )
        add(
            "platform_dora_deployments",
            float(s.deployments),
            "Successful production deployments in the window.",
        )
        add(
            "platform_dora_deploy_days",
            float(s.deploy_days),
            "Days in the window with at least one successful production deployment.",
        )
        add(
            "platform_dora_lead_time_seconds",
            s.lead_time_median_seconds,
            "Lead time for changes: first authored time to production deployment.",
            quantile="0.5",
        )
        add(
            "platform_dora_lead_time_seconds",
            s.lead_time_p90_seconds,
            "Lead time for changes: first authored time to production deployment.",
            quantile="0.9",
        )
        add(
            "platform_dora_change_failure_ratio",
            s.change_failure_ratio,
            "Share of production deployments that failed or caused an incident.",
        )
        add(
            "platform_dora_recovery_time_seconds",
            s.recovery_time_median_seconds,
            "Failed deployment recovery time.",
            quantile="0.5",
        )
        add(
            "platform_dora_rework_ratio",
            s.rework_ratio,
            "Share of successful deployments that were unplanned (reverts, fixes during an "
            "incident).",
        )
        for band in group.bands:
            if band.band:
                add(
                    "platform_dora_band_info",
                    1.0,
                    "DORA performance band of a key (value always 1).",
                    metric=band.metric,
                    band=band.band,
                    benchmark=year,
                )
    return out


def _csv(result: DoraResult) -> Table:
    rows: list[list[Any]] = []
    fields = [
        ("deployments", "count"),
        ("failed_deployments", "count"),
        ("deploy_days", "count"),
        ("deployments_per_day", "per_day"),
        ("lead_time_median_seconds", "seconds"),
        ("lead_time_p90_seconds", "seconds"),
        ("change_failure_ratio", "ratio"),
        ("recovery_time_median_seconds", "seconds"),
        ("rework_ratio", "ratio"),
    ]
    band_of = {
        "deployments_per_day": "deployment_frequency",
        "lead_time_median_seconds": "lead_time",
        "change_failure_ratio": "change_failure_rate",
        "recovery_time_median_seconds": "recovery_time",
    }
    for group in result.groups:
        bands = {b.metric: b.band for b in group.bands}
        periods = [("window", _time(result.query.since), group.summary)]
        periods += [("week", _time(w.start), w.summary) for w in group.weeks]
        for period, start, summary in periods:
            for name, unit in fields:
                band = bands.get(band_of.get(name, "")) if period == "window" else None
                rows.append([group.name, period, start, name, getattr(summary, name), unit, band])
    return Table("", ["group", "period", "start", "metric", "value", "unit", "band"], rows)


def build(result: DoraResult, *, explain: bool = False) -> ReportDoc:
    q = result.query
    window = f"{_time(q.since)} – {_time(q.until)}"
    title = f"DORA metrics, {q.environment}, {window[:10]} to {_time(q.until)[:10]}"  # type: ignore[index]
    tables = []
    headline = []
    for group in result.groups:
        prefix = f"{group.name}: " if group.by else ""
        tables.append(
            Table(
                f"{prefix}the four keys ({q.benchmark} DORA benchmark)",
                ["metric", "value", "band"],
                _summary_rows(group),
            )
        )
        headline.append(f"{prefix}{group.verdict}")
    weekly = []
    for group in result.groups:
        prefix = f"{group.name}: " if group.by else ""
        weekly.append(
            Table(
                f"{prefix}weekly trend",
                [
                    "week",
                    "deployments",
                    "deploy days",
                    "lead time (median)",
                    "failure rate",
                    "recovery (median)",
                ],
                [
                    [
                        w.start.strftime("%Y-%m-%d"),
                        w.summary.deployments,
                        w.summary.deploy_days,
                        duration(w.summary.lead_time_median_seconds),
                        _pct(w.summary.change_failure_ratio),
                        duration(w.summary.recovery_time_median_seconds),
                    ]
                    for w in group.weeks
                ],
            )
        )
    data: dict[str, Any] = {
        "benchmark": q.benchmark,
        "environment": q.environment,
        "window": {"since": _time(q.since), "until": _time(q.until)},
        "empty": result.empty,
        "groups": [_group_json(g, explain) for g in result.groups],
    }
    if explain:
        data["excluded"] = {
            "deployments": [_deployment_json(f) for f in result.excluded_deployments],
            "incidents": [_incident_json(f) for f in result.excluded_incidents],
        }
    return ReportDoc(
        kind="dora",
        command="metrics dora",
        title=title,
        headline=headline,
        data=data,
        tables=[*tables, *weekly],
        details=_explain_tables(result) if explain else [],
        csv=_csv(result),
        samples=_samples(result),
        charts=_charts(result),
    )
