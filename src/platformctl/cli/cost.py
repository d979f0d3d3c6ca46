"""`platformctl cost report`: showback of the claims in a GitOps folder or in the cluster."""

from __future__ import annotations

from pathlib import Path

import typer

from platformctl.cli import render

app = typer.Typer(help="Cost of platform claims: showback reports.", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """Cost of platform claims (prices from the platform's prices.yaml)."""


@app.command("report")
def report_cmd(
    gitops: Path | None = typer.Option(
        None, "--gitops", metavar="DIR", help="Price the claim files in this GitOps folder."
    ),
    cluster: bool = typer.Option(False, "--cluster", help="Price the claims in the cluster."),
    namespace: str | None = typer.Option(
        None, "--namespace", "-n", help="With --cluster: only this namespace (default: all)."
    ),
    context: str | None = typer.Option(None, "--context", help="kubeconfig context to use."),
    kubeconfig: str | None = typer.Option(None, "--kubeconfig", metavar="FILE"),
    fmt: str = typer.Option(
        "text",
        "--format",
        "-f",
        help="text, json, csv, markdown, prometheus or html (with charts).",
    ),
    output: str | None = typer.Option(None, "--output", "-o", help="Write the report to FILE."),
) -> None:
    """Price every claim and total it by team (owner), system and claim type.

    The team is the claim's `team` or `owner` label (else its backstage.io/owner annotation);
    the system its `system` or app.kubernetes.io/part-of label (else backstage.io/system).
    Claims that cannot be priced are listed with the reason and left out of the totals.
    Per-team budgets (cost.budgets in platform.yaml) are shown beside the team totals.
    """
    from platformctl.core import config as config_mod
    from platformctl.core.cost import report as report_mod
    from platformctl.core.cost import showback
    from platformctl.core.errors import UsageError

    if fmt not in report_mod.FORMATS:
        raise UsageError(f"unknown format {fmt!r}", hint="use " + ", ".join(report_mod.FORMATS))
    showback.check_source(gitops=gitops, cluster=cluster)
    cfg = config_mod.load(overrides={"provision.context": context} if context else None)
    shown = showback.showback(
        cfg,
        gitops=gitops,
        cluster=cluster,
        namespace=namespace,
        context=context,
        kubeconfig=kubeconfig,
        base=Path.cwd(),
        note=lambda text: render.info(f"note: {text}"),
    )
    result = shown.report
    render.emit(report_mod.render(result, fmt), output)
    if fmt != "text":
        for note in result.notes:
            render.info(f"note: {note}")


# --- provision TYPE NAME --estimate / --allow-over-budget (called from cli/provision.py) --------


def claim_cost(
    claim_type: object,
    built: object,
    cfg: object,
    *,
    estimate: bool,
    allow_over_budget: bool,
    output: str | None,
    repo: str | None,
    path: str | None,
    cluster: object | None,
) -> dict[str, object] | None:
    """Price a claim request and check its team's budget.

    With --estimate: print the estimate (text; or return it for -o yaml|json), errors are
    errors.  Without: only when the platform has budgets, check the team's budget before the
    claim is sent; a claim type or value without a price is a warning, not a refusal.  Over
    budget: ProblemsFound (exit 1) unless --allow-over-budget."""
    from platformctl.core.cost import budget as budget_mod

    cost = budget_mod.check_request(
        claim_type,
        built.object,  # type: ignore[attr-defined]
        cfg,
        estimate=estimate,
        cluster=cluster,
        repo=repo,
        path=path,
    )
    if cost is None:
        return None
    if cost.unchecked is not None:
        render.warn(f"the team's budget was not checked: {cost.unchecked.render()}")
        return None
    assessment, refusal = cost.assessment, cost.refusal
    assert assessment is not None
    if estimate and not output:
        render.emit(_estimate_text(assessment))
    elif not estimate and assessment.budget is not None:
        check = assessment.budget
        render.info(
            f"budget of team {check.team}: {check.after:.2f} of {check.budget.monthly:.2f} "
            f"{check.budget.currency}/month after this claim"
        )
    for note in assessment.notes:
        render.info(f"note: {note}")
    if refusal is not None:
        if not allow_over_budget:
            raise refusal
        render.warn(f"{refusal.message} (allowed by --allow-over-budget)")
    return assessment.to_json() if estimate else None


def _estimate_text(assessment: object) -> str:
    from platformctl.core.cost.budget import Assessment
    from platformctl.core.cost.estimate import money

    assert isinstance(assessment, Assessment)
    e = assessment.estimate
    cur = e.currency
    ref = f"{e.kind}/{e.namespace + '/' if e.namespace else ''}{e.name}"
    lines = [
        f"Estimated monthly cost of {ref}: {money(e.monthly):,.2f} {cur} (prices of {e.effective})"
    ]
    rows = []
    for line in e.lines:
        parts = []
        if line.count != 1:
            parts.append(f"{line.count} x")
        if line.hourly is not None:
            parts.append(f"{line.hourly}/h x 730 h")
        if line.unit is not None:
            if line.hourly is not None:
                parts.append("+")
            parts.append(f"{line.quantity} {line.unit} x {line.unit_price}")
        rows.append(
            (line.resource, " ".join(parts), f"{money(line.monthly):,.2f} {cur}", line.description)
        )
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for r in rows:
        lines.append(
            f"  {r[0].ljust(widths[0])}  {r[1].ljust(widths[1])}  "
            f"{r[2].rjust(widths[2])}  {r[3]}".rstrip()
        )
    if assessment.previous is not None:
        diff = assessment.difference or 0
        sign = "+" if diff >= 0 else "-"
        lines.append(
            f"Change: {money(assessment.previous.monthly):,.2f} {cur} -> "
            f"{money(e.monthly):,.2f} {cur} ({sign}{abs(diff):,.2f} {cur})"
        )
    check = assessment.budget
    if check is not None:
        lines.append(
            f"Budget of team {check.team}: {money(check.current + check.previous):,.2f} -> "
            f"{money(check.after):,.2f} of {money(check.budget.monthly):,.2f} "
            f"{check.budget.currency}" + ("  OVER BUDGET" if check.over else "")
        )
    return "\n".join(lines) + "\n"
