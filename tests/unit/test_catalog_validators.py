"""The pregenerated schema gates (platformctl.core.catalog._validators) match the vendored
schemas and answer as the gates compiled at run time do."""

from __future__ import annotations

import importlib

import pytest

from platformctl.core.catalog import schema as S

NAMES = sorted(S.builtin_schemas())


@pytest.mark.parametrize("name", NAMES)
def test_pregenerated_gate_is_current(name: str) -> None:
    schema = S.builtin_schemas()[name]
    module = importlib.import_module(f"{S.VALIDATORS_PACKAGE}.{S.module_name(name)}")
    assert S.schema_digest(schema) == module.SCHEMA_DIGEST, (
        "the vendored schemas changed: run python scripts/generate_schema_validators.py"
    )
    assert S._pregenerated(name, schema) is module.validate


def _samples() -> list[object]:
    base = {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": {"name": "a", "tags": ["x"], "links": [{"url": "https://e.com"}]},
        "spec": {"type": "service", "lifecycle": "production", "owner": "team"},
    }
    samples: list[object] = [None, [], "x", base]
    for kind in S.KIND_SCHEMAS:
        samples.append({**base, "kind": kind})
        samples.append({**base, "kind": kind, "spec": {}})
        samples.append({**base, "kind": kind, "apiVersion": "scaffolder.backstage.io/v1beta3"})
    samples.append({**base, "metadata": {"name": ""}})
    samples.append({**base, "metadata": {"name": "a", "labels": {"k": 1}}})
    samples.append({**base, "spec": {**base["spec"], "owner": 3}})  # type: ignore[dict-item]
    return samples


@pytest.mark.parametrize("name", NAMES)
def test_pregenerated_gate_agrees_with_runtime_compile(name: str) -> None:
    schema = S.builtin_schemas()[name]
    pregenerated = S._pregenerated(name, schema)
    compiled = S._compile_fast(schema)
    assert pregenerated is not None

    def ok(check: object, data: object) -> bool:
        try:
            check(data)  # type: ignore[operator]
        except Exception:  # noqa: BLE001
            return False
        return True

    for data in _samples():
        assert ok(pregenerated, data) == ok(compiled, data), data


def test_stale_module_is_not_used() -> None:
    schema = dict(S.builtin_schemas()["Component"], title="changed")
    assert S._pregenerated("Component", schema) is None
