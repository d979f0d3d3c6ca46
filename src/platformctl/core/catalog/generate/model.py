"""What ``catalog init`` knows: the keys it fills in, the dependencies that tell a project's type,
and the plan (``InitPlan``: each value with where it came from)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

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
