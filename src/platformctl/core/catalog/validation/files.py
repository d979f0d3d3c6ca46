"""Which files ``catalog validate`` reads: catalog files found under folders (respecting
``.gitignore``), and how each is named in findings."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from platformctl.core.catalog.validation.model import CATALOG_FILENAMES, CATALOG_SUFFIX, SKIP_DIRS


def display_name(path: Path | str, base: Path, prefix: str | None = None) -> str:
    """``path`` relative to ``base`` (``prefix`` = ``str(base) + os.sep``, a fast path for
    the common case of files under ``base``)."""
    text = str(path)
    if prefix and text.startswith(prefix) and ".." not in text:
        return text[len(prefix) :]
    try:
        return os.path.relpath(path, base)
    except ValueError:  # pragma: no cover - other drive on Windows
        return text


def discover(root: Path) -> list[Path]:
    """Catalog files under ``root``: catalog-info.yaml/.yml and *.catalog.yaml, respecting
    .gitignore inside a git work tree (via ``git ls-files``), else skipping .git/node_modules/
    .venv.  Sorted as paths are (part by part), as paths under ``root``."""
    return [root / name for name in _catalog_names(Path(root))]


def _catalog_names(root: Path) -> list[str]:
    """``discover`` on strings (a Path per listed file, its set and its sort were half the
    search's time on a 2,000-file tree): names relative to ``root``, sorted part by part."""
    names = git_files(root)
    listed_by_git = names is not None
    if names is None:
        names = walk_files(root)  # only files: no stat each
    top = os.fspath(root)
    found = {
        n
        for n in names
        if (base := n.rpartition(os.sep)[2]) in CATALOG_FILENAMES or base.endswith(CATALOG_SUFFIX)
    }
    for n in names:
        # git lists an untracked nested repository as one "folder/" entry: search it too
        if n.endswith("/") and os.path.basename(n.rstrip("/")) not in SKIP_DIRS:
            found.update(os.path.join(n, inner) for inner in _catalog_names(root / n))
    return sorted(
        # git also lists tracked files deleted from the work tree
        (n for n in found if not listed_by_git or os.path.isfile(os.path.join(top, n))),
        key=lambda n: n.split(os.sep),
    )


def walk_files(root: Path) -> list[str]:
    """Files (or symlinks to files) under ``root`` outside a git work tree: SKIP_DIRS are
    skipped and ``.gitignore`` files are still honoured (an unpacked archive or a copy
    without ``.git``)."""
    names: list[str] = []
    ignores: list[tuple[str, Any]] = []  # (folder relative to root, its .gitignore spec)
    top = os.fspath(root)
    for folder, dirs, files in _walk(top):
        # os.walk joins names onto ``top``: cut it off (os.path.relpath was a third of the walk)
        rel = folder[len(top) :].lstrip(os.sep)
        if ".gitignore" in files:
            spec = gitignore_spec(Path(folder) / ".gitignore")
            if spec is not None:
                ignores.append((rel, spec))

        def ignored(name: str, is_dir: bool, rel: str = rel) -> bool:
            path = os.path.join(rel, name) if rel else name
            for base, spec in ignores:
                if base and not path.startswith(base + os.sep):
                    continue
                inner = path[len(base) + 1 :] if base else path
                if spec.match_file(inner.replace(os.sep, "/") + ("/" if is_dir else "")):
                    return True
            return False

        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not ignored(d, True))
        for f in files:
            if not ignores or not ignored(f, False):
                names.append(os.path.join(rel, f) if rel else f)
    return names


def _walk(top: str) -> Iterator[tuple[str, list[str], list[str]]]:
    """``os.walk(top)`` (top-down, symlinked folders listed but not entered), telling
    symlinks from the directory entries instead of an ``os.path.islink`` call (one
    ``lstat``) per folder; only files (or symlinks to files) are listed as files, told from
    the entries' types (no ``stat`` each, except for symlinks)."""
    dirs: list[str] = []
    files: list[str] = []
    links: set[str] = set()
    try:
        with os.scandir(top) as entries:
            for entry in entries:
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                if is_dir:
                    dirs.append(entry.name)
                    try:
                        if entry.is_symlink():
                            links.add(entry.name)
                    except OSError:
                        links.add(entry.name)
                else:
                    try:
                        if entry.is_file():
                            files.append(entry.name)
                    except OSError:
                        pass
    except OSError:
        return
    yield top, dirs, files
    for name in dirs:
        if name not in links:
            yield from _walk(os.path.join(top, name))


def gitignore_spec(path: Path) -> Any:
    try:
        import pathspec  # a dependency of copier

        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        return pathspec.GitIgnoreSpec.from_lines(lines)
    except (ImportError, OSError, ValueError):
        return None


def git_files(root: Path) -> list[str] | None:
    try:
        inside = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--is-inside-work-tree"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        if inside.returncode != 0 or inside.stdout.strip() != "true":
            return None
        listed = subprocess.run(
            [
                "git",
                "-C",
                str(root),
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if listed.returncode != 0:
        return None
    return [n for n in listed.stdout.split("\0") if n]


def expand_paths(paths: list[Path]) -> list[Path]:
    """Directories are searched with ``discover``; files are taken as given (even if their
    name is not a catalog file name); missing paths stay in the list and are reported."""
    out: list[Path] = []
    seen: set[str] = set()  # as Path equality has it (hashing a Path per file costs more)
    for path in paths:
        candidates = discover(path) if Path(path).is_dir() else [Path(path)]
        for candidate in candidates:
            key = os.path.normcase(str(candidate))
            if key not in seen:
                seen.add(key)
                out.append(candidate)
    return out
