"""A small fleet of real repositories for the `fleet` tests, built with `platformctl new`'s core
(python-service 1.0.0 and the latest, 1.2.0, from the shipped history), each pushed to a local
bare remote.

    orders-api    1.0.0  group:default/team-orders    behind (drift and GitOps rules fail)
    payments-api  1.0.0  group:default/team-payments  behind
    users-api     1.2.0  group:default/team-users     up to date, compliant
    legacy-api    1.2.0  group:default/team-users     up to date, no Dockerfile, no CODEOWNERS
    plain-lib     -      (none)                        a plain repository, not from a golden path
    missing       -      -                             its remote does not exist: the clone fails
"""

from __future__ import annotations

import subprocess
from pathlib import Path

REPOS = {
    # name: (version, owner, system)
    "orders-api": ("1.0.0", "group:default/team-orders", "orders"),
    "payments-api": ("1.0.0", "group:default/team-payments", "payments"),
    "users-api": ("1.2.0", "group:default/team-users", "users"),
    "legacy-api": ("1.2.0", "group:default/team-users", "users"),
}
INVENTORY_OWNERS = {
    "orders-api": "group:default/team-orders",
    "payments-api": "group:default/team-payments",
    "users-api": "group:default/team-users",
    "legacy-api": "group:default/team-users",
    "plain-lib": "group:default/team-libs",
}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout


def _publish(work: Path, remote: Path) -> None:
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True)
    git(work, "remote", "add", "origin", str(remote))
    git(work, "push", "-q", "-u", "origin", "main")


def build(base: Path) -> dict[str, Path]:
    """Work trees under base/work, bare remotes under base/remotes; returns name -> remote."""
    from platformctl.core.scaffold.create import create
    from platformctl.core.scaffold.registry import load_registry

    registry = load_registry()
    work, remotes = base / "work", base / "remotes"
    work.mkdir(parents=True)
    remotes.mkdir()
    out: dict[str, Path] = {}
    for name, (version, owner, system) in REPOS.items():
        create(
            registry,
            "python-service",
            name,
            dest=work / name,
            data={"owner": owner, "system": system},
            defaults=True,
            ref=version,
            cwd=work,
            author="Fleet Test <fleet@example.com>",
        )
        out[name] = remotes / f"{name}.git"
    legacy = work / "legacy-api"
    git(legacy, "rm", "-q", "Dockerfile", "CODEOWNERS")
    git(legacy, "commit", "-qm", "drop the Dockerfile and CODEOWNERS")
    plain = work / "plain-lib"
    plain.mkdir()
    git(plain, "init", "-q", "-b", "main")
    (plain / "README.md").write_text("# plain-lib\n")
    git(plain, "add", ".")
    git(plain, "commit", "-qm", "init")
    out["plain-lib"] = remotes / "plain-lib.git"
    for name, remote in out.items():
        _publish(work / name, remote)
    out["missing"] = remotes / "missing.git"  # never created: cloning it fails
    return out


def inventory_yaml(path: Path, remotes: dict[str, Path]) -> Path:
    lines = []
    for name, remote in remotes.items():
        # a path that does not exist is refused as input: the missing one is a git URL
        lines.append(f"- url: {remote if remote.exists() else remote.as_uri()}")
        owner = INVENTORY_OWNERS.get(name)
        if owner:
            lines.append(f"  owner: {owner}")
    path.write_text("\n".join(lines) + "\n")
    return path
