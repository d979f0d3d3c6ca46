"""Price tables, estimates and budgets with hand-computed prices (730 hours a month)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from platformctl.core import config as config_mod
from platformctl.core.cost import budget as budget_mod
from platformctl.core.cost import estimate as estimate_mod
from platformctl.core.cost import inventory
from platformctl.core.cost import report as report_mod
from platformctl.core.cost.prices import MissingPrice, load_file, prices_from_config
from platformctl.core.errors import InputFileError, UsageError
from platformctl.core.provision import claim

# tests/data/cost/prices.yaml, by hand:
# small, no HA, no storageGB: 0.10 x 730 = 73.00 + 50 GB x 0.10 = 5.00 -> 78.00
# medium, HA, 200 GB: 2 x 0.20 x 730 = 292.00 + 200 GB x 0.10 = 20.00 -> 312.00
DATA = Path(__file__).resolve().parents[1] / "data" / "cost"
PRICES = (DATA / "prices.yaml").read_text()


def make_platform(root: Path, prices: str = PRICES, cost: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "platform.yaml").write_text(
        "apiVersion: platformctl.io/v1\nkind: Platform\nmetadata:\n  name: test\n" + cost
    )
    (root / "prices.yaml").write_text(prices)
    return root


@pytest.fixture
def platform(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_platform(tmp_path / "platform")
    monkeypatch.setenv("PLATFORMCTL_PLATFORM", str(root))
    return root


def db_claim(name: str, team: str | None = None, **values: object) -> dict:
    registry = claim.registry_from_config()
    sets = [f"metadata.labels.team={team}"] if team else []
    return claim.build_claim(
        registry.get("db"), name, namespace="default", values=dict(values), sets=sets
    ).object


def test_hand_computed_estimates(platform: Path) -> None:
    prices = prices_from_config()
    database = claim.registry_from_config().get("db")
    small = estimate_mod.estimate_claim(database, db_claim("a", size="small"), prices)
    assert small.monthly_cost == Decimal("78.00")
    assert [(line.resource, line.monthly) for line in small.lines] == [
        ("instance", Decimal("73.000")),
        ("storage", Decimal("5.00")),
    ]
    assert small.effective == "2026-02-01" and small.currency == "USD"
    big = estimate_mod.estimate_claim(
        database,
        db_claim("b", size="medium", **{"high-availability": True, "storage-gb": 200}),
        prices,
    )
    assert big.monthly_cost == Decimal("312.00")
    assert big.to_json()["breakdown"][0] == {
        "resource": "instance",
        "description": "",
        "monthly_cost": 292,
        "count": 2,
        "hourly": 0.2,
        "hours": 730,
        "basis": ["parameters.highAvailability=true", "parameters.size=medium"],
    }


def test_missing_price_names_claim_type_and_parameter(platform: Path) -> None:
    prices = prices_from_config()
    database = claim.registry_from_config().get("db")
    with pytest.raises(MissingPrice) as info:
        estimate_mod.estimate_claim(database, db_claim("c", size="large"), prices)
    assert "'database'" in info.value.message and "parameters.size=large" in info.value.message
    assert info.value.position.file.endswith("prices.yaml") and info.value.position.line == 13
    assert info.value.exit_code == 2
    with pytest.raises(MissingPrice, match=r"'database' with parameters.provider=gcp"):
        estimate_mod.estimate_claim(database, db_claim("d", size="small", provider="gcp"), prices)


def test_claim_type_without_a_table(platform: Path) -> None:
    infra = claim.registry_from_config().get("infra")
    obj = claim.build_claim(
        infra, "x", namespace="default", values={"service-name": "x"}, sets=[]
    ).object
    with pytest.raises(estimate_mod.NoPriceTable, match="'service-infra' has no price table"):
        estimate_mod.estimate_claim(infra, obj, prices_from_config())


def test_the_embedded_tables_price_every_default_claim_type_but_service_infra() -> None:
    prices = prices_from_config(config_mod.load())
    assert sorted(prices.tables) == ["bucket", "cache", "database"]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("claim_types: {}\n", 1, "currency is required"),
        ("currency: USD\nclaim_types: {}\n", 1, "effective"),
        (
            "currency: USD\neffective: x\nclaim_types:\n  db:\n    resources:\n"
            "      - name: a\n        hourly: cheap\n",
            7,
            "must be a number",
        ),
        (
            "currency: USD\neffective: x\nclaim_types:\n  db:\n    resources:\n"
            "      - name: a\n        hourly: 1\n        colour: red\n",
            8,
            "unknown key 'colour'",
        ),
        (
            "currency: USD\neffective: x\nclaim_types:\n  db:\n    resources:\n"
            "      - name: a\n        unit: GB\n",
            6,
            "needs unit, unit_price and quantity",
        ),
    ],
)
def test_bad_price_files_name_file_and_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = tmp_path / "prices.yaml"
    path.write_text(text)
    with pytest.raises(InputFileError) as info:
        load_file(path)
    assert message in info.value.message
    assert info.value.position.line == line


def test_budget_update_and_other_claims(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_platform(
        tmp_path / "p", cost="cost:\n  currency: USD\n  budgets:\n    payments: 300\n"
    )
    monkeypatch.setenv("PLATFORMCTL_PLATFORM", str(root))
    cfg = config_mod.load()
    prices = prices_from_config(cfg)
    budgets = budget_mod.budgets_from_config(cfg)
    assert budgets["payments"].monthly == 300 and budgets["payments"].line == 8
    database = claim.registry_from_config(cfg).get("db")
    existing = [
        inventory.ClaimRecord(database, db_claim("orders", "payments", size="small"), "f:1"),
        inventory.ClaimRecord(database, db_claim("other", "search", size="medium"), "f:9"),
    ]
    # a new 312.00 claim next to the team's 78.00: 390.00 > 300.00
    new = db_claim("ledger", "group:default/payments", size="medium",
                   **{"high-availability": True, "storage-gb": 200})  # fmt: skip
    result = budget_mod.assess(database, new, prices, budgets=budgets, existing=existing)
    assert result.budget is not None and result.budget.over
    assert (result.budget.current, result.budget.after) == (Decimal("78.00"), Decimal("390.00"))
    refusal = budget_mod.over_budget(result)
    assert refusal is not None and refusal.exit_code == 1
    assert "390.00 USD/month" in refusal.message and "budget of 300.00 USD" in refusal.message
    # an update replaces the old cost: 78.00 -> 151.00 (medium 146.00 + storage 5.00)
    update = db_claim("orders", "payments", size="medium")
    result = budget_mod.assess(database, update, prices, budgets=budgets, existing=existing)
    assert result.previous is not None and result.difference == Decimal("73.00")
    assert result.budget is not None and result.budget.after == Decimal("151.00")
    assert not result.budget.over and budget_mod.over_budget(result) is None
    # no owner: no budget, and a note says why
    result = budget_mod.assess(
        database, db_claim("x", size="small"), prices, budgets=budgets, existing=[]
    )
    assert result.budget is None and "no owning team" in result.notes[0]


def test_budget_currency_mismatch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_platform(tmp_path / "p", cost="cost:\n  currency: EUR\n  budgets:\n    a: 10\n")
    monkeypatch.setenv("PLATFORMCTL_PLATFORM", str(root))
    cfg = config_mod.load()
    database = claim.registry_from_config(cfg).get("db")
    with pytest.raises(estimate_mod.CurrencyMismatch, match="in EUR but database is priced in USD"):
        budget_mod.assess(
            database,
            db_claim("x", "a", size="small"),
            prices_from_config(cfg),
            budgets=budget_mod.budgets_from_config(cfg),
            existing=[],
        )


def test_report_currency_mismatch_between_platform_layers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database table comes from this platform in EUR, cache's from the embedded one in USD:
    their amounts cannot be added."""
    root = make_platform(tmp_path / "p", prices=PRICES.replace("currency: USD", "currency: EUR"))
    monkeypatch.setenv("PLATFORMCTL_PLATFORM", str(root))
    cfg = config_mod.load()
    registry = claim.registry_from_config(cfg)
    cache = registry.get("cache")
    records = [
        inventory.ClaimRecord(registry.get("db"), db_claim("a", size="small"), "a.yaml:1"),
        inventory.ClaimRecord(
            cache,
            claim.build_claim(cache, "c", namespace="default", values={}, sets=[]).object,
            "c.yaml:1",
        ),
    ]
    with pytest.raises(UsageError, match="different currencies.*database in EUR, cache in USD"):
        report_mod.build_report(records, prices_from_config(cfg), source="x")


