"""A real git repository for the DORA tests: two services, a late-merged branch, a revert,
annotated tags, every commit back-dated (GIT_AUTHOR_DATE / GIT_COMMITTER_DATE).

Timeline (UTC, January 2026; the tests' window is [01-05, 01-19), two ISO weeks):

  c0   12-20 10:00  init: services/api + services/web            (tag v0.9 at 12-22 09:00)
  c1   01-05 09:00  api change on main
  f1   01-05 10:00  api change on branch `late` (authored early, merged late)
  c2   01-06 08:00  web change on main                             (tag v1.0 at 01-06 12:00)
  M    01-08 09:00  merge of `late` into main
  c3   01-08 10:00  api change                                     (tag v1.1 at 01-08 14:00)
  c4   01-12 09:00  api: bad change
  c5   01-13 14:00  Revert "api: bad change"                        (tag v1.2 at 01-13 15:00)
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path


def _env(when: str) -> dict[str, str]:
    return {
        **os.environ,
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_AUTHOR_NAME": "Dev",
        "GIT_AUTHOR_EMAIL": "dev@example.com",
        "GIT_COMMITTER_NAME": "Dev",
        "GIT_COMMITTER_EMAIL": "dev@example.com",
    }


def git(repo: Path, *args: str, when: str = "2026-01-01T00:00:00Z") -> str:
    proc = subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True,
        env=_env(when),
    )
    return proc.stdout.strip()


def commit(repo: Path, path: str, content: str, message: str, when: str) -> str:
    target = repo / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(content)
    git(repo, "add", path, when=when)
    git(repo, "commit", "-q", "-m", message, when=when)
    return git(repo, "rev-parse", "HEAD")


def build(repo: Path) -> dict[str, str]:
    """Create the repository; returns name -> sha."""
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    (repo / "services/api").mkdir(parents=True)
    (repo / "services/web").mkdir(parents=True)
    (repo / "services/api/app.py").write_text("v = 0\n")
    (repo / "services/web/app.js").write_text("v = 0\n")
    when = "2025-12-20T10:00:00Z"
    git(repo, "add", ".", when=when)
    git(repo, "commit", "-q", "-m", "init", when=when)
    shas = {"c0": git(repo, "rev-parse", "HEAD")}
    git(repo, "tag", "-a", "v0.9", "-m", "v0.9", when="2025-12-22T09:00:00Z")
    shas["c1"] = commit(repo, "services/api/app.py", "v = 1\n", "api: one", "2026-01-05T09:00:00Z")
    git(repo, "checkout", "-q", "-b", "late")
    shas["f1"] = commit(
        repo, "services/api/late.py", "late = 1\n", "api: late feature", "2026-01-05T10:00:00Z"
    )
    git(repo, "checkout", "-q", "main")
    shas["c2"] = commit(repo, "services/web/app.js", "v = 2\n", "web: two", "2026-01-06T08:00:00Z")
    git(repo, "tag", "-a", "v1.0", "-m", "v1.0", when="2026-01-06T12:00:00Z")
    git(repo, "merge", "-q", "--no-ff", "-m", "Merge branch 'late'", "late",
        when="2026-01-08T09:00:00Z")
    shas["M"] = git(repo, "rev-parse", "HEAD")
    shas["c3"] = commit(repo, "services/api/app.py", "v = 3\n", "api: three",
                        "2026-01-08T10:00:00Z")
    git(repo, "tag", "-a", "v1.1", "-m", "v1.1", when="2026-01-08T14:00:00Z")
    shas["c4"] = commit(repo, "services/api/app.py", "v = 4 # bad\n", "api: bad change",
                        "2026-01-12T09:00:00Z")
    git(repo, "revert", "--no-edit", "HEAD", when="2026-01-13T14:00:00Z")
    shas["c5"] = git(repo, "rev-parse", "HEAD")
    git(repo, "tag", "-a", "v1.2", "-m", "v1.2", when="2026-01-13T15:00:00Z")
    return shas


def deployments(shas: dict[str, str]) -> list[dict[str, object]]:
    """DevLake webhook records for the repository above (services api and web)."""

    def dep(id_: str, sha: str, end: str, service: str, result: str = "SUCCESS",
            env: str = "PRODUCTION") -> dict[str, object]:
        return {
            "id": id_, "commit_sha": shas[sha], "start_time": end.replace(":00:00Z", ":00:00Z"),
            "end_time": end, "result": result, "environment": env, "service": service,
        }

    return [
        dep("D0", "c0", "2025-12-22T10:00:00Z", "api"),
        dep("D0w", "c0", "2025-12-22T10:00:00Z", "web"),
        dep("D1", "c2", "2026-01-06T12:00:00Z", "api"),
        dep("D1w", "c2", "2026-01-06T12:00:00Z", "web"),
        dep("D2", "c3", "2026-01-08T14:00:00Z", "api"),
        dep("S1", "c3", "2026-01-09T10:00:00Z", "api", env="STAGING"),
        dep("D3", "c4", "2026-01-12T11:00:00Z", "api", result="FAILURE"),
        dep("D4", "c4", "2026-01-12T13:00:00Z", "api"),
        dep("D5", "c5", "2026-01-13T15:00:00Z", "api"),
        dep("D6", "c5", "2026-01-20T10:00:00Z", "api"),
    ]


INCIDENTS = [
    {"issue_key": "INC-0", "type": "INCIDENT", "status": "DONE", "service": "api",
     "created_date": "2026-01-04T08:00:00Z", "resolution_date": "2026-01-04T09:00:00Z"},
    {"issue_key": "INC-1", "type": "INCIDENT", "status": "DONE", "service": "api",
     "created_date": "2026-01-13T10:00:00Z", "resolution_date": "2026-01-13T16:00:00Z"},
    {"issue_key": "INC-2", "type": "INCIDENT", "status": "DONE", "service": "web",
     "deployment_id": "D1w",
     "created_date": "2026-01-14T09:00:00Z", "resolution_date": "2026-01-14T10:00:00Z"},
    {"issue_key": "INC-3", "type": "INCIDENT", "status": "TODO", "service": "billing",
     "created_date": "2026-01-15T09:00:00Z", "resolution_date": None},
    {"issue_key": "BUG-9", "type": "BUG", "status": "DONE", "service": "api",
     "created_date": "2026-01-14T09:00:00Z", "resolution_date": "2026-01-15T09:00:00Z"},
]


def write_files(base: Path, shas: dict[str, str]) -> tuple[Path, Path]:
    deploys = base / "deployments.jsonl"
    deploys.write_text("".join(json.dumps(d) + "\n" for d in deployments(shas)))
    incidents = base / "incidents.json"
    incidents.write_text(json.dumps(INCIDENTS, indent=2))
    return deploys, incidents
