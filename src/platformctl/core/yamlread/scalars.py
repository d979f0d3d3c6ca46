"""Scalars and explicit tags the way Backstage's ``yaml`` package (2.9.1) resolves them: the
YAML 1.2 core schema, and its yaml-1.1 schema under a ``%YAML 1.1`` directive."""

from __future__ import annotations

import math
import re
from typing import Any

# --- YAML 1.2 core schema ------------------------------------------------------------------

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_INT_DEC = re.compile(r"[-+]?[0-9]+\Z")
_INT_OCT = re.compile(r"0o[0-7]+\Z")
_INT_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)\Z")
_NAN = re.compile(r"\.(nan|NaN|NAN)\Z")
# Characters that can start a number: everything else is a string without any regex work.
_NUMERIC_START = frozenset("0123456789+-.")
# First characters of every plain scalar the core schema resolves to something but a string.
_PLAIN_SPECIAL = _NUMERIC_START | frozenset("tTfFnN~")

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_BINARY_TAG = "tag:yaml.org,2002:binary"
_SET_TAG = "tag:yaml.org,2002:set"
_OMAP_TAG = "tag:yaml.org,2002:omap"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_YAML_PREFIX = "tag:yaml.org,2002:"
_MERGE_TAG = "tag:yaml.org,2002:merge"
# Tag our resolver gives every scalar without an explicit tag, so ``!!str 12`` stays a string.
_UNTAGGED = "platformctl:untagged"


def resolve_plain(value: str) -> Any:
    """Resolve an untagged plain scalar the way YAML 1.2's core schema does."""
    if value in _NULLS:
        return None
    first = value[0]
    if first in "tTfF":
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        return value
    if first not in _NUMERIC_START:
        return value
    if _INT_DEC.match(value):
        return int(value, 10)
    if _INT_OCT.match(value):
        return int(value[2:], 8)
    if _INT_HEX.match(value):
        return int(value[2:], 16)
    if _FLOAT.match(value):
        return float(value)
    if _INF.match(value):
        return -math.inf if value.startswith("-") else math.inf
    if _NAN.match(value):
        return math.nan
    return value


# --- YAML 1.1 (a ``%YAML 1.1`` directive switches the yaml package to its yaml-1.1 schema) ---

_NULL_RE = re.compile(r"(?:~|[Nn]ull|NULL)?\Z")
_BOOL_CORE = re.compile(r"(?:[Tt]rue|TRUE|[Ff]alse|FALSE)\Z")
_TRUE_11 = re.compile(r"(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)\Z")
_FALSE_11 = re.compile(r"(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)\Z")
_INT_BIN_11 = re.compile(r"[-+]?0b[0-1_]+\Z")
_INT_OCT_11 = re.compile(r"[-+]?0[0-7_]+\Z")
_INT_DEC_11 = re.compile(r"[-+]?[0-9][0-9_]*\Z")
_INT_HEX_11 = re.compile(r"[-+]?0x[0-9a-fA-F_]+\Z")
_NAN_INF = re.compile(r"(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)\Z")
_FLOAT_EXP_CORE = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+\Z")
_FLOAT_CORE = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)\Z")
_FLOAT_EXP_11 = re.compile(r"[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+\Z")
_FLOAT_11 = re.compile(r"[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*\Z")
_INT_TIME_11 = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\Z")
_FLOAT_TIME_11 = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*\Z")
_TIMESTAMP = re.compile(
    r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"
    r"(?:(?:t|T|[ \t]+)([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2}(\.[0-9]+)?)"
    r"(?:[ \t]*(Z|[-+][012]?[0-9](?::[0-9]{2})?))?)?\Z"
)
# Plain scalars starting with anything else are strings in YAML 1.1 too.
_PLAIN_SPECIAL_11 = _PLAIN_SPECIAL | frozenset("yYnNoO")


class TagError(ValueError):
    """An explicit tag the yaml package rejects (the document fails to read)."""


class JsSymbol:
    """``!!merge`` on a scalar: the yaml package gives a JavaScript Symbol, which is neither a
    string nor an object to Backstage's schema checks."""

    def __repr__(self) -> str:
        return "Symbol(<<)"

    def __str__(self) -> str:
        return "Symbol(<<)"


class JsObject(dict):  # type: ignore[type-arg]
    """A value the yaml package builds as a JavaScript object that is not a plain object
    (``!!set`` and ``!!omap`` give a Set/Map, ``!!binary`` a Buffer, whose toJSON() Backstage
    reads): Backstage's schema checks see an object with these enumerable keys."""


def _js_int(text: str, radix: int, offset: int = 0) -> float | int:
    sign = text[0]
    if sign in "+-":
        offset += 1
    digits = text[offset:].replace("_", "")
    try:
        number = int(digits, radix)
    except ValueError:
        return math.nan
    return -number if sign == "-" else number


def _sexagesimal(text: str) -> float:
    sign = text[0]
    parts = text[1:] if sign in "+-" else text
    result = 0.0
    for part in parts.replace("_", "").split(":"):
        result = result * 60 + float(part)
    return -result if sign == "-" else result


def _number(value: float) -> float | int:
    return (
        int(value)
        if value == value and value not in (math.inf, -math.inf) and value == int(value)
        else value
    )


