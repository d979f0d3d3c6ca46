"""Check-specific text building blocks (plain strings; the CLI adds tables and colour):
markdown with one table per scorecard, and the ``--explain`` text of a rule."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from platformctl.core.compliance.scorecard import Rule
from platformctl.core.compliance.scoring import FAIL, CheckResult, RuleResult, ScorecardResult

RESULT_LABEL = {
    "pass": "pass",
    "fail": "FAIL",
    "error": "ERROR",
    "skipped": "skipped",
    "n/a": "n/a",
    "waived": "waived",
}


def result_cell(result: RuleResult) -> str:
    label = RESULT_LABEL[result.state]
    if result.state in ("fail", "error", "skipped", "waived") and result.message:
        where = (
            f" ({result.file}:{result.line})"
            if result.file and result.line
            else (f" ({result.file})" if result.file else "")
        )
        if len(result.hits) > 1:
            where = " (" + ", ".join(_where(h.file, h.line, None) for h in result.hits) + ")"
        if result.state == "waived" and result.waiver:
            return f"{label}: {result.waiver.reason} (until {result.waiver.expires})"
        return f"{label}: {result.message}{where}"
    return label


def detail_lines(result: RuleResult) -> list[str]:
    """A rule that is not passing, for the text output: ``<check/...> (file:line)``, what is
    wrong, and how to fix it (waiver: its reason, owner and expiry), each on its own line."""
    rule = result.rule
    where = ""
    if result.file and len(result.hits) <= 1:
        where = f"  {_where(result.file, result.line, result.column)}"
    lines = [f"{rule.full_id}{where}"]
    if result.message:
        lines.append(result.message)
    if len(result.hits) > 1:
        lines.extend(f"{_where(h.file, h.line, h.column)}: {h.message}" for h in result.hits)
    if result.gate_failed:
        lines.append("gate: while this rule fails, the run fails and no level is held")
    if result.state == "waived" and result.waiver:
        owner = f", owner {result.waiver.owner}" if result.waiver.owner else ""
        lines.append(f"waived until {result.waiver.expires}{owner}: {result.waiver.reason}")
    elif result.state == "error":
        lines.append("a bug in the check or its options; --debug shows the traceback")
    elif result.state == "fail" and rule.remediation.strip():
        lines.append("remediation: " + " ".join(rule.remediation.split()))
    return lines


def _where(file: str, line: int | None, column: int | None) -> str:
    if not line:
        return file
    return f"{file}:{line}:{column}" if column else f"{file}:{line}"


def weight_text(weight: float) -> str:
    return f"{weight:g}"


def headline(card: ScorecardResult) -> str:
    return f"score {card.score}/100 · level {card.level or 'none'} · {card.status}"


def next_level_text(card: ScorecardResult) -> str | None:
    if card.next_level is None:
        return None
    if not card.next_rules:
        return None
    items = ", ".join(f"{r.rule.id} (+{weight_text(r.rule.weight)})" for r in card.next_rules)
    return f"next level {card.next_level}: fix {items}"


def text_lines(result: CheckResult, *, quiet: bool = False) -> list[tuple[str, str | None]]:
    """The text report as ``(line, state)`` pairs (``state``: fail, error, waived, baseline,
    n/a, skipped or None) so a terminal can colour lines; plain text is the lines joined.

    Per scorecard: a narrow table (rule, level, result, weight) that fits 80 columns, then each
    rule that is not passing with its position, message and whole remediation on lines of their
    own (never folded into a table cell), the headline and the next-level list.  ``quiet`` skips
    compliant scorecards and passing rules."""
    from platformctl.core.report import Report, printable, to_text

    lines: list[tuple[str, str | None]] = []
    baselined = {
        f.rule for f in result.findings if f.suppressed and f.suppressed.startswith("in baseline")
    }
    if not result.scorecards:
        lines.append(
            (
                "No scorecard applies to this repository (set golden_path or scorecards "
                "in .platformctl.yaml).",
                None,
            )
        )
    for card in result.scorecards:
        if quiet and card.status == "compliant":
            continue
        rows: list[tuple[tuple[str, str, str, str], str]] = []
        details: list[tuple[str, str, list[str]]] = []
        for r in card.results:
            if quiet and (r.ok or not r.counted):
                continue
            label, state = RESULT_LABEL[r.state], r.state
            if r.gate_failed:
                label = f"{label} (gate)"
            elif r.state in ("fail", "error") and r.rule.full_id in baselined:
                label, state = f"{label} (baseline)", "baseline"
            rows.append(((r.rule.id, r.rule.level, label, weight_text(r.rule.weight)), state))
            if r.state in ("fail", "error", "waived", "skipped"):
                details.append((label, state, detail_lines(r)))
        header = ("rule", "level", "result", "weight")
        widths = [max(len(header[i]), *(len(cells[i]) for cells, _ in rows)) for i in range(4)]

        lines.append((printable(f"{card.scorecard.title} ({card.scorecard.id})"), "title"))
        lines.append((_row(header, widths), "header"))
        lines.append(("-" * len(_row(header, widths)), "header"))
        for cells, state in rows:
            lines.append((_row(cells, widths), None if state == "pass" else state))
        if details:
            lines.append(("", None))
        for label, state, detail in details:
            lines.append((f"{label} {printable(detail[0])}", state))
            lines.extend((f"    {printable(line)}", None) for line in detail[1:])
        lines.append(("", None))
        lines.append((f"{card.scorecard.id}: {headline(card)}", "title"))
        nxt = next_level_text(card)
        if nxt:
            lines.append((nxt, None))
        lines.append(("", None))
    others = [f for f in result.findings if f.rule not in result.rules]
    if others:
        lines.extend((line, None) for line in to_text(Report("check", others)).splitlines())
    return lines


def _row(cells: tuple[str, ...], widths: list[int]) -> str:
    left = "   ".join(c.ljust(w) for c, w in zip(cells[:3], widths[:3], strict=True))
    return f"{left}   {cells[3].rjust(widths[3])}"


def to_markdown(result: CheckResult) -> str:
    lines = ["### platformctl check", ""]
    for card in result.scorecards:
        lines.append(f"#### {card.scorecard.title} (`{card.scorecard.id}`)")
        lines.append("")
        lines.append(f"**{card.score}/100** · level **{card.level or 'none'}** · `{card.status}`")
        lines.append("")
        lines += [
            "| rule | level | result | weight | remediation |",
            "| --- | --- | --- | --- | --- |",
        ]
        for r in card.results:
            remedy = r.rule.remediation.strip() if r.state == FAIL else ""
            cells = [
                f"`{r.rule.id}` {r.rule.title}",
                r.rule.level,
                result_cell(r),
                weight_text(r.rule.weight),
                remedy,
            ]
            lines.append(
                "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"
            )
        nxt = next_level_text(card)
        if nxt:
            lines += ["", nxt]
        lines.append("")
    others = [f for f in result.findings if f.rule not in result.rules]
    if others:
        lines += [
            "#### Other findings",
            "",
            "| severity | rule | where | message |",
            "| --- | --- | --- | --- |",
        ]
        for f in others:
            sev = "suppressed" if f.suppressed else f.severity
            message = f.message.replace("|", "\\|")
            lines.append(f"| {sev} | `{f.rule}` | {f.where} | {message} |")
        lines.append("")
    if not result.scorecards:
        lines.append("No scorecard applies to this repository.")
    return "\n".join(lines).rstrip("\n") + "\n"


def to_junit(result: CheckResult) -> str:
    """JUnit XML with one test suite per scorecard and one test case per rule (a CI dashboard
    then counts rules, not findings): a failing rule is a ``failure`` (an ``error`` when the
    rule crashed), a waived, baselined, skipped or not applicable one is ``skipped``.  Findings
    that belong to no rule (waiver problems) form a last suite."""
    from xml.etree import ElementTree as ET

    from platformctl.core.report import printable

    suppressed = {f.rule: f.suppressed for f in result.findings if f.suppressed}
    suites = ET.Element("testsuites", name="platformctl check")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for card in result.scorecards:
        counts = dict.fromkeys(totals, 0)
        suite = ET.SubElement(suites, "testsuite", name=card.scorecard.id)
        ET.SubElement(
            ET.SubElement(suite, "properties"),
            "property",
            name="score",
            value=f"{card.score}/100, level {card.level or 'none'}, {card.status}",
        )
        for r in card.results:
            counts["tests"] += 1
            case = ET.SubElement(
                suite, "testcase", name=r.rule.id, classname=f"check.{card.scorecard.id}"
            )
            if r.file:
                case.set("file", printable(r.file))
                if r.line:
                    case.set("line", str(r.line))
            text = "\n".join(printable(line) for line in detail_lines(r))
            message = printable(r.message)
            why = suppressed.get(r.rule.full_id)
            if r.state in ("fail", "error") and why:
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message=printable(why))
            elif r.state == "fail" and r.rule.severity == "error":
                counts["failures"] += 1
                ET.SubElement(case, "failure", message=message, type=r.rule.full_id).text = text
            elif r.state == "fail":
                ET.SubElement(case, "system-out").text = f"{r.rule.severity}: {text}"
            elif r.state == "error":
                counts["errors"] += 1
                ET.SubElement(case, "error", message=message, type=r.rule.full_id).text = text
            elif r.state != "pass":
                counts["skipped"] += 1
                message = message or r.state
                if r.state == "waived" and r.waiver:
                    message = printable(f"waived: {r.waiver.reason} (until {r.waiver.expires})")
                ET.SubElement(case, "skipped", message=message)
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    others = [f for f in result.findings if f.rule not in result.rules]
    if others:
        counts = dict.fromkeys(totals, 0)
        suite = ET.SubElement(suites, "testsuite", name="platformctl check")
        for f in others:
            counts["tests"] += 1
            case = ET.SubElement(
                suite, "testcase", name=printable(f"{f.rule} {f.where}".strip()), classname="check"
            )
            if f.file:
                case.set("file", printable(f.file))
            text = printable(f.message) + (f"\nhint: {printable(f.hint)}" if f.hint else "")
            if f.suppressed:
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message=printable(f.suppressed))
            elif f.severity == "error":
                counts["failures"] += 1
                ET.SubElement(
                    case, "failure", message=printable(f.message), type=f.rule
                ).text = text
            else:
                ET.SubElement(case, "system-out").text = f"{f.severity}: {text}"
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        suites.set(key, str(value))
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )


def explain(rule: Rule) -> str:
    lines = [f"{rule.full_id}: {rule.title}", ""]
    lines.append(
        f"scorecard: {rule.scorecard}   level: {rule.level}   severity: {rule.severity}"
        f"   weight: {weight_text(rule.weight)}"
    )
    if rule.file:
        lines.append(f"defined in: {rule.file}:{rule.line}")
    if rule.description:
        lines += ["", "Why:", "  " + rule.description.strip().replace("\n", "\n  ")]
    if rule.applies_when:
        conditions = ", ".join(f"{k} = {json.dumps(v)}" for k, v in rule.applies_when.items())
        lines += ["", f"Applies when: {conditions}"]
    lines += ["", f"Check: {rule.check.type}"]
    from platformctl.core.compliance.registry import CHECK_TYPES

    lines.append("  " + CHECK_TYPES[rule.check.type].summary)
    for key, value in rule.check.options.items():
        lines.append(f"  {key}: {json.dumps(value)}")
    for child in rule.check.children:
        lines.append(f"  - {json.dumps(child.to_data())}")
    if rule.remediation:
        lines += ["", "How to satisfy it:", "  " + rule.remediation.strip().replace("\n", "\n  ")]
    if rule.fix:
        lines += [
            "",
            f"Automatic fix (platformctl check --fix): {rule.fix.type} "
            + json.dumps(rule.fix.options),
        ]
    if rule.policy_url:
        lines += ["", f"Policy: {rule.policy_url}"]
    return "\n".join(lines) + "\n"


def explain_rule(rule_id: str, config: Any, root: Path) -> str:
    """The ``check --explain RULE_ID`` text: a built-in rule (``check/...``, the ID with or
    without that prefix), else a rule of the available scorecards, including those the
    repository's ``scorecards:`` names by file (UsageError when there is none of that ID)."""
    from platformctl.core.compliance import scoring

    available = scoring.available_scorecards(config)
    for entry in config.repo.get("scorecards") or []:
        if isinstance(entry, str) and entry.endswith((".yaml", ".yml")):
            scoring.select_scorecards(config, available, root)
            break
    builtin = scoring.BUILTIN_RULES.get(rule_id) or scoring.BUILTIN_RULES.get(f"check/{rule_id}")
    if builtin is not None:
        full_id = rule_id if rule_id.startswith("check/") else f"check/{rule_id}"
        return f"{full_id}: {builtin[0]}\n\n{builtin[1]}\n"
    return explain(scoring.find_rule(rule_id, available))
