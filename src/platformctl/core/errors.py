"""The PlatformError hierarchy: every expected failure carries a message, a hint and an exit code.

Exit codes are fixed by DESIGN.md §2; the single error boundary in ``platformctl.__main__``
turns these exceptions into one ``error:`` line (plus an optional ``hint:`` line) on stderr.
"""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_ENVIRONMENT = 3
EXIT_INTERNAL = 4
EXIT_INTERRUPTED = 130


@dataclass(frozen=True)
class Position:
    """Where in a file something is (1-based line and column; either may be unknown)."""

    file: str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if not self.file:
            return ""
        text = self.file
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text


class PlatformError(Exception):
    """Base of all errors platformctl expects. Subclasses fix the exit code."""

    exit_code: int = EXIT_INTERNAL

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.position = Position(file, line, column)

    def render(self) -> str:
        """The one-line form: ``<message> (<file>:<line>:<col>)``."""
        where = str(self.position)
        return f"{self.message} ({where})" if where else self.message


class ProblemsFound(PlatformError):
    """The command ran and found problems (exit 1): conflicts, a claim not Ready in time, ..."""

    exit_code = EXIT_PROBLEMS


class UsageError(PlatformError):
    """Bad usage or bad input: unknown value, malformed or unreadable file (exit 2)."""

    exit_code = EXIT_USAGE


class InputFileError(UsageError):
    """A file we were asked to read is malformed, too large, unreadable (exit 2)."""


class MissingInputError(UsageError):
    """Required answers are missing and we may not prompt (exit 2). Lists every missing value."""

    def __init__(self, missing: list[tuple[str, str]], *, what: str = "answers") -> None:
        # missing: (name, flag to pass it)
        self.missing = list(missing)
        names = ", ".join(name for name, _ in self.missing)
        flags = " ".join(flag for _, flag in self.missing)
        super().__init__(
            f"missing required {what}: {names}",
            hint=f"pass {flags} (or run on a terminal to be asked)",
        )


class EnvironmentProblem(PlatformError):
    """The environment is not usable: cluster or Backstage unreachable, auth denied,
    git missing, CRD not installed (exit 3)."""

    exit_code = EXIT_ENVIRONMENT


class NotBuilt(PlatformError):
    """A feature this release does not have. Said plainly instead of pretending (exit 2)."""

    exit_code = EXIT_USAGE


class Interrupted(PlatformError):
    """Ctrl-C or SIGTERM: whatever was in progress was rolled back (exit 130)."""

    exit_code = EXIT_INTERRUPTED
