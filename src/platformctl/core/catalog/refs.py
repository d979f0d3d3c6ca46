"""Entity references the way ``@backstage/catalog-model`` parses them (``entity/ref.ts``).

``[<kind>:][<namespace>/]<name>``: a ``/`` before the first ``:`` means there is no kind;
missing parts come from the caller's defaults; an empty part is an error.  Also the relation
fields Backstage's ``BuiltinKindsEntityProcessor`` turns into relations, with the default
kind it assumes for each.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_NAMESPACE = "default"


class EntityRefError(ValueError):
    """A reference that Backstage's ``parseEntityRef`` would reject."""


@dataclass(frozen=True)
class EntityRef:
    kind: str
    namespace: str
    name: str

    def __str__(self) -> str:
        return f"{self.kind.lower()}:{self.namespace}/{self.name}"

    @property
    def key(self) -> tuple[str, str, str]:
        """Comparison key: Backstage compares refs case-insensitively."""
        return (self.kind.lower(), self.namespace.lower(), self.name.lower())


def split_written(ref: str) -> tuple[str | None, str | None, str]:
    """The parts of ``ref`` as written: ``None`` for a part left out, ``""`` for an empty one
    (which ``parse_entity_ref`` rejects)."""
    colon = ref.find(":")
    slash = ref.find("/")
    if slash != -1 and slash < colon:
        colon = -1
    kind = None if colon == -1 else ref[:colon]
    namespace = None if slash == -1 else ref[colon + 1 : slash]
    name = ref[max(colon + 1, slash + 1) :]
    return kind, namespace, name


def _split(ref: str) -> tuple[str | None, str | None, str]:
    kind, namespace, name = split_written(ref)
    if kind == "" or namespace == "" or name == "":
        raise EntityRefError(
            f'entity reference "{ref}" is not of the form [<kind>:][<namespace>/]<name>'
        )
    return kind, namespace, name


def parse_entity_ref(
    ref: object,
    default_kind: str | None = None,
    default_namespace: str = DEFAULT_NAMESPACE,
) -> EntityRef:
    """Parse ``ref`` with Backstage's ``parseEntityRef`` semantics; raise EntityRefError."""
    if not ref:
        raise EntityRefError("entity reference must not be empty")
    if not isinstance(ref, str):
        raise EntityRefError(f"entity reference must be a string, not {type(ref).__name__}")
    kind, namespace, name = _split(ref)
    kind = kind if kind is not None else default_kind
    namespace = namespace if namespace is not None else (default_namespace or DEFAULT_NAMESPACE)
    if not kind:
        raise EntityRefError(
            f'entity reference "{ref}" has no kind (e.g. did not start with "component:" '
            "or similar) and this field has no default kind"
        )
    return EntityRef(kind, namespace, name)


def _js_truthy(value: object) -> bool:
    if value is None or value is False or value == "":
        return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value == value and value != 0
    return True


def check_relation_target(
    ref: object, default_kind: str | None, default_namespace: str = DEFAULT_NAMESPACE
) -> EntityRef | None:
    """``parseEntityRef`` on any YAML value, as BuiltinKindsEntityProcessor calls it on each
    item of a relation field: a string is parsed; any other value is read as the compound form
    ``{kind, namespace, name}`` (so a number, a list or ``{}`` lacks a name, while
    ``{name: x}`` is a valid reference).  Raises EntityRefError; the parsed ref for strings,
    None for a valid compound form."""
    if isinstance(ref, str) or not _js_truthy(ref):
        return parse_entity_ref(ref, default_kind, default_namespace)
    fields = ref if isinstance(ref, dict) else {}
    kind = fields.get("kind")
    namespace = fields.get("namespace")
    kind = default_kind if kind is None else kind
    namespace = (default_namespace or DEFAULT_NAMESPACE) if namespace is None else namespace
    shown = _json_text(ref)
    if not _js_truthy(kind):
        raise EntityRefError(
            f'entity reference {shown} has no kind (e.g. did not start with "component:" '
            "or similar) and this field has no default kind"
        )
    if not _js_truthy(namespace):
        raise EntityRefError(f"entity reference {shown} has a missing or empty namespace")
    if not _js_truthy(fields.get("name")):
        raise EntityRefError(
            f"entity reference {shown} has a missing or empty name "
            "(write a string such as kind:namespace/name)"
        )
    return None


def _json_text(value: object) -> str:
    import json

    try:
        return json.dumps(value, default=str, allow_nan=True)
    except (TypeError, ValueError):
        return str(value)


def stringify_entity_ref(kind: str, namespace: str | None, name: str) -> str:
    """``kind:namespace/name`` with the kind lower-cased (Backstage lower-cases all parts;
    we keep the namespace and name as written so messages match the file)."""
    return f"{str(kind).lower()}:{namespace or DEFAULT_NAMESPACE}/{name}"


# kind -> [(spec field, default kind or None)] as BuiltinKindsEntityProcessor.postProcessEntity
RELATION_FIELDS: dict[str, tuple[tuple[str, str | None], ...]] = {
    "Component": (
        ("owner", "Group"),
        ("subcomponentOf", "Component"),
        ("providesApis", "API"),
        ("consumesApis", "API"),
        ("dependsOn", None),
        ("dependencyOf", None),
        ("system", "System"),
    ),
    "API": (("owner", "Group"), ("system", "System")),
    "Resource": (
        ("owner", "Group"),
        ("dependsOn", None),
        ("dependencyOf", None),
        ("system", "System"),
    ),
    "User": (("memberOf", "Group"),),
    "Group": (("parent", "Group"), ("children", "Group"), ("members", "User")),
    "System": (("owner", "Group"), ("domain", "Domain")),
    "Domain": (("owner", "Group"), ("subdomainOf", "Domain")),
    # Not emitted by Backstage as relations, but checked by us as references.
    "Template": (("owner", "Group"),),
}
