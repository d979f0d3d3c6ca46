"""Remote reference resolution, server-side validation and the offline cache."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from platformctl.core.backstage import BackstageClient
from platformctl.core.catalog import remote
from platformctl.core.errors import UsageError


@dataclass
class Rel:
    source: str
    field: str
    target: str
    file: str = "catalog-info.yaml"
    line: int | None = 9
    column: int | None = 10
    document: int = 0
    resolved: bool = False


def client_for(handler) -> tuple[BackstageClient, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    return BackstageClient("http://bs.test", "t", transport=httpx.MockTransport(record)), seen


def by_refs(existing: set[str]):
    def handler(request: httpx.Request) -> httpx.Response:
        refs = json.loads(request.content)["entityRefs"]
        return httpx.Response(
            200, json={"items": [{"kind": "X"} if r in existing else None for r in refs]}
        )

    return handler


def test_resolve_remote_one_batched_request_for_unresolved_targets():
    relations = [
        Rel("component:default/a", "spec.owner", "group:default/team-a"),
        Rel("component:default/a", "spec.system", "system:default/pay", line=11),
        Rel("component:default/b", "spec.owner", "group:default/Team-A"),  # same ref, other case
        Rel("component:default/b", "spec.dependsOn", "component:default/a", resolved=True),
    ]
    client, seen = client_for(by_refs({"group:default/team-a"}))
    findings = remote.resolve_remote(relations, client)
    assert len(seen) == 1
    assert json.loads(seen[0].content)["entityRefs"] == [
        "group:default/team-a",
        "system:default/pay",
    ]
    assert len(findings) == 1
    f = findings[0]
    assert f.rule == "refs/missing-remote" and f.severity == "error"
    assert (f.file, f.line, f.column, f.document) == ("catalog-info.yaml", 11, 10, 0)
    assert f.entity == "component:default/a"
    assert "system:default/pay" in f.message and "http://bs.test" in f.message


def test_resolve_remote_nothing_to_do_sends_nothing():
    client, seen = client_for(by_refs(set()))
    assert (
        remote.resolve_remote([Rel("a", "spec.owner", "group:default/x", resolved=True)], client)
        == []
    )
    assert seen == []


def test_server_validate_reports_backend_errors_at_entity_position(tmp_path):
    @dataclass
    class Doc:
        line: int
        column: int

    @dataclass
    class Entity:
        ref: str
        file: str
        document: int
        data: dict
        doc: Doc

    bodies = []

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        bodies.append(body)
        if body["entity"]["metadata"]["name"] == "bad":
            return httpx.Response(
                400, json={"errors": [{"name": "InputError", "message": "Policy says no"}]}
            )
        return httpx.Response(200)

    path = tmp_path / "catalog-info.yaml"
    entities = [
        Entity(
            "component:default/ok",
            str(path),
            0,
            {"kind": "Component", "metadata": {"name": "ok"}},
            Doc(1, 1),
        ),
        Entity(
            "component:default/bad",
            str(path),
            1,
            {"kind": "Component", "metadata": {"name": "bad"}},
            Doc(12, 1),
        ),
    ]
    client, _ = client_for(handler)
    findings = remote.server_validate(entities, client)
    assert all(b["location"].startswith("url:file://") for b in bodies)
    assert len(findings) == 1
    f = findings[0]
    assert f.rule == "backstage/server-validation"
    assert (f.line, f.document, f.entity) == (12, 1, "component:default/bad")
    assert "Policy says no" in f.message
    findings = remote.server_validate(
        entities, client, location_base="https://git.test/r/blob/main"
    )
    assert bodies[-1]["location"].startswith("url:https://git.test/r/blob/main/")


def test_pull_and_load_cache(tmp_path):
    pages = iter(
        [
            {
                "items": [
                    {"kind": "Group", "metadata": {"namespace": "default", "name": "Team-A"}}
                ],
                "pageInfo": {"nextCursor": "n"},
            },
            {"items": [{"kind": "System", "metadata": {"name": "pay"}}], "pageInfo": {}},
        ]
    )
    client, _ = client_for(lambda request: httpx.Response(200, json=next(pages)))
    path = remote.pull_cache(client)
    assert path == remote.cache_path()
    assert path.parent.name == "platformctl"
    cache = remote.load_cache()
    assert cache.refs == {"group:default/team-a", "system:default/pay"}
    assert cache.kinds == {"Group": 1, "System": 1}
    assert not cache.stale and cache.source == "http://bs.test"
    assert "Group:default/Team-A" in cache


def test_load_cache_missing_or_corrupt(tmp_path):
    with pytest.raises(UsageError) as info:
        remote.load_cache(path=tmp_path / "none.json")
    assert "catalog pull" in info.value.hint
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(UsageError):
        remote.load_cache(path=bad)


def _write_cache(path, fetched_at, refs):
    path.write_text(
        json.dumps({"version": 1, "fetched_at": fetched_at.isoformat(), "refs": refs, "kinds": {}})
    )


def test_resolve_offline_and_stale_warning(tmp_path):
    path = tmp_path / "cache.json"
    _write_cache(path, datetime.now(UTC) - timedelta(days=3), ["group:default/team-a"])
    cache = remote.load_cache(path=path)
    assert cache.stale
    relations = [
        Rel("component:default/a", "spec.owner", "group:default/team-a"),
        Rel("component:default/a", "spec.system", "system:default/nope"),
    ]
    findings = remote.resolve_offline(relations, cache)
    rules = sorted(f.rule for f in findings)
    assert rules == ["refs/missing-remote", "refs/stale-cache"]
    stale = next(f for f in findings if f.rule == "refs/stale-cache")
    assert stale.severity == "warning" and "catalog pull" in stale.hint
    missing = next(f for f in findings if f.rule == "refs/missing-remote")
    assert "cached catalog" in missing.message and missing.line == 9


def test_fresh_cache_no_warning(tmp_path):
    path = tmp_path / "cache.json"
    _write_cache(path, datetime.now(UTC), ["group:default/team-a"])
    cache = remote.load_cache(path=path)
    assert remote.resolve_offline([Rel("c", "spec.owner", "group:default/team-a")], cache) == []


def test_check_against_catalog_offline_and_bad_combinations(tmp_path, monkeypatch):
    from platformctl.core.catalog.validate import validate_text

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    remote.cache_path().parent.mkdir(parents=True)
    _write_cache(remote.cache_path(), datetime.now(UTC), ["group:default/team-a"])
    text = (
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n"
        "spec:\n  type: service\n  lifecycle: production\n  owner: team-b\n"
    )
    result = validate_text(text, "catalog-info.yaml")

    def no_config():
        raise AssertionError("--offline does not need the live catalog")

    remote.check_against_catalog(result, remote=False, server=False, offline=True, config=no_config)
    rules = [f.rule for f in result.report.findings]
    assert "refs/missing-remote" in rules
    with pytest.raises(UsageError, match="--offline cannot be combined"):
        remote.check_against_catalog(
            result, remote=True, server=False, offline=True, config=no_config
        )
