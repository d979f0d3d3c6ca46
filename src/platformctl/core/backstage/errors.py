"""The Backstage errors: one PlatformError subclass per kind of failure, with its exit code."""

from __future__ import annotations

from platformctl.core.errors import EnvironmentProblem, ProblemsFound, UsageError


class BackstageUnreachable(EnvironmentProblem):
    """Connection refused, DNS, timeout, TLS failure, 5xx after retries (exit 3)."""


class BackstageAuthError(EnvironmentProblem):
    """401 / 403: the token is missing, wrong or not allowed (exit 3)."""

    def __init__(self, message: str, *, status: int, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status = status


class BackstageNotFound(ProblemsFound):
    """404: entity or location not found (exit 1)."""


class BackstageConflict(ProblemsFound):
    """409: already exists (exit 1 unless the caller turns it into success)."""


class BackstageBadRequest(UsageError):
    """400: Backstage refused the input (exit 2)."""
