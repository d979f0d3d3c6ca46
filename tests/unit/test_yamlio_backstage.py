"""yamlio reads YAML the way Backstage's ``yaml`` package (2.9.1) does, in the corners the
differential fuzzer (tests/integration/backstage/test_catalog_differential.py) found: the
``%YAML`` directive, explicit tags, characters libyaml refuses, BOMs and invalid UTF-8.
Expected values are what ``yaml.parseAllDocuments(text, {merge: false})`` + ``toJSON()`` give."""

from __future__ import annotations

import math

import pytest

from platformctl.core import yamlio
from platformctl.core.yamlread import fast as fast_path


def _docs(text: str) -> list[object]:
    loaded = yamlio.load_text(text, backstage=True)
    assert not [p for p in loaded.problems if p.severity == "error"], loaded.problems
    return [d.data for d in loaded.documents]


def _error(text: str) -> yamlio.YamlProblem:
    loaded = yamlio.load_text(text, backstage=True)
    errors = [p for p in loaded.problems if p.severity == "error"]
    assert errors, loaded.documents
    return errors[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("%YAML 1.1\n---\na: yes\n", [{"a": True}]),
        ("%YAML 1.1\n---\na: 012\nb: 0o17\nc: 1_000\nd: 1:20\ne: 2024-01-01\n",
         [{"a": 10, "b": "0o17", "c": 1000, "d": 80, "e": "2024-01-01T00:00:00.000Z"}]),
        ("%YAML 1.2\n---\na: yes\n", [{"a": "yes"}]),
        ("%YAML 1.3\n---\na: 1\n", [{"a": 1}]),  # libyaml refuses it, the yaml package does not
        ("%FOO bar\n---\na: 1\n", [{"a": 1}]),  # unknown directives are ignored
        ("%YAML 1.1\n---\na: yes\n---\nb: on\n", [{"a": True}, {"b": True}]),  # stays in force
        ("a: 1\n...\n%YAML 1.1\n---\nb: yes\n", [{"a": 1}, {"b": True}]),
    ],
)  # fmt: skip
def test_yaml_directive(text: str, expected: list[object]) -> None:
    assert _docs(text) == expected


def test_directive_inside_a_document_and_without_document_start_are_errors() -> None:
    assert _error("a: 1\n---\n%YAML 1.1\n---\nb: yes\n").document == 1
    assert _error("%YAML 1.1\na: 1\n").rule == "yaml/syntax"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("!!str 12", "12"), ("!!int '12'", 12), ("!!int 1_000", "1_000"), ("!!int x", "x"),
        ("!!float 1", "1"), ("!!float '1.5'", 1.5), ("!!bool yes", "yes"), ("!!bool 'true'", True),
        ("!!null x", "x"), ("!!null ''", None),
        ("!!timestamp 2024-1-1", "2024-01-01T00:00:00.000Z"),
        ("!!binary aGVsbG8=", {"type": "Buffer", "data": [104, 101, 108, 108, 111]}),
        ("!!binary '!!'", {"type": "Buffer", "data": []}),
        ("!!set {a, b}", {}), ("!!omap [a: 1]", {}), ("!!set x", "x"), ("!!map x", "x"),
        ("!custom x", "x"), ("!!str [a]", ["a"]),
    ],
)  # fmt: skip
def test_explicit_tags(value: str, expected: object) -> None:
    assert _docs(f"a: {value}\n") == [{"a": expected}]


def test_set_and_binary_are_objects_but_not_plain() -> None:
    (data,) = _docs("a: !!set {x}\nb: !!binary aGk=\n")
    assert isinstance(data["a"], yamlio.JsObject) and isinstance(data["b"], yamlio.JsObject)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("!<!> x", "Verbatim tags aren't resolved, so !<!> is invalid."),
        ("!! x", "The !! tag has no suffix"),
        ("!!timestamp x", "!!timestamp expects a date, starting with yyyy-mm-dd"),
    ],
)
def test_tags_the_yaml_package_rejects(value: str, message: str) -> None:
    problem = _error(f"a: {value}\n")
    assert problem.line == 1
    # libyaml itself rejects "!!" without a suffix and (made to) the verbatim "!<!>"
    assert (problem.rule, problem.message) == ("yaml/tag", message) or problem.rule == "yaml/syntax"


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x7f", "\x85", "\u2028", "\ufffe", "\x9f"])
def test_characters_libyaml_refuses_are_content(char: str) -> None:
    assert _docs(f'a: x{char}y\nb: ["q{char}"]\n') == [{"a": f"x{char}y", "b": [f"q{char}"]}]


