"""Ports a service listens on, from the commands that start it."""

from __future__ import annotations

import re

_PORT_ARG = re.compile(r"(?:--port|-p)[= ]\s*[\"']?(\d{2,5})\b")
_BIND_ARG = re.compile(r"(?:--bind|-b)[= ]\s*[\"']?[\w.\[\]:]*:(\d{2,5})\b")
_PORT_DEFAULT = re.compile(r"\$\{PORT:-(\d{2,5})\}")
PY_PORT_PATTERNS = (
    re.compile(
        r"^\s*port\s*:\s*int\s*=\s*(?:Field\(\s*(?:default\s*=\s*)?)?(\d{2,5})\b", re.M | re.I
    ),
    re.compile(r"^\s*(?:DEFAULT_)?PORT\s*(?::\s*int\s*)?=\s*(\d{2,5})\s*$", re.M),
    re.compile(r"(?:getenv|environ\.get)\(\s*[\"'](?:APP_)?PORT[\"']\s*,\s*[\"']?(\d{2,5})"),
    re.compile(r"\b(?:uvicorn|app)\.run\([^)]*\bport\s*=\s*(\d{2,5})", re.S),
)


def command_ports(text: str) -> list[int]:
    """Ports named in a command line (shell form or JSON exec form)."""
    if text.lstrip().startswith("["):
        import json

        try:
            words = json.loads(text)
            if isinstance(words, list):
                text = " ".join(str(w) for w in words)
        except ValueError:
            pass
    found = [int(m.group(1)) for m in _PORT_ARG.finditer(text)]
    found += [int(m.group(1)) for m in _BIND_ARG.finditer(text)]
    found += [int(m.group(1)) for m in _PORT_DEFAULT.finditer(text)]
    return found
