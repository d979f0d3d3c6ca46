"""Check types for the GitOps layout (docs/golden-paths/gitops.md): Kustomize overlays that
build, and Argo CD Applications for every environment.

``kustomize_buildable`` follows every kustomization's references (resources, components,
patches, generators' files) in Python -- users may not have kustomize installed -- so a moved
or renamed file fails ``platformctl check`` before it fails in Argo CD.
``argocd_applications`` reads the Argo CD manifests: an Application per environment pointing at
its overlay, automated sync where wanted, manual sync where required (unless the platform
allows it: a setting), and a pull-request ApplicationSet for previews.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Any

from platformctl.core.compliance.facts import Facts
from platformctl.core.compliance.registry import BOOL, LIST, STR, Opt, Outcome, check

KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
DEFAULT_KUSTOMIZATIONS = [f"deploy/**/{name}" for name in KUSTOMIZATION_NAMES]
DEFAULT_ARGOCD = ["deploy/argocd/**/*.yaml", "deploy/argocd/**/*.yml"]
ALLOW_AUTO_SYNC_SETTING = "gitops.allow_prod_auto_sync"


def _is_remote(ref: str) -> bool:
    return "://" in ref or ref.startswith(("git@", "github.com/", "gitlab.com/", "bitbucket.org/"))


@dataclass(frozen=True)
class Reference:
    field: str  # e.g. resources[0], patches[1].path
    path: tuple[Any, ...]  # where in the kustomization (for the line number)
    target: str  # as written
    kind: str  # "resource" (file or kustomization folder), "folder" or "file"


def _references(data: dict[str, Any]) -> list[Reference]:
    refs: list[Reference] = []

    def add(key: str, value: Any, path: tuple[Any, ...], kind: str) -> None:
        if isinstance(value, str) and value.strip() and "\n" not in value:
            field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)[1:]
            refs.append(Reference(field or key, path, value.strip(), kind))

    for key, kind in (
        ("resources", "resource"),
        ("bases", "folder"),
        ("components", "folder"),
        ("crds", "file"),
        ("patchesStrategicMerge", "file"),
        ("generators", "resource"),
        ("transformers", "resource"),
        ("validators", "resource"),
    ):
        for i, value in enumerate(data.get(key) or []):
            add(key, value, (key, i), kind)
    for key in ("patches", "patchesJson6902", "replacements"):
        for i, item in enumerate(data.get(key) or []):
            if isinstance(item, dict):
                add(key, item.get("path"), (key, i, "path"), "file")
    for key in ("configMapGenerator", "secretGenerator"):
        for i, item in enumerate(data.get(key) or []):
            if not isinstance(item, dict):
                continue
            for j, value in enumerate(item.get("files") or []):
                if isinstance(value, str):
                    add(key, value.split("=", 1)[-1], (key, i, "files", j), "file")
            for j, value in enumerate(item.get("envs") or []):
                add(key, value, (key, i, "envs", j), "file")
            add(key, item.get("env"), (key, i, "env"), "file")
    openapi = data.get("openapi")
    if isinstance(openapi, dict):
        add("openapi", openapi.get("path"), ("openapi", "path"), "file")
    return refs


def kustomization_in(facts: Facts, folder: str) -> str | None:
    """The kustomization file of a folder (relative to the checkout), if it has one."""
    for name in KUSTOMIZATION_NAMES:
        candidate = posixpath.join(folder, name) if folder not in ("", ".") else name
        if facts.is_file(candidate):
            return candidate
    return None


def _is_dir(facts: Facts, folder: str) -> bool:
    prefix = folder.rstrip("/") + "/"
    return any(f.startswith(prefix) for f in facts.files())


def _unbuildable(facts: Facts, kustomization: str, seen: set[str]) -> Outcome | None:
    """The first broken reference under ``kustomization`` (following folders), else None."""
    if kustomization in seen:
        return None
    seen.add(kustomization)
    loaded = facts.yaml(kustomization)
    if loaded is None:
        return Outcome.fail(f"{kustomization} cannot be read", kustomization)
    for problem in loaded.problems:
        if problem.severity == "error":
            return Outcome.fail(
                f"{kustomization} is not valid YAML: {problem.message}",
                kustomization,
                problem.line,
                problem.column,
            )
    doc = loaded.documents[0] if loaded.documents else None
    data = doc.data if doc is not None and isinstance(doc.data, dict) else None
    if data is None:
        return Outcome.fail(f"{kustomization} is not a mapping", kustomization, 1)
    folder = posixpath.dirname(kustomization)
    for ref in _references(data):
        if _is_remote(ref.target):
            continue
        line = doc.position(ref.path)[0] if doc is not None else None
        target = posixpath.normpath(posixpath.join(folder, ref.target))
        if posixpath.isabs(ref.target) or target == ".." or target.startswith("../"):
            return Outcome.fail(
                f"{kustomization}: {ref.field} {ref.target!r} points outside the repository",
                kustomization,
                line,
            )
        if ref.kind in ("resource", "file") and facts.is_file(target):
            continue
        if ref.kind in ("resource", "folder") and _is_dir(facts, target):
            nested = kustomization_in(facts, target)
            if nested is None:
                return Outcome.fail(
                    f"{kustomization}: {ref.field} {ref.target!r} is a folder without a "
                    "kustomization.yaml",
                    kustomization,
                    line,
                )
            broken = _unbuildable(facts, nested, seen)
            if broken is not None:
                return broken
            continue
        what = "folder" if ref.kind == "folder" else "file"
        return Outcome.fail(
            f"{kustomization}: {ref.field} {ref.target!r} does not exist ({what} {target})",
            kustomization,
            line,
        )
    return None


@check(
    "kustomize_buildable",
    paths=Opt(LIST, help="globs of kustomization files to follow (default: deploy/**)"),
    overlays=Opt(LIST, help="folders that must each hold a kustomization (e.g. the overlays)"),
)
def kustomize_buildable(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """Every kustomization's resources, components, patches and generator files exist."""
    required = [str(o).rstrip("/") for o in opts.get("overlays") or []]
    roots: list[str] = []
    for overlay in required:
        found = kustomization_in(facts, overlay)
        if found is None:
            return Outcome.fail(f"{overlay}/kustomization.yaml is missing")
        roots.append(found)
    roots += [f for f in facts.glob(opts.get("paths") or DEFAULT_KUSTOMIZATIONS) if f not in roots]
    if not roots:
        return Outcome.fail("no kustomization.yaml under deploy/")
    seen: set[str] = set()
    for root in roots:
        problem = _unbuildable(facts, root, seen)
        if problem is not None:
            return problem
    return Outcome.ok(f"{len(seen)} kustomization(s): every reference exists", roots[0])


