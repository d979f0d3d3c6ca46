"""Per-file state of a validation run (``FileContext``: findings with positions, entities,
relations, why the file is blocked) and the small helpers every check shares."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from platformctl.core import yamlio
from platformctl.core.catalog import rules as R
from platformctl.core.catalog import schema as S
from platformctl.core.catalog.org import OrgRules
from platformctl.core.catalog.validation.model import EntityRecord, RelationRef
from platformctl.core.report import Finding


def dotted(path: Iterable[Any]) -> str:
    return yamlio.dotted(path, "the document")


def type_name(value: Any) -> str:
    name = yamlio.type_name(value)
    return {"string": "a string", "number": "a number", "boolean": "a boolean"}.get(name, name)


JSON_TYPES = {
    "string": "a string",
    "object": "a mapping",
    "array": "a list",
    "number": "a number",
    "integer": "an integer",
    "boolean": "a boolean",
    "null": "null",
}


class FileContext:
    """Everything about one file being validated."""

    def __init__(
        self,
        display: str,
        real: Path | None,
        loaded: yamlio.LoadedFile,
        org: OrgRules,
    ) -> None:
        self.display = display
        self.real = real
        self.loaded = loaded
        self.org = org
        self.findings: list[Finding] = []
        self.entities: list[EntityRecord] = []
        self.relations: list[RelationRef] = []
        self.blocked: list[str] = []  # why the file is rejected
        self.input_error = False
        self.has_dollar = bool(loaded.text) and "$" in (loaded.text or "")

    def add(
        self,
        rule: str,
        message: str,
        *,
        severity: str = "error",
        doc: yamlio.Document | None = None,
        path: tuple[Any, ...] = (),
        key: bool = False,
        document: int | None = None,
        entity: str | None = None,
        hint: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        if doc is not None and line is None:
            line, column = doc.position(path, key=key)
            document = doc.index
        if line is None:
            line, column = 1, 1
        self.findings.append(
            Finding(rule, severity, message, self.display, line, column, document, entity, hint)
        )


def js_truthy(value: Any) -> bool:
    """JavaScript truthiness: empty lists and mappings are true; 0, "", null, NaN false."""
    if value is None or value is False or value == "":
        return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value == value and value != 0
    return True


def template_hint(value: Any) -> str | None:
    if isinstance(value, dict) and len(value) == 1:
        (key,) = value
        if isinstance(key, str) and key.startswith("$"):
            return (
                f"Backstage's catalog resolves only $text, $json and $yaml placeholders, not {key}"
            )
    if R.looks_templated(value) or (isinstance(value, dict) and len(value) == 1):
        return (
            "unrendered template syntax? render the template before validating, "
            "or exclude skeleton files"
        )
    return None


def close_matches(value: str, choices: Iterable[str]) -> list[str]:
    """The allowed value the user most likely meant (prefixes count: prod -> production)."""
    choices = list(choices)
    low = value.lower()
    prefixed = [c for c in choices if c.lower().startswith(low) or low.startswith(c.lower())]
    return prefixed[:1] or difflib.get_close_matches(value, choices, n=1, cutoff=0.5)


def kind_names(org: OrgRules) -> list[str]:
    return [*S.KIND_SCHEMAS, *org.custom_kinds]
