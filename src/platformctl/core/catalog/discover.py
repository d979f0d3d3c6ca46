"""Catalog entities from what runs in the cluster (``platformctl catalog discover``).

Deployments, StatefulSets and CronJobs become ``Component`` entities, claims of the platform's
claim types ``Resource`` entities; a workload ``dependsOn`` the claims whose connection secret it
mounts (``envFrom``, ``env[].valueFrom.secretKeyRef``, secret volumes) in its namespace.

Rules (a platform overrides them with ``discover:`` in ``platform.yaml``,
docs/reference/discover.md):

* name: label ``app.kubernetes.io/name``, else the object's name; when two namespaces give the
  same name, each becomes ``NAME-NAMESPACE``;
* owner: label ``team`` or ``owner``, else annotation ``backstage.io/owner``, else
  ``default_owner``;
* lifecycle: the first ``lifecycles`` pattern (shell glob) matching the namespace, else
  ``default_lifecycle`` (defaults: ``*prod*`` -> production, ``*staging*`` -> experimental,
  otherwise development);
* system: label ``system`` or ``app.kubernetes.io/part-of``, else annotation
  ``backstage.io/system``;
* type: ``service`` when a Service selects the workload's pods, ``worker`` otherwise, ``job``
  for CronJobs; a Resource's type is its claim type's ``resource_type``;
* annotations ``backstage.io/kubernetes-id``, ``backstage.io/kubernetes-namespace``,
  ``backstage.io/kubernetes-label-selector``, and the source repository
  (``backstage.io/source-location``, ``github.com/project-slug``) when the workload has them.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformctl.core.errors import InputFileError

WORKLOADS = (("apps/v1", "Deployment"), ("apps/v1", "StatefulSet"), ("batch/v1", "CronJob"))
OWNER_LABELS = ("team", "owner")
SYSTEM_LABELS = ("system", "app.kubernetes.io/part-of")
SOURCE_ANNOTATIONS = ("backstage.io/source-location", "github.com/project-slug")
DISCOVERED = "platformctl.io/discovered-from"
K8S_ID = "backstage.io/kubernetes-id"
K8S_NS = "backstage.io/kubernetes-namespace"
K8S_SELECTOR = "backstage.io/kubernetes-label-selector"


@dataclass
class Rules:
    default_owner: str = "group:default/unowned"
    lifecycles: list[tuple[str, str]] = field(
        default_factory=lambda: [("*prod*", "production"), ("*staging*", "experimental")]
    )
    default_lifecycle: str = "development"

    def lifecycle(self, namespace: str) -> str:
        for pattern, lifecycle in self.lifecycles:
            if fnmatch.fnmatchcase(namespace, pattern):
                return lifecycle
        return self.default_lifecycle


def rules_from_config(config: Any) -> Rules:
    """``discover:`` of the innermost platform that has one (InputFileError with file:line)."""
    rules = Rules()
    for layer in reversed(config.platforms):
        section = (layer.data or {}).get("discover")
        if section is None:
            continue

        def fail(path: tuple[Any, ...], message: str, layer: Any = layer) -> InputFileError:
            line = column = None
            if layer.document is not None:
                line, column = layer.document.position(path)
            manifest = str(Path(layer.root) / "platform.yaml")
            return InputFileError(message, file=manifest, line=line, column=column)

        if not isinstance(section, dict):
            raise fail(("discover",), "discover must be a mapping")
        owner = section.get("default_owner", rules.default_owner)
        if not isinstance(owner, str) or not owner.strip():
            raise fail(("discover", "default_owner"), "default_owner must be an entity reference")
        rules.default_owner = owner.strip()
        default = section.get("default_lifecycle", rules.default_lifecycle)
        if not isinstance(default, str) or not default:
            raise fail(("discover", "default_lifecycle"), "default_lifecycle must be a string")
        rules.default_lifecycle = default
        if "lifecycles" in section:
            items = section["lifecycles"]
            if not isinstance(items, list):
                raise fail(("discover", "lifecycles"), "lifecycles must be a list")
            parsed = []
            for i, item in enumerate(items):
                if (
                    not isinstance(item, dict)
                    or not isinstance(item.get("namespace"), str)
                    or not isinstance(item.get("lifecycle"), str)
                ):
                    raise fail(
                        ("discover", "lifecycles", i),
                        "each lifecycle rule is {namespace: GLOB, lifecycle: NAME}",
                    )
                parsed.append((item["namespace"], item["lifecycle"]))
            rules.lifecycles = parsed
        return rules
    return rules


@dataclass
class Discovered:
    namespace: str  # the Kubernetes namespace it runs in
    source: str  # Kind/namespace/name in the cluster
    entity: dict[str, Any]

    @property
    def ref(self) -> str:
        kind = str(self.entity["kind"]).lower()
        return f"{kind}:default/{self.entity['metadata']['name']}"

    @property
    def kubernetes_id(self) -> str | None:
        return (self.entity["metadata"].get("annotations") or {}).get(K8S_ID)


@dataclass
class Discovery:
    entities: list[Discovered]
    namespaces: list[str]
    notes: list[str] = field(default_factory=list)


def _label(meta: dict[str, Any], labels: tuple[str, ...], annotation: str) -> str | None:
    values = meta.get("labels") or {}
    for key in labels:
        if isinstance(values.get(key), str) and values[key].strip():
            return str(values[key]).strip()
    value = (meta.get("annotations") or {}).get(annotation)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _pod_spec(obj: dict[str, Any]) -> dict[str, Any]:
    spec = obj.get("spec") or {}
    if obj.get("kind") == "CronJob":
        spec = ((spec.get("jobTemplate") or {}).get("spec")) or {}
    return ((spec.get("template") or {}).get("spec")) or {}


def _pod_labels(obj: dict[str, Any]) -> dict[str, str]:
    spec = obj.get("spec") or {}
    if obj.get("kind") == "CronJob":
        spec = ((spec.get("jobTemplate") or {}).get("spec")) or {}
    return dict(((spec.get("template") or {}).get("metadata") or {}).get("labels") or {})


def mounted_secrets(obj: dict[str, Any]) -> set[str]:
    """Names of the Secrets a workload's pods read (env, envFrom, volumes)."""
    pod = _pod_spec(obj)
    names: set[str] = set()
    for container in [*(pod.get("containers") or []), *(pod.get("initContainers") or [])]:
        for source in container.get("envFrom") or []:
            ref = (source or {}).get("secretRef") or {}
            if ref.get("name"):
                names.add(str(ref["name"]))
        for env in container.get("env") or []:
            ref = ((env or {}).get("valueFrom") or {}).get("secretKeyRef") or {}
            if ref.get("name"):
                names.add(str(ref["name"]))
    for volume in pod.get("volumes") or []:
        secret = (volume or {}).get("secret") or {}
        if secret.get("secretName"):
            names.add(str(secret["secretName"]))
        for projected in ((volume or {}).get("projected") or {}).get("sources") or []:
            ref = (projected or {}).get("secret") or {}
            if ref.get("name"):
                names.add(str(ref["name"]))
    return names


