"""core.fleet.workflow, the calls behind the fleet commands: selecting the repositories (shard
included), status over real (empty) git repositories with progress and --resume, merging the
results, the option checks and the Job/workflow choice."""

from __future__ import annotations

import json
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from platformctl.core import reports
from platformctl.core.errors import UsageError
from platformctl.core.fleet import job, workflow


def _repos(tmp_path: Path, *names: str) -> Path:
    listing = tmp_path / "repos.txt"
    for name in names:
        subprocess.run(["git", "init", "-q", str(tmp_path / "clones" / name)], check=True)
    listing.write_text("".join(f"clones/{n}\n" for n in names))
    return listing


def _no_config():
    raise AssertionError("the catalog is not asked without a backstage source")


def test_select_whole_inventory_and_a_shard(tmp_path):
    listing = _repos(tmp_path, "a", "b", "c")
    whole = workflow.select([str(listing)], cwd=tmp_path, config=_no_config)
    assert [e.name for e in whole.entries] == ["a", "b", "c"]
    assert whole.shard is None and whole.listed == 3 and whole.skipped == []
    assert whole.meta == {"inventory": {"sources": [str(listing)], "repositories": 3}}
    parts = [
        workflow.select([str(listing)], cwd=tmp_path, config=_no_config, shard=f"{i}/2")
        for i in (1, 2)
    ]
    assert sorted(e.name for p in parts for e in p.entries) == ["a", "b", "c"]
    assert parts[0].shard == (1, 2) and parts[0].listed == 3
    assert parts[0].meta["shard"] == {"index": 1, "total": 2, "repositories": len(parts[0].entries)}
    # a bad shard is bad usage before the inventory is read (it does not exist here)
    with pytest.raises(UsageError, match="shard"):
        workflow.select(["nowhere.txt"], cwd=tmp_path, config=_no_config, shard="3/2")


def test_status_progress_resume_and_merge(tmp_path):
    listing = _repos(tmp_path, "a", "b")
    selection = workflow.select([str(listing)], cwd=tmp_path, config=_no_config)
    seen: list[object] = []

    @contextmanager
    def progress(total):
        seen.append(total)
        yield lambda outcome: seen.append(outcome.entry.name)

    run = workflow.status(selection, workers=1, cache=tmp_path / "cache", progress=progress)
    assert seen[0] == 2 and sorted(seen[1:]) == ["a", "b"]
    assert [r["repository"] for r in run.records] == ["a", "b"]
    assert run.summary["analysed"] == 2 and run.doc.headline
    results = tmp_path / "status.json"
    results.write_text(reports.render(run.doc, "json"))
    # --resume: both were read, nothing left to do
    seen.clear()
    again = workflow.status(selection, workers=1, resume=results, progress=progress)
    assert seen == [0] and again.records == run.records
    merged = workflow.merged([results])
    assert merged.records == run.records and merged.summary == run.summary
    assert json.loads(reports.render(merged.doc, "json"))["merged"] == [str(results)]


def test_option_checks():
    assert workflow.check_workers(3) == 3 and workflow.check_workers(None) >= 1
    with pytest.raises(UsageError, match="--workers"):
        workflow.check_workers(0)
    with pytest.raises(UsageError, match="--canary"):
        workflow.check_update_options(canary=0, maximum=None)
    with pytest.raises(UsageError, match="--max"):
        workflow.check_update_options(canary=None, maximum=0)


def test_job_or_workflow():
    spec = job.JobSpec(shards=2, inventory=["repos.yaml"], image="img")
    out = workflow.job(spec)
    kinds = [d["kind"] for d in yaml.safe_load_all(out.text)]
    assert "Job" in kinds and out.dry_run == []
    actions = workflow.job(spec, github_actions=True)
    assert "jobs" in yaml.safe_load(actions.text)
    with pytest.raises(UsageError, match="--server-dry-run"):
        workflow.job(spec, github_actions=True, server_dry_run=True)
