"""``fleet update``: roll a golden path's newer version out to the repositories behind it.

Two passes, each one plain function per repository over the worker pool:

1. ``survey``: where is each repository (golden path, version, behind?), so the selection
   (``--only OWNER``, ``--canary N``, ``--max N``) is made on facts, before anything changes;
2. ``update_one``: ``platformctl update`` (``core.scaffold.update.update``) on a new branch,
   commit, optionally push.  A dry run runs the real update in a throw-away clone
   (``pretend``) and writes nothing.  A conflict is reported with its files and rolled back:
   no ``.rej`` or conflict markers stay behind; the branch is deleted.  A repository with local
   changes is skipped with the files named.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from platformctl.core.fleet.inventory import RepoEntry
from platformctl.core.fleet.runner import Outcome, checkout

UPDATED, WOULD_UPDATE, CONFLICT, SKIPPED = "updated", "would-update", "conflict", "skipped"
BRANCH_PREFIX = "platformctl/update-"


def _base(entry: RepoEntry) -> dict[str, Any]:
    return {
        "repository": entry.name,
        "url": entry.url,
        "owner": entry.owner,
        "origin": entry.origin,
    }


def survey(entry: RepoEntry, *, cache: str | None = None) -> dict[str, Any]:
    """Golden path, version and whether the repository is behind (no changes made)."""
    from platformctl.core import vcs
    from platformctl.core.fleet.status import golden_path_facts

    path = checkout(entry, cache=Path(cache) if cache else None)
    facts = golden_path_facts(path)
    owner = entry.owner or facts.pop("answers_owner", None)
    facts.pop("answers_owner", None)
    dirty = vcs.porcelain_status(path) if entry.local else []
    return {**_base(entry), **facts, "owner": owner, "dirty": dirty}


def skip_reason(rec: dict[str, Any]) -> str | None:
    """Why a surveyed repository is not updated (None: it is a candidate)."""
    if not rec.get("golden_path"):
        return "not created from a golden path"
    if not rec.get("versioned"):
        return "created from an unversioned golden path: nothing to update from"
    if not rec.get("versions_behind"):
        return f"up to date ({rec['golden_path']} {rec.get('version')})"
    if rec.get("dirty"):
        files = rec["dirty"]
        shown = ", ".join(files[:5]) + (f" and {len(files) - 5} more" if len(files) > 5 else "")
        return f"uncommitted changes: {shown}"
    return None


def compare_url(remote: str | None, base: str, branch: str) -> str | None:
    """The forge's compare page for the pushed branch (GitHub, GitLab), when the remote is one."""
    if not remote:
        return None
    import re

    match = re.match(r"^(?:https://|ssh://git@|git@)([^/:]+)[/:](.+?)(?:\.git)?/?$", remote)
    if not match:
        return None
    host, project = match.groups()
    if "gitlab" in host:
        return f"https://{host}/{project}/-/compare/{base}...{branch}"
    if "github" in host:
        return f"https://{host}/{project}/compare/{base}...{branch}?expand=1"
    return None


def update_one(
    entry: RepoEntry,
    *,
    cache: str | None = None,
    to: str | None = None,
    dry_run: bool = True,
    push: bool = False,
    branch: str | None = None,
) -> dict[str, Any]:
    """Update one repository on a branch (see the module docstring)."""
    from platformctl.core import vcs
    from platformctl.core.scaffold import update as update_mod

    path = checkout(entry, cache=Path(cache) if cache else None, full=not entry.local)
    if entry.local and not dry_run:
        dirty = vcs.porcelain_status(path)
        if dirty:
            return {
                **_base(entry),
                "result": SKIPPED,
                "reason": f"uncommitted changes: {', '.join(dirty[:5])}",
            }
    if dry_run:
        res = update_mod.update(path, to=to, pretend=True)
        return {
            **_base(entry),
            "result": SKIPPED if res.up_to_date else (CONFLICT if res.conflicts else WOULD_UPDATE),
            "golden_path": res.golden_path,
            "from_version": res.from_version,
            "to_version": res.to_version,
            "changed": sorted(res.changed),
            "conflicts": res.conflicts,
            "dropped_edits": res.dropped_edits,
            "reason": "up to date" if res.up_to_date else None,
        }
    # (a cached clone was fetched with full history: the 3-way merge reads it)
    drift = update_mod.check_drift(path)
    target = to or drift.latest or "latest"
    new_branch = branch or f"{BRANCH_PREFIX}{drift.golden_path}-{target}"
    previous = vcs.start_branch(path, new_branch)
    try:
        res = update_mod.update(path, to=to)
    except BaseException:
        vcs.switch_back(path, previous, delete=new_branch)
        raise
    record: dict[str, Any] = {
        **_base(entry),
        "golden_path": res.golden_path,
        "from_version": res.from_version,
        "to_version": res.to_version,
        "changed": sorted(res.changed),
        "conflicts": res.conflicts,
        "dropped_edits": res.dropped_edits,
        "branch": new_branch,
        "base": previous,
    }
    if res.up_to_date:
        vcs.switch_back(path, previous, delete=new_branch)
        return {**record, "result": SKIPPED, "reason": "up to date", "branch": None}
    if res.conflicts:
        vcs.switch_back(path, previous, delete=new_branch)
        return {
            **record,
            "result": CONFLICT,
            "branch": None,
            "reason": f"conflicts in {', '.join(res.conflicts)}: update it by hand "
            "(platformctl update in the repository)",
        }
    message = (
        f"Update golden path {res.golden_path} {res.from_version} -> {res.to_version}\n\n"
        "Pulled in by platformctl fleet update (copier update, 3-way merge)."
    )
    record["commit"] = vcs.commit_all(path, message)
    record["pushed"] = False
    remote = vcs.remote_url(path)
    if push:
        if not remote:
            vcs.switch_back(path, previous)
            return {
                **record,
                "result": UPDATED,
                "reason": "committed; not pushed: the repository has no origin remote",
            }
        vcs.push_branch(path, new_branch)
        record["pushed"] = True
        record["compare_url"] = compare_url(remote, previous, new_branch)
    vcs.switch_back(path, previous)
    return {**record, "result": UPDATED, "reason": None}


