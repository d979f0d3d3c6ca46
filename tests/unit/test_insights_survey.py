"""core/insights/survey.py on plain data: NPS, categories, teams, themes, reading exports.
Expected values are computed by hand in the comments."""

from __future__ import annotations

import json
import math

import pytest

from platformctl.core.errors import InputFileError
from platformctl.core.insights import survey
from platformctl.core.insights.survey import Question, Response, Responses, Survey, nps


def test_nps_edges_6_7_8_9():
    # 6 is a detractor, 7 and 8 passives, 9 a promoter: (1 - 1) / 4 = 0
    result = nps([6, 7, 8, 9])
    assert (result.promoters, result.passives, result.detractors) == (1, 2, 1)
    assert result.score == 0
    # var = (1/4 + 1/4 - 0) / 4 = 0.125; half width = 1.959964 * 100 * sqrt(0.125) = 69.30
    assert result.ci_high == pytest.approx(69.2951, abs=1e-3)
    assert result.ci_low == pytest.approx(-69.2951, abs=1e-3)


def test_nps_all_promoters_and_clamped_interval():
    result = nps([9, 10, 10])
    assert result.score == 100
    # p = 1, d = 0: variance 0, interval collapses to the score
    assert (result.ci_low, result.ci_high) == (100, 100)


def test_nps_mixed():
    # promoters 10, 9, 9 (3); passive 8 (1); detractors 0, 6 (2) of 6 -> (3 - 2) / 6 = 16.67
    result = nps([10, 9, 9, 8, 0, 6])
    assert result.score == pytest.approx(100 / 6)
    p, d = 3 / 6, 2 / 6
    half = 1.959964 * 100 * math.sqrt((p + d - (p - d) ** 2) / 6)
    assert result.ci_low == pytest.approx(100 / 6 - half, abs=1e-3)


def test_nps_without_answers():
    result = nps([])
    assert result.score is None and result.ci_low is None and result.respondents == 0


SURVEY = Survey(
    "t",
    [
        Question("rec", "How likely are you to recommend us?", "satisfaction", "nps"),
        Question("easy", "The platform is easy to use.", "usability", "likert"),
        Question("docs", "Docs are good.", "documentation", "likert"),
        Question("help", "Support helps.", "support", "likert"),
        Question("why", "Why?", "features", "open_text"),
    ],
    {"docs": ["docs", "documentation"], "speed": ["slow", "build time"]},
    "t.yaml",
)


def _rows(spec: list[tuple[str, dict]]) -> Responses:
    return Responses(
        "r.csv", [Response(i + 1, "", team, answers) for i, (team, answers) in enumerate(spec)],
        {},
    )


def test_categories_mean_distribution_and_empty_category():
    responses = _rows(
        [
            ("a", {"rec": 9, "easy": 5, "docs": 2}),
            ("a", {"rec": 3, "easy": 4}),
            ("a", {"easy": 1, "docs": 4}),
        ]
    )
    result = survey.analyze(responses, SURVEY, min_team=1)
    by = {c.category: c for c in result.categories}
    # usability: (5 + 4 + 1) / 3 = 3.333
    assert by["usability"].mean == pytest.approx(10 / 3)
    assert by["usability"].distribution == {1: 1, 2: 0, 3: 0, 4: 1, 5: 1}
    assert by["documentation"].mean == 3  # (2 + 4) / 2
    # support has a question but no answers: present, with no mean
    assert by["support"].answers == 0 and by["support"].mean is None
    # no likert question in satisfaction (only the nps one) or features: not listed
    assert set(by) == {"usability", "documentation", "support"}
    # nps from 2 answers: one promoter, one detractor
    assert result.nps is not None and result.nps.score == 0 and result.nps.respondents == 2


def test_single_team_survey():
    responses = _rows([("core", {"rec": 10, "easy": 4})] * 5)
    result = survey.analyze(responses, SURVEY)
    assert [(t.team, t.respondents, t.nps, t.mean) for t in result.teams] == [
        ("core", 5, 100, 4)
    ]
    assert result.hidden_respondents == 0


def test_anonymity_merge_into_other():
    # a: 5 respondents (shown); b: 2 and c: 3 -> merged "other" with 5 (shown, names withheld);
    # d: 1 more small team joins other -> 6
    spec = (
        [("a", {"rec": 9})] * 5
        + [("b", {"rec": 0, "easy": 2})] * 2
        + [("c", {"rec": 10, "easy": 4})] * 3
        + [("d", {"rec": 7})]
    )
    result = survey.analyze(_rows(spec), SURVEY, min_team=5)
    rows = {t.team: t for t in result.teams}
    assert set(rows) == {"a", "other"}
    other = rows["other"]
    assert (other.respondents, other.merged_teams) == (6, 3)
    # other: promoters 3 (c), detractors 2 (b), passive 1 (d) of 6 -> (3-2)/6 = 16.67
    assert other.nps == pytest.approx(100 / 6)
    assert other.mean == pytest.approx((2 * 2 + 3 * 4) / 5)
    assert result.hidden_respondents == 0


def test_small_teams_too_small_even_merged_are_hidden():
    spec = [("a", {"rec": 9})] * 5 + [("b", {"rec": 0})] * 2 + [("c", {"rec": 1})]
    result = survey.analyze(_rows(spec), SURVEY, min_team=5)
    assert [t.team for t in result.teams] == ["a"]
    assert result.hidden_respondents == 3


