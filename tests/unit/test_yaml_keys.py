"""Mapping keys as Backstage's yaml package (2.9.1) reads them: which keys are duplicates,
which meet as one string and overwrite, empty keys, a key whose ":" is on a later line (the
differential fuzzer, seed 11; tests/integration/backstage/test_catalog_differential.py).

Expected values are the yaml package's own: ``parseAllDocuments(text, {merge: false})`` then
``toJSON()`` of each document ("ERROR": a parse error or a toJSON error), and for whole
entities the verdict of shared/oracle/backstage-validate.mjs."""

from __future__ import annotations

from typing import Any

import pytest

from platformctl.core.catalog.validate import validate_text
from platformctl.core.yamlio import load_text


def _read(text: str) -> Any:
    loaded = load_text(text, backstage=True)
    if not loaded.ok:
        return "ERROR"
    return [doc.data for doc in loaded.documents]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("'': x\n: y\n", [{"": "y"}]),
        (": y\n'': x\n", [{"": "x"}]),
        ("~: a\nnull: b\n", "ERROR"),
        ("~: a\n: b\n", "ERROR"),
        ("Null: a\nNULL: b\n", "ERROR"),
        ("1: a\n'1': b\n", [{"1": "b"}]),
        ("'1': a\n1: b\n", [{"1": "b"}]),
        ("0x1: a\n1: b\n", "ERROR"),
        ("1.0: a\n1: b\n", "ERROR"),
        ("0o1: a\n1: b\n", "ERROR"),
        ("1e0: a\n1: b\n", "ERROR"),
        ("!!str 1: a\n1: b\n", [{"1": "b"}]),
        ("!!str 1: a\n'1': b\n", "ERROR"),
        ("!!int 1: a\n1: b\n", "ERROR"),
        ("!!int '1': a\n1: b\n", "ERROR"),
        ("true: a\nTrue: b\n", "ERROR"),
        ("true: a\n'true': b\n", [{"true": "b"}]),
        (".nan: a\n.nan: b\n", [{"NaN": "b"}]),
        (".inf: a\n+.inf: b\n", "ERROR"),
        ("-0: a\n0: b\n", "ERROR"),
        ("-0.0: a\n0: b\n", "ERROR"),
        ("9007199254740993: a\n9007199254740992: b\n", "ERROR"),
        ("&k x: a\n*k : b\n", [{"x": "b"}]),
        ("x: &k y\n*k : b\ny: c\n", [{"x": "y", "y": "c"}]),
        ("&k 1: a\n*k : b\n", [{"1": "b"}]),
        ("? [a]\n: 1\n? [a]\n: 2\n", [{"[ a ]": 2}]),
        ("? {a: 1}\n: 1\n? {a: 1}\n: 2\n", [{"{ a: 1 }": 2}]),
        ("{'': x, : y}\n", [{"": "y"}]),
        ("{1: a, '1': b}\n", [{"1": "b"}]),
        ("{1: a, 1.0: b}\n", "ERROR"),
        ("<<: {a: 1}\n<<: {b: 2}\n", "ERROR"),
        ("%YAML 1.1\n---\n<<: {a: 1}\n<<: {b: 2}\n", [{"a": 1, "b": 2}]),
        ("%YAML 1.1\n---\n<<: {a: 1}\na: 2\n", [{"a": 2}]),
        ("%YAML 1.1\n---\na: 2\n<<: {a: 1}\n", [{"a": 2}]),
        ("%YAML 1.1\n---\nyes: a\ntrue: b\n", "ERROR"),
        ("%YAML 1.1\n---\n1_000: a\n1000: b\n", "ERROR"),
        ("!!merge <<: {a: 1}\nb: 2\n", [{"a": 1, "b": 2}]),
        ("!!merge <<: {a: 1}\n!!merge <<: {b: 1}\n", [{"a": 1, "b": 1}]),
        ("!!merge <<: {a: 1}\na: 2\n", [{"a": 2}]),
        ("!!null x: a\n: b\n", [{"x": "a", "": "b"}]),
        ("!!bool yes: a\nyes: b\n", "ERROR"),
        ("!!float 1: a\n1: b\n", [{"1": "b"}]),
        (
            "!!timestamp 2001-01-01: a\n!!timestamp 2001-01-01: b\n",
            [{"2001-01-01T00:00:00.000Z": "b"}],
        ),
        ("!!binary aGk=: a\n!!binary aGk=: b\n", [{"hi": "b"}]),
        ("1.5: a\n'1.5': b\n", [{"1.5": "b"}]),
        ("1e21: a\nb: 1\n", [{"1e+21": "a", "b": 1}]),
        ("1e-7: a\nb: 1\n", [{"1e-7": "a", "b": 1}]),
        ("0.1: a\nb: 1\n", [{"0.1": "a", "b": 1}]),
        ("100000000000000000000000: a\n", [{"1e+23": "a"}]),
        ("-0.0: a\n", [{"0": "a"}]),
        (".inf: a\n-.inf: b\n.nan: c\n", [{"Infinity": "a", "-Infinity": "b", "NaN": "c"}]),
        ("1.0: a\n", [{"1": "a"}]),
        ("a: 1\n? a\n: 2\n", "ERROR"),
        ("{a: 1, a: 2}\n", "ERROR"),
        ("[a: 1, a: 2]\n", [[{"a": 1}, {"a": 2}]]),
        ("!foo 1: a\n1: b\n", [{"1": "b"}]),
        ("!foo 1: a\n'1': b\n", "ERROR"),
        ("\"\\x31\": a\n'1': b\n", "ERROR"),
        ("x: &a [1]\n*a : y\n", [{"x": [1], "*a": "y"}]),
        ("x: &a {b: 1}\n*a : y\n", [{"x": {"b": 1}, "*a": "y"}]),
        ("&a [1]: x\n*a : y\n", [{"[ 1 ]": "x", "*a": "y"}]),
        ("!!binary aGk=: a\n", [{"hi": "a"}]),
        ("!!binary /w==: a\n", [{"\ufffd": "a"}]),
        ("!!binary '': a\n", [{"": "a"}]),
        ("!!merge foo: {a: 1}\n", [{"a": 1}]),
        ("!!merge <<: [{a: 1}, {a: 2, b: 3}]\n", [{"a": 1, "b": 3}]),
        ("!!merge <<: x\n", "ERROR"),
        ("<<: {a: 1}\n", [{"<<": {"a": 1}}]),
        ("'<<': {a: 1}\n<<: {b: 1}\n", "ERROR"),
        ("%YAML 1.1\n---\n'<<': {a: 1}\n<<: {b: 1}\n", [{"<<": {"a": 1}, "b": 1}]),
        ("%YAML 1.1\n---\n<<: {a: 1}\n'<<': {b: 1}\n", [{"a": 1, "<<": {"b": 1}}]),
        ("%YAML 1.1\n---\n<<: {1: a}\n'1': b\n", [{"1": "b"}]),
        ("%YAML 1.1\n---\n2001-01-01: a\n2001-01-01: b\n", [{"2001-01-01T00:00:00.000Z": "b"}]),
        ("%YAML 1.1\n---\n!!merge <<: {1: a}\n!!merge <<: {'1': b}\n", [{"1": "a"}]),
        (": x: y\n", "ERROR"),
        (": x\n", [{"": "x"}]),
        (": y\n: z\n", "ERROR"),
        ("- : y\n", [[{"": "y"}]]),
        ("{: y}\n", [{"": "y"}]),
        ("[: y]\n", [[{"": "y"}]]),
        ("{a: 1, : y}\n", [{"a": 1, "": "y"}]),
        ("&k : y\nz: *k\n", [{"": "y", "z": None}]),
        ("!!str : y\n'': z\n", "ERROR"),
        ("? \n: a\n'': b\n", [{"": "b"}]),
        ("a:\n  : b\n  '': c\n", [{"a": {"": "c"}}]),
        ("{'': x, ~: y}\n", [{"": "y"}]),
        ('"": x\n? \n: y\n', [{"": "y"}]),
        ("? ''\n: a\n: b\n", [{"": "b"}]),
        ("%YAML 1.1\n---\n!!merge foo: {a: 1}\n", [{"foo": {"a": 1}}]),
        ('%YAML 1.1\n---\n!!merge "<<": {a: 1}\n', [{"a": 1}]),
        ('!!merge "x": {a: 1}\nb: 2\n', [{"a": 1, "b": 2}]),
        ("!!merge <<: {a: 1}\na: 2\na: 3\n", "ERROR"),
        ("<<: 1\na: 2\na: 3\n", "ERROR"),
        ("%YAML 1.1\n---\n&m <<: {a: 1}\n*m : {b: 2}\n", [{"a": 1, "Symbol(<<)": {"b": 2}}]),
        ("a: &x [1]\n*x : 2\n*x : 3\n", [{"a": [1], "*x": 3}]),
        ("&a [1]: x\ny: *a\n", [{"[ 1 ]": "x", "y": [1]}]),
        ("!!binary aGk=: 1\nhi: 2\n", [{"hi": 2}]),
        ("? a\n: b\n: c\n", [{"a": "b", "": "c"}]),
        ("? a\n: b\n? \n: c\n", [{"a": "b", "": "c"}]),
        ("a: b\n: c\n", [{"a": "b", "": "c"}]),
        ("x:\n  ? ''\n  : a\n  : b\n", [{"x": {"": "b"}}]),
        ("&a 1: x\ny: *a\n", [{"1": "x", "y": 1}]),
        ("1: a\n1: b\n", "ERROR"),
        ('a: 1\nb: 2\n"a": 3\n', "ERROR"),
        ("%TAG !e! tag:yaml.org,2002:\n---\n!e!merge x: {a: 1}\n", [{"a": 1}]),
        ("!<tag:yaml.org,2002:merge> x: {a: 1}\n", [{"a": 1}]),
    ],
)
def test_duplicate_keys_are_equal_scalar_values_and_equal_strings_overwrite(
    text: str, expected: Any
) -> None:
    """Duplicates: two scalar keys whose values are ``===`` (``1``/``0x1``/``1.0``, ``~``/an
    empty key); ``1``/``'1'``, ``''``/an empty key, ``.nan`` twice, dates, alias and
    collection keys are not, and the later value wins in toJSON."""
    assert _read(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a:\n  : x: y\n", "ERROR"),
        ("- : x: y\n", "ERROR"),
        (": x:\n", "ERROR"),
        ("---\n: x: y\n", "ERROR"),
        (": 'x': y\n", "ERROR"),
        (': "x: y"\n', [{"": "x: y"}]),
        (": x # a: b\n", [{"": "x"}]),
        ("{: x: y}\n", "ERROR"),
        ("a: 1\n: x: y\n", "ERROR"),
        (": x\n  : y\n", "ERROR"),
        ("a:\n  b: 1\n  : c\n", [{"a": {"b": 1, "": "c"}}]),
        ("- a\n: b\n", "ERROR"),
        (": - a\n", "ERROR"),
        (":\n  - a\n", [{"": ["a"]}]),
        (": |\n  x\n", [{"": "x\n"}]),
        ("? \n: \n\n", [{"": None}]),
        (": &a x\nb: *a\n", [{"": "x", "b": "x"}]),
        ("!!str : a\n", [{"": "a"}]),
        ("&x : a\nb: *x\n", [{"": "a", "b": None}]),
        ("{a, : b}\n", [{"a": None, "": "b"}]),
        ("[a, : b]\n", [["a", {"": "b"}]]),
        ("{? : b}\n", [{"": "b"}]),
        ("{:}\n", [{"": None}]),
        ("{ : }\n", [{"": None}]),
        ("a: {:b}\n", [{"a": {":b": None}}]),
        ("a: [ : ]\n", [{"a": [{"": None}]}]),
        ("- :\n", [[{"": None}]]),
        ("-  : y\n", [[{"": "y"}]]),
        (":\n", [{"": None}]),
        ("a: b\n  : c\n", [{"a": "b", "": "c"}]),
        ("a:\n  b: 1\n : c\n", [{"a": {"b": 1}, "": "c"}]),
        ("a:\n  b: 1\n   : c\n", [{"a": {"b": 1, "": "c"}}]),
        ("- a: b\n    : c\n", [[{"a": "b", "": "c"}]]),
        ("a: b\n  : c\n  : d\n", "ERROR"),
        ("a: b\n  c\n  : d\n", [{"a": "b c", "": "d"}]),
        ("a: b\n  : c\nd: e\n", [{"a": "b", "": "c", "d": "e"}]),
        ("x:\n  a: b\n    : c\n  d: e\n", [{"x": {"a": "b", "": "c", "d": "e"}}]),
        ("a: 'b'\n  : c\n", [{"a": "b", "": "c"}]),
        ("a: [b]\n  : c\n", [{"a": ["b"], "": "c"}]),
        ("a: b # c\n  : d\n", [{"a": "b", "": "d"}]),
        ("a: b\n  : c: d\n", "ERROR"),
        ("a: 1\nb\n  : x\n  : y\n", [{"a": 1, "b": "x", "": "y"}]),
        ("a: b\n\n  : c\n", [{"a": "b", "": "c"}]),
        ("- a\n  : b\n", "ERROR"),
        ("a: b\n  :\n", [{"a": "b", "": None}]),
        ("[? : b]\n", [[{"": "b"}]]),
        ("[a, ? : b]\n", [["a", {"": "b"}]]),
    ],
)
def test_empty_keys(text: str, expected: Any) -> None:
    """``: value`` lines and flow entries: a null key (libyaml refuses them); ``: a: b`` and
    ``: - a`` are errors (yaml-rs reads them: not for the fast path)."""
    assert _read(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1\nb\n  : x\n", [{"a": 1, "b": "x"}]),
        ("b\n  : x\n", "ERROR"),
        ("a: 1\n\ufffd b\n  : x\n", [{"a": 1, "\ufffd b": "x"}]),
        ("a: 1\n\ufffd    ? ''\ufffd\n    : x\n", [{"a": 1, "\ufffd    ? ''\ufffd": "x"}]),
        ("a: 1\nz    ? ''z\n    : x\n", [{"a": 1, "z    ? ''z": "x"}]),
        ("a: 1\nb c\n    : x\n", [{"a": 1, "b c": "x"}]),
        ("a: 1\nb\n: x\n", "ERROR"),
        ("a:\n  b: 1\n  c\n    : x\n", [{"a": {"b": 1, "c": "x"}}]),
        ("a: 1\n'b'\n  : x\n", [{"a": 1, "b": "x"}]),
        ("a: 1\nb\n  : x\nc: 2\n", [{"a": 1, "b": "x", "c": 2}]),
        ("- b\n  : x\n", "ERROR"),
        ("a: 1\nb\n  # c\n  : x\n", [{"a": 1, "b": "x"}]),
        ("a: 1\nb\n\n  : x\n", [{"a": 1, "b": "x"}]),
        ("a: 1\nb # c\n  : x\n", [{"a": 1, "b": "x"}]),
        ("a: 1\nb\n  :x\n", "ERROR"),
    ],
)
def test_a_key_whose_colon_is_on_a_later_more_indented_line(text: str, expected: Any) -> None:
    assert _read(text) == expected


