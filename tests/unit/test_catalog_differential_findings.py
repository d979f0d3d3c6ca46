"""Disagreements with Backstage that the differential fuzzer found, one test each
(tests/integration/backstage/test_catalog_differential.py; expected verdicts are those of
shared/oracle/backstage-validate.mjs, i.e. Backstage's own packages)."""

from __future__ import annotations

from pathlib import Path

import pytest

from platformctl.core.catalog.validate import validate_paths, validate_text

COMPONENT = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {{name: svc}}
spec:
  type: service
  lifecycle: production
  owner: team-a
{extra}
"""


def _errors(text: str) -> list[str]:
    result = validate_text(text, "catalog-info.yaml")
    return [
        f.rule
        for f in result.report.findings
        if f.severity == "error" and f.rule.split("/")[0] in ("backstage", "yaml")
    ]


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("[1]", False),  # parseEntityRef(1): no name
        ("[null]", False),  # "must not be empty"
        ("[[component:x]]", False),  # a list is read as {kind, namespace, name}: no name
        ("{}", False),  # truthy in JavaScript: one reference without a name
        ("[{}]", False),
        ("{name: x}", False),  # dependencyOf has no default kind
        ("{kind: component, name: x}", True),  # the compound form is a valid reference
        ("[{kind: component, name: x, namespace: ''}]", False),  # empty namespace
        ("0", True),  # falsy: the field is skipped
        ("''", True),
        ("[]", True),
        ("[component:x, resource:y]", True),
    ],
)
def test_value_types_inside_dependency_of(value: str, valid: bool) -> None:
    errors = _errors(COMPONENT.format(extra=f"  dependencyOf: {value}"))
    assert (errors == []) is valid, errors
    if not valid:
        assert errors == ["backstage/invalid-ref"]


@pytest.mark.parametrize("owner", [":", "group:", "/x", "group:ns/"])
def test_template_owner_is_parsed_by_the_scaffolder_processor(owner: str) -> None:
    text = f"""\
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {{name: tpl}}
spec:
  type: service
  owner: "{owner}"
  steps: []
"""
    assert _errors(text) == ["backstage/invalid-ref"]


@pytest.mark.parametrize(
    ("kind", "spec"),
    [
        ("Domain", "owner: team\n  subdomainOf: 'domain:'"),
        ("System", "owner: team\n  domain: /d"),
        ("Group", "type: team\n  children: []\n  parent: 'group:default/'"),
        ("Group", "type: team\n  children: []\n  members: [':x']"),
        ("User", "memberOf: ['a:']"),
        ("Resource", "type: db\n  owner: team\n  dependencyOf: ['x']"),  # no default kind
    ],
)
def test_refs_with_empty_parts_in_less_common_kinds(kind: str, spec: str) -> None:
    text = (
        f"apiVersion: backstage.io/v1alpha1\nkind: {kind}\nmetadata: {{name: e}}\nspec:\n  {spec}\n"
    )
    assert _errors(text) == ["backstage/invalid-ref"]


def test_link_host_that_idna_rejects_is_not_a_url() -> None:
    link = '{{url: "https://git\\ufffdhub.com/x"}}'
    text = COMPONENT.replace("{{name: svc}}", "{{name: svc, links: [" + link + "]}}")
    assert _errors(text.format(extra="")) == ["backstage/field-format"]


@pytest.mark.parametrize(
    ("target", "valid"),
    [
        ("./openapi.yaml", True),
        ("https://petstore.swagger.io/v2/swagger.json", True),
        ("https://petstore.\\ufffdswagger.io/v2/swagger.json", False),  # bad UTF-8 in the host
        ("//", False),  # scheme-relative without a host
        ("https:\\ufffd//github.com/x.yaml", True),  # same scheme as the base: relative
        # one slash after the same scheme as the base: a path (fuzzer, seed 13)
        ("https:/\\ufffd(/github.com/a.json", True),
        ("https:/x.json", True),
        ("https:/ /x.json", True),
        ("https:\\\\\\\\x.json", True),  # two backslashes: an authority, host x.json
        ("https:/\\\\\\\\\\ufffd(/x.json", False),  # "/" and two backslashes: an authority, no host
        ("https://\\ufffd(/x.json", False),
    ],
)
def test_placeholder_target_must_form_a_url(target: str, valid: bool) -> None:
    text = f"""\
