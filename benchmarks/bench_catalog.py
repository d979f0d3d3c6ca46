"""Catalog benchmarks (issue 2):

(a) ``platformctl --help``: median wall time over 20 runs and its ratio to ``python -c pass``
    (budget: ratio <= 3);
(b) ``catalog validate`` on a generated tree of 10,000 entities in 2,000 files: entities per
    second, in-process (the core) and through the CLI in a subprocess (budget: >= 20,000/s);
(c) issue 17: the CLI (``--format json``) side by side with Backstage's own validator
    (``@backstage/catalog-model`` in Node, benchmarks/backstage_validate.mjs) on that tree,
    interleaved runs, medians and their ratio (goal: >= 4.7x).  The npm packages are installed
    once into benchmarks/.cache/backstage (or $PLATFORMCTL_BENCH_CACHE).
    ``python benchmarks/bench_catalog.py --side-by-side [RUNS]`` runs only (c).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 20
HERE = Path(__file__).resolve().parent
# the versions shared/oracle/setup.sh pins
BACKSTAGE_PACKAGES = (
    "@backstage/catalog-model@1.10.1",
    "@backstage/plugin-scaffolder-common@2.3.0",
    "yaml@2.9.1",
)
FILES = 2_000
PER_FILE = 5

_KINDS = ("Component", "API", "Resource", "System", "Group")


def _entity(i: int, j: int) -> str:
    kind = _KINDS[j % len(_KINDS)]
    name = f"{kind.lower()}-{i}-{j}"
    head = (
        f"apiVersion: backstage.io/v1alpha1\nkind: {kind}\nmetadata:\n  name: {name}\n"
        f"  description: Generated {kind} number {i}.{j}\n"
        f"  annotations:\n    github.com/project-slug: example/{name}\n"
        f"  tags: [generated, bench]\n"
        f"  links:\n    - url: https://example.com/{name}\n      title: Dashboard\n"
    )
    if kind == "Component":
        spec = (
            "spec:\n  type: service\n  lifecycle: production\n  owner: group:team-0\n"
            f"  system: system-{i}-3\n  providesApis: [api-{i}-1]\n"
            f"  dependsOn: [resource:resource-{i}-2]\n"
        )
    elif kind == "API":
        spec = (
            "spec:\n  type: openapi\n  lifecycle: production\n  owner: team-0\n"
            "  definition: |\n    openapi: 3.0.0\n    info: {title: x, version: '1'}\n"
        )
    elif kind == "Resource":
        spec = "spec:\n  type: database\n  owner: team-0\n"
    elif kind == "System":
        spec = "spec:\n  owner: team-0\n"
    else:
        spec = "spec:\n  type: team\n  children: []\n"
        if i == 0:
            name = "team-0"
            head = head.replace(f"name: {kind.lower()}-{i}-{j}", "name: team-0")
    return head + spec


def generate_tree(root: Path, files: int = FILES, per_file: int = PER_FILE) -> int:
    for i in range(files):
        folder = root / f"svc-{i // 100}" / f"svc-{i}"
        folder.mkdir(parents=True, exist_ok=True)
        docs = [_entity(i, j) for j in range(per_file)]
        (folder / "catalog-info.yaml").write_text("---\n".join(docs))
    return files * per_file


def _median_wall(cmd: list[str], runs: int = RUNS) -> float:
    times = []
    env = {**os.environ, "NO_COLOR": "1"}
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_help() -> dict[str, float]:
    baseline = _median_wall([sys.executable, "-c", "pass"])
    help_time = _median_wall([sys.executable, "-m", "platformctl", "--help"])
    return {
        "help_median_s": round(help_time, 4),
        "python_pass_median_s": round(baseline, 4),
        "ratio": round(help_time / baseline, 2),
    }


def bench_validate(root: Path, entities: int, repeat: int = 3) -> dict[str, float]:
    """Best of ``repeat`` runs each (the machine is shared: the minimum is the least noisy)."""
    from platformctl.core.catalog.validate import validate_paths

    out: dict[str, float] = {}
    for label, jobs in (("serial", 1), ("two_processes", 2), ("parallel", None)):
        best = float("inf")
        cpu = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            start_cpu = time.process_time()
            result = validate_paths([root], base=root, jobs=jobs)
            best = min(best, time.perf_counter() - start)
            cpu = min(cpu, time.process_time() - start_cpu)
            errors = result.report.counts().get("error", 0)
            if len(result.entities) != entities or errors:
                raise RuntimeError(
                    f"unexpected result: {len(result.entities)} entities, {errors} errors"
                )
            del result
        out[f"{label}_s"] = round(best, 3)
        out[f"{label}_entities_per_s"] = round(entities / best)
        if jobs == 1:
            # CPU time of this process: what one core does when nothing else runs.
            out["serial_cpu_s"] = round(cpu, 3)
            out["serial_entities_per_cpu_s"] = round(entities / cpu)
    env = {**os.environ, "NO_COLOR": "1"}
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "platformctl", "catalog", "validate", str(root), "-f", "json"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            cwd=root,
            check=False,
        )
        best = min(best, time.perf_counter() - start)
        if proc.returncode != 0:
            raise RuntimeError(f"CLI exit {proc.returncode}: {proc.stderr.decode()[-500:]}")
    out["cli_s"] = round(best, 3)
    out["cli_entities_per_s"] = round(entities / best)
    return out


def backstage_deps() -> Path | None:
    """The folder holding Backstage's packages (installed with npm on first use), or None
    without Node/npm."""
    import shutil

    if shutil.which("node") is None or shutil.which("npm") is None:
        return None
    cache = Path(os.environ.get("PLATFORMCTL_BENCH_CACHE") or HERE / ".cache") / "backstage"
    stamp = cache / "node_modules" / ".platformctl-bench"
    wanted = " ".join(BACKSTAGE_PACKAGES)
    if not (stamp.is_file() and stamp.read_text() == wanted):
        cache.mkdir(parents=True, exist_ok=True)
        (cache / "package.json").write_text('{"private": true}\n')
        subprocess.run(
            ["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(cache),
             *BACKSTAGE_PACKAGES],
            check=True,
        )  # fmt: skip
        stamp.write_text(wanted)
    return cache


def compile_bytecode() -> None:
    """Byte-compile platformctl and its dependencies first, as ``pip install`` does: uv does
    not by default, and with PYTHONDONTWRITEBYTECODE (set on this workplace) every CLI run
    would otherwise compile ~90 modules from source (a quarter of a second)."""
    import compileall
    import sysconfig

    import platformctl

    for folder in {Path(platformctl.__file__).parent, Path(sysconfig.get_paths()["purelib"])}:
        compileall.compile_dir(folder, quiet=1, workers=0)


def bench_side_by_side(root: Path, entities: int, runs: int = 5) -> dict[str, object]:
    """Interleaved runs of our CLI and Backstage's validator on the same tree: wall time of
    each process (start-up included), medians, ratio; the load average says how busy the
    machine was."""
    deps = backstage_deps()
    if deps is None:
        return {"skipped": "node/npm not found"}
    compile_bytecode()
    env = {**os.environ, "NO_COLOR": "1"}
    ours: list[float] = []
    theirs: list[float] = []
    node_validated = 0
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "platformctl", "catalog", "validate", str(root), "-f", "json"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=root, check=False,
        )  # fmt: skip
        ours.append(time.perf_counter() - start)
        if proc.returncode != 0:
            raise RuntimeError(f"CLI exit {proc.returncode}: {proc.stderr.decode()[-500:]}")
        start = time.perf_counter()
        node = subprocess.run(
            ["node", str(HERE / "backstage_validate.mjs"), str(deps), str(root)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        theirs.append(time.perf_counter() - start)
        summary = json.loads(node.stdout)
        node_validated = summary["valid"]
        if summary["entities"] != entities:
            raise RuntimeError(f"Backstage saw {summary['entities']} entities, not {entities}")
    ours_s, theirs_s = statistics.median(ours), statistics.median(theirs)
    return {
        "runs": runs,
        "platformctl_cli_s": round(ours_s, 3),
        "platformctl_entities_per_s": round(entities / ours_s),
        "backstage_node_s": round(theirs_s, 3),
        "backstage_valid": node_validated,
        "ratio": round(theirs_s / ours_s, 2),
        "platformctl_runs_s": [round(x, 3) for x in ours],
        "backstage_runs_s": [round(x, 3) for x in theirs],
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "compiled": compiled(),
    }


def compiled() -> bool:
    """Whether the platformctl being measured is the mypyc-compiled wheel (hatch_build.py)
    rather than an editable, pure-Python install."""
    import importlib.machinery

    from platformctl.core.catalog.validation import policies

    return str(policies.__file__).endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))


def side_by_side_only(runs: int = 5) -> dict[str, object]:
    """Part (c) alone (``--side-by-side [RUNS]``): the interleaved CLI / Backstage runs."""
    with tempfile.TemporaryDirectory(prefix="platformctl-bench-") as tmp:
        root = Path(tmp)
        entities = generate_tree(root)
        b = bench_side_by_side(root, entities, runs=runs)
    if "ratio" in b:
        load = b["load_average"]
        assert isinstance(load, list)
        print(
            f"  vs Backstage (Node), CLI --format json  {b['ratio']}x  median "
            f"{b['platformctl_cli_s']} s ({b['platformctl_entities_per_s']:,}/s) vs "
            f"{b['backstage_node_s']} s over {b['runs']} interleaved runs; load {load[0]}; "
            f"{'compiled' if b['compiled'] else 'pure Python (editable install)'}; goal >= 4.7x"
        )
    print(json.dumps(b))
    return b


def main() -> dict[str, object]:
    results: dict[str, object] = {}
    results["help"] = bench_help()
    with tempfile.TemporaryDirectory(prefix="platformctl-bench-") as tmp:
        root = Path(tmp)
        entities = generate_tree(root)
        results["validate"] = {
            "files": FILES,
            "entities": entities,
            **bench_validate(root, entities),
        }
        results["backstage"] = bench_side_by_side(root, entities)
    h = results["help"]
    v = results["validate"]
    assert isinstance(h, dict) and isinstance(v, dict)
    rows = [
        (
            "platformctl --help (median)",
            f"{h['help_median_s'] * 1000:.0f} ms",
            f"{h['ratio']}x python -c pass ({h['python_pass_median_s'] * 1000:.0f} ms); "
            "budget <= 3x",
        ),
        (
            "validate, core, 1 process",
            f"{v['serial_entities_per_s']:,} entities/s",
            f"{v['serial_s']} s",
        ),
        (
            "validate, core, 1 process, CPU",
            f"{v['serial_entities_per_cpu_s']:,} entities/s",
            f"{v['serial_cpu_s']} CPU s (per core, without contention)",
        ),
        (
            "validate, core, 2 processes",
            f"{v['two_processes_entities_per_s']:,} entities/s",
            f"{v['two_processes_s']} s",
        ),
        (
            "validate, core, auto jobs",
            f"{v['parallel_entities_per_s']:,} entities/s",
            f"{v['parallel_s']} s",
        ),
        (
            "validate, CLI subprocess",
            f"{v['cli_entities_per_s']:,} entities/s",
            f"{v['cli_s']} s; budget >= 20,000/s",
        ),
    ]
    b = results["backstage"]
    assert isinstance(b, dict)
    if "ratio" in b:
        rows.append(
            (
                "vs Backstage (Node), CLI --format json",
                f"{b['ratio']}x",
                f"median {b['platformctl_cli_s']} s ({b['platformctl_entities_per_s']:,}/s) vs "
                f"{b['backstage_node_s']} s over {b['runs']} interleaved runs; load "
                f"{b['load_average'][0]}; "
                f"{'compiled' if b['compiled'] else 'pure Python'}; goal >= 4.7x",
            )
        )
    else:
        rows.append(("vs Backstage (Node)", "skipped", str(b.get("skipped"))))
    width = max(len(r[0]) for r in rows)
    for name, value, note in rows:
        print(f"  {name:<{width}}  {value:>22}  {note}")
    return results


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--side-by-side":
        side_by_side_only(int(sys.argv[2]) if len(sys.argv) > 2 else 5)
    else:
        main()
