"""`platformctl fleet` options, errors and progress on plain git repositories (fast: no golden
path rendering; the golden-path fleet is in tests/integration/test_fleet.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture
def clones(tmp_path: Path) -> Path:
    folder = tmp_path / "clones"
    for name in ("alpha", "beta"):
        repo = folder / name
        repo.mkdir(parents=True)
        subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
        (repo / "README.md").write_text(f"# {name}\n")
        subprocess.run(["git", "-C", str(repo), "add", "."], check=True)
        subprocess.run(["git", "-C", str(repo), "commit", "-qm", "init"], check=True)
    (folder / "gamma").mkdir()  # not a git repository
    return folder


def test_plain_lines_per_repository_when_not_a_terminal(cli, clones):
    result = cli("fleet", "status", "-i", clones, "--format", "json", "-j", "1")
    assert result.exit_code == 0, result.output
    assert "read alpha: ok" in result.stderr
    assert f"read gamma: failed: {clones / 'gamma'} is not a git repository" in result.stderr
    summary = json.loads(result.stdout)["summary"]
    assert (summary["analysed"], summary["failed"], summary["adopted"]) == (2, 1, 0)
    assert summary["adoption_ratio"] == 0


def test_progress_bar_on_a_terminal_still_names_failures(cli, clones, monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    result = cli("fleet", "status", "-i", clones, "--format", "json", "-j", "1")
    assert result.exit_code == 0, result.output
    assert "read alpha: ok" not in result.stderr  # the bar replaces the plain lines
    assert "gamma: failed:" in result.stderr


def test_update_with_nothing_behind_reports_every_skip(cli, clones):
    result = cli("fleet", "update", "-i", clones, "--dry-run")
    assert result.exit_code == 1  # gamma failed
    assert "not created from a golden path" in result.stdout
    assert f"update gamma: failed: {clones / 'gamma'} is not a git repository" in result.stderr
    assert "0 of 3 repositories would be updated" in result.stdout


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--workers", "0"], "--workers must be at least 1"),
        (["--format", "yaml"], "unknown format 'yaml'"),
        (["--output", "."], "it is a folder"),
    ],
)
def test_bad_options_exit_2(cli, clones, argv, words):
    result = cli("fleet", "status", "-i", clones, *argv)
    assert result.exit_code == 2
    assert words in result.stderr


def test_update_canary_must_be_positive(cli, clones):
    result = cli("fleet", "update", "-i", clones, "--canary", "0")
    assert result.exit_code == 2 and "--canary must be at least 1" in result.stderr


def test_no_inventory_names_the_flag(cli):
    result = cli("fleet", "status")
    assert result.exit_code == 2 and "--inventory" in result.stderr


def test_merge_rejects_a_file_that_is_not_fleet_results(cli, tmp_path):
    bad = tmp_path / "part.json"
    bad.write_text('{"version": 1,\n "kind": "dora"}\n')
    result = cli("fleet", "merge", bad)
    assert result.exit_code == 2 and "not a fleet-status results file" in result.stderr
    bad.write_text('{"version": 1,\n "kind": }\n')
    result = cli("fleet", "merge", bad)
    assert result.exit_code == 2 and f"{bad}:2" in result.stderr
