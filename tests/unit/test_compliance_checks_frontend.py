"""The frontend check types (npm_lockfile, bundle_budget, vitest_coverage_gate) on a small
project shaped like the react-frontend golden path's, and variations of it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from platformctl.core.compliance.facts import Facts
from platformctl.core.compliance.registry import CHECK_TYPES, ensure_loaded

ensure_loaded()

PACKAGE: dict[str, Any] = {
    "name": "shop-web",
    "private": True,
    "scripts": {"build": "vite build && size-limit", "test": "vitest run --coverage"},
    "dependencies": {"react": "19.3.1"},
    "devDependencies": {"vite": "7.3.8", "size-limit": "11.2.0"},
    "size-limit": [{"path": "dist/assets/index-*.js", "limit": "250 kB", "gzip": True}],
}
VITE_CONFIG = """\
export default defineConfig({
  test: {
    coverage: {
      provider: "v8",
      // the gate
      thresholds: {
        lines: 70,
        functions: 75,
        branches: 70.5,
        statements: 70,
      },
    },
  },
});
"""


def _lock(package: dict[str, Any]) -> dict[str, Any]:
    root = {k: package[k] for k in ("name", "dependencies", "devDependencies") if k in package}
    entries = {
        f"node_modules/{name}": {"version": version}
        for field in ("dependencies", "devDependencies")
        for name, version in package.get(field, {}).items()
    }
    return {"name": package["name"], "lockfileVersion": 3, "packages": {"": root, **entries}}


def write(root: Path, package: dict[str, Any], lock: dict[str, Any] | None = None) -> None:
    (root / "package.json").write_text(json.dumps(package, indent=2) + "\n")
    if lock is not False:
        (root / "package-lock.json").write_text(json.dumps(lock or _lock(package), indent=2))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(tmp_path, PACKAGE)
    (tmp_path / "vite.config.ts").write_text(VITE_CONFIG)
    return tmp_path


def run(root: Path, kind: str, **options: Any):
    return CHECK_TYPES[kind].func(Facts(root), options)


# --- npm_lockfile ------------------------------------------------------------------------------


def test_lockfile_agrees(project: Path) -> None:
    outcome = run(project, "npm_lockfile", exact_versions=True)
    assert outcome.passed, outcome.message


def test_lockfile_missing(project: Path) -> None:
    (project / "package-lock.json").unlink()
    outcome = run(project, "npm_lockfile")
    assert outcome.passed is False and "npm ci" in outcome.message


def test_lockfile_out_of_date_names_the_dependency_and_its_line(project: Path) -> None:
    package = json.loads(json.dumps(PACKAGE))
    package["devDependencies"]["vite"] = "7.3.9"
    write(project, package, _lock(PACKAGE))
    outcome = run(project, "npm_lockfile")
    assert outcome.passed is False
    assert "devDependencies vite is '7.3.9'" in outcome.message and "'7.3.8'" in outcome.message
    assert (outcome.file, outcome.line) == ("package.json", 12)


def test_lockfile_declares_a_dependency_package_json_does_not(project: Path) -> None:
    lock = _lock(PACKAGE)
    lock["packages"][""]["dependencies"]["left-pad"] = "1.3.0"
    write(project, PACKAGE, lock)
    outcome = run(project, "npm_lockfile")
    assert outcome.passed is False and "left-pad" in outcome.message


def test_lockfile_without_an_installed_entry(project: Path) -> None:
    lock = _lock(PACKAGE)
    del lock["packages"]["node_modules/react"]
    write(project, PACKAGE, lock)
    outcome = run(project, "npm_lockfile")
    assert outcome.passed is False and "no entry for react" in outcome.message


def test_lockfile_version_1_has_no_root_package(project: Path) -> None:
    write(project, PACKAGE, {"name": "shop-web", "lockfileVersion": 1, "dependencies": {}})
    outcome = run(project, "npm_lockfile")
    assert outcome.passed is False and "lockfileVersion 2 or 3" in outcome.message


@pytest.mark.parametrize("spec", ["^19.3.1", "~19.3.1", "latest", "19.x", "*", ">=19"])
def test_exact_versions_rejects_ranges_and_tags(project: Path, spec: str) -> None:
    package = json.loads(json.dumps(PACKAGE))
    package["dependencies"]["react"] = spec
    write(project, package)  # the lock agrees: only the pin is wrong
    assert run(project, "npm_lockfile").passed
    outcome = run(project, "npm_lockfile", exact_versions=True)
    assert outcome.passed is False and "pin an exact version" in outcome.message


def test_exact_versions_accepts_prereleases(project: Path) -> None:
    package = json.loads(json.dumps(PACKAGE))
    package["dependencies"]["react"] = "19.3.0-rc.1"
    write(project, package)
    assert run(project, "npm_lockfile", exact_versions=True).passed


# --- bundle_budget -----------------------------------------------------------------------------


def test_budget_configured_and_enforced(project: Path) -> None:
    outcome = run(project, "bundle_budget", max_kb=250)
    assert outcome.passed, outcome.message
    assert "250 kB" in outcome.message and "npm run build" in outcome.message


@pytest.mark.parametrize(
    ("limit", "passes"),
    [("300 kB", False), ("0.2 MB", True), ("250 KiB", False), ("900 B", True), ("1 MB", False)],
)
def test_budget_above_the_platform_maximum(project: Path, limit: str, passes: bool) -> None:
    package = json.loads(json.dumps(PACKAGE))
    package["size-limit"][0]["limit"] = limit
    write(project, package)
    outcome = run(project, "bundle_budget", max_kb=250)
    assert outcome.passed is passes, outcome.message
    if not passes:
        assert "above the platform's budget of 250 kB" in outcome.message


def test_budget_missing(project: Path) -> None:
    package = {k: v for k, v in PACKAGE.items() if k != "size-limit"}
    write(project, package)
    outcome = run(project, "bundle_budget")
    assert outcome.passed is False and "no size-limit budget" in outcome.message


def test_budget_not_a_size(project: Path) -> None:
    package = json.loads(json.dumps(PACKAGE))
    package["size-limit"][0]["limit"] = "fast"
    write(project, package)
    outcome = run(project, "bundle_budget")
    assert outcome.passed is False and "'fast'" in outcome.message


def test_budget_not_enforced_by_the_build(project: Path) -> None:
    package = json.loads(json.dumps(PACKAGE))
    package["scripts"]["build"] = "vite build"
    package["scripts"]["size"] = "size-limit"
    write(project, package)
    outcome = run(project, "bundle_budget")
    assert outcome.passed is False and "not enforced" in outcome.message
    assert run(project, "bundle_budget", scripts=["build", "size"]).passed
    package["scripts"]["build"] = "vite build && size-limit-report"  # another command
    write(project, package)
    assert run(project, "bundle_budget").passed is False


def test_budget_in_a_size_limit_file(project: Path) -> None:
    package = {k: v for k, v in PACKAGE.items() if k != "size-limit"}
    write(project, package)
    (project / ".size-limit.json").write_text('[{"path": "dist/*.js", "limit": "100 kB"}]')
    outcome = run(project, "bundle_budget", max_kb=250)
    assert outcome.passed and outcome.file == ".size-limit.json", outcome.message
    (project / ".size-limit.json").unlink()
    (project / ".size-limit.js").write_text(
        'module.exports = [{ path: "dist/*.js", limit: "400 kB" }];\n'
    )
    outcome = run(project, "bundle_budget", max_kb=250)
    assert outcome.passed is False and "400 kB" in outcome.message


# --- vitest_coverage_gate ------------------------------------------------------------------------


def test_coverage_gate(project: Path) -> None:
    metrics = ["lines", "functions", "branches", "statements"]
    outcome = run(project, "vitest_coverage_gate", min=70, metrics=metrics)
    assert outcome.passed, outcome.message
    assert (outcome.file, outcome.line) == ("vite.config.ts", 6)
    outcome = run(project, "vitest_coverage_gate", min=71, metrics=metrics)
    assert outcome.passed is False and "lines threshold" in outcome.message
    assert run(project, "vitest_coverage_gate", min=75, metrics=["functions"]).passed


def test_coverage_gate_missing_metric_or_thresholds(project: Path) -> None:
    config = project / "vite.config.ts"
    config.write_text(VITE_CONFIG.replace("        branches: 70.5,\n", ""))
    outcome = run(project, "vitest_coverage_gate", min=70, metrics=["branches"])
    assert outcome.passed is False and "no branches threshold" in outcome.message
    config.write_text(VITE_CONFIG.replace("thresholds", "reporter"))
    outcome = run(project, "vitest_coverage_gate", min=70)
    assert outcome.passed is False and "no coverage thresholds" in outcome.message


def test_coverage_gate_commented_out_does_not_count(project: Path) -> None:
    (project / "vite.config.ts").write_text(
        VITE_CONFIG.replace("      thresholds", "      // thresholds")
    )
    assert run(project, "vitest_coverage_gate", min=70).passed is False


def test_coverage_gate_100_true_and_a_vitest_config(project: Path) -> None:
    (project / "vite.config.ts").unlink()
    (project / "vitest.config.mts").write_text(
        "export default { test: { coverage: { thresholds: { 100: true } } } };\n"
    )
    outcome = run(project, "vitest_coverage_gate", min=90, metrics=["lines", "branches"])
    assert outcome.passed and outcome.file == "vitest.config.mts", outcome.message


def test_coverage_gate_needs_npm_test_to_collect_coverage(project: Path) -> None:
    package = json.loads(json.dumps(PACKAGE))
    package["scripts"]["test"] = "vitest run"
    write(project, package)
    outcome = run(project, "vitest_coverage_gate", min=70)
    assert outcome.passed is False and "--coverage" in outcome.message
    (project / "vite.config.ts").write_text(
        VITE_CONFIG.replace('provider: "v8",', 'provider: "v8",\n      enabled: true,')
    )
    assert run(project, "vitest_coverage_gate", min=70).passed
