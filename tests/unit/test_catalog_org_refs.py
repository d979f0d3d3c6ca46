"""Platform rules on written entity references (issue 9, defect 1): owners must be a Group or
User (kinds set by the platform), every written kind, namespace and name must be valid, every
problem of a document is reported, and Backstage's own verdicts stay as they are."""

from __future__ import annotations

from pathlib import Path

import pytest

from platformctl.core.catalog.org import DEFAULT_OWNER_KINDS, reference_problems
from platformctl.core.catalog.validate import validate_text
from platformctl.core.config import Config, PlatformLayer

BROKEN_OWNER = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout
spec:
  type: service
  lifecycle: production
  owner: grup:default/Team X
"""


def _findings(result, prefix: str = "") -> list[tuple[str, str, int | None]]:
    return [
        (f.rule, f.severity, f.line)
        for f in result.report.sorted_findings()
        if f.rule.startswith(prefix)
    ]


def _platform(tmp_path: Path, catalog: dict) -> Config:
    root = tmp_path / "platform"
    root.mkdir()
    return Config(platforms=[PlatformLayer("test", root, {"catalog": catalog})])


def test_broken_owner_is_two_errors_and_backstage_still_accepts_it() -> None:
    result = validate_text(BROKEN_OWNER, "c.yaml")
    assert _findings(result, "org/") == [
        ("org/owner-kind", "error", 8),
        ("org/ref-name", "error", 8),
    ]
    assert _findings(result, "backstage/") == []  # Backstage itself stores this entity
    by_rule = {f.rule: f for f in result.report.findings}
    kind = by_rule["org/owner-kind"]
    assert "grup" in kind.message and "Group or User" in kind.message
    assert kind.hint == "did you mean group? for example: group:default/team-x"
    name = by_rule["org/ref-name"]
    assert '"Team X"' in name.message and name.column == 10
    assert name.entity == "component:default/checkout"


def test_an_unknown_kind_does_not_hide_the_owner_problems() -> None:
    result = validate_text(BROKEN_OWNER.replace("kind: Component", "kind: Componnent"), "c.yaml")
    assert [rule for rule, *_ in _findings(result)] == [
        "backstage/unknown-kind",
        "org/owner-kind",
        "org/ref-name",
    ]


@pytest.mark.parametrize(
    "owner", ["team-a", "group:team-a", "Group:default/team-a", "user:default/jane.doe", "ns/team"]
)
def test_valid_owners_pass(owner: str) -> None:
    result = validate_text(BROKEN_OWNER.replace("grup:default/Team X", owner), "c.yaml")
    assert _findings(result, "org/") == []


def test_owner_kinds_come_from_the_platform(tmp_path: Path) -> None:
    config = _platform(tmp_path, {"owner_kinds": ["Group"]})
    text = BROKEN_OWNER.replace("grup:default/Team X", "user:jane")
    assert _findings(validate_text(text, "c.yaml"), "org/") == []
    only_groups = validate_text(text, "c.yaml", config=config)
    assert _findings(only_groups, "org/") == [("org/owner-kind", "error", 8)]
    assert "must be a Group" in only_groups.report.findings[0].message


def test_owner_kinds_must_be_a_list_of_kinds(tmp_path: Path) -> None:
    from platformctl.core.catalog.org import from_config
    from platformctl.core.errors import InputFileError

    with pytest.raises(InputFileError, match="catalog.owner_kinds"):
        from_config(_platform(tmp_path, {"owner_kinds": ["Group", "not a kind"]}))


def test_platform_severity_applies_to_the_reference_rules(tmp_path: Path) -> None:
    config = _platform(tmp_path, {"severity": "warning"})
    result = validate_text(BROKEN_OWNER, "c.yaml", config=config)
    assert {severity for rule, severity, _ in _findings(result, "org/")} == {"warning"}


def test_every_written_part_of_every_relation_is_checked() -> None:
    text = BROKEN_OWNER.replace("grup:default/Team X", "team-a") + (
        "  system: Shop System\n"
        "  dependsOn:\n"
        "    - resource:Prod_NS/orders-db\n"
        "    - compnent:payments\n"
        "    - resource:default/orders-db\n"
        "  providesApis: [orders-api]\n"
    )
    result = validate_text(text, "c.yaml")
    assert _findings(result, "org/") == [
        ("org/ref-name", "error", 9),
        ("org/ref-namespace", "error", 11),
        ("org/ref-kind", "error", 12),
    ]
    kind = next(f for f in result.report.findings if f.rule == "org/ref-kind")
    assert kind.hint and kind.hint.startswith("did you mean component?")
    assert _findings(result, "backstage/") == []


def test_templated_and_unparsable_refs_are_left_to_other_rules() -> None:
    text = BROKEN_OWNER.replace("grup:default/Team X", "'${{ parameters.owner }}'")
    assert _findings(validate_text(text, "c.yaml"), "org/") == []
    # an empty part is Backstage's own error; no second finding for the same thing
    empty = validate_text(BROKEN_OWNER.replace("grup:default/Team X", "'group:'"), "c.yaml")
    assert [rule for rule, *_ in _findings(empty)] == ["backstage/invalid-ref"]


def test_reference_problems_is_plain_data() -> None:
    problems = reference_problems(
        "grup:default/Team X", "Group", owner_kinds=DEFAULT_OWNER_KINDS, field="spec.owner"
    )
    assert [p.rule for p in problems] == ["org/owner-kind", "org/ref-name"]
    assert all(p.message.startswith('spec.owner "grup:default/Team X"') for p in problems)
    assert reference_problems("group:team-a", "Group", owner_kinds=DEFAULT_OWNER_KINDS) == []
