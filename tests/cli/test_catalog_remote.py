"""`platformctl catalog register|get|unregister|pull|init` through the real error boundary, with
the Backstage API replaced by an httpx.MockTransport."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import httpx
import pytest
import yaml

from platformctl.core import backstage

TOKEN = "tok-NEVER-PRINT-ME-42"
URL = "http://backstage.test"


def err(status: int, name: str, message: str) -> httpx.Response:
    return httpx.Response(status, json={"error": {"name": name, "message": message}})


class FakeBackstage:
    def __init__(self) -> None:
        self.entities: dict[str, dict] = {}
        self.locations: dict[str, dict] = {}
        self.requests: list[httpx.Request] = []
        self.provides = [("Component", "svc")]
        self.status_override: int | None = None
        self.validated: list[dict] = []

    def add_entity(self, kind: str, name: str, location_id: str | None = None) -> None:
        self.entities[f"{kind}:default/{name}".lower()] = {
            "apiVersion": "backstage.io/v1alpha1",
            "kind": kind,
            "metadata": {
                "name": name,
                "namespace": "default",
                "annotations": {"backstage.io/managed-by-location": "file:/x/catalog-info.yaml"},
            },
            "spec": {"type": "service", "lifecycle": "production", "owner": "team-a"},
            "relations": [{"type": "ownedBy", "targetRef": "group:default/team-a"}],
            "_location": location_id,
        }

    def _origin(self, entity: dict) -> str:
        location = self.locations.get(entity["_location"] or "")
        return f"{location['type']}:{location['target']}" if location else ""

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.status_override:
            return err(self.status_override, "Error", "boom")
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return err(401, "AuthenticationError", "Illegal token")
        path = request.url.path.removeprefix("/api/catalog")
        parts = path.strip("/").split("/")
        if parts[:2] == ["entities", "by-name"]:
            ref = f"{parts[2]}:{parts[3]}/{parts[4]}".lower()
            if ref in self.entities:
                return httpx.Response(
                    200, json={k: v for k, v in self.entities[ref].items() if k != "_location"}
                )
            return err(404, "NotFoundError", f"No entity named '{parts[4]}'")
        if path == "/validate-entity":
            body = json.loads(request.content)
            self.validated.append(body)
            if body["entity"]["metadata"]["name"].startswith("rejected"):
                return httpx.Response(
                    400, json={"errors": [{"name": "InputError", "message": "org policy: no"}]}
                )
            return httpx.Response(200)
        if path == "/entities/by-refs":
            refs = json.loads(request.content)["entityRefs"]
            return httpx.Response(200, json={"items": [self.entities.get(r) for r in refs]})
        if path == "/entities/by-query":
            items = [
                {
                    "kind": e["kind"],
                    "metadata": {"namespace": "default", "name": e["metadata"]["name"]},
                }
                for e in self.entities.values()
                if not request.url.params.get("filter")
                or request.url.params["filter"].endswith("=" + self._origin(e))
            ]
            return httpx.Response(200, json={"items": items, "pageInfo": {}})
        if path == "/locations" and request.method == "POST":
            body = json.loads(request.content)
            key = f"{body['type']}:{body['target']}"
            existing = next(
                (
                    lid
                    for lid, loc in self.locations.items()
                    if f"{loc['type']}:{loc['target']}" == key
                ),
                None,
            )
            location = {
                "id": existing or f"00000000-0000-0000-0000-00000000000{len(self.locations) + 1}",
                "type": body["type"],
                "target": body["target"],
                "entityRef": "location:default/generated-1",
            }
            entities = [
                {"kind": "Location", "metadata": {"name": "generated-1", "namespace": "default"}}
            ] + [
                {"kind": k, "metadata": {"name": n, "namespace": "default"}}
                for k, n in self.provides
            ]
            if request.url.params.get("dryRun") == "true":
                return httpx.Response(
                    201,
                    json={
                        "exists": existing is not None,
                        "location": location,
                        "entities": entities,
                    },
                )
            if existing:
                return err(409, "ConflictError", f"Location {key} already exists")
            self.locations[location["id"]] = location
            for k, n in self.provides:
                self.add_entity(k, n, location["id"])
            return httpx.Response(201, json={"location": location, "entities": []})
        if path == "/locations" and request.method == "GET":
            return httpx.Response(200, json=[{"data": loc} for loc in self.locations.values()])
        if parts[:2] == ["locations", "by-entity"]:
            ref = f"{parts[2]}:{parts[3]}/{parts[4]}".lower()
            entity = self.entities.get(ref)
            if entity is None or entity["_location"] not in self.locations:
                return err(404, "NotFoundError", "no location")
            return httpx.Response(200, json=self.locations[entity["_location"]])
        if parts[0] == "locations" and len(parts) == 2:
            if parts[1] not in self.locations:
                return err(404, "NotFoundError", f"Found no location with ID {parts[1]}")
            if request.method == "DELETE":
                loc = self.locations.pop(parts[1])
                self.entities = {
                    r: e for r, e in self.entities.items() if e["_location"] != loc["id"]
                }
                return httpx.Response(204)
            return httpx.Response(200, json=self.locations[parts[1]])
        return err(404, "NotFoundError", path)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeBackstage:
    server = FakeBackstage()
    original = backstage.client_from_config

    def patched(*args, **kwargs):
        kwargs.setdefault("transport", httpx.MockTransport(server))
        kwargs.setdefault("sleep", lambda _s: None)
        kwargs.setdefault("backoff", 0.001)
        return original(*args, **kwargs)

    monkeypatch.setattr(backstage, "client_from_config", patched)
    monkeypatch.setenv("PLATFORMCTL_BACKSTAGE_URL", URL)
    monkeypatch.setenv("PLATFORMCTL_BACKSTAGE_TOKEN", TOKEN)
    return server


@pytest.fixture
def catalog_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "catalog-info.yaml"
    path.write_text("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: svc}\n")
    monkeypatch.chdir(tmp_path)
    return path


def test_register_dry_run(cli, fake, catalog_file):
    result = cli("catalog", "register", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "dry run" in result.stderr
    assert (
        "component:default/svc  http://backstage.test/catalog/default/component/svc"
        in result.stdout
    )
    assert fake.locations == {}


def test_register_waits_and_prints_links(cli, fake, catalog_file, monkeypatch):
    monkeypatch.setenv("PLATFORMCTL_BACKSTAGE_URL", URL)
    result = cli("catalog", "register", str(catalog_file))
    assert result.exit_code == 0, result.output
    assert "registered file:" in result.stderr
    assert "http://backstage.test/catalog/default/component/svc" in result.stdout
    again = cli("catalog", "register", "--format", "json")
    assert again.exit_code == 0, again.output
    payload = json.loads(again.stdout)
    assert payload["existed"] is True
    assert payload["location"]["target"] == str(catalog_file.resolve())


def test_register_portal_url_from_config(cli, fake, catalog_file, tmp_path):
    (tmp_path / ".platformctl.yaml").write_text(
        "settings:\n  backstage:\n    portal_url: https://portal.example.com\n"
    )
    result = cli("catalog", "register")
    assert result.exit_code == 0, result.output
    assert "https://portal.example.com/catalog/default/component/svc" in result.stdout


def test_register_missing_file(cli, fake, tmp_path):
    result = cli("catalog", "register", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr and "hint:" in result.stderr


def test_register_negative_timeout_is_a_usage_error(cli, fake, catalog_file):
    for value in ("-1", "nan"):
        result = cli("catalog", "register", str(catalog_file), "--timeout", value)
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith("error: --timeout must be a number of seconds >= 0")


def test_get_text_json_yaml_and_404(cli, fake):
    fake.add_entity("Component", "svc")
    text = cli("catalog", "get", "svc")
    assert text.exit_code == 0, text.output
    assert "component:default/svc" in text.stdout and "owner" in text.stdout
    assert "http://backstage.test/catalog/default/component/svc" in text.stdout
    as_json = cli("catalog", "get", "component:default/svc", "--format", "json")
    assert json.loads(as_json.stdout)["metadata"]["name"] == "svc"
    as_yaml = cli("catalog", "get", "component:svc", "--format", "yaml")
    assert yaml.safe_load(as_yaml.stdout)["kind"] == "Component"
    missing = cli("catalog", "get", "nope")
    assert missing.exit_code == 1
    assert missing.stderr.startswith("error: entity component:default/nope not found")
    bad = cli("catalog", "get", "svc", "--format", "xml")
    assert bad.exit_code == 2


def test_unregister_needs_yes_off_a_tty(cli, fake, catalog_file):
    assert cli("catalog", "register").exit_code == 0
    result = cli("catalog", "unregister", "svc")
    assert result.exit_code == 2
    assert "--yes" in result.stderr
    assert "provides: component:default/svc" in result.stderr
    assert fake.locations
    done = cli("catalog", "unregister", "svc", "--yes")
    assert done.exit_code == 0, done.output
    assert "unregistered file:" in done.stderr
    assert "removed: component:default/svc" in done.stderr
    assert not fake.locations
    assert cli("catalog", "get", "svc").exit_code == 1


def test_unregister_by_location_id_and_unknown(cli, fake, catalog_file):
    assert cli("catalog", "register").exit_code == 0
    location_id = next(iter(fake.locations))
    assert cli("catalog", "unregister", location_id, "--yes").exit_code == 0
    gone = cli("catalog", "unregister", location_id, "--yes")
    assert gone.exit_code == 1 and "not found" in gone.stderr


def test_pull_writes_cache(cli, fake):
    fake.add_entity("Component", "svc")
    fake.add_entity("Group", "team-a")
    result = cli("catalog", "pull")
    assert result.exit_code == 0, result.output
    assert "cached 2 entities" in result.stderr
    from platformctl.core.catalog import remote

    assert remote.load_cache().refs == {"component:default/svc", "group:default/team-a"}


def test_no_url_configured_is_usage_error(cli, fake, monkeypatch):
    monkeypatch.delenv("PLATFORMCTL_BACKSTAGE_URL")
    result = cli("catalog", "get", "svc")
    assert result.exit_code == 2
    assert "hint: set PLATFORMCTL_BACKSTAGE_URL" in result.stderr


def test_wrong_token_exit_3_and_token_never_printed(cli, fake, monkeypatch, catalog_file):
    wrong = "wrong-SECRET-token-99"
    monkeypatch.setenv("PLATFORMCTL_BACKSTAGE_TOKEN", wrong)
    result = cli("-vv", "catalog", "get", "svc")
    assert result.exit_code == 3
    assert "rejected the token" in result.stderr
    assert (
        "backstage: GET /api/catalog/entities/by-name/Component/default/svc -> 401" in result.stderr
    )
    assert wrong not in result.output
    monkeypatch.setenv("PLATFORMCTL_BACKSTAGE_TOKEN", TOKEN)
    for args in (
        ("catalog", "register"),
        ("catalog", "get", "svc"),
        ("catalog", "pull"),
        ("--debug", "catalog", "get", "nope"),
    ):
        out = cli("-vv", *args)
        assert TOKEN not in out.output, args


def test_server_errors_after_retries(cli, fake):
    fake.status_override = 503
    result = cli("-vv", "catalog", "get", "svc")
    assert result.exit_code == 3
    assert "503" in result.stderr and "attempts" in result.stderr
    assert "retrying" in result.stderr
    assert len(fake.requests) == 4


def test_a_closed_port_is_exit_3_within_a_fraction_of_a_second(cli, monkeypatch):
    """Issue 9 #8 end to end: the real client on a real closed port (was 3.8 s of retries)."""
    import socket
    import time

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("PLATFORMCTL_BACKSTAGE_URL", f"http://127.0.0.1:{port}")
    started = time.monotonic()
    result = cli("catalog", "get", "component:default/orders")
    elapsed = time.monotonic() - started
    assert result.exit_code == 3, result.output
    assert elapsed < 2.0, f"took {elapsed:.2f} s"
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"error: cannot reach Backstage at http://127.0.0.1:{port}")
    assert lines[1].startswith("hint: check PLATFORMCTL_BACKSTAGE_URL")


