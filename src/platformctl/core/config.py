"""Layered configuration (DESIGN.md §4), every value with the place it came from.

Layers, lowest first:
  1. the embedded default platform (``platformctl/defaults/platform.yaml``)
  2. a platform folder named by ``PLATFORMCTL_PLATFORM`` or ``platform:`` in the user config
  3. the user config (``$XDG_CONFIG_HOME/platformctl/config.yaml``), its ``settings:`` block
  4. the repository file ``.platformctl.yaml`` (found upwards from the working directory)
  5. environment variables ``PLATFORMCTL_*`` (see ENV_SETTINGS)
  6. command-line flags (passed by the CLI as ``overrides``)

Settings are nested mappings addressed by dotted keys (``backstage.url``); SETTINGS lists
them.  An unknown key in any of the files (a typo such as ``backstge``) is kept but reported in
``Config.warnings`` with its file:line and the closest known key; the CLI prints them on
stderr.  Subsystems that
merge lists by id (golden paths, scorecards, claim types) read ``Config.platforms``: every
platform folder, embedded first, with its parsed ``platform.yaml``.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformctl.core import yamlio
from platformctl.core.errors import InputFileError, UsageError
from platformctl.core.resources import defaults_dir

REPO_FILE = ".platformctl.yaml"

# Environment variables that set a configuration value.  Secrets are read where they are
# used (never stored here) and listed in SECRET_ENV so `config show` can say "set" or "unset".
ENV_SETTINGS: dict[str, str] = {
    "PLATFORMCTL_BACKSTAGE_URL": "backstage.url",
    "PLATFORMCTL_NAMESPACE": "provision.namespace",
    "PLATFORMCTL_KUBE_CONTEXT": "provision.context",
    "PLATFORMCTL_GITOPS_DIR": "provision.gitops_dir",
}
SECRET_ENV = ("PLATFORMCTL_BACKSTAGE_TOKEN",)

# Every configuration key (under ``settings:``), dotted.  A key not listed is a warning.
SETTINGS: frozenset[str] = frozenset(
    {
        "backstage.url",
        "backstage.portal_url",
        "backstage.connect_timeout",
        "backstage.read_timeout",
        "provision.namespace",
        "provision.context",
        "provision.gitops_dir",
        "provision.ready_settle",
        "defaults.owner",
        "defaults.system",
        "gitops.allow_prod_auto_sync",
    }
)
# The top-level keys of each file; other sections are read by the commands that use them.
PLATFORM_KEYS = frozenset(
    {
        "apiVersion",
        "kind",
        "metadata",
        "settings",
        "catalog",
        "claim_types",
        "golden_paths",
        "scorecards",
        "cost",
        "discover",
    }
)
USER_KEYS = frozenset({"platform", "settings"})
REPO_KEYS = frozenset({"golden_path", "scorecards", "waivers", "settings"})


@dataclass(frozen=True)
class ConfigWarning:
    """An unknown key: what, where, and the closest known key (or the known keys) as hint."""

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file + "".join(f":{n}" for n in (self.line, self.column) if n)
        return f"{self.message} ({where})" if where else self.message


class Source:
    """Where a value came from: layer name and, for files, the file and line.

    The line may be given as ``where`` (document, path): it is then found only when asked
    for (most commands never show where a setting came from, and finding it composes the
    file's YAML node graph again)."""

    __slots__ = ("_line", "_where", "file", "layer")

    def __init__(
        self,
        layer: str,
        file: str | None = None,
        line: int | None = None,
        *,
        where: tuple[yamlio.Document, tuple[str, ...]] | None = None,
    ) -> None:
        self.layer = layer
        self.file = file
        self._line = line
        self._where = where

    @property
    def line(self) -> int | None:
        if self._where is not None:
            doc, path = self._where
            self._where = None
            self._line = doc.position(path, key=True)[0]
        return self._line

    def _key(self) -> tuple[str, str | None, int | None]:
        return (self.layer, self.file, self.line)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Source):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Source(layer={self.layer!r}, file={self.file!r}, line={self.line!r})"

    def __str__(self) -> str:
        if self.file is None:
            return self.layer
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{self.layer} ({where})"


