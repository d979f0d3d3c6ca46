"""Copier's expressions read as JSON Schema, for the Backstage export (``export.py``).

* ``when`` (:func:`parse_when`): a question asked only under a condition on another question
  becomes a :class:`Condition` (the controlling question and the values that show it), which
  the export writes as JSON Schema ``dependencies``.
* ``validator`` (:func:`validator_schema`): the Jinja validator of a question becomes JSON
  Schema keywords (``pattern``, lengths, bounds, ``not``) where it can be expressed exactly in
  the form's JavaScript regex dialect; copier's own validator stays the final check.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

TEMPLATED = re.compile(r"{{|{%")
# Python regex syntax that JavaScript (Ajv's `u` flag) reads differently or not at all.
_NOT_JS = re.compile(r"\(\?P|\(\?[aiLmsux]|\\[AZ]|\(\?#|\\[0-7]{2}|[*+?}][+]")


@dataclass
class Condition:
    """Ask the question only while ``controller`` has one of ``values``."""

    controller: str
    values: tuple[Any, ...]


# --- choices ------------------------------------------------------------------------------------


def choice_pairs(choices: Any) -> list[tuple[str, Any]] | None:
    """(label, value) pairs of copier ``choices`` (a list, a list of pairs, or a mapping)."""
    if isinstance(choices, Mapping):
        pairs = []
        for label, value in choices.items():
            if isinstance(value, Mapping):
                value = value.get("value")
            pairs.append((str(label), value))
        return pairs
    if isinstance(choices, list):
        pairs = []
        for item in choices:
            if isinstance(item, (list, tuple)) and len(item) == 2:
                pairs.append((str(item[0]), item[1]))
            elif isinstance(item, (Mapping, list, tuple)):
                return None
            else:
                pairs.append((str(item), item))
        return pairs
    return None


def choice_values(choices: Any) -> list[Any] | None:
    pairs = choice_pairs(choices)
    return None if pairs is None else [value for _, value in pairs]


# --- when ----------------------------------------------------------------------------------------


def _domain(question: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """Every value a question can take, when that is a closed set (bool or choices)."""
    if question.get("type") == "bool":
        return (True, False)
    values = choice_values(question.get("choices"))
    return tuple(values) if values else None


def parse_when(
    expression: Any, questions: Mapping[str, Mapping[str, Any]]
) -> Condition | None | bool:
    """A question's ``when`` as a :class:`Condition`; True when it is always asked; None when it
    cannot be expressed as a condition on one bool or choice question."""
    if not isinstance(expression, str) or not TEMPLATED.search(expression):
        return True
    from jinja2 import Environment, TemplateSyntaxError, nodes

    try:
        tree = Environment().parse(expression)
    except TemplateSyntaxError:
        return None
    outputs = [n for n in tree.body if isinstance(n, nodes.Output)]
    if len(tree.body) != 1 or len(outputs) != 1:
        return None
    parts = [
        n
        for n in outputs[0].nodes
        if not (isinstance(n, nodes.TemplateData) and not n.data.strip())
    ]
    if len(parts) != 1:
        return None
    node = parts[0]
    negate = False
    if isinstance(node, nodes.Not):
        negate, node = True, node.node
    controller: str | None = None
    values: tuple[Any, ...] | None = None
    if isinstance(node, nodes.Name):
        controller = node.name
        if questions.get(controller, {}).get("type") == "bool":
            values = (True,)
    elif (
        isinstance(node, nodes.Compare) and isinstance(node.expr, nodes.Name) and len(node.ops) == 1
    ):
        controller = node.expr.name
        op = node.ops[0]
        if op.op in ("eq", "ne") and isinstance(op.expr, nodes.Const):
            values = (op.expr.value,)
            negate ^= op.op == "ne"
        elif (
            op.op in ("in", "notin")
            and isinstance(op.expr, (nodes.List, nodes.Tuple))
            and all(isinstance(item, nodes.Const) for item in op.expr.items)
        ):
            values = tuple(item.value for item in op.expr.items)  # type: ignore[attr-defined]
            negate ^= op.op == "notin"
    if controller is None or values is None or controller not in questions:
        return None
    domain = _domain(questions[controller])
    if domain is None:
        return None
    if negate:
        values = tuple(v for v in domain if v not in values)
    return Condition(controller, tuple(v for v in domain if v in values))


# --- validators ---------------------------------------------------------------------------------


def _js_pattern(pattern: str) -> str | None:
    """``pattern`` when JavaScript reads it as Python does, else None."""
    if _NOT_JS.search(pattern):
        return None
    try:
        re.compile(pattern)
    except re.error:
        return None
    return pattern


def _js_escape(text: str) -> str:
    out = []
    for char in text:
        if char in "\\^$.*+?()[]{}|/":
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 32:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return "".join(out)


def _forbid(test: Any, name: str, kind: str) -> list[dict[str, Any]] | None:
    """JSON Schema keywords that hold exactly when the error condition ``test`` is false."""
    from jinja2 import nodes

    if isinstance(test, nodes.Or):
        left, right = _forbid(test.left, name, kind), _forbid(test.right, name, kind)
        return None if left is None or right is None else left + right
    if (
        isinstance(test, nodes.And)
        and isinstance(test.left, nodes.Name)
        and test.left.name == name
        and kind == "str"
    ):
        # `q and (COND)`: an empty answer is fine (an optional value), any other must pass
        inner_keywords = _forbid(test.right, name, kind)
        if inner_keywords is None:
            return None
        return [{"anyOf": [{"maxLength": 0}, _merge_keywords(inner_keywords)]}]
    negated = isinstance(test, nodes.Not)
    inner = test.node if negated else test
    if (
        isinstance(inner, nodes.Filter)
        and inner.name == "regex_search"
        and isinstance(inner.node, nodes.Name)
        and inner.node.name == name
        and len(inner.args) == 1
        and isinstance(inner.args[0], nodes.Const)
        and isinstance(inner.args[0].value, str)
        and not inner.kwargs
    ):
        pattern = _js_pattern(inner.args[0].value)
        if pattern is None:
            return None
        return [{"pattern": pattern}] if negated else [{"not": {"pattern": pattern}}]
    if negated or not isinstance(test, nodes.Compare) or len(test.ops) != 1:
        return None
    op = test.ops[0]
    subject = test.expr
    if (
        isinstance(subject, nodes.Filter)
        and subject.name == "length"
        and isinstance(subject.node, nodes.Name)
        and subject.node.name == name
        and isinstance(op.expr, nodes.Const)
        and isinstance(op.expr.value, int)
        and kind == "str"
    ):
        n = op.expr.value
        length = {
            "gt": {"maxLength": n},
            "gteq": {"maxLength": n - 1},
            "lt": {"minLength": n},
            "lteq": {"minLength": n + 1},
        }.get(op.op)
        return [length] if length else None
    if isinstance(subject, nodes.Name) and subject.name == name:
        if (
            kind in ("int", "float")
            and isinstance(op.expr, nodes.Const)
            and isinstance(op.expr.value, (int, float))
            and not isinstance(op.expr.value, bool)
        ):
            limit: float = op.expr.value
            bound = {
                "gt": {"maximum": limit},
                "gteq": {"exclusiveMaximum": limit},
                "lt": {"minimum": limit},
                "lteq": {"exclusiveMinimum": limit},
            }.get(op.op)
            return [bound] if bound else None
        if op.op == "in" and isinstance(op.expr, (nodes.List, nodes.Tuple)):
            items = op.expr.items
            if all(isinstance(i, nodes.Const) for i in items):
                return [{"not": {"enum": [i.value for i in items]}}]  # type: ignore[attr-defined]
        if op.op == "eq" and isinstance(op.expr, nodes.Const):
            return [{"not": {"const": op.expr.value}}]
        return None
    if (
        isinstance(subject, nodes.Const)
        and isinstance(subject.value, str)
        and op.op == "in"
        and isinstance(op.expr, nodes.Name)
        and op.expr.name == name
        and kind == "str"
    ):
        return [{"not": {"pattern": _js_escape(subject.value)}}]
    return None


def validator_schema(name: str, kind: str, validator: Any) -> tuple[dict[str, Any], bool]:
    """(JSON Schema keywords, complete?) for a copier ``validator``.

    A validator is a template that renders an error message when the answer is bad; the forms
    understood are ``{% if COND %}message{% elif COND %}...{% endif %}`` where each COND is an
    ``or`` of: ``not (q | regex_search('re'))``, ``q | regex_search('re')``, ``q | length OP n``,
    ``q OP n`` (numbers), ``q in [...]``, ``q == x`` and ``'text' in q``; ``q and (COND)``
    (an optional answer: empty is accepted) wraps them.  ``complete`` is False
    when some condition had another form: copier still checks it when the template runs."""
    if not isinstance(validator, str) or not validator.strip():
        return {}, True
    from jinja2 import Environment, TemplateSyntaxError, nodes

    try:
        tree = Environment().parse(validator)
    except TemplateSyntaxError:
        return {}, False
    complete = True
    keywords: list[dict[str, Any]] = []
    for node in tree.body:
        if isinstance(node, nodes.Output):
            if any(
                not (isinstance(n, nodes.TemplateData) and not n.data.strip()) for n in node.nodes
            ):
                complete = False
            continue
        if not isinstance(node, nodes.If):
            complete = False
            continue
        if node.else_:
            complete = False
        for test in [node.test, *(branch.test for branch in node.elif_)]:
            found = _forbid(test, name, kind)
            if found is None:
                complete = False
            else:
                keywords.extend(found)
    return _merge_keywords(keywords), complete


def _merge_keywords(keywords: list[dict[str, Any]]) -> dict[str, Any]:
    schema: dict[str, Any] = {}
    patterns: list[str] = []
    forbidden: list[dict[str, Any]] = []
    for item in keywords:
        for key, value in item.items():
            if key == "pattern":
                if value not in patterns:
                    patterns.append(value)
            elif key == "not":
                if value not in forbidden:
                    forbidden.append(value)
            elif key == "anyOf":
                schema.setdefault("allOf", []).append({"anyOf": value})
            elif key in ("maxLength", "maximum", "exclusiveMaximum"):
                schema[key] = min(value, schema.get(key, value))
            elif key in ("minLength", "minimum", "exclusiveMinimum"):
                schema[key] = max(value, schema.get(key, value))
    if patterns:
        schema["pattern"] = patterns[0]
        if len(patterns) > 1:
            schema.setdefault("allOf", []).extend({"pattern": p} for p in patterns[1:])
    if forbidden:
        schema["not"] = forbidden[0] if len(forbidden) == 1 else {"anyOf": forbidden}
    return schema
