"""Python web routes (FastAPI, Flask, Starlette, ...) found with ast."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

from platformctl.core.compliance.facts import Facts

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