@dataclass
class PlatformLayer:
    """One platform folder and its parsed platform.yaml."""

    name: str
    root: Path
    data: dict[str, Any]
    document: yamlio.Document | None = None
    embedded: bool = False

    def path(self, relative: str) -> Path:
        return (self.root / relative).resolve()


@dataclass
class Config:
    values: dict[str, Any] = field(default_factory=dict)  # dotted key -> value
    sources: dict[str, Source] = field(default_factory=dict)
    platforms: list[PlatformLayer] = field(default_factory=list)
    repo_root: Path | None = None  # folder holding .platformctl.yaml, if any
    repo: dict[str, Any] = field(default_factory=dict)  # parsed .platformctl.yaml
    repo_document: yamlio.Document | None = None
    user_config_path: Path | None = None
    warnings: list[ConfigWarning] = field(default_factory=list)

    def get(self, key: str, default: Any = None) -> Any:
        value = self.values.get(key)
        return default if value is None else value

    def source(self, key: str) -> Source | None:
        return self.sources.get(key)

    def items(self) -> list[tuple[str, Any, Source]]:
        return [(k, self.values[k], self.sources[k]) for k in sorted(self.values)]

    @property
    def platform(self) -> PlatformLayer:
        """The innermost (most specific) platform."""
        return self.platforms[-1]


def user_config_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    base = env.get("XDG_CONFIG_HOME") or str(Path(env.get("HOME", "~")).expanduser() / ".config")
    return Path(base) / "platformctl" / "config.yaml"


def find_repo_file(start: Path) -> Path | None:
    """The nearest .platformctl.yaml at or above ``start``, not crossing a git root."""
    current = start.resolve()
    for folder in (current, *current.parents):
        candidate = folder / REPO_FILE
        if candidate.is_file():
            return candidate
        if (folder / ".git").exists():
            return None
    return None


def _flatten(
    data: Mapping[str, Any], doc: yamlio.Document | None, base: tuple[str, ...]
) -> list[tuple[str, Any, tuple[str, ...]]]:
    """(dotted key, value, path in the document) of every leaf setting."""
    out: list[tuple[str, Any, tuple[str, ...]]] = []
    for key, value in data.items():
        path = (*base, str(key))
        if isinstance(value, Mapping) and value:
            out.extend(_flatten(value, doc, path))
        else:
            out.append(
                (".".join(path[1:]) if path[0] == "settings" else ".".join(path), value, path)
            )
    return out


def _apply(
    config: Config, settings: Any, doc: yamlio.Document | None, layer: str, file: str | None
) -> None:
    if settings is None:
        return
    if not isinstance(settings, Mapping):
        line, col = doc.position(("settings",)) if doc else (None, None)
        raise InputFileError("'settings' must be a mapping", file=file, line=line, column=col)
    for key, value, path in _flatten(settings, doc, ("settings",)):
        config.values[key] = value
        config.sources[key] = Source(layer, file, where=(doc, path) if doc is not None else None)
        if key not in SETTINGS:
            config.warnings.append(_unknown_setting(key, doc, file))


def _unknown_setting(key: str, doc: yamlio.Document | None, file: str | None) -> ConfigWarning:
    """Point at the first part of the dotted key no known setting starts with (the typo)."""
    parts = key.split(".")
    wrong = len(parts) - 1
    for index in range(len(parts)):
        prefix = ".".join(parts[: index + 1])
        if not any(k == prefix or k.startswith(prefix + ".") for k in SETTINGS):
            wrong = index
            break
    line, col = doc.position(("settings", *parts[: wrong + 1]), key=True) if doc else (None, None)
    return ConfigWarning(
        f"unknown setting {key!r}", file, line, col, _did_you_mean(key, SETTINGS, "settings")
    )


def _did_you_mean(key: str, known: frozenset[str], what: str) -> str:
    close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}?"
    return f"known {what}: {', '.join(sorted(known))}"


def _check_keys(
    config: Config,
    data: Mapping[str, Any],
    doc: yamlio.Document | None,
    file: str | None,
    known: frozenset[str],
) -> None:
    for key in data:
        if key not in known:
            line, col = doc.position((key,), key=True) if doc else (None, None)
            config.warnings.append(
                ConfigWarning(
                    f"unknown key {str(key)!r}",
                    file,
                    line,
                    col,
                    _did_you_mean(str(key), known, "keys"),
                )
            )


