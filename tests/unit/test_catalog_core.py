"""core.catalog.validate: every stage of Backstage's ingestion, all errors, positions, refs,
org rules, discovery."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from platformctl.core.catalog.validate import discover, validate_paths, validate_text
from platformctl.core.config import Config, PlatformLayer

COMPONENT = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: my-service
  annotations:
    github.com/project-slug: acme/my-service
spec:
  type: service
  lifecycle: production
  owner: team-a
"""

GROUP = """\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-a
spec:
  type: team
  children: []
"""


def rules(result) -> list[tuple[str, str, int | None, int | None]]:
    return [(f.rule, f.severity, f.line, f.column) for f in result.report.sorted_findings()]


def errors(result) -> list:
    return [f for f in result.report.sorted_findings() if f.severity == "error"]


def test_valid_entities_have_no_errors() -> None:
    result = validate_text(COMPONENT + "---\n" + GROUP, "c.yaml")
    assert errors(result) == []
    assert [e.ref for e in result.entities] == [
        "component:default/my-service",
        "group:default/team-a",
    ]
    assert result.relations[0].target == "group:default/team-a"
    assert result.relations[0].resolved
    assert result.report.summary["line"] == "1 file, 2 entities, 0 errors, 0 warnings"


def test_all_errors_of_a_document_with_positions() -> None:
    text = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: My Service
  namespace: Team_A
  tags: [Java, ok]
  labels:
    tier: front end
  annotations:
    bad key!: x
    count: 3
  links:
    - url: not-a-url
spec:
  type: service
  owner: team-a
"""
    result = validate_text(text, "c.yaml")
    found = {(f.rule, f.line, f.column) for f in errors(result)}
    assert ("backstage/field-format", 4, 9) in found  # name
    assert ("backstage/field-format", 5, 14) in found  # namespace
    assert ("backstage/field-format", 6, 10) in found  # tag Java
    assert ("backstage/field-format", 8, 11) in found  # label value
    assert ("backstage/field-format", 10, 5) in found  # annotation key (points at the key)
    assert ("backstage/schema", 11, 12) in found  # annotation value must be a string
    assert ("backstage/field-format", 13, 12) in found  # link url
    assert ("backstage/kind-schema", 14, 1) in found  # spec.lifecycle missing
    assert all(f.entity == "component:Team_A/My Service" for f in errors(result))
    name = next(f for f in errors(result) if f.line == 4)
    assert name.hint and "my-service" in name.hint


def test_unknown_kind_did_you_mean() -> None:
    result = validate_text(COMPONENT.replace("kind: Component", "kind: Componnent"), "c.yaml")
    (finding,) = errors(result)
    assert finding.rule == "backstage/unknown-kind"
    assert finding.hint == "did you mean Component?"
    assert (finding.line, finding.column) == (2, 7)
    lower = validate_text(COMPONENT.replace("kind: Component", "kind: component"), "c.yaml")
    assert errors(lower)[0].hint == "did you mean Component?"


def test_unknown_api_version() -> None:
    result = validate_text(COMPONENT.replace("v1alpha1", "v1alpha2"), "c.yaml")
    (finding,) = errors(result)
    assert finding.rule == "backstage/unknown-kind"
    assert "backstage.io/v1alpha1" in (finding.hint or "")


def test_foreign_root_fields() -> None:
    result = validate_text(COMPONENT + "status: {}\nextra: 1\n", "c.yaml")
    assert [(f.rule, f.line) for f in errors(result)] == [
        ("backstage/unknown-root-field", 11),
        ("backstage/unknown-root-field", 12),
    ]


def test_location_type() -> None:
    text = """\
apiVersion: backstage.io/v1alpha1
kind: Location
metadata: {name: org}
spec:
  type: github-discovery
  target: https://github.com/acme/*/catalog-info.yaml
"""
    (finding,) = errors(validate_text(text, "l.yaml"))
    assert finding.rule == "backstage/location-type"
    assert (finding.line, finding.column) == (5, 9)
    assert not errors(validate_text(text.replace("github-discovery", "url"), "l.yaml"))


def test_relation_without_kind_is_rejected_like_backstage() -> None:
    text = COMPONENT + "  dependsOn: [my-database, resource:db]\n"
    (finding,) = errors(validate_text(text, "c.yaml"))
    assert finding.rule == "backstage/invalid-ref"
    assert finding.line == 11


def test_template_v1beta3() -> None:
    text = """\
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: t}
spec:
  type: service
  parameters: []
  steps: {}