def test_unreachable_exit_3(cli, monkeypatch):
    def refuse(request):
        raise httpx.ConnectError("[Errno 111] Connection refused")

    original = backstage.client_from_config
    monkeypatch.setattr(
        backstage,
        "client_from_config",
        lambda *a, **k: original(
            *a, transport=httpx.MockTransport(refuse), sleep=lambda s: None, **k
        ),
    )
    monkeypatch.setenv("PLATFORMCTL_BACKSTAGE_URL", URL)
    result = cli("catalog", "pull")
    assert result.exit_code == 3
    assert "cannot reach Backstage" in result.stderr and "hint:" in result.stderr


# --- init ------------------------------------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "payments-api"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(
        ["git", "-C", str(repo), "remote", "add", "origin", "git@github.com:acme/payments-api.git"],
        check=True,
    )
    (repo / "Dockerfile").write_text("FROM python:3.12\n")
    return repo


def test_init_no_input_lists_every_missing_value(cli, repo):
    result = cli("catalog", "init", str(repo), "--no-input")
    assert result.exit_code == 2
    assert "missing required answers: owner, lifecycle" in result.stderr
    assert "--data owner=... --data lifecycle=..." in result.stderr
    assert not (repo / "catalog-info.yaml").exists()


def test_init_off_a_tty_without_no_input_also_fails(cli, repo):
    (repo / "CODEOWNERS").write_text("* @acme/payments\n")
    result = cli("catalog", "init", str(repo))
    assert result.exit_code == 2
    assert "lifecycle" in result.stderr and "owner" not in result.stderr.split("hint")[0]


