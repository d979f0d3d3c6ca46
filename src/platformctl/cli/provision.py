"""`platformctl provision`: request infrastructure through Crossplane claims.

``platformctl provision TYPE NAME [--param value ...]`` is a command generated per claim type:
its options come from the XRD's openAPIV3Schema (enum -> choices, boolean -> flag, integer
ranges, defaults, required), so ``platformctl provision db --help`` lists that type's
parameters.  ``types``, ``explain``, ``status``, ``list`` and ``delete`` are ordinary
sub-commands.  The generated command is in ``provision_request.py`` (its options in
``provision_options.py``), rendering shared by both in ``provision_render.py``; the workflow
itself is in ``platformctl.core.provision`` (``request``, ``follow``, ``manage``).
"""

from __future__ import annotations

import json
import time
from typing import Any

import click
import typer
from typer.core import TyperGroup

from platformctl.cli import render
from platformctl.cli.provision_options import COMMON_HELP, param_help
from platformctl.cli.provision_render import (
    confirm,
    is_interactive,
    render_ready,
    restore,
    stamp,
    wait_ready,
)
from platformctl.cli.provision_request import ClaimCommand
from platformctl.core.errors import UsageError

SUBCOMMANDS = ("types", "explain", "status", "list", "delete")


def _registry() -> Any:
    from platformctl.cli.app import load_config
    from platformctl.core.provision import claim

    return claim.registry_from_config(load_config())


class ProvisionGroup(TyperGroup):
    """Fixed sub-commands plus one generated command per claim type (and alias)."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command
        registry = _registry()
        claim_type = registry.find(cmd_name)
        if claim_type is None:
            registry.get(cmd_name)  # raises UsageError naming the known types
            return None
        return ClaimCommand(claim_type, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_commands(ctx, formatter)
        try:
            registry = _registry()
        except Exception:  # noqa: BLE001 - help must not fail on a broken platform folder
            return
        rows = []
        for name, ct in registry.types.items():
            aliases = f" (alias: {', '.join(ct.aliases)})" if ct.aliases else ""
            rows.append((name, f"{ct.kind}{aliases}. {ct.description}".strip()))
        if rows:
            with formatter.section("Claim types (platformctl provision TYPE NAME --help)"):
                formatter.write_dl(rows)


app = typer.Typer(
    cls=ProvisionGroup,
    help="Request infrastructure via Crossplane claims: "
    "platformctl provision TYPE NAME [--param value ...].",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


@app.callback()
def _group() -> None:
    """Request infrastructure via Crossplane claims.

    platformctl provision TYPE NAME [--param value ...]  (e.g. provision db orders-db --size medium)
    """


@app.command("types")
def types_cmd(
    fmt: str = typer.Option(
        "text", "--format", click_type=click.Choice(["text", "json"]), help="text or json."
    ),
) -> None:
    """List the claim types this platform offers."""
    registry = _registry()
    rows = []
    for name, ct in registry.types.items():
        rows.append(
            {
                "name": name,
                "aliases": ct.aliases,
                "kind": ct.kind,
                "apiVersion": ct.xrd.api_version_of_request,
                "xrd": ct.xrd.name,
                "crossplane": f"v{ct.xrd.major}",
                "platform": ct.platform,
                "description": ct.description,
            }
        )
    if fmt == "json":
        render.emit(
            json.dumps({"version": 1, "types": rows, "unusable": registry.errors}, indent=2) + "\n"
        )
        return
    render.table(
        ["type", "aliases", "kind", "apiVersion", "description"],
        [
            [
                row["name"],
                ", ".join(row["aliases"]),
                row["kind"],
                row["apiVersion"],
                " ".join(row["description"].split()),
            ]
            for row in rows
        ],
    )
    for name, why in registry.errors.items():
        render.warn(f"claim type {name} is unusable: {why}")


@app.command("explain")
def explain_cmd(
    type_name: str = typer.Argument(
        ..., metavar="TYPE", help="Claim type or alias (see provision types)."
    ),
    fmt: str = typer.Option(
        "text", "--format", click_type=click.Choice(["text", "json"]), help="text or json."
    ),
) -> None:
    """Show a claim type's parameters: types, allowed values, defaults, descriptions."""
    ct = _registry().get(type_name)
    xrd = ct.xrd
    params = ct.params
    if fmt == "json":
        render.emit(
            json.dumps(
                {
                    "version": 1,
                    "type": ct.name,
                    "aliases": ct.aliases,
                    "kind": xrd.request_kind,
                    "apiVersion": xrd.api_version_of_request,
                    "xrd": xrd.name,
                    "scope": "Namespaced" if xrd.request_namespaced else "Cluster",
                    "connectionSecretKeys": xrd.connection_secret_keys,
                    "parameters": [
                        {
                            "option": p.flag,
                            "field": p.dotted,
                            "type": p.type,
                            "enum": p.enum,
                            "default": p.default,
                            "hasDefault": p.has_default,
                            "required": p.required,
                            "minimum": p.minimum,
                            "maximum": p.maximum,
                            "pattern": p.pattern,
                            "description": p.description,
                        }
                        for p in params
                    ],
                },
                indent=2,
                default=str,
            )
            + "\n"
        )
        return
    out = render.out()
    out.print(f"{ct.name}: {xrd.request_kind} ({xrd.api_version_of_request})", markup=False)
    if ct.aliases:
        out.print(f"aliases: {', '.join(ct.aliases)}", markup=False)
    out.print(
        f"XRD: {xrd.name} ({xrd.api_version}, "
        f"{'claim' if xrd.request_is_claim else 'composite resource'}, "
        f"{'namespaced' if xrd.request_namespaced else 'cluster scoped'})",
        markup=False,
    )
    if ct.description:
        out.print(ct.description, markup=False)
    if xrd.connection_secret_keys:
        out.print(f"connection secret keys: {', '.join(xrd.connection_secret_keys)}", markup=False)
    out.print("", markup=False)
    out.print("parameters:", markup=False)
    for p in params:
        out.print(f"  {p.flag} ({p.dotted}, {p.type})", markup=False)
        help_text = param_help(p)
        if help_text:
            out.print(f"      {help_text}", markup=False)
    out.print("", markup=False)
    example = [f"platformctl provision {ct.aliases[0] if ct.aliases else ct.name} NAME"]
    example += [f"{p.flag} {p.enum[0] if p.enum else 'VALUE'}" for p in params if p.required]
    out.print("example: " + " ".join(example), markup=False)
    sample = next((p for p in params if len(p.path) > 1), params[0] if params else None)
    if sample is not None:
        value = sample.enum[-1] if sample.enum else "VALUE"
        if sample.type == "boolean":
            value = "true"
        shown = f"--set {'.'.join(sample.path)}={value}"
    else:
        shown = "--set path=value"
    out.print(f"other fields under spec: --set path=value (e.g. {shown})", markup=False)


