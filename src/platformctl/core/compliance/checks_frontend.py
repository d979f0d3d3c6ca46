"""Check types for JavaScript frontends: the npm lock file agrees with package.json, a
bundle-size budget (size-limit) is configured and enforced, and a Vitest coverage gate.

They read package.json, package-lock.json, the size-limit configuration and the Vite/Vitest
config as text (no Node.js needed). Everything else a frontend golden path needs (Dockerfile,
CI, probes, non-root, catalog) is checked by the language-neutral types in ``checks``.
"""

from __future__ import annotations

import re
from typing import Any

from platformctl.core.compliance.facts import Facts
from platformctl.core.compliance.registry import BOOL, LIST, NUM, STR, Opt, Outcome, check

DEPENDENCY_FIELDS = ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies")
# An exact npm version: 1.2.3 or 1.2.3-rc.1 (+build); not a range, tag, URL or workspace.
_EXACT = re.compile(r"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")
_UNITS = {"b": 1 / 1000, "kb": 1, "kib": 1.024, "mb": 1000, "mib": 1048.576}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmM]i?[bB]|[bB])\s*$")
SIZE_LIMIT_FILES = (".size-limit.json", ".size-limit.cjs", ".size-limit.js", ".size-limit.mjs")
VITEST_CONFIGS = (
    "vitest.config.ts", "vitest.config.mts", "vitest.config.js", "vitest.config.mjs",
    "vite.config.ts", "vite.config.mts", "vite.config.js", "vite.config.mjs",
)  # fmt: skip


def _line_of(text: str | None, needle: str) -> int | None:
    if not text:
        return None
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else None


