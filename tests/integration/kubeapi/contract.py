"""What the API server does with a claim, as observed on the real kube-apiserver (v1.37).

``check(api, namespace)`` runs against any server that serves the DatabaseClaim CRD derived
from the shipped database XRD (xcrd.py) with the official client's CustomObjectsApi: the test
double in test_provision_kubeapi.py and the real server in kube/test_provision_real.py. When
the real server changes, this fails there first; fix the double so the fast suite agrees.
"""

from __future__ import annotations

import json
from typing import Any

GROUP, VERSION, PLURAL = "platform.example.com", "v1alpha1", "databaseclaims"
GV = f"{GROUP}/{VERSION}"


def _claim(namespace: str, name: str, **parameters: Any) -> dict[str, Any]:
    return {
        "apiVersion": GV,
        "kind": "DatabaseClaim",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"parameters": parameters},
    }


def _error(call: Any) -> tuple[int, str, dict[str, Any]]:
    """(status, message, Status object) of a call that must fail."""
    from kubernetes.client.exceptions import ApiException

    try:
        call()
    except ApiException as exc:
        body = exc.body.decode() if isinstance(exc.body, bytes) else str(exc.body or "")
        try:
            status = json.loads(body)
        except ValueError:
            return int(exc.status), body.strip(), {}
        return int(exc.status), str(status.get("message")), status
    raise AssertionError("the server accepted it")


