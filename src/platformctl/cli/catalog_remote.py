"""`platformctl catalog register|get|unregister|pull|init`: the live Backstage catalog.

Registered on the catalog sub-app (``platformctl.cli.catalog.app``).  The workflows live in
``platformctl.core.backstage.workflows`` (register, get, unregister, pull, validate --remote; each
opens its own Backstage client) and ``platformctl.core.catalog.init_file`` (init); this module
only parses options, prompts on a TTY and renders.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from platformctl.cli import render
from platformctl.cli.app import get_context, load_config

if TYPE_CHECKING:
    from platformctl.core.config import Config


class _StderrHandler(logging.Handler):
    """Writes to whatever sys.stderr is now (tests swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
        except Exception:  # noqa: BLE001 - logging must never break the command
            self.handleError(record)


def _config() -> Config:
    """The configuration for the Backstage workflows; with -v the client's request lines (never
    headers) go to stderr."""
    verbose = get_context().verbose
    if verbose:
        logger = logging.getLogger("platformctl.backstage")
        if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
            handler = _StderrHandler()
            handler.setFormatter(logging.Formatter("backstage: %(message)s"))
            logger.addHandler(handler)
        logger.setLevel(logging.DEBUG if verbose > 1 else logging.INFO)
    return load_config()  # type: ignore[no-any-return]


def _check_format(fmt: str, allowed: tuple[str, ...]) -> None:
    from platformctl.core.errors import UsageError

    if fmt not in allowed:
        raise UsageError(f"unknown format {fmt!r}", hint=f"use --format {' or '.join(allowed)}")


# --- register --------------------------------------------------------------------------------


def register(
    target: str = typer.Argument(
        ".", metavar="[PATH_OR_URL]", help="Catalog file, its folder, or an http(s) URL."
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Ask Backstage what it would create; register nothing."
    ),
    wait: bool = typer.Option(
        True, "--wait/--no-wait", help="Wait until the entities are visible in the catalog."
    ),
    timeout: float = typer.Option(60.0, "--timeout", help="Seconds to wait for the entities."),
    fmt: str = typer.Option("text", "--format", help="text or json."),
) -> None:
    """Register a catalog file as a Backstage location (type url for URLs, file for paths)."""
    from platformctl.core.backstage import workflows

    _check_format(fmt, ("text", "json"))
    if not timeout >= 0:  # also NaN
        from platformctl.core.errors import UsageError

        raise UsageError(
            f"--timeout must be a number of seconds >= 0, not {timeout}",
            hint="e.g. --timeout 120, or --no-wait to return at once",
        )
    result = workflows.register(
        target,
        config=_config(),
        dry_run=dry_run,
        wait=wait,
        timeout=timeout,
        progress=render.info if fmt == "text" else None,
    )
    if fmt == "json":
        payload = {
            "version": 1,
            "location": {
                "id": result.location.id,
                "type": result.location.type,
                "target": result.location.target,
            },
            "dry_run": result.dry_run,
            "existed": result.existed,
            "visible": result.visible,
            "entities": [
                {
                    "ref": str(n),
                    "kind": n.kind,
                    "namespace": n.namespace,
                    "name": n.name,
                    "link": result.links.get(str(n)),
                }
                for n in result.entities
            ],
        }
        render.emit(json.dumps(payload, indent=2) + "\n")
        return
    where = result.location.ref
    if result.existed:
        render.info(f"already registered: {where} (location id {result.location.id})")
    elif result.dry_run:
        render.info(f"dry run: registering {where} would create {len(result.entities)} entities:")
    elif result.visible:
        render.info(f"registered {where} (location id {result.location.id})")
    else:
        render.info(f"registered {where} (location id {result.location.id}); not waiting")
    width = max((len(str(n)) for n in result.entities), default=0)
    lines = [f"{str(n):<{width}}  {result.links[str(n)]}" for n in result.entities]
    render.emit("".join(line + "\n" for line in lines))


# --- get -------------------------------------------------------------------------------------


def get(
    ref: str = typer.Argument(
        ..., metavar="REF", help="kind:namespace/name, or a bare name (a Component in default)."
    ),
    fmt: str = typer.Option("text", "--format", help="text, json or yaml."),
) -> None:
    """Show one entity from the live catalog (exit 1 when it does not exist)."""
    from platformctl.core.backstage import parse_ref, workflows

    _check_format(fmt, ("text", "json", "yaml"))
    found = workflows.get(parse_ref(ref), config=_config())
    entity = found.entity
    if fmt == "json":
        render.emit(json.dumps(entity, indent=2) + "\n")
        return
    if fmt == "yaml":
        import yaml

        render.emit(yaml.safe_dump(entity, sort_keys=False, allow_unicode=True))
        return
    render.emit(_entity_text(found))


def _entity_text(found: Any) -> str:
    entity, name = found.entity, found.name
    meta = entity.get("metadata") or {}
    spec = entity.get("spec") or {}
    annotations = meta.get("annotations") or {}
    rows: list[tuple[str, Any]] = [
        ("ref", str(name)),
        ("title", meta.get("title")),
        ("description", meta.get("description")),
    ]
    for key in ("type", "lifecycle", "owner", "system", "domain", "parent", "profile"):
        value = spec.get(key)
        if value is not None and not isinstance(value, dict | list):
            rows.append((key, value))
    if meta.get("tags"):
        rows.append(("tags", ", ".join(map(str, meta["tags"]))))
    rows.append(("location", annotations.get("backstage.io/managed-by-location")))
    relations = entity.get("relations") or []
    if relations:
        rows.append(
            ("relations", ", ".join(f"{r.get('type')} {r.get('targetRef')}" for r in relations))
        )
    rows.append(("portal", found.link))
    width = max(len(k) for k, _ in rows)
    return "".join(f"{k:<{width}}  {v}\n" for k, v in rows if v not in (None, ""))


# --- unregister ------------------------------------------------------------------------------


def unregister(
    target: str = typer.Argument(
        ...,
        metavar="REF_OR_LOCATION_ID",
        help="An entity ref (its location is removed) or a location id.",
    ),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Remove a location (and the entities it provides) from the catalog."""
    from platformctl.core.backstage import workflows
    from platformctl.core.errors import UsageError

    def listing(plan: workflows.Unregistration) -> str:
        return ", ".join(str(n) for n in plan.provided) or "no entities"

    def confirm(plan: workflows.Unregistration) -> bool:
        location = plan.location
        render.info(f"{location.ref} (location id {location.id}) provides: {listing(plan)}")
        if not get_context().interactive:
            raise UsageError(
                f"refusing to unregister {location.ref} without confirmation",
                hint="pass --yes to unregister without being asked",
            )
        return typer.confirm(
            f"Unregister {location.ref} (location id {location.id}) and its entities?",
            default=False,
        )

    plan = workflows.unregister(target, config=_config(), confirm=None if yes else confirm)
    if not plan.removed:
        render.info("nothing unregistered")
        raise typer.Exit(0)
    location = plan.location
    render.info(
        f"unregistered {location.ref} (location id {location.id}); removed: {listing(plan)}"
    )


# --- pull ------------------------------------------------------------------------------------


def pull() -> None:
    """Cache the refs and kinds of the live catalog for `validate --offline`."""
    from platformctl.core.backstage import workflows

    pulled = workflows.pull(config=_config())
    path, cache = pulled.path, pulled.cache
    kinds = ", ".join(f"{k} {n}" for k, n in cache.kinds.items()) or "no entities"
    render.info(f"cached {len(cache.refs)} entities ({kinds}) from {cache.source} in {path}")


# --- init ------------------------------------------------------------------------------------


def _parse_data(items: list[str]) -> dict[str, str]:
    from platformctl.core.errors import UsageError

    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(
                f"invalid --data {item!r}", hint="use --data key=value, e.g. owner=team-a"
            )
        out[key.strip()] = value.strip()
    return out


def init(
    path: Path = typer.Argument(Path("."), help="The repository folder."),
    data: list[str] = typer.Option(
        [],
        "--data",
        "-d",
        metavar="KEY=VALUE",
        help="An answer: name, owner, lifecycle, type, description, system, title.",
    ),
    no_input: bool = typer.Option(
        False, "--no-input", help="Never prompt; fail listing what is missing."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing catalog-info.yaml."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the file instead of writing it."),
) -> None:
    """Write a catalog-info.yaml for an existing repository, inferred from what it holds."""
    from platformctl.core.catalog import init_file
    from platformctl.core.errors import MissingInputError

    answers = _parse_data(data)
    draft = init_file.start(path, answers=answers, force=force or dry_run)
    missing = draft.missing
    if missing:
        if no_input or not get_context().interactive:
            raise MissingInputError([(k, f"--data {k}=...") for k in missing])
        for key in missing:
            init_file.answer(draft, key, _ask(key, draft.plan.lifecycles))
    made = init_file.finish(draft)
    if not made.validated:
        render.warn("catalog validator unavailable; the generated file was not validated")
    text, plan = made.text, draft.plan
    if dry_run:
        render.emit(text)
        return
    written = init_file.write(draft, text, force=force)
    for key, inferred in plan.values.items():
        if inferred.reason not in ("given", "asked", "placeholder"):
            render.info(f"{key}: {inferred.value} (from {inferred.reason})")
    render.info(f"wrote {written}")
    if plan.placeholders:
        render.info(
            f"{len(plan.placeholders)} TODO placeholders to fill in "
            "(`platformctl check` fails their rules until then):"
        )
        for what, rule in plan.placeholders:
            render.info(f"  {what} ({rule})")
    render.info("next: commit it, then `platformctl catalog register` it")


def _ask(key: str, lifecycles: tuple[str, ...]) -> str:
    """Ask for one missing value on a terminal (questionary, via cli/prompts.py)."""
    from platformctl.cli import prompts
    from platformctl.core.catalog import generate
    from platformctl.core.errors import UsageError

    if key == "lifecycle":
        return prompts.select("Lifecycle", [(value, value) for value in lifecycles])
    if key == "type":
        return prompts.select("Component type", [(value, value) for value in generate.TYPES])

    def check(value: str) -> str | None:
        try:
            generate.check_answer(key, value.strip())
        except UsageError as exc:
            return exc.message
        return None

    label = {"owner": "Owner (a group, or user:name)", "name": "Name"}.get(key, key)
    return prompts.text(label, validate=check).strip()


# --- catalog validate --remote / --server / --offline ----------------------------------------


def remote_checks(result: Any, *, remote: bool, server: bool, offline: bool) -> None:
    """Called by `catalog validate` after the local rules: resolve unresolved references
    against the live catalog (``--remote``), also run the backend's ``validate-entity``
    (``--server``), or resolve against the ``catalog pull`` cache (``--offline``)."""
    from platformctl.core.catalog import remote as remote_mod

    remote_mod.check_against_catalog(
        result, remote=remote, server=server, offline=offline, config=_config
    )
