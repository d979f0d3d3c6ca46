"""yamlio: YAML 1.2 the way Backstage's `yaml` package reads it, with positions and limits."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from platformctl.core import yamlio
from platformctl.core.errors import InputFileError


def one(text: str):
    loaded = yamlio.load_text(text, "t.yaml")
    assert loaded.ok, loaded.problems
    return loaded.documents[0]


def problem(text: str) -> yamlio.YamlProblem:
    loaded = yamlio.load_text(text, "t.yaml")
    errors = [p for p in loaded.problems if p.severity == "error"]
    assert errors, "expected a problem"
    return errors[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("v: yes", "yes"),
        ("v: no", "no"),
        ("v: on", "on"),
        ("v: off", "off"),
        ("v: 2024-01-02", "2024-01-02"),
        ("v: 0o17", 15),
        ("v: 0x1f", 31),
        ("v: 017", 17),
        ("v: 1_000", "1_000"),
        ("v: 1.5e3", 1500.0),
        ("v: true", True),
        ("v: False", False),
        ("v: ~", None),
        ("v:", None),
        ("v: '12'", "12"),
        ("v: !!str 12", "12"),
        ("v: !Ref thing", "thing"),
        ("v: .inf", math.inf),
    ],
)
def test_core_schema_scalars(text: str, expected: object) -> None:
    assert one(text).data["v"] == expected


def test_nan() -> None:
    assert math.isnan(one("v: .nan").data["v"])


def test_keys_become_json_strings() -> None:
    assert one("true: 1\n12: 2\nnull: 3\n").data == {"true": 1, "12": 2, "": 3}


def test_merge_keys_are_plain_keys() -> None:
    doc = one("base: &b {a: 1}\nchild:\n  <<: *b\n  c: 2\n")
    assert doc.data["child"] == {"<<": {"a": 1}, "c": 2}


def test_positions_of_values_and_keys() -> None:
    doc = one("metadata:\n  name: x\n  tags:\n    - a\n    - b\n")
    assert doc.position(("metadata", "name")) == (2, 9)
    assert doc.position(("metadata", "name"), key=True) == (2, 3)
    assert doc.position(("metadata", "tags", 1)) == (5, 7)
    # missing paths fall back to the nearest ancestor
    assert doc.position(("metadata", "missing", "deep")) == (2, 3)


def test_positions_are_found_for_keys_as_they_are_read() -> None:
    """Positions are looked up in the node graph on demand: keys must match the way the
    builder reads them (quoted, tagged, numbers, booleans, null, complex keys, aliases)."""
    text = (
        "spec:\n"
        "  'quoted': 1\n"
        "  0o17: octal\n"
        "  true: yes\n"
        "  ~: nothing\n"
        "  !!str 12: tagged\n"
        "  [a, b]: complex\n"
        "  ref: &r {x: 1}\n"
        "  again: *r\n"
    )
    doc = one(text)
    assert set(doc.data["spec"]) == {"quoted", "15", "true", "", "12", "[ a, b ]", "ref", "again"}
    assert doc.position(("spec", "quoted"), key=True) == (2, 3)
    assert doc.position(("spec", "15")) == (3, 9)
    assert doc.position(("spec", "true"), key=True) == (4, 3)
    assert doc.position(("spec", "")) == (5, 6)
    assert doc.position(("spec", "12")) == (6, 13)
    assert doc.position(("spec", "[ a, b ]")) == (7, 11)
    assert doc.position(("spec", "again", "x")) == (8, 15)
    assert doc.position(("spec", "again"), key=True) == (9, 3)
    assert doc.position(("spec", 0)) == (2, 3)  # not a list: the parent
    assert doc.position(("nope",)) == (1, 1)


def test_multi_document_and_empty_documents() -> None:
    loaded = yamlio.load_text("a: 1\n---\n---\nb: 2\n---\n", "m.yaml")
    assert [d.data for d in loaded.documents] == [{"a": 1}, None, {"b": 2}, None]
    assert [d.index for d in loaded.documents] == [0, 1, 2, 3]
    assert loaded.documents[2].line == 4


def test_duplicate_key_is_an_error_with_position() -> None:
    p = problem("a: 1\nb: 2\na: 3\n")
    assert (p.rule, p.line, p.column, p.document) == ("yaml/duplicate-key", 3, 1, 0)


def test_tabs_are_named() -> None:
    p = problem("spec:\n\towner: me\n")
    assert p.rule == "yaml/syntax"
    assert "tab" in p.message and (p.line, p.column) == (2, 1)
    assert "spaces" in (p.hint or "")


def test_template_syntax_gets_a_hint() -> None:
    p = problem("{%- if x %}\nname: a\n")
    assert "template" in (p.hint or "")


def test_syntax_error_names_the_document() -> None:
    p = problem("a: 1\n---\nb: [1,\n")
    assert p.document == 1 and p.line == 4


def test_alias_bomb_is_refused() -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    prev = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 10) + "]")
        prev = name
    p = problem("\n".join(lines) + "\n")
    assert p.rule == "yaml/alias-limit"


def test_a_few_aliases_are_fine() -> None:
    doc = one("a: &x {k: v}\nb: *x\nc: *x\n")
    assert doc.data["b"] == {"k": "v"}


def test_recursive_alias() -> None:
    p = problem("a: &x [*x]\n")
    assert p.rule in ("yaml/alias-cycle", "yaml/alias-limit", "yaml/syntax")


def test_nesting_limit() -> None:
    p = problem("a: " + "[" * 80 + "]" * 80 + "\n")
    assert p.rule == "yaml/too-deep"


def test_complex_keys_become_flow_strings_with_a_warning() -> None:
    # as the `yaml` package does: Backstage then sees a string key
    loaded = yamlio.load_text("? [a, b]\n: 1\nname: {{ x }}\n", "t.yaml")
    assert loaded.ok
    assert loaded.documents[0].data == {"[ a, b ]": 1, "name": {"{ x }": None}}
    assert [(p.rule, p.severity, p.line) for p in loaded.problems] == [
        ("yaml/complex-key", "warning", 1),
        ("yaml/complex-key", "warning", 3),
    ]


def test_decode_problems() -> None:
    assert yamlio.load_bytes(b"a: \x00\x01", "b").problems[0].rule == "yaml/binary"
    bad = yamlio.load_bytes(b"a: 1\nb: caf\xe9\n", "e")
    assert (bad.problems[0].rule, bad.problems[0].line, bad.problems[0].column) == (
        "yaml/encoding",
        2,
        7,
    )
    big = yamlio.load_bytes(b"a: 1\n" * 10, "big", max_bytes=20)
    assert big.problems[0].rule == "yaml/too-large"


def test_bom_is_a_warning() -> None:
    loaded = yamlio.load_bytes("\ufeffa: 1\n".encode(), "bom")
    assert loaded.ok
    assert loaded.documents[0].data == {"a": 1}
    assert [(p.rule, p.severity) for p in loaded.problems] == [("yaml/bom", "warning")]


def test_load_file_never_raises(tmp_path: Path) -> None:
    assert yamlio.load_file(tmp_path / "missing.yaml").problems[0].rule == "yaml/unreadable"
    assert yamlio.load_file(tmp_path).problems[0].rule == "yaml/unreadable"
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: 1\n" * 100)
    assert yamlio.load_file(big, max_bytes=50).problems[0].rule == "yaml/too-large"


def test_load_one(tmp_path: Path) -> None:
    good = tmp_path / "c.yaml"
    good.write_text("a: 1\n")
    assert yamlio.load_one(good).data == {"a": 1}
    several = tmp_path / "s.yaml"
    several.write_text("a: 1\n---\nb: 2\n")
    with pytest.raises(InputFileError) as exc:
        yamlio.load_one(several)
    assert exc.value.position.line == 3
    broken = tmp_path / "b.yaml"
    broken.write_text("a: [\n")
    with pytest.raises(InputFileError):
        yamlio.load_one(broken)
    empty = tmp_path / "e.yaml"
    empty.write_text("")
    assert yamlio.load_one(empty).data == {}
    with pytest.raises(InputFileError):
        yamlio.load_one(empty, allow_empty=False)


def test_expect_mapping() -> None:
    doc = one("settings:\n  - a\n")
    with pytest.raises(InputFileError) as exc:
        yamlio.expect_mapping(doc, "x.yaml", ("settings",))
    assert "must be a mapping" in exc.value.message and exc.value.position.line == 2
