"""Step 2, ``PlaceholderProcessor``: ``$text``/``$json``/``$yaml`` substitution.  Relative
targets are read when they exist next to the file; otherwise a stand-in value is assumed."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from platformctl.core import yamlio
from platformctl.core.catalog import rules as R
from platformctl.core.catalog.validation.context import FileContext, dotted
from platformctl.core.catalog.validation.model import PLACEHOLDER_RESOLVERS


@dataclass
class Placeholder:
    path: tuple[Any, ...]
    resolver: str
    target: Any
    failed: bool = False  # reported already: no schema findings at or under this path


def substitute(
    node: Any, path: tuple[Any, ...], found: list[Placeholder], resolve: Any
) -> tuple[Any, bool]:
    """PlaceholderProcessor.preProcessEntity: returns (value, changed)."""
    if isinstance(node, list):
        changed = False
        items = []
        for i, item in enumerate(node):
            new, c = substitute(item, (*path, i), found, resolve)
            items.append(new)
            changed = changed or c
        return (items, True) if changed else (node, False)
    if not isinstance(node, dict) or not node:
        return node, False
    dollar = [k for k in node if isinstance(k, str) and k.startswith("$")]
    if not dollar:
        changed = False
        out = {}
        for k, v in node.items():
            new, c = substitute(v, (*path, k), found, resolve)
            out[k] = new
            changed = changed or c
        return (out, True) if changed else (node, False)
    if len(node) != 1:
        return node, False
    key = dollar[0]
    resolver = key[1:]
    if resolver not in PLACEHOLDER_RESOLVERS:
        return node, False
    placeholder = Placeholder(path, resolver, node[key])
    found.append(placeholder)
    value = resolve(placeholder)
    if placeholder.failed:
        return node, False
    return value, True


def _forms_url(target: str) -> bool:
    """``new URL(target, <this file's https URL>)`` succeeds: relative paths always do; an
    absolute or scheme-relative (``//host``) target needs a valid host."""
    text = target.strip("".join(chr(c) for c in range(0x21))).replace("\t", "").replace("\n", "")
    text = text.replace("\r", "")
    scheme = _SCHEME.match(text)
    if scheme:
        rest = text[scheme.end() :]
        if scheme.group()[:-1].lower() == "https" and (
            rest[:1] not in ("/", "\\") or rest[1:2] not in ("/", "\\")
        ):
            # "https:x", "https:/x": relative to the file's own https URL (only two slashes
            # or backslashes start an authority for a special scheme equal to the base's)
            return True
        return R.is_valid_url(text)
    if text[:2] in ("//", "\\\\", "/\\", "\\/"):
        return R.is_valid_url("https:" + text)
    return True


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def resolve_placeholder(ctx: FileContext, doc: yamlio.Document, ref: str, p: Placeholder) -> Any:
    target = p.target
    where = dotted(p.path)
    if not isinstance(target, str):
        p.failed = True
        ctx.add(
            "backstage/placeholder",
            f"placeholder ${p.resolver} at {where} expected a string value parameter, "
            "in the form of an absolute URL or a relative path",
            doc=doc,
            path=p.path,
            entity=ref,
            hint=f"write ${p.resolver}: ./relative/file or ${p.resolver}: https://...",
        )
        return None
    if not _forms_url(target):
        p.failed = True
        ctx.add(
            "backstage/placeholder",
            f"placeholder ${p.resolver} at {where} could not form a URL out of {target!r} "
            "(resolved against this file's URL)",
            doc=doc,
            path=p.path,
            entity=ref,
            hint="write a relative path or an absolute URL with a valid host",
        )
        return None
    fallback: Any = f"(contents of {target})"
    if "://" in target or ctx.real is None or "\x00" in target:
        return fallback  # (a NUL cannot be in a file name: Backstage fails to read it too)
    file = (ctx.real.parent / target).resolve()
    if not file.is_file():
        what = "is a folder, not a file" if file.is_dir() else "does not exist"
        ctx.add(
            "refs/placeholder-missing",
            f"placeholder ${p.resolver} at {where}: {target!r} {what}",
            severity="warning",
            doc=doc,
            path=p.path,
            entity=ref,
            hint="the path is relative to this catalog file",
        )
        return fallback
    if p.resolver == "text":
        return fallback
    try:
        content = file.read_text(encoding="utf-8")
        if p.resolver == "json":
            return json.loads(content)
        loaded = yamlio.load_text(content, str(file), backstage=True)
        problems = [x for x in loaded.problems if x.severity == "error"]
        docs = [d for d in loaded.documents if not d.empty]
        if problems:
            raise ValueError(f"{problems[0].message} at line {problems[0].line}")
        if len(docs) != 1:
            raise ValueError(f"expected exactly one document, found {len(docs)}")
        return docs[0].data
    except (OSError, ValueError) as exc:
        ctx.add(
            "refs/placeholder-unparsable",
            f"placeholder ${p.resolver} at {where}: {target} does not parse: {exc}",
            severity="warning",
            doc=doc,
            path=p.path,
            entity=ref,
            hint=f"Backstage fails to read this entity until {target} is valid "
            + ("JSON" if p.resolver == "json" else "YAML (one UTF-8 document)"),
        )
        return fallback
