"""``platformctl cost report`` as one call: choose where the claims come from (a GitOps folder
or the cluster), price them with the platform's price tables and total them against the
teams' budgets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformctl.core.cost.report import CostReport


@dataclass
class Showback:
    report: CostReport
    unserved: list[str] = field(default_factory=list)  # claim types the cluster does not serve


def check_source(*, gitops: Path | None, cluster: bool) -> None:
    """Exactly one source: a GitOps folder or the cluster (UsageError otherwise)."""
    from platformctl.core.errors import UsageError

    if (gitops is None) == (not cluster):
        raise UsageError(
            "say where the claims are: --gitops DIR or --cluster (one of them)",
            hint="platformctl cost report --gitops infra/claims",
        )


def showback(
    config: Any,
    *,
    gitops: Path | None = None,
    cluster: bool = False,
    namespace: str | None = None,
    context: str | None = None,
    kubeconfig: str | None = None,
    base: Path | None = None,
    note: Callable[[str], None] | None = None,
) -> Showback:
    """Price every claim of ``gitops`` (file names relative to ``base``) or of the cluster
    (``context``, else ``provision.context``; ``namespace`` None: every namespace).

    ``note`` is told, as soon as the cluster has been read (before pricing, which can fail),
    which claim types the cluster does not serve."""
    from platformctl.core.cost import budget as budget_mod
    from platformctl.core.cost import inventory
    from platformctl.core.cost.prices import load_prices
    from platformctl.core.cost.report import build_report
    from platformctl.core.provision import claim

    check_source(gitops=gitops, cluster=cluster)
    registry = claim.registry_from_config(config)
    prices = load_prices(config.platforms, aliases=dict(registry.aliases))
    budgets = budget_mod.budgets_from_config(config)
    unserved: list[str] = []
    if gitops is not None:
        records = inventory.from_folder(gitops, registry, base=base)
        source = str(gitops)
    else:
        found = inventory.read_cluster(
            registry,
            kubeconfig=kubeconfig,
            context=context or config.get("provision.context"),
            namespace=namespace,
        )
        records, source, unserved = found.records, found.source, found.unserved
        if unserved and note is not None:
            note(f"the cluster does not serve {', '.join(unserved)}")
    report = build_report(records, prices, budgets=budgets, source=source)
    return Showback(report, unserved)
