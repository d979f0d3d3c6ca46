"""The results of ``catalog validate``: entity records, relation references (with their
positions found lazily), the result and the rule catalogue; constants of Backstage's model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from platformctl.core import yamlio
from platformctl.core.report import Report, RuleInfo

ANNOTATION_LOCATION = "backstage.io/managed-by-location"
ANNOTATION_ORIGIN_LOCATION = "backstage.io/managed-by-origin-location"
ANNOTATION_TECHDOCS = "backstage.io/techdocs-ref"
KNOWN_ROOT_FIELDS = ("apiVersion", "kind", "metadata", "spec")
ALLOWED_LOCATION_TYPES = ("url",)
PLACEHOLDER_RESOLVERS = ("text", "json", "yaml")
CATALOG_FILENAMES = ("catalog-info.yaml", "catalog-info.yml")
CATALOG_SUFFIX = ".catalog.yaml"
SKIP_DIRS = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".nox"})
ADR_URL = (
    "https://github.com/backstage/backstage/blob/master/docs/architecture-decisions/"
    "adr002-default-catalog-file-format.md"
)


class EntityRecord:
    """One entity that passed the envelope: its ref and where it is.

    ``data`` is the document as read (before placeholders).  Records made from a worker
    process's results carry no data (pickling every entity back was a third of the fan-out's
    cost, and only ``--server`` needs it): it is read from the file again when asked for."""

    __slots__ = ("ref", "kind", "namespace", "name", "file", "document", "_data", "doc")

    def __init__(
        self,
        ref: str,
        kind: str,
        namespace: str,
        name: str,
        file: str,
        document: int,
        data: dict[str, Any] | None,
        doc: yamlio.Document,
    ) -> None:
        self.ref = ref
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.file = file
        self.document = document
        self._data = data
        self.doc = doc

    @property
    def data(self) -> dict[str, Any]:
        if self._data is None:
            self._data = self.doc.data = _reread(self.doc, self.document)
        return self._data

    def __repr__(self) -> str:
        return f"EntityRecord({self.ref!r}, {self.file!r}, document {self.document})"


def _reread(doc: yamlio.Document, index: int) -> dict[str, Any]:
    source = doc.source
    path = source.path if source is not None else None
    if path is None:
        raise LookupError(f"the data of document {index + 1} was not kept")
    for document in yamlio.load_file(path, backstage=True).documents:
        if document.index == index and isinstance(document.data, dict):
            return document.data
    raise LookupError(f"{path}: document {index + 1} is no longer an entity")


class RelationRef:
    """A relation (``spec.owner`` etc.) of an entity to a target ref.

    Its position is found in the YAML document only when asked for (``line``/``column``):
    most relations resolve, and only unresolved ones become findings."""

    __slots__ = ("source", "field", "target", "file", "document", "resolved", "_pos", "_where")

    def __init__(
        self,
        source: str,
        field: str,
        target: str,
        file: str,
        line: int | None,
        column: int | None,
        document: int,
        resolved: bool,
        *,
        where: tuple[yamlio.Document, tuple[Any, ...]] | None = None,
    ) -> None:
        self.source = source
        self.field = field
        self.target = target
        self.file = file
        self.document = document
        self.resolved = resolved
        self._pos: tuple[int | None, int | None] = (line, column)
        self._where = where

    def _position(self) -> tuple[int | None, int | None]:
        if self._where is not None:
            doc, path = self._where
            self._where = None
            self._pos = doc.position(path)
        return self._pos

    @property
    def line(self) -> int | None:
        return self._position()[0]

    @property
    def column(self) -> int | None:
        return self._position()[1]

    def __getstate__(self) -> dict[str, Any]:
        # shipped from worker processes: the position, not the document's node graph
        self._position()
        return {name: getattr(self, name) for name in self.__slots__}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            setattr(self, name, value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RelationRef):
            return NotImplemented
        return self.__getstate__() == other.__getstate__()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"RelationRef(source={self.source!r}, field={self.field!r}, "
            f"target={self.target!r}, file={self.file!r}, line={self.line!r}, "
            f"column={self.column!r}, document={self.document!r}, resolved={self.resolved!r})"
        )


@dataclass
class ValidationResult:
    report: Report
    entities: list[EntityRecord]
    relations: list[RelationRef]
    input_errors: bool


RULES: dict[str, RuleInfo] = {
    r.id: r
    for r in (
        RuleInfo("yaml/syntax", "The file is not valid YAML 1.2"),
        RuleInfo(
            "yaml/not-a-mapping", "A YAML document is not a mapping (Backstage expects an object)"
        ),
        RuleInfo(
            "backstage/file-rejected",
            "Backstage rejects the whole file when any document fails to read",
        ),
        RuleInfo(
            "backstage/envelope", "apiVersion, kind and metadata.name must be non-empty strings"
        ),
        RuleInfo("backstage/annotations-not-object", "metadata.annotations must be a mapping"),
        RuleInfo(
            "backstage/placeholder", "A $text/$json/$yaml placeholder needs a string location"
        ),
        RuleInfo("backstage/schema", "The entity does not match Backstage's Entity schema"),
        RuleInfo(
            "backstage/unknown-root-field",
            "Only apiVersion, kind, metadata and spec may appear at the top level",
        ),
        RuleInfo(
            "backstage/field-format",
            "A field does not have the format Backstage requires",
            url=ADR_URL,
        ),
        RuleInfo("backstage/unknown-kind", "No processor recognises this kind and apiVersion"),
        RuleInfo("backstage/kind-schema", "The entity does not match the schema of its kind"),
        RuleInfo("backstage/location-type", "Location entities must be of an allowed type"),
        RuleInfo("backstage/invalid-ref", "A relation field is not a valid entity reference"),
        RuleInfo(
            "refs/unresolved", "A relation points to an entity not defined in the validated files"
        ),
        RuleInfo("refs/duplicate-entity", "Two documents define the same entity"),
        RuleInfo("refs/placeholder-missing", "A placeholder's relative target does not exist"),
        RuleInfo(
            "refs/placeholder-unparsable", "A $json/$yaml placeholder's target does not parse"
        ),
        RuleInfo("refs/techdocs-missing", "backstage.io/techdocs-ref dir: has no mkdocs.yml"),
        RuleInfo("refs/location-target-missing", "A relative Location target does not exist"),
        RuleInfo("org/name-length", "The entity name is longer than the platform allows"),
        RuleInfo("org/lifecycle", "spec.lifecycle is not one the platform allows"),
        RuleInfo("org/type", "spec.type is not one the platform allows for this kind"),
        RuleInfo("org/required-annotation", "An annotation the platform requires is missing"),
        RuleInfo(
            "org/custom-kind", "The entity does not match the platform's schema for this kind"
        ),
        RuleInfo(
            "org/owner-kind",
            "spec.owner must reference one of the platform's owner kinds (Group or User)",
        ),
        RuleInfo("org/ref-kind", "A written reference's kind is not a known, valid entity kind"),
        RuleInfo(
            "org/ref-namespace", "A written reference's namespace is not a valid entity namespace"
        ),
        RuleInfo("org/ref-name", "A written reference's name is not a valid entity name"),
    )
}