def _selector(obj: dict[str, Any]) -> str | None:
    labels = ((obj.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
    if not labels and obj.get("kind") == "CronJob":
        labels = _pod_labels(obj)
    if not labels:
        return None
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


def _fronted(obj: dict[str, Any], services: list[dict[str, Any]]) -> bool:
    pod_labels = _pod_labels(obj)
    for service in services:
        selector = (service.get("spec") or {}).get("selector") or {}
        if selector and all(pod_labels.get(k) == v for k, v in selector.items()):
            return True
    return False


def _owner(meta: dict[str, Any], rules: Rules) -> str:
    return _label(meta, OWNER_LABELS, "backstage.io/owner") or rules.default_owner


def _system(meta: dict[str, Any]) -> str | None:
    return _label(meta, SYSTEM_LABELS, "backstage.io/system")


def _list(cluster: Any, api_version: str, kind: str, namespace: str | None, selector: str | None):
    served = cluster.resource_for(api_version, kind)
    if served is None:
        return None
    plural, namespaced = served
    return cluster.list_objects(
        api_version, plural, namespace if namespaced else None, label_selector=selector
    )


def discover(
    cluster: Any,
    registry: Any,
    *,
    namespace: str | None,
    selector: str | None = None,
    rules: Rules | None = None,
) -> Discovery:
    """Entities for the workloads and claims in ``namespace`` (None: every namespace)."""
    from platformctl.core.provision.claim import connection_secret_ref

    rules = rules or Rules()
    notes: list[str] = []
    services: dict[str, list[dict[str, Any]]] = {}
    for svc in _list(cluster, "v1", "Service", namespace, None) or []:
        ns = (svc.get("metadata") or {}).get("namespace") or ""
        services.setdefault(ns, []).append(svc)

    # claims first: workloads refer to them
    claims: list[tuple[Any, dict[str, Any]]] = []
    for claim_type in registry.types.values():
        xrd = claim_type.xrd
        found = _list(cluster, xrd.api_version_of_request, xrd.request_kind, namespace, selector)
        if found is None:
            notes.append(f"the cluster does not serve claim type {claim_type.name}")
            continue
        claims.extend((claim_type, obj) for obj in found)
    workloads: list[dict[str, Any]] = []
    for api_version, kind in WORKLOADS:
        found = _list(cluster, api_version, kind, namespace, selector)
        if found is None:
            notes.append(f"the cluster does not serve {kind}")
            continue
        for obj in found:
            obj.setdefault("kind", kind)
            workloads.append(obj)

    def base_name(obj: dict[str, Any]) -> str:
        meta = obj.get("metadata") or {}
        return str((meta.get("labels") or {}).get("app.kubernetes.io/name") or meta.get("name"))

    names: dict[tuple[str, str], set[str]] = {}
    for kind, obj in [("Resource", o) for _, o in claims] + [("Component", w) for w in workloads]:
        ns = str((obj.get("metadata") or {}).get("namespace") or "")
        names.setdefault((kind, base_name(obj)), set()).add(ns)

    def entity_name(kind: str, obj: dict[str, Any]) -> str:
        name = base_name(obj)
        ns = str((obj.get("metadata") or {}).get("namespace") or "")
        return f"{name}-{ns}" if len(names[(kind, name)]) > 1 else name

    out: list[Discovered] = []
    secret_owner: dict[tuple[str, str], str] = {}  # (namespace, secret) -> resource entity name
    for claim_type, obj in claims:
        meta = obj.get("metadata") or {}
        ns = str(meta.get("namespace") or "")
        name = entity_name("Resource", obj)
        secret_ns, secret = connection_secret_ref(obj, claim_type.xrd)
        if secret:
            secret_owner[(secret_ns or ns, secret)] = name
        annotations = {
            K8S_ID: str(meta.get("name")),
            K8S_NS: ns,
            DISCOVERED: f"{obj.get('kind')}/{ns}/{meta.get('name')}",
        }
        spec: dict[str, Any] = {"type": claim_type.resource_type, "owner": _owner(meta, rules)}
        if system := _system(meta):
            spec["system"] = system
        entity = {
            "apiVersion": "backstage.io/v1alpha1",
            "kind": "Resource",
            "metadata": {"name": name, "annotations": annotations},
            "spec": spec,
        }
        out.append(Discovered(ns, annotations[DISCOVERED], entity))
    for obj in workloads:
        meta = obj.get("metadata") or {}
        ns = str(meta.get("namespace") or "")
        kind = str(obj.get("kind"))
        annotations = {
            K8S_ID: base_name(obj),
            K8S_NS: ns,
            DISCOVERED: f"{kind}/{ns}/{meta.get('name')}",
        }
        if selector_text := _selector(obj):
            annotations[K8S_SELECTOR] = selector_text
        for key in SOURCE_ANNOTATIONS:
            value = (meta.get("annotations") or {}).get(key)
            if isinstance(value, str) and value:
                annotations[key] = value
        if kind == "CronJob":
            component_type = "job"
        else:
            component_type = "service" if _fronted(obj, services.get(ns, [])) else "worker"
        spec = {
            "type": component_type,
            "lifecycle": rules.lifecycle(ns),
            "owner": _owner(meta, rules),
        }
        if system := _system(meta):
            spec["system"] = system
        depends = sorted(
            {
                f"resource:{secret_owner[(ns, secret)]}"
                for secret in mounted_secrets(obj)
                if (ns, secret) in secret_owner
            }
        )
        if depends:
            spec["dependsOn"] = depends
        entity = {
            "apiVersion": "backstage.io/v1alpha1",
            "kind": "Component",
            "metadata": {"name": entity_name("Component", obj), "annotations": annotations},
            "spec": spec,
        }
        out.append(Discovered(ns, annotations[DISCOVERED], entity))
    namespaces = sorted({d.namespace for d in out})
    out.sort(
        key=lambda d: (d.namespace, d.entity["kind"] != "Component", d.entity["metadata"]["name"])
    )
    return Discovery(out, namespaces, notes)


# --- validation and files ------------------------------------------------------------------------


def discover_cluster(
    registry: Any,
    *,
    kubeconfig: str | None,
    context: str | None,
    namespace: str | None,
    all_namespaces: bool,
    selector: str | None = None,
    rules: Rules | None = None,
) -> tuple[Discovery, str | None]:
    """Connect to the kube context and discover in ``namespace`` (else the context's namespace,
    else ``default``; every namespace with ``all_namespaces``).  Returns the discovery and the
    namespace searched (None: every namespace)."""
    from platformctl.core.provision import kube

    cluster = kube.connect(kubeconfig=kubeconfig, context=context, namespace=namespace)
    scope = None if all_namespaces else (namespace or cluster.namespace or "default")
    found = discover(cluster, registry, namespace=scope, selector=selector, rules=rules)
    return found, scope


@dataclass
class Invalid:
    discovered: Discovered
    messages: list[str]


def render(entities: list[Discovered]) -> str:
    import yaml

    return "".join(
        "---\n" + yaml.safe_dump(d.entity, sort_keys=False, default_flow_style=False)
        for d in entities
    )


def validate(discovery: Discovery, *, config: Any = None) -> list[Invalid]:
    """Each entity through the Backstage-exact validator; the invalid ones (not to be written).

    Only Backstage's own rules (``backstage/`` and ``yaml/`` findings) decide: references to
    owners that are defined elsewhere are for ``--diff`` to report."""
    from platformctl.core.catalog.validate import validate_text

    invalid: list[Invalid] = []
    for item in discovery.entities:
        result = validate_text(render([item]), item.source, config=config)
        messages = [
            f"{f.rule}: {f.message}"
            for f in result.report.findings
            if f.severity == "error" and f.rule.split("/")[0] in ("backstage", "yaml")
        ]
        if messages:
            invalid.append(Invalid(item, messages))
    return invalid


def files_by_namespace(entities: list[Discovered]) -> dict[str, str]:
    """``<namespace>.catalog.yaml`` -> its documents."""
    grouped: dict[str, list[Discovered]] = {}
    for item in entities:
        grouped.setdefault(item.namespace or "cluster", []).append(item)
    header = "# Generated by `platformctl catalog discover` from the cluster; review before use.\n"
    return {f"{ns}.catalog.yaml": header + render(items) for ns, items in grouped.items()}


# --- against the live catalog ----------------------------------------------------------------


@dataclass
class Drift:
    not_in_catalog: list[str]  # running, no catalog entity (by ref or kubernetes-id)
    not_running: list[str]  # catalog entities with a kubernetes-id nothing runs under
    unresolved_owners: list[tuple[str, str]]  # (entity ref, owner ref)

    @property
    def clean(self) -> bool:
        return not (self.not_in_catalog or self.not_running or self.unresolved_owners)

    def to_json(self) -> dict[str, Any]:
        return {
            "not_in_catalog": self.not_in_catalog,
            "not_running": self.not_running,
            "unresolved_owners": [{"entity": e, "owner": o} for e, o in self.unresolved_owners],
        }


def _ref(entity: dict[str, Any]) -> str:
    meta = entity.get("metadata") or {}
    return (
        f"{str(entity.get('kind')).lower()}:{meta.get('namespace') or 'default'}/{meta.get('name')}"
    )


def _owner_ref(owner: str) -> str:
    kind, _, rest = owner.rpartition(":") if ":" in owner else ("group", "", owner)
    namespace, _, name = rest.rpartition("/")
    return f"{kind.lower()}:{(namespace or 'default').lower()}/{name.lower()}"


def drift(discovery: Discovery, catalog: list[dict[str, Any]]) -> Drift:
    """Orphans both ways, and owners the catalog does not know."""
    refs = {_ref(e).lower() for e in catalog}
    catalog_ids: dict[tuple[str, str | None], str] = {}
    for entity in catalog:
        annotations = (entity.get("metadata") or {}).get("annotations") or {}
        if annotations.get(K8S_ID):
            catalog_ids[(str(annotations[K8S_ID]), annotations.get(K8S_NS))] = _ref(entity)
    running_ids = {
        (str(d.kubernetes_id), d.namespace) for d in discovery.entities if d.kubernetes_id
    }
    running_plain = {i for i, _ in running_ids}
    not_in_catalog = []
    for d in discovery.entities:
        known = (
            d.ref in refs
            or (str(d.kubernetes_id), d.namespace) in catalog_ids
            or ((str(d.kubernetes_id), None) in catalog_ids)
        )
        if not known:
            not_in_catalog.append(f"{d.ref} ({d.source})")
    scanned = set(discovery.namespaces)
    not_running = []
    for (kid, ns), ref in sorted(catalog_ids.items(), key=lambda kv: kv[1]):
        if ns is not None and ns not in scanned:
            continue  # runs (or not) in a namespace that was not looked at
        if (kid, ns) in running_ids or (ns is None and kid in running_plain):
            continue
        not_running.append(ref)
    owners = {r for r in refs if r.startswith(("group:", "user:"))}
    unresolved = [
        (d.ref, str(d.entity["spec"]["owner"]))
        for d in discovery.entities
        if _owner_ref(str(d.entity["spec"]["owner"])) not in owners
    ]
    return Drift(sorted(not_in_catalog), sorted(set(not_running)), unresolved)
