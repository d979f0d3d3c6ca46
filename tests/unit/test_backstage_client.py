"""The Backstage client over httpx.MockTransport: retries, backoff, error mapping, register."""

from __future__ import annotations

import ssl
from pathlib import Path

import httpx
import pytest

from platformctl.core import backstage
from platformctl.core.backstage import BackstageClient
from platformctl.core.errors import (
    EXIT_ENVIRONMENT,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    PlatformError,
    ProblemsFound,
    UsageError,
)

TOKEN = "tok-SUPER-SECRET-123"


def error_body(status: int, name: str, message: str) -> dict:
    return {"error": {"name": name, "message": message}, "response": {"statusCode": status}}


class Recorder:
    """A MockTransport handler that replays a script of responses and records requests."""

    def __init__(self, *responses):
        self.responses = list(responses)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        item = self.responses.pop(0) if len(self.responses) > 1 else self.responses[0]
        if isinstance(item, Exception):
            raise item
        if callable(item):
            return item(request)
        status, body = item
        if isinstance(body, str):
            return httpx.Response(status, text=body)
        return httpx.Response(status, json=body)


def make_client(handler, **options) -> tuple[BackstageClient, list[float]]:
    sleeps: list[float] = []
    options.setdefault("backoff", 0.001)
    client = BackstageClient(
        "http://backstage.test/",
        TOKEN,
        transport=httpx.MockTransport(handler),
        sleep=sleeps.append,
        **options,
    )
    return client, sleeps


def test_headers_user_agent_token_and_path():
    rec = Recorder((200, {"kind": "Component", "metadata": {"name": "a"}}))
    client, _ = make_client(rec)
    client.get_entity(backstage.parse_ref("a"))
    request = rec.requests[0]
    assert request.url.path == "/api/catalog/entities/by-name/Component/default/a"
    assert request.headers["user-agent"].startswith("platformctl/")
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in repr(client)


def test_no_token_sends_no_authorization_header():
    rec = Recorder((200, {}))
    client = BackstageClient("http://b.test", None, transport=httpx.MockTransport(rec))
    client.get_entity(backstage.parse_ref("a"))
    assert "authorization" not in rec.requests[0].headers


def test_retries_idempotent_503_with_exponential_backoff():
    rec = Recorder((503, {}), (502, {}), (504, {}), (200, {"kind": "Component"}))
    client, sleeps = make_client(rec, retries=3)
    assert client.get_entity(backstage.parse_ref("a"))["kind"] == "Component"
    assert len(rec.requests) == 4
    assert len(sleeps) == 3
    assert sleeps[0] < sleeps[1] < sleeps[2]
    assert sleeps[1] == pytest.approx(2 * sleeps[0], rel=0.15)


def test_5xx_after_retries_is_environment_problem():
    rec = Recorder((503, error_body(503, "ServiceUnavailable", "down for maintenance")))
    client, sleeps = make_client(rec, retries=2)
    with pytest.raises(backstage.BackstageUnreachable) as info:
        client.get_entity(backstage.parse_ref("a"))
    assert info.value.exit_code == EXIT_ENVIRONMENT
    assert "503" in info.value.message and "3 attempts" in info.value.message
    assert "down for maintenance" in info.value.message
    assert info.value.hint
    assert len(rec.requests) == 3 and len(sleeps) == 2


def test_500_is_not_retried():
    rec = Recorder((500, {}))
    client, sleeps = make_client(rec)
    with pytest.raises(backstage.BackstageUnreachable):
        client.list_locations()
    assert len(rec.requests) == 1 and sleeps == []


def test_backoff_is_capped():
    rec = Recorder((503, {}))
    client, sleeps = make_client(rec, retries=6, backoff=1.0, max_backoff=2.0)
    with pytest.raises(PlatformError):
        client.list_locations()
    assert max(sleeps) <= 2.0


def test_non_idempotent_post_is_not_retried_on_503():
    rec = Recorder((503, {}))
    client, sleeps = make_client(rec, retries=3)
    with pytest.raises(backstage.BackstageUnreachable):
        client.add_location("url", "https://x.test/catalog-info.yaml")
    assert len(rec.requests) == 1 and sleeps == []


