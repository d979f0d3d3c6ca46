"""Run scorecards against a checkout and score them.

``run(root=..., config=...)`` picks the scorecards that apply, evaluates every rule (a rule that
crashes becomes an error finding; the others still run), applies waivers, and returns a
``CheckResult``: per-scorecard score (0-100, weighted, rules that do not apply do not count),
level held (every rule of that rung and below passes, and no gate fails), status
(``compliant`` = 100, ``partial`` >= 70, ``non_compliant`` < 70 or a gate fails), the next
rung and the failing rules that stand in its way (gates, then cheapest first), and the findings
for the report writers (one per hit when a check found several places).
"""

from __future__ import annotations

import math
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformctl.core.compliance import registry
from platformctl.core.compliance.facts import Facts
from platformctl.core.compliance.registry import Hit
from platformctl.core.compliance.scorecard import Rule, Scorecard
from platformctl.core.compliance.selection import available_scorecards, select_scorecards
from platformctl.core.compliance.waivers import Waiver, parse_waivers
from platformctl.core.errors import UsageError
from platformctl.core.report import SEVERITY_RANK, Finding, Report, RuleInfo

PARTIAL_AT = 70
# Findings that come from the repository's configuration rather than a scorecard rule: their
# title and help, for --explain and the SARIF rule table.
BUILTIN_RULES: dict[str, tuple[str, str]] = {
    "check/waiver/invalid": (
        "Waiver without a reason or a valid expiry date",
        "Every waiver in .platformctl.yaml needs `reason:` (why the rule does not apply yet) and "
        "`expires: YYYY-MM-DD`, so exceptions are explained and revisited. An invalid waiver "
        "waives nothing. Add the missing field.",
    ),
    "check/waiver/expired": (
        "Expired waiver",
        "A waiver past its `expires:` date waives nothing and fails the run, so exceptions do "
        "not outlive their reason. Fix the rule, or renew the waiver with a new reason and date.",
    ),
    "check/waiver/unknown-rule": (
        "Waiver for an unknown rule",
        "The waiver's `rule:` matches no rule of any configured scorecard (a typo, or a rule "
        "that was removed). Rule ids look like check/<scorecard>/<rule>; "
        "`platformctl check --format json` lists them. Fix the id or delete the waiver.",
    ),
    "check/waiver/unused": (
        "Waiver no longer needed",
        "Every rule the waiver covers passes (or does not apply), so it waives nothing today, "
        "but would silently hide a later regression until it expires. Delete it (info: only "
        "fails the run with --severity info).",
    ),
    "check/config/golden-path-without-scorecard": (
        "Golden path without a scorecard",
        "`golden_path:` in .platformctl.yaml names a golden path no scorecard checks, so the "
        "golden-path compliance rules do not run (often a typo). Fix the name, or add a "
        "scorecard with `golden_paths: [<name>]` to the platform.",
    ),
}
PASS, FAIL, ERROR, SKIPPED, NOT_APPLICABLE, WAIVED = (
    "pass",
    "fail",
    "error",
    "skipped",
    "n/a",
    "waived",
)


@dataclass
class RuleResult:
    rule: Rule
    state: str
    message: str = ""
    file: str | None = None
    line: int | None = None
    column: int | None = None
    waiver: Waiver | None = None
    detail: str | None = None  # traceback of a crashed rule
    hits: list[Hit] = field(default_factory=list)  # every place a failing check found

    @property
    def counted(self) -> bool:
        return self.state not in (NOT_APPLICABLE, SKIPPED)

    @property
    def ok(self) -> bool:
        return self.state in (PASS, WAIVED)

    @property
    def gate_failed(self) -> bool:
        """A gate that fails (or crashed) and is not waived."""
        return self.rule.gate and self.counted and not self.ok


