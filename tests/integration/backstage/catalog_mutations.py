"""Mutated catalog files for the differential fuzzer (test_catalog_differential.py).

Every case starts from one to three documents of the public corpus (``shared/corpus/catalog``)
and applies a few mutations chosen by a seeded ``random.Random``, so a seed and a count always
give the same files.  Mutations, in the four areas where our validator once disagreed with
Backstage and beyond:

* data: any field of any document set to a value of another type (scalars YAML reads in
  surprising ways, explicit tags, flow collections, aliases), relation fields of every kind
  (the less common ones too: ``dependencyOf``, ``subdomainOf``, ``members``...) set to entity
  refs with empty or odd parts, to lists mixing strings with numbers, nulls, lists and
  mappings, or to compound refs (``{kind, name}``); kind/apiVersion swaps; unknown root and
  metadata fields; placeholders;
* text: ``%YAML 1.1``/``1.2``/``%TAG`` directives, explicit tags on existing values, duplicate
  keys, anchors and aliases (within a document, to an earlier document, merge keys), BOMs at
  the start and after ``---``, empty and ``...``-terminated documents;
* bytes: invalid UTF-8 (lone continuation bytes, truncated and overlong sequences, encoded
  surrogates), Latin-1, UTF-16 with a BOM, NUL bytes.

Values that must reach the file exactly as written (``yes``, ``!!str 1``, ``*a``) are put in the
data as :class:`Raw` and spliced into PyYAML's output through unique placeholder words.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Raw:
    """A YAML token written verbatim (one line, valid after ``key: `` and after ``- ``)."""

    text: str


# Scalars whose reading differs between YAML 1.1, YAML 1.2 core and JSON, or that are odd.
ODD_SCALARS = [
    "yes", "no", "on", "off", "y", "n", "Yes", "NO", "true", "True", "TRUE", "false", "False",
    "null", "Null", "NULL", "~", "''", '""', "0", "-0", "00", "012", "0o17", "0x1F", "0b101",
    "1_000", "1e3", "1E3", "1.5e-3", "6.", ".5", "+12", "-.5", ".inf", "-.Inf", ".NaN", ".nan",
    "2024-01-01", "2024-01-01T10:00:00Z", "2001-12-14 21:59:43.10 -5", "12:30:00", "1:20",
    "190:20:30", "0.1", "1e400", "123456789012345678901234567890", "-9007199254740993",
    "'0'", "'yes'", '"1"', '"\\u0000x"', '"\\ufeffx"', '"a\\tb"', '" "', "' x '", '"\\x80"',
    '"line\\nbreak"', "=", "<<", "'$text'", "x #comment", "'#x'",
]  # fmt: skip
TAGGED = [
    "!!str 12", "!!str yes", "!!str", "!!str ~", "!!int '12'", "!!int 0x10", "!!int 012",
    "!!int 1_000", "!!float 1", "!!float '1.5'", "!!bool yes", "!!bool 'true'", "!!bool True",
    "!!null ''", "!!null x", "!!binary aGVsbG8=", "!!timestamp 2024-01-01", "!!set {a, b}",
    "!!omap [a: 1]", "!!pairs [a: 1, a: 2]", "!!map {}", "!!seq []", "!!seq [a]",
    "!!map {a: 1}", "!custom x", "!custom", "!<tag:yaml.org,2002:str> 12",
    "!<tag:yaml.org,2002:int> '7'", "!local {}", "!e!x y", "!!merge x", "!!value x",
    "!!yaml x", "!!python/name:os.system x", "!!str [a]", "!!int x", "!!float x",
    "!!bool 1", "!!binary '!!'", "!<!> x", "!! x",
]  # fmt: skip
FLOW = [
    "[]", "{}", "[a, 1]", "[null]", "[[a]]", "[{}]", "{a: 1}", "{name: x}", "[~, a]",
    "{kind: group, name: x}", "{name: x, namespace: ''}", "{$text: ./x.txt}", "{$text: 1}",
    "{$json: x, $yaml: y}", "{$openapi: x}", "[a, a]", "{? [a] : b}", "{a: 1, a: 2}",
    "[!!str 1, !!int 2]", "{name: ''}", "{kind: '', name: x}", "{name: 1}",
]  # fmt: skip

# Entity references with empty, odd or surprising parts.
REFS = [
    "", " ", ":", "/", ":/", "::", "//", "group:", ":x", "x/", "/x", "group:/x", "group:ns/",
    "group::x", "a:b:c", "a/b/c", "a/b:c", "group:a/b/c", "Group:Default/X", "GROUP:x",
    "group: x", "x ", " x", "user:default/a:b", "component:x", "API:x", "api:x",
    "resource:my-db", "my-db", "ns/x", "default/x", "group:ns/x", "ünïcode", "x@y",
    "${{ values.owner }}", "group:${{ x }}", "1", "a:b", "domain:default/d", "system:s",
    "component:default/", "location:x", "template:t", "user:u", "group:default/team_a",
    "x\ty", "a.b", "-x", "x-", "group:-", "Group:", "default/", "/default/x", "x:y/z/",
]  # fmt: skip
REF_FIELDS = {
    "Component": [
        "owner", "system", "subcomponentOf", "providesApis", "consumesApis", "dependsOn",
        "dependencyOf",
    ],
    "API": ["owner", "system", "dependencyOf"],
    "Resource": ["owner", "system", "dependsOn", "dependencyOf"],
    "System": ["owner", "domain", "type"],
    "Domain": ["owner", "subdomainOf", "type"],
    "Group": ["parent", "children", "members"],
    "User": ["memberOf"],
    "Location": ["target", "targets", "type", "presence"],
    "Template": ["owner", "type", "lifecycle"],
}  # fmt: skip
LIST_FIELDS = {
    "providesApis", "consumesApis", "dependsOn", "dependencyOf", "children", "members",
    "memberOf", "targets",
}  # fmt: skip
KIND_VERSIONS = [
    ("Component", "backstage.io/v1alpha1"), ("API", "backstage.io/v1beta1"),
    ("Resource", "backstage.io/v1alpha1"), ("System", "backstage.io/v1alpha1"),
    ("Domain", "backstage.io/v1alpha1"), ("Group", "backstage.io/v1alpha1"),
    ("User", "backstage.io/v1alpha1"), ("Location", "backstage.io/v1alpha1"),
    ("Template", "scaffolder.backstage.io/v1beta3"), ("Template", "backstage.io/v1beta2"),
    ("Template", "scaffolder.backstage.io/v1beta2"), ("component", "backstage.io/v1alpha1"),
    ("Component", "backstage.io/v1"), ("Component", "backstage.io/v1beta1"),
    ("AiResource", "backstage.io/v1alpha1"), ("Api", "backstage.io/v1alpha1"),
    ("Component", "v1alpha1"), ("Component", "a/b/c"), ("Compo nent", "backstage.io/v1alpha1"),
]  # fmt: skip
BAD_BYTES = [
    b"\xff", b"\xfe", b"\x80", b"\xc3", b"\xc3(", b"\xe2\x82", b"\xf0\x9f\x98", b"\xc0\xaf",
    b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\xe9", b"\x00", b"\xef\xbb\xbf",
]  # fmt: skip


def _any_value(rng: random.Random) -> Any:
    pick = rng.random()
    if pick < 0.35:
        return Raw(rng.choice(ODD_SCALARS))
    if pick < 0.55:
        return Raw(rng.choice(TAGGED))
    if pick < 0.75:
        return Raw(rng.choice(FLOW))
    if pick < 0.9:
        return rng.choice(REFS)
    return rng.choice([1, 0, -1, 1.5, True, False, None, [], {}, ["x"], {"x": 1}])


def _ref_value(rng: random.Random, as_list: bool) -> Any:
    def one() -> Any:
        if rng.random() < 0.7:
            return rng.choice(REFS)
        return _any_value(rng)

    if as_list or rng.random() < 0.2:
        return [one() for _ in range(rng.randint(0, 3))]
    return one()


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


def _set(node: Any, path: tuple[Any, ...], value: Any) -> None:
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def mutate_data(doc: Any, rng: random.Random) -> Any:
    """One data-level mutation of a loaded document (a copy)."""
    doc = copy.deepcopy(doc)
    if not isinstance(doc, dict):
        return doc
    kind = doc.get("kind") if isinstance(doc.get("kind"), str) else "Component"
    spec = doc.get("spec")
    meta = doc.get("metadata")
    choice = rng.random()
    if choice < 0.4 and isinstance(spec, dict):
        # relation / ref-bearing fields of this kind (or of another kind: fields leak)
        fields = REF_FIELDS.get(kind) or REF_FIELDS[rng.choice(list(REF_FIELDS))]
        if rng.random() < 0.15:
            fields = REF_FIELDS[rng.choice(list(REF_FIELDS))]
        name = rng.choice(fields)
        spec[name] = _ref_value(rng, name in LIST_FIELDS and rng.random() < 0.8)
    elif choice < 0.65:
        paths = _paths(doc)
        if paths:
            _set(doc, rng.choice(paths), _any_value(rng))
    elif choice < 0.72:
        kind_, version = rng.choice(KIND_VERSIONS)
        doc["kind"], doc["apiVersion"] = kind_, version
    elif choice < 0.8 and isinstance(meta, dict):
        key = rng.choice(
            ["labels", "annotations", "tags", "links", "namespace", "title", "description",
             "uid", "etag", "name", "extra"]
        )  # fmt: skip
        meta[key] = rng.choice(
            [
                _any_value(rng),
                {rng.choice(REFS + ["a/b", "x.io/y", "-x"]): _any_value(rng)},
                [_any_value(rng)],
                [{"url": rng.choice(["https://x", "/docs", "mailto:a@b", "", "x"]),
                  "title": rng.choice(["", " ", "t"])}],
            ]
        )  # fmt: skip
    elif choice < 0.86:
        doc[rng.choice(["relations", "status", "extra", "Spec", "$text", "metadata"])] = _any_value(
            rng
        )
    elif choice < 0.93 and isinstance(spec, dict):
        paths = [p for p in _paths(spec)]
        target = ("spec", *rng.choice(paths)) if paths else ("spec",)
        _set(doc, target, {rng.choice(["$text", "$json", "$yaml", "$openapi"]): _any_value(rng)})
    else:
        paths = _paths(doc)
        if paths:
            path = rng.choice(paths)
            parent: Any = doc
            for part in path[:-1]:
                parent = parent[part]
            if isinstance(parent, dict):
                del parent[path[-1]]
            else:
                parent.pop(path[-1])
    return doc


def _dump(doc: Any, rng: random.Random) -> str:
    raws: dict[str, str] = {}

    def swap(node: Any) -> Any:
        if isinstance(node, Raw):
            word = f"rawtoken{len(raws):05d}x"
            raws[word] = node.text
            return word
        if isinstance(node, dict):
            return {swap(k) if isinstance(k, Raw) else k: swap(v) for k, v in node.items()}
        if isinstance(node, list):
            return [swap(v) for v in node]
        return node

    text = yaml.safe_dump(
        swap(doc),
        default_flow_style=rng.random() < 0.1,
        sort_keys=False,
        allow_unicode=rng.random() < 0.7,
        width=rng.choice([80, 4096]),
    )
    for word, raw in raws.items():
        text = text.replace(word, raw)
    return text


def _text_mutation(text: str, rng: random.Random, docs: int) -> str:
    lines = text.split("\n")
    keyed = [
        i for i, line in enumerate(lines) if ": " in line and not line.lstrip().startswith("#")
    ]
    choice = rng.random()
    if choice < 0.2 and keyed:
        # explicit tag or odd token on an existing value
        i = rng.choice(keyed)
        head, _, value = lines[i].partition(": ")
        token = rng.choice(
            ["!!str", "!!int", "!!bool", "!!null", "!!float", "!custom", "!!binary",
             "!!map", "!!seq", "!!timestamp", "!<tag:yaml.org,2002:str>"]
        )  # fmt: skip
        lines[i] = f"{head}: {token} {value}" if rng.random() < 0.7 else f"{head}: {token}"
    elif choice < 0.35 and keyed:
        # duplicate a key line (same or different value)
        i = rng.choice(keyed)
        dup = lines[i]
        if rng.random() < 0.5:
            head, _, _ = dup.partition(": ")
            dup = f"{head}: {rng.choice(ODD_SCALARS + REFS[:10])}"
        lines.insert(i + 1, dup)
    elif choice < 0.5 and keyed:
        # anchors and aliases
        i = rng.choice(keyed)
        head, _, value = lines[i].partition(": ")
        lines[i] = f"{head}: &a {value}"
        j = rng.choice(keyed)
        h2, _, _ = lines[j].partition(": ")
        alias = rng.choice(["*a", "*b", "*a ", "[*a, *a]", "{<<: *a}"])
        if j != i:
            lines[j] = f"{h2}: {alias}"
        if rng.random() < 0.3:
            lines.append("---")
            lines.append(f"x: *a\napiVersion: backstage.io/v1alpha1\nkind: {alias}")
    elif choice < 0.6:
        # merge key in a mapping
        k = rng.choice(keyed) if keyed else 0
        indent = len(lines[k]) - len(lines[k].lstrip()) if keyed else 0
        lines.insert(k, " " * indent + rng.choice(["<<: {x: 1}", "<<: []", "<<: x", "? [a]: b"]))
    elif choice < 0.75:
        # a line replaced by an odd value token
        if keyed:
            i = rng.choice(keyed)
            head, _, _ = lines[i].partition(": ")
            lines[i] = f"{head}: {rng.choice(ODD_SCALARS + TAGGED + FLOW)}"
    elif choice < 0.85:
        # tabs, stray characters, jinja, unclosed quotes
        if keyed:
            i = rng.choice(keyed)
            lines[i] = rng.choice(
                [lines[i].replace("  ", "\t", 1), lines[i] + ' "', lines[i] + " {%",
                 lines[i] + "\t", lines[i].replace(": ", ":", 1), lines[i] + " # c",
                 "  " + lines[i]]
            )  # fmt: skip
    else:
        # empty / terminated / null documents between the real ones
        extra = rng.choice(
            ["---", "--- ~", "--- null", "...\n---", "--- []", "--- 1", "--- |\n  x"]
        )
        pos = rng.choice([0, len(lines)])
        lines.insert(pos, extra)
    return "\n".join(lines)


def _header(rng: random.Random) -> str:
    return rng.choice(
        ["%YAML 1.1\n---\n", "%YAML 1.2\n---\n", "%YAML 1.3\n---\n", "%YAML 2.0\n---\n",
         "%TAG ! tag:example.com,2000:\n---\n", "%TAG !e! tag:e.com:\n---\n", "%FOO bar\n---\n",
         "%YAML 1.1\n%YAML 1.1\n---\n", "%YAML 1.1\n", "--- !!map\n", "--- !custom\n",
         "# comment\n---\n", "---\n"]
    )  # fmt: skip


def _encode(text: str, rng: random.Random) -> bytes:
    choice = rng.random()
    if choice < 0.55:
        return text.encode("utf-8")
    if choice < 0.7:
        data = text.encode("utf-8")
        for _ in range(rng.randint(1, 3)):
            pos = rng.randrange(len(data) + 1)
            data = data[:pos] + rng.choice(BAD_BYTES) + data[pos:]
        return data
    if choice < 0.8:
        return "\ufeff".encode() + text.encode("utf-8")
    if choice < 0.85:
        return text.replace("---\n", "---\n\ufeff", 1).encode("utf-8")
    if choice < 0.9:
        return text.encode("latin-1", errors="replace")
    if choice < 0.95:
        return text.encode(rng.choice(["utf-16", "utf-16-le", "utf-32"]))
    data = text.encode("utf-8")
    # a bad byte inside a quoted or plain value (not just at a random place)
    i = data.find(b": ")
    return data if i < 0 else data[: i + 2] + rng.choice(BAD_BYTES) + data[i + 2 :]


def load_seeds(corpus: Path) -> list[Any]:
    """Every non-empty mapping document of the corpus that PyYAML can read."""
    seeds: list[Any] = []
    for path in sorted(corpus.glob("*.y*ml")):
        try:
            docs = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
        except (yaml.YAMLError, UnicodeDecodeError):
            continue
        seeds += [d for d in docs if isinstance(d, dict)]
    return seeds


def make_case(seeds: list[Any], rng: random.Random) -> bytes:
    """One mutated catalog file."""
    docs = [copy.deepcopy(rng.choice(seeds)) for _ in range(rng.choice([1, 1, 1, 2, 3]))]
    for i, doc in enumerate(docs):
        for _ in range(rng.choice([0, 1, 1, 1, 2, 3])):
            doc = mutate_data(doc, rng)
        docs[i] = doc
    text = "---\n".join(_dump(d, rng) for d in docs)
    if rng.random() < 0.5:
        text = _text_mutation(text, rng, len(docs))
    if rng.random() < 0.15:
        text = _header(rng) + text
    return _encode(text, rng)


def make_cases(corpus: Path, seed: int, count: int) -> list[bytes]:
    rng = random.Random(seed)
    seeds = load_seeds(corpus)
    return [make_case(seeds, rng) for _ in range(count)]
