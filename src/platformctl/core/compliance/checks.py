"""What the check types share, and the check types that combine other checks.

The check types themselves live in one module per kind of fact they read, each named
``checks_<facts>.py``: ``checks_files`` (files and values in them), ``checks_catalog``
(catalog-info.yaml), ``checks_ci`` (CI workflows, coverage gate), ``checks_dockerfile``,
``checks_kubernetes`` (workload manifests), ``checks_gitops`` (kustomizations, Argo CD),
``checks_repo`` (dependency updates, CODEOWNERS, template drift), ``checks_secrets``
(committed secrets), ``checks_python`` and ``checks_go`` (routes and ports read from the
source).  ``applies_when`` conditions are in ``conditions``.  ``registry.ensure_loaded()``
imports every ``checks_*`` module, so a new one registers its types by existing.

Each check is a small registered function: it reads the checkout through ``Facts`` (cached,
every file read once) and returns an ``Outcome``; it never prints.  The first docstring line
is the summary shown by ``--explain`` and in docs/reference/scorecards.md.
"""

from __future__ import annotations

import re
from typing import Any

from platformctl.core.compliance import parsers
from platformctl.core.compliance.facts import Facts, is_glob
from platformctl.core.compliance.registry import (
    CHECK_TYPES,
    CHECKS,
    Opt,
    Outcome,
    check,
)


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def search(pattern: str, text: str) -> re.Match[str] | None:
    return re.search(pattern, text, re.I | re.M)


def expected_path(patterns: Any) -> str | None:
    """Where a missing file should be, for the finding to point at (SARIF, annotations):
    the first pattern, as written when it is a plain path, or a glob's fixed leading folders
    (``.github/workflows`` for ``.github/workflows/*.yml``); a glob with no fixed folder
    (``**/*.md``) gives way to the next pattern."""
    for pattern in as_list(patterns):
        pattern = str(pattern)
        if not is_glob(pattern):
            return pattern
        fixed: list[str] = []
        for part in pattern.split("/"):
            if is_glob(part):
                break
            fixed.append(part)
        if fixed:
            return "/".join(fixed)
    return None


# --- data paths (yaml_path, json_path, catalog_field, applies_when catalog) --------------------

_TOKEN = re.compile(r"""\[(\*|-?\d+|"[^"]*"|'[^']*')\]|\.?([^.\[\]]+)""")


def parse_path(path: str) -> list[Any]:
    """``metadata.annotations["backstage.io/techdocs-ref"]``, ``jobs.*.steps[0].uses``."""
    tokens: list[Any] = []
    pos = 0
    while pos < len(path):
        match = _TOKEN.match(path, pos)
        if not match or match.end() == pos:
            raise ValueError(f"cannot parse path {path!r} at {pos}")
        bracket, plain = match.groups()
        if bracket is not None:
            if bracket == "*":
                tokens.append("*")
            elif bracket[0] in "\"'":
                tokens.append(bracket[1:-1])
            else:
                tokens.append(int(bracket))
        else:
            tokens.append(plain)
        pos = match.end()
    return tokens


def resolve(
    data: Any, tokens: list[Any], prefix: tuple[Any, ...] = ()
) -> list[tuple[tuple[Any, ...], Any]]:
    if not tokens:
        return [(prefix, data)]
    head, rest = tokens[0], tokens[1:]
    out: list[tuple[tuple[Any, ...], Any]] = []
    if head == "*":
        if isinstance(data, dict):
            for key, value in data.items():
                out.extend(resolve(value, rest, (*prefix, key)))
        elif isinstance(data, list):
            for index, value in enumerate(data):
                out.extend(resolve(value, rest, (*prefix, index)))
        return out
    if isinstance(data, dict) and head in data:
        return resolve(data[head], rest, (*prefix, head))
    if isinstance(data, dict) and isinstance(head, int) and str(head) in data:
        return resolve(data[str(head)], rest, (*prefix, str(head)))
    if isinstance(data, list) and isinstance(head, int) and -len(data) <= head < len(data):
        return resolve(data[head], rest, (*prefix, head))
    return []


