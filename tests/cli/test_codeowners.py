"""CODEOWNERS of every shipped golden path names the owner GitHub knows.

A person (``user:default/NAME``, what ``platformctl new ... --defaults`` gives from your
identity) is the GitHub user ``@NAME``; a group (or a bare name, which Backstage reads as a
group) is the team ``@<github_org>/NAME``.  ``@<github_org>/NAME`` for a person names a team
that does not exist, and GitHub reports the CODEOWNERS file as broken.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
import yaml

from platformctl.core import resources

GOLDEN_PATHS = (
    "python-service",
    "go-service",
    "scheduled-job",
    "event-consumer",
    "data-pipeline",
)


def _default_rule(path: Path) -> str:
    rules = [
        line
        for line in path.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert len(rules) == 1, rules
    return rules[0]


@pytest.mark.parametrize("name", GOLDEN_PATHS)
@pytest.mark.parametrize(
    ("owner", "expected"),
    [("user:default/jane-doe", "* @jane-doe"), ("group:default/payments", "* @Acme-Corp/payments")],
    ids=["user", "group"],
)
def test_new_writes_the_owner_github_knows(
    cli, tmp_path: Path, monkeypatch, name: str, owner: str, expected: str
) -> None:
    monkeypatch.chdir(tmp_path)
    data = ["--data", f"owner={owner}", "--data", "github_org=Acme-Corp"]
    result = cli("new", name, "svc", "--defaults", "--no-git", *data)
    assert result.exit_code == 0, result.output
    assert _default_rule(tmp_path / "svc" / "CODEOWNERS") == expected
    # a computed value: never stored, so an update recomputes it from the owner
    answers = yaml.safe_load((tmp_path / "svc" / ".copier-answers.yml").read_text())
    assert answers["owner"] == owner and "codeowner" not in answers


def test_quick_start_owner_is_the_github_user(cli, tmp_path: Path, monkeypatch) -> None:
    """The README quick start: the owner comes from --author, a person."""
    monkeypatch.chdir(tmp_path)
    result = cli(
        "new", "service", "demo", "--defaults", "--no-git", "--author", "Demo <demo@example.com>"
    )
    assert result.exit_code == 0, result.output
    answers = yaml.safe_load((tmp_path / "demo" / ".copier-answers.yml").read_text())
    assert answers["owner"] == "user:default/demo"
    assert _default_rule(tmp_path / "demo" / "CODEOWNERS") == "* @demo"


@pytest.mark.parametrize("name", GOLDEN_PATHS)
@pytest.mark.parametrize(
    ("owner", "expected"),
    [
        ("user:default/jane-doe", "@jane-doe"),
        ("user:jane-doe", "@jane-doe"),
        ("group:default/payments", "@acme/payments"),
        ("group:payments", "@acme/payments"),
        ("default/payments", "@acme/payments"),  # no kind: Backstage reads a group
        ("payments", "@acme/payments"),
    ],
)
def test_codeowner_for_every_form_of_owner(name: str, owner: str, expected: str) -> None:
    """Every owner the question's validator accepts (fast: the copier.yml expressions only)."""
    config = yaml.safe_load((resources.golden_paths_dir() / name / "copier.yml").read_text())
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    context = {"owner": owner, "github_org": "acme"}
    context["owner_team"] = env.from_string(config["owner_team"]["default"]).render(context)
    assert config["codeowner"]["when"] is False
    assert env.from_string(config["codeowner"]["default"]).render(context) == expected
