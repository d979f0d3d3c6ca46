"""Rendering what ``core/provision`` yields or returns: the applied claim, progress while
waiting for Ready (text lines, a spinner on a terminal, or JSON events), the connection
secret, GitOps commits, the recorded catalog dependency; and the yes/no confirmation.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from platformctl.cli import render
from platformctl.cli.app import get_context


def confirm(question: str, default: bool = False) -> bool:
    from platformctl.cli import prompts

    choices = [("yes", "yes"), ("no", "no")]
    if not default:
        choices.reverse()
    return prompts.select(question, choices) == "yes"


def is_interactive(no_input: bool) -> bool:
    return not no_input and get_context().interactive


def stamp() -> str:
    return time.strftime("%H:%M:%S")


def render_preflight(event: Any) -> None:
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


def print_object(obj: dict[str, Any], output: str) -> None:
    if output == "json":
        render.emit(json.dumps(obj, indent=2) + "\n")
    else:
        from platformctl.core.provision import request as flow

        render.emit(flow.to_yaml(obj))


def json_line(data: dict[str, Any]) -> None:
    data = {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **data}
    sys.stdout.write(json.dumps(data) + "\n")
    sys.stdout.flush()


def render_gitops(built: Any, result: Any, fmt: str) -> None:
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


def restore(result: Any, fmt: str, event: dict[str, Any]) -> None:
    """Put the user back on the branch they started on, and say where they are."""
    from platformctl.core.provision import request as flow

    try:
        flow.restore(result)
    finally:
        if fmt == "json":
            json_line({**event, **result.to_json()})
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


def snapshot_line(snapshot: Any, elapsed: float) -> str:
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
    return f"{stamp()} [{status_mod.format_duration(elapsed)}] {head}{detail} - {snapshot.message}"


def wait_ready(
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
                        json_line(
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
                        json_line({"event": "failed", **event.snapshot.to_json()})
                    continue
                last = event.snapshot
                if fmt == "json":
                    json_line(
                        {
                            "event": "status",
                            "elapsed": round(event.elapsed, 2),
                            **event.snapshot.to_json(),
                        }
                    )
                else:
                    render.info(snapshot_line(event.snapshot, event.elapsed))
                    if spinner is not None:
                        spinner.update(f"waiting for Ready: {event.snapshot.message}")
    except KeyboardInterrupt:
        render.info(
            f"stopped waiting; the request stands. Follow it with: "
            f"platformctl provision status {name} --wait"
        )
        raise
    return last


def render_ready(
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
                json_line(payload)
            elif info is not None:
                out = render.out()
                out.print(f"connection secret: {info.namespace}/{info.name}", markup=False)
                out.print(f"keys: {', '.join(info.keys) or '(none)'}", markup=False)
                if show_values:
                    for key in info.keys:
                        out.print(f"  {key}={info.values.get(key, '')}", markup=False)
                out.print("use it in a container spec:", markup=False)
                out.print(secrets.snippet(info).rstrip(), markup=False)


def maybe_record(
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
        if not confirm(f"Record {built.name} as a dependency in {target}?", default=True):
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
