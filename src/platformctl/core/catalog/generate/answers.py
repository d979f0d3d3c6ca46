"""``plan``: the inferences and what is still missing; checking and normalising answers."""

from __future__ import annotations

import re
from pathlib import Path

from platformctl.core.catalog.generate.model import FILENAME, KEYS, LIFECYCLES, Inferred, InitPlan
from platformctl.core.catalog.generate.names import sanitize_name, valid_name
from platformctl.core.catalog.generate.placeholders import OWNER_KINDS
from platformctl.core.catalog.generate.project_type import infer_type
from platformctl.core.catalog.generate.repository import (
    _remote_url,
    owner_from_codeowners,
    parse_remote,
    read_manifests,
)
from platformctl.core.errors import UsageError


def plan(
    root: Path,
    *,
    answers: dict[str, str] | None = None,
    force: bool = False,
    lifecycles: tuple[str, ...] | list[str] | None = None,
) -> InitPlan:
    """Infer what we can; ``answers`` (from --data or prompts) override inferences.
    ``lifecycles``: the platform's allowed values (default: Backstage's conventional three)."""
    root = root.resolve()
    if not root.is_dir():
        raise UsageError(f"{root} is not a folder", hint="pass the repository folder")
    result = InitPlan(root=root, path=root / FILENAME)
    if lifecycles:
        result.lifecycles = tuple(str(v) for v in lifecycles)
    if result.path.exists() and not force:
        raise UsageError(f"{result.path} already exists", hint="pass --force to overwrite it")
    url = _remote_url(root)
    remote = parse_remote(url) if url else None
    result.remote = url
    manifests = read_manifests(root)
    name_source = next(
        ((m.name, m.source) for m in manifests if m.name and sanitize_name(m.name)), None
    )
    if name_source is None and remote is not None:
        name_source = (remote.repo, "git remote origin")
    if name_source is None or not sanitize_name(name_source[0]):
        name_source = (root.name, "folder name")
    name = sanitize_name(name_source[0])
    if name:
        note = (
            name_source[1]
            if name == name_source[0]
            else f"{name_source[1]} {name_source[0]!r}, sanitised"
        )
        result.values["name"] = Inferred(name, note)
    description = next(((m.description, m.source) for m in manifests if m.description), None)
    if description is not None:
        result.values["description"] = Inferred(*description)
    owner = owner_from_codeowners(root)
    if owner:
        owner.value = full_owner_ref(owner.value)
        result.values["owner"] = owner
    result.values["type"] = infer_type(root)
    if remote is not None and remote.is_github:
        result.annotations["github.com/project-slug"] = remote.path
    if (root / "mkdocs.yml").is_file() or (root / "mkdocs.yaml").is_file():
        result.annotations["backstage.io/techdocs-ref"] = "dir:."
    for key, value in (answers or {}).items():
        check_answer(key, value, lifecycles=result.lifecycles)
        result.values[key] = Inferred(normalise(key, value), "given")
    return result


def normalise(key: str, value: str) -> str:
    """The form written to the file: owners as full references (``group:default/team``)."""
    return full_owner_ref(value) if key == "owner" else value.strip()


def full_owner_ref(value: str) -> str:
    from platformctl.core.catalog.refs import parse_entity_ref

    ref = parse_entity_ref(value.strip(), "Group")
    return f"{ref.kind.lower()}:{ref.namespace}/{ref.name}"


def check_answer(key: str, value: str, *, lifecycles: tuple[str, ...] = LIFECYCLES) -> None:
    if key not in KEYS:
        raise UsageError(f"unknown key {key!r} in --data", hint=f"known keys: {', '.join(KEYS)}")
    if key == "name" and not valid_name(value):
        suggestion = sanitize_name(value)
        raise UsageError(
            f"invalid name {value!r}: Backstage names are [a-z0-9] runs separated by -, _ or ., "
            "at most 63 characters",
            hint=f"use --data name={suggestion}" if suggestion else "choose another name",
        )
    if key in ("owner", "lifecycle", "type") and not value.strip():
        raise UsageError(f"{key} must not be empty", hint=f"pass --data {key}=...")
    if key in ("owner", "system") and value.strip():
        _check_ref(key, value.strip())
    if key == "lifecycle" and value.strip() not in lifecycles:
        import difflib

        guess = difflib.get_close_matches(value.strip(), lifecycles, n=1, cutoff=0.3)
        raise UsageError(
            f"invalid lifecycle {value.strip()!r}: use one of {', '.join(lifecycles)}",
            hint=f"pass --data lifecycle={guess[0] if guess else lifecycles[0]}",
        )


_KIND_OK = re.compile(r"^[a-zA-Z][a-z0-9A-Z]*$")


def _check_ref(key: str, value: str) -> None:
    """``owner``/``system`` become relations: a reference whose parts are not valid names can
    never resolve (Backstage accepts the file but the relation points nowhere)."""
    from platformctl.core.catalog.refs import EntityRefError, parse_entity_ref

    example = "group:default/team-a" if key == "owner" else "system:default/payments"
    try:
        ref = parse_entity_ref(value, "Group" if key == "owner" else "System")
    except EntityRefError as exc:
        raise UsageError(f"invalid {key} {value!r}: {exc}", hint=f"for example: {example}") from exc
    if not (_KIND_OK.match(ref.kind) and valid_name(ref.namespace) and valid_name(ref.name)):
        raise UsageError(
            f"invalid {key} {value!r}: kind, namespace and name of an entity reference must be "
            "Backstage names ([a-zA-Z0-9] runs separated by -, _ or .)",
            hint=f"for example: {example}",
        )
    if key == "owner" and ref.kind.lower() not in OWNER_KINDS:
        raise UsageError(
            f"invalid owner {value!r}: an owner must reference a Group or User, "
            f"not a {ref.kind}",
            hint="for example: group:default/team-a or user:default/jane-doe",
        )
