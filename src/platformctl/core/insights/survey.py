"""Developer-experience surveys: the template, reading a form tool's export, and the analysis.

Plain data in, plain data out: ``load_template`` and ``read_responses`` read files (raising
``InputFileError`` with file:line on bad input); ``analyze`` is pure.

NPS follows the standard definition: promoters answer 9-10, passives 7-8, detractors 0-6;
NPS = %promoters - %detractors, from -100 to 100. Its 95 % confidence interval is the Wald
interval of a difference of two multinomial proportions:
``var(NPS/100) = (p_promoters + p_detractors - (p_promoters - p_detractors)**2) / n``,
``NPS +- z(0.975) * 100 * sqrt(var)``, clamped to -100..100 (z from ``statistics.NormalDist``).
"""

from __future__ import annotations

import csv
import io
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformctl.core.errors import InputFileError, UsageError

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


# -- analysis --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Nps:
    respondents: int
    promoters: int
    passives: int
    detractors: int
    score: float | None  # -100..100, None without answers
    ci_low: float | None
    ci_high: float | None
    method: str = "Wald interval for a difference of multinomial proportions, 95 %"


def nps(scores: list[int]) -> Nps:
    """NPS of 0-10 answers: promoters 9-10, passives 7-8, detractors 0-6."""
    n = len(scores)
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    passives = n - promoters - detractors
    if n == 0:
        return Nps(0, 0, 0, 0, None, None, None)
    p, d = promoters / n, detractors / n
    score = (p - d) * 100
    variance = (p + d - (p - d) ** 2) / n
    z = statistics.NormalDist().inv_cdf(0.975)
    half = z * 100 * variance**0.5
    return Nps(
        n, promoters, passives, detractors, score, max(-100.0, score - half),
        min(100.0, score + half),
    )


@dataclass(frozen=True)
class CategoryStats:
    category: str
    questions: int  # likert questions in the category
    answers: int
    mean: float | None  # 1-5, None without answers
    distribution: dict[int, int]  # 1..5 -> answers


@dataclass(frozen=True)
class TeamStats:
    team: str
    respondents: int
    nps: float | None
    mean: float | None  # mean of every likert answer of the team
    merged_teams: int = 0  # for "other": how many small teams it merges (names withheld)


@dataclass(frozen=True)
class Theme:
    name: str
    mentions: int  # open-text answers that mention the theme


@dataclass(frozen=True)
class Change:
    responses: int
    nps: float | None
    categories: dict[str, float | None]


@dataclass
class SurveyResult:
    title: str
    respondents: int
    developers: int | None
    response_rate: float | None  # 0..1
    nps: Nps | None  # None when the template has no nps question
    categories: list[CategoryStats]
    teams: list[TeamStats]
    hidden_respondents: int  # in teams too small to show, even merged
    min_team: int
    themes: list[Theme]
    open_answers: int
    blank: dict[str, int]
    invalid: list[InvalidAnswer]
    ignored_columns: list[str]
    previous: SurveyResult | None = None
    change: Change | None = None


def _likert(rows: list[Response], survey: Survey, category: str | None = None) -> list[int]:
    ids = {
        q.id
        for q in survey.questions
        if q.scale == "likert" and (category is None or q.category == category)
    }
    return [int(v) for r in rows for k, v in r.answers.items() if k in ids]


def _nps_scores(rows: list[Response], survey: Survey) -> list[int] | None:
    question = survey.nps_question
    if question is None:
        return None
    return [int(r.answers[question.id]) for r in rows if question.id in r.answers]


def _mean(values: list[int]) -> float | None:
    return statistics.fmean(values) if values else None


def _teams(rows: list[Response], survey: Survey, min_team: int) -> tuple[list[TeamStats], int]:
    by_team: dict[str, list[Response]] = {}
    for row in rows:
        by_team.setdefault(row.team, []).append(row)
    shown: list[TeamStats] = []
    small: list[Response] = []
    small_teams: list[str] = []  # counted only: which teams were small is not reported
    for team in sorted(by_team):
        members = by_team[team]
        if len(members) < min_team:
            small.extend(members)
            small_teams.append(team)
            continue
        scores = _nps_scores(members, survey)
        shown.append(
            TeamStats(
                team,
                len(members),
                nps(scores).score if scores is not None else None,
                _mean(_likert(members, survey)),
            )
        )
    hidden = 0
    if small:
        if len(small) >= min_team:
            scores = _nps_scores(small, survey)
            shown.append(
                TeamStats(
                    OTHER_TEAM,
                    len(small),
                    nps(scores).score if scores is not None else None,
                    _mean(_likert(small, survey)),
                    merged_teams=len(small_teams),
                )
            )
        else:
            hidden = len(small)
    return shown, hidden


def _themes(rows: list[Response], survey: Survey) -> tuple[list[Theme], int]:
    open_ids = {q.id for q in survey.questions if q.scale == "open_text"}
    texts = [str(v) for r in rows for k, v in r.answers.items() if k in open_ids]
    themes = []
    for name, words in survey.themes.items():
        pattern = re.compile(
            r"\b(?:" + "|".join(re.escape(w.lower()) for w in words) + r")\b", re.IGNORECASE
        )
        mentions = sum(1 for text in texts if pattern.search(text))
        if mentions:
            themes.append(Theme(name, mentions))
    themes.sort(key=lambda t: (-t.mentions, t.name))
    return themes, len(texts)


def analyze(
    responses: Responses,
    survey: Survey,
    *,
    developers: int | None = None,
    min_team: int = DEFAULT_MIN_TEAM,
    previous: Responses | None = None,
) -> SurveyResult:
    if min_team < 1:
        raise UsageError("the minimum team size must be at least 1")
    if developers is not None and developers < 1:
        raise UsageError("the developer count must be at least 1")
    rows = responses.rows
    scores = _nps_scores(rows, survey)
    categories = []
    for category in CATEGORIES:
        count = sum(1 for q in survey.questions if q.category == category and q.scale == "likert")
        if not count:
            continue
        values = _likert(rows, survey, category)
        distribution = {level: 0 for level in range(1, 6)}
        distribution.update(Counter(values))
        categories.append(CategoryStats(category, count, len(values), _mean(values), distribution))
    teams, hidden = _teams(rows, survey, min_team)
    themes, open_answers = _themes(rows, survey)
    rate = None
    if developers is not None:
        rate = len(rows) / developers
    result = SurveyResult(
        title=survey.title,
        respondents=len(rows),
        developers=developers,
        response_rate=rate,
        nps=nps(scores) if scores is not None else None,
        categories=categories,
        teams=teams,
        hidden_respondents=hidden,
        min_team=min_team,
        themes=themes,
        open_answers=open_answers,
        blank=responses.blank,
        invalid=responses.invalid,
        ignored_columns=responses.ignored_columns,
    )
    if previous is not None:
        before = analyze(previous, survey, min_team=min_team)
        result.previous = before
        result.change = Change(
            responses=result.respondents - before.respondents,
            nps=_delta(
                result.nps.score if result.nps else None, before.nps.score if before.nps else None
            ),
            categories={
                c.category: _delta(
                    c.mean, next((b.mean for b in before.categories if b.category == c.category),
                                 None)
                )
                for c in result.categories
            },
        )
    return result


def _delta(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before
