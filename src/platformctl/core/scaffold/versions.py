"""Version history of the golden paths shipped inside platformctl (docs/golden-paths/versioning.md).

Each embedded golden path ``golden_paths/<name>/`` has a release history: a git bundle
``golden_paths/_history/<name>.bundle`` whose commits are snapshots of that folder, tagged
``v<version>`` (``v1.0.0``, ``v1.1.0``, ...), plus ``golden_paths/_history/history.json`` with
each version's content digest and changelog lines.  Both ship in the wheel, so a machine that
only ever installed release N+1 still has every older snapshot and ``copier update`` can do its
3-way merge from the version a repository was created with.

Copier is handed the symbolic source ``git+platformctl:golden-paths/<name>`` and git rewrites it
(``url.<bundle>.insteadOf``, set through ``GIT_CONFIG_*`` variables for copier's git calls only) to
this installation's bundle.  The symbolic source is what lands in ``.copier-answers.yml``
(``_src_path``), so it is the same on every machine and across releases.

Nothing here imports copier or GitPython: drift checks (``platformctl check``) read
``history.json`` only.  Building the history (``scripts/golden_history.py``) runs ``git``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformctl.core.errors import EnvironmentProblem, UsageError
from platformctl.core.scaffold import shared

SCHEME = "platformctl:golden-paths/"
SYMBOLIC_PREFIX = "git+" + SCHEME
HISTORY_DIRNAME = "_history"
MANIFEST = "history.json"
MANIFEST_FORMAT = 1
# Deterministic snapshots: same content and versions -> same commits and tags.
_EPOCH = 1_700_000_000
_IDENTITY = {
    "GIT_AUTHOR_NAME": "platformctl golden paths",
    "GIT_AUTHOR_EMAIL": "golden-paths@platformctl.invalid",
    "GIT_COMMITTER_NAME": "platformctl golden paths",
    "GIT_COMMITTER_EMAIL": "golden-paths@platformctl.invalid",
}


def symbolic_source(name: str) -> str:
    """The copier source recorded in ``_src_path`` for an embedded golden path."""
    return SYMBOLIC_PREFIX + name


def name_from_source(src: str | None) -> str | None:
    """``git+platformctl:golden-paths/python-service`` -> ``python-service`` (else None)."""
    if not src:
        return None
    for prefix in (SYMBOLIC_PREFIX, SCHEME):
        if src.startswith(prefix):
            return src[len(prefix) :].strip("/") or None
    return None


def tag_for(version: str) -> str:
    return version if version.startswith("v") else f"v{version}"


def version_of(tag: str | None) -> str | None:
    """``v1.2.0`` -> ``1.2.0``; ``v1.2.0-3-gabc`` (git describe) -> ``1.2.0+3``."""
    if not tag:
        return None
    text = tag[1:] if tag[:1] in "vV" else tag
    match = re.fullmatch(r"(.+?)-(\d+)-g[0-9a-f]+", text)
    if match:
        return f"{match.group(1)}+{match.group(2)}"
    return text


def version_key(version: str) -> tuple[Any, ...]:
    """Sort key for versions (PEP 440 when it parses, else a natural sort)."""
    try:
        from packaging.version import Version

        return (0, Version(version.lstrip("vV")))
    except Exception:  # noqa: BLE001 - non-PEP 440 tags still sort, after the valid ones
        parts = re.split(r"(\d+)", version)
        return (1, tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts))


def template_digest(folder: Path) -> str:
    """Content digest of a golden path's composed template (its folder plus the shared pieces
    it includes, see ``shared``): relative paths, exec bits and bytes."""
    return shared.digest(shared.composed_entries(folder))


@dataclass
class VersionInfo:
    version: str
    tag: str
    digest: str
    changelog: list[str] = field(default_factory=list)


@dataclass
class History:
    """The shipped history of one embedded golden path."""

    name: str
    bundle: Path
    versions: list[VersionInfo]

    @property
    def latest(self) -> VersionInfo | None:
        return self.versions[-1] if self.versions else None

    def find(self, version: str | None) -> VersionInfo | None:
        if version is None:
            return None
        wanted = version_of(version) or version
        for info in self.versions:
            if info.version == wanted or info.tag == version:
                return info
        return None

    def newer_than(self, version: str | None) -> list[VersionInfo]:
        if version is None:
            return list(self.versions)
        base = version_key(version_of(version) or version)
        return [v for v in self.versions if version_key(v.version) > base]


def history_dir(golden_root: Path) -> Path:
    return golden_root / HISTORY_DIRNAME


def _read_manifest(golden_root: Path) -> dict[str, Any]:
    path = history_dir(golden_root) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read golden path history {path}: {exc}") from None
    return data if isinstance(data, dict) else {}


def load_history(golden_root: Path, name: str) -> History | None:
    """The shipped history of ``name`` or None when it has none (never built)."""
    entry = (_read_manifest(golden_root).get("golden_paths") or {}).get(name)
    bundle = history_dir(golden_root) / f"{name}.bundle"
    if not entry or not bundle.is_file():
        return None
    versions = [
        VersionInfo(
            str(v["version"]),
            str(v["tag"]),
            str(v.get("digest", "")),
            list(v.get("changelog") or []),
        )
        for v in entry.get("versions") or []
    ]
    return History(name, bundle, versions)


def git_rewrites(golden_root: Path) -> dict[str, str]:
    """``url.<bundle>.insteadOf`` pairs mapping each symbolic source to this install's bundle."""
    data = _read_manifest(golden_root).get("golden_paths") or {}
    rewrites: dict[str, str] = {}
    for name in data:
        bundle = history_dir(golden_root) / f"{name}.bundle"
        if bundle.is_file():
            rewrites[SCHEME + name] = str(bundle.resolve())
    return rewrites


