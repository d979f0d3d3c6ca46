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
      owner_kinds: [Group, User]          # kinds spec.owner may reference (the default)
      severity: error                     # severity of org/* findings (error|warning|info)

Written entity references (``spec.owner``, ``spec.dependsOn`` ...) are always checked, with
or without a ``catalog:`` section: see ``reference_problems``.

Platforms are applied in order (embedded default first): a later platform's keys replace
the earlier ones; custom kinds accumulate (a later definition of the same kind wins).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platformctl.core.catalog import refs as refs_mod
from platformctl.core.catalog import rules as R
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


DEFAULT_OWNER_KINDS: tuple[str, ...] = ("Group", "User")


@dataclass
class OrgRules:
    owner_kinds: tuple[str, ...] = DEFAULT_OWNER_KINDS
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
        if "owner_kinds" in section:
            rules.owner_kinds = _owner_kinds(section["owner_kinds"], source)
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


def _owner_kinds(value: Any, source: str) -> tuple[str, ...]:
    if value is None:
        return DEFAULT_OWNER_KINDS
    kinds = _strings(value, "catalog.owner_kinds", source)
    bad = [k for k in kinds if not R.is_valid_kind(k)]
    if not kinds or bad:
        raise InputFileError(
            "catalog.owner_kinds must be a non-empty list of entity kinds"
            + (f" ({bad[0]!r} is not a kind)" if bad else ""),
            file=source,
            hint="for example: owner_kinds: [Group, User]",
        )
    return kinds


def owner_kinds(config: Config | None) -> tuple[str, ...]:
    """The kinds ``spec.owner`` may reference on this platform (``catalog.owner_kinds``),
    without validating the rest of the ``catalog:`` section (for ``check``)."""
    kinds = DEFAULT_OWNER_KINDS
    for platform in getattr(config, "platforms", None) or ():
        section = platform.data.get("catalog") if isinstance(platform.data, dict) else None
        if isinstance(section, dict) and "owner_kinds" in section:
            kinds = _owner_kinds(section["owner_kinds"], str(platform.root / "platform.yaml"))
    return kinds


# --- written entity references -----------------------------------------------------------------


@dataclass(frozen=True)
class RefProblem:
    """One problem of a written entity reference (``org/...`` rule, one-line message, hint)."""

    rule: str
    message: str  # 'spec.owner "grup:x" refers to kind grup, ...'
    hint: str
    empty: bool = False  # an empty part: Backstage's parseEntityRef rejects the ref as well
    reason: str = ""  # the message without the field and the ref: 'refers to kind grup, ...'


def _kinds_text(kinds: Iterable[str]) -> str:
    kinds = list(kinds)
    return kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " or " + kinds[-1]


def _close_kind(kind: str, choices: Iterable[str]) -> str | None:
    lowered = {c.lower(): c for c in choices}
    close = difflib.get_close_matches(kind.lower(), list(lowered), n=1, cutoff=0.6)
    return close[0] if close else None


def _namespace_like(value: str) -> str | None:
    candidate = "".join(c if c.isalnum() and c.isascii() else "-" for c in value.lower())
    candidate = "-".join(part for part in candidate.split("-") if part)
    return candidate if R.is_valid_namespace(candidate) else None


