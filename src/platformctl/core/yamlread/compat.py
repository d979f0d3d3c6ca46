"""What libyaml reads differently from Backstage's ``yaml`` package, and the text libyaml is
given instead (same length, so positions hold): directives, verbatim and dangling tags, a
leading ``...``, characters libyaml refuses."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from platformctl.core.yamlread.directives import _directives, uri_safe
from platformctl.core.yamlread.keys import EMPTY_KEY
from platformctl.core.yamlread.scalars import JsObject

# --- what libyaml reads differently from the yaml package ----------------------------------

# Characters libyaml refuses (C0/C1 controls, DEL, U+FFFE/U+FFFF) or reads as line breaks
# (NEL, U+2028/U+2029; YAML 1.2 dropped them), and a BOM past the start: the yaml package
# keeps all of them as ordinary characters.  They are swapped for private-use characters
# while libyaml parses, and swapped back in the values.
_FOREIGN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
_STAND_IN_BASE = 0xF0000  # supplementary private use area A
# A tag with no value right before "}", "]" or ",": libyaml cannot scan it, the yaml package
# reads the tag on an empty scalar.  Replaced by that empty scalar of the same length.
_TAG_BEFORE_FLOW_END = re.compile(r"(?<=[\s\[{,])(!(?:!|[\w-]*!)?[\w.:/-]*)(?=[,\]}])", re.ASCII)
_LEADING_DOC_END = re.compile(r"(?:[ \t]*(?:#[^\n]*)?\n)*(\.\.\.)(?=[ \t\n]|\Z)")


def _empty_tagged(match: re.Match[str]) -> str:
    tag = match.group(1)
    if tag == "!!timestamp" or len(tag) < 2:
        return tag  # the yaml package rejects it too / no room for a stand-in
    stand_in = "~" if tag == "!!null" else "''"
    return stand_in.ljust(len(tag))


_VERBATIM_BANG = re.compile(r"(?<![^\s\[{,:-])!<!!?>")

# A verbatim tag is any run of non-space characters up to ">" for the yaml package (an unknown
# tag: the value reads as it would untagged, or as a string); libyaml takes only URI characters
# there.  Others (corrupted bytes, non-ASCII) become "~" for libyaml: no tag the yaml package
# knows has either, so an unknown tag stays unknown.  The same text inside a quoted value is
# put back (``Prepared.retagged``).
_VERBATIM_TAG = re.compile(r"(?<![^\s\[{,])!<[^\s>]*>")


def _uri_safe(match: re.Match[str], prepared: Prepared) -> str:
    tag = match.group()
    safe = "!<" + uri_safe(tag[2:-1]) + ">"
    if safe != tag:
        if prepared.retagged is None:
            prepared.retagged = {}
        prepared.retagged[safe] = tag
    return safe


@dataclass
class Prepared:
    """Text as libyaml should see it, with what it needs to read like the yaml package."""

    text: str
    versions: list[str | None] | None = None  # the %YAML version in force for each document
    swapped: dict[str, str] | None = None  # stand-in -> original character
    retagged: dict[str, str] | None = None  # verbatim tag made URI-safe -> original text


def prepare(text: str) -> Prepared:
    prepared = Prepared(text)
    if "!<!" in text:
        # verbatim "!<!>"/"!<!!>" tags: libyaml reads them as the non-specific tag, the yaml
        # package refuses them; an undefined handle of the same length makes libyaml refuse too
        prepared.text = _VERBATIM_BANG.sub(lambda m: "!" + "x" * (len(m.group()) - 2) + "!", text)
    if "!<" in prepared.text:
        prepared.text = _VERBATIM_TAG.sub(lambda m: _uri_safe(m, prepared), prepared.text)
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
    if (
        ("?" in prepared.text and _BLOCK_EXPLICIT_KEY.search(prepared.text))
        or (":{" in prepared.text or ":[" in prepared.text)
        or ("!" in prepared.text and "[" in prepared.text and _TAG_AGAINST.search(prepared.text))
        or ("{" in prepared.text and _LONG_FLOW_KEY_HINT.search(prepared.text))
        or (("&" in prepared.text or "*" in prepared.text) and _ODD_ANCHOR.search(prepared.text))
        or ("!<" in prepared.text and _VERBATIM_AGAINST.search(prepared.text))
        or (
            (_EMPTY_KEY_START.match(prepared.text) or _EMPTY_KEY_HINT.search(prepared.text))
            and EMPTY_KEY not in text
        )
    ):
        prepared.text = _libyaml_fixups(prepared.text)
    if "#" in prepared.text and COMMENT_AGAINST.search(prepared.text):
        prepared.text = _refuse_unspaced_comments(prepared.text)
    return prepared


# --- a comment right against a token ----------------------------------------------------------
#
# "a: 'x'#c", "[a]#c", "[a,#c": the yaml package's lexer takes the "#" as a comment (not part of
# a plain scalar: none is there) and its composer refuses it, "Comments must be separated from
# other tokens by white space characters"; libyaml reads a comment.  That "#" becomes a
# character that cannot start a token for libyaml (an error at the same place; the message
# is worded from the original text).  The fast path leaves such text to this one.

# (a quote after a space, '"#fff"', opens a scalar: not worth leaving the fast path for)
COMMENT_AGAINST = re.compile(r"(?:(?<=[^\s\[{,:])['\"]|[\]},\[{])#")
_UNSPACED = "`"


def _refuse_unspaced_comments(text: str) -> str:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    against = (
        yaml.FlowSequenceEndToken,
        yaml.FlowMappingEndToken,
        yaml.FlowEntryToken,
        yaml.FlowSequenceStartToken,
        yaml.FlowMappingStartToken,
    )
    hits: list[int] = []
    try:
        for token in yaml.scan(text, Loader=loader):
            end = token.end_mark.index
            if text[end : end + 1] == "#" and (
                isinstance(token, against)
                or (isinstance(token, yaml.ScalarToken) and token.style in ("'", '"'))
            ):
                hits.append(end)
                break  # libyaml stops at the first
    except yaml.YAMLError:
        pass
    for index in hits:
        text = text[:index] + _UNSPACED + text[index + 1 :]
    return text


# --- a block sequence right after an explicit key ---------------------------------------------
#
# "? key" followed, without a ":" line, by "- item" lines at the indentation of the "?": the
# yaml package's parser takes the sequence as the pair's value, and its composer then drops
# that value, since the pair has no ":" (the key reads as null-valued, the items vanish, with
# no error; errors inside the items are never reported either).  libyaml refuses the "-"
# ("did not find expected key").  Where libyaml fails there, the items (every line up to the
# next line at the "?"'s indentation or less that is not an item) are made comments for it.
# Not when a ":" line follows the items: the yaml package then reads a second pair with a
# null key, which libyaml cannot be made to read; it refuses the text as before.

_BLOCK_EXPLICIT_KEY = re.compile(r"^(?:[ ]*-[ ]+)*[ ]*\?(?:[ \t\r]|$)", re.M)
_COMPACT_PREFIX = re.compile(r"(?:[ ]*-[ ]+)*[ ]*")
_MAX_DROPS = 50


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_indicator(line: str, column: int, char: str) -> bool:
    after = line[column + 1 : column + 2]
    return line[column : column + 1] == char and after in ("", " ", "\t", "\r")


# --- a flow mapping's value right after "key:" -------------------------------------------------
#
# Inside a flow collection, "key:{" and "key:[" are a key and a flow value for the yaml
# package (YAML 1.2: a ":" followed by a flow indicator ends a plain scalar); libyaml refuses
# the ":" ("found unexpected ':'").  Where it fails there, a space goes after the ":" (the
# only fix-up that moves text: the rest of that line is one column further right).


def _libyaml_fixups(text: str) -> str:
    """``text`` with the fix-ups above applied wherever libyaml fails for their reason."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    renamed: dict[str, str] = {}
    for _ in range(_MAX_DROPS):
        try:
            for _event in yaml.parse(text, Loader=loader):
                pass
            return text
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark
            fixed = None
            if (
                exc.context in ("while scanning an anchor", "while scanning an alias")
                and exc.problem == "did not find expected alphabetic or numeric character"
                and exc.context_mark is not None
            ):
                fixed = _rename_anchor(text, exc.context_mark.index, renamed)
            elif (
                mark is not None and exc.problem == "did not find expected whitespace or line break"
            ):
                if exc.context == "while scanning a tag":
                    fixed = _untag_adjacent_scalar(text, mark.index)
                    if fixed is None:
                        fixed = _space_after_verbatim_tag(text, mark.index)
            elif (
                exc.context == "while scanning a simple key"
                and exc.problem == "could not find expected ':'"
                and exc.context_mark is not None
            ):
                fixed = _value_on_a_later_line(text, exc.context_mark.index)
            elif mark is not None and exc.problem == "did not find expected node content":
                fixed = _empty_key(text, mark.index)
            elif mark is not None and exc.problem == "did not find expected ',' or ']'":
                before = _EXPLICIT_EMPTY_KEY.search(text, 0, mark.index)  # "[? : b]"
                fixed = _empty_key(text, before.start(1)) if before else None
            elif mark is not None and exc.problem == "did not find expected key":
                owner = exc.context_mark
                fixed = _empty_key(text, mark.index, owner.column if owner is not None else None)
                if fixed is None:
                    fixed = _drop_items(text.split("\n"), mark.line, mark.column)
                if fixed is None:
                    fixed = _drop_after_quoted_key(text, mark.index)
            elif mark is not None and exc.problem == "mapping keys are not allowed in this context":
                fixed = _drop_after_quoted_key(text, mark.index)
            elif (
                mark is not None
                and exc.problem == "did not find expected ',' or '}'"
                and exc.context == "while parsing a flow mapping"
            ):
                fixed = _explicit_flow_key(text, mark.index)
            elif mark is not None and exc.problem == "found unexpected ':'":
                index = mark.index
                if text[index : index + 1] == ":" and text[index + 1 : index + 2] in ("{", "["):
                    fixed = text[: index + 1] + " " + text[index + 1 :]
            if fixed is None:
                return text
            text = fixed
        except yaml.YAMLError:
            return text
    return text


