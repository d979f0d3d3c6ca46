"""The real Kubernetes API server for `-m kube` tests (started once per session).

`nox -s kube` builds two upstream binaries from pinned Go modules (see go/go.mod): kube-apiserver
(k8s.io/kubernetes/cmd/kube-apiserver, which embeds the CRD server k8s.io/apiextensions-apiserver
and serves core/v1, RBAC and authorization too) and etcd (go.etcd.io/etcd/server/v3).  This
fixture starts etcd and kube-apiserver on free ports of 127.0.0.1 with a throwaway CA, serving
certificate, service-account key, static tokens and etcd data in pytest's temporary directory,
and stops both process groups at the end of the session.

Users (static tokens): ``admin`` (group system:masters) for setup and most tests, ``developer``
(no RBAC bindings but those the test creates).

Skipped, with a message, only when PLATFORMCTL_KUBE_IT is unset *and* the binaries are absent;
with PLATFORMCTL_KUBE_IT set (as in CI) a missing or broken server is a failure.
"""

from __future__ import annotations

import itertools
import json
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from kubeapi.xcrd import COMPOSITION_CRD, crds_for

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
DEFAULT_BIN = ROOT / ".nox" / "kube-build" / "bin"
CLAIM_TYPES = ROOT / "src" / "platformctl" / "defaults" / "claim-types"
PLATFORM = HERE / "platform"  # a test platform: one claim type whose XRD has a CEL rule
START_TIMEOUT = 180.0  # a cold kube-apiserver on a busy 2-core machine takes ~10-40 s


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(*args: str, cwd: Path) -> None:
    subprocess.run(args, cwd=cwd, check=True, capture_output=True)


def _certificates(folder: Path) -> None:
    """A CA, a serving certificate for 127.0.0.1 and a service-account key pair (openssl)."""
    folder.mkdir()
    (folder / "server.ext").write_text(
        "subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\n"
        "extendedKeyUsage=serverAuth\nkeyUsage=digitalSignature,keyEncipherment\n"
    )
    _run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
         "-subj", "/CN=platformctl-test-ca", cwd=folder)  # fmt: skip
    _run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=kube-apiserver",
         cwd=folder)  # fmt: skip
    _run("openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
         "-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile", "server.ext",
         cwd=folder)  # fmt: skip
    _run("openssl", "genrsa", "-out", "sa.key", "2048", cwd=folder)
    _run("openssl", "rsa", "-in", "sa.key", "-pubout", "-out", "sa.pub", cwd=folder)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-4000:] if log.exists() else ""


def _wait_ready(
    url: str, token: str, ca: Path, procs: list[tuple[subprocess.Popen[bytes], Path]]
) -> None:
    context = ssl.create_default_context(cafile=str(ca))
    deadline = time.monotonic() + START_TIMEOUT
    last = ""
    while time.monotonic() < deadline:
        for proc, log in procs:
            if proc.poll() is not None:
                pytest.fail(
                    f"{proc.args[0]} exited with {proc.returncode} before the API server was "
                    f"ready:\n{_tail(log)}"
                )
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
        try:
            with urllib.request.urlopen(request, timeout=5, context=context) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError as exc:
            last = str(exc)
        time.sleep(0.25)
    pytest.fail(f"{url} not ready after {START_TIMEOUT:.0f}s ({last}):\n{_tail(procs[-1][1])}")


def write_kubeconfig(
    path: Path, url: str, ca: Path, token: str, namespace: str = "default"
) -> Path:
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {"name": "real", "cluster": {"server": url, "certificate-authority": str(ca)}}
        ],
        "users": [{"name": "user", "user": {"token": token}}],
        "contexts": [
            {"name": "real", "context": {"cluster": "real", "user": "user", "namespace": namespace}}
        ],
        "current-context": "real",
    }
    path.write_text(yaml.safe_dump(config))
    return path


@dataclass
class Server:
    url: str
    ca: Path
    tokens: dict[str, str]  # user -> token
    work: Path
    started_in: float
    crds: list[str] = field(default_factory=list)  # names of the CRDs installed for the session

    def api_client(self, user: str = "admin") -> Any:
        from kubernetes import client

        configuration = client.Configuration()
        configuration.host = self.url
        configuration.ssl_ca_cert = str(self.ca)
        configuration.api_key = {"authorization": f"Bearer {self.tokens[user]}"}
        return client.ApiClient(configuration)


def _binaries() -> tuple[Path, Path] | None:
    folder = Path(os.environ.get("PLATFORMCTL_KUBE_BIN") or DEFAULT_BIN)
    apiserver, etcd = folder / "kube-apiserver", folder / "etcd"
    if apiserver.is_file() and etcd.is_file():
        return apiserver, etcd
    return None


