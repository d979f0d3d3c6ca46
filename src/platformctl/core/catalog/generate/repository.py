"""What the repository says about itself: its git remote, the default owner in CODEOWNERS,
the name and description in its own manifests (pyproject.toml, package.json, go.mod)."""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from platformctl.core.catalog.generate.model import CODEOWNERS_PATHS, Inferred
from platformctl.core.catalog.generate.names import sanitize_name
from platformctl.core.catalog.generate.project_type import _read


@dataclass(frozen=True)
class Remote:
    host: str
    path: str  # owner/repo (or group/subgroup/repo)

    @property
    def repo(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def is_github(self) -> bool:
        return self.host == "github.com" or self.host.startswith("github.")


def parse_remote(url: str) -> Remote | None:
    """``git@host:owner/repo.git``, ``ssh://git@host[:port]/owner/repo``, ``https://host/owner/repo``."""
    text = url.strip()
    match = re.match(r"^(?:[\w.+-]+://)(?:[^@/]+@)?([^/:]+)(?::\d+)?/(.+?)/*$", text)
    if not match:
        match = re.match(r"^(?:[^@/]+@)?([^/:]+):(?!/)(.+?)/*$", text)
    if not match:
        return None
    host, path = match.group(1).lower(), match.group(2)
    path = path.removesuffix(".git").strip("/")
    if "/" not in path:
        return None
    return Remote(host, path)


def _remote_url(root: Path) -> str | None:
    from platformctl.core import vcs

    return vcs.remote_url(root)


# --- CODEOWNERS ------------------------------------------------------------------------------


def owner_from_codeowners(root: Path) -> Inferred | None:
    for relative in CODEOWNERS_PATHS:
        path = root / relative
        if not path.is_file():
            continue
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        default: list[str] | None = None
        first: list[str] | None = None
        for line in lines:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            pattern, *owners = line.split()
            if not owners:
                continue
            if first is None:
                first = owners
            if pattern in ("*", "/*", "/", "**", "/**"):
                default = owners  # the last matching rule wins, as on GitHub
        chosen = default or first
        if chosen:
            owner = _owner_ref(chosen[0])
            if owner:
                return Inferred(owner, f"{relative} ({chosen[0]})")
    return None


def _owner_ref(token: str) -> str | None:
    token = token.strip()
    if token.startswith("@") and "/" in token:
        name = sanitize_name(token.rsplit("/", 1)[1])
        return name or None
    if token.startswith("@"):
        name = sanitize_name(token[1:])
        return f"user:{name}" if name else None
    if "@" in token:  # an e-mail address
        name = sanitize_name(token.split("@", 1)[0])
        return f"user:{name}" if name else None
    return None


# --- the project's own manifest ---------------------------------------------------------------


@dataclass(frozen=True)
class Manifest:
    name: str | None
    description: str | None
    source: str  # e.g. "pyproject.toml [project]"


def read_manifests(root: Path) -> list[Manifest]:
    """Name and description the repository already declares, most specific first."""
    found: list[Manifest] = []
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(_read(pyproject))
        except (tomllib.TOMLDecodeError, ValueError):
            data = {}
        poetry = (data.get("tool") or {}).get("poetry") if isinstance(data, dict) else None
        for table, label in ((data.get("project"), "[project]"), (poetry, "[tool.poetry]")):
            if isinstance(table, dict) and (table.get("name") or table.get("description")):
                found.append(
                    Manifest(
                        _text(table.get("name")),
                        _text(table.get("description")),
                        f"pyproject.toml {label}",
                    )
                )
    package = root / "package.json"
    if package.is_file():
        try:
            package_data: Any = json.loads(_read(package))
        except ValueError:
            package_data = None
        if isinstance(package_data, dict):
            name = _text(package_data.get("name"))
            if name and name.startswith("@") and "/" in name:
                name = name.split("/", 1)[1]
            description = _text(package_data.get("description"))
            found.append(Manifest(name, description, "package.json"))
    gomod = _read(root / "go.mod")
    match = re.search(r"^module\s+(\S+)", gomod, re.M)
    if match:
        parts = [p for p in match.group(1).strip('"').split("/") if p]
        if len(parts) > 1 and re.fullmatch(r"v[0-9]+", parts[-1]):
            parts.pop()  # github.com/acme/orders/v2: the major version is not the name
        if parts:
            found.append(Manifest(parts[-1], None, "go.mod module"))
    return found


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    return None
