"""``platformctl assess`` before its questions: the questionnaire, the answers given in a file,
the evidence and the levels it proposes, and the history to compare with.  What is still
missing is asked by the command (on a terminal), then ``maturity.assess`` scores it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformctl.core.insights.maturity import Evidence, Model, Proposal


@dataclass
class Prepared:
    model: Model
    answers: dict[str, str]  # from the answers file, plus accepted proposals
    evidence: Evidence | None = None  # None: no evidence source given
    proposals: list[Proposal] | None = None
    history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        """The aspects still without an answer."""
        from platformctl.core.insights import maturity

        return maturity.missing(self.model, self.answers)


def prepare(
    config: Any,
    *,
    model_file: Path | None = None,
    answers_file: Path | None = None,
    repos: Path | None = None,
    inventory: list[str] | None = None,
    check: bool = True,
    deployments: list[Path] | None = None,
    incidents: list[Path] | None = None,
    dora_reports: list[Path] | None = None,
    accept_proposed: bool = False,
    record: Path | None = None,
    cwd: Path | None = None,
    warn: Callable[[str], None] | None = None,
    info: Callable[[str], None] | None = None,
) -> Prepared:
    """Load the questionnaire (MODEL_FILE, else the platform's insights/maturity.yaml, else the
    embedded CNCF model) and the answers; with an evidence source (repositories or DORA files)
    gather the evidence (``evidence.collect``; ``warn``/``info`` as there) and propose levels,
    taking them for unanswered aspects with ACCEPT_PROPOSED (which needs evidence: UsageError);
    read the history of RECORD."""
    from platformctl.core.errors import UsageError
    from platformctl.core.insights import evidence as evidence_mod
    from platformctl.core.insights import maturity

    model = maturity.load_model(
        model_file or maturity.model_path([layer.root for layer in config.platforms])
    )
    answers = maturity.parse_answers(answers_file, model) if answers_file else {}
    prepared = Prepared(model, answers)
    if repos is not None or inventory or deployments or incidents or dora_reports:
        prepared.evidence = evidence_mod.collect(
            config,
            repos=repos,
            inventory=inventory,
            check=check,
            deployments=deployments,
            incidents=incidents,
            dora_reports=dora_reports,
            cwd=cwd,
            warn=warn,
            info=info,
        )
        prepared.proposals = maturity.propose(prepared.evidence)
        if accept_proposed:
            for proposal in prepared.proposals:
                answers.setdefault(proposal.aspect, proposal.level)
    elif accept_proposed:
        raise UsageError(
            "--accept-proposed needs evidence to propose from",
            hint="pass --repos FOLDER, --inventory SOURCE, --deployments/--incidents FILE or "
            "--dora-report FILE",
        )
    prepared.history = maturity.read_history(record) if record is not None else []
    return prepared
