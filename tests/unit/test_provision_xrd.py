"""XRD loading (v1, v2, removed v1beta1) and agreement with the Crossplane corpus verdicts."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from platformctl.core import yamlio
from platformctl.core.errors import InputFileError, UsageError
from platformctl.core.provision import claim as claims
from platformctl.core.provision import xrd as xrds

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "crossplane"
CORPUS = ROOT.parent / "shared" / "corpus" / "crossplane"
DEFAULTS = ROOT / "src" / "platformctl" / "defaults" / "claim-types"


def _rows() -> list[dict[str, str]]:
    if not (CORPUS / "expected.tsv").is_file():
        return []
    with open(CORPUS / "expected.tsv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def test_v1_xrd_with_claims() -> None:
    x = xrds.load_xrd(DATA / "04-upbound-configuration-aws-database-v1-xrd.yaml")
    assert x.major == 1 and x.scope == "Cluster"
    assert (x.kind, x.claim_kind, x.request_kind) == ("XSQLInstance", "SQLInstance", "SQLInstance")
    assert x.request_namespaced and x.request_is_claim and x.legacy_fields
    assert x.connection_secret_keys == ["username", "password", "endpoint", "host"]
    assert x.api_version_of_request == "aws.platform.upbound.io/v1alpha1"
    spec = x.object_schema()["properties"]["spec"]["properties"]
    assert {"compositionSelector", "compositionRef", "writeConnectionSecretToRef"} <= set(spec)


def test_v2_xrd_namespaced_without_claims() -> None:
    x = xrds.load_xrd(DATA / "01-upbound-configuration-aws-database-v2-xrd.yaml")
    assert x.major == 2 and x.scope == "Namespaced" and not x.has_claims
    assert x.request_kind == "SQLInstance" and x.request_namespaced and not x.legacy_fields
    spec = x.object_schema()["properties"]["spec"]["properties"]
    assert "crossplane" in spec and "compositionSelector" not in spec


def test_v2_scope_defaults_to_namespaced() -> None:
    x = xrds.load_xrd(DATA / "20-vfarcic-crossplane-sql-v2-xrd.yaml")
    assert x.scope == "Namespaced" and x.default_composition == "google-postgresql"
    assert "PostgreSQL" in x.description


def test_v1_without_claim_names_submits_the_cluster_scoped_xr() -> None:
    x = xrds.load_xrd(DATA / "28-crossplane-cli-unclaimable-xrd.yaml")
    assert not x.has_claims and not x.request_namespaced and x.request_kind == x.kind


def test_v1beta1_is_refused_with_a_clear_message() -> None:
    with pytest.raises(xrds.RemovedXRDVersion) as info:
        xrds.load_xrd(DATA / "17-upbound-platform-ref-aws-v1beta1-postgres-xrd.yaml")
    assert info.value.exit_code == 2
    assert "v1beta1" in info.value.message and "removed" in info.value.message
    assert "apiextensions.crossplane.io/v1" in (info.value.hint or "")


def test_not_an_xrd(tmp_path: Path) -> None:
    f = tmp_path / "x.yaml"
    f.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    with pytest.raises(InputFileError):
        xrds.load_xrd(f)


def test_v2_claim_names_need_legacy_cluster() -> None:
    data = {
        "apiVersion": "apiextensions.crossplane.io/v2",
        "kind": "CompositeResourceDefinition",
        "metadata": {"name": "xthings.example.org"},
        "spec": {
            "group": "example.org",
            "names": {"kind": "XThing", "plural": "xthings"},
            "claimNames": {"kind": "Thing", "plural": "things"},
            "versions": [{"name": "v1", "served": True, "referenceable": True}],
        },
    }
    with pytest.raises(UsageError):
        xrds.parse_xrd(data)
    data["spec"]["scope"] = "LegacyCluster"
    x = xrds.parse_xrd(data)
    assert x.has_claims and x.legacy_fields


@pytest.mark.parametrize("name", ["database", "cache", "bucket", "service-infra"])
def test_default_claim_types_are_real_xrds(name: str) -> None:
    x = xrds.load_xrd(DEFAULTS / name / "definition.yaml")
    assert x.group == "platform.example.com"
    assert x.major in (1, 2)


@pytest.mark.skipif(not _rows(), reason="shared corpus not available")
@pytest.mark.parametrize("row", _rows(), ids=lambda r: f"{r['file'][:2]}-vs-{r['xrd_file'][:2]}")
def test_agrees_with_corpus_expected(row: dict[str, str]) -> None:
    """Every row of expected.tsv: example claim/XR vs XRD, valid yes/no."""
    path = CORPUS / row["xrd_file"]
    if row["xrd_file"].startswith("17-"):
        # v1beta1: platformctl refuses to use it as a claim type, but can still read its schema
        with pytest.raises(xrds.RemovedXRDVersion):
            xrds.load_xrd(path)
    x = xrds.load_xrd(path, allow_removed=True)
    docs = [
        d.data
        for d in yamlio.load_file(CORPUS / row["file"]).documents
        if isinstance(d.data, dict) and d.data.get("kind") != "Secret"
    ]
    assert docs
    results = [claims.validate_object(x, doc) for doc in docs]
    valid = all(r.ok for r in results)
    assert valid == (row["valid"] == "yes"), [str(e) for r in results for e in r.errors]
    pruned = {p for r in results for p in r.pruned}
    if "pruned by API server" in row["reason"]:
        listed = row["reason"].split("pruned by API server):", 1)[1].split(";")[0].strip()
        assert pruned == set(listed.split(","))
    else:
        assert not pruned