def check(api: Any, namespace: str) -> None:  # noqa: PLR0915 - one scenario, step by step
    def apply(body: dict[str, Any], manager: str, **kw: Any) -> tuple[int, dict[str, Any]]:
        response = api.patch_namespaced_custom_object(
            GROUP, VERSION, namespace, PLURAL, body["metadata"]["name"], body,
            field_manager=manager, _content_type="application/apply-patch+yaml",
            _preload_content=False, **kw,
        )  # fmt: skip
        return response.status, json.loads(response.data)

    def get(name: str) -> dict[str, Any]:
        return dict(api.get_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, name))

    # an apply that creates answers 201; the schema's defaults (the XRD's and Crossplane's)
    # are filled in and owned by nobody
    code, created = apply(_claim(namespace, "c1", size="small"), "alice")
    assert code == 201, code
    assert created["spec"]["parameters"] == {
        "size": "small", "engine": "postgresql", "provider": "aws", "highAvailability": False,
    }  # fmt: skip
    assert created["spec"]["compositionUpdatePolicy"] == "Automatic"
    assert created["spec"]["compositeDeletePolicy"] == "Background"
    (alice,) = created["metadata"]["managedFields"]
    assert (alice["manager"], alice["operation"]) == ("alice", "Apply")
    assert alice["fieldsV1"] == {"f:spec": {"f:parameters": {"f:size": {}}}}
    assert created["metadata"]["generation"] == 1

    # the same apply again: 200, nothing changes
    code, again = apply(_claim(namespace, "c1", size="small"), "alice")
    assert code == 200, code
    assert again["metadata"]["resourceVersion"] == created["metadata"]["resourceVersion"]
    assert again["metadata"]["generation"] == 1

    # schema violations: 422 Invalid, worded by the server
    code, message, status = _error(lambda: apply(_claim(namespace, "c1", size="huge"), "alice"))
    assert (code, status["reason"]) == (422, "Invalid"), (code, message)
    assert message == (
        f'DatabaseClaim.{GROUP} "c1" is invalid: spec.parameters.size: Unsupported value: '
        '"huge": supported values: "small", "medium", "large"'
    ), message
    assert status["details"]["causes"] == [
        {
            "reason": "FieldValueNotSupported",
            "message": 'Unsupported value: "huge": supported values: "small", "medium", "large"',
            "field": "spec.parameters.size",
        }
    ]
    code, message, _ = _error(
        lambda: apply(_claim(namespace, "c1", size="small", storageGB=5), "alice")
    )
    assert (code, message) == (
        422,
        f'DatabaseClaim.{GROUP} "c1" is invalid: spec.parameters.storageGB: Invalid value: 5: '
        "spec.parameters.storageGB in body should be greater than or equal to 10",
    ), message

    # wrong types and undeclared fields fail server-side apply itself: HTTP 500, no causes
    prefix = f"failed to create typed patch object ({namespace}/c1; {GV}, Kind=DatabaseClaim): "
    code, message, _ = _error(
        lambda: apply(_claim(namespace, "c1", size="small", highAvailability="maybe"), "alice")
    )
    assert (code, message) == (
        500,
        prefix + ".spec.parameters.highAvailability: expected boolean, got &{maybe}",
    ), message
    code, message, _ = _error(
        lambda: apply(_claim(namespace, "c1", size="small", replicas=2), "alice")
    )
    assert (code, message) == (
        500,
        prefix + ".spec.parameters.replicas: field not declared in schema",
    ), message

    # an update (kubectl edit: merge patch) takes the field over; applying another value
    # then conflicts, and force takes it back
    api.patch_namespaced_custom_object(
        GROUP, VERSION, namespace, PLURAL, "c1", {"spec": {"parameters": {"size": "medium"}}},
        field_manager="kubectl-edit",
    )  # fmt: skip
    edited = get("c1")
    assert edited["metadata"]["generation"] == 2
    owners = {m["manager"]: m for m in edited["metadata"]["managedFields"]}
    assert owners["kubectl-edit"]["operation"] == "Update"
    assert owners["kubectl-edit"]["fieldsV1"] == {"f:spec": {"f:parameters": {"f:size": {}}}}
    assert "alice" not in owners  # she owned only size
    code, message, status = _error(lambda: apply(_claim(namespace, "c1", size="small"), "alice"))
    assert (code, status["reason"]) == (409, "Conflict"), (code, message)
    assert message == (
        f'Apply failed with 1 conflict: conflict with "kubectl-edit" using {GV}: '
        ".spec.parameters.size"
    ), message
    assert status["details"]["causes"] == [
        {
            "reason": "FieldManagerConflict",
            "message": f'conflict with "kubectl-edit" using {GV}',
            "field": ".spec.parameters.size",
        }
    ]
    code, forced = apply(_claim(namespace, "c1", size="small"), "alice", force=True)
    assert code == 200 and forced["spec"]["parameters"]["size"] == "small"

    # dry run: the answer shows the change, the stored object does not
    rv = get("c1")["metadata"]["resourceVersion"]
    code, dry = apply(_claim(namespace, "c1", size="large"), "alice", dry_run="All")
    assert code == 200 and dry["spec"]["parameters"]["size"] == "large"
    assert get("c1")["metadata"]["resourceVersion"] == rv
    assert get("c1")["spec"]["parameters"]["size"] == "small"

    # status: never through the main resource; /status is validated against the schema
    with_status = _claim(namespace, "c1", size="small")
    with_status["status"] = {"conditions": [{"type": "Ready", "status": "True"}]}
    apply(with_status, "alice")
    assert "status" not in get("c1")
    code, message, _ = _error(
        lambda: api.patch_namespaced_custom_object_status(
            GROUP,
            VERSION,
            namespace,
            PLURAL,
            "c1",
            {"status": {"conditions": [{"type": "Ready", "status": "True"}]}},
        )  # fmt: skip
    )
    assert (code, message) == (
        422,
        f'DatabaseClaim.{GROUP} "c1" is invalid: [status.conditions[0].lastTransitionTime: '
        "Required value, status.conditions[0].reason: Required value]",
    ), message
    ready = {"type": "Ready", "status": "True", "reason": "Available",
             "lastTransitionTime": "2026-01-01T00:00:00Z"}  # fmt: skip
    after = api.patch_namespaced_custom_object_status(
        GROUP, VERSION, namespace, PLURAL, "c1",
        {"spec": {"parameters": {"size": "large"}}, "status": {"conditions": [ready]}},
    )  # fmt: skip
    assert after["status"]["conditions"] == [ready]
    assert after["spec"]["parameters"]["size"] == "small"  # spec through /status is ignored

    # not found: an object is a Status; an unknown resource is the mux's plain text
    api.delete_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, "c1")
    code, message, status = _error(lambda: get("c1"))
    assert (code, message) == (404, f'{PLURAL}.{GROUP} "c1" not found'), message
    assert status["details"] == {"name": "c1", "group": GROUP, "kind": PLURAL}
    code, message, status = _error(
        lambda: api.get_namespaced_custom_object(GROUP, VERSION, namespace, "nothings", "x")
    )
    assert (code, message, status) == (404, "404 page not found", {}), message