@dataclass
class ScorecardResult:
    scorecard: Scorecard
    results: list[RuleResult]
    score: int
    level: str | None
    status: str
    next_level: str | None
    next_rules: list[RuleResult]

    @property
    def gates_failed(self) -> list[RuleResult]:
        return [r for r in self.results if r.gate_failed]

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.scorecard.title,
            "score": self.score,
            "level": self.level,
            "levels": self.scorecard.levels,
            "status": self.status,
            "gates_failed": [r.rule.full_id for r in self.gates_failed],
            "next_level": None
            if self.next_level is None
            else {
                "level": self.next_level,
                "rules": [r.rule.full_id for r in self.next_rules],
                "weight": sum(r.rule.weight for r in self.next_rules),
            },
            "rules": {
                r.rule.id: {
                    "result": r.state,
                    "weight": r.rule.weight,
                    "level": r.rule.level,
                    "severity": r.rule.severity,
                    "gate": r.rule.gate,
                }
                for r in self.results
            },
        }


@dataclass
class CheckResult:
    root: Path
    golden_path: str | None
    scorecards: list[ScorecardResult]
    findings: list[Finding]
    facts: Facts
    rules: dict[str, Rule] = field(default_factory=dict)

    @property
    def all_pass(self) -> bool:
        return all(s.status == "compliant" for s in self.scorecards) and not any(
            not f.suppressed for f in self.findings
        )

    def report(self) -> Report:
        summary: dict[str, Any] = {
            "root": str(self.root),
            "golden_path": self.golden_path,
            "scorecards": {s.scorecard.id: s.to_json() for s in self.scorecards},
            "counts": {
                sev: sum(1 for f in self.findings if f.severity == sev and not f.suppressed)
                for sev in ("error", "warning", "info")
            },
            "suppressed": sum(1 for f in self.findings if f.suppressed),
            "line": summary_line(self.scorecards),
        }
        infos = {
            rid: RuleInfo(rid, rule.title, rule_help(rule), rule.policy_url)
            for rid, rule in self.rules.items()
        }
        for finding in self.findings:
            if finding.rule in BUILTIN_RULES:
                title, text = BUILTIN_RULES[finding.rule]
                infos[finding.rule] = RuleInfo(finding.rule, title, text)
        return Report("check", list(self.findings), summary, infos)


def summary_line(results: list[ScorecardResult]) -> str:
    if not results:
        return "no scorecard applies to this repository"
    return " · ".join(
        f"{s.scorecard.id}: {s.score}/100, level {s.level or 'none'}, {s.status}" for s in results
    )


def rule_help(rule: Rule) -> str:
    parts = [rule.description.strip(), rule.remediation.strip()]
    return "\n\n".join(p for p in parts if p)


# --- evaluation ------------------------------------------------------------------------------


def applies(facts: Facts, rule: Rule, context: dict[str, Any]) -> bool:
    for key, value in rule.applies_when.items():
        if not registry.CONDITIONS[key].func(facts, value, context):
            return False
    return True


def evaluate(facts: Facts, rule: Rule, context: dict[str, Any]) -> RuleResult:
    from platformctl.core.compliance.checks import run_check

    try:
        if not applies(facts, rule, context):
            return RuleResult(rule, NOT_APPLICABLE, "does not apply")
        outcome = run_check(facts, rule.check)
    except Exception as exc:  # noqa: BLE001 - a crashing rule must not stop the others
        return RuleResult(
            rule, ERROR, f"rule crashed: {type(exc).__name__}: {exc}", detail=traceback.format_exc()
        )
    if outcome.passed is None:
        return RuleResult(rule, SKIPPED, outcome.message)
    return RuleResult(
        rule,
        PASS if outcome.passed else FAIL,
        outcome.message,
        outcome.file,
        outcome.line,
        outcome.column,
        hits=[] if outcome.passed else list(outcome.hits),
    )


