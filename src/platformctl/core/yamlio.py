"""Safe YAML loading with positions and limits, read the way Backstage reads it.

Backstage parses catalog files with the ``yaml`` npm package in YAML 1.2 mode (core schema).
PyYAML's libyaml parser gives us a fast, position-carrying node graph; we then build plain
Python values ourselves with the YAML 1.2 core schema instead of PyYAML's YAML 1.1 resolver:

* ``yes``/``no``/``on``/``off`` and unquoted dates stay strings, ``0o17`` is octal;
* ``<<`` merge keys are plain keys, not merges;
* duplicate keys are errors; more than ``max_aliases`` alias expansions abort the file;
* documents larger than ``max_bytes`` or nested deeper than ``max_depth`` are refused.

Every mapping key and every value gets a 1-based (line, column) position, reachable through
``Document.position(path)``.  Nothing here raises on bad input except ``load_one``: problems
come back as ``YamlProblem`` values so a linter can report them and move on.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformctl.core.errors import InputFileError

MAX_BYTES = 10 * 1024 * 1024
MAX_ALIASES = 100
MAX_DEPTH = 64

PathKey = tuple[Any, ...]
Pos = tuple[int, int]


@dataclass(frozen=True)
class YamlProblem:
    """Why a file (or one of its documents) could not be read."""

    rule: str  # yaml/syntax, yaml/duplicate-key, yaml/too-large, ...
    message: str
    line: int | None = None
    column: int | None = None
    document: int | None = None  # index of the document, None for the whole file
    hint: str | None = None
    severity: str = "error"


@dataclass
class Document:
    """One YAML document: plain data plus where each node came from."""

    index: int
    data: Any
    line: int
    column: int
    positions: dict[PathKey, Pos] = field(default_factory=dict)
    key_positions: dict[PathKey, Pos] = field(default_factory=dict)
    # Where the document came from: positions are looked up in its node graph, composed again
    # on demand (only findings need positions; recording every node's position eagerly, or
    # keeping every node graph alive, was an eighth of ``catalog validate``'s time).
    source: Source | None = field(default=None, repr=False, compare=False)

    @property
    def empty(self) -> bool:
        return self.data is None

    def position(self, path: PathKey = (), *, key: bool = False) -> Pos:
        """Position of the value at ``path`` (or of its key with ``key=True``).

        Falls back to the nearest ancestor that exists, so a missing field points at its parent.
        """
        path = tuple(path)
        if self.source is not None:
            node = self.source.node(self.index)
            if node is not None:
                return _node_position(node, path, key)
        if key and path in self.key_positions:
            return self.key_positions[path]
        while path:
            if path in self.positions:
                return self.positions[path]
            if path in self.key_positions:
                return self.key_positions[path]
            path = path[:-1]
        return self.positions.get((), (self.line, self.column))


class Source:
    """The text of a YAML stream (or the file to read it from again), composed into node
    graphs only when a position is asked for."""

    __slots__ = ("text", "path", "_nodes", "_prepared")

    def __init__(
        self, text: str | None = None, path: str | Path | None = None, *, prepared: bool = False
    ) -> None:
        self.text = text
        self.path = path
        self._nodes: list[Any] | None = None
        self._prepared = prepared  # ``text`` is already as libyaml reads it (see ``prepare``)

    def node(self, index: int) -> Any:
        if self._nodes is None:
            text = self.text
            if text is None and self.path is not None:
                try:
                    text = decode(Path(self.path).read_bytes(), lenient=True)[0]
                except OSError:
                    text = None
            if text is not None and not self._prepared:
                text = prepare(text).text
            self._nodes = _compose_all(text) if text is not None else []
        return self._nodes[index] if 0 <= index < len(self._nodes) else None


def _compose_all(text: str) -> list[Any]:
    """The root node of each document (None for an empty one), up to the first parse error."""
    global _COMPOSER
    import yaml

    if _COMPOSER is None:
        _COMPOSER = _composer_class()
    loader = _COMPOSER(text)
    nodes: list[Any] = []
    try:
        while loader.check_node():
            nodes.append(loader.get_node())
    except (yaml.YAMLError, RecursionError):
        pass
    finally:
        dispose = getattr(loader, "dispose", None)
        if dispose:
            dispose()
    return nodes


@dataclass
class LoadedFile:
    path: str
    documents: list[Document]
    problems: list[YamlProblem]
    text: str | None = None

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


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
    (``!!set`` and ``!!omap`` give a Set/Map, ``!!binary`` a Buffer): Backstage's schema
    checks see an object with these enumerable keys, lodash's isPlainObject says no."""


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
    dropped."""
    import base64

    chars = "".join(c for c in value.split("=")[0] if c.isascii() and (c.isalnum() or c in "+/-_"))
    chars = chars.replace("-", "+").replace("_", "/")
    if len(chars) % 4 == 1:
        chars = chars[:-1]
    data = base64.b64decode(chars + "=" * (-len(chars) % 4)) if chars else b""
    return JsObject((str(i), byte) for i, byte in enumerate(data))


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


class _Abort(Exception):
    def __init__(self, problem: YamlProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _composer_class() -> type:
    from yaml.nodes import ScalarNode, SequenceNode
    from yaml.resolver import BaseResolver

    parser: Any
    try:
        from yaml.cyaml import CParser  # type: ignore[attr-defined]  # libyaml, not in ``yaml``

        parser = CParser
    except ImportError:  # pragma: no cover - PyYAML wheels ship libyaml
        parser = None
    if parser is None:  # pragma: no cover - PyYAML wheels ship libyaml
        from yaml.composer import Composer
        from yaml.parser import Parser
        from yaml.reader import Reader
        from yaml.scanner import Scanner

        class _PyComposer(Reader, Scanner, Parser, Composer, BaseResolver):
            DEFAULT_SCALAR_TAG = _UNTAGGED  # type: ignore[misc]

            def __init__(self, stream: str) -> None:
                Reader.__init__(self, stream)
                Scanner.__init__(self)
                Parser.__init__(self)
                Composer.__init__(self)
                BaseResolver.__init__(self)

        return _PyComposer

    class _CComposer(parser, BaseResolver):  # type: ignore[misc, valid-type]
        DEFAULT_SCALAR_TAG = _UNTAGGED  # type: ignore[misc]

        def __init__(self, stream: str) -> None:
            parser.__init__(self, stream)
            BaseResolver.__init__(self)

        # BaseResolver has no implicit or path resolvers, so resolution is a constant per node
        # kind; these short-cuts skip three Python calls per node (hot in catalog validate).
        def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
            if kind is ScalarNode:
                return _UNTAGGED
            return self.DEFAULT_SEQUENCE_TAG if kind is SequenceNode else self.DEFAULT_MAPPING_TAG

        # libyaml's composer calls these once per node and ignores the result: C builtins
        # that do nothing cost less than Python methods (builtins do not bind ``self``).
        descend_resolver: Any = {}.get  # (node, index) -> None
        ascend_resolver: Any = ().__len__  # () -> 0

    return _CComposer


_COMPOSER: type | None = None
_QUOTES = ("'", '"')
_VERBATIM = re.compile(r"(?:&\S+\s+)?(!<!!?>)")


class _Builder:
    """Turns a PyYAML node graph into plain values, recording positions.

    An alias shares its anchor's node object, so a node met a second time is an alias use.
    Like the ``yaml`` package, an alias resolves to the anchor's already-built value (no
    re-expansion), and uses are counted the way ``yaml`` counts them: each use costs the number
    of alias expansions inside the anchored value, and a document whose total passes
    ``max_aliases`` is rejected as a resource-exhaustion attempt.
    """

    def __init__(
        self,
        index: int,
        max_aliases: int,
        max_depth: int,
        v11: bool = False,
        text: str = "",
        backstage: bool = False,
    ) -> None:
        self.index = index
        self.backstage = backstage
        self.v11 = v11
        self.text = text
        self.resolve_plain = resolve_plain_11 if v11 else resolve_plain
        self.special = _PLAIN_SPECIAL_11 if v11 else _PLAIN_SPECIAL
        self.max_aliases = max_aliases
        self.max_depth = max_depth
        self.values: dict[int, Any] = {}
        self.first: dict[int, tuple[int, int]] = {}  # node id -> (parent id, slot)
        self.uses: dict[int, int] = {}
        self.weights: dict[int, int] = {}
        self.active: set[int] = set()
        self.positions: dict[PathKey, Pos] = {}
        self.key_positions: dict[PathKey, Pos] = {}
        self.warnings: list[YamlProblem] = []

    def complex_key(self, key_node: Any) -> str:
        """A list or mapping used as a key: the ``yaml`` package (and so Backstage) turns it
        into its flow-style text, e.g. ``{{ name }}: x`` has the key ``"{ name }"``."""
        text = _flow_text(key_node)
        mark = key_node.start_mark
        self.warnings.append(
            YamlProblem(
                "yaml/complex-key",
                f"a {key_node.id} is used as a mapping key; it becomes the string {text!r}",
                mark.line + 1,
                mark.column + 1,
                self.index,
                "unrendered template syntax ({{ ... }})? render the template before validating",
                severity="warning",
            )
        )
        return text

    def tagged_scalar(self, node: Any) -> Any:
        self.check_tag(node)
        try:
            return _explicit(node.tag, node.value, self.v11)
        except TagError as exc:
            raise self.problem("yaml/tag", str(exc), node, "remove the tag") from None

    def merge_mapping(self, node: Any, build_value: Any) -> dict[str, Any]:
        """A mapping with ``<<`` keys under ``%YAML 1.1``: the yaml package's yaml-1.1 schema
        merges them even with ``merge: false``.  Keys already there win over merged ones;
        later keys overwrite; a merge source that is not a mapping is an error."""
        result: dict[str, Any] = {}
        explicit: set[str] = set()
        for i, (key_node, value_node) in enumerate(node.value):
            if key_node.id != "scalar":
                key = self.complex_key(key_node)
            elif not key_node.style and key_node.tag == _UNTAGGED:
                key = _json_key(self.resolve_plain(key_node.value) if key_node.value else None)
            else:
                key = key_node.value
            value = build_value(value_node, key, i)
            if _is_merge_key(key_node):
                sources = value if isinstance(value, list) else [value]
                for source in sources:
                    if not isinstance(source, dict) or isinstance(source, JsObject):
                        raise self.problem(
                            "yaml/merge",
                            "Merge sources must be maps or map aliases",
                            value_node,
                            "merge (<<) only mappings, or drop the %YAML 1.1 directive",
                        )
                    for k, v in source.items():
                        if k not in result:
                            result[k] = v
                continue
            if key in explicit:
                raise self.problem(
                    "yaml/duplicate-key",
                    f"duplicate key {key!r}",
                    key_node,
                    "remove or rename one of the keys: YAML 1.2 requires unique keys",
                )
            explicit.add(key)
            result[key] = value
        return result

    def check_continuation(self, key_node: Any, value_node: Any) -> None:
        """A quoted value of a block mapping that runs over several lines: the yaml package
        wants every further line indented past the key (libyaml does not check)."""
        if not self.text or not self.backstage:
            return  # libyaml's reading is fine for other YAML (Kubernetes objects, config)
        column = key_node.start_mark.column
        start = value_node.start_mark.index
        end = value_node.end_mark.index
        for line in self.text[start:end].split("\n")[1:]:
            stripped = line.lstrip(" ")
            if stripped and len(line) - len(stripped) <= column:
                raise self.problem(
                    "yaml/syntax",
                    "a line of this quoted value is not indented past its key "
                    "(missing closing quote?)",
                    value_node,
                    "indent the continuation lines, or close the quote",
                )

    def check_tag(self, node: Any) -> None:
        """Tags the yaml package refuses: ``!<!>``/``!<!!>`` (verbatim, unresolved), ``!!``."""
        tag = node.tag
        if tag in ("!", "!!"):
            start = node.start_mark.index
            match = _VERBATIM.match(self.text, start) if self.text else None
            if match:
                raise self.problem(
                    "yaml/tag",
                    f"Verbatim tags aren't resolved, so {match.group(1)} is invalid.",
                    node,
                    "remove the tag",
                )
        elif tag == _YAML_PREFIX:
            raise self.problem("yaml/tag", "The !! tag has no suffix", node, "remove the tag")

    def tagged_collection(self, node: Any, value: Any) -> Any:
        """``!!set`` on a mapping and ``!!omap`` on a sequence become a JavaScript Set/Map."""
        self.check_tag(node)
        if (node.tag == _SET_TAG and node.id == "mapping") or (
            node.tag == _OMAP_TAG and node.id == "sequence"
        ):
            return JsObject()
        return value

    def problem(self, rule: str, message: str, node: Any, hint: str | None = None) -> _Abort:
        mark = node.start_mark
        return _Abort(YamlProblem(rule, message, mark.line + 1, mark.column + 1, self.index, hint))

    def _weight(self, node: Any) -> int:
        node_id = id(node)
        cached = self.weights.get(node_id)
        if cached is not None:
            return cached
        if node.id == "scalar":
            weight = 1
        else:
            weight = 1
            children = (
                [v for pair in node.value for v in pair] if node.id == "mapping" else node.value
            )
            for slot, child in enumerate(children):
                child_id = id(child)
                if self.first.get(child_id) == (node_id, slot) or child_id not in self.uses:
                    weight = max(weight, self._weight(child))
                else:
                    weight = max(weight, self.uses[child_id] * self._weight(child))
        self.weights[node_id] = weight
        return weight

    def build(self, node: Any, path: PathKey, depth: int, parent: int = 0, slot: int = 0) -> Any:
        mark = node.start_mark
        self.positions[path] = (mark.line + 1, mark.column + 1)
        node_id = id(node)
        if node_id in self.first and self.first[node_id] != (parent, slot):
            if node_id in self.active:
                raise self.problem("yaml/alias-cycle", "recursive alias", node)
            uses = self.uses.get(node_id, 0) + 1
            self.uses[node_id] = uses
            if uses * self._weight(node) > self.max_aliases:
                raise self.problem(
                    "yaml/alias-limit",
                    f"more than {self.max_aliases} alias expansions (possible alias bomb)",
                    node,
                    "remove the anchors/aliases; catalog files do not need them",
                )
            return self.values[node_id]
        self.first[node_id] = (parent, slot)
        if depth > self.max_depth:
            raise self.problem(
                "yaml/too-deep",
                f"nesting deeper than {self.max_depth} levels",
                node,
                "flatten the document",
            )
        kind = node.id
        if kind == "scalar":
            value = node.value
            tag = node.tag
            if tag == _UNTAGGED:
                result_value: Any = (
                    value if node.style else (self.resolve_plain(value) if value else None)
                )
            else:
                result_value = self.tagged_scalar(node)
            self.values[node_id] = result_value
            return result_value
        self.active.add(node_id)
        try:
            if kind == "mapping" and self.v11 and _has_merge_key(node):
                merged = self.merge_mapping(
                    node,
                    lambda value_node, key, i: self.build(
                        value_node, (*path, key), depth + 1, node_id, 2 * i + 1
                    ),
                )
                self.values[node_id] = merged
                return merged
            if kind == "mapping":
                result: dict[str, Any] = {}
                self.values[node_id] = result
                for pair_index, (key_node, value_node) in enumerate(node.value):
                    if key_node.id != "scalar":
                        key = self.complex_key(key_node)
                    elif not key_node.style and key_node.tag == _UNTAGGED:
                        key_value = key_node.value
                        key = _json_key(self.resolve_plain(key_value) if key_value else None)
                    else:
                        key = key_node.value
                    if key in result:
                        raise self.problem(
                            "yaml/duplicate-key",
                            f"duplicate key {key!r}",
                            key_node,
                            "remove or rename one of the keys: YAML 1.2 requires unique keys",
                        )
                    child = (*path, key)
                    kmark = key_node.start_mark
                    self.key_positions[child] = (kmark.line + 1, kmark.column + 1)
                    self.first.setdefault(id(key_node), (node_id, 2 * pair_index))
                    if (
                        value_node.id == "scalar"
                        and value_node.style in _QUOTES
                        and value_node.end_mark.line != value_node.start_mark.line
                        and not node.flow_style
                    ):
                        self.check_continuation(key_node, value_node)
                    result[key] = self.build(
                        value_node, child, depth + 1, node_id, 2 * pair_index + 1
                    )
                if node.tag != _MAP_TAG:
                    self.values[node_id] = self.tagged_collection(node, result)
                    return self.values[node_id]
                return result
            items: list[Any] = []
            self.values[node_id] = items
            for i, item in enumerate(node.value):
                items.append(self.build(item, (*path, i), depth + 1, node_id, i))
            if node.tag != _SEQ_TAG:
                self.values[node_id] = self.tagged_collection(node, items)
                return self.values[node_id]
            return items
        finally:
            self.active.discard(node_id)

    def build_plain(self, node: Any, depth: int) -> Any:
        """``build`` for documents that contain no alias (the common case): same values and
        errors, without the per-node alias bookkeeping and without recording positions
        (``Document.position`` finds them in the node graph when a finding needs one).
        Scalar children are handled inline (most nodes are scalars) to save a call per node."""
        if depth > self.max_depth:
            raise self.problem(
                "yaml/too-deep",
                f"nesting deeper than {self.max_depth} levels",
                node,
                "flatten the document",
            )
        kind = node.id
        resolve = self.resolve_plain
        special = self.special
        if kind == "scalar":
            if node.tag == _UNTAGGED:
                value = node.value
                return value if node.style else (resolve(value) if value else None)
            return self.tagged_scalar(node)
        depth += 1
        if kind == "mapping" and self.v11 and _has_merge_key(node):
            return self.merge_mapping(
                node, lambda value_node, key, i: self.build_plain(value_node, depth)
            )
        if kind == "mapping":
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.id != "scalar":
                    key = self.complex_key(key_node)
                elif not key_node.style and key_node.tag == _UNTAGGED:
                    key_value = key_node.value
                    if key_value and key_value[0] not in special:
                        key = key_value  # a word: no resolution can change it
                    else:
                        key = _json_key(resolve(key_value) if key_value else None)
                else:
                    key = key_node.value
                if key in result:
                    raise self.problem(
                        "yaml/duplicate-key",
                        f"duplicate key {key!r}",
                        key_node,
                        "remove or rename one of the keys: YAML 1.2 requires unique keys",
                    )
                if (
                    value_node.id == "scalar"
                    and value_node.tag == _UNTAGGED
                    and depth <= self.max_depth
                ):
                    value = value_node.value
                    if value_node.style or (value and value[0] not in special):
                        if (
                            value_node.style in _QUOTES
                            and value_node.end_mark.line != value_node.start_mark.line
                            and not node.flow_style
                        ):
                            self.check_continuation(key_node, value_node)
                        result[key] = value
                    else:
                        result[key] = resolve(value) if value else None
                else:
                    result[key] = self.build_plain(value_node, depth)
            if node.tag != _MAP_TAG:
                return self.tagged_collection(node, result)
            return result
        items = [self.build_plain(item, depth) for item in node.value]
        if node.tag != _SEQ_TAG:
            return self.tagged_collection(node, items)
        return items


def _is_merge_key(key_node: Any) -> bool:
    return (
        key_node.id == "scalar"
        and key_node.value == "<<"
        and not key_node.style
        and key_node.tag == _UNTAGGED
    )


def _has_merge_key(node: Any) -> bool:
    return any(_is_merge_key(key_node) for key_node, _ in node.value)


def _key_text(key_node: Any) -> str:
    """The plain key a mapping key node becomes (as ``_Builder`` makes it)."""
    if key_node.id != "scalar":
        return _flow_text(key_node)
    value = key_node.value
    if key_node.style or key_node.tag != _UNTAGGED or (value and value[0] not in _PLAIN_SPECIAL):
        return str(value)
    return _json_key(resolve_plain(value) if value else None)


def _node_position(root: Any, path: PathKey, key: bool) -> Pos:
    """Walk ``path`` down the node graph; the deepest node reached gives the position."""
    node = root
    key_node = None
    reached = 0
    for part in path:
        kind = node.id
        if kind == "mapping":
            for candidate, value_node in node.value:
                text = candidate.value
                if candidate.id == "scalar" and (
                    candidate.style
                    or candidate.tag != _UNTAGGED
                    or (text and text[0] not in _PLAIN_SPECIAL)
                ):
                    matched = text == part  # the key is the text itself
                else:
                    matched = _key_text(candidate) == part
                if matched:
                    node, key_node = value_node, candidate
                    break
            else:
                break
        elif kind == "sequence" and isinstance(part, int) and not isinstance(part, bool):
            if not 0 <= part < len(node.value):
                break
            node, key_node = node.value[part], None
        else:
            break
        reached += 1
    mark = (
        key_node.start_mark
        if key and key_node is not None and reached == len(path)
        else node.start_mark
    )
    return (mark.line + 1, mark.column + 1)


def _flow_text(node: Any) -> str:
    """Flow-style text of a node, as the ``yaml`` package stringifies collection keys."""
    if node.id == "scalar":
        return str(node.value)
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


def _json_key(value: Any) -> str:
    """Map keys as JSON.stringify would make them (``true:`` -> ``"true"``)."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


