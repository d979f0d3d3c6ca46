"""Developer-experience surveys: the template, reading a form tool's export, and the analysis.

Plain data in, plain data out: ``load_template`` and ``read_responses`` read files (raising
``InputFileError`` with file:line on bad input); ``analyze`` is pure.

NPS follows the standard definition: promoters answer 9-10, passives 7-8, detractors 0-6;
NPS = %promoters - %detractors, from -100 to 100. Its 95 % confidence interval is the Wald
interval of a difference of two multinomial proportions:
``var(NPS/100) = (p_promoters + p_detractors - (p_promoters - p_detractors)**2) / n``,
``NPS +- z(0.975) * 100 * sqrt(var)``, clamped to -100..100 (z from ``statistics.NormalDist``).

* ``template``   the questions (``load_template``, ``template_csv``)
* ``responses``  reading a form tool's export (``read_responses``)
* ``stats``      NPS and its confidence interval, means
* ``analysis``   ``analyze`` and the result model

Every name stays importable from ``platformctl.core.insights.survey``."""

from __future__ import annotations

from platformctl.core.insights.survey.analysis import (
    CategoryStats,
    Change,
    SurveyResult,
    TeamStats,
    Theme,
    _likert,
    _nps_scores,
    _teams,
    _themes,
    analyze,
)
from platformctl.core.insights.survey.responses import (
    _NUMBER,
    TEAM_TITLES,
    TIMESTAMP_TITLES,
    InvalidAnswer,
    Record,
    Response,
    Responses,
    _blank,
    _collect,
    _csv_records,
    _json_records,
    _looks_json,
    _norm,
    _score,
    map_column,
    read_responses,
)
from platformctl.core.insights.survey.stats import (
    Nps,
    _delta,
    _mean,
    nps,
)
from platformctl.core.insights.survey.template import (
    CATEGORIES,
    DEFAULT_MIN_TEAM,
    NO_TEAM,
    OTHER_TEAM,
    SCALES,
    Question,
    Survey,
    default_template_path,
    load_template,
    template_csv,
    template_text,
)

__all__ = [
    "CATEGORIES",
    "CategoryStats",
    "Change",
    "DEFAULT_MIN_TEAM",
    "InvalidAnswer",
    "NO_TEAM",
    "Nps",
    "OTHER_TEAM",
    "Question",
    "Record",
    "Response",
    "Responses",
    "SCALES",
    "Survey",
    "SurveyResult",
    "TEAM_TITLES",
    "TIMESTAMP_TITLES",
    "TeamStats",
    "Theme",
    "_NUMBER",
    "_blank",
    "_collect",
    "_csv_records",
    "_delta",
    "_json_records",
    "_likert",
    "_looks_json",
    "_mean",
    "_norm",
    "_nps_scores",
    "_score",
    "_teams",
    "_themes",
    "analyze",
    "default_template_path",
    "load_template",
    "map_column",
    "nps",
    "read_responses",
    "template_csv",
    "template_text",
]
