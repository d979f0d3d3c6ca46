"""The monthly cost of one claim, from its claim type's price table.

``estimate_claim`` reads the claim's values under ``spec`` (falling back to the XRD's defaults,
which the API server would apply), keeps the priced resources whose ``match`` holds, and prices
each: ``count x (hourly x 730 + quantity x unit_price)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from platformctl.core.cost.prices import FILE, HOURS_PER_MONTH, MissingPrice, Prices, value_key
from platformctl.core.errors import UsageError

CENT = Decimal("0.01")
OWNER_LABELS = ("team", "owner")
OWNER_ANNOTATION = "backstage.io/owner"
SYSTEM_LABELS = ("system", "app.kubernetes.io/part-of")
SYSTEM_ANNOTATION = "backstage.io/system"
UNOWNED = "(unowned)"
NO_SYSTEM = "(none)"


def money(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def number(amount: Decimal) -> float | int:
    """A JSON number: whole amounts as integers, others as they are (no binary noise)."""
    return int(amount) if amount == amount.to_integral_value() else float(amount)


class NoPriceTable(UsageError):
    """The claim type has no table in any prices.yaml (exit 2)."""


class CurrencyMismatch(UsageError):
    """Amounts in different currencies cannot be added or compared (exit 2)."""


@dataclass
class Line:
    resource: str
    description: str
    monthly: Decimal
    count: Decimal = Decimal(1)
    hourly: Decimal | None = None
    unit: str | None = None
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    basis: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "resource": self.resource,
            "description": self.description,
            "monthly_cost": number(money(self.monthly)),
            "count": number(self.count),
        }
        if self.hourly is not None:
            data["hourly"] = number(self.hourly)
            data["hours"] = int(HOURS_PER_MONTH)
        if self.unit is not None:
            data["unit"] = self.unit
            data["quantity"] = number(self.quantity or Decimal(0))
            data["unit_price"] = number(self.unit_price or Decimal(0))
        if self.basis:
            data["basis"] = list(self.basis)
        return data


@dataclass
class Estimate:
    claim_type: str
    kind: str
    name: str
    namespace: str | None
    currency: str
    effective: str
    monthly: Decimal
    lines: list[Line]
    owner: str = UNOWNED
    system: str = NO_SYSTEM

    @property
    def monthly_cost(self) -> Decimal:
        return money(self.monthly)

    def to_json(self) -> dict[str, Any]:
        return {
            "monthly_cost": number(self.monthly_cost),
            "currency": self.currency,
            "effective": self.effective,
            "breakdown": [line.to_json() for line in self.lines],
        }


# --- who owns a claim ------------------------------------------------------------------------


def _team(ref: str) -> str:
    """``group:default/payments`` -> ``payments`` (the name budgets and reports use)."""
    return ref.strip().rsplit("/", 1)[-1].split(":", 1)[-1]


def owner_of(obj: dict[str, Any]) -> str:
    """The owning team: label ``team`` or ``owner``, else annotation ``backstage.io/owner``."""
    meta = obj.get("metadata") or {}
    labels = meta.get("labels") or {}
    for key in OWNER_LABELS:
        if isinstance(labels.get(key), str) and labels[key].strip():
            return _team(labels[key])
    annotation = (meta.get("annotations") or {}).get(OWNER_ANNOTATION)
    if isinstance(annotation, str) and annotation.strip():
        return _team(annotation)
    return UNOWNED


def system_of(obj: dict[str, Any]) -> str:
    """The system: label ``system`` or ``app.kubernetes.io/part-of``, else annotation
    ``backstage.io/system``."""
    meta = obj.get("metadata") or {}
    labels = meta.get("labels") or {}
    for key in SYSTEM_LABELS:
        if isinstance(labels.get(key), str) and labels[key].strip():
            return _team(labels[key])
    annotation = (meta.get("annotations") or {}).get(SYSTEM_ANNOTATION)
    if isinstance(annotation, str) and annotation.strip():
        return _team(annotation)
    return NO_SYSTEM


# --- pricing -----------------------------------------------------------------------------------


def _reader(claim_type: Any, obj: dict[str, Any]) -> Any:
    defaults = {p.path: p.default for p in claim_type.params if p.has_default}

    def get(path: tuple[str, ...]) -> Any:
        node: Any = obj.get("spec") or {}
        for part in path:
            if not isinstance(node, dict) or part not in node:
                return defaults.get(path)
            node = node[part]
        return node

    return get


def estimate_claim(claim_type: Any, obj: dict[str, Any], prices: Prices) -> Estimate:
    """The monthly cost of claim ``obj`` of ``claim_type`` (a provision ClaimType).

    Raises NoPriceTable when the type has no table and MissingPrice (naming the claim type and
    the parameter) when the table has no price for one of the claim's values."""
    table = prices.table(claim_type.name)
    meta = obj.get("metadata") or {}
    if table is None:
        raise NoPriceTable(
            f"claim type {claim_type.name!r} has no price table",
            hint=f"add claim_types.{claim_type.name} to {FILE} in your platform folder "
            "(docs/reference/prices.md)",
        )
    get = _reader(claim_type, obj)
    lines: list[Line] = []
    # Resources of the same name are alternatives selected by `match`: one of them must apply,
    # or the claim would be priced without that resource.
    unmatched: dict[str, list[str]] = {}
    matched: set[str] = set()
    for resource in table.resources:
        misses = [
            f"{'.'.join(path)}={value_key(get(path))}"
            for path, wanted in resource.match.items()
            if value_key(get(path)) != wanted
        ]
        if misses:
            unmatched.setdefault(resource.name, []).extend(misses)
            continue
        matched.add(resource.name)
        what = f"{resource.name}"
        basis: list[str] = []

        def evaluate(lookup: Any, label: str, basis: list[str] = basis) -> Decimal:
            amount, how = lookup.evaluate(get, claim_type=claim_type.name, what=label)
            if how:
                basis.append(how)
            return amount

        count = evaluate(resource.count, f"{what} count") if resource.count else Decimal(1)
        hourly = evaluate(resource.hourly, f"{what} hourly") if resource.hourly else None
        quantity = unit_price = None
        if resource.quantity is not None and resource.unit_price is not None:
            quantity = evaluate(resource.quantity, f"{what} quantity")
            unit_price = evaluate(resource.unit_price, f"{what} unit")
        monthly = (hourly or Decimal(0)) * HOURS_PER_MONTH + (quantity or Decimal(0)) * (
            unit_price or Decimal(0)
        )
        lines.append(
            Line(
                resource=resource.name,
                description=resource.description,
                monthly=count * monthly,
                count=count,
                hourly=hourly,
                unit=resource.unit,
                quantity=quantity,
                unit_price=unit_price,
                basis=sorted(set(basis)),
            )
        )
    missing = {name: misses for name, misses in unmatched.items() if name not in matched}
    if missing:
        name, misses = next(iter(missing.items()))
        raise MissingPrice(
            f"no price for claim type {claim_type.name!r} with "
            + ", ".join(sorted(set(misses)))
            + f" (resource {name})",
            hint=f"add a {name} resource matching these values to the table in {FILE}",
            file=table.where.file,
            line=table.where.line,
            column=table.where.column,
        )
    return Estimate(
        claim_type=claim_type.name,
        kind=str(obj.get("kind") or claim_type.kind),
        name=str(meta.get("name") or ""),
        namespace=meta.get("namespace"),
        currency=table.currency,
        effective=table.effective,
        monthly=sum((line.monthly for line in lines), Decimal(0)),
        lines=lines,
        owner=owner_of(obj),
        system=system_of(obj),
    )


def same_currency(estimates: list[Estimate], *, context: str = "") -> str | None:
    """The one currency of ``estimates`` (None when empty); CurrencyMismatch otherwise."""
    seen: dict[str, str] = {}
    for e in estimates:
        seen.setdefault(e.currency, e.claim_type)
    if len(seen) > 1:
        shown = ", ".join(f"{t} in {c}" for c, t in seen.items())
        raise CurrencyMismatch(
            f"prices in different currencies cannot be added{context}: {shown}",
            hint="price every claim type in one currency (prices.yaml of each platform)",
        )
    return next(iter(seen), None)
