"""`provision ... --estimate`, budgets on requests, and `cost report` from a GitOps folder."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "cost"
PRICES = (DATA / "prices.yaml").read_text()
BUDGETS = "cost:\n  currency: USD\n  budgets:\n    payments: 300\n"


def make_platform(root: Path, prices: str = PRICES, cost: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "platform.yaml").write_text(
        "apiVersion: platformctl.io/v1\nkind: Platform\nmetadata:\n  name: test\n" + cost
    )
    (root / "prices.yaml").write_text(prices)
    return root


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def platform(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_platform(tmp_path / "platform", cost=BUDGETS)
    monkeypatch.setenv("PLATFORMCTL_PLATFORM", str(root))
    # --estimate needs no cluster: a kubeconfig that does not exist must not matter
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "no-such-kubeconfig"))
    return root


@pytest.fixture
def gitops_repo(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A GitOps repository whose infra/claims holds the payments team's small database (78.00)
    and a search team database (146.00 + 5.00), committed on main; the test runs inside it."""
    folder = git_repo / "infra" / "claims"
    folder.mkdir(parents=True)
    for name, team, size in (("orders", "payments", "small"), ("search-db", "search", "medium")):
        (folder / f"databaseclaim-{name}.yaml").write_text(
            "apiVersion: platform.example.com/v1alpha1\nkind: DatabaseClaim\n"
            f"metadata:\n  name: {name}\n  namespace: default\n"
            f"  labels: {{team: {team}, system: shop}}\n"
            f"spec:\n  parameters:\n    size: {size}\n"
        )
    (folder / "notes.yaml").write_text("just: a note\n")
    _git(git_repo, "add", "-A")
    _git(git_repo, "commit", "-q", "-m", "claims")
    monkeypatch.chdir(git_repo)
    return git_repo


def test_estimate_prints_breakdown_without_a_cluster(cli, platform: Path) -> None:
    r = cli("provision", "db", "orders-db", "--size", "small", "--estimate")
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines() == [
        "Estimated monthly cost of DatabaseClaim/default/orders-db: 78.00 USD "
        "(prices of 2026-02-01)",
        "  instance  0.1/h x 730 h      73.00 USD",
        "  storage   50 GB-month x 0.1   5.00 USD",
    ]


