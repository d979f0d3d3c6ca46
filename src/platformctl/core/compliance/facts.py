"""Facts about one checkout, read lazily and at most once per run.

Every check reads the repository through a ``Facts`` object.  Each file is read from disk at
most once (``reads`` counts them, a test holds us to it); parsed forms (YAML documents, JSON,
TOML, the catalog entity, the Dockerfile, workflow files, Kubernetes manifests) are derived from
the cached bytes and cached in turn.  Listing the files uses ``git ls-files`` when the folder is
a git work tree (only tracked files), otherwise a walk that skips the usual heavy folders.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from platformctl.core import yamlio

# Folders never walked when the checkout is not a git work tree.
SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        ".venv",
        "venv",
        "__pycache__",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        "dist",
        "build",
        ".eggs",
        "site",
    }
)
CATALOG_FILES = ("catalog-info.yaml", "catalog-info.yml")
MAX_FILE_BYTES = 2 * 1024 * 1024


@dataclass
class Entity:
    """The repository's own catalog entity (the first Component in catalog-info.yaml)."""

    file: str
    document: yamlio.Document

    @property
    def data(self) -> dict[str, Any]:
        return self.document.data if isinstance(self.document.data, dict) else {}

    @property
    def metadata(self) -> dict[str, Any]:
        value = self.data.get("metadata")
        return value if isinstance(value, dict) else {}

    @property
    def spec(self) -> dict[str, Any]:
        value = self.data.get("spec")
        return value if isinstance(value, dict) else {}

    @property
    def annotations(self) -> dict[str, Any]:
        value = self.metadata.get("annotations")
        return value if isinstance(value, dict) else {}

    @property
    def links(self) -> list[dict[str, Any]]:
        value = self.metadata.get("links")
        return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []

    @property
    def ref(self) -> str:
        kind = str(self.data.get("kind") or "Component")
        ns = str(self.metadata.get("namespace") or "default")
        return f"{kind.lower()}:{ns}/{self.metadata.get('name', '')}"

    def line(self, path: tuple[Any, ...]) -> int:
        return self.document.position(path)[0]