def value_test(value: Any, opts: dict[str, Any]) -> str | None:
    """None when ``value`` satisfies equals / in / matches / min_length, else why not."""
    if value is None or value == "" or value == [] or value == {}:
        return "is empty"
    if "equals" in opts and value != opts["equals"] and str(value) != str(opts["equals"]):
        return f"is {value!r}, expected {opts['equals']!r}"
    if "in" in opts and value not in opts["in"] and str(value) not in map(str, opts["in"]):
        return f"is {value!r}, expected one of {opts['in']!r}"
    if "matches" in opts and not re.search(opts["matches"], str(value)):
        return f"is {value!r}, does not match /{opts['matches']}/"
    min_length = opts.get("min_length")
    if min_length is not None and len(str(value).strip()) < min_length:
        return f"is {len(str(value).strip())} characters long, at least {min_length} required"
    return None


# Where the golden paths put what a check found missing (DESIGN.md section 7).
CI_FILE = ".github/workflows/ci.yml"
CATALOG_FILE = "catalog-info.yaml"
K8S_DIR = "deploy"


# --- cross-file coherence --------------------------------------------------------------------


def probe_paths(facts: Facts, globs: tuple[str, ...]) -> list[tuple[str, str, int, str]]:
    """(path, file, line, what) of every HTTP probe and of the Dockerfile HEALTHCHECK URL."""
    out: list[tuple[str, str, int, str]] = []
    for c in parsers.containers(facts, globs):
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            http = parsers._get(c.data, (probe, "httpGet"))
            if isinstance(http, dict) and isinstance(http.get("path"), str):
                out.append(
                    (
                        http["path"],
                        c.manifest.file,
                        c.line(probe, "httpGet", "path"),
                        f"{c.where} {probe}",
                    )
                )
    parsed = parsers.dockerfile(facts)
    if parsed and parsed.final:
        for instr in parsed.final.instructions:
            if instr.cmd == "HEALTHCHECK":
                match = re.search(r"https?://[^/\s\"']+(/[^\s\"')]*)", instr.args)
                if match:
                    out.append((match.group(1), parsed.file, instr.line, "Dockerfile HEALTHCHECK"))
    return out


def _port_value(value: Any, names: dict[str, int]) -> int | None:
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        if value.isdigit():
            return int(value)
        return names.get(value)
    return None


