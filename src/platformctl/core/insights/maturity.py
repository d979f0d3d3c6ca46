"""Platform maturity self-assessment: the questionnaire (CNCF Platform Engineering Maturity
Model), proposals from evidence, the result and its history.

``load_model`` reads the questionnaire; ``core/insights/evidence.py`` gathers what the
repositories and DORA files show and ``propose`` turns it into proposed levels with the
reasons; ``parse_answers`` reads an
answers file; ``assess`` is pure; ``read_history``/``append_history`` keep the record that shows
movement between assessments.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from platformctl.core.errors import InputFileError

LEVELS = ("provisional", "operational", "scalable", "optimizing")
ASPECTS = ("investment", "adoption", "interfaces", "operations", "measurement")
MODEL_FILE = Path("insights") / "maturity.yaml"


@dataclass(frozen=True)
class Aspect:
    id: str
    title: str
    question: str
    levels: dict[str, str]  # level -> description
    next_steps: dict[str, list[str]]  # level -> steps to reach the next level


@dataclass
class Model:
    title: str
    levels: tuple[str, ...]
    aspects: list[Aspect]
    source: str = ""

    def aspect(self, aspect_id: str) -> Aspect | None:
        return next((a for a in self.aspects if a.id == aspect_id), None)


def model_path(platform_roots: list[Path] | None = None) -> Path:
    """The innermost platform folder's insights/maturity.yaml, else the embedded one."""
    from platformctl.core.resources import defaults_dir

    for root in reversed(platform_roots or []):
        candidate = root / MODEL_FILE
        if candidate.is_file():
            return candidate
    return defaults_dir() / MODEL_FILE


def load_model(path: str | Path | None = None) -> Model:
    from platformctl.core import yamlio
    from platformctl.core.resources import defaults_dir

    target = Path(path) if path is not None else defaults_dir() / MODEL_FILE
    display = str(target)
    doc = yamlio.load_one(target, display=display, allow_empty=False)
    data = yamlio.expect_mapping(doc, display)

    def fail(message: str, where: tuple[Any, ...]) -> InputFileError:
        line, column = doc.position(where)
        return InputFileError(message, file=display, line=line, column=column)

    levels = data.get("levels")
    if levels != list(LEVELS):
        raise fail(f"levels must be {', '.join(LEVELS)} (the CNCF model's four)", ("levels",))
    raw_aspects = data.get("aspects")
    if not isinstance(raw_aspects, list) or not raw_aspects:
        raise fail("aspects must be a non-empty list", ("aspects",))
    aspects = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_aspects):
        where = ("aspects", index)
        if not isinstance(raw, dict):
            raise fail(f"aspect {index + 1} must be a mapping", where)
        for key in ("id", "title", "question"):
            if not isinstance(raw.get(key), str) or not raw[key].strip():
                raise fail(f"aspect {index + 1} needs a text {key!r}", (*where, key))
        if raw["id"] in seen:
            raise fail(f"aspect {raw['id']!r} is listed twice", (*where, "id"))
        seen.add(raw["id"])
        descriptions = raw.get("levels")
        if not isinstance(descriptions, dict) or set(descriptions) != set(LEVELS):
            raise fail(
                f"aspect {raw['id']!r}: levels must describe each of {', '.join(LEVELS)}",
                (*where, "levels"),
            )
        steps = raw.get("next_steps") or {}
        if not isinstance(steps, dict) or not all(
            k in LEVELS[:-1] and isinstance(v, list) for k, v in steps.items()
        ):
            raise fail(
                f"aspect {raw['id']!r}: next_steps maps {', '.join(LEVELS[:-1])} to a list",
                (*where, "next_steps"),
            )
        aspects.append(
            Aspect(
                raw["id"],
                raw["title"],
                raw["question"],
                {k: str(v) for k, v in descriptions.items()},
                {k: [str(s) for s in v] for k, v in steps.items()},
            )
        )
    title = data.get("title") if isinstance(data.get("title"), str) else "Platform maturity"
    return Model(str(title), LEVELS, aspects, display)


# -- evidence (gathered by core/insights/evidence.py; proposals are pure) -------------------


