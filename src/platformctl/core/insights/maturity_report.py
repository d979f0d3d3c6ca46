"""Assessment -> ReportDoc (core/reports.py writes every format from it) and the radar chart.
No I/O.

Prometheus names (docs/reference/metrics.md): ``platform_maturity_level{aspect}`` (1-4).
"""

from __future__ import annotations

from typing import Any

from platformctl.core.insights.maturity import LEVELS, Assessment, RepoFacts, to_plain
from platformctl.core.reports import Chart, ReportDoc, Sample, Table

METRICS = ("platform_maturity_level",)


def _moved(movement: int | None) -> str | None:
    if movement is None:
        return None
    if movement == 0:
        return "no change"
    return f"{movement:+d} level" + ("s" if abs(movement) > 1 else "")


def radar(result: Assessment) -> Chart:
    axes = [a.title for a in result.aspects]
    series: list[tuple[str, list[float | None]]] = []
    if result.previous_date and any(a.previous for a in result.aspects):
        series.append(
            (
                f"previous ({result.previous_date})",
                [float(LEVELS.index(a.previous) + 1) if a.previous else 0.0
                 for a in result.aspects],
            )
        )
    series.append(
        (f"this assessment ({result.date})", [float(a.score or 0) for a in result.aspects])
    )
    return Chart(
        "Maturity by aspect",
        axes,
        series,
        "level",
        kind="radar",
        y_max=4.0,
        y_ticks=[(float(i + 1), level) for i, level in enumerate(LEVELS)],
        colors=["#8c959f", "#0969da"] if len(series) == 2 else ["#0969da"],
    )


def _check_cell(repo: RepoFacts, checked: bool) -> str | None:
    if not checked:
        return None
    if repo.check_error:
        return f"not run: {repo.check_error}"
    return ", ".join(
        f"{card_id} {card['score']} ({card.get('level') or 'no level'}, {card['status']})"
        for card_id, card in repo.scorecards.items()
    ) or "no scorecard applies"


def headline(result: Assessment) -> list[str]:
    if result.overall is None:
        lines = ["no aspect was answered"]
    else:
        weakest = [a.title for a in result.aspects if a.level == result.overall]
        lines = [
            f"overall: {result.overall} (the weakest aspect: {', '.join(weakest)}); "
            f"mean level {result.mean_score:.1f} of 4"
        ]
    profile = ", ".join(f"{a.title} {a.level or 'skipped'}" for a in result.aspects)
    lines.append(f"profile: {profile}")
    if result.previous_date:
        lines.append(f"compared with the assessment of {result.previous_date}")
    return lines


def build(result: Assessment) -> ReportDoc:
    has_history = result.previous_date is not None
    columns = ["aspect", "level", "means", "next level"]
    if has_history:
        columns += ["previous", "movement"]
    rows: list[list[Any]] = []
    for a in result.aspects:
        row: list[Any] = [
            a.title,
            f"{a.level} ({a.score}/4)" if a.level else "skipped",
            a.description,
            a.next_level or ("top level" if a.level else None),
        ]
        if has_history:
            row += [a.previous, _moved(a.movement)]
        rows.append(row)
    tables = [Table("Levels", columns, rows)]
    step_rows = [
        [a.title, f"{a.level} -> {a.next_level}", step]
        for a in result.aspects
        for step in a.next_steps
    ]
    tables.append(Table("Next steps", ["aspect", "gap", "step"], step_rows))
    details: list[Table] = []
    evidence_rows = [
        [a.title, a.proposed, a.level or "skipped", "; ".join(a.why)]
        for a in result.aspects
        if a.proposed
    ]
    if evidence_rows:
        unseen = [a.title for a in result.aspects if not a.proposed]
        details.append(
            Table(
                "Evidence",
                ["aspect", "proposed", "answered", "why"],
                evidence_rows,
                note=(f"no evidence this tool can see for: {', '.join(unseen)}" if unseen
                      else ""),
            )
        )
    evidence = result.evidence
    if evidence is not None and evidence.repositories:
        details.append(
            Table(
                f"Repositories ({evidence.folder})",
                ["repository", "golden path", "version", "latest", "catalog entry",
                 "claims (with provision)", "check"],
                [
                    [r.name, r.golden_path, r.version,
                     None if r.latest is None else ("yes" if r.latest else "no"),
                     "yes" if r.catalog else "no",
                     f"{r.claims} ({r.claims_platformctl})" if r.claims else "0",
                     _check_cell(r, evidence.checked)]
                    for r in evidence.repositories
                ],
                note="; ".join(f"{name}: not read ({why})" for name, why in evidence.skipped),
            )
        )  # fmt: skip
    if evidence is not None and evidence.dora is not None:
        dora = evidence.dora
        details.append(
            Table(
                "DORA data",
                ["source"],
                [[source] for source in dora.sources],
                note=f"{dora.deployments} deployments, {dora.incidents} incidents"
                + (f"; keys measured: {', '.join(dora.keys)}" if dora.keys else ""),
            )
        )
    samples = [
        Sample(
            "platform_maturity_level",
            float(a.score),
            {"aspect": a.aspect},
            help="Platform maturity self-assessment per aspect: 1 provisional, 2 operational, "
            "3 scalable, 4 optimizing.",
        )
        for a in result.aspects
        if a.score is not None
    ]
    return ReportDoc(
        kind="assessment",
        command="assess",
        title=result.title,
        headline=headline(result),
        data=to_plain(result),
        tables=tables,
        details=details,
        csv=Table(
            "",
            ["aspect", "level", "score", "next_level", "proposed", "previous"],
            [[a.aspect, a.level, a.score, a.next_level, a.proposed, a.previous]
             for a in result.aspects],
        ),
        samples=samples,
        charts=[radar(result)] if result.overall is not None else [],
        charts_heading="Radar",
    )
