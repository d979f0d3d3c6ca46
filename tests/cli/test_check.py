"""`platformctl check`: exit codes, formats, --fix/--diff, --explain, baselines, waivers,
malformed input, and the golden path's own render scoring 100."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from platformctl.core.scaffold import shared

DATA = Path(__file__).resolve().parent.parent / "data" / "compliance"
ROOT = Path(__file__).resolve().parent.parent.parent


def fixture(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(DATA / name, target)
    return target


@pytest.fixture
def good(tmp_path: Path) -> Path:
    root = fixture(tmp_path, "service-good")
    catalog = root / "catalog-info.yaml"
    catalog.write_text(
        catalog.read_text().replace(
            "      title: Orders runbook\n", "      title: Orders runbook\n      type: runbook\n"
        )
    )
    return root


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    return fixture(tmp_path, "service-bad")


def test_all_pass_exit_0_with_tables(cli, good):
    result = cli("check", good)
    assert result.exit_code == 0, result.output
    assert "Production readiness (production-readiness)" in result.stdout
    assert "production-readiness: score 100/100 · level gold · compliant" in result.stdout
    assert "golden-path-python-service: score 100/100 · level gold · compliant" in result.stdout
    lines = result.stdout.splitlines()
    assert any(line.split()[:3] == ["owner", "bronze", "pass"] for line in lines if line.strip())
    assert "remediation:" not in result.stdout  # nothing to fix: no detail lines


def test_quiet_when_all_pass(cli, good):
    result = cli("check", good, "-q")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_failures_exit_1_with_score_level_and_next_level(cli, bad):
    result = cli("check", bad, "--scorecard", "production-readiness")
    assert result.exit_code == 1
    out = result.stdout
    assert "production-readiness: score 13/100 · level none · non_compliant" in out
    assert "next level bronze: fix description (+5), ci-project-slug (+10), owner (+10)" in out
    assert "Security compliance" not in out
    assert "FAIL check/production-readiness/owner  catalog-info.yaml:12:3\n" in out
    assert "\n    spec.owner is empty\n" in out
    assert "\n    remediation: Set spec.owner in catalog-info.yaml" in out


def test_quiet_shows_only_failing_rules(cli, bad):
    result = cli("check", bad, "-q", "-s", "security-compliance")
    assert result.exit_code == 1
    assert "security-contact" in result.stdout and " pass " not in result.stdout


def test_json_envelope(cli, bad):
    result = cli("check", bad, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["version"] == 1
    finding = next(f for f in data["findings"] if f["rule"] == "check/production-readiness/owner")
    assert finding == {
        "rule": "check/production-readiness/owner",
        "severity": "error",
        "message": "Owner is set: spec.owner is empty",
        "file": "catalog-info.yaml",
        "line": 12,
        "column": 3,
        "document": 0,
        "entity": "component:default/billing",
        "hint": "Set spec.owner in catalog-info.yaml to your team (group:default/<team>).",
    }
    card = data["summary"]["scorecards"]["production-readiness"]
    assert (card["score"], card["level"], card["status"]) == (13, None, "non_compliant")
    assert card["next_level"]["level"] == "bronze"
    assert card["rules"]["description"] == {
        "result": "fail",
        "weight": 5.0,
        "level": "bronze",
        "severity": "error",
        "gate": False,
    }
    assert data["summary"]["counts"]["error"] == len(data["findings"])


def test_sarif_junit_github_markdown(cli, bad, tmp_path):
    sarif = json.loads(cli("check", bad, "-f", "sarif").stdout)
    run = sarif["runs"][0]
    rule_ids = {r["id"] for r in run["tool"]["driver"]["rules"]}
    assert "check/production-readiness/runbook" in rule_ids
    assert any(r["ruleId"] == "check/production-readiness/owner" for r in run["results"])
    junit = cli("check", bad, "-f", "junit", "-o", tmp_path / "junit.xml")
    assert junit.exit_code == 1 and junit.stdout == ""
    tree = ET.parse(tmp_path / "junit.xml")
    assert int(tree.getroot().get("failures")) > 0
    github = cli("check", bad, "-f", "github").stdout
    assert (
        "::error file=catalog-info.yaml,line=12,col=3,title=check/production-readiness/owner::"
        in github
    )
    markdown = cli("check", bad, "-f", "markdown").stdout
    assert "#### Production readiness (`production-readiness`)" in markdown
    assert "**13/100** · level **none** · `non_compliant`" in markdown


def test_text_output_file(cli, bad, tmp_path):
    result = cli("check", bad, "-o", tmp_path / "report.txt")
    assert result.exit_code == 1 and result.stdout == ""
    assert "production-readiness: score 13/100" in (tmp_path / "report.txt").read_text()


def test_waiver_is_suppressed_in_sarif(cli, bad):
    (bad / ".platformctl.yaml").write_text(
        "golden_path: python-service\nwaivers:\n  - rule: check/production-readiness/runbook\n"
        "    reason: runbook is in the wiki\n    expires: 2099-12-31\n    owner: team-billing\n"
    )
    sarif = json.loads(cli("check", bad, "-f", "sarif", "-s", "production-readiness").stdout)
    result = next(
        r
        for r in sarif["runs"][0]["results"]
        if r["ruleId"] == "check/production-readiness/runbook"
    )
    assert result["suppressions"][0]["justification"].startswith("runbook is in the wiki")
    text = cli("check", bad, "-s", "production-readiness").stdout
    assert "waived check/production-readiness/runbook" in text
    assert "waived until 2099-12-31, owner team-billing: runbook is in the wiki" in text
    assert "score 33/100" in text


def test_expired_waiver_fails_even_if_everything_else_passes(cli, good):
    (good / ".platformctl.yaml").write_text(
        "golden_path: python-service\nwaivers:\n  - rule: production-readiness/owner\n"
        "    reason: temporary\n    expires: 2001-01-01\n"
    )
    result = cli("check", good)
    assert result.exit_code == 1
    assert "expired on 2001-01-01" in result.stdout and "check/waiver/expired" in result.stdout


def test_fail_under_and_severity(cli, good, bad):
    assert cli("check", good, "-q").exit_code == 0
    assert (
        cli(
            "check", bad, "-s", "production-readiness", "--fail-under", "10", "--severity", "error"
        ).exit_code
        == 1
    )
    result = cli("check", good, "--fail-under", "100", "-q")
    assert result.exit_code == 0


def test_baseline_ratchet(cli, bad):
    baseline = bad / "baseline.json"
    result = cli("check", bad, "--write-baseline", "--baseline", baseline)
    assert result.exit_code == 0 and "wrote" in result.stderr
    assert cli("check", bad, "--baseline", baseline, "-q").exit_code == 0
    (bad / "Dockerfile").unlink()
    result = cli("check", bad, "--baseline", baseline, "-f", "json")
    assert result.exit_code == 1
    active = [f["rule"] for f in json.loads(result.stdout)["findings"] if "suppressed" not in f]
    assert active == ["check/golden-path-python-service/dockerfile"]


def test_fix_diff_then_fix(cli, bad):
    before = (bad / "catalog-info.yaml").read_text()
    result = cli("check", bad, "--fix", "--diff")
    assert result.exit_code == 1
    assert "+++ b/catalog-info.yaml" in result.stdout
    assert (
        "+    platform.example.com/security-contact: TODO-security-contact@example.com"
        in result.stdout
    )
    assert "+++ b/docs/index.md" in result.stdout
    assert (bad / "catalog-info.yaml").read_text() == before
    assert not (bad / "docs" / "index.md").exists()
    result = cli("check", bad, "--fix", "-s", "production-readiness", "-f", "json")
    assert "fixed check/production-readiness/runbook: added link Runbook" in result.stderr
    after = (bad / "catalog-info.yaml").read_text()
    assert after.startswith(before.split("  annotations:")[0])  # the comment line is kept
    assert "  # too short on purpose\n" in after
    data = json.loads(result.stdout)
    rules = data["summary"]["scorecards"]["production-readiness"]["rules"]
    # Regression: the stubs --fix writes used to satisfy the rules (score 100 with TODO values).
    assert rules["runbook"]["result"] == "fail" and rules["ci-project-slug"]["result"] == "fail"
    messages = {f["rule"]: f["message"] for f in data["findings"]}
    assert messages["check/production-readiness/runbook"] == (
        "Runbook link: link Runbook points at the placeholder https://TODO.example.com/runbook: "
        "fill in the real URL"
    )
    assert (
        "is the placeholder 'TODO-org/TODO-repo'"
        in messages["check/production-readiness/ci-project-slug"]
    )
    assert rules["owner"]["result"] == "fail"  # no fix: we never invent an owner
    assert cli("check", bad, "--fix", "--diff", "-s", "production-readiness").stdout == ""
    again = cli("check", bad, "--fix", "-s", "production-readiness")
    assert "nothing to fix automatically" in again.stderr  # idempotent
    assert (bad / "catalog-info.yaml").read_text() == after


def test_diff_without_fix_is_usage_error(cli, good):
    result = cli("check", good, "--diff")
    assert result.exit_code == 2 and "--diff only works with --fix" in result.stderr


def test_explain(cli, good):
    result = cli("check", good, "--explain", "check/production-readiness/pagerduty")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("check/production-readiness/pagerduty: PagerDuty integration")
    assert 'Applies when: lifecycle = "production"' in out
    assert "How to satisfy it:" in out and "pagerduty.com/service-id" in out
    assert "Automatic fix (platformctl check --fix): catalog_annotation" in out
    result = cli("check", good, "--explain", "nope")
    assert result.exit_code == 2 and "unknown rule 'nope'" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "yaml"], "unknown format 'yaml'"),
        (["--severity", "fatal"], "unknown severity 'fatal'"),
        (["--scorecard", "nope"], "unknown scorecard 'nope'"),
        (["--fail-under", "120"], "--fail-under must be between 0 and 100"),
    ],
)
def test_usage_errors(cli, good, args, message):
    result = cli("check", good, *args)
    assert result.exit_code == 2 and message in result.stderr


def test_malformed_repo_file_is_exit_2_with_position(cli, good):
    (good / ".platformctl.yaml").write_text("golden_path: python-service\nscorecards: [nope]\n")
    result = cli("check", good)
    assert result.exit_code == 2
    assert "unknown scorecard 'nope'" in result.stderr and ".platformctl.yaml:2:14" in result.stderr
    (good / ".platformctl.yaml").write_text("golden_path: [\n")
    assert cli("check", good).exit_code == 2


def test_repo_local_scorecard_and_malformed_one(cli, good):
    (good / "cards").mkdir()
    (good / "cards" / "extra.yaml").write_text(
        "id: extra\ntitle: Extra\nrules:\n  - id: renovate\n    title: Dependency updates\n"
        "    check: {type: dependency_updates}\n"
        "  - id: coverage\n    title: Coverage gate\n    check: {type: coverage_gate, min: 90}\n"
    )
    (good / ".platformctl.yaml").write_text("scorecards: [cards/extra.yaml]\n")
    result = cli("check", good, "-s", "extra")
    assert (
        result.exit_code == 1 and "coverage gate is 85 %, at least 90 % required" in result.stdout
    )
    (good / "cards" / "extra.yaml").write_text(
        "id: extra\nrules:\n  - id: r\n    title: R\n"
        "    check: {type: coverage_gate, minimum: 90}\n"
    )
    result = cli("check", good)
    assert result.exit_code == 2
    assert (
        "error: rule 'r': unknown option 'minimum' for check type 'coverage_gate' "
        "(cards/extra.yaml:5:34)" in result.stderr
    )
    assert "hint: options of check type 'coverage_gate': min" in result.stderr


def test_platform_scorecard_unknown_check_type(cli, good, tmp_path, monkeypatch):
    platform = tmp_path / "platform"
    (platform / "cards").mkdir(parents=True)
    (platform / "platform.yaml").write_text("metadata: {name: acme}\nscorecards: [cards/a.yaml]\n")
    (platform / "cards" / "a.yaml").write_text(
        "id: a\nrules:\n  - id: r\n    title: R\n    check:\n      type: sonarqube\n"
    )
    monkeypatch.setenv("PLATFORMCTL_PLATFORM", str(platform))
    result = cli("check", good)
    assert result.exit_code == 2
    assert "rule 'r': unknown check type 'sonarqube'" in result.stderr
    assert f"{platform}/cards/a.yaml:6:13" in result.stderr


def test_no_scorecard_applies(cli, tmp_path):
    (tmp_path / ".platformctl.yaml").write_text("golden_path: none\n")
    result = cli("check", tmp_path, "-s", "golden-path-python-service", "-f", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["summary"]["scorecards"]["golden-path-python-service"]


@pytest.mark.integration
def test_rendered_golden_path_scores_100_everywhere(cli, tmp_path):
    import subprocess

    import copier

    if not (ROOT / "golden_paths" / "python-service" / "copier.yml").is_file():
        pytest.skip("python-service golden path not present")
    # Render the committed template (git archive HEAD), not a working tree someone is editing.
    source = tmp_path / "source"
    source.mkdir()
    archive = subprocess.run(
        # The template and the shared pieces it includes (golden_paths/_shared).
        [
            "git",
            "-C",
            str(ROOT),
            "archive",
            "HEAD",
            "golden_paths/python-service",
            "golden_paths/_shared",
        ],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        pytest.skip("python-service golden path not committed yet")
    subprocess.run(["tar", "-x", "-C", str(source)], input=archive.stdout, check=True)
    template = shared.composed_template(source / "golden_paths" / "python-service")
    dest = tmp_path / "demo-svc"
    answers = {"name": "demo-svc", "owner": "group:default/demo-team"}  # owner has no default
    copier.run_copy(str(template), str(dest), data=answers, defaults=True, quiet=True, unsafe=True)
    result = cli("check", dest, "--format", "json")
    data = json.loads(result.stdout)
    assert set(data["summary"]["scorecards"]) == {
        "production-readiness",
        "security-compliance",
        "golden-path-python-service",
    }
    for card_id, card in data["summary"]["scorecards"].items():
        failing = {k: v for k, v in card["rules"].items() if v["result"] not in ("pass", "n/a")}
        assert card["score"] == 100, (card_id, failing, data["findings"])
        assert card["status"] == "compliant"
    assert result.exit_code == 0, data["findings"]


@pytest.mark.integration
def test_repository_from_platformctl_new_scores_100_and_is_not_behind(cli, tmp_path):
    dest = tmp_path / "demo-svc"
    created = cli(
        "new",
        "python-service",
        "demo-svc",
        "--defaults",
        "--no-input",
        "--author",
        "Test User <test@example.com>",
        "--dest",
        dest,
    )
    if created.exit_code != 0 and "No such command" in created.stderr:
        pytest.skip("platformctl new is not available")
    assert created.exit_code == 0, created.output
    result = cli("check", dest, "--format", "json")
    data = json.loads(result.stdout)
    assert result.exit_code == 0 and data["findings"] == [], data["findings"]
    cards = data["summary"]["scorecards"]
    assert {card["score"] for card in cards.values()} == {100}
    assert cards["golden-path-python-service"]["rules"]["template-drift"]["result"] == "pass"


def test_text_output_stays_readable_on_80_columns(cli, bad, monkeypatch):
    """Regression: the remediation column used to be folded into a narrow column, a few words
    per line; failures now follow the table, each remediation whole on one line."""
    monkeypatch.setenv("COLUMNS", "80")
    result = cli("check", bad, "-s", "golden-path-python-service")
    assert result.exit_code == 1
    out = result.stdout
    table = out.split("\n\n", 1)[0].splitlines()
    assert table[1].split() == ["rule", "level", "result", "weight"]
    assert all(len(line) <= 80 for line in table), table
    remediation = next(
        line for line in out.splitlines() if line.startswith("    remediation: In the final")
    )
    assert remediation.endswith("never latest.")  # whole, not folded
    assert "FAIL check/golden-path-python-service/dockerfile-hardening  Dockerfile:" in out


def test_text_output_marks_baselined_failures(cli, bad):
    baseline = bad / "baseline.json"
    assert cli("check", bad, "--write-baseline", "--baseline", baseline).exit_code == 0
    result = cli("check", bad, "--baseline", baseline, "-s", "production-readiness")
    assert result.exit_code == 0
    assert "FAIL (baseline) check/production-readiness/owner" in result.stdout


@pytest.mark.parametrize(
    ("remove", "rule", "message"),
    [
        ("CODEOWNERS", "codeowners", "no CODEOWNERS file"),
        ("coverage", "coverage-gate", "no coverage gate"),
        (".github/dependabot.yml", "dependency-updates", "no .github/dependabot.yml"),
    ],
)
def test_codeowners_coverage_gate_and_dependency_updates_are_scored(
    cli, good, remove, rule, message
):
    """Regression: removing CODEOWNERS, the coverage gate or Dependabot used to go unnoticed
    (the check types existed, no embedded scorecard used them)."""
    if remove == "coverage":
        pyproject = good / "pyproject.toml"
        text = pyproject.read_text()
        text = "\n".join(
            line
            for line in text.splitlines()
            if "fail_under" not in line and "cov-fail-under" not in line
        )
        pyproject.write_text(text + "\n")
    else:
        (good / remove).unlink()
    result = cli("check", good, "-f", "json")
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["findings"]
    assert [f["rule"] for f in findings] == [f"check/golden-path-python-service/{rule}"]
    assert message in findings[0]["message"]


def test_waiver_for_a_scorecard_left_out_by_scorecard_option_is_not_unknown(cli, good):
    (good / ".platformctl.yaml").write_text(
        "golden_path: python-service\nwaivers:\n"
        "  - rule: golden-path-python-service/k8s-probes\n    reason: r\n    expires: 2099-01-01\n"
        "  - rule: nosuch/rule\n    reason: r\n    expires: 2099-01-01\n"
    )
    result = cli("check", good, "-s", "production-readiness", "-f", "json")
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["line"], f["column"]) for f in findings] == [
        ("check/waiver/unknown-rule", 6, 5)
    ]
    assert findings[0]["message"] == "waiver for nosuch/rule matches no known rule"
    assert result.exit_code == 0  # a warning


def test_unwritable_baseline_or_output_is_exit_2_not_a_crash(cli, good, tmp_path):
    missing = tmp_path / "no" / "such" / "folder"
    result = cli("check", good, "--write-baseline", "--baseline", missing / "b.json")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: cannot write baseline: No such file or directory")
    result = cli("check", good, "-f", "json", "-o", missing / "r.json")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: cannot write the report: No such file or directory")
    assert "hint: pass --output FILE" in result.stderr


def test_outside_any_repository_is_exit_2(cli, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = cli("check", empty)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: nothing to check in {empty}")
    assert "hint: run platformctl check in a service repository" in result.stderr
    assert cli("check", empty, "--explain", "production-readiness/owner").exit_code == 0


def test_bad_data_path_in_a_scorecard_is_rejected_when_it_loads(cli, good):
    (good / "cards").mkdir()
    (good / "cards" / "extra.yaml").write_text(
        "id: extra\nrules:\n  - id: r\n    title: R\n"
        '    check: {type: catalog_field, path: "spec["}\n'
    )
    (good / ".platformctl.yaml").write_text("scorecards: [cards/extra.yaml]\n")
    result = cli("check", good)
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "error: rule 'r': option 'path' is not a valid path: cannot parse path 'spec[' at 4 "
        "(cards/extra.yaml:5:"
    )


def test_findings_carry_column_and_yaml_document(cli, good):
    """Regression: findings had no column and no document index (DESIGN.md §3)."""
    k8s = good / "k8s"
    service = (k8s / "service.yaml").read_text().replace("targetPort: http", "targetPort: 9999")
    assert "9999" in service
    (k8s / "deployment.yaml").write_text((k8s / "deployment.yaml").read_text() + "---\n" + service)
    (k8s / "service.yaml").unlink()
    kustomization = (k8s / "kustomization.yaml").read_text()
    (k8s / "kustomization.yaml").write_text(kustomization.replace("  - service.yaml\n", ""))
    result = cli("check", good, "-f", "json", "-s", "golden-path-python-service")
    assert result.exit_code == 1
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["rule"] == "check/golden-path-python-service/port-coherence"
    assert finding["file"] == "k8s/deployment.yaml" and finding["document"] == 1
    line = (k8s / "deployment.yaml").read_text().splitlines()[finding["line"] - 1]
    assert line[finding["column"] - 1 :].startswith("targetPort: 9999")


def test_junit_has_one_test_case_per_rule(cli, bad):
    """Regression: junit listed findings only (tests="5" for a 30-rule run): passing rules were
    invisible to CI test dashboards."""
    (bad / ".platformctl.yaml").write_text(
        "golden_path: python-service\nwaivers:\n  - rule: production-readiness/runbook\n"
        "    reason: wiki\n    expires: 2099-12-31\n"
    )
    result = cli("check", bad, "-f", "junit", "-s", "production-readiness")
    assert result.exit_code == 1
    root = ET.fromstring(result.stdout)
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "production-readiness"
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert list(cases) == [
        "owner",
        "description",
        "ci-project-slug",
        "techdocs",
        "runbook",
        "dashboard",
        "pagerduty",
    ]
    assert cases["owner"].find("failure").get("message") == "spec.owner is empty"
    assert "remediation: Set spec.owner" in cases["owner"].find("failure").text
    assert cases["runbook"].find("skipped").get("message").startswith("waived: wiki")
    failing = [n for n, c in cases.items() if c.find("failure") is not None]
    assert root.get("tests") == "7" and root.get("failures") == str(len(failing))
    prop = suite.find("properties/property")
    assert prop.get("value").endswith("non_compliant")


def test_text_report_in_a_pipe_is_plain_and_does_not_import_rich(good):
    """Startup budget: the text report written to a pipe or CI log is plain text built in core;
    Rich is only imported to colour a terminal."""
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "platformctl", "check", str(good)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "| rich" not in proc.stderr and "| platformctl" in proc.stderr
    assert "\x1b[" not in proc.stdout
    assert "golden-path-python-service: score 100/100 · level gold · compliant" in proc.stdout


def test_golden_path_typo_is_a_warning_not_silence(cli, good):
    """Regression: `golden_path: python-servce` silently dropped the golden-path scorecard."""
    (good / ".platformctl.yaml").write_text("golden_path: python-servce\n")
    result = cli("check", good, "-f", "json")
    assert result.exit_code == 0  # a warning
    data = json.loads(result.stdout)
    assert "golden-path-python-service" not in data["summary"]["scorecards"]
    (finding,) = data["findings"]
    assert finding["rule"] == "check/config/golden-path-without-scorecard"
    assert (finding["file"], finding["line"], finding["column"]) == (".platformctl.yaml", 1, 14)
    assert "hint" in finding and "python-service" in finding["hint"]
    assert cli("check", good, "--severity", "warning").exit_code == 1
    sarif = json.loads(cli("check", good, "-f", "sarif").stdout)
    rules = {r["id"]: r for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["check/config/golden-path-without-scorecard"]["help"]["text"]


def test_explain_the_configuration_findings(cli, good):
    result = cli("check", good, "--explain", "check/waiver/expired")
    assert result.exit_code == 0
    assert result.stdout.startswith("check/waiver/expired: Expired waiver\n\n")
    assert cli("check", good, "--explain", "waiver/unknown-rule").exit_code == 0


def test_baseline_path_relative_to_a_subfolder_gets_a_hint(cli, bad, monkeypatch):
    assert cli("check", bad, "--write-baseline").exit_code == 0
    assert (bad / ".platformctl-baseline.json").is_file()
    (bad / "docs").mkdir(exist_ok=True)
    monkeypatch.chdir(bad / "docs")
    result = cli("check", "--baseline", ".platformctl-baseline.json")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: baseline file not found (.platformctl-baseline.json)",
        "hint: --baseline is relative to the current folder: pass "
        f"{bad.resolve() / '.platformctl-baseline.json'}",
    ]


def test_a_waiver_for_a_passing_rule_is_reported_as_unused(cli, good):
    (good / ".platformctl.yaml").write_text(
        "golden_path: python-service\nwaivers:\n"
        "  - rule: production-readiness/owner\n    reason: r\n    expires: 2099-01-01\n"
    )
    result = cli("check", good, "-f", "json")
    assert result.exit_code == 0  # info
    (finding,) = json.loads(result.stdout)["findings"]
    assert (finding["rule"], finding["severity"], finding["line"]) == (
        "check/waiver/unused",
        "info",
        3,
    )
    assert finding["message"] == (
        "waiver for production-readiness/owner is not needed: no rule it covers fails"
    )
    # not when its scorecard is left out by --scorecard: we cannot tell
    result = cli("check", good, "-f", "json", "-s", "security-compliance")
    assert json.loads(result.stdout)["findings"] == []
    assert cli("check", good, "--severity", "info").exit_code == 1


def test_control_characters_from_yaml_are_escaped_in_text_and_junit(cli, bad):
    """A catalog value like "\\e[2J" must not drive the terminal or break the JUnit XML."""
    deployment = bad / "deploy" / "deployment.yaml"
    deployment.write_text(
        deployment.read_text().replace("  name: billing\n", '  name: "bill\\e[2Jing"\n', 1)
    )
    result = cli("check", bad, "-s", "golden-path-python-service")
    assert "Deployment/bill\\x1b[2Jing container" in result.stdout
    assert "\x1b" not in result.stdout
    junit = cli("check", bad, "-f", "junit", "-s", "golden-path-python-service")
    assert "\x1b" not in junit.stdout and "bill\\x1b[2Jing" in junit.stdout
    ET.fromstring(junit.stdout)  # parses


def test_an_uncommitted_key_fails_the_run_caps_the_level_and_every_hit_is_located(cli, good):
    """Issue 9 #4: a key in a file not yet `git add`ed used to pass; a second hit was only
    "and 1 more"; an AWS key cost 10 points and left the repository at bronze."""
    import subprocess

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=good, check=True, capture_output=True)

    git("init", "-q")
    git("add", ".")
    git("commit", "-q", "-m", "init")
    key = "AKIA" + "Z7Q4" * 4  # assembled here so this file holds no key-shaped string
    (good / "deploy.env").write_text(f"# creds\nAWS_ACCESS_KEY_ID={key}\nBACKUP_KEY={key}\n")
    result = cli("check", good, "-s", "golden-path-python-service")
    assert result.exit_code == 1, result.output
    out = result.stdout
    assert "golden-path-python-service: score 93/100 · level none · non_compliant" in out
    assert "deploy.env:2:19" in out and "deploy.env:3:12" in out
    assert "more)" not in out
    sarif = json.loads(cli("check", good, "-s", "golden-path-python-service", "-f", "sarif").stdout)
    hits = [
        r["locations"][0]["physicalLocation"]
        for r in sarif["runs"][0]["results"]
        if r["ruleId"] == "check/golden-path-python-service/no-committed-secrets"
    ]
    assert [(h["artifactLocation"]["uri"], h["region"]["startLine"]) for h in hits] == [
        ("deploy.env", 2),
        ("deploy.env", 3),
    ]
    markdown = cli("check", good, "-s", "golden-path-python-service", "-f", "markdown").stdout
    assert "FAIL: 2 possible secrets in deploy.env (deploy.env:2, deploy.env:3)" in markdown
    json_card = json.loads(cli("check", good, "-f", "json").stdout)["summary"]["scorecards"]
    assert json_card["golden-path-python-service"]["gates_failed"] == [
        "check/golden-path-python-service/no-committed-secrets"
    ]


def test_missing_docs_index_points_at_docs_index_in_every_format(cli, good):
    """Regression (issue 9, defect 9): removing docs/index.md gave a finding with file null,
    so SARIF results had no location and GitHub annotations no file."""
    (good / "docs" / "index.md").unlink()
    rule = "check/golden-path-python-service/docs-index"
    result = cli("check", good, "-f", "json")
    assert result.exit_code == 1
    (finding,) = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == rule]
    assert finding["file"] == "docs/index.md"
    sarif = json.loads(cli("check", good, "-f", "sarif").stdout)
    (located,) = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == rule]
    location = located["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uri"] == "docs/index.md"
    github = cli("check", good, "-f", "github").stdout.splitlines()
    (line,) = [x for x in github if f"title={rule.replace(':', '%3A')}" in x]
    assert line.startswith("::error file=docs/index.md,title=")


def _set_owner(root: Path, owner: str) -> None:
    catalog = root / "catalog-info.yaml"
    text = catalog.read_text()
    assert "owner: group:default/team-orders" in text
    catalog.write_text(text.replace("owner: group:default/team-orders", f"owner: {owner}"))


def test_owner_rule_fails_on_a_broken_owner_reference(cli, good):
    """Regression (issue 9, defect 1): `owner: grup:default/Team X` passed check's owner rule
    although it can reference nothing; it fails on the same refs as `catalog validate`."""
    _set_owner(good, "grup:default/Team X")
    result = cli("check", good, "-f", "json", "-s", "production-readiness")
    assert result.exit_code == 1
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["rule"] == "check/production-readiness/owner"
    assert "refers to kind grup, but owners must be a Group or User" in finding["message"]
    assert 'has name "Team X"' in finding["message"]
    lines = (good / "catalog-info.yaml").read_text().splitlines()
    assert finding["file"] == "catalog-info.yaml"
    assert lines[finding["line"] - 1].strip() == "owner: grup:default/Team X"
    validate = cli("catalog", "validate", good / "catalog-info.yaml", "-f", "json")
    rules = {f["rule"] for f in json.loads(validate.stdout)["findings"]}
    assert {"org/owner-kind", "org/ref-name"} <= rules


def test_owner_rule_uses_the_platform_owner_kinds(cli, good, tmp_path, monkeypatch):
    _set_owner(good, "user:default/jane")
    assert cli("check", good, "-s", "production-readiness").exit_code == 0
    platform = tmp_path / "platform"
    platform.mkdir()
    (platform / "platform.yaml").write_text(
        "apiVersion: platformctl.io/v1\nkind: Platform\nmetadata: {name: acme}\n"
        "catalog:\n  owner_kinds: [Group]\n"
    )
    monkeypatch.setenv("PLATFORMCTL_PLATFORM", str(platform))
    result = cli("check", good, "-f", "json", "-s", "production-readiness")
    assert result.exit_code == 1
    (finding,) = json.loads(result.stdout)["findings"]
    assert "owners must be a Group" in finding["message"]


def test_prod_auto_sync_is_a_platform_decision(cli, good):
    """gitops-prod-manual-sync reads the setting gitops.allow_prod_auto_sync (any layer)."""
    prod = good / "deploy" / "argocd" / "prod.yaml"
    prod.write_text(
        prod.read_text().replace(
            "    syncOptions:", "    automated: {prune: true, selfHeal: true}\n    syncOptions:"
        )
    )
    result = cli("check", good, "-f", "json", "-s", "golden-path-python-service")
    assert result.exit_code == 1
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["rule"] == "check/golden-path-python-service/gitops-prod-manual-sync"
    assert finding["file"] == "deploy/argocd/prod.yaml"
    assert "gitops.allow_prod_auto_sync" in finding["message"]

    config = good / ".platformctl.yaml"
    config.write_text(config.read_text() + "settings:\n  gitops:\n    allow_prod_auto_sync: true\n")
    result = cli("check", good, "-f", "json", "-s", "golden-path-python-service")
    assert result.exit_code == 0, result.stdout
    assert json.loads(result.stdout)["findings"] == []


def test_prometheus_format(cli, bad):
    (bad / ".copier-answers.yml").write_text(
        "_src_path: git+platformctl:golden-paths/python-service\n_commit: v1.0.0\n"
    )
    result = cli("check", bad, "--format", "prometheus", "-s", "production-readiness")
    assert result.exit_code == 1  # the exit code still says the rules failed
    lines = result.stdout.splitlines()
    base = f'repository="{bad.name}",component="billing"'
    card = f'{base},scorecard="production-readiness"'
    assert f"platform_check_score_ratio{{{card}}} 0.13" in lines
    assert f"platform_check_compliant{{{card}}} 0" in lines
    assert f'platform_check_level_info{{{card},level="none"}} 1' in lines
    rule = 'rule="check/production-readiness/owner",severity="error"'
    assert f"platform_check_rule_passed{{{card},{rule}}} 0" in lines
    assert (
        f'platform_golden_path_info{{{base},golden_path="python-service",version="1.0.0"}} 1'
        in lines
    )
    # each family's HELP and TYPE once, its samples together
    types = [line.split()[2] for line in lines if line.startswith("# TYPE")]
    assert len(types) == len(set(types)) == 5


@pytest.mark.parametrize(
    ("rule", "check_type", "summary"),
    [
        ("manual-commit", "kafka_manual_commit", "commits offsets itself, after processing"),
        ("dead-letter-topic", "kafka_dead_letter", "A dead-letter topic is configured"),
        ("lag-metric", "kafka_lag_metric", "exports a consumer-lag metric"),
        ("message-schema", "message_schema", "messages have payload schemas"),
    ],
)
def test_explain_the_event_consumer_kafka_rules(cli, good, rule, check_type, summary):
    result = cli("check", good, "--explain", f"check/golden-path-event-consumer/{rule}")
    assert result.exit_code == 0, result.stderr
    assert f"Check: {check_type}\n  " in result.stdout and summary in result.stdout
    assert "How to satisfy it:" in result.stdout
