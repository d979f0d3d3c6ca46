"""Parsers shared by the checks: Dockerfiles, CI workflows (GitHub Actions, GitLab CI),
Kubernetes manifests and Python web routes.  Each works on ``Facts`` and caches its result
there, so two rules looking at the same Dockerfile parse it once.

* ``dockerfile``  Dockerfiles: stages, instructions, ARG substitution, image tags
* ``ci``          CI workflows: jobs and steps
* ``kubernetes``  Kubernetes manifests, pod templates, containers
* ``routes``      Python web routes
* ``ports``       listening ports from start commands

Every name stays importable from ``platformctl.core.compliance.parsers``."""

from __future__ import annotations

from platformctl.core.compliance.parsers.ci import (
    _GITLAB_RESERVED,
    GH_WORKFLOWS,
    GITLAB_CI,
    CiJob,
    CiStep,
    _commands,
    _str,
    ci_jobs,
    job_matches,
)
from platformctl.core.compliance.parsers.dockerfile import (
    _VAR,
    Dockerfile,
    Instruction,
    Stage,
    _keyvals,
    dockerfile,
    image_tag,
    parse_dockerfile,
    substitute,
)
from platformctl.core.compliance.parsers.kubernetes import (
    K8S_GLOBS,
    WORKLOAD_KINDS,
    Container,
    Manifest,
    _get,
    containers,
    manifests,
    pod_template_path,
)
from platformctl.core.compliance.parsers.ports import (
    _BIND_ARG,
    _PORT_ARG,
    _PORT_DEFAULT,
    PY_PORT_PATTERNS,
    command_ports,
)
from platformctl.core.compliance.parsers.routes import (
    _ROUTE_HINTS,
    _ROUTE_METHODS,
    _ROUTER_FACTORIES,
    Route,
    _call_name,
    _const_str,
    _kw,
    _segments,
    python_sources,
    route_matches,
    routes,
)

__all__ = [
    "CiJob",
    "CiStep",
    "Container",
    "Dockerfile",
    "GH_WORKFLOWS",
    "GITLAB_CI",
    "Instruction",
    "K8S_GLOBS",
    "Manifest",
    "PY_PORT_PATTERNS",
    "Route",
    "Stage",
    "WORKLOAD_KINDS",
    "_BIND_ARG",
    "_GITLAB_RESERVED",
    "_PORT_ARG",
    "_PORT_DEFAULT",
    "_ROUTER_FACTORIES",
    "_ROUTE_HINTS",
    "_ROUTE_METHODS",
    "_VAR",
    "_call_name",
    "_commands",
    "_const_str",
    "_get",
    "_keyvals",
    "_kw",
    "_segments",
    "_str",
    "ci_jobs",
    "command_ports",
    "containers",
    "dockerfile",
    "image_tag",
    "job_matches",
    "manifests",
    "parse_dockerfile",
    "pod_template_path",
    "python_sources",
    "route_matches",
    "routes",
    "substitute",
]
