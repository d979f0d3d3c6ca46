"""--fix: add annotation/link stubs keeping comments and order, create missing files, never
overwrite or delete; the Changeset's diff is exactly what would be written."""

from __future__ import annotations

import pytest

from platformctl.core.compliance import fixes
from platformctl.core.compliance.facts import Facts, glob_match
from platformctl.core.compliance.registry import FIX_TYPES, ensure_loaded

ensure_loaded()

CATALOG = """\
# Our service -- keep this comment.
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: billing  # the short name
  description: Bills customers every month for their plan.
  annotations:
    backstage.io/techdocs-ref: dir:.   # docs live next to the code
  links:
    - url: https://wiki.example.com/billing
      title: Wiki
spec:
  type: service
  owner: team-billing
"""


def apply(root, kind, **options):
    changes = fixes.Changeset(root)
    defaults = {k: o.default for k, o in FIX_TYPES[kind].options.items() if o.default is not None}
    done = FIX_TYPES[kind].func(changes, {**defaults, **options}, {"golden_path": None})
    return changes, done


def test_annotation_added_with_comments_and_order_kept(tmp_path):
    (tmp_path / "catalog-info.yaml").write_text(CATALOG)
    changes, done = apply(tmp_path, "catalog_annotation", key="pagerduty.com/service-id")
    assert done == "added annotation pagerduty.com/service-id: TODO (a placeholder: fill it in)"
    text = changes.current["catalog-info.yaml"]
    assert text == CATALOG.replace(
        "# docs live next to the code\n",
        "# docs live next to the code\n    pagerduty.com/service-id: TODO\n",
    )
    assert (tmp_path / "catalog-info.yaml").read_text() == CATALOG  # nothing written yet
    diff = changes.diff()
    assert diff.startswith("--- a/catalog-info.yaml\n+++ b/catalog-info.yaml\n")
    assert "+    pagerduty.com/service-id: TODO\n" in diff
    assert changes.write() == ["catalog-info.yaml"]
    assert (tmp_path / "catalog-info.yaml").read_text() == text


def test_existing_annotation_is_never_overwritten(tmp_path):
    (tmp_path / "catalog-info.yaml").write_text(CATALOG)
    changes, done = apply(
        tmp_path, "catalog_annotation", key="backstage.io/techdocs-ref", value="x"
    )
    assert done is None and changes.changed == []


def test_link_added_and_annotations_block_created(tmp_path):
    (tmp_path / "catalog-info.yaml").write_text(
        CATALOG.replace(
            "  annotations:\n    backstage.io/techdocs-ref: dir:.   # docs live next to the code\n",
            "",
        )
    )
    changes = fixes.Changeset(tmp_path)
    ctx = {"golden_path": None}
    FIX_TYPES["catalog_link"].func(
        changes, {"url": "https://r", "title": "Runbook", "link_type": "runbook"}, ctx
    )
    FIX_TYPES["catalog_annotation"].func(changes, {"key": "a/b", "value": "v"}, ctx)
    text = changes.current["catalog-info.yaml"]
    assert (
        "    - url: https://wiki.example.com/billing\n      title: Wiki\n"
        "    - url: https://r\n      title: Runbook\n      type: runbook\n" in text
    )
    assert "  annotations:\n    a/b: v\n" in text
    assert text.startswith("# Our service -- keep this comment.\n")
    assert "name: billing  # the short name" in text
    # the same link again: nothing to do
    done = FIX_TYPES["catalog_link"].func(
        changes, {"url": "https://r", "title": "Runbook", "link_type": "runbook"}, ctx
    )
    assert done is None and changes.current["catalog-info.yaml"] == text


def test_create_file_never_overwrites_and_refuses_escapes(tmp_path):
    changes, done = apply(tmp_path, "create_file", path="docs/index.md", content="# Hi\n")
    assert done == "created docs/index.md"
    assert changes.diff().startswith("--- /dev/null\n+++ b/docs/index.md\n")
    changes.write()
    assert (tmp_path / "docs" / "index.md").read_text() == "# Hi\n"
    (tmp_path / "docs" / "index.md").write_text("mine\n")
    _, done = apply(tmp_path, "create_file", path="docs/index.md", content="# Hi\n")
    assert done is None and (tmp_path / "docs" / "index.md").read_text() == "mine\n"
    with pytest.raises(fixes.FixNotPossible):
        apply(tmp_path, "create_file", path="../evil.txt", content="x")


def test_catalog_fix_without_catalog(tmp_path):
    with pytest.raises(fixes.FixNotPossible, match="no catalog-info.yaml"):
        apply(tmp_path, "catalog_annotation", key="a/b")


def test_facts_glob_and_listing(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "x.yaml").write_text("k: 1\n")
    (tmp_path / "a" / "y.yml").write_text("k: 2\n")
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "z.yaml").write_text("k: 3\n")
    facts = Facts(tmp_path)
    assert sorted(facts.glob("a/**/*.y*ml")) == ["a/b/x.yaml", "a/y.yml"]
    assert facts.glob("**/*.yaml") == ["a/b/x.yaml"]
    assert glob_match("deploy/k8s/x.yaml", "deploy/**/*.yaml")
    assert not glob_match("deploy/k8s/x.yaml", "deploy/*.yaml")
    assert facts.yaml_data("a/y.yml") == [{"k": 2}]
    assert facts.yaml_data("a/y.yml") == [{"k": 2}]
    assert facts.reads["a/y.yml"] == 1