# --- what libyaml reads differently from the yaml package ----------------------------------

# Characters libyaml refuses (C0/C1 controls, DEL, U+FFFE/U+FFFF) or reads as line breaks
# (NEL, U+2028/U+2029; YAML 1.2 dropped them), and a BOM past the start: the yaml package
# keeps all of them as ordinary characters.  They are swapped for private-use characters
# while libyaml parses, and swapped back in the values.
_FOREIGN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
_STAND_IN_BASE = 0xF0000  # supplementary private use area A
# A tag with no value right before "}", "]" or ",": libyaml cannot scan it, the yaml package
# reads the tag on an empty scalar.  Replaced by that empty scalar of the same length.
_TAG_BEFORE_FLOW_END = re.compile(r"(?<=[\s\[{,])(!(?:!|[\w-]*!)?[\w.:/-]*)(?=[,\]}])")
_LEADING_DOC_END = re.compile(r"(?:[ \t]*(?:#[^\n]*)?\n)*(\.\.\.)(?=[ \t\n]|\Z)")


def _empty_tagged(match: re.Match[str]) -> str:
    tag = match.group(1)
    if tag == "!!timestamp" or len(tag) < 2:
        return tag  # the yaml package rejects it too / no room for a stand-in
    stand_in = "~" if tag == "!!null" else "''"
    return stand_in.ljust(len(tag))


