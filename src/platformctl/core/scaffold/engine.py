"""The copier gateway: the only module that imports copier (inside each function).

It runs ``copier.run_copy`` / ``copier.run_update`` with git URL rewrites that map the symbolic
sources of embedded golden paths (``git+platformctl:golden-paths/<name>``) to this install's
history bundles (see ``versions``), and turns copier's exceptions into PlatformErrors.

Copier keeps one git mirror per remote template in its cache and checks versions out with
``git worktree add``; two processes doing that on one mirror at once break each other ("bad
object worktrees/copier._vcs.clone.*/HEAD", seen with ``fleet update -j 2``).  Every copier run
therefore holds an exclusive lock on ``$XDG_CACHE_HOME/platformctl/copier.lock``.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from platformctl.core.errors import (
    EnvironmentProblem,
    Interrupted,
    MissingInputError,
    PlatformError,
    UsageError,
)

_VALIDATION = re.compile(r"Validation error for question '([^']+)': (.*)", re.S)
_CHOICE = re.compile(r"Invalid choice for '([^']+)': (.*)", re.S)
_REQUIRED = re.compile(r'Question "([^"]+)" is required')
_TYPE = re.compile(r'to question "([^"]+)" of type "([^"]+)"')


def git_env(rewrites: Mapping[str, str], base: Mapping[str, str]) -> dict[str, str]:
    """``GIT_CONFIG_*`` variables adding ``url.<target>.insteadOf=<symbolic>`` for each rewrite,
    appended after any the caller already has."""
    try:
        count = int(base.get("GIT_CONFIG_COUNT", "0") or 0)
    except ValueError:
        count = 0
    env: dict[str, str] = {}
    for symbolic, target in sorted(rewrites.items()):
        env[f"GIT_CONFIG_KEY_{count}"] = f"url.{target}.insteadOf"
        env[f"GIT_CONFIG_VALUE_{count}"] = symbolic
        count += 1
    if env:
        env["GIT_CONFIG_COUNT"] = str(count)
    return env


@contextmanager
def _mirror_lock() -> Iterator[None]:
    """Hold the machine-wide lock around copier's shared template mirrors (see the module doc)."""
    import fcntl

    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    folder = Path(base) / "platformctl"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "copier.lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def _copier_session(rewrites: Mapping[str, str] | None) -> Iterator[Any]:
    """Import copier, apply the URL rewrites to the git commands it runs, translate errors."""
    import copier
    from plumbum import local

    extra = git_env(rewrites or {}, dict(local.env))
    try:
        with _mirror_lock(), local.env(**extra), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield copier
    except PlatformError:
        raise
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # noqa: BLE001 - every copier failure becomes a PlatformError
        raise translate(exc) from exc


def translate(exc: BaseException) -> PlatformError:
    """A copier (or git-under-copier) exception as the PlatformError the user should see."""
    from copier import errors
    from plumbum import ProcessExecutionError

    message = str(exc).strip()
    if isinstance(exc, errors.UnsafeTemplateError):
        features = message.split(":", 1)[1].split(".")[0].strip() if ":" in message else "tasks"
        return UsageError(
            f"the golden path runs code on your machine ({features}) and its source is not bundled "
            "with platformctl",
            hint="review the template, then pass --trust to allow it",
        )
    if isinstance(exc, errors.CopierAnswersInterrupt):
        return Interrupted("interrupted")
    if isinstance(exc, errors.InteractiveSessionError):
        return UsageError(
            "copier needed to ask a question but there is no terminal",
            hint="pass --defaults and --data KEY=VALUE",
        )
    if isinstance(exc, errors.TaskError):
        return EnvironmentProblem(f"a golden path task failed: {message}")
    if isinstance(exc, (ValueError, TypeError)):
        if match := _REQUIRED.search(message):
            name = match.group(1)
            return MissingInputError([(name, f"--data {name}=VALUE")])
        if match := _VALIDATION.search(message):
            question = match.group(1)
            return UsageError(
                f"invalid answer for {question}: {match.group(2).strip()}",
                hint="pass a valid NAME"
                if question == "name"
                else f"pass a valid value with --data {question}=VALUE",
            )
        if match := _CHOICE.search(message):
            return UsageError(
                f"invalid answer for {match.group(1)}: {match.group(2).strip()}",
                hint=f"pass one of the choices with --data {match.group(1)}=VALUE",
            )
        if match := _TYPE.search(message):
            return UsageError(
                f"invalid answer for {match.group(1)}: expected a {match.group(2)}",
                hint=f"pass --data {match.group(1)}=VALUE",
            )
    if isinstance(exc, errors.UserMessageError):
        return UsageError(message.splitlines()[0] if message else "copier refused")
    if isinstance(exc, errors.CopierError):
        return UsageError(
            f"golden path error: {message.splitlines()[0] if message else type(exc).__name__}"
        )
    if isinstance(exc, ProcessExecutionError):
        lines = [ln for ln in (exc.stderr or "").strip().splitlines() if ln.strip()]
        return EnvironmentProblem(
            f"git failed while reading the golden path: {lines[-1] if lines else exc.retcode}",
            hint="check that the golden path source exists and has the requested version",
        )
    if isinstance(exc, OSError):
        return EnvironmentProblem(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))
    # Anything else is a bug (ours or copier's): let the boundary write a crash log.
    raise exc


def render(
    src: str,
    dst: Path,
    *,
    data: Mapping[str, Any],
    defaults: bool,
    user_defaults: Mapping[str, Any] | None = None,
    vcs_ref: str | None = None,
    unsafe: bool = False,
    quiet: bool = True,
    rewrites: Mapping[str, str] | None = None,
) -> None:
    """``copier copy``: render ``src`` into ``dst`` (copier asks unless ``defaults``;
    ``user_defaults`` replace the template's defaults, pre-filled when asked)."""
    with _copier_session(rewrites) as copier:
        copier.run_copy(
            src,
            dst,
            data=dict(data),
            defaults=defaults,
            user_defaults=dict(user_defaults or {}),
            vcs_ref=vcs_ref,
            unsafe=unsafe,
            quiet=quiet,
            overwrite=True,
            cleanup_on_error=True,
        )


def update(
    dst: Path,
    *,
    vcs_ref: str | None = None,
    defaults: bool = True,
    data: Mapping[str, Any] | None = None,
    unsafe: bool = False,
    quiet: bool = True,
    rewrites: Mapping[str, str] | None = None,
) -> None:
    """``copier update`` with inline conflict markers."""
    with _copier_session(rewrites) as copier:
        copier.run_update(
            dst,
            data=dict(data or {}),
            vcs_ref=vcs_ref,
            defaults=defaults,
            skip_answered=True,
            overwrite=True,
            conflict="inline",
            unsafe=unsafe,
            quiet=quiet,
        )


def remote_tags(src: str, rewrites: Mapping[str, str] | None = None) -> list[str]:
    """Version tags of a git template source (what copier would choose from)."""
    with _copier_session(rewrites):
        from copier._vcs import get_git, get_repo, valid_version

        url = get_repo(src)
        if url is None:
            return []
        out = get_git()("ls-remote", "--tags", "--refs", "--", url)
    tags = [
        line.split("\t", 1)[1].removeprefix("refs/tags/")
        for line in out.splitlines()
        if "\t" in line
    ]
    return [t for t in tags if valid_version(t)]
