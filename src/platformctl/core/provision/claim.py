"""Claim types of the configured platforms, their parameters, and building validated claims.

A claim type is an entry of ``claim_types:`` in a platform's ``platform.yaml``::

    claim_types:
      - name: database
        aliases: [db]
        xrd: claim-types/database/definition.yaml
        resource_type: database            # spec.type of the catalog Resource
        composition_selector:              # Composition label -> field under spec
          provider: parameters.provider

Platforms are read embedded first; a later platform replaces a type of the same name (or
alias) and may add new ones.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformctl.core import yamlio
from platformctl.core.errors import InputFileError, UsageError
from platformctl.core.provision import schema as schemas
from platformctl.core.provision.xrd import XRD, load_xrd

REQUEST_ID = "platformctl.io/request-id"
CLAIM_TYPE_LABEL = "platformctl.io/claim-type"
MANAGED_BY = "app.kubernetes.io/managed-by"
NAME_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")

# Options every claim command has; a generated parameter with one of these names gets a prefix.
RESERVED_OPTIONS = frozenset(
    {
        "set",
        "namespace",
        "context",
        "kubeconfig",
        "output",
        "dry-run",
        "wait",
        "no-wait",
        "timeout",
        "format",
        "force-conflicts",
        "show-values",
        "export-env",
        "gitops",
        "repo",
        "path",
        "branch",
        "push",
        "record",
        "no-record",
        "catalog-file",
        "no-input",
        "yes",
        "help",
        "interval",
        "from-file",
    }
)
# Fields Crossplane (or the platform) fills in: never offered as parameters.
CROSSPLANE_FIELDS = frozenset(
    {
        "compositionRef",
        "compositionSelector",
        "compositionRevisionRef",
        "compositionRevisionSelector",
        "compositionUpdatePolicy",
        "compositeDeletePolicy",
        "writeConnectionSecretToRef",
        "publishConnectionDetailsTo",
        "resourceRef",
        "resourceRefs",
        "claimRef",
        "environmentConfigRefs",
        "crossplane",
    }
)
SCALARS = ("string", "integer", "number", "boolean")


@dataclass
class ClaimType:
    name: str
    xrd: XRD
    aliases: list[str] = field(default_factory=list)
    resource_type: str = "resource"
    composition_selector: dict[str, str] = field(default_factory=dict)
    platform: str = "default"
    xrd_path: Path | None = None

    @property
    def kind(self) -> str:
        return self.xrd.request_kind

    @property
    def description(self) -> str:
        return self.xrd.description

    @property
    def params(self) -> list[Param]:
        return parameters(self.xrd)


@dataclass
class Param:
    path: tuple[str, ...]  # under spec
    option: str  # kebab-case, without the leading --
    type: str  # string, integer, number, boolean, array, int-or-string
    description: str = ""
    enum: list[Any] | None = None
    default: Any = None
    has_default: bool = False
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    item_type: str | None = None

    @property
    def flag(self) -> str:
        return f"--{self.option}"

    @property
    def dotted(self) -> str:
        return ".".join(("spec", *self.path))


@dataclass
class Registry:
    types: dict[str, ClaimType] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # type name -> why it is unusable

    def names(self) -> list[str]:
        return list(self.types)

    def get(self, name: str) -> ClaimType:
        key = self.aliases.get(name, name)
        if key in self.types:
            return self.types[key]
        if key in self.errors:
            raise UsageError(f"claim type {name!r} cannot be used: {self.errors[key]}")
        known = ", ".join(sorted({*self.types, *self.aliases}))
        raise UsageError(
            f"unknown claim type {name!r}",
            hint=f"known types: {known} (platformctl provision types)",
        )

    def find(self, name: str) -> ClaimType | None:
        key = self.aliases.get(name, name)
        return self.types.get(key)


def _kebab(name: str) -> str:
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", name)
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1-\2", name)
    return re.sub(r"[^a-zA-Z0-9]+", "-", name).strip("-").lower()


def load_registry(platforms: list[Any], *, strict: bool = False) -> Registry:
    """Claim types of ``platforms`` (Config.platforms, embedded first)."""
    registry = Registry()
    for layer in platforms:
        entries = (layer.data or {}).get("claim_types") or []
        manifest = str(Path(layer.root) / "platform.yaml")
        if not isinstance(entries, list):
            raise InputFileError("'claim_types' must be a list", file=manifest)
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict) or not entry.get("name") or not entry.get("xrd"):
                raise InputFileError(
                    f"claim_types[{index}] needs 'name' and 'xrd'",
                    file=manifest,
                    hint="each claim type names a Crossplane XRD file: {name: db, xrd: path.yaml}",
                )
            name = str(entry["name"])
            extra_aliases = []
            if name in registry.aliases:  # replacing a type by one of its aliases
                extra_aliases.append(name)
                name = registry.aliases[name]
            previous = registry.types.pop(name, None)
            registry.errors.pop(name, None)
            if previous:
                for alias in previous.aliases:
                    registry.aliases.pop(alias, None)
            path = Path(layer.root) / str(entry["xrd"])
            try:
                xrd = load_xrd(path)
            except UsageError as exc:
                if strict:
                    raise
                registry.errors[name] = exc.render()
                continue
            aliases = [str(a) for a in entry.get("aliases") or []] + extra_aliases
            selector = {
                str(k): str(v) for k, v in (entry.get("composition_selector") or {}).items()
            }
            registry.types[name] = ClaimType(
                name=name,
                xrd=xrd,
                aliases=aliases,
                resource_type=str(entry.get("resource_type") or "resource"),
                composition_selector=selector,
                platform=layer.name,
                xrd_path=path,
            )
            for alias in aliases:
                registry.aliases[alias] = name
    return registry


def registry_from_config(config: Any = None, *, strict: bool = False) -> Registry:
    if config is None:
        from platformctl.core import config as config_mod

        config = config_mod.load()
    return load_registry(config.platforms, strict=strict)


# --- parameters --------------------------------------------------------------------------


def parameters(xrd: XRD, *, max_depth: int = 3) -> list[Param]:
    """CLI parameters derived from the XRD's spec schema (scalars and scalar lists)."""
    spec = xrd.parameters_schema()
    found: list[Param] = []

    def visit(node: dict[str, Any], path: tuple[str, ...], present: bool, depth: int) -> None:
        props = node.get("properties") or {}
        required = set(node.get("required") or [])
        for key, sub in props.items():
            if not isinstance(sub, dict) or (not path and key in CROSSPLANE_FIELDS):
                continue
            child_path = (*path, key)
            child_present = present and (key in required)
            kind = "int-or-string" if sub.get(schemas.INT_OR_STRING) else sub.get("type")
            if kind == "object" and sub.get("properties") and depth < max_depth:
                visit(sub, child_path, child_present or "default" in sub, depth + 1)
                continue
            item_type = None
            if kind == "array":
                items = sub.get("items") or {}
                item_type = items.get("type")
                if item_type not in SCALARS:
                    continue
            elif kind not in (*SCALARS, "int-or-string"):
                continue
            found.append(
                Param(
                    path=child_path,
                    option="",
                    type=str(kind),
                    description=" ".join(str(sub.get("description") or "").split()),
                    enum=list(sub["enum"])
                    if sub.get("enum")
                    else (list((sub.get("items") or {}).get("enum") or []) or None),
                    default=sub.get("default"),
                    has_default="default" in sub,
                    required=child_present and "default" not in sub,
                    minimum=sub.get("minimum"),
                    maximum=sub.get("maximum"),
                    pattern=sub.get("pattern"),
                    item_type=item_type,
                )
            )

    visit(spec, (), True, 0)

    # option names: path without a leading "parameters", kebab-case; full path on collisions
    def short(p: Param) -> str:
        parts = p.path[1:] if len(p.path) > 1 and p.path[0] == "parameters" else p.path
        return "-".join(_kebab(x) for x in parts)

    counts: dict[str, int] = {}
    for p in found:
        counts[short(p)] = counts.get(short(p), 0) + 1
    for p in found:
        option = short(p)
        if counts[option] > 1:
            option = "-".join(_kebab(x) for x in p.path)
        if option in RESERVED_OPTIONS:
            option = "param-" + option
        p.option = option
    return found


