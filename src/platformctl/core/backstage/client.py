"""The Backstage catalog API client: the one module that imports httpx (inside functions).

* Base URL from configuration (``backstage.url``: ``PLATFORMCTL_BACKSTAGE_URL`` or the platform
  config); the token only from ``PLATFORMCTL_BACKSTAGE_TOKEN``.  The token is sent as a bearer
  header and never appears in messages, hints, logs or ``repr``.
* Connect and read timeouts; TLS verification on, with httpx's own handling of
  ``SSL_CERT_FILE``/``SSL_CERT_DIR`` and proxy variables (``trust_env``).
* Retries, with exponential backoff, only what can succeed on a retry: a connect timeout and
  a 429 (nothing was done; the server's ``Retry-After`` is honoured up to ``max_backoff``) for
  every request; read failures and 502/503/504 answers only for idempotent ones (GET/DELETE,
  and the read-only POSTs ``by-refs``, ``validate-entity``, dry runs).  A refused connection,
  an unknown host name or a TLS failure is reported at once: it does not get better in the
  seconds a retry waits.
* Every failure becomes one PlatformError with a hint: unreachable or TLS failure and 5xx
  (exit 3), 401/403 (exit 3, auth denied), 404 (exit 1), 409 (exit 1 unless the caller
  handles it), 400 (exit 2), no URL configured (exit 2).
"""

from __future__ import annotations

import logging
import os
import random
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from platformctl import __version__
from platformctl.core.backstage.errors import (
    BackstageAuthError,
    BackstageBadRequest,
    BackstageConflict,
    BackstageNotFound,
    BackstageUnreachable,
)
from platformctl.core.backstage.refs import EntityName, Location, entity_name
from platformctl.core.errors import PlatformError, UsageError

if TYPE_CHECKING:
    import httpx

    from platformctl.core.config import Config

log = logging.getLogger("platformctl.backstage")

TOKEN_ENV = "PLATFORMCTL_BACKSTAGE_TOKEN"
URL_ENV = "PLATFORMCTL_BACKSTAGE_URL"
USER_AGENT = f"platformctl/{__version__}"
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({502, 503, 504})
RATE_LIMITED = 429
LOCATION_FIELDS = ("kind", "metadata.namespace", "metadata.name")
ORIGIN_ANNOTATION = "backstage.io/managed-by-origin-location"


