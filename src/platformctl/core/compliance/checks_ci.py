"""Check types that read the CI configuration (GitHub Actions or GitLab CI): required jobs,
required steps, and the test-coverage gate (pytest-cov or coverage.py settings)."""

from __future__ import annotations

import contextlib
import re
from typing import Any

from platformctl.core.compliance import parsers
from platformctl.core.compliance.checks import (
    CI_FILE,
    as_list,
)
from platformctl.core.compliance.facts import Facts
from platformctl.core.compliance.registry import (
    LIST,
    NUM,
    STR,
    STR_OR_LIST,
    Opt,
    Outcome,
    check,
)

# --- CI --------------------------------------------------------------------------------------


@check(
    "ci_jobs",
    jobs=Opt(
        LIST,
        required=True,
        help="job names (id, name: or GitLab stage; `test` also matches `test-py312`)",
    ),
)
def ci_jobs(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """CI (GitHub Actions or GitLab CI) defines every required job."""
    jobs = parsers.ci_jobs(facts)
    if not jobs:
        return Outcome.fail(
            "no CI workflow (.github/workflows/*.yml or .gitlab-ci.yml) defines jobs", CI_FILE
        )
    missing = [w for w in opts["jobs"] if not any(parsers.job_matches(j, str(w)) for j in jobs)]
    if missing:
        return Outcome.fail(f"CI job(s) missing: {', '.join(map(str, missing))}", jobs[0].file)
    return Outcome.ok("all jobs present", jobs[0].file)


@check(
    "ci_step",
    one_of=("uses", "run"),
    uses=Opt(
        STR_OR_LIST,
        regex=True,
        help="regex(es) on a step's `uses:` (action or GitLab include template)",
    ),
    run=Opt(STR_OR_LIST, regex=True, help="regex(es) on a step's command (`run:` / `script:`)"),
    job=Opt(STR, help="only look in this job"),
    what=Opt(
        STR, help="what the step does, for the failure message (e.g. a vulnerability scanner)"
    ),
)
def ci_step(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """Some CI step uses an action or runs a command matching a pattern."""
    every_job = jobs = parsers.ci_jobs(facts)
    if opts.get("job"):
        jobs = [j for j in jobs if parsers.job_matches(j, opts["job"])]
    uses = as_list(opts.get("uses"))
    runs = as_list(opts.get("run"))
    for job in jobs:
        for step in job.steps:
            if step.uses and any(re.search(p, step.uses, re.I) for p in uses):
                return Outcome.ok(f"{job.id} uses {step.uses}", job.file, step.line)
            if step.run and any(re.search(p, step.run, re.I | re.M) for p in runs):
                return Outcome.ok(f"{job.id} runs it", job.file, step.line)
    wanted = opts.get("what") or " or ".join(
        [*(f"uses /{u}/" for u in uses), *(f"runs /{r}/" for r in runs)]
    )
    scope = f"job {opts['job']}" if opts.get("job") else "CI"
    return Outcome.fail(
        f"no step in {scope} runs {wanted}" if opts.get("what") else f"no step in {scope} {wanted}",
        (jobs or every_job)[0].file if (jobs or every_job) else CI_FILE,
    )


# --- coverage, dependency updates, CODEOWNERS -------------------------------------------------

_COV_ARG = re.compile(r"--cov-fail-under[= ]\s*(\d+(?:\.\d+)?)")
_FAIL_UNDER = re.compile(r"^\s*fail_under\s*=\s*(\d+(?:\.\d+)?)", re.M)


def _line_of(text: str, pattern: re.Pattern[str]) -> int | None:
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


@check("coverage_gate", min=Opt(NUM, default=80, help="the gate must be at least this (percent)"))
def coverage_gate(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """A test-coverage gate of at least N % is configured (pytest-cov or coverage.py)."""
    minimum = float(opts.get("min", 80))
    gates: list[tuple[float, str, int | None]] = []
    pyproject = facts.toml("pyproject.toml") if facts.is_file("pyproject.toml") else None
    if pyproject:
        tool = pyproject.get("tool", {})
        value = tool.get("coverage", {}).get("report", {}).get("fail_under")
        text = facts.text("pyproject.toml") or ""
        if isinstance(value, (int, float)):
            gates.append((float(value), "pyproject.toml", _line_of(text, _FAIL_UNDER)))
        addopts = tool.get("pytest", {}).get("ini_options", {}).get("addopts", "")
        addopts = " ".join(addopts) if isinstance(addopts, list) else str(addopts)
        for match in _COV_ARG.finditer(addopts):
            gates.append((float(match.group(1)), "pyproject.toml", _line_of(text, _COV_ARG)))
    for file, sections in (
        ("setup.cfg", ("coverage:report", "tool:pytest")),
        (".coveragerc", ("report",)),
        ("tox.ini", ("coverage:report", "pytest")),
        ("pytest.ini", ("pytest",)),
    ):
        if not facts.is_file(file):
            continue
        parser = facts.ini(file)
        text = facts.text(file) or ""
        if parser is None:
            continue
        for section in sections:
            if not parser.has_section(section):
                continue
            if parser.has_option(section, "fail_under"):
                with contextlib.suppress(ValueError):
                    gates.append(
                        (
                            float(parser.get(section, "fail_under")),
                            file,
                            _line_of(text, _FAIL_UNDER),
                        )
                    )
            if parser.has_option(section, "addopts"):
                for match in _COV_ARG.finditer(parser.get(section, "addopts")):
                    gates.append((float(match.group(1)), file, _line_of(text, _COV_ARG)))
    for job in parsers.ci_jobs(facts):
        for step in job.steps:
            for match in _COV_ARG.finditer(step.run or ""):
                gates.append((float(match.group(1)), job.file, step.line))
    for file in ("noxfile.py", "Makefile", "tox.ini"):
        if facts.is_file(file):
            text = facts.text(file) or ""
            for match in _COV_ARG.finditer(text):
                gates.append((float(match.group(1)), file, _line_of(text, _COV_ARG)))
    if not gates:
        where = next(
            (f for f in ("pyproject.toml", "setup.cfg", "tox.ini") if facts.is_file(f)),
            "pyproject.toml",
        )
        return Outcome.fail(
            "no coverage gate (--cov-fail-under or [coverage:report] fail_under)", where
        )
    best = max(gates, key=lambda g: g[0])
    if best[0] < minimum:
        return Outcome.fail(
            f"coverage gate is {best[0]:g} %, at least {minimum:g} % required", best[1], best[2]
        )
    return Outcome.ok(f"coverage gate {best[0]:g} %", best[1], best[2])
