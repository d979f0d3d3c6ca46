"""Backstage entity names: sanitising a project name to the name rules, checking one."""

from __future__ import annotations

import re

from platformctl.core.catalog.generate.model import NAME_MAX


def sanitize_name(raw: str) -> str:
    """Make ``raw`` a valid Backstage ``metadata.name`` ('' when nothing usable is left)."""
    import unicodedata

    text = unicodedata.normalize("NFKD", raw.strip()).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9._-]+", "-", text)
    text = re.sub(r"[._-]{2,}", lambda m: m.group(0)[0], text)
    text = text.strip("._-")
    text = text[:NAME_MAX].rstrip("._-")
    return text


_NAME_OK = re.compile(r"^[a-zA-Z0-9]+([-_.][a-zA-Z0-9]+)*$")


def valid_name(value: str) -> bool:
    return 1 <= len(value) <= NAME_MAX and bool(_NAME_OK.match(value))
