"""core/insights/maturity.py: the questionnaire, evidence, levels, history; the radar SVG."""

from __future__ import annotations

import json
import re

import pytest

from platformctl.core import charts
from platformctl.core.errors import InputFileError
from platformctl.core.insights import maturity
from platformctl.core.insights.maturity_report import build, radar


@pytest.fixture(scope="module")
def model():
    return maturity.load_model()


def test_embedded_model_has_the_cncf_aspects_and_levels(model):
    assert [a.id for a in model.aspects] == list(maturity.ASPECTS)
    assert model.levels == maturity.LEVELS
    for aspect in model.aspects:
        assert set(aspect.levels) == set(maturity.LEVELS)
        # every level below the top has steps to the next one
        assert set(aspect.next_steps) == set(maturity.LEVELS[:-1])


def test_levels_overall_is_the_weakest_and_gap(model):
    answers = {"investment": "operational", "adoption": "scalable", "interfaces": "optimizing",
               "operations": "provisional"}
    result = maturity.assess(model, answers, date="2026-12-01")
    by = {a.aspect: a for a in result.aspects}
    assert by["adoption"].score == 3 and by["adoption"].next_level == "optimizing"
    assert by["adoption"].next_steps == model.aspect("adoption").next_steps["scalable"]
    assert by["interfaces"].next_level is None and by["interfaces"].next_steps == []
    assert result.skipped == ["measurement"]
    assert result.overall == "provisional"
    assert result.mean_score == pytest.approx((2 + 3 + 4 + 1) / 4)


def test_movement_against_history(model):
    history = [{"date": "2026-06-01", "levels": {"adoption": "operational", "operations": 3}}]
    answers = {"adoption": "scalable", "operations": "operational", "investment": "scalable"}
    result = maturity.assess(model, answers, history=history)
    by = {a.aspect: a for a in result.aspects}
    assert (by["adoption"].previous, by["adoption"].movement) == ("operational", 1)
    assert (by["operations"].previous, by["operations"].movement) == ("scalable", -1)
    assert by["investment"].movement is None
    assert result.previous_date == "2026-06-01"


def test_history_round_trip(tmp_path, model):
    path = tmp_path / "history.json"
    assert maturity.read_history(path) == []
    result = maturity.assess(model, {"adoption": "scalable"}, date="2026-12-01")
    path.write_text(maturity.history_text([], result))
    history = maturity.read_history(path)
    assert history == [
        {"date": "2026-12-01", "levels": {"adoption": "scalable"}, "overall": "scalable"}
    ]
    path.write_text('{"assessments": [1]}')
    with pytest.raises(InputFileError, match="not a history file"):
        maturity.read_history(path)


def test_parse_answers_names_numbers_and_errors(tmp_path, model):
    path = tmp_path / "a.yaml"
    path.write_text("answers:\n  investment: 2\n  adoption: Scalable\n  operations: skip\n")
    assert maturity.parse_answers(path, model) == {
        "investment": "operational", "adoption": "scalable"
    }
    path.write_text("investment: 2\nadoption: great\n")
    with pytest.raises(InputFileError) as caught:
        maturity.parse_answers(path, model)
    assert caught.value.position.line == 2 and "'great' is not a level" in caught.value.message
    path.write_text("investmnet: 2\n")
    with pytest.raises(InputFileError, match="unknown aspect 'investmnet'"):
        maturity.parse_answers(path, model)


def test_model_replacement_is_validated(tmp_path):
    (tmp_path / "insights").mkdir()
    path = tmp_path / "insights" / "maturity.yaml"
    path.write_text("levels: [low, high]\naspects: []\n")
    assert maturity.model_path([tmp_path]) == path
    with pytest.raises(InputFileError) as caught:
        maturity.load_model(path)
    assert caught.value.position.line == 1


def test_report_formats_and_radar_svg(model):
    answers = dict(zip(maturity.ASPECTS, ["operational", "scalable", "scalable", "provisional",
                                          "optimizing"], strict=True))
    result = maturity.assess(model, answers, date="2026-12-01")
    doc = build(result)
    assert doc.headline[0].startswith("overall: provisional (the weakest aspect: Operations)")
    assert [(s.name, s.labels["aspect"], s.value) for s in doc.samples][:2] == [
        ("platform_maturity_level", "investment", 2.0),
        ("platform_maturity_level", "adoption", 3.0),
    ]
    svg = charts.radar_svg(radar(result))
    assert svg.startswith("<svg xmlns='http://www.w3.org/2000/svg'")
    # one grid ring per level plus the data polygon
    assert svg.count("<polygon") == 5
    data = re.findall(r"<polygon points='([^']+)' fill='#0969da'", svg)[0].split()
    # investment (first axis, straight up) at level 2 of 4: half the radius above the centre
    x, y = (float(v) for v in data[0].split(","))
    assert (x, y) == (260.0, pytest.approx(260 - 150 / 2, abs=0.1))
    assert json.loads(json.dumps(doc.data))["overall"] == "provisional"
