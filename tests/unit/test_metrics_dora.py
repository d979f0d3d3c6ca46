"""core/metrics on plain records: ancestry, the four keys, bands, weekly series, exclusions."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from platformctl.core.errors import UsageError
from platformctl.core.metrics import bands
from platformctl.core.metrics.dora import claim_commits, compute, nearest_rank
from platformctl.core.metrics.model import Commit, Deployment, Incident, Query

T0 = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday
H = 3600.0


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def commit(sha: str, parents: tuple[str, ...], hours: float, subject: str = "",
           paths: tuple[str, ...] | None = None, body: str = "") -> Commit:
    return Commit(sha, parents, at(hours), at(hours), subject or sha, body, paths)


def deploy(id_: str, sha: str, hours: float, result: str = "success", service: str = "svc",
           env: str = "production") -> Deployment:
    return Deployment(id_, (sha,), at(hours), result, env, service, f"test:{id_}")


def query(**kw) -> Query:
    return Query(since=kw.pop("since", T0), until=kw.pop("until", at(14 * 24)), **kw)


# -- ancestry --------------------------------------------------------------------------------


def test_commit_is_charged_by_ancestry_not_timestamp():
    # b is authored before d1 but lives on a branch merged after it: d2 ships it
    commits = {
        "a": commit("a", (), 0),
        "b": commit("b", ("a",), 1),
        "c": commit("c", ("a",), 2),
        "m": commit("m", ("c", "b"), 30),
    }
    d1, d2 = deploy("d1", "c", 10), deploy("d2", "m", 40)
    shipped = claim_commits(commits, [d1, d2])
    assert sorted(shipped["d1"]) == ["a", "c"]
    assert sorted(shipped["d2"]) == ["b", "m"]


def _brute_force(commits, deployments):
    """Reference: ancestors by full closure per deployment, first deployment in time wins."""

    def ancestors(sha):
        seen, stack = set(), [sha]
        while stack:
            s = stack.pop()
            if s in seen:
                continue
            seen.add(s)
            stack.extend(commits[s].parents)
        return seen

    owner = {}
    for dep in deployments:
        for sha in ancestors(dep.shas[0]):
            owner.setdefault(sha, dep.id)
    return owner


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=2, max_value=60))
def test_claim_walk_agrees_with_brute_force_ancestry(seed, size):
    rng = random.Random(seed)
    commits: dict[str, Commit] = {}
    order: list[str] = []
    for i in range(size):
        parents: tuple[str, ...] = ()
        if order:
            parents = (rng.choice(order),)
            if len(order) > 2 and rng.random() < 0.3:
                other = rng.choice(order)
                if other != parents[0]:
                    parents += (other,)
        sha = f"s{i}"
        commits[sha] = commit(sha, parents, i)
        order.append(sha)
    deps = [deploy(f"d{j}", rng.choice(order), 100 + j) for j in range(rng.randint(1, 8))]
    shipped = claim_commits(commits, deps)
    got = {sha: dep for dep, shas in shipped.items() for sha in shas}
    assert got == _brute_force(commits, deps)


# -- the four keys ---------------------------------------------------------------------------


def _scenario():
    commits = [
        commit("a", (), 0),
        commit("b", ("a",), 10),
        commit("c", ("b",), 20),
        commit("r", ("c",), 50, 'Revert "c"', body="This reverts commit c."),
    ]
    deps = [
        deploy("d1", "b", 12),  # ships a (12 h) and b (2 h)
        deploy("d2", "c", 24, result="failure"),
        deploy("d3", "c", 26),  # ships c (6 h); recovery of d2: 2 h; incident i1 -> failure
        deploy("d4", "r", 60),  # ships the revert (10 h): rework
        deploy("s1", "c", 25, env="staging"),
    ]
    incidents = [
        Incident("i1", at(30), at(34), "inc:1", service="svc"),  # latest before: d3; 4 h
        Incident("i2", at(5), None, "inc:2", service="svc"),  # before any deployment
    ]
    return commits, deps, incidents


def test_four_keys_by_hand():
    commits, deps, incidents = _scenario()
    result = compute(commits, deps, incidents, query())
    (group,) = result.groups
    s = group.summary
    assert (s.deployments, s.failed_deployments, s.deploy_days) == (3, 1, 3)
    assert s.deployments_per_day == pytest.approx(3 / 14)
    assert s.deployments_per_week == pytest.approx(1.5)
    # lead times 12 h, 2 h, 6 h, 10 h -> median 8 h, p90 (nearest rank 4 of 4) 12 h
    assert s.changes == 4
    assert s.lead_time_median_seconds == 8 * H
    assert s.lead_time_p90_seconds == 12 * H
    # failures: d2 (failed) and d3 (incident i1) out of 4 deployments
    assert s.change_failures == 2
    assert s.change_failure_ratio == 0.5
    # recovery: d2 -> d3 2 h; i1 4 h -> median 3 h
    assert s.recovery_time_median_seconds == 3 * H
    # rework: d4 ships a revert; 1 of 3
    assert s.rework_ratio == pytest.approx(1 / 3)
    assert [b.band for b in group.bands] == ["high", "elite", "low", "high"]
    facts = {f.deployment.id: f for f in group.deployments}
    assert facts["d3"].failure_reasons == ["incident i1"]
    assert facts["d4"].rework and "revert" in facts["d4"].rework
    assert [f.excluded for f in result.excluded_deployments] == [
        "environment 'staging' is not production"
    ]
    by_id = {f.incident.id: f for f in group.incidents}
    assert by_id["i1"].deployment_id == "d3"
    assert by_id["i1"].linked_by.startswith("latest production deployment")
    assert by_id["i2"].excluded == "no production deployment of service 'svc' before it started"


def test_weekly_series_split_at_mondays():
    commits, deps, incidents = _scenario()
    deps.append(deploy("d5", "r", 24 * 8))  # the second week
    (group,) = compute(commits, deps, incidents, query()).groups
    assert [w.start for w in group.weeks] == [T0, T0 + timedelta(days=7)]
    assert [w.summary.deployments for w in group.weeks] == [3, 1]
    assert group.weeks[1].summary.changes == 0  # d5 ships nothing new


def test_deployments_before_the_window_claim_their_commits():
    commits, deps, _ = _scenario()
    result = compute(commits, deps, [], query(since=at(20)))
    (group,) = result.groups
    # d1 (before the window) shipped a and b: they are not charged to d3
    assert group.summary.changes == 2  # c and r
    assert [f.excluded for f in group.deployments if not f.counted] == ["outside the window"]


def test_explicit_deployment_id_wins_over_time():
    commits, deps, _ = _scenario()
    incident = Incident("i9", at(61), at(62), "inc:9", service="svc", deployment_id="d1")
    (group,) = compute(commits, deps, [incident], query()).groups
    (fact,) = group.incidents
    assert (fact.deployment_id, fact.linked_by) == ("d1", "explicit deployment_id")


def test_unknown_commit_and_unfinished_result_are_excluded_with_reasons():
    commits, deps, _ = _scenario()
    deps += [deploy("x", "nope", 30), deploy("p", "c", 31, result="pending")]
    result = compute(commits, deps, [], query())
    reasons = {f.deployment.id: f.excluded for f in result.excluded_deployments}
    assert reasons["x"] == "commit nope is not in the repository history"
    assert reasons["p"] == "result 'pending' is not final"


def test_service_paths_and_group_by_service():
    commits = [
        commit("a", (), 0, paths=("api/x", "web/y")),
        commit("b", ("a",), 1, paths=("api/x",)),
        commit("c", ("b",), 2, paths=("web/y",)),
    ]
    deps = [deploy("api1", "c", 5, service="api"), deploy("web1", "c", 6, service="web")]
    q = query(service_paths={"api": ("api",), "web": ("web/*",)}, group_by="service")
    groups = {g.name: g for g in compute(commits, deps, [], q).groups}
    assert [c.sha for c in groups["api"].deployments[0].commits] == ["a", "b"]
    assert [c.sha for c in groups["web"].deployments[0].commits] == ["a", "c"]
    assert groups["web"].summary.lead_time_median_seconds == 5 * H  # a: 6 h, c: 4 h


def test_empty_window_has_no_division_error():
    commits, deps, _ = _scenario()
    result = compute(commits, deps, [], query(since=at(1000), until=at(1100)))
    assert result.empty
    (group,) = result.groups
    assert group.summary.change_failure_ratio is None
    assert group.summary.deployments_per_day is None
    assert group.verdict == "no deployments in window"
    assert [b.band for b in group.bands] == [None, None, None, None]


def test_merge_commits_carry_no_lead_time():
    commits = [commit("a", (), 0), commit("b", ("a",), 1), commit("m", ("a", "b"), 2)]
    (group,) = compute(commits, [deploy("d", "m", 3)], [], query()).groups
    notes = {c.sha: c.note for c in group.deployments[0].commits}
    assert notes["m"] == "merge commit"
    assert group.summary.changes == 2


# -- bands -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "metric", "value", "band"),
    [
        ("2024", "deployment_frequency", 1.0, "elite"),
        ("2024", "deployment_frequency", 0.99, "high"),
        ("2024", "deployment_frequency", 1 / 7, "high"),
        ("2024", "deployment_frequency", 1 / 30, "medium"),
        ("2024", "deployment_frequency", 1 / 31, "low"),
        ("2024", "lead_time", 23 * H, "elite"),
        ("2024", "lead_time", 24 * H, "high"),
        ("2024", "lead_time", 29 * 24 * H, "medium"),
        ("2024", "lead_time", 31 * 24 * H, "low"),
        ("2024", "change_failure_rate", 0.05, "elite"),
        ("2024", "change_failure_rate", 0.08, "high"),  # 2024's medium (10%) is below high (20%)
        ("2024", "change_failure_rate", 0.20, "high"),
        ("2024", "change_failure_rate", 0.21, "low"),
        ("2023", "change_failure_rate", 0.10, "high"),
        ("2023", "change_failure_rate", 0.15, "medium"),
        ("2023", "change_failure_rate", 0.16, "low"),
        ("2024", "recovery_time", 0.5 * H, "elite"),
        ("2024", "recovery_time", 2 * H, "high"),
        ("2024", "recovery_time", 2 * 24 * H, "low"),
        ("2023", "recovery_time", 2 * 24 * H, "medium"),
        ("2023", "recovery_time", 8 * 24 * H, "low"),
    ],
)
def test_bands(year, metric, value, band):
    assert bands.classify(metric, value, year).band == band


def test_unknown_benchmark_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown DORA benchmark '2019'"):
        bands.check_benchmark("2019")


def test_nearest_rank():
    assert nearest_rank([5, 1, 4, 2, 3, 6, 7, 8, 9, 10], 0.9) == 9
    assert nearest_rank([3.0], 0.9) == 3.0
    assert nearest_rank([], 0.5) is None


# -- teams -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("owner", "team"),
    [
        ("group:default/payments", "payments"),
        ("payments", "payments"),
        ("default/payments", "payments"),
        ("group:ops/sre", "ops/sre"),
        ("user:default/jane", "user:jane"),
        ("Group:default/Payments", "Payments"),
    ],
)
def test_owner_team(owner, team):
    from platformctl.core.metrics.teams import owner_team

    assert owner_team(owner) == team


def test_group_by_team_merges_services_of_one_owner():
    from platformctl.core.metrics.teams import NO_OWNER, teams_of

    teams = teams_of(
        ["a", "b", "c"],
        [{"spec": {"owner": "group:default/t"}}, {"spec": {"owner": "t"}}, None],
    )
    assert teams == {"a": "t", "b": "t", "c": NO_OWNER}
    commits = [commit("x", (), 0), commit("y", ("x",), 1)]
    deps = [deploy("a1", "x", 2, service="a"), deploy("b1", "y", 5, service="b"),
            deploy("c1", "y", 6, service="c")]
    groups = compute(commits, deps, [], query(group_by="team", teams=teams)).groups
    by_name = {g.name: g for g in groups}
    assert by_name["t"].services == ["a", "b"] and by_name["t"].by == "team"
    assert by_name["t"].summary.deployments == 2
    # each service ships its own history: a ships x (2 h); b ships x (5 h) and y (4 h)
    assert by_name["t"].summary.changes == 3
    assert by_name[NO_OWNER].services == ["c"]