def _type_and_name(claim: list[str], type_name: str | None, command: str) -> tuple[str | None, str]:
    """``[TYPE] NAME`` (as ``provision TYPE NAME`` and kubectl take it) and ``-t TYPE``: the
    claim type (None = search all) and the name.  The type is checked before anything else."""
    if len(claim) == 1:
        return type_name, claim[0]
    if len(claim) != 2:
        raise UsageError(
            f"provision {command} takes [TYPE] NAME, got {len(claim)} arguments: "
            + " ".join(claim),
            hint=f"e.g. platformctl provision {command} db orders-db",
        )
    given, name = claim
    registry = _registry()
    positional = registry.get(given)  # an unknown type is a usage error naming the known ones
    if type_name and registry.get(type_name).name != positional.name:
        raise UsageError(
            f"claim type given twice: {given} and -t {type_name}",
            hint=f"pass one: platformctl provision {command} {given} {name}",
        )
    return given, name


@app.command("status")
def status_cmd(
    claim: list[str] = typer.Argument(..., metavar="[TYPE] NAME", help=COMMON_HELP["claim"]),
    type_name: str | None = typer.Option(None, "--type", "-t", help=COMMON_HELP["type"]),
    namespace: str | None = typer.Option(None, "--namespace", "-n", help=COMMON_HELP["namespace"]),
    context: str | None = typer.Option(None, "--context", help=COMMON_HELP["context"]),
    kubeconfig: str | None = typer.Option(
        None, "--kubeconfig", metavar="FILE", help=COMMON_HELP["kubeconfig"]
    ),
    fmt: str = typer.Option(
        "text", "--format", click_type=click.Choice(["text", "json"]), help="text or json."
    ),
    show_values: bool = typer.Option(False, "--show-values", help="Show connection secret values."),
    wait: bool = typer.Option(
        False, "--wait/--no-wait", help="Follow it until Ready (waits for it to appear first)."
    ),
    timeout: str = typer.Option("15m", "--timeout", help="How long --wait waits, e.g. 90s, 15m."),
    settle: str | None = typer.Option(
        None, "--settle", metavar="DURATION", help=COMMON_HELP["settle"]
    ),
    request_id: str | None = typer.Option(
        None,
        "--request-id",
        help="Wait for this request (platformctl.io/request-id), e.g. after a GitOps merge.",
    ),
    export_env: str | None = typer.Option(
        None, "--export-env", help="Write the connection secret to a .env FILE (mode 0600)."
    ),
    poll_interval: float = typer.Option(2.0, "--poll-interval", hidden=True),
) -> None:
    """Show a claim's conditions, its composite and composed resources, and its secret.

    platformctl provision status [TYPE] NAME, e.g. status db orders-db (or status orders-db,
    which searches every claim type).
    """
    from platformctl.cli.app import load_config
    from platformctl.core.provision import follow, manage
    from platformctl.core.provision import request as flow

    type_name, name = _type_and_name(claim, type_name, "status")
    cfg = load_config()
    cluster = flow.connect(
        kubeconfig=kubeconfig,
        context=context or cfg.get("provision.context"),
        namespace=namespace,
    )
    ns = flow.namespace(namespace, cfg, cluster.namespace)
    registry = _registry()
    if export_env:
        flow.check_export_target(export_env)
    if wait:
        seconds = flow.duration("--timeout", timeout)
        started = time.monotonic()
        ct = None
        for event in follow.appear(
            registry, cluster, name, ns, type_name, request_id,
            timeout=seconds, interval=poll_interval,
        ):  # fmt: skip
            if isinstance(event, follow.NotThereYet):
                render.info(f"{stamp()} {event.what}")
            else:
                ct = event.claim_type
        remaining = max(0.0, seconds - (time.monotonic() - started))
        snapshot = wait_ready(
            cluster, ct, name, ns, remaining, fmt, poll_interval, settle=flow.settle(settle, cfg)
        )
        render_ready(cluster, ct, snapshot, fmt=fmt, show_values=show_values, export_env=export_env)
        return
    st = manage.status(registry, cluster, name, ns, type_name, export_env=export_env)
    snapshot, secret_info, found_id = st.snapshot, st.secret, st.request_id
    if st.written is not None:
        render.info(f"wrote {len(secret_info.keys)} variables to {st.written} (mode 0600)")
    if fmt == "json":
        render.emit(json.dumps(st.to_json(show_values=show_values), indent=2) + "\n")
    else:
        out = render.out()
        root_ref = snapshot.root.ref if snapshot.root else name
        out.print(f"{root_ref}: {snapshot.phase} - {snapshot.message}", markup=False)
        if found_id:
            out.print(f"request: {found_id}", markup=False)
        for line in st.lines():
            out.print(f"  {line}", markup=False)
        if secret_info is not None:
            out.print(
                f"connection secret: {secret_info.namespace}/{secret_info.name}", markup=False
            )
            out.print(f"keys: {', '.join(secret_info.keys)}", markup=False)
            if show_values:
                for key in secret_info.keys:
                    out.print(f"  {key}={secret_info.values.get(key, '')}", markup=False)
            for warning in secret_info.warnings:
                render.warn(warning)
    if request_id and found_id != request_id:
        render.warn(
            f"the cluster has request {found_id or '(none)'}, not {request_id} (not applied yet?)"
        )
    if st.failed:
        raise typer.Exit(1)
    if export_env and secret_info is None:
        raise manage.nothing_exported(st, name, export_env)