"""
    (finding,) = errors(validate_text(text, "t.yaml"))
    assert finding.rule == "backstage/kind-schema" and "spec.steps" in finding.message
    assert not errors(validate_text(text.replace("steps: {}", "steps: []"), "t.yaml"))


def test_envelope_failure_blocks_the_file() -> None:
    text = GROUP + "---\nkind: Component\nmetadata: {name: x}\n"
    result = validate_text(text, "f.yaml")
    found = [(f.rule, f.document) for f in errors(result)]
    assert ("backstage/envelope", 1) in found
    assert ("backstage/file-rejected", None) in found
    assert all(f.document != 0 for f in errors(result))


def test_non_object_annotations_block_the_file() -> None:
    text = COMPONENT.replace(
        "  annotations:\n    github.com/project-slug: acme/my-service\n", "  annotations: [a]\n"
    )
    found = [(f.rule, f.document) for f in errors(validate_text(text, "f.yaml"))]
    assert found == [("backstage/file-rejected", None), ("backstage/annotations-not-object", 0)]
    # falsy annotations are replaced by an object, as the catalog does (JS truthiness: [] is not)
    empty_list = COMPONENT.replace(
        "  annotations:\n    github.com/project-slug: acme/my-service\n", "  annotations: []\n"
    )
    assert [f.rule for f in errors(validate_text(empty_list, "f.yaml"))] == [
        "backstage/file-rejected",
        "backstage/annotations-not-object",
    ]
    falsy = COMPONENT.replace(
        "  annotations:\n    github.com/project-slug: acme/my-service\n", "  annotations: ''\n"
    )
    assert not errors(validate_text(falsy, "f.yaml"))


def test_list_document_is_an_input_error() -> None:
    result = validate_text(GROUP + "---\n- a\n- b\n", "l.yaml")
    assert result.input_errors
    found = [(f.rule, f.document, f.line) for f in errors(result)]
    assert ("yaml/not-a-mapping", 1, 9) in found
    assert ("backstage/file-rejected", None, 1) in found


def test_yaml_1_2_semantics() -> None:
    # `on` stays a string (a YAML 1.1 loader would make it true and fail the tag check)
    text = COMPONENT.replace("metadata:\n", "metadata:\n  tags: [on, off]\n")
    assert not errors(validate_text(text, "c.yaml"))


def test_duplicate_and_unresolved_refs() -> None:
    result = validate_text(COMPONENT + "---\n" + COMPONENT.replace("team-a", "team-b"), "d.yaml")
    found = rules(result)
    assert ("refs/duplicate-entity", "warning", 15, 9) in found
    unresolved = [f for f in result.report.findings if f.rule == "refs/unresolved"]
    assert len(unresolved) == 2 and all(f.severity == "warning" for f in unresolved)
    assert "not defined in the validated files" in unresolved[0].message


def test_strict_refs_makes_unresolved_refs_errors(tmp_path: Path) -> None:
    (tmp_path / "catalog-info.yaml").write_text(COMPONENT)
    result = validate_paths([tmp_path], base=tmp_path, strict_refs=True)
    assert [(f.rule, f.severity) for f in result.report.findings] == [("refs/unresolved", "error")]


def test_placeholders(tmp_path: Path) -> None:
    api = """\
apiVersion: backstage.io/v1alpha1
kind: API
metadata: {name: orders}
spec:
  type: openapi
  lifecycle: production
  owner: team-a
  definition:
    $text: ./openapi.yaml
---
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: t}
spec:
  type: service
  parameters:
    $yaml: ./params.yaml
  steps:
    $json: ./steps.json