# --- an empty implicit key -------------------------------------------------------------------
#
# ": value" (a line, or an entry of a flow collection, that starts with the ":"): the yaml
# package reads a pair with an empty (null) key; libyaml refuses the ":" ("did not find
# expected key" / "... node content").  There the key is written for libyaml as one
# character, ``keys.EMPTY_KEY``, which the builder reads back as the empty key (the rest of
# that line moves one column right).  libyaml then refuses what the yaml package refuses
# after an empty key too (": a: b", ": - a").  A ":" line more indented than the block
# mapping it ends up in ("a: b\n  : c" is {a: b, "": c}) gets the key at the mapping's
# column instead, in place of a space of its indentation.

# (a superset, searched for fast: a tenth of the time of the exact pattern)
_EMPTY_KEY_HINT = re.compile(r"[\n\[{,?][ -]*:(?=[ \t\r\n]|\Z)")
_EMPTY_KEY_START = re.compile(r"[ -]*:(?=[ \t\r\n]|\Z)")
_AFTER_INDICATOR = ("", " ", "\t", "\r", "\n")
_EXPLICIT_EMPTY_KEY = re.compile(r"\?[ ]+(:)[ ]*\Z")


def _empty_key(text: str, index: int, owner: int | None = None) -> str | None:
    if text[index : index + 1] != ":" or text[index + 1 : index + 2] not in _AFTER_INDICATOR:
        return None
    line_start = text.rfind("\n", 0, index) + 1
    if owner is not None and index - line_start > owner and not text[line_start:index].strip(" "):
        at = line_start + owner
        return text[:at] + EMPTY_KEY + text[at + 1 :]
    return text[:index] + EMPTY_KEY + text[index:]


