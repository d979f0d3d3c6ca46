"""`platformctl survey template|analyze`: every format, bad input, the change since last time.
Expected numbers are worked out by hand from the export below."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
import yaml

# Column titles as Google Forms writes them (question texts); "Email" is not a question.
HEADER = (
    "Timestamp,Which team are you on?,"
    "How likely are you to recommend the platform to a colleague?,"
    "satisfaction_overall,documentation_find,improve,Email"
)
ROWS = [
    # team, nps, satisfaction_overall, documentation_find, improve
    ("payments", 10, 5, 4, "more examples in the docs"),
    ("payments", 9, 4, 2, ""),
    ("payments", 8, 4, 3, "builds are slow"),
    ("payments", 6, 2, 1, "the docs are out of date"),
    ("payments", 7, 3, "", ""),
    ("search", 3, 1, 2, "I wait for a ticket to get a database"),
]
# NPS: promoters 10, 9 (2); passives 8, 7 (2); detractors 6, 3 (2) of 6 -> 0
# satisfaction mean: (5+4+4+2+3+1)/6 = 3.1667; documentation: (4+2+3+1+2)/5 = 2.4
# teams: payments 5 shown (NPS (2-1)/5 = +20); search 1 -> "other" has 1 < 5 -> hidden


def _export(path, rows=ROWS, header=HEADER):
    lines = [header]
    for team, score, sat, docs, text in rows:
        lines.append(f'2026-11-0{len(lines)},{team},{score},{sat},{docs},"{text}",x@example.com')
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def export(tmp_path):
    return _export(tmp_path / "responses.csv")


def test_template_yaml_reads_back_and_csv_header(cli, tmp_path):
    result = cli("survey", "template")
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(result.stdout)
    ids = [q["id"] for q in data["questions"]]
    assert "nps" in ids and data["themes"]
    result = cli("survey", "template", "--format", "csv")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [",".join(["timestamp", "team", *ids])]
    out = tmp_path / "survey.yaml"
    assert cli("survey", "template", "-o", out).exit_code == 0
    assert yaml.safe_load(out.read_text()) == data


def test_analyze_json(cli, export):
    result = cli("survey", "analyze", export, "--format", "json", "--developers", "12")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["version"] == 1 and data["tool"]["command"] == "survey analyze"
    assert data["kind"] == "survey"
    assert data["respondents"] == 6 and data["response_rate"] == 0.5
    nps = data["nps"]
    assert (nps["promoters"], nps["passives"], nps["detractors"], nps["score"]) == (2, 2, 2, 0)
    cats = {c["category"]: c for c in data["categories"]}
    assert cats["satisfaction"]["mean"] == pytest.approx(19 / 6)
    assert cats["documentation"]["mean"] == pytest.approx(2.4)
    assert cats["documentation"]["distribution"] == {"1": 1, "2": 2, "3": 1, "4": 1, "5": 0}
    # payments' likert answers: satisfaction 5+4+4+2+3, documentation 4+2+3+1 -> 28 / 9
    assert data["teams"] == [
        {"team": "payments", "respondents": 5, "nps": 20.0, "mean": pytest.approx(28 / 9),
         "merged_teams": 0}
    ]
    assert data["hidden_respondents"] == 1
    assert data["blank"] == {"documentation_find": 1, "improve": 2}
    themes = {t["name"]: t["mentions"] for t in data["themes"]}
    # "docs"/"examples" twice (rows 1, 4); "slow" and "wait" (speed); "ticket" (self-service)
    assert themes["documentation"] == 2 and themes["speed"] == 2 and themes["self-service"] == 1
    assert "Email" in result.stderr  # the ignored column is named


def test_analyze_text_and_markdown(cli, export):
    result = cli("survey", "analyze", export)
    assert result.exit_code == 0, result.output
    assert "NPS +0 (95% CI -65 to +65) from 6 answers" in result.stdout
    assert "payments" in result.stdout and "search" not in result.stdout
    md = cli("survey", "analyze", export, "--format", "markdown").stdout
    assert md.startswith("# Developer experience survey\n")
    assert "| satisfaction | 3.17 | 6 | 1 | 1 | 1 | 2 | 1 |" in md


def test_analyze_csv_long_format(cli, export):
    result = cli("survey", "analyze", export, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    by = {(r["measure"], r["group"], r["level"]): r["value"] for r in rows}
    assert by[("nps", "", "")] == "0.0"
    assert by[("category_answers", "documentation", "2")] == "2"
    assert by[("team_respondents", "payments", "")] == "5"


def test_analyze_prometheus(cli, export):
    result = cli("survey", "analyze", export, "--format", "prometheus", "--developers", "12")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "platform_developer_nps_score 0" in lines
    assert "platform_survey_responses_total 6" in lines
    assert "platform_survey_response_ratio 0.5" in lines
    assert 'platform_satisfaction_score{category="documentation"} 2.4' in lines
    assert "# TYPE platform_developer_nps_score gauge" in lines


def test_analyze_html_is_self_contained(cli, export, tmp_path):
    page = tmp_path / "survey.html"
    result = cli("survey", "analyze", export, "--format", "html", "--output", page)
    assert result.exit_code == 0, result.output
    html = page.read_text()
    # plotly.js mentions its CDN inside the library; no tag loads anything from the network
    assert not re.search(r"""<(script|link)[^>]*(src|href)=["']?https?:""", html)
    assert 'id="chart-0"' in html and "Net Promoter Score" in html


