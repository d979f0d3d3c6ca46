"""Field formats exactly as KubernetesValidatorFunctions / CommonValidatorFunctions /
makeValidator (catalog-model 1.10.1)."""

from __future__ import annotations

import pytest

from platformctl.core.catalog import rules as R


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("a", True),
        ("my-service", True),
        ("My_Service.v2", True),
        ("a" * 63, True),
        ("a" * 64, False),
        ("-a", False),
        ("a-", False),
        ("a b", False),
        ("${{ values.name }}", False),
        ("", False),
        (12, False),
        ("é", False),
    ],
)
def test_entity_name(value: object, ok: bool) -> None:
    assert R.is_valid_entity_name(value) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("default", True),
        ("team-a", True),
        ("a--b", True),
        ("Team", False),
        ("a_b", False),
        ("a" * 64, False),
        ("-a", False),
    ],
)
def test_namespace(value: str, ok: bool) -> None:
    assert R.is_valid_namespace(value) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("backstage.io/v1alpha1", True),
        ("v1", True),
        ("scaffolder.backstage.io/v1beta3", True),
        ("Backstage.io/v1", False),
        ("a/b/c", False),
        ("backstage.io/v1-alpha", False),
        ("/v1", False),
    ],
)
def test_api_version(value: str, ok: bool) -> None:
    assert R.is_valid_api_version(value) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [("Component", True), ("API", True), ("x1", True), ("1x", False), ("My-Kind", False)],
)
def test_kind(value: str, ok: bool) -> None:
    assert R.is_valid_kind(value) is ok


@pytest.mark.parametrize(
    ("key", "ok"),
    [
        ("github.com/project-slug", True),
        ("backstage.io/techdocs-ref", True),
        ("simple", True),
        ("a/b/c", False),
        ("Upper.io/x", False),
        ("example.com/", False),
        ("x/-bad", False),
    ],
)
def test_annotation_and_label_keys(key: str, ok: bool) -> None:
    assert R.is_valid_annotation_key(key) is ok
    assert R.is_valid_label_key(key) is ok


def test_label_and_annotation_values() -> None:
    assert R.is_valid_label_value("")
    assert R.is_valid_label_value("prod-1")
    assert not R.is_valid_label_value("has space")
    assert R.is_valid_annotation_value("anything at all")
    assert not R.is_valid_annotation_value(1)


@pytest.mark.parametrize(
    ("tag", "ok"),
    [
        ("java", True),
        ("c++", True),
        ("c#", True),
        ("a:b", True),
        ("a-b", True),
        ("Java", False),
        ("a_b", False),
        ("a--b", False),
        ("", False),
        ("x" * 64, False),
    ],
)
def test_tags(tag: str, ok: bool) -> None:
    assert R.is_valid_tag(tag) is ok


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.com", True),
        ("https://example.com:8080/a b?c#d", True),
        ("mailto:team@example.com", True),
        ("slack://channel", True),
        ("file:///tmp/x", True),
        ("https://", False),
        ("example.com", False),
        ("/relative/path", False),
        ("https://exa mple.com", False),
        ("http://host:99999", False),
        ("", False),
    ],
)
def test_urls(url: str, ok: bool) -> None:
    assert R.is_valid_url(url) is ok


def test_suggestions() -> None:
    assert R.suggest_name("Example API") == "example-api"
    assert R.looks_templated("${{ values.name }}")
    assert not R.looks_templated("plain")
