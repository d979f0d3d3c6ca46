"""Reading the claim types of the configured platforms (``platform.yaml`` ``claim_types:``) into a
``Registry``: embedded first, a later platform replaces a type of the same name or alias."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from platformctl.core.errors import InputFileError, UsageError
from platformctl.core.provision.claim.model import ClaimType, Registry
from platformctl.core.provision.xrd import load_xrd


def load_registry(platforms: list[Any], *, strict: bool = False) -> Registry:
    """Claim types of ``platforms`` (Config.platforms, embedded first)."""
    registry = Registry()
    for layer in platforms:
        entries = (layer.data or {}).get("claim_types") or []
        manifest = str(Path(layer.root) / "platform.yaml")
        if not isinstance(entries, list):
            raise InputFileError("'claim_types' must be a list", file=manifest)
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict) or not entry.get("name") or not entry.get("xrd"):
                raise InputFileError(
                    f"claim_types[{index}] needs 'name' and 'xrd'",
                    file=manifest,
                    hint="each claim type names a Crossplane XRD file: {name: db, xrd: path.yaml}",
                )
            name = str(entry["name"])
            extra_aliases = []
            if name in registry.aliases:  # replacing a type by one of its aliases
                extra_aliases.append(name)
                name = registry.aliases[name]
            previous = registry.types.pop(name, None)
            registry.errors.pop(name, None)
            if previous:
                for alias in previous.aliases:
                    registry.aliases.pop(alias, None)
            path = Path(layer.root) / str(entry["xrd"])
            try:
                xrd = load_xrd(path)
            except UsageError as exc:
                if strict:
                    raise
                registry.errors[name] = exc.render()
                continue
            aliases = [str(a) for a in entry.get("aliases") or []] + extra_aliases
            selector = {
                str(k): str(v) for k, v in (entry.get("composition_selector") or {}).items()
            }
            registry.types[name] = ClaimType(
                name=name,
                xrd=xrd,
                aliases=aliases,
                resource_type=str(entry.get("resource_type") or "resource"),
                composition_selector=selector,
                platform=layer.name,
                xrd_path=path,
            )
            for alias in aliases:
                registry.aliases[alias] = name
    return registry


def registry_from_config(config: Any = None, *, strict: bool = False) -> Registry:
    if config is None:
        from platformctl.core import config as config_mod

        config = config_mod.load()
    return load_registry(config.platforms, strict=strict)
