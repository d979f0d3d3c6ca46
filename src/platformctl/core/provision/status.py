"""What state a claim is in, told from its conditions, its composite and composed resources.

Crossplane reports two conditions on every claim, XR and managed resource: ``Synced``
(the last reconcile worked) and ``Ready`` (the thing is usable).  "Still creating"
(``Ready=False, reason=Creating``) is normal; ``Synced=False`` (``ReconcileError``) or a failed
``LastAsyncOperation`` anywhere in the tree is a failure, and the *deepest* failing resource has
the real message (a claim only says "waiting for composite resource to become Ready").
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from platformctl.core.errors import ProblemsFound

READY, FAILED, PROGRESSING, MISSING = "ready", "failed", "progressing", "missing"
FAILURE_REASONS = frozenset(
    {"ReconcileError", "ApplyFailure", "AsyncCreateFailure", "AsyncUpdateFailure"}
)


@dataclass(frozen=True)
class Condition:
    type: str
    status: str  # "True", "False", "Unknown"
    reason: str = ""
    message: str = ""
    last_transition: str = ""

    def to_json(self) -> dict[str, str]:
        return {
            "type": self.type,
            "status": self.status,
            "reason": self.reason,
            "message": self.message,
        }


@dataclass
class ResourceState:
    api_version: str
    kind: str
    name: str
    namespace: str | None = None
    conditions: dict[str, Condition] = field(default_factory=dict)
    depth: int = 0  # 0 claim (or v2 XR), 1 composite, 2 composed
    readable: bool = True
    created: str | None = None

    @property
    def ref(self) -> str:
        where = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind}/{where}{self.name}"

    def condition(self, kind: str) -> Condition | None:
        return self.conditions.get(kind)

    @property
    def synced(self) -> str:
        c = self.conditions.get("Synced")
        return c.status if c else "Unknown"

    @property
    def ready(self) -> str:
        c = self.conditions.get("Ready")
        return c.status if c else "Unknown"

    @property
    def failure(self) -> Condition | None:
        synced = self.conditions.get("Synced")
        if synced and synced.status == "False":
            return synced
        for cond in self.conditions.values():
            if cond.status == "False" and (
                cond.reason in FAILURE_REASONS or cond.type == "LastAsyncOperation"
            ):
                return cond
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "apiVersion": self.api_version,
            "kind": self.kind,
            "name": self.name,
            "namespace": self.namespace,
            "readable": self.readable,
            "conditions": [c.to_json() for c in self.conditions.values()],
        }


@dataclass
class Snapshot:
    root: ResourceState | None
    composite: ResourceState | None = None
    composed: list[ResourceState] = field(default_factory=list)
    secret: tuple[str | None, str | None] = (None, None)

    def resources(self) -> list[ResourceState]:
        out = [r for r in (self.root, self.composite) if r is not None]
        return out + list(self.composed)

    @property
    def failing(self) -> ResourceState | None:
        """The deepest resource with a failure condition."""
        failing = [r for r in self.resources() if r.failure is not None]
        return max(failing, key=lambda r: r.depth) if failing else None

    @property
    def phase(self) -> str:
        if self.root is None:
            return MISSING
        if self.failing is not None:
            return FAILED
        if self.root.ready == "True":
            return READY
        return PROGRESSING

    @property
    def message(self) -> str:
        failing = self.failing
        if failing is not None:
            cond = failing.failure
            assert cond is not None
            return f"{failing.ref}: {cond.type}=False ({cond.reason}): {cond.message}"
        if self.root is None:
            return "not found"
        if self.root.ready == "True":
            return "Ready"
        # the deepest not-ready resource says what we wait for
        waiting = [r for r in self.resources() if r.ready != "True" and r.readable]
        target = max(waiting, key=lambda r: r.depth) if waiting else self.root
        cond = target.condition("Ready")
        detail = f"{cond.reason}: {cond.message}".strip(": ") if cond else "no conditions yet"
        return f"{target.ref}: {detail}"

    def signature(self) -> tuple[Any, ...]:
        return tuple(
            (r.ref, tuple((c.type, c.status, c.reason, c.message) for c in r.conditions.values()))
            for r in self.resources()
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "phase": self.phase,
            "message": self.message,
            "resources": [r.to_json() for r in self.resources()],
        }


def conditions(obj: dict[str, Any] | None) -> dict[str, Condition]:
    out: dict[str, Condition] = {}
    for raw in ((obj or {}).get("status") or {}).get("conditions") or []:
        if not isinstance(raw, dict) or not raw.get("type"):
            continue
        out[str(raw["type"])] = Condition(
            type=str(raw["type"]),
            status=str(raw.get("status") or "Unknown"),
            reason=str(raw.get("reason") or ""),
            message=str(raw.get("message") or ""),
            last_transition=str(raw.get("lastTransitionTime") or ""),
        )
    return out


def state_of(obj: dict[str, Any], depth: int) -> ResourceState:
    meta = obj.get("metadata") or {}
    return ResourceState(
        api_version=str(obj.get("apiVersion") or ""),
        kind=str(obj.get("kind") or ""),
        name=str(meta.get("name") or ""),
        namespace=meta.get("namespace"),
        conditions=conditions(obj),
        depth=depth,
        created=meta.get("creationTimestamp"),
    )


def _refs(obj: dict[str, Any]) -> list[dict[str, Any]]:
    spec = obj.get("spec") or {}
    refs = spec.get("resourceRefs") or (spec.get("crossplane") or {}).get("resourceRefs") or []
    return [r for r in refs if isinstance(r, dict) and r.get("kind") and r.get("name")]


def observe(cluster: Any, claim_type: Any, name: str, namespace: str | None) -> Snapshot:
    """Read the claim (or v2 XR), its composite and composed resources from the cluster."""
    from platformctl.core.provision.claim import connection_secret_ref

    xrd = claim_type.xrd
    ns = namespace if xrd.request_namespaced else None
    root_obj = cluster.get(xrd.api_version_of_request, xrd.request_plural, name, ns)
    if root_obj is None:
        return Snapshot(None)
    snapshot = Snapshot(state_of(root_obj, 0), secret=connection_secret_ref(root_obj, xrd))
    composite_obj = root_obj
    if xrd.request_is_claim:
        ref = (root_obj.get("spec") or {}).get("resourceRef") or {}
        composite_obj = None
        if ref.get("name"):
            composite_obj = _read(cluster, ref, None)
            if composite_obj is None:
                snapshot.composite = ResourceState(
                    str(ref.get("apiVersion") or ""),
                    str(ref.get("kind") or ""),
                    str(ref["name"]),
                    depth=1,
                    readable=False,
                )
            else:
                snapshot.composite = state_of(composite_obj, 1)
    if composite_obj is not None:
        for ref in _refs(composite_obj):
            ref_ns = ref.get("namespace") or (
                (composite_obj.get("metadata") or {}).get("namespace")
                if not xrd.legacy_fields
                else None
            )
            obj = _read(cluster, ref, ref_ns)
            if obj is None:
                snapshot.composed.append(
                    ResourceState(
                        str(ref.get("apiVersion") or ""),
                        str(ref["kind"]),
                        str(ref["name"]),
                        ref_ns,
                        depth=2,
                        readable=False,
                    )
                )
            else:
                snapshot.composed.append(state_of(obj, 2))
    return snapshot


def _read(cluster: Any, ref: dict[str, Any], namespace: str | None) -> dict[str, Any] | None:
    """A referenced object, or None when it cannot be found or read."""
    from platformctl.core.errors import PlatformError

    api_version = str(ref.get("apiVersion") or "")
    try:
        found = cluster.resource_for(api_version, str(ref.get("kind")))
        if found is None:
            return None
        plural, namespaced = found
        return cluster.get(api_version, plural, str(ref["name"]), namespace if namespaced else None)
    except PlatformError:
        return None


@dataclass
class WaitEvent:
    time: float
    snapshot: Snapshot
    elapsed: float


class NotReady(ProblemsFound):
    """The claim failed, or was not Ready in time (exit 1). Carries the last snapshot."""

    def __init__(
        self, message: str, snapshot: Snapshot, *, timed_out: bool, hint: str | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.snapshot = snapshot
        self.timed_out = timed_out


def wait(
    cluster: Any,
    claim_type: Any,
    name: str,
    namespace: str | None,
    *,
    timeout: float,
    interval: float = 2.0,
    max_interval: float = 10.0,
    settle: float = 0.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[WaitEvent]:
    """Poll until Ready, yielding a WaitEvent whenever anything changed.

    Readiness flaps (a composed resource goes Ready, then back to Creating while the provider
    applies a late change), so Ready must hold for ``settle`` seconds before this returns;
    a drop back to not-Ready restarts the window.  The window may run past ``timeout`` by at
    most ``settle`` (Ready at the deadline is given the chance to prove stable).

    Raises NotReady on a failure (fail fast) or on timeout.  The interval backs off by 1.5x
    while nothing changes, up to ``max_interval``; it resets on every change.
    """
    start = clock()
    last: tuple[Any, ...] | None = None
    delay = interval
    ready_since: float | None = None
    while True:
        snapshot = observe(cluster, claim_type, name, namespace)
        now = clock()
        signature = snapshot.signature()
        if signature != last:
            last = signature
            delay = interval
            yield WaitEvent(time.time(), snapshot, now - start)
        else:
            delay = min(delay * 1.5, max_interval)
        phase = snapshot.phase
        if phase == READY:
            if ready_since is None:
                ready_since = now
            held = now - ready_since
            if held >= settle:
                return
            sleep(min(interval, settle - held))
            continue
        ready_since = None
        if phase == FAILED:
            raise NotReady(
                f"{snapshot.message}",
                snapshot,
                timed_out=False,
                hint="fix the cause (often a parameter or a cloud quota/permission) and re-run; "
                f"`platformctl provision status {name}` shows the details",
            )
        remaining = timeout - (now - start)
        if remaining <= 0:
            raise NotReady(
                f"not Ready after {format_duration(timeout)}: {snapshot.message}",
                snapshot,
                timed_out=True,
                hint="it may still become Ready: follow it with "
                f"`platformctl provision status {name} --wait`",
            )
        sleep(min(delay, remaining))


def post_mortem(snapshot: Snapshot, events: list[dict[str, Any]], *, limit: int = 10) -> list[str]:
    """Lines explaining the last state: every resource's conditions and recent events."""
    lines = []
    for r in snapshot.resources():
        indent = "  " * r.depth
        if not r.readable:
            lines.append(f"{indent}{r.ref}: not readable with your credentials")
            continue
        lines.append(f"{indent}{r.ref}: Synced={r.synced} Ready={r.ready}")
        for cond in r.conditions.values():
            if cond.message or cond.reason:
                lines.append(
                    f"{indent}  {cond.type}={cond.status} {cond.reason}: {cond.message}".rstrip(
                        ": "
                    )
                )
    recent = sorted(
        events,
        key=lambda e: str(
            e.get("lastTimestamp")
            or e.get("eventTime")
            or (e.get("metadata") or {}).get("creationTimestamp")
            or ""
        ),
    )[-limit:]
    if recent:
        lines.append("recent events:")
        for e in recent:
            obj = e.get("involvedObject") or {}
            when = e.get("lastTimestamp") or e.get("eventTime") or ""
            lines.append(
                f"  {when} {e.get('type', 'Normal')} {obj.get('kind', '')}/{obj.get('name', '')} "
                f"{e.get('reason', '')}: {e.get('message', '')}".rstrip()
            )
    return lines


