"""``fleet job``: the same fleet run scaled out on the platform's own infrastructure.

* Kubernetes: an **Indexed Job** (``completionMode: Indexed``): pod ``i`` runs
  ``fleet <command> --shard $((JOB_COMPLETION_INDEX + 1))/N`` and writes its partial results
  to a shared volume; a second Job waits for the N parts and runs ``fleet merge`` into one
  report on the same volume.
* GitHub Actions: a workflow with a matrix over the shards (each uploads its part as an
  artifact) and an aggregation job that downloads them and runs ``fleet merge``.

Both are plain data (dicts) here; the CLI serialises them.  Nothing is applied.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from typing import Any

from platformctl.core.errors import UsageError

RESULTS = "/results"
NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


@dataclass
class JobSpec:
    shards: int
    inventory: list[str]
    command: str = "status"  # status or check
    image: str = ""
    name: str = "platformctl-fleet"
    namespace: str | None = None
    parallelism: int | None = None
    claim: str = "platformctl-fleet-results"  # a ReadWriteMany PersistentVolumeClaim
    report_format: str = "html"
    extra: list[str] = field(default_factory=list)  # catalog filters etc., passed through
    secret: str | None = None  # a Secret whose keys become the environment (Backstage token)

    def validate(self) -> None:
        if self.shards < 1:
            raise UsageError("--shards must be at least 1")
        if self.command not in ("status", "check"):
            raise UsageError(
                f"fleet job runs status or check, not {self.command!r}",
                hint="updates change repositories: run fleet update from one place, with --canary",
            )
        if not self.inventory:
            raise UsageError("no inventory given", hint="pass --inventory (repeatable)")
        for label, value in (("--name", self.name), ("--claim", self.claim)):
            if len(value) > 52 or not NAME.match(value):
                raise UsageError(
                    f"{label} {value!r} is not a valid Kubernetes name",
                    hint="lower-case letters, digits and '-', at most 52 characters",
                )
        if self.parallelism is not None and self.parallelism < 1:
            raise UsageError("--parallelism must be at least 1")

    def fleet_args(self) -> list[str]:
        args: list[str] = []
        for source in self.inventory:
            args += ["--inventory", source]
        return [*args, *self.extra]


def _env(spec: JobSpec) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if spec.secret:
        out["envFrom"] = [{"secretRef": {"name": spec.secret}}]
    return out


def indexed_job(spec: JobSpec) -> list[dict[str, Any]]:
    """The shard Job and the merge Job (Kubernetes manifests)."""
    if not spec.image:
        raise UsageError(
            "--image is required for a Kubernetes Job", hint="pass --image REGISTRY/IMAGE:TAG"
        )
    spec.validate()
    args = " ".join(shlex.quote(a) for a in spec.fleet_args())
    shard_script = (
        f"platformctl fleet {spec.command} {args} "
        f'--shard "$((JOB_COMPLETION_INDEX + 1))/{spec.shards}" --format json '
        f'--output "{RESULTS}/part-$((JOB_COMPLETION_INDEX + 1)).json.tmp" '
        f'--cache /tmp/fleet-cache && mv "{RESULTS}/part-$((JOB_COMPLETION_INDEX + 1)).json.tmp" '
        f'"{RESULTS}/part-$((JOB_COMPLETION_INDEX + 1)).json"'
    )
    volume = {"name": "results", "persistentVolumeClaim": {"claimName": spec.claim}}
    mount = {"name": "results", "mountPath": RESULTS}
    labels = {
        "app.kubernetes.io/name": spec.name,
        "app.kubernetes.io/managed-by": "platformctl",
    }
    meta: dict[str, Any] = {"name": spec.name, "labels": labels}
    if spec.namespace:
        meta["namespace"] = spec.namespace
    security = {
        "runAsNonRoot": True,
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": False,
        "capabilities": {"drop": ["ALL"]},
    }
    container = {
        "name": "fleet",
        "image": spec.image,
        "command": ["/bin/sh", "-c", shard_script],
        "volumeMounts": [mount],
        "securityContext": security,
        "resources": {"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"memory": "2Gi"}},
        **_env(spec),
    }
    shard_job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": meta,
        "spec": {
            "completionMode": "Indexed",
            "completions": spec.shards,
            "parallelism": min(spec.parallelism or spec.shards, spec.shards),
            "backoffLimit": 2 * spec.shards,
            "template": {
                "metadata": {"labels": dict(labels)},
                "spec": {
                    "restartPolicy": "Never",
                    "containers": [container],
                    "volumes": [volume],
                },
            },
        },
    }
    wait = (
        f'until [ "$(ls {RESULTS}/part-*.json 2>/dev/null | wc -l)" -ge {spec.shards} ]; '
        "do sleep 10; done"
    )
    merge = (
        f"platformctl fleet merge {RESULTS}/part-*.json --format {spec.report_format} "
        f"--output {RESULTS}/fleet.{_ext(spec.report_format)} && "
        f"platformctl fleet merge {RESULTS}/part-*.json --format json --output {RESULTS}/fleet.json"
    )
    merge_meta = {**meta, "name": f"{spec.name}-merge"}
    merge_job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": merge_meta,
        "spec": {
            "backoffLimit": 2,
            "template": {
                "metadata": {"labels": dict(labels)},
                "spec": {
                    "restartPolicy": "Never",
                    "initContainers": [
                        {
                            "name": "wait-for-shards",
                            "image": spec.image,
                            "command": ["/bin/sh", "-c", wait],
                            "volumeMounts": [mount],
                            "securityContext": security,
                        }
                    ],
                    "containers": [
                        {
                            "name": "merge",
                            "image": spec.image,
                            "command": ["/bin/sh", "-c", merge],
                            "volumeMounts": [mount],
                            "securityContext": security,
                        }
                    ],
                    "volumes": [volume],
                },
            },
        },
    }
    return [shard_job, merge_job]


def _ext(fmt: str) -> str:
    return {"text": "txt", "markdown": "md", "prometheus": "prom"}.get(fmt, fmt)


def github_workflow(spec: JobSpec) -> dict[str, Any]:
    """A GitHub Actions workflow: a matrix over the shards and an aggregation job."""
    spec.validate()
    args = " ".join(shlex.quote(a) for a in spec.fleet_args())
    install = "pipx install platformctl" if not spec.image else None
    setup: list[dict[str, Any]] = []
    if install:
        setup = [
            {"uses": "actions/setup-python@v6", "with": {"python-version": "3.12"}},
            {"name": "Install platformctl", "run": install},
        ]
    env = {
        "PLATFORMCTL_BACKSTAGE_URL": "${{ vars.PLATFORMCTL_BACKSTAGE_URL }}",
        "PLATFORMCTL_BACKSTAGE_TOKEN": "${{ secrets.PLATFORMCTL_BACKSTAGE_TOKEN }}",
    }
    container = {"container": {"image": spec.image}} if spec.image else {}
    ext = _ext(spec.report_format)
    return {
        "name": "platformctl fleet",
        "on": {"schedule": [{"cron": "0 5 * * 1"}], "workflow_dispatch": {}},
        "permissions": {"contents": "read"},
        "jobs": {
            "shard": {
                "runs-on": "ubuntu-latest",
                **container,
                "strategy": {
                    "fail-fast": False,
                    "max-parallel": min(spec.parallelism or spec.shards, spec.shards),
                    "matrix": {"shard": list(range(1, spec.shards + 1))},
                },
                "env": env,
                "steps": [
                    {"uses": "actions/checkout@v6"},
                    *setup,
                    {
                        "name": "Fleet shard ${{ matrix.shard }}",
                        "run": f"platformctl fleet {spec.command} {args} "
                        f"--shard ${{{{ matrix.shard }}}}/{spec.shards} --format json "
                        "--output part-${{ matrix.shard }}.json",
                    },
                    {
                        "uses": "actions/upload-artifact@v6",
                        "if": "always()",
                        "with": {
                            "name": "fleet-part-${{ matrix.shard }}",
                            "path": "part-${{ matrix.shard }}.json",
                        },
                    },
                ],
            },
            "merge": {
                "runs-on": "ubuntu-latest",
                **container,
                "needs": "shard",
                "steps": [
                    *setup,
                    {
                        "uses": "actions/download-artifact@v7",
                        "with": {
                            "pattern": "fleet-part-*",
                            "merge-multiple": True,
                            "path": "parts",
                        },
                    },
                    {
                        "name": "Merge the shards",
                        "run": f"platformctl fleet merge parts/part-*.json --format "
                        f"{spec.report_format} --output fleet.{ext}\n"
                        "platformctl fleet merge parts/part-*.json --format json "
                        "--output fleet.json",
                    },
                    {
                        "uses": "actions/upload-artifact@v6",
                        "with": {"name": "fleet-report", "path": f"fleet.{ext}\nfleet.json"},
                    },
                ],
            },
        },
    }


def to_yaml(documents: list[dict[str, Any]]) -> str:
    import yaml

    return "---\n".join(
        yaml.safe_dump(doc, sort_keys=False, default_flow_style=False, width=100)
        for doc in documents
    )


def server_dry_run(
    documents: list[dict[str, Any]], *, kubeconfig: str | None, context: str | None
) -> list[str]:
    """Server-side apply with ``dryRun=All`` (through the one kubernetes gateway); returns
    ``created``/``configured``/``unchanged`` per document."""
    from platformctl.core.provision import kube

    cluster = kube.connect(kubeconfig=kubeconfig, context=context)
    out = []
    for doc in documents:
        if not doc["metadata"].get("namespace"):
            doc = {**doc, "metadata": {**doc["metadata"], "namespace": "default"}}
        result = cluster.apply(doc, "jobs", dry_run=True)
        out.append(f"{doc['kind']}/{doc['metadata']['name']}: {result.outcome} (server dry run)")
    return out