def test_init_writes_valid_file_and_never_overwrites(cli, repo):
    (repo / "CODEOWNERS").write_text("* @acme/payments\n")
    (repo / "mkdocs.yml").write_text("site_name: docs\n")
    result = cli("catalog", "init", str(repo), "--data", "lifecycle=production")
    assert result.exit_code == 0, result.output
    data = yaml.safe_load((repo / "catalog-info.yaml").read_text())
    assert data["metadata"]["name"] == "payments-api"
    annotations = data["metadata"]["annotations"]
    assert annotations["github.com/project-slug"] == "acme/payments-api"
    assert annotations["backstage.io/techdocs-ref"] == "dir:."
    assert data["spec"] == {
        "type": "service",
        "lifecycle": "production",
        "owner": "group:default/payments",
    }
    assert "type: service (from Dockerfile found)" in result.stderr
    validate = cli("catalog", "validate", str(repo / "catalog-info.yaml"))
    assert validate.exit_code == 0, validate.output
    again = cli("catalog", "init", str(repo), "--data", "lifecycle=production")
    assert again.exit_code == 2 and "--force" in again.stderr
    forced = cli(
        "catalog", "init", str(repo), "-d", "lifecycle=deprecated", "-d", "owner=x", "--force"
    )
    assert forced.exit_code == 0
    assert (
        yaml.safe_load((repo / "catalog-info.yaml").read_text())["spec"]["lifecycle"]
        == "deprecated"
    )