def test_estimate_beside_the_claim_in_json_and_yaml(cli, platform: Path) -> None:
    r = cli(
        "provision", "db", "big", "--size", "medium", "--high-availability", "--storage-gb",
        "200", "--estimate", "-o", "json",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    payload = json.loads(r.stdout)
    assert payload["claim"]["kind"] == "DatabaseClaim"
    assert payload["estimate"]["monthly_cost"] == 312
    assert payload["estimate"]["currency"] == "USD"
    assert [b["monthly_cost"] for b in payload["estimate"]["breakdown"]] == [292, 20]
    r = cli("provision", "db", "big", "--size", "small", "--estimate", "-o", "yaml")
    assert r.exit_code == 0 and "estimate:\n  monthly_cost: 78\n" in r.stdout
    # without --estimate, -o prints the claim alone, as before
    plain = json.loads(cli("provision", "db", "big", "--size", "small", "-o", "json").stdout)
    assert plain["kind"] == "DatabaseClaim"


def test_missing_price_and_missing_table_are_bad_input(cli, platform: Path) -> None:
    r = cli("provision", "db", "x", "--size", "large", "--estimate")
    assert r.exit_code == 2
    assert "no instance hourly price for claim type 'database' with parameter parameters.size" \
        "=large" in r.stderr  # fmt: skip
    assert f"({platform / 'prices.yaml'}:13:" in r.stderr
    r = cli("provision", "infra", "x", "--service-name", "x", "--estimate")
    assert r.exit_code == 2
    assert "claim type 'service-infra' has no price table" in r.stderr
    assert "hint: add claim_types.service-infra to prices.yaml" in r.stderr


def test_estimate_of_an_update_and_the_budget(cli, platform: Path, gitops_repo: Path) -> None:
    r = cli(
        "provision", "db", "orders", "--size", "medium", "--set", "metadata.labels.team=payments",
        "--estimate",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "Change: 78.00 USD -> 151.00 USD (+73.00 USD)" in r.stdout
    assert "Budget of team payments: 78.00 -> 151.00 of 300.00 USD" in r.stdout
    over = cli(
        "provision", "db", "ledger", "--size", "medium", "--high-availability", "--storage-gb",
        "200", "--set", "metadata.labels.team=payments", "--estimate",
    )  # fmt: skip
    assert over.exit_code == 1
    assert "Budget of team payments: 78.00 -> 390.00 of 300.00 USD  OVER BUDGET" in over.stdout
    assert "error: team payments would spend 390.00 USD/month, over its budget of 300.00 USD" \
        in over.stderr  # fmt: skip
    assert "--allow-over-budget" in over.stderr
    allowed = cli(
        "provision", "db", "ledger", "--size", "medium", "--high-availability", "--storage-gb",
        "200", "--set", "metadata.labels.team=payments", "--estimate", "--allow-over-budget",
    )  # fmt: skip
    assert allowed.exit_code == 0 and "allowed by --allow-over-budget" in allowed.stderr


def test_gitops_request_over_budget_is_refused_before_anything_is_written(
    cli, platform: Path, gitops_repo: Path
) -> None:
    before = _git(gitops_repo, "rev-parse", "HEAD")
    args = (
        "provision", "db", "ledger", "--size", "medium", "--high-availability", "--storage-gb",
        "200", "--set", "metadata.labels.team=payments", "--gitops",
    )  # fmt: skip
    r = cli(*args)
    assert r.exit_code == 1 and "over its budget of 300.00 USD" in r.stderr
    assert _git(gitops_repo, "branch", "--list", "provision/*") == ""
    assert _git(gitops_repo, "rev-parse", "HEAD") == before
    ok = cli(*args, "--allow-over-budget")
    assert ok.exit_code == 0, ok.output
    assert "provision/databaseclaim-ledger" in _git(gitops_repo, "branch", "--list")


def test_cost_report_from_a_gitops_folder(cli, platform: Path, gitops_repo: Path) -> None:
    folder = gitops_repo / "infra" / "claims"
    (folder / "infra.yaml").write_text(
        "apiVersion: platform.example.com/v1alpha1\nkind: ServiceInfra\n"
        "metadata: {name: web, namespace: default, labels: {team: payments}}\n"
        "spec: {serviceName: web}\n"
    )
    r = cli("cost", "report", "--gitops", "infra/claims", "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["version"] == 1 and data["tool"]["command"] == "cost report"
    assert data["kind"] == "cost"
    assert data["total_monthly_cost"] == 229  # 78.00 + 151.00
    assert data["groups"]["team"]["payments"] == {
        "monthly_cost": 78, "claims": 2, "unpriced": 1, "budget": 300, "over_budget": False,
    }  # fmt: skip
    assert data["groups"]["team"]["search"]["monthly_cost"] == 151
    assert data["groups"]["system"]["shop"]["monthly_cost"] == 229
    assert data["groups"]["claim_type"]["service-infra"]["unpriced"] == 1
    unpriced = [c for c in data["claims"] if c["monthly_cost"] is None]
    assert len(unpriced) == 1 and "no price table" in unpriced[0]["problem"]
    assert unpriced[0]["source"] == "infra/claims/infra.yaml:1"

    text = cli("cost", "report", "--gitops", "infra/claims")
    assert "Monthly cost of 3 claim(s) from infra/claims: 229.00 USD" in text.stdout
    assert "payments  2 (1 unpriced)   78.00 USD  300.00 USD   26%" in text.stdout
    rows = list(csv.DictReader(io.StringIO(
        cli("cost", "report", "--gitops", "infra/claims", "-f", "csv").stdout
    )))  # fmt: skip
    assert {(row["name"], row["monthly_cost"]) for row in rows} == {
        ("orders", "78.00"), ("search-db", "151.00"), ("web", ""),
    }  # fmt: skip
    md = cli("cost", "report", "--gitops", "infra/claims", "-f", "markdown", "-o", "cost.md")
    assert md.exit_code == 0
    assert (
        "| payments | 2 (1 unpriced) | 78.00 USD | 300.00 USD | 26% |"
        in Path("cost.md").read_text()
    )


def test_cost_report_refusals(cli, platform: Path, tmp_path: Path) -> None:
    r = cli("cost", "report")
    assert r.exit_code == 2 and "--gitops DIR or --cluster" in r.stderr
    r = cli("cost", "report", "--gitops", str(tmp_path), "--format", "pdf")
    assert r.exit_code == 2 and "unknown format 'pdf'" in r.stderr
    bad = tmp_path / "claims"
    bad.mkdir()
    (bad / "x.yaml").write_text("kind: [\n")
    r = cli("cost", "report", "--gitops", str(bad))
    assert r.exit_code == 2 and "x.yaml:" in r.stderr


def test_bad_budget_section_names_platform_yaml_line(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_platform(tmp_path / "p", PRICES, cost="cost:\n  currency: USD\n  budgets:\n"
                         "    payments: lots\n")  # fmt: skip
    monkeypatch.setenv("PLATFORMCTL_PLATFORM", str(root))
    r = cli("provision", "db", "x", "--size", "small", "--estimate")
    assert r.exit_code == 2
    assert "the budget of payments must be a number" in r.stderr
    assert f"{root / 'platform.yaml'}:8" in r.stderr


def test_cost_report_prometheus_and_html(cli, platform: Path, gitops_repo: Path) -> None:
    prom = cli("cost", "report", "--gitops", "infra/claims", "--format", "prometheus")
    assert prom.exit_code == 0, prom.output
    lines = prom.stdout.splitlines()
    assert "# TYPE platform_claim_monthly_cost gauge" in lines
    assert (
        'platform_claim_monthly_cost{team="payments",system="shop",claim_type="database",'
        'namespace="default",claim="orders",currency="USD"} 78'
    ) in lines
    assert (
        'platform_claim_monthly_cost{team="search",system="shop",claim_type="database",'
        'namespace="default",claim="search-db",currency="USD"} 151'
    ) in lines
    assert 'platform_team_monthly_budget{team="payments",currency="USD"} 300' in lines
    assert "platform_unpriced_claims 0" in lines
    documented = (Path(__file__).resolve().parents[2] / "docs/reference/metrics.md").read_text()
    for line in lines:
        if not line.startswith("#"):
            assert f"`{line.split('{')[0].split(' ')[0]}`" in documented, line

    html = cli("cost", "report", "--gitops", "infra/claims", "-f", "html", "-o", "cost.html")
    assert html.exit_code == 0, html.output
    page = Path("cost.html").read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert "Where the money goes" in page and "Monthly cost by team" in page
    assert page.count("Plotly.newPlot") == 2  # by team and by system
    assert "<script src=" not in page  # plotly.js inline: opens offline
    assert "229.00 USD per month for 2 claim(s)" in page


def test_cost_report_counts_self_service_requests(cli, platform: Path, gitops_repo: Path) -> None:
    """platform_claims: every claim, priced or not, by whether platformctl provision built it
    (its managed-by label and request-id annotation) or it was written by hand."""
    folder = gitops_repo / "infra" / "claims"
    (folder / "databaseclaim-carts.yaml").write_text(
        "apiVersion: platform.example.com/v1alpha1\nkind: DatabaseClaim\n"
        "metadata:\n  name: carts\n  namespace: default\n"
        "  labels: {team: payments, system: shop, app.kubernetes.io/managed-by: platformctl}\n"
        "  annotations: {platformctl.io/request-id: req-0123456789abcdef}\n"
        "spec:\n  parameters:\n    size: small\n"
    )
    prom = cli("cost", "report", "--gitops", "infra/claims", "--format", "prometheus")
    assert prom.exit_code == 0, prom.output
    lines = prom.stdout.splitlines()
    assert [line for line in lines if line.startswith("platform_claims{")] == [
        'platform_claims{team="payments",system="shop",claim_type="database",'
        'requested_with="manifest"} 1',
        'platform_claims{team="payments",system="shop",claim_type="database",'
        'requested_with="platformctl"} 1',
        'platform_claims{team="search",system="shop",claim_type="database",'
        'requested_with="manifest"} 1',
    ]
    data = json.loads(cli("cost", "report", "--gitops", "infra/claims", "-f", "json").stdout)
    assert {c["name"]: c["requested_with"] for c in data["claims"]} == {
        "carts": "platformctl", "orders": "manifest", "search-db": "manifest",
    }


def test_a_claim_built_by_provision_counts_as_requested_with_platformctl(platform: Path) -> None:
    from platformctl.core.provision import claim

    registry = claim.registry_from_config()
    built = claim.build_claim(registry.get("db"), "orders", namespace="default",
                              values={"size": "small"})  # fmt: skip
    assert claim.requested_with_platformctl(built.object)
    assert not claim.requested_with_platformctl({"metadata": {"labels": {"team": "a"}}})
    assert not claim.requested_with_platformctl("not a mapping")
