"""The yaml package's reading of YAML directives (``%YAML``, ``%TAG``, unknown ones), given to
libyaml as text it reads the same way; used by compat.prepare."""

from __future__ import annotations

import re

_URI_CHARS = re.compile(r"[0-9A-Za-z!$&'()*+,\-./:;=?@\[\]_~]|%[0-9A-Fa-f]{2}")

_VERSION = re.compile(r"[0-9]+\.[0-9]+\Z")
# A %TAG handle libyaml accepts; the yaml package takes any word as a handle, but a tag can only
# name one that ends with "!" and has only the characters its lexer reads in a tag.
_LIBYAML_HANDLE = re.compile(r"!(?:[0-9A-Za-z_-]*!)?\Z")
_YAML_TAG_CHARS = re.compile(r"[0-9A-Za-z\-#;/?:@&=+$_.!~*'()]*\Z")


def _unusable_tag_handle(line: str) -> bool:
    """A ``%TAG`` directive (two parts, as the yaml package needs) whose handle libyaml refuses
    and no tag can ever name: the yaml package records it and nothing comes of it."""
    parts = line.split("#")[0].split()
    if len(parts) != 3:
        return False
    handle = parts[1]
    if _LIBYAML_HANDLE.match(handle):
        return False
    return not handle.endswith("!") or not _YAML_TAG_CHARS.match(handle)


# A %TAG prefix is any run of non-space characters for the yaml package; libyaml takes only URI
# characters.  Others become "~" for libyaml: no tag the yaml package knows has either, so a
# tag through that handle stays unknown.
_TAG_PREFIX = re.compile(r"(?<=^%TAG)([ \t]+\S+[ \t]+)(\S+)")


def uri_safe(text: str) -> str:
    """``text`` with every character libyaml does not take in a tag URI as "~"."""
    out, i = [], 0
    while i < len(text):
        char = _URI_CHARS.match(text, i)
        if char:
            out.append(char.group())
            i = char.end()
        else:
            out.append("~")
            i += 1
    return "".join(out)


def _uri_safe_prefix(match: re.Match[str]) -> str:
    return match.group(1) + uri_safe(match.group(2))


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
                    or _unusable_tag_handle(line)
                ):
                    # unknown directives, and a %TAG for the primary handle "!": local tags
                    # read as plain strings either way, and libyaml is pickier about the prefix
                    lines[i] = "#" + line[1:]
                    directive_lines.append(i)
                else:
                    lines[i] = _TAG_PREFIX.sub(_uri_safe_prefix, line, count=1)
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
