"""Comment- and order-preserving YAML edits (ruamel.yaml round trip), for --fix and for
recording dependencies in catalog-info.yaml. ruamel is imported only here, lazily.

Usage::

    def add_annotation(docs):
        docs[0]["metadata"].setdefault("annotations", {})["x/y"] = "z"

    changed, new_text = edit_file(path, add_annotation, write=False)
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from platformctl.core.errors import InputFileError


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.explicit_start = False
    return yaml


def _detect_sequence_indent(text: str) -> tuple[int, int]:
    """(sequence indent, dash offset) used by the file: ``- a`` flush with its key or indented."""
    lines = text.splitlines()
    for i, line in enumerate(lines[1:], start=1):
        stripped = line.lstrip(" ")
        if stripped.startswith("- ") and lines[i - 1].rstrip().endswith(":"):
            parent = lines[i - 1]
            parent_indent = len(parent) - len(parent.lstrip(" "))
            offset = (len(line) - len(stripped)) - parent_indent
            return (offset + 2, offset)
    return (4, 2)


def load_all(text: str, name: str = "<string>") -> list[Any]:
    from ruamel.yaml.error import YAMLError

    yaml = _yaml()
    try:
        return list(yaml.load_all(text))
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputFileError(
            f"cannot edit invalid YAML: {getattr(exc, 'problem', exc)}",
            file=name,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
            hint="fix the YAML first (platformctl catalog validate shows where)",
        ) from None


def dump_all(documents: list[Any], *, like: str = "") -> str:
    yaml = _yaml()
    sequence, offset = _detect_sequence_indent(like) if like else (4, 2)
    yaml.indent(mapping=2, sequence=sequence, offset=offset)
    if like.lstrip().startswith("---"):
        yaml.explicit_start = True
    buffer = io.StringIO()
    yaml.dump_all(documents, buffer)
    return buffer.getvalue()


def edit_text(text: str, mutate: Callable[[list[Any]], None], name: str = "<string>") -> str:
    documents = load_all(text, name)
    mutate(documents)
    return dump_all(documents, like=text)


def edit_file(
    path: Path, mutate: Callable[[list[Any]], None], *, write: bool = True
) -> tuple[bool, str]:
    """Apply ``mutate`` to the file's documents. Returns (changed, new text); writes atomically."""
    original = path.read_text(encoding="utf-8")
    updated = edit_text(original, mutate, str(path))
    changed = updated != original
    if changed and write:
        tmp = path.with_name(f".{path.name}.platformctl-tmp")
        tmp.write_text(updated, encoding="utf-8")
        os.replace(tmp, path)
    return changed, updated