# --- Argo CD -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArgoApp:
    file: str
    kind: str  # Application or ApplicationSet
    name: str
    spec: dict[str, Any]  # the Application spec (for an ApplicationSet: its template's spec)
    generators: list[Any]
    line: int

    @property
    def source_paths(self) -> list[str]:
        sources = [self.spec.get("source")] + list(self.spec.get("sources") or [])
        return [
            posixpath.normpath(str(s["path"]).strip("/"))
            for s in sources
            if isinstance(s, dict) and isinstance(s.get("path"), str) and s["path"].strip()
        ]

    @property
    def automated(self) -> bool:
        policy = self.spec.get("syncPolicy")
        automated = policy.get("automated") if isinstance(policy, dict) else None
        if automated is None:
            return False
        return not (isinstance(automated, dict) and automated.get("enabled") is False)

    def automated_flag(self, flag: str) -> bool:
        policy = self.spec.get("syncPolicy")
        automated = policy.get("automated") if isinstance(policy, dict) else None
        return isinstance(automated, dict) and automated.get(flag) is True


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def argo_apps(facts: Facts, globs: list[str]) -> list[ArgoApp]:
    """Argo CD Applications and ApplicationSets (argoproj.io/*) in the matching files."""
    apps: list[ArgoApp] = []
    for file in facts.glob(globs):
        loaded = facts.yaml(file)
        if loaded is None:
            continue
        for doc in loaded.documents:
            data = doc.data
            if not isinstance(data, dict) or not str(data.get("apiVersion", "")).startswith(
                "argoproj.io/"
            ):
                continue
            kind = data.get("kind")
            name = str(_mapping(data.get("metadata")).get("name") or "?")
            spec = _mapping(data.get("spec"))
            line = doc.position(("kind",))[0]
            if kind == "Application":
                apps.append(ArgoApp(file, kind, name, spec, [], line))
            elif kind == "ApplicationSet":
                template_spec = _mapping(_mapping(spec.get("template")).get("spec"))
                generators = spec.get("generators")
                generators = generators if isinstance(generators, list) else []
                apps.append(ArgoApp(file, kind, name, template_spec, generators, line))
    return apps


