"""Check types for Apache Airflow projects: DAG tests, retries, data-quality checks, no
credentials in the DAGs, and lineage through OpenLineage.

Every check reads files; none imports a DAG (importing runs the DAG file's top-level code and
needs Airflow installed). DAG files are parsed with ``ast``: the ``default_args`` given to
``@dag(...)`` / ``DAG(...)`` (a dict literal, ``dict(...)``, or a module-level name bound to
one) and the ``retries`` of single tasks.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Any

from platformctl.core.compliance.facts import Facts
from platformctl.core.compliance.registry import BOOL, INT, LIST, Opt, Outcome, check

DAG_GLOBS = ("dags/**/*.py",)
SOURCE_GLOBS = ("dags/**/*.py", "include/**/*.py", "plugins/**/*.py")
TEST_GLOBS = ("tests/**/*.py", "test/**/*.py")
QUALITY_MODULES = (
    "great_expectations",
    "soda",
    "pandera",
    "airflow.providers.common.sql.operators.sql",
)
REQUIREMENT_GLOBS = (
    "requirements*.txt",
    "requirements/*.txt",
    "constraints*.txt",
    "pyproject.toml",
)
LINEAGE_ENV = (
    "OPENLINEAGE_URL",
    "AIRFLOW__OPENLINEAGE__TRANSPORT",
    "AIRFLOW__OPENLINEAGE__CONFIG_PATH",
)
LINEAGE_CONFIG_GLOBS = (
    "Dockerfile",
    "deploy/**/*.yaml",
    "deploy/**/*.yml",
    "deploy/**/*.yaml.jinja",
    "k8s/**/*.yaml",
    "helm/**/*.yaml",
    "docker-compose*.yml",
    "docker-compose*.yaml",
    ".env.example",
)


@dataclass(frozen=True)
class _Where:
    file: str
    line: int


def _parse(facts: Facts, globs: tuple[str, ...]) -> list[tuple[str, ast.Module]]:
    out = []
    for file in facts.glob(globs):
        text = facts.text(file)
        if text is None:
            continue
        try:
            out.append((file, ast.parse(text, filename=file)))
        except (SyntaxError, ValueError):
            continue
    return out


def _call_name(node: ast.AST) -> str:
    """``dag`` for ``dag(...)``, ``DAG`` for ``models.DAG(...)``, "" otherwise."""
    func = node.func if isinstance(node, ast.Call) else node
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _module_assignments(tree: ast.Module) -> dict[str, ast.AST]:
    out: dict[str, ast.AST] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    out[target.id] = stmt.value
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value:
            out[stmt.target.id] = stmt.value
    return out


def _as_mapping(node: ast.AST | None, names: dict[str, ast.AST]) -> dict[str, ast.AST] | None:
    """The keys and value nodes of a dict literal or ``dict(k=v)`` (through a module name)."""
    if isinstance(node, ast.Name) and node.id in names:
        node = names[node.id]
    if isinstance(node, ast.Dict):
        return {
            k.value: v
            for k, v in zip(node.keys, node.values, strict=True)
            if isinstance(k, ast.Constant) and isinstance(k.value, str)
        }
    if isinstance(node, ast.Call) and _call_name(node) == "dict":
        return {kw.arg: kw.value for kw in node.keywords if kw.arg}
    return None


def _constant(node: ast.AST | None, names: dict[str, ast.AST]) -> Any:
    if isinstance(node, ast.Name) and node.id in names:
        node = names[node.id]
    if isinstance(node, ast.Constant):
        return node.value
    return None


@dataclass
class _Dag:
    file: str
    line: int
    keywords: dict[str, ast.expr]
    default_args: dict[str, ast.AST] | None
    names: dict[str, ast.AST]


def _dags(facts: Facts) -> list[_Dag]:
    """Every ``@dag(...)`` decorator and ``DAG(...)`` call in the DAG files."""
    out = []
    for file, tree in _parse(facts, DAG_GLOBS):
        names = _module_assignments(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _call_name(node) in ("dag", "DAG"):
                keywords = {kw.arg: kw.value for kw in node.keywords if kw.arg}
                out.append(
                    _Dag(
                        file,
                        node.lineno,
                        keywords,
                        _as_mapping(keywords.get("default_args"), names),
                        names,
                    )
                )
    return out


# --- airflow_dag_tests -------------------------------------------------------------------------


@check(
    "airflow_dag_tests",
    run=Opt(BOOL, default=True, help="also require a test that runs a DAG (dag.test())"),
)
def airflow_dag_tests(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """The DAGs are tested: a DagBag import test, and a test that runs a DAG.

    A test under tests/ must build a ``DagBag`` and look at its ``import_errors``, and (unless
    ``run`` is false) a test must call ``.test(`` on a DAG (``dag.test()``, Airflow's
    in-process run of one logical date).

    A DAG file that fails to import is silently missing from the scheduler: only its import
    error in the UI tells. The integrity test catches that, and cycles, before a merge; the
    run catches tasks that import but fail."""
    if not facts.glob(DAG_GLOBS):
        return Outcome.skip("no DAG files (dags/**/*.py)")
    bag: _Where | None = None
    errors = False
    run: _Where | None = None
    for file, tree in _parse(facts, TEST_GLOBS):
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _call_name(node) == "DagBag" and bag is None:
                bag = _Where(file, node.lineno)
            elif isinstance(node, ast.Attribute) and node.attr == "import_errors":
                errors = True
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "test"
                and run is None
            ):
                run = _Where(file, node.lineno)
    if bag is None or not errors:
        return Outcome.fail(
            "no DAG integrity test: no test builds a DagBag and checks its import_errors"
        )
    if opts.get("run", True) and run is None:
        return Outcome.fail("no test runs a DAG (dag.test())", bag.file, bag.line)
    where = f"DagBag at {bag.file}:{bag.line}" + (f", run at {run.file}:{run.line}" if run else "")
    return Outcome.ok(where, bag.file, bag.line)


# --- airflow_retries ---------------------------------------------------------------------------


@check(
    "airflow_retries",
    min=Opt(INT, default=2, help="the fewest retries a task may have"),
    backoff=Opt(BOOL, default=True, help="also require retry_exponential_backoff=True"),
    timeout=Opt(BOOL, default=True, help="also require an execution_timeout"),
)
def airflow_retries(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """Every DAG retries its tasks (at least ``min`` times, with exponential backoff and a
    timeout).

    Read from each DAG's ``default_args`` (a dict literal, ``dict(...)`` or a module-level name
    bound to one): ``retries`` of at least ``min``, ``retry_exponential_backoff=True`` and an
    ``execution_timeout`` (``backoff`` and ``timeout`` switch the last two off). A task that sets
    ``retries=`` lower than ``min`` itself fails too.

    Airflow's default is no retries: one network blip fails the run and pages someone. Backoff
    spreads the tries out; a timeout stops a hung task so that it can be retried."""
    least = int(opts.get("min", 2))
    dags = _dags(facts)
    if not dags:
        if not facts.glob(DAG_GLOBS):
            return Outcome.skip("no DAG files (dags/**/*.py)")
        return Outcome.fail("no @dag(...) or DAG(...) found in dags/")
    for found in dags:
        args = found.default_args
        if args is None:
            return Outcome.fail(
                "the DAG has no default_args dict (retries, retry_exponential_backoff, "
                "execution_timeout)",
                found.file,
                found.line,
            )
        retries = _constant(args.get("retries"), found.names)
        if not isinstance(retries, int) or isinstance(retries, bool) or retries < least:
            return Outcome.fail(
                f"default_args retries is {retries!r}, not a number of at least {least}",
                found.file,
                found.line,
            )
        if (
            opts.get("backoff", True)
            and _constant(args.get("retry_exponential_backoff"), found.names) is not True
        ):
            return Outcome.fail(
                "default_args has no retry_exponential_backoff=True", found.file, found.line
            )
        if opts.get("timeout", True) and "execution_timeout" not in args:
            return Outcome.fail("default_args has no execution_timeout", found.file, found.line)
    for file, tree in _parse(facts, DAG_GLOBS):
        names = _module_assignments(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _call_name(node) not in ("dag", "DAG", "dict"):
                for kw in node.keywords:
                    if kw.arg == "retries":
                        value = _constant(kw.value, names)
                        if isinstance(value, int) and value < least:
                            return Outcome.fail(
                                f"a task sets retries={value}, fewer than {least}",
                                file,
                                kw.value.lineno,
                            )
    first = dags[0]
    return Outcome.ok(f"{len(dags)} DAG(s) retry their tasks", first.file, first.line)


# --- airflow_quality_checks --------------------------------------------------------------------


@check(
    "airflow_quality_checks",
    libraries=Opt(
        LIST,
        help="modules whose import counts as data-quality checks (default: great_expectations, "
        "soda, pandera, common-sql check operators)",
    ),
    tested=Opt(BOOL, default=True, help="also require a test that imports the checking module"),
)
def airflow_quality_checks(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """The pipeline checks its data with a data-quality library, and tests those checks.

    A non-test source (dags/, include/, plugins/) imports one of ``libraries`` (Great
    Expectations by default, or Soda, pandera, the common-sql check operators), and (unless
    ``tested`` is false) a test imports the module that does.

    Bad data that loads without complaint is found by its consumers, days later; a check
    before the load stops the run where the problem is."""
    libraries = tuple(str(x) for x in (opts.get("libraries") or QUALITY_MODULES))
    if not facts.glob(DAG_GLOBS):
        return Outcome.skip("no DAG files (dags/**/*.py)")

    def matches(module: str) -> bool:
        return any(module == lib or module.startswith(lib + ".") for lib in libraries)

    users: list[tuple[str, int]] = []
    for file, tree in _parse(facts, SOURCE_GLOBS):
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            if any(matches(m) for m in names) and isinstance(node, ast.stmt):
                users.append((file, node.lineno))
                break
    if not users:
        return Outcome.fail(
            "no data-quality checks: nothing in dags/, include/ or plugins/ imports "
            + ", ".join(libraries)
        )
    if opts.get("tested", True):
        modules = {
            f.removesuffix(".py").removesuffix("/__init__").replace("/", ".") for f, _ in users
        }
        for file, tree in _parse(facts, TEST_GLOBS):
            for node in ast.walk(tree):
                imported: set[str] = set()
                if isinstance(node, ast.Import):
                    imported = {a.name for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module:
                    imported = {node.module} | {f"{node.module}.{a.name}" for a in node.names}
                if imported & modules and isinstance(node, ast.stmt):
                    return Outcome.ok(
                        f"checks in {users[0][0]}:{users[0][1]}, tested in {file}:{node.lineno}",
                        users[0][0],
                        users[0][1],
                    )
        return Outcome.fail(
            f"the data-quality checks ({users[0][0]}) are not tested: no test imports them",
            users[0][0],
            users[0][1],
        )
    return Outcome.ok(f"checks in {users[0][0]}:{users[0][1]}", users[0][0], users[0][1])


# --- airflow_no_credentials --------------------------------------------------------------------

_SECRET_NAME = re.compile(
    r"(^|_)(password|passwd|pwd|secret|token|api_?key|access_?key|private_?key|credentials?)$",
    re.IGNORECASE,
)
_URI_WITH_PASSWORD = re.compile(r"^[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@", re.IGNORECASE)
_ENV_CONFIG = re.compile(r"^AIRFLOW_(CONN|VAR)_[A-Z0-9_]+$")


def _literal(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.strip():
        return node.value
    return None


@check("airflow_no_credentials")
def airflow_no_credentials(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """No credentials in the DAGs and their code: connections and variables come from the
    environment or a secrets backend.

    Fails on, in dags/, include/ and plugins/: a string literal that is a URI with a password
    (``postgresql://user:pw@host``); a non-empty string literal assigned or passed to a name
    like password, secret, token, api_key or access_key (``Connection(password="...")``
    included); and code that sets ``AIRFLOW_CONN_*`` / ``AIRFLOW_VAR_*`` in ``os.environ``.

    DAG files are read by every scheduler, DAG processor and worker, shown in the UI's code
    view, and kept in git forever: a secret there is a secret leaked. ``AIRFLOW_CONN_*`` /
    ``AIRFLOW_VAR_*`` and the secrets backend keep them out."""
    trees = _parse(facts, SOURCE_GLOBS)
    if not trees:
        return Outcome.skip("no Python in dags/, include/ or plugins/")
    for file, tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if _URI_WITH_PASSWORD.match(node.value.strip()):
                    return Outcome.fail("a connection URI with a password", file, node.lineno)
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    name = (
                        target.id
                        if isinstance(target, ast.Name)
                        else target.attr
                        if isinstance(target, ast.Attribute)
                        else _literal(target.slice)
                        if isinstance(target, ast.Subscript)
                        else None
                    )
                    if not name:
                        continue
                    if (
                        isinstance(target, ast.Subscript)
                        and _ENV_CONFIG.match(name)
                        and node.value is not None
                    ):
                        return Outcome.fail(
                            f"{name} is set in code: give it through the environment or the "
                            "secrets backend",
                            file,
                            node.lineno,
                        )
                    if _SECRET_NAME.search(name) and _literal(node.value):
                        return Outcome.fail(f"a literal {name}", file, node.lineno)
            elif isinstance(node, ast.Call):
                for kw in node.keywords:
                    if kw.arg and _SECRET_NAME.search(kw.arg) and _literal(kw.value):
                        return Outcome.fail(f"a literal {kw.arg}=", file, kw.value.lineno)
                if (
                    isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("setdefault", "update", "putenv")
                    or _call_name(node) == "putenv"
                ):
                    for arg in node.args:
                        name = _literal(arg)
                        if name and _ENV_CONFIG.match(name):
                            return Outcome.fail(f"{name} is set in code", file, node.lineno)
            elif isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    name = _literal(key)
                    if name and _SECRET_NAME.search(name) and _literal(value):
                        return Outcome.fail(f"a literal {name!r}", file, value.lineno)
    return Outcome.ok(f"{len(trees)} file(s) without credentials")


# --- airflow_lineage ---------------------------------------------------------------------------


# AIRFLOW__OPENLINEAGE__DISABLED=true (Dockerfile, .env), `: true` or `name: ...` followed by
# `value: "true"` (a container's env).
_DISABLED = re.compile(
    r"AIRFLOW__OPENLINEAGE__DISABLED[\"']?\s*(?:[=:]|\n\s*value:)\s*[\"']?true", re.IGNORECASE
)


@check("airflow_lineage")
def airflow_lineage(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """Lineage goes to OpenLineage: the provider is a dependency, and the deployment gives its
    transport from the environment.

    A requirements, constraints or pyproject file names ``apache-airflow-providers-openlineage``,
    and the Dockerfile or a deployment file (deploy/, k8s/, Helm values, compose) sets
    ``OPENLINEAGE_URL``, ``AIRFLOW__OPENLINEAGE__TRANSPORT`` or
    ``AIRFLOW__OPENLINEAGE__CONFIG_PATH``; none sets ``AIRFLOW__OPENLINEAGE__DISABLED`` to true.

    Lineage is how the owners of a dataset find who reads it and where a bad value came from.
    The provider disables itself when no transport is configured, so the dependency alone does
    nothing."""
    provider = None
    for file in facts.glob(REQUIREMENT_GLOBS):
        text = facts.text(file) or ""
        if re.search(r"apache[-_]airflow[-_]providers[-_]openlineage", text, re.IGNORECASE):
            provider = file
            break
    if provider is None:
        if not facts.glob(DAG_GLOBS):
            return Outcome.skip("no DAG files (dags/**/*.py)")
        return Outcome.fail(
            "apache-airflow-providers-openlineage is not a dependency (requirements or pyproject)"
        )
    configured: _Where | None = None
    for file in facts.glob(LINEAGE_CONFIG_GLOBS):
        text = facts.text(file) or ""
        disabled = _DISABLED.search(text)
        if disabled:
            return Outcome.fail(
                "OpenLineage is disabled", file, text[: disabled.start()].count("\n") + 1
            )
        for number, line in enumerate(text.splitlines(), 1):
            if configured is None and any(name in line for name in LINEAGE_ENV):
                configured = _Where(file, number)
    if configured is None:
        return Outcome.fail(
            "no OpenLineage transport in the deployment: set OPENLINEAGE_URL or "
            "AIRFLOW__OPENLINEAGE__TRANSPORT (from a Secret) in the Dockerfile or deploy/",
            provider,
            1,
        )
    return Outcome.ok(
        f"provider in {provider}; transport from {configured.file}:{configured.line}",
        configured.file,
        configured.line,
    )
