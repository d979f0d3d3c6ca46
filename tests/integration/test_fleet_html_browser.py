"""The fleet HTML report in a real headless Chromium with the network unavailable to the page
(the same flags as the DORA report's test): the four charts render from inline plotly.js and
data. Run by `nox -s reports` (pytest -m browser)."""

from __future__ import annotations

import re

import pytest
from test_dora_html_browser import _browse, _chart

import fleet_fixture

pytestmark = pytest.mark.browser


def test_fleet_html_report_charts_render_offline(cli, fleet_world, tmp_path):
    inventory = fleet_fixture.inventory_yaml(tmp_path / "repos.yaml", fleet_world["remotes"])
    page = tmp_path / "fleet.html"
    result = cli("fleet", "status", "-i", inventory, "--format", "html", "--output", page)
    assert result.exit_code == 0, result.output
    html = page.read_text()
    assert not re.search(r"""<(script|link)[^>]*(src|href)=["']?https?:""", html)

    proc = _browse(page, tmp_path, "--dump-dom")
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    for index in range(4):
        assert 'class="main-svg"' in _chart(dom, index), f"chart {index} did not render"
    # adoption: python-service (4 repositories) and "no golden path" (plain-lib)
    adoption = _chart(dom, 0)
    assert adoption.count('class="point"') == 2
    assert 'data-unformatted="no golden path"' in adoption
    # versions per golden path: one stacked segment per version (1.0.0 and 1.2.0)
    versions = _chart(dom, 1)
    assert versions.count('class="point"') == 2
    assert 'data-unformatted="1.0.0"' in versions and 'data-unformatted="1.2.0"' in versions
    # score histogram: one series per scorecard
    scores = _chart(dom, 2)
    for card in ("production-readiness", "security-compliance", "golden-path-python-service"):
        assert f'data-unformatted="{card}"' in scores, card
    # the rules failing most: at least the template-drift rule of the two 1.0.0 repositories
    assert "template-drift" in _chart(dom, 3)

    shot = tmp_path / "fleet.png"
    proc = _browse(page, tmp_path, f"--screenshot={shot}", "--window-size=1200,1400")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 50_000
