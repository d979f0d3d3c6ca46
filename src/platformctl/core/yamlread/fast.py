"""The fast path: yaml-rs for text it reads exactly as the reference path does."""

from __future__ import annotations

import re
from typing import Any

from platformctl.core.yamlread.build import _json_key

Pos = tuple[int, int]

# --- the fast path ---------------------------------------------------------------------------
#
# yaml-rs (a Rust YAML 1.2 parser) builds plain Python values several times faster than
# libyaml's node graph plus our builder.  It reads the YAML 1.2 core schema the way the yaml
# package does except for a few scalar forms, so it is only used on text that has none of
# them and none of the constructs whose reading is settled above (tags, anchors and aliases,
# directives, "..."/content after "---", control characters, tabs, CR, complex keys); any error
# or surprise falls back to the libyaml path, which stays the reference and reports problems
# with positions.  Positions of fast documents are found on demand from the text (``Source``).

_FAST_CHARS = re.compile("[\t\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
# Each pattern runs only when a cheap ``in`` test says it might match (one combined pattern
# with a context group in front is ten times slower).
_FAST_PROPS = re.compile(r"(?:^|(?<=[\s\[{,]))[!&*]", re.M)  # tags, anchors, aliases
_FAST_MARKERS = re.compile(r"^(?:%|\.\.\.|---[ \t]*[^ \t\n#]|[ \t]*\?(?:[ \t]|$))", re.M)
# plain scalars yaml-rs makes numbers of and YAML 1.2 core leaves as strings
_FAST_NUMBERS = re.compile(
    r"(?:^|(?<=[\s\[{,]))(?:[-+]?[0-9.][0-9._]*_[0-9._]*|[-+]?0b[0-1_]+|[-+]0x[0-9a-fA-F_]+)"
    r"[ \t]*(?:$|[,\]}#:])",
    re.M,
)


# _FAST_MARKERS split by alternative: a pattern that starts with a literal is searched for
# that literal first (C speed), while a multi-line ``^`` is tried at every position (the
# combined pattern was a fifth of the fast path's time on files with "---" separators).
_MARKER_DASHES = re.compile(r"---[ \t]*[^ \t\n#]")
_MARKER_DASHES_LINE = re.compile(r"\n---[ \t]*[^ \t\n#]")
_MARKER_QUESTION = re.compile(r"\?(?=[ \t\n]|\Z)")


def _has_marker(text: str) -> bool:
    """``_FAST_MARKERS.search(text)``, faster."""
    if text.startswith(("%", "...")) or "\n%" in text or "\n..." in text:
        return True
    if "---" in text and (_MARKER_DASHES.match(text) or _MARKER_DASHES_LINE.search(text)):
        return True
    if "?" in text:
        for match in _MARKER_QUESTION.finditer(text):
            start = match.start()
            line_start = text.rfind("\n", 0, start) + 1
            if not text[line_start:start].strip(" \t"):
                return True
    return False


# An empty key (a line starting with ":") whose value is a mapping or a block sequence on
# the same line (": a: b", ": - a"): yaml-rs reads it, the yaml package refuses it.
_EMPTY_KEY_NESTED = r"[ ]*(?:-[ ]+)*:[ ]+(?:-[ ]|[^\n]*:(?:[ ]|$))"
_EMPTY_KEY_FIRST = re.compile(_EMPTY_KEY_NESTED, re.M)
_EMPTY_KEY_LINE = re.compile("\n" + _EMPTY_KEY_NESTED, re.M)
_EMPTY_KEY_HINT = re.compile(r"\n[ -]*:[ \t]")  # a quarter of _EMPTY_KEY_LINE's time


def _fast_gate(text: str) -> bool:
    """True when the text has something only the reference path reads right."""
    if _FAST_CHARS.search(text):
        return True
    if _EMPTY_KEY_FIRST.match(text) or (
        _EMPTY_KEY_HINT.search(text) and _EMPTY_KEY_LINE.search(text)
    ):
        return True
    if ("!" in text or "&" in text or "*" in text) and _FAST_PROPS.search(text):
        return True
    if _has_marker(text):
        return True
    return ("_" in text or "0b" in text or "0x" in text) and bool(_FAST_NUMBERS.search(text))


_DOC_START = re.compile(r"^---[ \t]*(?:#[^\n]*)?$", re.M)
# the same after a line break: starting with a literal, it is searched for at C speed
_DOC_START_LINE = re.compile(r"\n---[ \t]*(?:#[^\n]*)?$", re.M)


def _doc_markers(text: str) -> list[tuple[int, int]]:
    """(start, end) of every ``_DOC_START`` match, a quarter of the time of ``finditer``."""
    first = _DOC_START.match(text)
    markers = [(first.start(), first.end())] if first else []
    markers.extend((m.start() + 1, m.end()) for m in _DOC_START_LINE.finditer(text))
    return markers


_FAST_LOADS: Any = None
_CONTENT_LINE = re.compile(r"^[ \t]*[^\s#]", re.M)


class _NotFast(Exception):
    pass


def _fast_loads() -> Any:
    global _FAST_LOADS
    if _FAST_LOADS is None:
        try:
            from yaml_rs import loads  # type: ignore[import-not-found,unused-ignore]
        except ImportError:  # pragma: no cover - yaml-rs is a dependency
            _FAST_LOADS = False
        else:
            _FAST_LOADS = loads
    return _FAST_LOADS


# A double-quoted value continued after an escaped line break ("...\\" + newline): yaml-rs
# does not check the next line's indentation there (it does everywhere else), Backstage's
# parser does, and so does the reference path for catalog files.
_ESCAPED_BREAK = "\\\n"


def fast_values(
    text: str, max_depth: int, backstage: bool = False
) -> list[tuple[int, Any, int, int]] | None:
    """(index, value, line, column) of each document, or None: use the reference path."""
    loads = _fast_loads()
    if not loads or _fast_gate(text):
        return None
    if backstage and _ESCAPED_BREAK in text:
        return None
    documents: list[tuple[int, Any, int, int]] = []
    markers = _doc_markers(text) if "---" in text else []
    starts = [end for _, end in markers]
    bounds = [start for start, _ in markers]
    chunks: list[tuple[int, str]] = []
    head = text[: bounds[0]] if bounds else text
    if _CONTENT_LINE.search(head):
        chunks.append((0, head))
    for i, start in enumerate(starts):
        end = bounds[i + 1] if i + 1 < len(bounds) else len(text)
        chunks.append((start, text[start:end]))
    try:
        line, counted = 1, 0
        for index, (offset, chunk) in enumerate(chunks):
            data = loads(chunk, parse_datetime=False)
            if data is not None and not isinstance(data, str):
                data = _fast_checked(data, 0, max_depth)
            line += text.count("\n", counted, offset)
            counted = offset
            line_at, column = _first_content(text, offset, line)
            documents.append((index, data, line_at, column))
    except (_NotFast, RecursionError):
        return None
    except Exception:  # noqa: BLE001 - any parse error: the reference path reports it
        return None
    return documents


def _fast_checked(value: Any, depth: int, max_depth: int) -> Any:
    """Keys as the yaml package makes them (``1:`` is "1"); anything yaml-rs built that the
    reference path would not (tuples and frozensets as keys, dates) means: not fast."""
    if depth > max_depth:
        raise _NotFast
    kind = type(value)
    if kind is dict:
        # one pass over the items while every key is a string (the common case)
        for key, item in value.items():
            if type(key) is not str:
                return _fast_checked_keys(value, depth, max_depth)
            kind = type(item)
            if kind is dict or kind is list:
                checked = _fast_checked(item, depth + 1, max_depth)
                if checked is not item:
                    value[key] = checked
            elif item is not None and kind not in _FAST_SCALARS:
                raise _NotFast
        return value
    if kind is list:
        for i, item in enumerate(value):
            kind = type(item)
            if kind is dict or kind is list:
                checked = _fast_checked(item, depth + 1, max_depth)
                if checked is not item:
                    value[i] = checked
            elif item is not None and kind not in _FAST_SCALARS:
                raise _NotFast
        return value
    if value is None or kind in _FAST_SCALARS:
        return value
    raise _NotFast


def _fast_checked_keys(value: dict[Any, Any], depth: int, max_depth: int) -> dict[Any, Any]:
    """A mapping with a key that is not a string: null, booleans and numbers become the
    strings the yaml package makes of them (a clash, or any other key, means: not fast)."""
    for key in value:
        if type(key) is not str and not (key is None or type(key) in (bool, int, float)):
            raise _NotFast
    out = {(k if type(k) is str else _json_key(k)): v for k, v in value.items()}
    if len(out) != len(value):
        raise _NotFast
    return _fast_checked(out, depth, max_depth)


_FAST_SCALARS = (str, int, float, bool)


def _first_content(text: str, offset: int, line: int) -> Pos:
    """1-based line and column of the first content at or after ``offset`` (on ``line``)."""
    end = len(text)
    while offset < end:
        stop = text.find("\n", offset)
        stop = end if stop == -1 else stop
        indent = offset
        while indent < stop and text[indent] == " ":
            indent += 1
        if indent < stop and text[indent] != "#":
            return line, indent - offset + 1
        offset = stop + 1
        line += 1
    return line, 1
