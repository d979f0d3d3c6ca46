"""`platformctl provision` without a cluster: generated options, -o, errors, GitOps."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "crossplane"


def test_group_help_lists_commands_and_types(cli) -> None:
    r = cli("provision", "--help")
    assert r.exit_code == 0
    for word in (
        "types",
        "explain",
        "status",
        "list",
        "delete",
        "database",
        "alias: db",
        "service-infra",
    ):
        assert word in r.stdout


def test_type_help_lists_generated_parameters(cli) -> None:
    r = cli("provision", "db", "--help")
    assert r.exit_code == 0
    out = " ".join(r.stdout.split())
    assert "--size [small|medium|large]" in out
    assert "--engine [postgresql|mysql]" in out and "default: postgresql" in out
    assert "--provider [aws|gcp|azure]" in out
    assert "--high-availability / --no-high-availability" in out
    assert "--storage-gb INTEGER RANGE" in out and "10<=x<=1000" in out
    assert "--set PATH=VALUE" in out and "--gitops" in out and "--force-conflicts" in out


def test_output_yaml_is_a_complete_request(cli) -> None:
    r = cli("provision", "db", "orders-db", "--size", "medium", "-o", "yaml")
    assert r.exit_code == 0, r.output
    import yaml

    doc = yaml.safe_load(r.stdout)
    assert doc["kind"] == "DatabaseClaim" and doc["metadata"]["name"] == "orders-db"
    assert doc["spec"]["parameters"] == {
        "size": "medium",
        "engine": "postgresql",
        "provider": "aws",
        "highAvailability": False,
    }
    assert doc["metadata"]["annotations"]["platformctl.io/request-id"].startswith("req-")


def test_output_json_with_flags_and_set(cli) -> None:
    r = cli(
        "provision",
        "db",
        "orders-db",
        "--size",
        "large",
        "--engine",
        "mysql",
        "--provider",
        "gcp",
        "--high-availability",
        "--storage-gb",
        "200",
        "--set",
        "metadata.labels.team=payments",
        "-n",
        "payments",
        "-o",
        "json",
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert (
        doc["metadata"]["namespace"] == "payments"
        and doc["metadata"]["labels"]["team"] == "payments"
    )
    assert doc["spec"]["parameters"] == {
        "size": "large",
        "engine": "mysql",
        "provider": "gcp",
        "highAvailability": True,
        "storageGB": 200,
    }
    assert doc["spec"]["compositionSelector"]["matchLabels"] == {
        "provider": "gcp",
        "engine": "mysql",
    }


def test_missing_values_are_listed_all_at_once(cli) -> None:
    r = cli("provision", "db", "-o", "yaml")
    assert r.exit_code == 2
    assert "missing required values for database: NAME, size" in r.stderr
    assert "--size VALUE" in r.stderr
    r = cli("provision", "infra", "shop", "--no-input", "-o", "yaml")
    assert r.exit_code == 2 and "--service-name VALUE" in r.stderr


def test_bad_values_name_the_field_and_allowed_values(cli) -> None:
    r = cli("provision", "db", "x", "--size", "huge", "-o", "yaml")
    assert r.exit_code == 2 and "'huge' is not one of 'small', 'medium', 'large'" in r.output
    r = cli("provision", "db", "x", "--set", "parameters.size=huge", "-o", "yaml")
    assert r.exit_code == 2
    assert (
        'spec.parameters.size: unsupported value "huge"; allowed values: small, medium, large'
        in r.stderr
    )
    r = cli("provision", "db", "x", "--size", "small", "--storage-gb", "5", "-o", "yaml")
    assert r.exit_code == 2 and "5 is not in the range 10<=x<=1000" in r.output
    r = cli("provision", "db", "x", "--size", "small", "--set", "parameters.nope=1", "-o", "yaml")
    assert r.exit_code == 2 and "unknown field spec.parameters.nope" in r.stderr
    r = cli("provision", "db", "Bad_Name", "--size", "small", "-o", "yaml")
    assert r.exit_code == 2 and "invalid name" in r.stderr
    r = cli("provision", "nosuch", "x")
    assert r.exit_code == 2 and "unknown claim type 'nosuch'" in r.stderr and "db" in r.stderr
    r = cli("provision", "db", "x", "--size", "small", "--timeout", "soon")
    assert r.exit_code == 2 and "invalid duration" in r.stderr


def test_types_and_explain(cli) -> None:
    r = cli("provision", "types", "--format", "json")
    assert r.exit_code == 0
    types = {t["name"]: t for t in json.loads(r.stdout)["types"]}
    assert set(types) == {"database", "cache", "bucket", "service-infra"}
    assert types["service-infra"]["crossplane"] == "v2" and types["database"]["aliases"] == ["db"]
    assert "DatabaseClaim" in cli("provision", "types").stdout
    r = cli("provision", "explain", "db")
    assert r.exit_code == 0
    assert "--size (spec.parameters.size, string)" in r.stdout
    assert "connection secret keys: host, port, username, password, database" in r.stdout
    assert "example: platformctl provision db NAME --size small" in r.stdout
    js = json.loads(cli("provision", "explain", "cache", "--format", "json").stdout)
    assert [p["option"] for p in js["parameters"]] == [
        "--size",
        "--provider",
        "--redis-version",
        "--replicas",
    ]


def test_removed_xrd_version_is_refused(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    platform = tmp_path / "platform"
    platform.mkdir()
    shutil.copy(
        DATA / "17-upbound-platform-ref-aws-v1beta1-postgres-xrd.yaml", platform / "old.yaml"
    )
    (platform / "platform.yaml").write_text(
        "apiVersion: platformctl.io/v1\nkind: Platform\nmetadata: {name: p}\n"
        "claim_types:\n  - {name: pg, xrd: old.yaml}\n"
    )
    monkeypatch.setenv("PLATFORMCTL_PLATFORM", str(platform))
    r = cli("provision", "pg", "x", "-o", "yaml")
    assert r.exit_code == 2
    assert "apiextensions.crossplane.io/v1beta1" in r.stderr and "removed" in r.stderr
    assert "pg" in json.loads(cli("provision", "types", "--format", "json").stdout)["unusable"]


def test_real_world_v1_xrd_as_a_platform_type(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    platform = tmp_path / "platform"
    platform.mkdir()
    shutil.copy(DATA / "04-upbound-configuration-aws-database-v1-xrd.yaml", platform / "sql.yaml")
    (platform / "platform.yaml").write_text(
        "apiVersion: platformctl.io/v1\nkind: Platform\nmetadata: {name: p}\n"
        "claim_types:\n  - {name: sql, xrd: sql.yaml}\n"
    )
    monkeypatch.setenv("PLATFORMCTL_PLATFORM", str(platform))
    r = cli("provision", "sql", "pg1", "-o", "yaml")
    assert r.exit_code == 2
    for flag in (
        "--region",
        "--engine",
        "--engine-version",
        "--storage-gb",
        "--password-secret-ref-name",
        "--network-ref-id",
    ):
        assert flag in r.stderr
    r = cli(
        "provision",
        "sql",
        "pg1",
        "--region",
        "us-west-2",
        "--engine",
        "postgres",
        "--engine-version",
        "13",
        "--storage-gb",
        "5",
        "--password-secret-ref-namespace",
        "default",
        "--password-secret-ref-name",
        "s",
        "--password-secret-ref-key",
        "password",
        "--network-ref-id",
        "net",
        "-o",
        "json",
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["spec"]["parameters"]["deletionPolicy"] == "Delete"  # XRD default applied
    assert doc["spec"]["writeConnectionSecretToRef"] == {"name": "pg1-connection"}


def test_prompts_on_a_terminal(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from platformctl.cli import app as app_mod
    from platformctl.cli import prompts

    monkeypatch.setattr(app_mod.AppContext, "interactive", property(lambda self: True))
    asked: list[str] = []

    def select(message: str, choices: list[tuple[str, str]]) -> str:
        asked.append(message)
        return choices[1][0]

    monkeypatch.setattr(prompts, "select", select)
    monkeypatch.setattr(
        prompts, "text", lambda message, validate=None: asked.append(message) or "asked-db"
    )
    r = cli("provision", "db", "-o", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["metadata"]["name"] == "asked-db" and doc["spec"]["parameters"]["size"] == "medium"
    assert asked[0].startswith("name of the database") and asked[1].startswith("size")


def test_help_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys; from platformctl.__main__ import run; "
        "run(['provision', 'db', '--help']); "
        "run(['provision', 'db', 'x', '--size', 'small', '-o', 'yaml']); "
        "bad = [m for m in ('kubernetes', 'git', 'questionary', 'copier') if m in sys.modules]; "
        "sys.exit(1 if bad else 0)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


# --- GitOps ---------------------------------------------------------------------------------


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout


def _show(repo: Path, branch: str, path: str) -> str:
    return _git(repo, "show", f"{branch}:{path}")


def test_gitops_commits_on_a_branch_and_is_idempotent(cli, git_repo: Path) -> None:
    r = cli("provision", "db", "orders-db", "--size", "medium", "--gitops", "--repo", str(git_repo))
    assert r.exit_code == 0, r.output
    branch, rel = "provision/databaseclaim-orders-db", "infra/claims/databaseclaim-orders-db.yaml"
    claim = _show(git_repo, branch, rel)
    # the user's checkout stays where it was; the claim lives on its branch
    assert _git(git_repo, "branch", "--show-current").strip() == "main"
    assert not (git_repo / rel).exists()
    assert f"you are back on main; the change is on branch {branch}" in r.stderr
    log = _git(git_repo, "log", "--format=%s", "-n", "1", branch)
    assert log.strip() == "provision: request DatabaseClaim default/orders-db"
    assert "platformctl.io/request-id: req-" in claim
    assert _git(git_repo, "status", "--porcelain") == ""
    again = cli(
        "provision", "db", "orders-db", "--size", "medium", "--gitops", "--repo", str(git_repo)
    )
    assert again.exit_code == 0 and "nothing to commit" in again.stderr, again.output
    assert len(_git(git_repo, "log", "--oneline", branch).splitlines()) == 2
    assert _git(git_repo, "branch", "--show-current").strip() == "main"
    # starting on the claim's branch: stays there, still no new commit
    _git(git_repo, "checkout", "-q", branch)
    third = cli(
        "provision", "db", "orders-db", "--size", "medium", "--gitops", "--repo", str(git_repo)
    )
    assert third.exit_code == 0 and "nothing to commit" in third.stderr, third.output
    assert _git(git_repo, "branch", "--show-current").strip() == branch
    _git(git_repo, "checkout", "-q", "main")
    changed = cli(
        "provision",
        "db",
        "orders-db",
        "--size",
        "large",
        "--gitops",
        "--repo",
        str(git_repo),
        "--path",
        "claims",
        "--branch",
        "bigger-db",
    )
    assert changed.exit_code == 0, changed.output
    assert "size: large" in _show(git_repo, "bigger-db", "claims/databaseclaim-orders-db.yaml")
    assert _git(git_repo, "branch", "--show-current").strip() == "main"


def test_gitops_after_merge_is_a_no_op_without_a_stray_branch(cli, git_repo: Path) -> None:
    args = ("provision", "db", "orders-db", "--size", "medium", "--gitops", "--repo")
    assert cli(*args, str(git_repo)).exit_code == 0
    branch = "provision/databaseclaim-orders-db"
    _git(git_repo, "merge", "-q", "--ff-only", branch)
    _git(git_repo, "branch", "-q", "-D", branch)
    r = cli(*args, str(git_repo))
    assert r.exit_code == 0 and "already requests this on main; nothing to commit" in r.stderr
    assert branch not in _git(git_repo, "branch", "--list")
    assert _git(git_repo, "branch", "--show-current").strip() == "main"


def test_gitops_from_a_detached_head_returns_to_it(cli, git_repo: Path) -> None:
    head = _git(git_repo, "rev-parse", "HEAD").strip()
    _git(git_repo, "checkout", "-q", "--detach", head)
    r = cli("provision", "db", "orders-db", "--size", "medium", "--gitops", "--repo", str(git_repo))
    assert r.exit_code == 0, r.output
    assert f"you are back on commit {head[:8]}" in r.stderr
    assert _git(git_repo, "rev-parse", "HEAD").strip() == head
    assert _git(git_repo, "branch", "--show-current").strip() == ""


def test_gitops_json_event_says_where_you_are(cli, git_repo: Path) -> None:
    r = cli(
        "provision", "db", "orders-db", "--size", "medium", "--gitops", "--repo", str(git_repo),
        "--format", "json",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    (event,) = [json.loads(line) for line in r.stdout.splitlines()]
    assert event["event"] == "gitops" and event["changed"] and event["returned"]
    assert event["startBranch"] == "main" and event["branch"] == "provision/databaseclaim-orders-db"


def test_gitops_refuses_a_dirty_tree_but_not_its_own_file(cli, git_repo: Path) -> None:
    (git_repo / "README.md").write_text("changed\n")
    r = cli("provision", "db", "orders-db", "--size", "medium", "--gitops", "--repo", str(git_repo))
    assert r.exit_code == 2 and "uncommitted changes: README.md" in r.stderr
    _git(git_repo, "checkout", "--", "README.md")
    target = git_repo / "infra" / "claims" / "databaseclaim-orders-db.yaml"
    target.parent.mkdir(parents=True)
    target.write_text("# a draft\n")
    r = cli("provision", "db", "orders-db", "--size", "medium", "--gitops", "--repo", str(git_repo))
    assert r.exit_code == 0, r.output
    shown = _show(git_repo, "provision/databaseclaim-orders-db", "infra/claims/" + target.name)
    assert "kind: DatabaseClaim" in shown


def test_gitops_path_must_stay_inside(cli, git_repo: Path) -> None:
    r = cli(
        "provision",
        "db",
        "x",
        "--size",
        "small",
        "--gitops",
        "--repo",
        str(git_repo),
        "--path",
        "../out",
    )
    assert r.exit_code == 2 and "inside the repository" in r.stderr


def test_gitops_outside_a_repository(cli, tmp_path: Path) -> None:
    r = cli("provision", "db", "x", "--size", "small", "--gitops", "--repo", str(tmp_path))
    assert r.exit_code == 2 and "not inside a git repository" in r.stderr


def test_gitops_dir_from_config(cli, git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLATFORMCTL_GITOPS_DIR", "deploy/crossplane")
    r = cli("provision", "cache", "sessions", "--gitops", "--repo", str(git_repo))
    assert r.exit_code == 0, r.output
    rel = "deploy/crossplane/cacheclaim-sessions.yaml"
    assert "kind: CacheClaim" in _show(git_repo, "provision/cacheclaim-sessions", rel)


def _pty_run(
    args: list[str], answers: list[tuple[str, str]], timeout: float = 30
) -> tuple[int, str]:
    """Run platformctl on a real pseudo-terminal, answering prompts as they appear."""
    import os
    import pty
    import select
    import time

    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.execvpe(sys.executable, [sys.executable, "-m", "platformctl", *args], os.environ)
    out = b""
    pending = list(answers)
    deadline = time.time() + timeout
    while time.time() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                data = os.read(fd, 4096)
            except OSError:
                break
            if not data:
                break
            out += data
        elif pending and pending[0][0].encode() in out:
            os.write(fd, pending.pop(0)[1].encode())
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), out.decode(errors="replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
def test_prompts_through_a_real_terminal() -> None:
    code, out = _pty_run(
        ["provision", "db", "-o", "yaml"],
        [("name of the database", "orders-db\r"), ("size", "\x1b[B\r")],  # arrow down: medium
    )
    assert code == 0, out
    assert "name: orders-db" in out and "size: medium" in out


def test_api_only_flags_are_refused_with_gitops(cli, git_repo: Path) -> None:
    r = cli(
        "provision", "db", "x", "--size", "small", "--gitops", "--repo", str(git_repo), "--dry-run"
    )
    assert r.exit_code == 2 and "for API mode" in r.stderr


@pytest.mark.parametrize("command", [["types"], ["explain", "db"], ["status", "x"], ["list"]])
def test_unknown_format_is_a_usage_error(cli, command: list[str]) -> None:
    r = cli("provision", *command, "--format", "xml")
    assert r.exit_code == 2 and "'xml' is not one of 'text', 'json'" in r.stderr


def test_export_env_is_refused_with_gitops(cli, git_repo: Path) -> None:
    r = cli(
        "provision", "db", "x", "--size", "small", "--gitops", "--repo", str(git_repo),
        "--export-env", ".env",
    )  # fmt: skip
    assert r.exit_code == 2 and "for API mode" in r.stderr and "--export-env" in r.stderr


def _merge_request(cli, repo: Path) -> str:  # noqa: ANN001
    """Request orders-db by GitOps and merge its branch into main (as a reviewer would)."""
    r = cli("provision", "db", "orders-db", "--size", "medium", "--gitops", "--repo", str(repo))
    assert r.exit_code == 0, r.output
    _git(repo, "merge", "-q", "--ff-only", "provision/databaseclaim-orders-db")
    return "infra/claims/databaseclaim-orders-db.yaml"


def test_delete_by_gitops_removes_the_file_on_a_branch(cli, git_repo: Path) -> None:
    rel = _merge_request(cli, git_repo)
    r = cli("provision", "delete", "orders-db", "--gitops", "--repo", str(git_repo))
    assert r.exit_code == 2 and "--yes" in r.stderr  # no terminal, no --yes: nothing done
    assert (git_repo / rel).is_file() and "deprovision" not in _git(git_repo, "branch")
    r = cli("provision", "delete", "orders-db", "--gitops", "--repo", str(git_repo), "--yes")
    assert r.exit_code == 0, r.output
    branch = "deprovision/databaseclaim-orders-db"
    assert f"removed {rel} and committed it on branch {branch}" in r.stderr
    assert f"you are back on main; the change is on branch {branch}" in r.stderr
    assert (git_repo / rel).is_file()  # main is untouched until the branch is merged
    assert rel not in _git(git_repo, "ls-tree", "-r", "--name-only", branch)
    log = _git(git_repo, "log", "--format=%s", "-n", "1", branch).strip()
    assert log == "provision: delete DatabaseClaim default/orders-db"
    again = cli("provision", "delete", "orders-db", "--gitops", "--repo", str(git_repo), "-y")
    assert again.exit_code == 0 and "already removed" in again.stderr, again.output


def test_delete_by_gitops_errors(cli, git_repo: Path) -> None:
    r = cli("provision", "delete", "nothing", "--gitops", "--repo", str(git_repo), "-y")
    assert r.exit_code == 1 and "no claim file for 'nothing'" in r.stderr and "hint:" in r.stderr
    _merge_request(cli, git_repo)
    (git_repo / "README.md").write_text("changed\n")
    r = cli("provision", "delete", "orders-db", "--gitops", "--repo", str(git_repo), "-y")
    assert r.exit_code == 2 and "uncommitted changes: README.md" in r.stderr
    r = cli("provision", "delete", "orders-db", "--branch", "x")
    assert r.exit_code == 2 and "go with --gitops" in r.stderr


def test_explain_examples_fit_the_type(cli) -> None:
    redis = cli("provision", "explain", "redis")
    assert redis.exit_code == 0
    assert "example: platformctl provision redis NAME\n" in redis.stdout  # no trailing space
    infra = cli("provision", "explain", "infra")
    assert "(e.g. --set database.enabled=true)" in infra.stdout
    assert "parameters.size" not in infra.stdout  # service-infra has no spec.parameters


def test_gitops_bad_branch_or_missing_remote_is_refused_before_anything(
    cli, git_repo: Path
) -> None:
    base = ("provision", "db", "orders-db", "--size", "small", "--gitops", "--repo", str(git_repo))
    r = cli(*base, "--branch", "a b")
    assert r.exit_code == 2 and "error: --branch 'a b' is not a valid git branch name" in r.stderr
    r = cli(*base, "--push")
    assert r.exit_code == 2 and "has no remote 'origin'" in r.stderr
    assert "hint: git remote add origin URL" in r.stderr
    assert _git(git_repo, "branch", "--list").split() == ["*", "main"]  # no branch, no commit
    assert _git(git_repo, "status", "--porcelain") == ""


def test_gitops_in_a_repository_without_commits(cli, tmp_path: Path) -> None:
    repo = tmp_path / "fresh"
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    r = cli("provision", "db", "orders-db", "--size", "small", "--gitops", "--repo", str(repo))
    assert r.exit_code == 0, r.output
    assert "you are on branch provision/databaseclaim-orders-db" in r.stderr
    assert "has no commits yet" in r.stderr


def test_types_in_a_pipe_print_whole_values(cli, monkeypatch) -> None:
    """Issue 9 #5: `provision types | cat` showed `platform.examp…`."""
    monkeypatch.setenv("COLUMNS", "60")
    r = cli("provision", "types")
    assert r.exit_code == 0
    assert "…" not in r.stdout
    for t in json.loads(cli("provision", "types", "--format", "json").stdout)["types"]:
        assert t["apiVersion"] in r.stdout
        assert t["description"] in r.stdout


