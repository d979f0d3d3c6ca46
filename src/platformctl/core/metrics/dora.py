"""The computation: records in, DoraResult out (no I/O).

Ancestry. A commit is shipped by the first successful production deployment (of its service)
whose deployed commit contains it: ``git merge-base --is-ancestor`` semantics, never timestamp
order.  Deployments are visited in time order; from each deployed commit we walk the parent
graph and claim every commit not yet claimed, stopping at claimed ones: a claimed commit was
shipped by an earlier deployment, so all of its ancestors were too.  Each commit and parent edge
is visited once per service, so the whole history costs O(commits + edges), not
O(commits x deployments).  Deployments before the window claim their commits too (so a commit
shipped last quarter is not charged to this quarter's deployment); only deployments inside the
window count.

Definitions (docs/reference/dora.md):
- deployment frequency: successful production deployments in the window / days in the window;
  deploy days: distinct UTC days with at least one.
- lead time for changes: per non-merge commit, authored time -> finish of the deployment that
  shipped it; median and p90 (nearest rank).
- change failure rate: (failed deployments + successful deployments charged with an incident)
  / (successful + failed deployments).
- failed deployment recovery time: per incident, created -> resolved; per failed deployment
  without an incident, its finish -> the finish of the next successful deployment of the
  service. Median.
- rework rate: successful deployments that ship a revert, or that finish while an incident of
  the service is open (a fix), / successful deployments.
"""

from __future__ import annotations

import fnmatch
import heapq
import math
import statistics
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from platformctl.core.metrics import bands as bands_mod
from platformctl.core.metrics.model import (
    FAILURE,
    SUCCESS,
    Commit,
    Deployment,
    DeploymentFacts,
    DoraResult,
    Group,
    Incident,
    IncidentFacts,
    Query,
    ShippedCommit,
    Summary,
    Week,
)
from platformctl.core.metrics.teams import NO_OWNER

PRODUCTION_ALIASES = {"production": {"production", "prod", "prd", "live"}}


def _env_matches(environment: str, wanted: str) -> bool:
    env, want = environment.strip().lower(), wanted.strip().lower()
    return env == want or env in PRODUCTION_ALIASES.get(want, set())


def _touches(paths: tuple[str, ...] | None, patterns: tuple[str, ...]) -> bool:
    if not patterns:
        return True
    if paths is None:
        return False
    for path in paths:
        for pattern in patterns:
            if any(ch in pattern for ch in "*?["):
                if fnmatch.fnmatchcase(path, pattern):
                    return True
            else:
                prefix = pattern.rstrip("/")
                if path == prefix or path.startswith(prefix + "/"):
                    return True
    return False


def nearest_rank(values: Sequence[float], q: float) -> float | None:
    """The q-quantile by nearest rank (p90 of 10 values is the 9th smallest)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(q * len(ordered)) - 1, 0)]


def _median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def claim_commits(
    commits: dict[str, Commit],
    deployments: Sequence[Deployment],
    patterns: tuple[str, ...] = (),
) -> dict[str, list[str]]:
    """deployment id -> shas it shipped (first to contain them), for time-ordered deployments.

    One walk over the parent graph in total (see the module docstring). Commits outside the
    service's paths are walked through but not claimed."""
    seen: set[str] = set()
    shipped: dict[str, list[str]] = {}
    for dep in deployments:
        mine: list[str] = []
        stack = [sha for sha in dep.shas if sha in commits and sha not in seen]
        seen.update(stack)
        while stack:
            sha = stack.pop()
            commit = commits[sha]
            if not patterns or _touches(commit.paths, patterns):
                mine.append(sha)
            for parent in commit.parents:
                if parent not in seen and parent in commits:
                    seen.add(parent)
                    stack.append(parent)
        shipped[dep.id] = mine
    return shipped


def _monday(moment: datetime) -> datetime:
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday())


