"""Organisation rules from the platform configuration (``catalog:`` in platform.yaml).

Shape (documented in docs/reference/platform.md)::

    catalog:
      max_name_length: 40                 # on top of Backstage's 63
      allowed_lifecycles: [experimental, production, deprecated]
      allowed_types:                      # spec.type per kind
        Component: [service, website, library]
      required_annotations:
        - kind: Component                 # optional: every kind when missing
          type: service                   # optional: only this spec.type
          annotations: [backstage.io/techdocs-ref]
      custom_kinds:
        - kind: Workflow
          api_versions: [example.com/v1]  # or api_version: example.com/v1
          schema: schemas/workflow.schema.json   # relative to the platform folder
      severity: error                     # severity of org/* findings (error|warning|info)

Platforms are applied in order (embedded default first): a later platform's keys replace
the earlier ones; custom kinds accumulate (a later definition of the same kind wins).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platformctl.core.errors import InputFileError

if TYPE_CHECKING:
    from platformctl.core.catalog.schema import CompiledSchema
    from platformctl.core.config import Config


@dataclass
class CustomKind:
    kind: str
    api_versions: tuple[str, ...]
    schema_path: Path
    _compiled: CompiledSchema | None = None

    def compiled(self) -> CompiledSchema:
        if self._compiled is None:
            from platformctl.core.catalog.schema import custom_schema

            try:
                compiled = custom_schema(self.schema_path)
            except json.JSONDecodeError as exc:
                raise InputFileError(
                    f"the schema of custom kind {self.kind} is not valid JSON: {exc.msg}",
                    file=str(self.schema_path),
                    line=exc.lineno,
                    column=exc.colno,
                    hint="fix the JSON syntax at this position",
                ) from None
            except OSError as exc:
                raise InputFileError(
                    f"cannot load the schema of custom kind {self.kind}: {exc.strerror or exc}",
                    file=str(self.schema_path),
                    hint="catalog.custom_kinds[].schema must name a JSON schema file "
                    "in the platform folder",
                ) from None
            except Exception as exc:  # noqa: BLE001 - bundling an arbitrary (broken) schema
                raise self._invalid(exc) from None
            try:
                from jsonschema import Draft7Validator

                Draft7Validator.check_schema(compiled.schema)
                compiled.is_valid(None)  # compile now: a broken schema is bad input, not a crash
            except Exception as exc:  # noqa: BLE001 - jsonschema / fastjsonschema / re errors
                raise self._invalid(exc) from None
            self._compiled = compiled
        return self._compiled

    def _invalid(self, exc: Exception) -> InputFileError:
        detail = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        if isinstance(exc, KeyError):
            detail = f"unknown $ref {exc.args[0]!r}"
        elif isinstance(exc, (AttributeError, TypeError)):
            detail = "a schema must be a JSON object (with allOf, properties, $ref ...)"
        return InputFileError(
            f"the schema of custom kind {self.kind} is not a valid JSON schema: "
            + detail.splitlines()[0],
            file=str(self.schema_path),
            hint="a draft-7 JSON schema object; it may $ref Entity, EntityMeta, "
            "common#reference, common#relation, common#status",
        )


@dataclass
class RequiredAnnotations:
    annotations: tuple[str, ...]
    kind: str | None = None
    type: str | None = None


@dataclass
class OrgRules:
    max_name_length: int | None = None
    allowed_lifecycles: tuple[str, ...] | None = None
    allowed_types: dict[str, tuple[str, ...]] = field(default_factory=dict)
    required_annotations: list[RequiredAnnotations] = field(default_factory=list)
    custom_kinds: dict[str, CustomKind] = field(default_factory=dict)
    severity: str = "error"
    source: str | None = None

    @property
    def empty(self) -> bool:
        return not (
            self.max_name_length
            or self.allowed_lifecycles
            or self.allowed_types
            or self.required_annotations
            or self.custom_kinds
        )


def _strings(value: Any, where: str, source: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputFileError(f"{where} must be a list of strings", file=source)
    return tuple(value)


def from_config(config: Config | None) -> OrgRules:
    rules = OrgRules()
    if config is None:
        return rules
    for platform in config.platforms:
        section = platform.data.get("catalog") if isinstance(platform.data, dict) else None
        if section is None:
            continue
        source = str(platform.root / "platform.yaml")
        if not isinstance(section, dict):
            raise InputFileError("'catalog' must be a mapping", file=source)
        rules.source = source
        if "max_name_length" in section:
            value = section["max_name_length"]
            if value is not None and (
                not isinstance(value, int) or isinstance(value, bool) or value < 1
            ):
                raise InputFileError(
                    "catalog.max_name_length must be a positive integer", file=source
                )
            rules.max_name_length = value
        if "allowed_lifecycles" in section:
            value = section["allowed_lifecycles"]
            rules.allowed_lifecycles = (
                None if value is None else _strings(value, "catalog.allowed_lifecycles", source)
            )
        if "allowed_types" in section:
            value = section["allowed_types"] or {}
            if not isinstance(value, dict):
                raise InputFileError("catalog.allowed_types must map kinds to lists", file=source)
            rules.allowed_types = {
                str(k): _strings(v, f"catalog.allowed_types.{k}", source) for k, v in value.items()
            }
        if "required_annotations" in section:
            value = section["required_annotations"] or []
            if not isinstance(value, list):
                raise InputFileError("catalog.required_annotations must be a list", file=source)
            rules.required_annotations = []
            for i, item in enumerate(value):
                if not isinstance(item, dict) or "annotations" not in item:
                    raise InputFileError(
                        f"catalog.required_annotations[{i}] needs 'annotations'", file=source
                    )
                rules.required_annotations.append(
                    RequiredAnnotations(
                        _strings(item["annotations"], f"catalog.required_annotations[{i}]", source),
                        str(item["kind"]) if item.get("kind") else None,
                        str(item["type"]) if item.get("type") else None,
                    )
                )
        if "severity" in section:
            if section["severity"] not in ("error", "warning", "info"):
                raise InputFileError("catalog.severity must be error, warning or info", file=source)
            rules.severity = section["severity"]
        for i, item in enumerate(section.get("custom_kinds") or []):
            if not isinstance(item, dict) or not item.get("kind") or not item.get("schema"):
                raise InputFileError(
                    f"catalog.custom_kinds[{i}] needs 'kind' and 'schema'", file=source
                )
            versions = item.get("api_versions", item.get("api_version"))
            if not versions:
                raise InputFileError(f"catalog.custom_kinds[{i}] needs 'api_versions'", file=source)
            rules.custom_kinds[str(item["kind"])] = CustomKind(
                str(item["kind"]),
                _strings(versions, f"catalog.custom_kinds[{i}].api_versions", source),
                platform.path(str(item["schema"])),
            )
    return rules
