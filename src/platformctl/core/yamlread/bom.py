"""What the yaml package makes of the line of a leading byte-order mark; used by yamlio.decode."""

from __future__ import annotations

import re
from typing import Any

# --- the line of a leading byte-order mark ---------------------------------------------------
#
# The yaml package's lexer emits a leading BOM as a token of its own, after which its parser
# no longer counts that line as starting at a new line: the "?", ":" and "-" indicators (and
# spaces, see yamlio._unindent_bom_line) of the first line add nothing to the indentation, so
# any block collection started on that line sits at indentation 0.  Hence:
#
# * a block mapping as an explicit key ("? a: b") holds every later line of the document at
#   indentation 0 ("? a: b" / "c: d" is the single key "{ a: b, c: d }" with a null value);
#   libyaml is given those lines indented to that mapping's column;
# * a block sequence on that line ("- a", "? - a") is an error.

_BOM_INDICATOR_LINE = re.compile(r"[?:-](?:[ \t]|$)", re.M)
_DOCUMENT_MARKER = re.compile(r"(?:---|\.\.\.)(?:[ \t]|\Z)")


def after_bom(text: str) -> tuple[str, tuple[str, int] | None]:
    """``text`` (a leading BOM removed) as libyaml should read it, and the error the yaml
    package reports on the BOM's line (message, 0-based column) if any; see above."""
    if not _BOM_INDICATOR_LINE.match(text) or text.startswith(("---", "...")):
        return text, None
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    # per open collection: [is a mapping, children so far]
    stack: list[list[Any]] = []
    absorbing: int | None = None  # column of the block mapping that takes the later lines
    want_column = False
    try:
        for event in yaml.parse(text, Loader=loader):
            mark: Any = event.start_mark
            if want_column:
                absorbing, want_column = mark.column, False
            if mark.line > 0:
                break
            starts = isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent))
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                starts = True
                block = not event.flow_style
                is_key = bool(stack) and stack[-1][0] and stack[-1][1] % 2 == 0
                if block and isinstance(event, yaml.SequenceStartEvent):
                    return text, (
                        "a block sequence cannot start on the line of a byte-order mark",
                        mark.column,
                    )
                if block and is_key:
                    want_column = True  # the column of its first key
            if starts and stack:
                stack[-1][1] += 1
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                stack.append([isinstance(event, yaml.MappingStartEvent), 0])
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                stack.pop()
    except yaml.YAMLError:
        pass
    if not absorbing:
        return text, None
    lines = text.split("\n")
    for i in range(1, len(lines)):
        if _DOCUMENT_MARKER.match(lines[i]):
            break
        if lines[i].strip():
            lines[i] = " " * absorbing + lines[i]
    return "\n".join(lines), None