def compute(
    commits: Iterable[Commit],
    deployments: Iterable[Deployment],
    incidents: Iterable[Incident],
    query: Query,
) -> DoraResult:
    bands_mod.check_benchmark(query.benchmark)
    by_sha = {c.sha: c for c in commits}
    excluded: list[DeploymentFacts] = []
    prod: dict[str, list[Deployment]] = defaultdict(list)
    for dep in deployments:
        if query.services and dep.service not in query.services:
            continue
        if dep.result not in (SUCCESS, FAILURE):
            excluded.append(_excluded(dep, f"result {dep.result!r} is not final"))
            continue
        if not _env_matches(dep.environment, query.environment):
            excluded.append(
                _excluded(dep, f"environment {dep.environment!r} is not {query.environment}")
            )
            continue
        known = tuple(sha for sha in dep.shas if sha in by_sha)
        if not known:
            what = ", ".join(sha[:12] for sha in dep.shas) or "no commit"
            excluded.append(_excluded(dep, f"commit {what} is not in the repository history"))
            continue
        prod[dep.service].append(dep)
    for deps in prod.values():
        deps.sort(key=lambda d: (d.finished, d.id))

    facts: dict[str, DeploymentFacts] = {}
    for service, deps in prod.items():
        patterns = query.service_paths.get(service, ())
        good = [d for d in deps if d.result == SUCCESS]
        shipped = claim_commits(by_sha, good, patterns)
        for dep in deps:
            fact = DeploymentFacts(dep)
            if dep.result == SUCCESS:
                fact.commits = [_shipped(by_sha[sha], dep) for sha in shipped.get(dep.id, ())]
                fact.commits.sort(key=_by_authored)
            else:
                fact.failed = True
                fact.failure_reasons.append(f"the deployment itself failed ({dep.result})")
            if not query.since <= dep.finished < query.until:
                fact.counted = False
                fact.excluded = "outside the window"
            facts[dep.id] = fact

    incident_facts = _link_incidents(incidents, prod, facts, query)
    _recoveries(prod, facts, incident_facts)
    _rework(prod, facts, incident_facts, by_sha)

    services = sorted(prod)
    if query.group_by == "service":
        groups = [_group(s, [s], prod, facts, incident_facts, query) for s in services]
        if not groups:
            groups = [_group(s, [s], prod, facts, incident_facts, query) for s in query.services]
        for group in groups:
            group.by = "service"
    elif query.group_by == "team":
        members: dict[str, list[str]] = defaultdict(list)
        for service in services:
            members[query.teams.get(service, NO_OWNER)].append(service)
        groups = [
            _group(team, members[team], prod, facts, incident_facts, query)
            for team in sorted(members)
        ]
        for group in groups:
            group.by = "team"
    else:
        groups = [_group("all", services, prod, facts, incident_facts, query)]
    shown = {id(i) for g in groups for i in g.incidents}
    loose = [f for f in incident_facts if id(f) not in shown]
    return DoraResult(query, groups, excluded, loose)


def _excluded(dep: Deployment, reason: str) -> DeploymentFacts:
    return DeploymentFacts(dep, counted=False, excluded=reason)


def _by_authored(commit: ShippedCommit) -> datetime:
    return commit.authored


def _shipped(commit: Commit, dep: Deployment) -> ShippedCommit:
    if len(commit.parents) > 1:  # a merge commit
        return ShippedCommit(commit.sha, commit.subject, commit.authored, None, "merge commit")
    seconds = (dep.finished - commit.authored).total_seconds()
    if seconds < 0:
        return ShippedCommit(
            commit.sha, commit.subject, commit.authored, None, "authored after the deployment"
        )
    return ShippedCommit(commit.sha, commit.subject, commit.authored, seconds)


def _link_incidents(
    incidents: Iterable[Incident],
    prod: dict[str, list[Deployment]],
    facts: dict[str, DeploymentFacts],
    query: Query,
) -> list[IncidentFacts]:
    # successful production deployments per service (and overall), time-ordered, for "latest
    # deployment before the incident started"
    timeline: dict[str | None, list[Deployment]] = {
        s: [d for d in deps if d.result == SUCCESS] for s, deps in prod.items()
    }
    timeline[None] = sorted(
        (d for deps in timeline.values() for d in deps), key=lambda d: (d.finished, d.id)
    )
    times = {s: [d.finished for d in deps] for s, deps in timeline.items()}
    out: list[IncidentFacts] = []
    for incident in sorted(incidents, key=lambda i: (i.created, i.id)):
        if query.services and incident.service and incident.service not in query.services:
            continue
        fact = IncidentFacts(incident, service=incident.service)
        out.append(fact)
        target: Deployment | None = None
        note = ""
        if incident.deployment_id:
            found = facts.get(incident.deployment_id)
            if found is not None and found.deployment.result == SUCCESS:
                target = found.deployment
                fact.linked_by = "explicit deployment_id"
            else:
                note = f"deployment_id {incident.deployment_id!r} is not a production deployment; "
        if target is None:
            key = incident.service if incident.service in timeline else None
            if incident.service and incident.service not in timeline:
                fact.excluded = note + f"no production deployment of service {incident.service!r}"
                continue
            pos = bisect_right(times[key], incident.created)
            if pos == 0:
                scope = f"of service {incident.service!r} " if incident.service else ""
                fact.excluded = note + f"no production deployment {scope}before it started"
                continue
            target = timeline[key][pos - 1]
            fact.linked_by = note + (
                f"latest production deployment of {target.service!r} before it started"
            )
        fact.deployment_id = target.id
        fact.service = target.service
        charged = facts[target.id]
        if not charged.counted:
            fact.excluded = f"charged to deployment {target.id}, which is outside the window"
            continue
        charged.failed = True
        charged.failure_reasons.append(f"incident {incident.id}")
    return out


