"""openapi.yaml (the catalog API entity's definition) must match what the app serves."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml
from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parent.parent


def _export_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "export_openapi", ROOT / "scripts" / "export_openapi.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_openapi_matches_the_app(client: TestClient) -> None:
    committed: Any = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    served = client.get("/openapi.json").json()
    assert committed == served, "openapi.yaml is out of date: run python scripts/export_openapi.py"


def test_export_script_is_byte_for_byte_stable() -> None:
    script = _export_script()
    assert script.main(["--check"]) == 0, "run python scripts/export_openapi.py"


def test_export_script_writes_and_detects_drift(tmp_path: Path) -> None:
    script = _export_script()
    target = tmp_path / "openapi.yaml"
    assert script.main(["--check", "--output", str(target)]) == 1
    assert script.main(["--output", str(target)]) == 0
    assert script.main(["--check", "--output", str(target)]) == 0
