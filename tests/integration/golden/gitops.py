"""Checks of the shared GitOps layout (golden_paths/_shared/gitops) on a rendered project.

Plain functions over a rendered project folder, so every golden path that includes the piece
is verified the same way: test_gitops.py runs them for each golden path whose copier.yml lists
`gitops` in `_platformctl_shared` (go-service included, once it does). Each returns data or
raises AssertionError with what was wrong; tools that are missing make the caller skip.

Tools: kustomize (`nox -s golden` installs it with `go install`, pinned), kubernetes-validate,
and for Argo CD's own schemas the npm package @kubernetes-models/argo-cd (validators generated
from Argo CD's API types; `nox -s golden` installs it and sets ARGOCD_MODELS_DIR); for KEDA's
ScaledObject (the option workload=consumer) @kubernetes-models/keda (generated from KEDA's CRDs;
KEDA_MODELS_DIR).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ENVIRONMENTS = ("dev", "staging", "prod")
OVERLAYS = (*ENVIRONMENTS, "preview")
BIN = Path(sys.executable).parent
KUSTOMIZE_VERSION = "v5.8.1"  # keep in step with noxfile.py
# The tag CI's preview job pushes and the ApplicationSet deploys.
PREVIEW_TAG = re.compile(r":pr-(?P<number>.+)-(?P<sha>.+)$")
# Custom resources kubernetes-validate has no schema for; validated with their own models.
CUSTOM_GROUPS = frozenset({"keda.sh"})
_VALIDATE_MJS = """\
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
const [, , modelsDir, file, module = "@kubernetes-models/argo-cd/argoproj.io/v1alpha1"] =
  process.argv;
const url = pathToFileURL(`${modelsDir}/${module}/index.js`);
const models = await import(url.href);
let failed = 0;
for (const doc of JSON.parse(readFileSync(file, "utf8"))) {
  const Kind = models[doc.kind];
  if (!Kind) { failed++; console.log(`UNKNOWN KIND ${doc.kind}`); continue; }
  try { new Kind(doc).validate(); console.log(`valid ${doc.kind}/${doc.metadata.name}`); }
  catch (e) { failed++; console.log(`INVALID ${doc.kind}/${doc.metadata?.name}: ${e.message}`); }
}
process.exit(failed ? 1 : 0);
"""


def tool(name: str) -> Path | None:
    """A tool from the running interpreter's environment (nox installs there), else PATH."""
    candidate = BIN / name
    if candidate.exists():
        return candidate
    found = shutil.which(name)
    return Path(found) if found else None


def argocd_models() -> Path | None:
    """node_modules holding @kubernetes-models/argo-cd, if installed."""
    return _models("ARGOCD_MODELS_DIR", "argocd-models", "argo-cd")


def keda_models() -> Path | None:
    """node_modules holding @kubernetes-models/keda, if installed."""
    return _models("KEDA_MODELS_DIR", "keda-models", "keda")


def _models(variable: str, default: str, package: str) -> Path | None:
    for base in (os.environ.get(variable), str(BIN.parent / default)):
        if base:
            folder = Path(base)
            if folder.name != "node_modules":
                folder = folder / "node_modules"
            if (folder / "@kubernetes-models" / package / "package.json").is_file():
                return folder
    return None


def run(
    args: list[str | Path], cwd: Path, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def explain(result: subprocess.CompletedProcess[str]) -> str:
    return (
        f"exit {result.returncode}\n--- stdout\n{result.stdout[-4000:]}\n"
        f"--- stderr\n{result.stderr[-4000:]}"
    )


def load_all(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text()) if isinstance(d, dict)]


# The workloads the piece deploys: a Deployment (with Service, HPA and PDB; or with PDB and a
# KEDA ScaledObject, the piece's option workload=consumer), or a CronJob (option
# workload=cronjob). Their base manifest and where the pod template is; the companions each
# overlay deploys are what deploy/base lists (Project.kinds).
WORKLOADS: dict[str, tuple[str, tuple[str, ...], frozenset[str]]] = {
    "Deployment": (
        "deployment.yaml",
        ("spec", "template"),
        frozenset({"Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"}),
    ),
    "CronJob": (
        "cronjob.yaml",
        ("spec", "jobTemplate", "spec", "template"),
        frozenset({"CronJob"}),
    ),
    # Airflow's KubernetesExecutor task pod (option workload=airflow): no replicas, no schedule.
    "PodTemplate": (
        "pod-template.yaml",
        ("template",),
        frozenset({"PodTemplate"}),
    ),
}


