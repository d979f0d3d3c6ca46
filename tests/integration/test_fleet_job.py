"""`fleet job`: the Kubernetes Indexed Job and the GitHub Actions workflow that run the shards.
Structure here; the server-side dry run against the test API server (tests/integration/kubeapi);
kubernetes-validate --strict and actionlint under the golden marker (nox -s golden installs
both)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from kubeapi.fixture import Kube, kube  # noqa: F401
from kubeapi.server import ResourceDef

pytestmark = pytest.mark.integration


def _job(cli, tmp_path: Path, *extra: str) -> list[dict]:
    out = tmp_path / "job.yaml"
    result = cli(
        "fleet", "job", "--shards", "4", "--image", "registry.example.com/platformctl:1.2",
        "-i", "backstage", "--owner", "team-a", "-n", "platform", "--parallelism", "2",
        "--secret", "backstage-token", "-o", out, *extra,
    )
    assert result.exit_code == 0, result.output
    return list(yaml.safe_load_all(out.read_text()))


def test_indexed_job_maps_the_completion_index_to_a_1_based_shard(cli, tmp_path):
    shards, merge = _job(cli, tmp_path)
    spec = shards["spec"]
    assert (spec["completionMode"], spec["completions"], spec["parallelism"]) == ("Indexed", 4, 2)
    [container] = spec["template"]["spec"]["containers"]
    script = container["command"][-1]
    assert "platformctl fleet status --inventory backstage --owner team-a" in script
    assert '--shard "$((JOB_COMPLETION_INDEX + 1))/4"' in script
    assert container["envFrom"] == [{"secretRef": {"name": "backstage-token"}}]
    # run the shard script's arithmetic in a real shell for every index
    for index in range(4):
        proc = subprocess.run(
            ["sh", "-c", 'echo "$((JOB_COMPLETION_INDEX + 1))/4"'],
            env={"JOB_COMPLETION_INDEX": str(index)}, capture_output=True, text=True, check=True,
        )
        assert proc.stdout.strip() == f"{index + 1}/4"
    # the merge Job waits for the 4 parts on the shared volume, then merges them
    wait = merge["spec"]["template"]["spec"]["initContainers"][0]["command"][-1]
    assert "-ge 4" in wait
    run = merge["spec"]["template"]["spec"]["containers"][0]["command"][-1]
    assert "platformctl fleet merge /results/part-*.json --format html" in run
    claims = {
        v["persistentVolumeClaim"]["claimName"]
        for job in (shards, merge) for v in job["spec"]["template"]["spec"]["volumes"]
    }
    assert claims == {"platformctl-fleet-results"}


def test_github_actions_matrix_and_aggregation(cli, tmp_path):
    out = tmp_path / "fleet.yml"
    result = cli("fleet", "job", "--shards", "3", "-i", "repos.yaml", "--github-actions",
                 "-o", out)
    assert result.exit_code == 0, result.output
    workflow = yaml.safe_load(out.read_text())
    shard = workflow["jobs"]["shard"]
    assert shard["strategy"]["matrix"]["shard"] == [1, 2, 3]
    assert "--shard ${{ matrix.shard }}/3" in shard["steps"][-2]["run"]
    merge = workflow["jobs"]["merge"]
    assert merge["needs"] == "shard"
    assert "platformctl fleet merge parts/part-*.json" in merge["steps"][-2]["run"]


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--shards", "0", "--image", "x", "-i", "a.yaml"], "--shards must be at least 1"),
        (["--shards", "2", "-i", "a.yaml"], "--image is required"),
        (["--shards", "2", "--image", "x"], "no inventory given"),
        (["--shards", "2", "--image", "x", "-i", "a", "--name", "Bad_Name"],
         "not a valid Kubernetes name"),
        (["--shards", "2", "--image", "x", "-i", "a", "--command", "update"],
         "runs status or check"),
    ],
)
def test_bad_job_options_exit_2(cli, argv, words):
    result = cli("fleet", "job", *argv)
    assert result.exit_code == 2
    assert words in result.stderr


def test_server_side_dry_run_against_the_test_api_server(cli, kube: Kube, tmp_path):  # noqa: F811
    kube.state.add_resource(ResourceDef("batch", "v1", "jobs", "Job", True))
    docs = _job(cli, tmp_path, "--server-dry-run", "--kubeconfig", str(kube.kubeconfig))
    assert len(docs) == 2
    patches = [r for r in kube.state.requests if r[0] == "PATCH"]
    assert [p[1].split("?")[0] for p in patches] == [
        "/apis/batch/v1/namespaces/platform/jobs/platformctl-fleet",
        "/apis/batch/v1/namespaces/platform/jobs/platformctl-fleet-merge",
    ]
    assert all(p[2].startswith("application/apply-patch") for p in patches)
    assert not kube.state.objects[("batch", "v1", "jobs")]  # a dry run stores nothing


@pytest.mark.golden
def test_the_job_passes_kubernetes_validate_strict_and_the_workflow_actionlint(cli, tmp_path):
    for tool in ("kubernetes-validate", "actionlint"):
        assert shutil.which(tool), f"{tool} is not installed: run nox -s golden"
    _job(cli, tmp_path)
    proc = subprocess.run(
        ["kubernetes-validate", "--strict", str(tmp_path / "job.yaml")],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = tmp_path / "fleet.yml"
    assert cli("fleet", "job", "--shards", "3", "-i", "repos.yaml", "--github-actions",
               "-o", out).exit_code == 0
    proc = subprocess.run(["actionlint", str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