def test_non_idempotent_post_is_not_retried_on_read_timeout():
    rec = Recorder(httpx.ReadTimeout("timed out"))
    client, sleeps = make_client(rec, retries=3)
    with pytest.raises(backstage.BackstageUnreachable) as info:
        client.add_location("url", "https://x.test/catalog-info.yaml")
    assert len(rec.requests) == 1
    assert info.value.exit_code == EXIT_ENVIRONMENT


def test_read_only_posts_are_retried():
    rec = Recorder(httpx.ReadTimeout("timed out"), (503, {}), (200, {"items": [None]}))
    client, sleeps = make_client(rec, retries=3)
    assert client.entities_by_refs(["group:default/a"]) == [None]
    assert len(rec.requests) == 3
    rec = Recorder((503, {}), (201, {"location": {}, "entities": [], "exists": False}))
    client, _ = make_client(rec, retries=3)
    client.add_location("url", "https://x.test/c.yaml", dry_run=True)
    assert len(rec.requests) == 2
    assert rec.requests[0].url.params["dryRun"] == "true"


@pytest.mark.parametrize(
    "error",
    ["[Errno 111] Connection refused", "[Errno -2] Name or service not known"],
    ids=["refused", "dns"],
)
def test_connection_refused_and_dns_errors_fail_at_once_exit_3(error):
    """Issue 9 #8: a refused connection was retried 3 times (3.8 s) although a closed port or
    an unknown host name does not open up within seconds."""
    rec = Recorder(httpx.ConnectError(error))
    client, sleeps = make_client(rec, retries=3)
    with pytest.raises(backstage.BackstageUnreachable) as info:
        client.list_locations()
    assert len(rec.requests) == 1 and sleeps == []
    assert info.value.exit_code == EXIT_ENVIRONMENT
    assert "cannot reach Backstage at http://backstage.test" in info.value.message
    assert "PLATFORMCTL_BACKSTAGE_URL" in info.value.hint


def test_connect_timeout_is_retried_then_succeeds():
    rec = Recorder(httpx.ConnectTimeout("timed out"), (200, []))
    client, sleeps = make_client(rec)
    assert client.list_locations() == []
    assert len(rec.requests) == 2 and len(sleeps) == 1


def test_429_is_retried_after_the_delay_the_server_asks_for():
    limited = httpx.Response(429, headers={"Retry-After": "1.5"}, json={})
    rec = Recorder(lambda request: limited, (201, {"location": {}, "entities": []}))
    client, sleeps = make_client(rec, retries=3)
    client.add_location("url", "https://x.test/c.yaml")  # a POST: 429 means nothing was done
    assert len(rec.requests) == 2 and sleeps == [1.5]


def test_429_until_the_last_attempt_is_exit_3_saying_rate_limited():
    rec = Recorder(lambda request: httpx.Response(429, json={}))
    client, sleeps = make_client(rec, retries=2)
    with pytest.raises(backstage.BackstageUnreachable) as info:
        client.list_locations()
    assert len(rec.requests) == 3 and len(sleeps) == 2
    assert "429" in info.value.message and "rate" in info.value.message


def test_a_closed_port_fails_fast_over_a_real_socket():
    """The real transport, a real closed port on 127.0.0.1 and the real sleep: connection
    refused is reported without any retry (a generous bound; typically a few ms)."""
    import socket
    import time

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = BackstageClient(f"http://127.0.0.1:{port}", TOKEN)  # default retries and sleep
    started = time.monotonic()
    with pytest.raises(backstage.BackstageUnreachable) as info:
        client.list_locations()
    elapsed = time.monotonic() - started
    assert elapsed < 2.0, f"took {elapsed:.2f} s"
    assert info.value.exit_code == EXIT_ENVIRONMENT and "ConnectError" in info.value.message


def test_tls_failure_is_not_retried_and_says_tls():
    exc = httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    exc.__cause__ = ssl.SSLCertVerificationError("certificate verify failed")
    rec = Recorder(exc)
    client, sleeps = make_client(rec, retries=3)
    with pytest.raises(backstage.BackstageUnreachable) as info:
        client.list_locations()
    assert len(rec.requests) == 1 and sleeps == []
    assert "TLS" in info.value.message
    assert "SSL_CERT_FILE" in info.value.hint


