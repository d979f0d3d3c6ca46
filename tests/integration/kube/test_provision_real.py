"""`platformctl provision` against the real Kubernetes API server (kube-apiserver + etcd).

The CRDs are derived from the shipped XRDs the way Crossplane derives them (xcrd.py); no
Crossplane runs, so each test stands in for it: it writes Synced/Ready conditions through the
/status subresource and the connection Secret through core/v1, as Crossplane would.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from kubeapi.xcrd import crds_for

from .conftest import PLATFORM, Kube, Server, shipped_xrds, status_body, write_kubeconfig

pytestmark = [pytest.mark.kube, pytest.mark.integration]

FAST = ("--poll-interval", "0.1", "--settle", "0")
DB = "databaseclaims"
SECRET = {"host": "db.internal", "port": "5432", "username": "app", "password": "s3cret",
          "database": "orders"}  # fmt: skip


def provision(cli, *args: str):  # noqa: ANN001, ANN201
    return cli("provision", *args, *FAST)


def cond(type_: str, status: str, reason: str, message: str = "") -> dict[str, str]:
    out = {"type": type_, "status": status, "reason": reason}
    return {**out, "message": message} if message else out


@contextmanager
def crossplane(kube: Kube, name: str, steps: Callable[[], None]) -> Iterator[None]:
    """Run ``steps`` (the stand-in controller) once the claim exists, beside the CLI call."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            deadline = time.monotonic() + 60
            while kube.get(DB, name) is None:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"claim {name} never appeared")
                time.sleep(0.05)
            steps()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test thread
            failures.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join(timeout=60)
    if failures:
        raise failures[0]


def managers(obj: dict) -> dict[str, dict]:
    return {m["manager"]: m for m in obj["metadata"].get("managedFields") or []}


def test_every_shipped_xrd_becomes_an_established_crd(kube_crds: Server) -> None:
    from kubernetes import client

    ext = client.ApiextensionsV1Api(kube_crds.api_client())
    expected = []
    for path in shipped_xrds():
        for crd in crds_for(yaml.safe_load(path.read_text())):
            expected.append(crd["metadata"]["name"])
    assert len(expected) == 7  # database, cache, bucket: XR + claim; service-infra: XR only
    for name in expected:
        got = ext.read_custom_resource_definition(name)
        conditions = {c.type: c.status for c in got.status.conditions}
        assert conditions["Established"] == "True", (name, conditions)
        assert conditions["NamesAccepted"] == "True", (name, conditions)
        assert conditions.get("NonStructuralSchema") is None, (name, conditions)


@pytest.mark.parametrize(
    "args",
    [
        ("db", "x", "--size", "large", "--high-availability", "--storage-gb", "500"),
        ("cache", "x", "--size", "small"),
        ("bucket", "x"),
        ("infra", "x", "--service-name", "shop", "--database-enabled"),
    ],
    ids=["database", "cache", "bucket", "service-infra"],
)
def test_every_shipped_claim_type_is_accepted_by_the_server(cli, kube: Kube, args) -> None:  # noqa: ANN001
    r = provision(cli, *args, "--dry-run")
    assert r.exit_code == 0, r.output
    assert "created (server dry run)" in r.stderr


def test_request_is_a_server_side_apply_by_platformctl_with_schema_defaults(
    cli,  # noqa: ANN001
    kube: Kube,
) -> None:
    printed = cli("provision", "db", "orders-db", "--size", "medium", "-o", "json")
    assert printed.exit_code == 0, printed.output
    r = provision(cli, "db", "orders-db", "--size", "medium", "--no-wait")
    assert r.exit_code == 0, r.output
    assert f"DatabaseClaim/{kube.namespace}/orders-db created" in r.stderr
    obj = kube.get(DB, "orders-db")
    assert obj is not None and obj["metadata"]["generation"] == 1
    mine = managers(obj)["platformctl"]
    assert mine["operation"] == "Apply"
    owned = {k for k in mine["fieldsV1"]["f:spec"]["f:parameters"] if k.startswith("f:")}
    assert owned == {"f:size", "f:engine", "f:provider", "f:highAvailability"}
    # the XRD's defaults: platformctl applies them as the server would, and the server agrees
    assert obj["spec"]["parameters"] == {
        "size": "medium", "engine": "postgresql", "provider": "aws", "highAvailability": False,
    }  # fmt: skip
    # defaults of the fields Crossplane adds to every claim CRD are the server's alone
    assert obj["spec"]["compositionUpdatePolicy"] == "Automatic"
    assert obj["spec"]["compositeDeletePolicy"] == "Background"
    sent = json.loads(printed.stdout)
    stored = {k: v for k, v in obj["spec"].items()
              if k not in ("compositionUpdatePolicy", "compositeDeletePolicy")}  # fmt: skip
    assert stored == sent["spec"]  # the printed claim is what was stored
    assert obj["metadata"]["labels"] == sent["metadata"]["labels"]
    assert obj["metadata"]["annotations"] == sent["metadata"]["annotations"]