def collect_events(cluster: Any, snapshot: Snapshot) -> list[dict[str, Any]]:
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for r in snapshot.resources():
        for e in cluster.events_for(r.name, r.namespace if r.depth == 0 else None):
            uid = str((e.get("metadata") or {}).get("uid") or (e.get("metadata") or {}).get("name"))
            if uid not in seen and (e.get("involvedObject") or {}).get("kind") in (
                r.kind,
                None,
                "",
            ):
                seen.add(uid)
                out.append(e)
    return out


def parse_duration(text: str) -> float:
    """``90s``, ``15m``, ``1h30m``, ``2h`` or plain seconds -> seconds."""
    import re

    from platformctl.core.errors import UsageError

    value = str(text).strip().lower()
    if re.fullmatch(r"[0-9]+(\.[0-9]+)?", value):
        return float(value)
    parts = re.findall(r"([0-9]+(?:\.[0-9]+)?)(ms|h|m|s)", value)
    if not parts or "".join(n + u for n, u in parts) != value:
        raise UsageError(f"invalid duration {text!r}", hint="use e.g. 90s, 15m or 1h30m")
    factor = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
    return sum(float(n) * factor[u] for n, u in parts)


def format_duration(seconds: float) -> str:
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{seconds:.0f}s" if seconds >= 1 or seconds == 0 else f"{seconds:.1f}s"
    minutes, sec = divmod(int(round(seconds)), 60)
    if minutes < 60:
        return f"{minutes}m{sec:02d}s" if sec else f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def age(timestamp: str | None, now: float | None = None) -> str:
    if not timestamp:
        return "-"
    from datetime import datetime

    try:
        created = datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return "-"
    seconds = (time.time() if now is None else now) - created
    if seconds < 120:
        return f"{int(seconds)}s"
    if seconds < 7200:
        return f"{int(seconds // 60)}m"
    if seconds < 172800:
        return f"{int(seconds // 3600)}h"
    return f"{int(seconds // 86400)}d"
