"""Go source facts for the checks: HTTP routes and the default listen port.

Read from the non-test ``.go`` files of the checkout (``vendor/`` and ``testdata/`` skipped),
with comments blanked out first so a commented-out route does not count.  Best effort, like the
Python route table in ``parsers``: what is recognised is listed in docs/reference/scorecards.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from platformctl.core.compliance.facts import Facts

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE")
_METHOD_ALT = "|".join(METHODS)


@dataclass(frozen=True)
class GoRoute:
    method: str | None  # None: any method
    path: str  # "/api/v1/items/{id}", "/static/" (subtree), "/files/{path...}"
    file: str
    line: int

    def serves(self, method: str, path: str) -> bool:
        """Whether a request ``method path`` reaches this route (Go 1.22 ServeMux rules:
        ``GET`` also serves ``HEAD``; ``{name}`` matches one segment, ``{name...}`` and a
        trailing ``/`` the rest of the path)."""
        if (
            self.method is not None
            and self.method != method
            and not (self.method == "GET" and method == "HEAD")
        ):
            return False
        return path_matches(self.path, path)


def path_matches(pattern: str, path: str) -> bool:
    have = pattern.split("?", 1)[0].strip("/").split("/")
    want = path.split("?", 1)[0].strip("/").split("/")
    if have == [""]:
        have = []
    if want == [""]:
        want = []
    subtree = pattern.endswith("/") and not pattern.endswith("{$}/")
    for index, segment in enumerate(have):
        if segment.startswith("{") and segment.endswith("...}"):
            return len(want) >= index
        if segment == "{$}":
            return len(want) == index
        if index >= len(want):
            return False
        if segment.startswith("{") and segment.endswith("}"):
            continue
        if segment != want[index]:
            return False
    return len(want) == len(have) or (subtree and len(want) > len(have))


def go_sources(facts: Facts) -> list[str]:
    def build() -> list[str]:
        out = []
        for name in facts.files():
            if not name.endswith(".go") or name.endswith("_test.go"):
                continue
            parts = name.split("/")
            if any(p in ("vendor", "testdata") or p.startswith((".", "_")) for p in parts[:-1]):
                continue
            out.append(name)
        return out

    return facts.cached(("<go>", "sources"), build)


_TOKENS = re.compile(r'"(?:\\.|[^"\\\n])*"|`[^`]*`|\'(?:\\.|[^\'\\\n])*\'|//[^\n]*|/\*.*?\*/', re.S)


def strip_comments(text: str) -> str:
    """Go source with every comment replaced by spaces (newlines kept, so lines still match);
    string and rune literals are left alone (a ``//`` inside ``"http://..."`` is no comment)."""

    def blank(match: re.Match[str]) -> str:
        token = match.group(0)
        if token.startswith(("//", "/*")):
            return re.sub(r"[^\n]", " ", token)
        return token

    return _TOKENS.sub(blank, text)


def _code(facts: Facts, file: str) -> str | None:
    def build() -> str | None:
        text = facts.text(file)
        return None if text is None else strip_comments(text)

    return facts.cached((file, "go-code"), build)


# mux.HandleFunc("GET /items/{id}", h), http.Handle("/healthz", h): ServeMux patterns.
_MUX_CALL = re.compile(r'\.(?:HandleFunc|Handle)\(\s*"([^"]*)"')
# Any string literal that is a method-qualified ServeMux pattern ("GET /healthz"), wherever it
# is passed (wrappers such as s.route("GET /healthz", ...)).
_METHOD_PATTERN = re.compile(rf'"((?:{_METHOD_ALT}) +[^"\s]*/[^"]*)"')
# chi / gorilla-style r.Get("/x", h), gin / echo-style e.GET("/x", h), chi r.Method("GET", "/x").
_VERB_CALL = re.compile(
    r"\.(Get|Head|Post|Put|Patch|Delete|Options|Connect|Trace|" + _METHOD_ALT + r')\(\s*"(/[^"]*)"'
)
_METHOD_CALL = re.compile(rf'\.(?:Method|MethodFunc)\(\s*"({_METHOD_ALT})"\s*,\s*"(/[^"]*)"')


def _split_pattern(pattern: str) -> tuple[str | None, str] | None:
    """ServeMux pattern ``[METHOD ][HOST]/[PATH]`` -> (method, path); None when not one."""
    method: str | None = None
    text = pattern.strip()
    head, _, rest = text.partition(" ")
    if rest and head in METHODS:
        method, text = head, rest.strip()
    slash = text.find("/")
    if slash == -1:
        return None
    return method, text[slash:]


def go_routes(facts: Facts) -> list[GoRoute]:
    """Routes registered in the Go source: ServeMux patterns (``Handle``/``HandleFunc`` and any
    method-qualified pattern literal), chi/gorilla ``r.Get("/x")``, gin/echo ``e.GET("/x")``
    and chi ``r.Method("GET", "/x")``.  Router prefixes (chi ``Route``/``Mount``, groups) are
    not followed."""

    def build() -> list[GoRoute]:
        routes: dict[tuple[str | None, str], GoRoute] = {}

        def add(method: str | None, path: str, file: str, code: str, offset: int) -> None:
            key = (method, path)
            if key not in routes:
                routes[key] = GoRoute(method, path, file, code.count("\n", 0, offset) + 1)

        for file in go_sources(facts):
            data = facts.read_bytes(file)
            if not data or b'"' not in data or b"/" not in data:
                continue
            code = _code(facts, file)
            if code is None:
                continue
            for match in _MUX_CALL.finditer(code):
                split = _split_pattern(match.group(1))
                if split:
                    add(*split, file, code, match.start())
            for match in _METHOD_PATTERN.finditer(code):
                split = _split_pattern(match.group(1))
                if split:
                    add(*split, file, code, match.start())
            for match in _VERB_CALL.finditer(code):
                add(match.group(1).upper(), match.group(2), file, code, match.start())
            for match in _METHOD_CALL.finditer(code):
                add(match.group(1), match.group(2), file, code, match.start())
        return sorted(routes.values(), key=lambda r: (r.file, r.line, r.path))

    return facts.cached(("<go>", "routes"), build)


GO_PORT_PATTERNS = (
    # const DefaultPort = 8080 / defaultPort = 8080 / port := 8080 / var Port int = 8080
    re.compile(r"\b(?:[Dd]efault|[Ll]isten)?_?(?:HTTP)?[Pp]ort\s*(?:int\s*)?:?=\s*(\d{2,5})\b"),
    # getenv("PORT", "8080") / envOr("PORT", 8080) / cmp.Or(os.Getenv("PORT"), "8080")
    re.compile(r'"PORT"\s*\)?\s*,\s*"?(\d{2,5})\b'),
    # http.Server{Addr: ":8080"} / ListenAndServe(":8080", h) / net.Listen("tcp", ":8080")
    re.compile(r'\bAddr\s*:\s*"[\w.\-\[\]]*:(\d{2,5})"'),
    re.compile(r'\b(?:ListenAndServe(?:TLS)?|Listen)\([^)]*?"[\w.\-\[\]]*:(\d{2,5})"'),
)


@dataclass(frozen=True)
class GoPort:
    port: int
    file: str
    line: int


def go_ports(facts: Facts) -> list[GoPort]:
    """Default listen ports declared in the Go source (a ``DefaultPort`` constant, a
    ``PORT`` fallback, a literal ``Addr``/``ListenAndServe``/``net.Listen`` address)."""

    def build() -> list[GoPort]:
        out: list[GoPort] = []
        for file in go_sources(facts):
            data = facts.read_bytes(file)
            if not data or not any(h in data for h in (b"ort", b"PORT", b"Addr", b"Listen")):
                continue
            code = _code(facts, file)
            if code is None:
                continue
            seen: set[int] = set()
            for pattern in GO_PORT_PATTERNS:
                for match in pattern.finditer(code):
                    if match.start(1) in seen:
                        continue
                    seen.add(match.start(1))
                    out.append(
                        GoPort(int(match.group(1)), file, code.count("\n", 0, match.start()) + 1)
                    )
        return sorted(out, key=lambda p: (p.file, p.line))

    return facts.cached(("<go>", "ports"), build)
