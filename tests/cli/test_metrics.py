"""`platformctl metrics dora` on the generated repository (tests/dora_fixture.py); every
expected number is worked out by hand from the fixture's timeline."""

from __future__ import annotations

import csv
import io
import json

import pytest

H = 3600.0
WINDOW = ("--since", "2026-01-05", "--until", "2026-01-19")
PATHS = ("--service-path", "api=services/api", "--service-path", "web=services/web")


@pytest.fixture
def run(cli, dora_world):
    def invoke(*args: str):
        return cli("metrics", "dora", "--repo", dora_world["repo"], *args)

    return invoke


def _json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_deployments_file_two_services_by_hand(run, dora_world):
    data = _json(run("--deployments", dora_world["deployments"], "--incidents",
                     dora_world["incidents"], *WINDOW, *PATHS, "--format", "json", "--explain"))
    assert data["version"] == 1
    assert data["tool"]["name"] == "platformctl" and data["tool"]["command"] == "metrics dora"
    assert data["kind"] == "dora" and data["benchmark"] == "2024"
    (group,) = data["groups"]
    s = group["summary"]
    # counted: D1 D1w D2 D4 D5 succeed, D3 fails; D0/D0w/D6 outside, S1 staging
    assert (s["deployments"], s["failed_deployments"], s["deploy_days"]) == (5, 1, 4)
    assert s["deployments_per_day"] == pytest.approx(5 / 14)
    assert s["deployments_per_week"] == pytest.approx(2.5)
    # lead times: c1 27 h (D1), c2 4 h (D1w), f1 76 h (D2: merged late), c3 4 h, c4 4 h (D4),
    # c5 1 h (D5); the merge commit is not a change of its own
    assert s["changes"] == 6
    assert s["lead_time_median_seconds"] == 4 * H
    assert s["lead_time_p90_seconds"] == 76 * H
    # failures: D3 (failed), D4 (INC-1: latest api deployment before it), D1w (INC-2 explicit)
    assert (s["change_failures"], s["change_failure_ratio"]) == (3, 0.5)
    # recovery: D3 -> D4 2 h, INC-1 6 h, INC-2 1 h -> median 2 h
    assert s["recovery_time_median_seconds"] == 2 * H
    assert s["rework_ratio"] == pytest.approx(1 / 5)  # D5 ships the revert
    assert {k: v["band"] for k, v in group["bands"].items()} == {
        "deployment_frequency": "high", "lead_time": "elite",
        "change_failure_rate": "low", "recovery_time": "high",
    }
    assert group["verdict"].startswith("overall low")
    weeks = group["weeks"]
    assert [w["start"] for w in weeks] == ["2026-01-05T00:00:00Z", "2026-01-12T00:00:00Z"]
    assert [w["deployments"] for w in weeks] == [3, 2]
    assert [w["change_failure_ratio"] for w in weeks] == pytest.approx([1 / 3, 2 / 3])
    deps = {d["id"]: d for d in group["deployments"]}
    shas = dora_world["shas"]
    # f1 was authored before D1 but only D2 contains it
    assert [c["sha"] for c in deps["D1"]["commits"]] == [shas["c1"]]
    assert [c["sha"] for c in deps["D2"]["commits"]] == [shas["f1"], shas["c3"]]
    assert deps["D2"]["commits"][0]["lead_time_seconds"] == 76 * H
    assert deps["D3"]["failed"] and deps["D3"]["commits"] == []
    assert deps["D5"]["rework"].startswith("ships revert")
    assert deps["D6"]["excluded"] == "outside the window"
    incidents = {i["id"]: i for i in group["incidents"]}
    assert incidents["INC-1"]["deployment_id"] == "D4"
    assert incidents["INC-2"]["linked_by"] == "explicit deployment_id"
    assert "outside the window" in incidents["INC-0"]["excluded"]
    excluded = data["excluded"]
    assert [d["id"] for d in excluded["deployments"]] == ["S1"]
    assert [(i["id"], i["excluded"]) for i in excluded["incidents"]] == [
        ("INC-3", "no production deployment of service 'billing'")
    ]


def test_group_by_service(run, dora_world):
    data = _json(run("--deployments", dora_world["deployments"], "--incidents",
                     dora_world["incidents"], *WINDOW, *PATHS, "--group-by", "service",
                     "--format", "json"))
    groups = {g["name"]: g["summary"] for g in data["groups"]}
    api, web = groups["api"], groups["web"]
    assert (api["deployments"], api["failed_deployments"]) == (4, 1)
    assert api["lead_time_median_seconds"] == 4 * H  # 27, 76, 4, 4, 1
    assert api["change_failure_ratio"] == pytest.approx(2 / 5)
    assert api["recovery_time_median_seconds"] == 4 * H  # 2 h and 6 h
    assert (web["deployments"], web["change_failure_ratio"]) == (1, 1.0)
    assert web["lead_time_median_seconds"] == 4 * H


