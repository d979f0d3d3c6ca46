"""``platformctl provision TYPE NAME``: the command generated per claim type, its prompts, and
the request it runs (``core/provision/request.py``), rendered with ``provision_render``.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from platformctl.cli import render
from platformctl.cli.provision_options import COMMON_HELP, click_param
from platformctl.cli.provision_render import (
    is_interactive,
    json_line,
    maybe_record,
    print_object,
    render_gitops,
    render_preflight,
    render_ready,
    restore,
    wait_ready,
)
from platformctl.core.errors import MissingInputError


class ClaimCommand(click.Command):
    """``provision TYPE NAME``: parameters generated from the claim type's XRD."""

    def __init__(self, claim_type: Any, invoked_as: str) -> None:
        self.claim_type = claim_type
        self.dests = {"p_" + p.option.replace("-", "_"): p.option for p in claim_type.params}
        params: list[click.Parameter] = [click.Argument(["name"], required=False, metavar="NAME")]
        params += [click_param(p) for p in claim_type.params]
        common: list[click.Parameter] = [
            click.Option(
                ["--set", "sets"], multiple=True, metavar="PATH=VALUE", help=COMMON_HELP["set"]
            ),
            click.Option(["-n", "--namespace"], default=None, help=COMMON_HELP["namespace"]),
            click.Option(["--context"], default=None, help=COMMON_HELP["context"]),
            click.Option(
                ["--kubeconfig"], default=None, metavar="FILE", help=COMMON_HELP["kubeconfig"]
            ),
            click.Option(
                ["-o", "--output"],
                type=click.Choice(["yaml", "json"]),
                default=None,
                help=COMMON_HELP["output"],
            ),
            click.Option(["--dry-run"], is_flag=True, default=False, help=COMMON_HELP["dry_run"]),
            click.Option(["--wait/--no-wait"], default=None, help=COMMON_HELP["wait"]),
            click.Option(
                ["--timeout"], default="15m", show_default=True, help=COMMON_HELP["timeout"]
            ),
            click.Option(
                ["--settle"], default=None, metavar="DURATION", help=COMMON_HELP["settle"]
            ),
            click.Option(
                ["--format", "fmt"],
                type=click.Choice(["text", "json"]),
                default="text",
                help=COMMON_HELP["fmt"],
            ),
            click.Option(
                ["--force-conflicts"],
                is_flag=True,
                default=False,
                help=COMMON_HELP["force_conflicts"],
            ),
            click.Option(
                ["--show-values"], is_flag=True, default=False, help=COMMON_HELP["show_values"]
            ),
            click.Option(
                ["--export-env"], default=None, metavar="FILE", help=COMMON_HELP["export_env"]
            ),
            click.Option(["--gitops"], is_flag=True, default=False, help=COMMON_HELP["gitops"]),
            click.Option(["--repo"], default=None, metavar="PATH", help=COMMON_HELP["repo"]),
            click.Option(["--path"], default=None, metavar="DIR", help=COMMON_HELP["path"]),
            click.Option(["--branch"], default=None, help=COMMON_HELP["branch"]),
            click.Option(["--push"], is_flag=True, default=False, help=COMMON_HELP["push"]),
            click.Option(["--record/--no-record"], default=None, help=COMMON_HELP["record"]),
            click.Option(
                ["--catalog-file"], default=None, metavar="FILE", help=COMMON_HELP["catalog_file"]
            ),
            click.Option(["--no-input"], is_flag=True, default=False, help=COMMON_HELP["no_input"]),
            click.Option(["-y", "--yes"], is_flag=True, default=False, help=COMMON_HELP["yes"]),
            click.Option(["--poll-interval"], type=float, default=2.0, hidden=True),
            click.Option(["--estimate"], is_flag=True, help=COMMON_HELP["estimate"]),
            click.Option(["--allow-over-budget"], is_flag=True, help=COMMON_HELP["over_budget"]),
        ]
        xrd = claim_type.xrd
        aliases = f" Aliases: {', '.join(claim_type.aliases)}." if claim_type.aliases else ""
        help_text = (
            f"Request a {claim_type.name}: a {xrd.request_kind} ({xrd.api_version_of_request}, "
            f"XRD {xrd.name}).{aliases}\n\n{claim_type.description}\n\n"
            "Parameters come from the XRD's schema; nested fields can be set with --set. "
            "Without --gitops the claim is sent with server-side apply to the current kube context."
        )
        super().__init__(
            name=invoked_as,
            params=params + common,
            callback=self._run,
            help=help_text,
            short_help=claim_type.description,
            context_settings={"help_option_names": ["-h", "--help"]},
        )

    def _run(self, **kwargs: Any) -> None:
        values = {self.dests[k]: v for k, v in kwargs.items() if k in self.dests}
        options = {k: v for k, v in kwargs.items() if k not in self.dests}
        request(self.claim_type, values=values, **options)


# --- prompts (through cli/prompts.py, the questionary gateway; only on a terminal) -------