def test_themes_whole_words_any_case():
    spec = [
        ("a", {"why": "The DOCS are thin"}),
        ("a", {"why": "documentation and slow builds"}),
        ("a", {"why": "slowly improving"}),  # "slow" is not a whole word here
        ("a", {"why": "Build time!"}),
    ]
    result = survey.analyze(_rows(spec), SURVEY)
    assert [(t.name, t.mentions) for t in result.themes] == [("docs", 2), ("speed", 2)]
    assert result.open_answers == 4


def test_change_against_previous_and_response_rate():
    now = _rows([("a", {"rec": 10, "easy": 5}), ("a", {"rec": 9, "easy": 3})])
    before = _rows([("a", {"rec": 0, "easy": 2}), ("a", {"rec": 9, "easy": 2}),
                    ("a", {"rec": 8})])
    result = survey.analyze(now, SURVEY, developers=8, previous=before)
    assert result.response_rate == 0.25
    assert result.change is not None
    # now 100; before (1 - 1) / 3 = 0 -> +100
    assert result.change.nps == 100
    assert result.change.responses == -1
    assert result.change.categories["usability"] == 2  # 4 - 2
    assert result.change.categories["documentation"] is None


def test_embedded_template_is_valid_and_covers_every_category():
    template = survey.load_template()
    assert {q.category for q in template.questions} == set(survey.CATEGORIES)
    assert {q.scale for q in template.questions} == {"nps", "likert", "open_text"}
    assert template.nps_question is not None
    assert template.themes


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("rec", "rec"),
        ("How likely are you to recommend us?", "rec"),
        ("3. How likely are you to recommend us?", "rec"),
        ("Q3 The platform is easy to use.", "easy"),
        ("easy: The platform is easy to use.", "easy"),
        ("The platform is easy to use. [easy]", "easy"),
        ("How likely are you to recommend", "rec"),  # truncated, >= 20 characters
        ("How likely", None),  # too short to be sure
        ("Timestamp", "timestamp"),
        ("Which team are you on?", "team"),
        ("Email address", None),
    ],
)
def test_column_title_variants(title, expected):
    assert survey.map_column(title, SURVEY) == expected


def test_read_csv_blank_and_invalid(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(
        "\ufeffTimestamp,Team,rec,easy,why\n"
        "2026-11-01,a,10,5,fine\n"
        "2026-11-01,a,,4,\n"
        "2026-11-01,a,7,9,\n"
    )
    with pytest.raises(InputFileError) as caught:
        survey.read_responses(path, SURVEY)
    assert caught.value.position.line == 4
    assert "respondent 3, column 'easy': 9 is outside 1-5" in caught.value.message
    got = survey.read_responses(path, SURVEY, skip_invalid=True)
    assert [r.answers for r in got.rows] == [
        {"rec": 10, "easy": 5, "why": "fine"},
        {"easy": 4},
        {"rec": 7},
    ]
    assert got.blank == {"rec": 1, "why": 2}
    assert [(i.line, i.column, i.value) for i in got.invalid] == [(4, "easy", "9")]


def test_read_json_with_positions(tmp_path):
    path = tmp_path / "r.json"
    records = [{"team": "a", "rec": 9}, {"team": "a", "rec": "5 - meh"}, {"team": "b", "rec": -1}]
    path.write_text(json.dumps(records, indent=2))
    with pytest.raises(InputFileError) as caught:
        survey.read_responses(path, SURVEY)
    # the third object's "rec" is on line 12 of the indented JSON
    assert caught.value.position.line == 12
    assert "-1 is outside 0-10" in caught.value.message
    path.write_text(json.dumps({"responses": records[:2]}))
    got = survey.read_responses(path, SURVEY)
    assert [r.answers["rec"] for r in got.rows] == [9, 5]


def test_read_rejects_export_without_survey_columns(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("name,email\nx,y\n")
    with pytest.raises(InputFileError, match="no column matches a question"):
        survey.read_responses(path, SURVEY)


def test_template_errors_have_positions(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(
        "questions:\n  - id: a\n    text: A?\n    category: mood\n    scale: likert\n"
    )
    with pytest.raises(InputFileError) as caught:
        survey.load_template(path)
    assert "category 'mood'" in caught.value.message
    assert caught.value.position.line == 4


def test_analyze_files_reads_analyses_and_warns(tmp_path):
    from platformctl.core.errors import UsageError
    from platformctl.core.insights.survey.run import analyze_files

    path = tmp_path / "r.csv"
    path.write_text(
        "Timestamp,Team,nps,satisfaction_overall,extra\n"
        "2026-11-01,a,10,5,x\n"
        "2026-11-01,a,6,9,x\n"
        "2026-11-01,a,9,4,x\n"
    )
    run = analyze_files(path, developers=2, skip_invalid=True)
    assert run.result.respondents == 3 and run.result.developers == 2
    assert run.result.nps.score == pytest.approx(100 / 3)  # (2 - 1) / 3
    assert run.warnings[0] == "3 respondents but only 2 developers: check the developer count"
    assert any("9 is outside 1-5" in w and w.endswith("(left out)") for w in run.warnings)
    assert run.warnings[-1] == "columns not in the survey template were ignored: 'extra'"
    with pytest.raises(InputFileError):
        analyze_files(path)  # the out-of-range answer stops the run without skip_invalid
    with pytest.raises(UsageError, match="not both"):
        analyze_files(path, developers=2, developer_groups=["g"])
    # the catalog's configuration is asked for only when groups are counted
    assert analyze_files(path, skip_invalid=True, config=lambda: 1 / 0).result.developers is None