def ports_agree(
    facts: Facts, globs: tuple[str, ...], source_ports: list[tuple[int, str, int | None, str]]
) -> Outcome:
    """The port coherence shared by ``port_coherence`` (Python) and ``go_port_coherence``:
    ``source_ports`` holds the app ports read from the source code as (port, file, line, what)."""
    app: list[tuple[int, str, int | None, str]] = []  # port, file, line, what
    expose: list[tuple[int, str, int]] = []
    parsed = parsers.dockerfile(facts)
    if parsed and parsed.final:
        env: dict[str, str] = {}
        for instr in parsed.final.instructions:
            if instr.cmd == "EXPOSE":
                for word in instr.args.split():
                    number = word.split("/")[0]
                    if number.isdigit():
                        expose.append((int(number), parsed.file, instr.line))
            elif instr.cmd == "ENV":
                env.update(parsers._keyvals(instr.args))
                if env.get("PORT", "").isdigit():
                    app.append((int(env["PORT"]), parsed.file, instr.line, "ENV PORT"))
            elif instr.cmd in ("CMD", "ENTRYPOINT"):
                for port in parsers.command_ports(instr.args):
                    app.append((port, parsed.file, instr.line, instr.cmd))
    app.extend(source_ports)
    app_ports = {p for p, *_ in app}
    if len(app_ports) > 1:
        listing = ", ".join(f"{what} {p} ({f}:{ln})" for p, f, ln, what in app)
        return Outcome.fail(
            f"the app's port is declared differently: {listing}", app[0][1], app[0][2]
        )
    if app_ports:
        port = next(iter(app_ports))
        source = f"app port {port} ({app[0][1]}:{app[0][2]})"
    elif len({p for p, *_ in expose}) == 1:
        port = expose[0][0]
        source = f"EXPOSE {port} ({expose[0][1]}:{expose[0][2]})"
    else:
        containers = parsers.containers(facts, globs)
        if not expose and not containers:
            return Outcome.ok("no ports declared")
        return Outcome.fail(
            "cannot tell the app's port: set ENV PORT or --port in the Dockerfile",
            parsed.file if parsed else "Dockerfile",
        )
    if expose and port not in {p for p, *_ in expose}:
        return Outcome.fail(
            f"Dockerfile EXPOSE {', '.join(str(p) for p, *_ in expose)} differs from {source}",
            expose[0][1],
            expose[0][2],
        )
    names: dict[str, int] = {}
    workload_ports: set[int] = set()
    for c in parsers.containers(facts, globs):
        ports: list[Any] = c.data["ports"] if isinstance(c.data.get("ports"), list) else []
        numbers = []
        for index, item in enumerate(ports):
            if isinstance(item, dict) and isinstance(item.get("containerPort"), int):
                numbers.append((item["containerPort"], index))
                if item.get("name"):
                    names[str(item["name"])] = item["containerPort"]
        workload_ports.update(n for n, _ in numbers)
        if numbers and port not in {n for n, _ in numbers}:
            return Outcome.fail(
                f"{c.where} containerPort {numbers[0][0]} differs from {source}",
                c.manifest.file,
                c.line("ports", numbers[0][1], "containerPort"),
            )
        local = {str(i.get("name")): i.get("containerPort") for i in ports if isinstance(i, dict)}
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            for kind in ("httpGet", "tcpSocket", "grpc"):
                value = parsers._get(c.data, (probe, kind, "port"))
                if value is None:
                    continue
                resolved = _port_value(value, local)  # type: ignore[arg-type]
                if resolved is not None and resolved != port:
                    return Outcome.fail(
                        f"{c.where} {probe} port {value} differs from {source}",
                        c.manifest.file,
                        c.line(probe, kind, "port"),
                    )
    for manifest in parsers.manifests(facts, globs):
        if manifest.kind != "Service":
            continue
        ports = parsers._get(manifest.data, ("spec", "ports"))
        if not isinstance(ports, list) or not ports:
            continue
        targets = []
        for index, item in enumerate(ports):
            if not isinstance(item, dict):
                continue
            target = item.get("targetPort", item.get("port"))
            targets.append((_port_value(target, names), target, index))
        if not any(t == port for t, _, _ in targets):
            first = targets[0] if targets else (None, None, 0)
            return Outcome.fail(
                f"Service/{manifest.name} targetPort {first[1]} differs from {source}",
                manifest.file,
                manifest.line(("spec", "ports", first[2], "targetPort")),
            )
    return Outcome.ok(f"ports agree on {port}")


# --- composition -----------------------------------------------------------------------------


def run_check(facts: Facts, spec: Any) -> Outcome:
    """Run one (validated) check spec: ``spec.type`` and ``spec.options``."""
    return CHECK_TYPES[spec.type].func(facts, {**spec.options, "__children": spec.children})


@check("any_of", checks=Opt(CHECKS, required=True, help="nested checks; one must pass"))
def any_of(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """At least one of several nested checks passes."""
    messages = []
    for child in opts["__children"]:
        outcome = run_check(facts, child)
        if outcome.passed:
            return outcome
        if outcome.message:
            messages.append(outcome.message)
    first = None
    for child in opts["__children"]:
        first = run_check(facts, child)
        break
    return Outcome.fail(
        "; or ".join(messages) or "no alternative passed",
        first.file if first else None,
        first.line if first else None,
    )


@check("all_of", checks=Opt(CHECKS, required=True, help="nested checks; all must pass"))
def all_of(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """Every one of several nested checks passes."""
    last = Outcome.ok()
    for child in opts["__children"]:
        outcome = run_check(facts, child)
        if outcome.passed is False:
            return outcome
        last = outcome
    return last