_VERBATIM_BANG = re.compile(r"(?<![^\s\[{,:-])!<!!?>")


@dataclass
class Prepared:
    """Text as libyaml should see it, with what it needs to read like the yaml package."""

    text: str
    versions: list[str | None] | None = None  # the %YAML version in force for each document
    swapped: dict[str, str] | None = None  # stand-in -> original character


def prepare(text: str) -> Prepared:
    prepared = Prepared(text)
    if "!<!" in text:
        # verbatim "!<!>"/"!<!!>" tags: libyaml reads them as the non-specific tag, the yaml
        # package refuses them; an undefined handle of the same length makes libyaml refuse too
        prepared.text = _VERBATIM_BANG.sub(lambda m: "!" + "x" * (len(m.group()) - 2) + "!", text)
    if "!" in prepared.text and _TAG_BEFORE_FLOW_END.search(prepared.text):
        prepared.text = _TAG_BEFORE_FLOW_END.sub(_empty_tagged, prepared.text)
    if _LEADING_DOC_END.match(prepared.text):
        # "..." before any document: the yaml package reads an empty document there
        match = _LEADING_DOC_END.match(prepared.text)
        assert match is not None
        prepared.text = prepared.text[: match.start(1)] + "---" + prepared.text[match.end(1) :]
    if "%" in prepared.text:
        prepared.text, prepared.versions = _directives(prepared.text)
    if _FOREIGN.search(prepared.text) and not re.search("[\U000f0000-\U000fffff]", text):
        swapped: dict[str, str] = {}

        def stand_in(match: re.Match[str]) -> str:
            char = match.group()
            if char == "\ufeff" and match.start() == 0:
                return char  # a BOM at the start of the stream is skipped by both parsers
            key = chr(_STAND_IN_BASE + ord(char))
            swapped[key] = char
            return key

        prepared.text = _FOREIGN.sub(stand_in, prepared.text)
        prepared.swapped = swapped
    return prepared