@check(
    "argocd_applications",
    one_of=("environments", "preview", "manual"),
    paths=Opt(LIST, help="globs of Argo CD manifests (default: deploy/argocd/**)"),
    overlays=Opt(STR, default="deploy/overlays", help="folder holding one overlay per environment"),
    environments=Opt(LIST, help="environments that each need an Application on their overlay"),
    automated=Opt(
        LIST, help="environments whose Application syncs automatically (prune, selfHeal)"
    ),
    manual=Opt(
        LIST,
        help="environments that must not sync automatically, unless the platform setting "
        f"{ALLOW_AUTO_SYNC_SETTING} is true",
    ),
    preview=Opt(
        BOOL,
        default=False,
        help="an ApplicationSet with a pullRequest generator deploys the preview overlay",
    ),
)
def argocd_applications(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """Argo CD Applications deploy every environment's overlay (sync policy, PR previews)."""
    apps = argo_apps(facts, opts.get("paths") or DEFAULT_ARGOCD)
    overlays = posixpath.normpath(str(opts.get("overlays") or "deploy/overlays").strip("/"))

    def app_for(env: str) -> ArgoApp | None:
        wanted = f"{overlays}/{env}"
        for app in apps:
            if app.kind == "Application" and wanted in app.source_paths:
                return app
        return None

    environments = [str(e) for e in opts.get("environments") or []]
    automated = [str(e) for e in opts.get("automated") or []]
    manual = [str(e) for e in opts.get("manual") or []]
    checked: list[str] = []
    for env in dict.fromkeys(environments + automated + manual):
        if kustomization_in(facts, f"{overlays}/{env}") is None:
            return Outcome.fail(
                f"environment {env}: {overlays}/{env}/kustomization.yaml is missing"
            )
        app = app_for(env)
        if app is None:
            return Outcome.fail(
                f"environment {env}: no Argo CD Application has source path {overlays}/{env}"
                + (f" (looked in {len({a.file for a in apps})} file(s))" if apps else "")
            )
        destination = app.spec.get("destination")
        if not isinstance(destination, dict) or not destination.get("namespace"):
            return Outcome.fail(
                f"Application {app.name} ({env}) sets no destination namespace", app.file, app.line
            )
        if env in automated:
            missing = [f for f in ("prune", "selfHeal") if not app.automated_flag(f)]
            if not app.automated or missing:
                return Outcome.fail(
                    f"Application {app.name} ({env}) does not sync automatically with "
                    + " and ".join(missing or ["prune", "selfHeal"]),
                    app.file,
                    app.line,
                )
        if env in manual and app.automated:
            if facts.setting(ALLOW_AUTO_SYNC_SETTING, False) is True:
                checked.append(f"{env} auto-sync allowed by {ALLOW_AUTO_SYNC_SETTING}")
                continue
            return Outcome.fail(
                f"Application {app.name} ({env}) syncs automatically; the platform requires a "
                f"manual sync for {env} (setting {ALLOW_AUTO_SYNC_SETTING} is not true)",
                app.file,
                app.line,
            )
        checked.append(env)
    if opts.get("preview"):
        wanted = f"{overlays}/preview"
        previews = [
            a
            for a in apps
            if a.kind == "ApplicationSet"
            and any(
                isinstance(g, dict) and isinstance(g.get("pullRequest"), dict) for g in a.generators
            )
        ]
        if not previews:
            return Outcome.fail("no Argo CD ApplicationSet with a pullRequest generator")
        target = next((a for a in previews if wanted in a.source_paths), None)
        if target is None:
            return Outcome.fail(
                f"ApplicationSet {previews[0].name} does not deploy {wanted}",
                previews[0].file,
                previews[0].line,
            )
        if kustomization_in(facts, wanted) is None:
            return Outcome.fail(f"{wanted}/kustomization.yaml is missing", target.file, target.line)
        destination = target.spec.get("destination")
        if not isinstance(destination, dict) or "{{" not in str(destination.get("namespace", "")):
            return Outcome.fail(
                f"ApplicationSet {target.name} does not give each pull request its own namespace "
                "(destination.namespace without a generator parameter such as {{ .number }})",
                target.file,
                target.line,
            )
        checked.append("preview")
    return Outcome.ok("Argo CD: " + ", ".join(checked), apps[0].file if apps else None)
