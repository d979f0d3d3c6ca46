"""The mypyc build (hatch_build.py): which modules it compiles, and that an installed wheel
really runs them compiled (nox sets PLATFORMCTL_EXPECT_COMPILED for the wheel it installs)."""

from __future__ import annotations

import ast
import importlib
import importlib.machinery
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _compiled_modules() -> list[str]:
    """hatch_build.COMPILED, read without importing the hook (it needs hatchling, a build-time
    dependency)."""
    tree = ast.parse((ROOT / "hatch_build.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "COMPILED":
            paths = ast.literal_eval(node.value)
            return [p.removeprefix("src/").removesuffix(".py").replace("/", ".") for p in paths]
    raise AssertionError("hatch_build.py has no COMPILED list")


def test_compiled_modules_exist_and_stay_off_the_pickled_and_forking_code() -> None:
    modules = _compiled_modules()
    assert modules, "hatch_build.COMPILED is empty"
    for module in modules:
        assert (ROOT / "src" / (module.replace(".", "/") + ".py")).is_file(), module
    # classes that cross the worker pipe pickled, and the code that forks, stay Python
    for kept in ("validation.model", "validation.parallel", "core.report"):
        assert not any(kept in m for m in modules), kept


@pytest.mark.skipif(
    os.environ.get("PLATFORMCTL_EXPECT_COMPILED") != "1",
    reason="runs against the compiled wheel (nox -s tests); editable installs are pure Python",
)
def test_installed_wheel_runs_the_compiled_modules() -> None:
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    for name in _compiled_modules():
        module = importlib.import_module(name)
        assert str(module.__file__).endswith(suffixes), f"{name} is not compiled: {module.__file__}"
    assert "platformctl_compiled__mypyc" in sys.modules
