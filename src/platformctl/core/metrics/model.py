"""Records in, results out: the plain dataclasses of the DORA computation (no I/O here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

SUCCESS = "success"
FAILURE = "failure"


@dataclass(slots=True)  # not frozen: 100,000s are built per run, and frozen init is slower
class Commit:
    """One commit of the repository history (times are timezone-aware, UTC)."""

    sha: str
    parents: tuple[str, ...]
    authored: datetime
    committed: datetime
    subject: str = ""
    body: str = ""
    # Files the commit changes (None when the history was read without paths).
    paths: tuple[str, ...] | None = None

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1

    @property
    def is_revert(self) -> bool:
        return self.subject.startswith('Revert "') or "This reverts commit " in self.body


@dataclass(frozen=True)
class Deployment:
    """A deployment of one service: the commit(s) it deployed, when it finished, how it went."""

    id: str
    shas: tuple[str, ...]
    finished: datetime
    result: str  # SUCCESS or FAILURE
    environment: str
    service: str
    source: str  # where the record came from ("deploys.jsonl:3", "tag v1.2")
    started: datetime | None = None
    title: str = ""


@dataclass(frozen=True)
class Incident:
    id: str
    created: datetime
    resolved: datetime | None
    source: str
    service: str | None = None
    deployment_id: str | None = None
    title: str = ""


@dataclass(frozen=True)
class Query:
    """What to compute: the window, which environment counts as production, which services."""

    since: datetime
    until: datetime
    environment: str = "production"
    services: tuple[str, ...] = ()  # empty: every service
    # service -> path prefixes or globs: only commits touching them count for that service
    service_paths: dict[str, tuple[str, ...]] = field(default_factory=dict)
    group_by: str | None = None  # None, "service" or "team"
    teams: dict[str, str] = field(default_factory=dict)  # service -> team, for group_by team
    benchmark: str = "2024"


@dataclass(slots=True)
class ShippedCommit:
    sha: str
    subject: str
    authored: datetime
    lead_time_seconds: float | None  # None: a merge commit (no change of its own) or skewed
    note: str = ""


@dataclass
class DeploymentFacts:
    """One deployment as the computation saw it: what it shipped, whether it failed, and
    whether it counted (``excluded`` says why not)."""

    deployment: Deployment
    commits: list[ShippedCommit] = field(default_factory=list)
    counted: bool = True
    excluded: str | None = None
    failed: bool = False
    failure_reasons: list[str] = field(default_factory=list)
    recovery_seconds: list[float] = field(default_factory=list)
    recovery_notes: list[str] = field(default_factory=list)
    rework: str | None = None  # why this deployment is rework (None: planned)


@dataclass
class IncidentFacts:
    incident: Incident
    deployment_id: str | None = None
    service: str | None = None
    linked_by: str | None = None  # "explicit deployment_id" or "latest production deployment..."
    excluded: str | None = None


@dataclass
class Band:
    metric: str
    band: str | None  # elite, high, medium, low; None when there is no value
    rule: str  # the threshold that decided it, in words


@dataclass
class Summary:
    deployments: int = 0
    failed_deployments: int = 0
    deploy_days: int = 0
    days: float = 0.0
    deployments_per_day: float | None = None
    deployments_per_week: float | None = None
    deploy_days_per_week: float | None = None
    lead_time_median_seconds: float | None = None
    lead_time_p90_seconds: float | None = None
    changes: int = 0
    change_failure_ratio: float | None = None
    change_failures: int = 0
    recovery_time_median_seconds: float | None = None
    recoveries: int = 0
    rework_ratio: float | None = None
    rework_deployments: int = 0


@dataclass
class Week:
    start: datetime  # Monday 00:00 UTC
    summary: Summary


@dataclass
class Group:
    """The metrics of one group (every selected service, or one service with --group-by)."""

    name: str  # "all", the service or the team
    services: list[str]
    summary: Summary
    bands: list[Band]
    verdict: str
    weeks: list[Week]
    deployments: list[DeploymentFacts]
    incidents: list[IncidentFacts]
    by: str | None = None  # "service" or "team" when grouped

    @property
    def empty(self) -> bool:
        return self.summary.deployments == 0 and self.summary.failed_deployments == 0


@dataclass
class DoraResult:
    query: Query
    groups: list[Group]
    # records left out before any group was formed (other environments, unknown commits, ...)
    excluded_deployments: list[DeploymentFacts]
    excluded_incidents: list[IncidentFacts]

    @property
    def empty(self) -> bool:
        return all(g.empty for g in self.groups)
