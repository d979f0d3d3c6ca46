"""The ``dockerfile`` check type: the Dockerfile's final stage (non-root USER, HEALTHCHECK,
pinned base images, no ``latest``)."""

from __future__ import annotations

from typing import Any

from platformctl.core.compliance import parsers
from platformctl.core.compliance.facts import Facts
from platformctl.core.compliance.registry import (
    BOOL,
    STR,
    Opt,
    Outcome,
    check,
)

# --- Dockerfile ------------------------------------------------------------------------------


@check(
    "dockerfile",
    file=Opt(STR, default="Dockerfile", help="path of the Dockerfile"),
    non_root=Opt(BOOL, default=False, help="final stage sets a USER that is not root/0"),
    healthcheck=Opt(BOOL, default=False, help="final stage declares a HEALTHCHECK"),
    pinned_base=Opt(BOOL, default=False, help="every base image has an explicit tag or digest"),
    require_digest=Opt(BOOL, default=False, help="with pinned_base: require @sha256 digests"),
    no_latest=Opt(BOOL, default=False, help="no base image uses the latest tag"),
)
def dockerfile(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """Dockerfile hygiene: non-root final USER, HEALTHCHECK, pinned base images, no latest."""
    file = opts.get("file") or "Dockerfile"
    parsed = parsers.dockerfile(facts, file)
    if parsed is None:
        return Outcome.fail(f"{file} is missing", file)
    final = parsed.final
    if final is None:
        return Outcome.fail(f"{file} has no FROM", file, 1)
    problems: list[tuple[str, int]] = []
    if opts.get("non_root"):
        users = [i for i in final.instructions if i.cmd == "USER"]
        if not users:
            problems.append(("final stage runs as root (no USER instruction)", final.line))
        else:
            user = users[-1].args.split(":", 1)[0].strip()
            if user in ("root", "0", ""):
                problems.append((f"final stage runs as {user or 'root'}", users[-1].line))
    if opts.get("healthcheck"):
        checks = [i for i in final.instructions if i.cmd == "HEALTHCHECK"]
        if not checks or checks[-1].args.strip().upper() == "NONE":
            problems.append(("final stage has no HEALTHCHECK", final.line))
    stages = parsed.stage_names()
    for stage in parsed.stages:
        if stage.image.lower() in stages or stage.image == "scratch":
            continue
        _, tag, digest = parsers.image_tag(stage.image)
        if (opts.get("no_latest") or opts.get("pinned_base")) and tag == "latest":
            problems.append((f"base image {stage.image} uses the latest tag", stage.line))
        elif (opts.get("no_latest") or opts.get("pinned_base")) and not tag and not digest:
            problems.append((f"base image {stage.image} has no tag (means latest)", stage.line))
        elif opts.get("pinned_base") and "$" in stage.image:
            problems.append((f"base image {stage.image} depends on an unset ARG", stage.line))
        elif opts.get("pinned_base") and opts.get("require_digest") and not digest:
            problems.append((f"base image {stage.image} is not pinned by digest", stage.line))
    if problems:
        problems.sort(key=lambda p: p[1])
        return Outcome.fail("; ".join(m for m, _ in problems), file, problems[0][1])
    return Outcome.ok("Dockerfile ok", file)
