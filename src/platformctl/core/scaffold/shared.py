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

A piece may offer *options*: variants of some of its files, chosen by the including golden
path (``_platformctl_shared_options: {gitops: {workload: cronjob}}``).  Each value of an option
is a folder ``options/<option>/<value>/`` of the piece holding ``option.yml`` (``description``,
``drop``: globs of the piece's own files the value does without) and files laid over the
piece's own (``template/...``, ``include/...``; same path = replaced).  Without a choice the
piece composes from its own files only: ``options/`` is never part of the composed template,
so adding an option changes nothing for a golden path that does not choose it.

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

import fnmatch
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
OPTIONS_SETTING = "_platformctl_shared_options"
PIECE_FILE = "piece.yml"
OPTIONS_DIRNAME = "options"
OPTION_FILE = "option.yml"
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


def options_of(folder: Path) -> dict[str, dict[str, str]]:
    """The option values a golden path folder chooses per piece
    (``_platformctl_shared_options`` in copier.yml): ``{piece: {option: value}}``."""
    config = _config_file(folder)
    if config is None:
        return {}
    value = _settings(config).get(OPTIONS_SETTING)
    if value is None:
        return {}
    problem = f"{config}: {OPTIONS_SETTING} must map piece names to {{option: value}} mappings"
    if not isinstance(value, dict):
        raise UsageError(problem)
    chosen: dict[str, dict[str, str]] = {}
    for piece, options in value.items():
        if not isinstance(piece, str) or not isinstance(options, dict):
            raise UsageError(problem)
        if not all(
            isinstance(k, str) and isinstance(v, str) and k and v for k, v in options.items()
        ):
            raise UsageError(problem)
        chosen[piece] = dict(options)
    unknown = sorted(set(chosen) - set(pieces_of(folder)))
    if unknown:
        raise UsageError(
            f"{config}: {OPTIONS_SETTING} chooses options of {', '.join(unknown)}, which "
            f"{SETTING} does not include"
        )
    return chosen


def _safe_name(value: str) -> bool:
    return bool(value) and "/" not in value and "\\" not in value and not value.startswith(".")


def piece_files(piece_dir: Path, options: dict[str, str] | None = None) -> dict[str, Path]:
    """The files of a piece with the chosen option values applied: ``{rel: source}``.

    The piece's own files (without ``options/``), less what each chosen value drops, with the
    value's files laid over them."""
    files = {
        p.relative_to(piece_dir).as_posix(): p
        for p in walk(piece_dir)
        if not p.relative_to(piece_dir).as_posix().startswith(OPTIONS_DIRNAME + "/")
    }
    for option, value in sorted((options or {}).items()):
        base = piece_dir / OPTIONS_DIRNAME
        if not (_safe_name(option) and _safe_name(value)):
            raise UsageError(f"invalid option {option}={value} of shared piece {piece_dir.name!r}")
        folder = base / option / value
        if not (folder / OPTION_FILE).is_file():
            known = (
                sorted(p.parent.name for p in (base / option).glob(f"*/{OPTION_FILE}"))
                if (base / option).is_dir()
                else []
            )
            raise UsageError(
                f"shared piece {piece_dir.name!r} has no option {option}={value}",
                hint=(
                    f"choose one of: {', '.join(known)}"
                    if known
                    else f"the piece has no option {option!r}"
                ),
            )
        meta = yamlio.expect_mapping(
            yamlio.load_one(folder / OPTION_FILE, display=str(folder / OPTION_FILE)),
            str(folder / OPTION_FILE),
        )
        drop = meta.get("drop") or []
        if not isinstance(drop, list) or not all(isinstance(d, str) for d in drop):
            raise UsageError(f"{folder / OPTION_FILE}: drop must be a list of globs")
        for pattern in drop:
            matched = [rel for rel in files if fnmatch.fnmatchcase(rel, pattern)]
            if not matched:
                raise UsageError(
                    f"{folder / OPTION_FILE}: drop pattern {pattern!r} matches no file of the piece"
                )
            for rel in matched:
                del files[rel]
        for source in walk(folder):
            rel = source.relative_to(folder).as_posix()
            if rel != OPTION_FILE:
                files[rel] = source
    return dict(sorted(files.items()))


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
    chosen = options_of(folder)
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
        for rel, source in piece_files(piece_dir, chosen.get(piece)).items():
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