@pytest.mark.parametrize(
    ("status", "body", "error", "exit_code", "needle", "hint"),
    [
        (
            401,
            error_body(401, "AuthenticationError", "Illegal token"),
            backstage.BackstageAuthError,
            EXIT_ENVIRONMENT,
            "rejected the token",
            "PLATFORMCTL_BACKSTAGE_TOKEN",
        ),
        (
            403,
            error_body(403, "NotAllowedError", "nope"),
            backstage.BackstageAuthError,
            EXIT_ENVIRONMENT,
            "403",
            "permission",
        ),
        (
            404,
            error_body(404, "NotFoundError", "No entity named 'a'"),
            backstage.BackstageNotFound,
            EXIT_PROBLEMS,
            "not found",
            "kind:namespace/name",
        ),
        (
            409,
            error_body(409, "ConflictError", "exists"),
            backstage.BackstageConflict,
            EXIT_PROBLEMS,
            "already exists",
            None,
        ),
        (
            400,
            error_body(400, "InputError", "bad body"),
            backstage.BackstageBadRequest,
            EXIT_USAGE,
            "bad body",
            "Backstage",
        ),
    ],
)
def test_error_mapping(status, body, error, exit_code, needle, hint):
    client, sleeps = make_client(Recorder((status, body)))
    with pytest.raises(error) as info:
        client.get_entity(backstage.parse_ref("a"))
    assert info.value.exit_code == exit_code
    assert needle in info.value.message
    if hint:
        assert hint in (info.value.hint or "")
    assert sleeps == []
    assert "\n" not in info.value.message
    assert TOKEN not in info.value.message + (info.value.hint or "")


def test_401_without_token_says_to_set_it():
    rec = Recorder((401, error_body(401, "AuthenticationError", "Missing credentials")))
    client = BackstageClient("http://b.test", None, transport=httpx.MockTransport(rec))
    with pytest.raises(backstage.BackstageAuthError) as info:
        client.list_locations()
    assert "requires a token" in info.value.message
    assert "set PLATFORMCTL_BACKSTAGE_TOKEN" in info.value.hint


def test_non_json_answer_is_explained():
    client, _ = make_client(Recorder((200, "<html>login</html>")))
    with pytest.raises(backstage.BackstageUnreachable) as info:
        client.list_locations()
    assert "not JSON" in info.value.message


def test_validate_entity_returns_messages():
    body = {"errors": [{"name": "InputError", "message": "Policy check failed"}]}
    rec = Recorder((400, body))
    client, _ = make_client(rec)
    assert client.validate_entity({"kind": "Component"}, "url:https://x/c.yaml") == [
        "Policy check failed"
    ]
    rec = Recorder((200, ""))
    client, _ = make_client(rec)
    assert client.validate_entity({"kind": "Component"}, "url:https://x/c.yaml") == []


def test_query_entities_follows_cursor():
    pages = [
        (
            200,
            {
                "items": [{"kind": "Group", "metadata": {"name": "a"}}],
                "pageInfo": {"nextCursor": "c1"},
            },
        ),
        (200, {"items": [{"kind": "User", "metadata": {"name": "b"}}], "pageInfo": {}}),
    ]
    rec = Recorder(*pages)
    client, _ = make_client(rec)
    assert [i["kind"] for i in client.query_entities()] == ["Group", "User"]
    assert rec.requests[1].url.params["cursor"] == "c1"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my-svc", "component:default/my-svc"),
        ("group:team-a", "group:default/team-a"),
        ("api:payments/orders", "api:payments/orders"),
        ("ops/db", "component:ops/db"),
    ],
)
def test_parse_ref(text, expected):
    assert str(backstage.parse_ref(text)) == expected


@pytest.mark.parametrize("text", ["", "kind:", "a/b/c", ":x", "k:ns/"])
def test_parse_ref_rejects(text):
    with pytest.raises(UsageError):
        backstage.parse_ref(text)


def test_client_from_config_requires_url():
    from platformctl.core import config

    with pytest.raises(UsageError) as info:
        backstage.client_from_config(config.load(env={}), env={})
    assert info.value.exit_code == EXIT_USAGE
    assert "PLATFORMCTL_BACKSTAGE_URL" in info.value.hint


def test_client_from_config_reads_env(tmp_path):
    from platformctl.core import config

    env = {
        "PLATFORMCTL_BACKSTAGE_URL": "https://backstage.example.com",
        "PLATFORMCTL_BACKSTAGE_TOKEN": TOKEN,
        "HOME": str(tmp_path),
    }
    client = backstage.client_from_config(config.load(env=env, cwd=tmp_path), env=env)
    assert client.base_url == "https://backstage.example.com"
    assert client.token == TOKEN
    assert client.portal == "https://backstage.example.com"
    assert TOKEN not in repr(client)


