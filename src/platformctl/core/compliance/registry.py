"""The registry of built-in check types, conditions and fix types, with their option schemas.

A check type is a function ``(facts, options) -> Outcome`` registered with ``@check(name,
option=Opt(...), ...)``.  Its docstring's first line is what ``--explain`` and the reference
docs show.  Scorecards are validated against these schemas when they load, so an unknown type
or option is a usage error (exit 2) naming the rule and its file:line, before anything runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from platformctl.core.compliance.facts import Facts

STR = (str,)
INT = (int,)
NUM = (int, float)
BOOL = (bool,)
LIST = (list,)
STR_OR_LIST = (str, list)
ANY = (str, int, float, bool, list, dict)
CHECKS = ("<checks>",)  # a list of nested check specs (any_of / all_of)


@dataclass(frozen=True)
class Opt:
    types: tuple[Any, ...]
    required: bool = False
    default: Any = None
    help: str = ""
    regex: bool = False  # value (or every list item) must compile as a regular expression
    data_path: bool = False  # value must parse as a dotted data path (a.b[0], a["x.y"], a.*)


@dataclass(frozen=True)
class Hit:
    """One place a check found a problem (a check that finds several reports each one)."""

    message: str
    file: str
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True)
class Outcome:
    """What a check found. ``passed`` is None when it could not decide (skipped, not counted).

    ``hits``: every place a failing check found a problem, each its own finding (``file``,
    ``line`` and ``column`` are then the first hit's)."""

    passed: bool | None
    message: str = ""
    file: str | None = None
    line: int | None = None
    column: int | None = None
    hits: tuple[Hit, ...] = ()

    @staticmethod
    def ok(message: str = "", file: str | None = None, line: int | None = None) -> Outcome:
        return Outcome(True, message, file, line)

    @staticmethod
    def fail(
        message: str, file: str | None = None, line: int | None = None, column: int | None = None
    ) -> Outcome:
        return Outcome(False, message, file, line, column)

    @staticmethod
    def fail_at(message: str, hits: list[Hit]) -> Outcome:
        """A failure found in several places (at least one hit)."""
        first = hits[0]
        return Outcome(False, message, first.file, first.line, first.column, tuple(hits))

    @staticmethod
    def skip(message: str) -> Outcome:
        return Outcome(None, message)


CheckFunc = Callable[["Facts", dict[str, Any]], Outcome]


@dataclass
class CheckType:
    name: str
    func: CheckFunc
    options: dict[str, Opt]
    one_of: tuple[str, ...] = ()  # at least one of these options is required
    doc: str = ""

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0] if self.doc.strip() else self.name


CHECK_TYPES: dict[str, CheckType] = {}


def check(
    name: str, *, one_of: tuple[str, ...] = (), **options: Opt
) -> Callable[[CheckFunc], CheckFunc]:
    def register(func: CheckFunc) -> CheckFunc:
        CHECK_TYPES[name] = CheckType(name, func, dict(options), one_of, func.__doc__ or "")
        return func

    return register


@dataclass
class ConditionType:
    name: str
    types: tuple[Any, ...]
    func: Callable[[Facts, Any, dict[str, Any]], bool]
    doc: str = ""


CONDITIONS: dict[str, ConditionType] = {}


def condition(name: str, types: tuple[Any, ...]) -> Callable[[Any], Any]:
    def register(func: Any) -> Any:
        CONDITIONS[name] = ConditionType(name, types, func, func.__doc__ or "")
        return func

    return register


@dataclass
class FixType:
    name: str
    options: dict[str, Opt]
    one_of: tuple[str, ...] = ()
    doc: str = ""
    func: Callable[..., Any] | None = field(default=None, repr=False)


FIX_TYPES: dict[str, FixType] = {}


def fix_type(name: str, *, one_of: tuple[str, ...] = (), **options: Opt) -> Callable[[Any], Any]:
    def register(func: Any) -> Any:
        FIX_TYPES[name] = FixType(name, dict(options), one_of, func.__doc__ or "", func)
        return func

    return register


def ensure_loaded() -> None:
    """Import the modules that register check, condition and fix types."""
    import platformctl.core.compliance.checks_kafka  # noqa: F401
    from platformctl.core.compliance import checks, checks_go, fixes, gitops  # noqa: F401
