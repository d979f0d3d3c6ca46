"""The generated CLI reference and the fast-path root help must match the live Typer app.
Regenerate both with `nox -s docs` (python docs/gen_cli_reference.py --write)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _generator():
    spec = importlib.util.spec_from_file_location(
        "gen_cli_reference", ROOT / "docs" / "gen_cli_reference.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_reference_is_current():
    gen = _generator()
    assert (ROOT / "docs" / "reference" / "cli.md").read_text() == gen.generate(), (
        "docs/reference/cli.md is stale: run nox -s docs"
    )


def test_root_help_file_is_current():
    gen = _generator()
    assert gen.root_help_path().read_text() == gen.root_help(), (
        "src/platformctl/cli/root_help.txt is stale: run nox -s docs"
    )


def test_fast_help_equals_click_help():
    """`platformctl --help` (fast path, no click import) prints what click would print."""
    env = {"COLUMNS": "120", "PATH": "/usr/bin:/bin"}
    fast = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from platformctl.__main__ import run;"
            " rc = run(['--help']); print('click' in sys.modules, file=sys.stderr); sys.exit(rc)",
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    slow = subprocess.run(
        [sys.executable, "-m", "platformctl", "-v", "--help"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert fast.returncode == slow.returncode == 0
    assert fast.stderr.strip() == "False"
    assert fast.stdout == slow.stdout


def test_narrow_terminal_uses_click():
    env = {"COLUMNS": "60", "PATH": "/usr/bin:/bin"}
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from platformctl.__main__ import run;"
            " rc = run(['--help']); print('click' in sys.modules, file=sys.stderr); sys.exit(rc)",
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 0
    assert proc.stderr.strip() == "True"
    assert "Usage: platformctl" in proc.stdout
