"""Where the fleet's repositories come from (``--inventory SOURCE``, repeatable).

A SOURCE is ``backstage`` (the catalog's Components, through ``core.backstage``), a folder of
existing clones (each sub-folder is one repository, read in place), or a file: YAML (a list of
``{url, owner?, name?}``, or a mapping with ``repositories:`` holding that list), CSV (a header
with ``url`` and optionally ``owner``, ``name``) or text (one git URL or local path per line,
``#`` comments).  A local path to a work tree is read in place; anything else is a git URL and
is cloned into the fleet cache.  Bad input raises ``InputFileError`` naming file:line.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformctl.core.errors import InputFileError, UsageError

BACKSTAGE = "backstage"
SLUG_ANNOTATION = "github.com/project-slug"
SOURCE_ANNOTATION = "backstage.io/source-location"
CATALOG_FIELDS = (
    "kind",
    "metadata.namespace",
    "metadata.name",
    "metadata.annotations",
    "spec.owner",
    "spec.system",
    "spec.lifecycle",
    "spec.type",
)


@dataclass(frozen=True)
class RepoEntry:
    """One repository of the inventory."""

    url: str  # a git URL, or the absolute path of a local work tree (``local``)
    name: str
    owner: str | None = None
    origin: str = ""  # where the entry came from: "repos.yaml:3", "backstage component:..."
    local: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "name": self.name, "owner": self.owner, "origin": self.origin}


@dataclass(frozen=True)
class CatalogFilter:
    """Which catalog entities count (each None = any). ``kind`` defaults to Component."""

    owner: str | None = None
    system: str | None = None
    lifecycle: str | None = None
    kind: str = "component"
    type: str | None = None

    def api_filter(self) -> str:
        """The ``/entities/by-query`` filter (Backstage matches values case-insensitively)."""
        parts = [f"kind={self.kind}"]
        for key, value in (
            ("spec.owner", self.owner),
            ("spec.system", self.system),
            ("spec.lifecycle", self.lifecycle),
            ("spec.type", self.type),
        ):
            if value:
                parts.append(f"{key}={value}")
        return ",".join(parts)

    def matches(self, entity: dict[str, Any]) -> bool:
        spec = entity.get("spec") or {}
        if str(entity.get("kind", "")).lower() != self.kind.lower():
            return False
        for key, wanted in (
            ("owner", self.owner),
            ("system", self.system),
            ("lifecycle", self.lifecycle),
            ("type", self.type),
        ):
            if wanted and not _same_ref(str(spec.get(key) or ""), wanted):
                return False
        return True


def _same_ref(value: str, wanted: str) -> bool:
    """``group:default/team-a`` matches itself and the bare name ``team-a``."""
    value, wanted = value.lower(), wanted.lower()
    if value == wanted:
        return True
    short = value.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    return ":" not in wanted and "/" not in wanted and short == wanted


@dataclass
class Inventory:
    entries: list[RepoEntry] = field(default_factory=list)
    # catalog entities without a repository location: (entity ref, why)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def repo_name(url: str) -> str:
    tail = url.rstrip("/").split("/")[-1].split(":")[-1]
    return tail.removesuffix(".git") or url


def _position(origin: str) -> tuple[str | None, int | None]:
    file, _, line = origin.rpartition(":")
    return (file, int(line)) if file and line.isdigit() else (origin or None, None)


def _no_credentials(url: str, origin: str) -> None:
    """A password or token in a URL would end up in reports and logs: refuse it."""
    from urllib.parse import urlsplit

    if "://" not in url:
        return
    try:
        parts = urlsplit(url)
    except ValueError:
        return
    if parts.password is not None or (parts.username and parts.scheme in ("http", "https")):
        file, line = _position(origin)
        raise InputFileError(
            "credentials in a repository URL are not accepted",
            hint="remove user:token@ from the URL; git's credential helper supplies them",
            file=file,
            line=line,
        )


def _entry(raw: str, *, owner: str | None, name: str | None, origin: str, base: Path) -> RepoEntry:
    text = raw.strip()
    _no_credentials(text, origin)
    candidate = Path(text).expanduser()
    if not candidate.is_absolute() and "://" not in text and not _scp_like(text):
        candidate = base / candidate
    if candidate.is_dir() and (candidate / ".git").exists():
        path = str(candidate.resolve())
        return RepoEntry(path, name or candidate.resolve().name, owner, origin, local=True)
    if candidate.is_dir() or "://" in text or _scp_like(text) or candidate.exists():
        # a bare repository or a git URL: cloned into the fleet cache
        url = str(candidate.resolve()) if candidate.exists() else text
        return RepoEntry(url, name or repo_name(url), owner, origin)
    file, line = _position(origin)
    raise InputFileError(
        f"{text!r} is neither a git URL nor an existing local repository",
        hint="give a URL (https://..., ssh://..., git@host:org/repo.git) or a local path",
        file=file,
        line=line,
    )


def _scp_like(text: str) -> bool:
    """``git@github.com:org/repo.git``."""
    head, sep, _ = text.partition(":")
    return bool(sep) and "@" in head and "/" not in head


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def read_yaml(path: Path) -> list[RepoEntry]:
    from platformctl.core import yamlio

    doc = yamlio.load_one(path, display=str(path))
    items: Any = doc.data
    key: tuple[Any, ...] = ()
    if isinstance(items, dict):
        items, key = items.get("repositories"), ("repositories",)
    if not isinstance(items, list):
        line, _ = doc.position(key)
        raise InputFileError(
            "expected a list of repositories ({url, owner?, name?})",
            hint="write one '- url: ...' item per repository (or 'repositories:' holding them)",
            file=str(path),
            line=line,
        )
    entries = []
    for index, item in enumerate(items):
        line, _ = doc.position((*key, index))
        origin = f"{path}:{line}"
        if isinstance(item, str):
            item = {"url": item}
        if not isinstance(item, dict) or not _clean(item.get("url")):
            raise InputFileError(
                "repository entry without a url",
                hint="each item needs 'url:' (a git URL or local path); owner and name are "
                "optional",
                file=str(path),
                line=line,
            )
        unknown = sorted(set(item) - {"url", "owner", "name"})
        if unknown:
            raise InputFileError(
                f"unknown key {unknown[0]!r} in repository entry",
                hint="allowed keys: url, owner, name",
                file=str(path),
                line=line,
            )
        entries.append(
            _entry(
                str(item["url"]),
                owner=_clean(item.get("owner")),
                name=_clean(item.get("name")),
                origin=origin,
                base=path.parent,
            )
        )
    return entries


def read_csv(path: Path) -> list[RepoEntry]:
    import csv

    text = _read_text(path)
    reader = csv.reader(text.splitlines())
    rows = list(reader)
    if not rows:
        return []
    header = [h.strip().lower() for h in rows[0]]
    if "url" not in header:
        raise InputFileError(
            "the CSV header has no 'url' column",
            hint="first line: url,owner,name (owner and name optional)",
            file=str(path),
            line=1,
        )
    entries = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise InputFileError(
                f"expected {len(header)} columns, found {len(row)}",
                hint="quote values that contain commas",
                file=str(path),
                line=number,
            )
        values = dict(zip(header, row, strict=True))
        if not _clean(values.get("url")):
            raise InputFileError("empty url", file=str(path), line=number)
        entries.append(
            _entry(
                values["url"],
                owner=_clean(values.get("owner")),
                name=_clean(values.get("name")),
                origin=f"{path}:{number}",
                base=path.parent,
            )
        )
    return entries


def read_text(path: Path) -> list[RepoEntry]:
    entries = []
    for number, line in enumerate(_read_text(path).splitlines(), start=1):
        value = line.split(" #", 1)[0].strip()
        if not value or value.startswith("#"):
            continue
        if len(value.split()) > 1:
            raise InputFileError(
                f"expected one git URL or path per line, found {value!r}",
                file=str(path),
                line=number,
            )
        entries.append(
            _entry(value, owner=None, name=None, origin=f"{path}:{number}", base=path.parent)
        )
    return entries


def read_folder(folder: Path) -> list[RepoEntry]:
    """Every visible sub-folder is a repository, read in place (one that is not a git work
    tree is kept: its run fails and is recorded, so it shows in the report)."""
    entries = []
    for child in sorted(folder.iterdir()):
        if child.name.startswith(".") or not child.is_dir():
            continue
        entries.append(RepoEntry(str(child.resolve()), child.name, None, f"{folder}/", local=True))
    return entries


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputFileError("not a UTF-8 text file", file=str(path)) from None
    except OSError as exc:
        raise InputFileError(f"cannot read: {exc.strerror or exc}", file=str(path)) from None


def catalog_url(entity: dict[str, Any]) -> str | None:
    """The repository of a catalog entity: ``github.com/project-slug`` (a GitHub repository),
    else ``backstage.io/source-location`` (``url:<repo>/tree/<branch>/`` is cut to the repo)."""
    annotations = (entity.get("metadata") or {}).get("annotations") or {}
    slug = _clean(annotations.get(SLUG_ANNOTATION))
    if slug:
        return f"https://github.com/{slug.strip('/')}.git"
    location = _clean(annotations.get(SOURCE_ANNOTATION))
    if not location:
        return None
    target = location.split(":", 1)[1] if location.startswith(("url:", "git:")) else location
    for marker in ("/-/tree/", "/-/blob/", "/tree/", "/blob/", "/src/"):
        if marker in target:
            target = target.split(marker, 1)[0]
            break
    return target.rstrip("/") or None


def read_backstage(client: Any, filters: CatalogFilter) -> Inventory:
    """Components (or ``filters.kind``) from the catalog, through the existing client."""
    from platformctl.core.backstage import entity_name

    inventory = Inventory()
    entities = client.query_entities(fields=CATALOG_FIELDS, filter=filters.api_filter())
    for entity in entities:
        if not filters.matches(entity):
            continue
        ref = entity_name(entity).ref
        url = catalog_url(entity)
        if url is not None:
            _no_credentials(url, f"backstage {ref}")
        if url is None:
            inventory.skipped.append(
                (ref, f"no {SLUG_ANNOTATION} or {SOURCE_ANNOTATION} annotation")
            )
            continue
        owner = _clean((entity.get("spec") or {}).get("owner"))
        name = str((entity.get("metadata") or {}).get("name") or repo_name(url))
        path = Path(url)
        local = path.is_absolute() and (path / ".git").exists()
        inventory.entries.append(RepoEntry(url, name, owner, f"backstage {ref}", local=local))
    return inventory


def load(
    sources: list[str],
    *,
    cwd: Path,
    catalog: Any = None,
    filters: CatalogFilter | None = None,
) -> Inventory:
    """Every repository of ``sources``, in order, each URL once (the first entry wins; a later
    one only fills in a missing owner).  ``catalog`` is a callable returning a Backstage client,
    called only when ``backstage`` is one of the sources."""
    if not sources:
        raise UsageError(
            "no inventory given",
            hint="pass --inventory FILE|FOLDER|backstage (repeatable)",
        )
    inventory = Inventory()
    for source in sources:
        if source == BACKSTAGE:
            if catalog is None:
                raise UsageError("the Backstage catalog is not available here")
            client = catalog()
            try:
                found = read_backstage(client, filters or CatalogFilter())
            finally:
                close = getattr(client, "close", None)
                if close:
                    close()
            inventory.entries += found.entries
            inventory.skipped += found.skipped
            continue
        path = Path(source).expanduser()
        if not path.is_absolute():
            path = cwd / path
        if path.is_dir():
            inventory.entries += read_folder(path)
        elif path.is_file():
            suffix = path.suffix.lower()
            if suffix in (".yaml", ".yml"):
                inventory.entries += read_yaml(path)
            elif suffix == ".csv":
                inventory.entries += read_csv(path)
            else:
                inventory.entries += read_text(path)
        else:
            raise UsageError(
                f"inventory {source} does not exist",
                hint="pass a YAML, CSV or text file, a folder of clones, or 'backstage'",
            )
    seen: dict[str, int] = {}
    unique: list[RepoEntry] = []
    for entry in inventory.entries:
        if entry.url in seen:
            first = unique[seen[entry.url]]
            if first.owner is None and entry.owner:
                unique[seen[entry.url]] = RepoEntry(
                    first.url, first.name, entry.owner, first.origin, first.local
                )
            continue
        seen[entry.url] = len(unique)
        unique.append(entry)
    inventory.entries = unique
    return inventory


# --- sharding ----------------------------------------------------------------------------------


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/4"`` -> (2, 4); 1-based."""
    index, sep, total = text.partition("/")
    try:
        i, n = int(index), int(total)
    except ValueError:
        i, n = 0, 0
    if not sep or n < 1 or not 1 <= i <= n:
        raise UsageError(
            f"invalid shard {text!r}", hint="use --shard I/N with 1 <= I <= N, e.g. --shard 1/4"
        )
    return i, n


def shard_of(url: str, total: int) -> int:
    """The 1-based shard of a repository: a stable hash of its URL (same on every machine)."""
    digest = hashlib.sha256(url.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % total + 1


def select_shard(entries: list[RepoEntry], index: int, total: int) -> list[RepoEntry]:
    return [e for e in entries if shard_of(e.url, total) == index]
