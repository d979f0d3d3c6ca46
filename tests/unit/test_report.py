"""The Finding/Report writers: json envelope, SARIF 2.1.0 (schema-validated), JUnit (parsed
back), GitHub annotations, text."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from platformctl.core.report import (
    Finding,
    Report,
    RuleInfo,
    fails,
    render,
    to_github,
    to_json,
    to_junit,
    to_sarif,
    to_text,
)

SARIF_SCHEMA = Path(__file__).resolve().parent.parent / "data" / "sarif" / "sarif-schema-2.1.0.json"


def sample() -> Report:
    report = Report(
        "catalog validate",
        findings=[
            Finding(
                "backstage/field-format",
                "error",
                'metadata.name "My Service" is not valid',
                "svc/catalog-info.yaml",
                4,
                9,
                0,
                "component:default/My Service",
                "for example: my-service",
            ),
            Finding(
                "refs/unresolved",
                "warning",
                "spec.owner refers to group:default/team-a, which is not defined",
                "svc/catalog-info.yaml",
                12,
                10,
                0,
                "component:default/my-service",
            ),
            Finding(
                "yaml/syntax", "error", "tabs, 100%, a,b: c\nnext", "bad file.yaml", 2, 1, None
            ),
            Finding("check/readme", "info", "no README", None),
            Finding("org/lifecycle", "error", "waived one", "x.yaml", 1, 1, 0, suppressed="ADR-7"),
        ],
        rules={
            "yaml/syntax": RuleInfo("yaml/syntax", "Invalid YAML", "fix it", "https://yaml.org")
        },
        files=["svc/catalog-info.yaml", "bad file.yaml", "ok.yaml", "x.yaml"],
    )
    report.summary = {"files": 4, "entities": 1, "errors": 2, "warnings": 1, "line": "4 files"}
    return report


def test_json_envelope_is_stable() -> None:
    payload = json.loads(to_json(sample()))
    assert payload["version"] == 1
    assert payload["tool"]["command"] == "catalog validate"
    assert payload["summary"] == {"files": 4, "entities": 1, "errors": 2, "warnings": 1}
    keys = {"rule", "severity", "message", "file", "line", "column", "document", "entity", "hint"}
    for finding in payload["findings"]:
        assert keys <= set(finding)
    # sorted by file, document (file-level first), line
    assert [f["file"] for f in payload["findings"]][:2] == [None, "bad file.yaml"]
    assert payload["findings"][-1]["suppressed"] == "ADR-7"


def test_sarif_validates_against_the_2_1_0_schema() -> None:
    from jsonschema import Draft4Validator

    schema = json.loads(SARIF_SCHEMA.read_text())
    log = json.loads(to_sarif(sample()))
    errors = sorted(Draft4Validator(schema).iter_errors(log), key=str)
    assert not errors, [e.message for e in errors]
    run = log["runs"][0]
    results = run["results"]
    assert {r["level"] for r in results} == {"error", "warning", "note"}
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for result in results:
        assert rules[result["ruleIndex"]] == result["ruleId"]
    located = [r for r in results if "locations" in r]
    uri = located[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert " " not in uri
    assert any(r.get("suppressions") for r in results)


def test_sarif_of_an_empty_report_is_valid() -> None:
    from jsonschema import Draft4Validator

    schema = json.loads(SARIF_SCHEMA.read_text())
    log = json.loads(to_sarif(Report("catalog validate")))
    assert not list(Draft4Validator(schema).iter_errors(log))
    assert log["runs"][0]["results"] == []


def test_junit_parses_back() -> None:
    root = ET.fromstring(to_junit(sample()))
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) >= {"svc/catalog-info.yaml", "bad file.yaml", "ok.yaml", "(general)"}
    assert suites["svc/catalog-info.yaml"].get("failures") == "1"
    failure = suites["svc/catalog-info.yaml"].find("testcase/failure")
    assert failure is not None and failure.get("type") == "backstage/field-format"
    assert suites["ok.yaml"].find("testcase") is not None  # a passing file is a passing test
    assert suites["x.yaml"].find("testcase/skipped") is not None
    assert int(root.get("failures")) == 2


def test_github_annotations_escape_properties_and_data() -> None:
    lines = to_github(sample()).splitlines()
    error = next(line for line in lines if "yaml/syntax" in line)
    assert error.startswith("::error file=bad file.yaml,line=2,col=1,title=yaml/syntax::")
    assert "100%25" in error and "%0A" in error
    assert "::notice" in "\n".join(lines)
    assert not any("waived one" in line for line in lines)
    assert lines[-1] == "4 files"


def test_text_is_one_finding_per_line_as_path_line_col() -> None:
    """The form editors and terminals turn into links (ruff, compilers): the location leads
    every finding line, the rule closes it, the hint follows indented; the summary ends it."""
    lines = to_text(sample()).splitlines()
    assert lines[0] == "info no README [check/readme]"  # no file: no location
    assert lines[1] == "bad file.yaml:2:1: error tabs, 100%, a,b: c\\nnext [yaml/syntax]"
    assert lines[2] == (
        'svc/catalog-info.yaml:4:9: error metadata.name "My Service" is not valid '
        "(component:default/My Service) [backstage/field-format]"
    )
    assert lines[3] == "    hint: for example: my-service"
    assert lines[4].startswith("svc/catalog-info.yaml:12:10: warning spec.owner refers to ")
    assert lines[4].endswith(" [refs/unresolved]")
    assert lines[5] == "x.yaml:1:1: suppressed waived one [org/lifecycle]"
    assert lines[-2:] == ["", "4 files"]


def test_text_without_line_shows_the_file_alone() -> None:
    missing = Finding("check/docs", "error", "docs/index.md is missing", "docs/index.md")
    report = Report("check", [missing])
    assert to_text(report) == "docs/index.md: error docs/index.md is missing [check/docs]\n"


def test_fails_threshold_ignores_suppressed() -> None:
    report = sample()
    assert fails(report.findings)
    only_waived = [f for f in report.findings if f.suppressed]
    assert not fails(only_waived)
    warnings = [f for f in report.findings if f.severity == "warning"]
    assert not fails(warnings) and fails(warnings, "warning")


def test_unknown_format_is_a_usage_error() -> None:
    from platformctl.core.errors import UsageError

    with pytest.raises(UsageError):
        render(sample(), "yaml")


def test_control_characters_are_escaped_in_text_github_and_junit() -> None:
    r"""A YAML "\e[2J" in a name must not drive the terminal or break JUnit XML; JSON keeps it."""
    nasty = 'metadata.name "a\x1b[2J\x07b\nc\ufffe" is not valid'
    report = Report(
        "catalog validate",
        findings=[
            Finding(
                "backstage/field-format",
                "error",
                nasty,
                "x\ty.yaml",
                4,
                9,
                0,
                "component:default/a\x1bb",
                "hint\x00",
            )
        ],
        files=["x\ty.yaml"],
    )
    text = to_text(report)
    assert "\x1b" not in text and "\x07" not in text and "\x00" not in text
    assert 'metadata.name "a\\x1b[2J\\x07b\\nc\\ufffe" is not valid' in text
    assert "(component:default/a\\x1bb)" in text and text.startswith("x\\ty.yaml:4:9: error ")
    assert "hint\\x00" in text
    github = to_github(report)
    assert "\x1b" not in github and "a\\x1b[2J" in github
    root = ET.fromstring(to_junit(report))  # well-formed
    failure = root.find(".//failure")
    assert failure is not None and "\\x1b" in failure.get("message", "")
    assert json.loads(to_json(report))["findings"][0]["message"] == nasty
