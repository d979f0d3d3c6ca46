"""Price tables: ``prices.yaml`` in a platform folder (the embedded default platform ships
illustrative prices; each platform team maintains its own).

Shape (docs/reference/prices.md)::

    apiVersion: platformctl.io/v1
    kind: PriceTable
    currency: USD
    effective: "2026-01-01"          # the date the prices were taken
    claim_types:
      database:                      # a claim type name (or alias) of platform.yaml
        resources:                   # the managed resources one claim composes into
          - name: instance
            description: RDS instance (db.t3.medium / db.m6g.xlarge / db.m6g.2xlarge)
            match: {parameters.provider: aws}        # optional: only for these values
            hourly: {by: parameters.size, values: {small: 0.068, medium: 0.32, large: 0.64}}
            count: {by: parameters.highAvailability, values: {true: 2, false: 1}}
          - name: storage
            unit: GB-month
            unit_price: 0.115
            quantity: {by: parameters.storageGB,
                       default: {by: parameters.size, values: {small: 20, medium: 100}}}

A price or quantity ("lookup") is a number, or ``{by: PATH}`` (the number in the claim at PATH,
a path under ``spec`` as for ``--set``), or ``{by: PATH, values: {VALUE: number}}`` (looked up by
the claim's value at PATH); either may carry ``default:`` (a lookup) for when the claim has no
value there and the XRD has no default.  A resource costs
``count x (hourly x 730 + quantity x unit_price)``.

Platforms are read in order (embedded first); a later platform's table for a claim type replaces
the earlier one.  Each table keeps the currency and effective date of its file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from platformctl.core import yamlio
from platformctl.core.errors import InputFileError

FILE = "prices.yaml"
HOURS_PER_MONTH = Decimal(730)
_RESOURCE_KEYS = frozenset(
    {"name", "description", "match", "hourly", "unit", "unit_price", "quantity", "count"}
)


class MissingPrice(InputFileError):
    """The table has no price for a value the claim has (exit 2)."""


def value_key(value: Any) -> str:
    """How a claim value and a table key compare: booleans as true/false, numbers as text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class Where:
    file: str
    line: int | None = None
    column: int | None = None


@dataclass
class Lookup:
    """A number, or a number found through the claim's value at ``by``."""

    where: Where
    constant: Decimal | None = None
    by: tuple[str, ...] | None = None
    values: dict[str, Decimal] | None = None
    default: Lookup | None = None

    def evaluate(
        self, get: Callable[[tuple[str, ...]], Any], *, claim_type: str, what: str
    ) -> tuple[Decimal, str | None]:
        """(number, how it was found) for the claim that ``get`` reads."""
        if self.constant is not None:
            return self.constant, None
        assert self.by is not None
        path = ".".join(self.by)
        raw = get(self.by)
        if raw is None:
            if self.default is not None:
                return self.default.evaluate(get, claim_type=claim_type, what=what)
            raise MissingPrice(
                f"claim type {claim_type!r} has no value for parameter {path} to price {what}",
                hint=f"set {path} in the claim, or give the {what} a default in {FILE}",
                file=self.where.file,
                line=self.where.line,
                column=self.where.column,
            )
        if self.values is None:
            if isinstance(raw, bool):
                raw = None
            try:
                return Decimal(str(raw)), f"{path}={raw}"
            except (InvalidOperation, ValueError):
                raise MissingPrice(
                    f"claim type {claim_type!r}: parameter {path} is {raw!r}, not a number, "
                    f"so it cannot be the {what}",
                    file=self.where.file,
                    line=self.where.line,
                    column=self.where.column,
                ) from None
        key = value_key(raw)
        if key not in self.values:
            known = ", ".join(sorted(self.values)) or "none"
            raise MissingPrice(
                f"no {what} price for claim type {claim_type!r} with parameter {path}={key} "
                f"(priced: {known})",
                hint=f"add {key} to the table in {FILE} (the platform team maintains it)",
                file=self.where.file,
                line=self.where.line,
                column=self.where.column,
            )
        return self.values[key], f"{path}={key}"


@dataclass
class PricedResource:
    name: str
    description: str
    where: Where
    match: dict[tuple[str, ...], str] = field(default_factory=dict)
    hourly: Lookup | None = None
    unit: str | None = None
    unit_price: Lookup | None = None
    quantity: Lookup | None = None
    count: Lookup | None = None


@dataclass
class PriceTable:
    claim_type: str
    currency: str
    effective: str
    resources: list[PricedResource]
    where: Where


@dataclass
class Prices:
    tables: dict[str, PriceTable] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def table(self, claim_type: str) -> PriceTable | None:
        return self.tables.get(claim_type)


# --- parsing -----------------------------------------------------------------------------------