def test_v2_composite_is_applied_directly_and_reapplies_unchanged(cli, kube: Kube) -> None:  # noqa: ANN001
    args = ("infra", "shop", "--service-name", "shop", "--database-enabled", "--no-wait")
    r = provision(cli, *args)
    assert r.exit_code == 0, r.output
    assert f"ServiceInfra/{kube.namespace}/shop created" in r.stderr
    obj = kube.get("serviceinfras", "shop")
    assert obj is not None
    assert obj["spec"]["database"] == {"enabled": True, "type": "postgresql", "size": "small"}
    assert obj["spec"]["tier"] == "tier-3"
    assert "writeConnectionSecretToRef" not in obj["spec"]
    again = provision(cli, *args)
    assert again.exit_code == 0 and "shop unchanged" in again.stderr, again.output
    rv = obj["metadata"]["resourceVersion"]
    assert kube.get("serviceinfras", "shop")["metadata"]["resourceVersion"] == rv


def test_the_server_applies_schema_defaults_platformctl_leaves_out(kube: Kube) -> None:
    """Defaulting is the server's: a bare claim gets the XRD's defaults (the local claim
    builder copies them, so this is the behaviour it copies)."""
    body = {
        "apiVersion": "platform.example.com/v1alpha1",
        "kind": "DatabaseClaim",
        "metadata": {"name": "bare", "namespace": kube.namespace},
        "spec": {"parameters": {"size": "small"}},
    }
    obj = kube.apply(DB, body, "someone")
    assert obj["spec"]["parameters"] == {
        "size": "small", "engine": "postgresql", "provider": "aws", "highAvailability": False,
    }  # fmt: skip
    # defaulted fields are nobody's: the applier owns only what it sent
    assert set(managers(obj)["someone"]["fieldsV1"]["f:spec"]["f:parameters"]) <= {".", "f:size"}


def test_reapplying_the_same_request_is_a_no_op(cli, kube: Kube) -> None:  # noqa: ANN001
    assert provision(cli, "db", "orders-db", "--size", "medium", "--no-wait").exit_code == 0
    before = kube.get(DB, "orders-db")
    again = provision(cli, "db", "orders-db", "--size", "medium", "--no-wait")
    assert again.exit_code == 0, again.output
    assert "orders-db unchanged" in again.stderr
    after = kube.get(DB, "orders-db")
    assert after["metadata"]["resourceVersion"] == before["metadata"]["resourceVersion"]
    assert after["metadata"]["generation"] == before["metadata"]["generation"] == 1
    changed = provision(cli, "db", "orders-db", "--size", "large", "--no-wait")
    assert changed.exit_code == 0 and "orders-db configured" in changed.stderr
    assert kube.get(DB, "orders-db")["metadata"]["generation"] == 2


