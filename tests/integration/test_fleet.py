"""`platformctl fleet` over real repositories (tests/fleet_fixture.py): python-service 1.0.0 and
1.2.0 repositories pushed to local bare remotes, one non-compliant, one plain repository, one
whose remote does not exist."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

import fleet_fixture

pytestmark = pytest.mark.integration


def _inventory(world: dict, tmp_path: Path, *, copy: bool = False) -> Path:
    remotes = world["remotes"]
    if copy:  # the test changes the remotes: work on a copy
        target = tmp_path / "remotes"
        shutil.copytree(world["base"] / "remotes", target)
        remotes = {name: target / path.name for name, path in remotes.items()}
    return fleet_fixture.inventory_yaml(tmp_path / "repos.yaml", remotes)


def _status_json(cli, inventory: Path, *extra: str) -> dict:
    result = cli("fleet", "status", "--inventory", inventory, "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _check_directly(path: Path) -> dict:
    """What `platformctl check` itself computes for one repository (core, not the CLI)."""
    from platformctl.core import config as config_mod
    from platformctl.core.compliance import scoring

    cfg = config_mod.load(cwd=path)
    result = scoring.run(root=path, config=cfg)
    return {c.scorecard.id: (c.score, c.level) for c in result.scorecards}


def test_status_reports_versions_adoption_scores_and_records_the_broken_repository(
    cli, fleet_world, tmp_path
):
    inventory = _inventory(fleet_world, tmp_path)
    data = _status_json(cli, inventory, "--workers", "2")
    assert data["kind"] == "fleet-status"
    assert data["tool"]["command"] == "fleet status"
    summary = data["summary"]
    # 6 in the inventory, the missing remote is recorded and skipped
    assert summary["repositories"] == 6
    assert summary["analysed"] == 5
    assert summary["failed"] == 1
    [error] = summary["errors"]
    assert error["repository"] == "missing" and "git clone failed" in error["error"]
    # 4 of the 5 analysed repositories come from a golden path
    assert summary["adopted"] == 4
    assert summary["adoption_ratio"] == 0.8
    gp = summary["golden_paths"]["python-service"]
    assert gp["versions"] == {"1.0.0": 2, "1.2.0": 2}
    assert (gp["latest"], gp["behind"], gp["up_to_date"]) == ("1.2.0", 2, 2)
    assert summary["behind"] == 2

    repos = {r["repository"]: r for r in data["repositories"]}
    assert repos["orders-api"]["version"] == "1.0.0"
    assert repos["orders-api"]["versions_behind"] == 2  # 1.1.0 and 1.2.0
    assert repos["users-api"]["versions_behind"] == 0
    assert repos["plain-lib"]["golden_path"] is None
    assert repos["orders-api"]["owner"] == "group:default/team-orders"
    assert "check/golden-path-python-service/template-drift" in repos["orders-api"][
        "failing_rules"
    ]
    assert repos["users-api"]["failing_rules"] == []
    assert repos["users-api"]["check_passed"] is True
    assert repos["legacy-api"]["check_passed"] is False
    assert repos["users-api"]["last_commit"]

    # the scores are exactly what `check` computes in each repository
    for name in ("orders-api", "users-api", "legacy-api", "plain-lib"):
        clone = tmp_path / "direct" / name
        remote = str(fleet_world["remotes"][name])
        subprocess.run(["git", "clone", "-q", remote, str(clone)], check=True)
        direct = _check_directly(clone)
        fleet = {k: (v["score"], v["level"]) for k, v in repos[name]["scorecards"].items()}
        assert fleet == direct, name
    legacy = repos["legacy-api"]["scorecards"]
    users = repos["users-api"]["scorecards"]
    assert any(legacy[c]["score"] < users[c]["score"] for c in users)

    # the score histogram counts every analysed repository once per scorecard
    for card_id, card in summary["scorecards"].items():
        assert sum(card["histogram"].values()) == card["repositories"], card_id
    # the rule failing most: GitOps rules fail in both 1.0.0 repositories
    top = summary["top_failing_rules"][0]
    assert top["repositories"] == 2
    # owners with the most debt: a behind repository owes its failing rules + 2 versions
    debt = {o["owner"]: o for o in summary["owners_by_debt"]}
    orders = repos["orders-api"]
    assert debt["group:default/team-orders"]["debt"] == len(orders["failing_rules"]) + 2


def test_status_fetches_cached_clones_instead_of_cloning_again(cli, fleet_world, tmp_path):
    inventory = _inventory(fleet_world, tmp_path, copy=True)
    cache = tmp_path / "cache"
    first = _status_json(cli, inventory, "--cache", cache, "--workers", "1")
    clones = sorted(p.name for p in cache.iterdir())
    assert len(clones) == 5  # the missing remote left nothing behind
    marker = next(cache.glob("users-api-*")) / ".git" / "fleet-test-marker"
    marker.write_text("kept")
    # a new commit on the remote shows up on the next run (fetched), in the same clone
    work = tmp_path / "users-work"
    subprocess.run(
        ["git", "clone", "-q", str(tmp_path / "remotes" / "users-api.git"), str(work)], check=True
    )
    fleet_fixture.git(work, "rm", "-q", "CODEOWNERS")
    fleet_fixture.git(work, "commit", "-qm", "no CODEOWNERS")
    fleet_fixture.git(work, "push", "-q")
    second = _status_json(cli, inventory, "--cache", cache, "--workers", "1")
    assert marker.read_text() == "kept"
    before = {r["repository"]: r for r in first["repositories"]}["users-api"]
    after = {r["repository"]: r for r in second["repositories"]}["users-api"]
    assert before["failing_rules"] == []
    assert after["failing_rules"], "the pushed change was not fetched"


@pytest.mark.parametrize("fmt", ["text", "markdown", "csv", "prometheus", "html"])
def test_status_writes_every_report_format(cli, fleet_world, tmp_path, fmt):
    inventory = _inventory(fleet_world, tmp_path)
    out = tmp_path / f"fleet.{fmt}"
    result = cli("fleet", "status", "-i", inventory, "--format", fmt, "--output", out)
    assert result.exit_code == 0, result.output
    text = out.read_text()
    if fmt == "text":
        assert "4 of 5 repositories on a golden path (80%); 2 behind" in text
        assert "missing" in text and "Repositories not analysed" in text
    elif fmt == "markdown":
        assert text.startswith("# Fleet status")
        assert "| python-service | 4 | 1.2.0 | 2 | 2 | 1.0.0: 2, 1.2.0: 2 |" in text
    elif fmt == "csv":
        import csv
        import io

        rows = list(csv.DictReader(io.StringIO(text)))
        assert {r["repository"] for r in rows} == {
            "orders-api", "payments-api", "users-api", "legacy-api", "plain-lib", "missing"
        }
        missing = [r for r in rows if r["repository"] == "missing"]
        assert missing[0]["error"]
        orders = [r for r in rows if r["repository"] == "orders-api"]
        assert {r["versions_behind"] for r in orders} == {"2"}
    elif fmt == "prometheus":
        assert "platform_fleet_golden_path_adoption_ratio 0.8" in text
        assert (
            'platform_fleet_golden_path_repositories{golden_path="python-service",'
            'version="1.0.0"} 2' in text
        )
        assert 'platform_fleet_repository_versions_behind{repository="orders-api"' in text
        assert "platform_fleet_repositories_failed 1" in text
        _assert_documented(text)
    else:
        assert "<script src=\"http" not in text
        assert text.count("class=\"plotly-graph-div\"") == 4
        assert "Golden-path adoption" in text and "Versions per golden path" in text


def _assert_documented(exposition: str) -> None:
    doc = (Path(__file__).parents[2] / "docs" / "reference" / "metrics.md").read_text()
    names = {
        line.split()[2] for line in exposition.splitlines() if line.startswith("# TYPE ")
    }
    assert names
    for name in names:
        assert name.startswith("platform_")
        assert f"`{name}`" in doc, f"{name} is not documented in docs/reference/metrics.md"


def test_check_exits_1_when_a_repository_fails_and_0_when_all_pass(cli, fleet_world, tmp_path):
    inventory = _inventory(fleet_world, tmp_path)
    result = cli("fleet", "check", "-i", inventory, "--format", "json")
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout)["summary"]["check_failed"] >= 2
    only_good = tmp_path / "good.txt"
    only_good.write_text(f"{fleet_world['remotes']['users-api']}\n")
    result = cli("fleet", "check", "-i", only_good)
    assert result.exit_code == 0, result.output


def test_shards_merged_equal_the_unsharded_run(cli, fleet_world, tmp_path):
    inventory = _inventory(fleet_world, tmp_path)
    whole = _status_json(cli, inventory)
    parts = []
    for index in (1, 2, 3):
        part = tmp_path / f"part-{index}.json"
        result = cli(
            "fleet", "status", "-i", inventory, "--shard", f"{index}/3", "--format", "json",
            "--output", part,
        )
        assert result.exit_code == 0, result.output
        parts.append(part)
    sizes = [len(json.loads(p.read_text())["repositories"]) for p in parts]
    assert sum(sizes) == 6
    merged = cli("fleet", "merge", *parts, "--format", "json")
    assert merged.exit_code == 0, merged.output
    data = json.loads(merged.stdout)
    assert data["summary"] == whole["summary"]
    assert data["repositories"] == whole["repositories"]
    text_whole = cli("fleet", "status", "-i", inventory, "--format", "markdown").stdout
    text_merged = cli("fleet", "merge", *parts, "--format", "markdown").stdout
    assert text_merged == text_whole


def test_resume_keeps_repositories_already_read(cli, fleet_world, tmp_path):
    inventory = _inventory(fleet_world, tmp_path)
    first = tmp_path / "first.json"
    assert cli("fleet", "status", "-i", inventory, "-f", "json", "-o", first).exit_code == 0
    data = json.loads(first.read_text())
    for rec in data["repositories"]:
        if rec["repository"] == "users-api":
            rec["owner"] = "marker-from-the-earlier-run"
    first.write_text(json.dumps(data))
    result = cli("fleet", "status", "-i", inventory, "-f", "json", "--resume", first)
    assert result.exit_code == 0, result.output
    repos = {r["repository"]: r for r in json.loads(result.stdout)["repositories"]}
    assert repos["users-api"]["owner"] == "marker-from-the-earlier-run"
    assert "read users-api" not in result.stderr  # not read again
    assert "read missing: failed" in result.stderr  # failures are retried


# --- update --------------------------------------------------------------------------------


def _remote_branches(remote: Path) -> list[str]:
    out = subprocess.run(
        ["git", "-C", str(remote), "for-each-ref", "--format=%(refname:short)", "refs/heads"],
        capture_output=True, text=True, check=True,
    ).stdout
    return out.split()


def _show(remote: Path, ref: str, path: str) -> str:
    return subprocess.run(
        ["git", "-C", str(remote), "show", f"{ref}:{path}"],
        capture_output=True, text=True, check=True,
    ).stdout


BRANCH = "platformctl/update-python-service-1.2.0"


def test_update_dry_run_changes_nothing_then_a_canary_wave_then_the_rest(
    cli, fleet_world, tmp_path
):
    inventory = _inventory(fleet_world, tmp_path, copy=True)
    remotes = tmp_path / "remotes"
    before = {p.name: _remote_branches(p) for p in remotes.iterdir()}

    result = cli("fleet", "update", "-i", inventory, "--dry-run", "--format", "json", "-j", "2")
    assert result.exit_code == 1, result.output  # the missing remote failed
    data = json.loads(result.stdout)
    results = {r["repository"]: r for r in data["repositories"]}
    assert results["orders-api"]["result"] == "would-update", json.dumps(results["orders-api"])
    assert results["payments-api"]["result"] == "would-update"
    assert "deploy/base/deployment.yaml" in results["orders-api"]["changed"]
    assert results["users-api"]["result"] == "skipped"
    assert results["plain-lib"]["reason"] == "not created from a golden path"
    assert results["missing"]["result"] == "failed"
    assert {p.name: _remote_branches(p) for p in remotes.iterdir()} == before

    # canary wave of one: one repository updated and pushed, the other left for later
    result = cli("fleet", "update", "-i", inventory, "--canary", "1", "--push", "-f", "json")
    data = json.loads(result.stdout)
    assert data["summary"]["not_in_this_wave"] == 1
    updated = [r for r in data["repositories"] if r["result"] == "updated"]
    assert [r["repository"] for r in updated] == ["orders-api"]
    assert updated[0]["pushed"] is True and updated[0]["branch"] == BRANCH
    orders = remotes / "orders-api.git"
    assert BRANCH in _remote_branches(orders)
    assert "_commit: v1.2.0" in _show(orders, BRANCH, ".copier-answers.yml")
    assert "_commit: v1.0.0" in _show(orders, "main", ".copier-answers.yml")
    assert _show(orders, BRANCH, "deploy/base/kustomization.yaml")
    message = subprocess.run(
        ["git", "-C", str(orders), "log", "-1", "--format=%s", BRANCH],
        capture_output=True, text=True, check=True,
    ).stdout
    assert message.strip() == "Update golden path python-service 1.0.0 -> 1.2.0"
    assert BRANCH not in _remote_branches(remotes / "payments-api.git")

    # the rest, resuming: orders-api is not touched again
    first = tmp_path / "wave1.json"
    first.write_text(result.stdout)
    result = cli("fleet", "update", "-i", inventory, "--push", "--resume", first, "-f", "json")
    data = json.loads(result.stdout)
    results = {r["repository"]: r for r in data["repositories"]}
    assert results["payments-api"]["result"] == "updated"
    assert results["orders-api"]["result"] == "updated"  # kept from the first wave
    assert "update orders-api" not in result.stderr
    assert BRANCH in _remote_branches(remotes / "payments-api.git")

    # and fleet status on the update branches' content: main is still behind
    status = _status_json(cli, inventory)
    assert status["summary"]["golden_paths"]["python-service"]["behind"] == 2


def test_update_skips_local_changes_and_reports_conflicts_without_leftovers(
    cli, fleet_world, tmp_path
):
    clones = tmp_path / "clones"
    clones.mkdir()
    for name in ("orders-api", "payments-api"):
        subprocess.run(
            ["git", "clone", "-q", str(fleet_world["remotes"][name]), str(clones / name)],
            check=True,
        )
    # payments-api: an uncommitted change
    (clones / "payments-api" / "NOTES.md").write_text("wip\n")
    # orders-api: a committed job at the end of the CI workflow, where 1.1.0 adds its own
    ci = clones / "orders-api" / ".github" / "workflows" / "ci.yml"
    ci.write_text(ci.read_text() + "  extra:\n    runs-on: ubuntu-latest\n    steps:\n"
                  "      - run: echo extra\n")
    fleet_fixture.git(clones / "orders-api", "commit", "-qam", "an extra job")
    head = fleet_fixture.git(clones / "orders-api", "rev-parse", "HEAD")

    result = cli("fleet", "update", "-i", clones, "-f", "json")
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    results = {r["repository"]: r for r in data["repositories"]}
    assert results["payments-api"]["result"] == "skipped"
    assert results["payments-api"]["reason"] == "uncommitted changes: NOTES.md"
    orders = results["orders-api"]
    assert orders["result"] == "conflict"
    # a folder inventory has no owners: the golden-path answers' owner is reported
    assert orders["owner"] == "group:default/team-orders"
    assert orders["conflicts"] == [".github/workflows/ci.yml"]
    assert "conflicts in .github/workflows/ci.yml" in orders["reason"]
    work = clones / "orders-api"
    assert BRANCH not in fleet_fixture.git(work, "branch")
    # the work tree is back on main, clean, at the same commit, no conflict leftovers
    assert fleet_fixture.git(work, "rev-parse", "--abbrev-ref", "HEAD").strip() == "main"
    assert fleet_fixture.git(work, "rev-parse", "HEAD") == head
    assert fleet_fixture.git(work, "status", "--porcelain") == ""
    assert not list(work.rglob("*.rej"))


def test_bad_inventory_names_the_file_and_line(cli, tmp_path):
    bad = tmp_path / "repos.yaml"
    bad.write_text("- url: https://example.com/a.git\n- owner: team-a\n")
    result = cli("fleet", "status", "-i", bad)
    assert result.exit_code == 2
    assert f"{bad}:2" in result.stderr and "without a url" in result.stderr
    csv_file = tmp_path / "repos.csv"
    csv_file.write_text("url,owner\nhttps://example.com/a.git,team-a,extra\n")
    result = cli("fleet", "status", "-i", csv_file)
    assert result.exit_code == 2 and f"{csv_file}:2" in result.stderr
    result = cli("fleet", "status", "-i", tmp_path / "nope.yaml")
    assert result.exit_code == 2 and "does not exist" in result.stderr
    result = cli("fleet", "status", "-i", bad, "--shard", "3/2")
    assert result.exit_code == 2 and "invalid shard" in result.stderr


def test_status_from_the_backstage_catalog_with_filters(cli, fleet_world, monkeypatch):
    """A real HTTP server standing in for Backstage's catalog API: the Components point at
    the bare remotes through backstage.io/source-location; --owner filters them."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import parse_qs, urlsplit

    remotes = fleet_world["remotes"]
    entities = [
        {
            "kind": "Component",
            "metadata": {"name": name, "namespace": "default", "annotations": {
                "backstage.io/source-location": f"url:{remotes[name]}/tree/main/"}},
            "spec": {"owner": fleet_fixture.INVENTORY_OWNERS[name], "type": "service",
                     "lifecycle": "production"},
        }
        for name in ("orders-api", "users-api", "legacy-api")
    ]
    queries: list[dict] = []

    class Catalog(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            url = urlsplit(self.path)
            assert url.path == "/api/catalog/entities/by-query"
            query = parse_qs(url.query)
            queries.append(query)
            wanted = dict(p.split("=", 1) for p in query["filter"][0].split(","))
            items = [e for e in entities
                     if e["spec"]["owner"].endswith(wanted.get("spec.owner", ""))]
            body = json.dumps({"items": items, "pageInfo": {}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Catalog)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        monkeypatch.setenv("PLATFORMCTL_BACKSTAGE_URL", f"http://127.0.0.1:{server.server_port}")
        data = _status_json(cli, "backstage", "--owner", "team-users")
    finally:
        server.shutdown()
        server.server_close()
    assert queries[0]["filter"] == ["kind=component,spec.owner=team-users"]
    repos = {r["repository"]: r for r in data["repositories"]}
    assert sorted(repos) == ["legacy-api", "users-api"]
    assert repos["users-api"]["owner"] == "group:default/team-users"
    assert data["summary"]["golden_paths"]["python-service"]["versions"] == {"1.2.0": 2}