def test_service_filter(run, dora_world):
    data = _json(run("--deployments", dora_world["deployments"], *WINDOW, *PATHS,
                     "--service", "web", "--format", "json"))
    (group,) = data["groups"]
    assert group["services"] == ["web"]
    assert group["summary"]["deployments"] == 1


def test_annotated_tags_as_deployments(run):
    data = _json(run("--deploy-tags", "v*", *WINDOW, "--format", "json", "--explain"))
    (group,) = data["groups"]
    s = group["summary"]
    # v1.0, v1.1, v1.2 in the window (v0.9 before it shipped init); tag time is the deploy time
    assert s["deployments"] == 3
    # v1.0: c1 27 h, c2 4 h; v1.1: f1 76 h, c3 4 h; v1.2: c4 30 h, c5 1 h
    assert s["lead_time_median_seconds"] == 15.5 * H
    assert s["lead_time_p90_seconds"] == 76 * H
    assert [d["finished"] for d in group["deployments"] if d["counted"]] == [
        "2026-01-06T12:00:00Z", "2026-01-08T14:00:00Z", "2026-01-13T15:00:00Z",
    ]
    assert group["deployments"][-1]["rework"].startswith("ships revert")


def test_text_report_has_table_and_verdict(run, dora_world):
    result = run("--deployments", dora_world["deployments"], "--incidents",
                 dora_world["incidents"], *WINDOW, *PATHS)
    assert result.exit_code == 0, result.output
    assert "Lead time for changes" in result.stdout
    assert "median 4.0 h, p90 3.2 d (6 changes)" in result.stdout
    assert "overall low (the weakest key: change failure rate)" in result.stdout


def test_benchmark_2023_changes_the_bands(run, dora_world):
    data = _json(run("--deployments", dora_world["deployments"], *WINDOW, *PATHS,
                     "--service", "api", "--benchmark", "2023", "--format", "json"))
    bands = data["groups"][0]["bands"]
    # api without incidents: D3 fails of 5 -> 20%: 2023 puts that past medium (15%) -> low
    assert data["groups"][0]["summary"]["change_failure_ratio"] == pytest.approx(0.2)
    assert bands["change_failure_rate"]["band"] == "low"
    data24 = _json(run("--deployments", dora_world["deployments"], *WINDOW, *PATHS,
                       "--service", "api", "--format", "json"))
    assert data24["groups"][0]["bands"]["change_failure_rate"]["band"] == "high"


def test_empty_window_exit_0_with_message(run, dora_world):
    result = run("--deployments", dora_world["deployments"], "--since", "2026-02-01",
                 "--until", "2026-02-15")
    assert result.exit_code == 0
    assert "no deployments in window 2026-02-01 00:00 – 2026-02-15 00:00 UTC" in result.stderr
    assert "Traceback" not in result.output
    data = _json(run("--deployments", dora_world["deployments"], "--since", "2026-02-01",
                     "--until", "2026-02-15", "--format", "json"))
    assert data["empty"] is True
    assert data["groups"][0]["summary"]["change_failure_ratio"] is None


def test_csv_markdown_prometheus(run, dora_world):
    args = ("--deployments", dora_world["deployments"], "--incidents", dora_world["incidents"],
            *WINDOW, *PATHS, "--group-by", "service")
    rows = list(csv.DictReader(io.StringIO(run(*args, "--format", "csv").stdout)))
    window = {(r["group"], r["metric"]): r for r in rows if r["period"] == "window"}
    assert float(window[("api", "change_failure_ratio")]["value"]) == pytest.approx(0.4)
    assert window[("api", "lead_time_median_seconds")]["band"] == "elite"
    weekly = [r for r in rows if r["period"] == "week" and r["metric"] == "deployments"]
    assert [(r["group"], r["start"], r["value"]) for r in weekly] == [
        ("api", "2026-01-05T00:00:00Z", "2"), ("api", "2026-01-12T00:00:00Z", "2"),
        ("web", "2026-01-05T00:00:00Z", "1"), ("web", "2026-01-12T00:00:00Z", "0"),
    ]
    markdown = run(*args, "--format", "markdown").stdout
    assert markdown.startswith("# DORA metrics")
    assert "| Change failure rate | 40.0% (2 of 5 deployments) | low |" in markdown
    prom = run(*args, "--format", "prometheus").stdout
    assert "# TYPE platform_dora_lead_time_seconds gauge" in prom
    assert 'platform_dora_lead_time_seconds{service="api",quantile="0.5"} 14400' in prom
    assert 'platform_dora_change_failure_ratio{service="web"} 1' in prom
    assert prom.count("# HELP platform_dora_lead_time_seconds") == 1
    documented = (
        __import__("pathlib").Path(__file__).resolve().parents[2] / "docs/reference/metrics.md"
    ).read_text()
    for line in prom.splitlines():
        if not line.startswith("#"):
            assert line.split("{")[0].split(" ")[0] in documented


