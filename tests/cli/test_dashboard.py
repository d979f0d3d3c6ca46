"""`platformctl dashboard export`: Grafana's dashboard JSON model (structural checks: the
@grafana/schema npm package ships TypeScript types, not a JSON schema), documented metric names
only, and the loop: the series the dashboard queries are the ones the commands emit."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from platformctl.core.insights import dashboard

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "reference" / "metrics.md"
DATA = ROOT / "tests" / "data" / "compliance"


def documented() -> set[str]:
    """Metric names in the tables of docs/reference/metrics.md (first column)."""
    return set(re.findall(r"^\| `(platform_[a-z0-9_]+)` \|", DOCS.read_text(), re.MULTILINE))


@pytest.fixture(scope="module")
def model():
    return dashboard.build()


def test_export_writes_the_model(cli, tmp_path):
    out = tmp_path / "platform.json"
    result = cli("dashboard", "export", "--output", out, "--title", "Acme platform")
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["title"] == "Acme platform" and data["uid"] == dashboard.UID
    assert f"wrote {out}: {len(data['panels'])} panels" in result.stderr
    assert "note:" not in result.stderr  # nothing the dashboard leaves out any more
    assert json.loads(cli("dashboard", "export").stdout)["panels"] == data["panels"]


def test_grafana_json_model_structure(model):
    assert model["schemaVersion"] == dashboard.SCHEMA_VERSION == 39
    assert isinstance(model["uid"], str) and len(model["uid"]) <= 40
    ids = [p["id"] for p in model["panels"]]
    assert len(ids) == len(set(ids))
    variables = {v["name"]: v for v in model["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "prometheus"
    cells: set[tuple[int, int]] = set()
    for panel in model["panels"]:
        assert panel["type"] in dashboard.PANEL_TYPES
        pos = panel["gridPos"]
        assert pos["x"] >= 0 and pos["w"] > 0 and pos["x"] + pos["w"] <= 24
        for x in range(pos["x"], pos["x"] + pos["w"]):
            for y in range(pos["y"], pos["y"] + pos["h"]):
                assert (x, y) not in cells, f"{panel['title']} overlaps another panel"
                cells.add((x, y))
        if panel["type"] in ("row", "text"):
            continue
        # data sources only through the variable: importing asks nothing and fits any Prometheus
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
        refs = [t["refId"] for t in panel["targets"]]
        assert refs and len(refs) == len(set(refs))
        for target in panel["targets"]:
            assert target["datasource"] == panel["datasource"]
            assert target["expr"].strip()
    for name in ("repository", "service"):
        assert variables[name]["datasource"] == {"type": "prometheus", "uid": "${datasource}"}


@pytest.mark.parametrize(
    ("expr", "names"),
    [
        ('sum by (service) (platform_a{service=~"$service",quantile="0.5"})', {"platform_a"}),
        ("count(platform_a == 0) / count(count by (r) (platform_b))", {"platform_a", "platform_b"}),
        ("rate(platform_c_total[5m]) and on (job) up", {"platform_c_total", "up"}),
        ('label_replace(platform_d, "x", "$1", "y", "(.*)")', {"platform_d"}),
    ],
)
def test_promql_metric_names(expr, names):
    assert dashboard.metric_names(expr) == names


def test_dashboard_uses_only_documented_names_and_all_of_them(model):
    used = dashboard.used_metrics(model)
    docs = documented()
    assert used <= docs, f"undocumented: {sorted(used - docs)}"
    missing = docs - used
    assert not missing, f"documented but not on the dashboard: {sorted(missing)}"
    rows = [p["title"] for p in model["panels"] if p["type"] == "row"]
    assert rows == [
        "Adoption", "Golden-path compliance", "Fleet", "Self-service requests", "Cost",
        "DORA keys", "Developer experience",
    ]
    assert "not measured" not in json.dumps(model).lower()


def _names(exposition: str) -> set[str]:
    return {
        line.split("{")[0].split()[0]
        for line in exposition.splitlines()
        if line and not line.startswith("#")
    }


def test_the_loop_commands_emit_what_the_dashboard_queries(
    cli, tmp_path, dora_world, model, monkeypatch
):
    emitted: set[str] = set()
    repo = tmp_path / "service"
    shutil.copytree(DATA / "service-bad", repo)
    (repo / ".copier-answers.yml").write_text(
        "_src_path: git+platformctl:golden-paths/python-service\n_commit: v1.0.0\n"
    )
    result = cli("check", repo, "--format", "prometheus")
    assert result.exit_code == 1, result.output  # the fixture fails rules: still reported
    emitted |= _names(result.stdout)

    result = cli(
        "metrics", "dora", "--repo", dora_world["repo"], "--deployments",
        dora_world["deployments"], "--incidents", dora_world["incidents"],
        "--since", "2026-01-05", "--until", "2026-01-19", "--group-by", "service",
        "--service-path", "api=services/api", "--service-path", "web=services/web",
        "--format", "prometheus",
    )
    assert result.exit_code == 0, result.output
    emitted |= _names(result.stdout)

    export = tmp_path / "responses.csv"
    export.write_text("team,nps,satisfaction_overall\na,9,4\na,3,2\n")
    result = cli("survey", "analyze", export, "--developers", "10", "--format", "prometheus")
    assert result.exit_code == 0, result.output
    emitted |= _names(result.stdout)

    answers = tmp_path / "answers.yaml"
    answers.write_text("investment: 1\nadoption: 2\ninterfaces: 2\noperations: 1\n"
                       "measurement: 3\n")
    result = cli("assess", "--answers", answers, "--format", "prometheus")
    assert result.exit_code == 0, result.output
    emitted |= _names(result.stdout)

    emitted |= _fleet_and_cost(cli, tmp_path, monkeypatch)

    used = dashboard.used_metrics(model)
    assert used == emitted, (
        f"queried but never emitted: {sorted(used - emitted)}; "
        f"emitted but not on the dashboard: {sorted(emitted - used)}"
    )
    assert emitted <= documented()


FLEET_RECORD = {
    "repository": "orders-api", "url": "https://git.example.com/shop/orders-api.git",
    "owner": "payments", "origin": "repos.yaml:1", "golden_path": "python-service",
    "version": "v1.0.0", "latest": "v1.1.0", "versions_behind": 1, "versioned": True,
    "scorecards": {"golden-path-python-service": {
        "score": 80, "level": "silver", "status": "non-compliant",
        "levels": ["bronze", "silver", "gold"]}},
    "failing_rules": ["check/golden-path-python-service/ci-security"], "check_passed": False,
    "last_commit": "2026-01-10T12:00:00+00:00", "error": None,
}  # fmt: skip


def _fleet_and_cost(cli, tmp_path: Path, monkeypatch) -> set[str]:
    """What fleet (merge of recorded status results, and an update run) and cost report emit."""
    import subprocess

    emitted: set[str] = set()
    results = tmp_path / "fleet-status.json"
    results.write_text(json.dumps({
        "version": 1, "tool": {"name": "platformctl", "command": "fleet status"},
        "kind": "fleet-status", "repositories": [FLEET_RECORD],
    }))  # fmt: skip
    result = cli("fleet", "merge", results, "--format", "prometheus")
    assert result.exit_code == 0, result.output
    emitted |= _names(result.stdout)

    clones = tmp_path / "clones"
    repo = clones / "plain"
    repo.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    (repo / "README.md").write_text("# plain\n")
    subprocess.run(["git", "-C", str(repo), "add", "."], check=True)
    subprocess.run(["git", "-C", str(repo), "commit", "-qm", "init"], check=True)
    result = cli("fleet", "update", "-i", clones, "--dry-run", "--format", "prometheus")
    assert result.exit_code == 0, result.output
    emitted |= _names(result.stdout)

    platform = tmp_path / "platform"
    platform.mkdir()
    (platform / "platform.yaml").write_text(
        "apiVersion: platformctl.io/v1\nkind: Platform\nmetadata:\n  name: test\n"
        "cost:\n  currency: USD\n  budgets:\n    payments: 300\n"
    )
    shutil.copy(ROOT / "tests" / "data" / "cost" / "prices.yaml", platform / "prices.yaml")
    claims = tmp_path / "gitops" / "infra" / "claims"
    claims.mkdir(parents=True)
    (claims / "databaseclaim-orders.yaml").write_text(
        "apiVersion: platform.example.com/v1alpha1\nkind: DatabaseClaim\n"
        "metadata:\n  name: orders\n  namespace: default\n  labels: {team: payments}\n"
        "spec:\n  parameters:\n    size: small\n"
    )
    monkeypatch.setenv("PLATFORMCTL_PLATFORM", str(platform))
    result = cli("cost", "report", "--gitops", claims, "--format", "prometheus")
    monkeypatch.delenv("PLATFORMCTL_PLATFORM")
    assert result.exit_code == 0, result.output
    emitted |= _names(result.stdout)
    return emitted
