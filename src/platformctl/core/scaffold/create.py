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
import shlex
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
from platformctl.core.scaffold import identity, shared, versions
from platformctl.core.scaffold.questions import (
    check_answer_types,
    check_unknown_answers,
    missing_answers,
    read_questions,
    truthy,
)
from platformctl.core.scaffold.registry import GoldenPath, Registry

MAX_NAME = 63
_NAME_RE = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")
_KEY_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
ANSWERS_FILE = ".copier-answers.yml"


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
    # identity answers (owner, system) that came from a default, with where it came from
    identity_defaults: list[identity.Suggested] = field(default_factory=list)


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
    config: Any = None,
) -> list[str]:
    """What to do next, each step a command that runs as printed (the CLI's own steps are
    checked against the platform's claim types; tests run them)."""
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
    if truthy(answers.get("has_database", False)):
        steps.append(database_step(f"{name}-db", answers.get("database_engine"), config=config))
    return steps


def database_step(claim_name: str, engine: Any, *, config: Any = None) -> str:
    """``platformctl provision db NAME --engine ENGINE --size SIZE`` that this platform's
    database claim type accepts as is: the engine the service was generated for, and for every
    other required parameter its first allowed value (the smallest size).  When the claim type
    is missing or a required value cannot be chosen, ``provision explain`` / ``types`` instead:
    a step that fails with a usage error is worse than none."""
    from platformctl.core.errors import PlatformError
    from platformctl.core.provision import claim as claims

    try:
        registry = claims.registry_from_config(config)
    except PlatformError:
        return "platformctl provision types"
    claim_type = registry.find("database")
    if claim_type is None:
        return "platformctl provision types"
    invoked = next((a for a in sorted(claim_type.aliases, key=len)), claim_type.name)
    params = {p.option: p for p in claim_type.params}
    values: dict[str, Any] = {}
    if isinstance(engine, str) and engine and "engine" in params:
        values["engine"] = engine
    explain = f"platformctl provision explain {invoked}"
    for param in claims.missing_required(claim_type, values, {}):
        if not param.enum:
            return explain
        values[param.option] = param.enum[0]
    try:
        built = claims.build_claim(claim_type, claim_name, namespace=None, values=values)
    except PlatformError:
        return explain
    if built.errors or built.unknown:
        return explain
    flags = "".join(f" --{option} {shlex.quote(str(value))}" for option, value in values.items())
    return f"platformctl provision {invoked} {claim_name}{flags}"


def _flag(question: str) -> str:
    """What to pass for a missing answer (named in the exit-2 hint)."""
    if question == "name":
        return "NAME"
    return identity.FLAGS.get(question, f"--data {question}=VALUE")


def _pair(author: Any) -> tuple[str, str] | None:
    return None if author is None else (author.name, author.email)


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
    config: Any = None,
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

    # Owner and system never get a placeholder: only a configured default or the user's own
    # identity (see core.scaffold.identity).  Asked on a terminal with it pre-filled.
    from platformctl.core import vcs

    who = vcs.Author.parse(author) if author else None
    needs_author = "owner" in questions and "owner" not in answers
    suggested = identity.suggest(
        questions,
        answers,
        config=config,
        author=_pair(who or vcs.user_identity()) if needs_author else None,
        author_source="--author" if who else "your git identity",
    )
    user_defaults = {q: s.value for q, s in suggested.items()}
    if use_defaults:
        answers.update(user_defaults)
        missing = missing_answers(questions, answers) if questions else []
        if name is None and "name" not in missing:
            missing.insert(0, "name")
        if missing:
            raise MissingInputError([(m, _flag(m)) for m in missing])
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

    committer = None
    if git:
        committer = who or vcs.configured_author()
        if committer is None:
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
                user_defaults=user_defaults,
                vcs_ref=source.vcs_ref,
                unsafe=source.bundled or trust,
                quiet=quiet,
                rewrites=source.rewrites,
            )
            recorded = read_answers_file(work)
            result.answers = {k: v for k, v in recorded.items() if not str(k).startswith("_")}
            result.version = versions.version_of(recorded.get("_commit")) or source.version
            if git:
                assert committer is not None
                version = f" {result.version}" if result.version else ""
                result.commit = vcs.init_and_commit(
                    work, f"Initial commit from golden path {path.name}{version}", author=committer
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
    result.identity_defaults = [s for q, s in suggested.items() if all_answers.get(q) == s.value]
    result.next_steps = next_steps(
        path, name, destination, all_answers, cwd=cwd, git=git, config=config
    )
    return result
