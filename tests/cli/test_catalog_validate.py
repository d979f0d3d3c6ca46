"""`platformctl catalog validate` end to end: formats, exit codes, discovery, bad input."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"

GOOD = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout
spec:
  type: service
  lifecycle: production
  owner: team-a
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-a
spec:
  type: team
  children: []
"""

BAD = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: Checkout Service
  tags: [Java]
spec:
  type: service
  owner: team-a
"""


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "catalog-info.yaml").write_text(GOOD)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_valid_tree_exits_0(cli, tree: Path) -> None:
    result = cli("catalog", "validate")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("1 file, 2 entities, 0 errors, 0 warnings")


def test_invalid_entity_exits_1_with_positions(cli, tree: Path) -> None:
    (tree / "bad.catalog.yaml").write_text(BAD)
    result = cli("catalog", "validate")
    assert result.exit_code == 1
    out = result.stdout
    lines = out.splitlines()
    name = next(line for line in lines if "metadata.name" in line)
    assert name.startswith('bad.catalog.yaml:4:9: error metadata.name "Checkout Service" ')
    assert name.endswith(" (component:default/Checkout Service) [backstage/field-format]")
    assert lines[lines.index(name) + 1] == (
        "    hint: for example: checkout-service (put the display name in metadata.title)"
    )
    assert any(line.startswith("bad.catalog.yaml:5:10: error ") for line in lines)  # the tag
    assert not any(line.startswith("bad.catalog.yaml:8:1: ") for line in lines)
    assert "missing required field 'spec.lifecycle'" in out
    assert out.strip().endswith("2 files, 3 entities, 3 errors, 0 warnings")
    assert "Traceback" not in result.output


def test_json_format(cli, tree: Path) -> None:
    (tree / "bad.catalog.yaml").write_text(BAD)
    result = cli("catalog", "validate", "--format", "json")
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["version"] == 1
    assert payload["summary"]["files"] == 2 and payload["summary"]["errors"] == 3
    first = payload["findings"][0]
    assert set(first) >= {
        "rule",
        "severity",
        "message",
        "file",
        "line",
        "column",
        "document",
        "entity",
        "hint",
    }
    assert {f["file"] for f in payload["findings"]} == {"bad.catalog.yaml"}


@pytest.mark.parametrize("fmt", ["sarif", "junit", "github"])
def test_other_formats(cli, tree: Path, fmt: str) -> None:
    (tree / "bad.catalog.yaml").write_text(BAD)
    result = cli("catalog", "validate", "--format", fmt)
    assert result.exit_code == 1
    if fmt == "sarif":
        log = json.loads(result.stdout)
        assert log["version"] == "2.1.0" and len(log["runs"][0]["results"]) == 3
    elif fmt == "junit":
        root = ET.fromstring(result.stdout)
        assert root.get("failures") == "3"
        assert {s.get("name") for s in root} == {"bad.catalog.yaml", "good/catalog-info.yaml"}
    else:
        assert "::error file=bad.catalog.yaml,line=4,col=9,title=backstage/field-format::" in (
            result.stdout
        )


def test_output_file(cli, tree: Path) -> None:
    result = cli("catalog", "validate", "--format", "json", "--output", "report.json")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert json.loads((tree / "report.json").read_text())["summary"]["entities"] == 2
    assert "1 file, 2 entities" in result.stderr


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_unwritable_output_is_a_usage_error(cli, tree: Path, fmt: str) -> None:
    for target in (tree / "no" / "such" / "dir" / "r.out", tree):
        result = cli("catalog", "validate", "--format", fmt, "--output", str(target))
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith(f"error: cannot write the report to {target}")
        assert "\nhint: " in result.stderr and "internal error" not in result.stderr
    assert not list(tree.parent.glob(".*.tmp"))


def test_explicit_folder_without_catalog_files_warns(cli, tree: Path) -> None:
    (tree / "empty").mkdir()
    result = cli("catalog", "validate", "empty")
    assert result.exit_code == 0
    assert "warning: no catalog files found" in result.stderr


def test_strict_and_strict_refs(cli, tree: Path) -> None:
    lonely = GOOD.split("---")[0]
    (tree / "good" / "catalog-info.yaml").write_text(lonely)
    result = cli("catalog", "validate")
    assert result.exit_code == 0
    assert "warning" in result.stdout and "[refs/unresolved]" in result.stdout
    assert cli("catalog", "validate", "--strict").exit_code == 1
    strict_refs = cli("catalog", "validate", "--strict-refs")
    assert strict_refs.exit_code == 1
    assert "good/catalog-info.yaml:8:10: error spec.owner refers to group:default/team-a" in (
        strict_refs.stdout
    )


def test_explicit_file_with_any_name(cli, tree: Path) -> None:
    (tree / "entities.yaml").write_text(GOOD)
    result = cli("catalog", "validate", "entities.yaml")
    assert result.exit_code == 0
    assert "1 file, 2 entities" in result.stdout


def test_missing_path_and_bad_format(cli, tree: Path) -> None:
    result = cli("catalog", "validate", "nope.yaml", "good")
    assert result.exit_code == 2
    assert "nope.yaml" in result.stdout and "no such file" in result.stdout
    assert "2 files, 2 entities" in result.stdout
    bad_format = cli("catalog", "validate", "--format", "xml")
    assert bad_format.exit_code == 2
    assert "error: unknown format 'xml'" in bad_format.stderr


def _alias_bomb() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
        prev = name
    return "\n".join(lines) + "\n"


BAD_INPUT: dict[str, tuple[bytes, str, str]] = {
    # name: (content, rule, line:col)
    "malformed": (b"apiVersion: backstage.io/v1alpha1\nkind: [Component\n", "yaml/syntax", "3:1"),
    # Backstage reads any bytes as text (bad UTF-8 -> U+FFFD): a PNG is one string document
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "yaml/not-a-mapping", "1:1"),
    "alias-bomb": (_alias_bomb().encode(), "yaml/alias-limit", ""),
    "deep": (b"a: " + b"[" * 200 + b"]" * 200 + b"\n", "yaml/too-deep", ""),
    "list": (
        b"- apiVersion: backstage.io/v1alpha1\n- kind: Component\n",
        "yaml/not-a-mapping",
        "1:1",
    ),
    "scalar": (b"just a string\n", "yaml/not-a-mapping", "1:1"),
    "tabs": (
        b"apiVersion: backstage.io/v1alpha1\nkind: User\nspec:\n\tmemberOf: []\n",
        "yaml/syntax",
        "4:1",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUT))
def test_bad_input_exit_2_and_others_still_validated(cli, tree: Path, case: str) -> None:
    content, rule, where = BAD_INPUT[case]
    (tree / "x.catalog.yaml").write_bytes(content)
    (tree / "good" / "broken.catalog.yaml").write_text(BAD)  # another file, still validated
    result = cli("catalog", "validate")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stdout.splitlines()
    mine = [line for line in lines if line.endswith(f"[{rule}]")]
    assert len(mine) == 1, result.stdout
    assert mine[0].startswith(f"x.catalog.yaml:{where + ':' if where else ''}"), mine[0]
    if where:
        assert mine[0].startswith(f"x.catalog.yaml:{where}: error "), mine[0]
    assert "good/broken.catalog.yaml" in result.stdout
    assert "[backstage/field-format]" in result.stdout  # the other file's own error


def test_fifty_megabytes_is_refused_without_reading(cli, tree: Path) -> None:
    big = tree / "big.catalog.yaml"
    with big.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    result = cli("catalog", "validate")
    assert result.exit_code == 2
    assert "[yaml/too-large]" in result.stdout and "50.0 MiB" in result.stdout
    assert (
        "good/catalog-info.yaml" not in result.stdout
        or "error" not in result.stdout.split("good/catalog-info.yaml")[1]
    )


def test_bom_is_only_a_warning(cli, tree: Path) -> None:
    (tree / "good" / "catalog-info.yaml").write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    result = cli("catalog", "validate")
    assert result.exit_code == 0
    assert (
        "good/catalog-info.yaml:1:1: warning file starts with a UTF-8 byte-order mark [yaml/bom]\n"
        in result.stdout
    )
    assert cli("catalog", "validate", "--strict").exit_code == 1


def test_unreadable_file(cli, tree: Path) -> None:
    result = cli("catalog", "validate", str(tree / "good"), str(tree / "good" / "missing.yaml"))
    assert result.exit_code == 2


def test_org_rules_from_the_platform(cli, tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    platform = tree / "platform"
    platform.mkdir()
    (platform / "platform.yaml").write_text(
        "apiVersion: platformctl.io/v1\nkind: Platform\nmetadata: {name: acme}\n"
        "catalog:\n  allowed_lifecycles: [experimental, deprecated]\n"
    )
    monkeypatch.setenv("PLATFORMCTL_PLATFORM", str(platform))
    result = cli("catalog", "validate", "good")
    assert result.exit_code == 1
    assert "[org/lifecycle]" in result.stdout


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ('{"type": 5}', "is not a valid JSON schema: 5 is not valid"),
        ('{"$ref": "Nope"}', "is not a valid JSON schema: unknown $ref 'Nope'"),
        ('{"properties": {"spec": {"pattern": "(["}}}', "is not a 'regex'"),
        ("[1]", "a schema must be a JSON object"),
        ("{bad", "is not valid JSON: Expecting property name"),
    ],
)
def test_broken_custom_kind_schema_is_an_input_error(
    cli, tree: Path, monkeypatch: pytest.MonkeyPatch, schema: str, message: str
) -> None:
    platform = tree / "platform"
    platform.mkdir()
    (platform / "platform.yaml").write_text(
        "apiVersion: platformctl.io/v1\nkind: Platform\nmetadata: {name: acme}\n"
        "catalog:\n  custom_kinds:\n    - kind: Workflow\n      api_version: acme.io/v1\n"
        "      schema: wf.json\n"
    )
    (platform / "wf.json").write_text(schema)
    (tree / "wf.catalog.yaml").write_text(
        "apiVersion: acme.io/v1\nkind: Workflow\nmetadata: {name: wf}\nspec: {}\n"
    )
    monkeypatch.setenv("PLATFORMCTL_PLATFORM", str(platform))
    result = cli("catalog", "validate")
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: the schema of custom kind Workflow ")
    assert message in result.stderr and "hint: " in result.stderr
    assert "internal error" not in result.stderr


def test_the_shipped_example_catalog_is_valid(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLES)
    result = cli("catalog", "validate", "--strict", "--strict-refs", ".")
    assert result.exit_code == 0, result.output
    assert "6 files, 15 entities, 0 errors, 0 warnings" in result.stdout


BROKEN_OWNER = GOOD.split("---")[0].replace("owner: team-a", "owner: grup:default/Team X")


@pytest.mark.parametrize("kind", ["Component", "Componnent"])
def test_broken_owner_reference_fails(cli, tree: Path, kind: str) -> None:
    """Regression (issue 9, defect 1): `owner: grup:default/Team X` was one warning and exit 0;
    with `kind: Componnent` the owner problem was not reported at all."""
    text = BROKEN_OWNER.replace("kind: Component", f"kind: {kind}")
    (tree / "good" / "catalog-info.yaml").write_text(text)
    result = cli("catalog", "validate")
    assert result.exit_code == 1, result.output
    owner = [
        line
        for line in result.stdout.splitlines()
        if line.startswith("good/catalog-info.yaml:8:10: error ")
    ]
    assert [line.rsplit(" ", 1)[1] for line in owner] == ["[org/owner-kind]", "[org/ref-name]"]


def test_owner_kinds_from_the_platform(cli, tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tree / "good" / "catalog-info.yaml").write_text(
        GOOD.replace("owner: team-a", "owner: user:jane")
    )
    assert cli("catalog", "validate", "good").exit_code == 0
    platform = tree / "platform"
    platform.mkdir()
    (platform / "platform.yaml").write_text(
        "apiVersion: platformctl.io/v1\nkind: Platform\nmetadata: {name: acme}\n"
        "catalog:\n  owner_kinds: [Group]\n"
    )
    monkeypatch.setenv("PLATFORMCTL_PLATFORM", str(platform))
    result = cli("catalog", "validate", "good")
    assert result.exit_code == 1
    assert "owners must be a Group (component:default/checkout) [org/owner-kind]" in result.stdout


def test_invalid_utf8_is_read_like_backstage(cli, tree: Path) -> None:
    """Backstage decodes catalog files with Buffer.toString('utf8'): a Latin-1 byte becomes
    U+FFFD (a warning here), and the entity fails on what that makes of its name, not the
    whole file (found by the differential fuzzer)."""
    (tree / "x.catalog.yaml").write_bytes(
        b"apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: caf\xe9\n"
        b"spec: {type: team, children: []}\n"
    )
    result = cli("catalog", "validate", "x.catalog.yaml")
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert any(
        line.startswith("x.catalog.yaml:4:12: warning") and line.endswith("[yaml/encoding]")
        for line in lines
    ), result.stdout
    assert any(
        line.startswith("x.catalog.yaml:4:9: error") and line.endswith("[backstage/field-format]")
        for line in lines
    ), result.stdout
    assert "[backstage/file-rejected]" not in result.stdout