def test_previous_survey_change(cli, export, tmp_path):
    before = _export(tmp_path / "before.csv", [("payments", 2, 1, 1, "")] * 3 + [
        ("payments", 10, 5, 5, "")])
    # before: 1 promoter, 3 detractors of 4 -> -50; now 0 -> +50
    data = json.loads(cli("survey", "analyze", export, "--previous", before, "-f", "json").stdout)
    assert data["change"]["nps"] == 50
    assert data["change"]["responses"] == 2
    assert data["previous"]["nps"]["score"] == -50


def test_out_of_range_is_error_with_file_line(cli, tmp_path):
    bad = _export(tmp_path / "bad.csv", [*ROWS[:2], ("search", 11, 3, 3, "")])
    result = cli("survey", "analyze", bad)
    assert result.exit_code == 2
    first = result.stderr.splitlines()[0]
    assert first == (
        "error: respondent 3, column 'How likely are you to recommend the platform to a "
        f"colleague?': 11 is outside 0-10 ({bad}:4)"
    )
    result = cli("survey", "analyze", bad, "--skip-invalid", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["respondents"] == 3 and data["nps"]["respondents"] == 2
    assert data["invalid"][0]["line"] == 4
    assert f"{bad}:4: respondent 3" in result.stderr


def test_unreadable_and_unknown_format(cli, tmp_path, export):
    assert cli("survey", "analyze", tmp_path / "missing.csv").exit_code == 2
    result = cli("survey", "analyze", export, "--format", "sarif")
    assert result.exit_code == 2 and "unknown format" in result.stderr
    other = tmp_path / "other.csv"
    other.write_text("name,email\na,b\n")
    result = cli("survey", "analyze", other)
    assert result.exit_code == 2
    assert f"({other}:1)" in result.stderr.splitlines()[0]


def test_template_without_nps_and_export_without_answers(cli, tmp_path):
    template = tmp_path / "mini.yaml"
    template.write_text(
        "title: Mini\nquestions:\n  - {id: ease, text: Easy?, category: usability, "
        "scale: likert}\n"
    )
    export = tmp_path / "mini.csv"
    export.write_text("team,ease\na,4\na,2\n")
    data = json.loads(cli("survey", "analyze", export, "--template", template, "-f", "json")
                      .stdout)
    assert data["nps"] is None and data["categories"][0]["mean"] == 3
    prom = cli("survey", "analyze", export, "--template", template, "-f", "prometheus").stdout
    assert "platform_developer_nps_score" not in prom
    assert 'platform_satisfaction_score{category="usability"} 3' in prom.splitlines()
    export.write_text("team,ease\n")  # nobody answered yet
    for fmt in ("text", "html"):
        result = cli("survey", "analyze", export, "--template", template, "-f", fmt)
        assert result.exit_code == 0, result.output
    result = cli("survey", "analyze", export, "--template", template)
    assert "0 respondents" in result.stdout


@pytest.fixture
def catalog(monkeypatch):
    """Backstage's by-refs API (httpx MockTransport): engineering has the child groups payments
    (members by relation: ann, bob) and search (spec.members: bob, cid); "ghost" is missing."""
    import httpx

    from platformctl.core import backstage

    groups = {
        "group:default/engineering": {"kind": "Group", "metadata": {"name": "engineering"},
                                      "spec": {"children": ["payments", "group:default/search"]}},
        "group:default/payments": {
            "kind": "Group", "metadata": {"name": "payments"}, "spec": {"children": []},
            "relations": [{"type": "hasMember", "targetRef": "user:default/ann"},
                          {"type": "hasMember", "targetRef": "user:default/bob"},
                          {"type": "childOf", "targetRef": "group:default/engineering"}],
        },
        "group:default/search": {"kind": "Group", "metadata": {"name": "search"},
                                 "spec": {"members": ["bob", "user:default/cid"]}},
    }
    asked: list[list[str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/api/catalog/entities/by-refs"
        refs = json.loads(request.content)["entityRefs"]
        asked.append(refs)
        return httpx.Response(200, json={"items": [groups.get(r) for r in refs]})

    original = backstage.client_from_config

    def patched(*args, **kwargs):
        kwargs.setdefault("transport", httpx.MockTransport(handler))
        return original(*args, **kwargs)

    monkeypatch.setattr(backstage, "client_from_config", patched)
    monkeypatch.setenv("PLATFORMCTL_BACKSTAGE_URL", "http://backstage.test")
    return asked


def test_developers_from_catalog_groups(cli, export, catalog):
    result = cli("survey", "analyze", export, "--developers-from-group", "engineering",
                 "--developers-from-group", "ghost", "-f", "json")
    assert result.exit_code == 0, result.output
    # ann, bob (in both child groups: once) and cid -> 3 developers; 6 respondents -> 200 %
    assert json.loads(result.stdout)["developers"] == 3
    assert catalog == [
        ["group:default/engineering", "group:default/ghost"],
        ["group:default/payments", "group:default/search"],
    ]
    assert "not Groups in the Backstage catalog: group:default/ghost" in result.stderr
    assert "3 developers: members of 3 groups" in result.stderr
    assert "6 respondents but only 3 developers" in result.stderr


def test_developers_from_group_needs_backstage(cli, export):
    result = cli("survey", "analyze", export, "--developers-from-group", "engineering")
    assert result.exit_code == 2 and "no Backstage URL configured" in result.stderr
    result = cli("survey", "analyze", export, "--developers", "3",
                 "--developers-from-group", "engineering")
    assert result.exit_code == 2 and "not both" in result.stderr
