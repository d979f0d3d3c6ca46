"""The exported dashboard against Grafana's own dashboard model: @grafana/schema (the npm
package Grafana publishes) ships the model as TypeScript types, not as a JSON schema, so the
check is the TypeScript compiler assigning the JSON to ``Dashboard`` under --strict (excess
properties, wrong types and missing required fields are errors).

Run by `nox -s reports` (pytest -m grafana), which installs typescript and @grafana/schema with
npm and names their folder in GRAFANA_SCHEMA_NODE_MODULES."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from platformctl.core.insights import dashboard

pytestmark = pytest.mark.grafana

TSC = ["--noEmit", "--strict", "--skipLibCheck", "--moduleResolution", "bundler",
       "--module", "esnext", "--target", "es2020"]


def _node_modules() -> Path:
    folder = os.environ.get("GRAFANA_SCHEMA_NODE_MODULES")
    if not folder or not (Path(folder) / "@grafana" / "schema").is_dir():
        pytest.fail(
            "GRAFANA_SCHEMA_NODE_MODULES must name a node_modules folder with typescript and "
            "@grafana/schema: run `nox -s reports`"
        )
    return Path(folder)


def _typecheck(model: dict, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    modules = _node_modules()
    (tmp_path / "node_modules").symlink_to(modules)
    source = tmp_path / "dashboard.ts"
    source.write_text(
        "import type { Dashboard } from '@grafana/schema';\n"
        f"const dashboard: Dashboard = {json.dumps(model, indent=2)};\n"
        "export default dashboard;\n"
    )
    return subprocess.run(
        [str(modules / ".bin" / "tsc"), *TSC, str(source)],
        capture_output=True, text=True, cwd=tmp_path, timeout=300,
    )


def test_exported_dashboard_is_a_grafana_dashboard(tmp_path):
    proc = _typecheck(dashboard.build(), tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_check_catches_a_wrong_model(tmp_path):
    model = dashboard.build()
    model["schemaVersion"] = "39"
    model["templating"]["list"][1]["definition"] = "label_values(x, y)"
    proc = _typecheck(model, tmp_path)
    assert proc.returncode != 0
    assert "not assignable to type 'number'" in proc.stdout
    assert "'\"definition\"' does not exist in type 'VariableModel'" in proc.stdout
