"""SurveyResult -> ReportDoc (core/reports.py writes every format from it). No I/O.

Prometheus names (docs/reference/metrics.md): ``platform_developer_nps_score``,
``platform_developer_nps_respondents_total``, ``platform_satisfaction_score{category}``,
``platform_survey_responses_total``, ``platform_survey_response_ratio``.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from platformctl.core.insights.survey import SurveyResult
from platformctl.core.reports import Chart, ReportDoc, Sample, Table

METRICS = (
    "platform_developer_nps_score",
    "platform_developer_nps_respondents_total",
    "platform_satisfaction_score",
    "platform_survey_responses_total",
    "platform_survey_response_ratio",
)

LIKERT_COLORS = ["#cf222e", "#fb8f44", "#d0d7de", "#6fdd8b", "#1a7f37"]  # 1 (worst) .. 5


def _num(value: float | None, digits: int = 1, signed: bool = False) -> str | None:
    if value is None:
        return None
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def headline(result: SurveyResult) -> list[str]:
    lines = []
    if result.nps is not None and result.nps.score is not None:
        n = result.nps
        change = ""
        if result.change is not None and result.change.nps is not None:
            change = f", {result.change.nps:+.0f} since the previous survey"
        lines.append(
            f"NPS {n.score:+.0f} (95% CI {n.ci_low:+.0f} to {n.ci_high:+.0f}) from "
            f"{n.respondents} answers{change}"
        )
    elif result.nps is not None:
        lines.append("NPS: no answers to the recommendation question")
    rate = ""
    if result.response_rate is not None:
        rate = f" of {result.developers} developers ({result.response_rate * 100:.0f}%)"
    lines.append(f"{result.respondents} respondents{rate}")
    if result.nps is not None and result.nps.score is not None:
        lines.append(f"NPS confidence interval: {result.nps.method}")
    return lines


def _data(result: SurveyResult) -> dict[str, Any]:
    def plain(r: SurveyResult) -> dict[str, Any]:
        body = asdict(r)
        body.pop("previous", None)
        body.pop("change", None)
        body["categories"] = [
            {**asdict(c), "distribution": {str(k): v for k, v in c.distribution.items()}}
            for c in r.categories
        ]
        return body

    data = plain(result)
    if result.previous is not None and result.change is not None:
        data["previous"] = {
            "respondents": result.previous.respondents,
            "nps": asdict(result.previous.nps) if result.previous.nps else None,
            "categories": {c.category: c.mean for c in result.previous.categories},
        }
        data["change"] = asdict(result.change)
    return data


def build(result: SurveyResult) -> ReportDoc:
    tables: list[Table] = []
    if result.nps is not None:
        n = result.nps
        rows: list[list[Any]] = [
            ["NPS", _num(n.score, 0, signed=True)],
            ["95% confidence interval",
             None if n.score is None else f"{n.ci_low:+.0f} to {n.ci_high:+.0f}"],
            ["promoters (9-10)", n.promoters],
            ["passives (7-8)", n.passives],
            ["detractors (0-6)", n.detractors],
            ["answers", n.respondents],
        ]
        if result.change is not None:
            rows.append(["change since previous survey", _num(result.change.nps, 0, True)])
        tables.append(Table("Net Promoter Score", ["measure", "value"], rows, note=n.method))

    cat_columns = ["category", "mean (1-5)", "answers", "1", "2", "3", "4", "5"]
    if result.change is not None:
        cat_columns.append("change")
    cat_rows = []
    for c in result.categories:
        row: list[Any] = [c.category, _num(c.mean, 2), c.answers,
                          *(c.distribution[level] for level in range(1, 6))]
        if result.change is not None:
            row.append(_num(result.change.categories.get(c.category), 2, True))
        cat_rows.append(row)
    tables.append(Table("Categories (likert 1-5, 5 = best)", cat_columns, cat_rows))

    team_rows = [
        [
            t.team if not t.merged_teams else f"{t.team} ({t.merged_teams} small teams)",
            t.respondents,
            _num(t.nps, 0, True),
            _num(t.mean, 2),
        ]
        for t in result.teams
    ]
    note = f"teams with fewer than {result.min_team} respondents are merged into 'other'"
    if result.hidden_respondents:
        note += (
            f"; {result.hidden_respondents} respondents in small teams are not shown "
            f"(fewer than {result.min_team} even merged)"
        )
    tables.append(
        Table("Teams", ["team", "respondents", "NPS", "mean (1-5)"], team_rows, note=note)
    )
    tables.append(
        Table(
            "Top themes in open answers",
            ["theme", "answers mentioning it"],
            [[t.name, t.mentions] for t in result.themes],
            note=f"{result.open_answers} open-text answers; keywords from the survey template",
        )
    )
    details: list[Table] = []
    if result.blank:
        details.append(
            Table("Blank answers (skipped)", ["question", "blank"],
                  [[q, count] for q, count in sorted(result.blank.items())])
        )
    if result.invalid:
        details.append(
            Table(
                "Invalid answers (left out, --skip-invalid)",
                ["where", "respondent", "column", "value", "why"],
                [[i.where(), i.record, i.column, i.value, i.reason] for i in result.invalid],
            )
        )
    if result.ignored_columns:
        details.append(
            Table("Columns not in the template (ignored)", ["column"],
                  [[c] for c in result.ignored_columns])
        )

    csv_rows: list[list[Any]] = [["respondents", "", "", result.respondents]]
    if result.response_rate is not None:
        csv_rows.append(["response_rate", "", "", round(result.response_rate, 4)])
    nps_ = result.nps
    if nps_ is not None and nps_.score is not None:
        csv_rows += [
            ["nps", "", "", round(nps_.score, 2)],
            ["nps_ci_low", "", "", round(nps_.ci_low or 0, 2)],
            ["nps_ci_high", "", "", round(nps_.ci_high or 0, 2)],
            ["promoters", "", "", nps_.promoters],
            ["passives", "", "", nps_.passives],
            ["detractors", "", "", nps_.detractors],
        ]
    for c in result.categories:
        if c.mean is not None:
            csv_rows.append(["category_mean", c.category, "", round(c.mean, 4)])
        else:
            csv_rows.append(["category_mean", c.category, "", None])
        for level in range(1, 6):
            csv_rows.append(["category_answers", c.category, str(level), c.distribution[level]])
    for t in result.teams:
        csv_rows.append(["team_respondents", t.team, "", t.respondents])
        if t.nps is not None:
            csv_rows.append(["team_nps", t.team, "", round(t.nps, 2)])
    for theme in result.themes:
        csv_rows.append(["theme_mentions", theme.name, "", theme.mentions])

    return ReportDoc(
        kind="survey",
        command="survey analyze",
        title=result.title,
        headline=headline(result),
        data=_data(result),
        tables=tables,
        details=details,
        csv=Table("", ["measure", "group", "level", "value"], csv_rows),
        samples=samples(result),
        charts=charts(result),
        charts_heading="Charts",
    )


def samples(result: SurveyResult) -> list[Sample]:
    out = [
        Sample(
            "platform_survey_responses_total",
            result.respondents,
            help="Respondents in the latest developer survey.",
        )
    ]
    if result.response_rate is not None:
        out.append(
            Sample(
                "platform_survey_response_ratio",
                result.response_rate,
                help="Respondents / developers asked, 0-1.",
            )
        )
    if result.nps is not None and result.nps.score is not None:
        out.append(
            Sample(
                "platform_developer_nps_score",
                result.nps.score,
                help="Net Promoter Score of the platform, -100 to 100.",
            )
        )
        out.append(
            Sample(
                "platform_developer_nps_respondents_total",
                result.nps.respondents,
                help="Answers to the recommendation (NPS) question.",
            )
        )
    for c in result.categories:
        if c.mean is not None:
            out.append(
                Sample(
                    "platform_satisfaction_score",
                    c.mean,
                    {"category": c.category},
                    help="Mean likert answer per survey category, 1 to 5 (5 = best).",
                )
            )
    return out


def charts(result: SurveyResult) -> list[Chart]:
    out: list[Chart] = []
    if result.nps is not None and result.nps.respondents:
        n = result.nps
        groups = [(n.detractors, "detractors (0-6)"), (n.passives, "passives (7-8)"),
                  (n.promoters, "promoters (9-10)")]
        title = f"NPS {n.score:+.0f}: answers to the recommendation question"
        x = ["this survey"]
        previous = result.previous.nps if result.previous is not None else None
        if previous is not None and previous.respondents:
            x = ["previous survey", "this survey"]
            prev = [previous.detractors, previous.passives, previous.promoters]
            series = [
                (name, [p / previous.respondents, count / n.respondents])
                for p, (count, name) in zip(prev, groups, strict=True)
            ]
        else:
            series = [(name, [count / n.respondents]) for count, name in groups]
        out.append(
            Chart(title, x, [(name, list(v)) for name, v in series], "share of answers",
                  kind="stack", y_format=".0%", x_title="", y_max=1.0,
                  colors=["#cf222e", "#d4a72c", "#1a7f37"])
        )
    rated = result.categories
    if rated:
        series_means: list[tuple[str, list[float | None]]] = [
            ("this survey", [c.mean for c in rated])
        ]
        if result.previous is not None:
            before = {c.category: c.mean for c in result.previous.categories}
            series_means.insert(0, ("previous survey", [before.get(c.category) for c in rated]))
        out.append(
            Chart("Mean answer per category (1-5, 5 = best)", [c.category for c in rated],
                  series_means, "mean", kind="bar", x_title="", y_max=5.0)
        )
        out.append(
            Chart(
                "Answers per category",
                [c.category for c in rated],
                [(str(level), [float(c.distribution[level]) for c in rated])
                 for level in range(1, 6)],
                "answers",
                kind="stack",
                x_title="",
                colors=LIKERT_COLORS,
            )
        )
    if result.themes:
        out.append(
            Chart("Top themes in open answers", [t.name for t in result.themes],
                  [("answers", [float(t.mentions) for t in result.themes])], "answers",
                  kind="bar", x_title="")
        )
    return out