"""
    (tmp_path / "catalog-info.yaml").write_text(api)
    (tmp_path / "params.yaml").write_text("- title: x\n  properties: {}\n")
    (tmp_path / "steps.json").write_text('[{"id": "a", "action": "debug:log"}]')
    result = validate_paths([tmp_path], base=tmp_path)
    assert [
        (f.rule, f.line) for f in result.report.sorted_findings() if f.rule != "refs/unresolved"
    ] == [("refs/placeholder-missing", 9)]
    (tmp_path / "openapi.yaml").write_text("openapi: 3.0.0\n")
    (tmp_path / "steps.json").write_text("{not json")
    result = validate_paths([tmp_path], base=tmp_path)
    found = [(f.rule, f.severity) for f in result.report.sorted_findings()]
    assert ("refs/placeholder-unparsable", "warning") in found
    assert ("backstage/kind-schema", "error") in found  # steps fell back to text: not a list
    unparsable = [f for f in result.report.findings if f.rule == "refs/placeholder-unparsable"]
    assert unparsable[0].hint and "valid JSON" in unparsable[0].hint
    (tmp_path / "steps.json").unlink()
    (tmp_path / "steps.json").mkdir()
    result = validate_paths([tmp_path], base=tmp_path)
    missing = [f.message for f in result.report.findings if f.rule == "refs/placeholder-missing"]
    assert missing == ["placeholder $json at spec.steps: './steps.json' is a folder, not a file"]


def test_placeholder_needs_a_string() -> None:
    text = COMPONENT.replace("  type: service\n", "  type:\n    $text: 12\n")
    assert [f.rule for f in errors(validate_text(text, "c.yaml"))] == ["backstage/placeholder"]


def test_unknown_placeholder_resolvers_are_left_alone() -> None:
    text = COMPONENT.replace("  type: service\n", "  type:\n    $openapi: ./x.yaml\n")
    (finding,) = errors(validate_text(text, "c.yaml"))
    assert "must be a string" in finding.message
    assert "$openapi" in (finding.hint or "")


def test_techdocs_dir(tmp_path: Path) -> None:
    text = COMPONENT.replace(
        "    github.com/project-slug: acme/my-service\n",
        "    backstage.io/techdocs-ref: dir:docs\n",
    )
    (tmp_path / "catalog-info.yaml").write_text(text + "---\n" + GROUP)
    result = validate_paths([tmp_path], base=tmp_path)
    assert [f.rule for f in result.report.findings] == ["refs/techdocs-missing"]
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "mkdocs.yml").write_text("site_name: x\n")
    assert validate_paths([tmp_path], base=tmp_path).report.findings == []


def _platform(tmp_path: Path, catalog: dict) -> Config:
    root = tmp_path / "platform"
    root.mkdir()
    return Config(platforms=[PlatformLayer("test", root, {"catalog": catalog})])


def test_org_rules(tmp_path: Path) -> None:
    config = _platform(
        tmp_path,
        {
            "max_name_length": 5,
            "allowed_lifecycles": ["experimental", "production"],
            "allowed_types": {"Component": ["website"]},
            "required_annotations": [
                {
                    "kind": "Component",
                    "type": "service",
                    "annotations": ["backstage.io/techdocs-ref"],
                }
            ],
        },
    )
    text = COMPONENT.replace("production", "prod")
    result = validate_text(text, "c.yaml", config=config)
    found = {(f.rule, f.line) for f in errors(result)}
    assert found == {
        ("org/name-length", 4),
        ("org/lifecycle", 9),
        ("org/type", 8),
        ("org/required-annotation", 5),
    }
    lifecycle = next(f for f in errors(result) if f.rule == "org/lifecycle")
    assert lifecycle.hint and lifecycle.hint.startswith("did you mean production?")


def test_custom_kinds(tmp_path: Path) -> None:
    config = _platform(
        tmp_path,
        {
            "custom_kinds": [
                {"kind": "Workflow", "api_versions": ["acme.io/v1"], "schema": "workflow.json"}
            ]
        },
    )
    schema = {
        "allOf": [
            {"$ref": "Entity"},
            {"properties": {"spec": {"type": "object", "required": ["schedule"]}}},
        ]
    }
    (tmp_path / "platform" / "workflow.json").write_text(json.dumps(schema))
    text = "apiVersion: acme.io/v1\nkind: Workflow\nmetadata: {name: nightly}\nspec: {}\n"
    result = validate_text(text, "w.yaml", config=config)
    assert [(f.rule, f.line) for f in errors(result)] == [("org/custom-kind", 4)]
    ok = validate_text(text.replace("spec: {}", "spec: {schedule: daily}"), "w.yaml", config=config)
    assert not errors(ok)
    typo = validate_text(text.replace("kind: Workflow", "kind: Workflo"), "w.yaml", config=config)
    assert errors(typo)[0].hint == "did you mean Workflow?"
    # without the platform the kind is unknown
    assert errors(validate_text(text, "w.yaml"))[0].rule == "backstage/unknown-kind"


def test_discover_respects_gitignore(git_repo: Path) -> None:
    (git_repo / "catalog-info.yaml").write_text(GROUP)
    (git_repo / "svc").mkdir()
    (git_repo / "svc" / "catalog-info.yml").write_text(GROUP)
    (git_repo / "svc" / "apis.catalog.yaml").write_text(GROUP)
    (git_repo / "svc" / "other.yaml").write_text(GROUP)
    (git_repo / "build").mkdir()
    (git_repo / "build" / "catalog-info.yaml").write_text(GROUP)
    (git_repo / ".gitignore").write_text("build/\n")
    found = [p.relative_to(git_repo).as_posix() for p in discover(git_repo)]
    assert found == ["catalog-info.yaml", "svc/apis.catalog.yaml", "svc/catalog-info.yml"]
    subprocess.run(["git", "-C", str(git_repo), "add", "."], check=True)
    assert [p.relative_to(git_repo).as_posix() for p in discover(git_repo)] == found


def test_discover_searches_untracked_nested_repositories(git_repo: Path) -> None:
    (git_repo / "catalog-info.yaml").write_text(GROUP)
    inner = git_repo / "vendor" / "inner"
    inner.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(inner)], check=True)
    (inner / "catalog-info.yaml").write_text(GROUP)
    (inner / "build").mkdir()
    (inner / "build" / "catalog-info.yaml").write_text(GROUP)
    (inner / ".gitignore").write_text("build/\n")
    found = [p.relative_to(git_repo).as_posix() for p in discover(git_repo)]
    assert found == ["catalog-info.yaml", "vendor/inner/catalog-info.yaml"]


def test_discover_without_git(tmp_path: Path) -> None:
    for folder in ("a", "node_modules/x", ".venv", "b/c"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        (tmp_path / folder / "catalog-info.yaml").write_text(GROUP)
    found = [p.relative_to(tmp_path).as_posix() for p in discover(tmp_path)]
    assert found == ["a/catalog-info.yaml", "b/c/catalog-info.yaml"]


def test_discover_without_git_still_honours_gitignore(tmp_path: Path) -> None:
    """An unpacked archive or a copy without .git: the same files as inside the repo."""
    for folder in ("a", "build", "b/c", "b/gen", "b/keep"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        (tmp_path / folder / "catalog-info.yaml").write_text(GROUP)
    (tmp_path / "a" / "tmp.catalog.yaml").write_text(GROUP)
    (tmp_path / ".gitignore").write_text("# generated\nbuild/\n*tmp.catalog.yaml\n")
    (tmp_path / "b" / ".gitignore").write_text("gen/\nc/catalog-info.yaml\n")
    found = [p.relative_to(tmp_path).as_posix() for p in discover(tmp_path)]
    assert found == ["a/catalog-info.yaml", "b/keep/catalog-info.yaml"]


def test_discover_orders_by_path_parts_and_lists_only_files(tmp_path: Path) -> None:
    """Sorted as Paths sort (part by part: a/b before a-b), symlinks to files followed,
    broken symlinks and folders named like catalog files left out."""
    for folder in ("a-b", "a/b", "a"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        (tmp_path / folder / "catalog-info.yaml").write_text(GROUP)
    (tmp_path / "linked.catalog.yaml").symlink_to(tmp_path / "a" / "catalog-info.yaml")
    (tmp_path / "broken.catalog.yaml").symlink_to(tmp_path / "missing.yaml")
    (tmp_path / "dir.catalog.yaml").mkdir()
    found = [p.relative_to(tmp_path).as_posix() for p in discover(tmp_path)]
    expected = [
        "a/b/catalog-info.yaml",
        "a/catalog-info.yaml",
        "a-b/catalog-info.yaml",
        "linked.catalog.yaml",
    ]
    assert found == expected
    assert found == sorted(found, key=Path)


def test_discover_skips_tracked_files_deleted_from_the_work_tree(git_repo: Path) -> None:
    (git_repo / "a").mkdir()
    for name in ("catalog-info.yaml", "a/catalog-info.yaml"):
        (git_repo / name).write_text(GROUP)
    subprocess.run(["git", "-C", str(git_repo), "add", "."], check=True)
    (git_repo / "a" / "catalog-info.yaml").unlink()
    assert [p.relative_to(git_repo).as_posix() for p in discover(git_repo)] == [
        "catalog-info.yaml"
    ]


@pytest.mark.parametrize("jobs", [1, 2])
def test_parallel_and_serial_agree(tmp_path: Path, jobs: int) -> None:
    for i in range(6):
        folder = tmp_path / f"s{i}"
        folder.mkdir()
        body = COMPONENT.replace("my-service", f"svc-{i}")
        if i == 3:
            body = body.replace("  lifecycle: production\n", "")
        (folder / "catalog-info.yaml").write_text(body + "---\n" + GROUP.replace("team-a", f"t{i}"))
    result = validate_paths([tmp_path], base=tmp_path, jobs=jobs)
    assert len(result.entities) == 12
    assert [(f.rule, f.file) for f in errors(result)] == [
        ("backstage/kind-schema", "s3/catalog-info.yaml")
    ]
    assert len([f for f in result.report.findings if f.rule == "refs/duplicate-entity"]) == 0
    assert result.entities[0].doc.position(("metadata", "name"))[0] == 4


@pytest.mark.skipif(not Path("/proc/loadavg").exists(), reason="needs /proc/loadavg")
def test_busy_cores_counts_other_running_processes() -> None:
    """A process spinning on a core right now counts as busy (the load average would not
    show it for a minute)."""
    import subprocess
    import sys
    import time

    from platformctl.core.catalog.validation.parallel import busy_cores

    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.3)
        assert min(busy_cores() for _ in range(5)) >= 1
    finally:
        spinner.kill()
        spinner.wait()


def _slow_parent(monkeypatch: pytest.MonkeyPatch, seconds: float = 0.05) -> None:
    """Files validated in the parent take ``seconds`` longer: the workers take part of a
    small input for certain, however fast the parent is."""
    import os
    import time

    from platformctl.core.catalog.validation import parallel

    parent = os.getpid()
    real = parallel.validate_file

    def slow(*args: Any, **kwargs: Any) -> Any:
        if os.getpid() == parent:
            time.sleep(seconds)
        return real(*args, **kwargs)

    monkeypatch.setattr(parallel, "validate_file", slow)


def test_worker_entities_read_their_data_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers ship no entity data (only refs and positions); ``record.data`` reads the
    document again, identical to what a serial run keeps."""
    for i in range(8):
        folder = tmp_path / f"s{i}"
        folder.mkdir()
        body = COMPONENT.replace("my-service", f"svc-{i}")
        (folder / "catalog-info.yaml").write_text(GROUP.replace("team-a", f"t{i}") + "---\n" + body)
    serial = validate_paths([tmp_path], base=tmp_path, jobs=1)
    _slow_parent(monkeypatch)  # so that the worker surely takes some of the files
    forked = validate_paths([tmp_path], base=tmp_path, jobs=2)
    assert [e.ref for e in forked.entities] == [e.ref for e in serial.entities]
    assert any(e._data is None for e in forked.entities)  # some came from the worker
    assert [e.data for e in forked.entities] == [e.data for e in serial.entities]
    assert forked.entities[-1].data["metadata"]["name"] == "svc-7"


