"""Property: random mutations of valid entities never make the validator raise, and every
finding it reports has a file and a line (and column)."""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from platformctl.core.catalog.validate import validate_paths, validate_text

VALID: list[dict[str, Any]] = [
    {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": {
            "name": "my-service",
            "namespace": "default",
            "title": "My service",
            "labels": {"tier": "backend"},
            "annotations": {"github.com/project-slug": "acme/my-service"},
            "tags": ["python", "web"],
            "links": [{"url": "https://example.com", "title": "Home", "icon": "dashboard"}],
        },
        "spec": {
            "type": "service",
            "lifecycle": "production",
            "owner": "group:team-a",
            "system": "shop",
            "providesApis": ["orders"],
            "dependsOn": ["resource:db"],
        },
    },
    {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "API",
        "metadata": {"name": "orders"},
        "spec": {
            "type": "openapi",
            "lifecycle": "production",
            "owner": "team-a",
            "definition": {"$text": "./openapi.yaml"},
        },
    },
    {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Group",
        "metadata": {"name": "team-a"},
        "spec": {"type": "team", "children": [], "parent": "org", "members": ["alice"]},
    },
    {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Location",
        "metadata": {"name": "more"},
        "spec": {"type": "url", "targets": ["./a.yaml"]},
    },
    {
        "apiVersion": "scaffolder.backstage.io/v1beta3",
        "kind": "Template",
        "metadata": {"name": "tpl"},
        "spec": {"type": "service", "parameters": [{"title": "x"}], "steps": []},
    },
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=80),
    st.sampled_from(["", " ", "${{ values.name }}", "a/b/c", "Component", "on", "group:", "$text"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(max_size=12), inner, max_size=4),
        st.dictionaries(st.sampled_from(["$text", "$json", "$yaml", "$ref"]), inner, max_size=1),
    ),
    max_leaves=12,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


@st.composite
def mutated_entity(draw: st.DrawFn) -> dict[str, Any]:
    entity = copy.deepcopy(draw(st.sampled_from(VALID)))
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(entity)
        path = draw(st.sampled_from(paths))
        if not path:
            continue
        parent: Any = entity
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(values)
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(max_size=10))] = draw(values)
    return entity


def check(result) -> None:
    for finding in result.report.findings:
        assert finding.file, finding
        assert finding.line is not None and finding.line >= 1, finding
        assert finding.column is not None and finding.column >= 1, finding
        assert finding.severity in ("error", "warning", "info")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mutated_entity(), min_size=1, max_size=3))
def test_mutated_entities(entities: list[dict[str, Any]]) -> None:
    text = yaml.safe_dump_all(entities, sort_keys=False, allow_unicode=True)
    check(validate_text(text, "fuzz.yaml"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(VALID),
    st.lists(
        st.tuples(
            st.integers(0, 2000),
            st.sampled_from(
                [
                    "\t",
                    ":",
                    "{",
                    "[",
                    "&a",
                    "*a",
                    "\x00",
                    "\ufeff",
                    "---\n",
                    "\n",
                    "- ",
                    "'",
                    '"',
                    "%",
                    "\xff",
                    "!!binary ",
                    "<<: ",
                    "? ",
                ]
            ),
        ),
        max_size=4,
    ),
    st.booleans(),
)
def test_text_mutations(
    entity: dict[str, Any], edits: list[tuple[int, str]], truncate: bool
) -> None:
    text = yaml.safe_dump(entity, sort_keys=False)
    for position, insert in edits:
        position %= len(text) + 1
        text = text[:position] + insert + text[position:]
    if truncate:
        text = text[: len(text) // 2]
    check(validate_text(text, "fuzz.yaml"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "catalog-info.yaml"
        path.write_bytes(text.encode("utf-8", "surrogatepass").replace(b"\xc3\xbf", b"\xff"))
        check(validate_paths([path], base=Path(tmp)))
