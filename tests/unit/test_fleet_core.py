"""core.fleet without git work: inventory readers, catalog inventory, sharding, the runner's
failure handling, the summary and the compare URL."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pytest

from platformctl.core.backstage import BackstageClient
from platformctl.core.errors import InputFileError, UsageError
from platformctl.core.fleet import inventory, runner, status
from platformctl.core.fleet.update import compare_url, select


def _git_repo(path: Path) -> Path:
    path.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    return path


def test_text_csv_yaml_and_folder_inventories(tmp_path):
    local = _git_repo(tmp_path / "clones" / "svc-a")
    (tmp_path / "clones" / "not-a-repo").mkdir()
    text = tmp_path / "repos.txt"
    text.write_text(
        "# the fleet\nhttps://git.example.com/org/api.git\n\n"
        "git@github.com:org/web.git  # trailing comment\nclones/svc-a\n"
    )
    entries = inventory.read_text(text)
    assert [(e.name, e.local) for e in entries] == [("api", False), ("web", False),
                                                    ("svc-a", True)]
    assert entries[2].url == str(local.resolve())
    assert entries[1].origin == f"{text}:4"

    csv_file = tmp_path / "repos.csv"
    csv_file.write_text("URL,owner,name\nhttps://x.test/a.git,group:default/a,alpha\n\n")
    [entry] = inventory.read_csv(csv_file)
    assert (entry.name, entry.owner) == ("alpha", "group:default/a")

    yaml_file = tmp_path / "repos.yaml"
    yaml_file.write_text("repositories:\n  - https://x.test/b.git\n  - url: https://x.test/c.git\n"
                         "    owner: team-c\n")
    assert [(e.name, e.owner) for e in inventory.read_yaml(yaml_file)] == [
        ("b", None), ("c", "team-c")]

    folder = inventory.read_folder(tmp_path / "clones")
    assert [e.name for e in folder] == ["not-a-repo", "svc-a"]  # the run records the bad one

    inv = inventory.load([str(text), str(csv_file), str(text)], cwd=tmp_path)
    assert len(inv.entries) == 4  # the text file twice: each URL once


@pytest.mark.parametrize(
    ("name", "content", "line", "words"),
    [
        ("r.yaml", "- url: https://a.test/a.git\n- url: https://a.test/b.git\n  team: x\n", 2,
         "unknown key 'team'"),
        ("r.yaml", "url: https://a.test/a.git\n", 1, "expected a list"),
        ("r.csv", "owner\nteam-a\n", 1, "no 'url' column"),
        ("r.txt", "https://a.test/a.git\nnot there/at all\n", 2, "one git URL or path"),
        ("r.txt", "\n./does-not-exist\n", 2, "neither a git URL nor an existing"),
        ("r.txt", "https://bot:s3cret@git.example.com/a.git\n", 1, "credentials in a"),
        ("r.csv", "url\nhttps://x-token@git.example.com/a.git\n", 2, "credentials in a"),
    ],
)
def test_bad_inventory_lines_name_file_and_line(tmp_path, name, content, line, words):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(InputFileError) as info:
        inventory.load([str(path)], cwd=tmp_path)
    assert info.value.position.file == str(path)
    assert info.value.position.line == line
    assert words in info.value.message


def test_catalog_inventory_filters_and_maps_annotations():
    entities = [
        {"kind": "Component", "metadata": {"name": "api", "namespace": "default",
         "annotations": {"github.com/project-slug": "org/api"}},
         "spec": {"owner": "group:default/team-a", "lifecycle": "production", "type": "service"}},
        {"kind": "Component", "metadata": {"name": "web", "annotations": {
            "backstage.io/source-location": "url:https://gitlab.test/org/web/-/tree/main/"}},
         "spec": {"owner": "group:default/team-a", "type": "website"}},
        {"kind": "Component", "metadata": {"name": "orphan", "annotations": {}},
         "spec": {"owner": "group:default/team-a"}},
        # the server ignored the filter for this one: filtered again client-side
        {"kind": "Component", "metadata": {"name": "other", "annotations": {
            "github.com/project-slug": "org/other"}}, "spec": {"owner": "group:default/b"}},
    ]
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if "cursor" not in request.url.params:
            return httpx.Response(200, json={"items": entities[:2],
                                             "pageInfo": {"nextCursor": "c2"}})
        return httpx.Response(200, json={"items": entities[2:], "pageInfo": {}})

    client = BackstageClient("http://b.test", None, transport=httpx.MockTransport(handler))
    inv = inventory.read_backstage(client, inventory.CatalogFilter(owner="team-a"))
    assert seen[0].url.params["filter"] == "kind=component,spec.owner=team-a"
    assert seen[1].url.params["cursor"] == "c2"
    assert [(e.name, e.url, e.owner) for e in inv.entries] == [
        ("api", "https://github.com/org/api.git", "group:default/team-a"),
        ("web", "https://gitlab.test/org/web", "group:default/team-a"),
    ]
    assert inv.skipped == [("component:default/orphan",
                            "no github.com/project-slug or backstage.io/source-location "
                            "annotation")]


def test_shards_are_stable_disjoint_and_complete():
    entries = [inventory.RepoEntry(f"https://x.test/r{i}.git", f"r{i}") for i in range(50)]
    parts = [inventory.select_shard(entries, i, 4) for i in (1, 2, 3, 4)]
    assert sorted(e.url for p in parts for e in p) == sorted(e.url for e in entries)
    assert all(parts)  # 50 repositories: every shard gets some
    assert inventory.shard_of("https://x.test/r1.git", 4) == inventory.shard_of(
        "https://x.test/r1.git", 4)
    for bad in ("0/2", "3/2", "1", "a/b", "1/0"):
        with pytest.raises(UsageError):
            inventory.parse_shard(bad)


def _boom(entry: inventory.RepoEntry) -> dict:
    if entry.name == "bad":
        raise UsageError("cannot read it")
    if entry.name == "bug":
        raise KeyError("oops")
    return {"name": entry.name}


@pytest.mark.parametrize("workers", [1, 2])
def test_runner_records_failures_and_goes_on_in_inventory_order(workers):
    entries = [inventory.RepoEntry(f"u{n}", n) for n in ("a", "bad", "b", "bug", "c")]
    seen: list[str] = []
    outcomes = runner.run(entries, _boom, workers=workers,
                          progress=lambda o: seen.append(o.entry.name))
    assert [o.entry.name for o in outcomes] == ["a", "bad", "b", "bug", "c"]
    assert [o.ok for o in outcomes] == [True, False, True, False, True]
    assert outcomes[1].error == "cannot read it"
    assert outcomes[3].error.startswith("internal error: KeyError")
    assert sorted(seen) == sorted(e.name for e in entries)


def _rec(name, *, gp="python-service", version="1.0.0", behind=1, scores=None, failing=(),
         owner="team-a", error=None):
    if error:
        return {"repository": name, "url": f"u/{name}", "owner": owner, "error": error}
    return {
        "repository": name, "url": f"u/{name}", "owner": owner, "golden_path": gp,
        "version": version if gp else None, "latest": "1.1.0" if gp else None,
        "versions_behind": behind if gp else None, "versioned": bool(gp),
        "scorecards": {k: {"score": s, "level": lv, "status": "x",
                           "levels": ["bronze", "silver", "gold"]}
                       for k, (s, lv) in (scores or {}).items()},
        "failing_rules": list(failing), "check_passed": not failing, "error": None,
    }


def test_summary_figures():
    recs = [
        _rec("a", scores={"prod": (100, "gold")}),
        _rec("b", version="1.1.0", behind=0, scores={"prod": (55, "bronze")},
             failing=["check/prod/x", "check/prod/y"], owner="team-b"),
        _rec("c", gp=None, scores={"prod": (95, None)}, failing=["check/prod/x"]),
        _rec("d", error="clone failed"),
    ]
    summary = status.summarize(recs)
    assert (summary["analysed"], summary["failed"], summary["adopted"]) == (3, 1, 2)
    assert summary["adoption_ratio"] == round(2 / 3, 4)
    assert summary["golden_paths"]["python-service"]["versions"] == {"1.0.0": 1, "1.1.0": 1}
    prod = summary["scorecards"]["prod"]
    assert prod["histogram"]["100"] == 1 and prod["histogram"]["50-59"] == 1
    assert prod["histogram"]["90-99"] == 1
    assert prod["below_silver"] == ["b", "c"]
    assert prod["mean_score"] == round((100 + 55 + 95) / 3, 1)
    assert summary["top_failing_rules"][0] == {"rule": "check/prod/x", "repositories": 2}
    assert summary["owners_by_debt"][0]["owner"] == "team-a"  # 1 behind + 1 rule = 2 = team-b
    assert [o["debt"] for o in summary["owners_by_debt"]] == [2, 2]


def test_update_selection_canary_and_only():
    surveyed = [
        {**_rec(n, owner=o), "dirty": []}
        for n, o in (("a", "group:default/team-a"), ("b", "group:default/team-b"),
                     ("c", "group:default/team-a"), ("d", "group:default/team-a"))
    ]
    surveyed[3]["dirty"] = ["x.py"]
    chosen, skipped, later = select(surveyed, only="team-a", canary=1)
    assert [r["repository"] for r in chosen] == ["a"]
    assert [r["repository"] for r in later] == ["c"]
    assert [(r["repository"], r["reason"]) for r in skipped] == [
        ("d", "uncommitted changes: x.py")]


def test_compare_url():
    assert compare_url("git@github.com:org/api.git", "main", "b") == (
        "https://github.com/org/api/compare/main...b?expand=1")
    assert compare_url("https://gitlab.example.com/g/api.git", "main", "b") == (
        "https://gitlab.example.com/g/api/-/compare/main...b")
    assert compare_url("/srv/git/api.git", "main", "b") is None
