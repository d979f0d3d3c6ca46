"""Check types for Kafka consumers: manual offset commits, a dead-letter topic, a consumer-lag
metric, and the message schema an AsyncAPI document points at.

The first three read the Python source (the same non-test files as ``probe_routes``) and the
Kubernetes manifests; ``message_schema`` reads the AsyncAPI document and the schema files it
references. Everything else an event consumer needs (Dockerfile, CI, probes, non-root, catalog)
is checked by the language-neutral types in ``checks``.
"""

from __future__ import annotations

import ast
import json
import posixpath
import re
from dataclasses import dataclass
from typing import Any

from platformctl.core.compliance import parsers
from platformctl.core.compliance.facts import Facts
from platformctl.core.compliance.registry import LIST, STR, Opt, Outcome, check

METRIC_CLASSES = frozenset({"Gauge", "Counter", "Histogram", "Summary", "Info"})


@dataclass(frozen=True)
class _Found:
    file: str
    line: int
    text: str = ""


def _trees(facts: Facts) -> list[tuple[str, ast.Module]]:
    """The parsed non-test Python sources (files that do not parse are skipped)."""

    def build() -> list[tuple[str, ast.Module]]:
        out = []
        for file in parsers.python_sources(facts):
            text = facts.text(file)
            if text is None:
                continue
            try:
                out.append((file, ast.parse(text, filename=file)))
            except (SyntaxError, ValueError):
                continue
        return out

    result: list[tuple[str, ast.Module]] = facts.cached(("<python>", "ast"), build)
    return result


def _false(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and (
        node.value is False or (isinstance(node.value, str) and node.value.lower() == "false")
    )


def _auto_commit_settings(facts: Facts) -> list[tuple[_Found, bool]]:
    """Every place the source sets automatic offset commits: librdkafka's
    ``"enable.auto.commit"`` in a dict literal (confluent-kafka) or ``enable_auto_commit=``
    (aiokafka, kafka-python); True when it is switched off."""
    found: list[tuple[_Found, bool]] = []
    for file, tree in _trees(facts):
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    if isinstance(key, ast.Constant) and key.value == "enable.auto.commit":
                        found.append((_Found(file, key.lineno), _false(value)))
            elif isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == "enable_auto_commit":
                        found.append((_Found(file, keyword.value.lineno), _false(keyword.value)))
    return found


def _method_calls(facts: Facts, names: frozenset[str]) -> list[_Found]:
    found = []
    for file, tree in _trees(facts):
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in names
            ):
                found.append(_Found(file, node.lineno, node.func.attr))
    return found


