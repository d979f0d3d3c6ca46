"""``fleet status`` / ``fleet check``: one repository's golden path, version and scores, and the
organisation summary computed from the per-repository records (a pure function, so partial
results from shards merge into the same summary a single run computes).

A record is plain JSON data (what ``--format json`` writes under ``repositories``)::

    {repository, url, owner, origin, golden_path, version, latest, versions_behind, versioned,
     scorecards: {id: {score, level, status, levels}}, failing_rules, check_passed,
     last_commit, error}

``error`` is set (and the other facts are missing) for a repository that could not be read.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from platformctl.core.errors import UsageError
from platformctl.core.fleet.inventory import RepoEntry
from platformctl.core.fleet.runner import Outcome, checkout

BASELINE_FILE = ".platformctl-baseline.json"
SCORE_BUCKETS = [f"{low}-{low + 9}" for low in range(0, 100, 10)] + ["100"]
TOP = 10


def golden_path_facts(path: Path, golden_root: Path | None = None) -> dict[str, Any]:
    """Golden path, version, latest and how many released versions it is behind."""
    from platformctl.core.scaffold import registry as registry_mod
    from platformctl.core.scaffold import update as update_mod
    from platformctl.core.scaffold import versions

    empty = {
        "golden_path": None,
        "version": None,
        "latest": None,
        "versions_behind": None,
        "versioned": False,
    }
    try:
        project = update_mod.read_project(path)
    except UsageError:
        return empty  # not created from a golden path
    drift = update_mod.check_drift(path, golden_root=golden_root)
    behind: int | None = None
    if drift.versioned:
        name = project.embedded_name
        if name:
            history = versions.load_history(golden_root or registry_mod.embedded_root(), name)
            behind = len(history.newer_than(drift.current)) if history else None
        else:
            behind = len(drift.changelog)  # the source's newer tags
    return {
        "golden_path": drift.golden_path,
        "version": drift.current,
        "latest": drift.latest,
        "versions_behind": behind,
        "versioned": drift.versioned,
        "answers_owner": project.data.get("owner"),
    }


def repo_status(entry: RepoEntry, *, cache: str | None = None) -> dict[str, Any]:
    """The per-repository function of ``fleet status`` and ``fleet check``."""
    from platformctl.core import config as config_mod
    from platformctl.core import vcs
    from platformctl.core.compliance import baseline as baseline_mod
    from platformctl.core.compliance import scoring
    from platformctl.core.compliance.scoring import ERROR, FAIL

    path = checkout(entry, cache=Path(cache) if cache else None)
    facts = golden_path_facts(path)
    answers_owner = facts.pop("answers_owner", None)
    cfg = config_mod.load(cwd=path)
    root = Path(cfg.repo_root) if cfg.repo_root is not None else path.resolve()
    result = scoring.run(root=root, config=cfg)
    baseline = root / BASELINE_FILE
    if baseline.is_file():
        scoring.apply_baseline(result.findings, baseline_mod.read(baseline), baseline.name)
    owner = entry.owner or answers_owner
    if owner is None:
        entity = result.facts.entity()
        spec = (getattr(entity, "data", None) or {}).get("spec") if entity else None
        owner = spec.get("owner") if isinstance(spec, dict) else None
    failing = sorted(
        r.rule.full_id
        for card in result.scorecards
        for r in card.results
        if r.state in (FAIL, ERROR)
    )
    stamp = vcs.last_commit_time(path)
    return {
        **_identity(entry),
        "owner": str(owner) if owner else None,
        **facts,
        "scorecards": {
            card.scorecard.id: {
                "score": card.score,
                "level": card.level,
                "status": card.status,
                "levels": list(card.scorecard.levels),
            }
            for card in result.scorecards
        },
        "failing_rules": failing,
        "check_passed": not scoring.failed(result),
        "last_commit": datetime.fromtimestamp(stamp, UTC).isoformat() if stamp else None,
        "error": None,
    }


def _identity(entry: RepoEntry) -> dict[str, Any]:
    return {
        "repository": entry.name,
        "url": entry.url,
        "owner": entry.owner,
        "origin": entry.origin,
    }


def records(outcomes: list[Outcome]) -> list[dict[str, Any]]:
    """Outcomes as records (a failed repository keeps its identity and the error)."""
    out = []
    for outcome in outcomes:
        if outcome.ok and outcome.data is not None:
            out.append(outcome.data)
        else:
            out.append({**_identity(outcome.entry), "error": outcome.error})
    return out


def _level_rank(level: str | None, levels: list[str]) -> int:
    return levels.index(level) if level in levels else -1


def summarize(recs: list[dict[str, Any]]) -> dict[str, Any]:
    """The organisation's picture from per-repository records."""
    ok = [r for r in recs if not r.get("error")]
    failed = [r for r in recs if r.get("error")]
    adopted = [r for r in ok if r.get("golden_path")]
    golden_paths: dict[str, dict[str, Any]] = {}
    for rec in adopted:
        gp = golden_paths.setdefault(
            rec["golden_path"],
            {
                "repositories": 0,
                "latest": rec.get("latest"),
                "up_to_date": 0,
                "behind": 0,
                "unversioned": 0,
                "versions": Counter(),
            },
        )
        gp["repositories"] += 1
        if not rec.get("versioned"):
            gp["unversioned"] += 1
            gp["versions"]["unversioned"] += 1
            continue
        gp["versions"][rec.get("version") or "unknown"] += 1
        if rec.get("versions_behind"):
            gp["behind"] += 1
        else:
            gp["up_to_date"] += 1
    from platformctl.core.scaffold.versions import version_key

    for gp in golden_paths.values():
        gp["versions"] = dict(sorted(gp["versions"].items(), key=lambda kv: version_key(kv[0])))

    cards: dict[str, dict[str, Any]] = {}
    for rec in ok:
        for card_id, card in (rec.get("scorecards") or {}).items():
            entry = cards.setdefault(
                card_id,
                {
                    "repositories": 0,
                    "scores": [],
                    "levels": Counter(),
                    "histogram": dict.fromkeys(SCORE_BUCKETS, 0),
                    "below_silver": [],
                },
            )
            entry["repositories"] += 1
            score = int(card["score"])
            entry["scores"].append(score)
            entry["levels"][card.get("level") or "none"] += 1
            bucket = "100" if score >= 100 else SCORE_BUCKETS[max(0, score) // 10]
            entry["histogram"][bucket] += 1
            levels = list(card.get("levels") or [])
            if "silver" in levels and _level_rank(card.get("level"), levels) < levels.index(
                "silver"
            ):
                entry["below_silver"].append(rec["repository"])
    for entry in cards.values():
        scores = entry.pop("scores")
        entry["mean_score"] = round(sum(scores) / len(scores), 1) if scores else None
        entry["levels"] = dict(sorted(entry["levels"].items()))
        entry["below_silver"] = sorted(entry["below_silver"])

    rule_counts = Counter(rule for rec in ok for rule in rec.get("failing_rules") or [])
    debt: dict[str, dict[str, Any]] = {}
    for rec in ok:
        owner = rec.get("owner") or "(no owner)"
        entry = debt.setdefault(
            owner, {"repositories": 0, "failing_rules": 0, "versions_behind": 0, "debt": 0}
        )
        entry["repositories"] += 1
        entry["failing_rules"] += len(rec.get("failing_rules") or [])
        entry["versions_behind"] += int(rec.get("versions_behind") or 0)
        entry["debt"] = entry["failing_rules"] + entry["versions_behind"]
    owners = sorted(debt.items(), key=lambda kv: (-kv[1]["debt"], kv[0]))
    return {
        "repositories": len(recs),
        "analysed": len(ok),
        "failed": len(failed),
        "adopted": len(adopted),
        "adoption_ratio": round(len(adopted) / len(ok), 4) if ok else None,
        "behind": sum(1 for r in adopted if r.get("versions_behind")),
        "check_failed": sum(1 for r in ok if r.get("check_passed") is False),
        "golden_paths": dict(sorted(golden_paths.items())),
        "scorecards": dict(sorted(cards.items())),
        "top_failing_rules": [
            {"rule": rule, "repositories": count}
            for rule, count in sorted(rule_counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
        ],
        "owners_by_debt": [
            {"owner": owner, **entry} for owner, entry in owners[:TOP] if entry["debt"] > 0
        ],
        "errors": [
            {"repository": r["repository"], "url": r["url"], "error": r["error"]} for r in failed
        ],
    }


def order(recs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The one order of records in every report (so merged shards equal a single run)."""
    return sorted(recs, key=lambda r: (str(r.get("repository")), str(r.get("url"))))


def run_status(
    entries: list[RepoEntry],
    *,
    workers: int = 1,
    cache: Path | None = None,
    progress: Any = None,
    previous: list[dict[str, Any]] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Status of every repository (failures recorded, not raised) and the summary.
    ``previous`` records (``--resume``) are kept for repositories they read successfully."""
    from platformctl.core.compliance import registry
    from platformctl.core.fleet import runner

    registry.ensure_loaded()  # once, before the workers fork
    done = {r["url"]: r for r in previous or [] if not r.get("error")}
    todo = [e for e in entries if e.url not in done]
    outcomes = runner.run(
        todo,
        repo_status,
        workers=workers,
        options={"cache": str(cache) if cache else None},
        progress=progress,
    )
    wanted = {e.url for e in entries}
    recs = order([*(r for u, r in done.items() if u in wanted), *records(outcomes)])
    return recs, summarize(recs)
