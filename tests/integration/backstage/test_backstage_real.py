"""platformctl against a real Backstage catalog backend (see conftest.py; `nox -s backstage`)."""

from __future__ import annotations

import json
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import yaml

from platformctl.core import backstage
from platformctl.core.catalog import remote

pytestmark = pytest.mark.backstage


def uid() -> str:
    return uuid.uuid4().hex[:8]


def component(name: str, owner: str, **spec: str) -> dict:
    return {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": {"name": name},
        "spec": {"type": "service", "lifecycle": "production", "owner": owner, **spec},
    }


def group(name: str) -> dict:
    return {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Group",
        "metadata": {"name": name},
        "spec": {"type": "team", "children": []},
    }


def write(path: Path, *docs: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump_all(docs, sort_keys=False))
    return path


def client_for(backend) -> backstage.BackstageClient:
    return backstage.BackstageClient(backend.url, backend.token)


def test_register_file_dry_run_then_wait_then_409(cli, backend, tmp_path):
    name, team = f"svc-{uid()}", f"team-{uid()}"
    path = write(tmp_path / "catalog-info.yaml", component(name, team), group(team))

    dry = cli("catalog", "register", str(path), "--dry-run", "--format", "json")
    assert dry.exit_code == 0, dry.output
    payload = json.loads(dry.stdout)
    assert payload["dry_run"] is True
    assert {e["ref"] for e in payload["entities"]} == {
        f"component:default/{name}",
        f"group:default/{team}",
    }
    with client_for(backend) as client:
        assert client.entities_by_refs([f"component:default/{name}"]) == [None]

    started = time.monotonic()
    result = cli("catalog", "register", str(path), "--timeout", "30")
    waited = time.monotonic() - started
    assert result.exit_code == 0, result.output
    assert f"component:default/{name}" in result.stdout
    assert f"{backend.url}/catalog/default/component/{name}" in result.stdout
    print(f"register + wait until visible: {waited:.1f}s")
    with client_for(backend) as client:
        items = client.entities_by_refs([f"component:default/{name}", f"group:default/{team}"])
    assert all(items)

    again = cli("catalog", "register", str(path))
    assert again.exit_code == 0, again.output
    assert "already registered: file:" in again.stderr

    # the raw API answers 409 for the second registration; the client maps it
    with client_for(backend) as client, pytest.raises(backstage.BackstageConflict):
        client.add_location("file", str(path.resolve()))


def test_get_found_and_404(cli, backend, tmp_path):
    name, team = f"svc-{uid()}", f"team-{uid()}"
    path = write(tmp_path / "catalog-info.yaml", component(name, team), group(team))
    assert cli("catalog", "register", str(path)).exit_code == 0

    found = cli("catalog", "get", name)
    assert found.exit_code == 0, found.output
    assert f"component:default/{name}" in found.stdout
    assert f"ownedBy group:default/{team}" in found.stdout
    as_json = json.loads(cli("catalog", "get", f"group:default/{team}", "--format", "json").stdout)
    assert as_json["kind"] == "Group"

    missing = cli("catalog", "get", f"nope-{uid()}")
    assert missing.exit_code == 1
    assert "not found in Backstage" in missing.stderr


def test_unregister(cli, backend, tmp_path):
    name = f"svc-{uid()}"
    path = write(tmp_path / "catalog-info.yaml", component(name, "someone"))
    assert cli("catalog", "register", str(path)).exit_code == 0

    refused = cli("catalog", "unregister", name)
    assert refused.exit_code == 2 and "--yes" in refused.stderr
    assert f"provides: component:default/{name}" in refused.stderr

    done = cli("catalog", "unregister", name, "--yes")
    assert done.exit_code == 0, done.output
    with client_for(backend) as client:
        deadline = time.monotonic() + 15
        while client.entities_by_refs([f"component:default/{name}"]) != [None]:
            assert time.monotonic() < deadline, "entity still present after unregister"
            time.sleep(0.2)
        assert find(client, path) is None


def find(client, path: Path):
    return backstage.find_location(client, "file", str(path.resolve()))


def test_url_location_and_missing_url(cli, backend):
    name = f"web-{uid()}"
    url = backend.serve(f"{name}/catalog-info.yaml", yaml.safe_dump(component(name, "someone")))
    result = cli("catalog", "register", url, "--timeout", "30")
    assert result.exit_code == 0, result.output
    assert f"component:default/{name}" in result.stdout

    missing_url = f"{backend.files_url}/nope-{uid()}/catalog-info.yaml"
    missing = cli("catalog", "register", missing_url)
    assert missing.exit_code == 2
    assert "cannot find" in missing.stderr
    with client_for(backend) as client:  # nothing was registered for it
        assert all(loc.target != missing_url for loc in client.list_locations())


def test_missing_local_file_never_reaches_backstage(cli, backend, tmp_path):
    result = cli("catalog", "register", str(tmp_path / "catalog-info.yaml"))
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_wrong_token_is_401_exit_3(cli, backend, monkeypatch):
    monkeypatch.setenv("PLATFORMCTL_BACKSTAGE_TOKEN", "definitely-wrong-token")
    result = cli("-v", "catalog", "get", "anything")
    assert result.exit_code == 3
    assert "rejected the token" in result.stderr
    assert "definitely-wrong-token" not in result.output
    monkeypatch.delenv("PLATFORMCTL_BACKSTAGE_TOKEN")
    anonymous = cli("catalog", "get", "anything")
    assert anonymous.exit_code == 3 and "requires a token" in anonymous.stderr