def score(card: Scorecard, results: list[RuleResult]) -> ScorecardResult:
    counted = [r for r in results if r.counted]
    total = sum(r.rule.weight for r in counted)
    passed = sum(r.rule.weight for r in counted if r.ok)
    if total > 0:
        value = math.floor(100 * passed / total + 1e-9)
    else:
        value = 100 if all(r.ok for r in counted) else 0
    if value == 100 and not all(r.ok for r in counted):
        value = 99  # a failing zero-weight rule still keeps the card from "compliant"
    ladder = card.levels
    rank = {name: i for i, name in enumerate(ladder)}
    held: str | None = None
    gated = any(r.gate_failed for r in counted)
    for index, level in enumerate(ladder):
        if gated:
            break  # a failing gate holds the card at no level, whatever the score
        if all(r.ok for r in counted if rank[r.rule.level] <= index):
            held = level
        else:
            break
    held_index = -1 if held is None else rank[held]
    next_level = ladder[held_index + 1] if held_index + 1 < len(ladder) else None
    next_rules: list[RuleResult] = []
    if next_level is not None:
        next_rules = sorted(
            (
                r
                for r in counted
                if not r.ok and (r.gate_failed or rank[r.rule.level] <= held_index + 1)
            ),
            key=lambda r: (not r.gate_failed, r.rule.weight, r.rule.id),
        )
    status = "compliant" if value == 100 else "partial" if value >= PARTIAL_AT else "non_compliant"
    if gated:
        status = "non_compliant"
    return ScorecardResult(card, results, value, held, status, next_level, next_rules)


def locate(facts: Facts, result: RuleResult) -> int | None:
    """Complete a failure's position: the column of the first character on its line when the
    check gave none, and the (0-based) YAML document holding that line, which is returned."""
    result.column, document = _position(facts, result.file, result.line, result.column)
    return document


def _position(
    facts: Facts, file: str | None, line: int | None, column: int | None
) -> tuple[int | None, int | None]:
    """``(column, document)`` for a position in the checkout: the given column, else that of
    the first character on the line; the 0-based YAML document holding the line, if any."""
    if not file or not line:
        return column, None
    text = facts.text(file)
    if text is None:
        return column, None
    if column is None:
        lines = text.split("\n", line)
        if len(lines) >= line:
            content = lines[line - 1]
            column = len(content) - len(content.lstrip()) + 1
    if not file.endswith((".yaml", ".yml")):
        return column, None
    loaded = facts.yaml(file)
    if loaded is None or not loaded.documents:
        return column, None
    document = 0
    for doc in loaded.documents:
        if doc.line <= line:
            document = doc.index
    return column, document


def findings_for(
    facts: Facts, result: RuleResult, entity: str | None, catalog_file: str | None
) -> list[Finding]:
    """The findings of one rule result: one per hit when the check found several places (each
    with its own position), else at most one."""
    if result.state not in (FAIL, WAIVED) or not result.hits:
        document = locate(facts, result) if result.state in (FAIL, WAIVED) else None
        finding = finding_for(result, entity, catalog_file, document)
        return [finding] if finding is not None else []
    found: list[Finding] = []
    for hit in result.hits:
        column, document = _position(facts, hit.file, hit.line, hit.column)
        one = RuleResult(
            result.rule, result.state, hit.message, hit.file, hit.line, column, result.waiver
        )
        finding = finding_for(one, entity, catalog_file, document)
        if finding is not None:
            found.append(finding)
    return found


def finding_for(
    result: RuleResult,
    entity: str | None,
    catalog_file: str | None,
    document: int | None = None,
) -> Finding | None:
    rule = result.rule
    hint = rule.remediation.strip().splitlines()[0] if rule.remediation.strip() else None
    ent = entity if result.file and result.file == catalog_file else None
    if result.state in (FAIL, WAIVED):
        message = f"{rule.title}: {result.message}" if result.message else rule.title
        suppressed = None
        if result.state == WAIVED:
            waiver = result.waiver
            suppressed = waiver.reason if waiver else "waived"
            if waiver:
                suppressed += f" (owner {waiver.owner}, expires {waiver.expires})"
        return Finding(
            rule.full_id,
            rule.severity,
            message,
            result.file,
            result.line,
            result.column,
            document,
            ent,
            hint,
            suppressed=suppressed,
        )
    if result.state == ERROR:
        return Finding(
            rule.full_id,
            "error",
            result.message,
            rule.file,
            rule.line,
            None,
            None,
            None,
            "a bug in the check or its options; --debug shows the traceback",
        )
    if result.state == SKIPPED:
        return Finding(
            rule.full_id,
            "info",
            f"{rule.title}: {result.message}",
            None,
            None,
            None,
            None,
            None,
            None,
        )
    return None


