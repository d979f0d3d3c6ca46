"""``platformctl survey analyze`` as one call: read the template and the exports, count the
developers asked (a number, or the members of Backstage Groups) and analyse."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformctl.core.insights.survey.analysis import SurveyResult, analyze
from platformctl.core.insights.survey.template import DEFAULT_MIN_TEAM


@dataclass
class SurveyRun:
    result: SurveyResult
    warnings: list[str] = field(default_factory=list)  # about the answers and the count


def analysis_warnings(result: SurveyResult) -> list[str]:
    """More respondents than developers; answers left out (--skip-invalid); columns not in the
    template."""
    warnings = []
    if result.response_rate is not None and result.response_rate > 1:
        warnings.append(
            f"{result.respondents} respondents but only {result.developers} developers: "
            "check the developer count"
        )
    for answer in result.invalid:
        warnings.append(f"{answer.where()}: respondent {answer.record}: {answer.reason} (left out)")
    if result.ignored_columns:
        warnings.append(
            "columns not in the survey template were ignored: "
            + ", ".join(repr(c) for c in result.ignored_columns)
        )
    return warnings


def analyze_files(
    responses: Path,
    *,
    template: Path | None = None,
    previous: Path | None = None,
    developers: int | None = None,
    developer_groups: list[str] | None = None,
    config: Callable[[], Any] | None = None,
    min_team: int = DEFAULT_MIN_TEAM,
    skip_invalid: bool = False,
    warn: Callable[[str], None] | None = None,
    info: Callable[[str], None] | None = None,
) -> SurveyRun:
    """Analyse the RESPONSES export (and the PREVIOUS one) against TEMPLATE (default: the
    embedded one).  The developer count is DEVELOPERS, or the members of DEVELOPER_GROUPS in
    the Backstage catalog of ``config()`` (called only then); ``warn``/``info`` hear about the
    groups as soon as they are counted (before the analysis, which can still fail)."""
    from platformctl.core.errors import UsageError
    from platformctl.core.insights.survey.responses import read_responses
    from platformctl.core.insights.survey.template import load_template

    if developers is not None and developer_groups:
        raise UsageError("pass --developers or --developers-from-group, not both")
    questions = load_template(template)
    current = read_responses(responses, questions, skip_invalid=skip_invalid)
    before = (
        read_responses(previous, questions, skip_invalid=skip_invalid)
        if previous is not None
        else None
    )
    if developer_groups:
        from platformctl.core.insights.people import count_developers

        if config is None:
            raise UsageError("counting --developers-from-group needs the configuration")
        members = count_developers(list(developer_groups), config=config())
        if members.missing and warn is not None:
            warn(f"not Groups in the Backstage catalog: {', '.join(members.missing)}")
        if not members.users:
            raise UsageError(
                f"no members in {', '.join(developer_groups)} in the Backstage catalog",
                hint="pass --developers N instead",
            )
        developers = len(members.users)
        if info is not None:
            info(f"{developers} developers: members of {len(members.groups)} groups in the catalog")
    result = analyze(current, questions, developers=developers, min_team=min_team, previous=before)
    return SurveyRun(result, analysis_warnings(result))
