"""Options of the generated ``provision TYPE NAME`` command: the help shared by the
sub-commands, and one click option per parameter of a claim type's XRD.
"""

from __future__ import annotations

import json
from typing import Any

import click

# --- the generated claim command's options ---------------------------------------------

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


def param_help(p: Any, *, click_shows_range: bool = False) -> str:
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


def click_param(p: Any) -> click.Option:
    dest = "p_" + p.option.replace("-", "_")
    if p.type == "boolean":
        return click.Option(
            [f"--{p.option}/--no-{p.option}", dest], default=None, help=param_help(p)
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
        help=param_help(p, click_shows_range=True),
        metavar=metavar,
    )
