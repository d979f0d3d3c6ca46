"""libyaml's node graph (PyYAML's C composer) turned into plain values with the YAML 1.2
reading of :mod:`.scalars`, alias accounting, depth limits and positions."""

from __future__ import annotations

import re
from typing import Any

from platformctl.core.yamlread.keys import (
    EMPTY_KEY,
    Unique,
    _flow_text,
    _json_key,
    _key_text,
    key_identity,
)
from platformctl.core.yamlread.problem import YamlProblem
from platformctl.core.yamlread.scalars import (
    _MAP_TAG,
    _MERGE_TAG,
    _OMAP_TAG,
    _PLAIN_SPECIAL,
    _PLAIN_SPECIAL_11,
    _SEQ_TAG,
    _SET_TAG,
    _TIMESTAMP,
    _TIMESTAMP_TAG,
    _UNTAGGED,
    _YAML_PREFIX,
    JsObject,
    JsSymbol,
    TagError,
    _explicit,
    _timestamp,
    resolve_plain,
    resolve_plain_11,
)

__all__ = ["_flow_text", "_json_key"]  # fast.py and yamlio.py import them from here

PathKey = tuple[Any, ...]
Pos = tuple[int, int]


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


_QUOTES = ("'", '"')
_KEY_PATH = object()  # where a collection key's own positions are recorded (no one looks)
# the anchor of a node, at its start (after a tag, if any): an alias key of a collection is
# the alias's text, "*name", for the yaml package
_ANCHOR = re.compile(r"(?:![^\s&]*\s+)?&([^\s,\[\]{}]+)")
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
        # a merge key needs %YAML 1.1 or a !!merge tag (written out, verbatim or via %TAG)
        self.merges = v11 or not text or "!!merge" in text or "yaml.org,2002:" in text
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

    def merge_mapping(self, node: Any, build_value: Any, alias_key: Any) -> dict[str, Any]:
        """A mapping with merge keys: ``<<`` under ``%YAML 1.1`` (the yaml package's yaml-1.1
        schema merges them even with ``merge: false``) or a ``!!merge`` key.  A merged key is
        added when the mapping does not have it yet; later keys overwrite; a merge source that
        is not a mapping is an error."""
        result: dict[str, Any] = {}
        seen: dict[Any, bool] = {}
        for i, (key_node, value_node) in enumerate(node.value):
            if not alias_key(key_node, i) and self.is_merge_key(key_node):
                value = build_value(value_node, "<<", i)
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
            key = self.pair_key(key_node, seen, alias_key(key_node, i))
            result[key] = build_value(value_node, key, i)
        return result

    def has_merge_key(self, node: Any) -> bool:
        return any(self.is_merge_key(key_node) for key_node, _ in node.value)

    def key_alias(self, key_node: Any, parent: int, slot: int, depth: int) -> bool:
        """Whether a key node was met before (an alias).  A key met first is recorded with
        its value, for the aliases of it that follow."""
        key_id = id(key_node)
        first = self.first.get(key_id)
        if first is not None:
            return first != (parent, slot)
        if key_node.id == "scalar":
            self.first[key_id] = (parent, slot)
            self.values[key_id] = self.key_value(key_node)[0]
        else:
            self.build(key_node, (_KEY_PATH,), depth + 1, parent, slot)
        return False

    def is_merge_key(self, key_node: Any) -> bool:
        """``<<`` plain under ``%YAML 1.1``; ``!!merge`` on any scalar of YAML 1.2 (the yaml
        package resolves that known tag outside its schema too), on ``<<`` under 1.1."""
        if key_node.id != "scalar":
            return False
        if key_node.tag == _MERGE_TAG:
            return not self.v11 or key_node.value == "<<"
        return (
            self.v11 and key_node.value == "<<" and not key_node.style and key_node.tag == _UNTAGGED
        )

    def key_value(self, key_node: Any) -> tuple[Any, bool]:
        """A scalar key's value and whether it is an object to ``===`` (a date, a buffer, a
        merge symbol: never a duplicate)."""
        text = key_node.value
        if text == EMPTY_KEY:
            text = ""
        tag = key_node.tag
        if self.merges and self.is_merge_key(key_node):
            return JsSymbol(), True
        if tag == _UNTAGGED:
            if key_node.style:
                return text, False
            if not text:
                return None, False
            if self.v11 and _TIMESTAMP.match(text):
                try:
                    return _timestamp(text), True  # a Date
                except TagError:
                    return text, False
            return self.resolve_plain(text), False
        self.check_tag(key_node)
        try:
            value = _explicit(tag, text, self.v11)
        except TagError as exc:
            raise self.problem("yaml/tag", str(exc), key_node, "remove the tag") from None
        return value, tag == _TIMESTAMP_TAG

    def pair_key(self, key_node: Any, seen: dict[Any, bool], alias: bool = False) -> str:
        """The string a pair's key becomes, after the yaml package's duplicate-key check
        (see :mod:`.keys`): ``seen`` holds the identities of the mapping's earlier keys."""
        if key_node.id != "scalar":
            if alias:  # the alias's own text, "*name"
                match = _ANCHOR.match(self.text, key_node.start_mark.index) if self.text else None
                return "*" + match.group(1) if match else self.complex_key(key_node)
            return self.complex_key(key_node)
        value, unique = self.key_value(key_node)
        key = _json_key(value)
        if alias or unique:
            return key
        identity = key_identity(value)
        if isinstance(identity, Unique):
            return key
        if identity in seen:
            raise self.problem(
                "yaml/duplicate-key",
                f"duplicate key {key!r}",
                key_node,
                "remove or rename one of the keys: YAML 1.2 requires unique keys",
            )
        seen[identity] = True
        return key

    def check_continuation(self, key_node: Any, value_node: Any) -> None:
        """A quoted value of a block mapping that runs over several lines: the yaml package
        wants every further line indented past the key (libyaml does not check)."""
        if not self.text or not self.backstage:
            return  # libyaml's reading is fine for other YAML (Kubernetes objects, config)
        if value_node.start_mark.index < key_node.start_mark.index:
            return  # an alias: the anchored value was checked where it was written
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

    def check_items(self, node: Any) -> None:
        """``check_continuation`` for the quoted items of a block sequence: their further lines
        must be indented past the "-"."""
        if node.flow_style or not self.backstage:
            return
        for item in node.value:
            if (
                item.id == "scalar"
                and item.style in _QUOTES
                and item.end_mark.line != item.start_mark.line
            ):
                self.check_continuation(node, item)

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
            if kind == "mapping" and self.merges and self.has_merge_key(node):
                merged = self.merge_mapping(
                    node,
                    lambda value_node, key, i: self.build(
                        value_node, (*path, key), depth + 1, node_id, 2 * i + 1
                    ),
                    lambda key_node, i: self.key_alias(key_node, node_id, 2 * i, depth),
                )
                self.values[node_id] = merged
                return merged
            if kind == "mapping":
                result: dict[str, Any] = {}
                self.values[node_id] = result
                seen: dict[Any, bool] = {}
                for pair_index, (key_node, value_node) in enumerate(node.value):
                    alias = self.key_alias(key_node, node_id, 2 * pair_index, depth)
                    key = self.pair_key(key_node, seen, alias)
                    child = (*path, key)
                    kmark = key_node.start_mark
                    self.key_positions[child] = (kmark.line + 1, kmark.column + 1)
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
            self.check_items(node)
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
        if kind == "mapping" and self.merges and self.has_merge_key(node):
            return self.merge_mapping(
                node,
                lambda value_node, key, i: self.build_plain(value_node, depth),
                lambda key_node, i: False,
            )
        if kind == "mapping":
            result: dict[str, Any] = {}
            seen: dict[Any, bool] = {}
            for key_node, value_node in node.value:
                key_value = key_node.value
                if (
                    key_node.id == "scalar"
                    and not key_node.style
                    and key_node.tag == _UNTAGGED
                    and key_value
                    and key_value[0] not in special
                    and key_value != EMPTY_KEY
                ):
                    key = key_value  # a word: no resolution can change it
                    if key in seen:
                        raise self.problem(
                            "yaml/duplicate-key",
                            f"duplicate key {key!r}",
                            key_node,
                            "remove or rename one of the keys: YAML 1.2 requires unique keys",
                        )
                    seen[key] = True
                else:
                    key = self.pair_key(key_node, seen)
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
        self.check_items(node)
        items = [self.build_plain(item, depth) for item in node.value]
        if node.tag != _SEQ_TAG:
            return self.tagged_collection(node, items)
        return items


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
                if (
                    candidate.id == "scalar"
                    and text != EMPTY_KEY
                    and (
                        candidate.style
                        or candidate.tag != _UNTAGGED
                        or (text and text[0] not in _PLAIN_SPECIAL)
                    )
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
