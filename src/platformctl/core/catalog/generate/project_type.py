"""``spec.type`` from what the repository holds: service, website or library."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from platformctl.core.catalog.generate.model import (
    K8S_DIRS,
    K8S_KINDS,
    SERVER_DEPS_GO,
    SERVER_DEPS_JS,
    SERVER_DEPS_JVM,
    SERVER_DEPS_PY,
    WEBSITE_DEPS_JS,
    Inferred,
)


def _read(path: Path, limit: int = 1_000_000) -> str:
    try:
        with path.open("rb") as handle:
            return handle.read(limit).decode("utf-8", errors="replace")
    except OSError:
        return ""


def _package_json_deps(root: Path) -> set[str]:
    text = _read(root / "package.json")
    if not text:
        return set()
    try:
        data = json.loads(text)
    except ValueError:
        return set()
    deps: set[str] = set()
    for key in ("dependencies", "devDependencies", "peerDependencies"):
        section = data.get(key) if isinstance(data, dict) else None
        if isinstance(section, dict):
            deps.update(str(k) for k in section)
    return deps


_REQ_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _python_deps(root: Path) -> set[str]:
    names: list[str] = []
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(_read(pyproject))
        except (tomllib.TOMLDecodeError, ValueError):
            data = {}
        project = data.get("project") or {}
        names.extend(project.get("dependencies") or [])
        for extra in (project.get("optional-dependencies") or {}).values():
            names.extend(extra or [])
        poetry = ((data.get("tool") or {}).get("poetry") or {}).get("dependencies") or {}
        names.extend(poetry)
    for req in (
        "requirements.txt",
        "requirements.in",
        "requirements/base.txt",
        "requirements/prod.txt",
    ):
        names.extend(_read(root / req).splitlines())
    deps = set()
    for entry in names:
        match = _REQ_NAME.match(str(entry))
        if match:
            deps.add(match.group(1).lower().replace("_", "-"))
    return deps


def _k8s_manifests(root: Path) -> str | None:
    for folder in K8S_DIRS:
        if (root / folder).is_dir():
            return f"{folder}/"
    for path in sorted(root.glob("*.y*ml"))[:50]:
        if path.suffix in (".yaml", ".yml") and K8S_KINDS.search(_read(path, 200_000)):
            return path.name
    return None


def infer_type(root: Path) -> Inferred:
    for name in ("Dockerfile", "Containerfile"):
        if (root / name).is_file():
            return Inferred("service", f"{name} found")
    manifests = _k8s_manifests(root)
    if manifests:
        return Inferred("service", f"Kubernetes manifests ({manifests})")
    py = _python_deps(root) & SERVER_DEPS_PY
    if py:
        return Inferred("service", f"server framework dependency ({sorted(py)[0]})")
    js_deps = _package_json_deps(root)
    js = js_deps & SERVER_DEPS_JS
    if js:
        return Inferred("service", f"server framework dependency ({sorted(js)[0]})")
    gomod = _read(root / "go.mod")
    for dep in SERVER_DEPS_GO:
        if dep in gomod:
            return Inferred("service", f"server framework dependency ({dep})")
    jvm = _read(root / "pom.xml") + _read(root / "build.gradle") + _read(root / "build.gradle.kts")
    for dep in SERVER_DEPS_JVM:
        if dep in jvm:
            return Inferred("service", f"server framework dependency ({dep})")
    web = js_deps & WEBSITE_DEPS_JS
    if web:
        return Inferred("website", f"package.json depends on {sorted(web)[0]}")
    for index in ("index.html", "public/index.html", "src/index.html"):
        if (root / index).is_file():
            return Inferred("website", f"{index} found")
    return Inferred("library", "no service or website markers found")
