"""Check types that read the catalog file (``catalog-info.yaml``): annotations, links, fields
and the owner of the component entity.
"""

from __future__ import annotations

import re
from typing import Any

from platformctl.core.compliance.checks import (
    CATALOG_FILE,
    as_list,
    parse_path,
    resolve,
    value_test,
)
from platformctl.core.compliance.facts import Entity, Facts
from platformctl.core.compliance.registry import (
    ANY,
    INT,
    LIST,
    STR,
    STR_OR_LIST,
    Opt,
    Outcome,
    check,
)

# --- catalog ---------------------------------------------------------------------------------


def _entity(facts: Facts) -> tuple[Entity | None, Outcome | None]:
    entity = facts.entity()
    if entity is None:
        name = facts.catalog_file()
        if name is None:
            return None, Outcome.fail(f"{CATALOG_FILE} is missing", CATALOG_FILE)
        loaded = facts.yaml(name)
        problem = loaded.problems[0] if loaded and loaded.problems else None
        if problem is not None:
            return None, Outcome.fail(
                f"{name} cannot be read: {problem.message}", name, problem.line, problem.column
            )
        return None, Outcome.fail(f"{name} holds no entity", name, 1)
    return entity, None


# The stub values ``--fix`` writes (``TODO``, ``TODO-org/TODO-repo``, ``https://TODO.example.com``)
# are placeholders to fill in: a rule they would satisfy still fails until someone does.
PLACEHOLDER = re.compile(r"(?<![A-Za-z])TODO(?![A-Za-z])")


def is_placeholder(value: Any) -> bool:
    return isinstance(value, str) and bool(PLACEHOLDER.search(value))