def test_html_is_self_contained(run, dora_world, tmp_path):
    out = tmp_path / "dora.html"
    result = run("--deployments", dora_world["deployments"], "--incidents",
                 dora_world["incidents"], *WINDOW, *PATHS, "--format", "html", "-o", out)
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert html.count("Plotly.newPlot") == 4  # one chart per key
    assert "<script src=" not in html  # plotly.js inline, no CDN
    assert "Deployments per week" in html


@pytest.mark.parametrize(
    ("content", "name", "where"),
    [
        ('{"commit_sha": "a", "end_time": "2026-01-05"}\n{"commit_sha": "b"}\n', "d.jsonl", 2),
        ("id,commit_sha,end_time\n1,a,yesterday\n", "d.csv", 2),
    ],
)
def test_bad_deployments_file_is_exit_2_with_file_line(run, tmp_path, content, name, where):
    path = tmp_path / name
    path.write_text(content)
    result = run("--deployments", path, *WINDOW)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("error: ") and lines[0].endswith(f"({path}:{where})")
    assert len([ln for ln in lines if ln.startswith("error:")]) == 1


def test_bad_incidents_file_is_exit_2(run, dora_world, tmp_path):
    path = tmp_path / "inc.json"
    path.write_text('[\n  {"issue_key": "I-1", "created_date": "soon"}\n]\n')
    result = run("--deployments", dora_world["deployments"], "--incidents", path, *WINDOW)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: created_date 'soon' is not a date and time")
    assert f"({path}:2)" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--format", "pdf"), "unknown format 'pdf'"),
        (("--benchmark", "2019"), "unknown DORA benchmark '2019'"),
        (("--window", "soon"), "--window 'soon' is not a span"),
        (("--service-path", "api"), "--service-path 'api' is not NAME=PATH"),
        (("--group-by", "owner"), "unknown --group-by 'owner'"),
        ((), "no deployments source"),
    ],
)
def test_bad_usage_exit_2(run, args, message):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_not_a_repository_is_exit_2(cli, tmp_path):
    result = cli("metrics", "dora", "--repo", tmp_path, "--deploy-tags", "v*")
    assert result.exit_code == 2
    assert "is not inside a git repository" in result.stderr


# -- --group-by team: owners from the Backstage catalog ------------------------------------


@pytest.fixture
def catalog(monkeypatch):
    """The Backstage catalog API (httpx MockTransport): api is owned by group payments, web is
    not in the catalog."""
    import httpx

    from platformctl.core import backstage

    asked: list[list[str]] = []
    entities = {
        "component:default/api": {
            "kind": "Component",
            "metadata": {"name": "api", "namespace": "default"},
            "spec": {"owner": "group:default/payments"},
        }
    }

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/api/catalog/entities/by-refs"
        refs = json.loads(request.content)["entityRefs"]
        asked.append(refs)
        return httpx.Response(200, json={"items": [entities.get(r) for r in refs]})

    original = backstage.client_from_config

    def patched(*args, **kwargs):
        kwargs.setdefault("transport", httpx.MockTransport(handler))
        return original(*args, **kwargs)

    monkeypatch.setattr(backstage, "client_from_config", patched)
    monkeypatch.setenv("PLATFORMCTL_BACKSTAGE_URL", "http://backstage.test")
    return asked


def test_group_by_team_from_the_catalog(run, dora_world, catalog):
    result = run("--deployments", dora_world["deployments"], "--incidents",
                 dora_world["incidents"], *WINDOW, *PATHS, "--group-by", "team",
                 "--format", "json")
    data = _json(result)
    assert catalog == [["component:default/api", "component:default/web"]]
    groups = {g["name"]: g for g in data["groups"]}
    assert set(groups) == {"payments", "(no owner in the catalog)"}
    payments = groups["payments"]
    assert (payments["by"], payments["services"]) == ("team", ["api"])
    # the same numbers as service api alone
    assert payments["summary"]["change_failure_ratio"] == pytest.approx(2 / 5)
    assert payments["summary"]["lead_time_median_seconds"] == 4 * H
    assert groups["(no owner in the catalog)"]["services"] == ["web"]
    assert "warning: no owner in the Backstage catalog for web" in result.stderr
    prom = run("--deployments", dora_world["deployments"], *WINDOW, *PATHS,
               "--group-by", "team", "--format", "prometheus").stdout
    assert 'platform_dora_deployments{team="payments"} 4' in prom


def test_group_by_team_without_backstage_is_exit_2(run, dora_world):
    result = run("--deployments", dora_world["deployments"], *WINDOW, "--group-by", "team")
    assert result.exit_code == 2
    assert "no Backstage URL configured" in result.stderr