# --- a key whose ":" is on a later line ------------------------------------------------------
#
# "a: 1\nb\n  : x": in a block mapping, a line holding only a scalar (and a comment), then,
# after blank or comment lines, a line more indented than it that starts with ": ": the yaml
# package reads the pair b: x; libyaml refuses the key ("could not find expected ':'").  For
# libyaml the key moves down onto the ":" line, at its own column (the lines between become
# blank, the ":" and the value keep their places).

_KEY_LINE_END = re.compile(r"[ ]*(?:#[^\n]*)?(?:\n|\Z)")
_LATER_COLON = re.compile(r"(?:[ ]*(?:#[^\n]*)?\n)*([ ]*):(?=[ \n]|\Z)")


def _value_on_a_later_line(text: str, index: int) -> str | None:
    import yaml

    line_start = text.rfind("\n", 0, index) + 1
    line_end = text.find("\n", index)
    line_end = len(text) if line_end < 0 else line_end
    if text[line_start:index].strip(" "):
        return None
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        tokens = list(yaml.scan(text[index:line_end], Loader=loader))
    except yaml.YAMLError:
        return None
    if len(tokens) < 2 or not isinstance(tokens[1], yaml.ScalarToken):
        return None
    key_end = index + tokens[1].end_mark.index
    rest = _KEY_LINE_END.match(text, key_end)
    if rest is None or rest.end() == len(text) and not rest.group().endswith("\n"):
        return None
    colon = _LATER_COLON.match(text, rest.end())
    if colon is None or len(colon.group(1)) <= index - line_start:
        return None
    at = colon.end(1)
    breaks = text.count("\n", key_end, at)
    return (
        text[:line_start]
        + "\n" * breaks
        + text[line_start:key_end]
        + " " * (at - key_end - breaks)
        + text[at:]
    )


