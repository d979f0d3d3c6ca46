"""Conditions, deepest failure, durations, post-mortems, secrets and .env export."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest

from platformctl.core.errors import UsageError
from platformctl.core.provision import secrets, status


def res(kind: str, depth: int, *conds: tuple[str, str, str, str]) -> status.ResourceState:
    return status.ResourceState(
        "x/v1",
        kind,
        kind.lower(),
        None,
        {t: status.Condition(t, s, r, m) for t, s, r, m in conds},
        depth,
    )


def test_progressing_names_what_we_wait_for() -> None:
    snap = status.Snapshot(
        res(
            "Claim",
            0,
            ("Synced", "True", "ReconcileSuccess", ""),
            ("Ready", "False", "Waiting", "waiting for XR"),
        ),
        res("XR", 1, ("Ready", "False", "Creating", "Unready resources: db")),
        [res("Instance", 2, ("Synced", "True", "", ""), ("Ready", "False", "Creating", ""))],
    )
    assert snap.phase == status.PROGRESSING
    assert snap.message == "Instance/instance: Creating"


def test_deepest_failure_wins_with_full_message() -> None:
    long = "create failed: " + "x" * 500
    snap = status.Snapshot(
        res("Claim", 0, ("Synced", "True", "", ""), ("Ready", "False", "Waiting", "")),
        res("XR", 1, ("Synced", "False", "ReconcileError", "cannot compose")),
        [res("Instance", 2, ("Synced", "False", "ReconcileError", long))],
    )
    assert snap.phase == status.FAILED
    assert snap.failing is not None and snap.failing.kind == "Instance"
    assert snap.message.endswith(long)


def test_last_async_operation_failure_counts() -> None:
    snap = status.Snapshot(
        res(
            "Claim",
            0,
            ("Synced", "True", "", ""),
            ("LastAsyncOperation", "False", "ApplyFailure", "boom"),
        )
    )
    assert snap.phase == status.FAILED


def test_ready_and_missing() -> None:
    assert (
        status.Snapshot(res("Claim", 0, ("Ready", "True", "Available", ""))).phase == status.READY
    )
    assert status.Snapshot(None).phase == status.MISSING


def test_wait_times_out_with_a_snapshot() -> None:
    class Fake:
        def get(self, *a: object) -> dict:
            return {
                "apiVersion": "x/v1",
                "kind": "Claim",
                "metadata": {"name": "a", "namespace": "d"},
                "spec": {},
                "status": {
                    "conditions": [{"type": "Ready", "status": "False", "reason": "Creating"}]
                },
            }

    class CT:
        class xrd:  # noqa: N801
            request_namespaced = True
            request_is_claim = False
            legacy_fields = False
            api_version_of_request = "x/v1"
            request_plural = "claims"

    now = [0.0]
    events = []
    with pytest.raises(status.NotReady) as info:
        for ev in status.wait(
            Fake(),
            CT,
            "a",
            "d",
            timeout=5,
            interval=1,
            clock=lambda: now[0],
            sleep=lambda s: now.__setitem__(0, now[0] + s),
        ):
            events.append(ev)
    assert info.value.timed_out and len(events) == 1
    assert "not Ready after 5s" in info.value.message


def test_post_mortem_lists_conditions_and_events() -> None:
    snap = status.Snapshot(
        res("Claim", 0, ("Ready", "False", "Waiting", "waiting")),
        status.ResourceState("x/v1", "XR", "xr", depth=1, readable=False),
    )
    lines = status.post_mortem(
        snap,
        [
            {
                "type": "Warning",
                "reason": "Boom",
                "message": "it broke",
                "lastTimestamp": "2026-01-01T00:00:02Z",
                "involvedObject": {"kind": "Claim", "name": "claim"},
            },
        ],
    )
    assert lines[0] == "Claim/claim: Synced=Unknown Ready=False"
    assert "  XR/xr: not readable with your credentials" in lines
    assert lines[-1].endswith("Warning Claim/claim Boom: it broke")


@pytest.mark.parametrize(
    ("text", "seconds"), [("90s", 90), ("15m", 900), ("1h30m", 5400), ("2", 2), ("500ms", 0.5)]
)
def test_durations(text: str, seconds: float) -> None:
    assert status.parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "5x", "1m5"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(UsageError):
        status.parse_duration(text)


def _secret(**values: str) -> dict:
    return {
        "metadata": {"name": "db-conn", "namespace": "team"},
        "data": {k: base64.b64encode(v.encode()).decode() for k, v in values.items()},
    }


def test_secret_keys_missing_and_empty() -> None:
    info = secrets.describe(_secret(host="s3cr3t-host", password=""), ["host", "password", "port"])
    assert (
        info.keys == ["host", "password"]
        and info.missing == ["port"]
        and info.empty == ["password"]
    )
    assert len(info.warnings) == 2
    assert "values" not in info.to_json()
    assert info.to_json(show_values=True)["values"]["host"] == "s3cr3t-host"
    assert "s3cr3t" not in repr(info)


def test_snippet_and_export(tmp_path: Path) -> None:
    info = secrets.describe(_secret(host="db.example", password='p"$ss word', dbName="orders"))
    text = secrets.snippet(info)
    assert "envFrom:" in text and "secretKeyRef:" in text and "name: DB_NAME" in text
    target = secrets.export_env(info, tmp_path / ".env")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    content = target.read_text()
    assert "HOST=db.example" in content and 'PASSWORD="p\\"\\$ss word"' in content
    with pytest.raises(UsageError):
        secrets.export_env(info, tmp_path)


class _Sequence:
    """A cluster whose claim's Ready condition follows ``readiness``, one entry per read."""

    def __init__(self, readiness: list[str]) -> None:
        self.readiness = readiness
        self.reads = 0

    def get(self, *a: object) -> dict:
        value = self.readiness[min(self.reads, len(self.readiness) - 1)]
        self.reads += 1
        return {
            "apiVersion": "x/v1",
            "kind": "Claim",
            "metadata": {"name": "a", "namespace": "d"},
            "spec": {},
            "status": {"conditions": [{"type": "Ready", "status": value, "reason": "R"}]},
        }


