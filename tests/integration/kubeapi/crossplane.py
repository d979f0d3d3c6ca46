"""A fake Crossplane for the test API server: reconciles claims on every read of the claim.

Behaviours (``FakeCrossplane.behaviour``):
  ready        tick 1: Synced, composite + composed resources Creating; tick ``ready_after``:
               everything Ready and the connection Secret written
  fail         tick 2: the composed RDS instance has Synced=False/ReconcileError
  never        stays Creating forever (timeouts)
  empty-secret like ready, but the Secret misses a key and has an empty one
  flap         Ready at tick ``ready_after``, back to Creating on the next tick, Ready again
               after that (readiness that flaps, as under ``kubectl wait``)
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

from .server import ResourceDef, State

FAIL_MESSAGE = (
    "create failed: async create failed: failed to create the resource: [{0 creating RDS DB "
    "Instance (orders-db-x7k2p): operation error RDS: CreateDBInstance, https response error "
    "StatusCode: 400, RequestID: 5f6c, api error InvalidParameterCombination: RDS does not "
    "support creating a DB instance with the following combination: DBInstanceClass="
    "db.m6g.xlarge, Engine=postgres, EngineVersion=16.1, LicenseModel=postgresql-license. "
    "For supported combinations of instance class and database engine version, see the "
    "documentation.  []}]"
)


def cond(type_: str, status: str, reason: str, message: str = "") -> dict[str, Any]:
    out = {
        "type": type_,
        "status": status,
        "reason": reason,
        "lastTransitionTime": "2026-01-01T00:00:00Z",
    }
    if message:
        out["message"] = message
    return out


@dataclass
class FakeCrossplane:
    state: State
    claim: ResourceDef  # the claim (or v2 XR) resource
    composite: ResourceDef | None  # None for v2 XRs (the XR is the root)
    secret_keys: list[str] = field(
        default_factory=lambda: ["host", "port", "username", "password", "database"]
    )
    behaviour: str = "ready"
    ready_after: int = 2
    ticks: dict[tuple[str, str], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rds = self.state.add_resource(
            ResourceDef("rds.aws.upbound.io", "v1beta1", "instances", "Instance", False)
        )
        self.subnets = self.state.add_resource(
            ResourceDef("rds.aws.upbound.io", "v1beta1", "subnetgroups", "SubnetGroup", False)
        )
        self.state.hooks.append(self.hook)

    def hook(self, state: State, method: str, path: str) -> None:
        prefix = f"/apis/{self.claim.group}/{self.claim.version}/namespaces/"
        if method != "GET" or not path.startswith(prefix) or f"/{self.claim.plural}/" not in path:
            return
        ns = path[len(prefix) :].split("/")[0]
        name = path.rstrip("/").split("/")[-1]
        with state.lock:
            if state.get(self.claim.api_version, self.claim.kind, name, ns) is None:
                return
            tick = self.ticks.get((ns, name), 0) + 1
            self.ticks[(ns, name)] = tick
            self.reconcile(ns, name, tick)

    def _names(self, name: str) -> tuple[str, str, str]:
        return f"{name}-x7k2p", f"{name}-x7k2p-rds", f"{name}-x7k2p-subnets"

    def reconcile(self, ns: str, name: str, tick: int) -> None:
        st = self.state
        claim = st.get(self.claim.api_version, self.claim.kind, name, ns)
        assert claim is not None
        xr_name, rds_name, subnet_name = self._names(name)
        refs = [
            {"apiVersion": self.rds.api_version, "kind": "Instance", "name": rds_name},
            {"apiVersion": self.subnets.api_version, "kind": "SubnetGroup", "name": subnet_name},
        ]
        ready = self.behaviour in ("ready", "empty-secret") and tick >= self.ready_after
        if self.behaviour == "flap":
            ready = tick >= self.ready_after and tick != self.ready_after + 1
        failing = self.behaviour == "fail" and tick >= 2
        for mr_def, mr_name in ((self.rds, rds_name), (self.subnets, subnet_name)):
            if st.get(mr_def.api_version, mr_def.kind, mr_name) is None:
                st.put(
                    {
                        "apiVersion": mr_def.api_version,
                        "kind": mr_def.kind,
                        "metadata": {"name": mr_name},
                        "spec": {"forProvider": {}},
                    },
                    "crossplane",
                )
        subnet_status = [
            cond("Synced", "True", "ReconcileSuccess"),
            cond("Ready", "True", "Available"),
        ]
        st.set_status(
            self.subnets.api_version,
            "SubnetGroup",
            subnet_name,
            None,
            {"conditions": subnet_status},
        )
        if failing:
            rds_status = [
                cond("Synced", "False", "ReconcileError", FAIL_MESSAGE),
                cond("Ready", "False", "Creating"),
            ]
        elif ready:
            rds_status = [
                cond("Synced", "True", "ReconcileSuccess"),
                cond("Ready", "True", "Available"),
            ]
        else:
            rds_status = [
                cond("Synced", "True", "ReconcileSuccess"),
                cond("Ready", "False", "Creating"),
            ]
        st.set_status(self.rds.api_version, "Instance", rds_name, None, {"conditions": rds_status})
        composite_ready = (
            cond("Ready", "True", "Available")
            if ready
            else cond("Ready", "False", "Creating", "Unready resources: rds-instance")
        )
        if self.composite is not None:
            if st.get(self.composite.api_version, self.composite.kind, xr_name) is None:
                st.put(
                    {
                        "apiVersion": self.composite.api_version,
                        "kind": self.composite.kind,
                        "metadata": {"name": xr_name},
                        "spec": {"resourceRefs": refs},
                    },
                    "crossplane",
                )
            st.set_status(
                self.composite.api_version,
                self.composite.kind,
                xr_name,
                None,
                {"conditions": [cond("Synced", "True", "ReconcileSuccess"), composite_ready]},
            )
            stored = st.stored(self.claim.api_version, self.claim.kind, name, ns)
            assert stored is not None
            if "resourceRef" not in stored.obj["spec"]:
                st.update_field(
                    self.claim.api_version,
                    self.claim.kind,
                    name,
                    ns,
                    ("spec", "resourceRef"),
                    {
                        "apiVersion": self.composite.api_version,
                        "kind": self.composite.kind,
                        "name": xr_name,
                    },
                    "crossplane",
                )
            claim_ready = (
                cond("Ready", "True", "Available")
                if ready
                else cond(
                    "Ready",
                    "False",
                    "Waiting",
                    "Claim is waiting for composite resource to become Ready",
                )
            )
        else:  # v2 XR: composed refs on the XR itself
            stored = st.stored(self.claim.api_version, self.claim.kind, name, ns)
            assert stored is not None
            if "resourceRefs" not in (stored.obj["spec"].get("crossplane") or {}):
                st.update_field(
                    self.claim.api_version,
                    self.claim.kind,
                    name,
                    ns,
                    ("spec", "crossplane", "resourceRefs"),
                    refs,
                    "crossplane",
                )
            claim_ready = composite_ready
        st.set_status(
            self.claim.api_version,
            self.claim.kind,
            name,
            ns,
            {"conditions": [cond("Synced", "True", "ReconcileSuccess"), claim_ready]},
        )
        if failing and tick == 2:
            st.add_event(
                ns, self.claim.kind, name, "ComposeResources", "cannot compose resources", "Warning"
            )
        if self.behaviour == "never" and tick == 1:
            st.add_event(
                ns,
                self.claim.kind,
                name,
                "ConfigureCompositeResource",
                "Successfully applied composite resource",
                "Normal",
            )
        if ready:
            secret_name = ((claim.get("spec") or {}).get("writeConnectionSecretToRef") or {}).get(
                "name"
            ) or f"{name}-connection"
            if st.get("v1", "Secret", secret_name, ns) is None:
                values = {k: f"value-of-{k}" for k in self.secret_keys}
                if self.behaviour == "empty-secret":
                    values.pop(self.secret_keys[-1], None)
                    values[self.secret_keys[0]] = ""
                st.put(
                    {
                        "apiVersion": "v1",
                        "kind": "Secret",
                        "metadata": {"name": secret_name, "namespace": ns},
                        "type": "connection.crossplane.io/v1alpha1",
                        "data": {
                            k: base64.b64encode(v.encode()).decode() for k, v in values.items()
                        },
                    },
                    "crossplane",
                )
