"""`platformctl new`: listing, answers, validation, destination safety, git, secrets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from platformctl.core.scaffold import registry as registry_mod
from platformctl.core.scaffold import versions

COPIER_YML = """\
_subdirectory: template
name:
  type: str
  help: Service name
  validator: "{% if name | length < 3 %}name must be at least 3 characters{% endif %}"
owner:
  type: str
  default: team-a
  validator: "{% if not owner.startswith('team-') %}owner must start with team-{% endif %}"
has_database:
  type: bool
  default: false
api_token:
  type: str
  secret: true
  default: s3cr3t-default
"""


def make_template(folder: Path, *, extra: str = "", files: dict[str, str] | None = None) -> Path:
    (folder / "template").mkdir(parents=True, exist_ok=True)
    (folder / "copier.yml").write_text(COPIER_YML + extra)
    base = {
        "{{_copier_conf.answers_file}}.jinja": "{{ _copier_answers|to_nice_yaml }}",
        "README.md.jinja": "# {{ name }}\nowned by {{ owner }}\n",
        "token.txt.jinja": "{{ api_token }}\n",
        "src/app.py": "print('hello')\n",
    }
    for rel, text in {**base, **(files or {})}.items():
        path = folder / "template" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder


@pytest.fixture
def golden(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An embedded golden_paths folder with one golden path `demo` (alias `d`) and its history."""
    root = tmp_path / "golden_paths"
    make_template(root / "demo")
    (root / "index.yaml").write_text(
        "golden_paths:\n"
        "  - name: demo\n    title: Demo service\n    version: 1.0.0\n    aliases: [d]\n"
        "    tags: [test]\n    next_steps: ['make test NAME={name}']\n"
    )
    versions.build_history("demo", root / "demo", root, "1.0.0")
    monkeypatch.setattr(registry_mod, "embedded_root", lambda: root)
    return root


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout


