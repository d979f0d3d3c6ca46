"""The golden-path registry: ``golden_paths/index.yaml`` plus what a platform adds or replaces.

Embedded golden paths ship inside platformctl (``golden_paths/<name>/`` + ``index.yaml``).  The
innermost platform (``Config.platforms[-1]``) may name its own golden paths in ``platform.yaml``::

    golden_paths: ./golden-paths            # a folder (relative to platform.yaml) with index.yaml
    # or
    golden_paths:
      source: https://git.example.com/platform/golden-paths.git   # a folder or a git URL
      ref: main                              # for a git URL: branch or tag to read index.yaml from
      embedded: false                        # hide the embedded golden paths (default: true)

Entries of the platform's index replace embedded entries of the same name, and add the rest.
Reading the registry imports neither copier nor git (unless the platform index is a git URL).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platformctl.core import resources, yamlio
from platformctl.core.errors import InputFileError, UsageError

if TYPE_CHECKING:
    from platformctl.core.config import Config

INDEX = "index.yaml"
NAME_RE = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")


def embedded_root() -> Path:
    """Folder of the embedded golden paths (tests point this at fixtures)."""
    return resources.golden_paths_dir()


@dataclass(frozen=True)
class GoldenPath:
    name: str
    title: str
    description: str
    version: str | None
    tags: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    folder: Path | None = None  # local copier template folder (holds copier.yml)
    src: str | None = None  # copier source when the template is a git repository of its own
    origin: str = "embedded"  # "embedded" or the platform's name
    embedded: bool = True
    next_steps: tuple[str, ...] = ()
    index_file: str | None = None
    golden_root: Path | None = None  # folder holding the index (for embedded: the history)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "version": self.version,
            "tags": list(self.tags),
            "aliases": list(self.aliases),
            "origin": self.origin,
            "source": self.src or (str(self.folder) if self.folder else None),
        }


@dataclass
class Registry:
    paths: dict[str, GoldenPath] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)

    def entries(self) -> list[GoldenPath]:
        return [self.paths[name] for name in sorted(self.paths)]

    def names(self) -> list[str]:
        return sorted(self.paths)

    def get(self, name: str) -> GoldenPath | None:
        name = self.aliases.get(name, name)
        return self.paths.get(name)

    def resolve(self, name: str) -> GoldenPath:
        found = self.get(name)
        if found is None:
            available = ", ".join(self.names()) or "(none)"
            raise UsageError(
                f"unknown golden path {name!r}",
                hint=f"available golden paths: {available} (see platformctl new --list)",
            )
        return found

    def find_by_source(self, src: str) -> GoldenPath | None:
        for path in self.paths.values():
            if path.src and path.src == src:
                return path
            if path.folder and src and Path(src).expanduser() == path.folder:
                return path
        return None


def _str_list(
    value: Any, doc: yamlio.Document, where: tuple[Any, ...], file: str
) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return tuple(str(v) for v in value)
    line, column = doc.position(where)
    raise InputFileError(
        f"{'.'.join(map(str, where))} must be a list of strings",
        file=file,
        line=line,
        column=column,
    )


def parse_index(
    index_file: Path, *, origin: str, embedded: bool, base: Path | None = None
) -> tuple[list[GoldenPath], dict[str, str]]:
    """Read one index.yaml: its golden paths and aliases (InputFileError with file:line)."""
    display = str(index_file)
    doc = yamlio.load_one(index_file, display=display)
    data = yamlio.expect_mapping(doc, display)
    base = base or index_file.parent
    entries = data.get("golden_paths")
    if entries is None:
        entries = []
    if not isinstance(entries, list):
        line, column = doc.position(("golden_paths",))
        raise InputFileError("golden_paths must be a list", file=display, line=line, column=column)
    paths: list[GoldenPath] = []
    aliases: dict[str, str] = {}
    for i, entry in enumerate(entries):
        where = ("golden_paths", i)
        if not isinstance(entry, dict):
            line, column = doc.position(where)
            raise InputFileError(
                "each golden path must be a mapping", file=display, line=line, column=column
            )
        name = entry.get("name")
        if not isinstance(name, str) or not NAME_RE.match(name):
            line, column = doc.position((*where, "name"))
            raise InputFileError(
                f"golden path name {name!r} must be a lowercase DNS label",
                file=display,
                line=line,
                column=column,
            )
        src = entry.get("src")
        folder: Path | None = None
        if src is None:
            rel = str(entry.get("path") or name)
            folder = (base / rel).resolve()
            if not (folder / "copier.yml").is_file() and not (folder / "copier.yaml").is_file():
                if embedded:
                    # An embedded entry whose template is not there (yet): skip it quietly.
                    continue
                line, column = doc.position((*where, "path") if "path" in entry else where)
                raise InputFileError(
                    f"golden path {name!r}: {folder} has no copier.yml",
                    file=display,
                    line=line,
                    column=column,
                )
        version = entry.get("version")
        own_aliases = _str_list(entry.get("aliases"), doc, (*where, "aliases"), display)
        path = GoldenPath(
            name=name,
            title=str(entry.get("title") or name),
            description=str(entry.get("description") or "").strip(),
            version=None if version is None else str(version),
            tags=_str_list(entry.get("tags"), doc, (*where, "tags"), display),
            aliases=own_aliases,
            folder=folder,
            src=str(src) if src is not None else None,
            origin=origin,
            embedded=embedded,
            next_steps=_str_list(entry.get("next_steps"), doc, (*where, "next_steps"), display),
            index_file=display,
            golden_root=index_file.parent,
        )
        paths.append(path)
        for alias in own_aliases:
            aliases[alias] = name
    extra = data.get("aliases") or {}
    if isinstance(extra, dict):
        aliases.update({str(k): str(v) for k, v in extra.items()})
    return paths, aliases


def _platform_source(config: Config) -> tuple[Path, str, bool] | None:
    """(index folder, platform name, keep embedded) of the innermost platform, if it has one."""
    if not config.platforms:
        return None
    platform = config.platforms[-1]
    if platform.embedded:
        return None
    spec = platform.data.get("golden_paths")
    if spec is None:
        return None
    manifest = str(platform.root / "platform.yaml")
    keep_embedded = True
    ref = None
    if isinstance(spec, dict):
        location = spec.get("source") or spec.get("path") or spec.get("url")
        keep_embedded = spec.get("embedded", True) is not False
        ref = spec.get("ref")
    else:
        location = spec
    if not isinstance(location, str) or not location:
        line = column = None
        if platform.document is not None:
            line, column = platform.document.position(("golden_paths",))
        raise InputFileError(
            "golden_paths must be a folder, a git URL, or a mapping with 'source'",
            file=manifest,
            line=line,
            column=column,
        )
    if "://" in location or location.startswith("git@"):
        from platformctl.core import vcs

        folder = vcs.cached_clone(location, ref=str(ref) if ref else None)
    else:
        folder = (platform.root / location).expanduser().resolve()
    if not (folder / INDEX).is_file():
        raise UsageError(
            f"golden path folder {folder} of platform {platform.name!r} has no {INDEX}",
            hint=f"fix golden_paths in {manifest}",
        )
    return folder, platform.name, keep_embedded


def load_registry(config: Config | None = None, *, root: Path | None = None) -> Registry:
    """Embedded golden paths, then the innermost platform's additions and replacements."""
    registry = Registry()
    platform = _platform_source(config) if config is not None else None
    keep_embedded = platform is None or platform[2]
    if keep_embedded:
        root = root or embedded_root()
        index = root / INDEX
        if index.is_file():
            paths, aliases = parse_index(index, origin="embedded", embedded=True)
            for path in paths:
                registry.paths[path.name] = path
            registry.aliases.update(aliases)
    if platform is not None:
        folder, name, _ = platform
        paths, aliases = parse_index(folder / INDEX, origin=name, embedded=False)
        for path in paths:
            registry.paths[path.name] = path
            # A replaced golden path's old aliases now lead to the replacement.
        registry.aliases.update(aliases)
    registry.aliases = {a: n for a, n in registry.aliases.items() if n in registry.paths}
    return registry
