"""The built-in check types and ``applies_when`` conditions.

Each check is a small registered function: it reads the checkout through ``Facts`` (cached,
every file read once) and returns an ``Outcome``; it never prints.  The first docstring line
is the summary shown by ``--explain`` and in docs/reference/scorecards.md.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

from platformctl.core.compliance import parsers
from platformctl.core.compliance.facts import Entity, Facts, glob_match, is_glob
from platformctl.core.compliance.registry import (
    ANY,
    BOOL,
    CHECK_TYPES,
    CHECKS,
    INT,
    LIST,
    NUM,
    STR,
    STR_OR_LIST,
    Hit,
    Opt,
    Outcome,
    check,
    condition,
)


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _search(pattern: str, text: str) -> re.Match[str] | None:
    return re.search(pattern, text, re.I | re.M)


def expected_path(patterns: Any) -> str | None:
    """Where a missing file should be, for the finding to point at (SARIF, annotations):
    the first pattern, as written when it is a plain path, or a glob's fixed leading folders
    (``.github/workflows`` for ``.github/workflows/*.yml``); a glob with no fixed folder
    (``**/*.md``) gives way to the next pattern."""
    for pattern in _list(patterns):
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


# Where the golden paths put what a check found missing (DESIGN.md section 7).
CI_FILE = ".github/workflows/ci.yml"
CATALOG_FILE = "catalog-info.yaml"
K8S_DIR = "deploy"


# --- files -----------------------------------------------------------------------------------


@check(
    "file_exists",
    one_of=("path", "any_of"),
    path=Opt(STR, help="a file (or glob) that must exist"),
    any_of=Opt(LIST, help="files or globs; at least one must exist"),
)
def file_exists(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """A file exists (or at least one of several files or globs)."""
    wanted = _list(opts.get("path")) or _list(opts.get("any_of"))
    found = facts.glob([str(w) for w in wanted])
    if found:
        return Outcome.ok(f"found {found[0]}", found[0])
    where = expected_path(wanted)
    if len(wanted) == 1:
        return Outcome.fail(f"{wanted[0]} is missing", where)
    return Outcome.fail(f"none of {', '.join(map(str, wanted))} exists", where)


@check(
    "file_contains",
    path=Opt(STR_OR_LIST, required=True, help="file(s) or globs to search"),
    pattern=Opt(
        STR, required=True, regex=True, help="regular expression (multiline, case-insensitive)"
    ),
    absent=Opt(BOOL, default=False, help="pass when the pattern is NOT found"),
)
def file_contains(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """A file's content matches (or, with ``absent``, does not match) a regular expression."""
    files = facts.glob([str(p) for p in _list(opts["path"])])
    pattern = opts["pattern"]
    if not files:
        if opts.get("absent"):
            return Outcome.ok("no such file")
        return Outcome.fail(
            f"{', '.join(map(str, _list(opts['path'])))} is missing", expected_path(opts["path"])
        )
    for file in files:
        text = facts.text(file) or ""
        match = _search(pattern, text)
        if match:
            line = text.count("\n", 0, match.start()) + 1
            if opts.get("absent"):
                return Outcome.fail(f"{file} matches /{pattern}/", file, line)
            return Outcome.ok(f"{file} matches", file, line)
    if opts.get("absent"):
        return Outcome.ok("pattern not found")
    return Outcome.fail(f"{files[0]} does not match /{pattern}/", files[0])


# --- data paths ------------------------------------------------------------------------------

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


def _value_test(value: Any, opts: dict[str, Any]) -> str | None:
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


_DATA_OPTS: dict[str, Any] = {
    "file": Opt(STR_OR_LIST, required=True, help="file or glob (YAML, multi-document allowed)"),
    "path": Opt(
        STR,
        required=True,
        data_path=True,
        help='dotted path: a.b[0].c, a["key.with/dots"], a.*.b',
    ),
    "equals": Opt(ANY, help="the value must equal this"),
    "in": Opt(LIST, help="the value must be one of these"),
    "matches": Opt(STR, regex=True, help="the value (as text) must match this regex"),
    "min_length": Opt(INT, help="the value (as text) must be at least this long"),
}