def test_a_failing_worker_fails_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An exception in a forked worker reaches the caller with the worker's traceback, not a
    hang or a silently shorter result."""
    import os
    import time

    from platformctl.core.catalog.validation import parallel

    for i in range(4):
        (tmp_path / f"c{i}.catalog.yaml").write_text(GROUP.replace("team-a", f"t{i}"))
    parent = os.getpid()
    real = parallel.validate_file

    def failing_in_child(*args: Any, **kwargs: Any) -> Any:
        if os.getpid() != parent:
            raise ValueError("boom in the worker")
        time.sleep(0.05)  # the worker surely takes a file
        return real(*args, **kwargs)

    monkeypatch.setattr(parallel, "validate_file", failing_in_child)
    with pytest.raises(RuntimeError, match="boom in the worker"):
        validate_paths([tmp_path], base=tmp_path, jobs=2)


def test_a_worker_that_dies_silently_fails_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker killed mid-run (no failure report) leaves chunks without results: an error
    naming its exit status, not a shorter report."""
    import os
    import time

    from platformctl.core.catalog.validation import parallel

    for i in range(6):
        (tmp_path / f"c{i}.catalog.yaml").write_text(GROUP.replace("team-a", f"t{i}"))
    parent = os.getpid()
    real = parallel.validate_file
    calls = []

    def dying_in_child(*args: Any, **kwargs: Any) -> Any:
        if os.getpid() != parent:
            calls.append(1)
            if len(calls) == 2:  # after one chunk's results went out
                os._exit(3)
        else:
            time.sleep(0.05)
        return real(*args, **kwargs)

    monkeypatch.setattr(parallel, "validate_file", dying_in_child)
    monkeypatch.setattr(parallel, "MAX_CHUNK", 1)
    with pytest.raises(RuntimeError, match=r"without all its results \(exit codes \[3\]\)"):
        validate_paths([tmp_path], base=tmp_path, jobs=2)


