"""``check --format prometheus``: a CheckResult as samples in the text exposition format, for
node_exporter's textfile collector or a Pushgateway. Names are documented in
docs/reference/metrics.md (``platform_`` prefix, base units); the shared writer in
core/reports.py writes them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from platformctl.core.reports import ReportDoc, Sample, to_prometheus

if TYPE_CHECKING:
    from platformctl.core.compliance.scoring import CheckResult

METRICS = (
    "platform_check_score_ratio",
    "platform_check_compliant",
    "platform_check_level_info",
    "platform_check_rule_passed",
    "platform_golden_path_info",
)
NO_LEVEL = "none"


def _golden_path_version(result: CheckResult) -> str:
    """The version in .copier-answers.yml (``_commit``: v1.1.0 -> 1.1.0), else empty."""
    import yaml

    from platformctl.core.scaffold.versions import version_of

    text = result.facts.text(".copier-answers.yml")
    if not text:
        return ""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return ""
    commit = data.get("_commit") if isinstance(data, dict) else None
    return (version_of(str(commit)) or "") if commit else ""


def samples(result: CheckResult, *, repository: str | None = None) -> list[Sample]:
    """Labels: ``repository`` (the folder name unless given), ``component`` (the catalog
    entity's name, when there is one), ``scorecard``; ``rule`` and ``severity`` per rule."""
    from platformctl.core.compliance.scoring import NOT_APPLICABLE, SKIPPED

    base = {"repository": repository or result.root.name}
    entity = result.facts.entity()
    name = entity.metadata.get("name") if entity is not None else None
    if name:
        base["component"] = str(name)
    out: list[Sample] = []
    if result.golden_path:
        out.append(
            Sample(
                "platform_golden_path_info",
                1,
                {**base, "golden_path": str(result.golden_path),
                 "version": _golden_path_version(result)},
                help="The golden path a repository was created from and its version (always 1).",
            )
        )
    for card in result.scorecards:
        labels = {**base, "scorecard": card.scorecard.id}
        out.append(
            Sample(
                "platform_check_score_ratio",
                card.score / 100,
                labels,
                help="Scorecard score, 0-1 (platformctl check).",
            )
        )
        out.append(
            Sample(
                "platform_check_compliant",
                1 if card.status == "compliant" else 0,
                labels,
                help="1 when the repository is compliant with the scorecard, else 0.",
            )
        )
        out.append(
            Sample(
                "platform_check_level_info",
                1,
                {**labels, "level": card.level or NO_LEVEL},
                help="The scorecard level the repository reached (always 1; level none when "
                "no level is reached).",
            )
        )
        for r in card.results:
            if r.state in (NOT_APPLICABLE, SKIPPED):
                continue
            out.append(
                Sample(
                    "platform_check_rule_passed",
                    1 if r.ok else 0,
                    {**labels, "rule": r.rule.full_id, "severity": r.rule.severity},
                    help="1 when the rule passes (or is waived), 0 when it fails or errors.",
                )
            )
    # one family at a time: the exposition format wants a family's samples together
    order = {name: index for index, name in enumerate(METRICS)}
    out.sort(key=lambda s: order[s.name])
    return out


def render(result: CheckResult, *, repository: str | None = None) -> str:
    doc = ReportDoc("check", "check", "", [], {}, samples=samples(result, repository=repository))
    return to_prometheus(doc)
