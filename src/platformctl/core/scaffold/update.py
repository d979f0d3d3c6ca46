"""``platformctl update`` and the template-drift check as library calls.

``check_drift`` is what ``platformctl check`` calls: for embedded golden paths it reads the
shipped ``history.json`` only (no copier, no git); for golden paths from a git source it lists
the source's tags.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformctl.core import yamlio
from platformctl.core.errors import EnvironmentProblem, Interrupted, UsageError
from platformctl.core.scaffold import registry as registry_mod
from platformctl.core.scaffold import versions
from platformctl.core.scaffold.create import ANSWERS_FILE

CONFLICT_MARKERS = (b"<<<<<<< before updating", b">>>>>>> after updating")
REPO_FILE = ".platformctl.yaml"


@dataclass
class ProjectAnswers:
    root: Path  # folder holding .copier-answers.yml
    data: dict[str, Any]

    @property
    def src(self) -> str | None:
        value = self.data.get("_src_path")
        return str(value) if value is not None else None

    @property
    def commit(self) -> str | None:
        value = self.data.get("_commit")
        return str(value) if value is not None else None

    @property
    def embedded_name(self) -> str | None:
        return versions.name_from_source(self.src)


def read_project(path: Path) -> ProjectAnswers:
    """The answers of the project at ``path`` (or the nearest parent up to its git root)."""
    start = path.resolve()
    if not start.exists():
        raise UsageError(f"{path} does not exist", hint="pass the repository's folder as PATH")
    for folder in (start, *start.parents):
        candidate = folder / ANSWERS_FILE
        if candidate.is_file():
            doc = yamlio.load_one(candidate, display=str(candidate))
            return ProjectAnswers(folder, dict(yamlio.expect_mapping(doc, str(candidate))))
        if (folder / ".git").exists():
            break
    raise UsageError(
        f"{start} was not created from a golden path (no {ANSWERS_FILE} here or above it)",
        hint="run it in a repository created by platformctl new, or pass its PATH",
    )


def _golden_path_name(project: ProjectAnswers) -> str:
    embedded = project.embedded_name
    if embedded:
        return embedded
    repo_file = project.root / REPO_FILE
    if repo_file.is_file():
        try:
            data = yamlio.load_one(repo_file).data or {}
        except UsageError:
            data = {}
        value = data.get("golden_path") if isinstance(data, dict) else None
        if isinstance(value, dict):
            value = value.get("name")
        if value:
            return str(value)
    return project.src or "unknown"


# --- drift ---------------------------------------------------------------------------------------


@dataclass
class DriftStatus:
    current: str | None
    latest: str | None
    behind: bool
    changelog: list[str]
    golden_path: str
    source: str | None = None
    versioned: bool = True  # False: created from an unversioned template folder

    @property
    def message(self) -> str:
        if not self.versioned:
            return f"{self.golden_path}: created from an unversioned template, cannot be checked"
        state = f"behind, latest is {self.latest}" if self.behind else "up to date"
        return f"{self.golden_path} {self.current} ({state})"

    def to_json(self) -> dict[str, Any]:
        return {
            "golden_path": self.golden_path,
            "current": self.current,
            "latest": self.latest,
            "behind": self.behind,
            "changelog": list(self.changelog),
        }


def _unversioned(project: ProjectAnswers, name: str) -> UsageError:
    return UsageError(
        f"{project.root} was created from an unversioned copy of golden path {name}",
        hint="only repositories created from a released golden path (or a git source with tags) "
        "can be checked and updated",
    )


def check_drift(path: Path, *, golden_root: Path | None = None) -> DriftStatus:
    """Is the repository at ``path`` behind its golden path? Cheap for embedded golden paths."""
    project = read_project(path)
    name = _golden_path_name(project)
    current = versions.version_of(project.commit)
    if current is None:
        # Created from a template folder without versions (a development checkout): nothing to
        # compare with.  Not an error here, so `platformctl check` can go on; the update command
        # refuses it.
        return DriftStatus(None, None, False, [], name, project.src, versioned=False)
    embedded = project.embedded_name
    if embedded:
        history = versions.load_history(golden_root or registry_mod.embedded_root(), embedded)
        if history is None or history.latest is None:
            raise UsageError(
                f"this platformctl does not ship golden path {embedded}",
                hint="upgrade platformctl or configure the platform that provides it",
            )
        newer = history.newer_than(current)
        changelog = [f"{info.version}: {line}" for info in newer for line in info.changelog]
        return DriftStatus(
            current, history.latest.version, bool(newer), changelog, embedded, project.src
        )
    src = project.src
    if (
        not src
        or Path(src).expanduser().is_dir()
        and not (Path(src).expanduser() / ".git").exists()
    ):
        raise _unversioned(project, name)
    from platformctl.core.scaffold import engine

    tags = engine.remote_tags(src)
    if not tags:
        raise UsageError(f"golden path source {src} has no version tags")
    tags.sort(key=lambda t: versions.version_key(versions.version_of(t) or t))
    latest = versions.version_of(tags[-1])
    base = versions.version_key(current)
    newer_tags = [t for t in tags if versions.version_key(versions.version_of(t) or t) > base]
    return DriftStatus(current, latest, bool(newer_tags), [f"{t}" for t in newer_tags], name, src)


# --- update --------------------------------------------------------------------------------------


@dataclass
class UpdateResult:
    path: Path
    golden_path: str
    from_version: str | None
    to_version: str | None
    changed: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    pretend: bool = False
    up_to_date: bool = False
    # Files the new version no longer has (removed or moved, e.g. deploy/k8s -> deploy/base)
    # that the repository had changed since the golden path last wrote them: copier deletes
    # them without a conflict, so the changes must be carried over by hand.
    dropped_edits: list[str] = field(default_factory=list)


def _git(args: list[str], cwd: Path) -> str:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise EnvironmentProblem("git is not installed or not on PATH") from None
    if proc.returncode != 0:
        raise EnvironmentProblem(f"git {args[0]} failed: {proc.stderr.strip()}")
    return proc.stdout


def _status(root: Path) -> list[str]:
    out = _git(["status", "--porcelain", "--untracked-files=all", "-z"], root)
    paths: list[str] = []
    entries = out.split("\0")
    i = 0
    while i < len(entries):
        entry = entries[i]
        i += 1
        if not entry:
            continue
        status, rel = entry[:2], entry[3:]
        if "R" in status or "C" in status:
            i += 1  # the rename source follows
        paths.append(rel)
    return paths


def _dropped_edits(root: Path, project_root: Path) -> list[str]:
    """Tracked files the update deleted that were edited after the golden path last wrote them
    (the commit that last touched .copier-answers.yml: creation or the previous update)."""
    deleted = [p for p in _git(["ls-files", "--deleted", "-z"], root).split("\0") if p]
    if not deleted:
        return []
    answers = os.path.relpath(project_root / ANSWERS_FILE, root)
    base = _git(["log", "-n", "1", "--format=%H", "--", answers], root).strip()
    if not base:
        return []
    edited = _git(["diff", "--name-only", "-z", base, "HEAD", "--", *deleted], root)
    return sorted(p for p in edited.split("\0") if p)


def _conflicts(root: Path, changed: list[str]) -> list[str]:
    found: list[str] = []
    for rel in changed:
        file = root / rel
        if rel.endswith(".rej"):
            found.append(rel)
            continue
        try:
            with file.open("rb") as handle:
                if any(line.rstrip() in CONFLICT_MARKERS for line in handle):
                    found.append(rel)
        except (IsADirectoryError, FileNotFoundError, PermissionError):
            continue
    return sorted(found)


def update(
    path: Path,
    *,
    to: str | None = None,
    pretend: bool = False,
    trust: bool = False,
    interactive: bool = False,
    quiet: bool = True,
    golden_root: Path | None = None,
    data: dict[str, Any] | None = None,
) -> UpdateResult:
    """Pull the golden path's newer version into the repository at ``path`` (copier update)."""
    from platformctl.core import vcs
    from platformctl.core.scaffold import engine

    project = read_project(path)
    name = _golden_path_name(project)
    current = versions.version_of(project.commit)
    if current is None:
        raise _unversioned(project, name)
    root = vcs.repo_root(project.root)
    if root is None:
        raise UsageError(
            f"{project.root} is not a git repository", hint="updates need git to merge"
        )
    dirty = vcs.is_dirty(project.root)
    if dirty:
        shown = ", ".join(dirty[:10]) + (f" and {len(dirty) - 10} more" if len(dirty) > 10 else "")
        raise UsageError(
            f"the working tree has uncommitted changes: {shown}",
            hint="commit or stash them, then run platformctl update again",
        )

    groot = golden_root or registry_mod.embedded_root()
    rewrites = versions.git_rewrites(groot)
    embedded = project.embedded_name
    vcs_ref: str | None = to
    target: str | None = versions.version_of(to) if to else None
    unsafe = trust
    if embedded:
        history = versions.load_history(groot, embedded)
        if history is None or history.latest is None:
            raise UsageError(
                f"this platformctl does not ship golden path {embedded}",
                hint="upgrade platformctl or configure the platform that provides it",
            )
        info = history.find(to) if to else history.latest
        if info is None:
            known = ", ".join(v.version for v in history.versions)
            raise UsageError(
                f"golden path {embedded} has no version {to!r}", hint=f"available: {known}"
            )
        if versions.version_key(info.version) < versions.version_key(current):
            raise UsageError(
                f"{info.version} is older than the current version {current}: "
                "downgrades are not supported"
            )
        vcs_ref, target = info.tag, info.version
        unsafe = True
        if info.version == current:
            return UpdateResult(
                project.root, name, current, current, pretend=pretend, up_to_date=True
            )

    if pretend:
        return _pretend(
            project, name, current, target, vcs_ref, unsafe, quiet, rewrites, interactive, data
        )

    from platformctl.core.scaffold.create import _interruptible

    try:
        with _interruptible():
            engine.update(
                project.root,
                vcs_ref=vcs_ref,
                data=data,
                defaults=not interactive,
                unsafe=unsafe,
                quiet=quiet,
                rewrites=rewrites,
            )
    except KeyboardInterrupt:
        _rollback(root, project.root)
        raise Interrupted("interrupted: the update was rolled back") from None
    except BaseException:
        # The tree was clean before (checked above): put it back exactly as it was.
        _rollback(root, project.root)
        raise
    after = read_project(project.root)
    changed = _status(root)
    return UpdateResult(
        project.root,
        name,
        current,
        versions.version_of(after.commit),
        changed=changed,
        conflicts=_conflicts(root, changed),
        up_to_date=not changed,
        dropped_edits=_dropped_edits(root, project.root),
    )


