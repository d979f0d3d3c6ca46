"""Each built-in check type on real-looking fixtures (tests/data/compliance/) and variations."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from platformctl.core.compliance import parsers
from platformctl.core.compliance.facts import Facts
from platformctl.core.compliance.registry import CHECK_TYPES, ensure_loaded
from platformctl.core.compliance.scorecard import CheckSpec

DATA = Path(__file__).resolve().parent.parent / "data" / "compliance"
ensure_loaded()


def repo(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(DATA / name, target)
    return target


def run(root: Path, kind: str, **options):
    return CHECK_TYPES[kind].func(Facts(root), options)


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return repo(tmp_path, "service-good")


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    return repo(tmp_path, "service-bad")


@pytest.fixture
def gitlab(tmp_path: Path) -> Path:
    return repo(tmp_path, "service-gitlab")


# --- files -----------------------------------------------------------------------------------


def test_file_exists_path_and_any_of_with_globs(good, bad):
    assert run(good, "file_exists", path="docs/index.md").passed
    outcome = run(bad, "file_exists", path="docs/index.md")
    assert outcome.passed is False and outcome.message == "docs/index.md is missing"
    assert run(good, "file_exists", any_of=[".gitlab-ci.yml", ".github/workflows/*.yml"]).passed
    outcome = run(bad, "file_exists", any_of=["mkdocs.yml", "docs/**/*.md"])
    assert outcome.passed is False and "none of mkdocs.yml, docs/**/*.md" in outcome.message


def test_file_contains_reports_line_and_absent(good):
    outcome = run(good, "file_contains", path="Dockerfile", pattern=r"^HEALTHCHECK")
    assert outcome.passed and outcome.line == 17
    assert run(good, "file_contains", path="Dockerfile", pattern="ADD http", absent=True).passed
    outcome = run(good, "file_contains", path="Dockerfile", pattern="^USER root", absent=False)
    assert outcome.passed is False
    outcome = run(good, "file_contains", path="src/**/*.py", pattern="APIRouter", absent=True)
    assert outcome.passed is False and outcome.file.startswith("src/orders/api/")


# --- data paths ------------------------------------------------------------------------------


def test_yaml_path_exists_equals_matches(good):
    assert run(good, "yaml_path", file="k8s/*.yaml", path="spec.replicas", equals=2).passed
    outcome = run(good, "yaml_path", file="k8s/deployment.yaml", path="spec.replicas", equals=3)
    assert outcome.passed is False and "expected 3" in outcome.message and outcome.line == 6
    assert run(
        good,
        "yaml_path",
        file="k8s/service.yaml",
        path="spec.ports[0].targetPort",
        matches="^http$",
    ).passed
    assert run(
        good,
        "yaml_path",
        file="catalog-info.yaml",
        path='metadata.annotations["backstage.io/techdocs-ref"]',
        equals="dir:.",
    ).passed
    assert run(
        good,
        "yaml_path",
        file=".github/workflows/ci.yml",
        path="jobs.*.steps[*].uses",
        matches="trivy",
    ).passed
    outcome = run(good, "yaml_path", file="catalog-info.yaml", path="spec.nothing")
    assert outcome.passed is False and "not set" in outcome.message


def test_json_path(gitlab):
    assert run(
        gitlab, "json_path", file="renovate.json", path="extends[0]", equals="config:recommended"
    ).passed
    assert run(gitlab, "json_path", file="renovate.json", path="schedule").passed is False


# --- catalog ---------------------------------------------------------------------------------


def test_catalog_annotation(good, bad):
    outcome = run(good, "catalog_annotation", key="backstage.io/techdocs-ref")
    assert outcome.passed and outcome.file == "catalog-info.yaml" and outcome.line == 9
    assert run(
        good,
        "catalog_annotation",
        any_of=["pagerduty.com/integration-key", "pagerduty.com/service-id"],
    ).passed
    outcome = run(bad, "catalog_annotation", key="platform.example.com/security-contact")
    assert outcome.passed is False and outcome.line == 8
    assert "platform.example.com/security-contact is missing" in outcome.message
    outcome = run(good, "catalog_annotation", key="github.com/project-slug", matches="^acme/x$")
    assert outcome.passed is False


def test_catalog_annotation_without_catalog(gitlab):
    outcome = run(gitlab, "catalog_annotation", key="a/b")
    assert outcome.passed is False and outcome.message == "catalog-info.yaml is missing"
    (gitlab / "catalog-info.yaml").write_text("metadata:\n  name: x\n  name: y\n")
    outcome = run(gitlab, "catalog_field", path="spec.owner")
    assert outcome.passed is False and outcome.line == 3
    assert outcome.message == "catalog-info.yaml cannot be read: duplicate key 'name'"


def test_catalog_link_by_type_or_title(good, bad):
    assert run(good, "catalog_link", link_type="runbook", title_matches="runbook").passed
    assert run(good, "catalog_link", link_type="dashboard").passed
    assert run(good, "catalog_link", link_type="runbook").passed is False
    outcome = run(bad, "catalog_link", link_type="dashboard")
    assert outcome.passed is False and "no dashboard link" in outcome.message


def test_catalog_field(good, bad):
    assert run(good, "catalog_field", path="spec.owner").passed
    assert run(good, "catalog_field", path="metadata.description", min_length=20).passed
    outcome = run(bad, "catalog_field", path="metadata.description", min_length=20)
    assert outcome.passed is False and outcome.line == 6 and "8 characters" in outcome.message
    outcome = run(bad, "catalog_field", path="spec.owner")
    assert outcome.passed is False and outcome.message == "spec.owner is empty"
    assert run(good, "catalog_field", path="spec.lifecycle", **{"in": ["production"]}).passed


def test_catalog_picks_the_component_of_a_multi_document_file(tmp_path):
    (tmp_path / "catalog-info.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: {name: x-api}\n"
        "spec: {type: openapi, owner: a, lifecycle: production, definition: x}\n---\n"
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\n"
        "spec: {type: service, owner: team-x, lifecycle: production}\n"
    )
    outcome = run(tmp_path, "catalog_field", path="spec.owner", equals="team-x")
    assert outcome.passed and outcome.line == 10


# --- CI --------------------------------------------------------------------------------------


def test_ci_jobs_github(good, bad):
    assert run(good, "ci_jobs", jobs=["test", "lint", "security", "build"]).passed
    outcome = run(bad, "ci_jobs", jobs=["test", "lint"])
    # `tests` is not `test`: names match exactly or with a -/_ suffix (test-py312).
    assert outcome.passed is False and "test, lint" in outcome.message


def test_ci_jobs_gitlab_by_stage(gitlab):
    assert run(gitlab, "ci_jobs", jobs=["test", "lint", "security", "build"]).passed
    assert run(gitlab, "ci_jobs", jobs=["deploy"]).passed is False


def test_ci_step_uses_and_run(good, gitlab, bad):
    assert run(good, "ci_step", uses=["aquasecurity/trivy-action"]).passed
    outcome = run(good, "ci_step", run=[r"\bpytest\b"], job="test")
    assert outcome.passed and outcome.file == ".github/workflows/ci.yml"
    assert run(good, "ci_step", run=[r"\bpytest\b"], job="lint").passed is False
    assert run(gitlab, "ci_step", run=[r"\bpip-audit\b"]).passed
    assert run(gitlab, "ci_step", uses=["^template:Jobs/Dependency-Scanning"]).passed
    outcome = run(bad, "ci_step", run=["trivy"], what="a vulnerability scanner")
    assert (
        outcome.passed is False and outcome.message == "no step in CI runs a vulnerability scanner"
    )


# --- Dockerfile ------------------------------------------------------------------------------


ALL_DOCKER = {"non_root": True, "healthcheck": True, "pinned_base": True, "no_latest": True}


def test_dockerfile_good_resolves_arg_in_from(good):
    outcome = run(good, "dockerfile", **ALL_DOCKER)
    assert outcome.passed, outcome.message


def test_dockerfile_bad_lists_every_problem(bad):
    outcome = run(bad, "dockerfile", **ALL_DOCKER)
    assert outcome.passed is False and outcome.line == 1
    for text in (
        "python:latest uses the latest tag",
        "no USER instruction",
        "no HEALTHCHECK",
        "base image python has no tag",
    ):
        assert text in outcome.message


@pytest.mark.parametrize(
    ("dockerfile", "options", "message"),
    [
        ("FROM python:3.12\nUSER root\n", {"non_root": True}, "runs as root"),
        ("FROM python:3.12\nUSER 0:0\n", {"non_root": True}, "runs as 0"),
        ("FROM python:3.12\nUSER app\nFROM python:3.12\n", {"non_root": True}, "no USER"),
        ("FROM python:3.12\nHEALTHCHECK NONE\n", {"healthcheck": True}, "no HEALTHCHECK"),
        (
            "FROM python:3.12\n",
            {"pinned_base": True, "require_digest": True},
            "not pinned by digest",
        ),
        ("FROM python:${V}\n", {"pinned_base": True}, "unset ARG"),
    ],
)
def test_dockerfile_variants(tmp_path, dockerfile, options, message):
    (tmp_path / "Dockerfile").write_text(dockerfile)
    outcome = run(tmp_path, "dockerfile", **options)
    assert outcome.passed is False and message in outcome.message


def test_dockerfile_continuations_comments_and_stage_references(tmp_path):
    (tmp_path / "Dockerfile").write_text(
        "# syntax=docker/dockerfile:1\nARG BASE=python:3.12-slim@sha256:abc\n"
        "FROM $BASE AS base\nRUN apt-get update \\\n  # a comment inside\n  && true\n"
        "FROM base\nUSER 10001\nHEALTHCHECK CMD \\\n  curl -f http://localhost/healthz\n"
    )
    parsed = parsers.parse_dockerfile((tmp_path / "Dockerfile").read_text())
    assert [s.image for s in parsed.stages] == ["python:3.12-slim@sha256:abc", "base"]
    assert parsed.stages[0].instructions[0].args == "apt-get update && true"
    assert run(tmp_path, "dockerfile", require_digest=True, **ALL_DOCKER).passed


# --- Kubernetes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {"probes": ["liveness", "readiness"]},
        {"resources": ["requests.cpu", "requests.memory", "limits.memory"]},
        {"run_as_non_root": True},
        {"read_only_root_fs": True},
        {"no_privilege_escalation": True},
        {"no_latest_image": True},
        {"prometheus_scrape": True},
    ],
)
def test_kubernetes_good_and_bad(good, bad, options):
    assert run(good, "kubernetes", **options).passed
    outcome = run(bad, "kubernetes", **options)
    assert outcome.passed is False
    assert outcome.file == "deploy/deployment.yaml" and outcome.line is not None


def test_kubernetes_messages_and_cronjob(tmp_path, bad):
    outcome = run(bad, "kubernetes", probes=["liveness", "readiness"])
    assert outcome.message == "Deployment/billing container billing has no readinessProbe"
    outcome = run(bad, "kubernetes", no_latest_image=True)
    assert "registry.acme.example/billing uses latest" in outcome.message
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "cron.yaml").write_text(
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly}\nspec:\n"
        "  schedule: '0 3 * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"
        "          containers:\n            - name: job\n              image: busybox:latest\n"
    )
    outcome = run(tmp_path, "kubernetes", no_latest_image=True)
    assert outcome.passed is False and outcome.line == 12


def test_kubernetes_without_manifests(gitlab):
    outcome = run(gitlab, "kubernetes", probes=["liveness"])
    assert outcome.passed is False and "no Kubernetes workload" in outcome.message


def test_kubernetes_service_monitor_counts_as_scrape(tmp_path, bad):
    (bad / "deploy" / "monitor.yaml").write_text(
        "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: billing}\n"
        "spec: {endpoints: [{port: http}]}\n"
    )
    assert run(bad, "kubernetes", prometheus_scrape=True).passed


# --- coverage, dependency updates, CODEOWNERS -------------------------------------------------


def test_coverage_gate_sources(good, bad, gitlab, tmp_path):
    outcome = run(good, "coverage_gate", min=80)
    assert outcome.passed and outcome.file == "pyproject.toml" and outcome.line == 14
    assert run(good, "coverage_gate", min=90).passed is False
    outcome = run(bad, "coverage_gate", min=80)
    assert outcome.passed is False and "60 %" in outcome.message and outcome.file == "setup.cfg"
    outcome = run(gitlab, "coverage_gate", min=90)
    assert outcome.passed and outcome.file == ".gitlab-ci.yml"
    (tmp_path / ".coveragerc").write_text("[run]\nbranch = true\n[report]\nfail_under = 95\n")
    assert run(tmp_path, "coverage_gate", min=90).passed
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\naddopts = ["--cov=x", "--cov-fail-under=81"]\n'
    )
    assert run(tmp_path / "x", "coverage_gate", min=80).passed
    assert run(tmp_path / "x" / "..", "coverage_gate", min=96).passed is False


def test_dependency_updates(good, gitlab, bad, tmp_path):
    assert run(good, "dependency_updates").file == ".github/dependabot.yml"
    assert run(gitlab, "dependency_updates").file == "renovate.json"
    assert run(bad, "dependency_updates").passed is False
    (tmp_path / "package.json").write_text('{"name": "x", "renovate": {"extends": []}}')
    assert run(tmp_path, "dependency_updates").passed


def test_codeowners(good, gitlab, bad):
    outcome = run(good, "codeowners")
    assert outcome.passed and outcome.line == 2
    outcome = run(gitlab, "codeowners")
    assert outcome.passed is False and outcome.file == ".gitlab/CODEOWNERS"
    assert run(bad, "codeowners").passed is False


# --- committed secrets -----------------------------------------------------------------------

# Assembled at run time so this repository never contains a string that looks like a key.
AWS_KEY = "AKIA" + "Z7Q4" * 4
GH_TOKEN = "ghp_" + "a1B2c3D4e5" * 4
PRIVATE_KEY = "-----BEGIN " + "RSA PRIVATE KEY-----\nMIIE...\n-----END RSA PRIVATE KEY-----\n"
SLACK = "xox" + "b-1234567890-abcdefghij"


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (f"aws_access_key_id = {AWS_KEY}\n", "AWS access key id"),
        (f"token: {GH_TOKEN}\n", "GitHub token"),
        (PRIVATE_KEY, "private key"),
        (f"SLACK_TOKEN={SLACK}\n", "Slack token"),
    ],
)
def test_no_secrets_finds_well_known_patterns(good, content, kind):
    (good / "src" / "orders" / "leak.txt").write_text("line one\n" + content)
    outcome = run(good, "no_secrets")
    assert outcome.passed is False
    assert kind in outcome.message and outcome.file == "src/orders/leak.txt" and outcome.line == 2


def test_no_secrets_scans_what_would_be_committed_not_ignored_files(good):
    git(good, "init", "-q")
    (good / ".gitignore").write_text("local.env\n")
    git(good, "add", ".")
    git(good, "commit", "-q", "-m", "init")
    (good / "local.env").write_text(f"KEY={AWS_KEY}\n")  # ignored: never committed
    (good / "logo.png").write_bytes(b"\x89PNG\0" + AWS_KEY.encode())
    (good / "blob.dat").write_bytes(b"\0\0" + AWS_KEY.encode())
    git(good, "add", "logo.png", "blob.dat")
    assert run(good, "no_secrets").passed
    (good / "ok.py").write_text(f'EXAMPLE = "{AWS_KEY}"  # platformctl: allow-secret\n')
    assert run(good, "no_secrets").passed
    # Not yet `git add`ed, but not ignored either: the next `git add .` commits it.
    (good / "untracked.env").write_text(f"KEY={AWS_KEY}\n")
    outcome = run(good, "no_secrets")
    assert outcome.passed is False and outcome.file == "untracked.env" and outcome.line == 1
    assert run(good, "no_secrets", exclude=["untracked.env"]).passed


def test_no_secrets_reports_every_hit_with_its_own_position(good):
    (good / "a.env").write_text(f"x\nKEY={AWS_KEY}\nTOKEN={GH_TOKEN}\n")
    (good / "b.txt").write_text(f"  slack: {SLACK}\n")
    outcome = run(good, "no_secrets")
    assert outcome.passed is False
    where = [(h.file, h.line, h.column) for h in outcome.hits]
    assert where == [("a.env", 2, 5), ("a.env", 3, 7), ("b.txt", 1, 10)]
    assert [h.message for h in outcome.hits] == [
        "possible AWS access key id",
        "possible GitHub token",
        "possible Slack token",
    ]
    assert outcome.message == "3 possible secrets in 2 files"


# --- template drift --------------------------------------------------------------------------


def test_template_drift_skips_without_answers_file(good):
    outcome = run(good, "template_drift")
    assert outcome.passed is None and "no .copier-answers.yml" in outcome.message


def test_template_drift_degrades_when_scaffold_is_unavailable(good, monkeypatch):
    import sys

    (good / ".copier-answers.yml").write_text("_src_path: gh:acme/python-service\n_commit: v1\n")
    monkeypatch.setitem(sys.modules, "platformctl.core.scaffold", None)
    outcome = run(good, "template_drift")
    assert outcome.passed is None and "drift check unavailable" in outcome.message


def test_template_drift_uses_check_drift(good, monkeypatch):
    import types

    (good / ".copier-answers.yml").write_text("_commit: v1\n")
    fake = types.ModuleType("platformctl.core.scaffold")
    fake.check_drift = lambda path: types.SimpleNamespace(
        behind=True, current="1.0.0", latest="1.2.0", changelog=["1.2.0: x"]
    )
    monkeypatch.setitem(__import__("sys").modules, "platformctl.core.scaffold", fake)
    outcome = run(good, "template_drift")
    assert outcome.passed is False
    assert outcome.message == "behind its golden path: on 1.0.0, 1.2.0 is available"
    fake.check_drift = lambda path: types.SimpleNamespace(behind=False)
    assert run(good, "template_drift").passed
    fake.check_drift = lambda path: types.SimpleNamespace(behind=False, versioned=False)
    assert run(good, "template_drift").passed is None

    def unversioned(path):
        from platformctl.core.errors import UsageError

        raise UsageError("no golden path version recorded")

    fake.check_drift = unversioned
    outcome = run(good, "template_drift")
    assert outcome.passed is None and "no golden path version recorded" in outcome.message


# --- coherence -------------------------------------------------------------------------------


def test_routes_follow_router_and_include_prefixes(good):
    paths = {r.path for r in parsers.routes(Facts(good))}
    assert {
        "/api/health/live",
        "/api/health/ready",
        "/api/v1/orders/{order_id}",
        "/api/v1/orders",
    } <= paths


def test_flask_blueprint_routes(bad):
    assert {r.path for r in parsers.routes(Facts(bad))} == {"/status/healthz"}


def test_probe_routes(good, bad):
    outcome = run(good, "probe_routes")
    assert outcome.passed and "3 probe path(s)" in outcome.message
    outcome = run(bad, "probe_routes")
    assert outcome.passed is False and outcome.line == 18
    assert "livenessProbe probes /health, which no route serves" in outcome.message


def test_probe_routes_catches_a_wrong_healthcheck_url(good):
    dockerfile = good / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("/api/health/live", "/healthz"))
    outcome = run(good, "probe_routes")
    assert outcome.passed is False and outcome.file == "Dockerfile" and outcome.line == 17


def test_port_coherence(good, bad):
    outcome = run(good, "port_coherence")
    assert outcome.passed and outcome.message == "ports agree on 8000"
    outcome = run(bad, "port_coherence")
    assert outcome.passed is False
    assert "EXPOSE 5000 differs from app port 8080" in outcome.message


@pytest.mark.parametrize(
    ("path", "old", "new", "message"),
    [
        (
            "k8s/service.yaml",
            "targetPort: http",
            "targetPort: 9000",
            "Service/orders targetPort 9000",
        ),
        ("k8s/deployment.yaml", "containerPort: 8000", "containerPort: 8080", "containerPort 8080"),
        ("k8s/deployment.yaml", "port: 8000}", "port: 9000}", "readinessProbe port 9000"),
        ("src/orders/settings.py", "port: int = 8000", "port: int = 8001", "declared differently"),
    ],
)
def test_port_coherence_mismatches(good, path, old, new, message):
    target = good / path
    text = target.read_text()
    assert old in text
    target.write_text(text.replace(old, new))
    outcome = run(good, "port_coherence")
    assert outcome.passed is False and message in outcome.message


# --- composition -----------------------------------------------------------------------------


def test_any_of_and_all_of(good, bad):
    annotation = CheckSpec(
        "catalog_annotation", {"key": "platform.example.com/vulnerability-scanning"}
    )
    step = CheckSpec("ci_step", {"uses": ["trivy"]})
    outcome = CHECK_TYPES["any_of"].func(Facts(good), {"__children": [annotation, step]})
    assert outcome.passed
    outcome = CHECK_TYPES["any_of"].func(Facts(bad), {"__children": [annotation, step]})
    assert outcome.passed is False and "; or " in outcome.message
    outcome = CHECK_TYPES["all_of"].func(Facts(good), {"__children": [annotation, step]})
    assert outcome.passed is False


def test_placeholder_annotation_and_link_do_not_pass(tmp_path):
    """Regression: the stubs written by --fix (TODO values) used to satisfy their rules."""
    from platformctl.core.compliance.checks_catalog import catalog_annotation, catalog_link
    from platformctl.core.compliance.facts import Facts

    (tmp_path / "catalog-info.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n"
        "  annotations:\n    github.com/project-slug: TODO-org/TODO-repo\n"
        "    pagerduty.com/service-id: PTODOX1\n"
        "  links:\n    - url: https://TODO.example.com/runbook\n      title: Runbook\n"
        "      type: runbook\n"
        "spec: {type: service, owner: team-a, lifecycle: production}\n"
    )
    facts = Facts(tmp_path)
    slug = catalog_annotation(facts, {"key": "github.com/project-slug"})
    assert (slug.passed, slug.line) == (False, 6)
    assert "is the placeholder 'TODO-org/TODO-repo': fill in the real value" in slug.message
    # TODO inside a word is not a placeholder
    assert catalog_annotation(facts, {"key": "pagerduty.com/service-id"}).passed is True
    link = catalog_link(facts, {"link_type": "runbook"})
    assert (link.passed, link.line) == (False, 9)
    assert "points at the placeholder https://TODO.example.com/runbook" in link.message


# --- missing files point at the path that should exist -----------------------------------------

MISSING_FILE_CASES = [
    ("file_exists", {"path": "docs/index.md"}, "docs/index.md"),
    ("file_exists", {"any_of": ["catalog-info.yaml", "catalog-info.yml"]}, "catalog-info.yaml"),
    (
        "file_exists",
        {"any_of": [".github/workflows/*.yml", ".github/workflows/*.yaml", ".gitlab-ci.yml"]},
        ".github/workflows",
    ),
    ("file_exists", {"any_of": ["**/*.md", "docs/**/*.md"]}, "docs"),
    ("file_contains", {"path": "Dockerfile", "pattern": "HEALTHCHECK"}, "Dockerfile"),
    ("yaml_path", {"file": "deploy/values.yaml", "path": "image.tag"}, "deploy/values.yaml"),
    ("json_path", {"file": "package.json", "path": "name"}, "package.json"),
    ("catalog_field", {"path": "spec.owner"}, "catalog-info.yaml"),
    ("catalog_annotation", {"key": "backstage.io/techdocs-ref"}, "catalog-info.yaml"),
    ("catalog_link", {"link_type": "runbook"}, "catalog-info.yaml"),
    ("ci_jobs", {"jobs": ["test"]}, ".github/workflows/ci.yml"),
    ("ci_step", {"run": "pytest"}, ".github/workflows/ci.yml"),
    ("dockerfile", {"non_root": True}, "Dockerfile"),
    ("kubernetes", {"probes": ["liveness"]}, "deploy"),
    ("kubernetes", {"paths": ["charts/app/templates/*.yaml"]}, "charts/app/templates"),
    ("coverage_gate", {"min": 80}, "pyproject.toml"),
    ("dependency_updates", {}, ".github/dependabot.yml"),
    ("codeowners", {}, "CODEOWNERS"),
]


@pytest.mark.parametrize(
    ("kind", "options", "expected"),
    MISSING_FILE_CASES,
    ids=[f"{k}-{e}" for k, _, e in MISSING_FILE_CASES],
)
def test_a_missing_file_finding_names_the_file_that_should_exist(
    tmp_path: Path, kind: str, options: dict, expected: str
) -> None:
    """Regression (issue 9, defect 9): the finding's file was null, so SARIF and GitHub
    annotations pointed nowhere.  It names the path that should exist, relative to the repo."""
    outcome = run(tmp_path, kind, **options)
    assert outcome.passed is False, outcome
    assert outcome.file == expected, outcome
    assert not (tmp_path / expected).exists()


def test_a_filtered_ci_step_without_its_job_points_at_the_ci_file(good):
    outcome = run(good, "ci_step", run="pytest", job="no-such-job")
    assert outcome.passed is False and outcome.file == ".github/workflows/ci.yml", outcome


def test_port_coherence_without_a_dockerfile_points_at_the_dockerfile(good):
    (good / "Dockerfile").unlink()
    for source in (good / "src").rglob("*.py"):
        source.write_text(source.read_text().replace("port", "p0rt").replace("PORT", "P0RT"))
    outcome = run(good, "port_coherence")
    assert outcome.passed is False and "cannot tell the app's port" in outcome.message
    assert outcome.file == "Dockerfile", outcome


# --- catalog_owner: the owner is a Group or User, by a valid reference -------------------------

OWNER_ENTITY = (
    "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: orders\n"
    "spec:\n  type: service\n  lifecycle: production\n{owner}"
)


@pytest.mark.parametrize(
    ("owner", "problem"),
    [
        ("group:default/team-orders", None),
        ("team-orders", None),
        ("user:default/jane.doe", None),
        (
            "grup:default/Team X",
            'refers to kind grup, but owners must be a Group or User; has name "Team X"',
        ),
        ("component:checkout", "refers to kind component, but owners must be a Group or User"),
        ("group:Prod_NS/team", 'has namespace "Prod_NS"'),
        ("jane@example.com", 'has name "jane@example.com"'),
        ("'group:'", "has an empty name"),
        ("TODO", "is the placeholder 'TODO'"),
        ("''", "spec.owner is empty"),
        ("[team-a]", "spec.owner must be an entity reference, not a list"),
    ],
)
def test_catalog_owner(tmp_path: Path, owner: str, problem: str | None) -> None:
    """Regression (issue 9, defect 1): check's owner rule passed any non-empty owner."""
    (tmp_path / "catalog-info.yaml").write_text(OWNER_ENTITY.format(owner=f"  owner: {owner}\n"))
    outcome = run(tmp_path, "catalog_owner")
    if problem is None:
        assert outcome.passed, outcome
        return
    assert outcome.passed is False, outcome
    assert problem in outcome.message
    assert outcome.file == "catalog-info.yaml" and outcome.line == 8


def test_catalog_owner_not_set_and_kinds(tmp_path: Path) -> None:
    (tmp_path / "catalog-info.yaml").write_text(OWNER_ENTITY.format(owner=""))
    outcome = run(tmp_path, "catalog_owner")
    assert outcome.passed is False and outcome.message == "spec.owner is not set"
    (tmp_path / "catalog-info.yaml").write_text(OWNER_ENTITY.format(owner="  owner: user:jane\n"))
    assert run(tmp_path, "catalog_owner").passed
    outcome = run(tmp_path, "catalog_owner", kinds=["Group"])
    assert outcome.passed is False and "owners must be a Group" in outcome.message
    facts = Facts(tmp_path)
    facts.extra["owner_kinds"] = ("Group",)  # the platform's catalog.owner_kinds (scoring.run)
    assert CHECK_TYPES["catalog_owner"].func(facts, {}).passed is False
