"""Golden path -> Backstage Template: parameters, conditions, validators, steps, agreement with
`platformctl new --list` and with copier's own validators."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator

from platformctl.core import config as config_mod
from platformctl.core.scaffold import export
from platformctl.core.scaffold.create import read_questions
from platformctl.core.scaffold.registry import load_registry

ROOT = Path(__file__).resolve().parents[2]
PLATFORM = ROOT / "tests" / "data" / "export-platform"


@pytest.fixture
def demo_registry(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PLATFORMCTL_PLATFORM", str(PLATFORM))
    return load_registry(config_mod.load())


def pages(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {page["title"]: page for page in template["spec"]["parameters"]}


def all_properties(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every field of every page, including those inside dependency branches."""
    found: dict[str, dict[str, Any]] = {}
    for page in template["spec"]["parameters"]:
        found.update(page["properties"])
        for dep in page.get("dependencies", {}).values():
            for branch in dep["oneOf"]:
                for key, value in branch["properties"].items():
                    found.setdefault(key, value)
    return found


def form_errors(template: dict[str, Any], data: dict[str, Any]) -> list[str]:
    errors = []
    for page in template["spec"]["parameters"]:
        schema = {"type": "object", **page}
        errors += [e.message for e in Draft7Validator(schema).iter_errors(data)]
    return errors


# --- python-service -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def python_service() -> export.BackstageExport:
    return export.export_backstage(load_registry(), "python-service")


def test_every_asked_question_is_a_field_and_computed_ones_are_not(python_service) -> None:
    questions, _ = read_questions(load_registry().resolve("python-service").folder)
    props = all_properties(python_service.template)
    asked = [q for q, d in questions.items() if d.get("when") is not False]
    assert sorted(props) == sorted(asked)
    for computed in ("package_name", "owner_team", "image", "python_image"):
        assert computed not in props
    answers = python_service.template["spec"]["steps"][0]["input"]["answers"]
    assert sorted(answers) == sorted(q for q in asked if q != "name")
    assert answers["has_database"] == "${{ parameters.has_database }}"


def test_types_defaults_enums_and_pickers(python_service) -> None:
    p = pages(python_service.template)
    basics = p["Basics"]["properties"]
    # owner has no default (nobody else's team may own a service): the form asks for it
    assert p["Basics"]["required"] == ["name", "owner"]
    assert basics["lifecycle"]["enum"] == ["experimental", "production", "deprecated"]
    assert basics["lifecycle"]["default"] == "production"
    # owner's default is a full reference: the picker must answer one (no defaultKind).
    assert basics["owner"]["ui:field"] == "OwnerPicker"
    assert "defaultKind" not in basics["owner"]["ui:options"]
    # system's default is a plain name, which is what the golden path's validator accepts.
    assert basics["system"]["ui:field"] == "EntityPicker"
    assert basics["system"]["ui:options"]["defaultKind"] == "System"
    options = p["Options"]["properties"]
    assert options["port"] | {} == {
        **options["port"],
        "type": "integer",
        "default": 8080,
        "minimum": 1024,
        "maximum": 65535,
    }
    assert options["has_database"]["type"] == "boolean"
    assert options["python_version"]["enum"] == ["3.11", "3.12"]
    assert p["Repository"]["properties"]["github_org"]["maxLength"] == 39


def test_when_becomes_a_dependency_on_the_controlling_page(python_service) -> None:
    options = pages(python_service.template)["Options"]
    assert "database_engine" not in options["properties"]
    branches = options["dependencies"]["has_database"]["oneOf"]
    by_value = {tuple(b["properties"]["has_database"]["enum"]): b["properties"] for b in branches}
    assert set(by_value[(True,)]) == {"has_database", "database_engine"}
    assert set(by_value[(False,)]) == {"has_database"}


def test_steps_render_publish_register(python_service) -> None:
    steps = python_service.template["spec"]["steps"]
    assert [s["action"] for s in steps] == ["platformctl:new", "publish:github", "catalog:register"]
    assert steps[1]["input"]["repoUrl"] == (
        "github.com?owner=${{ parameters.github_org }}&repo=${{ parameters.name }}"
    )
    assert steps[2]["input"]["repoContentsUrl"] == "${{ steps['publish'].output.repoContentsUrl }}"


