"""Git operations, the one gateway to GitPython (imported inside each function).

Errors become PlatformError subclasses: git missing -> EnvironmentProblem (exit 3); a dirty
tree, a missing identity or a bad path -> UsageError (exit 2); a failed push -> EnvironmentProblem.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platformctl.core.errors import EnvironmentProblem, UsageError

if TYPE_CHECKING:
    from git import Repo

    from platformctl.core.metrics.model import Commit


@dataclass(frozen=True)
class Author:
    name: str
    email: str

    @classmethod
    def parse(cls, text: str) -> Author:
        """``"Jane Doe <jane@example.com>"`` -> Author."""
        text = text.strip()
        if "<" in text and text.endswith(">"):
            name, _, email = text[:-1].partition("<")
            if name.strip() and "@" in email:
                return cls(name.strip(), email.strip())
        raise UsageError(
            f"invalid author {text!r}", hint='use --author "Your Name <you@example.com>"'
        )


def _git() -> Any:
    try:
        import git
    except ImportError as exc:  # GitPython raises ImportError when the git binary is missing
        raise EnvironmentProblem(
            "git is not installed or not on PATH", hint="install git (e.g. apt-get install git)"
        ) from exc
    return git


def open_repo(path: Path, *, search_parent: bool = True) -> Repo:
    git = _git()
    try:
        return git.Repo(path, search_parent_directories=search_parent)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise UsageError(
            f"{path} is not inside a git repository",
            hint="run it from your repository, or `git init` first",
        ) from None


def repo_root(path: Path) -> Path | None:
    """The work tree root containing ``path``, or None (cheap: no GitPython import)."""
    current = path.resolve()
    for folder in (current, *current.parents):
        if (folder / ".git").exists():
            return folder
    return None


def configured_author(path: Path | None = None) -> Author | None:
    """The committer identity git would use (repo config, then global/system), or None."""
    git = _git()
    try:
        if path:
            reader = git.Repo(path).config_reader()
            name = os.environ.get("GIT_AUTHOR_NAME") or reader.get_value("user", "name", "")
            email = os.environ.get("GIT_AUTHOR_EMAIL") or reader.get_value("user", "email", "")
        else:
            # Outside any repository: ask git itself, so every place git reads its identity
            # from counts (system, ~/.gitconfig, $XDG_CONFIG_HOME/git/config, GIT_CONFIG_GLOBAL).
            neutral = git.Git(os.path.abspath(os.sep))

            def _get(key: str) -> str:
                try:
                    return str(neutral.config("--get", key)).strip()
                except git.GitCommandError:
                    return ""

            name = os.environ.get("GIT_AUTHOR_NAME") or _get("user.name")
            email = os.environ.get("GIT_AUTHOR_EMAIL") or _get("user.email")
    except Exception:  # noqa: BLE001 - unreadable config means "no identity"
        return None
    if name and email:
        return Author(str(name), str(email))
    return None


def user_identity() -> Author | None:
    """Who git says the user is (``GIT_AUTHOR_*``, then ``user.name``/``user.email`` from every
    config git reads), without importing GitPython: `new --no-git` reads it for the owner
    default and must stay fast.  None when git is missing or knows nobody."""
    import subprocess

    def _get(key: str) -> str:
        try:
            proc = subprocess.run(
                ["git", "config", "--get", key],
                cwd=os.path.abspath(os.sep),
                capture_output=True,
                text=True,
                check=False,
            )
        except OSError:
            return ""
        return proc.stdout.strip() if proc.returncode == 0 else ""

    name = os.environ.get("GIT_AUTHOR_NAME") or _get("user.name")
    email = os.environ.get("GIT_AUTHOR_EMAIL") or _get("user.email")
    return Author(name, email) if name and email else None


def init_and_commit(path: Path, message: str, *, author: Author, branch: str = "main") -> str:
    """``git init -b main``, add everything, first commit. Returns the commit sha."""
    git = _git()
    repo = git.Repo.init(path, initial_branch=branch)
    repo.git.add(A=True)
    actor = git.Actor(author.name, author.email)
    commit = repo.index.commit(message, author=actor, committer=actor)
    return commit.hexsha


def is_dirty(path: Path, *, ignore: list[str] | None = None) -> list[str]:
    """Paths with uncommitted changes (untracked included), relative to the repo root."""
    repo = open_repo(path)
    changed = [line[3:] for line in repo.git.status("--porcelain").splitlines() if line]
    skip = set(ignore or [])
    return [p.strip('"') for p in changed if p.strip('"') not in skip]


def add_remote_and_push(
    path: Path, url: str, *, branch: str = "main", remote: str = "origin"
) -> None:
    repo = open_repo(path, search_parent=False)
    if remote in [r.name for r in repo.remotes]:
        repo.delete_remote(repo.remote(remote))
    repo.create_remote(remote, url)
    push(path, branch=branch, remote=remote, set_upstream=True)


def push(path: Path, *, branch: str, remote: str = "origin", set_upstream: bool = False) -> None:
    git = _git()
    repo = open_repo(path)
    args = ["--set-upstream"] if set_upstream else []
    try:
        repo.git.push(*args, remote, f"{branch}:{branch}")
    except git.GitCommandError as exc:
        detail = (exc.stderr or str(exc)).strip().splitlines()
        raise EnvironmentProblem(
            f"git push to {remote} failed: {detail[-1] if detail else exc}",
            hint="check the remote URL and your git credentials",
        ) from None


def commit_files(
    path: Path,
    files: list[Path],
    message: str,
    *,
    branch: str | None = None,
    author: Author | None = None,
) -> str | None:
    """Commit exactly ``files`` (optionally on a new or existing ``branch``).

    Returns the new commit sha, or None when the files are already committed unchanged.
    """
    repo = open_repo(path)
    root = Path(repo.working_tree_dir or path)
    if branch and repo.active_branch.name != branch:
        if branch in [h.name for h in repo.heads]:
            repo.git.checkout(branch)
        else:
            repo.git.checkout("-b", branch)
    rel = [str(Path(f).resolve().relative_to(root.resolve())) for f in files]
    repo.git.add("--", *rel)
    if not repo.git.diff("--cached", "--name-only", "--", *rel).strip():
        return None
    if author is None and configured_author(root) is None:
        raise UsageError(
            "git has no user identity to commit with",
            hint='run git config --global user.name "Your Name" and user.email, or pass --author',
        )
    env = {}
    if author is not None:
        env = {
            "GIT_AUTHOR_NAME": author.name,
            "GIT_AUTHOR_EMAIL": author.email,
            "GIT_COMMITTER_NAME": author.name,
            "GIT_COMMITTER_EMAIL": author.email,
        }
    with repo.git.custom_environment(**env):
        repo.git.commit("-m", message, "--", *rel)
    return str(repo.head.commit.hexsha)


def current_branch(path: Path) -> str:
    return str(open_repo(path).active_branch.name)


def remote_url(path: Path, remote: str = "origin") -> str | None:
    """URL of ``remote`` without importing GitPython (parses .git/config)."""
    import configparser

    root = repo_root(path)
    if root is None:
        return None
    config_file = root / ".git" / "config"
    if not config_file.is_file():
        return None
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    try:
        parser.read(config_file, encoding="utf-8")
    except configparser.Error:
        return None
    section = f'remote "{remote}"'
    return parser.get(section, "url", fallback=None)


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "platformctl"


def cached_clone(url: str, *, ref: str | None = None, refresh: bool = True) -> Path:
    """Clone (or fetch) ``url`` into the cache and return the work tree."""
    git = _git()
    key = hashlib.sha256(url.encode()).hexdigest()[:16]
    target = cache_dir() / "platforms" / key
    try:
        if (target / ".git").is_dir():
            repo = git.Repo(target)
            if refresh:
                repo.remotes.origin.fetch(tags=True, prune=True)
                repo.git.reset("--hard", ref or "origin/HEAD")
        else:
            if target.exists():
                shutil.rmtree(target)
            target.parent.mkdir(parents=True, exist_ok=True)
            repo = git.Repo.clone_from(url, target)
            if ref:
                repo.git.checkout(ref)
    except git.GitCommandError as exc:
        detail = (exc.stderr or str(exc)).strip().splitlines()
        raise EnvironmentProblem(
            f"cannot fetch platform repository {url}: {detail[-1] if detail else exc}",
            hint="check the URL, your network and git credentials",
        ) from None
    return target


# -- history for metrics: plain ``git`` subprocesses (one pass each, no GitPython objects) ------


def _git_failure(path: Path, args: tuple[str, ...], returncode: int, stderr: str) -> str:
    """'' for an empty repository; raises for every other failure."""
    detail = stderr.strip().splitlines()
    message = detail[-1] if detail else f"git {args[0]} failed (exit {returncode})"
    if "not a git repository" in stderr:
        raise UsageError(
            f"{path} is not inside a git repository", hint="pass --repo PATH to a repository"
        )
    if "does not have any commits" in stderr or "bad default revision" in stderr:
        return ""
    raise EnvironmentProblem(f"git {args[0]} failed in {path}: {message}")


def _git_command(path: Path, *args: str) -> list[str]:
    if shutil.which("git") is None:
        raise EnvironmentProblem(
            "git is not installed or not on PATH", hint="install git (e.g. apt-get install git)"
        )
    return ["git", "-C", str(path), "-c", "core.quotePath=false", *args]


def _run_git(path: Path, *args: str) -> str:
    import subprocess

    proc = subprocess.run(
        _git_command(path, *args),
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    if proc.returncode != 0:
        return _git_failure(path, args, proc.returncode, proc.stderr)
    return proc.stdout


_LOG_FORMAT = "%x1e%H%x00%P%x00%at%x00%ct%x00%s%x00%b%x00"


def _log_args(with_paths: bool) -> list[str]:
    args = ["log", f"--format={_LOG_FORMAT}", "--branches", "--tags", "--remotes", "HEAD"]
    if with_paths:
        args += ["--name-only", "--no-renames"]
    return args


class HistoryReader:
    """``git log`` started in the background (its output goes to a temporary file, so git runs
    while the caller reads deployment and incident files); ``commits()`` waits and parses."""

    def __init__(self, path: Path, *, with_paths: bool = False) -> None:
        import subprocess
        import tempfile

        self.path, self.with_paths = path, with_paths
        self._args = tuple(_log_args(with_paths))
        self._out = tempfile.TemporaryFile()  # noqa: SIM115 - closed by commits()/close()
        self._err = tempfile.TemporaryFile()  # noqa: SIM115 - closed by commits()/close()
        self._proc = subprocess.Popen(
            _git_command(path, *self._args), stdout=self._out, stderr=self._err
        )

    def commits(self) -> list[Commit]:
        try:
            returncode = self._proc.wait()
            self._out.seek(0)
            text = self._out.read().decode("utf-8", errors="replace")
            if returncode != 0:
                self._err.seek(0)
                stderr = self._err.read().decode("utf-8", errors="replace")
                text = _git_failure(self.path, self._args, returncode, stderr)
        finally:
            self.close()
        return parse_log(text, with_paths=self.with_paths)

    def close(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        self._out.close()
        self._err.close()


def history(path: Path, *, with_paths: bool = False) -> list[Commit]:
    """Every commit reachable from HEAD, branches, tags and remotes, with parents and times,
    in one ``git log`` pass (``--name-only`` adds the files each commit changes)."""
    return parse_log(_run_git(path, *_log_args(with_paths)), with_paths=with_paths)


def parse_log(text: str, *, with_paths: bool) -> list[Commit]:
    from datetime import UTC, datetime

    from platformctl.core.metrics.model import Commit

    fromtimestamp = datetime.fromtimestamp
    commits: list[Commit] = []
    for chunk in text.split("\x1e")[1:]:
        sha, parents, authored, committed, subject, body, rest = chunk.split("\x00", 6)
        paths = tuple(p for p in rest.split("\n") if p) if with_paths else None
        commits.append(
            Commit(
                sha,
                tuple(parents.split()),
                fromtimestamp(int(authored), UTC),
                fromtimestamp(int(committed), UTC),
                subject,
                body,
                paths,
            )
        )
    return commits


@dataclass(frozen=True)
class TagRecord:
    name: str
    sha: str  # the commit the tag points at
    time: float  # unix seconds: the annotated tag's date, else the commit's committer date
    annotated: bool


def tags(path: Path, pattern: str) -> list[TagRecord]:
    """Tags matching a glob (``v*``), in one ``git for-each-ref`` pass."""
    fmt = "%(refname:strip=2)%00%(objecttype)%00%(objectname)%00%(*objectname)%00" \
        "%(taggerdate:unix)%00%(*committerdate:unix)%00%(committerdate:unix)"
    text = _run_git(path, "for-each-ref", f"--format={fmt}", f"refs/tags/{pattern}")
    out: list[TagRecord] = []
    for line in text.splitlines():
        name, kind, obj, peeled, tagged, peeled_time, commit_time = line.split("\x00")
        if kind == "tag":
            if not peeled or not tagged:
                continue  # a tag of a tree or blob: nothing deployable
            out.append(TagRecord(name, peeled, float(tagged), True))
        elif kind == "commit":
            out.append(TagRecord(name, obj, float(commit_time), False))
    return out


# -- fleet checkouts: plain ``git`` subprocesses (safe in worker processes) ----------------------


def _fleet_git(cwd: Path, *args: str) -> str:
    """Run git in ``cwd``; a failure raises EnvironmentProblem with git's last error line.
    Credentials come only from git's own helpers; no prompt (a fleet run is unattended)."""
    import subprocess

    if shutil.which("git") is None:
        raise EnvironmentProblem(
            "git is not installed or not on PATH", hint="install git (e.g. apt-get install git)"
        )
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    proc = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, errors="replace", env=env
    )
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise EnvironmentProblem(
            f"git {args[0]} failed: {detail[-1] if detail else f'exit {proc.returncode}'}"
        )
    return proc.stdout


