"""The test API server itself, driven by the official client's generated API (CustomObjectsApi):
server-side apply ownership, conflicts, dry run, status subresource, discovery."""

from __future__ import annotations

import json

import pytest
from kubeapi.fixture import Kube, kube  # noqa: F401

pytestmark = pytest.mark.integration

GROUP, VERSION, PLURAL = "platform.example.com", "v1alpha1", "databaseclaims"


def _api(kube: Kube):  # noqa: ANN202, F811
    from kubernetes import client, config

    configuration = client.Configuration()
    config.load_kube_config(config_file=str(kube.kubeconfig), client_configuration=configuration)
    return client.CustomObjectsApi(client.ApiClient(configuration))


def _claim(size: str, **extra: object) -> dict:
    return {
        "apiVersion": f"{GROUP}/{VERSION}",
        "kind": "DatabaseClaim",
        "metadata": {"name": "db1", "namespace": "default"},
        "spec": {"parameters": {"size": size, **extra}},
    }


def _apply(api, body: dict, manager: str, **kw: object) -> dict:  # noqa: ANN001
    # read raw: the generated client maps only a PATCH's 200 to a body; an apply that creates
    # answers 201 (as the real API server does)
    response = api.patch_namespaced_custom_object(
        GROUP,
        VERSION,
        "default",
        PLURAL,
        "db1",
        body,
        field_manager=manager,
        _content_type="application/apply-patch+yaml",
        _preload_content=False,
        **kw,
    )
    return json.loads(response.data)


def test_server_side_apply_semantics(kube: Kube) -> None:  # noqa: F811
    from kubernetes.client.exceptions import ApiException

    kube.install_database("ready")
    kube.state.hooks.clear()
    api = _api(kube)
    created = _apply(api, _claim("small", engine="mysql"), "alice")
    owners = {m["manager"]: m for m in created["metadata"]["managedFields"]}
    assert owners["alice"]["operation"] == "Apply"
    assert owners["alice"]["fieldsV1"]["f:spec"]["f:parameters"] == {"f:engine": {}, "f:size": {}}
    rv = created["metadata"]["resourceVersion"]
    assert (
        _apply(api, _claim("small", engine="mysql"), "alice")["metadata"]["resourceVersion"] == rv
    )
    # bob sets the same value: shared ownership, no conflict; a different value conflicts
    _apply(api, _claim("small"), "bob")
    with pytest.raises(ApiException) as info:
        _apply(api, _claim("large"), "bob")
    assert info.value.status == 409
    causes = json.loads(info.value.body)["details"]["causes"]
    assert causes[0]["field"] == ".spec.parameters.size" and '"alice"' in causes[0]["message"]
    forced = _apply(api, _claim("large"), "bob", force=True)
    assert forced["spec"]["parameters"]["size"] == "large"
    # alice stops applying engine: the field she alone owned is removed, and the schema's
    # default fills it again (the real API server defaults on every write)
    after = _apply(api, {**_claim("large"), "spec": {"parameters": {"size": "large"}}}, "alice")
    assert after["spec"]["parameters"]["engine"] == "postgresql"
    alice = {m["manager"]: m for m in after["metadata"]["managedFields"]}["alice"]
    assert "f:engine" not in alice["fieldsV1"]["f:spec"]["f:parameters"]
    # dry run changes nothing
    _apply(api, _claim("medium"), "bob", dry_run="All", force=True)  # size is shared now
    got = api.get_namespaced_custom_object(GROUP, VERSION, "default", PLURAL, "db1")
    assert got["spec"]["parameters"]["size"] == "large"
    # status subresource (merge patch), validated like the real server: Crossplane's condition
    # schema requires a reason and lastTransitionTime
    with pytest.raises(ApiException) as info:
        api.patch_namespaced_custom_object_status(
            GROUP, VERSION, "default", PLURAL, "db1",
            {"status": {"conditions": [{"type": "Ready", "status": "True"}]}},
        )  # fmt: skip
    assert info.value.status == 422
    assert json.loads(info.value.body)["message"] == (
        'DatabaseClaim.platform.example.com "db1" is invalid: '
        "[status.conditions[0].lastTransitionTime: Required value, "
        "status.conditions[0].reason: Required value]"
    )
    ready = {"type": "Ready", "status": "True", "reason": "Available",
             "lastTransitionTime": "2026-01-01T00:00:00Z"}  # fmt: skip
    api.patch_namespaced_custom_object_status(
        GROUP, VERSION, "default", PLURAL, "db1", {"status": {"conditions": [ready]}}
    )
    got = api.get_namespaced_custom_object(GROUP, VERSION, "default", PLURAL, "db1")
    assert got["status"]["conditions"][0]["status"] == "True"
    listed = api.list_namespaced_custom_object(GROUP, VERSION, "default", PLURAL)
    assert [i["metadata"]["name"] for i in listed["items"]] == ["db1"]


def test_discovery_and_missing_resources(kube: Kube) -> None:  # noqa: F811
    from kubernetes import client, config

    kube.install_database("ready")
    configuration = client.Configuration()
    config.load_kube_config(config_file=str(kube.kubeconfig), client_configuration=configuration)
    apis = client.ApisApi(client.ApiClient(configuration)).get_api_versions()
    names = [g.name for g in apis.groups]
    assert GROUP in names and "authorization.k8s.io" in names
    resources = client.CustomObjectsApi(client.ApiClient(configuration)).get_api_resources(
        GROUP, VERSION
    )
    assert {r.name for r in resources.resources} >= {
        "databaseclaims",
        "xdatabases",
        "databaseclaims/status",
    }


def test_the_double_keeps_the_real_servers_contract(kube: Kube) -> None:  # noqa: F811
    """kubeapi/contract.py holds what the real kube-apiserver does (nox -s kube runs the same
    check there); the double must agree."""
    from kubeapi import contract

    kube.install_database("never")
    kube.state.hooks.clear()  # no controller: only the contract's own writes
    contract.check(_api(kube), "default")