def select(
    surveyed: list[dict[str, Any]],
    *,
    only: str | None = None,
    canary: int | None = None,
    maximum: int | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """(chosen, skipped with reasons, candidates left for a later wave)."""
    from platformctl.core.fleet.inventory import _same_ref

    chosen: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    later: list[dict[str, Any]] = []
    limit = min(x for x in (canary, maximum) if x is not None) if (canary or maximum) else None
    for rec in surveyed:
        if only and not _same_ref(str(rec.get("owner") or ""), only):
            continue
        reason = skip_reason(rec)
        if reason:
            skipped.append(
                {
                    **{k: rec.get(k) for k in ("repository", "url", "owner", "origin")},
                    "result": SKIPPED,
                    "reason": reason,
                    "golden_path": rec.get("golden_path"),
                    "from_version": rec.get("version"),
                }
            )
        elif limit is not None and len(chosen) >= limit:
            later.append(rec)
        else:
            chosen.append(rec)
    return chosen, skipped, later


def records(outcomes: list[Outcome]) -> list[dict[str, Any]]:
    out = []
    for outcome in outcomes:
        if outcome.ok and outcome.data is not None:
            out.append(outcome.data)
        else:
            out.append({**_base(outcome.entry), "result": "failed", "reason": outcome.error})
    return out


def run_update(
    entries: list[RepoEntry],
    *,
    workers: int = 1,
    cache: Path | None = None,
    to: str | None = None,
    dry_run: bool = True,
    push: bool = False,
    only: str | None = None,
    canary: int | None = None,
    maximum: int | None = None,
    progress: Any = None,
    previous: list[dict[str, Any]] | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """Survey, select, update.  Returns the per-repository records (in inventory order) and
    how many behind repositories were left for a later wave.  ``previous`` (``--resume``):
    repositories already updated there are not touched again and keep their record."""
    from platformctl.core.fleet import runner

    cache_opt = {"cache": str(cache) if cache else None}
    done = {r["url"]: r for r in previous or [] if r.get("result") == UPDATED}
    todo = [e for e in entries if e.url not in done]
    def survey_failed(outcome: Outcome) -> None:
        if progress is not None and not outcome.ok:
            progress(outcome)  # repositories that cannot even be read are reported as they fail

    surveyed_outcomes = runner.run(
        todo, survey, workers=workers, options=cache_opt, progress=survey_failed
    )
    failed = [o for o in surveyed_outcomes if not o.ok]
    surveyed = [o.data for o in surveyed_outcomes if o.ok and o.data is not None]
    chosen, skipped, later = select(surveyed, only=only, canary=canary, maximum=maximum)
    by_url = {e.url: e for e in entries}
    outcomes = runner.run(
        [by_url[r["url"]] for r in chosen],
        update_one,
        workers=workers,
        options={**cache_opt, "to": to, "dry_run": dry_run, "push": push},
        progress=progress,
    )
    owners = {r["url"]: r.get("owner") for r in surveyed}
    updated = [{**r, "owner": r.get("owner") or owners.get(r["url"])} for r in records(outcomes)]
    recs = {r["url"]: r for r in [*records(failed), *skipped, *updated]}
    recs.update({u: r for u, r in done.items() if u in by_url})
    return [recs[e.url] for e in entries if e.url in recs], len(later)
