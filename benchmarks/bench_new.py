"""`platformctl new <golden path> x --defaults --no-git` vs copier.run_copy on the same template,
for every embedded golden path (python-service, go-service).

Each run is a fresh process (what a user waits for), median of several runs, interleaved so
machine noise hits both sides alike.  Baselines:

* ``copier (same source)``: copier.run_copy on exactly what platformctl hands copier (the
  embedded history bundle through the same git URL rewrite when the history is current, the
  template folder otherwise) -- the overhead budget (<= 10 %) is measured against this;
* ``copier (folder)``: copier.run_copy on the template folder (composed with its shared
  pieces), for reference.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = int(os.environ.get("BENCH_RUNS", "7"))
GOLDEN_PATHS = ("python-service", "go-service")
BUDGET = 0.10


def _copier_script(src: str, ref: str | None, env_vars: dict[str, str]) -> str:
    return (
        "import os, sys\n"
        f"os.environ.update({env_vars!r})\n"
        "import copier\n"
        f"copier.run_copy({src!r}, sys.argv[1], data={{'name': 'x'}}, defaults=True, "
        f"vcs_ref={ref!r}, quiet=True, unsafe=True)\n"
    )


def _time(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and the git processes it waited for)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert proc.stderr is not None
    errors = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, cmd, stderr=errors)
    return wall, usage.ru_utime + usage.ru_stime


def main() -> dict[str, object]:
    """One result per golden path (BENCH_GOLDEN_PATHS=a,b selects some)."""
    selected = os.environ.get("BENCH_GOLDEN_PATHS")
    names = [n for n in GOLDEN_PATHS if not selected or n in selected.split(",")]
    results: dict[str, object] = {}
    for name in names:
        print(f"   -- {name}", flush=True)
        results[name] = bench(name)
    return results


def bench(golden_path: str) -> dict[str, object]:
    from platformctl.core.scaffold import engine, shared
    from platformctl.core.scaffold.create import template_source
    from platformctl.core.scaffold.registry import load_registry

    path = load_registry().resolve(golden_path)
    source = template_source(path)
    assert path.folder is not None
    env_vars = engine.git_env(source.rewrites, os.environ)
    with tempfile.TemporaryDirectory(prefix="bench-new-") as tmp_name:
        tmp = Path(tmp_name)
        env = {**os.environ, "XDG_CACHE_HOME": str(tmp / "cache"), "NO_COLOR": "1"}
        if os.environ.get("BENCH_BYTECODE", "1") != "0":
            # Every side runs from byte-compiled modules, as an installed platformctl does (pip
            # compiles the wheel at install).  An editable install under PYTHONDONTWRITEBYTECODE
            # (this dev setup) would otherwise recompile platformctl's own sources in every run
            # while copier's come precompiled from site-packages.  The cache lives in the
            # temporary folder (the checkout stays clean); the dropped warm-up round fills it.
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        same = tmp / "same.py"
        same.write_text(_copier_script(source.src, source.vcs_ref, env_vars))
        folder = tmp / "folder.py"
        folder.write_text(_copier_script(str(shared.composed_template(path.folder)), None, {}))
        exe = sys.executable
        commands = {
            "platformctl new": lambda d: [
                exe,
                "-m",
                "platformctl",
                "new",
                golden_path,
                "x",
                "--defaults",
                "--no-git",
                "--dest",
                str(d),
            ],
            "copier (same source)": lambda d: [exe, str(same), str(d)],
            "copier (folder)": lambda d: [exe, str(folder), str(d)],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        cpu: dict[str, list[float]] = {name: [] for name in commands}
        for i in range(RUNS + 1):  # the first round warms caches and is dropped
            for name, make in commands.items():
                dest = tmp / f"out-{i}-{len(times[name])}-{name.split()[0]}"
                elapsed, used = _time(make(dest), tmp, env)
                shutil.rmtree(dest, ignore_errors=True)
                if i:
                    times[name].append(elapsed)
                    cpu[name].append(used)
    medians = {name: statistics.median(values) for name, values in times.items()}
    cpu_medians = {name: statistics.median(values) for name, values in cpu.items()}
    baseline = medians["copier (same source)"]
    overhead = medians["platformctl new"] / baseline - 1
    # CPU time is far less disturbed than wall time by other load on a shared machine.
    cpu_overhead = cpu_medians["platformctl new"] / cpu_medians["copier (same source)"] - 1
    result: dict[str, object] = {
        "runs": RUNS,
        "source": "history bundle" if source.updatable and source.vcs_ref else "template folder",
        "median_seconds": {k: round(v, 4) for k, v in medians.items()},
        "overhead_vs_copier": round(overhead, 4),
        "median_cpu_seconds": {k: round(v, 4) for k, v in cpu_medians.items()},
        "cpu_overhead_vs_copier": round(cpu_overhead, 4),
        "overhead_vs_copier_folder": round(
            medians["platformctl new"] / medians["copier (folder)"] - 1, 4
        ),
        "bytecode": os.environ.get("BENCH_BYTECODE", "1") != "0",
        "budget": BUDGET,
        "within_budget": overhead <= BUDGET,
    }
    print(f"   {'command':<22} {'median s':>9} {'cpu s':>7}")
    for name, value in medians.items():
        print(f"   {name:<22} {value:>9.3f} {cpu_medians[name]:>7.3f}")
    print(
        f"   overhead vs copier on the same source: {overhead:+.1%} wall, {cpu_overhead:+.1%} "
        f"cpu (budget {BUDGET:.0%}); source: {result['source']}"
    )
    return result


if __name__ == "__main__":
    main()