apiVersion: backstage.io/v1alpha1
kind: API
metadata: {{name: pets}}
spec:
  type: openapi
  lifecycle: production
  owner: team-a
  definition:
    $text: "{target}"
"""
    assert _errors(text) == ([] if valid else ["backstage/placeholder"])


@pytest.mark.parametrize("value", ["'!!'", "aGk=", "''"])
@pytest.mark.parametrize("field", ["annotations", "labels"])
def test_binary_is_read_as_the_buffers_json(field: str, value: str) -> None:
    # doc.toJSON() gives {type: 'Buffer', data: [...]}: "data must be string", even when empty
    text = COMPONENT.replace("{{name: svc}}", f"{{{{name: svc, {field}: !!binary {value}}}}}")
    assert _errors(text.format(extra="")) == ["backstage/schema"]


def _file_errors(tmp_path: Path, data: bytes) -> tuple[list[str], dict[int, list[str]]]:
    """(file-level error rules, error rules by document) for a catalog file of ``data``."""
    path = tmp_path / "catalog-info.yaml"
    path.write_bytes(data)
    whole: list[str] = []
    docs: dict[int, list[str]] = {}
    for f in validate_paths([path], base=tmp_path).report.findings:
        if f.severity == "error" and f.rule.split("/")[0] in ("backstage", "yaml"):
            (whole if f.document is None else docs.setdefault(f.document, [])).append(f.rule)
    return whole, docs


_ENTITY = (
    "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\n"
    "spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n"
)


@pytest.mark.parametrize(
    ("first_line", "rule"),
    [
        # a block mapping as the explicit key takes every later line at indentation 0: the
        # document is one key "{ [a]: b, apiVersion: ..., ... }" (no apiVersion)
        ("? [a]: b\n", "backstage/envelope"),
        ("? x: y\n", "backstage/envelope"),
        # a block sequence on the BOM's line is an error
        ("- ", "yaml/syntax"),
        ("? - a\n", "yaml/syntax"),
    ],
)
def test_collections_on_the_line_of_a_leading_bom(
    tmp_path: Path, first_line: str, rule: str
) -> None:
    # fuzzer, seed 3: the yaml package's parser does not count "?", "-", ":" (or spaces) on the
    # line of a leading BOM as indentation, so what starts there is at indentation 0
    whole, docs = _file_errors(tmp_path, ("\ufeff" + first_line + _ENTITY).encode())
    assert whole == ["backstage/file-rejected"]
    assert docs[0][0] == rule


def test_a_leading_bom_then_an_explicit_scalar_key_is_read_as_usual(tmp_path: Path) -> None:
    text = "\ufeff? apiVersion\n: backstage.io/v1alpha1\n" + _ENTITY.split("\n", 1)[1]
    assert _file_errors(tmp_path, text.encode()) == ([], {})
    # the absorbed lines end at the next document
    whole, docs = _file_errors(tmp_path, ("\ufeff? [a]: b\n---\n" + _ENTITY).encode())
    assert docs[0][0] == "backstage/envelope" and 1 not in docs


@pytest.mark.parametrize(
    ("key", "rule"),
    [
        ("description:\n    ? ''\ufffd\n    \ufffd: 6.", "backstage/schema"),  # {"": null, ...}
        ("description:\n    ? 'a'X", "backstage/schema"),
        ('description:\n    ? "a" [x]\n    : 5', "backstage/schema"),  # {"a": 5}
        ("description:\n    ? 'a''b'X: 1\n      more", "backstage/schema"),
        ("? 'title'X\n  : 5", "backstage/schema"),  # title: 5
        ("description:\n    ? 'a'- x", "yaml/syntax"),  # a "-" there is an error
    ],
)
def test_a_node_after_an_explicit_keys_closing_quote_is_dropped(key: str, rule: str) -> None:
    # fuzzer, seed 3 (a bad byte after "? ''"): the yaml package's parser takes the node as
    # the pair's value without a ":", and its composer drops it
    text = COMPONENT.replace("metadata: {{name: svc}}", "metadata:\n  name: svc\n  " + key)
    assert _errors(text.format(extra=""))[:1] == [rule]


@pytest.mark.parametrize(
    ("metadata", "rule"),
    [
        # fuzzer, seed 3: a bad byte after "app-cluster," made the next key "\ufffd title"
        ("{name: svc,\ufffd\n    title: x, description: d}", None),
        ("{name: svc,\n    ? x\n    : 1}", None),  # an explicit key: libyaml reads it already
        ("{name: svc, [a,\n    b]: x}", None),  # metadata["[ a, b ]"]
        ("{name: svc, " + "t" * 1100 + ": x}", None),
        ("{name: svc\n    title: x}", "yaml/syntax"),  # after a value: an error for both
    ],
)
def test_implicit_keys_of_flow_mappings_may_span_lines(metadata: str, rule: str | None) -> None:
    # the yaml package reads an implicit key of a flow mapping over several lines, or longer
    # than 1024 characters (only flow sequences' keys must be on one line); libyaml does not
    text = COMPONENT.format(extra="").replace("metadata: {name: svc}", "metadata: " + metadata)
    text = text.replace("owner: team-a", "owner: !!str team-a")  # through libyaml
    assert _errors(text)[:1] == ([rule] if rule else [])


@pytest.mark.parametrize(
    ("old", "new", "rule"),
    [
        ("owner: team-a", "owner: 'team-a'#c", "yaml/syntax"),
        ("{name: svc}", "{name: svc}#c", "yaml/syntax"),
        ("{name: svc}", "{name: svc, tags: [a,#c\n    b]}", "yaml/syntax"),
        ("{name: svc}", '{name: "svc"#c\n  }', "yaml/syntax"),
        ("owner: team-a", "owner: 'team-a' #c", None),
        ("owner: team-a", "owner: team-a'#c", None),  # part of a plain scalar
    ],
)
def test_a_comment_right_against_a_token_is_an_error(old: str, new: str, rule: str | None) -> None:
    # the yaml package: "Comments must be separated from other tokens by white space
    # characters"; libyaml and yaml-rs read a comment
    text = COMPONENT.format(extra="").replace(old, new)
    assert _errors(text)[:1] == ([rule] if rule else [])


@pytest.mark.parametrize(
    ("metadata", "rule"),
    [
        ("{name: &n.x svc, title: *n.x}", None),
        ("{name: &n#x svc, title: *n#x}", None),
        ("{name: &a.b svc, title: &a_b 1, description: *a.b}", "backstage/schema"),  # title: 1
        ("{name: svc, title: *nope.x}", "yaml/syntax"),  # an alias of no anchor
    ],
)
def test_anchor_names_are_any_characters_up_to_a_space_or_flow_indicator(
    metadata: str, rule: str | None
) -> None:
    # the yaml package's lexer: anything but " ,[]{}" and line breaks; libyaml: [0-9A-Za-z_-]
    text = COMPONENT.format(extra="").replace("{name: svc}", metadata)
    assert _errors(text)[:1] == ([rule] if rule else [])


@pytest.mark.parametrize(
    ("prefix", "owner", "rule"),
    [
        ("tag:e\ufffd.com:", "team-a", None),  # fuzzer, seed 6 (bad UTF-8 in the prefix)
        ("tag:e\ufffd.com:", "!e!x team-a", None),  # an unknown tag: the string
        ("tag:e%zz.com:", "!e!x ':x'", "backstage/invalid-ref"),
    ],
)
def test_a_tag_prefix_is_any_non_space_text(prefix: str, owner: str, rule: str | None) -> None:
    # the yaml package records any %TAG prefix; libyaml takes only URI characters
    text = f"%TAG !e! {prefix}\n---\n" + COMPONENT.format(extra="").replace(
        "owner: team-a", f"owner: {owner}"
    )
    assert _errors(text)[:1] == ([rule] if rule else [])


@pytest.mark.parametrize(
    ("metadata", "rule"),
    [
        ("{name: svc, tags: [a, !<tag:yaml.org,2002:str>b]}", None),
        ("{name: svc, tags: [!<tag:yaml.org,2002:int>12]}", "backstage/schema"),  # 12
        # fuzzer, seed 7 (a bad byte right after the ">"): the string "\ufffd 12"
        ("{name: svc, tags: [a, !<tag:yaml.org,2002:str>\ufffd 12]}", "backstage/field-format"),
        ("{name: svc, title: !<tag:yaml.org,2002:str>x}", "yaml/syntax"),  # not in a sequence
    ],
)
def test_a_verbatim_tag_against_a_flow_sequence_item_tags_it(
    metadata: str, rule: str | None
) -> None:
    text = COMPONENT.format(extra="").replace("{name: svc}", metadata)
    assert _errors(text)[:1] == ([rule] if rule else [])
