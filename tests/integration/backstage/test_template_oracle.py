"""Exported Backstage Templates pass Backstage's own validator (the vendored oracle, which runs
@backstage/catalog-model and the scaffolder's templateEntityV1beta3Validator).

Runs in `nox -s backstage` (its `npm ci` installs the oracle's packages from ../package.json) or
with BACKSTAGE_ORACLE_DEPS naming a folder prepared by the shared oracle's setup.sh.  Skipped only
when neither is there and PLATFORMCTL_BACKSTAGE_IT is unset; in CI a missing oracle fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from platformctl.core import config as config_mod
from platformctl.core.scaffold import export
from platformctl.core.scaffold.registry import load_registry

pytestmark = pytest.mark.backstage

HERE = Path(__file__).resolve().parent
ORACLE = HERE / "oracle" / "backstage-validate.mjs"
PLATFORM = HERE.parents[1] / "data" / "export-platform"
DEPS = Path(os.environ.get("BACKSTAGE_ORACLE_DEPS") or HERE)
REQUIRED = bool(os.environ.get("PLATFORMCTL_BACKSTAGE_IT"))


@pytest.fixture(scope="module")
def oracle() -> list[str]:
    missing = [
        p
        for p in ("@backstage/catalog-model", "@backstage/plugin-scaffolder-common", "yaml")
        if not (DEPS / "node_modules" / p).is_dir()
    ]
    if shutil.which("node") is None or missing:
        why = "node is not on PATH" if shutil.which("node") is None else f"{DEPS} lacks {missing}"
        if REQUIRED:
            pytest.fail(f"the Backstage oracle cannot run: {why}")
        pytest.skip(f"Backstage oracle not installed ({why}); run nox -s backstage")
    return ["node", str(ORACLE), "--deps", str(DEPS)]


def _verdicts(oracle: list[str], folder: Path) -> list[dict]:
    proc = subprocess.run(
        [*oracle, "--relative-to", str(folder), str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode in (0, 1), proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


def test_every_exported_template_is_valid_for_backstage(
    oracle: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exported = []
    registry = load_registry()
    for name in registry.names():
        export.write_export(export.export_backstage(registry, name), tmp_path / name)
        exported.append(name)
    monkeypatch.setenv("PLATFORMCTL_PLATFORM", str(PLATFORM))
    demo = load_registry(config_mod.load())
    export.write_export(export.export_backstage(demo, "demo-worker"), tmp_path / "demo-worker")
    exported.append("demo-worker")

    verdicts = _verdicts(oracle, tmp_path)
    assert sorted(v["name"] for v in verdicts) == sorted(exported)
    for verdict in verdicts:
        assert verdict["kind"] == "Template"
        assert verdict["valid"], verdict["errors"]


def test_the_oracle_rejects_a_broken_template(oracle: list[str], tmp_path: Path) -> None:
    """The check above can fail: a Template whose steps lack `action` is refused."""
    result = export.export_backstage(load_registry(), "python-service")
    del result.template["spec"]["steps"][0]["action"]
    export.write_export(result, tmp_path)
    (verdict,) = _verdicts(oracle, tmp_path)
    assert not verdict["valid"]
    assert "action" in verdict["errors"][0]