def test_bom_after_document_start_is_part_of_the_key() -> None:
    assert _docs("---\n\ufeffa: 1\n") == [{"\ufeffa": 1}]
    assert _docs("\ufeffa: 1\n") == [{"a": 1}]


def test_lenient_decoding_reads_bad_utf8_as_replacement_characters() -> None:
    text, problems = yamlio.decode(b"a: caf\xe9\x00\n", lenient=True)
    assert text == "a: caf\ufffd\x00\n"
    assert {(p.rule, p.severity) for p in problems} == {
        ("yaml/encoding", "warning"),
        ("yaml/binary", "warning"),
    }
    assert yamlio.decode(b"a: caf\xe9\n")[0] is None  # strict for everything else


def test_nan_from_a_float_tag() -> None:
    (data,) = _docs("a: !!float .NaN\n")
    assert math.isnan(data["a"])


def test_document_libyaml_ends_early_is_the_one_blamed() -> None:
    loaded = yamlio.load_text("x: 1\n---\n{a: 1}\n{b: 2}\n")
    assert [d.data for d in loaded.documents] == [{"x": 1}]
    assert [p.document for p in loaded.problems if p.severity == "error"] == [1]


def test_quoted_continuation_must_be_indented_past_its_key() -> None:
    assert _error('a:\n  b: "x\n  y"\n').rule == "yaml/syntax"
    # only for catalog files: libyaml's reading stays for Kubernetes objects and config
    assert yamlio.load_text('a:\n  b: "x\n  y"\n').documents[0].data == {"a": {"b": "x y"}}
    assert _docs('a:\n  b: "x\n   y"\n') == [{"a": {"b": "x y"}}]


def test_tag_right_before_a_flow_indicator_tags_an_empty_value() -> None:
    assert _docs("a: {b: !!str, c: [!!null]}\n") == [{"a": {"b": "", "c": [None]}}]


def test_document_end_before_any_document_is_an_empty_document() -> None:
    assert _docs("...\n---\na: 1\n") == [None, {"a": 1}]


def test_merge_tag_is_neither_string_nor_object() -> None:
    (data,) = _docs("a: !!merge x\n")
    assert isinstance(data["a"], yamlio.JsSymbol)


def test_collection_key_inside_a_key_stringifies_with_line_breaks() -> None:
    (data,) = yamlio.load_text("a:\n  ? [a]: b\n").documents
    assert list(data.data["a"]) == ["{\n  ? [ a ]\n  : b\n}"]


def test_yaml_11_merges_merge_keys() -> None:
    text = "%YAML 1.1\n---\na: &a {x: 1, z: 2}\nb:\n  x: 0\n  <<: *a\n  z: 3\n"
    assert _docs(text) == [{"a": {"x": 1, "z": 2}, "b": {"x": 0, "z": 3}}]
    assert _docs("a: &a {x: 1}\nb:\n  <<: *a\n") == [{"a": {"x": 1}, "b": {"<<": {"x": 1}}}]
    assert _error("%YAML 1.1\n---\na: &a 1\nb:\n  <<: *a\n").rule == "yaml/merge"


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb: [x, 2.5, true, null]\n---\nc: {d: e}\n",
        "---\n# c\na: 1\n---\n---\nb: 2\n",
        "1: a\nnull: b\n",
        "a: 1_000\nb: 0b1\nc: -0x1F\n",  # yaml-rs would make numbers of these
        "a: !!str 1\nb: &x 2\nc: *x\n",
        "a:\n\t- b\n",
        "a: 1\na: 2\n",
        "a: 'x\n",
    ],
)
def test_fast_path_reads_like_the_reference(text: str) -> None:
    fast = yamlio._fast_documents(text, yamlio.MAX_DEPTH)
    problems: list[yamlio.YamlProblem] = []
    saved = fast_path._FAST_LOADS
    fast_path._FAST_LOADS = False  # the libyaml reference path
    try:
        reference = list(yamlio.iter_documents(text, problems=problems))
    finally:
        fast_path._FAST_LOADS = saved
    if fast is not None:
        assert [(d.index, d.data, d.line) for d in fast] == [
            (d.index, d.data, d.line) for d in reference
        ]
        assert not [p for p in problems if p.severity == "error"]


