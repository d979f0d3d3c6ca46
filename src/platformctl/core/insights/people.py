"""How many developers were asked: the members of Backstage catalog Groups (and of their child
groups), for a survey's response rate. The catalog is asked through core/backstage/."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

GROUP_FIELDS = ("kind", "metadata.namespace", "metadata.name", "spec.members", "spec.children",
                "relations")


@dataclass
class Members:
    users: set[str] = field(default_factory=set)  # user refs, lower-case
    groups: list[str] = field(default_factory=list)  # every group visited
    missing: list[str] = field(default_factory=list)  # groups not in the catalog


def members_of(entities_by_refs: Any, groups: list[str]) -> Members:
    """Members of ``groups`` and of their descendants (``spec.children``, ``parentOf``),
    each user counted once. ``entities_by_refs(refs, fields=...)`` is the catalog's by-refs
    lookup (``BackstageClient.entities_by_refs``); one call per level of the group tree."""
    from platformctl.core.backstage import parse_ref

    result = Members()
    seen: set[str] = set()
    queue = [parse_ref(g, default_kind="Group").ref for g in groups]
    while queue:
        batch = [ref for ref in dict.fromkeys(queue) if ref not in seen]
        seen.update(batch)
        queue = []
        if not batch:
            break
        for ref, entity in zip(batch, entities_by_refs(batch, fields=GROUP_FIELDS), strict=True):
            if not entity or str(entity.get("kind", "")).lower() != "group":
                result.missing.append(ref)
                continue
            result.groups.append(ref)
            spec = entity.get("spec") or {}
            for user in spec.get("members") or []:
                result.users.add(parse_ref(str(user), default_kind="User").ref)
            for child in spec.get("children") or []:
                queue.append(parse_ref(str(child), default_kind="Group").ref)
            for relation in entity.get("relations") or []:
                target = str(relation.get("targetRef") or "").lower()
                if relation.get("type") == "hasMember" and target:
                    result.users.add(target)
                elif relation.get("type") == "parentOf" and target:
                    queue.append(target)
    return result


def count_developers(groups: list[str], *, config: Any) -> Members:
    from platformctl.core import backstage

    with backstage.client_from_config(config) as client:
        return members_of(client.entities_by_refs, groups)