# --- a node right after an explicit key's quoted scalar -------------------------------------------
#
# "? 'a'X", "? '' [x]", "? 'a' 'b'": after the closing quote of an explicit key, the yaml
# package's parser takes the next node on that line (with any lines indented past the "?")
# as the pair's value without a ":", which its composer drops, as for the items above (the key
# reads as null-valued, or takes the value of a ":" line that follows).  libyaml refuses the
# node; it is blanked for libyaml.  Not a "-" there (an error for the yaml package too).

_QUOTED_EXPLICIT_KEY = re.compile(
    r"((?:[ ]*-[ ]+)*[ ]*)\?[ ]+(?:'(?:[^'\n]|'')*'|\"(?:[^\"\\\n]|\\.)*\")[ ]*"
)


def _drop_after_quoted_key(text: str, index: int) -> str | None:
    start = text.rfind("\n", 0, index) + 1
    match = _QUOTED_EXPLICIT_KEY.match(text, start)
    if match is None or match.end() != index or text[index : index + 1] in ("", "\n", "-", "#"):
        return None
    column = len(match.group(1))  # the "?"
    end = text.find("\n", index)
    end = len(text) if end < 0 else end
    while end < len(text):
        line_end = text.find("\n", end + 1)
        line_end = len(text) if line_end < 0 else line_end
        line = text[end + 1 : line_end]
        stripped = line.lstrip(" ")
        if stripped and not stripped.startswith("#") and len(line) - len(stripped) <= column:
            break
        end = line_end
    dropped = "".join(c if c == "\n" else " " for c in text[index:end])
    return text[:index] + dropped + text[end:]


# --- a long implicit key in a flow mapping ----------------------------------------------------
#
# The yaml package takes an implicit key of a flow mapping over several lines ("{a: 1,\n b\n
# c: 2}" has the key "b c"; a flow collection as a key too) or longer than 1024 characters:
# only flow sequences' implicit keys must be on one line.  libyaml's simple keys cannot be;
# there the key is made explicit for libyaml: "? " goes before it (the rest of that line moves
# two columns right).  Not when the key follows a value of the same entry ("{a: b\n c: d}"),
# an error for the yaml package too.

_LONG_FLOW_KEY_HINT = re.compile(r"\{[^}\n]*\n|[^\n]{1025}")


