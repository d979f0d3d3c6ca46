"""The HTML reports (metrics dora, survey analyze, assess) in a real browser: headless Chromium
with the network unavailable to the page (every request goes to a dead proxy and every host
name fails to resolve), so the charts render only if plotly.js and the data are inline.
Run by `nox -s reports` (pytest -m browser), which installs Debian's chromium when
/usr/bin/chromium is missing."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

OFFLINE = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--proxy-server=http://127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("chromium is not installed: run `nox -s reports` (it installs it with apt-get)")
    return found


def _browse(page: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    return subprocess.run(
        [_chromium(), *OFFLINE, f"--user-data-dir={profile}", *extra, page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )


def _chart(dom: str, index: int) -> str:
    start = dom.index(f'id="chart-{index}"')
    end = dom.find('id="chart-', start + 1)
    return dom[start:] if end == -1 else dom[start:end]


def test_html_report_charts_render_offline(cli, dora_world, tmp_path):
    page = tmp_path / "dora.html"
    result = cli(
        "metrics", "dora", "--repo", dora_world["repo"], "--deployments",
        dora_world["deployments"], "--incidents", dora_world["incidents"],
        "--since", "2026-01-05", "--until", "2026-01-19",
        "--service-path", "api=services/api", "--service-path", "web=services/web",
        "--format", "html", "--output", page,
    )
    assert result.exit_code == 0, result.output
    html = page.read_text()
    assert not re.search(r"""<(script|link)[^>]*(src|href)=["']?https?:""", html)

    proc = _browse(page, tmp_path, "--dump-dom")
    dom = proc.stdout
    assert proc.returncode == 0, proc.stderr[-2000:]
    # plotly replaced each chart's empty div with its SVG drawing
    for index in range(4):
        chart = _chart(dom, index)
        assert 'class="main-svg"' in chart, f"chart {index} did not render"
    # deployments per week: one bar per week (3 and 2 deployments)
    bars = _chart(dom, 0)
    assert bars.count('class="point"') == 2
    # lead time, failure rate and recovery: a line through the two weekly points
    for index in (1, 2, 3):
        assert 'class="js-line"' in _chart(dom, index), f"chart {index} has no line"
    # the bands are shaded behind the data, with their names: the failure rate (weekly 33% and
    # 67%) spans elite (to 5%), high (to 20%) and low; lead time (weekly medians 15.5 h and
    # 2.5 h) stays inside elite (under a day)
    rate = _chart(dom, 2)
    for band in ("elite", "high", "low"):
        assert f'data-unformatted="{band}"' in rate, band
    assert 'data-unformatted="low"' not in _chart(dom, 1)
    assert 'data-unformatted="elite"' in _chart(dom, 1)

    shot = tmp_path / "dora.png"
    proc = _browse(page, tmp_path, f"--screenshot={shot}", "--window-size=1200,1400")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 50_000  # a page of charts, not a blank one


def test_survey_html_report_charts_render_offline(cli, tmp_path):
    """`survey analyze --format html`: the NPS composition, category means, answer
    distribution and theme charts render offline; a screenshot is a page of charts."""
    export = tmp_path / "responses.csv"
    export.write_text(
        "Timestamp,Team,nps,satisfaction_overall,documentation_find,improve\n"
        "2026-11-01,a,10,5,4,more docs please\n"
        "2026-11-01,a,9,4,2,builds are slow\n"
        "2026-11-01,a,6,2,3,\n"
        "2026-11-02,a,7,3,1,the docs are out of date\n"
        "2026-11-02,a,8,4,2,\n"
    )
    page = tmp_path / "survey.html"
    result = cli("survey", "analyze", export, "--format", "html", "--output", page)
    assert result.exit_code == 0, result.output
    html = page.read_text()
    assert not re.search(r"""<(script|link)[^>]*(src|href)=["']?https?:""", html)

    proc = _browse(page, tmp_path, "--dump-dom")
    dom = proc.stdout
    assert proc.returncode == 0, proc.stderr[-2000:]
    for index in range(4):
        assert 'class="main-svg"' in _chart(dom, index), f"chart {index} did not render"
    # NPS composition: three stacked bars (detractors, passives, promoters) for one survey
    assert _chart(dom, 0).count('class="point"') == 3
    # category means: satisfaction and documentation carry answers in this export
    assert _chart(dom, 1).count('class="point"') >= 2
    # themes: documentation (2 answers) and speed (1)
    themes = _chart(dom, 3)
    assert 'data-unformatted="documentation"' in themes
    assert 'data-unformatted="speed"' in themes

    shot = tmp_path / "survey.png"
    proc = _browse(page, tmp_path, f"--screenshot={shot}", "--window-size=1200,1400")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 50_000


def test_assess_html_radar_renders_offline(cli, tmp_path):
    """`assess --format html`: the radar chart (this assessment over the previous one) renders
    offline with a filled polygon per series and the aspects around it."""
    answers = tmp_path / "answers.yaml"
    history = tmp_path / "history.json"
    answers.write_text(
        "investment: 1\nadoption: 2\ninterfaces: 2\noperations: 1\nmeasurement: 1\n"
    )
    assert cli("assess", "--answers", answers, "--record", history).exit_code == 0
    answers.write_text(
        "investment: 2\nadoption: 3\ninterfaces: 3\noperations: 2\nmeasurement: 2\n"
    )
    page = tmp_path / "assess.html"
    result = cli("assess", "--answers", answers, "--record", history, "-f", "html", "-o", page)
    assert result.exit_code == 0, result.output
    assert not re.search(r"""<(script|link)[^>]*(src|href)=["']?https?:""", page.read_text())

    proc = _browse(page, tmp_path, "--dump-dom")
    assert proc.returncode == 0, proc.stderr[-2000:]
    radar = _chart(proc.stdout, 0)
    assert 'class="main-svg"' in radar
    assert radar.count('class="trace scatter') >= 2  # previous and this assessment
    for aspect in ("Investment", "Adoption", "Interfaces", "Operations", "Measurement"):
        assert f'data-unformatted="{aspect}"' in radar, aspect

    shot = tmp_path / "assess.png"
    proc = _browse(page, tmp_path, f"--screenshot={shot}", "--window-size=1200,1000")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert shot.stat().st_size > 30_000
