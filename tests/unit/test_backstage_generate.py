"""`catalog init` inference: names, remotes, CODEOWNERS, type, and a valid rendered file."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from platformctl.core.catalog import generate
from platformctl.core.errors import UsageError


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("My Service", "my-service"),
        ("payments_api", "payments_api"),
        ("--weird..name__", "weird.name"),
        ("Ünïcode Repo!", "unicode-repo"),
        ("a" * 80, "a" * 63),
        ("!!!", ""),
    ],
)
def test_sanitize_name(raw, expected):
    assert generate.sanitize_name(raw) == expected
    if expected:
        assert generate.valid_name(expected)


@pytest.mark.parametrize(
    ("url", "host", "path"),
    [
        ("git@github.com:acme/payments-api.git", "github.com", "acme/payments-api"),
        ("https://github.com/acme/payments-api", "github.com", "acme/payments-api"),
        ("https://github.com/acme/payments-api.git/", "github.com", "acme/payments-api"),
        ("ssh://git@github.example.com:2222/acme/web.git", "github.example.com", "acme/web"),
        ("https://gitlab.com/group/sub/proj.git", "gitlab.com", "group/sub/proj"),
    ],
)
def test_parse_remote(url, host, path):
    remote = generate.parse_remote(url)
    assert remote is not None and (remote.host, remote.path) == (host, path)


def test_parse_remote_rejects_local_paths():
    assert generate.parse_remote("/srv/git/repo.git") is None


def test_owner_from_codeowners(tmp_path):
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "CODEOWNERS").write_text(
        "# comment\n/docs/ @acme/docs-team\n*  @acme/Payments-Team @someone\n"
    )
    owner = generate.owner_from_codeowners(tmp_path)
    assert owner is not None and owner.value == "payments-team"
    assert "CODEOWNERS" in owner.reason


def test_owner_user_and_email(tmp_path):
    (tmp_path / "CODEOWNERS").write_text("* @jdoe\n")
    assert generate.owner_from_codeowners(tmp_path).value == "user:jdoe"
    (tmp_path / "CODEOWNERS").write_text("* jane.doe@example.com\n")
    assert generate.owner_from_codeowners(tmp_path).value == "user:jane.doe"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"Dockerfile": "FROM python"}, "service"),
        ({"k8s/deployment.yaml": "kind: Deployment"}, "service"),
        ({"deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\n"}, "service"),
        ({"pyproject.toml": '[project]\nname="x"\ndependencies=["FastAPI>=0.1"]\n'}, "service"),
        ({"requirements.txt": "flask==3.0\n"}, "service"),
        ({"package.json": '{"dependencies": {"express": "^4"}}'}, "service"),
        ({"go.mod": "module x\nrequire github.com/gin-gonic/gin v1.9.0\n"}, "service"),
        ({"package.json": '{"dependencies": {"react": "^18"}}'}, "website"),
        ({"package.json": '{"devDependencies": {"next": "^14"}}'}, "website"),
        ({"index.html": "<html></html>"}, "website"),
        ({"pyproject.toml": '[project]\nname="x"\ndependencies=["requests"]\n'}, "library"),
        ({}, "library"),
    ],
)
def test_infer_type(tmp_path, files, expected):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert generate.infer_type(tmp_path).value == expected


def _repo(tmp_path: Path, remote: str | None) -> Path:
    repo = tmp_path / "My Repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    if remote:
        subprocess.run(["git", "-C", str(repo), "remote", "add", "origin", remote], check=True)
    return repo


def test_plan_from_remote_codeowners_and_mkdocs(tmp_path):
    repo = _repo(tmp_path, "git@github.com:acme/Payments_API.git")
    (repo / "CODEOWNERS").write_text("* @acme/payments\n")
    (repo / "mkdocs.yml").write_text("site_name: x\n")
    (repo / "Dockerfile").write_text("FROM scratch\n")
    p = generate.plan(repo)
    assert p.answers() == {
        "name": "payments_api",
        "owner": "group:default/payments",
        "type": "service",
    }
    assert p.missing == ["lifecycle"]
    assert p.annotations == {
        "github.com/project-slug": "acme/Payments_API",
        "backstage.io/techdocs-ref": "dir:.",
    }


def test_plan_folder_name_and_missing(tmp_path):
    repo = _repo(tmp_path, None)
    p = generate.plan(repo)
    assert p.values["name"].value == "my-repo"
    assert p.missing == ["owner", "lifecycle"]
    assert p.annotations == {}


def test_plan_non_github_remote_has_no_slug(tmp_path):
    repo = _repo(tmp_path, "https://gitlab.com/acme/tool.git")
    p = generate.plan(repo)
    assert "github.com/project-slug" not in p.annotations
    assert p.values["name"].value == "tool"


def test_plan_answers_override_and_are_checked(tmp_path):
    repo = _repo(tmp_path, None)
    p = generate.plan(repo, answers={"owner": "team-x", "lifecycle": "production", "name": "svc"})
    assert p.missing == []
    assert p.values["name"].value == "svc"
    with pytest.raises(UsageError):
        generate.plan(repo, answers={"name": "Not Valid!"})
    with pytest.raises(UsageError):
        generate.plan(repo, answers={"colour": "blue"})


def test_plan_never_overwrites_without_force(tmp_path):
    repo = _repo(tmp_path, None)
    (repo / "catalog-info.yaml").write_text("x: 1\n")
    with pytest.raises(UsageError) as info:
        generate.plan(repo)
    assert "--force" in info.value.hint
    assert generate.plan(repo, force=True)


def test_render_is_valid_for_backstage(tmp_path):
    from platformctl.core.catalog.validate import validate_text

    repo = _repo(tmp_path, "git@github.com:acme/web.git")
    (repo / "mkdocs.yml").write_text("site_name: x\n")
    p = generate.plan(repo, answers={"owner": "user:jdoe", "lifecycle": "experimental"})
    text = generate.render(p)
    result = validate_text(text, "catalog-info.yaml")
    errors = [
        f
        for f in result.report.findings
        if f.severity == "error" and not f.rule.startswith("refs/")
    ]
    assert errors == []
    assert result.entities[0].ref == "component:default/web"
    path = generate.write(p, text)
    assert path.read_text() == text
    with pytest.raises(UsageError):
        generate.write(p, text)