_TRUE = {"true", "yes", "y", "on", "1"}
_FALSE = {"false", "no", "n", "off", "0"}


def coerce(raw: Any, sub: dict[str, Any] | None, where: str) -> Any:
    """A command-line string -> the JSON value the schema at ``where`` wants."""
    if not isinstance(raw, str):
        return raw
    sub = sub or {}
    kind = "int-or-string" if sub.get(schemas.INT_OR_STRING) else sub.get("type")
    text = raw.strip()
    if kind == "string":
        return raw
    if kind == "boolean":
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise UsageError(f"{where}: {raw!r} is not a boolean", hint="use true or false")
    if kind == "integer":
        try:
            return int(text, 10)
        except ValueError:
            raise UsageError(f"{where}: {raw!r} is not an integer") from None
    if kind == "number":
        try:
            number = float(text)
        except ValueError:
            raise UsageError(f"{where}: {raw!r} is not a number") from None
        return int(number) if number.is_integer() and "." not in text else number
    if kind == "int-or-string":
        return int(text) if re.fullmatch(r"[-+]?[0-9]+", text) else raw
    if kind == "array":
        if text.startswith("["):
            return _flow(text, where)
        items = sub.get("items") or {}
        return [coerce(part.strip(), items, where) for part in text.split(",") if part.strip()]
    if text.startswith(("{", "[")):
        return _flow(text, where)
    return yamlio.resolve_plain(text) if text else ""


