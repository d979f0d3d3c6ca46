"""Which scorecards apply to a checkout: every scorecard the configured platforms offer
(``available_scorecards``), and the ones a repository is held to (``select_scorecards``: those
that apply to its golden path, plus the ids or files its ``.platformctl.yaml`` lists; only the
``--scorecard`` ids when given).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from platformctl.core.compliance.scorecard import Scorecard, load_scorecard
from platformctl.core.errors import InputFileError, UsageError

# --- which scorecards ------------------------------------------------------------------------


def available_scorecards(config: Any) -> dict[str, Scorecard]:
    """Every scorecard the configured platforms name (``scorecards:`` in platform.yaml), by id;
    a later (more specific) platform replaces a scorecard of the same id."""
    found: dict[str, Scorecard] = {}
    for layer in config.platforms:
        entries = layer.data.get("scorecards") or []
        manifest = str(layer.root / "platform.yaml")
        if not isinstance(entries, list):
            line, col = layer.document.position(("scorecards",)) if layer.document else (None, None)
            raise InputFileError(
                "'scorecards' must be a list of files", file=manifest, line=line, column=col
            )
        for index, entry in enumerate(entries):
            if not isinstance(entry, str):
                line, col = (
                    layer.document.position(("scorecards", index))
                    if layer.document
                    else (None, None)
                )
                raise InputFileError(
                    "each scorecards entry must be a file path",
                    file=manifest,
                    line=line,
                    column=col,
                )
            paths = (
                sorted(layer.root.glob(entry))
                if any(c in entry for c in "*?[")
                else [layer.root / entry]
            )
            for path in paths:
                if not path.is_file():
                    line, col = (
                        layer.document.position(("scorecards", index))
                        if layer.document
                        else (None, None)
                    )
                    raise InputFileError(
                        f"scorecard file {entry} not found", file=manifest, line=line, column=col
                    )
                display = _display(path, layer)
                card = load_scorecard(path, display=display)
                found[card.id] = card
    return found


def _display(path: Path, layer: Any) -> str:
    if layer.embedded:
        return f"<embedded>/{path.relative_to(layer.root).as_posix()}"
    return str(path)


def select_scorecards(
    config: Any, available: dict[str, Scorecard], root: Path, only: list[str] | None = None
) -> list[Scorecard]:
    golden_path = config.get("golden_path")
    chosen: dict[str, Scorecard] = {
        sid: card for sid, card in available.items() if card.applies_to(golden_path)
    }
    repo_list = config.repo.get("scorecards")
    doc = config.repo_document
    repo_file = str(config.repo_root / ".platformctl.yaml") if config.repo_root else None
    if repo_list is not None:
        if not isinstance(repo_list, list):
            line, col = doc.position(("scorecards",)) if doc else (None, None)
            raise InputFileError(
                "'scorecards' must be a list of scorecard ids or files",
                file=repo_file,
                line=line,
                column=col,
            )
        for index, entry in enumerate(repo_list):
            line, col = doc.position(("scorecards", index)) if doc else (None, None)
            if not isinstance(entry, str):
                raise InputFileError(
                    "each scorecards entry must be a string", file=repo_file, line=line, column=col
                )
            if entry.endswith((".yaml", ".yml")):
                base = config.repo_root or root
                path = (base / entry).resolve()
                if not path.is_file():
                    raise InputFileError(
                        f"scorecard file {entry} not found", file=repo_file, line=line, column=col
                    )
                card = load_scorecard(path, display=entry)
                available[card.id] = card
                chosen[card.id] = card
            elif entry in available:
                chosen[entry] = available[entry]
            else:
                raise InputFileError(
                    f"unknown scorecard {entry!r}",
                    file=repo_file,
                    line=line,
                    column=col,
                    hint=f"known: {', '.join(sorted(available))}",
                )
    if only:
        picked: dict[str, Scorecard] = {}
        for sid in only:
            if sid not in available:
                raise UsageError(
                    f"unknown scorecard {sid!r}",
                    hint=f"known scorecards: {', '.join(sorted(available))}",
                )
            picked[sid] = available[sid]
        return list(picked.values())
    return list(chosen.values())
