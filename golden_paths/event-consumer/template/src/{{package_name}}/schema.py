"""JSON Schema validation of each message before it reaches the handler."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import best_match

from .errors import InvalidMessage

# The schema of the consumed topic's messages; asyncapi.yaml points at the same file.
SCHEMA_FILE = Path(__file__).with_name("schemas") / "event.schema.json"


def load_schema(path: Path = SCHEMA_FILE) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return schema


class MessageValidator:
    """Decodes a message value (UTF-8 JSON) and validates it against the schema."""

    def __init__(self, schema: dict[str, Any] | None = None) -> None:
        self._validator = Draft202012Validator(
            schema if schema is not None else load_schema(), format_checker=FormatChecker()
        )

    def decode(self, value: bytes | None) -> dict[str, Any]:
        if value is None:
            raise InvalidMessage("the message has no value (a tombstone)")
        try:
            event = json.loads(value.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise InvalidMessage(f"the message is not UTF-8 JSON: {error}") from error
        problem = best_match(self._validator.iter_errors(event))
        if problem is not None:
            where = "/".join(str(p) for p in problem.absolute_path) or "(root)"
            raise InvalidMessage(
                f"the message does not match the schema at {where}: {problem.message}"
            )
        if not isinstance(event, dict):  # the schema says object; keep mypy and readers sure
            raise InvalidMessage("the message is not a JSON object")
        return event