def test_init_dry_run_prints(cli, repo):
    result = cli(
        "catalog",
        "init",
        str(repo),
        "-d",
        "owner=team-a",
        "-d",
        "lifecycle=experimental",
        "--dry-run",
    )
    assert result.exit_code == 0, result.output
    assert "kind: Component" in result.stdout
    assert not (repo / "catalog-info.yaml").exists()


def test_init_bad_data(cli, repo):
    assert cli("catalog", "init", str(repo), "--data", "owner").exit_code == 2
    bad = cli("catalog", "init", str(repo), "--data", "name=Bad Name", "--no-input")
    assert bad.exit_code == 2 and "name=bad-name" in bad.stderr


def test_init_refuses_owner_or_system_that_can_never_resolve(cli, repo):
    for key, value in (("owner", "bad owner!"), ("owner", ":x"), ("system", "a/b/c")):
        result = (
            cli(
                "catalog",
                "init",
                str(repo),
                "-d",
                f"{key}={value}",
                "-d",
                "owner=team-a",
                "-d",
                "lifecycle=production",
                "--no-input",
            )
            if key == "system"
            else cli(
                "catalog",
                "init",
                str(repo),
                "-d",
                f"{key}={value}",
                "-d",
                "lifecycle=production",
                "--no-input",
            )
        )
        assert result.exit_code == 2, (value, result.output)
        assert f"error: invalid {key} {value!r}" in result.stderr
        assert "hint: for example:" in result.stderr
    assert not (repo / "catalog-info.yaml").exists()
    ok = cli(
        "catalog",
        "init",
        str(repo),
        "-d",
        "owner=Group:ns/team-a",
        "-d",
        "system=pay",
        "-d",
        "lifecycle=production",
        "--no-input",
        "--dry-run",
    )
    assert ok.exit_code == 0, ok.output