def test_token_never_printed(cli, backend, tmp_path):
    path = write(tmp_path / "catalog-info.yaml", component(f"svc-{uid()}", "someone"))
    for args in (
        ("-vv", "catalog", "register", str(path)),
        ("-vv", "catalog", "get", f"nope-{uid()}"),
        ("-vv", "--debug", "catalog", "pull"),
    ):
        result = cli(*args)
        assert backend.token not in result.output, args


def test_resolve_remote_by_refs(backend, tmp_path):
    from platformctl.core.catalog.validate import validate_paths

    team, system = f"team-{uid()}", f"sys-{uid()}"
    write(tmp_path / "org.yaml", group(team))
    with client_for(backend) as client:
        backstage.register_location(client, tmp_path / "org.yaml", timeout=30)
        local = write(
            tmp_path / "repo" / "catalog-info.yaml",
            component(f"svc-{uid()}", team, system=system),
        )
        result = validate_paths([local])
        findings = remote.resolve_remote(result.relations, client)
    assert [f.rule for f in findings] == ["refs/missing-remote"]
    missing = findings[0]
    assert f"system:default/{system}" in missing.message
    assert missing.file and missing.line == 9 and missing.column


def test_server_validate_with_url_location(backend, tmp_path):
    from platformctl.core.catalog.validate import validate_paths

    name = f"svc-{uid()}"
    path = write(tmp_path / "catalog-info.yaml", component(name, "someone"))
    url = backend.serve(f"{name}/catalog-info.yaml", path.read_text())
    base = url.rsplit("/", 1)[0]
    entities = validate_paths([path]).entities
    with client_for(backend) as client:
        assert remote.server_validate(entities, client, location_base=base) == []
        assert remote.server_validate(entities, client) == []  # url:file://... also accepted
        messages = client.validate_entity(
            {
                "apiVersion": "backstage.io/v1alpha1",
                "kind": "Component",
                "metadata": {"name": "not valid!"},
                "spec": {},
            },
            f"url:{url}",
        )
    assert messages and "metadata.name" in messages[0]


def test_pull_then_offline(cli, backend, tmp_path):
    team = f"team-{uid()}"
    path = write(tmp_path / "org.yaml", group(team))
    assert cli("catalog", "register", str(path)).exit_code == 0
    pulled = cli("catalog", "pull")
    assert pulled.exit_code == 0, pulled.output
    cache = remote.load_cache()
    assert f"group:default/{team}" in cache and not cache.stale
    assert "Group" in cache.kinds


def test_init_then_register_round_trip(cli, backend, tmp_path):
    repo = tmp_path / f"orders-{uid()}"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(
        ["git", "-C", str(repo), "remote", "add", "origin", f"git@github.com:acme/{repo.name}.git"],
        check=True,
    )
    (repo / "CODEOWNERS").write_text("* @acme/orders-team\n")
    (repo / "package.json").write_text('{"dependencies": {"react": "^18"}}')
    init = cli("catalog", "init", str(repo), "--no-input", "--data", "lifecycle=experimental")
    assert init.exit_code == 0, init.output

    registered = cli("catalog", "register", str(repo), "--timeout", "30")
    assert registered.exit_code == 0, registered.output
    got = json.loads(cli("catalog", "get", repo.name, "--format", "json").stdout)
    assert got["spec"] == {
        "type": "website",
        "lifecycle": "experimental",
        "owner": "group:default/orders-team",  # catalog init writes the full reference
    }
    assert got["metadata"]["annotations"]["github.com/project-slug"] == f"acme/{repo.name}"


def test_validate_remote_and_server_cli(cli, backend, tmp_path, monkeypatch):
    team, system = f"team-{uid()}", f"sys-{uid()}"
    assert cli("catalog", "register", str(write(tmp_path / "org.yaml", group(team)))).exit_code == 0
    repo = tmp_path / "repo"
    write(repo / "catalog-info.yaml", component(f"svc-{uid()}", team, system=system))
    monkeypatch.chdir(repo)
    result = cli("catalog", "validate", "--remote", "--format", "json")
    assert result.exit_code == 1, result.output
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["line"]) for f in findings] == [("refs/missing-remote", 9)]
    assert f"system:default/{system}" in findings[0]["message"]
    write(repo / "catalog-info.yaml", component(f"svc-{uid()}", team))
    server = cli("catalog", "validate", "--server")
    assert server.exit_code == 0, server.output


def test_new_register_reports_rejection_and_keeps_repo(cli, backend, tmp_path, monkeypatch):
    """`platformctl new ... --remote BARE --register` with a local remote registers the local
    file. Real Backstage cannot resolve the golden path's relative `$text: ./openapi.yaml` in a
    `file` location ("could not form a URL"): the dry run catches it before anything is stored,
    the error says so, and the created (and pushed) repository stays."""
    name = f"svc-{uid()}"
    bare = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    monkeypatch.chdir(tmp_path)
    result = cli(
        "new", "python-service", name, "--defaults", "--remote", str(bare), "--register",
        "--register-timeout", "30",
    )
    assert result.exit_code == 2, result.output
    assert "was created, but registering it in Backstage failed" in result.stderr
    assert "Placeholder $text could not form a URL" in result.stderr
    assert (tmp_path / name / "catalog-info.yaml").is_file()
    log = subprocess.run(
        ["git", "--git-dir", str(bare), "log", "--oneline", "main"], capture_output=True, text=True
    )
    assert "Initial commit from golden path python-service" in log.stdout
    with client_for(backend) as client:
        assert client.entities_by_refs([f"component:default/{name}"]) == [None]
