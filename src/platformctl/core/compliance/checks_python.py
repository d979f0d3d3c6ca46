"""Check types for Python services: routes and the listen port read from the Python source.

They answer for a Python service what ``checks_go`` answers for a Go service; the comparison
with the manifests and the Dockerfile (``probe_paths``, ``ports_agree``) is shared, in
``checks``.
"""

from __future__ import annotations

from typing import Any

from platformctl.core.compliance import parsers
from platformctl.core.compliance.checks import (
    ports_agree,
    probe_paths,
)
from platformctl.core.compliance.facts import Facts
from platformctl.core.compliance.registry import (
    LIST,
    Opt,
    Outcome,
    check,
)

# --- cross-file coherence --------------------------------------------------------------------


@check(
    "probe_routes",
    paths=Opt(LIST, help="globs of manifest files (default as for `kubernetes`)"),
)
def probe_routes(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """Every HTTP probe path (Kubernetes probes, Dockerfile HEALTHCHECK) is a route of the app.

    Routes come from the Python source: FastAPI/Starlette/Flask decorators (``@app.get``,
    ``@router.get``, ``@bp.route``), ``add_api_route``/``add_url_rule``, with ``APIRouter(prefix=)``
    and ``include_router(prefix=)`` / ``register_blueprint(url_prefix=)`` followed."""
    globs = tuple(opts.get("paths") or parsers.K8S_GLOBS)
    probes = probe_paths(facts, globs)
    if not probes:
        return Outcome.ok("no HTTP probes to compare")
    table = parsers.routes(facts)
    for path, file, line, what in probes:
        if not any(parsers.route_matches(r.path, path) for r in table):
            known = ", ".join(sorted({r.path for r in table})[:6]) or "none found"
            return Outcome.fail(
                f"{what} probes {path}, which no route serves (routes: {known})", file, line
            )
    return Outcome.ok(f"{len(probes)} probe path(s) served")


@check(
    "port_coherence",
    paths=Opt(LIST, help="globs of manifest files (default as for `kubernetes`)"),
)
def port_coherence(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """The app's port, Dockerfile ``EXPOSE``, the container port, probe ports and the Service
    ``targetPort`` agree.

    The app port comes from the Dockerfile (``ENV PORT``, ``--port``/``--bind`` in CMD or
    ENTRYPOINT) and the Python source (a settings default ``port: int = 8000``,
    ``os.getenv("PORT", "8000")``, ``uvicorn.run(port=...)``)."""
    source: list[tuple[int, str, int | None, str]] = []
    for file in parsers.python_sources(facts):
        data = facts.read_bytes(file)
        if not data or (b"port" not in data and b"PORT" not in data):
            continue
        text = facts.text(file) or ""
        for pattern in parsers.PY_PORT_PATTERNS:
            for match in pattern.finditer(text):
                source.append(
                    (
                        int(match.group(1)),
                        file,
                        text.count("\n", 0, match.start()) + 1,
                        "app setting",
                    )
                )
    return ports_agree(facts, tuple(opts.get("paths") or parsers.K8S_GLOBS), source)