@dataclass
class BackstageClient:
    """A small synchronous client. Use as a context manager or call ``close()``."""

    base_url: str
    token: str | None = field(default=None, repr=False)
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    retries: int = 3
    backoff: float = 0.5  # first delay; doubles each attempt (with jitter), capped at max_backoff
    max_backoff: float = 8.0
    portal_url: str | None = None
    transport: Any = field(default=None, repr=False)  # an httpx transport, for tests
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    _http: Any = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        given = self.base_url
        self.base_url = self.base_url.strip().rstrip("/").removesuffix("/api/catalog").rstrip("/")
        hint = f"set {URL_ENV} (or backstage.url in your platform config) to the backend URL"
        if not given.strip().startswith(("http://", "https://")):
            raise UsageError(
                f"Backstage URL {given!r} must start with http:// or https://", hint=hint
            )
        from urllib.parse import urlsplit

        try:
            parts = urlsplit(self.base_url)
            parts.port  # noqa: B018 - raises ValueError for a bad port
        except ValueError as exc:
            raise UsageError(
                f"Backstage URL {given!r} is not a valid URL: {exc}", hint=hint
            ) from None
        if not parts.hostname:
            raise UsageError(f"Backstage URL {given!r} has no host name", hint=hint)

    # lifecycle
    def _client(self) -> httpx.Client:
        if self._http is None:
            import httpx

            headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
            if self.token:
                headers["Authorization"] = f"Bearer {self.token}"
            self._http = httpx.Client(
                base_url=self.base_url,
                headers=headers,
                timeout=httpx.Timeout(self.read_timeout, connect=self.connect_timeout),
                transport=self.transport,
                follow_redirects=False,
                trust_env=True,
            )
        return self._http

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    def __enter__(self) -> BackstageClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def portal(self) -> str:
        return (self.portal_url or self.base_url).rstrip("/")

    # the one request path
    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        idempotent: bool | None = None,
        ok: Iterable[int] = (200, 201, 204),
        what: str | None = None,
    ) -> httpx.Response:
        """Send a request with retries; return the response if its status is in ``ok``,
        otherwise raise the mapped PlatformError.  ``what`` names the object for 404/409."""
        import httpx

        method = method.upper()
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        ok = set(ok)
        url = f"/api/catalog{path}"
        attempts = 1 + max(0, self.retries)
        delay = self.backoff
        for attempt in range(1, attempts + 1):
            started = time.monotonic()
            last = attempt == attempts
            try:
                response = self._client().request(method, url, json=json, params=params)
            except httpx.ConnectError as exc:
                # Refused, unknown host, no route, TLS: a retry seconds later meets the same.
                raise self._unreachable(exc) from None
            except httpx.ConnectTimeout as exc:
                if last:
                    raise self._unreachable(exc) from None
                log.debug("%s %s: connect timeout; retrying in %.2fs", method, url, delay)
            except httpx.TransportError as exc:  # read/write timeouts, dropped connections
                if not idempotent or last:
                    raise self._unreachable(exc) from None
                log.debug("%s %s: %s; retrying in %.2fs", method, url, _kind(exc), delay)
            else:
                elapsed = time.monotonic() - started
                log.info("%s %s -> %s (%.0f ms)", method, url, response.status_code, elapsed * 1000)
                if response.status_code in ok:
                    return response
                if response.status_code == RATE_LIMITED and not last:
                    asked = _retry_after(response)
                    if asked is not None:
                        log.debug("rate limited; retrying in %.2fs", min(asked, self.max_backoff))
                        self.sleep(min(asked, self.max_backoff))
                        delay *= 2
                        continue
                    log.debug("rate limited; retrying in %.2fs", delay)
                elif response.status_code in RETRY_STATUSES and idempotent and not last:
                    log.debug("retrying in %.2fs", delay)
                else:
                    raise self._http_error(response, what=what, attempts=attempt)
            self.sleep(min(self.max_backoff, delay * (1 + random.random() * 0.1)))
            delay *= 2
        raise AssertionError("unreachable")  # pragma: no cover

    def _unreachable(self, exc: Exception) -> PlatformError:
        if _is_tls(exc):
            return BackstageUnreachable(
                f"TLS verification failed for Backstage at {self.base_url}",
                hint="if your company uses its own CA, point SSL_CERT_FILE at its bundle",
            )
        return BackstageUnreachable(
            f"cannot reach Backstage at {self.base_url}: {_kind(exc)}",
            hint=f"check {URL_ENV} (or backstage.url), your network and proxy settings",
        )

    def _http_error(
        self, response: httpx.Response, *, what: str | None, attempts: int = 1
    ) -> PlatformError:
        status = response.status_code
        detail = _error_message(response)
        if status == 401:
            if self.token:
                return BackstageAuthError(
                    f"Backstage rejected the token (401 {detail or 'unauthorized'})",
                    status=401,
                    hint=f"check {TOKEN_ENV}; it must be a token the backend accepts",
                )
            return BackstageAuthError(
                "Backstage requires a token (401 unauthorized)",
                status=401,
                hint=f"set {TOKEN_ENV} to a backend token (e.g. a static externalAccess token)",
            )
        if status == 403:
            return BackstageAuthError(
                f"Backstage denied the request (403 forbidden{': ' + detail if detail else ''})",
                status=403,
                hint="the token is valid but lacks the catalog permission for this action",
            )
        if status == 404:
            return BackstageNotFound(
                f"{what or 'resource'} not found in Backstage" + (f": {detail}" if detail else ""),
                hint="check the reference (kind:namespace/name) and the Backstage URL",
            )
        if status == 409:
            return BackstageConflict(
                f"{what or 'resource'} already exists in Backstage"
                + (f": {detail}" if detail else ""),
            )
        if status == RATE_LIMITED:
            return BackstageUnreachable(
                f"Backstage is rate limiting requests (429, {attempts} attempts)"
                + (f": {detail}" if detail else ""),
                hint="try again in a minute, or ask the portal team about the rate limit",
            )
        if status >= 500:
            return BackstageUnreachable(
                f"Backstage answered {status}"
                + (f" ({attempts} attempts)" if attempts > 1 else "")
                + (f": {detail}" if detail else ""),
                hint="the backend is failing; try again later or ask the portal team",
            )
        if status == 400:
            return BackstageBadRequest(
                f"Backstage refused the request: {detail or '400 bad request'}",
                hint="see the message above; Backstage validates the request body and location",
            )
        return PlatformError(f"unexpected answer from Backstage: {status} {detail}".strip())

    # --- API calls ---------------------------------------------------------------------------

    def get_entity(self, name: EntityName) -> dict[str, Any]:
        path = "/entities/by-name/" + "/".join(
            quote(p, safe="") for p in (name.kind, name.namespace, name.name)
        )
        response = self.request("GET", path, what=f"entity {name}")
        return _json(response)

    def entities_by_refs(
        self, refs: list[str], *, fields: Iterable[str] | None = LOCATION_FIELDS, chunk: int = 500
    ) -> list[dict[str, Any] | None]:
        """One POST per ``chunk`` refs; the answer is aligned with ``refs`` (None = missing)."""
        items: list[dict[str, Any] | None] = []
        for start in range(0, len(refs), chunk):
            body: dict[str, Any] = {"entityRefs": refs[start : start + chunk]}
            if fields:
                body["fields"] = list(fields)
            response = self.request("POST", "/entities/by-refs", json=body, idempotent=True)
            items.extend(_json(response).get("items") or [])
        return items

    def query_entities(
        self,
        *,
        fields: Iterable[str] = LOCATION_FIELDS,
        page_size: int = 500,
        filter: str | None = None,  # noqa: A002 - the API's own parameter name
    ) -> list[dict[str, Any]]:
        """Every entity (only ``fields``; only those matching ``filter``, the API's
        ``key=value,key=value`` syntax), following the cursor of ``/entities/by-query``."""
        params: dict[str, Any] = {"fields": ",".join(fields), "limit": page_size}
        if filter:
            params["filter"] = filter
        out: list[dict[str, Any]] = []
        while True:
            data = _json(self.request("GET", "/entities/by-query", params=params))
            out.extend(data.get("items") or [])
            cursor = (data.get("pageInfo") or {}).get("nextCursor")
            if not cursor:
                return out
            # the cursor carries the query (filter included)
            params = {"fields": params["fields"], "limit": page_size, "cursor": cursor}

    def entities_of_location(self, location: Location) -> list[EntityName]:
        """The entities whose origin is ``location`` (what unregistering it removes)."""
        params = {
            "fields": ",".join(LOCATION_FIELDS),
            "filter": f"metadata.annotations.{ORIGIN_ANNOTATION}={location.ref}",
            "limit": 500,
        }
        data = _json(self.request("GET", "/entities/by-query", params=params))
        names = [entity_name(item) for item in data.get("items") or []]
        return [n for n in names if n.ref != (location.entity_ref or "").lower()]

    def add_location(self, type_: str, target: str, *, dry_run: bool = False) -> dict[str, Any]:
        """POST /locations: ``{location, entities, exists?}``. 409 -> BackstageConflict."""
        response = self.request(
            "POST",
            "/locations",
            json={"type": type_, "target": target},
            params={"dryRun": "true"} if dry_run else None,
            idempotent=dry_run,
            ok=(200, 201),
            what=f"location {type_}:{target}",
        )
        return _json(response)

    def list_locations(self) -> list[Location]:
        data = _json(self.request("GET", "/locations"))
        return [Location.from_json(item.get("data") or item) for item in data or []]

    def get_location(self, location_id: str) -> Location:
        response = self.request(
            "GET", f"/locations/{quote(location_id, safe='')}", what=f"location {location_id}"
        )
        return Location.from_json(_json(response))

    def location_by_entity(self, name: EntityName) -> Location:
        path = "/locations/by-entity/" + "/".join(
            quote(p, safe="") for p in (name.kind, name.namespace, name.name)
        )
        return Location.from_json(_json(self.request("GET", path, what=f"location of {name}")))

    def delete_location(self, location_id: str) -> None:
        self.request(
            "DELETE", f"/locations/{quote(location_id, safe='')}", what=f"location {location_id}"
        )

    def validate_entity(self, entity: Mapping[str, Any], location_ref: str) -> list[str]:
        """POST /validate-entity; returns Backstage's error messages (empty = valid)."""
        response = self.request(
            "POST",
            "/validate-entity",
            json={"entity": entity, "location": location_ref},
            idempotent=True,
            ok=(200, 204, 400),
        )
        if response.status_code != 400:
            return []
        try:
            errors = (response.json() or {}).get("errors") or []
        except ValueError:
            return [response.text.strip() or "invalid entity"]
        messages = [str(e.get("message") or e.get("name") or e) for e in errors if e]
        return messages or ["invalid entity"]


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        raise BackstageUnreachable(
            f"Backstage answered {response.status_code} with a body that is not JSON",
            hint="is the URL the Backstage backend (not the frontend or a proxy login page)?",
        ) from None