def _ask(param: Any) -> Any:
    from platformctl.cli import prompts

    label = f"{param.option} ({param.description})" if param.description else param.option
    if param.type == "boolean":
        return prompts.select(label, [("true", "yes"), ("false", "no")]) == "true"
    if param.enum:
        return prompts.select(label, [(str(v), str(v)) for v in param.enum])
    return prompts.text(label, validate=lambda v: None if v.strip() else "a value is required")


def _ask_text(label: str) -> str:
    from platformctl.cli import prompts

    return prompts.text(label, validate=lambda v: None if v.strip() else "a value is required")


def request(
    claim_type: Any,
    *,
    values: dict[str, Any],
    name: str | None,
    sets: tuple[str, ...],
    namespace: str | None,
    context: str | None,
    kubeconfig: str | None,
    output: str | None,
    dry_run: bool,
    wait: bool | None,
    timeout: str,
    settle: str | None,
    fmt: str,
    force_conflicts: bool,
    show_values: bool,
    export_env: str | None,
    gitops: bool,
    repo: str | None,
    path: str | None,
    branch: str | None,
    push: bool,
    record: bool | None,
    catalog_file: str | None,
    no_input: bool,
    yes: bool,
    poll_interval: float,
    estimate: bool = False,
    allow_over_budget: bool = False,
) -> None:
    from platformctl.cli.app import load_config
    from platformctl.core.provision import request as flow

    wait = flow.check_modes(
        gitops=gitops, dry_run=dry_run, force_conflicts=force_conflicts, wait=wait,
        export_env=export_env, show_values=show_values, output=output,
    )  # fmt: skip
    cfg = load_config(overrides={"provision.context": context} if context else None)
    context = context or cfg.get("provision.context")
    seconds = flow.duration("--timeout", timeout)
    settle_seconds = flow.settle(settle, cfg)
    interactive = is_interactive(no_input)

    # 1. collect input; prompt or list everything that is missing
    missing = flow.missing_input(claim_type, values, sets)
    cluster = None
    if interactive and not output and not gitops and (not name or missing):
        cluster = flow.connect_early(
            claim_type, kubeconfig=kubeconfig, context=context, namespace=namespace
        )
    if interactive:
        if not name:
            name = _ask_text(f"name of the {claim_type.name}")
        for param in missing:
            values[param.option] = _ask(param)
    elif not name or missing:
        items = ([("NAME", "NAME (argument)")] if not name else []) + [
            (p.option, f"{p.flag} VALUE") for p in missing
        ]
        raise MissingInputError(items, what=f"values for {claim_type.name}")
    assert name is not None

    # 2. cluster or GitOps target; namespace
    where = flow.target(
        cfg, cluster=cluster, api_mode=not output and not gitops and not estimate,
        namespace_flag=namespace, kubeconfig=kubeconfig, context=context,
        printing=bool(output or estimate),
    )  # fmt: skip
    cluster, ns = where.cluster, where.namespace

    # 3. build and validate locally
    try:
        built = flow.build(claim_type, name, namespace=ns, values=values, sets=sets)
    except flow.InvalidClaim as exc:
        if len(exc.problems) > 1:  # each problem once: listed here, counted in the error line
            for line in exc.problems:
                render.err().print(f"  {line}", markup=False)
        raise

    from platformctl.cli.cost import claim_cost

    cost = claim_cost(
        claim_type, built, cfg, estimate=estimate, allow_over_budget=allow_over_budget,
        output=output, repo=repo, path=path, cluster=cluster,
    )  # fmt: skip
    if output:
        beside = {"claim": built.object, "estimate": cost}
        print_object(built.object if cost is None else beside, output)
        return
    if estimate:
        return

    if gitops:
        result = flow.submit_gitops(built, cfg, repo=repo, path=path, branch=branch, push=push)
        render_gitops(built, result, fmt)
        try:
            maybe_record(built, record, catalog_file, interactive, gitops_result=result)
        finally:
            restore(result, fmt, {"event": "gitops", "requestId": built.request_id})
        return

    # 4. API mode
    assert cluster is not None
    for event in flow.apply(
        cluster, claim_type, built, namespace=ns, force=force_conflicts, dry_run=dry_run
    ):
        if isinstance(event, flow.Preflighted):
            render_preflight(event)
        elif fmt == "json":
            json_line(
                {
                    "event": "applied",
                    "object": event.ref,
                    "outcome": event.outcome,
                    "dryRun": event.dry_run,
                    "requestId": event.request_id,
                }
            )
        else:
            suffix = " (server dry run)" if event.dry_run else ""
            render.info(f"{event.ref} {event.outcome}{suffix} (request {event.request_id})")
    if dry_run:
        return
    should_wait = sys.stdout.isatty() if wait is None else wait
    if not should_wait:
        if fmt != "json":
            render.info(
                f"follow it with: platformctl provision status {built.name} -t {claim_type.name}"
            )
        maybe_record(built, record, catalog_file, interactive)
        return
    snapshot = wait_ready(
        cluster,
        claim_type,
        built.name,
        built.namespace,
        seconds,
        fmt,
        poll_interval,
        settle=settle_seconds,
    )
    render_ready(
        cluster, claim_type, snapshot, fmt=fmt, show_values=show_values, export_env=export_env
    )
    maybe_record(built, record, catalog_file, interactive)