@check(
    "catalog_annotation",
    one_of=("key", "any_of"),
    key=Opt(STR, help="annotation key"),
    any_of=Opt(LIST, help="annotation keys; one of them must be set"),
    equals=Opt(ANY, help="the value must equal this"),
    matches=Opt(STR, regex=True, help="the value must match this regex"),
)
def catalog_annotation(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """The catalog entity carries an annotation (non-empty; optionally equals / matches)."""
    entity, missing = _entity(facts)
    if entity is None:
        return missing  # type: ignore[return-value]
    keys = as_list(opts.get("key")) or as_list(opts.get("any_of"))
    annotations = entity.annotations
    why = None
    for key in keys:
        if key in annotations:
            why = value_test(annotations[key], opts)
            if why is None and is_placeholder(annotations[key]):
                why = f"is the placeholder {annotations[key]!r}: fill in the real value"
            if why is None:
                return Outcome.ok(
                    f"{key} is set", entity.file, entity.line(("metadata", "annotations", key))
                )
            return Outcome.fail(
                f"annotation {key} {why}",
                entity.file,
                entity.line(("metadata", "annotations", key)),
            )
    names = " or ".join(keys)
    return Outcome.fail(
        f"annotation {names} is missing", entity.file, entity.line(("metadata", "annotations"))
    )


@check(
    "catalog_link",
    one_of=("link_type", "title_matches", "url_matches"),
    link_type=Opt(STR_OR_LIST, help="link type(s), e.g. runbook, dashboard"),
    title_matches=Opt(STR, regex=True, help="regex on the link title (case-insensitive)"),
    url_matches=Opt(STR, regex=True, help="regex on the link URL (case-insensitive)"),
)
def catalog_link(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """The catalog entity has a link of a type, or whose title or URL matches (any criterion)."""
    entity, missing = _entity(facts)
    if entity is None:
        return missing  # type: ignore[return-value]
    types = {str(t).lower() for t in as_list(opts.get("link_type"))}
    placeholder: tuple[int, dict[str, Any]] | None = None
    for index, link in enumerate(entity.links):
        if not link.get("url"):
            continue
        matches = (
            (types and str(link.get("type", "")).lower() in types)
            or (
                opts.get("title_matches")
                and re.search(opts["title_matches"], str(link.get("title", "")), re.I)
            )
            or (opts.get("url_matches") and re.search(opts["url_matches"], str(link["url"]), re.I))
        )
        if is_placeholder(str(link["url"])):
            # the placeholder of this rule's link, not another rule's (a runbook stub is not
            # what a failing dashboard rule should point at)
            if matches or (types and not link.get("type")):
                placeholder = placeholder or (index, link)
            continue
        if matches:
            return Outcome.ok(
                f"link {link.get('title') or link['url']}",
                entity.file,
                entity.line(("metadata", "links", index)),
            )
    what = "/".join(sorted(types)) or opts.get("title_matches") or opts.get("url_matches")
    if placeholder is not None:
        index, link = placeholder
        return Outcome.fail(
            f"link {link.get('title') or link['url']} points at the placeholder {link['url']}: "
            "fill in the real URL",
            entity.file,
            entity.line(("metadata", "links", index, "url")),
        )
    return Outcome.fail(
        f"no {what} link in metadata.links", entity.file, entity.line(("metadata", "links"))
    )


_IN_OPT: dict[str, Any] = {"in": Opt(LIST, help="the value must be one of these")}


@check(
    "catalog_field",
    path=Opt(
        STR,
        required=True,
        data_path=True,
        help="path in the entity, e.g. spec.owner, metadata.description",
    ),
    equals=Opt(ANY, help="the value must equal this"),
    matches=Opt(STR, regex=True, help="the value must match this regex"),
    min_length=Opt(INT, help="the value must be at least this many characters"),
    **_IN_OPT,
)
def catalog_field(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """A field of the catalog entity is set (optionally: equals / in / matches / min_length)."""
    entity, missing = _entity(facts)
    if entity is None:
        return missing  # type: ignore[return-value]
    tokens = parse_path(opts["path"])
    found = resolve(entity.data, tokens)
    if not found:
        return Outcome.fail(f"{opts['path']} is not set", entity.file, entity.line(tuple(tokens)))
    path, value = found[0]
    why = value_test(value, opts)
    if why is None and is_placeholder(value):
        why = f"is the placeholder {value!r}: fill in the real value"
    if why:
        return Outcome.fail(f"{opts['path']} {why}", entity.file, entity.line(path))
    return Outcome.ok(f"{opts['path']} is set", entity.file, entity.line(path))


@check(
    "catalog_owner",
    kinds=Opt(
        LIST,
        help="kinds the owner may refer to (default: the platform's catalog.owner_kinds, "
        "else Group and User)",
    ),
)
def catalog_owner(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """The catalog entity's ``spec.owner`` is a valid reference to a Group or User."""
    from platformctl.core.catalog import org

    entity, missing = _entity(facts)
    if entity is None:
        return missing  # type: ignore[return-value]
    path = ("spec", "owner")
    if "owner" not in entity.spec:
        return Outcome.fail("spec.owner is not set", entity.file, entity.line(path))
    value = entity.spec["owner"]
    if value is None or value == "":
        return Outcome.fail("spec.owner is empty", entity.file, entity.line(path))
    if not isinstance(value, str):
        from platformctl.core.yamlio import type_name

        return Outcome.fail(
            f"spec.owner must be an entity reference, not {type_name(value)}",
            entity.file,
            entity.line(path),
        )
    if is_placeholder(value):
        return Outcome.fail(
            f"spec.owner is the placeholder {value!r}: fill in the real owner",
            entity.file,
            entity.line(path),
        )
    kinds = opts.get("kinds") or facts.extra.get("owner_kinds") or org.DEFAULT_OWNER_KINDS
    problems = org.reference_problems(
        value, "Group", field="spec.owner", owner_kinds=[str(k) for k in kinds]
    )
    if problems:
        reasons = "; ".join(p.reason for p in problems)
        return Outcome.fail(
            f'spec.owner "{value}" {reasons} ({problems[0].hint})',
            entity.file,
            entity.line(path),
        )
    return Outcome.ok(f"spec.owner is {value}", entity.file, entity.line(path))
