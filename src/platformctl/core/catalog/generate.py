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
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformctl.core.errors import UsageError

FILENAME = "catalog-info.yaml"
NAME_MAX = 63
LIFECYCLES = ("experimental", "production", "deprecated")
TYPES = ("service", "website", "library")
# keys accepted by --data, in the order they are asked
KEYS = ("name", "owner", "lifecycle", "type", "description", "system", "title")
REQUIRED = ("name", "owner", "lifecycle", "type")

CODEOWNERS_PATHS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS")
SERVER_DEPS_PY = {
    "fastapi",
    "flask",
    "django",
    "starlette",
    "aiohttp",
    "uvicorn",
    "gunicorn",
    "tornado",
    "sanic",
    "litestar",
    "falcon",
    "pyramid",
    "grpcio",
}
SERVER_DEPS_JS = {"express", "fastify", "koa", "@nestjs/core", "@hapi/hapi", "hapi", "restify"}
SERVER_DEPS_GO = (
    "github.com/gin-gonic/gin",
    "github.com/labstack/echo",
    "github.com/gofiber/fiber",
    "github.com/go-chi/chi",
    "github.com/gorilla/mux",
    "google.golang.org/grpc",
)
SERVER_DEPS_JVM = ("spring-boot", "io.micronaut", "io.quarkus", "io.ktor")
WEBSITE_DEPS_JS = {
    "react",
    "react-dom",
    "vue",
    "next",
    "nuxt",
    "svelte",
    "@sveltejs/kit",
    "@angular/core",
    "gatsby",
    "astro",
    "solid-js",
    "preact",
}
K8S_DIRS = ("k8s", "kubernetes", "deploy", "manifests", "helm", "charts", "kustomize")
K8S_KINDS = re.compile(r"^kind:\s*(Deployment|StatefulSet|Service|Ingress|DaemonSet)\s*$", re.M)


@dataclass
class Inferred:
    value: str
    reason: str  # shown to the user: where the value came from


@dataclass
class InitPlan:
    root: Path
    path: Path
    values: dict[str, Inferred] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    remote: str | None = None
    links: list[dict[str, str]] = field(default_factory=list)
    # what is still a placeholder, for the file's header and the CLI: (what, rule id)
    placeholders: list[tuple[str, str]] = field(default_factory=list)
    lifecycles: tuple[str, ...] = LIFECYCLES

    @property
    def missing(self) -> list[str]:
        return [key for key in REQUIRED if key not in self.values]

    def answers(self) -> dict[str, str]:
        return {key: inferred.value for key, inferred in self.values.items()}


# --- names -----------------------------------------------------------------------------------


def sanitize_name(raw: str) -> str:
    """Make ``raw`` a valid Backstage ``metadata.name`` ('' when nothing usable is left)."""
    import unicodedata

    text = unicodedata.normalize("NFKD", raw.strip()).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9._-]+", "-", text)
    text = re.sub(r"[._-]{2,}", lambda m: m.group(0)[0], text)
    text = text.strip("._-")
    text = text[:NAME_MAX].rstrip("._-")
    return text


_NAME_OK = re.compile(r"^[a-zA-Z0-9]+([-_.][a-zA-Z0-9]+)*$")


def valid_name(value: str) -> bool:
    return 1 <= len(value) <= NAME_MAX and bool(_NAME_OK.match(value))


