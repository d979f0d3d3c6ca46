"""`platformctl golden-path export-backstage`: files, summary, refusals and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import yaml


def test_export_writes_template_and_action(cli, tmp_path: Path) -> None:
    out = tmp_path / "portal"
    result = cli("golden-path", "export-backstage", "service", "--output", out)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        str(out / "template.yaml"),
        str(out / "platformctl-new-action.js"),
    ]
    assert "note: description: its validator is only partly expressed" in result.stderr
    template = yaml.safe_load((out / "template.yaml").read_text())
    assert template["metadata"]["name"] == "python-service"  # the alias resolves
    assert "runPlatformctlNew" in (out / "platformctl-new-action.js").read_text()
    validated = cli("catalog", "validate", out / "template.yaml")
    assert validated.exit_code == 0, validated.output


def test_export_json_summary_and_options(cli, tmp_path: Path) -> None:
    result = cli(
        "golden-path",
        "export-backstage",
        "python-service",
        "-o",
        tmp_path,
        "--format",
        "json",
        "--owner",
        "group:default/portal-team",
        "--type",
        "website",
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["version"] == 1 and payload["name"] == "python-service"
    assert payload["parameters"][0] == "name"
    assert "database_engine" in payload["parameters"]
    spec = yaml.safe_load((tmp_path / "template.yaml").read_text())["spec"]
    assert (spec["owner"], spec["type"]) == ("group:default/portal-team", "website")


def test_export_refuses_to_overwrite_and_bad_input(cli, tmp_path: Path) -> None:
    assert cli("golden-path", "export-backstage", "python-service", "-o", tmp_path).exit_code == 0
    again = cli("golden-path", "export-backstage", "python-service", "-o", tmp_path)
    assert again.exit_code == 2
    assert "template.yaml exists" in again.stderr and "--force" in again.stderr
    forced = cli("golden-path", "export-backstage", "python-service", "-o", tmp_path, "--force")
    assert forced.exit_code == 0, forced.output
    unknown = cli("golden-path", "export-backstage", "nope", "-o", tmp_path / "x")
    assert unknown.exit_code == 2 and "unknown golden path 'nope'" in unknown.stderr
    assert not (tmp_path / "x").exists()
    bad = cli(
        "golden-path", "export-backstage", "python-service", "-o", tmp_path / "y", "--format", "xml"
    )
    assert bad.exit_code == 2 and "unknown format" in bad.stderr


def test_export_all_with_a_location_for_the_portal(cli, tmp_path: Path, monkeypatch) -> None:
    from platformctl.core.scaffold.registry import load_registry

    names = load_registry().names()
    out = tmp_path / "portal"
    result = cli("golden-path", "export-backstage", "--all", "-o", out, "--format", "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert [g["name"] for g in payload["golden_paths"]] == names
    location = yaml.safe_load((out / "catalog-info.yaml").read_text())
    assert location["kind"] == "Location"
    assert location["spec"]["targets"] == [f"./{n}/template.yaml" for n in names]
    assert (out / "platformctl-new-action.js").is_file()
    files = [out / "catalog-info.yaml", *(out / n / "template.yaml" for n in names)]
    validated = cli("catalog", "validate", *files)
    assert validated.exit_code == 0, validated.output
    # a platform that hides the embedded golden paths exports only its own
    platform = Path(__file__).resolve().parents[1] / "data" / "export-platform"
    monkeypatch.setenv("PLATFORMCTL_PLATFORM", str(platform))
    own = cli("golden-path", "export-backstage", "--all", "-o", tmp_path / "own")
    assert own.exit_code == 0, own.output
    assert sorted(p.name for p in (tmp_path / "own").iterdir()) == [
        "catalog-info.yaml",
        "demo-worker",
        "platformctl-new-action.js",
    ]
    assert "note: demo-worker: " in own.stderr


def test_name_or_all(cli, tmp_path: Path) -> None:
    neither = cli("golden-path", "export-backstage", "-o", tmp_path)
    assert neither.exit_code == 2 and "name one golden path, or pass --all" in neither.stderr
    both = cli("golden-path", "export-backstage", "python-service", "--all", "-o", tmp_path)
    assert both.exit_code == 2 and not any(tmp_path.iterdir())
