"""``platformctl new`` as a library call: render a golden path into a new repository.

Order of work (DESIGN.md §6): validate the name and the destination, resolve the golden path,
check answers and the git identity -- all before anything touches the disk.  Then render into a
temporary folder next to the destination, commit (and push), and move into place only when
everything succeeded.  A failure, Ctrl-C or SIGTERM removes the temporary folder and leaves no
destination behind.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformctl.core import yamlio
from platformctl.core.errors import (
    EnvironmentProblem,
    Interrupted,
    MissingInputError,
    UsageError,
)
from platformctl.core.scaffold import shared, versions
from platformctl.core.scaffold.registry import GoldenPath, Registry

MAX_NAME = 63
_NAME_RE = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")
_KEY_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
ANSWERS_FILE = ".copier-answers.yml"
_FALSY = frozenset({"", "0", "false", "no", "off", "n", "f", "none", "null", "~"})


# --- inputs -----------------------------------------------------------------------------------


def validate_name(name: str) -> str:
    """A repository name: lowercase DNS-1123 label, at most 63 characters, no path separators."""
    if not isinstance(name, str) or not name:
        raise UsageError("the name must not be empty", hint="pass NAME, e.g. payments-api")
    if "/" in name or "\\" in name or name in (".", ".."):
        raise UsageError(
            f"invalid name {name!r}: it must not contain path separators",
            hint="pass a plain name; use --dest DIR to choose where it is created",
        )
    if len(name) > MAX_NAME:
        raise UsageError(f"invalid name {name!r}: longer than {MAX_NAME} characters")
    if not _NAME_RE.match(name):
        raise UsageError(
            f"invalid name {name!r}: use lowercase letters, digits and '-', "
            "starting and ending with a letter or digit (a DNS-1123 label)",
            hint="for example payments-api",
        )
    return name


def parse_data(pairs: list[str] | tuple[str, ...]) -> dict[str, str]:
    """``["key=value", ...]`` -> dict (values stay strings; copier casts them per question type)."""
    result: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not _KEY_RE.match(key):
            raise UsageError(
                f"invalid --data {pair!r}", hint="use --data KEY=VALUE, e.g. --data tier=tier-1"
            )
        result[key] = value
    return result


def load_data_file(path: Path) -> dict[str, Any]:
    """A YAML mapping of answers; malformed files fail with file:line (exit 2)."""
    doc = yamlio.load_one(path, display=str(path))
    data = yamlio.expect_mapping(doc, str(path))
    for key in data:
        if not isinstance(key, str) or not _KEY_RE.match(key):
            line, column = doc.position((key,), key=True)
            raise yamlio.InputFileError(
                f"{key!r} is not a valid answer name", file=str(path), line=line, column=column
            )
    # An existing .copier-answers.yml works as a data file: its _commit/_src_path are copier's
    # bookkeeping, not answers.
    return {k: v for k, v in data.items() if not k.startswith("_")}


# --- the template's questions --------------------------------------------------------------------


def copier_config(folder: Path) -> Path | None:
    for candidate in ("copier.yml", "copier.yaml"):
        if (folder / candidate).is_file():
            return folder / candidate
    return None


def read_questions(folder: Path) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """(questions, settings) of a copier template folder, parsed with yamlio.

    Several YAML documents are merged like copier does; the short form ``key: value`` is a
    question with that default.  The questions of the shared pieces the template includes
    (``shared``) come after its own, as in the composed copier.yml.
    """
    config = copier_config(folder)
    if config is None:
        raise UsageError(f"{folder} is not a copier template (no copier.yml)")
    files = [config] + [
        piece / shared.QUESTIONS_FILE
        for piece in (shared.shared_root(folder) / p for p in shared.pieces_of(folder))
        if (piece / shared.QUESTIONS_FILE).is_file()
    ]
    questions: dict[str, dict[str, Any]] = {}
    settings: dict[str, Any] = {}
    for file in files:
        loaded = yamlio.load_file(file)
        for problem in loaded.problems:
            if problem.severity == "error":
                raise yamlio.InputFileError(
                    problem.message,
                    hint=problem.hint,
                    file=str(file),
                    line=problem.line,
                    column=problem.column,
                )
        for doc in loaded.documents:
            if not isinstance(doc.data, dict):
                continue
            for key, value in doc.data.items():
                if key.startswith("_"):
                    settings[key[1:]] = value
                else:
                    questions[key] = value if isinstance(value, dict) else {"default": value}
    return questions, settings


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in _FALSY
    return bool(value)


def _when(expression: Any, context: Mapping[str, Any]) -> bool:
    """Evaluate a question's ``when:``; literals directly, simple templates with Jinja.

    When a template cannot be evaluated here, the question counts as asked (so a missing answer
    is reported rather than silently skipped)."""
    if not isinstance(expression, str):
        return _truthy(expression)
    if "{" not in expression:
        return _truthy(expression)
    try:
        from jinja2 import StrictUndefined
        from jinja2.sandbox import SandboxedEnvironment

        env = SandboxedEnvironment(undefined=StrictUndefined)
        return _truthy(env.from_string(expression).render(**context))
    except Exception:  # noqa: BLE001 - unknown filters, undefined names: assume it is asked
        return True


_BOOL_WORDS = frozenset({"y", "yes", "t", "true", "on", "1", "n", "no", "f", "false", "off", "0"})


def _type_problem(key: str, kind: str, value: Any) -> str | None:
    """Why ``value`` cannot be the answer to a question of type ``kind`` (None when it can).

    Answers come as text (--data) or as YAML values (--data-file); copier casts them per
    question type, silently (9000.5 -> 9000) or with an error that names no question."""
    if kind in ("yaml", "json"):
        return None
    if isinstance(value, (dict, list, tuple, set)):
        shape = "a mapping" if isinstance(value, dict) else "a list"
        return f"{key} must be a single value, not {shape}"
    if value is None:
        return None if kind == "str" else f"{key} must not be empty"
    if kind == "bool":
        if isinstance(value, bool) or (isinstance(value, int) and value in (0, 1)):
            return None
        if isinstance(value, str) and value.strip().lower() in _BOOL_WORDS:
            return None
        return f"{key} must be true or false (got {value!r})"
    if kind in ("int", "float"):
        what = "an integer" if kind == "int" else "a number"
        if isinstance(value, bool):
            return f"{key} must be {what} (got {value!r})"
        if isinstance(value, str):
            try:
                value = (int if kind == "int" else float)(value.strip())
            except ValueError:
                return f"{key} must be {what} (got {value!r})"
        if kind == "int" and isinstance(value, float) and not value.is_integer():
            return f"{key} must be {what} (got {value!r})"
    return None


def check_answer_types(
    questions: Mapping[str, Mapping[str, Any]], answers: Mapping[str, Any]
) -> None:
    """Answers must cast to their question's type, as copier will cast them; otherwise one
    UsageError naming every bad answer (copier's own error names none, or it truncates)."""
    problems: list[str] = []
    for key, value in answers.items():
        details = questions.get(key) or {}
        kind = details.get("type") if isinstance(details, Mapping) else None
        if not isinstance(kind, str):
            continue
        problem = _type_problem(key, kind, value)
        if problem:
            problems.append(problem)
    if problems:
        first = problems[0].split(" ", 1)[0]
        raise UsageError(
            "invalid answers: " + "; ".join(problems),
            hint=f"pass a valid value, e.g. --data {first}=VALUE",
        )


def askable(questions: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Questions a user can answer: not the computed ones (``when: false`` literally)."""
    return [
        name
        for name, details in questions.items()
        if not (
            isinstance(details, Mapping)
            and "when" in details
            and not isinstance(details["when"], str)
            and not _truthy(details["when"])
        )
    ]


def check_unknown_answers(
    golden_path: str, questions: Mapping[str, Mapping[str, Any]], answers: Mapping[str, Any]
) -> None:
    """An answer to a question the golden path does not ask is a typo more often than not:
    refuse it (exit 2) rather than create a repository with a default the user meant to set."""
    asked = askable(questions)
    # NAME is always passed to copier (templates that do not ask it just ignore it).
    unknown = sorted(k for k in answers if k not in asked and k != "name")
    if not unknown:
        return
    import difflib

    guesses = {k: difflib.get_close_matches(k, asked, n=1) for k in unknown}
    if all(guesses.values()):
        hint = "did you mean " + ", ".join(f"{g[0]} (not {k})" for k, g in guesses.items()) + "?"
    else:
        hint = f"{golden_path} asks: {', '.join(asked) or 'nothing'}"
    raise UsageError(f"{golden_path} does not ask {', '.join(unknown)}", hint=hint)


def missing_answers(
    questions: Mapping[str, Mapping[str, Any]], answers: Mapping[str, Any]
) -> list[str]:
    """Questions with no default and no answer that would be asked, in template order."""
    context: dict[str, Any] = {}
    missing: list[str] = []
    for name, details in questions.items():
        if name in answers:
            context[name] = answers[name]
            continue
        if "default" in details:
            # Never missing, asked or not (copier uses the default when ``when`` is false):
            # no need to evaluate ``when`` -- which would cost a Jinja environment per question.
            default = details["default"]
            if not (isinstance(default, str) and "{" in default):
                context[name] = default
            continue
        if not _when(details.get("when", True), context):
            continue
        missing.append(name)
    return missing


# --- where the template comes from -----------------------------------------------------------


@dataclass
class TemplateSource:
    src: str  # what copier is given
    vcs_ref: str | None
    version: str | None
    bundled: bool  # shipped with platformctl: its tasks/migrations are trusted
    rewrites: dict[str, str]
    updatable: bool
    warning: str | None = None


def template_source(path: GoldenPath, ref: str | None = None) -> TemplateSource:
    """How to hand ``path`` to copier (embedded history, a git source, or a folder)."""
    if path.embedded and path.folder is not None and path.golden_root is not None:
        rewrites = versions.git_rewrites(path.golden_root)
        history = versions.load_history(path.golden_root, path.name)
        if history is not None and history.latest is not None:
            if ref is not None:
                info = history.find(ref)
                if info is None:
                    known = ", ".join(v.version for v in history.versions)
                    raise UsageError(
                        f"golden path {path.name} has no version {ref!r}",
                        hint=f"available: {known}",
                    )
                return TemplateSource(
                    versions.symbolic_source(path.name),
                    info.tag,
                    info.version,
                    True,
                    rewrites,
                    True,
                )
            latest = history.latest
            if latest.digest == versions.template_digest(path.folder):
                return TemplateSource(
                    versions.symbolic_source(path.name),
                    latest.tag,
                    latest.version,
                    True,
                    rewrites,
                    True,
                )
        elif ref is not None:
            raise UsageError(
                f"golden path {path.name} has no version history; --ref is not available"
            )
        return TemplateSource(
            str(shared.composed_template(path.folder)),
            None,
            path.version,
            True,
            rewrites,
            False,
            warning=(
                f"golden path {path.name} has changes that are not in its release history; "
                "this repository will not be updatable with platformctl update "
                "(maintainers: run scripts/golden_history.py)"
            ),
        )
    if path.src:
        return TemplateSource(path.src, ref, path.version, False, {}, True)
    assert path.folder is not None
    is_repo = (path.folder / ".git").exists()
    return TemplateSource(
        # A git repository is rendered from its tags as it is; a plain folder composed with
        # the shared pieces it includes.
        str(path.folder if is_repo else shared.composed_template(path.folder)),
        ref,
        path.version,
        False,
        {},
        is_repo,
        warning=None
        if is_repo
        else (
            f"golden path {path.name} is a plain folder (not a git repository with tags): "
            "repositories created from it cannot be updated"
        ),
    )


# --- the operation -------------------------------------------------------------


@dataclass
class CreateResult:
    golden_path: str
    version: str | None
    destination: Path
    answers: dict[str, Any]
    commit: str | None = None
    branch: str | None = None
    remote: str | None = None
    next_steps: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@contextmanager
def _interruptible() -> Iterator[None]:
    """SIGTERM behaves like Ctrl-C (KeyboardInterrupt) while scaffolding, so cleanup runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _raise(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, _raise)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _shielded() -> Iterator[None]:
    """Ignore Ctrl-C and SIGTERM while cleaning up or moving into place."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old_int = signal.signal(signal.SIGINT, signal.SIG_IGN)
    old_term = signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old_int)
        signal.signal(signal.SIGTERM, old_term)


def _nearest_existing(path: Path) -> Path:
    for folder in (path, *path.parents):
        if folder.is_dir():
            return folder
    return Path.cwd()


def _move_into_place(work: Path, dest: Path) -> None:
    if not dest.exists():
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.rename(work, dest)
        return
    if not any(dest.iterdir()):
        dest.rmdir()
        os.rename(work, dest)
        return
    _merge(work, dest)


def _merge(src: Path, dst: Path) -> None:
    """--force into a non-empty folder: template files replace same-named ones, others stay."""
    for item in sorted(src.iterdir()):
        target = dst / item.name
        if item.is_dir() and not item.is_symlink() and target.is_dir() and not target.is_symlink():
            _merge(item, target)
            continue
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        os.replace(item, target)


def _git_message(stderr: str) -> str:
    """The line of git's stderr that says what went wrong (its ``fatal:``/``error:`` line)."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    for line in lines:
        for prefix in ("fatal: ", "error: ", "ERROR: "):
            if line.startswith(prefix):
                return line[len(prefix) :]
    return lines[-1] if lines else "unknown error"


def push(work: Path, url: str, *, branch: str = "main") -> None:
    """``git remote add origin URL && git push -u origin BRANCH`` with git's own reason on
    failure (EnvironmentProblem, exit 3)."""
    for args in (
        ["remote", "add", "origin", url],
        ["push", "--quiet", "--set-upstream", "origin", f"{branch}:{branch}"],
    ):
        try:
            proc = subprocess.run(
                ["git", *args], cwd=work, capture_output=True, text=True, check=False
            )
        except FileNotFoundError:
            raise EnvironmentProblem("git is not installed or not on PATH") from None
        if proc.returncode != 0:
            raise EnvironmentProblem(
                f"cannot push to {url}: {_git_message(proc.stderr)}",
                hint="check the URL and your git credentials, create the remote repository "
                "first (it must be empty), or leave out --remote",
            )


def read_answers_file(folder: Path) -> dict[str, Any]:
    path = folder / ANSWERS_FILE
    if not path.is_file():
        return {}
    doc = yamlio.load_one(path)
    return dict(yamlio.expect_mapping(doc, str(path)))


def next_steps(
    path: GoldenPath,
    name: str,
    destination: Path,
    answers: Mapping[str, Any],
    *,
    cwd: Path,
    git: bool,
) -> list[str]:
    try:
        shown = os.path.relpath(destination, cwd)
    except ValueError:
        shown = str(destination)
    if shown.startswith(".."):
        shown = str(destination)
    steps = [f"cd {shown}"]
    values = _FormatMap({**answers, "name": name})
    if path.next_steps:
        steps.extend(step.format_map(values) for step in path.next_steps)
    else:
        steps.append("run the tests (see README.md)")
    if not git:
        steps.append('git init -b main && git add -A && git commit -m "Initial commit"')
    steps.append("platformctl check")
    if _truthy(answers.get("has_database", False)):
        # The engine the service was generated for (the claim's default may differ).
        engine = answers.get("database_engine")
        flag = f" --engine {engine}" if isinstance(engine, str) and engine else ""
        steps.append(f"platformctl provision db {name}-db{flag}")
    return steps


class _FormatMap(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def create(
    registry: Registry,
    golden_path: str,
    name: str | None,
    *,
    dest: Path | None = None,
    data: Mapping[str, Any] | None = None,
    defaults: bool = False,
    interactive: bool = False,
    force: bool = False,
    git: bool = True,
    author: str | None = None,
    remote: str | None = None,
    trust: bool = False,
    ref: str | None = None,
    quiet: bool = True,
    cwd: Path | None = None,
    progress: Callable[[], AbstractContextManager[Any]] | None = None,
) -> CreateResult:
    """Render ``golden_path`` into ``./NAME`` (or ``dest``); see the module docstring.

    ``progress`` (a context manager factory) wraps the rendering, the commit and the push: it is
    entered only once every check has passed, so a refused request shows no progress at all."""
    from platformctl.core.scaffold import engine

    cwd = (cwd or Path.cwd()).absolute()
    answers: dict[str, Any] = dict(data or {})
    if name is None and answers.get("name") is not None:
        if not isinstance(answers["name"], (str, int)) or isinstance(answers["name"], bool):
            raise UsageError(f"invalid name {answers['name']!r}: it must be text", hint="pass NAME")
        name = answers["name"] = str(answers["name"])
    if name is not None:
        validate_name(name)
        if "name" in answers and str(answers["name"]) != name:
            raise UsageError(
                f"NAME {name!r} and --data name={answers['name']!r} disagree",
                hint="pass only one of them",
            )
        answers["name"] = name
    path = registry.resolve(golden_path)
    source = template_source(path, ref)
    warnings: list[str] = [source.warning] if source.warning else []

    # Every missing answer at once, before anything touches the disk.
    use_defaults = defaults or not interactive
    questions: dict[str, dict[str, Any]] = {}
    if path.folder is not None:
        questions, _ = read_questions(path.folder)
        check_unknown_answers(path.name, questions, answers)
    if questions:
        check_answer_types(questions, answers)
    if use_defaults:
        missing = missing_answers(questions, answers) if questions else []
        if name is None and "name" not in missing:
            missing.insert(0, "name")
        if missing:
            raise MissingInputError(
                [(m, "NAME" if m == "name" else f"--data {m}=VALUE") for m in missing]
            )
    if name is None:
        raise MissingInputError([("name", "NAME")])

    destination = dest if dest is not None else Path(name)
    destination = destination if destination.is_absolute() else cwd / destination
    destination = Path(os.path.normpath(destination))
    existing_repo = False
    if destination.exists() or destination.is_symlink():
        if not destination.is_dir():
            raise UsageError(f"destination {destination} exists and is not a folder")
        if any(destination.iterdir()):
            if not force:
                raise UsageError(
                    f"destination {destination} is not empty",
                    hint="choose another name or --dest, or pass --force to write into it",
                )
            existing_repo = (destination / ".git").exists()
    if existing_repo and git:
        if remote:
            raise UsageError(
                f"{destination} is already a git repository; --remote needs a new one",
                hint="push it yourself, or create into a new folder",
            )
        warnings.append(f"{destination} is already a git repository: not committing")
        git = False

    identity = None
    if git:
        from platformctl.core import vcs

        identity = vcs.Author.parse(author) if author else vcs.configured_author()
        if identity is None:
            raise UsageError(
                "git has no user identity for the first commit",
                hint='pass --author "Your Name <you@example.com>", set git config --global '
                "user.name and user.email, or pass --no-git",
            )
    elif remote:
        raise UsageError("--remote needs git", hint="drop --no-git or --remote")

    if remote and "://" not in remote and (cwd / remote).exists():
        # A local path is relative to where the user is, not to the temporary work folder.
        remote = str((cwd / remote).resolve())

    anchor = _nearest_existing(destination.parent)
    try:
        tmp = Path(
            tempfile.mkdtemp(prefix=f".{destination.name}.", suffix=".platformctl-new", dir=anchor)
        )
    except OSError as exc:
        raise UsageError(
            f"cannot create {destination}: {exc.strerror or exc}",
            hint="choose a folder you can write to with --dest",
        ) from None
    work = tmp / destination.name
    result = CreateResult(path.name, source.version, destination, {}, warnings=warnings)
    try:
        with _interruptible(), progress() if progress is not None else nullcontext():
            engine.render(
                source.src,
                work,
                data=answers,
                defaults=use_defaults,
                vcs_ref=source.vcs_ref,
                unsafe=source.bundled or trust,
                quiet=quiet,
                rewrites=source.rewrites,
            )
            recorded = read_answers_file(work)
            result.answers = {k: v for k, v in recorded.items() if not str(k).startswith("_")}
            result.version = versions.version_of(recorded.get("_commit")) or source.version
            if git:
                assert identity is not None
                version = f" {result.version}" if result.version else ""
                result.commit = vcs.init_and_commit(
                    work, f"Initial commit from golden path {path.name}{version}", author=identity
                )
                result.branch = "main"
                if remote:
                    push(work, remote, branch="main")
                    result.remote = remote
            with _shielded():
                _move_into_place(work, destination)
    except KeyboardInterrupt:
        raise Interrupted(f"interrupted: nothing was created at {destination}") from None
    finally:
        with _shielded():
            shutil.rmtree(tmp, ignore_errors=True)
    all_answers = {**answers, **result.answers}
    result.next_steps = next_steps(path, name, destination, all_answers, cwd=cwd, git=git)
    return result
