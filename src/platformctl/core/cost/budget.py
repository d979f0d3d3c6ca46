"""Per-team monthly budgets and the estimate of a claim request against them.

Budgets live in a platform's ``platform.yaml`` (a later platform replaces the whole section)::

    cost:
      currency: USD            # the budgets' currency: must be the prices' currency
      budgets:                 # team (the claim's owner, see estimate.owner_of) -> per month
        payments: 1500
        search: 400

A request is assessed against the team's other claims, read from the cluster (API mode) or from
the GitOps folder (``--gitops``, or the repository's folder when nothing is sent); a claim of the
same kind, namespace and name is the one being updated: its old cost is replaced, not added.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from platformctl.core.cost.estimate import (
    UNOWNED,
    CurrencyMismatch,
    Estimate,
    estimate_claim,
    money,
    number,
    owner_of,
)
from platformctl.core.cost.inventory import ClaimRecord
from platformctl.core.cost.prices import Prices
from platformctl.core.errors import InputFileError, PlatformError, ProblemsFound


@dataclass
class Budget:
    team: str
    monthly: Decimal
    currency: str
    file: str | None = None
    line: int | None = None


def _budget_error(layer: Any, path: tuple[Any, ...], message: str) -> InputFileError:
    line = column = None
    if layer.document is not None:
        line, column = layer.document.position(path)
    return InputFileError(
        message, file=str(Path(layer.root) / "platform.yaml"), line=line, column=column
    )


def budgets_from_config(config: Any) -> dict[str, Budget]:
    """Budgets of the innermost platform that has a ``cost:`` section (team -> Budget)."""
    for layer in reversed(config.platforms):
        section = (layer.data or {}).get("cost")
        if section is None:
            continue
        manifest = str(Path(layer.root) / "platform.yaml")
        if not isinstance(section, dict):
            raise _budget_error(
                layer, ("cost",), "cost must be a mapping with currency and budgets"
            )
        currency = section.get("currency")
        budgets = section.get("budgets") or {}
        if not isinstance(currency, str) or not currency.strip():
            raise _budget_error(
                layer, ("cost", "currency"), "cost.currency is required with budgets, e.g. USD"
            )
        if not isinstance(budgets, dict):
            raise _budget_error(
                layer, ("cost", "budgets"), "cost.budgets must map team names to amounts"
            )
        result: dict[str, Budget] = {}
        for team, amount in budgets.items():
            where = ("cost", "budgets", team)
            try:
                if isinstance(amount, bool):
                    raise InvalidOperation
                value = Decimal(str(amount))
            except InvalidOperation:
                raise _budget_error(
                    layer, where, f"the budget of {team} must be a number"
                ) from None
            line = layer.document.position(where)[0] if layer.document else None
            result[str(team)] = Budget(str(team), value, currency.strip().upper(), manifest, line)
        return result
    return {}


@dataclass
class BudgetCheck:
    team: str
    budget: Budget
    current: Decimal  # the team's other claims
    previous: Decimal  # the old cost of the claim being updated (0 for a new one)
    requested: Decimal  # the new cost of the claim
    after: Decimal

    @property
    def over(self) -> bool:
        return self.after > self.budget.monthly and self.requested > self.previous

    def to_json(self) -> dict[str, Any]:
        return {
            "team": self.team,
            "budget": number(money(self.budget.monthly)),
            "currency": self.budget.currency,
            "current": number(money(self.current + self.previous)),
            "after": number(money(self.after)),
            "over": self.over,
        }

    def message(self) -> str:
        cur = self.budget.currency
        return (
            f"team {self.team} would spend {money(self.after)} {cur}/month, over its budget of "
            f"{money(self.budget.monthly)} {cur} (now {money(self.current + self.previous)}, "
            f"this claim {money(self.requested)}"
            + (f" instead of {money(self.previous)}" if self.previous else "")
            + ")"
        )


@dataclass
class Assessment:
    estimate: Estimate
    previous: Estimate | None = None  # the claim as it is now (an update)
    budget: BudgetCheck | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def difference(self) -> Decimal | None:
        if self.previous is None:
            return None
        return money(self.estimate.monthly) - money(self.previous.monthly)

    def to_json(self) -> dict[str, Any]:
        data = self.estimate.to_json()
        if self.previous is not None:
            data["previous_monthly_cost"] = number(self.previous.monthly_cost)
            data["difference"] = number(self.difference or Decimal(0))
        if self.budget is not None:
            data["budget"] = self.budget.to_json()
        if self.notes:
            data["notes"] = list(self.notes)
        return data


def _key(obj: dict[str, Any]) -> tuple[str, str | None, str]:
    meta = obj.get("metadata") or {}
    return (str(obj.get("kind")), meta.get("namespace"), str(meta.get("name")))


def assess(
    claim_type: Any,
    obj: dict[str, Any],
    prices: Prices,
    *,
    budgets: dict[str, Budget],
    existing: list[ClaimRecord] | None,
    source: str = "",
) -> Assessment:
    """Price ``obj``, find the claim it updates in ``existing`` and check the owner's budget.

    ``existing`` None means the team's current claims are unknown (no cluster, no GitOps
    folder): the budget is checked against this claim alone, and a note says so."""
    estimate = estimate_claim(claim_type, obj, prices)
    result = Assessment(estimate)
    key = _key(obj)
    others: list[ClaimRecord] = []
    for record in existing or []:
        if _key(record.obj) == key:
            try:
                result.previous = estimate_claim(record.claim_type, record.obj, prices)
            except PlatformError as exc:
                result.notes.append(
                    f"the current {key[0]}/{key[2]} cannot be priced: {exc.message}"
                )
        else:
            others.append(record)
    if result.previous is not None and result.previous.currency != estimate.currency:
        raise CurrencyMismatch(
            f"the current claim is priced in {result.previous.currency}, the new one in "
            f"{estimate.currency}",
            hint="price every claim type in one currency",
        )
    team = estimate.owner
    budget = budgets.get(team)
    if budget is None:
        if budgets:
            if team == UNOWNED:
                result.notes.append(
                    "the claim has no owning team, so no budget applies "
                    "(set --set metadata.labels.team=TEAM)"
                )
            else:
                result.notes.append(f"team {team} has no budget")
        return result
    if budget.currency != estimate.currency:
        raise CurrencyMismatch(
            f"the budget of team {team} is in {budget.currency} but {claim_type.name} is priced "
            f"in {estimate.currency}",
            hint="use one currency for cost.currency in platform.yaml and prices.yaml",
            file=budget.file,
            line=budget.line,
        )
    current = Decimal(0)
    if existing is None:
        result.notes.append(
            "the team's other claims are unknown here (no cluster, no GitOps folder): "
            "the budget is checked against this claim alone"
        )
    for record in others:
        if owner_of(record.obj) != team:
            continue
        try:
            other = estimate_claim(record.claim_type, record.obj, prices)
        except PlatformError as exc:
            result.notes.append(f"{record.source}: not counted ({exc.message})")
            continue
        if other.currency != budget.currency:
            raise CurrencyMismatch(
                f"{record.source} is priced in {other.currency}, the budget of team {team} "
                f"in {budget.currency}",
                hint="use one currency for cost.currency in platform.yaml and prices.yaml",
            )
        current += money(other.monthly)
    previous = money(result.previous.monthly) if result.previous else Decimal(0)
    requested = money(estimate.monthly)
    result.budget = BudgetCheck(
        team, budget, current, previous, requested, after=current + requested
    )
    if source:
        result.notes.append(f"current spend from {source}")
    return result


def over_budget(assessment: Assessment) -> ProblemsFound | None:
    """The refusal (exit 1, with the numbers) when the request takes its team over budget."""
    check = assessment.budget
    if check is None or not check.over:
        return None
    return ProblemsFound(
        check.message(),
        hint="request less, raise the team's budget (cost.budgets in platform.yaml), "
        "or pass --allow-over-budget",
    )


def assess_request(
    claim_type: Any,
    obj: dict[str, Any],
    cfg: Any,
    budgets: dict[str, Budget],
    *,
    cluster: Any,
    repo: str | None,
    path: str | None,
) -> Assessment:
    """Assess a claim request against its team's budget: the team's other claims come from the
    cluster (API mode) or from the GitOps folder of the repository, when there is one."""
    from platformctl.core.cost import inventory
    from platformctl.core.cost.prices import load_prices
    from platformctl.core.provision import claim

    registry = claim.registry_from_config(cfg)
    existing = None
    source = ""
    if cluster is not None:
        existing = inventory.from_cluster(cluster, registry, namespace=None).records
        source = "the cluster"
    else:
        folder = _gitops_folder(cfg, repo=repo, path=path)
        if folder is not None:
            existing = inventory.from_folder(folder, registry)
            source = str(folder)
    prices = load_prices(cfg.platforms, aliases=dict(registry.aliases))
    return assess(claim_type, obj, prices, budgets=budgets, existing=existing, source=source)


@dataclass
class RequestCost:
    """A claim request priced and checked against its team's budget (``check_request``)."""

    assessment: Assessment | None = None
    unchecked: PlatformError | None = None  # why the budget could not be checked (a warning)
    refusal: ProblemsFound | None = None  # over budget


