"""parse_entity_ref: Backstage's parseEntityRef semantics."""

from __future__ import annotations

import pytest

from platformctl.core.catalog.refs import EntityRef, EntityRefError, parse_entity_ref


@pytest.mark.parametrize(
    ("ref", "kind", "ns", "expected"),
    [
        ("component:default/a", None, "default", ("component", "default", "a")),
        ("a", "Group", "default", ("Group", "default", "a")),
        ("team/a", "Group", "default", ("Group", "team", "a")),
        ("user:a", None, "other", ("user", "other", "a")),
        ("a", "Group", "inherited", ("Group", "inherited", "a")),
        # a slash before the colon: no kind, the rest is namespace/name
        ("ns/a:b", "Group", "default", ("Group", "ns", "a:b")),
        ("group:ns/sub/x", None, "default", ("group", "ns", "sub/x")),
    ],
)
def test_parse(ref: str, kind: str | None, ns: str, expected: tuple[str, str, str]) -> None:
    parsed = parse_entity_ref(ref, kind, ns)
    assert (parsed.kind, parsed.namespace, parsed.name) == expected


@pytest.mark.parametrize("ref", ["", "group:", ":a", "group:/a", "/a", "group:ns/"])
def test_malformed(ref: str) -> None:
    with pytest.raises(EntityRefError):
        parse_entity_ref(ref, "Group")


def test_missing_kind_without_default() -> None:
    with pytest.raises(EntityRefError, match="no kind"):
        parse_entity_ref("my-database")


def test_str_and_key() -> None:
    ref = parse_entity_ref("Group:Default/Team-A")
    assert str(ref) == "group:Default/Team-A"
    assert ref.key == EntityRef("group", "default", "team-a").key
