"""CI workflows (GitHub Actions, GitLab CI): jobs and their steps' commands."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from platformctl.core.compliance.facts import Facts


@dataclass
class CiStep:
    uses: str | None
    run: str | None
    line: int | None


@dataclass
class CiJob:
    file: str
    id: str
    name: str | None
    stage: str | None
    line: int | None
    steps: list[CiStep] = field(default_factory=list)


GH_WORKFLOWS = (".github/workflows/*.yml", ".github/workflows/*.yaml")
GITLAB_CI = ".gitlab-ci.yml"
_GITLAB_RESERVED = frozenset(
    {
        "stages",
        "variables",
        "default",
        "include",
        "workflow",
        "image",
        "services",
        "before_script",
        "after_script",
        "cache",
        "pages:deploy",
    }
)


def _commands(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        out: list[str] = []
        for item in value:
            out.extend(_commands(item))
        return out
    return []


def ci_jobs(facts: Facts) -> list[CiJob]:
    def build() -> list[CiJob]:
        jobs: list[CiJob] = []
        for file in facts.glob(GH_WORKFLOWS):
            loaded = facts.yaml(file)
            if loaded is None:
                continue
            for doc in loaded.documents:
                data = doc.data
                if not isinstance(data, dict) or not isinstance(data.get("jobs"), dict):
                    continue
                for job_id, job in data["jobs"].items():
                    if not isinstance(job, dict):
                        continue
                    ci = CiJob(
                        file,
                        str(job_id),
                        _str(job.get("name")),
                        None,
                        doc.position(("jobs", job_id), key=True)[0],
                    )
                    if isinstance(job.get("uses"), str):  # a reusable workflow
                        ci.steps.append(CiStep(job["uses"], None, ci.line))
                    steps = job.get("steps")
                    if isinstance(steps, list):
                        for index, step in enumerate(steps):
                            if isinstance(step, dict):
                                ci.steps.append(
                                    CiStep(
                                        _str(step.get("uses")),
                                        _str(step.get("run")),
                                        doc.position(("jobs", job_id, "steps", index))[0],
                                    )
                                )
                    jobs.append(ci)
        if facts.is_file(GITLAB_CI):
            loaded = facts.yaml(GITLAB_CI)
            for doc in loaded.documents if loaded else []:
                data = doc.data
                if not isinstance(data, dict):
                    continue
                includes = data.get("include")
                for item in includes if isinstance(includes, list) else [includes]:
                    if isinstance(item, dict) and item.get("template"):
                        jobs.append(
                            CiJob(
                                GITLAB_CI,
                                f"include:{item['template']}",
                                None,
                                None,
                                doc.position(("include",))[0],
                                [CiStep(f"template:{item['template']}", None, None)],
                            )
                        )
                for job_id, job in data.items():
                    if job_id in _GITLAB_RESERVED or str(job_id).startswith("."):
                        continue
                    if not isinstance(job, dict):
                        continue
                    line = doc.position((job_id,), key=True)[0]
                    ci = CiJob(GITLAB_CI, str(job_id), None, _str(job.get("stage")), line)
                    for key in ("before_script", "script", "after_script"):
                        for command in _commands(job.get(key)):
                            ci.steps.append(CiStep(None, command, line))
                    if isinstance(job.get("trigger"), dict) and job["trigger"].get("include"):
                        ci.steps.append(CiStep(str(job["trigger"]["include"]), None, line))
                    jobs.append(ci)
        return jobs

    return facts.cached(("<ci>", "jobs"), build)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def job_matches(job: CiJob, wanted: str) -> bool:
    wanted = wanted.lower()
    candidates = [job.id.lower()]
    if job.name:
        candidates.append(job.name.lower())
    if job.stage:
        candidates.append(job.stage.lower())
    return any(c == wanted or re.match(re.escape(wanted) + r"[-_: ./(]", c) for c in candidates)
