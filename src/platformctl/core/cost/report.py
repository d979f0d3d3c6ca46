"""Showback: every claim priced, grouped by team (owner), system and claim type.

``build_report`` returns data; ``render`` writes it as text, json, csv or markdown.  JSON carries
the ``version``/``tool`` envelope of every platformctl report (docs/reference/json-output.md).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from platformctl.core.cost.budget import Budget
from platformctl.core.cost.estimate import (
    CurrencyMismatch,
    Estimate,
    estimate_claim,
    money,
    number,
    owner_of,
    system_of,
)
from platformctl.core.cost.inventory import ClaimRecord
from platformctl.core.cost.prices import Prices
from platformctl.core.errors import PlatformError, UsageError

FORMATS = ("text", "json", "csv", "markdown", "prometheus", "html")
# platform_claims{requested_with}: through platformctl provision (self-service) or by hand
REQUESTED_WITH = {True: "platformctl", False: "manifest"}
DIMENSIONS = ("team", "system", "claim_type")


@dataclass
class Row:
    claim_type: str
    kind: str
    namespace: str | None
    name: str
    team: str
    system: str
    source: str
    monthly: Decimal | None = None
    problem: str | None = None
    requested_with: str = "manifest"  # "platformctl": built by platformctl provision

    def to_json(self) -> dict[str, Any]:
        return {
            "claim_type": self.claim_type,
            "kind": self.kind,
            "namespace": self.namespace,
            "name": self.name,
            "team": self.team,
            "system": self.system,
            "monthly_cost": None if self.monthly is None else number(self.monthly),
            "source": self.source,
            "problem": self.problem,
            "requested_with": self.requested_with,
        }


@dataclass
class Group:
    key: str
    monthly: Decimal = Decimal(0)
    claims: int = 0
    unpriced: int = 0
    budget: Decimal | None = None

    @property
    def over(self) -> bool:
        return self.budget is not None and self.monthly > self.budget

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "monthly_cost": number(self.monthly),
            "claims": self.claims,
            "unpriced": self.unpriced,
        }
        if self.budget is not None:
            data["budget"] = number(self.budget)
            data["over_budget"] = self.over
        return data


@dataclass
class CostReport:
    source: str
    currency: str | None
    rows: list[Row]
    groups: dict[str, dict[str, Group]]  # dimension -> key -> group
    total: Decimal
    effective: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def unpriced(self) -> list[Row]:
        return [r for r in self.rows if r.monthly is None]

    def to_json(self) -> dict[str, Any]:
        from platformctl.core.reports import envelope

        return envelope("cost report", "cost", self.body())

    def body(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "currency": self.currency,
            "effective": self.effective,
            "total_monthly_cost": number(self.total),
            "groups": {
                dim: {key: g.to_json() for key, g in groups.items()}
                for dim, groups in self.groups.items()
            },
            "claims": [r.to_json() for r in self.rows],
            "notes": list(self.notes),
        }


def build_report(
    records: list[ClaimRecord],
    prices: Prices,
    *,
    budgets: dict[str, Budget] | None = None,
    source: str,
) -> CostReport:
    """Price every claim (an unpriceable claim is listed with the reason, not dropped)."""
    from platformctl.core.provision.claim import requested_with_platformctl

    budgets = budgets or {}
    rows: list[Row] = []
    estimates: list[Estimate] = []
    for record in records:
        meta = record.obj.get("metadata") or {}
        row = Row(
            claim_type=record.claim_type.name,
            kind=str(record.obj.get("kind")),
            namespace=meta.get("namespace"),
            name=str(meta.get("name")),
            team=owner_of(record.obj),
            system=system_of(record.obj),
            source=record.source,
            requested_with=REQUESTED_WITH[requested_with_platformctl(record.obj)],
        )
        try:
            estimate = estimate_claim(record.claim_type, record.obj, prices)
        except PlatformError as exc:
            row.problem = exc.render()
        else:
            estimates.append(estimate)
            row.monthly = money(estimate.monthly)
        rows.append(row)
    currency = _currency(estimates)
    for budget in budgets.values():
        if currency is not None and budget.currency != currency:
            raise CurrencyMismatch(
                f"the budgets are in {budget.currency} but the claims are priced in {currency}",
                hint="use one currency for cost.currency in platform.yaml and prices.yaml",
                file=budget.file,
                line=budget.line,
            )
    rows.sort(key=lambda r: (r.team, r.system, r.claim_type, r.namespace or "", r.name))
    groups: dict[str, dict[str, Group]] = {}
    for dim in DIMENSIONS:
        table: dict[str, Group] = {}
        for row in rows:
            key = getattr(row, dim)
            group = table.setdefault(key, Group(key))
            group.claims += 1
            if row.monthly is None:
                group.unpriced += 1
            else:
                group.monthly += row.monthly
        if dim == "team":
            for key, group in table.items():
                if key in budgets:
                    group.budget = budgets[key].monthly
        groups[dim] = dict(sorted(table.items(), key=lambda kv: (-kv[1].monthly, kv[0])))
    total = sum((r.monthly for r in rows if r.monthly is not None), Decimal(0))
    report = CostReport(source, currency, rows, groups, total)
    report.effective = sorted({e.effective for e in estimates})
    if report.unpriced:
        report.notes.append(
            f"{len(report.unpriced)} claim(s) could not be priced and are not in the totals"
        )
    over = [g.key for g in groups.get("team", {}).values() if g.over]
    if over:
        report.notes.append("over budget: " + ", ".join(over))
    return report


def _currency(estimates: list[Estimate]) -> str | None:
    from platformctl.core.cost.estimate import same_currency

    return same_currency(estimates, context=" in one report")


# --- writers -----------------------------------------------------------------------------------


def _amount(value: Decimal | None, currency: str | None) -> str:
    if value is None:
        return "-"
    return f"{money(value):,.2f}" + (f" {currency}" if currency else "")


def _table(headers: list[str], rows: list[list[str]], *, right: set[int]) -> list[str]:
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows, strict=True)]
    out = []
    for cells in [headers, *rows]:
        parts = [
            str(c).rjust(widths[i]) if i in right else str(c).ljust(widths[i])
            for i, c in enumerate(cells)
        ]
        out.append("  ".join(parts).rstrip())
    return out


def _group_rows(report: CostReport, dim: str) -> tuple[list[str], list[list[str]]]:
    headers = [dim.replace("_", " "), "claims", "monthly"]
    with_budget = dim == "team" and any(g.budget is not None for g in report.groups[dim].values())
    if with_budget:
        headers += ["budget", "used"]
    rows = []
    for g in report.groups[dim].values():
        cells = [g.key, str(g.claims) + (f" ({g.unpriced} unpriced)" if g.unpriced else "")]
        cells.append(_amount(g.monthly, report.currency))
        if with_budget:
            if g.budget is None:
                cells += ["-", "-"]
            else:
                used = f"{(g.monthly / g.budget * 100):.0f}%" if g.budget else "-"
                cells += [_amount(g.budget, report.currency), used + (" OVER" if g.over else "")]
        rows.append(cells)
    return headers, rows


def _text(report: CostReport) -> str:
    lines = [
        f"Monthly cost of {len(report.rows)} claim(s) from {report.source}: "
        f"{_amount(report.total, report.currency)}"
        + (f" (prices of {', '.join(report.effective)})" if report.effective else ""),
    ]
    for dim in DIMENSIONS:
        headers, rows = _group_rows(report, dim)
        lines += ["", f"By {dim.replace('_', ' ')}:"]
        lines += ["  " + line for line in _table(headers, rows, right={1, 2, 3, 4})]
    if report.rows:
        lines += ["", "Claims:"]
        headers = ["team", "system", "type", "claim", "monthly"]
        rows = [
            [r.team, r.system, r.claim_type, _where(r), _amount(r.monthly, report.currency)]
            for r in report.rows
        ]
        lines += ["  " + line for line in _table(headers, rows, right={4})]
    for row in report.unpriced:
        lines.append(f"unpriced: {_where(row)} ({row.source}): {row.problem}")
    lines += [f"note: {n}" for n in report.notes]
    return "\n".join(lines) + "\n"


def _where(row: Row) -> str:
    return f"{row.kind}/{row.namespace + '/' if row.namespace else ''}{row.name}"


def _markdown(report: CostReport) -> str:
    def table(headers: list[str], rows: list[list[str]]) -> list[str]:
        def esc(c: str) -> str:
            return str(c).replace("|", "\\|")

        return [
            "| " + " | ".join(esc(h) for h in headers) + " |",
            "| " + " | ".join("---" for _ in headers) + " |",
            *("| " + " | ".join(esc(c) for c in r) + " |" for r in rows),
        ]

    lines = [
        "# Monthly cost of claims",
        "",
        f"Source: `{report.source}`. Total: **{_amount(report.total, report.currency)}**"
        + (f" (prices of {', '.join(report.effective)})." if report.effective else "."),
    ]
    for dim in DIMENSIONS:
        headers, rows = _group_rows(report, dim)
        lines += ["", f"## By {dim.replace('_', ' ')}", "", *table(headers, rows)]
    lines += ["", "## Claims", ""]
    lines += table(
        ["team", "system", "type", "claim", "monthly", "problem"],
        [
            [
                r.team,
                r.system,
                r.claim_type,
                _where(r),
                _amount(r.monthly, report.currency),
                r.problem or "",
            ]
            for r in report.rows
        ],
    )
    if report.notes:
        lines += ["", *(f"- {n}" for n in report.notes)]
    return "\n".join(lines) + "\n"


def _csv(report: CostReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "team",
            "system",
            "claim_type",
            "kind",
            "namespace",
            "name",
            "monthly_cost",
            "currency",
            "source",
            "problem",
        ]
    )
    for r in report.rows:
        writer.writerow(
            [
                r.team,
                r.system,
                r.claim_type,
                r.kind,
                r.namespace or "",
                r.name,
                "" if r.monthly is None else f"{r.monthly:.2f}",
                report.currency or "",
                r.source,
                r.problem or "",
            ]
        )
    return buffer.getvalue()


def to_doc(report: CostReport) -> Any:
    """The report for the shared writers (core/reports.py): prometheus samples and the html
    page with a chart of the monthly cost by team and by system."""
    from platformctl.core.reports import Chart, ReportDoc, Sample, Table

    cur = report.currency or ""
    tables = []
    for dim in DIMENSIONS:
        headers, rows = _group_rows(report, dim)
        tables.append(Table(f"By {dim.replace('_', ' ')}", headers, rows))
    claims = Table(
        "Claims",
        ["team", "system", "type", "claim", "monthly", "source", "problem"],
        [
            [r.team, r.system, r.claim_type, _where(r), _amount(r.monthly, cur), r.source,
             r.problem or ""]
            for r in report.rows
        ],
    )  # fmt: skip
    samples = [
        Sample(
            "platform_claim_monthly_cost",
            float(r.monthly),
            {
                "team": r.team,
                "system": r.system,
                "claim_type": r.claim_type,
                "namespace": r.namespace or "",
                "claim": r.name,
                "currency": cur,
            },
            help="Monthly cost of a claim from the platform's price tables "
            "(hourly x 730 + usage x unit price).",
        )
        for r in report.rows
        if r.monthly is not None
    ]
    samples += [
        Sample(
            "platform_team_monthly_budget",
            float(g.budget),
            {"team": g.key, "currency": cur},
            help="Monthly budget of a team (cost.budgets in platform.yaml).",
        )
        for g in report.groups.get("team", {}).values()
        if g.budget is not None
    ]
    counts: dict[tuple[str, str, str, str], int] = {}
    for r in report.rows:
        key = (r.team, r.system, r.claim_type, r.requested_with)
        counts[key] = counts.get(key, 0) + 1
    samples += [
        Sample(
            "platform_claims",
            float(count),
            {"team": team, "system": system, "claim_type": claim_type, "requested_with": how},
            help="Claims (self-service requests), priced or not; requested_with is platformctl "
            "for claims built by platformctl provision, manifest for claims written by hand.",
        )
        for (team, system, claim_type, how), count in sorted(counts.items())
    ]
    samples.append(
        Sample(
            "platform_unpriced_claims",
            float(len(report.unpriced)),
            help="Claims that could not be priced (no table, or no price for a value).",
        )
    )
    charts = [
        Chart(
            f"Monthly cost by {label}",
            list(report.groups[dim]),
            [(cur or "cost", [float(g.monthly) for g in report.groups[dim].values()])],
            y_title=f"{cur} per month".strip(),
            kind="bar",
            x_title=label,
        )
        for dim, label in (("team", "team"), ("system", "system"))
        if report.groups.get(dim)
    ]
    headline = [
        f"{_amount(report.total, cur)} per month for {len(report.rows)} claim(s) from "
        f"{report.source}"
        + (f" (prices of {', '.join(report.effective)})" if report.effective else ""),
        *report.notes,
    ]
    return ReportDoc(
        kind="cost",
        command="cost report",
        title="Monthly cost of claims",
        headline=headline,
        data=report.body(),
        tables=tables,
        details=[claims],
        samples=samples,
        charts=charts,
        charts_heading="Where the money goes",
    )


def render(report: CostReport, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(report.to_json(), indent=2) + "\n"
    if fmt == "csv":
        return _csv(report)
    if fmt == "markdown":
        return _markdown(report)
    if fmt == "text":
        return _text(report)
    if fmt in ("prometheus", "html"):
        from platformctl.core import reports

        return reports.render(to_doc(report), fmt)
    raise UsageError(f"unknown format {fmt!r}", hint="use " + ", ".join(FORMATS))
