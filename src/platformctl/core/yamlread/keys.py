"""Mapping keys as Backstage's ``yaml`` package (2.9.1) makes them.

Two steps, checked against the package itself (tests/unit/test_yaml_keys.py):

* **Duplicate keys** are found while composing, before any key becomes a string: two keys
  are duplicates when both are scalars whose resolved values are ``===`` in JavaScript
  (``1``/``0x1``/``1.0``/``1e0`` are one number; ``1``/``'1'``/``!!str 1`` are a number and
  two equal strings; ``~``/``null``/an empty key are one null, ``''`` is a string; ``.nan`` is
  never equal to itself; dates, buffers and merge symbols are objects, never equal).  Alias
  keys and collection keys are never duplicates.
* **toJSON** then turns every key into a string with ``String(value)`` (null gives ``""``),
  so keys that were not duplicates can still meet as one string: the later value overwrites
  the earlier one, at the earlier one's place.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from platformctl.core.yamlread.scalars import _PLAIN_SPECIAL, _UNTAGGED, JsObject, resolve_plain

# An empty implicit key (": value" lines, "{: value}"): libyaml cannot read one, so
# compat.empty_keys writes this character there; it reads back as the empty (null) key.
EMPTY_KEY = "\U0010fffd"


class Unique:
    """The identity of a key that is never a duplicate of another (NaN, a date, a buffer, a
    merge symbol, an alias, a collection)."""

    __slots__ = ()


def js_number(value: float) -> str:
    """``String(value)`` for a JavaScript number (ECMAScript Number::toString)."""
    if value != value:
        return "NaN"
    if value in (math.inf, -math.inf):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    if value < 0:
        return "-" + js_number(-value)
    digits_tuple, exponent = Decimal(repr(value)).normalize().as_tuple()[1:]
    assert isinstance(exponent, int)
    digits = "".join(map(str, digits_tuple))
    k = len(digits)
    n = k + exponent  # the decimal point sits after n digits
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * -n + digits
    e = n - 1
    sign = "+" if e >= 0 else "-"
    mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
    return f"{mantissa}e{sign}{abs(e)}"


def _as_double(value: int | float) -> float:
    try:
        return float(value)
    except OverflowError:  # parseInt of a long digit string: Infinity
        return math.inf if value > 0 else -math.inf


def _json_key(value: Any) -> str:
    """Map keys as the yaml package's toJSON makes them (``true:`` -> ``"true"``)."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int | float):
        return js_number(_as_double(value))
    if isinstance(value, JsObject) and value.get("type") == "Buffer":
        return bytes(value["data"]).decode("utf-8", "replace")  # String(buffer)
    return str(value)


def key_identity(value: Any) -> Any:
    """What ``===`` compares for a scalar key's value (``Unique()`` when nothing equals it)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int | float):
        number = _as_double(value)
        return Unique() if number != number else ("number", number)
    if isinstance(value, str):
        return value
    return Unique()


def _key_text(key_node: Any) -> str:
    """The plain key a mapping key node becomes (as ``_Builder`` makes it)."""
    if key_node.id != "scalar":
        return _flow_text(key_node)
    value = key_node.value
    if value == EMPTY_KEY:
        return ""
    if key_node.style or key_node.tag != _UNTAGGED or (value and value[0] not in _PLAIN_SPECIAL):
        return str(value)
    return _json_key(resolve_plain(value) if value else None)


def _flow_text(node: Any) -> str:
    """Flow-style text of a node, as the ``yaml`` package stringifies collection keys."""
    if node.id == "scalar":
        return "" if node.value == EMPTY_KEY else str(node.value)
    if node.id == "sequence":
        items = ", ".join(_flow_text(item) for item in node.value)
        return f"[ {items} ]" if node.value else "[]"
    parts = []
    explicit = any(key.id != "scalar" for key, _ in node.value)
    for key, value in node.value:
        empty = value.id == "scalar" and value.value in ("", "~", "null") and not value.style
        if explicit:
            # a collection key inside the key: the yaml package writes "? key" / ": value"
            # lines, so the resulting text has line breaks (and ``^.+$`` does not match it)
            parts.append(
                f"  ? {_flow_text(key)}" + ("" if empty else f"\n  : {_flow_text(value)}")
                if key.id != "scalar"
                else f"  {_flow_text(key)}" + ("" if empty else f": {_flow_text(value)}")
            )
        else:
            parts.append(_flow_text(key) if empty else f"{_flow_text(key)}: {_flow_text(value)}")
    if explicit:
        return "{\n" + ",\n".join(parts) + "\n}"
    return "{ " + ", ".join(parts) + " }" if parts else "{}"
