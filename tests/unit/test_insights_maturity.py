"""core/insights/maturity.py: the questionnaire, evidence, levels, history; the radar SVG."""

from __future__ import annotations

import json
import math
from xml.etree import ElementTree

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
    root = ElementTree.fromstring(svg)  # well-formed XML
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = {"".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {"Maturity by aspect", *(a.title for a in result.aspects), *maturity.LEVELS} <= texts
    assert "this assessment (2026-12-01)" in texts  # the legend
    assert "fill: #0969da" in svg  # the one series, in its colour
    assert svg == charts.radar_svg(radar(result))  # no date, fixed ids: the same file twice
    assert json.loads(json.dumps(doc.data))["overall"] == "provisional"


def test_radar_geometry_and_png():
    """The first axis straight up, clockwise, values clamped to the scale; the PNG is
    ``size`` x ``size + 40``; fewer than three axes is an error."""
    from io import BytesIO

    from PIL import Image

    from platformctl.core.reports import Chart

    chart = Chart("t", ["a", "b", "c", "d"], [("s", [2.0, 9.0, None, -1.0])], "level",
                  kind="radar", y_max=4.0, colors=["#cf222e"])
    ax = charts._radar_figure(chart, 400).axes[0]
    assert (ax.get_theta_offset(), ax.get_theta_direction()) == (math.pi / 2, -1)
    assert ax.get_ylim() == (0, 4.0)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c", "d"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["1", "2", "3", "4"]
    (polygon,) = ax.patches
    assert polygon.get_xy()[:4, 1].tolist() == [2.0, 4.0, 0.0, 0.0]
    image = Image.open(BytesIO(charts.radar_png(chart, size=400)))
    assert image.format == "PNG" and image.size == (400, 440)
    assert (207, 34, 46) in {c[:3] for _, c in image.getcolors(maxcolors=1 << 20) or []}
    dollars = Chart("costs $5 and $6", ["a", "b", "c"], [("s", [1.0, 2.0, 3.0])], "level",
                    kind="radar")
    assert ">costs $5 and $6</text>" in charts.radar_svg(dollars)  # text, not mathtext
    with pytest.raises(ValueError, match="at least three axes"):
        charts.radar_svg(Chart("t", ["a", "b"], [("s", [1.0, 2.0])], "level", kind="radar"))
