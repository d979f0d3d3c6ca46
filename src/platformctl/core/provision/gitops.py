"""GitOps mode: write the validated claim into a repository and commit it on a branch.

``<repo>/<dir>/<kind>-<name>.yaml`` (kind lower-cased), committed on
``provision/<kind>-<name>`` unless a branch is given.  Re-running with the same input changes
nothing (the request id is derived from the claim).  A dirty tree is refused unless the only
change is that very file.  ``withdraw`` removes a claim file the same way (delete by GitOps).

The user's checkout is theirs: ``submit`` and ``withdraw`` switch to the claim's branch to
commit, and ``restore`` switches back to the branch (or commit) they started on.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from platformctl.core import vcs
from platformctl.core.errors import UsageError


@dataclass
class GitOpsResult:
    repo: Path
    file: Path
    branch: str
    commit: str | None  # None: nothing to commit (already requested)
    pushed: bool = False
    start: str | None = None  # the branch (or detached commit) the user was on; None: unborn
    start_detached: bool = False
    created_branch: bool = False
    returned: bool = False  # restore() switched back to ``start``
    removed: bool = False  # withdraw(): the file was deleted

    @property
    def changed(self) -> bool:
        return self.commit is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "repo": str(self.repo),
            "file": str(self.file),
            "branch": self.branch,
            "commit": self.commit,
            "changed": self.changed,
            "pushed": self.pushed,
            "startBranch": self.start,
            "returned": self.returned,
        }


def render(obj: dict[str, Any]) -> str:
    """The claim as YAML, keys in the order we built them."""
    import yaml

    header = (
        "# Requested with `platformctl provision`; "
        "platformctl.io/request-id identifies this request.\n"
    )
    body = yaml.safe_dump(json.loads(json.dumps(obj)), sort_keys=False, default_flow_style=False)
    return header + body


def _safe_dir(directory: str) -> PurePosixPath:
    rel = PurePosixPath(directory.replace(os.sep, "/"))
    if rel.is_absolute() or ".." in rel.parts:
        raise UsageError(
            f"--path {directory!r} must be a folder inside the repository",
            hint="use a relative path such as infra/claims",
        )
    return rel


def default_branch(kind: str, name: str) -> str:
    return f"provision/{kind.lower()}-{name}"


def target_file(repo: Path, directory: str, kind: str, name: str) -> Path:
    return repo / Path(str(_safe_dir(directory))) / f"{kind.lower()}-{name}.yaml"


def _other_changes(root: Path, rel: str) -> list[str]:
    out = []
    for entry in vcs.is_dirty(root):
        if entry == rel:
            continue
        if entry.endswith("/") and rel.startswith(entry):
            # an untracked folder: fine if our file is the only thing in it
            folder = root / entry
            others = [
                str(p.relative_to(root))
                for p in folder.rglob("*")
                if p.is_file() and str(p.relative_to(root)) != rel
            ]
            out.extend(others)
            continue
        out.append(entry)
    return out


def submit(
    obj: dict[str, Any],
    *,
    repo: Path,
    directory: str,
    branch: str | None = None,
    push: bool = False,
    remote: str = "origin",
    message: str | None = None,
) -> GitOpsResult:
    """Write, commit (on a branch) and optionally push the claim."""
    root = vcs.repo_root(Path(repo))
    if root is None:
        raise UsageError(
            f"{repo} is not inside a git repository",
            hint="pass --repo PATH to your GitOps repository",
        )
    kind = str(obj["kind"])
    name = str(obj["metadata"]["name"])
    path = target_file(root, directory, kind, name)
    rel = path.relative_to(root).as_posix()
    others = _other_changes(root, rel)
    if others:
        shown = ", ".join(others[:5]) + (" ..." if len(others) > 5 else "")
        raise UsageError(
            f"the repository {root} has uncommitted changes: {shown}",
            hint="commit or stash them first; platformctl only commits the claim file",
        )
    branch = branch or default_branch(kind, name)
    result = GitOpsResult(root, path, branch, None)
    _switch_to(result, push=push, remote=remote)
    try:
        _write_and_commit(obj, result, push=push, remote=remote, message=message)
    except BaseException:
        _restore_quietly(result)
        raise
    return result


def _restore_quietly(result: GitOpsResult) -> None:
    """On a failure after switching branches: back to the start, keeping the first error."""
    import contextlib

    from platformctl.core.errors import PlatformError

    with contextlib.suppress(PlatformError):
        restore(result)


def _write_and_commit(
    obj: dict[str, Any], result: GitOpsResult, *, push: bool, remote: str, message: str | None
) -> None:
    path, root = result.file, result.repo
    kind = str(obj["kind"])
    name = str(obj["metadata"]["name"])
    text = render(obj)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.platformctl-tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    ns = obj["metadata"].get("namespace")
    request = (obj["metadata"].get("annotations") or {}).get("platformctl.io/request-id", "")
    message = message or (
        f"provision: request {kind} {ns + '/' if ns else ''}{name}\n\n"
        f"Requested with platformctl provision.\n"
        f"platformctl.io/request-id: {request}\n"
    )
    result.commit = _commit(root, [path], message, result.branch)
    if push:
        _push(result, remote)


def _push(result: GitOpsResult, remote: str) -> None:
    from platformctl.core.errors import PlatformError

    try:
        vcs.push(result.repo, branch=result.branch, remote=remote, set_upstream=True)
    except PlatformError as exc:
        exc.message = f"{exc.message} (the commit is on branch {result.branch})"
        raise
    result.pushed = True


def _commit(root: Path, files: list[Path], message: str, branch: str) -> str | None:
    from platformctl.core.errors import EnvironmentProblem

    try:
        return vcs.commit_files(root, files, message, branch=branch)
    except Exception as exc:  # GitCommandError (a failing hook, ...); GitPython stays in vcs
        if type(exc).__name__ != "GitCommandError":
            raise
        detail = (getattr(exc, "stderr", "") or str(exc)).strip().splitlines()
        raise EnvironmentProblem(
            f"git commit on branch {branch} failed: {detail[-1] if detail else exc}",
            hint="a commit hook may have refused it; fix that and re-run",
        ) from None


def withdraw(
    *,
    repo: Path,
    file: Path,
    kind: str,
    name: str,
    namespace: str | None,
    branch: str | None = None,
    push: bool = False,
    remote: str = "origin",
) -> GitOpsResult:
    """Delete a claim by GitOps: remove its file on a branch and commit (push when asked)."""
    root = vcs.repo_root(Path(repo))
    if root is None:
        raise UsageError(
            f"{repo} is not inside a git repository",
            hint="pass --repo PATH to your GitOps repository",
        )
    rel = file.relative_to(root).as_posix()
    others = [entry for entry in vcs.is_dirty(root) if entry != rel]
    if others:
        shown = ", ".join(others[:5]) + (" ..." if len(others) > 5 else "")
        raise UsageError(
            f"the repository {root} has uncommitted changes: {shown}",
            hint="commit or stash them first; platformctl only commits the claim file",
        )
    result = GitOpsResult(root, file, branch or f"deprovision/{kind.lower()}-{name}", None)
    _switch_to(result, push=push, remote=remote)
    message = (
        f"provision: delete {kind} {namespace + '/' if namespace else ''}{name}\n\n"
        f"Removed with platformctl provision delete --gitops; once merged, the GitOps "
        f"controller deletes the claim (and Crossplane what it created).\n"
    )
    try:
        if file.is_file():
            file.unlink()
            result.removed = True
        result.commit = _commit(root, [file], message, result.branch) if result.removed else None
        if push and result.commit:
            _push(result, remote)
    except BaseException:
        _restore_quietly(result)
        raise
    return result


def _check_target(root: Path, branch: str, *, push: bool, remote: str) -> None:
    """Refuse, before touching the checkout, a branch name git rejects or a missing remote."""
    repo = vcs.open_repo(root)
    try:
        repo.git.check_ref_format("--branch", branch)
    except Exception:  # noqa: BLE001 - GitCommandError; keep GitPython out of this module
        raise UsageError(
            f"--branch {branch!r} is not a valid git branch name",
            hint="use e.g. provision/orders-db (no spaces, '..', '~', '^', ':' or '?')",
        ) from None
    if push and remote not in [r.name for r in repo.remotes]:
        raise UsageError(
            f"--push: the repository {root} has no remote {remote!r}",
            hint=f"git remote add {remote} URL, or leave out --push",
        )


def _switch_to(result: GitOpsResult, *, push: bool = False, remote: str = "origin") -> None:
    """Remember where the user is, then check out ``result.branch`` (created when new)."""
    _check_target(result.repo, result.branch, push=push, remote=remote)
    repo = vcs.open_repo(result.repo)
    if not repo.head.is_valid():  # unborn: no commit yet to come back to
        result.start = None
    elif repo.head.is_detached:
        result.start, result.start_detached = repo.head.commit.hexsha, True
    else:
        result.start = repo.active_branch.name
    if result.start == result.branch and not result.start_detached:
        return
    if result.branch in _heads(result.repo):
        _checkout(result.repo, result.branch)
    else:
        _checkout(result.repo, "-b", result.branch)
        result.created_branch = True


def restore(result: GitOpsResult) -> None:
    """Switch back to where the user started; drop a branch we created for nothing."""
    if result.start is None or (result.start == result.branch and not result.start_detached):
        return
    repo = vcs.open_repo(result.repo)
    args = ["--detach", result.start] if result.start_detached else [result.start]
    try:
        repo.git.checkout(*args)
    except Exception as exc:  # noqa: BLE001 - GitCommandError; keep GitPython out of this module
        detail = (getattr(exc, "stderr", "") or str(exc)).strip().splitlines()
        raise UsageError(
            f"committed on branch {result.branch}, but could not switch back to "
            f"{result.start}: {detail[-1] if detail else exc}; you are on {result.branch}",
            hint=f"git checkout {result.start}",
        ) from None
    result.returned = True
    if result.created_branch and result.commit is None:
        try:
            repo.git.branch("-D", result.branch)
        except Exception:  # noqa: BLE001 - best effort: an empty branch is harmless
            return


def commit_extra(root: Path, files: list[Path], message: str, branch: str) -> str | None:
    """Commit more files (the catalog entry) on the same branch."""
    return vcs.commit_files(root, files, message, branch=branch)


def _heads(root: Path) -> list[str]:
    return [h.name for h in vcs.open_repo(root).heads]


def _checkout(root: Path, *args: str) -> None:
    branch = args[-1]
    repo = vcs.open_repo(root)
    try:
        repo.git.checkout(*args)
    except Exception as exc:  # noqa: BLE001 - GitCommandError; keep GitPython out of this module
        detail = (getattr(exc, "stderr", "") or str(exc)).strip().splitlines()
        raise UsageError(
            f"cannot switch to branch {branch}: {detail[-1] if detail else exc}",
            hint="commit or stash your changes, or pass --branch NAME",
        ) from None
