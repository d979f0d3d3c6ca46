"""The write half of `platformctl catalog discover` (core.catalog.discover_run): which files the
valid entities go to, written whole, never over an existing file without force."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from platformctl.core.catalog import discover_run
from platformctl.core.catalog.discover import Discovered
from platformctl.core.errors import UsageError


def _entity(name: str, namespace: str) -> Discovered:
    entity = {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": {"name": name},
        "spec": {"type": "service", "owner": "team-a", "lifecycle": "production"},
    }
    return Discovered(namespace=namespace, source=f"Deployment/{namespace}/{name}", entity=entity)


def test_plan_files_per_namespace_or_one_file(tmp_path):
    good = [_entity("a", "shop"), _entity("b", "shop"), _entity("c", "ops")]
    per_ns = discover_run.plan_files(good, output=None, output_dir=tmp_path / "out")
    assert sorted(p.name for p in per_ns) == ["ops.catalog.yaml", "shop.catalog.yaml"]
    docs = list(yaml.safe_load_all(per_ns[tmp_path / "out" / "shop.catalog.yaml"]))
    assert [d["metadata"]["name"] for d in docs] == ["a", "b"]
    one = discover_run.plan_files(good, output=tmp_path / "all.yaml", output_dir=None)
    (text,) = one.values()
    assert text.startswith(discover_run.HEADER)
    assert len(list(yaml.safe_load_all(text))) == 3
    assert discover_run.plan_files(good, output=None, output_dir=None) == {}


def test_write_files_refuses_to_overwrite_without_force(tmp_path):
    existing = tmp_path / "a.yaml"
    existing.write_text("mine\n")
    files = {tmp_path / "new" / "b.yaml": "b\n", existing: "a\n"}
    with pytest.raises(UsageError, match="exists"):
        discover_run.write_files(files, force=False)
    assert existing.read_text() == "mine\n"
    assert not (tmp_path / "new" / "b.yaml").exists()  # nothing written before the refusal
    discover_run.write_files(files, force=True)
    assert existing.read_text() == "a\n" and (tmp_path / "new" / "b.yaml").read_text() == "b\n"


def test_options_that_cannot_go_together():
    with pytest.raises(UsageError, match="--output-dir"):
        discover_run.check_options(
            output=Path("a"), output_dir=Path("b"), namespace=None, all_namespaces=False
        )
    with pytest.raises(UsageError, match="--all-namespaces"):
        discover_run.check_options(output=None, output_dir=None, namespace="x", all_namespaces=True)
