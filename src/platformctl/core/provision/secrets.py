"""Connection secrets: which keys exist, ready-to-paste snippets, and ``.env`` export.

Values are decoded only when asked for (``--show-values``, ``--export-env``) and never logged.
"""

from __future__ import annotations

import base64
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformctl.core.errors import UsageError


@dataclass
class SecretInfo:
    namespace: str
    name: str
    keys: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)  # present but empty
    missing: list[str] = field(default_factory=list)  # expected (connectionSecretKeys), absent
    values: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def warnings(self) -> list[str]:
        out = []
        if self.missing:
            out.append(
                f"connection secret {self.namespace}/{self.name} has no key "
                + ", ".join(self.missing)
                + " (listed in the XRD's connectionSecretKeys)"
            )
        if self.empty:
            out.append(
                f"connection secret {self.namespace}/{self.name} has empty values for "
                + ", ".join(self.empty)
            )
        return out

    def to_json(self, *, show_values: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "namespace": self.namespace,
            "name": self.name,
            "keys": self.keys,
            "missing": self.missing,
            "empty": self.empty,
        }
        if show_values:
            data["values"] = dict(self.values)
        return data


def describe(secret: dict[str, Any], expected: list[str] | None = None) -> SecretInfo:
    meta = secret.get("metadata") or {}
    data = dict(secret.get("data") or {})
    for key, value in (secret.get("stringData") or {}).items():
        data[key] = base64.b64encode(str(value).encode()).decode()
    values: dict[str, str] = {}
    empty: list[str] = []
    for key, encoded in data.items():
        try:
            decoded = base64.b64decode(encoded or "").decode("utf-8", "replace")
        except (ValueError, TypeError):
            decoded = ""
        values[key] = decoded
        if not decoded:
            empty.append(key)
    keys = sorted(data)
    missing = [k for k in expected or [] if k not in data]
    return SecretInfo(
        str(meta.get("namespace") or ""), str(meta.get("name") or ""), keys, empty, missing, values
    )


def env_name(key: str, prefix: str = "") -> str:
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", key)
    name = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").upper()
    if name and name[0].isdigit():
        name = "_" + name
    return f"{prefix}{name}"


def snippet(info: SecretInfo, prefix: str = "") -> str:
    """A container-spec fragment: envFrom for everything, or secretKeyRef per key."""
    lines = [
        "# all keys as environment variables:",
        "envFrom:",
        "  - secretRef:",
        f"      name: {info.name}",
    ]
    if info.keys:
        lines += ["# or one by one:", "env:"]
        for key in info.keys:
            lines += [
                f"  - name: {env_name(key, prefix)}",
                "    valueFrom:",
                "      secretKeyRef:",
                f"        name: {info.name}",
                f"        key: {key}",
            ]
    return "\n".join(lines) + "\n"


def _quote(value: str) -> str:
    if re.fullmatch(r"[A-Za-z0-9_./:@+-]*", value):
        return value
    escaped = (
        value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("$", "\\$")
    )
    return f'"{escaped}"'


HEADER = "# connection secret "
SIGNATURE = "(written by platformctl)"


def check_export_target(path: Path) -> Path:
    """Refuse, before anything is requested, a ``--export-env`` target we must not replace:
    a directory, or an existing file platformctl did not write (a hand-made ``.env`` holds
    other settings; overwriting it silently would lose them)."""
    path = Path(path)
    if path.is_dir():
        raise UsageError(f"--export-env {path} is a directory", hint="name a file, e.g. .env")
    if path.exists() or path.is_symlink():
        try:
            with path.open(encoding="utf-8", errors="replace") as handle:
                first = handle.readline()
        except OSError as exc:
            raise UsageError(
                f"--export-env {path}: cannot read it ({exc.strerror or exc})",
                hint="name another file",
            ) from None
        if not (first.startswith(HEADER) and SIGNATURE in first):
            raise UsageError(
                f"--export-env {path} exists and was not written by platformctl; "
                "not overwriting it",
                hint="remove it, or name another file (e.g. .env.orders-db)",
            )
    parent = path.parent if str(path.parent) else Path(".")
    existing = next((p for p in (parent, *parent.parents) if p.exists()), None)
    if existing is not None and (not existing.is_dir() or not os.access(existing, os.W_OK)):
        raise UsageError(
            f"--export-env {path}: cannot write in {existing}", hint="name another file"
        )
    return path


def export_env(info: SecretInfo, path: Path, prefix: str = "") -> Path:
    """Write a ``.env`` file (mode 0600, atomically). Refuses directories and files that
    platformctl did not write (see check_export_target)."""
    path = check_export_target(Path(path))
    lines = [f"{HEADER}{info.namespace}/{info.name} {SIGNATURE}"]
    for key in info.keys:
        lines.append(f"{env_name(key, prefix)}={_quote(info.values.get(key, ''))}")
    text = "\n".join(lines) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=str(path.parent))
    except OSError as exc:
        raise UsageError(
            f"--export-env {path}: cannot write it ({exc.strerror or exc})",
            hint="name another file",
        ) from None
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise UsageError(
                f"--export-env {path}: cannot write it ({exc.strerror or exc})",
                hint="name another file",
            ) from None
        raise
    os.chmod(path, 0o600)
    return path