def _directives(text: str) -> tuple[str, list[str | None]]:
    """The yaml package's reading of directives: ``%YAML``/unknown directives before a
    document are consumed (``%TAG`` is left to libyaml), the ``%YAML`` version stays in force
    for later documents, and a ``%`` line inside a document is content, which cannot start a
    plain scalar (libyaml would take it as a directive)."""
    lines = text.split("\n")
    versions: list[str | None] = []
    version: str | None = None
    in_document = False
    directive_lines: list[int] = []  # consumed directives before the next document
    for i, line in enumerate(lines):
        marker = line[:3] if len(line) == 3 or line[3:4] in (" ", "\t", "\r") else ""
        if not in_document:
            if line.startswith("%"):
                if line.startswith("%YAML") and line[5:6] in (" ", "\t"):
                    version = line[5:].split("#")[0].strip() or None
                    lines[i] = "#" + line[1:]
                    directive_lines.append(i)
                elif (
                    not (line.startswith("%TAG") and line[4:5] in (" ", "\t"))
                    or (line[5:].split() or [""])[0] == "!"
                ):
                    # unknown directives, and a %TAG for the primary handle "!": local tags
                    # read as plain strings either way, and libyaml is pickier about the prefix
                    lines[i] = "#" + line[1:]
                    directive_lines.append(i)
            elif marker == "---":
                in_document = True
                versions.append(version)
                directive_lines.clear()
            elif marker == "..." or not line.strip() or line.lstrip().startswith("#"):
                continue
            else:
                # directives need a "---" after them: give libyaml the original lines back,
                # which it rejects as the yaml package does
                for j in directive_lines:
                    lines[j] = "%" + lines[j][1:]
                directive_lines.clear()
                in_document = True
                versions.append(version)
        elif marker == "...":
            in_document = False
        elif marker == "---":
            versions.append(version)
        elif line.startswith("%"):
            lines[i] = "@" + line[1:]  # "cannot start a plain scalar", as in the yaml package
    return "\n".join(lines), versions