# --- git remote ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Remote:
    host: str
    path: str  # owner/repo (or group/subgroup/repo)

    @property
    def repo(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def is_github(self) -> bool:
        return self.host == "github.com" or self.host.startswith("github.")


def parse_remote(url: str) -> Remote | None:
    """``git@host:owner/repo.git``, ``ssh://git@host[:port]/owner/repo``, ``https://host/owner/repo``."""
    text = url.strip()
    match = re.match(r"^(?:[\w.+-]+://)(?:[^@/]+@)?([^/:]+)(?::\d+)?/(.+?)/*$", text)
    if not match:
        match = re.match(r"^(?:[^@/]+@)?([^/:]+):(?!/)(.+?)/*$", text)
    if not match:
        return None
    host, path = match.group(1).lower(), match.group(2)
    path = path.removesuffix(".git").strip("/")
    if "/" not in path:
        return None
    return Remote(host, path)


def _remote_url(root: Path) -> str | None:
    from platformctl.core import vcs

    return vcs.remote_url(root)


# --- CODEOWNERS ------------------------------------------------------------------------------


def owner_from_codeowners(root: Path) -> Inferred | None:
    for relative in CODEOWNERS_PATHS:
        path = root / relative
        if not path.is_file():
            continue
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        default: list[str] | None = None
        first: list[str] | None = None
        for line in lines:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            pattern, *owners = line.split()
            if not owners:
                continue
            if first is None:
                first = owners
            if pattern in ("*", "/*", "/", "**", "/**"):
                default = owners  # the last matching rule wins, as on GitHub
        chosen = default or first
        if chosen:
            owner = _owner_ref(chosen[0])
            if owner:
                return Inferred(owner, f"{relative} ({chosen[0]})")
    return None


def _owner_ref(token: str) -> str | None:
    token = token.strip()
    if token.startswith("@") and "/" in token:
        name = sanitize_name(token.rsplit("/", 1)[1])
        return name or None
    if token.startswith("@"):
        name = sanitize_name(token[1:])
        return f"user:{name}" if name else None
    if "@" in token:  # an e-mail address
        name = sanitize_name(token.split("@", 1)[0])
        return f"user:{name}" if name else None
    return None


# --- the project's own manifest ---------------------------------------------------------------


@dataclass(frozen=True)
class Manifest:
    name: str | None
    description: str | None
    source: str  # e.g. "pyproject.toml [project]"


def read_manifests(root: Path) -> list[Manifest]:
    """Name and description the repository already declares, most specific first."""
    found: list[Manifest] = []
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(_read(pyproject))
        except (tomllib.TOMLDecodeError, ValueError):
            data = {}
        poetry = (data.get("tool") or {}).get("poetry") if isinstance(data, dict) else None
        for table, label in ((data.get("project"), "[project]"), (poetry, "[tool.poetry]")):
            if isinstance(table, dict) and (table.get("name") or table.get("description")):
                found.append(
                    Manifest(
                        _text(table.get("name")),
                        _text(table.get("description")),
                        f"pyproject.toml {label}",
                    )
                )
    package = root / "package.json"
    if package.is_file():
        try:
            package_data: Any = json.loads(_read(package))
        except ValueError:
            package_data = None
        if isinstance(package_data, dict):
            name = _text(package_data.get("name"))
            if name and name.startswith("@") and "/" in name:
                name = name.split("/", 1)[1]
            description = _text(package_data.get("description"))
            found.append(Manifest(name, description, "package.json"))
    gomod = _read(root / "go.mod")
    match = re.search(r"^module\s+(\S+)", gomod, re.M)
    if match:
        parts = [p for p in match.group(1).strip('"').split("/") if p]
        if len(parts) > 1 and re.fullmatch(r"v[0-9]+", parts[-1]):
            parts.pop()  # github.com/acme/orders/v2: the major version is not the name
        if parts:
            found.append(Manifest(parts[-1], None, "go.mod module"))
    return found


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    return None


# --- type ------------------------------------------------------------------------------------


def _read(path: Path, limit: int = 1_000_000) -> str:
    try:
        with path.open("rb") as handle:
            return handle.read(limit).decode("utf-8", errors="replace")
    except OSError:
        return ""


def _package_json_deps(root: Path) -> set[str]:
    text = _read(root / "package.json")
    if not text:
        return set()
    try:
        data = json.loads(text)
    except ValueError:
        return set()
    deps: set[str] = set()
    for key in ("dependencies", "devDependencies", "peerDependencies"):
        section = data.get(key) if isinstance(data, dict) else None
        if isinstance(section, dict):
            deps.update(str(k) for k in section)
    return deps


_REQ_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _python_deps(root: Path) -> set[str]:
    names: list[str] = []
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(_read(pyproject))
        except (tomllib.TOMLDecodeError, ValueError):
            data = {}
        project = data.get("project") or {}
        names.extend(project.get("dependencies") or [])
        for extra in (project.get("optional-dependencies") or {}).values():
            names.extend(extra or [])
        poetry = ((data.get("tool") or {}).get("poetry") or {}).get("dependencies") or {}
        names.extend(poetry)
    for req in (
        "requirements.txt",
        "requirements.in",
        "requirements/base.txt",
        "requirements/prod.txt",
    ):
        names.extend(_read(root / req).splitlines())
    deps = set()
    for entry in names:
        match = _REQ_NAME.match(str(entry))
        if match:
            deps.add(match.group(1).lower().replace("_", "-"))
    return deps


def _k8s_manifests(root: Path) -> str | None:
    for folder in K8S_DIRS:
        if (root / folder).is_dir():
            return f"{folder}/"
    for path in sorted(root.glob("*.y*ml"))[:50]:
        if path.suffix in (".yaml", ".yml") and K8S_KINDS.search(_read(path, 200_000)):
            return path.name
    return None


def infer_type(root: Path) -> Inferred:
    for name in ("Dockerfile", "Containerfile"):
        if (root / name).is_file():
            return Inferred("service", f"{name} found")
    manifests = _k8s_manifests(root)
    if manifests:
        return Inferred("service", f"Kubernetes manifests ({manifests})")
    py = _python_deps(root) & SERVER_DEPS_PY
    if py:
        return Inferred("service", f"server framework dependency ({sorted(py)[0]})")
    js_deps = _package_json_deps(root)
    js = js_deps & SERVER_DEPS_JS
    if js:
        return Inferred("service", f"server framework dependency ({sorted(js)[0]})")
    gomod = _read(root / "go.mod")
    for dep in SERVER_DEPS_GO:
        if dep in gomod:
            return Inferred("service", f"server framework dependency ({dep})")
    jvm = _read(root / "pom.xml") + _read(root / "build.gradle") + _read(root / "build.gradle.kts")
    for dep in SERVER_DEPS_JVM:
        if dep in jvm:
            return Inferred("service", f"server framework dependency ({dep})")
    web = js_deps & WEBSITE_DEPS_JS
    if web:
        return Inferred("website", f"package.json depends on {sorted(web)[0]}")
    for index in ("index.html", "public/index.html", "src/index.html"):
        if (root / index).is_file():
            return Inferred("website", f"{index} found")
    return Inferred("library", "no service or website markers found")


# --- plan / render / write -------------------------------------------------------------------


def plan(
    root: Path,
    *,
    answers: dict[str, str] | None = None,
    force: bool = False,
    lifecycles: tuple[str, ...] | list[str] | None = None,
) -> InitPlan:
    """Infer what we can; ``answers`` (from --data or prompts) override inferences.
    ``lifecycles``: the platform's allowed values (default: Backstage's conventional three)."""
    root = root.resolve()
    if not root.is_dir():
        raise UsageError(f"{root} is not a folder", hint="pass the repository folder")
    result = InitPlan(root=root, path=root / FILENAME)
    if lifecycles:
        result.lifecycles = tuple(str(v) for v in lifecycles)
    if result.path.exists() and not force:
        raise UsageError(f"{result.path} already exists", hint="pass --force to overwrite it")
    url = _remote_url(root)
    remote = parse_remote(url) if url else None
    result.remote = url
    manifests = read_manifests(root)
    name_source = next(
        ((m.name, m.source) for m in manifests if m.name and sanitize_name(m.name)), None
    )
    if name_source is None and remote is not None:
        name_source = (remote.repo, "git remote origin")
    if name_source is None or not sanitize_name(name_source[0]):
        name_source = (root.name, "folder name")
    name = sanitize_name(name_source[0])
    if name:
        note = (
            name_source[1]
            if name == name_source[0]
            else f"{name_source[1]} {name_source[0]!r}, sanitised"
        )
        result.values["name"] = Inferred(name, note)
    description = next(((m.description, m.source) for m in manifests if m.description), None)
    if description is not None:
        result.values["description"] = Inferred(*description)
    owner = owner_from_codeowners(root)
    if owner:
        owner.value = full_owner_ref(owner.value)
        result.values["owner"] = owner
    result.values["type"] = infer_type(root)
    if remote is not None and remote.is_github:
        result.annotations["github.com/project-slug"] = remote.path
    if (root / "mkdocs.yml").is_file() or (root / "mkdocs.yaml").is_file():
        result.annotations["backstage.io/techdocs-ref"] = "dir:."
    for key, value in (answers or {}).items():
        check_answer(key, value, lifecycles=result.lifecycles)
        result.values[key] = Inferred(normalise(key, value), "given")
    return result


def normalise(key: str, value: str) -> str:
    """The form written to the file: owners as full references (``group:default/team``)."""
    return full_owner_ref(value) if key == "owner" else value.strip()


def full_owner_ref(value: str) -> str:
    from platformctl.core.catalog.refs import parse_entity_ref

    ref = parse_entity_ref(value.strip(), "Group")
    return f"{ref.kind.lower()}:{ref.namespace}/{ref.name}"


def check_answer(key: str, value: str, *, lifecycles: tuple[str, ...] = LIFECYCLES) -> None:
    if key not in KEYS:
        raise UsageError(f"unknown key {key!r} in --data", hint=f"known keys: {', '.join(KEYS)}")
    if key == "name" and not valid_name(value):
        suggestion = sanitize_name(value)
        raise UsageError(
            f"invalid name {value!r}: Backstage names are [a-z0-9] runs separated by -, _ or ., "
            "at most 63 characters",
            hint=f"use --data name={suggestion}" if suggestion else "choose another name",
        )
    if key in ("owner", "lifecycle", "type") and not value.strip():
        raise UsageError(f"{key} must not be empty", hint=f"pass --data {key}=...")
    if key in ("owner", "system") and value.strip():
        _check_ref(key, value.strip())
    if key == "lifecycle" and value.strip() not in lifecycles:
        import difflib

        guess = difflib.get_close_matches(value.strip(), lifecycles, n=1, cutoff=0.3)
        raise UsageError(
            f"invalid lifecycle {value.strip()!r}: use one of {', '.join(lifecycles)}",
            hint=f"pass --data lifecycle={guess[0] if guess else lifecycles[0]}",
        )


_KIND_OK = re.compile(r"^[a-zA-Z][a-z0-9A-Z]*$")


def _check_ref(key: str, value: str) -> None:
    """``owner``/``system`` become relations: a reference whose parts are not valid names can
    never resolve (Backstage accepts the file but the relation points nowhere)."""
    from platformctl.core.catalog.refs import EntityRefError, parse_entity_ref

    example = "group:default/team-a" if key == "owner" else "system:default/payments"
    try:
        ref = parse_entity_ref(value, "Group" if key == "owner" else "System")
    except EntityRefError as exc:
        raise UsageError(f"invalid {key} {value!r}: {exc}", hint=f"for example: {example}") from exc
    if not (_KIND_OK.match(ref.kind) and valid_name(ref.namespace) and valid_name(ref.name)):
        raise UsageError(
            f"invalid {key} {value!r}: kind, namespace and name of an entity reference must be "
            "Backstage names ([a-zA-Z0-9] runs separated by -, _ or .)",
            hint=f"for example: {example}",
        )
    if key == "owner" and ref.kind.lower() not in OWNER_KINDS:
        raise UsageError(
            f"invalid owner {value!r}: an owner must reference a Group or User, "
            f"not a {ref.kind}",
            hint="for example: group:default/team-a or user:default/jane-doe",
        )


OWNER_KINDS = ("group", "user")
DESCRIPTION_PLACEHOLDER = "TODO: what {name} does, in one line (at least 20 characters)"


def add_placeholders(p: InitPlan, rules: list[Any]) -> None:
    """Add the stub of every scorecard rule that checks this catalog entity and declares a
    stub fix (``fix: {type: catalog_annotation | catalog_link}`` whose value is a ``TODO``
    placeholder), unless the entity already has it.  ``rules`` are the rules of the scorecards
    that apply to the repository (``core.compliance``).  Stubs that are real values (e.g.
    ``backstage.io/techdocs-ref: dir:.``) are not added: they would claim what is not there."""
    from platformctl.core.compliance.checks import is_placeholder

    values = p.answers()
    facts = {"lifecycle": values.get("lifecycle"), "type": values.get("type"), "kind": "Component"}
    if "description" not in values:
        text = DESCRIPTION_PLACEHOLDER.format(name=values.get("name", "this component"))
        p.values["description"] = Inferred(text, "placeholder")
        rule_id = next(
            (
                f"{r.scorecard}/{r.id}"
                for r in rules
                if r.check.type == "catalog_field"
                and r.check.options.get("path") == "metadata.description"
            ),
            "Backstage catalog",
        )
        p.placeholders.append(("metadata.description", rule_id))
    for rule in rules:
        fix = getattr(rule, "fix", None)
        if fix is None or fix.type not in ("catalog_annotation", "catalog_link"):
            continue
        if not all(
            key in facts and str(facts[key]) in [str(v) for v in _as_list(wanted)]
            for key, wanted in rule.applies_when.items()
        ):
            continue  # does not apply, or depends on more than the entity
        rule_id = f"{rule.scorecard}/{rule.id}"
        options = fix.options
        if fix.type == "catalog_annotation":
            key, value = str(options["key"]), str(options.get("value", "TODO"))
            keys = {key, *(str(k) for k in _as_list(rule.check.options.get("any_of")))}
            if keys & set(p.annotations) or not is_placeholder(value):
                continue
            p.annotations[key] = value
            p.placeholders.append((f"annotation {key}", rule_id))
        else:
            link_type = options.get("link_type")
            url = str(options["url"])
            if not is_placeholder(url) or any(
                (link_type and link.get("type") == link_type) or link.get("url") == url
                for link in p.links
            ):
                continue
            link = {"url": url, "title": str(options["title"])}
            if options.get("icon"):
                link["icon"] = str(options["icon"])
            if link_type:
                link["type"] = str(link_type)
            p.links.append(link)
            p.placeholders.append((f"link {link['title']}", rule_id))


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def render(p: InitPlan) -> str:
    import yaml

    values = p.answers()
    metadata: dict[str, Any] = {"name": values["name"]}
    if values.get("title"):
        metadata["title"] = values["title"]
    metadata["description"] = values.get("description") or DESCRIPTION_PLACEHOLDER.format(
        name=values["name"]
    )
    if p.annotations:
        metadata["annotations"] = dict(p.annotations)
    if p.links:
        metadata["links"] = [dict(link) for link in p.links]
    spec: dict[str, Any] = {
        "type": values["type"],
        "lifecycle": values["lifecycle"],
        "owner": values["owner"],
    }
    if values.get("system"):
        spec["system"] = values["system"]
    entity = {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": metadata,
        "spec": spec,
    }
    header = "# Generated by `platformctl catalog init`; edit freely.\n"
    if p.placeholders:
        header += (
            "# TODO placeholders to fill in (`platformctl check` fails their rules until then):\n"
            + "".join(f"#   {what} ({rule})\n" for what, rule in p.placeholders)
        )
    return header + yaml.dump(
        entity, Dumper=_dumper(), sort_keys=False, allow_unicode=True, width=100
    )


def _dumper() -> type:
    """PyYAML's SafeDumper quotes what YAML 1.1 would not read back as a string; Backstage
    reads YAML 1.2, where e.g. ``0o17`` is a number: quote those too."""
    import yaml

    from platformctl.core.yamlio import resolve_plain

    class Dumper(yaml.SafeDumper):
        pass

    def represent_str(dumper: Any, value: str) -> Any:
        if value and "\n" not in value and not isinstance(resolve_plain(value), str):
            return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="'")
        return dumper.represent_str(value)

    Dumper.add_representer(str, represent_str)
    return Dumper


def write(p: InitPlan, text: str, *, force: bool = False) -> Path:
    """Write atomically; never overwrite without ``force``."""
    if p.path.exists() and not force:
        raise UsageError(f"{p.path} already exists", hint="pass --force to overwrite it")
    tmp = p.path.with_name(f".{p.path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, p.path)
    return p.path
