"""Run every benchmarks/bench_*.py `main()` and write benchmarks/results.json.

Budgets are checked here and reported, not asserted in unit tests: timing on a shared
2-core machine is noisy, and a flaky test is worse than a number in a report.

    nox -s bench                 # all benchmarks
    nox -s bench -- catalog      # only bench_catalog.py
"""

from __future__ import annotations

import importlib.util
import json
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    selected = set(argv)
    results: dict[str, object] = {
        "machine": {
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "cpus": __import__("os").cpu_count(),
        },
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    failed = False
    for path in sorted(HERE.glob("bench_*.py")):
        name = path.stem.removeprefix("bench_")
        if selected and name not in selected:
            continue
        print(f"== {name} ==", flush=True)
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        try:
            results[name] = module.main()
        except Exception as exc:  # noqa: BLE001 - one broken benchmark must not hide the rest
            failed = True
            results[name] = {"error": f"{type(exc).__name__}: {exc}"}
            print(f"   failed: {exc}", flush=True)
    out = HERE / "results.json"
    out.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(f"results written to {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
