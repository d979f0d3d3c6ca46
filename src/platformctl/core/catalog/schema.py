"""Backstage's JSON schemas (vendored under ``schemas/``, see its README) compiled two ways.

Backstage validates with ajv (draft 7, ``allErrors``).  We bundle each schema with the
schemas it references (``Entity``, ``EntityMeta``, ``common#...``) into one self-contained
draft-7 document, then:

* a compiled ``fastjsonschema`` function is the fast validity gate (valid entities stop here);
* only when the gate fails, ``jsonschema``'s Draft7Validator collects *all* errors with paths.

Both libraries are imported lazily, on the first validation.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"

# kind -> (schema file, apiVersions the kind schema accepts), in BuiltinKindsEntityProcessor
# order, plus the scaffolder's Template (ScaffolderEntitiesProcessor).
KIND_SCHEMAS: dict[str, str] = {
    "API": "API.v1alpha1.schema.json",
    "Component": "Component.v1alpha1.schema.json",
    "Resource": "Resource.v1alpha1.schema.json",
    "Group": "Group.v1alpha1.schema.json",
    "Location": "Location.v1alpha1.schema.json",
    "User": "User.v1alpha1.schema.json",
    "System": "System.v1alpha1.schema.json",
    "Domain": "Domain.v1alpha1.schema.json",
    "Template": "Template.v1beta3.schema.json",
}
_SHARED = {
    "Entity": "Entity.schema.json",
    "EntityMeta": "EntityMeta.schema.json",
    "EntityEnvelope": "EntityEnvelope.schema.json",
    "common": "common.schema.json",
}


@cache
def load_raw(filename: str, root: str | None = None) -> dict[str, Any]:
    base = Path(root) if root else SCHEMA_DIR
    return json.loads((base / filename).read_text(encoding="utf-8"))


def _ref_target(ref: str, current: str) -> str:
    """Map a Backstage ``$ref`` to a key under ``definitions`` in the bundle."""
    if ref.startswith("#/"):
        return ref  # already a JSON pointer (custom schemas)
    doc, _, fragment = ref.partition("#")
    doc = doc or current
    return f"{doc}.{fragment}" if fragment else doc


def _js_pattern(pattern: str) -> str:
    # ajv compiles patterns with the ``u`` flag: ``$`` is end of input, ``\w`` is ASCII.
    out = pattern.replace("\\w", "[A-Za-z0-9_]")
    if out.endswith("$") and not out.endswith("\\$"):
        out = out[:-1] + "\\Z"
    return out


def _rewrite(node: Any, current: str, needed: set[str]) -> Any:
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in ("$id", "$schema", "examples", "description", "default"):
                continue
            if key == "$ref" and isinstance(value, str):
                target = _ref_target(value, current)
                if target.startswith("#/"):
                    out[key] = target
                else:
                    needed.add(target)
                    out[key] = f"#/definitions/{target}"
            elif key == "pattern" and isinstance(value, str):
                out[key] = _js_pattern(value)
            elif key in ("properties", "patternProperties", "definitions"):
                out[key] = {
                    (_js_pattern(k) if key == "patternProperties" else k): _rewrite(
                        v, current, needed
                    )
                    for k, v in value.items()
                }
            else:
                out[key] = _rewrite(value, current, needed)
        return out
    if isinstance(node, list):
        return [_rewrite(item, current, needed) for item in node]
    return node


def _named(target: str) -> tuple[dict[str, Any], str]:
    """The raw sub-schema for a bundle key like ``Entity`` or ``common.relation``."""
    doc, _, fragment = target.partition(".")
    raw = load_raw(_SHARED[doc])
    if not fragment:
        return raw, doc
    for value in raw.get("definitions", {}).values():
        if isinstance(value, dict) and value.get("$id") == f"#{fragment}":
            return value, doc
    raise KeyError(target)


def bundle(schema: dict[str, Any], name: str = "root") -> dict[str, Any]:
    """A self-contained draft-7 schema: every Backstage ``$ref`` becomes ``#/definitions/x``."""
    needed: set[str] = set()
    root = _rewrite(schema, name, needed)
    definitions: dict[str, Any] = dict(root.get("definitions", {}))
    done: set[str] = set()
    while needed - done:
        target = sorted(needed - done)[0]
        done.add(target)
        raw, doc = _named(target)
        definitions[target] = _rewrite(raw, doc, needed)
    if definitions:
        root["definitions"] = definitions
    root["$schema"] = "http://json-schema.org/draft-07/schema#"
    return root


@dataclass
class CompiledSchema:
    """One bundled schema: a fast yes/no gate and a slow all-errors iterator.

    ``name``: a built-in schema whose gate may come pregenerated (see ``_pregenerated``)."""

    schema: dict[str, Any]
    _fast: Callable[[Any], Any] | None = None
    _slow: Any = None
    name: str | None = None

    def is_valid(self, data: Any) -> bool:
        if self._fast is None:
            self._fast = (self.name and _pregenerated(self.name, self.schema)) or _compile_fast(
                self.schema
            )
        try:
            self._fast(data)
        except Exception:  # noqa: BLE001 - JsonSchemaValueException or a type surprise
            return False
        return True

    def errors(self, data: Any) -> list[Any]:
        if self._slow is None:
            from jsonschema import Draft7Validator

            self._slow = Draft7Validator(self.schema)
        return sorted(self._slow.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])


