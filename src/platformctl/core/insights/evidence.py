"""Evidence for the maturity assessment, gathered from what the platform team already has:

- repositories, from a folder of checkouts or the fleet inventory (``core.fleet.inventory``:
  files, folders or the Backstage catalog; URLs are cloned into the fleet cache);
- in each repository: its golden path and version (``.copier-answers.yml``), its catalog entry,
  its claims (documents of the platform's claim types in the GitOps claims folder and
  ``deploy/``; requested with ``platformctl provision`` or written by hand), and its
  ``platformctl check`` scores (``core.compliance.scoring.run``, the API ``check`` calls);
- DORA data: the deployment and incident records ``metrics dora`` reads
  (``core.metrics.readers``), or its ``--format json`` report.

``maturity.propose`` turns an ``Evidence`` into proposed levels with the reasons; nothing here
decides a level.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from platformctl.core.errors import InputFileError, PlatformError, UsageError
from platformctl.core.insights.maturity import DORA_KEYS, DoraData, Evidence, RepoFacts

DEPLOY_DIR = "deploy"


@dataclass(frozen=True)
class Repository:
    name: str
    path: Path


def in_folder(folder: str | Path) -> list[Repository]:
    """Each sub-folder of ``folder`` that holds ``.git``."""
    root = Path(folder)
    if not root.is_dir():
        raise UsageError(f"{folder} is not a folder", hint="pass --repos a folder of repositories")
    found = [
        Repository(p.name, p)
        for p in sorted(root.iterdir())
        if p.is_dir() and not p.name.startswith(".") and (p / ".git").exists()
    ]
    if not found:
        raise UsageError(
            f"no git repositories in {folder}",
            hint="pass --repos the folder that holds your repository checkouts",
        )
    return found


def from_inventory(
    sources: list[str],
    *,
    cwd: Path,
    catalog: Callable[[], Any] | None = None,
    cache: Path | None = None,
) -> tuple[list[Repository], list[tuple[str, str]]]:
    """The fleet inventory's repositories as work trees (local ones in place, URLs cloned or
    fetched into the fleet cache); those that cannot be read come back as (name, why)."""
    from platformctl.core.fleet import inventory
    from platformctl.core.fleet.runner import checkout

    inv = inventory.load(sources, cwd=cwd, catalog=catalog)
    repos: list[Repository] = []
    skipped = [(str(ref), str(why)) for ref, why in inv.skipped]
    for entry in inv.entries:
        try:
            repos.append(Repository(entry.name, checkout(entry, cache=cache)))
        except PlatformError as exc:
            skipped.append((entry.name, exc.message))
    return repos, skipped


def _answers_file(repo: Path) -> dict[str, Any]:
    import yaml

    path = repo / ".copier-answers.yml"
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def claim_documents(
    repo: Path, folders: Iterable[str], claim_kinds: set[tuple[str, str]]
) -> list[dict[str, Any]]:
    """Documents of the platform's claim types, as (API group, kind), in the YAML files under
    ``folders`` of ``repo`` (hidden folders and unreadable files are passed over: evidence, not
    validation)."""
    from platformctl.core import yamlio

    found: list[dict[str, Any]] = []
    seen: set[Path] = set()
    for folder in folders:
        base = repo / folder
        if not base.is_dir():
            continue
        for path in sorted(p for pattern in ("*.yaml", "*.yml") for p in base.rglob(pattern)):
            if path in seen or any(part.startswith(".") for part in path.relative_to(repo).parts):
                continue
            seen.add(path)
            for doc in yamlio.load_file(path).documents:
                data = doc.data
                if not isinstance(data, dict):
                    continue
                api_version, kind = data.get("apiVersion"), data.get("kind")
                if not isinstance(api_version, str) or not isinstance(kind, str):
                    continue
                group = api_version.rsplit("/", 1)[0] if "/" in api_version else ""
                if (group, kind) in claim_kinds:
                    found.append(data)
    return found


def check_scores(repo: Path) -> tuple[dict[str, dict[str, Any]], str | None]:
    """``platformctl check`` in ``repo`` through the compliance API, with the repository's own
    configuration (its .platformctl.yaml): scorecard -> {score, level, status}, or the error."""
    from platformctl.core import config as config_mod
    from platformctl.core.compliance import scoring

    try:
        cfg = config_mod.load(cwd=repo)
        root = Path(cfg.repo_root) if cfg.repo_root is not None else repo.resolve()
        result = scoring.run(root=root, config=cfg)
    except PlatformError as exc:
        return {}, exc.render()
    return {
        card.scorecard.id: {"score": card.score, "level": card.level, "status": card.status}
        for card in result.scorecards
    }, None


def repo_facts(
    repo: Repository,
    *,
    latest_versions: dict[str, str],
    claims_dir: str = "infra/claims",
    claim_kinds: set[tuple[str, str]] | None = None,
    check: bool = True,
) -> RepoFacts:
    from platformctl.core.provision.claim import requested_with_platformctl
    from platformctl.core.scaffold.versions import name_from_source, version_of

    answers = _answers_file(repo.path)
    src = answers.get("_src_path")
    name = name_from_source(str(src)) if src else None
    if name is None and src:
        name = Path(str(src).rstrip("/")).name or None
    version = version_of(str(answers["_commit"])) if answers.get("_commit") else None
    latest = None
    if name and name in latest_versions and version:
        latest = version == latest_versions[name]
    folders = dict.fromkeys([claims_dir, DEPLOY_DIR])  # each once, in order
    claims = claim_documents(repo.path, folders, claim_kinds or set())
    scorecards, error = check_scores(repo.path) if check else ({}, None)
    return RepoFacts(
        repo.name,
        name,
        version,
        latest,
        (repo.path / "catalog-info.yaml").is_file(),
        len(claims),
        sum(1 for c in claims if requested_with_platformctl(c)),
        scorecards,
        error,
    )


def gather(
    repositories: list[Repository],
    *,
    where: str,
    latest_versions: dict[str, str],
    claims_dir: str = "infra/claims",
    claim_kinds: set[tuple[str, str]] | None = None,
    check: bool = True,
    skipped: list[tuple[str, str]] | None = None,
    dora: DoraData | None = None,
) -> Evidence:
    """Facts of each repository. ``latest_versions``: golden path -> its latest version in the
    registry; ``claim_kinds``: the platform's claim types as (API group, kind)."""
    facts = [
        repo_facts(
            repo,
            latest_versions=latest_versions,
            claims_dir=claims_dir,
            claim_kinds=claim_kinds,
            check=check,
        )
        for repo in repositories
    ]
    return Evidence(where, facts, skipped=list(skipped or []), dora=dora, checked=check)


