"""One template, two front-ends: a golden path rendered by `platformctl new` and by the exported
Backstage Template (its form defaults, its step input, and the real `platformctl:new` action code
run under Node) produces the same files, byte for byte.

Backstage's part is emulated only where it is simple and documented: RJSF fills in the defaults
of the fields on screen (including the active `dependencies` branch) and the scaffolder renders a
step input value that is exactly one `${{ parameters.x }}` / `${{ secrets.x }}` expression to the
value itself, keeping its type, and leaves undefined values out.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from platformctl.core.scaffold import export

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed"),
]

ROOT = Path(__file__).resolve().parents[2]
PLATFORM = ROOT / "tests" / "data" / "export-platform"
EXPRESSION = re.compile(r"^\$\{\{\s*(parameters|secrets)\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$")
MISSING = object()


def form_data(template: dict[str, Any], entered: dict[str, Any]) -> dict[str, Any]:
    """What the form submits: the user's values plus the defaults of every field shown."""
    data = dict(entered)
    for page in template["spec"]["parameters"]:
        for name, schema in page["properties"].items():
            if name not in data and "default" in schema:
                data[name] = schema["default"]
        for controller, dep in page.get("dependencies", {}).items():
            for branch in dep["oneOf"]:
                if data.get(controller) in branch["properties"][controller]["enum"]:
                    for name, schema in branch["properties"].items():
                        if name not in data and "default" in schema:
                            data[name] = schema["default"]
    for page in template["spec"]["parameters"]:
        errors = [e.message for e in Draft7Validator({"type": "object", **page}).iter_errors(data)]
        assert errors == [], errors
    return data


