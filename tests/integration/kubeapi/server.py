"""A Kubernetes API server test double: stdlib ThreadingHTTPServer on 127.0.0.1, random port.

Not product code: just enough of the API for the real `kubernetes` client (see README.md).
"""

from __future__ import annotations

import copy
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from .xcrd import crds_for

TOKEN = "test-token-do-not-print"
Key = tuple[str, str]  # (namespace or "", name)
FieldPath = tuple[str, ...]


@dataclass
class ResourceDef:
    group: str  # "" for core
    version: str
    plural: str
    kind: str
    namespaced: bool
    schema: dict[str, Any] | None = None  # openAPIV3Schema for 422 checks (jsonschema)
    status: bool = True

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version


class ApiError(Exception):
    def __init__(
        self,
        code: int,
        reason: str,
        message: str,
        details: dict[str, Any] | None = None,
        *,
        plain: bool = False,  # the real server's mux answers some 404s in text/plain
    ):
        super().__init__(message)
        self.code, self.reason, self.message, self.details = code, reason, message, details or {}
        self.plain = plain

    def body(self) -> dict[str, Any]:
        out = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        }
        if self.details:
            out["details"] = self.details
        return out


class Created(dict):  # type: ignore[type-arg]
    """A server-side apply that created its object: the real server answers 201, not 200."""


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def leaf_fields(obj: Any, base: FieldPath = ()) -> set[FieldPath]:
    """Field paths an applied object sets (lists and scalars are atomic leaves)."""
    out: set[FieldPath] = set()
    if isinstance(obj, dict) and obj:
        for key, value in obj.items():
            out |= leaf_fields(value, (*base, key))
    else:
        out.add(base)
    return out


def applied_fields(obj: dict[str, Any]) -> set[FieldPath]:
    out = set()
    for path in leaf_fields(obj):
        if path in (("apiVersion",), ("kind",), ("metadata", "name"), ("metadata", "namespace")):
            continue
        if path and path[0] == "status":
            continue
        out.add(path)
    return out


def get_path(obj: Any, path: FieldPath) -> Any:
    for key in path:
        if not isinstance(obj, dict) or key not in obj:
            return None
        obj = obj[key]
    return obj


def set_path(obj: dict[str, Any], path: FieldPath, value: Any) -> None:
    for key in path[:-1]:
        if not isinstance(obj.get(key), dict):
            obj[key] = {}
        obj = obj[key]
    obj[path[-1]] = copy.deepcopy(value)


def del_path(obj: dict[str, Any], path: FieldPath) -> None:
    parents = []
    node: Any = obj
    for key in path[:-1]:
        if not isinstance(node, dict) or key not in node:
            return
        parents.append((node, key))
        node = node[key]
    if isinstance(node, dict):
        node.pop(path[-1], None)
    for parent, key in reversed(parents):  # drop emptied parents
        if parent[key] == {}:
            del parent[key]
        else:
            break


