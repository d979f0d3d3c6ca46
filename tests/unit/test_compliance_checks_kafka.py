"""The Kafka consumer check types (kafka_manual_commit, kafka_dead_letter, kafka_lag_metric,
message_schema), on tests/data/compliance/event-consumer-good and variations of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from platformctl.core.compliance.facts import Facts
from platformctl.core.compliance.registry import CHECK_TYPES, ensure_loaded

DATA = Path(__file__).resolve().parent.parent / "data" / "compliance"
ensure_loaded()
APP = "src/consumer/app.py"
DEPLOYMENT = "deploy/base/deployment.yaml"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    target = tmp_path / "event-consumer"
    shutil.copytree(DATA / "event-consumer-good", target)
    return target


def run(root: Path, kind: str, **options):
    return CHECK_TYPES[kind].func(Facts(root), options)


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text()
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new))


@pytest.mark.parametrize(
    "kind", ["kafka_manual_commit", "kafka_dead_letter", "kafka_lag_metric", "message_schema"]
)
def test_the_fixture_passes(repo, kind):
    outcome = run(repo, kind)
    assert outcome.passed, outcome.message


def test_every_kafka_check_type_is_registered_and_explained():
    for kind in ("kafka_manual_commit", "kafka_dead_letter", "kafka_lag_metric", "message_schema"):
        check_type = CHECK_TYPES[kind]
        assert check_type.func.__module__.endswith("checks_kafka")
        assert len(check_type.doc.split("\n\n")) >= 2, "a summary and an explanation"


# --- kafka_manual_commit ---------------------------------------------------------------------


def test_manual_commit_finds_the_setting_and_the_commit(repo):
    outcome = run(repo, "kafka_manual_commit")
    assert f"{APP}:15" in outcome.message and "commit() at" in outcome.message


@pytest.mark.parametrize(
    ("old", "new", "message", "line"),
    [
        (
            '"enable.auto.commit": False',
            '"enable.auto.commit": True',
            "automatic offset commits are on",
            15,
        ),
        ('            "enable.auto.commit": False,\n', "", "not switched off", None),
        (
            "consumer.commit(message=message, asynchronous=False)",
            "pass",
            "never calls commit()",
            15,
        ),
    ],
)
def test_manual_commit_fails(repo, old, new, message, line):
    edit(repo, APP, old, new)
    outcome = run(repo, "kafka_manual_commit")
    assert outcome.passed is False and message in outcome.message
    assert outcome.line == line
    if line:
        assert outcome.file == APP


def test_manual_commit_reads_aiokafka_keywords(repo):
    (repo / APP).write_text(
        "from aiokafka import AIOKafkaConsumer\n"
        "c = AIOKafkaConsumer('t', enable_auto_commit='false')\n"
        "async def f():\n    await c.commit()\n"
    )
    assert run(repo, "kafka_manual_commit").passed


def test_manual_commit_skips_without_python(repo):
    shutil.rmtree(repo / "src")
    shutil.rmtree(repo / "tests")
    assert run(repo, "kafka_manual_commit").passed is None


# --- kafka_dead_letter ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "            - name: KAFKA_DEAD_LETTER_TOPIC\n              value: orders.v1.dlq\n",
            "",
            "names no dead-letter topic",
        ),
        ("value: orders.v1.dlq", "value: orders.v1", "is the consumed topic"),
        ("value: orders.v1.dlq", 'value: ""', "has no value"),
        ("name: KAFKA_TOPIC", "name: TOPIC", "no workload container sets KAFKA_TOPIC"),
    ],
)
def test_dead_letter_fails(repo, old, new, message):
    edit(repo, DEPLOYMENT, old, new)
    outcome = run(repo, "kafka_dead_letter")
    assert outcome.passed is False and message in outcome.message


def test_dead_letter_needs_the_source_to_produce(repo):
    edit(repo, APP, 'producer.produce("orders.v1.dlq", value=message.value())', "pass")
    outcome = run(repo, "kafka_dead_letter")
    assert outcome.passed is False and "never produces" in outcome.message


def test_dead_letter_options(repo):
    edit(repo, DEPLOYMENT, "KAFKA_DEAD_LETTER_TOPIC", "POISON_TOPIC")
    assert run(repo, "kafka_dead_letter").passed is False
    assert run(repo, "kafka_dead_letter", env="POISON").passed
    edit(repo, DEPLOYMENT, "name: KAFKA_TOPIC", "name: SOURCE_TOPIC")
    assert run(repo, "kafka_dead_letter", env="POISON", topic_env="SOURCE_TOPIC").passed


# --- kafka_lag_metric ----------------------------------------------------------------------


def test_lag_metric_fails_without_a_lag_metric(repo):
    edit(repo, APP, 'Gauge("consumer_lag"', 'Gauge("consumer_backlog"')
    outcome = run(repo, "kafka_lag_metric")
    assert outcome.passed is False
    assert "consumer_backlog, consumer_messages_consumed" in outcome.message
    assert (outcome.file, outcome.line) == (APP, 6)
    assert run(repo, "kafka_lag_metric", metric="backlog").passed


def test_lag_metric_fails_without_metrics(repo):
    (repo / APP).write_text("x = 1\n")
    outcome = run(repo, "kafka_lag_metric")
    assert outcome.passed is False and "no Prometheus metric" in outcome.message


def test_lag_metric_by_keyword_name(repo):
    (repo / APP).write_text(
        "import prometheus_client\n"
        "prometheus_client.Gauge(name='kafka_consumergroup_lag', documentation='x')\n"
    )
    assert run(repo, "kafka_lag_metric").passed


# --- message_schema ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("./src/consumer/schemas/order.schema.json", "./schemas/missing.json", "does not exist"),
        ("asyncapi: 3.0.0", "openapi: 3.1.0", "not an AsyncAPI 2 or 3 document"),
        ("  messages:\n    order:", "  other:\n    order:", "declares no messages"),
    ],
)
def test_message_schema_fails(repo, old, new, message):
    edit(repo, "asyncapi.yaml", old, new)
    outcome = run(repo, "message_schema")
    assert outcome.passed is False and message in outcome.message


def test_message_schema_needs_a_schema_file_that_is_a_schema(repo):
    (repo / "src/consumer/schemas/order.schema.json").write_text('["not", "a", "schema"]')
    outcome = run(repo, "message_schema")
    assert outcome.passed is False and "is not a JSON Schema" in outcome.message


def test_message_schema_without_a_document_or_payloads(repo):
    (repo / "asyncapi.yaml").unlink()
    assert "no AsyncAPI document" in run(repo, "message_schema").message
    (repo / "events.yaml").write_text(
        "asyncapi: 2.6.0\ninfo: {title: x, version: '1'}\ncomponents:\n  messages:\n"
        "    a: {payload: {type: object}}\n    b: {payload: 42}\n"
    )
    outcome = run(repo, "message_schema", file="events.yaml")
    assert outcome.passed is False and "message b: the payload is not a schema" in outcome.message
    (repo / "events.yaml").write_text(
        "asyncapi: 2.6.0\ncomponents:\n  messages:\n    a: {description: any}\n"
    )
    assert (
        "no message of events.yaml has a payload schema"
        in run(repo, "message_schema", file="events.yaml").message
    )