@app.command("list")
def list_cmd(
    type_name: str | None = typer.Option(None, "--type", "-t", help=COMMON_HELP["list_type"]),
    namespace: str | None = typer.Option(None, "--namespace", "-n", help=COMMON_HELP["namespace"]),
    all_namespaces: bool = typer.Option(
        False, "--all-namespaces", "-A", help=COMMON_HELP["all_namespaces"]
    ),
    context: str | None = typer.Option(None, "--context", help=COMMON_HELP["context"]),
    kubeconfig: str | None = typer.Option(
        None, "--kubeconfig", metavar="FILE", help=COMMON_HELP["kubeconfig"]
    ),
    fmt: str = typer.Option(
        "text", "--format", click_type=click.Choice(["text", "json"]), help="text or json."
    ),
) -> None:
    """List claims: kind, name, ready, synced, age, secret."""
    from platformctl.cli.app import load_config
    from platformctl.core.provision import manage
    from platformctl.core.provision import request as flow

    cfg = load_config()
    cluster = flow.connect(
        kubeconfig=kubeconfig, context=context or cfg.get("provision.context"), namespace=namespace
    )
    ns = None if all_namespaces else flow.namespace(namespace, cfg, cluster.namespace)
    rows = manage.list_claims(_registry(), cluster, ns, type_name)
    if fmt == "json":
        render.emit(json.dumps({"version": 1, "claims": rows}, indent=2) + "\n")
        return
    if not rows:
        render.info(f"no claims in {'any namespace' if ns is None else 'namespace ' + ns}")
        return
    table = []
    for row in rows:
        shown = (
            f"{row['namespace']}/{row['name']}"
            if all_namespaces and row["namespace"]
            else row["name"]
        )
        table.append([row["kind"], shown, row["ready"], row["synced"], row["age"], row["secret"]])
    render.table(["kind", "name", "ready", "synced", "age", "secret"], table)