# --- building the history (maintainer side: scripts/golden_history.py) -----------------------


@dataclass
class BuildResult:
    name: str
    version: str
    action: str  # "unchanged", "created", "appended", "replaced"
    bundle: Path
    versions: list[str]
    warnings: list[str] = field(default_factory=list)


def _git(*args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    try:
        proc = subprocess.run(
            ["git", *args],
            cwd=cwd,
            env={**os.environ, **_IDENTITY, **(env or {})},
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        raise EnvironmentProblem("git is not installed or not on PATH") from None
    if proc.returncode != 0:
        raise EnvironmentProblem(
            f"git {args[0]} failed: {proc.stderr.strip() or proc.stdout.strip()}"
        )
    return proc.stdout.strip()


def read_changelog(folder: Path, version: str) -> list[str]:
    """Lines of the ``## <version>`` section of ``<golden path>/CHANGELOG.md`` (if any)."""
    path = folder / "CHANGELOG.md"
    if not path.is_file():
        return []
    lines: list[str] = []
    inside = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            heading = (
                line[3:].strip().lstrip("[").split("]")[0].split()[0] if line[3:].strip() else ""
            )
            inside = heading.lstrip("vV") == version.lstrip("vV")
            continue
        if inside and line.strip():
            lines.append(line.strip().lstrip("-* ").strip())
    return [line for line in lines if line]


def build_history(
    name: str,
    template_dir: Path,
    golden_root: Path,
    version: str,
    *,
    changelog: list[str] | None = None,
) -> BuildResult:
    """Make the history of ``name`` end with a snapshot of ``template_dir`` tagged ``v<version>``.

    Idempotent: when the latest snapshot already has this content and version, nothing changes.
    When ``version`` is newer than the latest tag, a commit is appended.  When it equals the
    latest tag but the content changed (the version was not bumped), that snapshot is replaced
    and a warning says so: only do that before the version is released.
    """
    version = version.lstrip("vV")
    tag = tag_for(version)
    hdir = history_dir(golden_root)
    bundle = hdir / f"{name}.bundle"
    manifest = _read_manifest(golden_root)
    entries = manifest.setdefault("golden_paths", {})
    entry = entries.get(name) or {"versions": []}
    known = {str(v["version"]): v for v in entry.get("versions") or []}
    digest = template_digest(template_dir)  # also validates the shared pieces it includes
    lines = list(changelog or []) or read_changelog(template_dir, version) or [f"{name} {version}"]
    warnings: list[str] = []

    with tempfile.TemporaryDirectory(prefix="platformctl-history-") as tmp:
        work = Path(tmp) / "repo"
        work.mkdir()
        _git("init", "-q", "-b", "main", cwd=work)
        tags: list[str] = []
        if bundle.is_file():
            _git(
                "fetch",
                "-q",
                "--update-head-ok",
                str(bundle.resolve()),
                "+refs/heads/*:refs/heads/*",
                "+refs/tags/*:refs/tags/*",
                cwd=work,
            )
            tags = [t for t in _git("tag", "--list", cwd=work).splitlines() if t]
        tags.sort(key=lambda t: version_key(version_of(t) or t))
        latest_tag = tags[-1] if tags else None
        latest_version = version_of(latest_tag)

        if latest_tag and version_key(version) < version_key(latest_version or ""):
            raise UsageError(
                f"{name}: version {version} is older than the latest snapshot {latest_tag}",
                hint="bump 'version' in golden_paths/index.yaml above the latest released version",
            )
        same_version = latest_version == version
        if latest_tag and known.get(version, {}).get("digest") == digest and same_version:
            return BuildResult(
                name, version, "unchanged", bundle, [str(v) for v in known], warnings
            )

        parent: str | None = None
        if latest_tag:
            parent = _git("rev-parse", f"{latest_tag}^{{commit}}", cwd=work)
            if same_version:
                parents = _git("rev-list", "--parents", "-n", "1", parent, cwd=work).split()[1:]
                parent = parents[0] if parents else None
                warnings.append(
                    f"{name}: replaced snapshot {tag} (content changed, version not bumped); "
                    "if that version was already released, bump 'version' in index.yaml instead"
                )
        # Work tree = exactly the template folder.
        if parent:
            _git("reset", "-q", "--hard", parent, cwd=work)
        elif latest_tag:  # replacing the only snapshot: start again from an empty history
            _git("update-ref", "-d", "refs/heads/main", cwd=work)
            _git("read-tree", "--empty", cwd=work)
        for child in work.iterdir():
            if child.name != ".git":
                shutil.rmtree(
                    child
                ) if child.is_dir() and not child.is_symlink() else child.unlink()
        # The snapshot is the composed template: the folder plus its shared pieces.
        shared.materialize(template_dir, work)
        _git("add", "--all", "--force", ".", cwd=work)
        count = len(_git("rev-list", parent, cwd=work).split()) if parent else 0
        stamp = f"@{_EPOCH + 86400 * (count + 1)} +0000"
        message = "\n".join([f"{name} {version}", "", *[f"- {line}" for line in lines]])
        _git(
            "commit",
            "-q",
            "--allow-empty",
            "--no-verify",
            "-m",
            message,
            cwd=work,
            env={"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp},
        )
        _git("tag", "-f", tag, cwd=work)
        hdir.mkdir(parents=True, exist_ok=True)
        new_bundle = Path(tmp) / "out.bundle"
        _git("bundle", "create", "-q", str(new_bundle), "HEAD", "main", "--tags", cwd=work)
        shutil.move(str(new_bundle), str(bundle))

    action = "created" if not latest_tag else ("replaced" if same_version else "appended")
    known[version] = {"version": version, "tag": tag, "digest": digest, "changelog": lines}
    ordered = sorted(known.values(), key=lambda v: version_key(str(v["version"])))
    entries[name] = {"versions": ordered}
    manifest["format"] = MANIFEST_FORMAT
    manifest["golden_paths"] = dict(sorted(entries.items()))
    target = hdir / MANIFEST
    tmp_manifest = target.with_suffix(".json.tmp")
    tmp_manifest.write_text(
        json.dumps(manifest, indent=2, sort_keys=False) + "\n", encoding="utf-8"
    )
    os.replace(tmp_manifest, target)
    return BuildResult(
        name, version, action, bundle, [str(v["version"]) for v in ordered], warnings
    )