def check_request(
    claim_type: Any,
    obj: dict[str, Any],
    cfg: Any,
    *,
    estimate: bool,
    cluster: Any = None,
    repo: str | None = None,
    path: str | None = None,
) -> RequestCost | None:
    """``provision --estimate`` (price the request; a gap in the price tables is an error) or,
    without ``estimate`` and only when the platform has budgets, the check of the team's budget
    before the claim is sent (a claim type or value without a price, or claims that cannot be
    listed, leave it ``unchecked``: a request is not held up by them).  None: nothing to do."""
    budgets = budgets_from_config(cfg)
    if not estimate and not budgets:
        return None
    try:
        assessment = assess_request(
            claim_type, obj, cfg, budgets, cluster=cluster, repo=repo, path=path
        )
    except PlatformError as exc:
        if estimate:
            raise
        return RequestCost(unchecked=exc)
    return RequestCost(assessment=assessment, refusal=over_budget(assessment))


def _gitops_folder(cfg: Any, *, repo: str | None, path: str | None) -> Path | None:
    from platformctl.core import vcs

    root = vcs.repo_root(Path(repo or "."))
    if root is None:
        return None
    folder = root / (path or str(cfg.get("provision.gitops_dir", "infra/claims")))
    return folder if folder.is_dir() else None
