"""The root app: version, help, the error boundary and its exit codes, startup imports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("copier", "kubernetes", "git", "httpx", "questionary", "ruamel", "plotly", "matplotlib")


def test_version(cli):
    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("platformctl ")


def test_help_lists_commands_without_importing_them(cli):
    result = cli("--help")
    assert result.exit_code == 0
    for name in ("catalog", "config"):
        assert name in result.stdout


def test_unknown_command_is_usage_error(cli):
    result = cli("no-such-command")
    assert result.exit_code == 2
    assert "No such command" in result.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"], ["check", "--help"], ["catalog", "--help"], ["metrics", "dora", "--help"],
        ["fleet", "status", "--help"], ["survey", "analyze", "--help"], ["assess", "--help"],
        ["dashboard", "export", "--help"],
    ],
)
def test_startup_imports_no_heavy_library(argv):
    """DESIGN.md §1: --help and check --help must not import copier, kubernetes, git, httpx,
    questionary (nor ruamel, nor plotly or matplotlib, which only core/charts.py imports). Run in
    a fresh interpreter to see the real import set."""
    code = (
        "import sys\n"
        "from platformctl.__main__ import run\n"
        f"rc = run({argv!r})\n"
        f"heavy = sorted(m for m in {HEAVY!r} if m in sys.modules)\n"
        "print('HEAVY=' + ','.join(heavy))\n"
        "sys.exit(rc)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if argv[0] == "check" and "No such command" in proc.stderr:
        pytest.skip("check command not installed")
    assert proc.returncode == 0, proc.stderr
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("HEAVY=")][-1]
    assert line == "HEAVY=", f"{argv} imported {line[6:]}"


def test_platform_error_is_one_line_with_hint(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("PLATFORMCTL_PLATFORM", str(tmp_path / "missing"))
    result = cli("config", "show")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("error: platform folder")
    assert lines[1].startswith("hint: ")
    assert "Traceback" not in result.stderr


def test_internal_error_writes_log_and_exits_4(monkeypatch, capsys):
    from platformctl import __main__ as boundary
    from platformctl.cli import config as config_cli

    def boom(*args, **kwargs):
        raise RuntimeError("kaboom secret=abc")

    monkeypatch.setattr("platformctl.core.config.load", boom)
    assert config_cli.app  # the command module is importable
    code = boundary.run(["config", "show"])
    err = capsys.readouterr().err
    assert code == 4
    assert "internal error: RuntimeError: kaboom" in err
    log = Path(err.split("log at ")[1].strip())
    text = log.read_text()
    assert "Traceback" in text and "platformctl" in text
    assert "Traceback" not in err


def test_keyboard_interrupt_exits_130(monkeypatch, capsys):
    from platformctl import __main__ as boundary

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("platformctl.core.config.load", interrupt)
    assert boundary.run(["config", "show"]) == 130
    assert "interrupted" in capsys.readouterr().err


def test_python_dash_m_entry_point():
    proc = subprocess.run(
        [sys.executable, "-m", "platformctl", "--version"], capture_output=True, text=True
    )
    assert proc.returncode == 0
    assert proc.stdout.startswith("platformctl ")


def test_config_show_json_lists_sources(cli, tmp_path, monkeypatch):
    platform = tmp_path / "platform"
    platform.mkdir()
    (platform / "platform.yaml").write_text(
        "apiVersion: platformctl.io/v1\nkind: Platform\nmetadata:\n  name: acme\n"
        "settings:\n  backstage:\n    url: https://backstage.acme.test\n"
    )
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".git").mkdir()
    (repo / ".platformctl.yaml").write_text(
        "golden_path: python-service\nsettings:\n  provision:\n    namespace: team-a\n"
    )
    monkeypatch.chdir(repo)
    monkeypatch.setenv("PLATFORMCTL_PLATFORM", str(platform))
    monkeypatch.setenv("PLATFORMCTL_BACKSTAGE_TOKEN", "s3cr3t-token")
    result = cli("config", "show", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    settings = data["settings"]
    assert settings["backstage.url"]["value"] == "https://backstage.acme.test"
    assert settings["backstage.url"]["source"].startswith("platform (")
    assert settings["provision.namespace"]["value"] == "team-a"
    assert ".platformctl.yaml:4" in settings["provision.namespace"]["source"]
    assert settings["golden_path"]["value"] == "python-service"
    assert data["secrets"]["PLATFORMCTL_BACKSTAGE_TOKEN"] == "set"
    assert "s3cr3t-token" not in result.stdout


def test_config_show_text(cli):
    result = cli("config", "show")
    assert result.exit_code == 0
    assert "provision.namespace" in result.stdout
    assert "embedded default" in result.stdout


def test_config_show_in_a_pipe_prints_every_value_and_source_whole(cli, tmp_path, monkeypatch):
    """Issue 9 #5: piped, the table cut values (`https://backstage.exam…`) and the file:line
    sources it promises.  Off a terminal nothing is truncated, whatever the width."""
    monkeypatch.setenv("COLUMNS", "60")
    url = "https://backstage.example.com/a/rather/long/path/to/the/catalog"
    deep = tmp_path / "a-folder-with-a-long-name" / "and-another-long-one" / "repository"
    deep.mkdir(parents=True)
    (deep / ".git").mkdir()
    (deep / ".platformctl.yaml").write_text(
        f"settings:\n  provision:\n    namespace: team-a\n  backstage:\n    url: {url}\n"
    )
    monkeypatch.chdir(deep)
    result = cli("config", "show")
    assert result.exit_code == 0, result.stderr
    assert "…" not in result.stdout
    assert url in result.stdout
    assert f"{deep / '.platformctl.yaml'}:3" in result.stdout
    assert f"{deep / '.platformctl.yaml'}:5" in result.stdout
    assert "PLATFORMCTL_BACKSTAGE_TOKEN" in result.stdout


def _first_paragraph(help_text: str) -> str:
    return " ".join(help_text.split("\f")[0].strip().split("\n\n")[0].split())


@pytest.mark.parametrize("group", ["catalog", "provision", "config"])
def test_group_help_lists_whole_command_descriptions(cli, group):
    """Issue 9 #5: `catalog --help` cut every description at ~45 characters with "..."."""
    import click
    import typer

    from platformctl.cli.app import app

    result = cli(group, "--help")
    assert result.exit_code == 0
    command = typer.main.get_command(app).get_command(click.Context(click.Command("x")), group)
    flat = " ".join(result.stdout.split())
    for name, sub in command.commands.items():
        if sub.hidden:
            continue
        assert _first_paragraph(sub.help or "") in flat, name


