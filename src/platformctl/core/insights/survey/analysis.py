"""``analyze``: responses -> ``SurveyResult`` (NPS, categories, teams with small ones merged,
themes of open answers, change since a previous run). Pure."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from platformctl.core.errors import UsageError
from platformctl.core.insights.survey.responses import InvalidAnswer, Response, Responses
from platformctl.core.insights.survey.stats import Nps, _delta, _mean, nps
from platformctl.core.insights.survey.template import (
    CATEGORIES,
    DEFAULT_MIN_TEAM,
    OTHER_TEAM,
    Survey,
)


@dataclass(frozen=True)
class CategoryStats:
    category: str
    questions: int  # likert questions in the category
    answers: int
    mean: float | None  # 1-5, None without answers
    distribution: dict[int, int]  # 1..5 -> answers


@dataclass(frozen=True)
class TeamStats:
    team: str
    respondents: int
    nps: float | None
    mean: float | None  # mean of every likert answer of the team
    merged_teams: int = 0  # for "other": how many small teams it merges (names withheld)


@dataclass(frozen=True)
class Theme:
    name: str
    mentions: int  # open-text answers that mention the theme


@dataclass(frozen=True)
class Change:
    responses: int
    nps: float | None
    categories: dict[str, float | None]


@dataclass
class SurveyResult:
    title: str
    respondents: int
    developers: int | None
    response_rate: float | None  # 0..1
    nps: Nps | None  # None when the template has no nps question
    categories: list[CategoryStats]
    teams: list[TeamStats]
    hidden_respondents: int  # in teams too small to show, even merged
    min_team: int
    themes: list[Theme]
    open_answers: int
    blank: dict[str, int]
    invalid: list[InvalidAnswer]
    ignored_columns: list[str]
    previous: SurveyResult | None = None
    change: Change | None = None


def _likert(rows: list[Response], survey: Survey, category: str | None = None) -> list[int]:
    ids = {
        q.id
        for q in survey.questions
        if q.scale == "likert" and (category is None or q.category == category)
    }
    return [int(v) for r in rows for k, v in r.answers.items() if k in ids]


def _nps_scores(rows: list[Response], survey: Survey) -> list[int] | None:
    question = survey.nps_question
    if question is None:
        return None
    return [int(r.answers[question.id]) for r in rows if question.id in r.answers]



def _teams(rows: list[Response], survey: Survey, min_team: int) -> tuple[list[TeamStats], int]:
    by_team: dict[str, list[Response]] = {}
    for row in rows:
        by_team.setdefault(row.team, []).append(row)
    shown: list[TeamStats] = []
    small: list[Response] = []
    small_teams: list[str] = []  # counted only: which teams were small is not reported
    for team in sorted(by_team):
        members = by_team[team]
        if len(members) < min_team:
            small.extend(members)
            small_teams.append(team)
            continue
        scores = _nps_scores(members, survey)
        shown.append(
            TeamStats(
                team,
                len(members),
                nps(scores).score if scores is not None else None,
                _mean(_likert(members, survey)),
            )
        )
    hidden = 0
    if small:
        if len(small) >= min_team:
            scores = _nps_scores(small, survey)
            shown.append(
                TeamStats(
                    OTHER_TEAM,
                    len(small),
                    nps(scores).score if scores is not None else None,
                    _mean(_likert(small, survey)),
                    merged_teams=len(small_teams),
                )
            )
        else:
            hidden = len(small)
    return shown, hidden


def _themes(rows: list[Response], survey: Survey) -> tuple[list[Theme], int]:
    open_ids = {q.id for q in survey.questions if q.scale == "open_text"}
    texts = [str(v) for r in rows for k, v in r.answers.items() if k in open_ids]
    themes = []
    for name, words in survey.themes.items():
        pattern = re.compile(
            r"\b(?:" + "|".join(re.escape(w.lower()) for w in words) + r")\b", re.IGNORECASE
        )
        mentions = sum(1 for text in texts if pattern.search(text))
        if mentions:
            themes.append(Theme(name, mentions))
    themes.sort(key=lambda t: (-t.mentions, t.name))
    return themes, len(texts)


def analyze(
    responses: Responses,
    survey: Survey,
    *,
    developers: int | None = None,
    min_team: int = DEFAULT_MIN_TEAM,
    previous: Responses | None = None,
) -> SurveyResult:
    if min_team < 1:
        raise UsageError("the minimum team size must be at least 1")
    if developers is not None and developers < 1:
        raise UsageError("the developer count must be at least 1")
    rows = responses.rows
    scores = _nps_scores(rows, survey)
    categories = []
    for category in CATEGORIES:
        count = sum(1 for q in survey.questions if q.category == category and q.scale == "likert")
        if not count:
            continue
        values = _likert(rows, survey, category)
        distribution = {level: 0 for level in range(1, 6)}
        distribution.update(Counter(values))
        categories.append(CategoryStats(category, count, len(values), _mean(values), distribution))
    teams, hidden = _teams(rows, survey, min_team)
    themes, open_answers = _themes(rows, survey)
    rate = None
    if developers is not None:
        rate = len(rows) / developers
    result = SurveyResult(
        title=survey.title,
        respondents=len(rows),
        developers=developers,
        response_rate=rate,
        nps=nps(scores) if scores is not None else None,
        categories=categories,
        teams=teams,
        hidden_respondents=hidden,
        min_team=min_team,
        themes=themes,
        open_answers=open_answers,
        blank=responses.blank,
        invalid=responses.invalid,
        ignored_columns=responses.ignored_columns,
    )
    if previous is not None:
        before = analyze(previous, survey, min_team=min_team)
        result.previous = before
        result.change = Change(
            responses=result.respondents - before.respondents,
            nps=_delta(
                result.nps.score if result.nps else None, before.nps.score if before.nps else None
            ),
            categories={
                c.category: _delta(
                    c.mean, next((b.mean for b in before.categories if b.category == c.category),
                                 None)
                )
                for c in result.categories
            },
        )
    return result
