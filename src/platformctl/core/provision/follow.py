"""Following a claim: wait until it appears (after a GitOps merge), wait until it is Ready,
and read its connection secret once it is.

Each function yields typed events the caller renders (text lines, JSON lines, a spinner);
nothing here prints.  The polling itself is ``status.wait``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from platformctl.core.errors import ProblemsFound
from platformctl.core.provision.status import NotReady, Snapshot, WaitEvent

__all__ = [
    "Appeared",
    "Connection",
    "EnvWritten",
    "Failed",
    "NotThereYet",
    "Ready",
    "SecretMissing",
    "SecretWarning",
    "TimedOut",
    "WaitEvent",
    "appear",
    "connection",
    "wait",
]


# --- waiting for Ready ------------------------------------------------------------------


@dataclass
class TimedOut:
    """Not Ready in time; ``post_mortem`` explains the last known state.  NotReady follows."""

    snapshot: Snapshot
    post_mortem: list[str]


@dataclass
class Failed:
    """The claim failed (a failing condition); NotReady follows."""

    snapshot: Snapshot


def wait(
    cluster: Any,
    claim_type: Any,
    name: str,
    namespace: str | None,
    *,
    timeout: float,
    interval: float,
    settle: float = 0.0,
) -> Iterator[WaitEvent | TimedOut | Failed]:
    """A WaitEvent per change until Ready has held for ``settle`` seconds.  On failure or
    timeout: a Failed or TimedOut event, then NotReady is raised."""
    from platformctl.core.provision import status as status_mod

    try:
        yield from status_mod.wait(
            cluster,
            claim_type,
            name,
            namespace,
            timeout=timeout,
            interval=interval,
            max_interval=max(interval * 5, interval),
            settle=settle,
        )
    except NotReady as exc:
        snapshot = exc.snapshot
        if exc.timed_out:
            events = status_mod.collect_events(cluster, snapshot)
            yield TimedOut(snapshot, status_mod.post_mortem(snapshot, events))
        else:
            yield Failed(snapshot)
        raise


# --- once Ready: the connection secret --------------------------------------------------


@dataclass
class Ready:
    ref: str


@dataclass
class SecretMissing:
    """The claim names a connection secret that does not exist (yet)."""

    namespace: str
    name: str


@dataclass
class SecretWarning:
    text: str


@dataclass
class EnvWritten:
    keys: int
    path: Path


@dataclass
class Connection:
    """The last event: the connection secret (None when there is none to read)."""

    secret: Any


def connection(
    cluster: Any, claim_type: Any, snapshot: Snapshot, *, export_env: str | None
) -> Iterator[Ready | SecretMissing | SecretWarning | EnvWritten | Connection]:
    """Read the Ready claim's connection secret; write it to ``export_env`` when given."""
    from platformctl.core.provision import secrets

    yield Ready(snapshot.root.ref if snapshot.root is not None else "")
    ns, secret_name = snapshot.secret
    if not secret_name or not ns:
        yield Connection(None)
        return
    secret = cluster.secret(ns, secret_name)
    if secret is None:
        yield SecretMissing(ns, secret_name)
        yield Connection(None)
        return
    info = secrets.describe(secret, claim_type.xrd.connection_secret_keys)
    for warning in info.warnings:
        yield SecretWarning(warning)
    if export_env:
        written = secrets.export_env(info, Path(export_env))
        yield EnvWritten(len(info.keys), written)
    yield Connection(info)


# --- waiting for a claim to appear ------------------------------------------------------


@dataclass
class NotThereYet:
    """Yielded once: what is being waited for."""

    what: str


@dataclass
class Appeared:
    claim_type: Any


def appear(
    registry: Any,
    cluster: Any,
    name: str,
    namespace: str,
    type_name: str | None,
    request_id: str | None,
    *,
    timeout: float,
    interval: float,
) -> Iterator[NotThereYet | Appeared]:
    """Wait until the claim (with ``request_id``, when given) exists; GitOps controllers apply
    merged changes some time later.  Ends with Appeared; ProblemsFound after ``timeout``."""
    from platformctl.core.provision import manage

    deadline = time.monotonic() + timeout
    told = False
    while True:
        try:
            ct, obj = manage.find(registry, cluster, name, namespace, type_name)
            if not request_id or manage.request_id_of(obj) == request_id:
                yield Appeared(ct)
                return
            current = manage.request_id_of(obj) or "(none)"
            what = f"request {current} is on the cluster, waiting for {request_id}"
        except ProblemsFound:
            what = f"{name} is not on the cluster yet (waiting for the GitOps controller)"
        if not told:
            yield NotThereYet(what)
            told = True
        if time.monotonic() >= deadline:
            raise ProblemsFound(
                f"{name} did not appear in namespace {namespace} in time: {what}",
                hint="is the GitOps change merged, and is the controller syncing it?",
            )
        time.sleep(interval)