class _Reader:
    def __init__(self, doc: yamlio.Document, display: str) -> None:
        self.doc = doc
        self.display = display

    def where(self, path: tuple[Any, ...]) -> Where:
        line, column = self.doc.position(path)
        return Where(self.display, line, column)

    def fail(self, path: tuple[Any, ...], message: str, hint: str | None = None) -> InputFileError:
        where = self.where(path)
        return InputFileError(
            message, hint=hint, file=where.file, line=where.line, column=where.column
        )

    def number(self, value: Any, path: tuple[Any, ...]) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise self.fail(path, f"{yamlio.dotted(path)} must be a number")
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise self.fail(path, f"{yamlio.dotted(path)} must be a number") from None
        if not number.is_finite() or number < 0:
            raise self.fail(path, f"{yamlio.dotted(path)} must be a number of at least 0")
        return number

    def spec_path(self, value: Any, path: tuple[Any, ...]) -> tuple[str, ...]:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(
                path,
                f"{yamlio.dotted(path)} must be a path under spec, e.g. parameters.size",
            )
        parts = tuple(value.strip().removeprefix("spec.").split("."))
        if any(not p for p in parts):
            raise self.fail(path, f"{yamlio.dotted(path)}: {value!r} is not a dotted path")
        return parts

    def lookup(self, value: Any, path: tuple[Any, ...]) -> Lookup:
        where = self.where(path)
        if not isinstance(value, dict):
            return Lookup(where, constant=self.number(value, path))
        unknown = sorted(str(k) for k in value if k not in ("by", "values", "default"))
        if unknown or "by" not in value:
            raise self.fail(
                path,
                f"{yamlio.dotted(path)} must be a number or a mapping with by (and values, "
                f"default)" + (f"; unknown key {unknown[0]}" if unknown else ""),
            )
        table = value.get("values")
        values = None
        if table is not None:
            if not isinstance(table, dict) or not table:
                raise self.fail((*path, "values"), "values must map claim values to numbers")
            values = {value_key(k): self.number(v, (*path, "values", k)) for k, v in table.items()}
        default = None
        if "default" in value:
            default = self.lookup(value["default"], (*path, "default"))
        return Lookup(
            where, by=self.spec_path(value["by"], (*path, "by")), values=values, default=default
        )

    def resource(self, value: Any, path: tuple[Any, ...]) -> PricedResource:
        if not isinstance(value, dict):
            raise self.fail(path, "each resource must be a mapping")
        unknown = sorted(str(k) for k in value if k not in _RESOURCE_KEYS)
        if unknown:
            raise self.fail(
                (*path, unknown[0]),
                f"unknown key {unknown[0]!r} in a priced resource",
                hint="keys: " + ", ".join(sorted(_RESOURCE_KEYS)),
            )
        name = value.get("name")
        if not isinstance(name, str) or not name:
            raise self.fail(path, "each resource needs a name")
        match: dict[tuple[str, ...], str] = {}
        raw_match = value.get("match") or {}
        if not isinstance(raw_match, dict):
            raise self.fail((*path, "match"), "match must map parameter paths to values")
        for key, wanted in raw_match.items():
            match[self.spec_path(key, (*path, "match", key))] = value_key(wanted)
        has_usage = any(k in value for k in ("unit", "unit_price", "quantity"))
        if has_usage and not all(k in value for k in ("unit", "unit_price", "quantity")):
            raise self.fail(
                path, f"resource {name}: usage pricing needs unit, unit_price and quantity"
            )
        if "hourly" not in value and not has_usage:
            raise self.fail(path, f"resource {name} needs an hourly price or usage pricing")
        return PricedResource(
            name=name,
            description=str(value.get("description") or ""),
            where=self.where(path),
            match=match,
            hourly=self.lookup(value["hourly"], (*path, "hourly")) if "hourly" in value else None,
            unit=str(value["unit"]) if has_usage else None,
            unit_price=self.lookup(value["unit_price"], (*path, "unit_price"))
            if has_usage
            else None,
            quantity=self.lookup(value["quantity"], (*path, "quantity")) if has_usage else None,
            count=self.lookup(value["count"], (*path, "count")) if "count" in value else None,
        )


def load_file(path: Path, *, display: str | None = None) -> list[PriceTable]:
    """The price tables of one prices.yaml (InputFileError with file:line on bad input)."""
    shown = display or str(path)
    doc = yamlio.load_one(path, display=shown)
    data = yamlio.expect_mapping(doc, shown)
    reader = _Reader(doc, shown)
    currency = data.get("currency")
    if not isinstance(currency, str) or not currency.strip():
        raise reader.fail(("currency",), "currency is required, e.g. currency: USD")
    effective = data.get("effective")
    if effective is None:
        raise reader.fail(("effective",), "effective (the date of the prices) is required")
    types = data.get("claim_types")
    if not isinstance(types, dict):
        raise reader.fail(("claim_types",), "claim_types must map claim type names to tables")
    tables = []
    for name, table in types.items():
        where = ("claim_types", name)
        if not isinstance(table, dict) or not isinstance(table.get("resources"), list):
            raise reader.fail(where, f"claim type {name}: resources must be a list")
        resources = [
            reader.resource(item, (*where, "resources", i))
            for i, item in enumerate(table["resources"])
        ]
        if not resources:
            raise reader.fail(where, f"claim type {name}: resources must not be empty")
        tables.append(
            PriceTable(
                claim_type=str(name),
                currency=currency.strip().upper(),
                effective=str(effective),
                resources=resources,
                where=reader.where(where),
            )
        )
    return tables


def load_prices(platforms: list[Any], *, aliases: dict[str, str] | None = None) -> Prices:
    """Price tables of ``platforms`` (Config.platforms, embedded first). ``aliases`` maps claim
    type aliases to names so a table may be written under either."""
    prices = Prices()
    for layer in platforms:
        path = Path(layer.root) / FILE
        if not path.is_file():
            continue
        display = str(path)
        prices.files.append(display)
        for table in load_file(path, display=display):
            name = (aliases or {}).get(table.claim_type, table.claim_type)
            table.claim_type = name
            prices.tables[name] = table
    return prices


def prices_from_config(config: Any = None) -> Prices:
    from platformctl.core.provision import claim

    if config is None:
        from platformctl.core import config as config_mod

        config = config_mod.load()
    registry = claim.registry_from_config(config)
    return load_prices(config.platforms, aliases=dict(registry.aliases))
