"""Wheel build hook: compile ``catalog validate``'s per-entity modules with mypyc.

mypyc (part of mypy) turns these type-checked modules into C extensions: the same code,
about a fifth less CPU per entity (issue 17).  The wheel keeps the ``.py`` files next to
the extensions (Python imports the extension first), so tracebacks and ``inspect`` still
find the source.

* Only wheels are compiled.  Editable installs (``pip install -e .``, the nox sessions for
  development) stay pure Python: an extension left in ``src/`` would shadow every later
  edit of its ``.py``.
* ``PLATFORMCTL_PURE_PYTHON=1`` builds a pure-Python wheel; so does a machine where the
  compilation fails (no C compiler): a warning says so and the wheel works, slower.
  ``PLATFORMCTL_REQUIRE_COMPILED=1`` (CI) makes that failure an error instead.
"""

from __future__ import annotations

import glob
import os
import sys
import tempfile
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

# The modules every catalog entity goes through, with the generated schema validators (the
# compiled schema gate is a third of the remaining time).  Not here: modules whose classes
# cross the process boundary pickled (validation/model.py, report.py) and the forking code
# (validation/parallel.py).
COMPILED = (
    "src/platformctl/core/catalog/_validators/api.py",
    "src/platformctl/core/catalog/_validators/component.py",
    "src/platformctl/core/catalog/_validators/domain.py",
    "src/platformctl/core/catalog/_validators/entity.py",
    "src/platformctl/core/catalog/_validators/group.py",
    "src/platformctl/core/catalog/_validators/location.py",
    "src/platformctl/core/catalog/_validators/resource.py",
    "src/platformctl/core/catalog/_validators/system.py",
    "src/platformctl/core/catalog/_validators/template.py",
    "src/platformctl/core/catalog/_validators/user.py",
    "src/platformctl/core/catalog/refs.py",
    "src/platformctl/core/catalog/rules.py",
    "src/platformctl/core/catalog/validation/context.py",
    "src/platformctl/core/catalog/validation/entity.py",
    "src/platformctl/core/catalog/validation/kinds.py",
    "src/platformctl/core/catalog/validation/placeholders.py",
    "src/platformctl/core/catalog/validation/platform_checks.py",
    "src/platformctl/core/catalog/validation/policies.py",
    "src/platformctl/core/catalog/validation/reading.py",
    "src/platformctl/core/catalog/validation/relations.py",
    "src/platformctl/core/yamlread/fast.py",
)
GROUP = "platformctl_compiled"  # the shared library's name: platformctl_compiled__mypyc.*.so


class MypycBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        if os.environ.get("PLATFORMCTL_PURE_PYTHON") == "1":
            return
        self._build = tempfile.TemporaryDirectory(prefix="platformctl-mypyc-")
        try:
            built = self._compile(self._build.name)
        except Exception as exc:  # noqa: BLE001 - any failure: a pure-Python wheel
            if os.environ.get("PLATFORMCTL_REQUIRE_COMPILED") == "1":
                raise
            sys.stderr.write(
                f"warning: platformctl: compiling with mypyc failed ({exc}); building a "
                "pure-Python wheel (the same behaviour, catalog validate about 20% slower)\n"
            )
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        for path, target in built.items():
            build_data["force_include"][path] = target

    def _compile(self, work: str) -> dict[str, str]:
        """The extensions built from COMPILED: {built file: its path in the wheel}."""
        from mypyc.build import mypycify
        from setuptools import Distribution

        here = os.getcwd()
        os.chdir(self.root)  # mypy finds the modules' names from the src/ layout
        try:
            extensions = mypycify(
                list(COMPILED), opt_level="3", group_name=GROUP, target_dir=f"{work}/c"
            )
        finally:
            os.chdir(here)
        dist = Distribution({"name": "platformctl", "ext_modules": extensions})
        command = dist.get_command_obj("build_ext")
        command.build_lib = f"{work}/lib"  # type: ignore[attr-defined]
        command.build_temp = f"{work}/tmp"  # type: ignore[attr-defined]
        command.ensure_finalized()
        command.run()
        built = {}
        for path in glob.glob(f"{work}/lib/**/*.so", recursive=True) + glob.glob(
            f"{work}/lib/**/*.pyd", recursive=True
        ):
            built[path] = os.path.relpath(path, f"{work}/lib").replace(os.sep, "/")
        expected = len(COMPILED) + 1  # one per module and the shared library
        if len(built) != expected:
            raise RuntimeError(f"expected {expected} extension modules, mypyc built {len(built)}")
        return built

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        build = getattr(self, "_build", None)
        if build is not None:
            build.cleanup()
