"""Kubernetes structural-schema semantics: prune, default, validate."""

from __future__ import annotations

from platformctl.core.provision import schema


def obj(props: dict, **extra: object) -> dict:
    return {"type": "object", "properties": props, **extra}


def test_defaults_apply_to_missing_fields_and_nested_defaults() -> None:
    s = obj(
        {
            "size": {"type": "string", "default": "small"},
            "db": obj({"enabled": {"type": "boolean", "default": False}}, default={}),
            "opt": obj({"x": {"type": "integer", "default": 1}}),
        }
    )
    result = schema.validate({}, s)
    assert result.ok
    # a parent without a default is not created, so its children's defaults do not apply
    assert result.value == {"size": "small", "db": {"enabled": False}}


def test_input_is_not_modified() -> None:
    value = {"a": {}}
    schema.validate(value, obj({"a": obj({"b": {"type": "string", "default": "x"}})}))
    assert value == {"a": {}}


def test_enum_names_the_field_and_the_allowed_values() -> None:
    s = obj({"spec": obj({"size": {"type": "string", "enum": ["small", "medium", "large"]}})})
    result = schema.validate({"spec": {"size": "huge"}}, s)
    assert [str(e) for e in result.errors] == [
        'spec.size: unsupported value "huge"; allowed values: small, medium, large'
    ]
    assert result.errors[0].allowed == ("small", "medium", "large")


def test_required_after_defaulting() -> None:
    s = obj(
        {"a": {"type": "string", "default": "x"}, "b": {"type": "string", "enum": ["p", "q"]}},
        required=["a", "b"],
    )
    result = schema.validate({}, s)
    assert [str(e) for e in result.errors] == ["b: required value; allowed values: p, q"]


def test_types_ranges_patterns_lengths() -> None:
    s = obj(
        {
            "n": {"type": "integer", "minimum": 1, "maximum": 10},
            "f": {"type": "number", "exclusiveMinimum": True, "minimum": 0},
            "s": {"type": "string", "pattern": "^[a-z]+$", "maxLength": 3},
            "l": {"type": "array", "items": {"type": "string"}, "minItems": 1, "uniqueItems": True},
            "b": {"type": "boolean"},
        }
    )
    result = schema.validate({"n": 11, "f": 0, "s": "ABCD", "l": ["a", "a"], "b": "yes"}, s)
    messages = sorted(str(e) for e in result.errors)
    assert messages == sorted(
        [
            "n: must be at most 10, got 11",
            "f: must be greater than 0, got 0",
            's: "ABCD" does not match the pattern ^[a-z]+$',
            "s: must be at most 3 characters long",
            "l: items must be unique",
            'b: must be of type boolean, got string "yes"',
        ]
    )
    assert schema.validate({"n": "5"}, s).errors[0].message.startswith("must be of type integer")
    assert schema.validate({"l": []}, s).errors[0].message == "must have at least 1 items, got 0"


def test_int_or_string() -> None:
    s = obj({"port": {"x-kubernetes-int-or-string": True}})
    assert schema.validate({"port": 5432}, s).ok
    assert schema.validate({"port": "postgres"}, s).ok
    assert not schema.validate({"port": [1]}, s).ok


def test_unknown_fields_are_pruned_unless_preserved() -> None:
    s = obj(
        {
            "known": {"type": "string"},
            "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            "embedded": {
                "type": "object",
                "x-kubernetes-embedded-resource": True,
                "properties": {"spec": {"type": "object"}},
            },
        }
    )
    value = {
        "known": "a",
        "extra": 1,
        "free": {"x": {"y": 1}},
        "labels": {"a": "b"},
        "embedded": {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "junk": 1},
    }
    result = schema.validate(value, s)
    assert result.ok
    assert result.pruned == ["extra", "embedded.junk"]
    assert "extra" not in result.value and result.value["free"] == {"x": {"y": 1}}
    assert result.value["embedded"]["kind"] == "ConfigMap"
    assert not schema.validate({"labels": {"a": 1}}, s).ok


def test_nullable_and_null() -> None:
    s = obj(
        {
            "a": {"type": "string", "nullable": True},
            "b": {"type": "string"},
            "c": {"type": "string", "default": "d"},
        }
    )
    assert schema.validate({"a": None}, s).ok
    assert not schema.validate({"b": None}, s).ok
    assert schema.validate({"c": None}, s).value == {"c": "d"}


def test_one_any_all_not() -> None:
    s = obj(
        {
            "v": {"anyOf": [{"type": "integer"}, {"type": "string", "enum": ["auto"]}]},
            "w": {"type": "string", "not": {"enum": ["forbidden"]}},
        }
    )
    assert schema.validate({"v": 3, "w": "ok"}, s).ok
    assert not schema.validate({"v": "manual"}, s).ok
    assert not schema.validate({"w": "forbidden"}, s).ok


def test_items_are_walked_with_positions() -> None:
    s = obj(
        {"rules": {"type": "array", "items": obj({"port": {"type": "integer"}}, required=["port"])}}
    )
    result = schema.validate({"rules": [{"port": 1}, {}]}, s)
    assert [str(e) for e in result.errors] == ["rules[1].port: required value"]


def test_at_finds_sub_schemas() -> None:
    s = obj({"spec": obj({"m": {"type": "object", "additionalProperties": {"type": "integer"}}})})
    assert schema.at(s, ("spec", "m", "anything")) == {"type": "integer"}
    assert schema.at(s, ("spec", "nope")) is None
