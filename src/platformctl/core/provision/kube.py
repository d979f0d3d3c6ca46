"""The one gateway to the Kubernetes API (the official ``kubernetes`` client, imported lazily).

Everything goes through ``Cluster.request``: the client's ApiClient builds and authenticates the
request (kubeconfig: tokens, client certificates, exec plugins, CA bundles), and we map every
failure to a PlatformError with a hint.  Tokens never appear in messages: we only repeat the
server's status message, the verb, the resource and the namespace.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from platformctl.core.errors import EnvironmentProblem, PlatformError, ProblemsFound

FIELD_MANAGER = "platformctl"
APPLY_PATCH = "application/apply-patch+yaml"


class ApplyConflict(ProblemsFound):
    """Server-side apply found fields owned by another manager (HTTP 409, exit 1)."""

    def __init__(self, message: str, fields: list[tuple[str, str]]) -> None:
        super().__init__(
            message,
            hint="someone else (see the manager) changed these fields; re-run with "
            "--force-conflicts to take them over, or change your request to match",
        )
        self.fields = fields


class NotFound(EnvironmentProblem):
    """HTTP 404 (callers usually turn it into None)."""


class ServerRejected(ProblemsFound):
    """The API server refused the object (HTTP 422 Invalid / 400), exit 1."""


@dataclass
class ApplyResult:
    object: dict[str, Any]
    outcome: str  # created, configured, unchanged
    dry_run: bool = False


@dataclass
class Cluster:
    api_client: Any
    namespace: str
    context: str | None
    server: str
    timeout: tuple[float, float] = (5.0, 30.0)
    _discovery: dict[str, list[dict[str, Any]] | None] = field(default_factory=dict)

    # -- transport ----------------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        query: dict[str, Any] | None = None,
        body: Any = None,
        content_type: str | None = None,
        what: str | None = None,
    ) -> Any:
        """One HTTP request. ``what`` ("patch databaseclaims.x in namespace y") is used in
        403 messages.  Returns the decoded JSON body; raises PlatformError otherwise."""
        from kubernetes.client.exceptions import ApiException
        from urllib3.exceptions import HTTPError, MaxRetryError, SSLError

        api = self.api_client
        headers = {"Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = content_type or "application/json"
        params = [(k, v) for k, v in (query or {}).items() if v is not None]
        try:
            _, url, hdrs, data, post = api.param_serialize(
                method,
                path,
                query_params=params,
                header_params=headers,
                body=body,
                auth_settings=["BearerToken"],
            )
            response = api.call_api(method, url, hdrs, data, post, _request_timeout=self.timeout)
            response.read()
        except ApiException as exc:  # the REST layer raises it for TLS failures (status 0)
            if not exc.status:
                raise self._transport_error(exc) from None
            raise self._api_error(exc.status, exc.body, what) from None
        except (MaxRetryError, SSLError, HTTPError, OSError) as exc:
            raise self._transport_error(exc) from None
        status = response.status
        text = response.data.decode("utf-8", "replace") if response.data else ""
        if not 200 <= status < 300:
            raise self._api_error(status, text, what)
        if not text:
            return {}
        try:
            return json.loads(text)
        except ValueError:
            raise EnvironmentProblem(
                f"the API server at {self.server} sent a non-JSON response (HTTP {status})",
                hint="is the kubeconfig pointing at a Kubernetes API server?",
            ) from None

    def _transport_error(self, exc: BaseException) -> PlatformError:
        reason = getattr(exc, "reason", None) or exc
        text = str(reason)
        if "timed out" in text.lower() or "Timeout" in type(reason).__name__:
            return EnvironmentProblem(
                f"the API server at {self.server} did not answer in time"
                + (f" (context {self.context})" if self.context else ""),
                hint="the cluster may be overloaded or unreachable; retry, or check your VPN",
            )
        if "SSL" in type(reason).__name__ or "SSL" in text or "certificate" in text.lower():
            return EnvironmentProblem(
                f"TLS failure talking to the API server at {self.server}"
                + (f" (context {self.context})" if self.context else ""),
                hint="check the cluster's certificate-authority in your kubeconfig, or that "
                "the server URL is right",
            )
        return EnvironmentProblem(
            f"cannot reach the Kubernetes API server at {self.server}"
            + (f" (context {self.context})" if self.context else ""),
            hint="check your network/VPN and the kubeconfig context (kubectl cluster-info)",
        )

    def _api_error(self, status: int | None, body: Any, what: str | None) -> PlatformError:
        try:
            payload = json.loads(body) if isinstance(body, (str, bytes)) and body else {}
        except ValueError:
            payload = {}
        if not isinstance(payload, dict):
            payload = {}
        message = str(payload.get("message") or "").strip()
        where = f" (context {self.context})" if self.context else ""
        if status == 401:
            return EnvironmentProblem(
                f"the API server at {self.server} rejected your credentials "
                f"(401 Unauthorized){where}",
                hint="log in again or refresh your kubeconfig credentials",
            )
        if status == 403:
            action = what or "do this"
            return EnvironmentProblem(
                f"forbidden: you may not {action}{where}",
                hint="ask the platform team for access (RBAC); the server said: "
                + (message or "forbidden"),
            )
        if status == 409:
            causes = (payload.get("details") or {}).get("causes") or []
            fields = []
            for cause in causes:
                manager = _manager_of(str(cause.get("message") or ""))
                fields.append((str(cause.get("field") or ""), manager))
            listed = ", ".join(f"{f} (owned by {m})" if m else f for f, m in fields) or message
            return ApplyConflict(f"conflict: fields managed by someone else: {listed}", fields)
        if status in (400, 422):
            causes = (payload.get("details") or {}).get("causes") or []
            detail = "; ".join(
                f"{c.get('field')}: {c.get('message')}" if c.get("field") else str(c.get("message"))
                for c in causes
            )
            return ServerRejected(
                f"the API server rejected the claim: {detail or message}",
                hint="the cluster's XRD differs from the local one? run "
                "`platformctl provision explain TYPE` and compare with the platform team's XRD",
            )
        if status == 500 and message.startswith("failed to create typed patch object"):
            # server-side apply refuses an object that does not fit the CRD's types before any
            # validation: '... (ns/name; g/v, Kind=K): .spec.x: field not declared in schema'
            return ServerRejected(
                f"the API server rejected the claim: {message.partition('): ')[2] or message}",
                hint="the cluster's XRD differs from the local one? run "
                "`platformctl provision explain TYPE` and compare with the platform team's XRD",
            )
        if status == 404:
            return NotFound(f"not found: {message or what or 'resource'}")
        return EnvironmentProblem(
            f"the API server answered HTTP {status}: {message or 'no message'}",
            hint="retry; if it persists, ask the platform team",
        )

    # -- discovery -------------------------------------------------------------------------
    def resources(self, api_version: str) -> list[dict[str, Any]] | None:
        """The APIResourceList of ``group/version`` (None when the version is not served)."""
        if api_version in self._discovery:
            return self._discovery[api_version]
        path = f"/api/{api_version}" if "/" not in api_version else f"/apis/{api_version}"
        try:
            result = self.request("GET", path, what=f"discover {api_version}")
            found = list(result.get("resources") or [])
        except NotFound:
            found = None
        self._discovery[api_version] = found
        return found

    def resource_for(self, api_version: str, kind: str) -> tuple[str, bool] | None:
        """(plural, namespaced) of a kind, via discovery; None when not served."""
        for res in self.resources(api_version) or []:
            if res.get("kind") == kind and "/" not in str(res.get("name")):
                return str(res["name"]), bool(res.get("namespaced"))
        return None

    def can_i(self, verb: str, group: str, resource: str, namespace: str | None) -> bool:
        body = {
            "apiVersion": "authorization.k8s.io/v1",
            "kind": "SelfSubjectAccessReview",
            "spec": {
                "resourceAttributes": {
                    "verb": verb,
                    "group": group,
                    "resource": resource,
                    **({"namespace": namespace} if namespace else {}),
                }
            },
        }
        result = self.request(
            "POST",
            "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
            body=body,
            what="create selfsubjectaccessreviews",
        )
        return bool((result.get("status") or {}).get("allowed"))

    # -- objects -------------------------------------------------------------------------------
    @staticmethod
    def path(api_version: str, plural: str, namespace: str | None, name: str | None = None) -> str:
        base = f"/api/{api_version}" if "/" not in api_version else f"/apis/{api_version}"
        if namespace:
            base += f"/namespaces/{quote(namespace, safe='')}"
        base += f"/{plural}"
        if name:
            base += f"/{quote(name, safe='')}"
        return base

    def get(
        self, api_version: str, plural: str, name: str, namespace: str | None
    ) -> dict[str, Any] | None:
        try:
            return self.request(
                "GET",
                self.path(api_version, plural, namespace, name),
                what=_what("get", plural, api_version, namespace),
            )
        except NotFound:
            return None

    def list_objects(
        self,
        api_version: str,
        plural: str,
        namespace: str | None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> list[dict[str, Any]]:
        result = self.request(
            "GET",
            self.path(api_version, plural, namespace),
            query={"labelSelector": label_selector, "fieldSelector": field_selector},
            what=_what("list", plural, api_version, namespace),
        )
        return list(result.get("items") or [])

    def apply(
        self,
        obj: dict[str, Any],
        plural: str,
        *,
        force: bool = False,
        dry_run: bool = False,
    ) -> ApplyResult:
        """Server-side apply with field manager ``platformctl``."""
        meta = obj["metadata"]
        namespace = meta.get("namespace")
        api_version = obj["apiVersion"]
        before = self.get(api_version, plural, meta["name"], namespace)
        try:
            after = self.request(
                "PATCH",
                self.path(api_version, plural, namespace, meta["name"]),
                query={
                    "fieldManager": FIELD_MANAGER,
                    "force": "true" if force else None,
                    "dryRun": "All" if dry_run else None,
                },
                body=obj,
                content_type=APPLY_PATCH,
                what=_what("patch", plural, api_version, namespace),
            )
        except NotFound as exc:
            if namespace and "namespaces" in exc.message:
                raise EnvironmentProblem(
                    f"namespace {namespace} does not exist on the cluster"
                    + (f" (context {self.context})" if self.context else ""),
                    hint="pass -n NAMESPACE with an existing namespace "
                    "(kubectl get namespaces), or ask the platform team to create it",
                ) from None
            raise EnvironmentProblem(
                f"cannot apply {obj.get('kind')}/{meta['name']}: {exc.message}",
                hint="is the claim type installed on this cluster? check --context",
            ) from None
        if before is None:
            outcome = "created"
        elif _unchanged(before, obj):
            outcome = "unchanged"
        else:
            outcome = "configured"
        return ApplyResult(after, outcome, dry_run)

    def delete(self, api_version: str, plural: str, name: str, namespace: str | None) -> bool:
        try:
            self.request(
                "DELETE",
                self.path(api_version, plural, namespace, name),
                what=_what("delete", plural, api_version, namespace),
            )
        except NotFound:
            return False
        return True

    def events_for(self, name: str, namespace: str | None) -> list[dict[str, Any]]:
        """Events about objects called ``name`` (any namespace when None); [] if unreadable."""
        try:
            return self.list_objects(
                "v1", "events", namespace, field_selector=f"involvedObject.name={name}"
            )
        except EnvironmentProblem:
            return []

    def secret(self, namespace: str, name: str) -> dict[str, Any] | None:
        return self.get("v1", "secrets", name, namespace)


def _what(verb: str, plural: str, api_version: str, namespace: str | None) -> str:
    group = api_version.rpartition("/")[0]
    resource = f"{plural}.{group}" if group else plural
    return f"{verb} {resource}" + (f" in namespace {namespace}" if namespace else "")


def _manager_of(message: str) -> str:
    # 'conflict with "kubectl-edit" using v1: .spec.parameters.size'
    if 'conflict with "' in message:
        return message.split('conflict with "', 1)[1].split('"', 1)[0]
    return ""


def _leaves(obj: Any, base: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    if isinstance(obj, dict) and obj:
        out: dict[tuple[str, ...], Any] = {}
        for key, value in obj.items():
            out.update(_leaves(value, (*base, str(key))))
        return out
    return {base: obj}


def _fields_v1(tree: Any, base: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    out: set[tuple[str, ...]] = set()
    if not isinstance(tree, dict):
        return out
    for key, sub in tree.items():
        if not key.startswith("f:"):
            continue  # k: (list keys), v: (set values), "." (the object itself)
        path = (*base, key[2:])
        if isinstance(sub, dict) and any(k.startswith("f:") for k in sub):
            out |= _fields_v1(sub, path)
        else:
            out.add(path)
    return out


def _unchanged(before: dict[str, Any], applied: dict[str, Any]) -> bool:
    """Would applying ``applied`` change nothing? Same values for our fields, same ownership."""
    ours = {
        path: value
        for path, value in _leaves(applied).items()
        if path not in (("apiVersion",), ("kind",), ("metadata", "name"), ("metadata", "namespace"))
    }
    current = _leaves(before)
    if any(current.get(path, _MISSING) != value for path, value in ours.items()):
        return False
    for entry in (before.get("metadata") or {}).get("managedFields") or []:
        if entry.get("manager") == FIELD_MANAGER and entry.get("operation") == "Apply":
            return _fields_v1(entry.get("fieldsV1")) == set(ours)
    return False


_MISSING = object()


def kubeconfig_paths(kubeconfig: str | None) -> list[Path]:
    if kubeconfig:
        return [Path(kubeconfig).expanduser()]
    env = os.environ.get("KUBECONFIG")
    if env:
        return [Path(p).expanduser() for p in env.split(os.pathsep) if p]
    return [Path("~/.kube/config").expanduser()]


def kubeconfig_available(kubeconfig: str | None = None) -> bool:
    return any(p.is_file() for p in kubeconfig_paths(kubeconfig))


def connect(
    *,
    kubeconfig: str | None = None,
    context: str | None = None,
    namespace: str | None = None,
    timeout: tuple[float, float] = (5.0, 30.0),
) -> Cluster:
    """A Cluster for the kubeconfig context (default: current context)."""
    paths = kubeconfig_paths(kubeconfig)
    existing = [p for p in paths if p.is_file()]
    if not existing:
        raise EnvironmentProblem(
            f"no kubeconfig found (looked at {', '.join(str(p) for p in paths)})",
            hint="pass --kubeconfig FILE, set KUBECONFIG, or use --gitops to write the claim "
            "to a repository instead",
        )
    from kubernetes import client, config

    config_file = (
        os.pathsep.join(str(p) for p in existing) if len(existing) > 1 else str(existing[0])
    )
    try:
        contexts, active = config.list_kube_config_contexts(config_file=config_file)
    # a malformed file raises YAML errors, AttributeError/KeyError on a wrong shape, ...
    except Exception as exc:  # noqa: BLE001 - any failure to read the user's file is theirs to fix
        raise EnvironmentProblem(
            f"cannot read kubeconfig {config_file}: {_first_line(exc)}",
            hint="check the file (kubectl config view)",
        ) from None
    names = [c.get("name") for c in contexts or []]
    if context and context not in names:
        raise EnvironmentProblem(
            f"kubeconfig context {context!r} not found",
            hint=f"available contexts: {', '.join(str(n) for n in names) or 'none'}",
        )
    if not context and not active:
        raise EnvironmentProblem(
            f"kubeconfig {config_file} has no current context",
            hint="pass --context NAME or run kubectl config use-context NAME",
        )
    chosen = next((c for c in contexts if c.get("name") == context), None) if context else active
    configuration = client.Configuration()
    try:
        config.load_kube_config(
            config_file=config_file,
            context=context,
            client_configuration=configuration,
            persist_config=False,
        )
    except Exception as exc:  # noqa: BLE001 - as above; ConfigException names the problem
        raise EnvironmentProblem(
            f"cannot use kubeconfig context {(chosen or {}).get('name')!r}: {_first_line(exc)}",
            hint="check the context, its cluster and user entries (kubectl config view)",
        ) from None
    configuration.retries = 0
    api_client = client.ApiClient(configuration)
    ctx_namespace = ((chosen or {}).get("context") or {}).get("namespace")
    return Cluster(
        api_client=api_client,
        namespace=namespace or ctx_namespace or "default",
        context=(chosen or {}).get("name"),
        server=str(configuration.host),
        timeout=timeout,
    )


def context_namespace(*, kubeconfig: str | None = None, context: str | None = None) -> str | None:
    """The namespace of a kubeconfig context without connecting; None when unknown."""
    existing = [p for p in kubeconfig_paths(kubeconfig) if p.is_file()]
    if not existing:
        return None
    from kubernetes import config

    try:
        contexts, active = config.list_kube_config_contexts(
            config_file=os.pathsep.join(str(p) for p in existing)
        )
    except Exception:  # noqa: BLE001 - only a default for printing; connect() reports problems
        return None
    chosen = (
        next((c for c in contexts or [] if c.get("name") == context), None) if context else active
    )
    namespace = ((chosen or {}).get("context") or {}).get("namespace")
    return str(namespace) if namespace else None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__