def _restore(value: Any, swapped: dict[str, str]) -> Any:
    if isinstance(value, str):
        return (
            "".join(swapped.get(c, c) for c in value) if any(c in swapped for c in value) else value
        )
    if isinstance(value, JsObject):
        return value
    if isinstance(value, dict):
        return {_restore(k, swapped): _restore(v, swapped) for k, v in value.items()}
    if isinstance(value, list):
        return [_restore(v, swapped) for v in value]
    return value


def _first_bad_utf8(data: bytes) -> tuple[int, int]:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        return line, column
    return 1, 1  # pragma: no cover


def decode(
    data: bytes, *, max_bytes: int = MAX_BYTES, lenient: bool = False
) -> tuple[str | None, list[YamlProblem]]:
    """Bytes -> text, or the reason the bytes are not a YAML text file.

    ``lenient``: read bytes the way Backstage's catalog does (``Buffer.toString('utf8')``):
    invalid UTF-8 becomes U+FFFD and NUL bytes are characters; both only warn."""
    problems: list[YamlProblem] = []
    if len(data) > max_bytes:
        return None, [
            YamlProblem(
                "yaml/too-large",
                f"file is {len(data) / 1048576:.1f} MiB, "
                f"over the {max_bytes / 1048576:.0f} MiB limit",
                hint="catalog and configuration files are small; check that this is the right file",
            )
        ]
    if lenient:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            line, column = _first_bad_utf8(data)
            text = data.decode("utf-8", errors="replace")
            problems.append(
                YamlProblem(
                    "yaml/encoding",
                    "file is not valid UTF-8 (Backstage reads the bad bytes as U+FFFD)",
                    line,
                    column,
                    hint="save the file as UTF-8",
                    severity="warning",
                )
            )
        if "\x00" in text:
            problems.append(
                YamlProblem(
                    "yaml/binary",
                    "file contains NUL characters",
                    1,
                    1,
                    hint="is this a text file?",
                    severity="warning",
                )
            )
    elif b"\x00" in data[:8192] or b"\x00" in data:
        return None, [
            YamlProblem("yaml/binary", "binary file (contains NUL bytes), not YAML", 1, 1)
        ]
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            line, column = _first_bad_utf8(data)
            return None, [
                YamlProblem(
                    "yaml/encoding",
                    "file is not valid UTF-8",
                    line,
                    column,
                    hint="save the file as UTF-8",
                )
            ]
    if text.startswith("\ufeff"):
        # Backstage (the yaml package) accepts a byte-order mark; we say so and go on.
        text = text[1:]
        problems.append(
            YamlProblem(
                "yaml/bom",
                "file starts with a UTF-8 byte-order mark",
                1,
                1,
                hint="save the file as UTF-8 without BOM",
                severity="warning",
            )
        )
    return text, problems