def test_a_typo_in_the_repository_config_is_a_warning_naming_file_line_and_the_fix(
    cli, tmp_path, monkeypatch
):
    """Issue 9 #6: `settings: {backstge: {url: x}}` was taken silently."""
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".git").mkdir()
    (repo / ".platformctl.yaml").write_text("settings:\n  backstge: {url: x}\n")
    monkeypatch.chdir(repo)
    result = cli("config", "show")
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines == [
        f"warning: unknown setting 'backstge.url' ({repo / '.platformctl.yaml'}:2:3)",
        "hint: did you mean 'backstage.url'?",
    ]
    assert "backstge.url" in result.stdout  # still shown where it came from


def test_exit_skips_teardown_but_keeps_atexit_output_and_threads(tmp_path):
    """``main`` ends the process without the interpreter's teardown, yet atexit handlers
    still run, buffered output (large, into a pipe) is complete, the exit code is kept, and
    with another thread still alive the normal exit waits for it."""
    marker = tmp_path / "thread-done"
    code = (
        "import atexit, sys, threading, time\n"
        "atexit.register(lambda: sys.stdout.write('atexit ran\\n'))\n"
        "sys.stdout.write('x' * 200000 + '\\n')\n"
        "if sys.argv[1] == 'thread':\n"
        "    def late():\n"
        "        time.sleep(0.3)\n"
        f"        open({str(marker)!r}, 'w').close()\n"
        "    threading.Thread(target=late).start()\n"
        "sys.argv = ['platformctl', 'no-such-command']\n"
        "from platformctl.__main__ import main\n"
        "main()\n"
    )
    for mode in ("plain", "thread"):
        proc = subprocess.run([sys.executable, "-c", code, mode], capture_output=True, text=True)
        assert proc.returncode == 2, proc.stderr
        assert proc.stdout == "x" * 200000 + "\natexit ran\n"
        assert "No such command" in proc.stderr
    assert marker.exists()
