"""Entity references (``kind:namespace/name``), portal links and location records: plain values,
no HTTP."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from platformctl.core.errors import UsageError


@dataclass(frozen=True)
class EntityName:
    kind: str
    namespace: str
    name: str

    @property
    def ref(self) -> str:
        """The canonical, lower-case ``kind:namespace/name`` Backstage compares refs with."""
        return f"{self.kind}:{self.namespace}/{self.name}".lower()

    def __str__(self) -> str:
        return f"{self.kind.lower()}:{self.namespace}/{self.name}"


def parse_ref(
    text: str, *, default_kind: str = "Component", default_namespace: str = "default"
) -> EntityName:
    """``kind:namespace/name``, ``kind:name``, ``namespace/name`` or ``name``."""
    raw = text.strip()
    kind, sep, rest = raw.partition(":")
    if not sep:
        kind, rest = default_kind, raw
    namespace, sep, name = rest.partition("/")
    if not sep:
        namespace, name = default_namespace, rest
    if not kind or not namespace or not name or "/" in name or ":" in rest:
        raise UsageError(
            f"invalid entity reference {text!r}",
            hint="use kind:namespace/name (e.g. component:default/my-service) or a bare name",
        )
    return EntityName(kind, namespace, name)


def entity_name(entity: Mapping[str, Any]) -> EntityName:
    meta = entity.get("metadata") or {}
    return EntityName(
        str(entity.get("kind", "")),
        str(meta.get("namespace") or "default"),
        str(meta.get("name", "")),
    )


def portal_link(portal_url: str, name: EntityName) -> str:
    """The entity page in the Backstage portal."""
    base = portal_url.rstrip("/")
    return (
        f"{base}/catalog/{quote(name.namespace, safe='')}/{quote(name.kind.lower(), safe='')}"
        f"/{quote(name.name, safe='')}"
    )


@dataclass
class Location:
    id: str
    type: str
    target: str
    entity_ref: str | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Location:
        return cls(
            str(data.get("id", "")),
            str(data.get("type", "")),
            str(data.get("target", "")),
            data.get("entityRef"),
        )

    @property
    def ref(self) -> str:
        return f"{self.type}:{self.target}"
