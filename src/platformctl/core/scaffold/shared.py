"""Shared pieces of golden paths (DESIGN.md §7): written once, composed into every template.

A shared piece is a folder ``golden_paths/_shared/<piece>/`` next to the golden paths::

    _shared/gitops/
      piece.yml      requires: answers the including template must define (name, image, ...)
      copier.yml     questions the piece adds (appended to the template's copier.yml)
      template/      files laid over the template's _subdirectory (deploy/overlays/..., ...)
      include/       Jinja snippets a template pulls in with
                     {% include '_shared/gitops/include/<file>' %}

A golden path includes pieces by listing them in its copier.yml::

    _subdirectory: template
    _platformctl_shared: [gitops]

The *composed template* is the golden path folder plus, for each piece, its ``template/`` files
under the template's ``_subdirectory``, the whole piece under ``_shared/<piece>/`` (so Jinja
includes resolve inside copier's template root) and the piece's questions appended to
``copier.yml`` as one more YAML document.  It is what the release history snapshots
(``versions.build_history``), what the content digest covers (``versions.template_digest``), and
what copier renders when a template is rendered from its folder (``composed_template``).  A
piece's file may not replace a file of the template, nor a piece's question a template's
question: composition fails with a UsageError naming both.

Nothing here imports copier.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from platformctl.core import yamlio
from platformctl.core.errors import UsageError

SHARED_DIRNAME = "_shared"
SETTING = "_platformctl_shared"
PIECE_FILE = "piece.yml"
QUESTIONS_FILE = "copier.yml"
PIECE_TEMPLATE = "template"
_CONFIGS = ("copier.yml", "copier.yaml")
_SKIP_DIRS = frozenset({".git", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"})
_SKIP_SUFFIXES = (".pyc", ".pyo")


@dataclass(frozen=True)
class Entry:
    """One file of a composed template: copied from ``source`` or holding ``data``."""

    rel: str
    source: Path | None = None
    data: bytes | None = None

    def read_bytes(self) -> bytes:
        if self.data is not None:
            return self.data
        assert self.source is not None
        return self.source.read_bytes()

    @property
    def executable(self) -> bool:
        return self.source is not None and os.access(self.source, os.X_OK)


def walk(folder: Path) -> list[Path]:
    """Files of a folder, sorted by relative path, without caches and VCS metadata."""
    files: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        for filename in sorted(filenames):
            if filename.endswith(_SKIP_SUFFIXES):
                continue
            files.append(Path(dirpath) / filename)
    return sorted(files, key=lambda p: p.relative_to(folder).as_posix())


def _config_file(folder: Path) -> Path | None:
    for name in _CONFIGS:
        if (folder / name).is_file():
            return folder / name
    return None


def _settings(config: Path) -> dict[str, Any]:
    """Top-level keys of every YAML document of a copier.yml, merged like copier does."""
    loaded = yamlio.load_file(config)
    for problem in loaded.problems:
        if problem.severity == "error":
            raise yamlio.InputFileError(
                problem.message, file=str(config), line=problem.line, column=problem.column
            )
    merged: dict[str, Any] = {}
    for doc in loaded.documents:
        if isinstance(doc.data, dict):
            merged.update(doc.data)
    return merged


def pieces_of(folder: Path) -> list[str]:
    """The shared pieces a golden path folder includes (``_platformctl_shared`` in copier.yml)."""
    config = _config_file(folder)
    if config is None:
        return []
    value = _settings(config).get(SETTING)
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise UsageError(f"{config}: {SETTING} must be a list of shared piece names")
    return list(value)


def shared_root(folder: Path) -> Path:
    """Where the pieces of a golden path folder live: ``<folder>/../_shared``."""
    return folder.resolve().parent / SHARED_DIRNAME


def _piece_dir(folder: Path, piece: str) -> Path:
    if "/" in piece or "\\" in piece or piece in (".", "..") or piece.startswith("."):
        raise UsageError(f"invalid shared piece name {piece!r} in {folder}/copier.yml")
    path = shared_root(folder) / piece
    if not path.is_dir():
        raise UsageError(
            f"golden path {folder.name} includes shared piece {piece!r}, but {path} does not exist"
        )
    return path


def piece_requires(piece_dir: Path) -> list[str]:
    meta = piece_dir / PIECE_FILE
    if not meta.is_file():
        return []
    data = yamlio.expect_mapping(yamlio.load_one(meta, display=str(meta)), str(meta))
    requires = data.get("requires") or []
    if not isinstance(requires, list) or not all(isinstance(r, str) for r in requires):
        raise UsageError(f"{meta}: requires must be a list of answer names")
    return list(requires)


def composed_entries(folder: Path) -> list[Entry]:
    """The files of the composed template of ``folder`` (see the module docstring), sorted.

    A folder that includes no piece composes to exactly its own files."""
    own = {p.relative_to(folder).as_posix(): p for p in walk(folder)}
    pieces = pieces_of(folder)
    if not pieces:
        return [Entry(rel, source) for rel, source in own.items()]
    config = _config_file(folder)
    assert config is not None
    settings = _settings(config)
    subdirectory = settings.get("_subdirectory")
    if not isinstance(subdirectory, str) or not subdirectory.strip("/"):
        raise UsageError(
            f"{config}: a golden path that includes shared pieces needs _subdirectory "
            "(the pieces' own files must not land in generated projects)"
        )
    subdirectory = subdirectory.strip("/")
    questions = {k for k in settings if not k.startswith("_")}
    entries: dict[str, Entry] = {rel: Entry(rel, source) for rel, source in own.items()}
    config_text = config.read_text(encoding="utf-8")
    for piece in pieces:
        piece_dir = _piece_dir(folder, piece)
        missing = [name for name in piece_requires(piece_dir) if name not in questions]
        if missing:
            raise UsageError(
                f"golden path {folder.name} includes shared piece {piece!r} but does not "
                f"define {', '.join(missing)} in {config.name}"
            )
        piece_config = piece_dir / QUESTIONS_FILE
        if piece_config.is_file():
            added = _settings(piece_config)
            settings_in_piece = sorted(k for k in added if k.startswith("_"))
            if settings_in_piece:
                raise UsageError(
                    f"{piece_config}: a shared piece may only add questions, not copier "
                    f"settings ({', '.join(settings_in_piece)})"
                )
            clash = sorted(questions & set(added))
            if clash:
                raise UsageError(
                    f"question(s) {', '.join(clash)} of shared piece {piece!r} are also "
                    f"defined by {config}",
                    hint="remove them from the golden path: the piece defines them once",
                )
            questions |= set(added)
            text = piece_config.read_text(encoding="utf-8")
            config_text = (
                config_text.rstrip("\n")
                + f"\n---\n# Composed from {SHARED_DIRNAME}/{piece}/{QUESTIONS_FILE}\n"
                + text
            )
        for source in walk(piece_dir):
            rel = source.relative_to(piece_dir).as_posix()
            entries[f"{SHARED_DIRNAME}/{piece}/{rel}"] = Entry(
                f"{SHARED_DIRNAME}/{piece}/{rel}", source
            )
            if rel.startswith(PIECE_TEMPLATE + "/"):
                target = f"{subdirectory}/{rel[len(PIECE_TEMPLATE) + 1 :]}"
                if target in entries:
                    raise UsageError(
                        f"shared piece {piece!r} provides {target}, which golden path "
                        f"{folder.name} (or another piece) also has",
                        hint=f"delete {folder.name}/{target}: the piece's file is used",
                    )
                entries[target] = Entry(target, source)
    entries[config.name] = Entry(config.name, data=config_text.encode("utf-8"))
    return [entries[rel] for rel in sorted(entries)]


def digest(entries: list[Entry]) -> str:
    """Content digest of composed files: relative paths, exec bits and bytes."""
    sha = hashlib.sha256()
    for entry in entries:
        mode = "x" if entry.executable else "-"
        if entry.source is not None and entry.source.is_symlink():
            data = ("->" + os.readlink(entry.source)).encode()
            mode = "l"
        else:
            data = entry.read_bytes()
        sha.update(f"{entry.rel}\0{mode}\0{len(data)}\0".encode())
        sha.update(data)
    return sha.hexdigest()


def materialize(folder: Path, dst: Path) -> None:
    """Write the composed template of ``folder`` into the (new or empty) folder ``dst``."""
    for entry in composed_entries(folder):
        target = dst / entry.rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if entry.source is not None:
            shutil.copy2(entry.source, target, follow_symlinks=False)
        else:
            target.write_bytes(entry.read_bytes())


def composed_template(folder: Path) -> Path:
    """A folder copier can render: ``folder`` itself when it includes no piece, else its
    composed template, materialised once per content digest under the temporary directory."""
    folder = folder.resolve()
    if not pieces_of(folder):
        return folder
    entries = composed_entries(folder)
    key = digest(entries)[:20]
    user = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    cache = Path(tempfile.gettempdir()) / f"platformctl-composed-{user}"
    target = cache / f"{folder.name}-{key}"
    if (target / ".complete").is_file():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=cache))
    try:
        materialize(folder, work)
        (work / ".complete").write_text(key + "\n")
        try:
            os.replace(work, target)
        except OSError:  # another process won the race with the same content
            if not (target / ".complete").is_file():
                raise
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    return target