@dataclass(frozen=True)
class RepoFacts:
    name: str
    golden_path: str | None  # from .copier-answers.yml
    version: str | None
    latest: bool | None  # on the registry's latest version (None: unknown golden path)
    catalog: bool  # catalog-info.yaml present
    claims: int  # claims of the platform's claim types in the GitOps claims and deploy folders
    claims_platformctl: int = 0  # of those, built by platformctl provision (its label/annotation)
    # platformctl check in the repository (core compliance): scorecard -> {score, level, status}
    scorecards: dict[str, dict[str, Any]] = field(default_factory=dict)
    check_error: str | None = None  # check could not run (e.g. a malformed .platformctl.yaml)

    @property
    def compliant(self) -> bool | None:
        """Compliant with every scorecard that applies; None when none applies."""
        if not self.scorecards:
            return None
        return all(card.get("status") == "compliant" for card in self.scorecards.values())

    @property
    def mean_score(self) -> float | None:
        scores = [float(card["score"]) for card in self.scorecards.values()]
        return sum(scores) / len(scores) if scores else None


DORA_KEYS = ("deployment frequency", "lead time", "change failure rate", "recovery time")


@dataclass
class DoraData:
    """What DORA data is available: records ``metrics dora`` reads, or its JSON report."""

    sources: list[str]  # "FILE: 12 deployments (devlake)"
    deployments: int = 0
    incidents: int = 0
    services: list[str] = field(default_factory=list)
    report: bool = False  # a ``metrics dora --format json`` report was given
    keys: list[str] = field(default_factory=list)  # keys the report measured (of DORA_KEYS)


@dataclass
class Evidence:
    folder: str  # where the repositories came from (a folder, or the inventory sources)
    repositories: list[RepoFacts]
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (repository, why)
    dora: DoraData | None = None
    checked: bool = True  # platformctl check ran in each repository

    def share(self, attribute: str) -> float | None:
        repos = self.repositories
        if not repos:
            return None
        return sum(1 for r in repos if getattr(r, attribute)) / len(repos)

    @property
    def latest_share(self) -> float | None:
        on_path = [r for r in self.repositories if r.golden_path and r.latest is not None]
        return sum(1 for r in on_path if r.latest) / len(on_path) if on_path else None

    @property
    def scored(self) -> list[RepoFacts]:
        """Repositories that at least one scorecard applies to."""
        return [r for r in self.repositories if r.scorecards]


@dataclass(frozen=True)
class Proposal:
    aspect: str
    level: str
    why: list[str]


def _by_share(share: float) -> int:
    """0-24 % provisional, 25-49 % operational, 50-79 % scalable, 80 %+ optimizing."""
    return 0 if share < 0.25 else 1 if share < 0.5 else 2 if share < 0.8 else 3


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


def propose(evidence: Evidence) -> list[Proposal]:
    """Proposed levels where there is evidence, each with the reasons: adoption, interfaces and
    operations from the repositories (golden paths, catalog entries, claims, check scores),
    measurement from the DORA data. Investment gets none: nothing the tool reads shows it."""
    proposals = []
    if evidence.repositories:
        proposals += [_adoption(evidence), _interfaces(evidence)]
        if evidence.checked:
            proposals.append(_operations(evidence))
    if evidence.dora is not None:
        proposals.append(_measurement(evidence.dora))
    return proposals


def _adoption(evidence: Evidence) -> Proposal:
    n = len(evidence.repositories)
    golden = evidence.share("golden_path") or 0.0
    catalog = evidence.share("catalog") or 0.0
    latest = evidence.latest_share
    why = [
        f"{_pct(golden)} of {n} repositories were created from a golden path",
        f"{_pct(catalog)} have a catalog entry (catalog-info.yaml)",
    ]
    level = _by_share(min(golden, catalog))
    if latest is not None:
        why.append(f"{_pct(latest)} of those on a golden path are on its latest version")
        if latest < 0.5 and level > 1:
            level -= 1
            why.append("fewer than half are on the latest version: one level lower")
    why.append(
        "levels by the lower of the two shares: under 25% provisional, under 50% operational, "
        "under 80% scalable, else optimizing"
    )
    return Proposal("adoption", LEVELS[level], why)