def test_init_quotes_values_yaml_1_2_reads_as_numbers(cli, repo):
    """PyYAML (YAML 1.1) writes ``0o17`` unquoted; Backstage (YAML 1.2) reads it as 15."""
    result = cli(
        "catalog",
        "init",
        str(repo),
        "-d",
        "name=0o17",
        "-d",
        "owner=team-a",
        "-d",
        "lifecycle=production",
        "--no-input",
    )
    assert result.exit_code == 0, result.output
    assert "name: '0o17'" in (repo / "catalog-info.yaml").read_text()
    validate = cli("catalog", "validate", str(repo / "catalog-info.yaml"))
    assert validate.exit_code == 0, validate.output


# --- validate --remote / --server / --offline ------------------------------------------------

ENTITY = """apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: {name}
spec:
  type: service
  lifecycle: production
  owner: team-a
  system: payments
"""


@pytest.fixture
def entity_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "catalog-info.yaml"
    path.write_text(ENTITY.format(name="svc"))
    return path


def test_validate_remote_reports_missing_targets(cli, fake, entity_file):
    fake.add_entity("Group", "team-a")
    local = cli("catalog", "validate", "--format", "json")
    assert {f["rule"] for f in json.loads(local.stdout)["findings"]} == {"refs/unresolved"}
    result = cli("catalog", "validate", "--remote", "--format", "json")
    assert result.exit_code == 1, result.output
    payload = json.loads(result.stdout)
    findings = payload["findings"]
    assert [f["rule"] for f in findings] == ["refs/missing-remote"]
    assert findings[0]["line"] == 9 and findings[0]["entity"] == "component:default/svc"
    assert "system:default/payments" in findings[0]["message"]
    assert payload["summary"]["errors"] == 1 and payload["summary"]["warnings"] == 0
    by_refs = [r for r in fake.requests if r.url.path.endswith("/by-refs")]
    assert len(by_refs) == 1
    sarif = json.loads(cli("catalog", "validate", "--remote", "--format", "sarif").stdout)
    rules = {r["id"]: r for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert "live" in rules["refs/missing-remote"]["shortDescription"]["text"]
    fake.add_entity("System", "payments")
    ok = cli("catalog", "validate", "--remote")
    assert ok.exit_code == 0, ok.output
    assert "0 errors, 0 warnings" in ok.stdout


def test_validate_server_uses_validate_entity(cli, fake, entity_file):
    fake.add_entity("Group", "team-a")
    fake.add_entity("System", "payments")
    entity_file.write_text(ENTITY.format(name="rejected-svc"))
    result = cli("catalog", "validate", "--server")
    assert result.exit_code == 1, result.output
    assert "org policy: no" in result.stdout and "backstage/server-validation" in result.stdout
    assert fake.validated[0]["location"].startswith("url:file://")


def test_validate_offline_uses_cache_and_warns_when_stale(cli, fake, entity_file, monkeypatch):
    fake.add_entity("Group", "team-a")
    assert cli("catalog", "pull").exit_code == 0
    fake.status_override = 500  # offline: the server must not be asked
    result = cli("catalog", "validate", "--offline", "--format", "json")
    assert result.exit_code == 1, result.output
    rules = [f["rule"] for f in json.loads(result.stdout)["findings"]]
    assert rules == ["refs/missing-remote"]
    from datetime import UTC, datetime, timedelta

    from platformctl.core.catalog import remote

    path = remote.cache_path()
    data = json.loads(path.read_text())
    data["fetched_at"] = (datetime.now(UTC) - timedelta(days=2)).isoformat()
    data["refs"].append("system:default/payments")
    path.write_text(json.dumps(data))
    stale = cli("catalog", "validate", "--offline")
    assert stale.exit_code == 0, stale.output
    assert "refs/stale-cache" in stale.stdout and "catalog pull" in stale.stdout
    assert cli("catalog", "validate", "--offline", "--strict").exit_code == 1


def test_validate_offline_without_cache_or_with_remote(cli, fake, entity_file):
    missing = cli("catalog", "validate", "--offline")
    assert missing.exit_code == 2 and "catalog pull" in missing.stderr
    both = cli("catalog", "validate", "--offline", "--remote")
    assert both.exit_code == 2 and "--offline" in both.stderr


def test_init_asks_on_a_terminal(cli, repo, monkeypatch):
    from platformctl.cli import app as app_mod
    from platformctl.cli import prompts

    monkeypatch.setattr(app_mod.AppContext, "interactive", property(lambda self: True))
    asked: list[str] = []

    def fake_text(message, *, validate=None):
        asked.append(message)
        assert validate("  ") is not None
        assert validate("team-b") is None
        return "team-b"

    def fake_select(message, choices):
        asked.append(message)
        assert [v for v, _ in choices] == ["experimental", "production", "deprecated"]
        return "production"

    monkeypatch.setattr(prompts, "text", fake_text)
    monkeypatch.setattr(prompts, "select", fake_select)
    result = cli("catalog", "init", str(repo))
    assert result.exit_code == 0, result.output
    assert asked == ["Owner (a group, or user:name)", "Lifecycle"]
    spec = yaml.safe_load((repo / "catalog-info.yaml").read_text())["spec"]
    assert spec["owner"] == "group:default/team-b" and spec["lifecycle"] == "production"


# --- init takes what the repository says, checks answers, marks what is still needed (issue 9,
# defect 7) -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "name", "description", "source"),
    [
        (
            {
                "pyproject.toml": '[project]\nname = "Billing Core"\n'
                'description = "Invoices, credit notes and dunning for every tenant"\n'
            },
            "billing-core",
            "Invoices, credit notes and dunning for every tenant",
            "pyproject.toml",
        ),
        (
            {
                "pyproject.toml": '[tool.poetry]\nname = "ledger"\n'
                'description = "Double-entry ledger behind the payments API"\n'
            },
            "ledger",
            "Double-entry ledger behind the payments API",
            "pyproject.toml",
        ),
        (
            {
                "package.json": json.dumps(
                    {"name": "@acme/web-shop", "description": "The storefront customers browse"}
                )
            },
            "web-shop",
            "The storefront customers browse",
            "package.json",
        ),
        (
            {"go.mod": "module github.com/acme/orders-svc/v2\n\ngo 1.22\n"},
            "orders-svc",
            None,
            "go.mod",
        ),
    ],
    ids=["pyproject", "poetry", "package.json", "go.mod"],
)
def test_init_takes_name_and_description_from_the_project_manifest(
    cli, repo, files: dict[str, str], name: str, description: str | None, source: str
) -> None:
    for rel, text in files.items():
        (repo / rel).write_text(text)
    result = cli(
        "catalog", "init", str(repo), "-d", "owner=group:default/payments",
        "-d", "lifecycle=production", "--no-input",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    metadata = yaml.safe_load((repo / "catalog-info.yaml").read_text())["metadata"]
    assert metadata["name"] == name
    assert f"name: {name} (from {source}" in result.stderr
    if description is None:  # go.mod has none: an explicit placeholder, not an invented one
        assert metadata["description"].startswith("TODO")
    else:
        assert metadata["description"] == description
        assert f"(from {source}" in result.stderr.split("description:")[1].splitlines()[0]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("lifecycle=prod", "invalid lifecycle 'prod': use one of experimental, production"),
        ("owner=component:default/billing", "must reference a Group or User"),
        ("owner=group:default/Team X", "invalid owner"),
    ],
)
def test_init_checks_answers(cli, repo, data: str, message: str) -> None:
    base = {"owner": "group:default/payments", "lifecycle": "production"}
    key, _, value = data.partition("=")
    answers = {**base, key: value}
    args = [f"{k}={v}" for k, v in answers.items()]
    result = cli("catalog", "init", str(repo), "-d", args[0], "-d", args[1], "--no-input")
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "hint:" in result.stderr
    assert not (repo / "catalog-info.yaml").exists()