def test_a_field_owned_by_another_manager_is_a_conflict(cli, kube: Kube) -> None:  # noqa: ANN001
    assert provision(cli, "db", "orders-db", "--size", "medium", "--no-wait").exit_code == 0
    # `kubectl edit`: an update (merge patch) by another field manager takes the field over
    kube.objects().patch_namespaced_custom_object(
        "platform.example.com", "v1alpha1", kube.namespace, DB, "orders-db",
        {"spec": {"parameters": {"size": "large"}}}, field_manager="kubectl-edit",
    )  # fmt: skip
    r = provision(cli, "db", "orders-db", "--size", "medium", "--no-wait")
    assert r.exit_code == 1, r.output  # DESIGN.md: the command ran and found a problem
    assert (
        "error: conflict: fields managed by someone else: .spec.parameters.size "
        "(owned by kubectl-edit)" in r.stderr
    )
    assert "--force-conflicts" in r.stderr
    assert kube.get(DB, "orders-db")["spec"]["parameters"]["size"] == "large"
    forced = provision(cli, "db", "orders-db", "--size", "medium", "--no-wait", "--force-conflicts")
    assert forced.exit_code == 0, forced.output
    obj = kube.get(DB, "orders-db")
    assert obj["spec"]["parameters"]["size"] == "medium"
    edit = managers(obj).get("kubectl-edit")
    assert edit is None or "f:size" not in edit["fieldsV1"]["f:spec"]["f:parameters"]


@pytest.mark.parametrize(
    ("args", "field", "value", "local", "server"),
    [
        (("--size", "huge"), "size", "huge", "Invalid value for '--size'",
         (422, 'spec.parameters.size: Unsupported value: "huge": supported values: '
               '"small", "medium", "large"')),
        (("--size", "small", "--provider", "ibm"), "provider", "ibm",
         "Invalid value for '--provider'",
         (422, 'spec.parameters.provider: Unsupported value: "ibm"')),
        (("--size", "small", "--set", "parameters.storageGB=5"), "storageGB", 5,
         "spec.parameters.storageGB",
         (422, "spec.parameters.storageGB: Invalid value: 5: spec.parameters.storageGB in body "
               "should be greater than or equal to 10")),
        (("--size", "small", "--set", "parameters.storageGB=5000"), "storageGB", 5000,
         "spec.parameters.storageGB",
         (422, "spec.parameters.storageGB in body should be less than or equal to 1000")),
        # server-side apply checks types and unknown fields before validation: HTTP 500
        (("--size", "small", "--set", "parameters.highAvailability=maybe"), "highAvailability",
         "maybe", "parameters.highAvailability: 'maybe' is not a boolean",
         (500, ".spec.parameters.highAvailability: expected boolean")),
        (("--size", "small", "--set", "parameters.replicas=2"), "replicas", 2,
         "parameters.replicas",
         (500, ".spec.parameters.replicas: field not declared in schema")),
    ],
    ids=["enum", "enum-provider", "minimum", "maximum", "type", "unknown-field"],
)  # fmt: skip
def test_local_validation_rejects_what_the_server_rejects(  # noqa: ANN001
    cli, kube: Kube, args, field, value, local, server
) -> None:
    from kubernetes.client.exceptions import ApiException

    r = provision(cli, "db", "orders-db", *args, "--no-wait")
    assert r.exit_code == 2, r.output
    assert local in r.stderr
    assert kube.get(DB, "orders-db") is None  # nothing was sent
    # the same value, sent straight to the server, is refused there too
    good = json.loads(cli("provision", "db", "orders-db", "--size", "small", "-o", "json").stdout)
    good["spec"]["parameters"][field] = value
    with pytest.raises(ApiException) as info:
        kube.apply(DB, good, "direct", dry_run="All")
    status, fragment = server
    assert info.value.status == status, info.value.body
    assert fragment in status_body(info.value)["message"]