class _CT:
    class xrd:  # noqa: N801
        request_namespaced = True
        request_is_claim = False
        legacy_fields = False
        api_version_of_request = "x/v1"
        request_plural = "claims"


def _run_wait(cluster: _Sequence, *, settle: float, timeout: float = 60) -> tuple[list, float]:
    now = [0.0]
    events = [
        ev.snapshot.root.ready
        for ev in status.wait(
            cluster,
            _CT,
            "a",
            "d",
            timeout=timeout,
            interval=1,
            settle=settle,
            clock=lambda: now[0],
            sleep=lambda s: now.__setitem__(0, now[0] + s),
        )
    ]
    return events, now[0]


def test_ready_must_hold_for_the_settle_window() -> None:
    # Ready, flaps back to False, then Ready for good: success only after it held for 3s
    cluster = _Sequence(["False", "True", "False", "True"])
    events, elapsed = _run_wait(cluster, settle=3)
    assert events == ["False", "True", "False", "True"]
    assert elapsed == 6  # first Ready at 1s, flap at 2s, Ready again at 3s, held until 6s


def test_settle_zero_returns_at_the_first_ready() -> None:
    events, elapsed = _run_wait(_Sequence(["False", "True", "False"]), settle=0)
    assert events == ["False", "True"] and elapsed == 1


def test_ready_at_the_deadline_may_finish_its_settle_window() -> None:
    events, elapsed = _run_wait(_Sequence(["False", "False", "True"]), settle=3, timeout=2)
    assert events == ["False", "True"] and elapsed == 5


def test_flapping_until_the_deadline_times_out() -> None:
    with pytest.raises(status.NotReady) as info:
        _run_wait(_Sequence(["True", "False"] * 50), settle=3, timeout=10)
    assert info.value.timed_out
