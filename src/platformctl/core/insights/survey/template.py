"""The survey template: questions, scales and categories (``load_template``), and a CSV header
for form tools (``template_csv``)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformctl.core.errors import InputFileError

SCALES = {"nps": (0, 10), "likert": (1, 5), "open_text": None}
CATEGORIES = (
    "satisfaction",
    "usability",
    "documentation",
    "support",
    "features",
    "cognitive load",
)
DEFAULT_MIN_TEAM = 5
OTHER_TEAM = "other"
NO_TEAM = "(no team)"


def default_template_path() -> Path:
    from platformctl.core.resources import defaults_dir

    return defaults_dir() / "insights" / "survey.yaml"


# -- the template ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    category: str
    scale: str  # nps, likert, open_text

    @property
    def range(self) -> tuple[int, int] | None:
        return SCALES[self.scale]


@dataclass
class Survey:
    title: str
    questions: list[Question]
    themes: dict[str, list[str]] = field(default_factory=dict)
    source: str = ""

    def question(self, qid: str) -> Question:
        return next(q for q in self.questions if q.id == qid)

    @property
    def nps_question(self) -> Question | None:
        return next((q for q in self.questions if q.scale == "nps"), None)


def load_template(path: str | Path | None = None) -> Survey:
    """Read a survey template (the embedded one when ``path`` is None)."""
    from platformctl.core import yamlio

    target = Path(path) if path is not None else default_template_path()
    display = str(path) if path is not None else "survey template (embedded)"
    doc = yamlio.load_one(target, display=display, allow_empty=False)
    data = yamlio.expect_mapping(doc, display)

    def fail(message: str, where: tuple[Any, ...]) -> InputFileError:
        line, column = doc.position(where)
        return InputFileError(message, file=display, line=line, column=column)

    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        raise fail("questions must be a non-empty list", ("questions",))
    questions: list[Question] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_questions):
        where = ("questions", index)
        if not isinstance(raw, dict):
            raise fail(f"question {index + 1} must be a mapping", where)
        for key in ("id", "text", "category", "scale"):
            if not isinstance(raw.get(key), str) or not raw[key].strip():
                raise fail(f"question {index + 1} needs a text {key!r}", (*where, key))
        qid, scale, category = raw["id"].strip(), raw["scale"].strip(), raw["category"].strip()
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", qid):
            raise fail(f"question id {qid!r} must be letters, digits and _", (*where, "id"))
        if qid.lower() in ("timestamp", "team") or qid in seen:
            raise fail(f"question id {qid!r} is used twice or reserved", (*where, "id"))
        if scale not in SCALES:
            raise fail(
                f"question {qid!r}: scale {scale!r} is not one of {', '.join(SCALES)}",
                (*where, "scale"),
            )
        if category not in CATEGORIES:
            raise fail(
                f"question {qid!r}: category {category!r} is not one of {', '.join(CATEGORIES)}",
                (*where, "category"),
            )
        seen.add(qid)
        questions.append(Question(qid, raw["text"].strip(), category, scale))
    if sum(q.scale == "nps" for q in questions) > 1:
        raise fail("a survey has at most one nps question", ("questions",))
    themes_raw = data.get("themes") or {}
    if not isinstance(themes_raw, dict):
        raise fail("themes must be a mapping of theme name to a list of keywords", ("themes",))
    themes: dict[str, list[str]] = {}
    for name, words in themes_raw.items():
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise fail(f"theme {name!r} must be a list of keywords", ("themes", name))
        themes[str(name)] = [w.strip() for w in words]
    title = data.get("title") if isinstance(data.get("title"), str) else "Developer survey"
    return Survey(str(title), questions, themes, display)


def template_text(path: str | Path | None = None) -> str:
    """The template as YAML (validated first, so what we hand out also reads back)."""
    load_template(path)
    target = Path(path) if path is not None else default_template_path()
    return target.read_text(encoding="utf-8")


def template_csv(survey: Survey) -> str:
    """The CSV header form tools import: timestamp, team, then one column per question id."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(
        ["timestamp", "team", *(q.id for q in survey.questions)]
    )
    return buffer.getvalue()
