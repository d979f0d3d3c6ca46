"""Which team owns each service: the ``spec.owner`` of its catalog Component (pure parsing;
the catalog is asked through core/backstage/ by ``collect.teams_from_catalog``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

NO_OWNER = "(no owner in the catalog)"


def owner_team(owner: str) -> str:
    """``group:default/payments`` / ``default/payments`` / ``payments`` -> ``payments``; other
    kinds and namespaces stay visible (``user:jane``, ``group:ops/sre``)."""
    text = owner.strip()
    kind, sep, rest = text.partition(":")
    if not sep:
        kind, rest = "group", text
    namespace, sep, name = rest.partition("/")
    if not sep:
        namespace, name = "default", rest
    label = name if namespace.lower() == "default" else f"{namespace}/{name}"
    return label if kind.lower() == "group" else f"{kind.lower()}:{label}"


def teams_of(services: Sequence[str], entities: Sequence[dict[str, Any] | None]) -> dict[str, str]:
    """Align ``entities`` (the catalog's answer for each service's Component, None = not in
    the catalog) with ``services``; services without an owner get ``NO_OWNER``."""
    out: dict[str, str] = {}
    for service, entity in zip(services, entities, strict=True):
        owner = ((entity or {}).get("spec") or {}).get("owner")
        out[service] = owner_team(str(owner)) if owner else NO_OWNER
    return out