def test_init_writes_owner_as_a_full_reference(cli, repo) -> None:
    result = cli(
        "catalog", "init", str(repo), "-d", "owner=billing", "-d", "lifecycle=production",
        "--no-input",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    spec = yaml.safe_load((repo / "catalog-info.yaml").read_text())["spec"]
    assert spec["owner"] == "group:default/billing"


def test_init_marks_what_the_scorecards_still_need_and_check_reports_it(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "bare-svc"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "Dockerfile").write_text("FROM python:3.12\n")
    result = cli(
        "catalog", "init", str(repo), "-d", "owner=group:default/payments",
        "-d", "lifecycle=production", "--no-input",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    catalog = repo / "catalog-info.yaml"
    validate = cli("catalog", "validate", str(catalog))
    assert validate.exit_code == 0, validate.output
    entity = yaml.safe_load(catalog.read_text())
    annotations = entity["metadata"]["annotations"]
    # the stubs of the scorecards' own fixes: placeholders that check does not accept
    assert annotations["github.com/project-slug"] == "TODO-org/TODO-repo"
    assert annotations["pagerduty.com/service-id"] == "TODO"
    assert annotations["platform.example.com/security-contact"].startswith("TODO")
    assert {link["type"] for link in entity["metadata"]["links"]} == {"runbook", "dashboard"}
    assert "placeholders to fill in" in result.stderr
    monkeypatch.chdir(repo)
    check = cli("check", "--format", "json")
    assert check.exit_code == 1
    findings = json.loads(check.stdout)["findings"]
    by_rule = {f["rule"]: f for f in findings}
    for rule in (
        "check/production-readiness/description",
        "check/production-readiness/ci-project-slug",
        "check/production-readiness/runbook",
        "check/production-readiness/dashboard",
        "check/production-readiness/pagerduty",
        "check/security-compliance/security-contact",
    ):
        assert rule in by_rule, (rule, sorted(by_rule))
        assert "placeholder" in by_rule[rule]["message"], by_rule[rule]
        assert by_rule[rule]["file"] == "catalog-info.yaml" and by_rule[rule]["line"]
    assert "Dashboard" in by_rule["check/production-readiness/dashboard"]["message"]
    assert "Runbook" in by_rule["check/production-readiness/runbook"]["message"]
    # what no placeholder can stand for is reported too (no docs, no scanner)
    assert "check/production-readiness/techdocs" in by_rule
    assert "check/production-readiness/owner" not in by_rule