def test_showback_from_a_folder_and_the_source_choice(
    platform: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from platformctl.core.cost import showback

    folder = tmp_path / "claims"
    folder.mkdir()
    (folder / "orders.yaml").write_text(
        "apiVersion: platform.example.com/v1alpha1\nkind: DatabaseClaim\n"
        "metadata: {name: orders, namespace: default, labels: {team: payments}}\n"
        "spec: {parameters: {size: small}}\n"
    )
    monkeypatch.chdir(tmp_path)
    shown = showback.showback(config_mod.load(), gitops=Path("claims"), base=tmp_path)
    assert shown.unserved == []
    assert shown.report.total == Decimal("78.00")
    assert [row.source for row in shown.report.rows] == ["claims/orders.yaml:1"]
    for gitops, cluster in ((None, False), (folder, True)):
        with pytest.raises(UsageError, match="--gitops DIR or --cluster"):
            showback.check_source(gitops=gitops, cluster=cluster)


def test_check_request_estimate_budget_and_unchecked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from platformctl.core.errors import PlatformError

    monkeypatch.setenv("PLATFORMCTL_PLATFORM", str(make_platform(tmp_path / "nobudget")))
    cfg = config_mod.load()
    registry = claim.registry_from_config(cfg)
    database, infra = registry.get("db"), registry.get("infra")
    big = db_claim("ledger", "payments", size="medium",
                   **{"high-availability": True, "storage-gb": 200})  # fmt: skip
    monkeypatch.chdir(tmp_path)  # not a git repository: no GitOps folder to read
    # no budgets and no --estimate: nothing to do
    assert budget_mod.check_request(database, big, cfg, estimate=False) is None
    cost = budget_mod.check_request(database, big, cfg, estimate=True)
    assert cost is not None and cost.assessment is not None and cost.refusal is None
    assert cost.assessment.estimate.monthly == Decimal("312.00")

    monkeypatch.setenv("PLATFORMCTL_PLATFORM", str(make_platform(
        tmp_path / "budget", cost="cost:\n  currency: USD\n  budgets:\n    payments: 300\n"
    )))  # fmt: skip
    cfg = config_mod.load()
    cost = budget_mod.check_request(database, big, cfg, estimate=False)
    assert cost is not None and cost.refusal is not None and cost.refusal.exit_code == 1
    # no price table: a warning when sending, an error for --estimate
    obj = claim.build_claim(infra, "web", namespace="default", values={"service-name": "web"},
                            sets=["metadata.labels.team=payments"]).object  # fmt: skip
    cost = budget_mod.check_request(infra, obj, cfg, estimate=False)
    assert cost is not None and isinstance(cost.unchecked, PlatformError)
    assert cost.assessment is None
    with pytest.raises(PlatformError):
        budget_mod.check_request(infra, obj, cfg, estimate=True)
