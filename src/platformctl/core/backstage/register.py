"""``register_location``: the high-level "get this file into the catalog" used by
``catalog register`` and ``new --register`` (dry run first, then add, then wait until the
entities are visible), and the helpers that find what to register."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from platformctl.core.backstage.client import BackstageClient
from platformctl.core.backstage.errors import BackstageBadRequest, BackstageConflict
from platformctl.core.backstage.refs import EntityName, Location, entity_name, portal_link
from platformctl.core.errors import PlatformError, ProblemsFound, UsageError


@dataclass
class RegisterResult:
    location: Location
    entities: list[EntityName]  # what the location provides (the generated Location excluded)
    links: dict[str, str]  # ref -> portal link
    dry_run: bool = False
    existed: bool = False  # already registered (409): not an error
    visible: bool = False  # waited and every entity is in the catalog


def location_for(target: str | Path, *, cwd: Path | None = None) -> tuple[str, str]:
    """``(type, target)`` for a URL or a local path (a folder means its catalog-info.yaml).

    Local files must exist: Backstage would accept a missing file and never show anything.
    """
    text = str(target)
    if "://" in text:
        if not text.startswith(("http://", "https://")):
            raise UsageError(
                f"unsupported location {text!r}",
                hint="register an http(s) URL of the catalog file, or a local path",
            )
        return "url", text
    path = Path(text).expanduser()
    if not path.is_absolute():
        path = (cwd or Path.cwd()) / path
    if path.is_dir():
        path = path / "catalog-info.yaml"
    if not path.is_file():
        raise UsageError(
            f"{path} does not exist",
            hint="pass the catalog file (or its folder), or run `platformctl catalog init` first",
        )
    return "file", str(path.resolve())


def catalog_file_url(remote_url: str, branch: str, path: str = "catalog-info.yaml") -> str | None:
    """The web URL Backstage reads for ``path`` on ``branch`` of a git remote, or None when the
    remote is not a GitHub/GitLab/Bitbucket-style host (e.g. a local path or file:// remote).

    ``git@github.com:acme/x.git`` -> ``https://github.com/acme/x/blob/main/catalog-info.yaml``.
    """
    from platformctl.core.catalog.generate import parse_remote

    if remote_url.startswith(("file:", "/", ".")):
        return None
    remote = parse_remote(remote_url)
    if remote is None:
        return None
    file = quote(path.lstrip("/"))
    ref = quote(branch, safe="")
    if "gitlab" in remote.host:
        return f"https://{remote.host}/{remote.path}/-/blob/{ref}/{file}"
    if "bitbucket" in remote.host:
        return f"https://{remote.host}/{remote.path}/src/{ref}/{file}"
    return f"https://{remote.host}/{remote.path}/blob/{ref}/{file}"


def _provided(dry: Mapping[str, Any]) -> list[EntityName]:
    """Entities a dry run says the location provides, without the generated Location entity."""
    location_ref = str((dry.get("location") or {}).get("entityRef") or "").lower()
    names: list[EntityName] = []
    for entity in dry.get("entities") or []:
        name = entity_name(entity)
        if name.ref == location_ref:
            continue
        names.append(name)
    return names


def find_location(client: BackstageClient, type_: str, target: str) -> Location | None:
    for location in client.list_locations():
        if location.type == type_ and location.target == target:
            return location
    return None


def register_location(
    client: BackstageClient,
    target: str | Path,
    *,
    dry_run: bool = False,
    wait: bool = True,
    timeout: float = 60.0,
    poll: float = 0.25,
    cwd: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> RegisterResult:
    """Register ``target`` (URL or local path) as a catalog location.

    Always dry-runs first: that reads the file the way Backstage will and tells us which entities
    to expect (Backstage answers 201 for a missing file and then shows nothing).  An existing
    location is not an error (``existed=True``).  With ``wait``, polls ``by-refs`` with backoff
    until every entity is visible, or raises ProblemsFound after ``timeout`` seconds.
    """
    say = progress or (lambda _msg: None)
    type_, location_target = location_for(target, cwd=cwd)
    try:
        dry = client.add_location(type_, location_target, dry_run=True)
    except BackstageBadRequest as exc:
        raise _unreadable(type_, location_target, exc) from None
    expected = _provided(dry)
    links = {str(n): portal_link(client.portal, n) for n in expected}
    if dry.get("exists"):
        location = find_location(client, type_, location_target) or Location.from_json(
            dry.get("location") or {}
        )
        return RegisterResult(
            location, expected, links, dry_run=dry_run, existed=True, visible=True
        )
    if not expected:
        raise ProblemsFound(
            f"Backstage found no entities in {type_}:{location_target}",
            hint="the file is empty or holds only documents Backstage skips; "
            "run `platformctl catalog validate` on it",
        )
    if dry_run:
        location = Location.from_json(dry.get("location") or {})
        return RegisterResult(location, expected, links, dry_run=True)
    try:
        created = client.add_location(type_, location_target)
        location = Location.from_json(created.get("location") or {})
    except BackstageConflict:
        found = find_location(client, type_, location_target)
        if found is None:
            raise
        return RegisterResult(found, expected, links, existed=True, visible=True)
    result = RegisterResult(location, expected, links)
    if not wait:
        return result
    say(f"registered {location.ref}; waiting for {len(expected)} entities to appear")
    result.visible = wait_for_entities(client, expected, timeout=timeout, poll=poll)
    if not result.visible:
        missing = [
            str(n)
            for n, item in zip(
                expected, client.entities_by_refs([n.ref for n in expected]), strict=False
            )
            if item is None
        ]
        raise ProblemsFound(
            f"registered {location.ref} (id {location.id}) but after {timeout:g}s Backstage "
            f"still does not show: {', '.join(missing)}",
            hint="processing may be slow or failing; look at the location in the portal, "
            "or wait longer with --timeout",
        )
    return result


def wait_for_entities(
    client: BackstageClient,
    names: list[EntityName],
    *,
    timeout: float,
    poll: float = 0.25,
    max_poll: float = 2.0,
    clock: Callable[[], float] = time.monotonic,
) -> bool:
    """Poll ``by-refs`` (backoff from ``poll`` up to ``max_poll``) until every entity exists."""
    refs = [n.ref for n in names]
    deadline = clock() + timeout
    delay = poll
    while True:
        items = client.entities_by_refs(refs)
        if items and all(item is not None for item in items):
            return True
        remaining = deadline - clock()
        if remaining <= 0:
            return False
        client.sleep(min(delay, remaining))
        delay = min(max_poll, delay * 2)


def _unreadable(type_: str, target: str, exc: BackstageBadRequest) -> PlatformError:
    detail = exc.message.removeprefix("Backstage refused the request: ")
    if "allowed type" in detail:
        return UsageError(
            f"this Backstage does not accept {type_} locations ({detail})",
            hint="push the catalog file and register its URL instead",
        )
    if "not allowed" in detail or "integration" in detail:
        return UsageError(
            f"Backstage may not read {target}: {detail}",
            hint="the backend needs an integration or backend.reading.allow entry for that host",
        )
    if "NotFound" in detail or "does not exist" in detail or "no matching files" in detail:
        return UsageError(
            f"Backstage cannot find {type_}:{target}",
            hint="a URL must point at the raw catalog file on a branch the backend can read; "
            "a file path must exist on the backend's machine",
        )
    return UsageError(
        f"Backstage cannot process {type_}:{target}: {detail}",
        hint="run `platformctl catalog validate` on the file",
    )