def _explicit_flow_key(text: str, index: int) -> str | None:
    if text[index : index + 1] != ":":
        return None
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    levels: list[list[Any]] = []  # per open flow collection: [is a mapping, entry start, has ':']
    try:
        for token in yaml.scan(text[:index], Loader=loader):
            if isinstance(token, (yaml.FlowMappingStartToken, yaml.FlowSequenceStartToken)):
                levels.append(
                    [isinstance(token, yaml.FlowMappingStartToken), token.end_mark.index, False]
                )
            elif isinstance(token, (yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)):
                if levels:
                    levels.pop()
            elif levels and isinstance(token, yaml.FlowEntryToken):
                levels[-1][1:] = [token.end_mark.index, False]
            elif levels and isinstance(token, (yaml.ValueToken, yaml.KeyToken)):
                levels[-1][2] = True
    except yaml.YAMLError:
        return None
    if not levels or not levels[-1][0] or levels[-1][2]:
        return None
    start = levels[-1][1]
    key = text[start:index]
    if "\n" not in key.strip() and len(key.strip()) <= 1024:
        return None
    return text[:start] + "? " + text[start:]


# --- anchor names ------------------------------------------------------------------------------
#
# An anchor or alias name is any run of characters up to a space, a line break or one of
# ",[]{}" for the yaml package ("&a.b", "*x#c"); libyaml takes only letters, digits, "-" and
# "_".  Such a name is given to libyaml as a name of the same length that it takes (the same
# one for every use of the name).  ("**bold**" in a plain scalar is no reason to look.)

_ODD_ANCHOR = re.compile(
    r"(?:^|(?<=[\s\[{,]))[&*][0-9A-Za-z_-]*[^0-9A-Za-z_\s,\[\]{}?:%@`*&-]", re.M
)
_ANCHOR_END = re.compile(r"[\s,\[\]{}]|\Z")
_NOT_ANCHOR_CHAR = re.compile(r"[^0-9A-Za-z_-]")


def _rename_anchor(text: str, index: int, renamed: dict[str, str]) -> str | None:
    end = _ANCHOR_END.search(text, index + 1)
    stop = end.start() if end else len(text)
    name = text[index + 1 : stop]
    if not name or not _NOT_ANCHOR_CHAR.search(name):
        return None
    safe = renamed.get(name)
    if safe is None:
        safe = _NOT_ANCHOR_CHAR.sub("_", name)
        taken = set(renamed.values())
        n = 0
        while safe in taken or re.search(rf"[&*]{re.escape(safe)}(?![0-9A-Za-z_-])", text):
            digits = str(n)
            safe = (_NOT_ANCHOR_CHAR.sub("_", name)[: -len(digits)] + digits)[-len(name) :]
            n += 1
            if n > 10 ** len(name):
                return None
        renamed[name] = safe
    return text[: index + 1] + safe + text[stop:]


# --- a tag right against a plain scalar in a flow collection --------------------------------------
#
# "[!!s\ufffdx, 1]": the yaml package's lexer ends the tag at the first character it does not
# read in a tag and, for an item of a flow sequence (elsewhere, an implicit pair's key too, it
# is an error), puts the tag on the plain scalar that follows.  libyaml wants a space there.
# A tag that cannot change such a scalar's reading (it starts with a character no schema tag
# matches) is blanked for libyaml; !!binary, !!timestamp, !!merge stay refused.

_TAG_CHARS = frozenset(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-;/?:@&=+$.~*'()%!"
)
_ADJACENT_TAG = re.compile(r"!!?[^!]*\Z")
_TAG_AGAINST = re.compile(
    r"(?:^|(?<=[\s\[,]))!!?[0-9A-Za-z_\-;/?:@&=+$.~*'()%]*[^\s0-9A-Za-z_\-;/?:@&=+$.~*'()%!,\[\]{}<]",
    re.M,
)
_NOT_PLAIN_START = frozenset("[]{},\"'!&*|>#%@`?:- \t\r\n")
_TAGS_THAT_READ = ("!!binary", "!!timestamp", "!!merge")


def _untag_adjacent_scalar(text: str, index: int) -> str | None:
    if index >= len(text) or text[index] in _NOT_PLAIN_START:
        return None
    begin = index
    while begin > 0 and text[begin - 1] in _TAG_CHARS:
        begin -= 1
    if begin > 0 and text[begin - 1] not in " \t\n[{,":
        return None
    tag = text[begin:index]
    if not _ADJACENT_TAG.match(tag) or tag in _TAGS_THAT_READ:
        return None
    if not _flow_item_not_key(text, begin, index):
        return None
    return text[:begin] + " " * len(tag) + text[index:]