def fleet_cache_dir() -> Path:
    return cache_dir() / "fleet"


def fleet_checkout(url: str, *, cache: Path | None = None, full: bool = False) -> Path:
    """A work tree of ``url``'s default branch in the fleet cache: cloned once (shallow unless
    ``full``), fetched and reset to the remote's HEAD on later runs, never re-cloned."""
    base = cache or fleet_cache_dir()
    slug = "".join(c if c.isalnum() or c in "-_." else "-" for c in url.rstrip("/").split("/")[-1])
    key = hashlib.sha256(url.encode()).hexdigest()[:12]
    target = base / f"{slug.removesuffix('.git')[:40]}-{key}"
    depth = [] if full else ["--depth", "1"]
    if (target / ".git").is_dir():
        shallow = (target / ".git" / "shallow").exists()
        unshallow = ["--unshallow"] if full and shallow else []
        _fleet_git(target, "fetch", "-q", "--prune", *unshallow, *([] if unshallow else depth),
                   "origin")
        head = _remote_head(target)
        _fleet_git(target, "checkout", "-q", "-B", head, f"origin/{head}")
        _fleet_git(target, "reset", "-q", "--hard", f"origin/{head}")
        _fleet_git(target, "clean", "-q", "-f", "-d")
        return target
    if target.exists():
        shutil.rmtree(target)
    base.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    _fleet_git(base, "clone", "-q", *depth, url, str(partial))
    os.replace(partial, target)
    return target