def test_tag_directive_for_the_primary_handle_is_not_libyamls_business() -> None:
    assert _docs("%TAG ! tag:example.com,20\ufeff00:\n---\na: !x 1\n") == [{"a": "1"}]


def test_version_directive_must_be_a_version() -> None:
    assert _error("%YAML 1.1xx\n---\na: 1\n").rule == "yaml/syntax"


def test_fast_path_leaves_open_quotes_to_the_reference_in_catalog_files() -> None:
    text = 'a:\n  b: "x\\\n  y"\n'  # the continuation line is not indented past "b"
    assert _error(text).rule == "yaml/syntax"
    assert yamlio.load_text(text).documents[0].data == {"a": {"b": "xy"}}


def test_alias_of_a_multiline_quoted_value_is_not_a_continuation_problem() -> None:
    text = 'a:\n  b: &x "one\\\n    two"\n  c:\n    d: *x\n'
    assert _docs(text) == [{"a": {"b": "onetwo", "c": {"d": "onetwo"}}}]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("? a\n- x\n", {"a": None}),
        ("? a\n- x\n  y: 1\n- [z\nk: 1\n", {"a": None, "k": 1}),  # items are never read
        ("m:\n- 1\n? [a]: b\n- x\nk: v\n", {"m": [1], "{\n  ? [ a ]\n  : b\n}": None, "k": "v"}),
        ("top:\n  ? [a]: b\n  - x\n\n  # c\n  - y\n  k: v\n",
         {"top": {"{\n  ? [ a ]\n  : b\n}": None, "k": "v"}}),
        ("- ? a\n  - x\n  k: 1\n", [{"a": None, "k": 1}]),
        ("d: |\n  ? a\n  - x\n", {"d": "? a\n- x\n"}),  # block scalar content stays
    ],
)  # fmt: skip
def test_sequence_after_an_explicit_key_is_dropped(text: str, expected: object) -> None:
    # The yaml package parses the items as the pair's value, then drops it (no ":"): no error.
    assert _docs(text) == [expected]


def test_sequence_after_an_explicit_key_then_a_value_is_still_refused() -> None:
    # the yaml package reads a second pair with a null key (""), which libyaml cannot
    assert _error("? a\n- x\n: v\n").rule == "yaml/syntax"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: !<tag:y\x7faml.org,2002:str> x\nb: 1\n", {"a": "x", "b": 1}),  # unknown: a string
        ("a: !<tag:x\u00e9y> 1\n", {"a": "1"}),
        ("a: !<a%zz> 1\n", {"a": "1"}),
        ("a: !<!foo\ufffd> {x: 1}\n", {"a": {"x": 1}}),
        ('a: "x !<\x7f> y"\nb: !<\x7f> 1\n', {"a": "x !<\x7f> y", "b": "1"}),  # quoted: kept
    ],
)  # fmt: skip
def test_verbatim_tag_is_any_non_space_text(text: str, expected: object) -> None:
    # the yaml package reads "!<" up to ">" (libyaml: URI characters only)
    assert _docs(text) == [expected]


@pytest.mark.parametrize(
    "directive",
    ["%TAG !e!\ufffd tag:e.com:", "%TAG !e!\ufffd\ufffd tag:e.com:", "%TAG !e!x!y tag:e.com:"],
)
def test_tag_directive_with_a_handle_no_tag_can_name(directive: str) -> None:
    # the yaml package records any handle; a tag only names one ending in "!" with tag characters
    assert _docs(f"{directive}\n---\na: 1\n") == [{"a": 1}]


