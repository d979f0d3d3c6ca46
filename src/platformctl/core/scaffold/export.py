"""Export a golden path as a Backstage scaffolder Template (``scaffolder.backstage.io/v1beta3``).

One template, two front-ends: the portal offers the same copier template the CLI renders.

* **Parameters** come from the golden path's ``copier.yml``: one JSON Schema property per asked
  question (computed ``when: false`` questions are left out), grouped into pages
  (:data:`PAGES`), with types, literal defaults, ``enum``/``oneOf`` from ``choices``, ``pattern``,
  lengths and bounds from the validators where they can be expressed (:func:`validator_schema`),
  pickers for entity references (:data:`ENTITY_PICKERS`), ``ui:field: Secret`` for secrets and
  ``when`` as conditional ``dependencies`` (:func:`parse_when`).
* **Steps** run the custom scaffolder action ``platformctl:new`` (:data:`ACTION_FILE`, exported
  alongside), which calls ``platformctl new`` with the answers; then ``publish:github`` and
  ``catalog:register``.  We do not export a ``fetch:template`` skeleton: copier's Jinja
  (filters such as ``regex_search``, Python expressions in computed answers, templated file
  names, ``_subdirectory``) is not Nunjucks, and a converted copy would be a second template
  to keep in step.  Rendering with platformctl keeps one template, copier's own validators as
  the final check, and writes ``.copier-answers.yml`` so ``platformctl update`` works on
  repositories created in the portal (docs/how-to/backstage-templates.md).

Nothing here imports copier; the result is plain data that the CLI writes out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformctl.core import resources
from platformctl.core.errors import UsageError
from platformctl.core.scaffold.export_expressions import (
    TEMPLATED,
    Condition,
    choice_pairs,
    parse_when,
    validator_schema,
)
from platformctl.core.scaffold.questions import askable, read_questions
from platformctl.core.scaffold.registry import GoldenPath, Registry

API_VERSION = "scaffolder.backstage.io/v1beta3"
ACTION_ID = "platformctl:new"
ACTION_FILE = "platformctl-new-action.js"
TEMPLATE_FILE = "template.yaml"
LOCATION_FILE = "catalog-info.yaml"
ANNOTATION_PREFIX = "platformctl.io"

# Pages of the form, in order.  Shared question names (DESIGN.md §7) go on the first page,
# where the repository is published on the last one, everything else in between.  A question
# asked only under a ``when`` condition goes on the page of the question it depends on (JSON
# Schema ``dependencies`` only see properties of the same page).
PAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Basics", ("name", "description", "owner", "system", "lifecycle", "tier")),
    ("Options", ()),
    ("Repository", ("github_org", "repoUrl")),
)
# Questions whose answer is a catalog entity reference: (ui:field, entity kind).
ENTITY_PICKERS: dict[str, tuple[str, str]] = {
    "owner": ("OwnerPicker", "Group"),
    "system": ("EntityPicker", "System"),
    "domain": ("EntityPicker", "Domain"),
}
_TYPES = {"str": "string", "int": "integer", "float": "number", "bool": "boolean"}
# `platformctl new` checks NAME itself (create.validate_name) before copier sees it.
_NAME_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
_NAME_MAX = 63
_TAG_RE = re.compile(r"^[a-z0-9:+#]+(-[a-z0-9:+#]+)*\Z")


@dataclass
class Parameter:
    name: str
    schema: dict[str, Any]
    required: bool
    secret: bool
    condition: Condition | None = None
    page: str = "Options"


@dataclass
class BackstageExport:
    golden_path: str
    template: dict[str, Any]
    parameters: list[Parameter]
    notes: list[str] = field(default_factory=list)

    def files(self) -> dict[str, str]:
        """Relative file name -> text, as written to the output folder."""
        import yaml

        header = (
            f"# Backstage Template exported from the platformctl golden path "
            f"{self.golden_path!r}.\n"
            "# Regenerate with `platformctl golden-path export-backstage "
            f"{self.golden_path} --output DIR`; do not edit by hand.\n"
            f"# Its steps need the scaffolder action {ACTION_ID} ({ACTION_FILE}).\n"
        )
        body = yaml.safe_dump(
            self.template, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False
        )
        return {TEMPLATE_FILE: header + body, ACTION_FILE: action_source()}


def action_source() -> str:
    """The JavaScript of the ``platformctl:new`` scaffolder action (shipped with platformctl)."""
    return (resources.defaults_dir() / "backstage" / ACTION_FILE).read_text(encoding="utf-8")


# --- questions -> parameters ------------------------------------------------------------------


_WORDS = {"github": "GitHub", "gitlab": "GitLab", "api": "API", "url": "URL", "id": "ID"}


def _title(name: str) -> str:
    words = [w for w in name.replace("-", "_").split("_") if w]
    if not words:
        return name
    words = [_WORDS.get(w.lower(), w) for w in words]
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]])


def _literal(value: Any) -> bool:
    return not (isinstance(value, str) and TEMPLATED.search(value))


def parameter(
    name: str, question: Mapping[str, Any], questions: Mapping[str, Mapping[str, Any]]
) -> tuple[Parameter, list[str]]:
    """One copier question as a form field (and notes on what could not be carried over)."""
    notes: list[str] = []
    kind = str(question.get("type") or "str")
    schema: dict[str, Any] = {"title": _title(name)}
    json_type = _TYPES.get(kind)
    if json_type is None:  # yaml / json: typed as text, parsed by copier
        json_type = "string"
        schema["ui:widget"] = "textarea"
        notes.append(f"{name}: a {kind} answer is entered as text and parsed by copier")
    schema["type"] = json_type
    help_text = question.get("help")
    if isinstance(help_text, str) and help_text.strip():
        schema["description"] = " ".join(help_text.split())
    if "choices" in question:
        pairs = choice_pairs(question["choices"])
        choice: dict[str, Any] = {}
        if pairs is None:
            notes.append(f"{name}: its choices are computed by copier and not listed in the form")
        elif all(label == str(value) for label, value in pairs):
            choice["enum"] = [value for _, value in pairs]
        else:
            choice["oneOf"] = [{"const": value, "title": label} for label, value in pairs]
        if question.get("multiselect") and choice:
            # copier answers a list of the chosen values
            schema["type"] = "array"
            schema["items"] = {"type": json_type, **choice}
            schema["uniqueItems"] = True
            schema["ui:widget"] = "checkboxes"
        else:
            schema.update(choice)
    default = question.get("default")
    required = "default" not in question
    if "default" in question:
        if _literal(default):
            if default is not None:
                schema["default"] = default
        else:
            notes.append(
                f"{name}: its default is computed by copier from other answers "
                "(left empty in the form, filled in when the template runs)"
            )
    extra, complete = validator_schema(name, kind, question.get("validator"))
    if name == "name":
        extra.setdefault("maxLength", _NAME_MAX)
        if extra.get("pattern") != _NAME_PATTERN:
            extra.setdefault("allOf", []).append({"pattern": _NAME_PATTERN})
    schema.update(extra)
    if not complete:
        notes.append(
            f"{name}: its validator is only partly expressed in the form; copier checks the "
            "rest when the template runs"
        )
    if question.get("multiline") and json_type == "string":
        schema["ui:widget"] = "textarea"
    if isinstance(question.get("placeholder"), str):
        schema["ui:placeholder"] = question["placeholder"]
    secret = bool(question.get("secret"))
    if secret:
        schema["ui:field"] = "Secret"
        schema.pop("default", None)
    elif name in ENTITY_PICKERS and json_type == "string":
        field_name, entity_kind = ENTITY_PICKERS[name]
        schema["ui:field"] = field_name
        options: dict[str, Any] = {"catalogFilter": [{"kind": entity_kind}]}
        if isinstance(default, str) and _literal(default) and ":" not in default:
            # The golden path expects a plain name: the picker leaves out kind and namespace
            # when they are these defaults (otherwise it answers kind:namespace/name).
            options["defaultKind"] = entity_kind
            options["defaultNamespace"] = "default"
        schema["ui:options"] = options
    condition: Condition | None = None
    when = question.get("when", True)
    parsed = parse_when(when, questions)
    if isinstance(parsed, Condition):
        condition = parsed
    elif parsed is None:
        notes.append(
            f"{name}: its `when` ({when!r}) is not a condition on one yes/no or choice question; "
            "the form always asks it and copier decides whether it applies"
        )
    return Parameter(name, schema, required, secret, condition), notes


def _page_of(param: Parameter, by_name: Mapping[str, Parameter]) -> str:
    seen: set[str] = set()
    current = param
    while current.condition is not None and current.condition.controller in by_name:
        if current.name in seen:
            break
        seen.add(current.name)
        current = by_name[current.condition.controller]
    for title, names in PAGES:
        if current.name in names:
            return title
    return "Options"


def _pages(params: list[Parameter]) -> list[dict[str, Any]]:
    by_name = {p.name: p for p in params}
    for p in params:
        p.page = _page_of(p, by_name)
    pages: list[dict[str, Any]] = []
    for title, _ in PAGES:
        members = [p for p in params if p.page == title]
        if not members:
            continue
        page: dict[str, Any] = {"title": title}
        plain = [p for p in members if p.condition is None or p.condition.controller not in by_name]
        required = [p.name for p in plain if p.required]
        if required:
            page["required"] = required
        page["properties"] = {p.name: p.schema for p in plain}
        dependencies: dict[str, Any] = {}
        controllers = [
            c
            for c in by_name
            if any(p.condition is not None and p.condition.controller == c for p in members)
        ]
        for controller in controllers:
            dependents = [
                p
                for p in members
                if p.condition is not None and p.condition.controller == controller
            ]
            domain = _domain_of(by_name[controller])
            branches: list[tuple[list[Any], list[Parameter]]] = []
            for value in domain:
                asked = [p for p in dependents if value in p.condition.values]  # type: ignore[union-attr]
                for values, group in branches:
                    if [q.name for q in group] == [q.name for q in asked]:
                        values.append(value)
                        break
                else:
                    branches.append(([value], asked))
            one_of = []
            for values, group in branches:
                branch: dict[str, Any] = {
                    "properties": {
                        controller: {"enum": values},
                        **{q.name: q.schema for q in group},
                    }
                }
                needed = [q.name for q in group if q.required]
                if needed:
                    branch["required"] = needed
                one_of.append(branch)
            dependencies[controller] = {"oneOf": one_of}
        if dependencies:
            page["dependencies"] = dependencies
        pages.append(page)
    return pages


def _domain_of(param: Parameter) -> list[Any]:
    if param.schema.get("type") == "boolean":
        return [True, False]
    if "enum" in param.schema:
        return list(param.schema["enum"])
    return [item["const"] for item in param.schema.get("oneOf", [])]


# --- the Template ---------------------------------------------------------------------------


def _expression(param: Parameter) -> str:
    scope = "secrets" if param.secret else "parameters"
    return "${{ " + f"{scope}.{param.name}" + " }}"


def build_template(
    path: GoldenPath,
    questions: Mapping[str, Mapping[str, Any]],
    *,
    owner: str = "group:default/platform-team",
    template_type: str = "service",
) -> BackstageExport:
    notes: list[str] = []
    asked = askable(questions)
    params: list[Parameter] = []
    for name in asked:
        param, more = parameter(name, questions[name], questions)
        params.append(param)
        notes.extend(more)
    names = {p.name for p in params}
    if "name" not in names:
        params.insert(
            0,
            Parameter(
                "name",
                {
                    "title": "Name",
                    "type": "string",
                    "description": "Repository name (lowercase letters, digits, '-')",
                    "pattern": _NAME_PATTERN,
                    "maxLength": _NAME_MAX,
                },
                required=True,
                secret=False,
            ),
        )
    if "github_org" in names:
        repo_url = "github.com?owner=${{ parameters.github_org }}&repo=${{ parameters.name }}"
    else:
        params.append(
            Parameter(
                "repoUrl",
                {
                    "title": "Repository location",
                    "type": "string",
                    "ui:field": "RepoUrlPicker",
                    "ui:options": {"allowedHosts": ["github.com"]},
                },
                required=True,
                secret=False,
            )
        )
        repo_url = "${{ parameters.repoUrl }}"
    pages = _pages(params)
    answers = {p.name: _expression(p) for p in params if p.name not in ("name", "repoUrl")}
    tags = []
    for tag in path.tags:
        if _TAG_RE.match(tag) and len(tag) <= 63:
            tags.append(tag)
        else:
            notes.append(f"tag {tag!r} is not a valid Backstage tag and was left out")
    metadata: dict[str, Any] = {"name": path.name, "title": path.title}
    if path.description:
        metadata["description"] = path.description
    if tags:
        metadata["tags"] = tags
    metadata["annotations"] = {f"{ANNOTATION_PREFIX}/golden-path": path.name}
    if path.version:
        metadata["annotations"][f"{ANNOTATION_PREFIX}/golden-path-version"] = str(path.version)
    description = "${{ parameters.description }}" if "description" in names else path.title
    template = {
        "apiVersion": API_VERSION,
        "kind": "Template",
        "metadata": metadata,
        "spec": {
            "owner": owner,
            "type": template_type,
            "parameters": pages,
            "steps": [
                {
                    "id": "render",
                    "name": f"Render {path.name} with platformctl",
                    "action": ACTION_ID,
                    "input": {
                        "goldenPath": path.name,
                        "name": "${{ parameters.name }}",
                        "answers": answers,
                    },
                },
                {
                    "id": "publish",
                    "name": "Publish to GitHub",
                    "action": "publish:github",
                    "input": {
                        "repoUrl": repo_url,
                        "description": description,
                        "defaultBranch": "main",
                        "repoVisibility": "private",
                    },
                },
                {
                    "id": "register",
                    "name": "Register in the catalog",
                    "action": "catalog:register",
                    "input": {
                        "repoContentsUrl": "${{ steps['publish'].output.repoContentsUrl }}",
                        "catalogInfoPath": "/catalog-info.yaml",
                    },
                },
            ],
            "output": {
                "links": [
                    {"title": "Repository", "url": "${{ steps['publish'].output.remoteUrl }}"},
                    {
                        "title": "Open in catalog",
                        "icon": "catalog",
                        "entityRef": "${{ steps['register'].output.entityRef }}",
                    },
                ]
            },
        },
    }
    return BackstageExport(path.name, template, params, notes)


_REF_RE = re.compile(
    r"([a-zA-Z][a-z0-9A-Z]*:)?([a-z0-9]+(-+[a-z0-9]+)*/)?[A-Za-z0-9][-A-Za-z0-9_.]*\Z"
)


def export_backstage(
    registry: Registry,
    name: str,
    *,
    owner: str = "group:default/platform-team",
    template_type: str = "service",
) -> BackstageExport:
    """The Template of golden path ``name`` (UsageError for unknown names and bad options)."""
    if not _REF_RE.match(owner):
        raise UsageError(
            f"invalid --owner {owner!r}", hint="pass an entity reference, e.g. group:default/team"
        )
    if not re.match(r"[a-z0-9]+(-[a-z0-9]+)*\Z", template_type):
        raise UsageError(
            f"invalid --type {template_type!r}",
            hint="use a lowercase word such as service, website or library",
        )
    path = registry.resolve(name)
    if path.folder is None:
        raise UsageError(
            f"golden path {path.name} comes from {path.src} and has no local copier.yml to export",
            hint="export it from a checkout of its repository (a platform golden_paths folder)",
        )
    questions, _ = read_questions(path.folder)
    return build_template(path, questions, owner=owner, template_type=template_type)


def write_export(export: BackstageExport, output: Path, *, force: bool = False) -> list[Path]:
    """Write the Template and the action next to it; refuses to overwrite without ``force``."""
    return write_files(export.files(), output, force=force)


def export_all(
    registry: Registry,
    *,
    owner: str = "group:default/platform-team",
    template_type: str = "service",
) -> list[BackstageExport]:
    """Every golden path of the registry that has a local copier.yml."""
    return [
        export_backstage(registry, path.name, owner=owner, template_type=template_type)
        for path in registry.entries()
        if path.folder is not None
    ]


def all_files(exports: list[BackstageExport]) -> dict[str, str]:
    """``NAME/template.yaml`` per golden path, the action once, and a Location entity
    (``catalog-info.yaml``) that registers every Template at once."""
    import yaml

    files = {f"{e.golden_path}/{TEMPLATE_FILE}": e.files()[TEMPLATE_FILE] for e in exports}
    files[ACTION_FILE] = action_source()
    location = {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Location",
        "metadata": {
            "name": "platformctl-golden-paths",
            "description": "The platform's golden paths as software templates (platformctl).",
        },
        "spec": {"targets": [f"./{e.golden_path}/{TEMPLATE_FILE}" for e in exports]},
    }
    files[LOCATION_FILE] = (
        "# Register this file once; re-run `platformctl golden-path export-backstage --all`\n"
        "# when golden paths change.\n" + yaml.safe_dump(location, sort_keys=False)
    )
    return files


def write_files(files: dict[str, str], output: Path, *, force: bool = False) -> list[Path]:
    """Write ``files`` (relative name -> text) under ``output``, each atomically; refuses to
    overwrite without ``force``."""
    import os

    targets = [output / rel for rel in files]
    if output.exists() and not output.is_dir():
        raise UsageError(f"--output {output} exists and is not a folder")
    existing = [t for t in targets if t.exists()]
    if existing and not force:
        raise UsageError(
            f"{existing[0]} exists",
            hint="pass --force to replace it, or choose another --output folder",
        )
    for target, text in zip(targets, files.values(), strict=True):
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
    return targets


@dataclass
class Exported:
    exports: list[BackstageExport]
    written: list[Path]


def export_to(
    registry: Registry,
    name: str | None,
    output: Path,
    *,
    owner: str = "group:default/platform-team",
    template_type: str = "service",
    force: bool = False,
) -> Exported:
    """``golden-path export-backstage``: golden path NAME (None: every one with a local
    copier.yml, plus the Location that registers them) exported and written under OUTPUT."""
    if name is not None:
        exports = [export_backstage(registry, name, owner=owner, template_type=template_type)]
        return Exported(exports, write_export(exports[0], output, force=force))
    exports = export_all(registry, owner=owner, template_type=template_type)
    if not exports:
        raise UsageError("no golden path has a local copier.yml to export")
    return Exported(exports, write_files(all_files(exports), output, force=force))


def summary(export: BackstageExport) -> dict[str, Any]:
    """What the CLI prints with --format json."""
    meta = export.template["metadata"]
    return {
        "name": meta["name"],
        "title": meta["title"],
        "description": meta.get("description", ""),
        "parameters": [p.name for p in export.parameters],
        "notes": list(export.notes),
    }


__all__ = [
    "ACTION_FILE",
    "ACTION_ID",
    "TEMPLATE_FILE",
    "BackstageExport",
    "Exported",
    "build_template",
    "export_backstage",
    "export_to",
    "parse_when",
    "validator_schema",
    "write_export",
]
