"""``catalog init``: a catalog-info.yaml for an existing repository, inferred from what it holds.

* name: the project's own name (``pyproject.toml`` ``[project]`` or ``[tool.poetry]``,
  ``package.json`` without its ``@scope/``, the last element of the ``go.mod`` module path),
  else the git remote's repository name, else the folder name, sanitised to Backstage's name
  rules (``[a-z0-9]`` runs separated by one of ``-_.``, at most 63 characters);
* description: the project's own description (``pyproject.toml``, ``package.json``), else an
  explicit ``TODO`` placeholder;
* owner: the default (``*``) owner in CODEOWNERS (``@org/team`` -> ``group:default/team``,
  ``@user`` -> ``user:default/user``), else asked; always a reference to a Group or a User;
* annotations: ``github.com/project-slug`` from a GitHub remote, ``backstage.io/techdocs-ref:
  dir:.`` when ``mkdocs.yml`` exists;
* ``spec.type``: service (Dockerfile, Kubernetes manifests or a server framework dependency),
  website (package.json with react/vue/next/..., or index.html), else library;
* lifecycle: asked; one of the platform's allowed lifecycles;
* placeholders: for each catalog rule of the scorecards that apply whose declared fix is a
  stub (``TODO``), that stub (``placeholders``): the file says exactly what is left to fill in,
  and ``platformctl check`` keeps failing those rules until someone does.

``plan`` gathers inferences and what is still missing; ``render`` makes the YAML text; the CLI
asks (or raises MissingInputError) and validates with the catalog validator before ``write``.

* ``model``         keys, dependency tables, ``Inferred``, ``InitPlan``
* ``names``         entity name rules
* ``repository``    git remote, CODEOWNERS, project manifests
* ``project_type``  service / website / library
* ``answers``       ``plan``, ``check_answer``, ``normalise``
* ``placeholders``  ``add_placeholders``
* ``output``        ``render``, ``write``

Every name stays importable from ``platformctl.core.catalog.generate``."""

from __future__ import annotations

from platformctl.core.catalog.generate.answers import (
    _KIND_OK,
    _check_ref,
    check_answer,
    full_owner_ref,
    normalise,
    plan,
)
from platformctl.core.catalog.generate.model import (
    CODEOWNERS_PATHS,
    FILENAME,
    K8S_DIRS,
    K8S_KINDS,
    KEYS,
    LIFECYCLES,
    NAME_MAX,
    REQUIRED,
    SERVER_DEPS_GO,
    SERVER_DEPS_JS,
    SERVER_DEPS_JVM,
    SERVER_DEPS_PY,
    TYPES,
    WEBSITE_DEPS_JS,
    Inferred,
    InitPlan,
)
from platformctl.core.catalog.generate.names import (
    _NAME_OK,
    sanitize_name,
    valid_name,
)
from platformctl.core.catalog.generate.output import (
    _dumper,
    render,
    write,
)
from platformctl.core.catalog.generate.placeholders import (
    DESCRIPTION_PLACEHOLDER,
    OWNER_KINDS,
    _as_list,
    add_placeholders,
)
from platformctl.core.catalog.generate.project_type import (
    _REQ_NAME,
    _k8s_manifests,
    _package_json_deps,
    _python_deps,
    _read,
    infer_type,
)
from platformctl.core.catalog.generate.repository import (
    Manifest,
    Remote,
    _owner_ref,
    _remote_url,
    _text,
    owner_from_codeowners,
    parse_remote,
    read_manifests,
)

__all__ = [
    "CODEOWNERS_PATHS",
    "DESCRIPTION_PLACEHOLDER",
    "FILENAME",
    "Inferred",
    "InitPlan",
    "K8S_DIRS",
    "K8S_KINDS",
    "KEYS",
    "LIFECYCLES",
    "Manifest",
    "NAME_MAX",
    "OWNER_KINDS",
    "REQUIRED",
    "Remote",
    "SERVER_DEPS_GO",
    "SERVER_DEPS_JS",
    "SERVER_DEPS_JVM",
    "SERVER_DEPS_PY",
    "TYPES",
    "WEBSITE_DEPS_JS",
    "_KIND_OK",
    "_NAME_OK",
    "_REQ_NAME",
    "_as_list",
    "_check_ref",
    "_dumper",
    "_k8s_manifests",
    "_owner_ref",
    "_package_json_deps",
    "_python_deps",
    "_read",
    "_remote_url",
    "_text",
    "add_placeholders",
    "check_answer",
    "full_owner_ref",
    "infer_type",
    "normalise",
    "owner_from_codeowners",
    "parse_remote",
    "plan",
    "read_manifests",
    "render",
    "sanitize_name",
    "valid_name",
    "write",
]