def iter_documents(
    text: str,
    *,
    max_aliases: int = MAX_ALIASES,
    max_depth: int = MAX_DEPTH,
    problems: list[YamlProblem],
    backstage: bool = False,
) -> Iterator[Document]:
    """Yield each document; parse errors are appended to ``problems`` and end the stream.

    ``backstage``: also refuse what only Backstage's yaml package refuses (a quoted value's
    continuation line not indented past its key), for catalog files."""
    global _COMPOSER
    import yaml

    fast = _fast_documents(text, max_depth)
    if fast is not None:
        yield from fast
        return
    if _COMPOSER is None:
        _COMPOSER = _composer_class()
    original = text
    prepared = prepare(text)
    text = prepared.text
    loader = _COMPOSER(text)
    # Without a '*' there can be no alias: every node is met once, and the cheaper builder
    # without alias bookkeeping gives the same result.
    no_aliases = "*" not in text
    source = Source(text, prepared=True)
    index = 0
    # A document is held back until the next one parses: when libyaml then fails with "did
    # not find expected <document start>", it had ended that document early (two flow
    # mappings in a row, say) and the yaml package blames the held-back document.
    pending: Document | None = None
    try:
        while True:
            try:
                if not loader.check_node():
                    break
                node = loader.get_node()
            except yaml.MarkedYAMLError as exc:
                mark = exc.problem_mark or exc.context_mark
                blamed = index
                if pending is not None and "expected <document start>" in (exc.problem or ""):
                    blamed, pending = pending.index, None
                problems.append(
                    YamlProblem(
                        "yaml/syntax",
                        _syntax_message(exc, _char_at(original, mark)),
                        mark.line + 1 if mark else None,
                        mark.column + 1 if mark else None,
                        blamed,
                        hint=_syntax_hint(exc, _char_at(original, mark)),
                    )
                )
                break
            except yaml.YAMLError as exc:
                problems.append(YamlProblem("yaml/syntax", str(exc).strip(), 1, 1, index))
                break
            except RecursionError:
                problems.append(
                    YamlProblem(
                        "yaml/too-deep", f"nesting deeper than {max_depth} levels", 1, 1, index
                    )
                )
                break
            if pending is not None:
                yield pending
                pending = None
            if node is None:
                pending = Document(index, None, 1, 1)
                index += 1
                continue
            versions = prepared.versions
            v11 = versions is not None and index < len(versions) and versions[index] == "1.1"
            builder = _Builder(index, max_aliases, max_depth, v11, text, backstage)
            try:
                if no_aliases:
                    data = builder.build_plain(node, 0)
                else:
                    data = builder.build(node, (), 0)
                if prepared.swapped:
                    data = _restore(data, prepared.swapped)
            except _Abort as abort:
                problems.append(abort.problem)
                break
            except RecursionError:
                mark = node.start_mark
                problems.append(
                    YamlProblem(
                        "yaml/too-deep",
                        f"nesting deeper than {max_depth} levels",
                        mark.line + 1,
                        mark.column + 1,
                        index,
                    )
                )
                break
            problems.extend(builder.warnings)
            mark = node.start_mark
            pending = Document(
                index,
                data,
                mark.line + 1,
                mark.column + 1,
                source=source,
            )
            index += 1
        if pending is not None:
            yield pending
    finally:
        dispose = getattr(loader, "dispose", None)
        if dispose:
            dispose()


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


