"""Parsers shared by the checks: Dockerfiles, CI workflows (GitHub Actions, GitLab CI),
Kubernetes manifests and Python web routes.  Each works on ``Facts`` and caches its result
there, so two rules looking at the same Dockerfile parse it once."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any

from platformctl.core.compliance.facts import Facts

# --- Dockerfile ------------------------------------------------------------------------------


@dataclass
class Instruction:
    cmd: str  # upper case: FROM, RUN, USER, ...
    args: str
    line: int


@dataclass
class Stage:
    image: str  # as written, after ARG substitution
    name: str | None
    line: int
    instructions: list[Instruction] = field(default_factory=list)


@dataclass
class Dockerfile:
    file: str
    stages: list[Stage]
    global_args: dict[str, str]

    @property
    def final(self) -> Stage | None:
        return self.stages[-1] if self.stages else None

    def stage_names(self) -> set[str]:
        return {s.name.lower() for s in self.stages if s.name}


_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+]([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def substitute(text: str, env: dict[str, str]) -> str:
    def repl(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(3)
        if name in env:
            return env[name]
        if match.group(2) is not None:
            return match.group(2)
        return match.group(0)

    return _VAR.sub(repl, text)


def _keyvals(args: str) -> dict[str, str]:
    """``ENV A=1 B="2"`` / ``ENV A 1`` / ``ARG A=1`` -> mapping."""
    args = args.strip()
    out: dict[str, str] = {}
    if "=" not in args.split(None, 1)[0]:
        parts = args.split(None, 1)
        if parts:
            out[parts[0]] = parts[1].strip().strip("\"'") if len(parts) > 1 else ""
        return out
    import shlex

    try:
        tokens = shlex.split(args)
    except ValueError:
        tokens = args.split()
    for token in tokens:
        key, _, value = token.partition("=")
        out[key] = value
    return out


def parse_dockerfile(text: str, file: str = "Dockerfile") -> Dockerfile:
    escape = "\\"
    lines = text.splitlines()
    for raw in lines[:5]:
        m = re.match(r"#\s*escape\s*=\s*(\S)", raw)
        if m:
            escape = m.group(1)
    logical: list[tuple[str, int]] = []
    buffer: list[str] = []
    start = 0
    for number, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        if not buffer and (not stripped or stripped.startswith("#")):
            continue
        if buffer and stripped.startswith("#"):
            continue  # comment lines inside a continuation are dropped
        if not buffer:
            start = number
        if stripped.endswith(escape):
            buffer.append(stripped[:-1])
            continue
        buffer.append(stripped)
        logical.append((" ".join(b.strip() for b in buffer), start))
        buffer = []
    if buffer:
        logical.append((" ".join(buffer), start))
    stages: list[Stage] = []
    global_args: dict[str, str] = {}
    env: dict[str, str] = {}
    for text_line, number in logical:
        cmd, _, args = text_line.partition(" ")
        cmd = cmd.upper()
        args = args.strip()
        if cmd == "FROM":
            words = [w for w in args.split() if not w.startswith("--")]
            image = substitute(words[0], global_args) if words else ""
            name = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
            stages.append(Stage(image, name, number))
            env = dict(global_args)
            continue
        if not stages:
            if cmd == "ARG":
                global_args.update(_keyvals(args))
            continue
        if cmd in ("ARG", "ENV"):
            for key, value in _keyvals(args).items():
                if value or key not in env:
                    env[key] = substitute(value, env)
        stages[-1].instructions.append(Instruction(cmd, substitute(args, env), number))
    return Dockerfile(file, stages, global_args)


def dockerfile(facts: Facts, file: str = "Dockerfile") -> Dockerfile | None:
    def build() -> Dockerfile | None:
        text = facts.text(file)
        return None if text is None else parse_dockerfile(text, file)

    return facts.cached((file, "dockerfile"), build)


def image_tag(image: str) -> tuple[str, str | None, str | None]:
    """``repo[:tag][@digest]`` -> (repo, tag, digest)."""
    digest = None
    if "@" in image:
        image, _, digest = image.partition("@")
    last = image.rsplit("/", 1)[-1]
    tag = None
    if ":" in last:
        tag = last.rsplit(":", 1)[1]
        image = image[: len(image) - len(tag) - 1]
    return image, tag, digest


# --- CI workflows ----------------------------------------------------------------------------


@dataclass
class CiStep:
    uses: str | None
    run: str | None
    line: int | None


@dataclass
class CiJob:
    file: str
    id: str
    name: str | None
    stage: str | None
    line: int | None
    steps: list[CiStep] = field(default_factory=list)


GH_WORKFLOWS = (".github/workflows/*.yml", ".github/workflows/*.yaml")
GITLAB_CI = ".gitlab-ci.yml"
_GITLAB_RESERVED = frozenset(
    {
        "stages",
        "variables",
        "default",
        "include",
        "workflow",
        "image",
        "services",
        "before_script",
        "after_script",
        "cache",
        "pages:deploy",
    }
)


def _commands(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        out: list[str] = []
        for item in value:
            out.extend(_commands(item))
        return out
    return []


def ci_jobs(facts: Facts) -> list[CiJob]:
    def build() -> list[CiJob]:
        jobs: list[CiJob] = []
        for file in facts.glob(GH_WORKFLOWS):
            loaded = facts.yaml(file)
            if loaded is None:
                continue
            for doc in loaded.documents:
                data = doc.data
                if not isinstance(data, dict) or not isinstance(data.get("jobs"), dict):
                    continue
                for job_id, job in data["jobs"].items():
                    if not isinstance(job, dict):
                        continue
                    ci = CiJob(
                        file,
                        str(job_id),
                        _str(job.get("name")),
                        None,
                        doc.position(("jobs", job_id), key=True)[0],
                    )
                    if isinstance(job.get("uses"), str):  # a reusable workflow
                        ci.steps.append(CiStep(job["uses"], None, ci.line))
                    steps = job.get("steps")
                    if isinstance(steps, list):
                        for index, step in enumerate(steps):
                            if isinstance(step, dict):
                                ci.steps.append(
                                    CiStep(
                                        _str(step.get("uses")),
                                        _str(step.get("run")),
                                        doc.position(("jobs", job_id, "steps", index))[0],
                                    )
                                )
                    jobs.append(ci)
        if facts.is_file(GITLAB_CI):
            loaded = facts.yaml(GITLAB_CI)
            for doc in loaded.documents if loaded else []:
                data = doc.data
                if not isinstance(data, dict):
                    continue
                includes = data.get("include")
                for item in includes if isinstance(includes, list) else [includes]:
                    if isinstance(item, dict) and item.get("template"):
                        jobs.append(
                            CiJob(
                                GITLAB_CI,
                                f"include:{item['template']}",
                                None,
                                None,
                                doc.position(("include",))[0],
                                [CiStep(f"template:{item['template']}", None, None)],
                            )
                        )
                for job_id, job in data.items():
                    if job_id in _GITLAB_RESERVED or str(job_id).startswith("."):
                        continue
                    if not isinstance(job, dict):
                        continue
                    line = doc.position((job_id,), key=True)[0]
                    ci = CiJob(GITLAB_CI, str(job_id), None, _str(job.get("stage")), line)
                    for key in ("before_script", "script", "after_script"):
                        for command in _commands(job.get(key)):
                            ci.steps.append(CiStep(None, command, line))
                    if isinstance(job.get("trigger"), dict) and job["trigger"].get("include"):
                        ci.steps.append(CiStep(str(job["trigger"]["include"]), None, line))
                    jobs.append(ci)
        return jobs

    return facts.cached(("<ci>", "jobs"), build)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def job_matches(job: CiJob, wanted: str) -> bool:
    wanted = wanted.lower()
    candidates = [job.id.lower()]
    if job.name:
        candidates.append(job.name.lower())
    if job.stage:
        candidates.append(job.stage.lower())
    return any(c == wanted or re.match(re.escape(wanted) + r"[-_: ./(]", c) for c in candidates)


# --- Kubernetes manifests --------------------------------------------------------------------

K8S_GLOBS = (
    "k8s/**/*.yaml",
    "k8s/**/*.yml",
    "kubernetes/**/*.yaml",
    "kubernetes/**/*.yml",
    "deploy/**/*.yaml",
    "deploy/**/*.yml",
    "manifests/**/*.yaml",
    "manifests/**/*.yml",
    ".k8s/**/*.yaml",
    ".k8s/**/*.yml",
    "kustomize/**/*.yaml",
    "kustomize/**/*.yml",
)
WORKLOAD_KINDS = frozenset(
    {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"}
)


@dataclass
class Manifest:
    file: str
    document: Any  # yamlio.Document
    kind: str
    name: str

    @property
    def data(self) -> dict[str, Any]:
        return self.document.data

    def line(self, path: tuple[Any, ...]) -> int:
        return self.document.position(path)[0]


@dataclass
class Container:
    manifest: Manifest
    path: tuple[Any, ...]  # path of the container mapping in the document
    data: dict[str, Any]
    pod_spec: dict[str, Any]
    init: bool = False

    @property
    def name(self) -> str:
        return str(self.data.get("name") or "?")

    @property
    def where(self) -> str:
        return f"{self.manifest.kind}/{self.manifest.name} container {self.name}"

    def line(self, *sub: Any) -> int:
        return self.manifest.line((*self.path, *sub))


def manifests(facts: Facts, globs: tuple[str, ...] | list[str] = K8S_GLOBS) -> list[Manifest]:
    def build() -> list[Manifest]:
        out: list[Manifest] = []
        for file in facts.glob(list(globs)):
            if file.rsplit("/", 1)[-1].startswith(("kustomization.", "Chart.", "values")):
                continue
            loaded = facts.yaml(file)
            if loaded is None:
                continue
            for doc in loaded.documents:
                data = doc.data
                if isinstance(data, dict) and isinstance(data.get("kind"), str):
                    meta: dict[str, Any] = (
                        data["metadata"] if isinstance(data.get("metadata"), dict) else {}
                    )
                    out.append(Manifest(file, doc, data["kind"], str(meta.get("name") or "?")))
        return out

    return facts.cached(("<k8s>", "|".join(globs)), build)


def pod_template_path(manifest: Manifest) -> tuple[Any, ...] | None:
    kind = manifest.kind
    if kind == "Pod":
        return ()
    if kind == "CronJob":
        return ("spec", "jobTemplate", "spec", "template")
    if kind == "PodTemplate":  # e.g. Airflow's KubernetesExecutor task pod (data-pipeline)
        return ("template",)
    if kind in WORKLOAD_KINDS:
        return ("spec", "template")
    return None


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


def containers(
    facts: Facts, globs: tuple[str, ...] | list[str] = K8S_GLOBS, *, include_init: bool = False
) -> list[Container]:
    out: list[Container] = []
    for manifest in manifests(facts, globs):
        base = pod_template_path(manifest)
        if base is None:
            continue
        pod_spec = _get(manifest.data, (*base, "spec"))
        if not isinstance(pod_spec, dict):
            continue
        keys = ["containers"] + (["initContainers"] if include_init else [])
        for key in keys:
            items = pod_spec.get(key)
            if not isinstance(items, list):
                continue
            for index, item in enumerate(items):
                if isinstance(item, dict):
                    out.append(
                        Container(
                            manifest,
                            (*base, "spec", key, index),
                            item,
                            pod_spec,
                            key == "initContainers",
                        )
                    )
    return out


# --- Python web routes -----------------------------------------------------------------------

_ROUTE_METHODS = frozenset(
    {
        "get",
        "post",
        "put",
        "delete",
        "patch",
        "head",
        "options",
        "api_route",
        "route",
        "websocket",
        "trace",
    }
)
_ROUTER_FACTORIES = {
    "APIRouter": "prefix",
    "Blueprint": "url_prefix",
    "FastAPI": None,
    "Flask": None,
    "Starlette": None,
    "APIBlueprint": "url_prefix",
}
_ROUTE_HINTS = (b"route", b".get(", b".post(", b"add_url_rule", b"Route(", b"api_route", b".head(")


@dataclass
class Route:
    path: str
    file: str
    line: int


def python_sources(facts: Facts) -> list[str]:
    def build() -> list[str]:
        out = []
        for name in facts.files():
            if not name.endswith(".py"):
                continue
            parts = name.split("/")
            if (
                any(
                    p in ("tests", "test", "docs", "migrations", "alembic", "benchmarks")
                    for p in parts[:-1]
                )
                or parts[-1].startswith("test_")
                or parts[-1] in ("conftest.py", "noxfile.py", "setup.py")
            ):
                continue
            out.append(name)
        return out

    return facts.cached(("<python>", "sources"), build)


def _const_str(node: Any) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return None
    return None


def _call_name(func: Any) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _kw(call: ast.Call, name: str) -> Any:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    return None


def routes(facts: Facts) -> list[Route]:
    """Best-effort route table of FastAPI / Flask / Starlette apps, with router prefixes and
    ``include_router`` / ``register_blueprint`` prefixes followed across modules."""

    def build() -> list[Route]:
        # (module stem, var) -> own prefix
        routers: dict[tuple[str, str], str] = {}
        raw: list[tuple[tuple[str, str], str, str, int]] = []  # (router key, path, file, line)
        includes: list[tuple[tuple[str, str], tuple[str, str], str]] = []  # owner, child, prefix
        for file in python_sources(facts):
            data = facts.read_bytes(file)
            if data is None or not any(h in data for h in _ROUTE_HINTS):
                continue
            text = facts.text(file)
            if text is None:
                continue
            try:
                tree = ast.parse(text, file)
            except (SyntaxError, ValueError):
                continue
            stem = file.rsplit("/", 1)[-1][:-3]
            if stem == "__init__":
                stem = file.rsplit("/", 2)[-2] if "/" in file else stem
            aliases: dict[str, tuple[str, str]] = {}  # local name -> (module stem, var)
            modules: dict[str, str] = {}  # local name -> module stem
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom):
                    for alias in node.names:
                        local = alias.asname or alias.name
                        module_tail = (node.module or "").rsplit(".", 1)[-1]
                        # `from .routers import health` imports a module; `from .health import
                        # router` imports a variable: remember both readings.
                        modules[local] = alias.name
                        if module_tail:
                            aliases[local] = (module_tail, alias.name)
                elif isinstance(node, ast.Import):
                    for alias in node.names:
                        modules[alias.asname or alias.name.split(".")[0]] = alias.name.rsplit(
                            ".", 1
                        )[-1]

            def ref(
                expr: Any, stem: str = stem, aliases: dict = aliases, modules: dict = modules
            ) -> tuple[str, str] | None:
                if isinstance(expr, ast.Name):
                    if (stem, expr.id) in routers:
                        return (stem, expr.id)
                    return aliases.get(expr.id, (stem, expr.id))
                if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
                    return (modules.get(expr.value.id, expr.value.id), expr.attr)
                return None

            for node in ast.walk(tree):
                if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                    factory = _call_name(node.value.func)
                    if factory in _ROUTER_FACTORIES:
                        keyword = _ROUTER_FACTORIES[factory]
                        prefix = _const_str(_kw(node.value, keyword)) if keyword else ""
                        for target in node.targets:
                            if isinstance(target, ast.Name):
                                routers[(stem, target.id)] = prefix or ""
            for node in ast.walk(tree):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    for deco in node.decorator_list:
                        if (
                            isinstance(deco, ast.Call)
                            and isinstance(deco.func, ast.Attribute)
                            and deco.func.attr in _ROUTE_METHODS
                            and deco.args
                        ):
                            path = _const_str(deco.args[0])
                            owner = ref(deco.func.value)
                            if path is not None and owner is not None:
                                raw.append((owner, path, file, deco.lineno))
                elif isinstance(node, ast.Call):
                    name = _call_name(node.func)
                    if name in ("include_router", "register_blueprint") and node.args:
                        owner = (
                            ref(node.func.value) if isinstance(node.func, ast.Attribute) else None
                        )
                        child = ref(node.args[0])
                        prefix = _const_str(_kw(node, "prefix") or _kw(node, "url_prefix")) or ""
                        if owner and child:
                            includes.append((owner, child, prefix))
                    elif name in ("add_api_route", "add_url_rule", "add_route") and node.args:
                        path = _const_str(node.args[0])
                        owner = (
                            ref(node.func.value) if isinstance(node.func, ast.Attribute) else None
                        )
                        if path is not None and owner is not None:
                            raw.append((owner, path, file, node.lineno))
                    elif name in ("Route", "WebSocketRoute", "Mount") and node.args:
                        path = _const_str(node.args[0])
                        if path is not None and name != "Mount":
                            raw.append((("<starlette>", ""), path, file, node.lineno))

        def mounts(key: tuple[str, str], seen: frozenset = frozenset()) -> set[str]:
            if key in seen:
                return {""}
            parents = [(owner, prefix) for owner, child, prefix in includes if child == key]
            if not parents:
                return {""}
            out: set[str] = set()
            for owner, prefix in parents:
                for mount in mounts(owner, seen | {key}):
                    out.add(mount + prefix)
            return out

        table: list[Route] = []
        for key, path, file, line in raw:
            own = routers.get(key, "")
            for mount in mounts(key):
                table.append(Route(mount + own + path, file, line))
        return table

    return facts.cached(("<python>", "routes"), build)


def _segments(path: str) -> list[str]:
    return [s for s in path.split("?", 1)[0].strip("/").split("/") if s]


def route_matches(route: str, path: str) -> bool:
    want, have = _segments(path), _segments(route)
    if len(want) != len(have):
        return False
    for w, h in zip(want, have, strict=True):
        if h.startswith(("{", "<")) and h.endswith(("}", ">")):
            continue
        if w != h:
            return False
    return True


# --- ports -----------------------------------------------------------------------------------

_PORT_ARG = re.compile(r"(?:--port|-p)[= ]\s*[\"']?(\d{2,5})\b")
_BIND_ARG = re.compile(r"(?:--bind|-b)[= ]\s*[\"']?[\w.\[\]:]*:(\d{2,5})\b")
_PORT_DEFAULT = re.compile(r"\$\{PORT:-(\d{2,5})\}")
PY_PORT_PATTERNS = (
    re.compile(
        r"^\s*port\s*:\s*int\s*=\s*(?:Field\(\s*(?:default\s*=\s*)?)?(\d{2,5})\b", re.M | re.I
    ),
    re.compile(r"^\s*(?:DEFAULT_)?PORT\s*(?::\s*int\s*)?=\s*(\d{2,5})\s*$", re.M),
    re.compile(r"(?:getenv|environ\.get)\(\s*[\"'](?:APP_)?PORT[\"']\s*,\s*[\"']?(\d{2,5})"),
    re.compile(r"\b(?:uvicorn|app)\.run\([^)]*\bport\s*=\s*(\d{2,5})", re.S),
)


def command_ports(text: str) -> list[int]:
    """Ports named in a command line (shell form or JSON exec form)."""
    if text.lstrip().startswith("["):
        import json

        try:
            words = json.loads(text)
            if isinstance(words, list):
                text = " ".join(str(w) for w in words)
        except ValueError:
            pass
    found = [int(m.group(1)) for m in _PORT_ARG.finditer(text)]
    found += [int(m.group(1)) for m in _BIND_ARG.finditer(text)]
    found += [int(m.group(1)) for m in _PORT_DEFAULT.finditer(text)]
    return found