@check(
    "npm_lockfile",
    manifest=Opt(STR, default="package.json", help="path of package.json"),
    lockfile=Opt(STR, default="package-lock.json", help="path of the npm lock file"),
    exact_versions=Opt(
        BOOL, default=False, help="every dependency in package.json is an exact version"
    ),
)
def npm_lockfile(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """package-lock.json is committed and agrees with package.json, as ``npm ci`` requires: the
    lock's root package declares the same dependencies (every field of ``DEPENDENCY_FIELDS``,
    same specs) and has an entry for each. With ``exact_versions``, package.json pins every
    dependency to an exact version (no ranges, tags or ``latest``)."""
    manifest_file = opts.get("manifest") or "package.json"
    lock_file = opts.get("lockfile") or "package-lock.json"
    manifest = facts.json(manifest_file)
    if not isinstance(manifest, dict):
        return Outcome.fail(f"{manifest_file} is missing or not JSON", manifest_file)
    lock = facts.json(lock_file)
    if not isinstance(lock, dict):
        return Outcome.fail(
            f"{lock_file} is missing or not JSON: commit it so that `npm ci` installs exactly "
            "what was tested",
            lock_file,
        )
    packages = lock.get("packages")
    if not isinstance(packages, dict) or not isinstance(packages.get(""), dict):
        return Outcome.fail(
            f"{lock_file} has no root package (lockfileVersion 2 or 3, npm 7 or later)", lock_file
        )
    root = packages[""]
    manifest_text = facts.text(manifest_file)
    for field in DEPENDENCY_FIELDS:
        wanted = manifest.get(field) or {}
        locked = root.get(field) or {}
        if not isinstance(wanted, dict):
            return Outcome.fail(f"{field} in {manifest_file} is not an object", manifest_file)
        for name, spec in sorted(wanted.items()):
            if locked.get(name) != spec:
                return Outcome.fail(
                    f"{lock_file} is out of date: {field} {name} is {spec!r} in {manifest_file} "
                    f"but {locked.get(name)!r} in the lock (run npm install and commit the lock)",
                    manifest_file,
                    _line_of(manifest_text, f'"{name}"'),
                )
            if field != "peerDependencies" and f"node_modules/{name}" not in packages:
                return Outcome.fail(
                    f"{lock_file} has no entry for {name} (run npm install and commit the lock)",
                    lock_file,
                )
        extra = sorted(set(locked) - set(wanted))
        if extra:
            return Outcome.fail(
                f"{lock_file} is out of date: it declares {field} {', '.join(extra)} that "
                f"{manifest_file} does not",
                lock_file,
            )
        if opts.get("exact_versions"):
            for name, spec in sorted(wanted.items()):
                if field != "peerDependencies" and not _EXACT.match(str(spec)):
                    return Outcome.fail(
                        f"{name} is {spec!r} in {manifest_file}: pin an exact version",
                        manifest_file,
                        _line_of(manifest_text, f'"{name}"'),
                    )
    return Outcome.ok(f"{lock_file} agrees with {manifest_file}", lock_file)


def _kb(limit: Any) -> float | None:
    """A size-limit ``limit`` ("250 kB", "1.5 MB", "900 B") in kB; None when not a size."""
    if not isinstance(limit, str):
        return None
    match = _SIZE.match(limit)
    if match is None:
        return None
    return float(match.group(1)) * _UNITS[match.group(2).lower()]


def _size_limit_entries(facts: Facts, manifest: dict[str, Any]) -> tuple[str, list[Any]] | None:
    if isinstance(manifest.get("size-limit"), list):
        return "package.json", manifest["size-limit"]
    for file in SIZE_LIMIT_FILES:
        if file.endswith(".json"):
            data = facts.json(file)
            if isinstance(data, list):
                return file, data
        elif (text := facts.text(file)) is not None:
            # JavaScript: the limits as written ({ path: "...", limit: "250 kB" }).
            entries = [
                {"path": "?", "limit": m.group(2)}
                for m in re.finditer(r"""\blimit\s*:\s*(['"`])([^'"`]+)\1""", text)
            ]
            return file, entries
    return None


@check(
    "bundle_budget",
    max_kb=Opt(NUM, help="the largest limit accepted, in kB (an entry above it fails)"),
    scripts=Opt(
        LIST, default=["build"], help="package.json scripts one of which must run size-limit"
    ),
)
def bundle_budget(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """A performance budget is configured and enforced: size-limit has at least one entry with
    a ``path`` and a ``limit`` (in package.json ``"size-limit"`` or ``.size-limit.json/.js``),
    no limit is above ``max_kb``, and one of ``scripts`` (default ``build``) runs
    ``size-limit``, so exceeding the budget fails the build."""
    manifest = facts.json("package.json")
    if not isinstance(manifest, dict):
        return Outcome.fail("package.json is missing or not JSON", "package.json")
    found = _size_limit_entries(facts, manifest)
    if found is None or not found[1]:
        return Outcome.fail(
            'no size-limit budget: add a "size-limit" entry ({"path": "dist/assets/index-*.js", '
            '"limit": "250 kB"}) to package.json',
            "package.json",
        )
    file, entries = found
    text = facts.text(file)
    limits: list[float] = []
    for entry in entries:
        if not isinstance(entry, dict) or not entry.get("path") or "limit" not in entry:
            return Outcome.fail(f"a size-limit entry in {file} has no path or no limit", file)
        kb = _kb(entry["limit"])
        if kb is None:
            return Outcome.fail(
                f"size-limit limit {entry['limit']!r} in {file} is not a size such as '250 kB'",
                file,
                _line_of(text, str(entry["limit"])),
            )
        max_kb = opts.get("max_kb")
        if max_kb is not None and kb > float(max_kb):
            return Outcome.fail(
                f"size-limit limit {entry['limit']} in {file} is above the platform's budget of "
                f"{max_kb:g} kB",
                file,
                _line_of(text, str(entry["limit"])),
            )
        limits.append(kb)
    found_scripts = manifest.get("scripts")
    scripts: dict[str, Any] = found_scripts if isinstance(found_scripts, dict) else {}
    wanted = list(opts.get("scripts") or ["build"])
    runs = [
        s
        for s in wanted
        if re.search(r"(^|[\s;&|(])size-limit(\s|$|[;&|)])", str(scripts.get(s, "")))
    ]
    if not runs:
        return Outcome.fail(
            f"the budget is not enforced: no script of {', '.join(wanted)} runs size-limit "
            '(e.g. "build": "vite build && size-limit")',
            "package.json",
            _line_of(facts.text("package.json"), '"scripts"'),
        )
    return Outcome.ok(
        f"{len(limits)} size-limit budget(s) (at most {max(limits):g} kB), enforced by npm run "
        f"{runs[0]}",
        file,
    )


def _threshold_block(text: str) -> str | None:
    """The text of the ``thresholds: { ... }`` object (balanced braces) in a Vite config."""
    match = re.search(r"\bthresholds\s*:\s*\{", text)
    if match is None:
        return None
    depth, start = 0, match.end() - 1
    for index in range(start, len(text)):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return text[start + 1 : index]
    return None


@check(
    "vitest_coverage_gate",
    min=Opt(NUM, required=True, help="the lowest threshold accepted, in percent"),
    metrics=Opt(LIST, default=["lines"], help="threshold metrics that must each be at least min"),
    files=Opt(LIST, help=f"config files to read (default {', '.join(VITEST_CONFIGS)})"),
)
def vitest_coverage_gate(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """Vitest fails the test run under a coverage threshold: the Vite or Vitest config's
    ``test.coverage.thresholds`` sets each of ``metrics`` (lines, functions, branches,
    statements) to at least ``min`` (``100: true`` counts as 100 for all), and ``npm test``
    runs Vitest with coverage (``--coverage`` in the script, or ``coverage.enabled: true``)."""
    minimum = float(opts["min"])
    metrics = list(opts.get("metrics") or ["lines"])
    candidates = list(opts.get("files") or VITEST_CONFIGS)
    for file in candidates:
        text = facts.text(file)
        if text is None:
            continue
        block = _threshold_block(re.sub(r"//[^\n]*", "", text))
        if block is None:
            continue
        line = _line_of(text, "thresholds")
        if re.search(r"\b100\s*:\s*true\b", block):
            values = dict.fromkeys(metrics, 100.0)
        else:
            values = {
                m.group(1): float(m.group(2))
                for m in re.finditer(
                    r"\b(lines|functions|branches|statements)\s*:\s*(\d+(?:\.\d+)?)", block
                )
            }
        for metric in metrics:
            if metric not in values:
                return Outcome.fail(f"no {metric} threshold in {file}", file, line)
            if values[metric] < minimum:
                return Outcome.fail(
                    f"the {metric} threshold in {file} is {values[metric]:g} %, "
                    f"under {minimum:g} %",
                    file,
                    line,
                )
        manifest = facts.json("package.json")
        scripts = manifest.get("scripts", {}) if isinstance(manifest, dict) else {}
        test_script = str(scripts.get("test", "")) if isinstance(scripts, dict) else ""
        enabled = re.search(r"\benabled\s*:\s*true\b", text) is not None
        if "vitest" not in test_script or not ("--coverage" in test_script or enabled):
            return Outcome.fail(
                "npm test does not run Vitest with coverage (add --coverage to the test script)",
                "package.json",
            )
        return Outcome.ok(
            f"coverage thresholds in {file}: " + ", ".join(f"{m} {values[m]:g} %" for m in metrics),
            file,
            line,
        )
    return Outcome.fail(
        f"no coverage thresholds (test.coverage.thresholds) in {' or '.join(candidates[:2])} or "
        "another Vite/Vitest config",
        candidates[0],
    )