@app.command("delete")
def delete_cmd(
    claim: list[str] = typer.Argument(..., metavar="[TYPE] NAME", help=COMMON_HELP["claim"]),
    type_name: str | None = typer.Option(None, "--type", "-t", help=COMMON_HELP["type"]),
    namespace: str | None = typer.Option(None, "--namespace", "-n", help=COMMON_HELP["namespace"]),
    context: str | None = typer.Option(None, "--context", help=COMMON_HELP["context"]),
    kubeconfig: str | None = typer.Option(
        None, "--kubeconfig", metavar="FILE", help=COMMON_HELP["kubeconfig"]
    ),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    no_input: bool = typer.Option(False, "--no-input", help="Never prompt."),
    gitops: bool = typer.Option(
        False,
        "--gitops",
        help="Remove the claim file from the GitOps repository on a branch and commit it, "
        "instead of deleting on the cluster.",
    ),
    repo: str | None = typer.Option(
        None, "--repo", metavar="PATH", help="With --gitops: the repository (default: here)."
    ),
    path: str | None = typer.Option(
        None,
        "--path",
        metavar="DIR",
        help="With --gitops: folder of the claim files (default: settings provision.gitops_dir).",
    ),
    branch: str | None = typer.Option(
        None,
        "--branch",
        help="With --gitops: branch to commit on (default: deprovision/<kind>-<name>).",
    ),
    push: bool = typer.Option(False, "--push", help="With --gitops: push the branch to origin."),
) -> None:
    """Delete a claim (and, through Crossplane, what it created). Asks first unless --yes.

    With --gitops the claim's file is removed on a branch and committed; the GitOps
    controller deletes the claim once that is merged.
    """
    from platformctl.cli.app import load_config
    from platformctl.core.provision import manage
    from platformctl.core.provision import request as flow

    type_name, name = _type_and_name(claim, type_name, "delete")
    cfg = load_config()
    if gitops:
        _delete_gitops(
            cfg,
            name=name,
            type_name=type_name,
            repo=repo,
            path=path,
            branch=branch,
            push=push,
            yes=yes,
            no_input=no_input,
        )
        return
    if repo or path or branch or push:
        raise UsageError(
            "--repo, --path, --branch and --push go with --gitops",
            hint=f"platformctl provision delete {name} --gitops ...",
        )
    cluster = flow.connect(
        kubeconfig=kubeconfig, context=context or cfg.get("provision.context"), namespace=namespace
    )
    ns = flow.namespace(namespace, cfg, cluster.namespace)
    found = manage.find_for_delete(_registry(), cluster, name, ns, type_name)
    ref = found.ref
    if found.controller:
        render.warn(
            f"{ref} is applied by {found.controller}: deleting it on the cluster is undone when "
            f"the controller syncs again; remove it from the repository instead: "
            f"platformctl provision delete {name} --gitops"
        )
    if not yes:
        if not is_interactive(no_input):
            raise UsageError(
                f"not deleting {ref} without a confirmation (no terminal to ask on)",
                hint="pass --yes to delete it",
            )
        if not confirm(
            f"Delete {ref}? Crossplane deletes the cloud resources it created.", default=False
        ):
            render.info("not deleted")
            raise typer.Exit(1)
    manage.delete(cluster, found)
    render.info(f"{ref} deleted")


def _delete_gitops(
    cfg: Any,
    *,
    name: str,
    type_name: str | None,
    repo: str | None,
    path: str | None,
    branch: str | None,
    push: bool,
    yes: bool,
    no_input: bool,
) -> None:
    from platformctl.core.provision import manage

    found = manage.find_claim_file(
        _registry(), cfg, name=name, type_name=type_name, repo=repo, path=path
    )
    rel = found.rel
    if not yes:
        if not is_interactive(no_input):
            raise UsageError(
                f"not removing {rel} without a confirmation (no terminal to ask on)",
                hint="pass --yes to remove it",
            )
        if not confirm(
            f"Remove {rel} (commit on a branch)? Once merged, Crossplane deletes the cloud "
            "resources it created.",
            default=False,
        ):
            render.info("not deleted")
            raise typer.Exit(1)
    result = manage.withdraw(found, name, branch=branch, push=push)
    try:
        if result.changed:
            render.info(
                f"removed {rel} and committed it on branch {result.branch} "
                f"({(result.commit or '')[:8]})" + (" and pushed it" if result.pushed else "")
            )
            render.info(
                "once merged, the GitOps controller deletes the claim; follow it with "
                f"platformctl provision status {name}"
            )
        else:
            render.info(f"{rel} is already removed on branch {result.branch}; nothing to commit")
    finally:
        restore(result, "text", {})