def _copier_says_ok(question: str, validator: str, answers: dict[str, Any]) -> bool:
    """Render a validator the way copier does (same Jinja extensions); empty means valid."""
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"])
    return env.from_string(validator).render(**answers).strip() == ""


@pytest.mark.parametrize(
    ("question", "values"),
    [
        (
            "name",
            [
                "payments-api",
                "a",
                "Payments",
                "9lives",
                "trailing-",
                "class",
                "yes",
                "x" * 63,
                "x" * 64,
                "under_score",
                "ok-2",
            ],
        ),
        ("owner", ["group:default/team-a", "team-a", "default/team-a", "user:bob", "Group:x", ""]),
        ("system", ["platform", "Platform", "a" * 64, "pay-ments", "-x", ""]),
        ("github_org", ["example-org", "Example", "-bad", "a" * 40, "a" * 39, "with space"]),
        ("port", [8080, 1023, 1024, 65535, 65536]),
    ],
)
def test_form_and_copier_validators_agree(python_service, question: str, values: list) -> None:
    """Where the validator is fully expressed, the form accepts exactly what copier accepts."""
    questions, _ = read_questions(load_registry().resolve("python-service").folder)
    validator = questions[question]["validator"]
    schema = all_properties(python_service.template)[question]
    for value in values:
        form_ok = not list(Draft7Validator(schema).iter_errors(value))
        assert form_ok == _copier_says_ok(question, validator, {question: value}), value


def test_partly_expressed_validator_is_noted_and_the_expressed_part_holds(python_service) -> None:
    schema = all_properties(python_service.template)["description"]
    assert not list(Draft7Validator(schema).iter_errors("one line, long enough to pass"))
    assert list(Draft7Validator(schema).iter_errors("two\nlines that are long enough"))
    assert any(
        n.startswith("description: its validator is only partly") for n in python_service.notes
    )


def test_default_answers_pass_the_form(python_service) -> None:
    data = {"name": "payments-api", "owner": "group:default/payments",
            "has_database": True, "database_engine": "mysql"}  # fmt: skip
    assert form_errors(python_service.template, data) == []
    assert form_errors(python_service.template, {k: v for k, v in data.items() if k != "owner"})
    assert form_errors(python_service.template, {**data, "database_engine": "oracle"})
    assert form_errors(python_service.template, {"name": "Bad_Name"})


# --- validators and conditions in isolation ------------------------------------------------------


@pytest.mark.parametrize(
    ("validator", "kind", "expected", "complete"),
    [
        ("{% if not (q | regex_search('^a+$')) %}x{% endif %}", "str", {"pattern": "^a+$"}, True),
        ("{% if q | regex_search('--') %}x{% endif %}", "str", {"not": {"pattern": "--"}}, True),
        (
            "{% if q | length > 5 or q | length < 2 %}x{% endif %}",
            "str",
            {"maxLength": 5, "minLength": 2},
            True,
        ),
        (
            "{% if q >= 10 %}x{% elif q <= 0 %}y{% endif %}",
            "int",
            {"exclusiveMaximum": 10, "exclusiveMinimum": 0},
            True,
        ),
        ("{% if q in ['a', 'b'] %}x{% endif %}", "str", {"not": {"enum": ["a", "b"]}}, True),
        ("{% if '/' in q %}x{% endif %}", "str", {"not": {"pattern": "\\/"}}, True),
        ("{% if q | trim | length < 3 %}x{% endif %}", "str", {}, False),
        # Python-only regex syntax is not carried over.
        ("{% if not (q | regex_search('^(?P<x>a)$')) %}x{% endif %}", "str", {}, False),
        ("{% if not q.startswith('t') %}x{% endif %}", "str", {}, False),
        ("{% if q %}", "str", {}, False),
        ("", "str", {}, True),
    ],
)
def test_validator_schema(validator: str, kind: str, expected: dict, complete: bool) -> None:
    assert export.validator_schema("q", kind, validator) == (expected, complete)