@pytest.mark.parametrize("command", ["list", "status", "delete"])
def test_every_option_of_list_status_delete_has_help(cli, command) -> None:
    """Issue 9 #11: -n, --context, --kubeconfig, -A had no help text."""
    import click
    import typer

    from platformctl.cli.provision import app

    group = typer.main.get_command(app)
    sub = group.get_command(click.Context(group), command)
    undocumented = [
        p.opts[0]
        for p in sub.params
        if isinstance(p, click.Option) and not p.hidden and not (p.help or "").strip()
    ]
    assert undocumented == []
    assert "TYPE" in cli("provision", command, "--help").stdout or command == "list"


def test_an_invalid_set_value_is_reported_once(cli) -> None:
    """Issue 9 #11: the problem was printed as a list line and again in the error line."""
    r = cli("provision", "db", "x", "--set", "parameters.size=huge", "-o", "yaml")
    assert r.exit_code == 2
    assert r.stderr.count('unsupported value "huge"') == 1, r.stderr
    assert r.stderr.startswith("error: the DatabaseClaim is invalid: spec.parameters.size")
    two = cli(
        "provision", "db", "x", "--set", "parameters.size=huge", "--set", "parameters.storageGB=5",
        "-o", "yaml",
    )  # fmt: skip
    assert two.exit_code == 2
    assert two.stderr.count('unsupported value "huge"') == 1, two.stderr
    assert two.stderr.count("must be at least 10, got 5") == 1, two.stderr
    assert "error: the DatabaseClaim is invalid: 2 problems, listed above" in two.stderr


def _no_prompts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from platformctl.cli import app as app_mod
    from platformctl.cli import prompts

    monkeypatch.setattr(app_mod.AppContext, "interactive", property(lambda self: True))
    asked: list[str] = []
    monkeypatch.setattr(prompts, "select", lambda message, choices: asked.append(message) or "x")
    monkeypatch.setattr(
        prompts, "text", lambda message, validate=None: asked.append(message) or "x"
    )
    return asked


def test_terminal_without_a_kubeconfig_says_so_before_asking_anything(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 9, defect 3: every question was asked first, then 'no kubeconfig found'."""
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "missing-kubeconfig"))
    asked = _no_prompts(monkeypatch)
    r = cli("provision", "db")
    assert r.exit_code == 3, r.output
    assert asked == []
    assert "no kubeconfig found" in r.stderr and "--gitops" in r.stderr
    # -o yaml needs no cluster: still asked
    r = cli("provision", "db", "-o", "yaml")
    assert asked and r.exit_code != 3