def test_bad_url_scheme():
    with pytest.raises(UsageError):
        BackstageClient("backstage.example.com")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://[::1", "is not a valid URL"),
        ("http://backstage:99999", "is not a valid URL"),
        ("https://", "has no host name"),
        ("http://:7007", "has no host name"),
        ("ftp://backstage", "must start with http:// or https://"),
    ],
)
def test_malformed_url_is_a_usage_error_not_a_crash(url, message):
    with pytest.raises(UsageError) as exc:
        BackstageClient(url)
    assert message in exc.value.message and repr(url) in exc.value.message


def test_url_with_spaces_and_api_path_is_normalised():
    assert BackstageClient(" http://b.test:7007/api/catalog/ ").base_url == "http://b.test:7007"


def test_portal_link():
    name = backstage.parse_ref("api:payments/orders")
    assert (
        backstage.portal_link("https://portal.test/", name)
        == "https://portal.test/catalog/payments/api/orders"
    )


# --- register_location -----------------------------------------------------------------------


class FakeCatalog:
    """Just enough of the catalog API for register_location."""

    def __init__(self, *, appear_after: int = 1, provides=None, dry_error=None, exists=False):
        self.appear_after = appear_after
        self.provides = (
            provides if provides is not None else [("Component", "svc"), ("Group", "team")]
        )
        self.dry_error = dry_error
        self.exists = exists
        self.polls = 0
        self.created: list[dict] = []
        self.conflict_on_create = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        import json

        path = request.url.path.removeprefix("/api/catalog")
        if path == "/locations" and request.method == "POST":
            body = json.loads(request.content)
            location = {
                "id": "loc-1",
                "type": body["type"],
                "target": body["target"],
                "entityRef": "location:default/generated-abc",
            }
            if request.url.params.get("dryRun") == "true":
                if self.dry_error:
                    return httpx.Response(400, json=error_body(400, "InputError", self.dry_error))
                entities = [
                    {
                        "kind": "Location",
                        "metadata": {"name": "generated-abc", "namespace": "default"},
                    }
                ]
                entities += [
                    {"kind": k, "metadata": {"name": n, "namespace": "default"}}
                    for k, n in self.provides
                ]
                return httpx.Response(
                    201, json={"exists": self.exists, "location": location, "entities": entities}
                )
            if self.conflict_on_create:
                return httpx.Response(409, json=error_body(409, "ConflictError", "already exists"))
            self.created.append(location)
            return httpx.Response(201, json={"location": location, "entities": []})
        if path == "/locations" and request.method == "GET":
            return httpx.Response(
                200,
                json=[
                    {"data": {"id": "existing-id", "type": "file", "target": t}}
                    for t in self._targets(request)
                ],
            )
        if path == "/entities/by-refs":
            self.polls += 1
            refs = json.loads(request.content)["entityRefs"]
            visible = self.polls >= self.appear_after
            return httpx.Response(
                200, json={"items": [{"kind": "x"} if visible else None for _ in refs]}
            )
        return httpx.Response(404, json=error_body(404, "NotFoundError", path))

    def _targets(self, request):
        return [self.last_target] if hasattr(self, "last_target") else []


@pytest.fixture
def catalog_file(tmp_path: Path) -> Path:
    path = tmp_path / "catalog-info.yaml"
    path.write_text("apiVersion: backstage.io/v1alpha1\nkind: Component\n")
    return path


def test_register_missing_local_file_is_usage_error(tmp_path):
    client, _ = make_client(FakeCatalog())
    with pytest.raises(UsageError) as info:
        backstage.register_location(client, tmp_path / "nope.yaml")
    assert "does not exist" in info.value.message


def test_register_folder_means_its_catalog_info(catalog_file):
    fake = FakeCatalog()
    client, _ = make_client(fake)
    result = backstage.register_location(client, catalog_file.parent, poll=0)
    assert result.location.type == "file"
    assert result.location.target == str(catalog_file.resolve())
    assert result.visible
    assert [str(n) for n in result.entities] == ["component:default/svc", "group:default/team"]
    assert (
        result.links["component:default/svc"]
        == "http://backstage.test/catalog/default/component/svc"
    )


