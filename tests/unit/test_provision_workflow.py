"""The provisioning workflow used from Python, without a terminal: option checks, the catalog
record target, the events of the connection secret, GitOps controller markers."""

from __future__ import annotations

import base64
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from platformctl.core.errors import UsageError
from platformctl.core.provision import follow, manage, request, status


def test_gitops_mode_refuses_api_options() -> None:
    with pytest.raises(UsageError, match="not --gitops"):
        request.check_modes(
            gitops=True, dry_run=True, force_conflicts=False, wait=None,
            export_env=None, show_values=False, output=None,
        )  # fmt: skip


def test_export_env_waits_and_cannot_go_with_dry_run(tmp_path: Path) -> None:
    target = str(tmp_path / ".env")
    modes: dict[str, Any] = dict(
        gitops=False, force_conflicts=False, show_values=False, output=None, export_env=target
    )
    assert request.check_modes(dry_run=False, wait=None, **modes) is True
    with pytest.raises(UsageError, match="--dry-run"):
        request.check_modes(dry_run=True, wait=None, **modes)
    with pytest.raises(UsageError, match="--no-wait"):
        request.check_modes(dry_run=False, wait=False, **modes)


def test_record_target(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog-info.yaml"
    assert request.record_target(False, str(catalog)) is None
    assert request.record_target(None, str(catalog)) is None  # no file: nothing to ask
    with pytest.raises(UsageError, match="does not exist"):
        request.record_target(True, str(catalog))
    catalog.write_text("kind: Component\n")
    assert request.record_target(None, str(catalog)) == catalog


class FakeCluster:
    def __init__(self, secrets: dict[tuple[str, str], dict[str, Any]]) -> None:
        self.secrets = secrets

    def secret(self, namespace: str, name: str) -> dict[str, Any] | None:
        return self.secrets.get((namespace, name))


def _ready_snapshot(secret: tuple[str | None, str | None]) -> status.Snapshot:
    ready = {
        t: status.Condition(t, "True", "Available", "") for t in ("Synced", "Ready")
    }  # fmt: skip
    root = status.ResourceState("x/v1", "DatabaseClaim", "orders", "team-a", ready, 0)
    return status.Snapshot(root, None, [], secret)


CLAIM_TYPE = SimpleNamespace(xrd=SimpleNamespace(connection_secret_keys=["host", "password"]))


def test_connection_events_write_the_env_file(tmp_path: Path) -> None:
    secret = {
        "metadata": {"namespace": "team-a", "name": "orders-conn"},
        "data": {"host": base64.b64encode(b"db.internal").decode()},
    }
    cluster = FakeCluster({("team-a", "orders-conn"): secret})
    target = tmp_path / ".env"
    events = list(
        follow.connection(
            cluster, CLAIM_TYPE, _ready_snapshot(("team-a", "orders-conn")),
            export_env=str(target),
        )
    )  # fmt: skip
    kinds = [type(e).__name__ for e in events]
    assert kinds == ["Ready", "SecretWarning", "EnvWritten", "Connection"]
    assert events[0].ref.endswith("orders")
    assert "password" in events[1].text  # expected key missing
    assert events[2].keys == 1 and target.is_file()
    assert events[-1].secret.keys == ["host"]


def test_connection_events_when_the_secret_is_missing() -> None:
    events = list(
        follow.connection(
            FakeCluster({}), CLAIM_TYPE, _ready_snapshot(("team-a", "gone")), export_env=None
        )
    )
    assert [type(e).__name__ for e in events] == ["Ready", "SecretMissing", "Connection"]
    assert events[-1].secret is None


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        ({"managedFields": [{"manager": "argocd-controller"}]}, "Argo CD (argocd-controller)"),
        ({"labels": {"kustomize.toolkit.fluxcd.io/name": "apps"}}, "Flux"),
        ({"labels": {"team": "a"}}, None),
    ],
)
def test_gitops_controller(metadata: dict[str, Any], expected: str | None) -> None:
    found = manage.gitops_controller({"metadata": metadata})
    assert found == expected or (expected is not None and found and found.startswith(expected))
