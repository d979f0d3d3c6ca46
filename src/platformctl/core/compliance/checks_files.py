"""Check types that read files and the values in them: a file exists, a file contains a
pattern, a YAML or JSON value at a path (``yaml_path``, ``json_path``).
"""

from __future__ import annotations

from typing import Any

from platformctl.core.compliance.checks import (
    as_list,
    expected_path,
    parse_path,
    resolve,
    search,
    value_test,
)
from platformctl.core.compliance.facts import Facts
from platformctl.core.compliance.registry import (
    ANY,
    BOOL,
    INT,
    LIST,
    STR,
    STR_OR_LIST,
    Opt,
    Outcome,
    check,
)

# --- files -----------------------------------------------------------------------------------


@check(
    "file_exists",
    one_of=("path", "any_of"),
    path=Opt(STR, help="a file (or glob) that must exist"),
    any_of=Opt(LIST, help="files or globs; at least one must exist"),
)
def file_exists(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """A file exists (or at least one of several files or globs)."""
    wanted = as_list(opts.get("path")) or as_list(opts.get("any_of"))
    found = facts.glob([str(w) for w in wanted])
    if found:
        return Outcome.ok(f"found {found[0]}", found[0])
    where = expected_path(wanted)
    if len(wanted) == 1:
        return Outcome.fail(f"{wanted[0]} is missing", where)
    return Outcome.fail(f"none of {', '.join(map(str, wanted))} exists", where)


@check(
    "file_contains",
    path=Opt(STR_OR_LIST, required=True, help="file(s) or globs to search"),
    pattern=Opt(
        STR, required=True, regex=True, help="regular expression (multiline, case-insensitive)"
    ),
    absent=Opt(BOOL, default=False, help="pass when the pattern is NOT found"),
)
def file_contains(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """A file's content matches (or, with ``absent``, does not match) a regular expression."""
    files = facts.glob([str(p) for p in as_list(opts["path"])])
    pattern = opts["pattern"]
    if not files:
        if opts.get("absent"):
            return Outcome.ok("no such file")
        return Outcome.fail(
            f"{', '.join(map(str, as_list(opts['path'])))} is missing", expected_path(opts["path"])
        )
    for file in files:
        text = facts.text(file) or ""
        match = search(pattern, text)
        if match:
            line = text.count("\n", 0, match.start()) + 1
            if opts.get("absent"):
                return Outcome.fail(f"{file} matches /{pattern}/", file, line)
            return Outcome.ok(f"{file} matches", file, line)
    if opts.get("absent"):
        return Outcome.ok("pattern not found")
    return Outcome.fail(f"{files[0]} does not match /{pattern}/", files[0])


# --- data paths ------------------------------------------------------------------------------
_DATA_OPTS: dict[str, Any] = {
    "file": Opt(STR_OR_LIST, required=True, help="file or glob (YAML, multi-document allowed)"),
    "path": Opt(
        STR,
        required=True,
        data_path=True,
        help='dotted path: a.b[0].c, a["key.with/dots"], a.*.b',
    ),
    "equals": Opt(ANY, help="the value must equal this"),
    "in": Opt(LIST, help="the value must be one of these"),
    "matches": Opt(STR, regex=True, help="the value (as text) must match this regex"),
    "min_length": Opt(INT, help="the value (as text) must be at least this long"),
}


def _data_check(facts: Facts, opts: dict[str, Any], kind: str) -> Outcome:
    tokens = parse_path(opts["path"])
    files = facts.glob([str(p) for p in as_list(opts["file"])])
    if not files:
        return Outcome.fail(
            f"{', '.join(map(str, as_list(opts['file'])))} is missing", expected_path(opts["file"])
        )
    problems: list[tuple[str, str, int | None]] = []
    for file in files:
        docs: list[tuple[Any, Any]]
        if kind == "json":
            docs = [(None, facts.json(file))]
        else:
            loaded = facts.yaml(file)
            docs = [(d, d.data) for d in loaded.documents] if loaded else []
        for doc, data in docs:
            for path, value in resolve(data, tokens):
                why = value_test(value, opts)
                line = doc.position(path)[0] if doc is not None else None
                if why is None:
                    return Outcome.ok(f"{file}: {opts['path']} ok", file, line)
                problems.append((file, why, line))
    if problems:
        file, why, line = problems[0]
        return Outcome.fail(f"{file}: {opts['path']} {why}", file, line)
    return Outcome.fail(f"{files[0]}: {opts['path']} is not set", files[0])


@check("yaml_path", **_DATA_OPTS)
def yaml_path(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """A path exists in a YAML file (optionally: equals / in / matches / min_length)."""
    return _data_check(facts, opts, "yaml")


@check("json_path", **_DATA_OPTS)
def json_path(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """A path exists in a JSON file (optionally: equals / in / matches / min_length)."""
    return _data_check(facts, opts, "json")
