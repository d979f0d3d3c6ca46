"""Claim types from platform folders, parameters from XRD schemas, building claims."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from platformctl.core import config as config_mod
from platformctl.core.errors import UsageError
from platformctl.core.provision import claim as claims

DATA = Path(__file__).resolve().parents[1] / "data" / "crossplane"


@pytest.fixture
def registry() -> claims.Registry:
    return claims.registry_from_config(config_mod.load())


def test_default_types_and_aliases(registry: claims.Registry) -> None:
    assert registry.names() == ["database", "cache", "bucket", "service-infra"]
    assert registry.get("db").name == "database"
    assert registry.get("infra").kind == "ServiceInfra"
    assert registry.get("cache").kind == "CacheClaim"
    assert registry.get("bucket").kind == "BucketClaim"
    with pytest.raises(UsageError) as info:
        registry.get("nope")
    assert "db" in (info.value.hint or "")


def test_database_parameters(registry: claims.Registry) -> None:
    params = {p.option: p for p in registry.get("db").params}
    assert list(params) == ["size", "engine", "provider", "high-availability", "storage-gb"]
    assert params["size"].required and params["size"].enum == ["small", "medium", "large"]
    assert params["engine"].default == "postgresql" and not params["engine"].required
    assert (
        params["provider"].enum == ["aws", "gcp", "azure"] and params["provider"].default == "aws"
    )
    assert (
        params["high-availability"].type == "boolean"
        and params["high-availability"].default is False
    )
    assert (params["storage-gb"].minimum, params["storage-gb"].maximum) == (10, 1000)
    assert params["size"].dotted == "spec.parameters.size"


def test_nested_parameters_of_service_infra(registry: claims.Registry) -> None:
    params = {p.option: p for p in registry.get("infra").params}
    assert list(params) == [
        "service-name",
        "tier",
        "database-enabled",
        "database-type",
        "database-size",
    ]
    assert params["service-name"].required
    assert params["database-size"].path == ("database", "size")


def test_build_database_claim_applies_defaults_and_selector(registry: claims.Registry) -> None:
    built = claims.build_claim(
        registry.get("db"), "orders-db", namespace="team-a", values={"size": "medium"}
    )
    assert built.ok
    obj = built.object
    assert obj["apiVersion"] == "platform.example.com/v1alpha1" and obj["kind"] == "DatabaseClaim"
    assert obj["metadata"]["namespace"] == "team-a"
    assert obj["spec"]["parameters"] == {
        "size": "medium",
        "engine": "postgresql",
        "provider": "aws",
        "highAvailability": False,
    }
    assert obj["spec"]["compositionSelector"] == {
        "matchLabels": {"provider": "aws", "engine": "postgresql"}
    }
    assert obj["spec"]["writeConnectionSecretToRef"] == {"name": "orders-db-connection"}
    assert obj["metadata"]["annotations"][claims.REQUEST_ID].startswith("req-")


def test_request_id_is_deterministic(registry: claims.Registry) -> None:
    ct = registry.get("db")
    a = claims.build_claim(ct, "orders-db", namespace="default", values={"size": "medium"})
    b = claims.build_claim(ct, "orders-db", namespace="default", values={"size": "medium"})
    c = claims.build_claim(ct, "orders-db", namespace="default", values={"size": "large"})
    assert a.request_id == b.request_id != c.request_id


def test_v2_type_uses_spec_crossplane_and_no_secret_ref(registry: claims.Registry) -> None:
    built = claims.build_claim(
        registry.get("infra"),
        "shop",
        namespace="default",
        values={"service-name": "shop", "database-enabled": "true"},
    )
    assert built.ok
    spec = built.object["spec"]
    assert spec["database"] == {"enabled": True, "type": "postgresql", "size": "small"}
    assert spec["tier"] == "tier-3"
    assert "writeConnectionSecretToRef" not in spec
    assert claims.connection_secret_ref(built.object, registry.get("infra").xrd) == (
        "default",
        "shop-connection",
    )


def test_set_expressions(registry: claims.Registry) -> None:
    ct = registry.get("db")
    built = claims.build_claim(
        ct,
        "x",
        namespace="default",
        sets=[
            "parameters.size=large",
            "spec.parameters.storageGB=100",
            "metadata.labels.team=a",
            "parameters.highAvailability=yes",
        ],
    )
    assert built.ok
    assert built.object["spec"]["parameters"]["storageGB"] == 100
    assert built.object["spec"]["parameters"]["highAvailability"] is True
    assert built.object["metadata"]["labels"]["team"] == "a"
    with pytest.raises(UsageError, match="unknown field spec.parameters.nope"):
        claims.build_claim(ct, "x", namespace="default", sets=["parameters.nope=1"])
    with pytest.raises(UsageError, match="expected path=value"):
        claims.build_claim(ct, "x", namespace="default", sets=["parameters.size"])
    with pytest.raises(UsageError, match="not an integer"):
        claims.build_claim(ct, "x", namespace="default", sets=["parameters.storageGB=big"])


def test_invalid_values_are_reported_with_allowed_values(registry: claims.Registry) -> None:
    built = claims.build_claim(
        registry.get("db"), "x", namespace="default", values={"size": "huge", "storage-gb": 5}
    )
    assert not built.ok
    messages = sorted(str(e) for e in built.errors)
    assert messages == [
        'spec.parameters.size: unsupported value "huge"; allowed values: small, medium, large',
        "spec.parameters.storageGB: must be at least 10, got 5",
    ]


def test_missing_required(registry: claims.Registry) -> None:
    ct = registry.get("db")
    assert [p.option for p in claims.missing_required(ct, {}, {})] == ["size"]
    assert claims.missing_required(ct, {"size": "small"}, {}) == []
    assert claims.missing_required(ct, {}, {("spec", "parameters", "size"): "small"}) == []


@pytest.mark.parametrize("name", ["Orders", "-x", "a" * 64, "a_b", ""])
def test_names_are_dns_labels(registry: claims.Registry, name: str) -> None:
    with pytest.raises(UsageError):
        claims.build_claim(registry.get("db"), name, namespace="default", values={"size": "small"})


def test_a_platform_replaces_and_adds_types(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    platform = tmp_path / "platform"
    (platform / "xrds").mkdir(parents=True)
    shutil.copy(
        DATA / "04-upbound-configuration-aws-database-v1-xrd.yaml", platform / "xrds" / "sql.yaml"
    )
    shutil.copy(DATA / "20-vfarcic-crossplane-sql-v2-xrd.yaml", platform / "xrds" / "sql2.yaml")
    shutil.copy(
        DATA / "17-upbound-platform-ref-aws-v1beta1-postgres-xrd.yaml",
        platform / "xrds" / "old.yaml",
    )
    (platform / "platform.yaml").write_text(
        "apiVersion: platformctl.io/v1\nkind: Platform\nmetadata: {name: acme}\n"
        "claim_types:\n"
        "  - {name: db, aliases: [sql], xrd: xrds/sql.yaml}\n"
        "  - {name: sql2, xrd: xrds/sql2.yaml}\n"
        "  - {name: legacy, xrd: xrds/old.yaml}\n"
    )
    monkeypatch.setenv("PLATFORMCTL_PLATFORM", str(platform))
    registry = claims.registry_from_config(config_mod.load())
    # "db" was an alias of the embedded "database": the platform replaced that type
    assert "database" in registry.types and registry.get("db").kind == "SQLInstance"
    assert registry.get("sql").platform == "acme"
    assert registry.get("cache").platform == "default"
    assert registry.get("sql2").xrd.major == 2
    with pytest.raises(UsageError, match="v1beta1"):
        registry.get("legacy")
    params = {p.option: p for p in registry.get("sql").params}
    assert params["network-ref-id"].required and params["password-secret-ref-namespace"].required
    assert params["region"].required


def test_reserved_option_names_get_a_prefix() -> None:
    from platformctl.core.provision.xrd import parse_xrd

    x = parse_xrd(
        {
            "apiVersion": "apiextensions.crossplane.io/v2",
            "kind": "CompositeResourceDefinition",
            "metadata": {"name": "as.example.org"},
            "spec": {
                "group": "example.org",
                "names": {"kind": "A", "plural": "as"},
                "versions": [
                    {
                        "name": "v1",
                        "served": True,
                        "referenceable": True,
                        "schema": {
                            "openAPIV3Schema": {
                                "type": "object",
                                "properties": {
                                    "spec": {
                                        "type": "object",
                                        "properties": {
                                            "namespace": {"type": "string"},
                                            "timeout": {"type": "integer"},
                                        },
                                    }
                                },
                            }
                        },
                    }
                ],
            },
        }
    )
    assert [p.option for p in claims.parameters(x)] == ["param-namespace", "param-timeout"]


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("parameters..size=small", "empty field name in the path"),
        (".parameters.size=small", "empty field name in the path"),
        ("parameters.size.=small", "empty field name in the path"),
        (" =small", "empty path"),
        ("metadata.labels=x", "only metadata.labels.KEY and metadata.annotations.KEY"),
        ("metadata.name=x", "only metadata.labels.KEY and metadata.annotations.KEY"),
        ("parameters.size.x=1", "spec.parameters.size has no fields to set"),
    ],
)
def test_bad_set_paths_are_refused(
    registry: claims.Registry, expression: str, message: str
) -> None:
    schema = registry.get("db").xrd.object_schema()
    with pytest.raises(UsageError) as info:
        claims.parse_set(expression, schema)
    assert message in info.value.message + " " + (info.value.hint or "")


def test_set_label_keys_keep_their_dots(registry: claims.Registry) -> None:
    built = claims.build_claim(
        registry.get("db"),
        "orders-db",
        namespace="default",
        values={"size": "small"},
        sets=["metadata.labels.app.kubernetes.io/part-of=shop"],
    )
    assert built.ok
    assert built.object["metadata"]["labels"]["app.kubernetes.io/part-of"] == "shop"