def test_a_rule_only_the_server_checks_reaches_the_user_as_one_line(
    cli,  # noqa: ANN001
    kube: Kube,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PLATFORMCTL_PLATFORM", str(PLATFORM))
    r = provision(cli, "gdb", "big", "--size", "large", "--no-wait")
    assert r.exit_code == 1, r.output
    errors = [line for line in r.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: the API server rejected the claim: spec.parameters: Invalid value: "
        "a large database must set highAvailability to true"
    ], r.stderr
    assert "Traceback" not in r.output
    assert kube.get("guardeddatabaseclaims", "big") is None
    ok = provision(cli, "gdb", "big", "--size", "large", "--high-availability", "--no-wait")
    assert ok.exit_code == 0, ok.output


def test_a_field_the_clusters_xrd_lacks_is_a_rejection_not_a_server_error(
    cli,  # noqa: ANN001
    kube: Kube,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Server-side apply answers HTTP 500 for a field the CRD does not declare; that is the
    claim being refused (exit 1, the field named), not a broken server (exit 3, 'retry')."""
    monkeypatch.setenv("PLATFORMCTL_PLATFORM", str(PLATFORM))
    r = provision(cli, "gdb", "db1", "--size", "small", "--backup-days", "7", "--no-wait")
    assert r.exit_code == 1, r.output
    assert r.stderr.splitlines()[0] == (
        "error: the API server rejected the claim: .spec.parameters.backupDays: field not "
        "declared in schema"
    )
    assert "hint: the cluster's XRD differs from the local one?" in r.stderr
    assert kube.get("guardeddatabaseclaims", "db1") is None


def test_dry_run_is_the_servers_and_creates_nothing(cli, kube: Kube) -> None:  # noqa: ANN001
    r = provision(cli, "db", "orders-db", "--size", "small", "--dry-run")
    assert r.exit_code == 0, r.output
    assert "created (server dry run)" in r.stderr
    assert kube.get(DB, "orders-db") is None
    assert provision(cli, "db", "orders-db", "--size", "small", "--no-wait").exit_code == 0
    rv = kube.get(DB, "orders-db")["metadata"]["resourceVersion"]
    r = provision(cli, "db", "orders-db", "--size", "large", "--dry-run")
    assert r.exit_code == 0 and "configured (server dry run)" in r.stderr, r.output
    after = kube.get(DB, "orders-db")
    assert after["metadata"]["resourceVersion"] == rv
    assert after["spec"]["parameters"]["size"] == "small"


def test_waits_for_ready_and_reads_the_connection_secret(cli, kube: Kube) -> None:  # noqa: ANN001
    def steps() -> None:
        kube.set_status(DB, "orders-db", [cond("Synced", "True", "ReconcileSuccess"),
                                          cond("Ready", "False", "Creating")])  # fmt: skip
        time.sleep(1.5)  # long enough for a poll on a busy machine to see Creating
        kube.write_secret("orders-db-connection", SECRET)
        kube.set_status(DB, "orders-db", [cond("Synced", "True", "ReconcileSuccess"),
                                          cond("Ready", "True", "Available")])  # fmt: skip

    with crossplane(kube, "orders-db", steps):
        r = provision(cli, "db", "orders-db", "--size", "medium", "--wait", "--timeout", "60s")
    assert r.exit_code == 0, r.output
    assert "Synced=True Ready=False" in r.stderr
    assert f"DatabaseClaim/{kube.namespace}/orders-db is Ready" in r.stderr
    assert f"connection secret: {kube.namespace}/orders-db-connection" in r.stdout
    assert "keys: database, host, password, port, username" in r.stdout
    assert "s3cret" not in r.output
    listed = json.loads(cli("provision", "list", "--format", "json").stdout)["claims"]
    assert [(c["name"], c["ready"], c["synced"]) for c in listed] == [("orders-db", "True", "True")]


def test_ready_false_with_a_failure_reason_fails_fast(cli, kube: Kube) -> None:  # noqa: ANN001
    message = "async create failed: quota exceeded for db.m6g.xlarge in eu-west-1"

    def steps() -> None:
        kube.set_status(
            DB,
            "orders-db",
            [
                cond("Synced", "True", "ReconcileSuccess"),
                cond("Ready", "False", "AsyncCreateFailure", message),
            ],
        )

    started = time.monotonic()
    with crossplane(kube, "orders-db", steps):
        r = provision(cli, "db", "orders-db", "--size", "medium", "--wait", "--timeout", "120s")
    assert r.exit_code == 1, r.output
    assert time.monotonic() - started < 60  # failed on the condition, not on the timeout
    assert (
        f"error: DatabaseClaim/{kube.namespace}/orders-db: Ready=False (AsyncCreateFailure): "
        f"{message}" in r.stderr
    )
    assert "not Ready after" not in r.stderr


def test_timeout_prints_the_post_mortem(cli, kube: Kube) -> None:  # noqa: ANN001
    def steps() -> None:
        kube.set_status(DB, "orders-db", [cond("Synced", "True", "ReconcileSuccess"),
                                          cond("Ready", "False", "Creating",
                                               "waiting for the composite resource")])  # fmt: skip
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        kube.core().create_namespaced_event(
            kube.namespace,
            {
                "apiVersion": "v1",
                "kind": "Event",
                "metadata": {"name": "orders-db.1", "namespace": kube.namespace},
                "involvedObject": {
                    "apiVersion": "platform.example.com/v1alpha1", "kind": "DatabaseClaim",
                    "name": "orders-db", "namespace": kube.namespace,
                },
                "reason": "ConfigureCompositeResource",
                "message": "Successfully applied composite resource",
                "type": "Normal",
                "firstTimestamp": now,
                "lastTimestamp": now,
                "source": {"component": "crossplane"},
            },
        )  # fmt: skip

    with crossplane(kube, "orders-db", steps):
        r = provision(cli, "db", "orders-db", "--size", "medium", "--wait", "--timeout", "5s")
    assert r.exit_code == 1, r.output
    assert "not Ready after 5s" in r.stderr and "post-mortem" in r.stderr
    assert f"DatabaseClaim/{kube.namespace}/orders-db: Synced=True Ready=False" in r.stderr
    assert "Ready=False Creating: waiting for the composite resource" in r.stderr
    assert "ConfigureCompositeResource: Successfully applied composite resource" in r.stderr


def test_delete_removes_the_claim(cli, kube: Kube) -> None:  # noqa: ANN001
    assert provision(cli, "db", "orders-db", "--size", "small", "--no-wait").exit_code == 0
    refused = cli("provision", "delete", "orders-db")
    assert refused.exit_code == 2 and kube.get(DB, "orders-db") is not None
    deleted = cli("provision", "delete", "orders-db", "--yes")
    assert deleted.exit_code == 0, deleted.output
    assert kube.get(DB, "orders-db") is None
    gone = cli("provision", "status", "orders-db")
    assert gone.exit_code == 1 and "no claim named 'orders-db'" in gone.stderr


def test_a_missing_namespace_is_named(cli, kube: Kube) -> None:  # noqa: ANN001
    r = provision(cli, "db", "orders-db", "--size", "small", "-n", f"{kube.namespace}-x",
                  "--no-wait")  # fmt: skip
    assert r.exit_code == 3, r.output
    assert f"error: namespace {kube.namespace}-x does not exist on the cluster" in r.stderr


def test_rbac_is_asked_before_sending(cli, kube: Kube, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    from kubernetes import client

    developer = write_kubeconfig(
        tmp_path / "developer", kube.server.url, kube.server.ca,
        kube.server.tokens["developer"], kube.namespace,
    )  # fmt: skip
    monkeypatch.setenv("KUBECONFIG", str(developer))
    r = provision(cli, "db", "orders-db", "--size", "small", "--no-wait")
    assert r.exit_code == 3, r.output
    assert (
        f"forbidden: you may not create databaseclaims.platform.example.com in namespace "
        f"{kube.namespace}" in r.stderr
    )
    rbac = client.RbacAuthorizationV1Api(kube.server.api_client())
    rbac.create_namespaced_role(kube.namespace, {
        "metadata": {"name": "claims"},
        "rules": [{"apiGroups": ["platform.example.com"], "resources": [DB],
                   "verbs": ["get", "list", "create", "patch"]}],
    })  # fmt: skip
    rbac.create_namespaced_role_binding(kube.namespace, {
        "metadata": {"name": "claims"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "claims"},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User",
                      "name": "developer"}],
    })  # fmt: skip
    deadline = time.monotonic() + 30  # the RBAC authorizer's informer catches up
    while True:
        r = provision(cli, "db", "orders-db", "--size", "small", "--no-wait")
        if r.exit_code != 3 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert r.exit_code == 0, r.output
    assert "compositions are not readable" in r.stderr
    assert kube.get(DB, "orders-db") is not None


def test_the_real_server_keeps_the_contract_the_double_imitates(kube: Kube) -> None:
    from kubeapi import contract

    contract.check(kube.objects(), kube.namespace)