@check("kafka_manual_commit")
def kafka_manual_commit(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """The Kafka consumer commits offsets itself, after processing (automatic commits off).

    Automatic commits must be off and the source must call ``commit``.

    With automatic commits (librdkafka's and the Java client's default) offsets are committed
    on a timer, whether or not the message was processed: a crash loses the messages in
    flight. Read from the non-test Python source: ``"enable.auto.commit": False`` in the
    consumer's configuration (confluent-kafka) or ``enable_auto_commit=False`` (aiokafka,
    kafka-python), and a ``.commit(...)`` call."""
    settings = _auto_commit_settings(facts)
    if not settings:
        if not _trees(facts):
            return Outcome.skip("no Python source")
        return Outcome.fail(
            'automatic offset commits are not switched off (set "enable.auto.commit": False '
            "in the consumer's configuration; the default commits on a timer)"
        )
    for where, off in settings:
        if not off:
            return Outcome.fail(
                "automatic offset commits are on: offsets are committed whether or not the "
                "message was processed",
                where.file,
                where.line,
            )
    commits = _method_calls(facts, frozenset({"commit"}))
    if not commits:
        first = settings[0][0]
        return Outcome.fail(
            "automatic commits are off but the source never calls commit(): offsets are never "
            "committed",
            first.file,
            first.line,
        )
    return Outcome.ok(
        f"automatic commits off ({settings[0][0].file}:{settings[0][0].line}), "
        f"commit() at {commits[0].file}:{commits[0].line}"
    )


@check(
    "kafka_dead_letter",
    env=Opt(
        STR,
        default=r"(DEAD_LETTER|DLQ)",
        regex=True,
        help="regex of the container environment variable naming the dead-letter topic",
    ),
    topic_env=Opt(
        STR, default="KAFKA_TOPIC", help="the environment variable naming the consumed topic"
    ),
    paths=Opt(LIST, help="globs of manifest files (default as for `kubernetes`)"),
)
def kafka_dead_letter(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """A dead-letter topic is configured for every consumer container, and the source produces.

    Every workload container that consumes a topic names a dead-letter topic that is not the
    consumed one. A poison message (one that fails every time) otherwise blocks its partition
    or is skipped without a trace. The dead-letter topic comes from the container's environment
    (a variable whose name matches ``env``, with a literal value); the consumed topic from
    ``topic_env``. The source must call ``produce`` (confluent-kafka) or
    ``send``/``send_and_wait`` (aiokafka, kafka-python)."""
    globs = tuple(opts.get("paths") or parsers.K8S_GLOBS)
    pattern = re.compile(str(opts.get("env") or r"(DEAD_LETTER|DLQ)"))
    topic_env = str(opts.get("topic_env") or "KAFKA_TOPIC")
    containers = [c for c in parsers.containers(facts, globs) if not c.init]
    consumers = []
    for container in containers:
        env = container.data.get("env")
        variables = {
            str(e.get("name")): (index, e.get("value"))
            for index, e in enumerate(env if isinstance(env, list) else [])
            if isinstance(e, dict)
        }
        if topic_env in variables:
            consumers.append((container, variables))
    if not consumers:
        return Outcome.fail(
            f"no workload container sets {topic_env} (the consumed topic) in the Kubernetes "
            "manifests"
        )
    for container, variables in consumers:
        dead = [(name, v) for name, v in variables.items() if pattern.search(name)]
        if not dead:
            return Outcome.fail(
                f"{container.where} consumes {variables[topic_env][1]!r} but names no "
                f"dead-letter topic (no variable matching {pattern.pattern})",
                container.manifest.file,
                container.line(),
            )
        name, (index, value) = dead[0]
        if not isinstance(value, str) or not value.strip():
            return Outcome.fail(
                f"{container.where}: {name} has no value",
                container.manifest.file,
                container.line("env", index),
            )
        if value == variables[topic_env][1]:
            return Outcome.fail(
                f"{container.where}: the dead-letter topic {value!r} is the consumed topic",
                container.manifest.file,
                container.line("env", index),
            )
    if not _method_calls(facts, frozenset({"produce", "send", "send_and_wait"})):
        return Outcome.fail(
            "a dead-letter topic is configured but the source never produces a message "
            "(produce / send)"
        )
    return Outcome.ok(f"{len(consumers)} consumer container(s) with a dead-letter topic")


@check(
    "kafka_lag_metric",
    metric=Opt(
        STR,
        default=r"(^|_)lag($|_)",
        regex=True,
        help="regex the metric's name must match",
    ),
)
def kafka_lag_metric(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """The service exports a consumer-lag metric (a Prometheus metric named like consumer_lag).

    The Python source registers a Prometheus metric (``Gauge``, ``Histogram``, ...) whose name
    matches ``metric``.

    Lag (messages between the committed offset and the end of the partition) is what tells a
    consumer that falls behind from one that is idle; it is also what an autoscaler on lag and
    the alerts read. Read from ``prometheus_client`` constructor calls in the non-test source:
    the first argument or ``name=``, a string literal."""
    pattern = re.compile(str(opts.get("metric") or r"(^|_)lag($|_)"))
    names: list[_Found] = []
    for file, tree in _trees(facts):
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if called not in METRIC_CLASSES:
                continue
            arg = (
                node.args[0]
                if node.args
                else next((k.value for k in node.keywords if k.arg == "name"), None)
            )
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                names.append(_Found(file, node.lineno, arg.value))
    for found in names:
        if pattern.search(found.text):
            return Outcome.ok(f"{found.text} ({found.file}:{found.line})")
    if not names:
        return Outcome.fail("the source registers no Prometheus metric (prometheus_client)")
    listed = ", ".join(sorted({f.text for f in names})[:6])
    return Outcome.fail(
        f"no Prometheus metric's name matches {pattern.pattern} (metrics: {listed})",
        names[0].file,
        names[0].line,
    )


def _load_schema(facts: Facts, rel: str) -> Any:
    if rel.endswith(".json"):
        return facts.json(rel)
    data = facts.yaml_data(rel)
    return data[0] if data else None


def _is_schema(value: Any) -> bool:
    return isinstance(value, dict) and bool(
        {"type", "$schema", "properties", "$ref", "oneOf", "anyOf", "allOf"} & set(value)
    )


@check(
    "message_schema",
    file=Opt(STR, default="asyncapi.yaml", help="the AsyncAPI document"),
)
def message_schema(facts: Facts, opts: dict[str, Any]) -> Outcome:
    """The AsyncAPI document's messages have payload schemas, and referenced schema files exist.

    The document declares messages (``components.messages``), each with a payload schema, and
    every schema file a payload references exists and is a schema.

    Payloads may be inline schemas or ``$ref`` to a file relative to the document (AsyncAPI 2
    ``payload`` or 3 ``payload.schema``); references inside the document (``#/...``) are
    followed."""
    rel = str(opts.get("file") or "asyncapi.yaml")
    loaded = facts.yaml(rel)
    if loaded is None or not loaded.documents or not isinstance(loaded.documents[0].data, dict):
        return Outcome.fail(f"no AsyncAPI document {rel}", rel)
    document = loaded.documents[0]
    spec: dict[str, Any] = document.data
    if not str(spec.get("asyncapi", "")).startswith(("2.", "3.")):
        return Outcome.fail(f"{rel} is not an AsyncAPI 2 or 3 document", rel, 1)
    components = spec.get("components") if isinstance(spec.get("components"), dict) else {}
    messages = components.get("messages") if isinstance(components, dict) else None
    if not isinstance(messages, dict) or not messages:
        return Outcome.fail(f"{rel} declares no messages (components.messages)", rel, 1)
    base = posixpath.dirname(rel)
    checked = 0
    for name, message in messages.items():
        line = document.position(("components", "messages", name))[0]
        payload = message.get("payload") if isinstance(message, dict) else None
        if payload is None:  # a message of any content (say, a dead-letter copy)
            continue
        if isinstance(payload, dict) and "schema" in payload and "schemaFormat" in payload:
            payload = payload["schema"]  # AsyncAPI 3 multi-format schema object
        ref = payload.get("$ref") if isinstance(payload, dict) else None
        if isinstance(ref, str) and not ref.startswith("#"):
            target = posixpath.normpath(posixpath.join(base, ref.split("#", 1)[0]))
            if not facts.is_file(target):
                return Outcome.fail(
                    f"message {name}: the payload schema {ref} does not exist", rel, line
                )
            try:
                schema = _load_schema(facts, target)
            except (ValueError, json.JSONDecodeError):
                schema = None
            if not _is_schema(schema):
                return Outcome.fail(f"message {name}: {target} is not a JSON Schema", target, 1)
        elif not _is_schema(payload):
            return Outcome.fail(f"message {name}: the payload is not a schema", rel, line)
        checked += 1
    if not checked:
        return Outcome.fail(f"no message of {rel} has a payload schema", rel, 1)
    return Outcome.ok(f"{checked} message schema(s) in {rel}")