def test_list_text_and_json(cli, golden: Path) -> None:
    result = cli("new", "--list")
    assert result.exit_code == 0, result.output
    assert "demo" in result.stdout and "1.0.0" in result.stdout and "d" in result.stdout
    result = cli("new", "--list", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["version"] == 1
    assert data["golden_paths"][0]["name"] == "demo"
    assert data["golden_paths"][0]["aliases"] == ["d"]


def test_no_argument_off_a_terminal_is_a_usage_error(cli, golden: Path, work: Path) -> None:
    result = cli("new")
    assert result.exit_code == 2
    assert "missing GOLDEN_PATH" in result.stderr
    assert "demo (alias d)" in result.stderr


def test_create_with_defaults_commits_and_prints_next_steps(cli, golden: Path, work: Path) -> None:
    result = cli("new", "d", "my-svc", "--defaults")
    assert result.exit_code == 0, result.output
    repo = work / "my-svc"
    assert (repo / "README.md").read_text() == "# my-svc\nowned by team-a\n"
    log = _git("log", "--format=%an <%ae>|%s", cwd=repo).strip()
    assert log == "Test User <test@example.com>|Initial commit from golden path demo 1.0.0"
    assert _git("branch", "--show-current", cwd=repo).strip() == "main"
    assert _git("status", "--porcelain", cwd=repo) == ""
    answers = (repo / ".copier-answers.yml").read_text()
    assert "_src_path: git+platformctl:golden-paths/demo" in answers
    assert "_commit: v1.0.0" in answers
    assert "cd my-svc" in result.stderr
    assert "make test NAME=my-svc" in result.stderr
    assert "platformctl check" in result.stderr
    assert "provision db" not in result.stderr
    # nothing but the repository was left in the working folder
    assert sorted(p.name for p in work.iterdir()) == ["my-svc"]


def test_secret_answers_never_land_in_the_answers_file(cli, golden: Path, work: Path) -> None:
    result = cli(
        "new", "demo", "sec-svc", "--defaults", "--no-git", "--data", "api_token=hunter2-xyz"
    )
    assert result.exit_code == 0, result.output
    repo = work / "sec-svc"
    assert (repo / "token.txt").read_text() == "hunter2-xyz\n"  # the template got it ...
    answers = (repo / ".copier-answers.yml").read_text()
    assert "hunter2" not in answers and "api_token" not in answers  # ... the answers file not
    assert "owner: team-a" in answers


def test_database_answer_adds_the_provision_step(cli, golden: Path, work: Path) -> None:
    result = cli("new", "demo", "db-svc", "--no-git", "--data", "has_database=true")
    assert result.exit_code == 0, result.output
    assert "platformctl provision db db-svc-db" in result.stderr


def test_missing_answers_are_listed_together(cli, golden: Path, work: Path) -> None:
    make_template(
        golden / "demo", extra="team:\n  type: str\nregion:\n  type: str\n  when: false\n"
    )
    versions.build_history("demo", golden / "demo", golden, "1.0.0")
    result = cli("new", "demo", "--no-input")
    assert result.exit_code == 2
    assert "missing required answers: name, team" in result.stderr
    assert "--data team=VALUE" in result.stderr and "NAME" in result.stderr
    assert "region" not in result.stderr
    assert list(work.iterdir()) == []


def test_validator_errors_name_the_question(cli, golden: Path, work: Path) -> None:
    result = cli("new", "demo", "ok-svc", "--no-git", "--data", "owner=someone")
    assert result.exit_code == 2
    assert "invalid answer for owner: owner must start with team-" in result.stderr
    assert list(work.iterdir()) == []
    result = cli("new", "demo", "ab", "--no-git", "--defaults")
    assert result.exit_code == 2
    assert "name must be at least 3 characters" in result.stderr


@pytest.mark.parametrize("name", ["Bad", "../escape", "a/b", "x" * 64, "x-", "a.b"])
def test_invalid_names_touch_nothing(cli, golden: Path, work: Path, name: str) -> None:
    result = cli("new", "demo", name, "--defaults", "--no-git")
    assert result.exit_code == 2
    assert "invalid name" in result.stderr
    assert list(work.iterdir()) == []
    assert list(work.parent.glob("*.platformctl-new")) == []


def test_data_file_and_its_errors(cli, golden: Path, work: Path) -> None:
    answers = work.parent / "answers.yaml"
    answers.write_text("owner: team-b\nhas_database: true\n")
    result = cli(
        "new", "demo", "file-svc", "--no-git", "--data-file", str(answers), "--data", "owner=team-c"
    )
    assert result.exit_code == 0, result.output
    assert "owned by team-c" in (work / "file-svc" / "README.md").read_text()
    bad = work.parent / "bad.yaml"
    bad.write_text("owner: team-b\nowner: team-c\n")
    result = cli("new", "demo", "bad-svc", "--no-git", "--data-file", str(bad))
    assert result.exit_code == 2
    assert f"{bad}:2:1" in result.stderr
    assert not (work / "bad-svc").exists()


def test_non_empty_destination_needs_force(cli, golden: Path, work: Path) -> None:
    dest = work / "taken"
    dest.mkdir()
    (dest / "notes.txt").write_text("mine\n")
    (dest / "README.md").write_text("old readme\n")
    result = cli("new", "demo", "taken", "--defaults", "--no-git")
    assert result.exit_code == 2
    assert "is not empty" in result.stderr and "--force" in result.stderr
    assert (dest / "README.md").read_text() == "old readme\n"
    result = cli("new", "demo", "taken", "--defaults", "--no-git", "--force")
    assert result.exit_code == 0, result.output
    assert (dest / "notes.txt").read_text() == "mine\n"
    assert (dest / "README.md").read_text().startswith("# taken")
    # an empty destination folder is fine without --force
    (work / "empty").mkdir()
    assert cli("new", "demo", "empty", "--defaults", "--no-git").exit_code == 0
    assert (work / "empty" / "README.md").is_file()


def test_dest_option(cli, golden: Path, work: Path) -> None:
    result = cli("new", "demo", "elsewhere", "--defaults", "--no-git", "--dest", "deep/er/place")
    assert result.exit_code == 0, result.output
    assert (work / "deep" / "er" / "place" / "README.md").read_text().startswith("# elsewhere")


def test_missing_git_identity_names_author_flag(cli, golden: Path, work: Path, monkeypatch) -> None:
    empty = work.parent / "empty.gitconfig"
    empty.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("HOME", str(work.parent))
    for var in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL"):
        monkeypatch.delenv(var, raising=False)
    result = cli("new", "demo", "anon-svc", "--defaults")
    assert result.exit_code == 2
    assert "--author" in result.stderr
    assert not (work / "anon-svc").exists()
    result = cli("new", "demo", "anon-svc", "--defaults", "--author", "Jane Doe <jane@example.com>")
    assert result.exit_code == 0, result.output
    assert (
        _git("log", "--format=%an <%ae>", cwd=work / "anon-svc").strip()
        == "Jane Doe <jane@example.com>"
    )


def test_remote_pushes_main_to_a_bare_repository(cli, golden: Path, work: Path) -> None:
    bare = work.parent / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    result = cli("new", "demo", "pushed-svc", "--defaults", "--remote", str(bare))
    assert result.exit_code == 0, result.output
    assert "pushed to" in result.stderr
    local_head = _git("rev-parse", "HEAD", cwd=work / "pushed-svc").strip()
    assert _git("rev-parse", "main", cwd=bare).strip() == local_head
    assert _git("remote", "get-url", "origin", cwd=work / "pushed-svc").strip() == str(bare)


def test_failed_push_leaves_nothing_behind(cli, golden: Path, work: Path) -> None:
    result = cli(
        "new", "demo", "lost-svc", "--defaults", "--remote", str(work.parent / "missing.git")
    )
    assert result.exit_code == 3
    assert "push" in result.stderr
    assert list(work.iterdir()) == []


def test_render_failure_leaves_nothing_behind(cli, golden: Path, work: Path) -> None:
    make_template(golden / "demo", files={"broken.txt.jinja": "{{ name | no_such_filter }}"})
    result = cli("new", "demo", "broken-svc", "--defaults", "--no-git")
    assert result.exit_code != 0
    assert list(work.iterdir()) == []


def _platform(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, template_extra: str = "") -> Path:
    platform = tmp_path / "platform"
    make_template(platform / "gp" / "task-svc", extra=template_extra)
    (platform / "gp" / "index.yaml").write_text(
        "golden_paths:\n  - name: task-svc\n    version: '1'\n"
    )
    (platform / "platform.yaml").write_text("metadata:\n  name: acme\ngolden_paths: ./gp\n")
    monkeypatch.setenv("PLATFORMCTL_PLATFORM", str(platform))
    return platform


def test_tasks_from_a_non_bundled_source_need_trust(
    cli, golden: Path, work: Path, tmp_path, monkeypatch
) -> None:
    _platform(tmp_path, monkeypatch, "_tasks:\n  - touch task-ran\n")
    result = cli("new", "task-svc", "t-svc", "--defaults", "--no-git")
    assert result.exit_code == 2
    assert "--trust" in result.stderr
    assert list(work.iterdir()) == []
    result = cli("new", "task-svc", "t-svc", "--defaults", "--no-git", "--trust")
    assert result.exit_code == 0, result.output
    assert (work / "t-svc" / "task-ran").is_file()
    # the platform's golden path shows in the list next to the embedded one
    listing = cli("new", "--list").stdout
    assert "task-svc" in listing and "acme" in listing and "demo" in listing


def test_unversioned_golden_path_warns(cli, golden: Path, work: Path) -> None:
    (golden / "demo" / "template" / "extra.txt").write_text("not in the history yet\n")
    result = cli("new", "demo", "dev-svc", "--defaults", "--no-git")
    assert result.exit_code == 0, result.output
    assert "not in its release history" in result.stderr
    assert (work / "dev-svc" / "extra.txt").is_file()


def test_help_does_not_import_copier() -> None:
    code = (
        "import sys\n"
        "from platformctl.__main__ import run\n"
        "rc = run(['new', '--help'])\n"
        "mods = ('copier', 'git', 'questionary', 'jinja2', 'plumbum')\n"
        "heavy = [m for m in mods if m in sys.modules]\n"
        "print(rc, heavy)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={**os.environ}
    ).stdout
    assert out.strip().splitlines()[-1] == "0 []"
    assert "--data" in out and "--defaults" in out


def test_terminal_picks_the_golden_path_and_asks_the_name(
    cli, golden: Path, work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from platformctl.cli import app as app_mod
    from platformctl.cli import prompts

    asked: list[str] = []

    def select(message: str, choices: list[tuple[str, str]]) -> str:
        asked.append(message)
        assert choices == [("demo", "demo - Demo service")]
        return "demo"

    def text(message: str, *, validate=None) -> str:
        asked.append(message)
        assert validate("Bad Name") is not None and validate("picked-svc") is None
        return "picked-svc"

    monkeypatch.setattr(app_mod.AppContext, "interactive", property(lambda self: True))
    monkeypatch.setattr(prompts, "select", select)
    monkeypatch.setattr(prompts, "text", text)
    result = cli("new", "--defaults", "--no-git")
    assert result.exit_code == 0, result.output
    assert asked == ["Which golden path?", "Repository name:"]
    assert (work / "picked-svc" / "README.md").is_file()


def test_unwritable_parent_is_a_clear_error(
    cli, golden: Path, work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from platformctl.core.scaffold import create

    def refuse(*args: object, **kwargs: object) -> str:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(create.tempfile, "mkdtemp", refuse)
    result = cli("new", "demo", "x-svc", "--defaults", "--no-git")
    assert result.exit_code == 2
    assert "cannot create" in result.stderr and "Permission denied" in result.stderr


def test_register_without_backstage_url_fails_before_writing(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("new", "python-service", "regsvc", "--defaults", "--no-git", "--register")
    assert result.exit_code == 2, result.output
    assert "PLATFORMCTL_BACKSTAGE_URL" in result.stderr
    assert not (tmp_path / "regsvc").exists()


def test_answer_of_the_wrong_type_is_a_usage_error(cli, tmp_path, monkeypatch):
    """copier's own cast error names no question; we check --data types first (exit 2)."""
    monkeypatch.chdir(tmp_path)
    result = cli(
        "new",
        "python-service",
        "typed",
        "--no-input",
        "--defaults",
        "--no-git",
        "--data",
        "port=abc",
        "--data",
        "has_database=maybe",
    )
    assert result.exit_code == 2, result.output
    assert "port must be an integer (got 'abc')" in result.stderr
    assert "has_database must be true or false (got 'maybe')" in result.stderr
    assert "internal error" not in result.stderr
    assert not (tmp_path / "typed").exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("owner: {team: a}\n", "owner must be a single value, not a mapping"),
        ("owner: [a, b]\n", "owner must be a single value, not a list"),
        ("has_database: maybe\n", "has_database must be true or false (got 'maybe')"),
        ("has_database: 7\n", "has_database must be true or false (got 7)"),
    ],
)
def test_data_file_values_of_the_wrong_shape_are_usage_errors(
    cli, golden: Path, work: Path, content: str, expected: str
) -> None:
    """Structured YAML values used to reach copier's cast and crash (exit 4)."""
    answers = work.parent / "answers.yaml"
    answers.write_text(content)
    result = cli("new", "demo", "shape-svc", "--no-git", "--data-file", str(answers))
    assert result.exit_code == 2, result.output
    assert expected in result.stderr
    assert "internal error" not in result.stderr and "Creating" not in result.stderr
    assert list(work.iterdir()) == []


def test_integer_answers_are_not_silently_truncated(cli, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    answers = tmp_path / "answers.yaml"
    for value, shown in (("9000.5", "9000.5"), ("true", "True")):
        answers.write_text(f"port: {value}\n")
        result = cli(
            "new", "python-service", "typed", "--defaults", "--no-git", "--data-file", str(answers)
        )
        assert result.exit_code == 2, result.output
        assert f"port must be an integer (got {shown})" in result.stderr
    answers.write_text("port: 9000\n")
    result = cli(
        "new", "python-service", "typed", "--defaults", "--no-git", "--data-file", str(answers)
    )
    assert result.exit_code == 0, result.output
    assert "port: 9000" in (tmp_path / "typed" / ".copier-answers.yml").read_text()


def test_unknown_answers_are_refused_with_a_suggestion(cli, golden: Path, work: Path) -> None:
    """A typo (--data ownr=...) used to be a warning: the repository got the default owner."""
    result = cli("new", "demo", "typo-svc", "--no-git", "--data", "ownr=team-b")
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert lines == ["error: demo does not ask ownr", "hint: did you mean owner (not ownr)?"]
    assert list(work.iterdir()) == []
    result = cli("new", "demo", "typo-svc", "--no-git", "--data", "zzz=1")
    assert result.exit_code == 2
    assert "demo does not ask zzz" in result.stderr
    assert "asks: name, owner, has_database, api_token" in result.stderr


def test_computed_values_cannot_be_answered(cli, golden: Path, work: Path) -> None:
    make_template(golden / "demo", extra="slug:\n  type: str\n  default: x\n  when: false\n")
    versions.build_history("demo", golden / "demo", golden, "1.0.1")
    result = cli("new", "demo", "calc-svc", "--no-git", "--data", "slug=y")
    assert result.exit_code == 2, result.output
    assert "does not ask slug" in result.stderr and "slug" not in result.stderr.split("hint:")[1]


def test_an_answers_file_works_as_a_data_file(cli, golden: Path, work: Path) -> None:
    """copier's bookkeeping keys (_commit, _src_path) in a reused answers file are skipped."""
    assert cli("new", "demo", "first-svc", "--no-git", "--data", "owner=team-x").exit_code == 0
    answers = work / "first-svc" / ".copier-answers.yml"
    result = cli("new", "demo", "--no-git", "--data-file", str(answers), "--dest", "copy")
    assert result.exit_code == 0, result.output
    assert "owned by team-x" in (work / "copy" / "README.md").read_text()


def test_refused_requests_show_no_progress_line(cli, golden: Path, work: Path) -> None:
    (work / "taken").mkdir()
    (work / "taken" / "file").write_text("x")
    result = cli("new", "demo", "taken", "--defaults", "--no-git")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: destination")
    result = cli("new", "demo", "ok-svc", "--defaults", "--no-git")
    assert result.exit_code == 0
    assert result.stderr.startswith("Creating from golden path demo 1.0.0")


def test_failed_push_says_why_in_one_line(cli, golden: Path, work: Path) -> None:
    missing = work.parent / "missing.git"
    result = cli("new", "demo", "lost-svc", "--defaults", "--remote", str(missing))
    assert result.exit_code == 3
    error = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert error == [
        f"error: cannot push to {missing}: '{missing}' does not appear to be a git repository"
    ]
    assert "hint: check the URL" in result.stderr
    assert "stderr:" not in result.stderr
    assert list(work.iterdir()) == []


def test_relative_remote_path_is_relative_to_the_current_folder(
    cli, golden: Path, work: Path
) -> None:
    subprocess.run(["git", "init", "-q", "--bare", str(work / "remote.git")], check=True)
    result = cli("new", "demo", "rel-svc", "--defaults", "--remote", "remote.git")
    assert result.exit_code == 0, result.output
    head = _git("rev-parse", "HEAD", cwd=work / "rel-svc").strip()
    assert _git("rev-parse", "main", cwd=work / "remote.git").strip() == head


def test_database_step_names_the_chosen_engine(cli, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli(
        "new", "python-service", "db-svc", "--defaults", "--no-git",
        "--data", "has_database=true", "--data", "database_engine=mysql",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "platformctl provision db db-svc-db --engine mysql" in result.stderr


def test_new_off_a_terminal_does_not_import_rich(tmp_path: Path) -> None:
    """Plain progress lines off a terminal: importing Rich there was ~5% of a whole `new`."""
    script = (
        "import sys\n"
        "from platformctl.__main__ import run\n"
        "code = run(['new', 'python-service', 'fast', '--defaults', '--no-git'])\n"
        "print(code, 'rich' in sys.modules, 'git' in sys.modules)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )
    assert proc.stdout.split() == ["0", "False", "False"], proc.stderr
    assert "Next steps:" in proc.stderr


@pytest.mark.parametrize(
    ("content", "expected"),
    [("name: [a]\n", "it must be text"), ("name: Bad\n", "invalid name 'Bad'")],
)
def test_name_from_a_data_file_is_validated(
    cli, golden: Path, work: Path, content: str, expected: str
) -> None:
    """A non-text name in --data-file was reported as a *missing* name."""
    answers = work.parent / "answers.yaml"
    answers.write_text(content)
    result = cli("new", "demo", "--no-git", "--defaults", "--data-file", str(answers))
    assert result.exit_code == 2, result.output
    assert expected in result.stderr and "missing" not in result.stderr
    assert list(work.iterdir()) == []


def _with_piece(root: Path) -> None:
    """Make golden path `demo` include a shared piece `box` (golden_paths/_shared/box)."""
    config = root / "demo" / "copier.yml"
    config.write_text(
        config.read_text().replace(
            "_subdirectory: template\n", "_subdirectory: template\n_platformctl_shared: [box]\n"
        )
    )
    piece = root / "_shared" / "box"
    (piece / "template" / "deploy").mkdir(parents=True)
    (piece / "include").mkdir()
    (piece / "piece.yml").write_text("requires: [name, owner]\n")
    (piece / "copier.yml").write_text("box_size:\n  type: int\n  default: 3\n")
    (piece / "include" / "owner.jinja").write_text("box of {{ owner }}")
    (piece / "template" / "deploy" / "box.yaml.jinja").write_text(
        "name: {{ name }}\nsize: {{ box_size }}\n"
        "owner: {% include '_shared/box/include/owner.jinja' %}\n"
    )


def test_new_renders_the_shared_pieces_from_history_and_from_the_folder(
    cli, golden: Path, work: Path
) -> None:
    _with_piece(golden)
    # The folder changed (it includes a piece now) and the history was not rebuilt: rendered
    # from the composed folder, with the warning that it will not be updatable.
    result = cli("new", "demo", "from-folder", "--defaults", "--no-git", "--data", "box_size=5")
    assert result.exit_code == 0, result.output
    assert "not in its release history" in result.stderr
    box = work / "from-folder" / "deploy" / "box.yaml"
    assert box.read_text() == "name: from-folder\nsize: 5\nowner: box of team-a\n"
    assert not (work / "from-folder" / "_shared").exists()
    # The piece's questions are validated like the template's own, before anything is written.
    result = cli("new", "demo", "bad-size", "--defaults", "--no-git", "--data", "box_size=big")
    assert result.exit_code == 2
    assert "box_size must be an integer" in result.stderr
    assert not (work / "bad-size").exists()

    versions.build_history("demo", golden / "demo", golden, "1.1.0")
    result = cli("new", "demo", "from-history", "--defaults", "--no-git")
    assert result.exit_code == 0, result.output
    assert "release history" not in result.stderr
    assert (
        (work / "from-history" / "deploy" / "box.yaml")
        .read_text()
        .startswith("name: from-history\nsize: 3\n")
    )
    assert "_commit: v1.1.0" in (work / "from-history" / ".copier-answers.yml").read_text()
