"""`cost report --cluster` and the budget of an API-mode request, against the local Kubernetes
API test server (claims in several namespaces, listed through the kube gateway)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kubeapi.fixture import SRC, Kube, kube  # noqa: F401

pytestmark = pytest.mark.integration

DATA = Path(__file__).resolve().parents[1] / "data" / "cost"


def _platform(tmp_path: Path, cost: str = "") -> Path:
    root = tmp_path / "platform"
    root.mkdir()
    (root / "platform.yaml").write_text(
        "apiVersion: platformctl.io/v1\nkind: Platform\nmetadata:\n  name: test\n" + cost
    )
    (root / "prices.yaml").write_text((DATA / "prices.yaml").read_text())
    return root


def _claim(api: Kube, namespace: str, name: str, team: str, size: str, **extra: object) -> None:
    api.state.put(
        {
            "apiVersion": "platform.example.com/v1alpha1",
            "kind": "DatabaseClaim",
            "metadata": {
                "name": name,
                "namespace": namespace,
                "labels": {"team": team, "app.kubernetes.io/part-of": f"{team}-shop"},
            },
            "spec": {"parameters": {"size": size, **extra}},
        }
    )


def test_cluster_report_groups_claims_of_every_namespace(
    cli,
    kube: Kube,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PLATFORMCTL_PLATFORM", str(_platform(tmp_path)))
    kube.install_xrd(SRC / "database" / "definition.yaml")
    _claim(kube, "payments-prod", "orders", "payments", "small")  # 78.00
    _claim(kube, "payments-dev", "orders", "payments", "small", storageGB=10)  # 73.00 + 1.00
    _claim(kube, "search", "index", "search", "medium", highAvailability=True,
           storageGB=200)  # 312.00  # fmt: skip
    r = cli("cost", "report", "--cluster", "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["total_monthly_cost"] == 464
    assert {k: v["monthly_cost"] for k, v in data["groups"]["team"].items()} == {
        "search": 312, "payments": 152,
    }  # fmt: skip
    assert data["groups"]["system"]["payments-shop"]["claims"] == 2
    assert sorted(c["namespace"] for c in data["claims"]) == [
        "payments-dev", "payments-prod", "search",
    ]  # fmt: skip
    assert "note: the cluster does not serve" in r.stderr  # cache, bucket, service-infra
    only = cli("cost", "report", "--cluster", "-n", "search", "--format", "json")
    assert json.loads(only.stdout)["total_monthly_cost"] == 312


def test_api_request_over_budget_is_refused_before_it_is_sent(
    cli,
    kube: Kube,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cost = "cost:\n  currency: USD\n  budgets:\n    payments: 200\n"
    monkeypatch.setenv("PLATFORMCTL_PLATFORM", str(_platform(tmp_path, cost)))
    kube.install_database("never")
    _claim(kube, "other", "orders", "payments", "small")  # 78.00, another namespace
    args = ("provision", "db", "ledger", "--size", "medium", "--set",
            "metadata.labels.team=payments", "--no-wait")  # fmt: skip
    r = cli(*args)  # 146.00 + 5.00 = 151.00; 78.00 + 151.00 = 229.00 > 200.00
    assert r.exit_code == 1
    assert "team payments would spend 229.00 USD/month, over its budget of 200.00 USD" in r.stderr
    assert kube.state.get("platform.example.com/v1alpha1", "DatabaseClaim", "ledger",
                          "default") is None  # fmt: skip
    ok = cli(*args, "--allow-over-budget")
    assert ok.exit_code == 0, ok.output
    assert kube.state.get("platform.example.com/v1alpha1", "DatabaseClaim", "ledger", "default")


def test_budget_not_checkable_warns_but_does_not_block(
    cli,
    kube: Kube,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Not allowed to list claims cluster-wide: the request goes through, with a warning."""
    cost = "cost:\n  currency: USD\n  budgets:\n    payments: 200\n"
    monkeypatch.setenv("PLATFORMCTL_PLATFORM", str(_platform(tmp_path, cost)))
    kube.install_database("never")
    kube.state.deny("list", "platform.example.com", "databaseclaims", None)
    r = cli("provision", "db", "ledger", "--size", "small", "--set",
            "metadata.labels.team=payments", "--no-wait")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "warning: the team's budget was not checked" in r.stderr