def test_register_waits_with_backoff_until_visible(catalog_file):
    fake = FakeCatalog(appear_after=4)
    client, sleeps = make_client(fake)
    result = backstage.register_location(client, catalog_file, poll=0.01)
    assert result.visible and fake.polls == 4
    assert sleeps == [0.01, 0.02, 0.04]


def test_register_dry_run_creates_nothing(catalog_file):
    fake = FakeCatalog()
    client, _ = make_client(fake)
    result = backstage.register_location(client, catalog_file, dry_run=True)
    assert result.dry_run and not fake.created and fake.polls == 0
    assert len(result.entities) == 2


def test_register_url_uses_url_type():
    fake = FakeCatalog()
    client, _ = make_client(fake)
    result = backstage.register_location(client, "https://git.test/x/catalog-info.yaml", poll=0)
    assert result.location.type == "url"


def test_register_unsupported_scheme():
    client, _ = make_client(FakeCatalog())
    with pytest.raises(UsageError):
        backstage.register_location(client, "ftp://x/catalog-info.yaml")


def test_register_existing_location_is_not_an_error(catalog_file):
    fake = FakeCatalog(exists=True)
    fake.last_target = str(catalog_file.resolve())
    client, _ = make_client(fake)
    result = backstage.register_location(client, catalog_file)
    assert result.existed and result.location.id == "existing-id"
    assert not fake.created


def test_register_409_race_shows_existing(catalog_file):
    fake = FakeCatalog()
    fake.conflict_on_create = True
    fake.last_target = str(catalog_file.resolve())
    client, _ = make_client(fake)
    result = backstage.register_location(client, catalog_file)
    assert result.existed and result.location.id == "existing-id"


def test_register_201_but_nothing_appears_times_out(catalog_file):
    fake = FakeCatalog(appear_after=10**9)
    client = BackstageClient(
        "http://backstage.test", TOKEN, transport=httpx.MockTransport(fake), backoff=0.001
    )
    with pytest.raises(ProblemsFound) as info:
        backstage.register_location(client, catalog_file, timeout=0.05, poll=0.01)
    assert info.value.exit_code == EXIT_PROBLEMS
    assert "still does not show" in info.value.message
    assert "component:default/svc" in info.value.message
    assert "--timeout" in info.value.hint


def test_register_missing_remote_file_detected_by_dry_run():
    fake = FakeCatalog(dry_error="NotFoundError: Unable to read url, no matching files found for x")
    client, _ = make_client(fake)
    with pytest.raises(UsageError) as info:
        backstage.register_location(client, "https://git.test/x/catalog-info.yaml")
    assert "cannot find" in info.value.message
    assert not fake.created


def test_register_empty_dry_run_is_reported(catalog_file):
    fake = FakeCatalog(provides=[])
    client, _ = make_client(fake)
    with pytest.raises(ProblemsFound) as info:
        backstage.register_location(client, catalog_file)
    assert "no entities" in info.value.message
    assert not fake.created


def test_register_file_type_refused():
    fake = FakeCatalog(dry_error='Registered locations must be of an allowed type ["url"]')
    client, _ = make_client(fake)
    with pytest.raises(UsageError) as info:
        backstage.register_location(client, Path(__file__))
    assert "does not accept file locations" in info.value.message
    assert "URL" in info.value.hint


def test_register_without_wait(catalog_file):
    fake = FakeCatalog(appear_after=10**9)
    client, _ = make_client(fake)
    result = backstage.register_location(client, catalog_file, wait=False)
    assert not result.visible and fake.polls == 0 and fake.created


@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        ("git@github.com:acme/x.git", "https://github.com/acme/x/blob/main/catalog-info.yaml"),
        ("https://github.com/acme/x", "https://github.com/acme/x/blob/main/catalog-info.yaml"),
        (
            "https://gitlab.com/g/sub/x.git",
            "https://gitlab.com/g/sub/x/-/blob/main/catalog-info.yaml",
        ),
        ("git@bitbucket.org:acme/x.git", "https://bitbucket.org/acme/x/src/main/catalog-info.yaml"),
        ("file:///srv/git/x.git", None),
        ("/srv/git/x.git", None),
    ],
)
def test_catalog_file_url(remote, expected):
    assert backstage.catalog_file_url(remote, "main") == expected


def test_base_url_may_include_api_path():
    assert BackstageClient("https://b.test/api/catalog/").base_url == "https://b.test"
