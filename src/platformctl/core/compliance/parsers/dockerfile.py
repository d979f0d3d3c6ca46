"""Dockerfiles: stages and instructions (with ARG substitution), image tags."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from platformctl.core.compliance.facts import Facts


@dataclass
class Instruction:
    cmd: str  # upper case: FROM, RUN, USER, ...
    args: str
    line: int


@dataclass
class Stage:
    image: str  # as written, after ARG substitution
    name: str | None
    line: int
    instructions: list[Instruction] = field(default_factory=list)


@dataclass
class Dockerfile:
    file: str
    stages: list[Stage]
    global_args: dict[str, str]

    @property
    def final(self) -> Stage | None:
        return self.stages[-1] if self.stages else None

    def stage_names(self) -> set[str]:
        return {s.name.lower() for s in self.stages if s.name}


_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+]([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def substitute(text: str, env: dict[str, str]) -> str:
    def repl(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(3)
        if name in env:
            return env[name]
        if match.group(2) is not None:
            return match.group(2)
        return match.group(0)

    return _VAR.sub(repl, text)


def _keyvals(args: str) -> dict[str, str]:
    """``ENV A=1 B="2"`` / ``ENV A 1`` / ``ARG A=1`` -> mapping."""
    args = args.strip()
    out: dict[str, str] = {}
    if "=" not in args.split(None, 1)[0]:
        parts = args.split(None, 1)
        if parts:
            out[parts[0]] = parts[1].strip().strip("\"'") if len(parts) > 1 else ""
        return out
    import shlex

    try:
        tokens = shlex.split(args)
    except ValueError:
        tokens = args.split()
    for token in tokens:
        key, _, value = token.partition("=")
        out[key] = value
    return out


def parse_dockerfile(text: str, file: str = "Dockerfile") -> Dockerfile:
    escape = "\\"
    lines = text.splitlines()
    for raw in lines[:5]:
        m = re.match(r"#\s*escape\s*=\s*(\S)", raw)
        if m:
            escape = m.group(1)
    logical: list[tuple[str, int]] = []
    buffer: list[str] = []
    start = 0
    for number, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        if not buffer and (not stripped or stripped.startswith("#")):
            continue
        if buffer and stripped.startswith("#"):
            continue  # comment lines inside a continuation are dropped
        if not buffer:
            start = number
        if stripped.endswith(escape):
            buffer.append(stripped[:-1])
            continue
        buffer.append(stripped)
        logical.append((" ".join(b.strip() for b in buffer), start))
        buffer = []
    if buffer:
        logical.append((" ".join(buffer), start))
    stages: list[Stage] = []
    global_args: dict[str, str] = {}
    env: dict[str, str] = {}
    for text_line, number in logical:
        cmd, _, args = text_line.partition(" ")
        cmd = cmd.upper()
        args = args.strip()
        if cmd == "FROM":
            words = [w for w in args.split() if not w.startswith("--")]
            image = substitute(words[0], global_args) if words else ""
            name = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
            stages.append(Stage(image, name, number))
            env = dict(global_args)
            continue
        if not stages:
            if cmd == "ARG":
                global_args.update(_keyvals(args))
            continue
        if cmd in ("ARG", "ENV"):
            for key, value in _keyvals(args).items():
                if value or key not in env:
                    env[key] = substitute(value, env)
        stages[-1].instructions.append(Instruction(cmd, substitute(args, env), number))
    return Dockerfile(file, stages, global_args)


def dockerfile(facts: Facts, file: str = "Dockerfile") -> Dockerfile | None:
    def build() -> Dockerfile | None:
        text = facts.text(file)
        return None if text is None else parse_dockerfile(text, file)

    return facts.cached((file, "dockerfile"), build)


def image_tag(image: str) -> tuple[str, str | None, str | None]:
    """``repo[:tag][@digest]`` -> (repo, tag, digest)."""
    digest = None
    if "@" in image:
        image, _, digest = image.partition("@")
    last = image.rsplit("/", 1)[-1]
    tag = None
    if ":" in last:
        tag = last.rsplit(":", 1)[1]
        image = image[: len(image) - len(tag) - 1]
    return image, tag, digest
