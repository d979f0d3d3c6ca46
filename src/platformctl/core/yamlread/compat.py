"""What libyaml reads differently from Backstage's ``yaml`` package, and the text libyaml is
given instead (same length, so positions hold): directives, verbatim and dangling tags, a
leading ``...``, characters libyaml refuses."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

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


_VERSION = re.compile(r"[0-9]+\.[0-9]+\Z")


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
                    written = line[5:].split("#")[0].strip()
                    if not _VERSION.match(written):
                        continue  # "Unsupported YAML version": libyaml refuses it too
                    version = written
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
