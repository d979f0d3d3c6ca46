"""`platformctl provision`: request infrastructure through Crossplane claims.

``platformctl provision TYPE NAME [--param value ...]`` is a command generated per claim type:
its options come from the XRD's openAPIV3Schema (enum -> choices, boolean -> flag, integer
ranges, defaults, required), so ``platformctl provision db --help`` lists that type's
parameters.  ``types``, ``explain``, ``status``, ``list`` and ``delete`` are ordinary
sub-commands.  Everything else happens in ``platformctl.core.provision``.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import click
import typer
from typer.core import TyperGroup

from platformctl.cli import render
from platformctl.cli.app import get_context
from platformctl.core.errors import MissingInputError, UsageError

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


# --- the generated claim command ---------------------------------------------------------

COMMON_HELP = {
    "set": "Set any field under spec: --set parameters.size=medium (repeatable).",
    "namespace": "Namespace of the claim (default: the kube context's namespace, "
    "or settings provision.namespace).",
    "context": "kubeconfig context to use.",
    "kubeconfig": "kubeconfig file (default: $KUBECONFIG or ~/.kube/config).",
    "output": "Print the claim as yaml or json and stop (nothing is sent).",
    "dry_run": "Send it with the server's dry run (dryRun=All): checked by the cluster, "
    "not stored.",
    "wait": "Wait until Ready (default: wait on a terminal).",
    "timeout": "How long to wait for Ready, e.g. 90s, 15m (default 15m).",
    "settle": "How long Ready must hold before it counts (readiness can flap), e.g. 5s "
    "(default: settings provision.ready_settle, else 5s; 0 = at once).",
    "fmt": "Progress output: text, or json (one JSON event per change).",
    "force_conflicts": "Take over fields another manager owns (server-side apply force).",
    "show_values": "Show the connection secret's values (hidden by default).",
    "export_env": "When Ready, write the connection secret to a .env FILE (mode 0600; "
    "implies --wait; never replaces a file platformctl did not write).",
    "gitops": "Write the claim to a git repository and commit it, instead of sending it.",
    "repo": "GitOps repository (default: the current directory's repository).",
    "path": "Folder in the repository (default: settings provision.gitops_dir).",
    "branch": "Branch to commit on (default: provision/<kind>-<name>).",
    "push": "Push the branch to origin after committing.",
    "record": "Record the dependency in catalog-info.yaml (default: ask on a terminal).",
    "catalog_file": "The catalog file to record the dependency in (default: ./catalog-info.yaml).",
    "no_input": "Never prompt; fail listing the missing values instead.",
    "type": "Claim type or alias (default: search all); the same as TYPE before NAME.",
    "claim": "[TYPE] NAME: the claim's name, optionally after its type or alias "
    "(like provision TYPE NAME and kubectl).",
    "all_namespaces": "List claims in every namespace.",
    "list_type": "Only claims of this claim type (or alias).",
    "yes": "Answer yes to confirmations.",
    "estimate": "Print the claim's monthly cost (prices.yaml) and stop; needs no cluster.",
    "over_budget": "Send (or estimate) a claim that takes its team over its monthly budget.",
}


def _param_help(p: Any, *, click_shows_range: bool = False) -> str:
    text = p.description or ""
    extra = []
    if p.enum and p.type != "boolean":
        extra.append("one of " + ", ".join(str(v) for v in p.enum))
    if (p.minimum is not None or p.maximum is not None) and not (
        click_shows_range and p.type in ("integer", "number")
    ):
        lo = "" if p.minimum is None else f"{p.minimum:g}"
        hi = "" if p.maximum is None else f"{p.maximum:g}"
        extra.append(f"range {lo}..{hi}")
    if p.pattern:
        extra.append(f"pattern {p.pattern}")
    if p.type == "array":
        extra.append("comma-separated list")
    if p.has_default:
        default = json.dumps(p.default) if not isinstance(p.default, str) else p.default
        extra.append(f"default: {default}")
    if p.required:
        extra.append("required")
    if extra:
        text = f"{text} [{'; '.join(extra)}]".strip()
    return text


def _click_param(p: Any) -> click.Option:
    dest = "p_" + p.option.replace("-", "_")
    if p.type == "boolean":
        return click.Option(
            [f"--{p.option}/--no-{p.option}", dest], default=None, help=_param_help(p)
        )
    if p.enum and p.type in ("string", "int-or-string"):
        choice: click.ParamType = click.Choice([str(v) for v in p.enum])
    elif p.type == "integer" and (p.minimum is not None or p.maximum is not None):
        choice = click.IntRange(
            None if p.minimum is None else int(p.minimum),
            None if p.maximum is None else int(p.maximum),
        )
    elif p.type == "integer":
        choice = click.INT
    elif p.type == "number":
        choice = (
            click.FloatRange(p.minimum, p.maximum)
            if (p.minimum is not None or p.maximum is not None)
            else click.FLOAT
        )
    else:
        choice = click.STRING
    metavar = None
    if p.enum and p.type != "boolean":
        metavar = "[" + "|".join(str(v) for v in p.enum) + "]"
    return click.Option(
        [f"--{p.option}", dest],
        type=choice,
        default=None,
        help=_param_help(p, click_shows_range=True),
        metavar=metavar,
    )


class ClaimCommand(click.Command):
    """``provision TYPE NAME``: parameters generated from the claim type's XRD."""

    def __init__(self, claim_type: Any, invoked_as: str) -> None:
        self.claim_type = claim_type
        self.dests = {"p_" + p.option.replace("-", "_"): p.option for p in claim_type.params}
        params: list[click.Parameter] = [click.Argument(["name"], required=False, metavar="NAME")]
        params += [_click_param(p) for p in claim_type.params]
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


