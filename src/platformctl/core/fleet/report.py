"""Fleet results as a ``ReportDoc`` for the shared writers (core/reports.py): text, json, csv,
markdown, prometheus and html (with charts: adoption, versions, scores, failing rules)."""

from __future__ import annotations

from typing import Any

from platformctl.core.reports import Chart, ReportDoc, Sample, Table

KIND_STATUS = "fleet-status"
KIND_UPDATE = "fleet-update"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def status_doc(
    recs: list[dict[str, Any]],
    summary: dict[str, Any],
    *,
    command: str = "fleet status",
    meta: dict[str, Any] | None = None,
) -> ReportDoc:
    headline = [
        f"{summary['adopted']} of {summary['analysed']} repositories on a golden path "
        f"({_pct(summary['adoption_ratio'])}); {summary['behind']} behind; "
        f"{summary['check_failed']} failing check",
    ]
    if summary["failed"]:
        headline.append(
            f"{summary['failed']} of {summary['repositories']} repositories could not be read "
            "(listed under 'Repositories not analysed')"
        )
    tables = [
        Table(
            "Golden paths",
            ["golden path", "repositories", "latest", "up to date", "behind", "versions"],
            [
                [
                    name,
                    gp["repositories"],
                    gp["latest"],
                    gp["up_to_date"],
                    gp["behind"],
                    ", ".join(f"{v}: {n}" for v, n in gp["versions"].items()),
                ]
                for name, gp in summary["golden_paths"].items()
            ],
            note=f"adoption: {_pct(summary['adoption_ratio'])} of the repositories analysed",
        ),
        Table(
            "Scorecards",
            ["scorecard", "repositories", "mean score", "levels", "below silver"],
            [
                [
                    card_id,
                    card["repositories"],
                    card["mean_score"],
                    ", ".join(f"{lv}: {n}" for lv, n in card["levels"].items()),
                    ", ".join(card["below_silver"]) or "—",
                ]
                for card_id, card in summary["scorecards"].items()
            ],
        ),
        Table(
            "Rules failing most",
            ["rule", "repositories"],
            [[r["rule"], r["repositories"]] for r in summary["top_failing_rules"]],
        ),
        Table(
            "Owners with the most debt",
            ["owner", "repositories", "failing rules", "versions behind", "debt"],
            [
                [o["owner"], o["repositories"], o["failing_rules"], o["versions_behind"], o["debt"]]
                for o in summary["owners_by_debt"]
            ],
            note="debt = failing rules + released golden-path versions behind",
        ),
    ]
    ok = [r for r in recs if not r.get("error")]
    details = [
        Table(
            "Repositories",
            [
                "repository",
                "owner",
                "golden path",
                "version",
                "behind",
                "scores",
                "failing rules",
                "last commit",
            ],
            [
                [
                    r["repository"],
                    r.get("owner"),
                    r.get("golden_path"),
                    r.get("version") or ("unversioned" if r.get("golden_path") else None),
                    r.get("versions_behind"),
                    ", ".join(
                        f"{cid} {c['score']} ({c.get('level') or 'none'})"
                        for cid, c in (r.get("scorecards") or {}).items()
                    ),
                    len(r.get("failing_rules") or []),
                    (r.get("last_commit") or "")[:10] or None,
                ]
                for r in ok
            ],
        )
    ]
    if summary["errors"]:
        details.append(
            Table(
                "Repositories not analysed",
                ["repository", "url", "reason"],
                [[e["repository"], e["url"], e["error"]] for e in summary["errors"]],
            )
        )
    csv = Table(
        "fleet",
        [
            "repository",
            "url",
            "owner",
            "golden_path",
            "version",
            "latest",
            "versions_behind",
            "scorecard",
            "score",
            "level",
            "failing_rules",
            "last_commit",
            "error",
        ],
        [],
    )
    for r in recs:
        base = [
            r["repository"],
            r["url"],
            r.get("owner"),
            r.get("golden_path"),
            r.get("version"),
            r.get("latest"),
            r.get("versions_behind"),
        ]
        cards = r.get("scorecards") or {}
        failing = r.get("failing_rules") or []
        if not cards:
            csv.rows.append(
                [
                    *base,
                    None,
                    None,
                    None,
                    len(failing) if not r.get("error") else None,
                    r.get("last_commit"),
                    r.get("error"),
                ]
            )
        for card_id, card in cards.items():
            mine = [f for f in failing if f.startswith(f"check/{card_id}/")]
            csv.rows.append(
                [
                    *base,
                    card_id,
                    card["score"],
                    card.get("level"),
                    len(mine),
                    r.get("last_commit"),
                    None,
                ]
            )
    data = {"summary": summary, "repositories": recs, **(meta or {})}
    return ReportDoc(
        kind=KIND_STATUS,
        command=command,
        title="Fleet status",
        headline=headline,
        data=data,
        tables=tables,
        details=details,
        csv=csv,
        samples=_samples(recs, summary),
        charts=_charts(summary),
        charts_heading="Organisation",
    )