@pytest.mark.parametrize("count", [0, 1, 3])
def test_more_workers_than_files(tmp_path: Path, count: int) -> None:
    for i in range(count):
        (tmp_path / f"c{i}.catalog.yaml").write_text(GROUP.replace("team-a", f"t{i}"))
    result = validate_paths([tmp_path], base=tmp_path, jobs=4)
    assert len(result.entities) == count
    assert result.report.summary["files"] == count


def test_worker_count(monkeypatch: pytest.MonkeyPatch) -> None:
    from platformctl.core.catalog import validate as v

    monkeypatch.delenv("PLATFORMCTL_JOBS", raising=False)
    assert v._worker_count(10, None) == 1
    assert v._worker_count(10, 3) == 3
    from platformctl.core.catalog.validation import parallel

    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 4)
    monkeypatch.setattr(parallel, "busy_cores", lambda: 1)
    assert v._worker_count(5000, None) == 3
    monkeypatch.setattr(parallel, "busy_cores", lambda: 9)
    assert v._worker_count(5000, None) == 1
    monkeypatch.setenv("PLATFORMCTL_JOBS", "2")
    assert v._worker_count(5000, None) == 2


def test_location_targets(tmp_path: Path) -> None:
    text = """\
apiVersion: backstage.io/v1alpha1
kind: Location
metadata: {name: more}
spec:
  targets: [./a.yaml, ./missing.yaml, https://example.com/x.yaml, ./team-*/catalog.yaml]
"""
    (tmp_path / "catalog-info.yaml").write_text(text)
    (tmp_path / "a.yaml").write_text(GROUP)
    result = validate_paths([tmp_path / "catalog-info.yaml"], base=tmp_path)
    assert [(f.rule, f.line, f.column) for f in result.report.findings] == [
        ("refs/location-target-missing", 5, 23)
    ]