def root_of(path: Path, config: Any) -> Path:
    """The repository to check for PATH: the folder holding .platformctl.yaml (at or above
    PATH, inside its git work tree), else PATH itself."""
    repo_root = getattr(config, "repo_root", None)
    return Path(repo_root) if repo_root is not None else path.resolve()


def ensure_checkable(root: Path, config: Any) -> None:
    """UsageError unless there is something to check at ROOT: a .platformctl.yaml, a catalog
    file, or a git work tree at or above it (a repository without a catalog file yet is
    legitimate: the rules say what is missing)."""
    if getattr(config, "repo_root", None) is not None:
        return
    if (root / "catalog-info.yaml").is_file() or (root / "catalog-info.yml").is_file():
        return
    if any((folder / ".git").exists() for folder in (root, *root.parents)):
        return
    raise UsageError(
        f"nothing to check in {root}: no .platformctl.yaml, catalog-info.yaml or git "
        "work tree here or above",
        hint="run platformctl check in a service repository, or pass its folder",
    )


def run(
    *,
    root: Path,
    config: Any,
    only: list[str] | None = None,
    scorecards: list[Scorecard] | None = None,
    facts: Facts | None = None,
) -> CheckResult:
    from platformctl.core.catalog.org import owner_kinds

    registry.ensure_loaded()
    root = root.resolve()
    facts = facts or Facts(root)
    # the platform's catalog.owner_kinds, for the catalog_owner check
    facts.extra.setdefault("owner_kinds", owner_kinds(config))
    # Checks that depend on a platform setting read it through facts.setting().
    facts.extra.setdefault("settings", config.get)
    known: set[str] = set()
    unknown_golden_path: Finding | None = None
    scorecards_given = scorecards
    if scorecards is None:
        available = available_scorecards(config)
        scorecards = select_scorecards(config, available, root, only)
        # A waiver for a rule of a scorecard left out by --scorecard is not unknown.
        known = {rule.full_id for card in available.values() for rule in card.rules}
        unknown_golden_path = _golden_path_without_scorecard(config, available, root)
    repo_file = str(config.repo_root / ".platformctl.yaml") if config.repo_root else None
    waivers, findings = parse_waivers(config.repo, config.repo_document, _rel(repo_file, root))
    if scorecards_given is None and unknown_golden_path is not None:
        findings.append(unknown_golden_path)
    golden_path = config.get("golden_path")
    context = {"golden_path": golden_path, "catalog_file": facts.catalog_file()}
    entity_obj = None
    try:
        entity_obj = facts.entity()
    except Exception:  # noqa: BLE001 - a broken catalog file is reported by the rules
        entity_obj = None
    entity = entity_obj.ref if entity_obj else None
    results: list[ScorecardResult] = []
    rules: dict[str, Rule] = {}
    used_waivers: set[int] = set()
    for card in scorecards:
        rule_results = []
        for rule in card.rules:
            rules[rule.full_id] = rule
            result = evaluate(facts, rule, context)
            if result.state in (FAIL, ERROR):
                for index, waiver in enumerate(waivers):
                    if waiver.matches(rule.full_id):
                        result.state = WAIVED
                        result.waiver = waiver
                        used_waivers.add(index)
                        break
            rule_results.append(result)
            findings.extend(findings_for(facts, result, entity, context["catalog_file"]))
        results.append(score(card, rule_results))
    known |= set(rules)
    import fnmatch

    for index, waiver in enumerate(waivers):
        pattern = waiver.rule if waiver.rule.startswith("check/") else f"check/{waiver.rule}"
        matched = {r for r in known if fnmatch.fnmatchcase(r, pattern)}
        if matched and index not in used_waivers and matched <= set(rules):
            findings.append(
                Finding(
                    "check/waiver/unused",
                    "info",
                    f"waiver for {waiver.rule} is not needed: no rule it covers fails",
                    _rel(repo_file, root),
                    waiver.line,
                    waiver.column,
                    None,
                    None,
                    "delete the waiver, so a later regression is not silently waived",
                )
            )
        if not matched:
            findings.append(
                Finding(
                    "check/waiver/unknown-rule",
                    "warning",
                    f"waiver for {waiver.rule} matches no known rule",
                    _rel(repo_file, root),
                    waiver.line,
                    waiver.column,
                    None,
                    None,
                    "check the rule id (platformctl check --format json lists them)",
                )
            )
    return CheckResult(root, golden_path, results, findings, facts, rules)