def _interfaces(evidence: Evidence) -> Proposal:
    n = len(evidence.repositories)
    golden = evidence.share("golden_path") or 0.0
    with_claims = evidence.share("claims") or 0.0
    total = sum(r.claims for r in evidence.repositories)
    built = sum(r.claims_platformctl for r in evidence.repositories)
    why = [
        f"{_pct(with_claims)} of {n} repositories hold claims of the platform's claim types",
        f"{built} of {total} claims were requested with platformctl provision "
        "(its managed-by label and request-id annotation)"
        + (f", {total - built} are hand-written manifests" if total > built else "")
        if total
        else "no claims found (GitOps claims folder and deploy/)",
        f"{_pct(golden)} were created from a golden path",
    ]
    if with_claims >= 0.25 and built * 2 >= total:
        level = 2
        reason = "teams request infrastructure themselves, mostly through platformctl provision"
    elif golden > 0 or total > 0:
        level = 1
        reason = (
            "shared templates and claims exist, but most claims are hand-written manifests"
            if with_claims >= 0.25
            else "shared templates exist, but few repositories request infrastructure by claim"
        )
    else:
        level = 0
        reason = "no golden-path repositories and no claims"
    why.append(reason + " (integrated services, the top level, needs your judgement)")
    return Proposal("interfaces", LEVELS[level], why)


def _operations(evidence: Evidence) -> Proposal:
    n = len(evidence.repositories)
    scored = evidence.scored
    if not scored:
        why = [f"no scorecard applies to any of {n} repositories (platformctl check)"]
        failed = [r.name for r in evidence.repositories if r.check_error]
        if failed:
            why.append(f"check could not run in {len(failed)}: {', '.join(failed[:5])}")
        why.append("capabilities are not tracked against shared standards: provisional")
        return Proposal("operations", LEVELS[0], why)
    compliant = sum(1 for r in scored if r.compliant) / len(scored)
    scores = [r.mean_score for r in scored if r.mean_score is not None]
    mean = sum(scores) / len(scores) if scores else 0.0
    latest = evidence.latest_share
    why = [
        f"platformctl check scores {len(scored)} of {n} repositories against scorecards "
        f"(mean score {mean:.0f}/100)",
        f"{_pct(compliant)} of those are compliant with every scorecard that applies",
    ]
    if latest is not None:
        why.append(f"{_pct(latest)} of the golden-path repositories are on its latest version")
    if compliant >= 0.5 and (latest is None or latest >= 0.5):
        level = 2
        why.append(
            "most repositories meet the standards and take upgrades themselves: scalable "
            "(managed services with SLOs, the top level, needs your judgement)"
        )
    else:
        level = 1
        why.append(
            "tracked centrally, but fewer than half are compliant or on the latest version: "
            "operational"
        )
    return Proposal("operations", LEVELS[level], why)


def _measurement(dora: DoraData) -> Proposal:
    why = [f"DORA data: {source}" for source in dora.sources]
    if dora.report and dora.keys:
        why.append(f"a metrics dora report measures {len(dora.keys)} of the 4 keys "
                   f"({', '.join(dora.keys)})")
        if len(dora.keys) == len(DORA_KEYS):
            level = 2
            why.append("all four keys are measured and analysed: scalable (combining them with "
                       "developer feedback, the top level, needs your judgement)")
        else:
            level = 1
            why.append("some keys are measured: operational")
    elif dora.deployments or dora.incidents:
        level = 1
        have = [f"{dora.deployments} deployments"] + (
            [f"{dora.incidents} incidents"] if dora.incidents else ["no incidents"]
        )
        why.append(
            f"delivery data is collected ({', '.join(have)}"
            f"{', services ' + ', '.join(dora.services[:5]) if dora.services else ''}): "
            "operational; a metrics dora report with all four keys shows it is analysed"
        )
    else:
        level = 0
        why.append("the DORA files hold no deployments or incidents: provisional")
    return Proposal("measurement", LEVELS[level], why)


# -- answers and the result ------------------------------------------------------------------