QUESTIONS = {
    "flag": {"type": "bool"},
    "engine": {"type": "str", "choices": ["pg", "mysql", "sqlite"]},
    "free": {"type": "str"},
}


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("{{ flag }}", export.Condition("flag", (True,))),
        ("{{ not flag }}", export.Condition("flag", (False,))),
        ("{{ engine == 'pg' }}", export.Condition("engine", ("pg",))),
        ("{{ engine != 'pg' }}", export.Condition("engine", ("mysql", "sqlite"))),
        ("{{ engine in ['pg', 'sqlite'] }}", export.Condition("engine", ("pg", "sqlite"))),
        ("{{ engine not in ['pg'] }}", export.Condition("engine", ("mysql", "sqlite"))),
        (True, True),
        ("yes", True),
        ("{{ free }}", None),  # truthiness of free text: no closed set of values
        ("{{ flag and engine == 'pg' }}", None),
        ("{{ unknown }}", None),
    ],
)
def test_parse_when(when: Any, expected: Any) -> None:
    assert export.parse_when(when, QUESTIONS) == expected


# --- a template that is not python-service -------------------------------------------------------


def test_demo_worker_export(demo_registry) -> None:
    result = export.export_backstage(demo_registry, "demo-worker")
    template = result.template
    props = all_properties(template)
    p = pages(template)
    # No name question: NAME is asked anyway (platformctl new needs it), on the first page.
    assert p["Basics"]["required"] == ["name"]
    assert props["name"]["pattern"] == "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
    # No github_org: the repository is picked.
    assert p["Repository"]["properties"]["repoUrl"]["ui:field"] == "RepoUrlPicker"
    assert template["spec"]["steps"][1]["input"]["repoUrl"] == "${{ parameters.repoUrl }}"
    # Mapping choices keep their labels.
    assert props["queue"]["oneOf"][0] == {"const": "sqs", "title": "Amazon SQS"}
    # Secrets are a Secret field without a default, passed from ${{ secrets }}.
    assert props["api_token"]["ui:field"] == "Secret" and "default" not in props["api_token"]
    answers = template["spec"]["steps"][0]["input"]["answers"]
    assert answers["api_token"] == "${{ secrets.api_token }}"
    # Conditions on a choice and on a negated bool.
    queue = p["Options"]["dependencies"]["queue"]["oneOf"]
    kafka = next(b for b in queue if b["properties"]["queue"]["enum"] == ["kafka"])
    assert kafka["properties"]["partitions"]["maximum"] == 64
    dry = p["Options"]["dependencies"]["dry_run"]["oneOf"]
    off = next(b for b in dry if b["properties"]["dry_run"]["enum"] == [False])
    assert "batch_size" in off["properties"]
    # A computed default is left to copier; an invalid tag is left out; both are said.
    assert "default" not in props["worker_id"]
    assert template["metadata"]["tags"] == ["worker"]
    assert any("worker_id: its default is computed" in n for n in result.notes)
    assert any("Not_A_Tag" in n for n in result.notes)
    # The owner default is a plain name: the picker answers plain names.
    assert props["owner"]["ui:options"]["defaultKind"] == "Group"


def test_unexpressible_when_is_asked_always_with_a_note(tmp_path: Path) -> None:
    from platformctl.core.scaffold.registry import GoldenPath

    questions = {
        "a": {"type": "str", "default": "x"},
        "b": {"type": "str", "default": "y", "when": "{{ a | length > 3 }}"},
    }
    path = GoldenPath(name="t", title="T", description="d", version=None, folder=tmp_path)
    result = export.build_template(path, questions)
    assert "b" in pages(result.template)["Options"]["properties"]
    assert any(n.startswith("b: its `when`") for n in result.notes)


