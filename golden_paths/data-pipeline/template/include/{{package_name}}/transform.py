"""Transform: typed, normalised orders with their amount.

Pure functions over lists of dicts: no Airflow, no database, tested in tests/test_transform.py.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

STATUSES = frozenset({"placed", "shipped", "delivered", "returned"})
COLUMNS = (
    "order_id",
    "customer_id",
    "order_date",
    "status",
    "quantity",
    "unit_price",
    "amount",
)


class TransformError(ValueError):
    """A source row that cannot be typed."""


def _decimal(value: Any, field: str, order_id: str) -> Decimal:
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as error:
        raise TransformError(f"order {order_id}: {field} {value!r} is not a number") from error


def transform_row(row: dict[str, Any]) -> dict[str, Any] | None:
    """One source row typed and normalised; None for a cancelled order (not loaded)."""
    order_id = str(row.get("order_id", "")).strip()
    status = str(row.get("status", "")).strip().lower()
    if status == "cancelled":
        return None
    quantity = _decimal(row.get("quantity"), "quantity", order_id)
    if quantity != quantity.to_integral_value():
        raise TransformError(f"order {order_id}: quantity {quantity} is not whole")
    unit_price = _decimal(row.get("unit_price"), "unit_price", order_id)
    amount = (quantity * unit_price).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return {
        "order_id": order_id,
        "customer_id": str(row.get("customer_id", "")).strip(),
        "order_date": str(row.get("order_date", "")).strip(),
        "status": status,
        "quantity": int(quantity),
        "unit_price": float(unit_price),
        "amount": float(amount),
    }


def transform(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every row typed and normalised, cancelled orders dropped, sorted by order id."""
    out = [t for t in (transform_row(row) for row in rows) if t is not None]
    return sorted(out, key=lambda r: r["order_id"])