@pytest.fixture(scope="session")
def kube_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    found = _binaries()
    if found is None:
        where = os.environ.get("PLATFORMCTL_KUBE_BIN") or DEFAULT_BIN
        if not os.environ.get("PLATFORMCTL_KUBE_IT"):
            pytest.skip(f"no kube-apiserver and etcd in {where}: run `nox -s kube`")
        pytest.fail(f"PLATFORMCTL_KUBE_IT is set but {where} has no kube-apiserver and etcd")
    apiserver, etcd = found
    work = tmp_path_factory.mktemp("kube")
    certs = work / "certs"
    _certificates(certs)
    tokens = {"admin": secrets.token_urlsafe(24), "developer": secrets.token_urlsafe(24)}
    (work / "tokens.csv").write_text(
        f'{tokens["admin"]},admin,uid-admin,"system:masters"\n'
        f"{tokens['developer']},developer,uid-developer\n"
    )
    etcd_client, etcd_peer, port = _free_port(), _free_port(), _free_port()
    etcd_log, apiserver_log = work / "etcd.log", work / "kube-apiserver.log"
    procs: list[tuple[subprocess.Popen[bytes], Path]] = []
    started = time.monotonic()
    try:
        with etcd_log.open("wb") as out:
            procs.append(
                (
                    subprocess.Popen(
                        [
                            str(etcd),
                            "--name",
                            "test",
                            "--data-dir",
                            str(work / "etcd"),
                            "--listen-client-urls",
                            f"http://127.0.0.1:{etcd_client}",
                            "--advertise-client-urls",
                            f"http://127.0.0.1:{etcd_client}",
                            "--listen-peer-urls",
                            f"http://127.0.0.1:{etcd_peer}",
                            "--initial-advertise-peer-urls",
                            f"http://127.0.0.1:{etcd_peer}",
                            "--initial-cluster",
                            f"test=http://127.0.0.1:{etcd_peer}",
                            "--unsafe-no-fsync",
                            "--log-level",
                            "warn",
                        ],  # fmt: skip
                        stdout=out,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    ),
                    etcd_log,
                )
            )
        with apiserver_log.open("wb") as out:
            procs.append(
                (
                    subprocess.Popen(
                        [
                            str(apiserver),
                            f"--etcd-servers=http://127.0.0.1:{etcd_client}",
                            "--bind-address=127.0.0.1",
                            "--advertise-address=127.0.0.1",
                            "--endpoint-reconciler-type=none",  # no Endpoints for 127.0.0.1
                            f"--secure-port={port}",
                            f"--cert-dir={certs}",
                            f"--tls-cert-file={certs / 'server.crt'}",
                            f"--tls-private-key-file={certs / 'server.key'}",
                            f"--token-auth-file={work / 'tokens.csv'}",
                            "--authorization-mode=RBAC",
                            "--service-account-issuer=https://kubernetes.default.svc",
                            f"--service-account-key-file={certs / 'sa.pub'}",
                            f"--service-account-signing-key-file={certs / 'sa.key'}",
                            "--service-cluster-ip-range=10.0.0.0/24",
                            "--disable-admission-plugins=ServiceAccount",
                            "--enable-priority-and-fairness=false",
                            "--v=0",
                        ],
                        stdout=out,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    ),
                    apiserver_log,
                )
            )
        url = f"https://127.0.0.1:{port}"
        _wait_ready(f"{url}/readyz", tokens["admin"], certs / "ca.crt", procs)
        server = Server(url, certs / "ca.crt", tokens, work, time.monotonic() - started)
        _wait_for_default_namespace(server)
        sys.stderr.write(f"\nkube-apiserver ready on {url} in {server.started_in:.1f}s\n")
        yield server
    finally:
        for proc, _log in reversed(procs):
            _stop(proc)
        # etcd preallocates 64 MB WAL files; pytest keeps its last temp dirs, the logs suffice
        shutil.rmtree(work / "etcd", ignore_errors=True)


def _wait_for_default_namespace(server: Server) -> None:
    """The bootstrap controller creates `default` a moment after /readyz."""
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    core = client.CoreV1Api(server.api_client())
    deadline = time.monotonic() + 60
    while True:
        try:
            core.read_namespace("default")
            return
        except ApiException as exc:
            if exc.status != 404 or time.monotonic() > deadline:
                raise
        time.sleep(0.2)


def wait_established(server: Server, names: list[str], timeout: float = 60.0) -> None:
    from kubernetes import client

    ext = client.ApiextensionsV1Api(server.api_client())
    deadline = time.monotonic() + timeout
    pending = list(names)
    while pending:
        crd = ext.read_custom_resource_definition(pending[0])
        conditions = {c.type: c.status for c in (crd.status.conditions or [])}
        if conditions.get("Established") == "True":
            pending.pop(0)
            continue
        if time.monotonic() > deadline:
            pytest.fail(f"CRD {pending[0]} not Established after {timeout:.0f}s: {conditions}")
        time.sleep(0.1)


def install_crds(server: Server, docs: list[dict[str, Any]]) -> list[str]:
    """Create (or server-side apply) CRDs and wait until each is Established."""
    from kubernetes import client

    api = server.api_client()
    ext = client.ApiextensionsV1Api(api)
    names = []
    for doc in docs:
        ext.patch_custom_resource_definition(
            doc["metadata"]["name"],
            doc,
            field_manager="crossplane-stand-in",
            force=True,
            _content_type="application/apply-patch+yaml",
        )
        names.append(doc["metadata"]["name"])
    wait_established(server, names)
    return names