@lru_cache(maxsize=256)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob with ``**`` (any number of folders), ``*`` (within one folder), ``?``, ``[...]``."""
    i, n, out = 0, len(pattern), []
    while i < n:
        c = pattern[i]
        if c == "*":
            if pattern[i : i + 3] == "**/":
                out.append("(?:.*/)?")
                i += 3
                continue
            if pattern[i : i + 2] == "**":
                out.append(".*")
                i += 2
                continue
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = pattern.find("]", i)
            if j == -1:
                out.append(re.escape(c))
            else:
                out.append("[" + pattern[i + 1 : j].replace("!", "^", 1) + "]")
                i = j
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out) + r"\Z")


def glob_match(path: str, pattern: str) -> bool:
    return bool(_glob_regex(pattern).match(path))


def is_glob(pattern: str) -> bool:
    return any(ch in pattern for ch in "*?[")


@dataclass
class Facts:
    root: Path
    reads: Counter[str] = field(default_factory=Counter)
    _bytes: dict[str, bytes | None] = field(default_factory=dict)
    _parsed: dict[tuple[str, str], Any] = field(default_factory=dict)
    _files: list[str] | None = None
    _tracked: bool | None = None
    _untracked: set[str] = field(default_factory=set)
    extra: dict[str, Any] = field(default_factory=dict)

    def setting(self, key: str, default: Any = None) -> Any:
        """A platform setting (``settings:`` of platform.yaml, the user config or the
        repository, ``config show`` lists them); the run hands the lookup in as
        ``extra["settings"]``.  ``default`` when it is unset or no lookup was given."""
        lookup = self.extra.get("settings")
        value = lookup(key) if callable(lookup) else None
        return default if value is None else value

    # --- files -------------------------------------------------------------------------------

    def _git_files(self) -> list[str] | None:
        """Tracked files plus untracked files git does not ignore (``-t`` tags tell them
        apart: untracked ones are remembered so the secret scan can skip them)."""
        if not (self.root / ".git").exists() and not _inside_git(self.root):
            return None
        try:
            proc = subprocess.run(
                [
                    "git",
                    "-c",
                    "core.quotepath=off",
                    "ls-files",
                    "-z",
                    "-t",
                    "--cached",
                    "--others",
                    "--exclude-standard",
                ],
                cwd=self.root,
                capture_output=True,
                check=False,
                timeout=60,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        if proc.returncode != 0:
            return None
        names: list[str] = []
        untracked: set[str] = set()
        seen: set[str] = set()
        for entry in proc.stdout.decode("utf-8", "surrogateescape").split("\0"):
            if len(entry) < 3:
                continue
            tag, name = entry[0], entry[2:]
            if name in seen:
                continue
            seen.add(name)
            if tag == "?":
                untracked.add(name)
            names.append(name)
        self._untracked = untracked
        return names

    def _walk_files(self) -> list[str]:
        out: list[str] = []
        stack = [""]
        while stack:
            rel = stack.pop()
            try:
                entries = os.scandir(self.root / rel if rel else self.root)
            except OSError:
                continue
            with entries:
                for entry in entries:
                    name = entry.name
                    path = f"{rel}/{name}" if rel else name
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            if name not in SKIP_DIRS:
                                stack.append(path)
                        elif entry.is_file(follow_symlinks=False):
                            out.append(path)
                    except OSError:
                        continue
        out.sort()
        return out

    def files(self) -> list[str]:
        """Every file of the checkout (git-tracked files in a git work tree), '/'-separated."""
        if self._files is None:
            listed = self._git_files()
            self._tracked = listed is not None
            self._files = listed if listed is not None else self._walk_files()
        return self._files

    @property
    def tracked(self) -> bool:
        """True in a git work tree (files() then comes from git ls-files)."""
        self.files()
        return bool(self._tracked)

    def tracked_files(self) -> list[str]:
        """Files git tracks (every file outside a git work tree)."""
        files = self.files()
        if not self._untracked:
            return files
        return [f for f in files if f not in self._untracked]

    def glob(self, patterns: str | Iterable[str]) -> list[str]:
        """Files matching any pattern; plain names are looked up directly (no listing)."""
        if isinstance(patterns, str):
            patterns = [patterns]
        found: list[str] = []
        seen: set[str] = set()
        globs: list[str] = []
        for pattern in patterns:
            if is_glob(pattern):
                globs.append(pattern)
            elif pattern not in seen and self.is_file(pattern):
                seen.add(pattern)
                found.append(pattern)
        if globs:
            regexes = [_glob_regex(p) for p in globs]
            prefixes = {_static_prefix(p) for p in globs}
            candidates = self._candidates(prefixes)
            if "" not in prefixes:
                starts = tuple(f"{p}/" for p in prefixes)
                candidates = [n for n in candidates if n.startswith(starts)]
            for name in candidates:
                if name not in seen and any(r.match(name) for r in regexes):
                    seen.add(name)
                    found.append(name)
        return found

    def _candidates(self, prefixes: set[str]) -> Iterable[str]:
        """Files under the static folder prefixes of the globs: a small walk rather than the
        whole listing when every glob is anchored in a folder (``.github/workflows/*.yml``)."""
        if "" in prefixes or self._files is not None:
            return self.files()
        out: list[str] = []
        for prefix in sorted(prefixes):
            base = self.root / prefix
            if not base.is_dir():
                continue
            for dirpath, dirnames, filenames in os.walk(base):
                dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
                rel = os.path.relpath(dirpath, self.root).replace(os.sep, "/")
                out.extend(f"{rel}/{f}" for f in filenames)
        if self.tracked:  # only tracked files count in a git work tree
            listed = set(self.files())
            out = [f for f in out if f in listed]
        return sorted(set(out))

    def is_file(self, rel: str) -> bool:
        if rel in self._bytes:
            return self._bytes[rel] is not None
        return (self.root / rel).is_file()

    def exists(self, rel: str) -> bool:
        return self.is_file(rel) or (self.root / rel).is_dir()

    # --- reading (each file once) -----------------------------------------------------------

    def read_bytes(self, rel: str, *, max_bytes: int = MAX_FILE_BYTES) -> bytes | None:
        """The file's bytes, or None when missing, unreadable or larger than ``max_bytes``."""
        try:
            data = self._bytes[rel]
        except KeyError:
            data = self._read(rel)
            self._bytes[rel] = data
        return data if data is None or len(data) <= max_bytes else None

    def _read(self, rel: str) -> bytes | None:
        # Plain os calls: this runs once per file of the repository (the secret scan).
        try:
            with open(os.path.join(self._root_text, rel), "rb") as handle:
                if os.fstat(handle.fileno()).st_size > MAX_FILE_BYTES:
                    return None
                self.reads[rel] += 1
                data = handle.read()
        except OSError:
            return None
        return None if len(data) > MAX_FILE_BYTES else data

    @property
    def _root_text(self) -> str:
        return str(self.root)

    def text(self, rel: str) -> str | None:
        """UTF-8 text of the file, or None when missing or binary."""
        key = (rel, "text")
        if key in self._parsed:
            return self._parsed[key]
        data = self.read_bytes(rel)
        text: str | None = None
        if data is not None and b"\0" not in data[:8192]:
            text = data.decode("utf-8", "replace")
            if text.startswith("\ufeff"):
                text = text[1:]
        self._parsed[key] = text
        return text

    def yaml(self, rel: str) -> yamlio.LoadedFile | None:
        """Every document of a YAML file (None when the file is missing)."""
        key = (rel, "yaml")
        if key not in self._parsed:
            data = self.read_bytes(rel)
            self._parsed[key] = None if data is None else yamlio.load_bytes(data, rel)
        return self._parsed[key]

    def yaml_data(self, rel: str) -> list[Any]:
        loaded = self.yaml(rel)
        return [d.data for d in loaded.documents if not d.empty] if loaded else []

    def json(self, rel: str) -> Any:
        key = (rel, "json")
        if key not in self._parsed:
            text = self.text(rel)
            value = None
            if text is not None:
                try:
                    value = json.loads(text)
                except ValueError:
                    value = None
            self._parsed[key] = value
        return self._parsed[key]

    def toml(self, rel: str) -> dict[str, Any] | None:
        key = (rel, "toml")
        if key not in self._parsed:
            text = self.text(rel)
            value = None
            if text is not None:
                import tomllib

                try:
                    value = tomllib.loads(text)
                except tomllib.TOMLDecodeError:
                    value = None
            self._parsed[key] = value
        return self._parsed[key]

    def ini(self, rel: str) -> Any:
        key = (rel, "ini")
        if key not in self._parsed:
            text = self.text(rel)
            value = None
            if text is not None:
                import configparser

                parser = configparser.ConfigParser(interpolation=None, strict=False)
                try:
                    parser.read_string(text, rel)
                    value = parser
                except configparser.Error:
                    value = None
            self._parsed[key] = value
        return self._parsed[key]

    def cached(self, key: tuple[str, str], build: Any) -> Any:
        """Memoise a derived fact (``build()`` runs once per run)."""
        if key not in self._parsed:
            self._parsed[key] = build()
        return self._parsed[key]

    # --- the catalog entity -----------------------------------------------------------------

    def catalog_file(self) -> str | None:
        for name in CATALOG_FILES:
            if self.is_file(name):
                return name
        return None

    def entity(self) -> Entity | None:
        """The first Component in catalog-info.yaml (or the first entity if none is a
        Component); None when there is no readable catalog file."""

        def build() -> Entity | None:
            name = self.catalog_file()
            if name is None:
                return None
            loaded = self.yaml(name)
            if loaded is None:
                return None
            docs = [d for d in loaded.documents if isinstance(d.data, dict)]
            for doc in docs:
                if doc.data.get("kind") == "Component":
                    return Entity(name, doc)
            return Entity(name, docs[0]) if docs else None

        return self.cached(("<catalog>", "entity"), build)


def _static_prefix(pattern: str) -> str:
    parts = pattern.split("/")
    static = []
    for part in parts[:-1]:
        if is_glob(part):
            break
        static.append(part)
    return "/".join(static)


def _inside_git(root: Path) -> bool:
    current = root.resolve()
    return any((folder / ".git").exists() for folder in (current, *current.parents))