def test_tag_directive_the_yaml_package_refuses_stays_refused() -> None:
    assert _error("%TAG !e!\ufffd tag:e.com: x\n---\na: 1\n").rule == "yaml/syntax"
    assert _error("%TAG !e!\ufffd tag:e.com:\n---\na: !e!x 1\n").rule == "yaml/syntax"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xef\xbb\xbf  a: 1\nb: 2\n", [{"a": 1, "b": 2}]),  # the spaces are no indentation
        (b"\xef\xbb\xbf  a:\n    b: 1\nc: 2\n", [{"a": {"b": 1}, "c": 2}]),
        (b"\xef\xbb\xbf  # c\n  a: 1\n  b: 2\n", [{"a": 1, "b": 2}]),  # only the BOM's line
    ],
)
def test_spaces_after_a_leading_bom_are_no_indentation(data: bytes, expected: object) -> None:
    loaded = yamlio.load_bytes(data, backstage=True)
    assert [p.rule for p in loaded.problems] == ["yaml/bom"]
    assert [d.data for d in loaded.documents] == expected


def test_a_leading_bom_then_indented_mapping_is_refused() -> None:
    # the yaml package: "All mapping items must start at the same column"
    loaded = yamlio.load_bytes(b"\xef\xbb\xbf  a: 1\n  b: 2\n", backstage=True)
    assert "yaml/syntax" in [p.rule for p in loaded.problems]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{a: x, b:{c: d}}\n", {"a": "x", "b": {"c": "d"}}),
        ("a: {a: x, b:[c, d]}\n", {"a": {"a": "x", "b": ["c", "d"]}}),
        ("a: [x:[y], z:{w: 1}]\n", {"a": [{"x": ["y"]}, {"z": {"w": 1}}]}),
        ("s:{a: 1}\n", {"s:{a": "1}"}),  # block context: one plain scalar for both parsers
    ],
)
def test_flow_value_right_after_the_colon(text: str, expected: object) -> None:
    # YAML 1.2: in a flow collection a ":" followed by a flow indicator ends a plain key
    assert _docs(text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: [!!s\ufffd(tr 1, !!int 2]\n", {"a": ["\ufffd(tr 1", 2]}),
        ("a: [!!int\ufffd5]\n", {"a": ["\ufffd5"]}),  # no schema tag matches such a scalar
        ("a: [x, !x\u00e9y]\n", {"a": ["x", "\u00e9y"]}),
    ],
)
def test_tag_against_a_plain_scalar_in_a_flow_sequence(text: str, expected: object) -> None:
    # the yaml package ends the tag at a character it does not read in tags (libyaml: error)
    assert _docs(text) == [expected]


@pytest.mark.parametrize("text", ["a: !!s\ufffd(tr 1\n", "a: {b: !x\ufffdy}\n"])
def test_tag_against_a_scalar_elsewhere_is_refused(text: str) -> None:
    # "Tags and anchors must be separated from the next token by white space"
    assert _error(text).rule == "yaml/syntax"


def test_tag_against_a_plain_scalar_in_a_nested_flow_sequence() -> None:
    text = "a: ['c:t', [!!s\ufffd(tr 1, !!int 2]]\nb: [x,\n  !x\ufffdy]\n"
    assert _docs(text) == [{"a": ["c:t", ["\ufffd(tr 1", 2]], "b": ["x", "\ufffdy"]}]


@pytest.mark.parametrize("text", ["{a: 1, !x\ufffdy: 2}\n", "[a, !x\ufffdy: 2]\n"])
def test_tag_against_a_plain_key_is_refused(text: str) -> None:
    assert _error(text).rule == "yaml/syntax"


@pytest.mark.parametrize("text", ["a:\n  - 'x\n  - y'\n", "- 'x\n- y'\n", '- "x\n- y"\n'])
def test_quoted_item_continued_at_the_dash_column_is_refused(text: str) -> None:
    # the yaml package: "Missing closing 'quote" (libyaml reads 'x - y')
    assert _error(text).rule == "yaml/syntax"


def test_quoted_items_continued_past_the_dash() -> None:
    assert _docs("a:\n- \"x\n  y\"\n- 'p\n q'\nb: ['x\n y']\n") == [
        {"a": ["x y", "p q"], "b": ["x y"]}
    ]


def test_flow_sequence_key_after_a_number_key_reads_as_the_reference_path() -> None:
    # yaml-rs makes (1, 2) of the flow-sequence key; the fast path used to turn it into
    # "(1, 2)" when a number key came first.  Any such key now goes to the reference path.
    data = yamlio.load_text("a: 1\n1: x\n[1, 2]: y\n", backstage=True).documents[0].data
    assert data == {"a": 1, "1": "x", "[ 1, 2 ]": "y"}