def _error_message(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return ""
    if isinstance(data, Mapping):
        err = data.get("error")
        if isinstance(err, Mapping) and err.get("message"):
            return str(err["message"]).splitlines()[0][:300]
        if isinstance(data.get("errors"), list) and data["errors"]:
            first = data["errors"][0]
            if isinstance(first, Mapping):
                return str(first.get("message", "")).splitlines()[0][:300]
    return ""


def _is_tls(exc: BaseException) -> bool:
    import ssl

    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLError):
            return True
        current = current.__cause__ or current.__context__
    text = str(exc)
    return "CERTIFICATE_VERIFY_FAILED" in text or text.startswith("[SSL")


def _retry_after(response: httpx.Response) -> float | None:
    """The delay a 429 asks for (``Retry-After`` in seconds; an HTTP date is not honoured)."""
    try:
        value = float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None
    return value if value >= 0 else None


def _kind(exc: BaseException) -> str:
    """A short, token-free description of a transport error."""
    text = str(exc).strip()
    name = type(exc).__name__
    return f"{name} ({text})" if text else name


def client_from_config(
    config: Config | None = None,
    *,
    env: Mapping[str, str] | None = None,
    **options: Any,
) -> BackstageClient:
    """Build the client from ``backstage.url`` / ``backstage.portal_url`` and the token env."""
    env = os.environ if env is None else env
    if config is None:
        from platformctl.core import config as config_mod

        config = config_mod.load(env=env)
    url = config.get("backstage.url")
    if not url:
        raise UsageError(
            "no Backstage URL configured",
            hint=f"set {URL_ENV}=https://backstage.example.com "
            "(or backstage.url in the platform config)",
        )
    token = env.get(TOKEN_ENV) or None
    settings = {
        "connect_timeout": _float(config.get("backstage.connect_timeout"), 5.0),
        "read_timeout": _float(config.get("backstage.read_timeout"), 30.0),
        "portal_url": config.get("backstage.portal_url"),
    }
    settings.update(options)
    return BackstageClient(str(url), token, **settings)


def _float(value: Any, default: float) -> float:
    try:
        return float(value) if value is not None else default
    except (TypeError, ValueError):
        return default