def _data_check(facts: Facts, opts: dict[str, Any], kind: str) -> Outcome:
    tokens = parse_path(opts["path"])
    files = facts.glob([str(p) for p in _list(opts["file"])])
    if not files:
        return Outcome.fail(
            f"{', '.join(map(str, _list(opts['file'])))} is missing", expected_path(opts["file"])
        )
    problems: list[tuple[str, str, int | None]] = []
    for file in files:
        docs: list[tuple[Any, Any]]
        if kind == "json":
            docs = [(None, facts.json(file))]
        else:
            loaded = facts.yaml(file)
            docs = [(d, d.data) for d in loaded.documents] if loaded else []
        for doc, data in docs:
            for path, value in resolve(data, tokens):
                why = _value_test(value, opts)
                line = doc.position(path)[0] if doc is not None else None
                if why is None:
                    return Outcome.ok(f"{file}: {opts['path']} ok", file, line)
                problems.append((file, why, line))
    if problems:
        file, why, line = problems[0]
        return Outcome.fail(f"{file}: {opts['path']} {why}", file, line)
    return Outcome.fail(f"{files[0]}: {opts['path']} is not set", files[0])


@check("yaml_path", **_DATA_OPTS)
def yaml_path(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """A path exists in a YAML file (optionally: equals / in / matches / min_length)."""
    return _data_check(facts, opts, "yaml")


@check("json_path", **_DATA_OPTS)
def json_path(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """A path exists in a JSON file (optionally: equals / in / matches / min_length)."""
    return _data_check(facts, opts, "json")


# --- catalog ---------------------------------------------------------------------------------


def _entity(facts: Facts) -> tuple[Entity | None, Outcome | None]:
    entity = facts.entity()
    if entity is None:
        name = facts.catalog_file()
        if name is None:
            return None, Outcome.fail(f"{CATALOG_FILE} is missing", CATALOG_FILE)
        loaded = facts.yaml(name)
        problem = loaded.problems[0] if loaded and loaded.problems else None
        if problem is not None:
            return None, Outcome.fail(
                f"{name} cannot be read: {problem.message}", name, problem.line, problem.column
            )
        return None, Outcome.fail(f"{name} holds no entity", name, 1)
    return entity, None


# The stub values ``--fix`` writes (``TODO``, ``TODO-org/TODO-repo``, ``https://TODO.example.com``)
# are placeholders to fill in: a rule they would satisfy still fails until someone does.
PLACEHOLDER = re.compile(r"(?<![A-Za-z])TODO(?![A-Za-z])")


def is_placeholder(value: Any) -> bool:
    return isinstance(value, str) and bool(PLACEHOLDER.search(value))


@check(
    "catalog_annotation",
    one_of=("key", "any_of"),
    key=Opt(STR, help="annotation key"),
    any_of=Opt(LIST, help="annotation keys; one of them must be set"),
    equals=Opt(ANY, help="the value must equal this"),
    matches=Opt(STR, regex=True, help="the value must match this regex"),
)
def catalog_annotation(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """The catalog entity carries an annotation (non-empty; optionally equals / matches)."""
    entity, missing = _entity(facts)
    if entity is None:
        return missing  # type: ignore[return-value]
    keys = _list(opts.get("key")) or _list(opts.get("any_of"))
    annotations = entity.annotations
    why = None
    for key in keys:
        if key in annotations:
            why = _value_test(annotations[key], opts)
            if why is None and is_placeholder(annotations[key]):
                why = f"is the placeholder {annotations[key]!r}: fill in the real value"
            if why is None:
                return Outcome.ok(
                    f"{key} is set", entity.file, entity.line(("metadata", "annotations", key))
                )
            return Outcome.fail(
                f"annotation {key} {why}",
                entity.file,
                entity.line(("metadata", "annotations", key)),
            )
    names = " or ".join(keys)
    return Outcome.fail(
        f"annotation {names} is missing", entity.file, entity.line(("metadata", "annotations"))
    )


@check(
    "catalog_link",
    one_of=("link_type", "title_matches", "url_matches"),
    link_type=Opt(STR_OR_LIST, help="link type(s), e.g. runbook, dashboard"),
    title_matches=Opt(STR, regex=True, help="regex on the link title (case-insensitive)"),
    url_matches=Opt(STR, regex=True, help="regex on the link URL (case-insensitive)"),
)
def catalog_link(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """The catalog entity has a link of a type, or whose title or URL matches (any criterion)."""
    entity, missing = _entity(facts)
    if entity is None:
        return missing  # type: ignore[return-value]
    types = {str(t).lower() for t in _list(opts.get("link_type"))}
    placeholder: tuple[int, dict[str, Any]] | None = None
    for index, link in enumerate(entity.links):
        if not link.get("url"):
            continue
        matches = (
            (types and str(link.get("type", "")).lower() in types)
            or (
                opts.get("title_matches")
                and re.search(opts["title_matches"], str(link.get("title", "")), re.I)
            )
            or (opts.get("url_matches") and re.search(opts["url_matches"], str(link["url"]), re.I))
        )
        if is_placeholder(str(link["url"])):
            # the placeholder of this rule's link, not another rule's (a runbook stub is not
            # what a failing dashboard rule should point at)
            if matches or (types and not link.get("type")):
                placeholder = placeholder or (index, link)
            continue
        if matches:
            return Outcome.ok(
                f"link {link.get('title') or link['url']}",
                entity.file,
                entity.line(("metadata", "links", index)),
            )
    what = "/".join(sorted(types)) or opts.get("title_matches") or opts.get("url_matches")
    if placeholder is not None:
        index, link = placeholder
        return Outcome.fail(
            f"link {link.get('title') or link['url']} points at the placeholder {link['url']}: "
            "fill in the real URL",
            entity.file,
            entity.line(("metadata", "links", index, "url")),
        )
    return Outcome.fail(
        f"no {what} link in metadata.links", entity.file, entity.line(("metadata", "links"))
    )


_IN_OPT: dict[str, Any] = {"in": Opt(LIST, help="the value must be one of these")}


@check(
    "catalog_field",
    path=Opt(
        STR,
        required=True,
        data_path=True,
        help="path in the entity, e.g. spec.owner, metadata.description",
    ),
    equals=Opt(ANY, help="the value must equal this"),
    matches=Opt(STR, regex=True, help="the value must match this regex"),
    min_length=Opt(INT, help="the value must be at least this many characters"),
    **_IN_OPT,
)
def catalog_field(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """A field of the catalog entity is set (optionally: equals / in / matches / min_length)."""
    entity, missing = _entity(facts)
    if entity is None:
        return missing  # type: ignore[return-value]
    tokens = parse_path(opts["path"])
    found = resolve(entity.data, tokens)
    if not found:
        return Outcome.fail(f"{opts['path']} is not set", entity.file, entity.line(tuple(tokens)))
    path, value = found[0]
    why = _value_test(value, opts)
    if why is None and is_placeholder(value):
        why = f"is the placeholder {value!r}: fill in the real value"
    if why:
        return Outcome.fail(f"{opts['path']} {why}", entity.file, entity.line(path))
    return Outcome.ok(f"{opts['path']} is set", entity.file, entity.line(path))


@check(
    "catalog_owner",
    kinds=Opt(
        LIST,
        help="kinds the owner may refer to (default: the platform's catalog.owner_kinds, "
        "else Group and User)",
    ),
)
def catalog_owner(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """The catalog entity's ``spec.owner`` is a valid reference to a Group or User."""
    from platformctl.core.catalog import org

    entity, missing = _entity(facts)
    if entity is None:
        return missing  # type: ignore[return-value]
    path = ("spec", "owner")
    if "owner" not in entity.spec:
        return Outcome.fail("spec.owner is not set", entity.file, entity.line(path))
    value = entity.spec["owner"]
    if value is None or value == "":
        return Outcome.fail("spec.owner is empty", entity.file, entity.line(path))
    if not isinstance(value, str):
        from platformctl.core.yamlio import type_name

        return Outcome.fail(
            f"spec.owner must be an entity reference, not {type_name(value)}",
            entity.file,
            entity.line(path),
        )
    if is_placeholder(value):
        return Outcome.fail(
            f"spec.owner is the placeholder {value!r}: fill in the real owner",
            entity.file,
            entity.line(path),
        )
    kinds = opts.get("kinds") or facts.extra.get("owner_kinds") or org.DEFAULT_OWNER_KINDS
    problems = org.reference_problems(
        value, "Group", field="spec.owner", owner_kinds=[str(k) for k in kinds]
    )
    if problems:
        reasons = "; ".join(p.reason for p in problems)
        return Outcome.fail(
            f'spec.owner "{value}" {reasons} ({problems[0].hint})',
            entity.file,
            entity.line(path),
        )
    return Outcome.ok(f"spec.owner is {value}", entity.file, entity.line(path))


# --- CI --------------------------------------------------------------------------------------


@check(
    "ci_jobs",
    jobs=Opt(
        LIST,
        required=True,
        help="job names (id, name: or GitLab stage; `test` also matches `test-py312`)",
    ),
)
def ci_jobs(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """CI (GitHub Actions or GitLab CI) defines every required job."""
    jobs = parsers.ci_jobs(facts)
    if not jobs:
        return Outcome.fail(
            "no CI workflow (.github/workflows/*.yml or .gitlab-ci.yml) defines jobs", CI_FILE
        )
    missing = [w for w in opts["jobs"] if not any(parsers.job_matches(j, str(w)) for j in jobs)]
    if missing:
        return Outcome.fail(f"CI job(s) missing: {', '.join(map(str, missing))}", jobs[0].file)
    return Outcome.ok("all jobs present", jobs[0].file)


@check(
    "ci_step",
    one_of=("uses", "run"),
    uses=Opt(
        STR_OR_LIST,
        regex=True,
        help="regex(es) on a step's `uses:` (action or GitLab include template)",
    ),
    run=Opt(STR_OR_LIST, regex=True, help="regex(es) on a step's command (`run:` / `script:`)"),
    job=Opt(STR, help="only look in this job"),
    what=Opt(
        STR, help="what the step does, for the failure message (e.g. a vulnerability scanner)"
    ),
)
def ci_step(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """Some CI step uses an action or runs a command matching a pattern."""
    every_job = jobs = parsers.ci_jobs(facts)
    if opts.get("job"):
        jobs = [j for j in jobs if parsers.job_matches(j, opts["job"])]
    uses = _list(opts.get("uses"))
    runs = _list(opts.get("run"))
    for job in jobs:
        for step in job.steps:
            if step.uses and any(re.search(p, step.uses, re.I) for p in uses):
                return Outcome.ok(f"{job.id} uses {step.uses}", job.file, step.line)
            if step.run and any(re.search(p, step.run, re.I | re.M) for p in runs):
                return Outcome.ok(f"{job.id} runs it", job.file, step.line)
    wanted = opts.get("what") or " or ".join(
        [*(f"uses /{u}/" for u in uses), *(f"runs /{r}/" for r in runs)]
    )
    scope = f"job {opts['job']}" if opts.get("job") else "CI"
    return Outcome.fail(
        f"no step in {scope} runs {wanted}" if opts.get("what") else f"no step in {scope} {wanted}",
        (jobs or every_job)[0].file if (jobs or every_job) else CI_FILE,
    )


# --- Dockerfile ------------------------------------------------------------------------------


@check(
    "dockerfile",
    file=Opt(STR, default="Dockerfile", help="path of the Dockerfile"),
    non_root=Opt(BOOL, default=False, help="final stage sets a USER that is not root/0"),
    healthcheck=Opt(BOOL, default=False, help="final stage declares a HEALTHCHECK"),
    pinned_base=Opt(BOOL, default=False, help="every base image has an explicit tag or digest"),
    require_digest=Opt(BOOL, default=False, help="with pinned_base: require @sha256 digests"),
    no_latest=Opt(BOOL, default=False, help="no base image uses the latest tag"),
)
def dockerfile(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """Dockerfile hygiene: non-root final USER, HEALTHCHECK, pinned base images, no latest."""
    file = opts.get("file") or "Dockerfile"
    parsed = parsers.dockerfile(facts, file)
    if parsed is None:
        return Outcome.fail(f"{file} is missing", file)
    final = parsed.final
    if final is None:
        return Outcome.fail(f"{file} has no FROM", file, 1)
    problems: list[tuple[str, int]] = []
    if opts.get("non_root"):
        users = [i for i in final.instructions if i.cmd == "USER"]
        if not users:
            problems.append(("final stage runs as root (no USER instruction)", final.line))
        else:
            user = users[-1].args.split(":", 1)[0].strip()
            if user in ("root", "0", ""):
                problems.append((f"final stage runs as {user or 'root'}", users[-1].line))
    if opts.get("healthcheck"):
        checks = [i for i in final.instructions if i.cmd == "HEALTHCHECK"]
        if not checks or checks[-1].args.strip().upper() == "NONE":
            problems.append(("final stage has no HEALTHCHECK", final.line))
    stages = parsed.stage_names()
    for stage in parsed.stages:
        if stage.image.lower() in stages or stage.image == "scratch":
            continue
        _, tag, digest = parsers.image_tag(stage.image)
        if (opts.get("no_latest") or opts.get("pinned_base")) and tag == "latest":
            problems.append((f"base image {stage.image} uses the latest tag", stage.line))
        elif (opts.get("no_latest") or opts.get("pinned_base")) and not tag and not digest:
            problems.append((f"base image {stage.image} has no tag (means latest)", stage.line))
        elif opts.get("pinned_base") and "$" in stage.image:
            problems.append((f"base image {stage.image} depends on an unset ARG", stage.line))
        elif opts.get("pinned_base") and opts.get("require_digest") and not digest:
            problems.append((f"base image {stage.image} is not pinned by digest", stage.line))
    if problems:
        problems.sort(key=lambda p: p[1])
        return Outcome.fail("; ".join(m for m, _ in problems), file, problems[0][1])
    return Outcome.ok("Dockerfile ok", file)


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


# --- coverage, dependency updates, CODEOWNERS -------------------------------------------------

_COV_ARG = re.compile(r"--cov-fail-under[= ]\s*(\d+(?:\.\d+)?)")
_FAIL_UNDER = re.compile(r"^\s*fail_under\s*=\s*(\d+(?:\.\d+)?)", re.M)


def _line_of(text: str, pattern: re.Pattern[str]) -> int | None:
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


@check("coverage_gate", min=Opt(NUM, default=80, help="the gate must be at least this (percent)"))
def coverage_gate(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """A test-coverage gate of at least N % is configured (pytest-cov or coverage.py)."""
    minimum = float(opts.get("min", 80))
    gates: list[tuple[float, str, int | None]] = []
    pyproject = facts.toml("pyproject.toml") if facts.is_file("pyproject.toml") else None
    if pyproject:
        tool = pyproject.get("tool", {})
        value = tool.get("coverage", {}).get("report", {}).get("fail_under")
        text = facts.text("pyproject.toml") or ""
        if isinstance(value, (int, float)):
            gates.append((float(value), "pyproject.toml", _line_of(text, _FAIL_UNDER)))
        addopts = tool.get("pytest", {}).get("ini_options", {}).get("addopts", "")
        addopts = " ".join(addopts) if isinstance(addopts, list) else str(addopts)
        for match in _COV_ARG.finditer(addopts):
            gates.append((float(match.group(1)), "pyproject.toml", _line_of(text, _COV_ARG)))
    for file, sections in (
        ("setup.cfg", ("coverage:report", "tool:pytest")),
        (".coveragerc", ("report",)),
        ("tox.ini", ("coverage:report", "pytest")),
        ("pytest.ini", ("pytest",)),
    ):
        if not facts.is_file(file):
            continue
        parser = facts.ini(file)
        text = facts.text(file) or ""
        if parser is None:
            continue
        for section in sections:
            if not parser.has_section(section):
                continue
            if parser.has_option(section, "fail_under"):
                with contextlib.suppress(ValueError):
                    gates.append(
                        (
                            float(parser.get(section, "fail_under")),
                            file,
                            _line_of(text, _FAIL_UNDER),
                        )
                    )
            if parser.has_option(section, "addopts"):
                for match in _COV_ARG.finditer(parser.get(section, "addopts")):
                    gates.append((float(match.group(1)), file, _line_of(text, _COV_ARG)))
    for job in parsers.ci_jobs(facts):
        for step in job.steps:
            for match in _COV_ARG.finditer(step.run or ""):
                gates.append((float(match.group(1)), job.file, step.line))
    for file in ("noxfile.py", "Makefile", "tox.ini"):
        if facts.is_file(file):
            text = facts.text(file) or ""
            for match in _COV_ARG.finditer(text):
                gates.append((float(match.group(1)), file, _line_of(text, _COV_ARG)))
    if not gates:
        where = next(
            (f for f in ("pyproject.toml", "setup.cfg", "tox.ini") if facts.is_file(f)),
            "pyproject.toml",
        )
        return Outcome.fail(
            "no coverage gate (--cov-fail-under or [coverage:report] fail_under)", where
        )
    best = max(gates, key=lambda g: g[0])
    if best[0] < minimum:
        return Outcome.fail(
            f"coverage gate is {best[0]:g} %, at least {minimum:g} % required", best[1], best[2]
        )
    return Outcome.ok(f"coverage gate {best[0]:g} %", best[1], best[2])


RENOVATE_FILES = (
    "renovate.json",
    "renovate.json5",
    ".renovaterc",
    ".renovaterc.json",
    ".renovaterc.json5",
    ".github/renovate.json",
    ".github/renovate.json5",
    ".gitlab/renovate.json",
    ".gitlab/renovate.json5",
)


@check("dependency_updates")
def dependency_updates(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """Automated dependency updates are configured (Dependabot or Renovate)."""
    for file in (".github/dependabot.yml", ".github/dependabot.yaml"):
        if facts.is_file(file):
            data = facts.yaml_data(file)
            updates = data[0].get("updates") if data and isinstance(data[0], dict) else None
            if isinstance(updates, list) and updates:
                return Outcome.ok("Dependabot configured", file)
            return Outcome.fail(f"{file} has no updates: entries", file, 1)
    for file in RENOVATE_FILES:
        if facts.is_file(file):
            return Outcome.ok("Renovate configured", file)
    if facts.is_file("package.json"):
        data = facts.json("package.json")
        if isinstance(data, dict) and "renovate" in data:
            return Outcome.ok("Renovate configured in package.json", "package.json")
    return Outcome.fail("no .github/dependabot.yml or renovate.json", ".github/dependabot.yml")


CODEOWNERS_FILES = ("CODEOWNERS", ".github/CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS")


@check("codeowners")
def codeowners(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """A CODEOWNERS file assigns owners to the whole repository (a ``*`` rule)."""
    for file in CODEOWNERS_FILES:
        if not facts.is_file(file):
            continue
        text = facts.text(file) or ""
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.split("#", 1)[0].strip()
            if not stripped or stripped.startswith("["):
                continue
            parts = stripped.split()
            if parts[0] in ("*", "/*", "/**", "**", "/") and len(parts) > 1:
                return Outcome.ok(f"{file}:{number} covers the repository", file, number)
        return Outcome.fail(
            f"{file} has no `*` rule with an owner: some files have no owner", file, 1
        )
    return Outcome.fail("no CODEOWNERS file (CODEOWNERS, .github/ or docs/)", CODEOWNERS_FILES[0])


# --- committed secrets -----------------------------------------------------------------------

SECRET_PATTERNS: dict[str, bytes] = {
    "private key": (
        rb"-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----"
    ),
    "AWS access key id": rb"\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b",
    "AWS secret access key": (
        rb"(?i:aws_secret_access_key)[\"']?\s*[:=]\s*[\"']?[A-Za-z0-9/+=]{40}\b"
    ),
    "GitHub token": rb"\bgh[pousr]_[A-Za-z0-9]{36,255}\b|\bgithub_pat_[A-Za-z0-9_]{22,255}\b",
    "GitLab token": rb"\bglpat-[A-Za-z0-9_\-]{20,}",
    "Slack token": rb"\bxox[baprse]-[A-Za-z0-9-]{10,}",
    "Slack webhook": rb"https://hooks\.slack\.com/services/T[A-Za-z0-9_]+/B[A-Za-z0-9_]+/[A-Za-z0-9_]+",
    "Google API key": rb"\bAIza[0-9A-Za-z_\-]{35}\b",
    "Stripe secret key": rb"\b[sr]k_live_[0-9a-zA-Z]{24,}\b",
    "npm token": rb"\bnpm_[A-Za-z0-9]{36}\b",
    "PyPI token": rb"\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,}",
}
_SECRET_RE = re.compile(
    b"|".join(b"(?P<s%d>%s)" % (i, p) for i, p in enumerate(SECRET_PATTERNS.values()))
)
_SECRET_NAMES = {f"s{i}": name for i, name in enumerate(SECRET_PATTERNS)}
# Literal fragments, one of which every pattern above contains: a file with none of them is
# skipped without running the regex (substring search is far cheaper than the alternation).
_SECRET_HINTS = (
    b"PRIVATE KEY",
    b"AKIA",
    b"ASIA",
    b"ABIA",
    b"ACCA",
    b"_access_key",
    b"_ACCESS_KEY",
    b"_Access_Key",
    b"ghp_",
    b"gho_",
    b"ghu_",
    b"ghs_",
    b"ghr_",
    b"github_pat_",
    b"glpat-",
    b"xox",
    b"hooks.slack.com",
    b"AIza",
    b"k_live_",
    b"npm_",
    b"pypi-",
)
_SECRET_PREFILTER = re.compile(b"|".join(re.escape(h) for h in _SECRET_HINTS))
_ALLOW = (b"platformctl: allow-secret", b"pragma: allowlist secret")
_BINARY = (
    ".png .jpg .jpeg .gif .ico .webp .bmp .tiff .pdf .zip .gz .tgz .bz2 .xz .7z .tar .whl "
    ".jar .war .so .dylib .dll .exe .bin .pyc .pyo .class .o .a .woff .woff2 .ttf .otf .eot "
    ".mp3 .mp4 .mov .avi .sqlite .db .parquet .onnx .pt .pkl .npy .npz"
)
BINARY_SUFFIXES = frozenset(_BINARY.split())


@check(
    "no_secrets",
    exclude=Opt(LIST, help="globs of files not to scan (test fixtures with fake keys)"),
    max_bytes=Opt(INT, default=1_048_576, help="skip files larger than this"),
)
def no_secrets(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """No committed secrets: private keys, cloud access keys, GitHub/GitLab/Slack/... tokens.

    Scans what a commit would take in a git work tree -- tracked files and untracked files git
    does not ignore -- (every file outside one), skipping binaries and files over
    ``max_bytes``.  Every hit is reported at its own file:line:column.  A line containing
    ``platformctl: allow-secret`` is ignored."""
    exclude = [str(e) for e in opts.get("exclude") or []]
    max_bytes = int(opts.get("max_bytes") or 1_048_576)
    hits: list[Hit] = []
    for name in facts.files():
        dot = name.rfind(".")
        if dot != -1 and name[dot:].lower() in BINARY_SUFFIXES:
            continue
        if exclude and any(glob_match(name, e) for e in exclude):
            continue
        data = facts.read_bytes(name, max_bytes=max_bytes)
        if not data or b"\0" in data[:8192]:
            continue
        if not _SECRET_PREFILTER.search(data):
            continue
        for match in _SECRET_RE.finditer(data):
            start = data.rfind(b"\n", 0, match.start()) + 1
            end = data.find(b"\n", match.end())
            line_text = data[start : end if end != -1 else len(data)]
            if any(a in line_text for a in _ALLOW):
                continue
            kind = _SECRET_NAMES[match.lastgroup or "s0"]
            line = data.count(b"\n", 0, match.start()) + 1
            column = len(data[start : match.start()].decode("utf-8", "replace")) + 1
            hits.append(Hit(f"possible {kind}", name, line, column))
    if hits:
        files = len({h.file for h in hits})
        where = f"{files} files" if files > 1 else hits[0].file
        if len(hits) == 1:
            return Outcome.fail_at(f"{hits[0].message} in {where}:{hits[0].line}", hits)
        return Outcome.fail_at(f"{len(hits)} possible secrets in {where}", hits)
    return Outcome.ok("no secrets found")


# --- template drift --------------------------------------------------------------------------


@check("template_drift")
def template_drift(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """The repository is not behind its golden path (copier update check, via core.scaffold)."""
    if not facts.is_file(".copier-answers.yml"):
        return Outcome.skip("no .copier-answers.yml: not generated from a golden path")
    try:
        from platformctl.core.scaffold import check_drift  # type: ignore[attr-defined]
    except ImportError:
        return Outcome.skip("drift check unavailable (platformctl.core.scaffold.check_drift)")
    from platformctl.core.errors import PlatformError

    try:
        result = check_drift(facts.root)
    except PlatformError as exc:
        return Outcome.skip(f"drift check unavailable: {exc.message}")
    if getattr(result, "versioned", True) is False:
        return Outcome.skip("the golden path version of this repository is unknown")
    drifted: Any
    for attr in ("drifted", "behind", "outdated", "changed"):
        if hasattr(result, attr):
            drifted = getattr(result, attr)
            break
    else:
        drifted = result
    if drifted:
        current, latest = getattr(result, "current", None), getattr(result, "latest", None)
        detail = f"on {current}, {latest} is available" if current and latest else ""
        return Outcome.fail(
            f"behind its golden path{': ' + detail if detail else ''}",
            ".copier-answers.yml",
            1,
        )
    return Outcome.ok("up to date with its golden path", ".copier-answers.yml")


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


def _port_value(value: Any, names: dict[str, int]) -> int | None:
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        if value.isdigit():
            return int(value)
        return names.get(value)
    return None


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


# --- applies_when conditions -----------------------------------------------------------------


def _catalog_value(facts: Facts, path: str) -> Any:
    entity = facts.entity()
    if entity is None:
        return None
    found = resolve(entity.data, parse_path(path))
    return found[0][1] if found else None


@condition("lifecycle", STR_OR_LIST)
def _lifecycle(facts: Facts, value: Any, context: dict[str, Any]) -> bool:
    """The catalog entity's spec.lifecycle is one of these."""
    return str(_catalog_value(facts, "spec.lifecycle")) in map(str, _list(value))


@condition("type", STR_OR_LIST)
def _type(facts: Facts, value: Any, context: dict[str, Any]) -> bool:
    """The catalog entity's spec.type is one of these."""
    return str(_catalog_value(facts, "spec.type")) in map(str, _list(value))


@condition("kind", STR_OR_LIST)
def _kind(facts: Facts, value: Any, context: dict[str, Any]) -> bool:
    """The catalog entity's kind is one of these."""
    return str(_catalog_value(facts, "kind")) in map(str, _list(value))


@condition("file_exists", STR_OR_LIST)
def _file_exists(facts: Facts, value: Any, context: dict[str, Any]) -> bool:
    """One of these files (or globs) exists."""
    return bool(facts.glob([str(v) for v in _list(value)]))


@condition("file_missing", STR_OR_LIST)
def _file_missing(facts: Facts, value: Any, context: dict[str, Any]) -> bool:
    """None of these files (or globs) exists."""
    return not facts.glob([str(v) for v in _list(value)])


@condition("golden_path", STR_OR_LIST)
def _golden_path(facts: Facts, value: Any, context: dict[str, Any]) -> bool:
    """The repository's golden path (``.platformctl.yaml``) is one of these."""
    return str(context.get("golden_path")) in map(str, _list(value))


@condition("catalog", (dict,))
def _catalog(facts: Facts, value: Any, context: dict[str, Any]) -> bool:
    """A catalog field test: ``{path: spec.type, equals|in|matches: ...}``."""
    found = _catalog_value(facts, str(value.get("path", "")))
    return found is not None and _value_test(found, value) is None
