"""`platformctl assess`: answers file, evidence, --no-input, history, radar chart, formats; the
question loop (back and skip) with a scripted asker."""

from __future__ import annotations

import json
import os
from xml.etree import ElementTree

import pytest

ALL = (
    "investment: operational\nadoption: 3\ninterfaces: scalable\noperations: provisional\n"
    "measurement: operational\n"
)


@pytest.fixture
def answers(tmp_path):
    path = tmp_path / "answers.yaml"
    path.write_text(ALL)
    return path


def test_text_report(cli, answers):
    result = cli("assess", "--answers", answers)
    assert result.exit_code == 0, result.output
    assert "overall: provisional (the weakest aspect: Operations); mean level 2.2 of 4" in (
        result.stdout
    )
    assert "Operations   provisional -> operational  Track every capability" in result.stdout


def test_json_markdown_csv_prometheus(cli, answers):
    data = json.loads(cli("assess", "--answers", answers, "-f", "json").stdout)
    assert data["version"] == 1 and data["tool"]["command"] == "assess"
    assert data["kind"] == "assessment" and data["overall"] == "provisional"
    assert [a["score"] for a in data["aspects"]] == [2, 3, 3, 1, 2]
    md = cli("assess", "--answers", answers, "-f", "markdown").stdout
    assert md.startswith("# Platform engineering maturity")
    assert "| Adoption | scalable (3/4) |" in md
    csv_out = cli("assess", "--answers", answers, "-f", "csv").stdout.splitlines()
    assert csv_out[0] == "aspect,level,score,next_level,proposed,previous"
    assert csv_out[2] == "adoption,scalable,3,optimizing,,"
    prom = cli("assess", "--answers", answers, "-f", "prometheus").stdout.splitlines()
    assert 'platform_maturity_level{aspect="operations"} 1' in prom


def test_no_input_names_what_is_missing(cli, tmp_path):
    partial = tmp_path / "a.yaml"
    partial.write_text("investment: 2\nadoption: 2\n")
    result = cli("assess", "--answers", partial, "--no-input")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "error: missing answers for: interfaces, operations, measurement"
    )
    assert "--answers FILE" in result.stderr


def test_bad_answers_file_is_one_line_with_position(cli, tmp_path):
    bad = tmp_path / "a.yaml"
    bad.write_text("investment: 2\nadoption: 7\n")
    result = cli("assess", "--answers", bad)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == f"error: adoption: 7 is not a level ({bad}:2:11)"


def test_record_shows_movement_and_chart(cli, answers, tmp_path):
    history = tmp_path / "history.json"
    svg = tmp_path / "radar.svg"
    assert cli("assess", "--answers", answers, "--record", history).exit_code == 0
    better = tmp_path / "better.yaml"
    better.write_text(ALL.replace("operations: provisional", "operations: scalable"))
    result = cli("assess", "--answers", better, "--record", history, "--chart", svg, "-f", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    ops = next(a for a in data["aspects"] if a["aspect"] == "operations")
    assert (ops["previous"], ops["movement"]) == ("provisional", 2)
    assert len(json.loads(history.read_text())["assessments"]) == 2
    root = ElementTree.parse(svg).getroot()  # well-formed XML
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = {"".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")}
    axes = {"Investment", "Adoption", "Interfaces", "Operations", "Measurement"}
    assert {"Maturity by aspect", *axes} <= texts  # title and axis labels, as text
    assert any(t.startswith("previous (") for t in texts)  # both series in the legend


def test_png_chart_is_a_png_of_the_stated_size(cli, answers, tmp_path):
    import struct

    from PIL import Image

    history = tmp_path / "history.json"
    assert cli("assess", "--answers", answers, "--record", history).exit_code == 0
    better = tmp_path / "better.yaml"
    better.write_text(ALL.replace("operations: provisional", "operations: scalable"))
    png = tmp_path / "radar.png"
    result = cli("assess", "--answers", better, "--record", history, "--chart", png)
    assert result.exit_code == 0, result.output
    assert f"wrote {png}" in result.stderr
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    assert struct.unpack(">II", data[16:24]) == (520, 560)  # size x size + 40 (title, legend)
    image = Image.open(png)
    assert (image.format, image.size) == ("PNG", (520, 560))
    image = image.convert("RGB")  # decodes the whole file: not truncated
    colours = {colour for _, colour in image.getcolors(maxcolors=1 << 20) or []}
    # the two series: this assessment's blue and the previous one's grey, on white
    assert (255, 255, 255) in colours
    assert (9, 105, 218) in colours and (140, 149, 159) in colours
    assert not list(tmp_path.glob(".radar.png.*"))  # no temporary file left behind
    umask = os.umask(0)
    os.umask(umask)
    assert png.stat().st_mode & 0o777 == 0o666 & ~umask  # a normal file's mode, not mkstemp's


def test_chart_file_type(cli, answers, tmp_path):
    result = cli("assess", "--answers", answers, "--chart", tmp_path / "r.jpg")
    assert result.exit_code == 2
    assert "must end in .svg or .png" in result.stderr


def _repo(folder, name, files):
    import subprocess

    repo = folder / name
    repo.mkdir(parents=True)
    for rel, text in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@e.com",
                    "commit", "-qm", "init"], check=True)  # fmt: skip
    return repo