def fields_v1(paths: set[FieldPath]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for path in sorted(paths):
        node = tree
        for key in path:
            node = node.setdefault(f"f:{key}", {})
    return tree


def merge_patch(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out


@dataclass
class Stored:
    obj: dict[str, Any]
    managers: dict[str, tuple[str, set[FieldPath]]] = field(
        default_factory=dict
    )  # name -> (operation, paths)


class State:
    """Everything the server knows. Tests read and change it directly (under ``lock``)."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.defs: dict[tuple[str, str, str], ResourceDef] = {}
        self.objects: dict[tuple[str, str, str], dict[Key, Stored]] = {}
        self.rv = 1000
        self.token = TOKEN
        self.unauthorized = False
        self.denies: set[tuple[str, str, str, str | None]] = set()  # verb, group, plural, ns
        self.hooks: list[Callable[[State, str, str], None]] = []
        self.requests: list[tuple[str, str, str]] = []  # method, path, content type
        # None: every namespace exists; a set: writes elsewhere are 404 'namespaces "x" not found'
        self.namespaces: set[str] | None = None
        for d in (
            ResourceDef("", "v1", "namespaces", "Namespace", False),
            ResourceDef("", "v1", "secrets", "Secret", True, status=False),
            ResourceDef("", "v1", "events", "Event", True, status=False),
            ResourceDef(
                "apiextensions.crossplane.io",
                "v1",
                "compositions",
                "Composition",
                False,
                status=False,
            ),
            ResourceDef(
                "authorization.k8s.io",
                "v1",
                "selfsubjectaccessreviews",
                "SelfSubjectAccessReview",
                False,
                status=False,
            ),
        ):
            self.add_resource(d)

    # -- setup helpers ----------------------------------------------------------------------
    def add_resource(self, d: ResourceDef) -> ResourceDef:
        with self.lock:
            self.defs[(d.group, d.version, d.plural)] = d
            self.objects.setdefault((d.group, d.version, d.plural), {})
        return d

    def remove_resource(self, group: str, version: str, plural: str) -> None:
        with self.lock:
            self.defs.pop((group, version, plural), None)

    def add_crd_from_xrd(self, xrd: dict[str, Any], *, schema: bool = True) -> list[ResourceDef]:
        """Serve the XR (and claim) CRDs Crossplane would create from an XRD document: the
        same CRDs the real-server tests install (xcrd.py), Crossplane's own fields included."""
        out = []
        for crd in crds_for(xrd):
            spec = crd["spec"]
            for version in spec["versions"]:
                out.append(
                    self.add_resource(
                        ResourceDef(
                            spec["group"],
                            version["name"],
                            spec["names"]["plural"],
                            spec["names"]["kind"],
                            spec["scope"] == "Namespaced",
                            version["schema"]["openAPIV3Schema"] if schema else None,
                        )
                    )
                )
        return out

    def definition(self, api_version: str, kind: str) -> ResourceDef:
        group, _, version = api_version.rpartition("/")
        for d in self.defs.values():
            if d.group == group and d.version == version and d.kind == kind:
                return d
        raise KeyError(f"{api_version} {kind}")

    def next_rv(self) -> str:
        self.rv += 1
        return str(self.rv)

    def put(self, obj: dict[str, Any], manager: str = "test") -> dict[str, Any]:
        """Create or replace an object directly (as some controller would), owning its fields."""
        with self.lock:
            d = self.definition(obj["apiVersion"], obj["kind"])
            meta = obj.setdefault("metadata", {})
            key = (meta.get("namespace", "") if d.namespaced else "", meta["name"])
            store = self.objects[(d.group, d.version, d.plural)]
            old = store.get(key)
            meta.setdefault("uid", old.obj["metadata"]["uid"] if old else str(uuid.uuid4()))
            meta.setdefault(
                "creationTimestamp", old.obj["metadata"]["creationTimestamp"] if old else _now()
            )
            meta["resourceVersion"] = self.next_rv()
            stored = Stored(copy.deepcopy(obj), dict(old.managers) if old else {})
            stored.managers[manager] = ("Update", applied_fields(obj))
            store[key] = stored
            return stored.obj

    def get(
        self, api_version: str, kind: str, name: str, namespace: str | None = None
    ) -> dict[str, Any] | None:
        with self.lock:
            d = self.definition(api_version, kind)
            stored = self.objects[(d.group, d.version, d.plural)].get(
                ((namespace or "") if d.namespaced else "", name)
            )
            return stored.obj if stored else None

    def stored(
        self, api_version: str, kind: str, name: str, namespace: str | None = None
    ) -> Stored | None:
        with self.lock:
            d = self.definition(api_version, kind)
            return self.objects[(d.group, d.version, d.plural)].get(
                ((namespace or "") if d.namespaced else "", name)
            )

    def update_field(
        self,
        api_version: str,
        kind: str,
        name: str,
        namespace: str | None,
        path: FieldPath,
        value: Any,
        manager: str,
    ) -> None:
        """Another client (kubectl edit) changes a field: it takes ownership (operation Update)."""
        with self.lock:
            stored = self.stored(api_version, kind, name, namespace)
            assert stored is not None
            set_path(stored.obj, path, value)
            for _other, (_op, paths) in list(stored.managers.items()):
                paths.discard(path)
            op, paths = stored.managers.get(manager, ("Update", set()))
            paths.add(path)
            stored.managers[manager] = ("Update", paths)
            stored.obj["metadata"]["resourceVersion"] = self.next_rv()

    def set_status(
        self, api_version: str, kind: str, name: str, namespace: str | None, status: dict[str, Any]
    ) -> None:
        with self.lock:
            stored = self.stored(api_version, kind, name, namespace)
            assert stored is not None
            if stored.obj.get("status") != status:
                stored.obj["status"] = copy.deepcopy(status)
                stored.obj["metadata"]["resourceVersion"] = self.next_rv()

    def add_event(
        self,
        namespace: str,
        kind: str,
        name: str,
        reason: str,
        message: str,
        type_: str = "Warning",
    ) -> None:
        self.put(
            {
                "apiVersion": "v1",
                "kind": "Event",
                "metadata": {"name": f"{name}.{uuid.uuid4().hex[:10]}", "namespace": namespace},
                "involvedObject": {"kind": kind, "name": name, "namespace": namespace},
                "reason": reason,
                "message": message,
                "type": type_,
                "lastTimestamp": _now(),
            }
        )

    def deny(self, verb: str, group: str, plural: str, namespace: str | None = None) -> None:
        self.denies.add((verb, group, plural, namespace))

    def denied(self, verb: str, group: str, plural: str, namespace: str | None) -> bool:
        return (verb, group, plural, namespace) in self.denies or (
            verb,
            group,
            plural,
            None,
        ) in self.denies

    # -- rendering ---------------------------------------------------------------------------
    def render(self, stored: Stored) -> dict[str, Any]:
        obj = copy.deepcopy(stored.obj)
        obj["metadata"]["managedFields"] = [
            {
                "manager": manager,
                "operation": op,
                "apiVersion": obj.get("apiVersion"),
                "fieldsType": "FieldsV1",
                "fieldsV1": fields_v1(paths),
            }
            for manager, (op, paths) in stored.managers.items()
            if paths
        ]
        return obj


class Handler(BaseHTTPRequestHandler):
    server: KubeServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes: avoid 40 ms stalls

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _send(self, code: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _send_text(self, code: int, text: str) -> None:
        data = (text + "\n").encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            import yaml

            return yaml.safe_load(raw)

    def _handle(self, method: str) -> None:
        state = self.server.state
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        with state.lock:
            state.requests.append((method, parts.path, self.headers.get("Content-Type") or ""))
        body = self._body() if method in ("POST", "PUT", "PATCH") else None
        try:
            auth = self.headers.get("Authorization") or ""
            if state.unauthorized or auth != f"Bearer {state.token}":
                raise ApiError(401, "Unauthorized", "Unauthorized")
            result = route(
                state, method, parts.path, query, body, self.headers.get("Content-Type") or ""
            )
            code = 201 if method == "POST" or isinstance(result, Created) else 200
            self._send(code, result)
        except ApiError as exc:
            if exc.plain:
                self._send_text(exc.code, exc.message)
            else:
                self._send(exc.code, exc.body())
        finally:
            for hook in list(state.hooks):
                hook(state, method, parts.path)

    def do_GET(self) -> None:  # noqa: N802
        self._handle("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._handle("POST")

    def do_PATCH(self) -> None:  # noqa: N802
        self._handle("PATCH")

    def do_PUT(self) -> None:  # noqa: N802
        self._handle("PUT")

    def do_DELETE(self) -> None:  # noqa: N802
        self._handle("DELETE")


def _not_found(what: str) -> ApiError:
    return ApiError(404, "NotFound", f"{what} not found", {"name": what})


def _object_not_found(plural: str, group: str, name: str) -> ApiError:
    resource = f"{plural}.{group}" if group else plural
    return ApiError(
        404,
        "NotFound",
        f'{resource} "{name}" not found',
        {"name": name, "group": group, "kind": plural},
    )


def route(
    state: State, method: str, path: str, query: dict[str, str], body: Any, ctype: str
) -> Any:
    segs = [unquote(s) for s in path.strip("/").split("/") if s]
    with state.lock:
        if segs == ["api"]:
            return {"kind": "APIVersions", "versions": ["v1"]}
        if segs == ["apis"]:
            groups: dict[str, list[str]] = {}
            for g, v, _p in state.defs:
                if g:
                    groups.setdefault(g, [])
                    if v not in groups[g]:
                        groups[g].append(v)
            return {
                "kind": "APIGroupList",
                "apiVersion": "v1",
                "groups": [
                    {
                        "name": g,
                        "versions": [{"groupVersion": f"{g}/{v}", "version": v} for v in vs],
                        "preferredVersion": {"groupVersion": f"{g}/{vs[0]}", "version": vs[0]},
                    }
                    for g, vs in groups.items()
                ],
            }
        if segs[:1] == ["api"]:
            group, rest = "", segs[1:]
        elif segs[:1] == ["apis"] and len(segs) >= 3:
            group, rest = segs[1], segs[2:]
        elif segs[:1] == ["apis"] and len(segs) == 2:
            raise _not_found(f"group {segs[1]}")
        else:
            raise _not_found(path)
        version, rest = rest[0], rest[1:]
        defs = {p: d for (g, v, p), d in state.defs.items() if g == group and v == version}
        if not rest:
            if not defs:
                raise _not_found(f"{group}/{version}")
            resources = []
            for d in defs.values():
                resources.append(
                    {
                        "name": d.plural,
                        "singularName": d.kind.lower(),
                        "namespaced": d.namespaced,
                        "kind": d.kind,
                        "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"],
                    }
                )
                if d.status:
                    resources.append(
                        {
                            "name": f"{d.plural}/status",
                            "singularName": "",
                            "namespaced": d.namespaced,
                            "kind": d.kind,
                            "verbs": ["get", "patch", "update"],
                        }
                    )
            return {
                "kind": "APIResourceList",
                "apiVersion": "v1",
                "groupVersion": f"{group}/{version}" if group else version,
                "resources": resources,
            }
        namespace = None
        if rest[0] == "namespaces" and len(rest) >= 3:
            namespace, rest = rest[1], rest[2:]
        plural, name, sub = (
            rest[0],
            (rest[1] if len(rest) > 1 else None),
            (rest[2] if len(rest) > 2 else None),
        )
        d = defs.get(plural)
        if d is None:
            raise ApiError(404, "NotFound", "404 page not found", plain=True)
        if d.namespaced and name and namespace is None and method != "POST":
            raise _not_found(f"{plural} {name}")
        verb = {
            "GET": "get" if name else "list",
            "PATCH": "patch",
            "PUT": "update",
            "POST": "create",
            "DELETE": "delete",
        }[method]
        if plural != "selfsubjectaccessreviews" and state.denied(verb, group, plural, namespace):
            scope = f' in the namespace "{namespace}"' if namespace else " at the cluster scope"
            raise ApiError(
                403,
                "Forbidden",
                f'{plural}.{group} "{name or ""}" is forbidden: User "test-user" cannot {verb} '
                f'resource "{plural}" in API group "{group}"{scope}',
                {"name": name or "", "group": group, "kind": plural},
            )
        if (
            state.namespaces is not None
            and namespace
            and method in ("PATCH", "POST", "PUT")
            and namespace not in state.namespaces
        ):
            raise _not_found(f'namespaces "{namespace}"')
        if plural == "selfsubjectaccessreviews" and method == "POST":
            attrs = (body.get("spec") or {}).get("resourceAttributes") or {}
            allowed = not state.denied(
                attrs.get("verb", ""),
                attrs.get("group", ""),
                attrs.get("resource", ""),
                attrs.get("namespace"),
            )
            out = copy.deepcopy(body)
            out["status"] = {
                "allowed": allowed,
                **({} if allowed else {"reason": "denied by test"}),
            }
            return out
        store = state.objects[(d.group, d.version, d.plural)]
        key = (namespace or "" if d.namespaced else "", name or "")
        if name is None:
            if method == "GET":
                return _list(state, d, store, namespace, query)
            if method == "POST":
                obj = copy.deepcopy(body)
                if d.namespaced:
                    obj["metadata"].setdefault("namespace", namespace)
                state.put(obj, query.get("fieldManager", "test"))
                new_key = (
                    obj["metadata"].get("namespace", "") if d.namespaced else "",
                    obj["metadata"]["name"],
                )
                return state.render(store[new_key])
            raise ApiError(405, "MethodNotAllowed", f"{method} on a list")
        stored = store.get(key)
        dry_run = query.get("dryRun") == "All"
        if method == "GET":
            if stored is None:
                raise _object_not_found(plural, group, name)
            return state.render(stored)
        if method == "DELETE":
            if stored is None:
                raise _object_not_found(plural, group, name)
            if not dry_run:
                del store[key]
            return {"kind": "Status", "apiVersion": "v1", "status": "Success"}
        if sub == "status":
            if stored is None:
                raise _object_not_found(plural, group, name)
            status = (
                body.get("status")
                if method == "PUT"
                else merge_patch(stored.obj.get("status"), (body or {}).get("status"))
            )
            _validate(d, {**stored.obj, "status": status}, part="status")
            if not dry_run:
                stored.obj["status"] = status
                stored.obj["metadata"]["resourceVersion"] = state.next_rv()
            return state.render(stored)
        if method == "PATCH" and ctype.startswith("application/apply-patch"):
            return _apply(state, d, store, key, body, query, dry_run)
        if method == "PATCH":
            if stored is None:
                raise _object_not_found(plural, group, name)
            # status changes only through /status; defaulted and validated like an apply
            merged = merge_patch(
                stored.obj, {k: v for k, v in (body or {}).items() if k != "status"}
            )
            if d.schema and isinstance(merged.get("spec"), dict):
                apply_defaults((d.schema.get("properties") or {}).get("spec"), merged["spec"])
                _validate(d, merged)
            changed = {
                p
                for p in leaf_fields(merged) | leaf_fields(stored.obj)
                if p[:1] == ("spec",)
                or p[:2] in (("metadata", "labels"), ("metadata", "annotations"))
                if get_path(merged, p) != get_path(stored.obj, p)
            }
            if changed and not dry_run:
                # an update takes the fields it changed away from every other manager
                manager = query.get("fieldManager") or "unknown"
                for _other, (_op, paths) in stored.managers.items():
                    paths -= changed
                _op, mine = stored.managers.get(manager, ("Update", set()))
                stored.managers[manager] = (
                    "Update",
                    mine | {p for p in changed if get_path(merged, p) is not None},
                )
                if any(p[:1] == ("spec",) for p in changed):
                    merged["metadata"]["generation"] = (
                        int(merged["metadata"].get("generation", 1)) + 1
                    )
                stored.obj = merged
                stored.obj["metadata"]["resourceVersion"] = state.next_rv()
            return state.render(stored)
        raise ApiError(405, "MethodNotAllowed", method)


def _matches_labels(obj: dict[str, Any], selector: str | None) -> bool:
    if not selector:
        return True
    labels = (obj.get("metadata") or {}).get("labels") or {}
    for term in selector.split(","):
        k, _, v = term.partition("=")
        if labels.get(k.strip()) != v.strip():
            return False
    return True


def _matches_fields(obj: dict[str, Any], selector: str | None) -> bool:
    if not selector:
        return True
    for term in selector.split(","):
        k, _, v = term.partition("=")
        if str(get_path(obj, tuple(k.strip().split(".")))) != v.strip():
            return False
    return True


def _list(
    state: State,
    d: ResourceDef,
    store: dict[Key, Stored],
    namespace: str | None,
    query: dict[str, str],
) -> Any:
    items = [
        state.render(s)
        for (ns, _), s in sorted(store.items())
        if (namespace is None or ns == namespace)
        and _matches_labels(s.obj, query.get("labelSelector"))
        and _matches_fields(s.obj, query.get("fieldSelector"))
    ]
    return {
        "kind": f"{d.kind}List",
        "apiVersion": d.api_version,
        "metadata": {"resourceVersion": str(state.rv)},
        "items": items,
    }


def apply_defaults(schema: dict[str, Any] | None, value: Any) -> Any:
    """Structural-schema defaulting, as the API server does it on every write: a missing
    property with a ``default`` gets it, and defaults inside it (and inside present objects,
    array items and map values) apply in turn."""
    if not schema:
        return value
    if isinstance(value, dict):
        props = schema.get("properties") or {}
        for key, sub in props.items():
            if key not in value and "default" in sub:
                value[key] = copy.deepcopy(sub["default"])
            if key in value:
                value[key] = apply_defaults(sub, value[key])
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            for key in value:
                if key not in props:
                    value[key] = apply_defaults(extra, value[key])
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [apply_defaults(schema["items"], item) for item in value]
    return value


def _field(path: Any) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _cause(error: Any) -> dict[str, str]:
    """One 422 cause, worded as the API server words it (k8s.io/apiextensions-apiserver)."""
    where = _field(error.absolute_path)
    if error.validator == "enum":
        allowed = ", ".join(json.dumps(v) for v in error.validator_value)
        return {
            "reason": "FieldValueNotSupported",
            "message": f"Unsupported value: {json.dumps(error.instance)}: supported values: "
            f"{allowed}",
            "field": where,
        }
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        return {
            "reason": "FieldValueRequired",
            "message": "Required value",
            "field": f"{where}.{missing}" if where else missing,
        }
    bounds = {
        "minimum": "greater than or equal to",
        "maximum": "less than or equal to",
        "minLength": "at least {} chars long",
        "maxLength": "at most {} chars long",
    }
    if error.validator in ("minimum", "maximum"):
        detail = f"{where} in body should be {bounds[error.validator]} {error.validator_value}"
    elif error.validator in ("minLength", "maxLength"):
        detail = f"{where} in body should be " + bounds[error.validator].format(
            error.validator_value
        )
    elif error.validator == "pattern":
        detail = f"{where} in body should match '{error.validator_value}'"
    else:
        detail = error.message
    return {
        "reason": "FieldValueInvalid",
        "message": f"Invalid value: {json.dumps(error.instance)}: {detail}",
        "field": where,
    }


def _validate(d: ResourceDef, obj: dict[str, Any], part: str = "spec") -> None:
    if not d.schema:
        return
    import jsonschema

    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if not k.startswith("x-kubernetes")}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    schema = strip(d.schema)
    schema = {**schema, "required": [r for r in schema.get("required") or [] if r == part]}
    validator = jsonschema.Draft4Validator(schema, format_checker=None)
    causes = [
        _cause(error)
        for error in validator.iter_errors({k: v for k, v in obj.items() if k == part})
    ]
    if causes:
        name = obj["metadata"]["name"]
        text = ", ".join(f"{c['field']}: {c['message']}" for c in causes)
        kind = f"{d.kind}.{d.group}" if d.group else d.kind
        raise ApiError(
            422,
            "Invalid",
            f'{kind} "{name}" is invalid: ' + (f"[{text}]" if len(causes) > 1 else text),
            {"name": name, "group": d.group, "kind": d.kind, "causes": causes},
        )


_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "number": (int, float),
    "object": (dict,),
    "array": (list,),
}


def _typed(schema: dict[str, Any] | None, value: Any, path: str) -> str | None:
    """What server-side apply says when an applied object does not fit the schema's types or
    sets a field the schema does not declare (it answers HTTP 500 before any validation)."""
    if not schema or value is None:
        return None
    if schema.get("x-kubernetes-int-or-string") and isinstance(value, (int, str)):
        return None
    kind = schema.get("type")
    wanted = _TYPES.get(str(kind))
    numeric_bool = kind in ("integer", "number") and isinstance(value, bool)
    if wanted and (not isinstance(value, wanted) or numeric_bool):
        if isinstance(value, bool):
            shown = str(value).lower()
        else:
            shown = json.dumps(value) if isinstance(value, (dict, list)) else str(value)
        return f"{path}: expected {kind}, got &{{{shown}}}"
    if isinstance(value, dict):
        if schema.get("x-kubernetes-preserve-unknown-fields"):
            return None
        props = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        for key, sub in value.items():
            if key in props:
                problem = _typed(props[key], sub, f"{path}.{key}")
            elif isinstance(extra, dict):
                problem = _typed(extra, sub, f"{path}.{key}")
            elif props or kind == "object":
                problem = f"{path}.{key}: field not declared in schema"
            else:
                problem = None
            if problem:
                return problem
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        for item in value:
            problem = _typed(schema["items"], item, path)
            if problem:
                return problem
    return None


def _apply(
    state: State,
    d: ResourceDef,
    store: dict[Key, Stored],
    key: Key,
    body: Any,
    query: dict[str, str],
    dry_run: bool,
) -> Any:
    manager = query.get("fieldManager")
    if not manager:
        raise ApiError(
            400,
            "BadRequest",
            "PATCH request must specify fieldManager when using server-side apply",
        )
    if body.get("kind") != d.kind or body.get("apiVersion") != d.api_version:
        raise ApiError(
            400,
            "BadRequest",
            f"apply body is {body.get('apiVersion')} {body.get('kind')}, not {d.kind}",
        )
    if d.schema:
        props = d.schema.get("properties") or {}
        for part in ("spec", "status"):
            problem = _typed(props.get(part), body.get(part), f".{part}")
            if problem:
                raise ApiError(
                    500,
                    "",
                    f"failed to create typed patch object ({key[0]}/{key[1]}; "
                    f"{d.api_version}, Kind={d.kind}): {problem}",
                )
    force = query.get("force") == "true"
    stored = store.get(key)
    existing = (
        copy.deepcopy(stored.obj)
        if stored
        else {
            "apiVersion": body["apiVersion"],
            "kind": body["kind"],
            "metadata": {
                "name": key[1],
                **({"namespace": key[0]} if d.namespaced else {}),
                "uid": str(uuid.uuid4()),
                "creationTimestamp": _now(),
            },
        }
    )
    managers = {m: (op, set(p)) for m, (op, p) in (stored.managers.items() if stored else [])}
    new = applied_fields(body)
    conflicts = []
    for other, (_op, paths) in managers.items():
        if other == manager:
            continue
        for p in sorted(new & paths):
            if get_path(existing, p) != get_path(body, p):
                conflicts.append((p, other))
    if conflicts and not force:
        causes = [
            {
                "reason": "FieldManagerConflict",
                "message": f'conflict with "{m}" using {d.api_version}',
                "field": "." + ".".join(p),
            }
            for p, m in conflicts
        ]
        if len(causes) == 1:
            text = f"Apply failed with 1 conflict: {causes[0]['message']}: {causes[0]['field']}"
        else:
            by_manager: dict[str, list[str]] = {}
            for p, m in conflicts:
                by_manager.setdefault(m, []).append("." + ".".join(p))
            text = f"Apply failed with {len(causes)} conflicts: " + "\n".join(
                f'conflicts with "{m}" using {d.api_version}:\n' + "\n".join(f"- {f}" for f in fs)
                for m, fs in by_manager.items()
            )
        raise ApiError(409, "Conflict", text, {"causes": causes})
    for p, m in conflicts:
        managers[m][1].discard(p)
    mine = managers.get(manager, ("Apply", set()))[1]
    others_fields: set[FieldPath] = set()
    for m, (_op, paths) in managers.items():
        if m != manager:
            others_fields |= paths
    result = copy.deepcopy(existing)
    for p in mine - new - others_fields:
        del_path(result, p)
    for p in sorted(new):
        set_path(result, p, get_path(body, p))
    if d.schema and isinstance(result.get("spec"), dict):  # status: only through /status
        apply_defaults((d.schema.get("properties") or {}).get("spec"), result["spec"])
    _validate(d, result)
    managers[manager] = ("Apply", new)
    before = {k: v for k, v in existing.items() if k != "status"}
    after = {k: v for k, v in result.items() if k != "status"}
    changed = stored is None or json.dumps(before, sort_keys=True) != json.dumps(
        after, sort_keys=True
    )
    if changed:
        result["metadata"]["resourceVersion"] = str(state.rv + 1)
        if stored is None or before.get("spec") != after.get("spec"):
            result["metadata"]["generation"] = int(existing["metadata"].get("generation", 0)) + 1
    candidate = Stored(result, managers)
    if not dry_run:
        if changed:
            state.next_rv()
        store[key] = candidate
    rendered = state.render(candidate)
    return Created(rendered) if stored is None else rendered


class KubeServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: State) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.state = state

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


def start(state: State | None = None) -> tuple[KubeServer, threading.Thread]:
    server = KubeServer(state or State())
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    return server, thread


def write_kubeconfig(
    path: Path, url: str, *, token: str = TOKEN, namespace: str = "default"
) -> Path:
    import yaml

    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "test", "cluster": {"server": url}}],
        "users": [{"name": "tester", "user": {"token": token}}],
        "contexts": [
            {
                "name": "test",
                "context": {"cluster": "test", "user": "tester", "namespace": namespace},
            },
            {
                "name": "team-b",
                "context": {"cluster": "test", "user": "tester", "namespace": "team-b"},
            },
        ],
        "current-context": "test",
    }
    path.write_text(yaml.safe_dump(config))
    return path