_PLAIN_END = re.compile(r"[,\]\[{}]|:(?=[\s,\[\]{}])")

# A verbatim tag ends at its ">" for the yaml package: "[!<tag:yaml.org,2002:str>12]" is the
# string "12" (same rule as above).  libyaml gets a space after the ">" (the rest of that line
# moves one column right), which gives it the same reading whatever the tag.
_VERBATIM_AGAINST = re.compile(r"!<[^\s>]*>[^\s,\[\]{}]")


def _space_after_verbatim_tag(text: str, index: int) -> str | None:
    if index >= len(text) or text[index] in _NOT_PLAIN_START or text[index - 1 : index] != ">":
        return None
    begin = text.rfind("!<", 0, index)
    if begin < 0 or not _VERBATIM_TAG.fullmatch(text, begin, index):
        return None
    if not _flow_item_not_key(text, begin, index):
        return None
    return text[:index] + " " + text[index:]


def _flow_item_not_key(text: str, begin: int, index: int) -> bool:
    """The tag at ``begin`` (its scalar at ``index``) starts an item of a flow sequence, and
    that item is not an implicit pair's key (an error for the yaml package too)."""
    if not _at_flow_sequence_item(text[:begin]):
        return False
    end = _PLAIN_END.search(text, index)
    return end is None or not end.group().startswith(":")


def _at_flow_sequence_item(before: str) -> bool:
    """Whether the text ends where an item of a flow sequence starts (by libyaml's tokens; its
    events lag behind the scanner inside flow collections)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    open_: list[bool] = []  # innermost last: a flow sequence?
    last: Any = None
    try:
        for token in yaml.scan(before, Loader=loader):
            if isinstance(token, (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)):
                open_.append(isinstance(token, yaml.FlowSequenceStartToken))
            elif open_ and isinstance(token, (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)):
                open_.pop()
            if not isinstance(token, yaml.StreamEndToken):
                last = token
    except yaml.YAMLError:
        return False
    return (
        bool(open_)
        and open_[-1]
        and isinstance(last, (yaml.FlowSequenceStartToken, yaml.FlowEntryToken))
    )


def _drop_items(lines: list[str], first: int, column: int) -> str | None:
    """``lines`` with the block sequence starting at ``lines[first]``, ``column`` made comments,
    or None when it does not follow an explicit key at that column (see above)."""
    if first >= len(lines):
        return None
    line = lines[first]
    if _indent(line) != column or not _is_indicator(line, column, "-"):
        return None
    for j in range(first - 1, -1, -1):
        before = lines[j]
        stripped = before.strip()
        if not stripped or stripped.startswith("#") or _indent(before) > column:
            continue
        if not (_is_indicator(before, column, "?") and _COMPACT_PREFIX.fullmatch(before[:column])):
            return None
        break
    else:
        return None
    end = first
    while end < len(lines):
        line = lines[end]
        stripped = line.strip()
        indent = _indent(line)
        if (
            stripped
            and not stripped.startswith("#")
            and indent <= column
            and not (indent == column and _is_indicator(line, column, "-"))
        ):
            break
        end += 1
    after = lines[end] if end < len(lines) else ""
    if _indent(after) == column and _is_indicator(after, column, ":"):
        return None
    for k in range(first, end):
        line = lines[k]
        indent = _indent(line)
        if line[indent:].strip():
            lines[k] = line[:indent] + "#" + line[indent + 1 :]
    return "\n".join(lines)


def _restore(value: Any, swapped: dict[str, str], retagged: dict[str, str] | None = None) -> Any:
    if isinstance(value, str):
        if any(c in swapped for c in value):
            value = "".join(swapped.get(c, c) for c in value)
        if retagged and "!<" in value:
            for safe, tag in retagged.items():
                value = value.replace(safe, tag)
        return value
    if isinstance(value, JsObject):
        return value
    if isinstance(value, dict):
        return {
            _restore(k, swapped, retagged): _restore(v, swapped, retagged) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_restore(v, swapped, retagged) for v in value]
    return value