def _golden_path_without_scorecard(
    config: Any, available: dict[str, Scorecard], root: Path
) -> Finding | None:
    """A ``golden_path:`` no scorecard names (a typo, or a golden path without a compliance
    scorecard) would otherwise silently drop the golden-path checks: say so (a warning)."""
    golden_path = config.get("golden_path")
    if not isinstance(golden_path, str) or not golden_path:
        return None
    named = {g for card in available.values() for g in card.golden_paths if g != "*"}
    if golden_path in named:
        return None
    doc = config.repo_document
    repo_file = str(config.repo_root / ".platformctl.yaml") if config.repo_root else None
    line, col = doc.position(("golden_path",)) if doc is not None else (None, None)
    known = ", ".join(sorted(named)) or "none"
    return Finding(
        "check/config/golden-path-without-scorecard",
        "warning",
        f"no scorecard checks golden path {golden_path!r}: its compliance rules do not run",
        _rel(repo_file, root) if repo_file and doc is not None else None,
        line if repo_file and doc is not None else None,
        col if repo_file and doc is not None else None,
        hint=f"golden paths with a scorecard: {known} (a typo in golden_path?)",
    )


def _rel(path: str | None, root: Path) -> str | None:
    if path is None:
        return None
    try:
        return Path(path).resolve().relative_to(root).as_posix()
    except ValueError:
        return path


# --- the verdict -----------------------------------------------------------------------------


def apply_baseline(findings: list[Finding], baseline: set[str], name: str) -> int:
    """Mark findings recorded in the baseline as suppressed; returns how many."""
    count = 0
    for finding in findings:
        if not finding.suppressed and finding.rule in baseline:
            finding.suppressed = f"in baseline {name}"
            count += 1
    return count


def failed(
    result: CheckResult, *, severity: str = "error", fail_under: float | None = None
) -> bool:
    """The run fails on a finding at or above ``severity`` (not suppressed), a score under
    ``fail_under``, or any failing gate -- whatever its severity, the score or a baseline (only
    a waiver, with its reason and expiry, exempts a gate)."""
    if any(s.gates_failed for s in result.scorecards):
        return True
    limit = SEVERITY_RANK[severity]
    if any(SEVERITY_RANK[f.severity] >= limit for f in result.findings if not f.suppressed):
        return True
    return fail_under is not None and any(s.score < fail_under for s in result.scorecards)


def find_rule(rule_id: str, available: dict[str, Scorecard]) -> Rule:
    """``check/<card>/<rule>``, ``<card>/<rule>`` or a bare rule id (if unique)."""
    wanted = rule_id.removeprefix("check/")
    matches = []
    for card in available.values():
        for rule in card.rules:
            if wanted in (f"{card.id}/{rule.id}", rule.id):
                matches.append(rule)
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise UsageError(
            f"unknown rule {rule_id!r}",
            hint="rule ids look like check/<scorecard>/<rule>; "
            "platformctl check --format json lists them",
        )
    raise UsageError(
        f"rule id {rule_id!r} is ambiguous",
        hint="use one of: " + ", ".join(r.full_id for r in matches),
    )