def pod_template(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The pod template of a Deployment or CronJob."""
    node: Any = doc
    for key in WORKLOADS[str(doc["kind"])][1]:
        node = node[key]
    return dict(node)


def base_workload(path: Path) -> dict[str, Any]:
    """The one workload of deploy/base (a Deployment, or a CronJob)."""
    found = [
        d
        for kind, (file, _, _) in WORKLOADS.items()
        if (path / "deploy" / "base" / file).is_file()
        for d in load_all(path / "deploy" / "base" / file)
        if d["kind"] == kind
    ]
    assert len(found) == 1, f"deploy/base must hold one Deployment or CronJob, found {found}"
    return found[0]


@dataclass
class Project:
    """A rendered project and the answers that matter to the GitOps layout."""

    path: Path
    name: str
    github_org: str
    image: str  # repository without tag
    argocd_namespace: str = "argocd"
    argocd_project: str = "default"
    workload: str = "Deployment"  # or CronJob (the piece's option workload=cronjob)

    @classmethod
    def from_answers(cls, path: Path, answers: Mapping[str, Any]) -> Project:
        """Answers as given plus the template defaults recorded in .copier-answers.yml."""
        recorded = yaml.safe_load((path / ".copier-answers.yml").read_text())
        merged = {**recorded, **answers}
        # The image repository is the golden path's (computed) answer `image`; the overlays
        # name it, and the base Deployment must run it or kustomize's images would not match.
        overlay = yaml.safe_load((path / "deploy/overlays/dev/kustomization.yaml").read_text())
        image = str(overlay["images"][0]["name"])
        workload = base_workload(path)
        base_image = pod_template(workload)["spec"]["containers"][0]["image"]
        assert base_image.rsplit(":", 1)[0] == image, (base_image, image)
        return cls(
            path=path,
            name=str(merged["name"]),
            github_org=str(merged.get("github_org", "example-org")),
            image=image,
            argocd_namespace=str(merged.get("argocd_namespace", "argocd")),
            argocd_project=str(merged.get("argocd_project", "default")),
            workload=str(workload["kind"]),
        )

    @property
    def kinds(self) -> frozenset[str]:
        """What every overlay deploys: what deploy/base lists (the workload and its companions)
        and the ConfigMap."""
        folder = self.path / "deploy" / "base"
        listed = yaml.safe_load((folder / "kustomization.yaml").read_text())["resources"]
        kinds = {str(d["kind"]) for rel in listed for d in load_all(folder / rel)}
        assert self.workload in kinds
        if self.workload == "Deployment" and "ScaledObject" not in kinds:
            assert kinds >= WORKLOADS["Deployment"][2], kinds
        return frozenset(kinds | {"ConfigMap"})

    @property
    def repo_url(self) -> str:
        return f"https://github.com/{self.github_org}/{self.name}.git"

    def namespace(self, env: str) -> str:
        """<name>-<env>, the name shortened so the namespace stays a DNS label (63)."""
        namespace = f"{self.name}-{env}"
        if len(namespace) > 63:
            namespace = f"{self.name[: 62 - len(env)].rstrip('-')}-{env}"
        assert len(namespace) <= 63 and namespace.startswith(self.name[:40])
        return namespace


# --- kustomize -----------------------------------------------------------------------------------


def build(kustomize: Path, folder: Path) -> list[dict[str, Any]]:
    result = run([kustomize, "build", folder], cwd=folder)
    assert result.returncode == 0, explain(result)
    return [d for d in yaml.safe_load_all(result.stdout) if isinstance(d, dict)]


def build_overlays(project: Project, kustomize: Path) -> dict[str, list[dict[str, Any]]]:
    """`kustomize build deploy/overlays/<env>` for every overlay."""
    return {env: build(kustomize, project.path / "deploy" / "overlays" / env) for env in OVERLAYS}


def by_kind(docs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for doc in docs:
        assert doc["kind"] not in out, f"two {doc['kind']} objects"
        out[doc["kind"]] = doc
    return out


def assert_environments_differ(project: Project, builds: dict[str, list[dict[str, Any]]]) -> None:
    """Each overlay output: its own namespace everywhere, its environment's configuration, the
    hashed ConfigMap wired into the workload, the environment's image tag and resources, and
    HPA bounds (a Deployment) or a suspended preview (a CronJob)."""
    bounds: dict[str, tuple[int, int]] = {}
    resources: dict[str, Any] = {}
    for env, docs in builds.items():
        kinds = by_kind(docs)
        assert project.kinds <= set(kinds), env
        namespaced = [d for d in docs if d["kind"] != "Namespace"]
        expected_ns = project.namespace(env)
        assert {d["metadata"].get("namespace") for d in namespaced} == {expected_ns}, env
        for doc in docs:
            assert doc["metadata"]["labels"]["app.kubernetes.io/environment"] == env, doc["kind"]
        config = kinds["ConfigMap"]
        assert config["data"]["ENVIRONMENT"] == env
        assert config["data"]["LOG_LEVEL"] in {"DEBUG", "INFO"}
        assert re.fullmatch(
            rf"{re.escape(project.name)}-config-[a-z0-9]{{10}}", config["metadata"]["name"]
        )
        workload = kinds[project.workload]
        pod = pod_template(workload)
        assert pod["metadata"]["labels"]["app.kubernetes.io/environment"] == env
        container = pod["spec"]["containers"][0]
        refs = [
            e["configMapRef"]["name"] for e in container.get("envFrom", []) if "configMapRef" in e
        ]
        assert refs == [config["metadata"]["name"]], (
            f"{env}: {project.workload} does not read the ConfigMap"
        )
        assert container["image"] == f"{project.image}:0.1.0", env
        assert (
            container["resources"]["requests"]["memory"]
            and container["resources"]["limits"]["memory"]
        )
        resources[env] = container["resources"]
        if project.workload == "CronJob":
            # A pull request's copy runs only when started by hand.
            assert bool(workload["spec"].get("suspend")) is (env == "preview"), env
            continue
        if project.workload == "PodTemplate":  # Airflow schedules the pods: nothing to scale
            continue
        if "ScaledObject" in kinds:  # KEDA owns the replica count (and makes the HPA)
            scaled = kinds["ScaledObject"]["spec"]
            assert "HorizontalPodAutoscaler" not in kinds and "Service" not in kinds, env
            assert scaled["scaleTargetRef"]["name"] == workload["metadata"]["name"], env
            low, high = scaled["minReplicaCount"], scaled["maxReplicaCount"]
        else:
            hpa = kinds["HorizontalPodAutoscaler"]["spec"]
            low, high = hpa["minReplicas"], hpa["maxReplicas"]
        assert 1 <= low <= high, env
        bounds[env] = (low, high)
        pdb = kinds["PodDisruptionBudget"]["spec"]
        if pdb.get("minAvailable") is not None:
            assert int(pdb["minAvailable"]) < low, f"{env}: the PDB blocks every eviction"
    # Each environment is sized by its overlay (dev and preview smallest).
    assert resources["dev"] == resources["preview"] != resources["staging"], resources
    if bounds:
        assert bounds["dev"][1] <= bounds["staging"][1] <= bounds["prod"][1]
        assert bounds["preview"] == (1, 1)
    assert by_kind(builds["preview"])["Namespace"]["metadata"]["name"] == project.namespace(
        "preview"
    )


def build_preview_like_argocd(
    project: Project, kustomize: Path, work: Path, number: int, sha: str
) -> list[dict[str, Any]]:
    """Build the preview overlay the way Argo CD does for one pull request: the ApplicationSet's
    kustomize.namespace and kustomize.images applied with `kustomize edit`."""
    appset = application_set(project)
    source = appset["spec"]["template"]["spec"]["source"]
    params = {"number": str(number), "head_sha": sha}

    def fill(text: str) -> str:
        return re.sub(r"\{\{ \.(\w+) \}\}", lambda m: params[m.group(1)], text)

    copy = work / "deploy"
    shutil.copytree(project.path / "deploy", copy)
    overlay = copy / "overlays" / "preview"
    namespace = fill(source["kustomize"]["namespace"])
    result = run([kustomize, "edit", "set", "namespace", namespace], cwd=overlay)
    assert result.returncode == 0, explain(result)
    for image in source["kustomize"]["images"]:
        result = run([kustomize, "edit", "set", "image", fill(image)], cwd=overlay)
        assert result.returncode == 0, explain(result)
    docs = build(kustomize, overlay)
    assert len(namespace) <= 63 and re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", namespace)
    assert namespace == fill(appset["spec"]["template"]["spec"]["destination"]["namespace"])
    kinds = by_kind(docs)
    assert kinds["Namespace"]["metadata"]["name"] == namespace
    assert {d["metadata"].get("namespace") for d in docs if d["kind"] != "Namespace"} == {namespace}
    image = pod_template(kinds[project.workload])["spec"]["containers"][0]["image"]
    assert image == f"{project.image}:pr-{number}-{sha}"
    return docs


def is_custom(doc: Mapping[str, Any]) -> bool:
    """A custom resource of CUSTOM_GROUPS (validated against its CRD's models instead)."""
    return str(doc.get("apiVersion", "")).split("/")[0] in CUSTOM_GROUPS


def kubernetes_validate(validate: Path, builds: dict[str, list[dict[str, Any]]], work: Path) -> int:
    """kubernetes-validate --strict on every overlay's output, custom resources aside (see
    validate_keda_schemas); returns how many objects passed."""
    files = []
    expected = 0
    for env, docs in builds.items():
        core = [d for d in docs if not is_custom(d)]
        expected += len(core)
        path = work / f"{env}.yaml"
        path.write_text(yaml.safe_dump_all(core, sort_keys=False))
        files.append(path)
    result = run([validate, "--strict", *files], cwd=work)
    assert result.returncode == 0, explain(result)
    passed = (result.stdout + result.stderr).count(" passed ")
    assert passed == expected, explain(result)
    return passed


def validate_keda_schemas(
    builds: dict[str, list[dict[str, Any]]], node: Path, models: Path, work: Path
) -> list[str]:
    """Validate every KEDA object of the overlays' output with the validators of
    @kubernetes-models/keda (generated from KEDA's CRDs), then show the validation is real: a
    wrong type and a missing required field are rejected. Returns the lines of the first run."""
    docs = [d for env_docs in builds.values() for d in env_docs if is_custom(d)]
    assert docs, "no KEDA object in the overlays"
    (work / "validate.mjs").write_text(_VALIDATE_MJS)
    (work / "keda.json").write_text(json.dumps(docs))
    module = "@kubernetes-models/keda/keda.sh/v1alpha1"
    result = run([node, work / "validate.mjs", models, work / "keda.json", module], cwd=work)
    assert result.returncode == 0, explain(result)
    lines = result.stdout.splitlines()
    assert len([ln for ln in lines if ln.startswith("valid ")]) == len(docs), explain(result)
    broken = json.loads(json.dumps(docs[0]))
    broken["spec"]["minReplicaCount"] = "two"
    del broken["spec"]["scaleTargetRef"]["name"]
    (work / "broken-keda.json").write_text(json.dumps([broken]))
    result = run([node, work / "validate.mjs", models, work / "broken-keda.json", module], cwd=work)
    assert result.returncode == 1, explain(result)
    assert "minReplicaCount must be integer" in result.stdout, explain(result)
    assert "must have required property name" in result.stdout, explain(result)
    return lines


# --- Argo CD -------------------------------------------------------------------------------------


def argocd_documents(project: Project) -> list[dict[str, Any]]:
    folder = project.path / "deploy" / "argocd"
    listed = yaml.safe_load((folder / "kustomization.yaml").read_text())["resources"]
    docs = [d for rel in listed for d in load_all(folder / rel)]
    on_disk = sorted(p.name for p in folder.glob("*.yaml") if p.name != "kustomization.yaml")
    assert sorted(listed) == on_disk, "deploy/argocd/kustomization.yaml must list every manifest"
    return docs


def application_set(project: Project) -> dict[str, Any]:
    (appset,) = [d for d in argocd_documents(project) if d["kind"] == "ApplicationSet"]
    return appset


def assert_argocd_fields(project: Project) -> None:
    """What Argo CD needs from each manifest: required fields and those the layout relies on."""
    docs = argocd_documents(project)
    apps = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Application"}
    assert sorted(apps) == sorted(f"{project.name}-{env}" for env in ENVIRONMENTS)
    for env in ENVIRONMENTS:
        app = apps[f"{project.name}-{env}"]
        assert app["apiVersion"] == "argoproj.io/v1alpha1"
        assert app["metadata"]["namespace"] == project.argocd_namespace
        spec = app["spec"]
        assert set(spec) >= {"project", "source", "destination"}
        assert spec["project"] == project.argocd_project
        assert spec["source"] == {
            "repoURL": project.repo_url,
            "targetRevision": "main",
            "path": f"deploy/overlays/{env}",
        }
        overlay = yaml.safe_load(
            (project.path / "deploy/overlays" / env / "kustomization.yaml").read_text()
        )
        assert spec["destination"] == {
            "server": "https://kubernetes.default.svc",
            "namespace": overlay["namespace"],
        }
        policy = spec["syncPolicy"]
        assert "CreateNamespace=true" in policy["syncOptions"]
        if env == "prod":
            assert "automated" not in policy, "prod must be synced by hand"
        else:
            assert policy["automated"] == {"prune": True, "selfHeal": True}, env
    appset = application_set(project)
    assert appset["metadata"]["namespace"] == project.argocd_namespace
    spec = appset["spec"]
    assert spec["goTemplate"] is True
    (generator,) = spec["generators"]
    github = generator["pullRequest"]["github"]
    assert (github["owner"], github["repo"]) == (project.github_org, project.name)
    assert set(github["tokenRef"]) == {"secretName", "key"}
    template = spec["template"]
    assert "{{ .number }}" in template["metadata"]["name"]
    assert "resources-finalizer.argocd.argoproj.io" in template["metadata"]["finalizers"]
    source = template["spec"]["source"]
    assert source["repoURL"] == project.repo_url and source["path"] == "deploy/overlays/preview"
    assert source["targetRevision"] == "{{ .head_sha }}"
    (image,) = source["kustomize"]["images"]
    assert image == f"{project.image}:pr-{{{{ .number }}}}-{{{{ .head_sha }}}}"
    assert template["spec"]["destination"]["namespace"] == source["kustomize"]["namespace"]
    assert template["spec"]["syncPolicy"]["automated"] == {"prune": True, "selfHeal": True}
    assert "CreateNamespace=true" in template["spec"]["syncPolicy"]["syncOptions"]


def validate_argocd_schemas(project: Project, node: Path, models: Path, work: Path) -> list[str]:
    """Validate every Argo CD manifest with the validators of @kubernetes-models/argo-cd
    (generated from Argo CD's API types: types, enums, required fields). Returns the lines."""
    docs = argocd_documents(project)
    (work / "argocd.json").write_text(json.dumps(docs))
    (work / "validate.mjs").write_text(_VALIDATE_MJS)
    result = run([node, work / "validate.mjs", models, work / "argocd.json"], cwd=work)
    assert result.returncode == 0, explain(result)
    lines = result.stdout.splitlines()
    assert len([ln for ln in lines if ln.startswith("valid ")]) == len(docs), explain(result)
    return lines


def assert_schema_validation_catches(
    project: Project, node: Path, models: Path, work: Path
) -> None:
    """The schema validation is real: a wrong type and a missing required field are rejected."""
    docs = argocd_documents(project)
    app = next(
        d for d in docs if d["kind"] == "Application" and "automated" in d["spec"]["syncPolicy"]
    )
    app["spec"]["syncPolicy"]["automated"]["prune"] = "yes"
    appset = next(d for d in docs if d["kind"] == "ApplicationSet")
    del appset["spec"]["generators"][0]["pullRequest"]["github"]["owner"]
    (work / "broken.json").write_text(json.dumps([app, appset]))
    (work / "validate.mjs").write_text(_VALIDATE_MJS)
    result = run([node, work / "validate.mjs", models, work / "broken.json"], cwd=work)
    assert result.returncode == 1, explain(result)
    assert "automated/prune must be boolean" in result.stdout, explain(result)
    assert "must have required property owner" in result.stdout, explain(result)


# --- CI ------------------------------------------------------------------------------------------


def assert_preview_ci_job(project: Project) -> None:
    """The workflow's preview job pushes exactly the tag the ApplicationSet deploys."""
    workflow = yaml.safe_load((project.path / ".github/workflows/ci.yml").read_text())
    job = workflow["jobs"]["preview"]
    assert "pull_request" in job["if"] and "head.repo.full_name == github.repository" in job["if"]
    assert job["permissions"]["packages"] == "write"
    assert set(job["needs"]) == {"test", "lint", "security"}
    push = next(
        s for s in job["steps"] if str(s.get("uses", "")).startswith("docker/build-push-action")
    )
    assert push["with"]["push"] is True
    assert push["with"]["tags"] == (
        f"{project.image}:pr-${{{{ github.event.pull_request.number }}}}"
        f"-${{{{ github.event.pull_request.head.sha }}}}"
    )
    login = next(
        s for s in job["steps"] if str(s.get("uses", "")).startswith("docker/login-action")
    )
    assert login["with"]["registry"] == project.image.split("/")[0]
