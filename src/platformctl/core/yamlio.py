"""Safe YAML loading with positions and limits, read the way Backstage reads it.

Backstage parses catalog files with the ``yaml`` npm package in YAML 1.2 mode (core schema).
PyYAML's libyaml parser gives us a fast, position-carrying node graph; we then build plain
Python values ourselves with the YAML 1.2 core schema instead of PyYAML's YAML 1.1 resolver:

* ``yes``/``no``/``on``/``off`` and unquoted dates stay strings, ``0o17`` is octal;
* ``<<`` merge keys are plain keys, not merges;
* duplicate keys are errors; more than ``max_aliases`` alias expansions abort the file;
* documents larger than ``max_bytes`` or nested deeper than ``max_depth`` are refused.

Where Backstage's ``yaml`` package reads differently from libyaml (``%YAML 1.1``, explicit tags,
control characters, invalid UTF-8 in catalog files...) we follow the package; text without any
such construct goes through yaml-rs, several times faster.  The pieces live in
:mod:`platformctl.core.yamlread`; this module is the API.

Every mapping key and every value gets a 1-based (line, column) position, reachable through
``Document.position(path)``.  Nothing here raises on bad input except ``load_one``: problems
come back as ``YamlProblem`` values so a linter can report them and move on.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformctl.core.errors import InputFileError
from platformctl.core.yamlread import fast as _fast
from platformctl.core.yamlread.bom import after_bom
from platformctl.core.yamlread.build import (
    _Abort,
    _Builder,
    _composer_class,
    _node_position,
)
from platformctl.core.yamlread.compat import COMMENT_AGAINST, _restore, prepare
from platformctl.core.yamlread.problem import YamlProblem
from platformctl.core.yamlread.scalars import (
    JsObject,
    JsSymbol,
    TagError,
    resolve_plain,
    resolve_plain_11,
)

__all__ = [
    "MAX_ALIASES",
    "MAX_BYTES",
    "MAX_DEPTH",
    "Document",
    "JsObject",
    "JsSymbol",
    "LoadedFile",
    "Source",
    "TagError",
    "YamlProblem",
    "decode",
    "dotted",
    "expect_mapping",
    "iter_documents",
    "load_bytes",
    "load_file",
    "load_one",
    "load_text",
    "resolve_plain",
    "resolve_plain_11",
    "type_name",
]

MAX_BYTES = 10 * 1024 * 1024
MAX_ALIASES = 100
MAX_DEPTH = 64

PathKey = tuple[Any, ...]
Pos = tuple[int, int]
_COMPOSER: type | None = None


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
        if lenient and text.startswith(" "):
            text = _unindent_bom_line(text)
        if lenient:
            text, error = after_bom(text)
            if error is not None:
                problems.append(
                    YamlProblem(
                        "yaml/syntax",
                        error[0],
                        1,
                        error[1] + 2,  # the BOM is the first column
                        0,
                        hint="remove the byte-order mark (save the file as UTF-8 without BOM)",
                    )
                )
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


_BOM_LINE = re.compile(r"( +)([^\n\r]*)")


def _unindent_bom_line(text: str) -> str:
    """The yaml package's parser reads the byte-order mark as a token, after which the spaces
    of its line are no indentation: that line's content is at column 0 (``\ufeff  a: 1`` then
    ``b: 2`` is one mapping).  libyaml gets the spaces moved to the end of the line (same
    length: later lines keep their positions).  Not before a comment, a ``%`` or a document
    marker, which the spaces keep from being one."""
    match = _BOM_LINE.match(text)
    if match is None:
        return text
    spaces, content = match.groups()
    if not content.strip() or content[0] in "#%" or content[:3] in ("---", "..."):
        return text
    return content + spaces + text[match.end() :]


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
    fast = (
        None
        if "#" in text and COMMENT_AGAINST.search(text)
        else _fast_documents(text, max_depth, backstage)
    )
    if fast is not None:
        yield from fast
        return
    import yaml  # only the reference path needs PyYAML (a twentieth of the CLI's start-up)

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
                if prepared.swapped or prepared.retagged:
                    data = _restore(data, prepared.swapped or {}, prepared.retagged)
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


def _fast_documents(text: str, max_depth: int, backstage: bool = False) -> list[Document] | None:
    """The documents of ``text`` through the yaml-rs fast path (see
    :mod:`platformctl.core.yamlread.fast`), or None when the reference path must read it."""
    values = _fast.fast_values(text, max_depth, backstage)
    if values is None:
        return None
    source = Source(text)
    return [Document(i, data, line, column, source=source) for i, data, line, column in values]


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
    if char == "#" and "cannot start any token" in problem:  # see compat.COMMENT_AGAINST
        return "Comments must be separated from other tokens by white space characters"
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
        # one open, fstat and read (no Path objects: this runs once per catalog file)
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            data = handle.read() if size <= max_bytes else b""
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