def _load_platform(root: Path, *, embedded: bool, origin: str) -> PlatformLayer:
    manifest = root / "platform.yaml"
    if not manifest.is_file():
        raise UsageError(
            f"{root} is not a platform folder (no platform.yaml)",
            hint=f"check {origin}; a platform folder holds platform.yaml",
        )
    doc = yamlio.load_one(manifest)
    data = yamlio.expect_mapping(doc, str(manifest))
    name = str((data.get("metadata") or {}).get("name") or root.name)
    return PlatformLayer(name, root, data, doc, embedded)


def resolve_platform_location(location: str, origin: str) -> Path:
    """A platform is a folder, or a git URL cloned into the cache (via core.vcs)."""
    if "://" in location or location.startswith("git@"):
        from platformctl.core import vcs

        return vcs.cached_clone(location)
    path = Path(location).expanduser()
    if not path.is_dir():
        raise UsageError(f"platform folder {location!r} does not exist", hint=f"fix {origin}")
    return path.resolve()


def load(
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Config:
    """Build the merged configuration. Raises InputFileError (exit 2) for malformed files."""
    env = os.environ if env is None else env
    cwd = Path.cwd() if cwd is None else cwd
    config = Config()

    embedded = _load_platform(defaults_dir(), embedded=True, origin="the embedded platform")
    config.platforms.append(embedded)
    _apply(config, embedded.data.get("settings"), embedded.document, "embedded default", None)

    user_path = user_config_path(env)
    user_doc = None
    user_data: dict[str, Any] = {}
    if user_path.is_file():
        user_doc = yamlio.load_one(user_path)
        user_data = yamlio.expect_mapping(user_doc, str(user_path))
        config.user_config_path = user_path
        _check_keys(config, user_data, user_doc, str(user_path), USER_KEYS)

    platform_location = env.get("PLATFORMCTL_PLATFORM")
    origin = "PLATFORMCTL_PLATFORM"
    platform_source = Source("environment", "PLATFORMCTL_PLATFORM")
    if not platform_location and user_data.get("platform"):
        platform_location = str(user_data["platform"])
        origin = f"'platform:' in {user_path}"
        line = user_doc.position(("platform",))[0] if user_doc else None
        platform_source = Source("user config", str(user_path), line)
    if platform_location:
        root = resolve_platform_location(platform_location, origin)
        layer = _load_platform(root, embedded=False, origin=origin)
        config.platforms.append(layer)
        _check_keys(config, layer.data, layer.document, str(root / "platform.yaml"), PLATFORM_KEYS)
        config.values["platform"] = str(root)
        config.sources["platform"] = platform_source
        _apply(
            config,
            layer.data.get("settings"),
            layer.document,
            "platform",
            str(root / "platform.yaml"),
        )
    else:
        config.values["platform"] = "(embedded default)"
        config.sources["platform"] = Source("embedded default")

    _apply(config, user_data.get("settings"), user_doc, "user config", str(user_path))

    repo_file = find_repo_file(cwd)
    if repo_file is not None:
        doc = yamlio.load_one(repo_file)
        config.repo = yamlio.expect_mapping(doc, str(repo_file))
        config.repo_document = doc
        config.repo_root = repo_file.parent
        _check_keys(config, config.repo, doc, str(repo_file), REPO_KEYS)
        _apply(config, config.repo.get("settings"), doc, "repository", str(repo_file))
        if config.repo.get("golden_path"):
            config.values["golden_path"] = config.repo["golden_path"]
            config.sources["golden_path"] = Source(
                "repository", str(repo_file), doc.position(("golden_path",))[0]
            )

    for var, key in ENV_SETTINGS.items():
        if env.get(var):
            config.values[key] = env[var]
            config.sources[key] = Source("environment", var)

    for key, value in (overrides or {}).items():
        if value is not None:
            config.values[key] = value
            config.sources[key] = Source("command line")
    return config


def secret_status(env: Mapping[str, str] | None = None) -> dict[str, str]:
    env = os.environ if env is None else env
    return {name: ("set" if env.get(name) else "unset") for name in SECRET_ENV}
