"""Scorecards as code: load YAML, validate every rule against the check registry, keep positions.

A malformed scorecard, an unknown check type, condition, fix type or option is an
``InputFileError`` (exit 2) naming the rule and its ``file:line:col`` -- at load time, before any
check runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformctl.core import yamlio
from platformctl.core.compliance import registry
from platformctl.core.errors import InputFileError

SEVERITIES = ("error", "warning", "info")
DEFAULT_LEVELS = ("bronze", "silver", "gold")
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*\Z")
RULE_KEYS = frozenset(
    {
        "id",
        "title",
        "description",
        "level",
        "severity",
        "weight",
        "gate",
        "applies_when",
        "check",
        "fix",
        "remediation",
        "policy_url",
    }
)
SCORECARD_KEYS = frozenset(
    {"apiVersion", "kind", "id", "title", "description", "levels", "golden_paths", "rules"}
)


@dataclass
class CheckSpec:
    type: str
    options: dict[str, Any]
    children: list[CheckSpec] = field(default_factory=list)
    line: int | None = None

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.type, **self.options}
        if self.children:
            data["checks"] = [c.to_data() for c in self.children]
        return data


@dataclass
class FixSpec:
    type: str
    options: dict[str, Any]
    line: int | None = None


@dataclass
class Rule:
    id: str
    title: str
    scorecard: str
    level: str
    severity: str
    weight: float
    check: CheckSpec
    description: str = ""
    gate: bool = False  # failing it fails the run and holds no level, whatever the score
    applies_when: dict[str, Any] = field(default_factory=dict)
    fix: FixSpec | None = None
    remediation: str = ""
    policy_url: str | None = None
    file: str | None = None
    line: int | None = None

    @property
    def full_id(self) -> str:
        return f"check/{self.scorecard}/{self.id}"


@dataclass
class Scorecard:
    id: str
    title: str
    levels: list[str]
    rules: list[Rule]
    golden_paths: list[str] = field(default_factory=lambda: ["*"])
    description: str = ""
    file: str | None = None
    line: int | None = None

    def applies_to(self, golden_path: str | None) -> bool:
        if "*" in self.golden_paths:
            return True
        return golden_path is not None and golden_path in self.golden_paths


class _Loader:
    def __init__(self, doc: yamlio.Document, file: str) -> None:
        self.doc = doc
        self.file = file

    def error(
        self, message: str, path: tuple[Any, ...], hint: str | None = None, key: bool = False
    ) -> InputFileError:
        line, column = self.doc.position(path, key=key)
        return InputFileError(message, hint=hint, file=self.file, line=line, column=column)

    def string(
        self,
        data: dict[str, Any],
        key: str,
        path: tuple[Any, ...],
        where: str,
        required: bool = False,
        default: str = "",
    ) -> str:
        value = data.get(key)
        if value is None:
            if required:
                raise self.error(f"{where}: '{key}' is required", path)
            return default
        if not isinstance(value, str):
            raise self.error(
                f"{where}: '{key}' must be a string, not {yamlio.type_name(value)}", (*path, key)
            )
        return value

    def options(
        self,
        kind: str,
        spec: dict[str, Any],
        schema: dict[str, registry.Opt],
        one_of: tuple[str, ...],
        path: tuple[Any, ...],
        where: str,
        known: list[str],
    ) -> dict[str, Any]:
        options: dict[str, Any] = {}
        for key, value in spec.items():
            if key == "type":
                continue
            if key not in schema:
                allowed = ", ".join(sorted(schema)) or "none"
                raise self.error(
                    f"{where}: unknown option '{key}' for {kind}",
                    (*path, key),
                    hint=f"options of {kind}: {allowed}",
                    key=True,
                )
            opt = schema[key]
            if opt.types == registry.CHECKS:
                continue
            if not _type_ok(value, opt.types):
                wanted = " or ".join(_type_label(t) for t in opt.types)
                raise self.error(
                    f"{where}: option '{key}' of {kind} must be {wanted}, "
                    f"not {yamlio.type_name(value)}",
                    (*path, key),
                )
            if opt.regex:
                for item in value if isinstance(value, list) else [value]:
                    try:
                        re.compile(str(item))
                    except re.error as exc:
                        raise self.error(
                            f"{where}: option '{key}' is not a valid regex: {exc}", (*path, key)
                        ) from None
            if opt.data_path:
                from platformctl.core.compliance.checks import parse_path

                try:
                    if not parse_path(str(value)):
                        raise ValueError("the path is empty")
                except ValueError as exc:
                    raise self.error(
                        f"{where}: option '{key}' is not a valid path: {exc}",
                        (*path, key),
                        hint='write a dotted path such as spec.owner or a["key.with.dots"].b[0]',
                    ) from None
            options[key] = value
        for key, opt in schema.items():
            if opt.required and key not in spec:
                raise self.error(f"{where}: {kind} needs option '{key}'", path)
            if key not in options and opt.default is not None and opt.types != registry.CHECKS:
                options[key] = opt.default
        if one_of and not any(k in spec for k in one_of):
            raise self.error(f"{where}: {kind} needs one of the options {', '.join(one_of)}", path)
        return options

    def check(self, spec: Any, path: tuple[Any, ...], where: str) -> CheckSpec:
        if not isinstance(spec, dict):
            raise self.error(f"{where}: 'check' must be a mapping with a 'type'", path)
        kind = spec.get("type")
        if not isinstance(kind, str):
            raise self.error(
                f"{where}: the check needs a 'type'",
                path,
                hint=f"built-in types: {', '.join(sorted(registry.CHECK_TYPES))}",
            )
        check_type = registry.CHECK_TYPES.get(kind)
        if check_type is None:
            raise self.error(
                f"{where}: unknown check type '{kind}'",
                (*path, "type"),
                hint=f"built-in types: {', '.join(sorted(registry.CHECK_TYPES))}",
            )
        options = self.options(
            f"check type '{kind}'",
            spec,
            check_type.options,
            check_type.one_of,
            path,
            where,
            list(registry.CHECK_TYPES),
        )
        children: list[CheckSpec] = []
        for key, opt in check_type.options.items():
            if opt.types == registry.CHECKS and key in spec:
                items = spec[key]
                if not isinstance(items, list) or not items:
                    raise self.error(
                        f"{where}: '{key}' must be a non-empty list of checks", (*path, key)
                    )
                children = [
                    self.check(item, (*path, key, i), where) for i, item in enumerate(items)
                ]
        return CheckSpec(kind, options, children, self.doc.position(path)[0])

    def fix(self, spec: Any, path: tuple[Any, ...], where: str) -> FixSpec:
        if not isinstance(spec, dict) or not isinstance(spec.get("type"), str):
            raise self.error(f"{where}: 'fix' must be a mapping with a 'type'", path)
        fix_type = registry.FIX_TYPES.get(spec["type"])
        if fix_type is None:
            raise self.error(
                f"{where}: unknown fix type '{spec['type']}'",
                (*path, "type"),
                hint=f"fix types: {', '.join(sorted(registry.FIX_TYPES))}",
            )
        options = self.options(
            f"fix type '{spec['type']}'",
            spec,
            fix_type.options,
            fix_type.one_of,
            path,
            where,
            list(registry.FIX_TYPES),
        )
        return FixSpec(spec["type"], options, self.doc.position(path)[0])

    def conditions(self, spec: Any, path: tuple[Any, ...], where: str) -> dict[str, Any]:
        if spec is None:
            return {}
        if not isinstance(spec, dict):
            raise self.error(f"{where}: 'applies_when' must be a mapping of conditions", path)
        for key, value in spec.items():
            cond = registry.CONDITIONS.get(key)
            if cond is None:
                raise self.error(
                    f"{where}: unknown condition '{key}' in applies_when",
                    (*path, key),
                    key=True,
                    hint=f"conditions: {', '.join(sorted(registry.CONDITIONS))}",
                )
            if not _type_ok(value, cond.types):
                wanted = " or ".join(_type_label(t) for t in cond.types)
                raise self.error(f"{where}: condition '{key}' must be {wanted}", (*path, key))
        return dict(spec)

    def rule(self, data: Any, index: int, scorecard: str, levels: list[str]) -> Rule:
        path: tuple[Any, ...] = ("rules", index)
        if not isinstance(data, dict):
            raise self.error(f"rule #{index + 1} must be a mapping", path)
        rule_id = data.get("id")
        if not isinstance(rule_id, str) or not _ID.match(rule_id):
            raise self.error(
                f"rule #{index + 1}: 'id' must be a lower-case name (a-z, 0-9, -)",
                (*path, "id") if "id" in data else path,
            )
        where = f"rule '{rule_id}'"
        for key in data:
            if key not in RULE_KEYS:
                raise self.error(
                    f"{where}: unknown key '{key}'",
                    (*path, key),
                    key=True,
                    hint=f"rule keys: {', '.join(sorted(RULE_KEYS))}",
                )
        level = self.string(data, "level", path, where, default=levels[0])
        if level not in levels:
            raise self.error(
                f"{where}: level '{level}' is not on the ladder {levels}", (*path, "level")
            )
        severity = self.string(data, "severity", path, where, default="error")
        if severity not in SEVERITIES:
            raise self.error(
                f"{where}: severity must be one of {', '.join(SEVERITIES)}", (*path, "severity")
            )
        weight = data.get("weight", 1)
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight < 0:
            raise self.error(f"{where}: weight must be a number >= 0", (*path, "weight"))
        gate = data.get("gate", False)
        if not isinstance(gate, bool):
            raise self.error(
                f"{where}: gate must be true or false, not {yamlio.type_name(gate)}",
                (*path, "gate"),
                hint="gate: true makes a failing rule fail the run and cap the level",
            )
        if "check" not in data:
            raise self.error(f"{where}: 'check' is required", path)
        check = self.check(data["check"], (*path, "check"), where)
        fix = self.fix(data["fix"], (*path, "fix"), where) if data.get("fix") is not None else None
        return Rule(
            id=rule_id,
            title=self.string(data, "title", path, where, required=True),
            scorecard=scorecard,
            level=level,
            severity=severity,
            weight=float(weight),
            check=check,
            description=self.string(data, "description", path, where),
            gate=gate,
            applies_when=self.conditions(data.get("applies_when"), (*path, "applies_when"), where),
            fix=fix,
            remediation=self.string(data, "remediation", path, where),
            policy_url=self.string(data, "policy_url", path, where) or None,
            file=self.file,
            line=self.doc.position(path)[0],
        )


def _type_ok(value: Any, types: tuple[Any, ...]) -> bool:
    if isinstance(value, bool) and bool not in types and types != registry.ANY:
        return False
    return isinstance(value, tuple(t for t in types if isinstance(t, type)))


def _type_label(t: Any) -> str:
    return {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "true/false",
        list: "a list",
        dict: "a mapping",
    }.get(t, str(t))


def load_scorecard(path: Path, *, display: str | None = None) -> Scorecard:
    registry.ensure_loaded()
    name = display or str(path)
    doc = yamlio.load_one(path, display=name, allow_empty=False)
    return parse_scorecard(doc, name)


def parse_scorecard(doc: yamlio.Document, name: str) -> Scorecard:
    registry.ensure_loaded()
    loader = _Loader(doc, name)
    data = doc.data
    if not isinstance(data, dict):
        raise loader.error("a scorecard must be a mapping", ())
    for key in data:
        if key not in SCORECARD_KEYS:
            raise loader.error(
                f"unknown scorecard key '{key}'",
                (key,),
                key=True,
                hint=f"scorecard keys: {', '.join(sorted(SCORECARD_KEYS))}",
            )
    if data.get("kind", "Scorecard") != "Scorecard":
        raise loader.error("kind must be Scorecard", ("kind",))
    card_id = data.get("id")
    if not isinstance(card_id, str) or not _ID.match(card_id):
        raise loader.error(
            "scorecard 'id' must be a lower-case name (a-z, 0-9, -)",
            ("id",) if "id" in data else (),
        )
    levels = data.get("levels", list(DEFAULT_LEVELS))
    if (
        not isinstance(levels, list)
        or not levels
        or not all(isinstance(level, str) for level in levels)
        or len(set(levels)) != len(levels)
    ):
        raise loader.error(
            "'levels' must be a non-empty list of distinct names, lowest first", ("levels",)
        )
    golden_paths = data.get("golden_paths", ["*"])
    if isinstance(golden_paths, str):
        golden_paths = [golden_paths]
    if not isinstance(golden_paths, list) or not all(isinstance(g, str) for g in golden_paths):
        raise loader.error(
            "'golden_paths' must be a list of golden path names (or '*')", ("golden_paths",)
        )
    rules_data = data.get("rules")
    if not isinstance(rules_data, list):
        raise loader.error("'rules' must be a list", ("rules",) if "rules" in data else ())
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, item in enumerate(rules_data):
        rule = loader.rule(item, index, card_id, levels)
        if rule.id in seen:
            raise loader.error(f"duplicate rule id '{rule.id}'", ("rules", index, "id"))
        seen.add(rule.id)
        rules.append(rule)
    return Scorecard(
        id=card_id,
        title=loader.string(data, "title", (), "scorecard", default=card_id),
        levels=list(levels),
        rules=rules,
        golden_paths=list(golden_paths),
        description=loader.string(data, "description", (), "scorecard"),
        file=name,
        line=doc.line,
    )
