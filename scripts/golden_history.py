#!/usr/bin/env python3
"""Regenerate the shipped release history of the embedded golden paths.

For every golden path in golden_paths/index.yaml, make golden_paths/_history/<name>.bundle end
with a snapshot of golden_paths/<name>/ tagged v<version> (version from index.yaml), and record
its digest and changelog in golden_paths/_history/history.json.

    python scripts/golden_history.py                 # all golden paths
    python scripts/golden_history.py python-service  # one
    python scripts/golden_history.py --check         # exit 1 when a history is out of date

Idempotent: unchanged content and version -> nothing is rewritten.  A newer version in
index.yaml appends a snapshot; changed content under the same version replaces the latest
snapshot (only do that before the version is released).  Changelog lines come from the
``## <version>`` section of golden_paths/<name>/CHANGELOG.md when it exists, else --message.
See docs/golden-paths/versioning.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from platformctl.core.errors import PlatformError  # noqa: E402
from platformctl.core.scaffold import versions  # noqa: E402
from platformctl.core.scaffold.registry import parse_index  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="golden paths to process (default: all)")
    parser.add_argument(
        "--root", type=Path, default=ROOT / "golden_paths", help="golden_paths folder"
    )
    parser.add_argument(
        "--message", "-m", action="append", default=[], help="changelog line (repeatable)"
    )
    parser.add_argument("--check", action="store_true", help="only check; exit 1 when out of date")
    args = parser.parse_args(argv)
    root: Path = args.root.resolve()
    try:
        paths, _ = parse_index(root / "index.yaml", origin="embedded", embedded=True)
        selected = [p for p in paths if not args.names or p.name in args.names]
        unknown = set(args.names) - {p.name for p in paths}
        if unknown:
            print(f"error: unknown golden path(s): {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        stale = 0
        for path in selected:
            assert path.folder is not None
            if path.version is None:
                print(f"error: {path.name} has no version in index.yaml", file=sys.stderr)
                return 2
            if args.check:
                history = versions.load_history(root, path.name)
                latest = history.latest if history else None
                ok = (
                    latest is not None
                    and latest.version == path.version.lstrip("vV")
                    and latest.digest == versions.template_digest(path.folder)
                )
                print(f"{path.name}: {'up to date' if ok else 'OUT OF DATE'}")
                stale += not ok
                continue
            result = versions.build_history(
                path.name, path.folder, root, path.version, changelog=args.message or None
            )
            for warning in result.warnings:
                print(f"warning: {warning}", file=sys.stderr)
            size = result.bundle.stat().st_size
            print(
                f"{result.name}: {result.action} v{result.version} "
                f"(versions: {', '.join(result.versions)}; bundle {size} bytes)"
            )
        if stale:
            print("run: python scripts/golden_history.py", file=sys.stderr)
            return 1
    except PlatformError as exc:
        print(f"error: {exc.render()}", file=sys.stderr)
        if exc.hint:
            print(f"hint: {exc.hint}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