def fill(value: Any, parameters: dict[str, Any], secrets: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        filled = {k: fill(v, parameters, secrets) for k, v in value.items()}
        return {k: v for k, v in filled.items() if v is not MISSING}
    if isinstance(value, str) and (match := EXPRESSION.match(value)):
        scope = parameters if match.group(1) == "parameters" else secrets
        return scope.get(match.group(2), MISSING)
    return value


def run_action(step_input: dict[str, Any], workspace: Path, env: dict[str, str]) -> None:
    action = Path(export.__file__).resolve().parents[2] / "defaults" / "backstage"
    script = (
        "const a = require(process.argv[1]);"
        "a.runPlatformctlNew({input: JSON.parse(process.argv[2]), workspacePath: process.argv[3],"
        " logger: {info: () => {}}}).catch(e => { console.error(e.message); process.exit(1); });"
    )
    proc = subprocess.run(
        [
            "node",
            "-e",
            script,
            str(action / export.ACTION_FILE),
            json.dumps(step_input),
            str(workspace),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr


def tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _env(platform: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLATFORMCTL_")}
    env["PLATFORMCTL_BIN"] = str(Path(sys.executable).parent / "platformctl")
    if platform is not None:
        env["PLATFORMCTL_PLATFORM"] = str(platform)
    return env


def _parity(
    cli,
    tmp_path: Path,
    golden_path: str,
    entered: dict[str, Any],
    secrets: dict[str, Any],
    platform: Path | None,
) -> dict[str, bytes]:
    exported = tmp_path / "exported"
    result = cli("golden-path", "export-backstage", golden_path, "--output", exported)
    assert result.exit_code == 0, result.output
    import yaml

    template = yaml.safe_load((exported / export.TEMPLATE_FILE).read_text())
    parameters = form_data(template, entered)
    step = template["spec"]["steps"][0]
    assert step["action"] == export.ACTION_ID
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    run_action(fill(step["input"], parameters, secrets), workspace, _env(platform))

    direct = tmp_path / "direct"
    data = [
        f"{k}={v if not isinstance(v, bool) else str(v).lower()}"
        for k, v in {**entered, **secrets}.items()
        if k not in ("name", "repoUrl")
    ]
    args = ["new", golden_path, entered["name"], "--dest", direct, "--no-input", "--no-git"]
    for pair in data:
        args += ["--data", pair]
    made = cli(*args)
    assert made.exit_code == 0, made.output
    via_portal, via_cli = tree(workspace), tree(direct)
    assert sorted(via_portal) == sorted(via_cli)
    for rel in via_cli:
        assert via_portal[rel] == via_cli[rel], rel
    return via_cli


def test_python_service_parity(cli, tmp_path: Path) -> None:
    files = _parity(
        cli,
        tmp_path,
        "python-service",
        {
            "name": "orders-api",
            "owner": "group:default/orders",  # no default: the form requires it
            "has_database": True,
            "database_engine": "mysql",
            "tier": "tier-1",
        },
        {},
        None,
    )
    assert "catalog-info.yaml" in files and ".copier-answers.yml" in files
    answers = files[".copier-answers.yml"].decode()
    assert "database_engine: mysql" in answers and "tier: tier-1" in answers


def test_demo_worker_parity(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLATFORMCTL_PLATFORM", str(PLATFORM))
    files = _parity(
        cli,
        tmp_path,
        "demo-worker",
        {
            "name": "billing-worker",
            "queue": "kafka",
            "partitions": 12,
            "dry_run": False,
            "repoUrl": "github.com?owner=acme&repo=billing-worker",
        },
        {"api_token": "t0ken"},
        PLATFORM,
    )
    worker = files["config/worker.yaml"].decode()
    assert "partitions: 12" in worker and "batch_size: 10" in worker
    assert files[".env"] == b"API_TOKEN=t0ken\n"


def test_action_reports_platformctl_errors(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    action = Path(export.__file__).resolve().parents[2] / "defaults" / "backstage"
    script = (
        "const a = require(process.argv[1]);"
        "a.runPlatformctlNew({input: JSON.parse(process.argv[2]), workspacePath: process.argv[3],"
        " logger: {info: () => {}}}).then(() => process.exit(0),"
        " e => { console.error(e.message); process.exit(1); });"
    )
    bad = {"goldenPath": "python-service", "name": "Bad_Name", "answers": {}}
    proc = subprocess.run(
        ["node", "-e", script, str(action / export.ACTION_FILE), json.dumps(bad), str(workspace)],
        env=_env(None),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "platformctl exited with 2" in proc.stderr and "invalid name" in proc.stderr
    outside = {"goldenPath": "python-service", "name": "ok", "targetPath": "../escape"}
    proc = subprocess.run(
        [
            "node",
            "-e",
            script,
            str(action / export.ACTION_FILE),
            json.dumps(outside),
            str(workspace),
        ],
        env=_env(None),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1 and "outside the workspace" in proc.stderr
    assert list(workspace.iterdir()) == []


def _patterns(value: Any) -> list[str]:
    if isinstance(value, dict):
        found = [value["pattern"]] if isinstance(value.get("pattern"), str) else []
        return found + [p for v in value.values() for p in _patterns(v)]
    if isinstance(value, list):
        return [p for v in value for p in _patterns(v)]
    return []


def test_patterns_compile_in_javascript(monkeypatch: pytest.MonkeyPatch) -> None:
    """The form validates with Ajv, which compiles `pattern` as a JavaScript RegExp with the
    `u` flag: every exported pattern must compile there, not only in Python."""
    from platformctl.core import config as config_mod
    from platformctl.core.scaffold.registry import load_registry

    templates = [
        export.export_backstage(load_registry(), n).template for n in load_registry().names()
    ]
    monkeypatch.setenv("PLATFORMCTL_PLATFORM", str(PLATFORM))
    templates.append(
        export.export_backstage(load_registry(config_mod.load()), "demo-worker").template
    )
    patterns = [p for t in templates for p in _patterns(t["spec"]["parameters"])]
    assert len(patterns) >= 5
    script = (
        "const bad = JSON.parse(process.argv[1]).filter(p => {"
        " try { new RegExp(p, 'u'); return false; } catch (e) { return true; } });"
        "console.log(JSON.stringify(bad));"
    )
    proc = subprocess.run(
        ["node", "-e", script, json.dumps(patterns)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []
    proc = subprocess.run(
        ["node", "-e", script, json.dumps(["(?P<x>a)"])], capture_output=True, text=True
    )
    assert json.loads(proc.stdout) == ["(?P<x>a)"]
