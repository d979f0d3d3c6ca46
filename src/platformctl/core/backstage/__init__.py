"""The Backstage catalog: the one gateway to the Backstage catalog API (httpx, inside functions).

* ``client``    the HTTP client (``BackstageClient``, ``client_from_config``): timeouts, TLS,
                retries, and the mapping of every failure to one PlatformError with a hint.
* ``errors``    those PlatformError subclasses (unreachable, auth, not found, conflict, 400).
* ``refs``      entity references (``kind:namespace/name``), portal links, location records.
* ``register``  ``register_location``: dry run, add, wait until the entities are visible.
* ``workflows`` the entry functions the commands call (``catalog register/get/unregister/pull``,
                ``new --register``, the fleet's catalog inventory): configuration in, plain
                data out; only they open a client for ``cli/``.

Every name stays importable from ``platformctl.core.backstage``; code that wants the client looks
it up here (``backstage.client_from_config``) so tests can patch this one place.
"""

from __future__ import annotations

from platformctl.core.backstage.client import (
    IDEMPOTENT_METHODS,
    LOCATION_FIELDS,
    ORIGIN_ANNOTATION,
    RATE_LIMITED,
    RETRY_STATUSES,
    TOKEN_ENV,
    URL_ENV,
    USER_AGENT,
    BackstageClient,
    _error_message,
    _float,
    _is_tls,
    _json,
    _kind,
    _retry_after,
    client_from_config,
    log,
)
from platformctl.core.backstage.errors import (
    BackstageAuthError,
    BackstageBadRequest,
    BackstageConflict,
    BackstageNotFound,
    BackstageUnreachable,
)
from platformctl.core.backstage.refs import (
    EntityName,
    Location,
    entity_name,
    parse_ref,
    portal_link,
)
from platformctl.core.backstage.register import (
    RegisterResult,
    _provided,
    _unreadable,
    catalog_file_url,
    find_location,
    location_for,
    register_location,
    wait_for_entities,
)

__all__ = [
    "IDEMPOTENT_METHODS",
    "LOCATION_FIELDS",
    "ORIGIN_ANNOTATION",
    "RATE_LIMITED",
    "RETRY_STATUSES",
    "TOKEN_ENV",
    "URL_ENV",
    "USER_AGENT",
    "BackstageAuthError",
    "BackstageBadRequest",
    "BackstageClient",
    "BackstageConflict",
    "BackstageNotFound",
    "BackstageUnreachable",
    "EntityName",
    "Location",
    "RegisterResult",
    "_error_message",
    "_float",
    "_is_tls",
    "_json",
    "_kind",
    "_provided",
    "_retry_after",
    "_unreadable",
    "catalog_file_url",
    "client_from_config",
    "entity_name",
    "find_location",
    "location_for",
    "log",
    "parse_ref",
    "portal_link",
    "register_location",
    "wait_for_entities",
]