def _recoveries(
    prod: dict[str, list[Deployment]],
    facts: dict[str, DeploymentFacts],
    incidents: list[IncidentFacts],
) -> None:
    for fact in incidents:
        if fact.excluded or fact.deployment_id is None:
            continue
        charged = facts[fact.deployment_id]
        if fact.incident.resolved is None:
            charged.recovery_notes.append(f"incident {fact.incident.id} is not resolved")
            continue
        seconds = (fact.incident.resolved - fact.incident.created).total_seconds()
        charged.recovery_seconds.append(max(seconds, 0.0))
    for deps in prod.values():
        following: Deployment | None = None  # the next successful deployment (reverse scan)
        for dep in reversed(deps):
            if dep.result == SUCCESS:
                following = dep
                continue
            failed = facts[dep.id]
            if failed.recovery_seconds:
                continue  # its incidents say when it recovered
            if following is None:
                failed.recovery_notes.append("no successful deployment after it yet")
                continue
            failed.recovery_seconds.append((following.finished - dep.finished).total_seconds())
            failed.recovery_notes.append(f"recovered by deployment {following.id}")


def _rework(
    prod: dict[str, list[Deployment]],
    facts: dict[str, DeploymentFacts],
    incidents: list[IncidentFacts],
    by_sha: dict[str, Commit],
) -> None:
    """Mark reverts and fixes deployed while an incident of the service was open: one sweep
    per service over deployments and incidents in time order (a heap of open incidents)."""
    by_service: dict[str, list[IncidentFacts]] = defaultdict(list)
    for inc in incidents:
        if inc.service and inc.deployment_id:
            by_service[inc.service].append(inc)
    for service, deps in prod.items():
        pending = sorted(by_service[service], key=lambda f: f.incident.created)
        open_heap: list[tuple[float, int, IncidentFacts]] = []
        next_incident = 0
        for dep in deps:
            fact = facts[dep.id]
            while (
                next_incident < len(pending)
                and pending[next_incident].incident.created <= dep.finished
            ):
                inc = pending[next_incident]
                end = inc.incident.resolved
                heapq.heappush(
                    open_heap, (end.timestamp() if end else math.inf, next_incident, inc)
                )
                next_incident += 1
            while open_heap and open_heap[0][0] < dep.finished.timestamp():
                heapq.heappop(open_heap)
            if dep.result != SUCCESS:
                continue
            revert = next((c for c in fact.commits if by_sha[c.sha].is_revert), None)
            if revert is not None:
                fact.rework = f"ships revert {revert.sha[:12]} ({revert.subject})"
                continue
            cause = next((i for _, _, i in open_heap if i.deployment_id != dep.id), None)
            if cause is not None:
                fact.rework = f"deployed while incident {cause.incident.id} was open"


def _summary(facts: Sequence[DeploymentFacts], since: datetime, until: datetime) -> Summary:
    days = max((until - since).total_seconds() / 86400, 1e-9)
    good = [f for f in facts if f.deployment.result == SUCCESS]
    failed_result = [f for f in facts if f.deployment.result != SUCCESS]
    lead = [c.lead_time_seconds for f in good for c in f.commits if c.lead_time_seconds is not None]
    failures = [f for f in facts if f.failed]
    recovery = [s for f in failures for s in f.recovery_seconds]
    total = len(good) + len(failed_result)
    deploy_days = len({f.deployment.finished.date() for f in good})
    s = Summary(
        deployments=len(good),
        failed_deployments=len(failed_result),
        deploy_days=deploy_days,
        days=round(days, 6),
        changes=len(lead),
        change_failures=len(failures),
        recoveries=len(recovery),
        rework_deployments=sum(1 for f in good if f.rework),
    )
    if total:
        s.deployments_per_day = len(good) / days
        s.deployments_per_week = len(good) / days * 7
        s.deploy_days_per_week = deploy_days / days * 7
        s.change_failure_ratio = len(failures) / total
    s.lead_time_median_seconds = _median(lead)
    s.lead_time_p90_seconds = nearest_rank(lead, 0.9)
    s.recovery_time_median_seconds = _median(recovery)
    if good:
        s.rework_ratio = s.rework_deployments / len(good)
    return s


def _group(
    name: str,
    services: list[str],
    prod: dict[str, list[Deployment]],
    facts: dict[str, DeploymentFacts],
    incidents: list[IncidentFacts],
    query: Query,
) -> Group:
    members = [facts[d.id] for s in services for d in prod.get(s, [])]
    members.sort(key=lambda f: (f.deployment.finished, f.deployment.id))
    counted = [f for f in members if f.counted]
    summary = _summary(counted, query.since, query.until)
    bands = bands_mod.bands_for(summary, query.benchmark)
    weeks: list[Week] = []
    first = _monday(query.since)
    buckets: dict[int, list[DeploymentFacts]] = defaultdict(list)
    for f in counted:
        buckets[(f.deployment.finished - first).days // 7].append(f)
    start, index = first, 0
    while start < query.until:
        end = start + timedelta(days=7)
        lo, hi = max(start, query.since), min(end, query.until)
        weeks.append(Week(start, _summary(buckets.get(index, []), lo, hi)))
        start, index = end, index + 1
    mine = [
        i
        for i in incidents
        if i.service in services or (i.service is None and query.group_by is None)
    ]
    return Group(
        name=name,
        services=services,
        summary=summary,
        bands=bands,
        verdict=bands_mod.verdict(bands) if counted else "no deployments in window",
        weeks=weeks,
        deployments=members,
        incidents=mine,
    )