def _resolve_int(value: str, v11: bool) -> Any:
    if not v11:
        if _INT_OCT.match(value):
            return int(value[2:], 8)
        if _INT_DEC.match(value):
            return int(value, 10)
        if _INT_HEX.match(value):
            return int(value[2:], 16)
        return _NO_MATCH
    if _INT_BIN_11.match(value):
        return _js_int(value, 2, 2)
    if _INT_OCT_11.match(value):
        return _js_int(value, 8, 1)
    if _INT_DEC_11.match(value):
        return _js_int(value, 10)
    if _INT_HEX_11.match(value):
        return _js_int(value, 16, 2)
    if _INT_TIME_11.match(value):
        return _number(_sexagesimal(value))
    return _NO_MATCH


def _resolve_float(value: str, v11: bool) -> Any:
    if _NAN_INF.match(value):
        if value[-3:].lower() == "nan":
            return math.nan
        return -math.inf if value.startswith("-") else math.inf
    if (_FLOAT_EXP_11 if v11 else _FLOAT_EXP_CORE).match(value) or (
        _FLOAT_11 if v11 else _FLOAT_CORE
    ).match(value):
        try:
            return float(value.replace("_", "") if v11 else value)
        except ValueError:  # "." or "-." in YAML 1.1: parseFloat gives NaN
            return math.nan
    if v11 and _FLOAT_TIME_11.match(value):
        return _sexagesimal(value)
    return _NO_MATCH


def _timestamp(value: str) -> str:
    """``!!timestamp`` (and YAML 1.1 dates): the JSON text of the JavaScript Date."""
    import datetime

    match = _TIMESTAMP.match(value)
    if not match:
        raise TagError("!!timestamp expects a date, starting with yyyy-mm-dd")
    year, month, day = (int(match.group(i)) for i in (1, 2, 3))
    hour, minute = int(match.group(4) or 0), int(match.group(5) or 0)
    second = float(match.group(6) or 0)
    millis = int((match.group(7) or ".")[1:].ljust(3, "0")[:3] or 0)
    try:
        base = datetime.datetime(year, 1, 1, tzinfo=datetime.UTC)
    except ValueError as exc:
        raise TagError(str(exc)) from exc
    # Date.UTC lets every field overflow into the next (month 13, day 0, hour 25)
    stamp = base + datetime.timedelta(
        days=_days_before_month(year, month - 1) + day - 1,
        hours=hour,
        minutes=minute,
        seconds=int(second),
        milliseconds=millis,
    )
    zone = match.group(8)
    if zone and zone != "Z":
        offset = _sexagesimal(zone)
        if abs(offset) < 30:
            offset *= 60
        stamp -= datetime.timedelta(minutes=offset)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


def _days_before_month(year: int, months: int) -> int:
    import datetime

    extra_years, month = divmod(months, 12)
    start = datetime.date(year, 1, 1)
    target = datetime.date(year + extra_years, month + 1, 1)
    return (target - start).days


def _binary(value: str) -> JsObject:
    """``Buffer.from(value, 'base64')``: other characters are skipped, a dangling character
    dropped.  Backstage reads documents with ``doc.toJSON()``, which calls the Buffer's own
    ``toJSON()``: the entity holds ``{type: 'Buffer', data: [bytes]}``, not the bytes under
    index keys (a JsObject still, for the merge-key check, which sees the Buffer)."""
    import base64

    chars = "".join(c for c in value.split("=")[0] if c.isascii() and (c.isalnum() or c in "+/-_"))
    chars = chars.replace("-", "+").replace("_", "/")
    if len(chars) % 4 == 1:
        chars = chars[:-1]
    data = base64.b64decode(chars + "=" * (-len(chars) % 4)) if chars else b""
    return JsObject(type="Buffer", data=list(data))


_NO_MATCH = object()


def _explicit(tag: str, value: str, v11: bool = False) -> Any:
    """A scalar with an explicit tag, resolved as the yaml package does: the tag's own test
    decides; a value it does not match stays a string (the package only warns)."""
    if tag == _STR or tag == "!":
        return value
    if tag == _NULL:
        return None if _NULL_RE.match(value) else value
    if tag == _BOOL:
        if v11:
            if _TRUE_11.match(value):
                return True
            if _FALSE_11.match(value):
                return False
            return value
        if _BOOL_CORE.match(value):
            return value[0] in "tT"
        return value
    if tag == _INT:
        resolved = _resolve_int(value, v11)
        return value if resolved is _NO_MATCH else resolved
    if tag == _FLOAT_TAG:
        resolved = _resolve_float(value, v11)
        return value if resolved is _NO_MATCH else resolved
    if tag == _TIMESTAMP_TAG:
        if v11 and not _TIMESTAMP.match(value):
            return value  # a default tag of the yaml-1.1 schema: unmatched, it only warns
        return _timestamp(value)
    if tag == _MERGE_TAG and not v11:
        return JsSymbol()
    if tag == _BINARY_TAG:
        return _binary(value)
    if tag == _YAML_PREFIX:
        raise TagError("The !! tag has no suffix")
    # Unknown, local and collection tags on a scalar: the yaml package keeps the string.
    return value


def resolve_plain_11(value: str) -> Any:
    """An untagged plain scalar under ``%YAML 1.1`` (the yaml package's yaml-1.1 schema)."""
    if _NULL_RE.match(value):
        return None
    if _TRUE_11.match(value):
        return True
    if _FALSE_11.match(value):
        return False
    resolved = _resolve_int(value, True)
    if resolved is not _NO_MATCH:
        return resolved
    resolved = _resolve_float(value, True)
    if resolved is not _NO_MATCH:
        return resolved
    if _TIMESTAMP.match(value):
        try:
            return _timestamp(value)
        except TagError:
            return value
    return value