def test_evidence_from_repositories(cli, tmp_path):
    repos = tmp_path / "repos"
    catalog = "kind: Component\n"
    _repo(repos, "a", {
        "catalog-info.yaml": catalog,
        ".copier-answers.yml":
            "_src_path: git+platformctl:golden-paths/python-service\n_commit: v1.2.0\n",
    })  # fmt: skip
    _repo(repos, "b", {"catalog-info.yaml": catalog})
    rest = tmp_path / "rest.yaml"
    rest.write_text("investment: 1\noperations: 1\nmeasurement: 1\n")
    result = cli("assess", "--repos", repos, "--accept-proposed", "--answers", rest, "-f", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    by = {a["aspect"]: a for a in data["aspects"]}
    # 1 of 2 on a golden path (50 %), 2 of 2 in the catalog -> lower share 50 % -> scalable
    assert by["adoption"]["level"] == by["adoption"]["proposed"] == "scalable"
    # a golden path but no claims -> standard tooling
    assert by["interfaces"]["level"] == "operational"
    # the answers win over a proposal; check ran in both repositories through the core API
    assert by["operations"]["level"] == "provisional"
    assert by["operations"]["proposed"] == "operational"
    first = data["evidence"]["repositories"][0]
    assert first["latest"] is True and "production-readiness" in first["scorecards"]
    assert "running platformctl check in 2 repositories" in result.stderr
    assert cli("assess", "--accept-proposed", "--no-input").exit_code == 2


def test_evidence_from_the_inventory_and_dora_data(cli, tmp_path):
    repo = _repo(tmp_path / "clones", "orders", {
        "catalog-info.yaml": "kind: Component\n",
        "infra/claims/db.yaml":
            "apiVersion: platform.example.com/v1alpha1\nkind: DatabaseClaim\n"
            "metadata:\n  name: orders\n  labels: {app.kubernetes.io/managed-by: platformctl}\n"
            "spec: {}\n",
    })  # fmt: skip
    inventory = tmp_path / "repos.yaml"
    inventory.write_text(f"- url: {repo}\n  owner: team-a\n")
    deployments = tmp_path / "deployments.json"
    deployments.write_text(json.dumps([
        {"id": "d1", "service": "orders", "environment": "production", "result": "SUCCESS",
         "commit_sha": "a" * 40, "finished_date": "2026-01-06T10:00:00Z"},
    ]))  # fmt: skip
    answers = tmp_path / "a.yaml"
    answers.write_text("investment: 2\noperations: 2\n")
    result = cli(
        "assess", "--inventory", inventory, "--no-check", "--deployments", deployments,
        "--answers", answers, "--accept-proposed", "--no-input",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = result.stdout
    # interfaces: the one repository holds a claim built by platformctl provision
    assert "Interfaces scalable, Operations operational, Measurement operational" in out
    assert "1 of 1 claims were requested with platformctl provision (its managed-by" in out
    assert f"DORA data: {deployments}: 1 deployments (devlake)" in out
    assert "no evidence this tool can see for: Investment, Operations" in out
    assert f"Repositories (inventory {inventory})" in out
    assert "running platformctl check" not in result.stderr  # --no-check


def test_a_bad_dora_report_is_exit_2(cli, tmp_path, answers):
    bad = tmp_path / "dora.json"
    bad.write_text("[]")
    result = cli("assess", "--answers", answers, "--dora-report", bad)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == f"error: not a metrics dora report ({bad}:1)"


def test_question_loop_back_and_skip():
    from platformctl.cli.assess import BACK, SKIP, ask_all
    from platformctl.core.insights import maturity

    model = maturity.load_model()
    proposals = [maturity.Proposal("adoption", "scalable", ["50% on a golden path"])]
    script = iter(["operational", "optimizing", BACK, "scalable", SKIP, "provisional", "1"])
    asked: list[tuple[str, str | None, list[str]]] = []
    shown: list[str] = []

    def ask(message, choices, default):
        asked.append((message, default, [value for value, _ in choices]))
        answer = next(script)
        return maturity.LEVELS[0] if answer == "1" else answer

    result = ask_all(model, {}, proposals, ask, shown.append)
    assert result == {
        "investment": "operational",
        "adoption": "scalable",
        "operations": "provisional",
        "measurement": "provisional",
    }
    # the first question has no "back"; the proposal is the default and its reasons are shown
    assert BACK not in asked[0][2] and BACK in asked[1][2]
    assert asked[1][1] == "scalable"
    assert "    - 50% on a golden path" in shown
    # after "back", adoption is asked again with the answer given before as the default
    assert asked[3][0].startswith("Adoption") and asked[3][1] == "optimizing"
