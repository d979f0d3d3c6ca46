"""Check types for Go services: routes and the listen port read from the Go source.

They answer the same questions as ``probe_routes`` and ``port_coherence`` (which read Python
source) for a Go service; everything else a Go golden path needs (Dockerfile, CI, Kubernetes,
catalog) is checked by the language-neutral types in ``checks``.
"""

from __future__ import annotations

from typing import Any

from platformctl.core.compliance import golang, parsers
from platformctl.core.compliance.checks import ports_agree, probe_paths
from platformctl.core.compliance.facts import Facts
from platformctl.core.compliance.registry import LIST, Opt, Outcome, check


@check(
    "go_probe_routes",
    paths=Opt(LIST, help="globs of manifest files (default as for `kubernetes`)"),
)
def go_probe_routes(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """Every HTTP probe path (Kubernetes probes, Dockerfile HEALTHCHECK URL) is a GET route of
    the Go service.

    Routes come from the non-test Go source: ``net/http`` ServeMux patterns (``Handle`` /
    ``HandleFunc``, and any method-qualified pattern literal such as ``"GET /healthz"``), chi
    and gorilla ``r.Get("/x")``, gin and echo ``e.GET("/x")``, chi ``r.Method("GET", "/x")``.
    Wildcards (``{id}``, ``{rest...}``) and subtree patterns (trailing ``/``) match as ServeMux
    matches them; router prefixes (chi ``Route``/``Mount``) are not followed."""
    globs = tuple(opts.get("paths") or parsers.K8S_GLOBS)
    probes = probe_paths(facts, globs)
    if not probes:
        return Outcome.ok("no HTTP probes to compare")
    table = golang.go_routes(facts)
    if not table:
        return Outcome.fail(
            "no HTTP route found in the Go source (net/http ServeMux, chi, gin or echo)",
            probes[0][1],
            probes[0][2],
        )
    for path, file, line, what in probes:
        if not any(route.serves("GET", path) for route in table):
            known = ", ".join(
                sorted({f"{r.method + ' ' if r.method else ''}{r.path}" for r in table})[:6]
            )
            return Outcome.fail(
                f"{what} probes {path}, which no GET route of the Go service serves "
                f"(routes: {known})",
                file,
                line,
            )
    return Outcome.ok(f"{len(probes)} probe path(s) served by Go routes")


@check(
    "go_port_coherence",
    paths=Opt(LIST, help="globs of manifest files (default as for `kubernetes`)"),
)
def go_port_coherence(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """The Go service's default listen port, the Dockerfile (``ENV PORT``, ``EXPOSE``), the
    container port, probe ports and the Service ``targetPort`` agree.

    The Go port comes from the non-test source: a port constant or variable
    (``const DefaultPort = 8080``), a ``PORT`` fallback (``getenv("PORT", "8080")``), or a
    literal address (``Addr: ":8080"``, ``ListenAndServe(":8080", ...)``,
    ``net.Listen("tcp", ":8080")``)."""
    globs = tuple(opts.get("paths") or parsers.K8S_GLOBS)
    source: list[tuple[int, str, int | None, str]] = [
        (p.port, p.file, p.line, "Go source") for p in golang.go_ports(facts)
    ]
    return ports_agree(facts, globs, source)
