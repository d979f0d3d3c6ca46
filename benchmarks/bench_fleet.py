"""`platformctl fleet status` benchmark (issue 15): fleets of 100, 250 and 500 local
repositories generated from the golden paths with a spread of versions and defects, read in
place (a folder of clones: the "clones already cached" case). Measures the whole command
(``--format json``, default workers) as a subprocess; budget 60 s for 500 repositories on a
2-core machine; reports the per-repository cost at each size (it should stay flat).

Generation: python-service 1.0.0 and 1.1.0 are rendered once each with ``platformctl new``;
every repository is a copy of one of four bases (1.0.0; 1.1.0; 1.1.0 without Dockerfile and
CODEOWNERS; a plain repository without a golden path) with its own git history (one commit).

    python benchmarks/bench_fleet.py            # or: nox -s bench -- fleet
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = (100, 250, 500)
BUDGET_S = 60.0
ENV_KEYS = ("HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "GIT_CONFIG_GLOBAL")


def _platformctl() -> list[str]:
    return [sys.executable, "-m", "platformctl"]


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def _bases(root: Path, env: dict[str, str]) -> list[Path]:
    bases = []
    for name, ref in (("v100", "1.0.0"), ("v110", "1.1.0")):
        subprocess.run(
            [*_platformctl(), "new", "python-service", name, "--defaults", "--no-git",
             "--ref", ref, "--data", "owner=group:default/team-bench", "--data", "system=bench"],
            cwd=root, env=env, check=True, capture_output=True,
        )
        bases.append(root / name)
    broken = root / "v110-defects"
    shutil.copytree(root / "v110", broken)
    (broken / "Dockerfile").unlink()
    (broken / "CODEOWNERS").unlink()
    plain = root / "plain"
    plain.mkdir()
    (plain / "README.md").write_text("# plain\n")
    return [*bases, broken, plain]


def generate(folder: Path, count: int, bases: list[Path]) -> None:
    folder.mkdir(parents=True)
    for i in range(count):
        repo = folder / f"repo-{i:04d}"
        shutil.copytree(bases[i % len(bases)], repo)
        _git(repo, "init", "-q", "-b", "main")
        _git(repo, "add", "-A")
        _git(repo, "commit", "-q", "-m", f"repository {i}")


def main() -> dict[str, object]:
    results: dict[str, object] = {"budget_s": BUDGET_S, "sizes": {}}
    with tempfile.TemporaryDirectory(prefix="bench-fleet-") as tmp:
        root = Path(tmp)
        home = root / "home"
        home.mkdir()
        (home / ".gitconfig").write_text(
            "[user]\n\tname = Bench\n\temail = bench@example.com\n[init]\n\tdefaultBranch = main\n"
        )
        env = {**os.environ, "HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache"),
               "XDG_CONFIG_HOME": str(home / ".config"),
               "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"), "NO_COLOR": "1"}
        saved = {k: os.environ.get(k) for k in ENV_KEYS}
        os.environ.update({k: env[k] for k in ENV_KEYS})
        try:
            bases = _bases(root, env)
            for size in SIZES:
                folder = root / f"fleet-{size}"
                started = time.perf_counter()
                generate(folder, size, bases)
                generated = time.perf_counter() - started
                started = time.perf_counter()
                proc = subprocess.run(
                    [*_platformctl(), "fleet", "status", "-i", str(folder), "--format", "json"],
                    env=env, capture_output=True, text=True,
                )
                wall = time.perf_counter() - started
                if proc.returncode != 0:
                    raise RuntimeError(proc.stderr[-2000:])
                summary = json.loads(proc.stdout)["summary"]
                entry = {
                    "seconds": round(wall, 2),
                    "per_repository_ms": round(wall / size * 1000, 1),
                    "analysed": summary["analysed"],
                    "adoption_ratio": summary["adoption_ratio"],
                    "generation_s": round(generated, 1),
                }
                if size == max(SIZES):
                    entry["within_budget"] = wall <= BUDGET_S
                results["sizes"][str(size)] = entry  # type: ignore[index]
                print(f"   {size} repositories: {wall:.1f} s "
                      f"({entry['per_repository_ms']} ms each)", flush=True)
                shutil.rmtree(folder)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    return results


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