def test_scalar_document_message_reads_as_english() -> None:
    result = validate_text("hello\n", "s.yaml")
    messages = [f.message for f in errors(result) if f.rule == "yaml/not-a-mapping"]
    assert messages and messages[0].startswith("document 1 is a string, but")
    number = validate_text("apiVersion: 1\nkind: Component\nmetadata: {name: x}\n", "n.yaml")
    assert any("apiVersion must be a string, not a number" in f.message for f in errors(number))


def test_workers_share_the_files_from_one_queue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow process takes fewer chunks: the files are not split in fixed shares, and every
    file is validated exactly once, reported in file order."""
    import os

    from platformctl.core.catalog.validation import parallel

    for i in range(40):
        (tmp_path / f"c{i:02}.catalog.yaml").write_text(GROUP.replace("team-a", f"t{i}"))
    seen = tmp_path.parent / f"{tmp_path.name}-seen"
    seen.mkdir()
    real = parallel.validate_file

    def recording(path: Path, *args: Any, **kwargs: Any) -> Any:
        (seen / f"{path.name}.{os.getpid()}").touch()
        return real(path, *args, **kwargs)

    monkeypatch.setattr(parallel, "validate_file", recording)
    _slow_parent(monkeypatch, 0.02)
    result = validate_paths([tmp_path], base=tmp_path, jobs=2)
    assert result.report.files == [f"c{i:02}.catalog.yaml" for i in range(40)]
    assert [e.name for e in result.entities] == [f"t{i}" for i in range(40)]
    marks = sorted(p.name for p in seen.iterdir())
    assert sorted(m.rsplit(".", 1)[0] for m in marks) == sorted(
        f"c{i:02}.catalog.yaml" for i in range(40)
    )  # each file once
    by_parent = [m for m in marks if m.endswith(f".{os.getpid()}")]
    assert 0 < len(by_parent) < 20  # the slow parent did less than half