def _flow(text: str, where: str) -> Any:
    loaded = yamlio.load_text(text, where)
    if not loaded.ok or not loaded.documents:
        raise UsageError(f"{where}: cannot parse {text!r} as a YAML/JSON value")
    return loaded.documents[0].data


def _set_path(target: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = target
    for key in path[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = {}
            node[key] = child
        node = child
    node[path[-1]] = value


def _get_path(target: Any, path: tuple[str, ...]) -> Any:
    node = target
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def parse_set(expression: str, object_schema: dict[str, Any]) -> tuple[tuple[str, ...], Any]:
    """``--set parameters.size=medium`` -> (("spec","parameters","size"), "medium")."""
    if "=" not in expression:
        raise UsageError(
            f"--set {expression!r}: expected path=value", hint="e.g. --set parameters.size=medium"
        )
    key, _, raw = expression.partition("=")
    key = key.strip()
    if not key:
        raise UsageError(
            f"--set {expression!r}: empty path", hint="e.g. --set parameters.size=medium"
        )
    parts = tuple(key.split("."))
    if any(not p for p in parts):
        raise UsageError(
            f"--set {key}: empty field name in the path",
            hint="separate field names with single dots, e.g. --set parameters.size=medium",
        )
    if parts[0] not in ("spec", "metadata"):
        parts = ("spec", *parts)
    if parts[0] == "metadata" and (
        parts[1:2] not in (("labels",), ("annotations",)) or len(parts) < 3
    ):
        raise UsageError(
            f"--set {key}: only metadata.labels.KEY and metadata.annotations.KEY can be set",
            hint="e.g. --set metadata.labels.team=payments",
        )
    if parts[0] == "metadata":  # label and annotation keys have dots: app.kubernetes.io/name
        parts = (*parts[:2], ".".join(parts[2:]))
    sub = schemas.at(object_schema, parts)
    if sub is None:
        parent = schemas.at(object_schema, parts[:-1]) or {}
        known = sorted((parent.get("properties") or {}).keys())
        raise UsageError(
            f"--set {key}: unknown field {'.'.join(parts)}",
            hint=f"fields at {'.'.join(parts[:-1])}: {', '.join(known)}"
            if known
            else f"{'.'.join(parts[:-1])} has no fields to set; "
            "platformctl provision explain TYPE lists them",
        )
    if parts[0] == "metadata":
        sub = {"type": "string"}
    return parts, coerce(raw, sub, f"--set {key}")


@dataclass
class BuiltClaim:
    claim_type: ClaimType
    object: dict[str, Any]
    errors: list[schemas.FieldProblem] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.unknown

    @property
    def name(self) -> str:
        return str(self.object["metadata"]["name"])

    @property
    def namespace(self) -> str | None:
        return self.object["metadata"].get("namespace")

    @property
    def kind(self) -> str:
        return str(self.object["kind"])

    @property
    def request_id(self) -> str:
        return str(self.object["metadata"]["annotations"][REQUEST_ID])


def check_name(name: str) -> None:
    if not name or len(name) > 63 or not NAME_RE.match(name):
        raise UsageError(
            f"invalid name {name!r}",
            hint="use lower-case letters, digits and '-', starting and ending with a letter or "
            "digit, at most 63 characters (a Kubernetes DNS label)",
        )


def request_id(obj: dict[str, Any]) -> str:
    """Deterministic id of a request: the same input always gives the same id (idempotence)."""
    meta = obj.get("metadata") or {}
    basis = {
        "apiVersion": obj.get("apiVersion"),
        "kind": obj.get("kind"),
        "namespace": meta.get("namespace"),
        "name": meta.get("name"),
        "spec": obj.get("spec"),
    }
    digest = hashlib.sha256(json.dumps(basis, sort_keys=True, default=str).encode()).hexdigest()
    return f"req-{digest[:16]}"


def requested_with_platformctl(obj: Any) -> bool:
    """Whether a claim (a file's document or a cluster object) was built by ``platformctl
    provision``: every claim it builds carries ``app.kubernetes.io/managed-by: platformctl`` and
    the ``platformctl.io/request-id`` annotation (``build_claim``), whether it was then applied
    with field manager ``platformctl`` or committed in GitOps mode. A claim written by hand
    (a raw manifest) has neither."""
    meta = obj.get("metadata") if isinstance(obj, dict) else None
    if not isinstance(meta, dict):
        return False
    labels, annotations = meta.get("labels"), meta.get("annotations")
    return (isinstance(labels, dict) and labels.get(MANAGED_BY) == "platformctl") or (
        isinstance(annotations, dict) and REQUEST_ID in annotations
    )


def missing_required(
    claim_type: ClaimType, values: dict[str, Any], sets: dict[tuple[str, ...], Any]
) -> list[Param]:
    """Required parameters with no value from options, --set or a default."""
    out = []
    for p in claim_type.params:
        if not p.required:
            continue
        if values.get(p.option) is not None or ("spec", *p.path) in sets:
            continue
        out.append(p)
    return out


def build_claim(
    claim_type: ClaimType,
    name: str,
    *,
    namespace: str | None,
    values: dict[str, Any] | None = None,
    sets: list[str] | None = None,
    connection_secret: str | None = None,
) -> BuiltClaim:
    """Turn option values (by option name) and ``--set`` expressions into a validated claim.

    Defaults are applied as the API server would, so the printed claim is what gets stored.
    Unknown fields are errors here (the server would silently prune them).
    """
    check_name(name)
    xrd = claim_type.xrd
    object_schema = xrd.object_schema()
    by_option = {p.option: p for p in claim_type.params}
    spec: dict[str, Any] = {}
    for option, raw in (values or {}).items():
        if raw is None:
            continue
        param = by_option.get(option)
        if param is None:
            raise UsageError(
                f"unknown parameter --{option} for {claim_type.name}",
                hint=f"parameters: {', '.join(p.flag for p in claim_type.params)}",
            )
        sub = schemas.at(object_schema, ("spec", *param.path))
        _set_path(spec, param.path, coerce(raw, sub, param.flag))
    obj: dict[str, Any] = {
        "apiVersion": xrd.api_version_of_request,
        "kind": xrd.request_kind,
        "metadata": {"name": name},
        "spec": spec,
    }
    if xrd.request_namespaced:
        obj["metadata"]["namespace"] = namespace or "default"
    for expression in sets or []:
        path, value = parse_set(expression, object_schema)
        _set_path(obj, path, value)
    result = schemas.validate(obj, object_schema)
    built = dict(result.value)
    spec = built.setdefault("spec", {})
    # The Composition to use, from the selector labels of the claim type.
    if claim_type.composition_selector:
        labels = {}
        for label, field_path in claim_type.composition_selector.items():
            value = _get_path(spec, tuple(field_path.split(".")))
            if value is not None:
                labels[label] = str(value).lower() if isinstance(value, bool) else str(value)
        if labels:
            selector = {"matchLabels": labels}
            if xrd.legacy_fields:
                spec.setdefault("compositionSelector", selector)
            else:
                spec.setdefault("crossplane", {}).setdefault("compositionSelector", selector)
    if xrd.legacy_fields and xrd.request_is_claim:
        spec.setdefault(
            "writeConnectionSecretToRef", {"name": connection_secret or f"{name}-connection"}
        )
    elif xrd.legacy_fields:
        spec.setdefault(
            "writeConnectionSecretToRef",
            {
                "name": connection_secret or f"{name}-connection",
                "namespace": namespace or "crossplane-system",
            },
        )
    meta = built["metadata"]
    labels = meta.setdefault("labels", {})
    labels.setdefault(MANAGED_BY, "platformctl")
    labels.setdefault(CLAIM_TYPE_LABEL, claim_type.name)
    annotations = meta.setdefault("annotations", {})
    annotations.pop(REQUEST_ID, None)
    annotations[REQUEST_ID] = request_id(built)
    ordered = {
        "apiVersion": built["apiVersion"],
        "kind": built["kind"],
        "metadata": built["metadata"],
        "spec": built["spec"],
    }
    return BuiltClaim(claim_type, ordered, list(result.errors), list(result.pruned))


def connection_secret_ref(obj: dict[str, Any], xrd: XRD) -> tuple[str | None, str | None]:
    """(namespace, name) of the connection secret a claim/XR asks for."""
    spec = obj.get("spec") or {}
    meta = obj.get("metadata") or {}
    ref = spec.get("writeConnectionSecretToRef") or {}
    if ref.get("name"):
        return ref.get("namespace") or meta.get("namespace"), ref["name"]
    if not xrd.legacy_fields:  # v2: the composition writes <name>-connection by convention
        return meta.get("namespace"), f"{meta.get('name')}-connection"
    return None, None


# --- validating existing documents (corpus, GitOps files) ---------------------------------


def validate_object(xrd: XRD, obj: dict[str, Any]) -> schemas.Validation:
    """Validate a claim or XR document against an XRD; a kind/group mismatch is an error."""
    api_version = str(obj.get("apiVersion") or "")
    group, _, version = api_version.rpartition("/")
    kind = obj.get("kind")
    names = f"{xrd.kind}" + (f"/{xrd.claim_kind}" if xrd.claim_kind else "")
    if group != xrd.group or kind not in (xrd.kind, xrd.claim_kind):
        return schemas.Validation(
            obj,
            [
                schemas.FieldProblem(
                    "apiVersion",
                    f"{api_version} {kind} does not match XRD {xrd.name} "
                    f"(group {xrd.group}, kinds {names})",
                )
            ],
        )
    if xrd.served_version(version) is None:
        served = ", ".join(v.name for v in xrd.versions if v.served)
        return schemas.Validation(
            obj,
            [
                schemas.FieldProblem(
                    "apiVersion", f"version {version} is not served; served: {served}"
                )
            ],
        )
    is_claim = kind == xrd.claim_kind and kind != xrd.kind
    return schemas.validate(obj, xrd.object_schema(version, claim=is_claim))
