"""The Go check types (go_probe_routes, go_port_coherence) and the Go source readers behind
them, on tests/data/compliance/go-service-good and variations of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from platformctl.core.compliance import golang
from platformctl.core.compliance.facts import Facts
from platformctl.core.compliance.registry import CHECK_TYPES, ensure_loaded

DATA = Path(__file__).resolve().parent.parent / "data" / "compliance"
ensure_loaded()


@pytest.fixture
def go(tmp_path: Path) -> Path:
    target = tmp_path / "go-service"
    shutil.copytree(DATA / "go-service-good", target)
    return target


def run(root: Path, kind: str, **options):
    return CHECK_TYPES[kind].func(Facts(root), options)


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text()
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new))


def test_routes_from_servemux_patterns_skip_comments_tests_and_vendor(go):
    routes = golang.go_routes(Facts(go))
    found = {(r.method, r.path) for r in routes}
    assert found == {
        ("GET", "/healthz"),
        ("GET", "/readyz"),
        (None, "/metrics"),
        ("POST", "/api/v1/items"),
        ("GET", "/api/v1/items/{id}"),
        ("GET", "/static/"),
    }
    healthz = next(r for r in routes if r.path == "/healthz")
    assert (healthz.file, healthz.line) == ("internal/server/server.go", 11)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('r.Get("/healthz", h)', ("GET", "/healthz")),
        ('e.GET("/livez", h)', ("GET", "/livez")),
        ('r.Method("HEAD", "/ping", h)', ("HEAD", "/ping")),
        ('mux.HandleFunc("example.com/host-only", h)', (None, "/host-only")),
        ('http.Handle("POST /{path...}", h)', ("POST", "/{path...}")),
    ],
)
def test_routes_of_other_routers(go, source, expected):
    extra = go / "internal" / "server" / "extra.go"
    extra.write_text(f"package server\n\nfunc x() {{ {source} }}\n")
    assert expected in {(r.method, r.path) for r in golang.go_routes(Facts(go))}


@pytest.mark.parametrize(
    ("pattern", "path", "method", "served"),
    [
        ("/healthz", "/healthz", "GET", True),
        ("/healthz", "/healthz/", "GET", True),
        ("/healthz", "/healthz/x", "GET", False),
        ("/api/v1/items/{id}", "/api/v1/items/7", "GET", True),
        ("/api/v1/items/{id}", "/api/v1/items", "GET", False),
        ("/static/", "/static/app.js", "GET", True),
        ("/files/{rest...}", "/files/a/b/c", "GET", True),
        ("/{$}", "/", "GET", True),
        ("/{$}", "/x", "GET", False),
        ("/", "/anything", "GET", True),
    ],
)
def test_servemux_matching(pattern, path, method, served):
    route = golang.GoRoute("GET", pattern, "f.go", 1)
    assert route.serves(method, path) is served


def test_methods_follow_servemux_rules():
    get = golang.GoRoute("GET", "/healthz", "f.go", 1)
    assert get.serves("HEAD", "/healthz")  # GET patterns serve HEAD
    assert not golang.GoRoute("POST", "/healthz", "f.go", 1).serves("GET", "/healthz")
    assert golang.GoRoute(None, "/healthz", "f.go", 1).serves("GET", "/healthz")


def test_strip_comments_keeps_strings_and_lines():
    code = 'a := "http://x//y" // gone\n/* b\n c */ d := `raw // kept`\n'
    stripped = golang.strip_comments(code)
    assert '"http://x//y"' in stripped and "`raw // kept`" in stripped
    assert "gone" not in stripped and " c " not in stripped
    assert stripped.count("\n") == code.count("\n")


def test_ports_from_go_source(go):
    ports = golang.go_ports(Facts(go))
    assert [(p.port, p.file, p.line) for p in ports] == [(8080, "internal/config/config.go", 4)]


@pytest.mark.parametrize(
    ("source", "port"),
    [
        ('func f() string { return getenv("PORT", "9000") }', 9000),
        ('var srv = &http.Server{Addr: ":9001"}', 9001),
        ('func f() { http.ListenAndServe("0.0.0.0:9002", nil) }', 9002),
        ('func f() { net.Listen("tcp", ":9003") }', 9003),
        ("var listenPort int = 9004", 9004),
    ],
)
def test_port_declarations(tmp_path, source, port):
    (tmp_path / "main.go").write_text(f"package main\n\n{source}\n")
    assert [p.port for p in golang.go_ports(Facts(tmp_path))] == [port]


def test_go_probe_routes_passes_on_the_fixture(go):
    outcome = run(go, "go_probe_routes")
    assert outcome.passed, outcome.message
    assert outcome.message == "3 probe path(s) served by Go routes"


@pytest.mark.parametrize(
    ("rel", "old", "new", "message"),
    [
        ("deploy/deployment.yaml", "path: /readyz", "path: /ready", "probes /ready, which no GET"),
        ("deploy/deployment.yaml", "path: /healthz", "path: /old-health", "probes /old-health"),
        ("deploy/deployment.yaml", "path: /readyz", "path: /api/v1/items", "probes /api/v1/items"),
        ("deploy/deployment.yaml", "path: /readyz", "path: /only-in-tests", "only-in-tests"),
    ],
    ids=["unknown", "commented-out", "post-only", "test-only"],
)
def test_go_probe_routes_fails_on_a_probe_no_route_serves(go, rel, old, new, message):
    edit(go, rel, old, new)
    outcome = run(go, "go_probe_routes")
    assert outcome.passed is False
    assert message in outcome.message
    assert outcome.file == "deploy/deployment.yaml" and outcome.line is not None


def test_go_probe_routes_without_go_routes(go):
    shutil.rmtree(go / "internal" / "server")
    outcome = run(go, "go_probe_routes")
    assert outcome.passed is False and "no HTTP route found in the Go source" in outcome.message


def test_go_probe_routes_without_probes(go):
    (go / "deploy" / "deployment.yaml").unlink()
    assert run(go, "go_probe_routes").passed


def test_go_port_coherence_passes_on_the_fixture(go):
    outcome = run(go, "go_port_coherence")
    assert outcome.passed, outcome.message
    assert outcome.message == "ports agree on 8080"


@pytest.mark.parametrize(
    ("rel", "old", "new", "message"),
    [
        (
            "internal/config/config.go",
            "const DefaultPort = 8080",
            "const DefaultPort = 9090",
            "the app's port is declared differently: ENV PORT 8080 (Dockerfile:8), Go source 9090",
        ),
        ("Dockerfile", "EXPOSE 8080", "EXPOSE 9090", "Dockerfile EXPOSE 9090 differs"),
        (
            "deploy/deployment.yaml",
            "containerPort: 8080",
            "containerPort: 8081",
            "containerPort 8081",
        ),
        ("deploy/deployment.yaml", "port: 8080}", "port: 8081}", "readinessProbe port 8081"),
        ("deploy/service.yaml", "targetPort: http", "targetPort: 9999", "targetPort 9999"),
    ],
    ids=["go-constant", "expose", "container-port", "probe-port", "target-port"],
)
def test_go_port_coherence_mismatches(go, rel, old, new, message):
    edit(go, rel, old, new)
    outcome = run(go, "go_port_coherence")
    assert outcome.passed is False
    assert message in outcome.message, outcome.message


def test_go_port_alone_decides_without_env_port(go):
    """Without ENV PORT in the Dockerfile the Go constant is the app port EXPOSE must match."""
    edit(go, "Dockerfile", "ENV PORT=8080\n", "")
    edit(go, "Dockerfile", "EXPOSE 8080", "EXPOSE 8081")
    outcome = run(go, "go_port_coherence")
    assert outcome.passed is False
    assert "EXPOSE 8081 differs from app port 8080 (internal/config/config.go:4)" in outcome.message