def _samples(recs: list[dict[str, Any]], summary: dict[str, Any]) -> list[Sample]:
    out = [
        Sample(
            "platform_fleet_repositories",
            summary["analysed"],
            {},
            "Repositories of the inventory that were analysed.",
        ),
        Sample(
            "platform_fleet_repositories_failed",
            summary["failed"],
            {},
            "Repositories of the inventory that could not be read (clone or check failed).",
        ),
    ]
    if summary["adoption_ratio"] is not None:
        out.append(
            Sample(
                "platform_fleet_golden_path_adoption_ratio",
                summary["adoption_ratio"],
                {},
                "Analysed repositories created from a golden path / analysed.",
            )
        )
    for name, gp in summary["golden_paths"].items():
        for version, count in gp["versions"].items():
            out.append(
                Sample(
                    "platform_fleet_golden_path_repositories",
                    count,
                    {"golden_path": name, "version": version},
                    "Repositories per golden path and version.",
                )
            )
    for r in recs:
        if r.get("error"):
            continue
        labels = {"repository": r["repository"]}
        if r.get("owner"):
            labels["team"] = str(r["owner"])
        if r.get("versions_behind") is not None:
            out.append(
                Sample(
                    "platform_fleet_repository_versions_behind",
                    r["versions_behind"],
                    {**labels, "golden_path": r["golden_path"]},
                    "Released golden-path versions newer than the repository's.",
                )
            )
        for card_id, card in (r.get("scorecards") or {}).items():
            out.append(
                Sample(
                    "platform_fleet_repository_score_ratio",
                    card["score"] / 100,
                    {**labels, "scorecard": card_id},
                    "Scorecard score of the repository, 0-1.",
                )
            )
        out.append(
            Sample(
                "platform_fleet_repository_failing_rules",
                len(r["failing_rules"]),
                labels,
                "Scorecard rules the repository fails (waivers applied).",
            )
        )
        if r.get("last_commit"):
            from datetime import datetime

            stamp = datetime.fromisoformat(r["last_commit"]).timestamp()
            out.append(
                Sample(
                    "platform_fleet_repository_last_commit_timestamp_seconds",
                    stamp,
                    labels,
                    "Commit time of the default branch's head (unix).",
                )
            )
    for rule in summary["top_failing_rules"]:
        out.append(
            Sample(
                "platform_fleet_rule_failing_repositories",
                rule["repositories"],
                {"rule": rule["rule"]},
                "Repositories failing the rule (the rules failing most).",
            )
        )
    return out


def _charts(summary: dict[str, Any]) -> list[Chart]:
    gps = summary["golden_paths"]
    none = summary["analysed"] - summary["adopted"]
    adoption: list[float | None] = [float(gp["repositories"]) for gp in gps.values()]
    charts = [
        Chart(
            "Golden-path adoption",
            [*gps, "no golden path"],
            [("repositories", [*adoption, float(none)])],
            "repositories",
            kind="bar",
            x_title="golden path",
        ),
    ]
    versions = sorted({v for gp in gps.values() for v in gp["versions"]}, key=_version_sort)
    charts.append(
        Chart(
            "Versions per golden path",
            list(gps),
            [(v, [float(gp["versions"].get(v, 0)) for gp in gps.values()]) for v in versions],
            "repositories",
            kind="bar",
            x_title="golden path",
            barmode="stack",
        )
    )
    cards = summary["scorecards"]
    from platformctl.core.fleet.status import SCORE_BUCKETS

    charts.append(
        Chart(
            "Scores per scorecard",
            SCORE_BUCKETS,
            [(cid, [float(c["histogram"][b]) for b in SCORE_BUCKETS]) for cid, c in cards.items()],
            "repositories",
            kind="bar",
            x_title="score",
        )
    )
    rules = summary["top_failing_rules"]
    charts.append(
        Chart(
            "Rules failing most",
            [r["rule"].removeprefix("check/") for r in rules],
            [("repositories", [float(r["repositories"]) for r in rules])],
            "repositories",
            kind="bar",
            x_title="rule",
        )
    )
    return charts


def _version_sort(version: str) -> Any:
    from platformctl.core.scaffold.versions import version_key

    return version_key(version)


def update_summary(recs: list[dict[str, Any]], *, dry_run: bool, later: int) -> dict[str, Any]:
    from collections import Counter

    counts = Counter(r["result"] for r in recs)
    return {
        "dry_run": dry_run,
        "repositories": len(recs),
        "results": dict(sorted(counts.items())),
        "not_in_this_wave": later,
    }


def update_doc(
    recs: list[dict[str, Any]], summary: dict[str, Any], *, meta: dict[str, Any] | None = None
) -> ReportDoc:
    counts = summary["results"]
    verb = "would be updated" if summary["dry_run"] else "updated"
    done = counts.get("would-update" if summary["dry_run"] else "updated", 0)
    headline = [
        f"{done} of {summary['repositories']} repositories {verb}; "
        + ", ".join(f"{k}: {v}" for k, v in counts.items())
    ]
    if summary["not_in_this_wave"]:
        headline.append(
            f"{summary['not_in_this_wave']} more repositories are behind and were not in this "
            "wave: run again without --canary/--max (or with a larger one) to continue"
        )
    columns = [
        "repository",
        "owner",
        "result",
        "from",
        "to",
        "branch",
        "changed files",
        "conflicts",
        "detail",
    ]
    rows = [
        [
            r["repository"],
            r.get("owner"),
            r["result"],
            r.get("from_version"),
            r.get("to_version"),
            r.get("branch"),
            len(r.get("changed") or []) or None,
            ", ".join(r.get("conflicts") or []) or None,
            r.get("reason") or r.get("compare_url") or (r.get("commit") or "")[:12] or None,
        ]
        for r in recs
    ]
    table = Table("Template update", columns, rows)
    samples = [
        Sample(
            "platform_fleet_update_repositories",
            count,
            {"result": result},
            "Repositories per result of the last fleet update run.",
        )
        for result, count in counts.items()
    ]
    return ReportDoc(
        kind=KIND_UPDATE,
        command="fleet update",
        title="Fleet template update" + (" (dry run)" if summary["dry_run"] else ""),
        headline=headline,
        data={"summary": summary, "repositories": recs, **(meta or {})},
        tables=[table],
        csv=table,
        samples=samples,
    )