def shipped_xrds() -> list[Path]:
    return sorted(CLAIM_TYPES.glob("*/definition.yaml"))


@pytest.fixture(scope="session")
def kube_crds(kube_server: Server) -> Server:
    """Every shipped XRD's CRDs, the test platform's, Compositions and the database's
    Compositions, installed once per session."""
    from kubernetes import client

    docs: list[dict[str, Any]] = [COMPOSITION_CRD]
    for path in shipped_xrds():
        docs.extend(crds_for(yaml.safe_load(path.read_text())))
    # the cluster runs an older revision of the test platform's XRD: no parameters.backupDays
    guarded = yaml.safe_load((PLATFORM / "guarded-database.yaml").read_text())
    schema = guarded["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    del schema["properties"]["spec"]["properties"]["parameters"]["properties"]["backupDays"]
    docs.extend(crds_for(guarded))
    kube_server.crds = install_crds(kube_server, docs)
    objects = client.CustomObjectsApi(kube_server.api_client())
    compositions = [
        ("XDatabase", {"provider": provider, "engine": engine}, None)
        for provider in ("aws", "gcp", "azure")
        for engine in ("postgresql", "mysql")
    ] + [
        ("XGuardedDatabase", {"provider": "aws", "engine": "postgresql"}, None),
        ("XCache", {"provider": "aws"}, None),
        ("XBucket", {"provider": "aws"}, None),
        ("ServiceInfra", {}, "serviceinfras-default"),
    ]
    for kind, labels, name in compositions:
        body = {
            "apiVersion": "apiextensions.crossplane.io/v1",
            "kind": "Composition",
            "metadata": {
                "name": name or f"{kind.lower()}-{'-'.join(labels.values())}",
                "labels": labels,
            },
            "spec": {
                "compositeTypeRef": {"apiVersion": "platform.example.com/v1alpha1", "kind": kind}
            },
        }
        objects.create_cluster_custom_object(
            "apiextensions.crossplane.io", "v1", "compositions", body
        )
    return kube_server


_namespaces = itertools.count(1)


@dataclass
class Kube:
    """One test's view of the session server: its own namespace and a kubeconfig for it."""

    server: Server
    namespace: str
    kubeconfig: Path

    def objects(self, user: str = "admin") -> Any:
        from kubernetes import client

        return client.CustomObjectsApi(self.server.api_client(user))

    def core(self) -> Any:
        from kubernetes import client

        return client.CoreV1Api(self.server.api_client())

    def get(self, plural: str, name: str) -> dict[str, Any] | None:
        from kubernetes.client.exceptions import ApiException

        try:
            return self.objects().get_namespaced_custom_object(
                "platform.example.com", "v1alpha1", self.namespace, plural, name
            )
        except ApiException as exc:
            if exc.status == 404:
                return None
            raise

    def apply(self, plural: str, body: dict[str, Any], manager: str, **kw: Any) -> dict[str, Any]:
        """Server-side apply as ``manager``. Read raw: the generated client maps only HTTP 200
        of a PATCH to a body, and an apply that creates answers 201."""
        response = self.objects().patch_namespaced_custom_object(
            "platform.example.com", "v1alpha1", self.namespace, plural,
            body["metadata"]["name"], body, field_manager=manager,
            _content_type="application/apply-patch+yaml", _preload_content=False, **kw,
        )  # fmt: skip
        return dict(json.loads(response.data))

    def set_status(self, plural: str, name: str, conditions: list[dict[str, str]]) -> None:
        """What Crossplane does: write conditions through the /status subresource."""
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        self.objects().patch_namespaced_custom_object_status(
            "platform.example.com", "v1alpha1", self.namespace, plural, name,
            {"status": {"conditions": [{"lastTransitionTime": now, **c} for c in conditions]}},
        )  # fmt: skip

    def write_secret(self, name: str, data: dict[str, str]) -> None:
        import base64

        self.core().create_namespaced_secret(
            self.namespace,
            {
                "apiVersion": "v1",
                "kind": "Secret",
                "metadata": {"name": name},
                "type": "connection.crossplane.io/v1alpha1",
                "data": {k: base64.b64encode(v.encode()).decode() for k, v in data.items()},
            },
        )


@pytest.fixture
def kube(kube_crds: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Kube]:
    """A fresh namespace on the session server; KUBECONFIG points at it (user admin)."""
    namespace = f"t{next(_namespaces)}-{secrets.token_hex(3)}"
    core = Kube(kube_crds, namespace, tmp_path).core()
    core.create_namespace(
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}}
    )
    kubeconfig = write_kubeconfig(
        tmp_path / "kubeconfig", kube_crds.url, kube_crds.ca, kube_crds.tokens["admin"], namespace
    )
    monkeypatch.setenv("KUBECONFIG", str(kubeconfig))
    yield Kube(kube_crds, namespace, kubeconfig)


def status_body(exc: Any) -> dict[str, Any]:
    """The Status object of an ApiException."""
    return json.loads(exc.body)
