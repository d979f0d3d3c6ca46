"""Every `platformctl` next step that `platformctl new` prints runs as printed (issue 9,
defect 3): against the local Kubernetes API test server, in the order printed, from the folder
the previous `cd` step moved to."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from kubeapi.fixture import Kube, kube  # noqa: F401

pytestmark = pytest.mark.integration

CLAIM = ("platform.example.com/v1alpha1", "DatabaseClaim")


def _steps(stderr: str) -> list[str]:
    lines = stderr.split("Next steps:\n", 1)[1].splitlines()
    return [line.strip() for line in lines if line.startswith("  ")]


@pytest.mark.parametrize("engine", ["postgresql", "mysql"])
def test_every_printed_platformctl_step_runs_as_printed(
    cli,
    kube: Kube,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    engine: str,
) -> None:
    kube.install_database("ready")
    monkeypatch.chdir(tmp_path)
    created = cli(
        "new", "service", "orders-api", "--defaults",
        "--data", "has_database=true", "--data", f"database_engine={engine}",
        "--data", "owner=group:default/orders-team",
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    steps = _steps(created.stderr)
    ran = []
    for step in steps:
        words = shlex.split(step)
        if words[0] == "cd":
            monkeypatch.chdir(Path.cwd() / words[1])
        elif words[0] == "platformctl":
            result = cli(*words[1:])
            assert result.exit_code == 0, f"{step!r} failed:\n{result.output}"
            ran.append(words[1])
    assert ran == ["check", "provision"], steps
    stored = kube.state.get(*CLAIM, "orders-api-db", "default")
    assert stored is not None and stored["spec"]["parameters"]["engine"] == engine


def test_without_a_database_there_is_no_provision_step(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    created = cli("new", "service", "plain-svc", "--defaults", "--no-git")
    assert created.exit_code == 0, created.output
    assert not any("provision" in step for step in _steps(created.stderr))


@pytest.mark.golden
def test_every_printed_shell_step_runs_as_printed(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The golden path's own steps (create a venv, install, run the tests) as a user would type
    them, in a shell with only the standard PATH: e.g. `python` is not on every machine."""
    import subprocess

    monkeypatch.chdir(tmp_path)
    created = cli("new", "service", "steps-svc", "--defaults")
    assert created.exit_code == 0, created.output
    folder = tmp_path
    shell_steps = []
    for step in _steps(created.stderr):
        words = shlex.split(step)
        if words[0] == "cd":
            folder = folder / words[1]
        elif words[0] != "platformctl":
            shell_steps.append(step)
            proc = subprocess.run(
                ["/bin/sh", "-c", step],
                cwd=folder,
                capture_output=True,
                text=True,
                env={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path)},
                check=False,
            )
            assert proc.returncode == 0, f"{step!r} failed:\n{proc.stdout}\n{proc.stderr}"
    assert shell_steps, created.stderr