ENTITY = """\
{head}apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: svc
  labels:
{labels}
spec: {{type: service, lifecycle: production, owner: team-a}}
"""


@pytest.mark.parametrize(
    ("head", "pairs", "verdict"),
    [
        ("", "1: [x]\n'1': ok", "valid"),
        ("", "0x1: [x]\n1: ok", "yaml"),
        ("", "1.0: [x]\n1: ok", "yaml"),
        ("", "1e0: [x]\n1: ok", "yaml"),
        ("", "!!str 1: [x]\n1: ok", "valid"),
        ("", "!!str 1: [x]\n'1': ok", "yaml"),
        ("", "!!int 1: [x]\n1: ok", "yaml"),
        ("", "~: [x]\nnull: ok", "yaml"),
        ("", "~: [x]\n: ok", "yaml"),
        ("", "'': [x]\n: ok", "backstage/field-format"),
        ("", "true: [x]\n'true': ok", "valid"),
        ("", "true: [x]\nTrue: ok", "yaml"),
        ("", ".nan: [x]\n.nan: ok", "valid"),
        ("", "a: [x]\n'a': ok", "yaml"),
        ("", "&k a: [x]\n*k : ok", "valid"),
        ("", "b: &k a\n*k : ok", "valid"),
        ("", "? [a]\n: [x]\n? [a]\n: ok", "backstage/field-format"),
        ("", "{1: [x], '1': ok}", "valid"),
        ("", "{1: [x], 1.0: ok}", "yaml"),
        ("", "<<: {a: ok}\n<<: {b: ok}", "yaml"),
        ("%YAML 1.1\n---\n", "<<: {a: ok}\n<<: {b: ok}", "valid"),
        ("%YAML 1.1\n---\n", "<<: {a: [x]}\na: ok", "valid"),
        ("%YAML 1.1\n---\n", "yes: [x]\ntrue: ok", "yaml"),
        ("", "!!merge <<: {a: [x]}\na: ok", "valid"),
        ("", "!!merge <<: {a: ok}\n!!merge <<: {b: ok}", "valid"),
        ("", "!foo 1: [x]\n1: ok", "valid"),
        ("", "a: ok\n: x: y", "yaml"),
        ("", "a: ok\nb\n  : ok", "valid"),
        ("", "a: ok\n\ufffd b\n  : ok", "backstage/field-format"),
    ],
)
def test_backstage_verdicts_on_label_keys(head: str, pairs: str, verdict: str) -> None:
    """The first label's value is not a string: a schema error if the second key stays a key
    of its own, none if it overwrites the first, a YAML error if it is a duplicate."""
    indent = "    "
    labels = (
        indent + pairs
        if pairs.startswith("{")
        else "\n".join(indent + line for line in pairs.split("\n"))
    )
    result = validate_text(ENTITY.format(head=head, labels=labels), "catalog-info.yaml")
    errors = sorted(
        {
            f.rule
            for f in result.report.findings
            if f.severity == "error" and f.rule.split("/")[0] in ("backstage", "yaml")
        }
    )
    if verdict == "valid":
        assert errors == []
    elif verdict == "yaml":
        assert any(rule.startswith("yaml/") for rule in errors), errors
    else:
        assert errors == [verdict]
