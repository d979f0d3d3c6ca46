"""The Apache Airflow check types (airflow_dag_tests, airflow_retries, airflow_quality_checks,
airflow_no_credentials, airflow_lineage), on tests/data/compliance/data-pipeline-good and
variations of it: each passes on the good repository and fails on a repository broken in the
way it exists to catch."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from platformctl.core.compliance.facts import Facts
from platformctl.core.compliance.registry import CHECK_TYPES, ensure_loaded

DATA = Path(__file__).resolve().parent.parent / "data" / "compliance"
ensure_loaded()
KINDS = [
    "airflow_dag_tests",
    "airflow_retries",
    "airflow_quality_checks",
    "airflow_no_credentials",
    "airflow_lineage",
]
DAG = "dags/pipe.py"
SETTINGS = "include/pipe/settings.py"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    target = tmp_path / "data-pipeline"
    shutil.copytree(DATA / "data-pipeline-good", target)
    return target


def run(root: Path, kind: str, **options):
    return CHECK_TYPES[kind].func(Facts(root), options)


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text()
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new))


def append(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.write_text(path.read_text() + text)


@pytest.mark.parametrize("kind", KINDS)
def test_the_fixture_passes(repo, kind):
    outcome = run(repo, kind)
    assert outcome.passed, outcome.message


def test_every_airflow_check_type_is_registered_and_explained():
    for kind in KINDS:
        check_type = CHECK_TYPES[kind]
        assert check_type.func.__module__.endswith("checks_airflow")
        assert len(check_type.doc.split("\n\n")) >= 2, "a summary and an explanation"


@pytest.mark.parametrize("kind", KINDS)
def test_a_repository_without_dags_or_code_is_skipped(tmp_path, kind):
    (tmp_path / "README.md").write_text("# not an Airflow project\n")
    assert run(tmp_path, kind).passed is None


def test_the_checks_never_import_a_dag(repo):
    """A DAG file that would fail (or do harm) on import is read, never run."""
    edit(
        repo,
        DAG,
        "from datetime import timedelta\n",
        "raise SystemExit(3)\nfrom datetime import timedelta\n",
    )
    for kind in KINDS:
        assert run(repo, kind).passed, kind


# --- airflow_dag_tests -----------------------------------------------------------------------


def test_dag_tests_fail_without_an_integrity_test(repo):
    (repo / "tests" / "test_dag_integrity.py").unlink()
    (repo / "tests" / "test_dag_run.py").write_text("def test_run():\n    dag.test()\n")
    outcome = run(repo, "airflow_dag_tests")
    assert outcome.passed is False and "DagBag" in outcome.message


def test_dag_tests_fail_when_the_dagbag_errors_are_not_looked_at(repo):
    edit(
        repo,
        "tests/test_dag_integrity.py",
        "    assert bag.import_errors == {}\n",
        "    assert bag\n",
    )
    assert run(repo, "airflow_dag_tests").passed is False


def test_dag_tests_fail_without_a_run_unless_not_required(repo):
    (repo / "tests" / "test_dag_run.py").unlink()
    outcome = run(repo, "airflow_dag_tests")
    assert outcome.passed is False and "dag.test()" in outcome.message
    assert outcome.file == "tests/test_dag_integrity.py"
    assert run(repo, "airflow_dag_tests", run=False).passed


# --- airflow_retries -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('    "retries": 3,\n', '    "retries": 1,\n', "retries is 1"),
        ('    "retries": 3,\n', "", "retries is None"),
        ('    "retries": 3,\n', '    "retries": "3",\n', "retries is '3'"),
        ('    "retry_exponential_backoff": True,\n', "", "retry_exponential_backoff"),
        (
            '    "retry_exponential_backoff": True,\n',
            '    "retry_exponential_backoff": False,\n',
            "retry_exponential_backoff",
        ),
        ('    "execution_timeout": timedelta(minutes=30),\n', "", "execution_timeout"),
        ("    default_args=default_args,\n", "", "no default_args"),
        ("    @task(retries=4)\n", "    @task(retries=0)\n", "retries=0"),
    ],
)
def test_retries_fail(repo, old, new, message):
    edit(repo, DAG, old, new)
    outcome = run(repo, "airflow_retries")
    assert outcome.passed is False and message in outcome.message, outcome.message
    assert outcome.file == DAG and outcome.line


def test_retries_read_dict_calls_and_names_and_the_minimum_is_an_option(repo):
    edit(repo, DAG, "default_args = {\n", "RETRIES = 5\ndefault_args = {\n")
    edit(repo, DAG, '    "retries": 3,\n', '    "retries": RETRIES,\n')
    assert run(repo, "airflow_retries").passed
    assert run(repo, "airflow_retries", min=6).passed is False
    (repo / DAG).write_text(
        "from airflow import DAG\n"
        "with DAG('x', default_args=dict(retries=2, retry_exponential_backoff=True,"
        " execution_timeout=60)) as d:\n    pass\n"
    )
    assert run(repo, "airflow_retries").passed
    assert run(repo, "airflow_retries", min=3).passed is False


def test_retries_backoff_and_timeout_can_be_switched_off(repo):
    edit(repo, DAG, '    "retry_exponential_backoff": True,\n', "")
    edit(repo, DAG, '    "execution_timeout": timedelta(minutes=30),\n', "")
    assert run(repo, "airflow_retries").passed is False
    assert run(repo, "airflow_retries", backoff=False, timeout=False).passed


def test_retries_fail_when_dags_has_no_dag(repo):
    (repo / DAG).write_text("x = 1\n")
    outcome = run(repo, "airflow_retries")
    assert outcome.passed is False and "no @dag" in outcome.message


# --- airflow_quality_checks ------------------------------------------------------------------


def test_quality_checks_fail_without_a_library(repo):
    (repo / "include/pipe/quality.py").write_text("def check(rows):\n    return rows\n")
    outcome = run(repo, "airflow_quality_checks")
    assert outcome.passed is False and "great_expectations" in outcome.message


def test_quality_checks_fail_when_untested(repo):
    (repo / "tests" / "test_quality.py").unlink()
    outcome = run(repo, "airflow_quality_checks")
    assert outcome.passed is False and "not tested" in outcome.message
    assert outcome.file == "include/pipe/quality.py"
    assert run(repo, "airflow_quality_checks", tested=False).passed


def test_quality_checks_accept_another_library_when_configured(repo):
    (repo / "include/pipe/quality.py").write_text("import pandera as pa\n")
    assert run(repo, "airflow_quality_checks").passed  # pandera is a default
    assert run(repo, "airflow_quality_checks", libraries=["soda"]).passed is False


# --- airflow_no_credentials ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rel", "code"),
    [
        (SETTINGS, 'WAREHOUSE = "postgresql://etl:hunter2@db.internal:5432/dw"\n'),
        (SETTINGS, 'DB_PASSWORD = "hunter2"\n'),
        (SETTINGS, 'api_key: str = "abc123"\n'),
        (DAG, 'Connection(conn_id="x", password="hunter2")\n'),
        (DAG, 'extra = {"token": "abc123"}\n'),
        (DAG, 'import os\nos.environ["AIRFLOW_CONN_PIPE_WAREHOUSE"] = "sqlite:///x.db"\n'),
        (DAG, 'import os\nos.environ.setdefault("AIRFLOW_VAR_PIPE_SOURCE_URL", "x")\n'),
    ],
)
def test_no_credentials_fails_on_secrets_in_code(repo, rel, code):
    append(repo, rel, code)
    outcome = run(repo, "airflow_no_credentials")
    assert outcome.passed is False, code
    assert outcome.file == rel and outcome.line


@pytest.mark.parametrize(
    "code",
    [
        'PASSWORD_VARIABLE = "pipe_password"\n',  # the name of a variable, not a secret
        'password = ""\n',
        'token = Variable.get("pipe_token")\n',
        'URL = "https://example.com/data.csv"\n',
        'import os\nurl = os.environ["AIRFLOW_VAR_PIPE_SOURCE_URL"]\n',  # reading is fine
    ],
)
def test_no_credentials_passes_on_names_and_reads(repo, code):
    append(repo, SETTINGS, code)
    assert run(repo, "airflow_no_credentials").passed, code


# --- airflow_lineage -------------------------------------------------------------------------


def test_lineage_fails_without_the_provider(repo):
    (repo / "requirements.txt").write_text("great-expectations\n")
    outcome = run(repo, "airflow_lineage")
    assert outcome.passed is False and "openlineage" in outcome.message


def test_lineage_fails_without_a_transport_in_the_deployment(repo):
    edit(repo, "deploy/base/pod-template.yaml", "OPENLINEAGE_URL", "SOMETHING_ELSE")
    outcome = run(repo, "airflow_lineage")
    assert outcome.passed is False and "transport" in outcome.message


def test_lineage_fails_when_disabled(repo):
    append(
        repo,
        "deploy/base/pod-template.yaml",
        '          - name: AIRFLOW__OPENLINEAGE__DISABLED\n            value: "true"\n',
    )
    outcome = run(repo, "airflow_lineage")
    assert outcome.passed is False and "disabled" in outcome.message


def test_lineage_reads_the_provider_from_pyproject_and_the_transport_from_the_dockerfile(repo):
    (repo / "requirements.txt").unlink()
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "p"\ndependencies = ["apache-airflow-providers-openlineage>=2"]\n'
    )
    (repo / "deploy/base/pod-template.yaml").unlink()
    (repo / "Dockerfile").write_text(
        "FROM apache/airflow:3.3.2-python3.11\n"
        'ENV AIRFLOW__OPENLINEAGE__TRANSPORT=\'{"type": "console"}\'\n'
    )
    outcome = run(repo, "airflow_lineage")
    assert outcome.passed and "Dockerfile" in outcome.message


# --- the task pod: a PodTemplate is a workload for the kubernetes checks -----------------------


def test_the_kubernetes_checks_read_a_pod_template(repo):
    """The KubernetesExecutor task pod (deploy/base/pod-template.yaml) is checked like a
    Deployment's pod: without resources it fails, with them it passes."""
    outcome = run(repo, "kubernetes", resources=["requests.memory", "limits.memory"])
    assert outcome.passed is False and "pod-template.yaml" in (outcome.file or "")
    edit(
        repo,
        "deploy/base/pod-template.yaml",
        "        env:\n",
        "        resources:\n          requests: {memory: 1Gi}\n          limits: {memory: 2Gi}\n"
        "        env:\n",
    )
    assert run(repo, "kubernetes", resources=["requests.memory", "limits.memory"]).passed
