"""GitOps mode: write the validated claim into a repository and commit it on a branch.

``<repo>/<dir>/<kind>-<name>.yaml`` (kind lower-cased), committed on
``provision/<kind>-<name>`` unless a branch is given.  Re-running with the same input changes
nothing (the request id is derived from the claim).  A dirty tree is refused unless the only
change is that very file.
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
    current = vcs.current_branch(root)
    if current != branch and branch in _heads(root):
        _checkout(root, branch)
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
    commit = vcs.commit_files(root, [path], message, branch=branch)
    pushed = False
    if push:
        vcs.push(root, branch=branch, remote=remote, set_upstream=True)
        pushed = True
    return GitOpsResult(root, path, branch, commit, pushed)


def commit_extra(root: Path, files: list[Path], message: str, branch: str) -> str | None:
    """Commit more files (the catalog entry) on the same branch."""
    return vcs.commit_files(root, files, message, branch=branch)


def _heads(root: Path) -> list[str]:
    return [h.name for h in vcs.open_repo(root).heads]


def _checkout(root: Path, branch: str) -> None:
    repo = vcs.open_repo(root)
    try:
        repo.git.checkout(branch)
    except Exception as exc:  # noqa: BLE001 - GitCommandError; keep GitPython out of this module
        detail = (getattr(exc, "stderr", "") or str(exc)).strip().splitlines()
        raise UsageError(
            f"cannot switch to branch {branch}: {detail[-1] if detail else exc}",
            hint="commit or stash your changes, or pass --branch NAME",
        ) from None