def collect(
    config: Any,
    *,
    repos: Path | None = None,
    inventory: list[str] | None = None,
    check: bool = True,
    deployments: list[Path] | None = None,
    incidents: list[Path] | None = None,
    dora_reports: list[Path] | None = None,
    cwd: Path | None = None,
    warn: Callable[[str], None] | None = None,
    info: Callable[[str], None] | None = None,
) -> Evidence:
    """``assess``'s evidence: the repositories of a folder and/or of the fleet inventory (the
    Backstage catalog of ``config`` when a source says so; duplicates by path counted once),
    their facts against the golden-path registry and the claim types of ``config``, and the
    DORA files.  ``warn`` hears about each repository that cannot be read, ``info`` that the
    checks start (both before the repositories are gathered)."""
    from platformctl.core.backstage import workflows
    from platformctl.core.provision.claim import registry_from_config
    from platformctl.core.scaffold.registry import load_registry

    dora = read_dora(deployments=deployments, incidents=incidents, reports=dora_reports)
    found: list[Repository] = []
    skipped: list[tuple[str, str]] = []
    where = []
    if repos is not None:
        found += in_folder(repos)
        where.append(str(repos))
    if inventory:
        catalog = workflows.catalog_source(lambda: config)
        listed, skipped = from_inventory(inventory, cwd=cwd or Path.cwd(), catalog=catalog)
        for name, why in skipped:
            if warn is not None:
                warn(f"{name}: not read ({why})")
        known = {r.path.resolve() for r in found}
        found += [r for r in listed if r.path.resolve() not in known]
        where.append("inventory " + ", ".join(inventory))
    if found and check and info is not None:
        info(f"running platformctl check in {len(found)} repositories")
    latest = {p.name: p.version for p in load_registry(config).entries() if p.version is not None}
    kinds = {(t.xrd.group, t.xrd.request_kind) for t in registry_from_config(config).types.values()}
    return gather(
        found,
        where=" and ".join(where),
        latest_versions=latest,
        claims_dir=str(config.get("provision.gitops_dir", "infra/claims")),
        claim_kinds=kinds,
        check=check,
        skipped=skipped,
        dora=dora,
    )


