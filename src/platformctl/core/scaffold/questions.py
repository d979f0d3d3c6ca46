"""A golden path's questions (its ``copier.yml``) and the answers given to them: which are
asked (``when``), which are missing, unknown, or of the wrong type -- checked before copier
runs, so ``platformctl new`` fails on a bad answer before anything touches the disk.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from platformctl.core import yamlio
from platformctl.core.errors import UsageError
from platformctl.core.scaffold import shared

_FALSY = frozenset({"", "0", "false", "no", "off", "n", "f", "none", "null", "~"})


# --- the template's questions --------------------------------------------------------------------


def copier_config(folder: Path) -> Path | None:
    for candidate in ("copier.yml", "copier.yaml"):
        if (folder / candidate).is_file():
            return folder / candidate
    return None


def read_questions(folder: Path) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """(questions, settings) of a copier template folder, parsed with yamlio.

    Several YAML documents are merged like copier does; the short form ``key: value`` is a
    question with that default.  The questions of the shared pieces the template includes
    (``shared``) come after its own, as in the composed copier.yml.
    """
    config = copier_config(folder)
    if config is None:
        raise UsageError(f"{folder} is not a copier template (no copier.yml)")
    files = [config] + [
        piece / shared.QUESTIONS_FILE
        for piece in (shared.shared_root(folder) / p for p in shared.pieces_of(folder))
        if (piece / shared.QUESTIONS_FILE).is_file()
    ]
    questions: dict[str, dict[str, Any]] = {}
    settings: dict[str, Any] = {}
    for file in files:
        loaded = yamlio.load_file(file)
        for problem in loaded.problems:
            if problem.severity == "error":
                raise yamlio.InputFileError(
                    problem.message,
                    hint=problem.hint,
                    file=str(file),
                    line=problem.line,
                    column=problem.column,
                )
        for doc in loaded.documents:
            if not isinstance(doc.data, dict):
                continue
            for key, value in doc.data.items():
                if key.startswith("_"):
                    settings[key[1:]] = value
                else:
                    questions[key] = value if isinstance(value, dict) else {"default": value}
    return questions, settings


def truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in _FALSY
    return bool(value)


def _when(expression: Any, context: Mapping[str, Any]) -> bool:
    """Evaluate a question's ``when:``; literals directly, simple templates with Jinja.

    When a template cannot be evaluated here, the question counts as asked (so a missing answer
    is reported rather than silently skipped)."""
    if not isinstance(expression, str):
        return truthy(expression)
    if "{" not in expression:
        return truthy(expression)
    try:
        from jinja2 import StrictUndefined
        from jinja2.sandbox import SandboxedEnvironment

        env = SandboxedEnvironment(undefined=StrictUndefined)
        return truthy(env.from_string(expression).render(**context))
    except Exception:  # noqa: BLE001 - unknown filters, undefined names: assume it is asked
        return True


_BOOL_WORDS = frozenset({"y", "yes", "t", "true", "on", "1", "n", "no", "f", "false", "off", "0"})


def _type_problem(key: str, kind: str, value: Any) -> str | None:
    """Why ``value`` cannot be the answer to a question of type ``kind`` (None when it can).

    Answers come as text (--data) or as YAML values (--data-file); copier casts them per
    question type, silently (9000.5 -> 9000) or with an error that names no question."""
    if kind in ("yaml", "json"):
        return None
    if isinstance(value, (dict, list, tuple, set)):
        shape = "a mapping" if isinstance(value, dict) else "a list"
        return f"{key} must be a single value, not {shape}"
    if value is None:
        return None if kind == "str" else f"{key} must not be empty"
    if kind == "bool":
        if isinstance(value, bool) or (isinstance(value, int) and value in (0, 1)):
            return None
        if isinstance(value, str) and value.strip().lower() in _BOOL_WORDS:
            return None
        return f"{key} must be true or false (got {value!r})"
    if kind in ("int", "float"):
        what = "an integer" if kind == "int" else "a number"
        if isinstance(value, bool):
            return f"{key} must be {what} (got {value!r})"
        if isinstance(value, str):
            try:
                value = (int if kind == "int" else float)(value.strip())
            except ValueError:
                return f"{key} must be {what} (got {value!r})"
        if kind == "int" and isinstance(value, float) and not value.is_integer():
            return f"{key} must be {what} (got {value!r})"
    return None


def check_answer_types(
    questions: Mapping[str, Mapping[str, Any]], answers: Mapping[str, Any]
) -> None:
    """Answers must cast to their question's type, as copier will cast them; otherwise one
    UsageError naming every bad answer (copier's own error names none, or it truncates)."""
    problems: list[str] = []
    for key, value in answers.items():
        details = questions.get(key) or {}
        kind = details.get("type") if isinstance(details, Mapping) else None
        if not isinstance(kind, str):
            continue
        problem = _type_problem(key, kind, value)
        if problem:
            problems.append(problem)
    if problems:
        first = problems[0].split(" ", 1)[0]
        raise UsageError(
            "invalid answers: " + "; ".join(problems),
            hint=f"pass a valid value, e.g. --data {first}=VALUE",
        )


def askable(questions: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Questions a user can answer: not the computed ones (``when: false`` literally)."""
    return [
        name
        for name, details in questions.items()
        if not (
            isinstance(details, Mapping)
            and "when" in details
            and not isinstance(details["when"], str)
            and not truthy(details["when"])
        )
    ]


def check_unknown_answers(
    golden_path: str, questions: Mapping[str, Mapping[str, Any]], answers: Mapping[str, Any]
) -> None:
    """An answer to a question the golden path does not ask is a typo more often than not:
    refuse it (exit 2) rather than create a repository with a default the user meant to set."""
    asked = askable(questions)
    # NAME is always passed to copier (templates that do not ask it just ignore it).
    unknown = sorted(k for k in answers if k not in asked and k != "name")
    if not unknown:
        return
    import difflib

    guesses = {k: difflib.get_close_matches(k, asked, n=1) for k in unknown}
    if all(guesses.values()):
        hint = "did you mean " + ", ".join(f"{g[0]} (not {k})" for k, g in guesses.items()) + "?"
    else:
        hint = f"{golden_path} asks: {', '.join(asked) or 'nothing'}"
    raise UsageError(f"{golden_path} does not ask {', '.join(unknown)}", hint=hint)


def missing_answers(
    questions: Mapping[str, Mapping[str, Any]], answers: Mapping[str, Any]
) -> list[str]:
    """Questions with no default and no answer that would be asked, in template order."""
    context: dict[str, Any] = {}
    missing: list[str] = []
    for name, details in questions.items():
        if name in answers:
            context[name] = answers[name]
            continue
        if "default" in details:
            # Never missing, asked or not (copier uses the default when ``when`` is false):
            # no need to evaluate ``when`` -- which would cost a Jinja environment per question.
            default = details["default"]
            if not (isinstance(default, str) and "{" in default):
                context[name] = default
            continue
        if not _when(details.get("when", True), context):
            continue
        missing.append(name)
    return missing