def _agree_with_list(cli, registry) -> None:
    listed = cli("new", "--list", "--format", "json")
    assert listed.exit_code == 0, listed.output
    entries = {e["name"]: e for e in json.loads(listed.stdout)["golden_paths"]}
    assert sorted(entries) == registry.names()
    for name in registry.names():
        meta = export.export_backstage(registry, name).template["metadata"]
        assert (meta["name"], meta["title"], meta.get("description", "")) == (
            entries[name]["name"],
            entries[name]["title"],
            entries[name]["description"],
        ), name


def test_list_and_export_agree_on_names_titles_descriptions(cli) -> None:
    _agree_with_list(cli, load_registry())


def test_list_and_export_agree_for_a_platform_golden_path(cli, demo_registry) -> None:
    _agree_with_list(cli, demo_registry)


def test_every_shipped_golden_path_exports_and_validates(tmp_path: Path) -> None:
    """Generic over golden_paths/index.yaml: whatever is shipped exports to a valid Template."""
    from platformctl.core.catalog.validate import validate_paths

    registry = load_registry()
    assert registry.names()
    for name in registry.names():
        written = export.write_export(export.export_backstage(registry, name), tmp_path / name)
        assert [p.name for p in written] == ["template.yaml", "platformctl-new-action.js"]
        doc = yaml.safe_load(written[0].read_text())
        assert doc["kind"] == "Template" and doc["metadata"]["name"] == name
        result = validate_paths([written[0]], base=tmp_path)
        errors = [f for f in result.report.findings if f.severity == "error"]
        assert errors == [], errors


def test_bad_options_and_overwrites(tmp_path: Path) -> None:
    from platformctl.core.errors import UsageError

    registry = load_registry()
    with pytest.raises(UsageError, match="--owner"):
        export.export_backstage(registry, "python-service", owner="not a ref")
    with pytest.raises(UsageError, match="--type"):
        export.export_backstage(registry, "python-service", template_type="Service Type")
    with pytest.raises(UsageError, match="unknown golden path"):
        export.export_backstage(registry, "nope")
    result = export.export_backstage(registry, "python-service")
    export.write_export(result, tmp_path)
    with pytest.raises(UsageError, match="exists"):
        export.write_export(result, tmp_path)
    export.write_export(result, tmp_path, force=True)


def test_multiselect_choices_are_a_list_of_checkboxes(tmp_path: Path) -> None:
    from platformctl.core.scaffold.registry import GoldenPath

    questions = {
        "features": {
            "type": "str",
            "multiselect": True,
            "choices": ["metrics", "tracing"],
            "default": ["metrics"],
        }
    }
    path = GoldenPath(name="t", title="T", description="d", version=None, folder=tmp_path)
    field = pages(export.build_template(path, questions).template)["Options"]["properties"][
        "features"
    ]
    assert field["type"] == "array" and field["ui:widget"] == "checkboxes"
    assert field["items"] == {"type": "string", "enum": ["metrics", "tracing"]}
    validator = Draft7Validator(field)
    assert validator.is_valid(["metrics", "tracing"])
    assert not validator.is_valid(["logging"]) and not validator.is_valid("metrics")


def test_export_to_one_golden_path_or_all(tmp_path: Path) -> None:
    from platformctl.core.errors import UsageError

    registry = load_registry()
    one = export.export_to(registry, "python-service", tmp_path / "one")
    assert [e.golden_path for e in one.exports] == ["python-service"]
    assert sorted(p.name for p in one.written) == [export.ACTION_FILE, export.TEMPLATE_FILE]
    assert all(p.is_file() for p in one.written)
    with pytest.raises(UsageError, match="exists"):
        export.export_to(registry, "python-service", tmp_path / "one")
    assert export.export_to(registry, "python-service", tmp_path / "one", force=True).written
    every = export.export_to(registry, None, tmp_path / "all", owner="group:default/x")
    names = {e.golden_path for e in every.exports}
    assert "python-service" in names and len(names) > 1
    assert tmp_path / "all" / export.LOCATION_FILE in every.written
    for name in names:
        template = yaml.safe_load((tmp_path / "all" / name / export.TEMPLATE_FILE).read_text())
        assert template["spec"]["owner"] == "group:default/x"