# -- DORA data -------------------------------------------------------------------------------


def read_dora(
    *,
    deployments: list[Path] | None = None,
    incidents: list[Path] | None = None,
    reports: list[Path] | None = None,
    environment: str = "production",
) -> DoraData | None:
    """What DORA data the files hold: deployment and incident records (the readers of
    ``metrics dora``), or ``metrics dora --format json`` reports. None when no file is given;
    a file that is neither is an InputFileError (exit 2) naming it."""
    from platformctl.core.metrics import readers

    if not (deployments or incidents or reports):
        return None
    data = DoraData(sources=[])
    services: set[str] = set()
    for path in deployments or []:
        records = readers.read_deployments(path, default_service=path.stem, environment=environment)
        data.deployments += len(records.deployments)
        services |= {d.service for d in records.deployments}
        data.sources.append(f"{path}: {len(records.deployments)} deployments ({records.kind})")
    for path in incidents or []:
        records = readers.read_incidents(path)
        data.incidents += len(records.incidents)
        data.sources.append(f"{path}: {len(records.incidents)} incidents ({records.kind})")
    keys: set[str] = set()
    for path in reports or []:
        report = _dora_report(path)
        data.report = True
        for group in report.get("groups") or []:
            summary = group.get("summary") or {}
            data.deployments += int(summary.get("deployments") or 0)
            services |= {str(s) for s in group.get("services") or []}
            for key, field_name in zip(DORA_KEYS, _REPORT_FIELDS, strict=True):
                if summary.get(field_name) is not None:
                    keys.add(key)
        window = report.get("window") or {}
        data.sources.append(
            f"{path}: metrics dora report, {window.get('since', '?')} to "
            f"{window.get('until', '?')}"
        )
    data.keys = [k for k in DORA_KEYS if k in keys]
    data.services = sorted(services)
    return data


_REPORT_FIELDS = (
    "deployments_per_day",
    "lead_time_median_seconds",
    "change_failure_ratio",
    "recovery_time_median_seconds",
)


def _dora_report(path: Path) -> dict[str, Any]:
    hint = "write one with platformctl metrics dora --format json --output FILE"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputFileError(f"cannot read: {exc.strerror or exc}", file=str(path)) from None
    except UnicodeDecodeError:
        raise InputFileError("not a metrics dora report: not text", file=str(path)) from None
    except json.JSONDecodeError as exc:
        raise InputFileError(
            f"not a metrics dora report: {exc.msg}",
            file=str(path),
            line=exc.lineno,
            column=exc.colno,
            hint=hint,
        ) from None
    tool = data.get("tool") if isinstance(data, dict) else None
    if not (
        isinstance(data, dict)
        and data.get("kind") == "dora"
        and isinstance(tool, dict)
        and tool.get("command") == "metrics dora"
        and isinstance(data.get("groups"), list)
    ):
        raise InputFileError("not a metrics dora report", file=str(path), line=1, hint=hint)
    return data
