"""The entry functions the commands call for the live catalog: configuration and plain values in,
plain data out.  Each opens (and closes) its own client, so ``cli/`` never holds one.

* ``check_configured``   fail early (exit 2) when no usable Backstage URL is configured
* ``register``           ``catalog register`` and ``new --register`` (``register_location``)
* ``registration_target`` what ``new --register`` registers for a created repository
* ``get``                ``catalog get``: the entity, its name and its portal link
* ``unregister``         ``catalog unregister``: find the location, confirm, delete it
* ``pull``               ``catalog pull``: cache the live catalog's refs for ``--offline``
* ``remote_findings``    ``catalog validate --remote/--server``: resolve against the live catalog
* ``query_entities``     every entity (some fields), e.g. for ``catalog discover --diff``
* ``catalog_source``     the ``catalog`` argument of the fleet/assess inventory readers

The client is looked up as ``backstage.client_from_config`` at call time: that is the one place
tests (and embedders) replace to point it at another transport.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platformctl.core.backstage.refs import EntityName, Location, parse_ref, portal_link

if TYPE_CHECKING:
    from platformctl.core.backstage.client import BackstageClient
    from platformctl.core.backstage.register import RegisterResult
    from platformctl.core.catalog.remote import CachedCatalog
    from platformctl.core.config import Config
    from platformctl.core.report import Finding


def _open(config: Config) -> BackstageClient:
    from platformctl.core import backstage

    return backstage.client_from_config(config)


def check_configured(config: Config) -> None:
    """Raise the configuration error (no URL, malformed URL) a later call would; no request."""
    _open(config).close()


def register(
    target: str | Path,
    *,
    config: Config,
    dry_run: bool = False,
    wait: bool = True,
    timeout: float = 60.0,
    progress: Callable[[str], None] | None = None,
) -> RegisterResult:
    """Register ``target`` (a URL, a catalog file or its folder) as a catalog location."""
    from platformctl.core.backstage.register import register_location

    with _open(config) as client:
        return register_location(
            client, target, dry_run=dry_run, wait=wait, timeout=timeout, progress=progress
        )


def registration_target(remote: str | None, branch: str | None, destination: Path) -> str | None:
    """The URL of a created repository's catalog file on its forge, or None when there is no
    such URL (no remote, or not a GitHub/GitLab/Bitbucket-style host): then the local file."""
    from platformctl.core.backstage.register import catalog_file_url

    if remote:
        return catalog_file_url(remote, branch or "main")
    return None


@dataclass
class LiveEntity:
    entity: dict[str, Any]
    name: EntityName
    link: str  # the entity page in the portal


def get(ref: str | EntityName, *, config: Config) -> LiveEntity:
    """One entity from the live catalog (BackstageNotFound, exit 1, when it does not exist)."""
    from platformctl.core.backstage.refs import entity_name

    name = parse_ref(ref) if isinstance(ref, str) else ref
    with _open(config) as client:
        entity = client.get_entity(name)
        portal = client.portal
    return LiveEntity(entity, entity_name(entity), portal_link(portal, entity_name(entity)))


@dataclass
class Unregistration:
    location: Location
    provided: list[EntityName] = field(default_factory=list)  # what removing it removes
    removed: bool = False


def unregister(
    target: str,
    *,
    config: Config,
    confirm: Callable[[Unregistration], bool] | None = None,
) -> Unregistration:
    """Remove the location ``target`` names (a location id, or an entity ref whose location it
    is).  ``confirm`` sees what would be removed first; when it answers False nothing is."""
    import re

    is_id = re.compile(
        r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
    )
    with _open(config) as client:
        if is_id.match(target):
            location = client.get_location(target)
        else:
            location = client.location_by_entity(parse_ref(target))
        plan = Unregistration(location, client.entities_of_location(location))
        if confirm is not None and not confirm(plan):
            return plan
        client.delete_location(location.id)
    plan.removed = True
    return plan


@dataclass
class Pulled:
    path: Path
    cache: CachedCatalog


def pull(*, config: Config) -> Pulled:
    """Cache the refs and kinds of the live catalog for ``catalog validate --offline``."""
    from platformctl.core.catalog import remote

    with _open(config) as client:
        path = remote.pull_cache(client)
    return Pulled(path, remote.load_cache(path=path))


def remote_findings(
    relations: list[Any], entities: list[Any], *, config: Config, server: bool
) -> list[Finding]:
    """Resolve unresolved relation targets against the live catalog; with ``server``, also
    ask the backend's ``validate-entity`` about each entity."""
    from platformctl.core.catalog import remote

    with _open(config) as client:
        findings = remote.resolve_remote(relations, client)
        if server:
            findings += remote.server_validate(entities, client)
    return findings


def query_entities(config: Config, *, fields: Iterable[str]) -> list[dict[str, Any]]:
    """Every entity of the live catalog, only ``fields``."""
    with _open(config) as client:
        return client.query_entities(fields=fields)


def catalog_source(load_config: Callable[[], Config]) -> Callable[[], BackstageClient]:
    """The ``catalog`` argument of ``fleet.inventory.load`` / ``insights.evidence.from_inventory``:
    loads the configuration and opens a client only when an inventory names ``backstage``
    (the reader closes it)."""

    def open_catalog() -> BackstageClient:
        return _open(load_config())

    return open_catalog
