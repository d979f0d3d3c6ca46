"""One Finding model for every linter-like command, and the writers for each output format.

Formats: text, json (versioned envelope, documented in docs/reference/json-output.md), sarif
(2.1.0), junit (xml), github (workflow annotation commands), markdown.  Writers are pure
functions from a Report to a string; the CLI decides where the string goes.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from platformctl import REPOSITORY_URL, __version__

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}
FORMATS = ("text", "json", "sarif", "junit", "github", "markdown")
JSON_VERSION = 1


@dataclass
class Finding:
    rule: str
    severity: str
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    document: int | None = None
    entity: str | None = None
    hint: str | None = None
    # Not part of the JSON schema's required fields: set when a waiver suppresses the finding.
    suppressed: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        if data["suppressed"] is None:
            data.pop("suppressed")
        return data

    @property
    def where(self) -> str:
        if not self.file:
            return ""
        text = self.file
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text

    def sort_key(self) -> tuple[Any, ...]:
        return (
            self.file or "",
            -1 if self.document is None else self.document,
            self.line or 0,
            self.column or 0,
            self.rule,
        )


@dataclass
class RuleInfo:
    """What SARIF and --explain need to know about a rule id."""

    id: str
    title: str
    help: str = ""
    url: str | None = None


@dataclass
class Report:
    tool: str  # "catalog validate", "check", ...
    findings: list[Finding] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    rules: dict[str, RuleInfo] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)  # every file looked at, for junit/sarif

    def counts(self) -> Counter[str]:
        return Counter(f.severity for f in self.findings if not f.suppressed)

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.findings, key=Finding.sort_key)

    def worst(self) -> str | None:
        active = [f.severity for f in self.findings if not f.suppressed]
        return max(active, key=SEVERITY_RANK.__getitem__) if active else None


def fails(findings: Iterable[Finding], threshold: str = "error") -> bool:
    limit = SEVERITY_RANK[threshold]
    return any(SEVERITY_RANK[f.severity] >= limit for f in findings if not f.suppressed)


# --- writers ---------------------------------------------------------------------------------

# Control characters (a YAML "\e[2J" in a name ends up in messages), lone surrogates and
# non-characters: they would drive the terminal, split a one-line message or make JUnit XML
# invalid.  Text, GitHub and JUnit output show them escaped; JSON and SARIF escape on their own.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str | None, *, newlines: bool = False) -> str:
    """``text`` with control characters shown as escapes (``\\x1b``, ``\\n``); with
    ``newlines`` line breaks stay (GitHub annotations encode them as ``%0A`` themselves)."""
    if not text:
        return text or ""
    if newlines:
        return _UNPRINTABLE.sub(
            lambda m: m.group() if m.group() in "\r\n" else _escape_char(m), text
        )
    return _UNPRINTABLE.sub(_escape_char, text)


def text_location(f: Finding) -> str:
    """``path:line:col`` (as much of it as is known), escaped; empty without a file."""
    return printable(f.where)


def to_text(report: Report) -> str:
    """One finding per line, ``path:line:col: severity message (entity) [rule]`` -- the form
    editors and terminals turn into links, as ruff and compilers print -- with its hint on the
    next line, indented, and the summary line last.  The CLI may colour it."""
    lines: list[str] = []
    for f in report.sorted_findings():
        where = text_location(f)
        tag = f.severity if not f.suppressed else "suppressed"
        entity = f" ({printable(f.entity)})" if f.entity else ""
        prefix = f"{where}: " if where else ""
        lines.append(f"{prefix}{tag} {printable(f.message)}{entity} [{printable(f.rule)}]")
        if f.hint and not f.suppressed:
            lines.append(f"{TEXT_HINT_INDENT}hint: {printable(f.hint)}")
    summary = report.summary.get("line")
    if summary:
        if lines:
            lines.append("")
        lines.append(str(summary))
    return "\n".join(lines) + ("\n" if lines else "")


TEXT_HINT_INDENT = "    "


def to_json(report: Report) -> str:
    payload = {
        "version": JSON_VERSION,
        "tool": {"name": "platformctl", "version": __version__, "command": report.tool},
        "findings": [f.to_json() for f in report.sorted_findings()],
        "summary": {k: v for k, v in report.summary.items() if k != "line"},
    }
    return json.dumps(payload, indent=2, sort_keys=False, default=str) + "\n"


_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def to_sarif(report: Report) -> str:
    rule_ids = sorted({f.rule for f in report.findings} | set(report.rules))
    rules = []
    for rule_id in rule_ids:
        info = report.rules.get(rule_id) or RuleInfo(rule_id, rule_id)
        rule: dict[str, Any] = {
            "id": rule_id,
            "name": _sarif_name(rule_id),
            "shortDescription": {"text": info.title or rule_id},
        }
        if info.help:
            rule["help"] = {"text": info.help}
        if info.url:
            rule["helpUri"] = info.url
        rules.append(rule)
    index = {rid: i for i, rid in enumerate(rule_ids)}
    results = []
    for f in report.sorted_findings():
        result: dict[str, Any] = {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": _SARIF_LEVEL.get(f.severity, "warning"),
            "message": {"text": f.message + (f" Hint: {f.hint}" if f.hint else "")},
        }
        if f.file:
            region: dict[str, Any] = {}
            if f.line is not None:
                region["startLine"] = f.line
                if f.column is not None:
                    region["startColumn"] = f.column
            location: dict[str, Any] = {
                "physicalLocation": {"artifactLocation": {"uri": _uri(f.file)}}
            }
            if region:
                location["physicalLocation"]["region"] = region
            result["locations"] = [location]
        props: dict[str, Any] = {}
        if f.entity:
            props["entity"] = f.entity
        if f.document is not None:
            props["document"] = f.document
        if props:
            result["properties"] = props
        if f.suppressed:
            result["suppressions"] = [{"kind": "inSource", "justification": f.suppressed}]
        results.append(result)
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "platformctl",
                        "version": __version__,
                        "informationUri": REPOSITORY_URL,
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(sarif, indent=2) + "\n"


def _sarif_name(rule_id: str) -> str:
    return "".join(part.capitalize() for part in rule_id.replace("/", "-").split("-") if part)


def _uri(path: str) -> str:
    from urllib.parse import quote

    return quote(path.replace("\\", "/"))


def to_junit(report: Report) -> str:
    from xml.etree import ElementTree as ET

    by_file: dict[str, list[Finding]] = {}
    for name in report.files:
        by_file.setdefault(name, [])
    for f in report.sorted_findings():
        by_file.setdefault(f.file or "(general)", []).append(f)
    suites = ET.Element("testsuites", name=f"platformctl {report.tool}")
    total_tests = total_failures = 0
    for raw_name, findings in by_file.items():
        name = printable(raw_name)
        failing = [f for f in findings if f.severity == "error" and not f.suppressed]
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=name,
            tests=str(max(1, len(findings))),
            failures=str(len(failing)),
            errors="0",
            skipped=str(sum(1 for f in findings if f.suppressed)),
        )
        total_tests += max(1, len(findings))
        total_failures += len(failing)
        if not findings:
            ET.SubElement(suite, "testcase", name=name, classname=report.tool)
            continue
        for f in findings:
            case = ET.SubElement(
                suite,
                "testcase",
                name=printable(f"{f.rule} {f.where}".strip()),
                classname=printable(f.entity) or name,
                file=name,
            )
            if f.line is not None:
                case.set("line", str(f.line))
            message = printable(f.message)
            text = message + (f"\nhint: {printable(f.hint)}" if f.hint else "")
            if f.suppressed:
                ET.SubElement(case, "skipped", message=f"waived: {printable(f.suppressed)}")
            elif f.severity == "error":
                ET.SubElement(case, "failure", message=message, type=f.rule).text = text
            else:
                out = ET.SubElement(case, "system-out")
                out.text = f"{f.severity}: {text}"
    suites.set("tests", str(total_tests))
    suites.set("failures", str(total_failures))
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )


def _gh_escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_escape_prop(text: str) -> str:
    return _gh_escape_data(text).replace(":", "%3A").replace(",", "%2C")


def to_github(report: Report) -> str:
    """GitHub Actions workflow commands: ``::error file=..,line=..,col=..,title=..::message``."""
    out = []
    level = {"error": "error", "warning": "warning", "info": "notice"}
    for f in report.sorted_findings():
        if f.suppressed:
            continue
        props = []
        if f.file:
            props.append(f"file={_gh_escape_prop(printable(f.file))}")
            if f.line is not None:
                props.append(f"line={f.line}")
                if f.column is not None:
                    props.append(f"col={f.column}")
        props.append(f"title={_gh_escape_prop(f.rule)}")
        message = printable(f.message, newlines=True) + (
            f" (hint: {printable(f.hint, newlines=True)})" if f.hint else ""
        )
        out.append(f"::{level[f.severity]} {','.join(props)}::{_gh_escape_data(message)}")
    summary = report.summary.get("line")
    if summary:
        out.append(str(summary))
    return "\n".join(out) + ("\n" if out else "")


def to_markdown(report: Report) -> str:
    lines = [f"### platformctl {report.tool}", ""]
    if report.summary.get("line"):
        lines += [str(report.summary["line"]), ""]
    findings = report.sorted_findings()
    if findings:
        lines += ["| severity | rule | where | message |", "| --- | --- | --- | --- |"]
        for f in findings:
            sev = "suppressed" if f.suppressed else f.severity
            msg = f.message.replace("|", "\\|") + (f" — {f.hint}" if f.hint else "")
            lines.append(f"| {sev} | `{f.rule}` | {f.where} | {msg} |")
    return "\n".join(lines) + "\n"


WRITERS = {
    "text": to_text,
    "json": to_json,
    "sarif": to_sarif,
    "junit": to_junit,
    "github": to_github,
    "markdown": to_markdown,
}


def render(report: Report, fmt: str) -> str:
    try:
        return WRITERS[fmt](report)
    except KeyError:
        from platformctl.core.errors import UsageError

        raise UsageError(
            f"unknown format {fmt!r}", hint=f"choose one of: {', '.join(WRITERS)}"
        ) from None