def reference_problems(
    ref: str,
    default_kind: str | None,
    *,
    field: str = "reference",
    owner_kinds: Iterable[str] | None = None,
    known_kinds: Iterable[str] | None = None,
) -> list[RefProblem]:
    """Every platform problem of the entity reference ``ref`` as written in ``field``.

    Backstage accepts any non-empty parts (``grup:default/Team X``); a platform wants refs
    that can point at something: each written kind, namespace and name must be a valid entity
    kind (one of ``known_kinds``: Backstage's kinds by default), namespace and name, and with
    ``owner_kinds`` (for ``spec.owner``) the kind, written or defaulted, must be one of them.
    Templated values (``${{ parameters.owner }}``) are not references yet: no problems."""
    if not isinstance(ref, str) or not ref or R.looks_templated(ref):
        return []
    if known_kinds is None:
        from platformctl.core.catalog.schema import KIND_SCHEMAS

        known_kinds = KIND_SCHEMAS
    known = list(known_kinds)
    owners = list(owner_kinds) if owner_kinds is not None else None
    kind, namespace, name = refs_mod.split_written(ref)
    shown = f'{field} "{ref}"'
    problems: list[tuple[str, str, bool]] = []  # rule, message, empty
    # the corrected reference, part by part (None when a part cannot be guessed)
    fixed_kind: str | None = kind.lower() if kind else kind
    did_you_mean = ""

    if kind == "":
        problems.append(("org/ref-kind", "has an empty kind", True))
        fixed_kind = None
    elif kind is not None and not R.is_valid_kind(kind):
        problems.append(
            (
                "org/ref-kind",
                f'has kind "{kind}", which is not a valid entity kind; expected {R.EXPECT_KIND}',
                False,
            )
        )
        fixed_kind = None
    effective = kind or default_kind
    if owners is not None:
        if effective is not None and effective.lower() not in {k.lower() for k in owners}:
            if kind is None:
                message = (
                    f"has no kind, so it refers to a {default_kind}, "
                    f"but owners must be a {_kinds_text(owners)}"
                )
            else:
                message = f"refers to kind {kind}, but owners must be a {_kinds_text(owners)}"
            if not any(rule == "org/ref-kind" for rule, _, _ in problems):
                problems.append(("org/owner-kind", message, False))
            close = _close_kind(effective, owners) if kind else None
            if close:
                did_you_mean = f"did you mean {close}? "
            fixed_kind = close or owners[0].lower()
    elif kind and R.is_valid_kind(kind) and kind.lower() not in {k.lower() for k in known}:
        close = _close_kind(kind, known)
        did_you_mean = f"did you mean {close}? " if close else ""
        problems.append(
            (
                "org/ref-kind",
                f"refers to kind {kind}, which is not a known entity kind",
                False,
            )
        )
        fixed_kind = close

    fixed_namespace: str | None = namespace
    if namespace == "":
        problems.append(("org/ref-namespace", "has an empty namespace", True))
        fixed_namespace = None
    elif namespace is not None and not R.is_valid_namespace(namespace):
        problems.append(
            (
                "org/ref-namespace",
                f'has namespace "{namespace}", which is not a valid entity namespace; '
                f"expected {R.EXPECT_DNS_LABEL}",
                False,
            )
        )
        fixed_namespace = _namespace_like(namespace)

    fixed_name: str | None = name
    name_hint = ""
    if name == "":
        problems.append(("org/ref-name", "has an empty name", True))
        fixed_name = None
    elif not R.is_valid_entity_name(name):
        problems.append(
            (
                "org/ref-name",
                f'has name "{name}", which is not a valid entity name; '
                f"expected {R.EXPECT_OBJECT_NAME}",
                False,
            )
        )
        fixed_name = R.suggest_name(name)
        if "@" in name:  # an e-mail address for an owner: the user's entity name is a guess
            fixed_name = R.suggest_name(name.split("@")[0])
            if kind is None and owners is not None and "user" in {k.lower() for k in owners}:
                fixed_kind = "user"
            name_hint = "refer to the entity, not an e-mail address; "

    if not problems:
        return []
    example: str | None = None
    if fixed_name and (kind is None or fixed_kind) and (namespace is None or fixed_namespace):
        example = (
            (f"{fixed_kind}:" if fixed_kind else "")
            + (f"{fixed_namespace}/" if namespace is not None else "")
            + fixed_name
        )
    if example:
        tail = f"for example: {example}"
    elif owners is not None:
        tail = "write [<kind>:][<namespace>/]<name> with kind " + _kinds_text(owners).lower()
    else:
        tail = "write [<kind>:][<namespace>/]<name> with valid parts"
    out = []
    for rule, message, empty in problems:
        prefix = {"org/owner-kind": did_you_mean, "org/ref-kind": did_you_mean}.get(rule, "")
        if rule == "org/ref-name":
            prefix = name_hint
        hint = prefix + tail
        out.append(RefProblem(rule, f"{shown} {message}", hint, empty, message))
    return out