def _fast_gate(text: str) -> bool:
    """True when the text has something only the reference path reads right."""
    if _FAST_CHARS.search(text):
        return True
    if ("!" in text or "&" in text or "*" in text) and _FAST_PROPS.search(text):
        return True
    if ("%" in text or "..." in text or "---" in text or "?" in text) and _FAST_MARKERS.search(
        text
    ):
        return True
    return ("_" in text or "0b" in text or "0x" in text) and bool(_FAST_NUMBERS.search(text))


_DOC_START = re.compile(r"^---[ \t]*(?:#[^\n]*)?$", re.M)
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


def _fast_documents(text: str, max_depth: int) -> list[Document] | None:
    loads = _fast_loads()
    if not loads or _fast_gate(text):
        return None
    source = Source(text)
    documents: list[Document] = []
    markers = [(m.start(), m.end()) for m in _DOC_START.finditer(text)] if "---" in text else []
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
            documents.append(Document(index, data, line_at, column, source=source))
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
    if type(value) is dict:
        out = value
        for key in value:
            if type(key) is not str:
                if key is None or type(key) in (bool, int, float):
                    out = {(k if type(k) is str else _json_key(k)): v for k, v in value.items()}
                    if len(out) != len(value):
                        raise _NotFast
                    break
                raise _NotFast
        for key, item in out.items():
            if type(item) is dict or type(item) is list:
                out[key] = _fast_checked(item, depth + 1, max_depth)
            elif not (item is None or type(item) in _FAST_SCALARS):
                raise _NotFast
        return out
    if type(value) is list:
        for i, item in enumerate(value):
            if type(item) is dict or type(item) is list:
                value[i] = _fast_checked(item, depth + 1, max_depth)
            elif not (item is None or type(item) in _FAST_SCALARS):
                raise _NotFast
        return value
    if value is None or type(value) in _FAST_SCALARS:
        return value
    raise _NotFast


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


