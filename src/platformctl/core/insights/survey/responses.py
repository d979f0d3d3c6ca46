"""Reading a form tool's export (CSV or JSON) into ``Responses``: columns mapped to questions,
answers scored, bad ones reported with file:line (``InputFileError``)."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformctl.core.errors import InputFileError
from platformctl.core.insights.survey.template import NO_TEAM, Question, Survey

# -- reading responses -----------------------------------------------------------------------

TIMESTAMP_TITLES = {
    "timestamp",
    "submitted at",
    "submission date",
    "submit date",
    "completion time",
    "date submitted",
    "end date",
}
TEAM_TITLES = {
    "team",
    "your team",
    "team name",
    "which team are you on",
    "what team are you on",
    "which team are you in",
    "what team are you in",
}


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


def map_column(title: str, survey: Survey) -> str | None:
    """A column title a form tool wrote -> ``timestamp``, ``team``, a question id or None.

    Accepts the id itself, the question text (Google Forms, Typeform), a truncated text of at
    least 20 characters (Microsoft Forms), numbered titles ("3. text", "Q3 text"), and the id
    with the text ("id: text", "text [id]", "[id] text")."""
    norm = _norm(title)
    if norm in TIMESTAMP_TITLES:
        return "timestamp"
    if norm in TEAM_TITLES:
        return "team"
    unnumbered = re.sub(r"^q?\d+ ", "", norm)
    for question in survey.questions:
        qid, text = _norm(question.id), _norm(question.text)
        if norm == qid or unnumbered in (qid, text):
            return question.id
        for candidate in (norm, unnumbered):
            if candidate.startswith(qid + " ") and candidate[len(qid) + 1 :] == text:
                return question.id
            if candidate.endswith(" " + qid) and candidate[: -len(qid) - 1] == text:
                return question.id
        if len(unnumbered) >= 20 and text.startswith(unnumbered):
            return question.id
    return None


@dataclass(frozen=True)
class InvalidAnswer:
    file: str
    line: int | None
    record: int  # 1-based respondent number
    column: str
    value: str
    reason: str

    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass
class Response:
    record: int
    timestamp: str
    team: str
    answers: dict[str, int | str]  # question id -> score (int) or open text


@dataclass
class Responses:
    source: str
    rows: list[Response]
    blank: dict[str, int]  # question id -> blank answers skipped
    invalid: list[InvalidAnswer] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


_NUMBER = re.compile(r"\s*(-?\d+)(?:\.0+)?(?:\s*(?:[-–:]\s*\S.*)?)?\s*$")


def _score(value: Any, question: Question) -> tuple[int | None, str]:
    """(score, problem). Accepts 7, "7", "7.0" and "5 - Strongly agree"."""
    low, high = question.range or (0, 0)
    if isinstance(value, bool):
        return None, f"{value!r} is not a number from {low} to {high}"
    if isinstance(value, (int, float)):
        if float(value).is_integer():
            number = int(value)
        else:
            return None, f"{value!r} is not a whole number from {low} to {high}"
    else:
        match = _NUMBER.match(str(value))
        if not match:
            return None, f"{str(value)!r} is not a number from {low} to {high}"
        number = int(match.group(1))
    if not low <= number <= high:
        return None, f"{number} is outside {low}-{high}"
    return number, ""


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_responses(
    path: str | Path, survey: Survey, *, skip_invalid: bool = False
) -> Responses:
    """Read a CSV or JSON export (one row / object per respondent).

    Blank answers are skipped and counted. An answer outside its scale raises
    ``InputFileError`` naming file:line, respondent and column, unless ``skip_invalid``, which
    records it in ``Responses.invalid`` and leaves that answer out."""
    target = Path(path)
    name = str(path)
    if not target.is_file():
        raise InputFileError("no such file" if not target.exists() else "not a file", file=name)
    if target.suffix.lower() in (".json", ".jsonl") or _looks_json(target):
        records = _json_records(target, name)
    else:
        records = _csv_records(target, name)
    return _collect(records, survey, name, skip_invalid=skip_invalid)


def _looks_json(target: Path) -> bool:
    with target.open("rb") as handle:
        head = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1] in (b"[", b"{")


# A record: (line of the record, {column title: (value, line of the value)})
Record = tuple[int | None, dict[str, tuple[Any, int | None]]]


def _csv_records(target: Path, name: str) -> tuple[list[str], list[Record]]:
    try:
        text = target.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(
            "not UTF-8 text", file=name, hint="export the responses as UTF-8 CSV or JSON"
        ) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise InputFileError("the file is empty", file=name, line=1) from None
    except csv.Error as exc:
        raise InputFileError(f"not valid CSV: {exc}", file=name, line=1) from exc
    records: list[Record] = []
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise InputFileError(f"not valid CSV: {exc}", file=name, line=reader.line_num) from exc
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            raise InputFileError(
                f"row has {len(row)} cells but the header has {len(header)} columns",
                file=name,
                line=line,
            )
        cells = zip(header, row, strict=False)  # a short row: the missing cells are absent
        records.append((line, {title: (value, line) for title, value in cells}))
    return header, records


def _json_records(target: Path, name: str) -> tuple[list[str], list[Record]]:
    from platformctl.core import yamlio

    doc = yamlio.load_one(target, display=name, allow_empty=False)
    data = doc.data
    path: tuple[Any, ...] = ()
    if isinstance(data, dict) and isinstance(data.get("responses"), list):
        data, path = data["responses"], ("responses",)
    if not isinstance(data, list):
        line, column = doc.position(path)
        raise InputFileError(
            "expected a list of responses (one object per respondent), or "
            '{"responses": [...]}',
            file=name,
            line=line,
        )
    header: list[str] = []
    records: list[Record] = []
    for index, item in enumerate(data):
        line = doc.position((*path, index))[0]
        if not isinstance(item, dict):
            raise InputFileError(
                f"response {index + 1} is {yamlio.type_name(item)}, not an object",
                file=name,
                line=line,
            )
        fields: dict[str, tuple[Any, int | None]] = {}
        for key, value in item.items():
            title = str(key)
            if title not in header:
                header.append(title)
            fields[title] = (value, doc.position((*path, index, key))[0])
        records.append((line, fields))
    return header, records


def _collect(
    parsed: tuple[list[str], list[Record]], survey: Survey, name: str, *, skip_invalid: bool
) -> Responses:
    header, records = parsed
    columns: dict[str, str] = {}
    claimed: dict[str, str] = {}
    ignored: list[str] = []
    for title in header:
        target = map_column(title, survey)
        if target is None:
            ignored.append(title)
            continue
        if target in claimed:
            if target == "timestamp":
                ignored.append(title)
                continue
            raise InputFileError(
                f"columns {claimed[target]!r} and {title!r} both answer {target!r}",
                file=name,
                line=1 if records and records[0][0] else None,
                hint="remove one of the columns or rename it",
            )
        claimed[target] = title
        columns[title] = target
    if not any(t not in ("timestamp", "team") for t in columns.values()):
        raise InputFileError(
            "no column matches a question of the survey template",
            file=name,
            line=1,
            hint="the columns must be the question ids or texts of the template "
            f"({survey.source}); pass --template with the survey you sent",
        )
    rows: list[Response] = []
    blank: Counter[str] = Counter()
    invalid: list[InvalidAnswer] = []
    for number, (_line, fields) in enumerate(records, start=1):
        team, timestamp = "", ""
        answers: dict[str, int | str] = {}
        for title, (value, value_line) in fields.items():
            target = columns.get(title)
            if target is None:
                continue
            if target == "team":
                team = "" if _blank(value) else str(value).strip()
                continue
            if target == "timestamp":
                timestamp = "" if _blank(value) else str(value).strip()
                continue
            question = survey.question(target)
            if _blank(value):
                blank[target] += 1
                continue
            if question.scale == "open_text":
                answers[target] = str(value).strip()
                continue
            score, problem = _score(value, question)
            if score is None:
                bad = InvalidAnswer(
                    name, value_line, number, title, str(value), f"{target}: {problem}"
                )
                if not skip_invalid:
                    raise InputFileError(
                        f"respondent {number}, column {title!r}: {problem}",
                        file=name,
                        line=value_line,
                        hint="fix the answer, or pass --skip-invalid to leave such answers "
                        "out and list them",
                    )
                invalid.append(bad)
                continue
            answers[target] = score
        rows.append(Response(number, timestamp, team or NO_TEAM, answers))
    return Responses(name, rows, dict(blank), invalid, ignored)
