"""``catalog init``'s workflow: a catalog-info.yaml for an existing repository.

``start`` reads the platform configuration and infers what it can (``generate.plan``); the
command asks for what is still missing and passes each answer to ``answer``; ``finish`` adds
the placeholders the applicable scorecards call for, renders the file and validates it with the
catalog validator; ``write`` puts it in place.  Plain values in, plain data out; no prompts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from platformctl.core.catalog.generate import InitPlan
    from platformctl.core.config import Config


@dataclass
class InitDraft:
    plan: InitPlan
    config: Config

    @property
    def missing(self) -> list[str]:
        return list(self.plan.missing)


@dataclass
class InitFile:
    text: str
    validated: bool  # False when the catalog validator is not part of this build


def start(path: Path, *, answers: dict[str, str], force: bool) -> InitDraft:
    """Infer the file for the repository at ``path`` from what it holds and ``answers``."""
    from platformctl.core import config as config_mod
    from platformctl.core.catalog import generate, org

    cfg = config_mod.load(cwd=path if path.is_dir() else None)
    lifecycles = org.from_config(cfg).allowed_lifecycles
    plan = generate.plan(path, answers=answers, force=force, lifecycles=lifecycles)
    return InitDraft(plan, cfg)


def answer(draft: InitDraft, key: str, value: str) -> None:
    """Record an answer to a missing value (UsageError, exit 2, when it is not acceptable)."""
    from platformctl.core.catalog import generate

    generate.check_answer(key, value, lifecycles=draft.plan.lifecycles)
    draft.plan.values[key] = generate.Inferred(generate.normalise(key, value), "asked")


def finish(draft: InitDraft) -> InitFile:
    """Add the scorecards' placeholders, render the file and validate it before it is written."""
    from platformctl.core.catalog import generate
    from platformctl.core.compliance import scoring

    plan, cfg = draft.plan, draft.config
    # What the scorecards that apply here check in the catalog file and it cannot say yet:
    # explicit placeholders (the scorecards' own fix stubs), reported by `check`.
    cards = scoring.select_scorecards(cfg, scoring.available_scorecards(cfg), plan.root)
    generate.add_placeholders(plan, [rule for card in cards for rule in card.rules])
    text = generate.render(plan)
    return InitFile(text, _validate(text, str(plan.path)))


def write(draft: InitDraft, text: str, *, force: bool) -> Path:
    from platformctl.core.catalog import generate

    return generate.write(draft.plan, text, force=force)


def _validate(text: str, name: str) -> bool:
    """Validate the generated file with the catalog validator; False when there is none."""
    from platformctl.core.errors import PlatformError

    try:
        from platformctl.core.catalog.validate import validate_text
    except ModuleNotFoundError as exc:  # the validator is not part of this build
        if exc.name and exc.name.startswith("platformctl.core.catalog"):
            return False
        raise
    result = validate_text(text, name)
    errors = [
        f
        for f in result.report.findings
        if f.severity == "error" and not f.suppressed and not f.rule.startswith("refs/")
    ]
    if errors:
        first = errors[0]
        raise PlatformError(
            f"the generated catalog file is invalid: {first.message} ({first.rule})",
            hint="this is a bug in catalog init; pass different --data values meanwhile",
        )
    return True
