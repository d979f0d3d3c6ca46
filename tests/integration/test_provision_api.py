"""`platformctl provision` in API mode: the real kubernetes client against the test API server."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
from pathlib import Path

import pytest
import yaml
from kubeapi.crossplane import FAIL_MESSAGE
from kubeapi.fixture import SRC, Kube, kube  # noqa: F401
from kubeapi.server import TOKEN, write_kubeconfig
from kubeapi.xcrd import crds_for

pytestmark = pytest.mark.integration

CLAIM = ("platform.example.com/v1alpha1", "DatabaseClaim")
FAST = ("--poll-interval", "0.02", "--settle", "0")


def provision(cli, *args: str):  # noqa: ANN001, ANN201
    return cli("provision", *args, *FAST)


def test_request_until_ready_prints_secret_keys_not_values(cli, kube: Kube) -> None:  # noqa: F811
    kube.install_database("ready")
    r = provision(cli, "db", "orders-db", "--size", "medium", "--wait", "--timeout", "10s")
    assert r.exit_code == 0, r.output
    assert "DatabaseClaim/default/orders-db created" in r.stderr
    assert (
        "Synced=True Ready=False" in r.stderr and "composite XDatabase/orders-db-x7k2p" in r.stderr
    )
    assert "DatabaseClaim/default/orders-db is Ready" in r.stderr
    assert "connection secret: default/orders-db-connection" in r.stdout
    assert "keys: database, host, password, port, username" in r.stdout
    assert "envFrom:" in r.stdout and "secretKeyRef:" in r.stdout
    assert "value-of-" not in r.output
    stored = kube.state.stored(*CLAIM, "orders-db", "default")
    assert stored is not None
    assert stored.managers["platformctl"][0] == "Apply"
    assert stored.obj["spec"]["parameters"] == {
        "size": "medium",
        "engine": "postgresql",
        "provider": "aws",
        "highAvailability": False,
    }
    patches = [r for r in kube.state.requests if r[0] == "PATCH"]
    assert patches and all(ct.startswith("application/apply-patch+yaml") for _, _, ct in patches)


def test_same_input_is_a_no_op_and_changes_patch(cli, kube: Kube) -> None:  # noqa: F811
    kube.install_database("never")
    kube.state.hooks.clear()  # no controller: every resourceVersion change is ours
    assert provision(cli, "db", "orders-db", "--size", "medium", "--no-wait").exit_code == 0
    rv = kube.state.get(*CLAIM, "orders-db", "default")["metadata"]["resourceVersion"]
    again = provision(cli, "db", "orders-db", "--size", "medium", "--no-wait")
    assert again.exit_code == 0 and "orders-db unchanged" in again.stderr
    assert kube.state.get(*CLAIM, "orders-db", "default")["metadata"]["resourceVersion"] == rv
    changed = provision(cli, "db", "orders-db", "--size", "large", "--no-wait")
    assert changed.exit_code == 0 and "orders-db configured" in changed.stderr
    assert kube.state.get(*CLAIM, "orders-db", "default")["spec"]["parameters"]["size"] == "large"


def test_conflict_with_another_manager_and_force(cli, kube: Kube) -> None:  # noqa: F811
    kube.install_database("never")
    assert provision(cli, "db", "orders-db", "--size", "medium", "--no-wait").exit_code == 0
    kube.state.update_field(
        *CLAIM, "orders-db", "default", ("spec", "parameters", "size"), "large", "kubectl-edit"
    )
    r = provision(cli, "db", "orders-db", "--size", "medium", "--no-wait")
    assert r.exit_code == 1
    assert "conflict" in r.stderr and ".spec.parameters.size (owned by kubectl-edit)" in r.stderr
    assert "--force-conflicts" in r.stderr
    forced = provision(cli, "db", "orders-db", "--size", "medium", "--no-wait", "--force-conflicts")
    assert forced.exit_code == 0, forced.output
    stored = kube.state.stored(*CLAIM, "orders-db", "default")
    assert stored.obj["spec"]["parameters"]["size"] == "medium"
    assert ("spec", "parameters", "size") not in stored.managers["kubectl-edit"][1]


def test_dry_run_uses_the_server_and_stores_nothing(cli, kube: Kube) -> None:  # noqa: F811
    kube.install_database("ready")
    r = provision(cli, "db", "orders-db", "--size", "small", "--dry-run")
    assert r.exit_code == 0, r.output
    assert "created (server dry run)" in r.stderr
    assert kube.state.get(*CLAIM, "orders-db", "default") is None


def test_failing_composed_resource_fails_fast_with_full_message(cli, kube: Kube) -> None:  # noqa: F811
    kube.install_database("fail")
    r = provision(cli, "db", "orders-db", "--size", "medium", "--wait", "--timeout", "30s")
    assert r.exit_code == 1
    assert "Instance/orders-db-x7k2p-rds" in r.stderr
    assert FAIL_MESSAGE in r.stderr  # the deepest resource's full message, not truncated
    assert "ReconcileError" in r.stderr


def test_flapping_readiness_is_not_success_until_it_holds(cli, kube: Kube) -> None:  # noqa: F811
    kube.install_database("flap")
    r = cli(
        "provision", "db", "orders-db", "--size", "medium", "--wait", "--timeout", "10s",
        "--poll-interval", "0.02", "--settle", "0.3s",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    lines = r.stderr.splitlines()
    ready_lines = [i for i, line in enumerate(lines) if "] Synced=True Ready=True" in line]
    flapped = [i for i, line in enumerate(lines) if "] Synced=True Ready=False" in line]
    # Ready, back to not Ready, Ready again: the flap was seen before success was declared
    assert len(ready_lines) == 2 and any(ready_lines[0] < i < ready_lines[1] for i in flapped)
    assert lines.index("DatabaseClaim/default/orders-db is Ready") > ready_lines[1]


def test_flapping_readiness_with_the_json_stream(cli, kube: Kube) -> None:  # noqa: F811
    kube.install_database("flap")
    r = cli(
        "provision", "db", "orders-db", "--size", "medium", "--wait", "--format", "json",
        "--poll-interval", "0.02", "--settle", "0.2s",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    events = [json.loads(line) for line in r.stdout.splitlines()]
    phases = [e["phase"] for e in events if e["event"] == "status"]
    assert phases[-3:] == ["ready", "progressing", "ready"] and events[-1]["event"] == "ready"


def test_bad_settle_and_timeout_values_name_the_option(cli, kube: Kube) -> None:  # noqa: F811
    kube.install_database("ready")
    r = cli("provision", "db", "orders-db", "--size", "medium", "--settle", "soon")
    assert r.exit_code == 2 and "error: --settle: invalid duration 'soon'" in r.stderr
    r = cli("provision", "db", "orders-db", "--size", "medium", "--timeout", "later")
    assert r.exit_code == 2 and "error: --timeout: invalid duration 'later'" in r.stderr
    assert kube.state.get(*CLAIM, "orders-db", "default") is None  # nothing was sent


def test_never_ready_times_out_with_post_mortem(cli, kube: Kube) -> None:  # noqa: F811
    kube.install_database("never")
    r = provision(cli, "db", "orders-db", "--size", "medium", "--wait", "--timeout", "0.3s")
    assert r.exit_code == 1
    assert "not Ready after" in r.stderr and "post-mortem" in r.stderr
    assert "XDatabase/orders-db-x7k2p: Synced=True Ready=False" in r.stderr
    assert "Successfully applied composite resource" in r.stderr  # recent events


def test_json_events_one_per_change(cli, kube: Kube) -> None:  # noqa: F811
    kube.install_database("ready")
    r = provision(cli, "db", "orders-db", "--size", "medium", "--wait", "--format", "json")
    assert r.exit_code == 0, r.output
    events = [json.loads(line) for line in r.stdout.splitlines()]
    kinds = [e["event"] for e in events]
    assert kinds[0] == "applied" and kinds[-1] == "ready" and "status" in kinds
    assert events[-1]["secret"]["keys"] == ["database", "host", "password", "port", "username"]
    assert "values" not in events[-1]["secret"]
    phases = [e["phase"] for e in events if e["event"] == "status"]
    assert phases[-1] == "ready" and len(phases) == len(
        {json.dumps(e) for e in events if e["event"] == "status"}
    )


def test_show_values_and_export_env(cli, kube: Kube, tmp_path: Path) -> None:  # noqa: F811
    kube.install_database("ready")
    env = tmp_path / "orders.env"
    r = provision(
        cli,
        "db",
        "orders-db",
        "--size",
        "small",
        "--wait",
        "--show-values",
        "--export-env",
        str(env),
    )
    assert r.exit_code == 0, r.output
    assert "password=value-of-password" in r.stdout
    assert stat.S_IMODE(os.stat(env).st_mode) == 0o600
    assert "PASSWORD=value-of-password" in env.read_text()


def test_missing_and_empty_secret_keys_warn(cli, kube: Kube) -> None:  # noqa: F811
    kube.install_database("empty-secret")
    r = provision(cli, "db", "orders-db", "--size", "small", "--wait")
    assert r.exit_code == 0, r.output
    assert "has no key database" in r.stderr and "empty values for host" in r.stderr


def test_forbidden_names_verb_resource_namespace(cli, kube: Kube) -> None:  # noqa: F811
    kube.install_database("ready")
    kube.state.deny("patch", "platform.example.com", "databaseclaims", "team-a")
    r = provision(cli, "db", "orders-db", "--size", "small", "-n", "team-a")
    assert r.exit_code == 3
    assert (
        "forbidden: you may not patch databaseclaims.platform.example.com in namespace team-a"
        in r.stderr
    )
    assert (
        provision(cli, "db", "orders-db", "--size", "small", "-n", "team-b", "--no-wait").exit_code
        == 0
    )


def test_crd_not_installed(cli, kube: Kube) -> None:  # noqa: F811
    r = provision(cli, "db", "orders-db", "--size", "small")
    assert r.exit_code == 3
    assert "the XRD xdatabases.platform.example.com is not installed" in r.stderr
    assert "ask the platform team" in r.stderr


def test_no_matching_composition(cli, kube: Kube) -> None:  # noqa: F811
    kube.install_database("ready", compositions=False)
    r = provision(cli, "db", "orders-db", "--size", "small", "--provider", "gcp")
    assert r.exit_code == 3
    assert (
        "no Composition for XDatabase matches the labels engine=postgresql,provider=gcp" in r.stderr
    )


def test_unauthorized_never_prints_the_token(cli, kube: Kube) -> None:  # noqa: F811
    kube.install_database("ready")
    kube.state.unauthorized = True
    r = cli("-v", "--debug", "provision", "db", "orders-db", "--size", "small")
    assert r.exit_code == 3
    assert "401" in r.stderr and "credentials" in r.stderr
    assert TOKEN not in r.output


def test_server_schema_rejection_is_exit_1_with_field_message(cli, kube: Kube) -> None:  # noqa: F811
    xrd = yaml.safe_load((SRC / "database" / "definition.yaml").read_text())
    schema = xrd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    schema["properties"]["spec"]["properties"]["parameters"]["properties"]["size"]["enum"] = [
        "small"
    ]  # the cluster's XRD is older than the local one
    claim_crd = crds_for(xrd)[1]
    kube.install_database(
        "ready", schema=claim_crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    )
    r = provision(cli, "db", "orders-db", "--size", "medium", "--no-wait")
    assert r.exit_code == 1
    assert 'rejected the claim: spec.parameters.size: Unsupported value: "medium"' in r.stderr


def test_field_the_clusters_xrd_lacks_is_exit_1_not_a_server_error(cli, kube: Kube) -> None:  # noqa: F811
    xrd = yaml.safe_load((SRC / "database" / "definition.yaml").read_text())
    parameters = xrd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]
    del parameters["properties"]["parameters"]["properties"]["storageGB"]  # an older XRD
    claim_crd = crds_for(xrd)[1]
    kube.install_database(
        "ready", schema=claim_crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    )
    r = provision(cli, "db", "orders-db", "--size", "small", "--storage-gb", "20", "--no-wait")
    assert r.exit_code == 1, r.output
    assert r.stderr.splitlines()[0] == (
        "error: the API server rejected the claim: .spec.parameters.storageGB: field not "
        "declared in schema"
    )
    assert "hint: the cluster's XRD differs from the local one?" in r.stderr
    assert kube.state.get(*CLAIM, "orders-db", "default") is None


def test_unreachable_tls_no_kubeconfig_bad_context(
    cli,
    kube: Kube,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    closed = write_kubeconfig(tmp_path / "closed", f"http://127.0.0.1:{port}")
    r = provision(cli, "db", "x", "--size", "small", "--kubeconfig", str(closed))
    assert r.exit_code == 3 and "cannot reach the Kubernetes API server" in r.stderr
    tls = write_kubeconfig(tmp_path / "tls", kube.url.replace("http://", "https://"))
    r = provision(cli, "db", "x", "--size", "small", "--kubeconfig", str(tls))
    assert r.exit_code == 3 and "TLS failure" in r.stderr
    r = provision(cli, "db", "x", "--size", "small", "--context", "nope")
    assert (
        r.exit_code == 3 and "context 'nope' not found" in r.stderr and "test, team-b" in r.stderr
    )
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "missing"))
    r = provision(cli, "db", "x", "--size", "small")
    assert r.exit_code == 3 and "no kubeconfig found" in r.stderr and "--gitops" in r.stderr


@pytest.mark.parametrize(
    "text",
    ["a: [\n", "- 1\n- 2\n", "apiVersion: v1\nkind: Config\ncontexts: 5\n", "#!/bin/sh\nx\n"],
)
def test_malformed_kubeconfig_is_an_environment_error(cli, tmp_path: Path, text: str) -> None:
    broken = tmp_path / "kubeconfig"
    broken.write_text(text)
    for args in (("db", "x", "--size", "small"), ("list",), ("status", "x"), ("delete", "x")):
        r = cli("provision", *args, "--kubeconfig", str(broken))
        assert r.exit_code == 3, (args, r.output)
        assert f"error: cannot read kubeconfig {broken}" in r.stderr
        assert "internal error" not in r.stderr and "Traceback" not in r.output


def test_export_env_waits_and_never_replaces_a_foreign_file(
    cli,
    kube: Kube,  # noqa: F811
    tmp_path: Path,
) -> None:
    kube.install_database("ready")
    env = tmp_path / "app.env"
    env.write_text("DEBUG=1\n")  # the user's own settings
    r = provision(cli, "db", "orders-db", "--size", "small", "--export-env", str(env))
    assert r.exit_code == 2 and "exists and was not written by platformctl" in r.stderr
    assert env.read_text() == "DEBUG=1\n"
    assert kube.state.get(*CLAIM, "orders-db", "default") is None  # refused before sending
    r = provision(cli, "db", "orders-db", "--size", "small", "--no-wait", "--export-env", "x.env")
    assert r.exit_code == 2 and "--no-wait" in r.stderr and "hint:" in r.stderr
    # no terminal, no --wait: --export-env still waits for Ready instead of silently skipping
    ours = tmp_path / "db.env"
    r = provision(cli, "db", "orders-db", "--size", "small", "--export-env", str(ours))
    assert r.exit_code == 0, r.output
    assert "PASSWORD=value-of-password" in ours.read_text()
    assert stat.S_IMODE(ours.stat().st_mode) == 0o600
    assert "value-of-" not in r.output
    again = provision(cli, "db", "orders-db", "--size", "small", "--export-env", str(ours))
    assert again.exit_code == 0, again.output  # platformctl's own file is refreshed
    status = cli("provision", "status", "orders-db", "--export-env", str(tmp_path / "s.env"))
    assert status.exit_code == 0 and (tmp_path / "s.env").is_file()
    assert "value-of-" not in status.output


def test_status_export_env_when_not_ready(cli, kube: Kube, tmp_path: Path) -> None:  # noqa: F811
    kube.install_database("never")
    assert provision(cli, "db", "orders-db", "--size", "small", "--no-wait").exit_code == 0
    r = cli("provision", "status", "orders-db", "--export-env", str(tmp_path / "s.env"))
    assert r.exit_code == 1 and "nothing written" in r.stderr and "is not Ready yet" in r.stderr
    assert not (tmp_path / "s.env").exists()


def test_context_namespace_is_used(cli, kube: Kube) -> None:  # noqa: F811
    kube.install_database("never")
    r = provision(cli, "db", "orders-db", "--size", "small", "--context", "team-b", "--no-wait")
    assert r.exit_code == 0, r.output
    assert kube.state.get(*CLAIM, "orders-db", "team-b") is not None


def test_output_uses_the_context_namespace_like_api_mode(cli, kube: Kube) -> None:  # noqa: F811
    kube.install_database("never")
    printed = cli(
        "provision", "db", "orders-db", "--size", "small", "--context", "team-b", "-o", "json"
    )
    assert printed.exit_code == 0, printed.output
    obj = json.loads(printed.stdout)
    assert obj["metadata"]["namespace"] == "team-b"
    r = provision(cli, "db", "orders-db", "--size", "small", "--context", "team-b", "--no-wait")
    assert r.exit_code == 0, r.output
    stored = kube.state.get(*CLAIM, "orders-db", "team-b")
    # the printed claim is exactly what was sent, request id included
    assert stored["metadata"]["annotations"] == obj["metadata"]["annotations"]


def test_missing_namespace_is_named(cli, kube: Kube) -> None:  # noqa: F811
    kube.install_database("never")
    kube.state.namespaces = {"default"}
    r = provision(cli, "db", "orders-db", "--size", "small", "-n", "nowhere", "--no-wait")
    assert r.exit_code == 3, r.output
    assert "error: namespace nowhere does not exist on the cluster (context test)" in r.stderr
    assert "hint: pass -n NAMESPACE with an existing namespace" in r.stderr


def test_status_list_delete(cli, kube: Kube) -> None:  # noqa: F811
    kube.install_database("ready")
    assert provision(cli, "db", "orders-db", "--size", "small", "--wait").exit_code == 0
    st = cli("provision", "status", "orders-db")
    assert st.exit_code == 0, st.output
    assert "DatabaseClaim/default/orders-db: ready" in st.stdout and "request: req-" in st.stdout
    assert "Instance/orders-db-x7k2p-rds: Synced=True Ready=True" in st.stdout
    assert "keys: database, host, password, port, username" in st.stdout
    js = json.loads(cli("provision", "status", "orders-db", "--format", "json").stdout)
    assert js["phase"] == "ready" and js["secret"]["name"] == "orders-db-connection"
    ls = cli("provision", "list", "--format", "json")
    rows = json.loads(ls.stdout)["claims"]
    assert rows == [
        {
            "type": "database",
            "kind": "DatabaseClaim",
            "namespace": "default",
            "name": "orders-db",
            "ready": "True",
            "synced": "True",
            "age": rows[0]["age"],
            "secret": "default/orders-db-connection",
        }
    ]
    table = cli("provision", "list")
    assert "DatabaseClaim" in table.stdout and "orders-db" in table.stdout
    refused = cli("provision", "delete", "orders-db")
    assert refused.exit_code == 2 and "--yes" in refused.stderr
    assert "error: not deleting DatabaseClaim/default/orders-db without a confirmation" in (
        refused.stderr
    )
    assert "hint: pass --yes to delete it" in refused.stderr
    assert kube.state.get(*CLAIM, "orders-db", "default") is not None
    deleted = cli("provision", "delete", "orders-db", "--yes")
    assert deleted.exit_code == 0 and kube.state.get(*CLAIM, "orders-db", "default") is None
    assert cli("provision", "status", "orders-db").exit_code == 1


def test_v2_composite_is_requested_directly(cli, kube: Kube) -> None:  # noqa: F811
    kube.install_service_infra("ready")
    r = provision(cli, "infra", "shop", "--service-name", "shop", "--database-enabled", "--wait")
    assert r.exit_code == 0, r.output
    obj = kube.state.get("platform.example.com/v1alpha1", "ServiceInfra", "shop", "default")
    assert obj["spec"]["database"] == {"enabled": True, "type": "postgresql", "size": "small"}
    assert "crossplane" in obj["spec"] and "writeConnectionSecretToRef" not in obj["spec"]
    assert "connection secret: default/shop-connection" in r.stdout


def test_default_composition_ref_must_exist(cli, kube: Kube) -> None:  # noqa: F811
    kube.install_service_infra("ready", compositions=False)
    r = provision(cli, "infra", "shop", "--service-name", "shop", "--no-wait")
    assert r.exit_code == 3
    assert (
        "error: the Composition serviceinfras-default (the XRD's defaultCompositionRef) "
        "does not exist on the cluster" in r.stderr
    )
    assert "hint: ask the platform team" in r.stderr
    assert (
        kube.state.get("platform.example.com/v1alpha1", "ServiceInfra", "shop", "default") is None
    )
    kube.add_composition("XDatabase", {}, name="serviceinfras-default")  # wrong composite kind
    r = provision(cli, "infra", "shop", "--service-name", "shop", "--no-wait")
    assert r.exit_code == 3 and "composes XDatabase, not ServiceInfra" in r.stderr
    kube.state.deny("get", "apiextensions.crossplane.io", "compositions")
    r = cli("-v", "provision", "infra", "shop", "--service-name", "shop", "--no-wait", *FAST)
    assert r.exit_code == 0, r.output
    assert "compositions are not readable with your credentials; not checked" in r.stderr


def test_default_composition_ref_found(cli, kube: Kube) -> None:  # noqa: F811
    kube.install_service_infra("never")
    r = cli("-v", "provision", "infra", "shop", "--service-name", "shop", "--no-wait", *FAST)
    assert r.exit_code == 0, r.output
    assert "compositions: serviceinfras-default" in r.stderr


def test_composition_ref_set_by_the_user_must_exist(cli, kube: Kube) -> None:  # noqa: F811
    kube.install_database("never")
    r = provision(
        cli, "db", "orders-db", "--size", "small", "--set", "compositionRef.name=xdb-custom"
    )
    assert r.exit_code == 3, r.output
    assert "the Composition xdb-custom (the claim's compositionRef) does not exist" in r.stderr
    assert "--set compositionRef.name=NAME" in r.stderr
    kube.add_composition("XDatabase", {}, name="xdb-custom")
    r = provision(
        cli, "db", "orders-db", "--size", "small", "--set", "compositionRef.name=xdb-custom"
    )
    assert r.exit_code == 0, r.output


def test_verbose_preflight_and_unreadable_compositions(cli, kube: Kube) -> None:  # noqa: F811
    kube.install_database("never")
    r = cli("-v", "provision", "db", "orders-db", "--size", "small", "--no-wait", *FAST)
    assert r.exit_code == 0, r.output
    assert (
        "preflight: databaseclaims.platform.example.com served; allowed: create, patch" in r.stderr
    )
    assert "compositions: xdatabase-aws-postgresql" in r.stderr
    kube.state.deny("list", "apiextensions.crossplane.io", "compositions")
    r = provision(cli, "db", "other-db", "--size", "small", "--no-wait")
    assert r.exit_code == 0 and "compositions are not readable" in r.stderr


def test_status_follows_a_gitops_request(cli, kube: Kube, git_repo: Path) -> None:  # noqa: F811
    import threading

    kube.install_database("ready")
    r = cli("provision", "db", "orders-db", "--size", "small", "--gitops", "--repo", str(git_repo))
    assert r.exit_code == 0, r.output
    shown = subprocess.run(
        ["git", "-C", str(git_repo), "show", "provision/databaseclaim-orders-db:"
         "infra/claims/databaseclaim-orders-db.yaml"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    doc = yaml.safe_load(shown)  # committed on its branch; the checkout is back on main
    request_id = doc["metadata"]["annotations"]["platformctl.io/request-id"]
    # the GitOps controller applies the merged file a little later
    timer = threading.Timer(1.0, lambda: kube.state.put(doc, "argocd-controller"))
    timer.start()
    try:
        st = cli(
            "provision",
            "status",
            "orders-db",
            "--wait",
            "--request-id",
            request_id,
            "--timeout",
            "10s",
            *FAST,
        )
    finally:
        timer.cancel()
    assert st.exit_code == 0, st.output
    assert "not on the cluster yet" in st.stderr and "is Ready" in st.stderr
    assert "connection secret: default/orders-db-connection" in st.stdout
    missing = cli("provision", "status", "nothing", "--wait", "--timeout", "0.2s", *FAST)
    assert missing.exit_code == 1 and "did not appear" in missing.stderr


def test_record_in_api_mode_keeps_comments(
    cli,
    kube: Kube,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kube.install_database("ready")
    catalog = tmp_path / "catalog-info.yaml"
    catalog.write_text(
        "# orders service\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n"
        "  name: orders  # keep me\nspec:\n  type: service\n  lifecycle: production\n"
        "  owner: team-a\n"
    )
    monkeypatch.chdir(tmp_path)
    r = provision(cli, "db", "orders-db", "--size", "small", "--wait", "--record")
    assert r.exit_code == 0, r.output
    text = catalog.read_text()
    assert text.startswith("# orders service\n") and "name: orders  # keep me" in text
    assert "dependsOn:\n    - resource:default/orders-db" in text
    assert "kind: Resource" in text and "owner: team-a" in text
    assert provision(cli, "db", "x", "--size", "small", "--no-wait", "--no-record").exit_code == 0
    assert "name: x\n" not in catalog.read_text()


def test_no_claim_type_installed_is_said_plainly(cli, kube: Kube) -> None:  # noqa: F811
    for args in (("list",), ("list", "--format", "json"), ("status", "orders-db")):
        r = cli("provision", *args)
        assert r.exit_code == 3, (args, r.output)
        assert "the cluster serves none of" in r.stderr and "(context test)" in r.stderr
        assert "hint: check --context" in r.stderr
    kube.install_database("never")
    assert cli("provision", "list").exit_code == 0  # installed, just empty
    r = cli("provision", "status", "orders-db")
    assert r.exit_code == 1 and "no claim named 'orders-db'" in r.stderr


def test_deleting_a_gitops_applied_claim_warns(cli, kube: Kube) -> None:  # noqa: F811
    kube.install_database("never")
    printed = cli("provision", "db", "orders-db", "--size", "small", "-o", "json")
    kube.state.put(json.loads(printed.stdout), "argocd-controller")  # applied by Argo CD
    r = cli("provision", "delete", "orders-db", "--yes")
    assert r.exit_code == 0, r.output
    assert "is applied by Argo CD (argocd-controller)" in r.stderr
    assert "platformctl provision delete orders-db --gitops" in r.stderr


def test_status_and_delete_take_type_name_like_create_and_kubectl(cli, kube: Kube) -> None:  # noqa: F811
    """Issue 9 #11: `provision status db mydb` was "unexpected extra argument"."""
    kube.install_database("ready")
    assert provision(cli, "db", "orders-db", "--size", "small", "--wait").exit_code == 0
    for args in (["db", "orders-db"], ["database", "orders-db"], ["orders-db"]):
        st = cli("provision", "status", *args)
        assert st.exit_code == 0, (args, st.output)
        assert "DatabaseClaim/default/orders-db: ready" in st.stdout
    assert cli("provision", "status", "-t", "db", "orders-db").exit_code == 0
    both = cli("provision", "status", "cache", "orders-db", "-t", "db")
    assert both.exit_code == 2 and "error: claim type given twice: cache and -t db" in both.stderr
    unknown = cli("provision", "status", "dbx", "orders-db")
    assert unknown.exit_code == 2 and "unknown claim type 'dbx'" in unknown.stderr
    extra = cli("provision", "status", "db", "orders-db", "more")
    assert extra.exit_code == 2 and "takes [TYPE] NAME" in extra.stderr
    deleted = cli("provision", "delete", "db", "orders-db", "--yes")
    assert deleted.exit_code == 0, deleted.output
    assert kube.state.get(*CLAIM, "orders-db", "default") is None


def test_terminal_checks_the_cluster_serves_the_claim_before_asking(
    cli,
    kube: Kube,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 9, defect 3: the questions came first, the cluster's verdict after them."""
    from platformctl.cli import app as app_mod
    from platformctl.cli import prompts

    monkeypatch.setattr(app_mod.AppContext, "interactive", property(lambda self: True))
    asked: list[str] = []
    monkeypatch.setattr(prompts, "select", lambda message, choices: asked.append(message) or "x")
    monkeypatch.setattr(
        prompts, "text", lambda message, validate=None: asked.append(message) or "x"
    )
    r = provision(cli, "db")  # the XRD is not installed on this cluster
    assert r.exit_code == 3, r.output
    assert "does not serve DatabaseClaim" in r.stderr
    assert asked == []