def _rollback(root: Path, project_root: Path) -> None:
    """Undo a failed or interrupted update (the working tree was clean before it started)."""
    from platformctl.core.scaffold.create import _shielded

    with _shielded():
        try:
            rel = os.path.relpath(project_root, root)
            _git(["reset", "-q", "--hard", "HEAD"], root)
            _git(["clean", "-q", "-f", "-d", "--", rel], root)
        except EnvironmentProblem:
            pass


def _pretend(
    project: ProjectAnswers,
    name: str,
    current: str,
    target: str | None,
    vcs_ref: str | None,
    unsafe: bool,
    quiet: bool,
    rewrites: dict[str, str],
    interactive: bool,
    data: dict[str, Any] | None = None,
) -> UpdateResult:
    """Run the real update in a throw-away clone and report what it changed."""
    from platformctl.core import vcs
    from platformctl.core.scaffold import engine

    root = vcs.repo_root(project.root)
    assert root is not None
    sub = project.root.resolve().relative_to(root.resolve())
    with tempfile.TemporaryDirectory(prefix="platformctl-update-") as tmp:
        clone = Path(tmp) / root.name
        _git(["clone", "-q", "--no-hardlinks", str(root), str(clone)], Path(tmp))
        engine.update(
            clone / sub,
            vcs_ref=vcs_ref,
            data=data,
            defaults=not interactive,
            unsafe=unsafe,
            quiet=quiet,
            rewrites=rewrites,
        )
        after = read_project(clone / sub)
        changed = _status(clone)
        conflicts = _conflicts(clone, changed)
        dropped = _dropped_edits(clone, clone / sub)
        shutil.rmtree(clone, ignore_errors=True)
    return UpdateResult(
        project.root,
        name,
        current,
        versions.version_of(after.commit) or target,
        changed=changed,
        conflicts=conflicts,
        pretend=True,
        up_to_date=not changed,
        dropped_edits=dropped,
    )