def _char_at(text: str, mark: Any) -> str:
    """The character a parse error points at (libyaml's messages do not quote it)."""
    index = getattr(mark, "index", None)
    if isinstance(index, int) and 0 <= index < len(text):
        return text[index]
    return ""


def _syntax_message(exc: Any, char: str = "") -> str:
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    if char == "\t" or "'\\t'" in problem or "\\t" in problem:
        return "tabs are not allowed as indentation"
    if char in ("%", "@", "`"):
        return f"a plain value cannot start with {char!r}"
    if problem and context:
        return f"{context}: {problem}"
    return problem or context or "invalid YAML"


def _syntax_hint(exc: Any, char: str = "") -> str | None:
    problem = exc.problem or ""
    if char == "\t" or "\\t" in problem:
        return "indent with spaces, not tabs"
    if char in ("%", "{") or "'%'" in problem or "'{'" in problem:
        return "unrendered template syntax? render the template before validating"
    return "fix the YAML syntax at this position"


def load_text(
    text: str,
    name: str = "<string>",
    *,
    max_aliases: int = MAX_ALIASES,
    max_depth: int = MAX_DEPTH,
    backstage: bool = False,
) -> LoadedFile:
    problems: list[YamlProblem] = []
    docs = list(
        iter_documents(
            text,
            max_aliases=max_aliases,
            max_depth=max_depth,
            problems=problems,
            backstage=backstage,
        )
    )
    return LoadedFile(name, docs, problems, text)


def load_bytes(
    data: bytes, name: str = "<bytes>", *, max_bytes: int = MAX_BYTES, backstage: bool = False
) -> LoadedFile:
    """``backstage``: read as Backstage's catalog reads files (``decode(lenient=True)``, and
    see ``iter_documents``)."""
    text, problems = decode(data, max_bytes=max_bytes, lenient=backstage)
    if text is None:
        return LoadedFile(name, [], problems, None)
    loaded = load_text(text, name, backstage=backstage)
    loaded.problems[:0] = problems
    return loaded


def load_file(
    path: str | Path,
    *,
    max_bytes: int = MAX_BYTES,
    display: str | None = None,
    backstage: bool = False,
) -> LoadedFile:
    """Read and parse a file; unreadable files come back as a problem, never an exception.
    ``backstage``: read it as Backstage's catalog does (see ``load_bytes``)."""
    name = display or str(path)
    try:
        size = Path(path).stat().st_size
        if size > max_bytes:
            return LoadedFile(
                name,
                [],
                decode(b"x" * 0, max_bytes=max_bytes)[1]
                or [
                    YamlProblem(
                        "yaml/too-large",
                        f"file is {size / 1048576:.1f} MiB, "
                        f"over the {max_bytes / 1048576:.0f} MiB limit",
                        hint="catalog and configuration files are small; "
                        "check that this is the right file",
                    )
                ],
            )
        data = Path(path).read_bytes()
    except IsADirectoryError:
        return LoadedFile(name, [], [YamlProblem("yaml/unreadable", "is a directory, not a file")])
    except OSError as exc:
        return LoadedFile(
            name, [], [YamlProblem("yaml/unreadable", f"cannot read file: {exc.strerror or exc}")]
        )
    return load_bytes(data, name, max_bytes=max_bytes, backstage=backstage)


def load_one(path: str | Path, *, display: str | None = None, allow_empty: bool = True) -> Document:
    """Load a single-document configuration file, raising InputFileError (exit 2) on problems."""
    loaded = load_file(path, display=display)
    name = loaded.path
    for problem in loaded.problems:
        if problem.severity == "error":
            raise InputFileError(
                problem.message,
                hint=problem.hint,
                file=name,
                line=problem.line,
                column=problem.column,
            )
    docs = [d for d in loaded.documents if not d.empty]
    if len(docs) > 1:
        line, column = docs[1].line, docs[1].column
        raise InputFileError(
            "expected one YAML document, found several",
            hint="remove the extra '---' documents",
            file=name,
            line=line,
            column=column,
        )
    if not docs:
        if allow_empty:
            return Document(0, {}, 1, 1)
        raise InputFileError("file is empty", file=name, line=1, column=1)
    return docs[0]


def expect_mapping(doc: Document, name: str, path: PathKey = ()) -> dict[str, Any]:
    """The value at ``path`` must be a mapping: return it or raise InputFileError with position."""
    value: Any = doc.data
    for part in path:
        value = value.get(part) if isinstance(value, dict) else None
    if value is None:
        return {}
    if not isinstance(value, dict):
        line, column = doc.position(path)
        where = ".".join(str(p) for p in path) or "the document"
        raise InputFileError(
            f"{where} must be a mapping, not {type_name(value)}",
            file=name,
            line=line,
            column=column,
        )
    return value


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def dotted(path: Iterable[Any], empty: str = "") -> str:
    """``("spec", "links", 0, "url")`` -> ``spec.links[0].url`` (how paths are shown to users)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or empty
