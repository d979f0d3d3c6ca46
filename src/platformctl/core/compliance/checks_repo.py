"""Check types about how the repository is kept: automated dependency updates (Renovate,
Dependabot), CODEOWNERS, and drift from its golden path template (``.copier-answers.yml``).
"""

from __future__ import annotations

from typing import Any

from platformctl.core.compliance.facts import Facts
from platformctl.core.compliance.registry import (
    Outcome,
    check,
)

RENOVATE_FILES = (
    "renovate.json",
    "renovate.json5",
    ".renovaterc",
    ".renovaterc.json",
    ".renovaterc.json5",
    ".github/renovate.json",
    ".github/renovate.json5",
    ".gitlab/renovate.json",
    ".gitlab/renovate.json5",
)


@check("dependency_updates")
def dependency_updates(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """Automated dependency updates are configured (Dependabot or Renovate)."""
    for file in (".github/dependabot.yml", ".github/dependabot.yaml"):
        if facts.is_file(file):
            data = facts.yaml_data(file)
            updates = data[0].get("updates") if data and isinstance(data[0], dict) else None
            if isinstance(updates, list) and updates:
                return Outcome.ok("Dependabot configured", file)
            return Outcome.fail(f"{file} has no updates: entries", file, 1)
    for file in RENOVATE_FILES:
        if facts.is_file(file):
            return Outcome.ok("Renovate configured", file)
    if facts.is_file("package.json"):
        data = facts.json("package.json")
        if isinstance(data, dict) and "renovate" in data:
            return Outcome.ok("Renovate configured in package.json", "package.json")
    return Outcome.fail("no .github/dependabot.yml or renovate.json", ".github/dependabot.yml")


CODEOWNERS_FILES = ("CODEOWNERS", ".github/CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS")


@check("codeowners")
def codeowners(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """A CODEOWNERS file assigns owners to the whole repository (a ``*`` rule)."""
    for file in CODEOWNERS_FILES:
        if not facts.is_file(file):
            continue
        text = facts.text(file) or ""
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.split("#", 1)[0].strip()
            if not stripped or stripped.startswith("["):
                continue
            parts = stripped.split()
            if parts[0] in ("*", "/*", "/**", "**", "/") and len(parts) > 1:
                return Outcome.ok(f"{file}:{number} covers the repository", file, number)
        return Outcome.fail(
            f"{file} has no `*` rule with an owner: some files have no owner", file, 1
        )
    return Outcome.fail("no CODEOWNERS file (CODEOWNERS, .github/ or docs/)", CODEOWNERS_FILES[0])


# --- template drift --------------------------------------------------------------------------


@check("template_drift")
def template_drift(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """The repository is not behind its golden path (copier update check, via core.scaffold)."""
    if not facts.is_file(".copier-answers.yml"):
        return Outcome.skip("no .copier-answers.yml: not generated from a golden path")
    try:
        from platformctl.core.scaffold import check_drift  # type: ignore[attr-defined]
    except ImportError:
        return Outcome.skip("drift check unavailable (platformctl.core.scaffold.check_drift)")
    from platformctl.core.errors import PlatformError

    try:
        result = check_drift(facts.root)
    except PlatformError as exc:
        return Outcome.skip(f"drift check unavailable: {exc.message}")
    if getattr(result, "versioned", True) is False:
        return Outcome.skip("the golden path version of this repository is unknown")
    drifted: Any
    for attr in ("drifted", "behind", "outdated", "changed"):
        if hasattr(result, attr):
            drifted = getattr(result, attr)
            break
    else:
        drifted = result
    if drifted:
        current, latest = getattr(result, "current", None), getattr(result, "latest", None)
        detail = f"on {current}, {latest} is available" if current and latest else ""
        return Outcome.fail(
            f"behind its golden path{': ' + detail if detail else ''}",
            ".copier-answers.yml",
            1,
        )
    return Outcome.ok("up to date with its golden path", ".copier-answers.yml")