def level_of(value: Any) -> str | None:
    """A level from its name (any case) or number 1-4."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and 1 <= value <= len(LEVELS):
        return LEVELS[value - 1]
    if isinstance(value, str):
        text = value.strip().lower()
        if text in LEVELS:
            return text
        if text.isdigit() and 1 <= int(text) <= len(LEVELS):
            return LEVELS[int(text) - 1]
    return None


def parse_answers(path: str | Path, model: Model) -> dict[str, str]:
    """``{aspect: level}`` (name or 1-4), optionally under ``answers:``; YAML or JSON."""
    from platformctl.core import yamlio

    display = str(path)
    doc = yamlio.load_one(path, display=display, allow_empty=False)
    data = yamlio.expect_mapping(doc, display)
    prefix: tuple[Any, ...] = ()
    if isinstance(data.get("answers"), dict):
        data, prefix = data["answers"], ("answers",)
    answers = {}
    for key, value in data.items():
        line, column = doc.position((*prefix, key))
        if model.aspect(str(key)) is None:
            known = ", ".join(a.id for a in model.aspects)
            raise InputFileError(
                f"unknown aspect {key!r}", hint=f"aspects: {known}", file=display, line=line,
                column=column,
            )
        if value is None or value == "skip":
            continue
        level = level_of(value)
        if level is None:
            raise InputFileError(
                f"{key}: {value!r} is not a level",
                hint=f"use one of {', '.join(LEVELS)} (or 1-4)",
                file=display,
                line=line,
                column=column,
            )
        answers[str(key)] = level
    return answers


@dataclass(frozen=True)
class AspectResult:
    aspect: str
    title: str
    level: str | None  # None: skipped
    score: int | None  # 1-4
    description: str
    next_level: str | None
    next_steps: list[str]
    proposed: str | None = None
    why: list[str] = field(default_factory=list)
    previous: str | None = None  # the level at the last recorded assessment
    movement: int | None = None  # score now - score then


@dataclass
class Assessment:
    title: str
    date: str
    aspects: list[AspectResult]
    overall: str | None  # the weakest aspect's level: a platform is as mature as its weakest
    mean_score: float | None
    skipped: list[str]
    evidence: Evidence | None = None
    previous_date: str | None = None


def assess(
    model: Model,
    answers: dict[str, str],
    *,
    proposals: list[Proposal] | None = None,
    history: list[dict[str, Any]] | None = None,
    date: str | None = None,
    evidence: Evidence | None = None,
) -> Assessment:
    by_aspect = {p.aspect: p for p in proposals or []}
    last = history[-1] if history else None
    then: dict[str, str] = (last or {}).get("levels", {}) if last else {}
    results = []
    for aspect in model.aspects:
        level = answers.get(aspect.id)
        score = LEVELS.index(level) + 1 if level else None
        nxt = LEVELS[score] if score is not None and score < len(LEVELS) else None
        proposal = by_aspect.get(aspect.id)
        before = level_of(then.get(aspect.id)) if then else None
        results.append(
            AspectResult(
                aspect=aspect.id,
                title=aspect.title,
                level=level,
                score=score,
                description=aspect.levels[level] if level else "",
                next_level=nxt,
                next_steps=list(aspect.next_steps.get(level, [])) if level and nxt else [],
                proposed=proposal.level if proposal else None,
                why=list(proposal.why) if proposal else [],
                previous=before,
                movement=(score - (LEVELS.index(before) + 1)) if score and before else None,
            )
        )
    scores = [r.score for r in results if r.score is not None]
    overall = LEVELS[min(scores) - 1] if scores else None
    return Assessment(
        title=model.title,
        date=date or datetime.now(UTC).strftime("%Y-%m-%d"),
        aspects=results,
        overall=overall,
        mean_score=sum(scores) / len(scores) if scores else None,
        skipped=[r.aspect for r in results if r.level is None],
        evidence=evidence,
        previous_date=str(last.get("date")) if last else None,
    )


def missing(model: Model, answers: dict[str, str]) -> list[str]:
    return [a.id for a in model.aspects if a.id not in answers]


# -- history ---------------------------------------------------------------------------------


def read_history(path: str | Path) -> list[dict[str, Any]]:
    """The assessments recorded so far (``--record FILE``, JSON); none when the file is new."""
    target = Path(path)
    if not target.exists():
        return []
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"cannot read the history: {exc}", file=str(path)) from exc
    except json.JSONDecodeError as exc:
        raise InputFileError(
            f"not a history file: {exc.msg}", file=str(path), line=exc.lineno, column=exc.colno
        ) from exc
    entries = data.get("assessments") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get("levels"), dict) for e in entries
    ):
        raise InputFileError(
            'not a history file: expected {"assessments": [{"date": ..., "levels": {...}}]}',
            file=str(path),
            line=1,
        )
    return entries


def history_entry(result: Assessment) -> dict[str, Any]:
    return {
        "date": result.date,
        "levels": {r.aspect: r.level for r in result.aspects if r.level},
        "overall": result.overall,
    }


def history_text(history: list[dict[str, Any]], result: Assessment) -> str:
    """The history file with this assessment appended (the caller writes it)."""
    body = {"version": 1, "assessments": [*history, history_entry(result)]}
    return json.dumps(body, indent=2) + "\n"


def to_plain(result: Assessment) -> dict[str, Any]:
    return asdict(result)
