"""Core pieces of `platformctl new`: name validation, answers, required questions."""

from __future__ import annotations

from pathlib import Path

import pytest

from platformctl.core.errors import InputFileError, UsageError
from platformctl.core.scaffold import create


@pytest.mark.parametrize("name", ["a", "payments-api", "svc1", "1svc", "a" * 63])
def test_valid_names(name: str) -> None:
    assert create.validate_name(name) == name


@pytest.mark.parametrize(
    "name",
    [
        "",
        "Payments",
        "-svc",
        "svc-",
        "svc_x",
        "a" * 64,
        "../x",
        "a/b",
        "a\\b",
        ".",
        "..",
        "svc.x",
        "ä",
    ],
)
def test_invalid_names(name: str) -> None:
    with pytest.raises(UsageError):
        create.validate_name(name)


def test_parse_data() -> None:
    assert create.parse_data(["a=1", "b=x=y", "c="]) == {"a": "1", "b": "x=y", "c": ""}
    with pytest.raises(UsageError) as info:
        create.parse_data(["novalue"])
    assert "KEY=VALUE" in (info.value.hint or "")
    with pytest.raises(UsageError):
        create.parse_data(["bad key=1"])


def test_data_file_errors_carry_position(tmp_path: Path) -> None:
    good = tmp_path / "answers.yaml"
    good.write_text("tier: tier-1\nhas_database: true\n")
    assert create.load_data_file(good) == {"tier": "tier-1", "has_database": True}
    bad = tmp_path / "bad.yaml"
    bad.write_text("tier: tier-1\nowner: [unclosed\n")
    with pytest.raises(InputFileError) as info:
        create.load_data_file(bad)
    assert str(bad) in info.value.render()
    assert info.value.position.line is not None
    not_mapping = tmp_path / "list.yaml"
    not_mapping.write_text("- a\n- b\n")
    with pytest.raises(InputFileError):
        create.load_data_file(not_mapping)


def test_missing_answers_honours_defaults_and_when(tmp_path: Path) -> None:
    (tmp_path / "copier.yml").write_text(
        "_subdirectory: template\n"
        "name:\n  type: str\n"
        "owner:\n  type: str\n"
        "short: hello\n"
        "never:\n  type: str\n  when: false\n"
        "has_database:\n  type: bool\n  default: false\n"
        "engine:\n  type: str\n  when: '{{ has_database }}'\n"
        "region:\n  type: str\n  when: '{{ has_database and nope | unknown_filter }}'\n"
        "---\nteam:\n  type: str\n"
    )
    questions, settings = create.read_questions(tmp_path)
    assert settings["subdirectory"] == "template"
    assert questions["short"] == {"default": "hello"}
    # region's `when` cannot be evaluated here (unknown filter): it counts as asked
    assert create.missing_answers(questions, {"name": "x"}) == ["owner", "region", "team"]
    assert create.missing_answers(questions, {"name": "x", "region": "eu"}) == ["owner", "team"]
    missing = create.missing_answers(questions, {"has_database": True})
    # engine is asked when has_database is true
    assert missing == ["name", "owner", "engine", "region", "team"]


def test_read_questions_reports_yaml_errors(tmp_path: Path) -> None:
    (tmp_path / "copier.yml").write_text("name:\n  type: str\n name2: x\n")
    with pytest.raises(InputFileError) as info:
        create.read_questions(tmp_path)
    assert info.value.position.line == 3
    with pytest.raises(UsageError, match="not a copier template"):
        create.read_questions(tmp_path / "nowhere")


@pytest.mark.parametrize(
    ("name", "email", "expected"),
    [
        ("Test User", "t@example.com", "user:default/test-user"),
        ("Jürgen O'Neil", "j@example.com", "user:default/jurgen-o-neil"),
        ("李雷", "li.lei@example.com", "user:default/li-lei"),  # nothing ASCII: the e-mail
        ("***", "", None),
        ("x" * 80, "", "user:default/" + "x" * 63),
    ],
)
def test_user_ref_from_a_git_identity(name: str, email: str, expected: str | None) -> None:
    from platformctl.core.scaffold import identity

    assert identity.user_ref(name, email) == expected


def test_identity_defaults_prefer_config_and_respect_answers_and_template_defaults(
    tmp_path: Path,
) -> None:
    from platformctl.core import config as config_mod
    from platformctl.core.scaffold import identity

    questions = {"owner": {"type": "str"}, "system": {"type": "str", "default": ""}}
    author = ("Jane Doe", "jane@example.com")
    plain = config_mod.load(cwd=tmp_path, env={"HOME": str(tmp_path)})
    found = identity.suggest(questions, {}, config=plain, author=author)
    assert {q: s.value for q, s in found.items()} == {"owner": "user:default/jane-doe"}
    assert found["owner"].source == "your git identity, Jane Doe <jane@example.com>"
    (tmp_path / ".platformctl.yaml").write_text("settings:\n  defaults: {owner: group:default/a}\n")
    configured = config_mod.load(cwd=tmp_path, env={"HOME": str(tmp_path)})
    found = identity.suggest(questions, {}, config=configured, author=author)
    assert found["owner"].value == "group:default/a"
    assert found["owner"].source.startswith("defaults.owner in ")
    assert identity.suggest(questions, {"owner": "group:b"}, config=configured, author=author) == {}
    # a template's own non-empty default is the template author's choice
    own = {"owner": {"type": "str", "default": "team-a"}}
    assert identity.suggest(own, {}, config=configured, author=author) == {}
    assert identity.suggest(questions, {}, config=plain, author=None) == {}


def test_database_step_is_runnable_or_points_at_explain(monkeypatch: pytest.MonkeyPatch) -> None:
    from platformctl.core.provision import claim as claims
    from platformctl.core.scaffold.create import database_step

    step = database_step("orders-db", "mysql")
    assert step == "platformctl provision db orders-db --engine mysql --size small"
    # a claim type the platform does not have: never a command that cannot run
    monkeypatch.setattr(claims, "registry_from_config", lambda config=None: claims.Registry())
    assert database_step("orders-db", "mysql") == "platformctl provision types"