# --- pregenerated gates ---------------------------------------------------------------------
#
# Generating and compiling the fastjsonschema code of the five kinds a typical catalog uses
# took ~70 ms of every ``catalog validate`` run (plus ~25 ms importing fastjsonschema).  The
# code of the built-in schemas is generated once (``scripts/generate_schema_validators.py``)
# into ``platformctl.core.catalog._validators``, each module with the digest of the bundled
# schema it was made from: a module whose digest does not match the schema is not used.
VALIDATORS_PACKAGE = "platformctl.core.catalog._validators"
_EXCEPTIONS = "from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException\n"
_LOCAL_EXCEPTIONS = (
    "class JsonSchemaValueException(ValueError):  # the gate only needs: valid or not\n"
    "    def __init__(self, message, *args, **kwargs):\n"
    "        super().__init__(message)\n\n\n"
    "JsonSchemaValuesException = JsonSchemaValueException\n"
)


def schema_digest(schema: dict[str, Any]) -> str:
    """A fingerprint of the schema (not a security digest: zlib is loaded anyway, hashlib's
    OpenSSL start-up is not)."""
    import zlib

    text = json.dumps(schema, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()
    return f"{len(text)}-{zlib.crc32(text):08x}-{zlib.adler32(text):08x}"


def module_name(name: str) -> str:
    return name.lower()


def generate_validator(name: str, schema: dict[str, Any]) -> str:
    """The source of the pregenerated gate of the built-in schema ``name``."""
    import fastjsonschema

    code = fastjsonschema.compile_to_code(
        _const_to_enum(copy.deepcopy(schema)),
        use_default=False,
        use_formats=False,
        detailed_exceptions=False,
    )
    if _EXCEPTIONS not in code:
        raise RuntimeError("unexpected fastjsonschema output: update generate_validator")
    code = code.replace(_EXCEPTIONS, _LOCAL_EXCEPTIONS)
    # "no required keys" as fastjsonschema writes it (``set([]) - data.keys()``, always
    # empty) has no type mypy can infer; the same empty set, typed
    code = re.sub(r"(\w+) = set\(\[\]\) - \w+\.keys\(\)", r"\1: set[str] = set()", code)
    header = (
        f'"""Generated by scripts/generate_schema_validators.py from the bundled {name} '
        'schema: do not edit."""\n'
        # no "mypy: ignore-errors": mypyc (hatch_build.py) compiles these modules, and under
        # that comment it compiled every ``raise`` to a plain return (mypy 2.4)
        "# ruff: noqa\n"
        f'SCHEMA_DIGEST = "{schema_digest(schema)}"\n'
    )
    return header + code


def builtin_schemas() -> dict[str, dict[str, Any]]:
    """Every built-in schema with a pregenerated gate: the kinds and Entity."""
    out = {kind: kind_schema(kind).schema for kind in KIND_SCHEMAS}
    out["Entity"] = entity().schema
    return out


def _pregenerated(name: str, schema: dict[str, Any]) -> Callable[[Any], Any] | None:
    import importlib

    try:
        module = importlib.import_module(f"{VALIDATORS_PACKAGE}.{module_name(name)}")
    except ImportError:
        return None
    if getattr(module, "SCHEMA_DIGEST", None) != schema_digest(schema):
        return None  # stale: the schema changed since the code was generated
    validate: Callable[[Any], Any] = module.validate
    return validate


def _compile_fast(schema: dict[str, Any]) -> Callable[[Any], Any]:
    try:
        import fastjsonschema
    except ImportError:  # pragma: no cover - fall back to the slow validator
        from jsonschema import Draft7Validator

        validator = Draft7Validator(copy.deepcopy(schema))

        def check(data: Any) -> None:
            if not validator.is_valid(data):
                raise ValueError("invalid")

        return check
    # Only a yes/no is needed: without detailed exceptions the generated code is a quarter of
    # the size (compiling it was most of the start-up cost).  fastjsonschema 2.22 cannot
    # generate ``const`` in that mode, so it becomes the equivalent one-value ``enum``.
    return fastjsonschema.compile(
        _const_to_enum(copy.deepcopy(schema)),
        use_default=False,
        use_formats=False,
        detailed_exceptions=False,
    )


def _const_to_enum(node: Any) -> Any:
    if isinstance(node, list):
        return [_const_to_enum(v) for v in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("properties", "patternProperties", "definitions") and isinstance(value, dict):
            out[key] = {name: _const_to_enum(sub) for name, sub in value.items()}
        elif key == "const":
            if "enum" not in node:
                out["enum"] = [value]
        elif key in ("enum", "default", "examples"):
            out[key] = value
        else:
            out[key] = _const_to_enum(value)
    return out


@cache
def envelope() -> CompiledSchema:
    return CompiledSchema(bundle(load_raw(_SHARED["EntityEnvelope"]), "EntityEnvelope"))


@cache
def entity() -> CompiledSchema:
    return CompiledSchema(bundle(load_raw(_SHARED["Entity"]), "Entity"), name="Entity")


@cache
def kind_schema(kind: str) -> CompiledSchema:
    return CompiledSchema(bundle(load_raw(KIND_SCHEMAS[kind]), kind), name=kind)


@cache
def kind_api_versions(kind: str) -> tuple[str, ...]:
    raw = load_raw(KIND_SCHEMAS[kind])
    for part in raw.get("allOf", [raw]):
        enum = part.get("properties", {}).get("apiVersion", {}).get("enum")
        if enum:
            return tuple(enum)
    return ()


def custom_schema(path: Path) -> CompiledSchema:
    """A platform's custom kind schema (may ``$ref`` Entity / EntityMeta / common#...)."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return CompiledSchema(bundle(raw, path.stem))
