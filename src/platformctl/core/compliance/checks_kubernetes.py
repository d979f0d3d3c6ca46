"""The ``kubernetes`` check type: workload manifests under ``deploy/`` (probes, resources,
securityContext, image tags, Prometheus scraping).
"""

from __future__ import annotations

from typing import Any

from platformctl.core.compliance import parsers
from platformctl.core.compliance.checks import (
    K8S_DIR,
    expected_path,
)
from platformctl.core.compliance.facts import Facts
from platformctl.core.compliance.registry import (
    BOOL,
    LIST,
    Opt,
    Outcome,
    check,
)

# --- Kubernetes ------------------------------------------------------------------------------


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


@check(
    "kubernetes",
    paths=Opt(
        LIST, help="globs of manifest files (default: k8s/, kubernetes/, deploy/, manifests/ ...)"
    ),
    probes=Opt(LIST, help="probes every container needs: liveness, readiness, startup"),
    resources=Opt(LIST, help="e.g. [requests.cpu, requests.memory, limits.memory]"),
    run_as_non_root=Opt(BOOL, default=False, help="runAsNonRoot: true (pod or container)"),
    read_only_root_fs=Opt(
        BOOL, default=False, help="readOnlyRootFilesystem: true on every container"
    ),
    no_privilege_escalation=Opt(BOOL, default=False, help="allowPrivilegeEscalation: false"),
    no_latest_image=Opt(
        BOOL, default=False, help="images carry a tag other than latest (or a digest)"
    ),
    prometheus_scrape=Opt(
        BOOL,
        default=False,
        help='pod template annotated prometheus.io/scrape: "true" (or a ServiceMonitor/PodMonitor)',
    ),
)
def kubernetes(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """Kubernetes workloads: probes, resources, securityContext, image tags, Prometheus scraping."""
    globs = opts.get("paths") or parsers.K8S_GLOBS
    manifests = parsers.manifests(facts, tuple(globs))
    containers = parsers.containers(facts, tuple(globs))
    if not containers:
        return Outcome.fail(
            "no Kubernetes workload (Deployment, StatefulSet, ...) found under "
            + ", ".join(sorted({g.split("/")[0] for g in globs})),
            expected_path(opts["paths"]) if opts.get("paths") else K8S_DIR,
        )

    def container_problem(c: parsers.Container) -> Outcome | None:
        for probe in opts.get("probes") or []:
            key = f"{probe}Probe"
            if not isinstance(c.data.get(key), dict):
                return Outcome.fail(f"{c.where} has no {key}", c.manifest.file, c.line())
        for resource in opts.get("resources") or []:
            value = parsers._get(c.data.get("resources"), tuple(str(resource).split(".")))
            if value in (None, ""):
                return Outcome.fail(
                    f"{c.where} sets no resources.{resource}",
                    c.manifest.file,
                    c.line("resources") if c.data.get("resources") else c.line(),
                )
        security: dict[str, Any] = (
            c.data["securityContext"] if isinstance(c.data.get("securityContext"), dict) else {}
        )
        pod_security: dict[str, Any] = (
            c.pod_spec["securityContext"]
            if isinstance(c.pod_spec.get("securityContext"), dict)
            else {}
        )
        if opts.get("run_as_non_root"):
            value = security.get("runAsNonRoot", pod_security.get("runAsNonRoot"))
            if not _truthy(value):
                return Outcome.fail(
                    f"{c.where} does not set runAsNonRoot: true", c.manifest.file, c.line()
                )
            if security.get("runAsUser", pod_security.get("runAsUser")) == 0:
                return Outcome.fail(f"{c.where} sets runAsUser: 0", c.manifest.file, c.line())
        if opts.get("read_only_root_fs") and not _truthy(security.get("readOnlyRootFilesystem")):
            return Outcome.fail(
                f"{c.where} does not set readOnlyRootFilesystem: true", c.manifest.file, c.line()
            )
        if (
            opts.get("no_privilege_escalation")
            and security.get("allowPrivilegeEscalation") is not False
        ):
            return Outcome.fail(
                f"{c.where} does not set allowPrivilegeEscalation: false", c.manifest.file, c.line()
            )
        if opts.get("no_latest_image"):
            image = str(c.data.get("image") or "")
            _, tag, digest = parsers.image_tag(image)
            if not image or tag == "latest" or (not tag and not digest):
                return Outcome.fail(
                    f"{c.where} image {image or '(none)'} uses latest",
                    c.manifest.file,
                    c.line("image"),
                )
        return None

    problems = [p for p in map(container_problem, containers) if p is not None]
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        return Outcome.fail(problems[0].message + more, problems[0].file, problems[0].line)
    if opts.get("prometheus_scrape"):
        if any(m.kind in ("ServiceMonitor", "PodMonitor") for m in manifests):
            return Outcome.ok("ServiceMonitor/PodMonitor present")
        for c in containers:
            base = parsers.pod_template_path(c.manifest) or ()
            annotations = parsers._get(c.manifest.data, (*base, "metadata", "annotations")) or {}
            if not isinstance(annotations, dict) or not _truthy(
                annotations.get("prometheus.io/scrape")
            ):
                return Outcome.fail(
                    f"{c.manifest.kind}/{c.manifest.name} pod template lacks "
                    'prometheus.io/scrape: "true"',
                    c.manifest.file,
                    c.manifest.line(base or ("metadata",)),
                )
    return Outcome.ok(f"{len(containers)} container(s) ok", containers[0].manifest.file)