def _confirm(question: str, default: bool = False) -> bool:
    from platformctl.cli import prompts

    choices = [("yes", "yes"), ("no", "no")]
    if not default:
        choices.reverse()
    return prompts.select(question, choices) == "yes"


def _interactive(no_input: bool) -> bool:
    return not no_input and get_context().interactive


# --- the request flow (core/provision/request.py and follow.py; rendered here) ------------


def _stamp() -> str:
    return time.strftime("%H:%M:%S")


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
    interactive = _interactive(no_input)

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
        _print_object(built.object if cost is None else beside, output)
        return
    if estimate:
        return

    if gitops:
        result = flow.submit_gitops(built, cfg, repo=repo, path=path, branch=branch, push=push)
        _render_gitops(built, result, fmt)
        try:
            _maybe_record(built, record, catalog_file, interactive, gitops_result=result)
        finally:
            _restore(result, fmt, {"event": "gitops", "requestId": built.request_id})
        return

    # 4. API mode
    assert cluster is not None
    for event in flow.apply(
        cluster, claim_type, built, namespace=ns, force=force_conflicts, dry_run=dry_run
    ):
        if isinstance(event, flow.Preflighted):
            _render_preflight(event)
        elif fmt == "json":
            _json_line(
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
        _maybe_record(built, record, catalog_file, interactive)
        return
    snapshot = _wait(
        cluster,
        claim_type,
        built.name,
        built.namespace,
        seconds,
        fmt,
        poll_interval,
        settle=settle_seconds,
    )
    _ready(cluster, claim_type, snapshot, fmt=fmt, show_values=show_values, export_env=export_env)
    _maybe_record(built, record, catalog_file, interactive)


def _render_preflight(event: Any) -> None:
    if get_context().verbose:
        render.info(
            f"cluster {event.server} (context {event.context}), namespace {event.namespace}"
        )
        render.info(
            f"preflight: {event.plural}.{event.group} served; "
            f"allowed: {', '.join(event.allowed)}"
            + (f"; compositions: {', '.join(event.compositions)}" if event.compositions else "")
        )
    for note in event.notes:
        render.info(f"note: {note}")


def _print_object(obj: dict[str, Any], output: str) -> None:
    if output == "json":
        render.emit(json.dumps(obj, indent=2) + "\n")
    else:
        from platformctl.core.provision import request as flow

        render.emit(flow.to_yaml(obj))


def _json_line(data: dict[str, Any]) -> None:
    data = {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **data}
    sys.stdout.write(json.dumps(data) + "\n")
    sys.stdout.flush()


def _render_gitops(built: Any, result: Any, fmt: str) -> None:
    if fmt == "json":
        pass  # one event, after restore()
    elif result.changed:
        render.info(
            f"wrote {result.file} and committed it on branch {result.branch} "
            f"({(result.commit or '')[:8]})" + (" and pushed it" if result.pushed else "")
        )
        render.info(
            f"once merged and applied, follow it with: platformctl provision status {built.name}"
        )
    elif result.created_branch:
        render.info(f"{result.file} already requests this on {result.start}; nothing to commit")
    else:
        render.info(
            f"{result.file} already requested on branch {result.branch}; nothing to commit"
            + (" (pushed)" if result.pushed else "")
        )


def _restore(result: Any, fmt: str, event: dict[str, Any]) -> None:
    """Put the user back on the branch they started on, and say where they are."""
    from platformctl.core.provision import request as flow

    try:
        flow.restore(result)
    finally:
        if fmt == "json":
            _json_line({**event, **result.to_json()})
        elif result.returned and result.changed:
            where = "commit " + result.start[:8] if result.start_detached else result.start
            render.info(f"you are back on {where}; the change is on branch {result.branch}")
        elif not result.returned and result.start != result.branch:
            render.info(
                f"you are on branch {result.branch}"
                + (
                    " (the branch you started on has no commits yet)"
                    if result.start is None
                    else ""
                )
            )


def _render_snapshot_line(snapshot: Any, elapsed: float) -> str:
    from platformctl.core.provision import status as status_mod

    root = snapshot.root
    head = f"Synced={root.synced} Ready={root.ready}" if root else "not found"
    parts = []
    if snapshot.composite is not None:
        parts.append(
            f"composite {snapshot.composite.kind}/{snapshot.composite.name}: "
            f"Ready={snapshot.composite.ready}"
        )
    if snapshot.composed:
        ready = sum(1 for r in snapshot.composed if r.ready == "True")
        parts.append(f"composed {ready}/{len(snapshot.composed)} ready")
    detail = f" ({'; '.join(parts)})" if parts else ""
    return f"{_stamp()} [{status_mod.format_duration(elapsed)}] {head}{detail} - {snapshot.message}"


def _wait(
    cluster: Any,
    claim_type: Any,
    name: str,
    namespace: str | None,
    seconds: float,
    fmt: str,
    interval: float,
    *,
    settle: float = 0.0,
) -> Any:
    import contextlib

    from platformctl.core.provision import follow

    last = None
    console = render.err()
    spinning = fmt == "text" and console.is_terminal
    spinner_cm: Any = (
        console.status("waiting for Ready ...") if spinning else contextlib.nullcontext()
    )
    try:
        with spinner_cm as spinner:
            for event in follow.wait(
                cluster, claim_type, name, namespace,
                timeout=seconds, interval=interval, settle=settle,
            ):  # fmt: skip
                if isinstance(event, follow.TimedOut):
                    if fmt == "json":
                        _json_line(
                            {
                                "event": "timeout",
                                **event.snapshot.to_json(),
                                "postMortem": event.post_mortem,
                            }
                        )
                    else:
                        render.info("post-mortem (last known state):")
                        for line in event.post_mortem:
                            render.info(f"  {line}")
                    continue
                if isinstance(event, follow.Failed):
                    if fmt == "json":
                        _json_line({"event": "failed", **event.snapshot.to_json()})
                    continue
                last = event.snapshot
                if fmt == "json":
                    _json_line(
                        {
                            "event": "status",
                            "elapsed": round(event.elapsed, 2),
                            **event.snapshot.to_json(),
                        }
                    )
                else:
                    render.info(_render_snapshot_line(event.snapshot, event.elapsed))
                    if spinner is not None:
                        spinner.update(f"waiting for Ready: {event.snapshot.message}")
    except KeyboardInterrupt:
        render.info(
            f"stopped waiting; the request stands. Follow it with: "
            f"platformctl provision status {name} --wait"
        )
        raise
    return last


def _ready(
    cluster: Any,
    claim_type: Any,
    snapshot: Any,
    *,
    fmt: str,
    show_values: bool,
    export_env: str | None,
) -> None:
    from platformctl.core.provision import follow, secrets

    for event in follow.connection(cluster, claim_type, snapshot, export_env=export_env):
        if isinstance(event, follow.Ready):
            if fmt != "json":
                render.info(f"{event.ref} is Ready")
        elif isinstance(event, follow.SecretMissing):
            render.warn(f"connection secret {event.namespace}/{event.name} does not exist (yet)")
        elif isinstance(event, follow.SecretWarning):
            render.warn(event.text)
        elif isinstance(event, follow.EnvWritten):
            if fmt != "json":
                render.info(f"wrote {event.keys} variables to {event.path} (mode 0600)")
        elif isinstance(event, follow.Connection):
            info = event.secret
            if fmt == "json":
                payload: dict[str, Any] = {"event": "ready"}
                if info is not None:
                    payload["secret"] = info.to_json(show_values=show_values)
                _json_line(payload)
            elif info is not None:
                out = render.out()
                out.print(f"connection secret: {info.namespace}/{info.name}", markup=False)
                out.print(f"keys: {', '.join(info.keys) or '(none)'}", markup=False)
                if show_values:
                    for key in info.keys:
                        out.print(f"  {key}={info.values.get(key, '')}", markup=False)
                out.print("use it in a container spec:", markup=False)
                out.print(secrets.snippet(info).rstrip(), markup=False)


def _maybe_record(
    built: Any,
    record: bool | None,
    catalog_file: str | None,
    interactive: bool,
    *,
    gitops_result: Any = None,
) -> None:
    from platformctl.core.provision import request as flow

    target = flow.record_target(record, catalog_file)
    if target is None:
        return
    if record is None:
        if not interactive:
            return
        if not _confirm(f"Record {built.name} as a dependency in {target}?", default=True):
            return
    result = flow.record(built, target)
    if result.changed:
        render.info(
            f"recorded {result.ref} in {target} "
            f"(Resource entity and dependsOn of {result.component})"
        )
    else:
        render.info(f"{target} already records {result.ref}")
    if gitops_result is not None:
        sha = flow.commit_record(built, target, gitops_result)
        if sha:
            render.info(f"committed {target} on branch {gitops_result.branch} ({sha[:8]})")


# --- the fixed sub-commands ----------------------------------------------------------------


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
        help_text = _param_help(p)
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
                render.info(f"{_stamp()} {event.what}")
            else:
                ct = event.claim_type
        remaining = max(0.0, seconds - (time.monotonic() - started))
        snapshot = _wait(
            cluster, ct, name, ns, remaining, fmt, poll_interval, settle=flow.settle(settle, cfg)
        )
        _ready(cluster, ct, snapshot, fmt=fmt, show_values=show_values, export_env=export_env)
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
        if not _interactive(no_input):
            raise UsageError(
                f"not deleting {ref} without a confirmation (no terminal to ask on)",
                hint="pass --yes to delete it",
            )
        if not _confirm(
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
        if not _interactive(no_input):
            raise UsageError(
                f"not removing {rel} without a confirmation (no terminal to ask on)",
                hint="pass --yes to remove it",
            )
        if not _confirm(
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
        _restore(result, "text", {})