def _remote_head(path: Path) -> str:
    """The remote's default branch (origin/HEAD), else the current branch."""
    try:
        ref = _fleet_git(path, "symbolic-ref", "-q", "refs/remotes/origin/HEAD").strip()
        return ref.removeprefix("refs/remotes/origin/")
    except EnvironmentProblem:
        return _fleet_git(path, "rev-parse", "--abbrev-ref", "HEAD").strip()


def last_commit_time(path: Path) -> float | None:
    """Committer time (unix seconds) of HEAD, None for a repository without commits."""
    try:
        out = _fleet_git(path, "log", "-1", "--format=%ct").strip()
    except EnvironmentProblem:
        return None
    return float(out) if out else None


def porcelain_status(path: Path) -> list[str]:
    """Paths with uncommitted changes (untracked included)."""
    out = _fleet_git(path, "status", "--porcelain", "--untracked-files=all")
    return [line[3:] for line in out.splitlines() if line]


def start_branch(path: Path, branch: str) -> str:
    """Create (or reset) ``branch`` at HEAD and check it out; returns the branch left."""
    previous = _fleet_git(path, "rev-parse", "--abbrev-ref", "HEAD").strip()
    _fleet_git(path, "checkout", "-q", "-B", branch)
    return previous


def switch_back(path: Path, branch: str, *, delete: str | None = None) -> None:
    """Discard the work tree's changes, check ``branch`` out again, optionally delete a branch."""
    _fleet_git(path, "reset", "-q", "--hard")
    _fleet_git(path, "clean", "-q", "-f", "-d")
    _fleet_git(path, "checkout", "-q", branch)
    if delete:
        _fleet_git(path, "branch", "-q", "-D", delete)


def commit_all(path: Path, message: str) -> str:
    """Stage every change (deletions included) and commit; returns the sha."""
    _fleet_git(path, "add", "-A")
    _fleet_git(path, "commit", "-q", "--no-verify", "-m", message)
    return _fleet_git(path, "rev-parse", "HEAD").strip()


def push_branch(path: Path, branch: str, remote: str = "origin") -> None:
    try:
        _fleet_git(path, "push", "-q", "--force-with-lease", remote, f"{branch}:{branch}")
    except EnvironmentProblem as exc:
        raise EnvironmentProblem(
            f"push of {branch} to {remote} failed: {exc.message.removeprefix('git push failed: ')}",
            hint="check the remote URL and your git credentials (git's credential helper)",
        ) from None


def unshallow(path: Path) -> None:
    if (path / ".git" / "shallow").exists():
        _fleet_git(path, "fetch", "-q", "--unshallow", "origin")
