"""A real single-node Apache Kafka broker (KRaft: broker and controller in one JVM) and a real
redis-server, started on free ports on 127.0.0.1 for a golden test and always stopped.

Kafka runs from its jars (KAFKA_LIBS: the folder `nox -s golden` fills with
`mvn dependency:copy-dependencies` of org.apache.kafka:kafka_2.13): the storage is formatted
with `kafka.tools.StorageTool format`, then `kafka.Kafka` starts with a generated
server.properties; its data and log live in the test's folder. Ready means a client sees the
broker logged "Kafka Server started" and its listener accepts connections (the generated
project's own test then creates its topics through the admin API).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

START_TIMEOUT = 60.0  # seconds; the broker must be ready well within it


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


def kafka_libs() -> Path | None:
    libs = os.environ.get("KAFKA_LIBS")
    if libs and any(Path(libs).glob("kafka_2.13-*.jar")):
        return Path(libs)
    return None


@dataclass
class Broker:
    bootstrap: str
    log: Path
    started_in: float  # seconds from launch to ready


def _properties(folder: Path, port: int, controller: int) -> str:
    return "\n".join(
        [
            "process.roles=broker,controller",
            "node.id=1",
            f"controller.quorum.voters=1@127.0.0.1:{controller}",
            f"listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller}",
            f"advertised.listeners=PLAINTEXT://127.0.0.1:{port}",
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=PLAINTEXT",
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            f"log.dirs={folder / 'data'}",
            "num.partitions=1",
            "offsets.topic.replication.factor=1",
            "offsets.topic.num.partitions=1",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "share.coordinator.state.topic.replication.factor=1",
            "group.initial.rebalance.delay.ms=0",
            "auto.create.topics.enable=false",
            "",
        ]
    )


def _ready(port: int, log: Path) -> bool:
    """The broker logged that it started and accepts connections on its listener."""
    if "Kafka Server started" not in log.read_text(errors="replace"):
        return False
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@contextmanager
def broker(folder: Path, libs: Path, java_bin: str) -> Iterator[Broker]:
    """Format the storage, start the broker, wait until a client sees it, stop it after."""
    folder.mkdir(parents=True, exist_ok=True)
    port, controller = free_port(), free_port()
    config = folder / "server.properties"
    config.write_text(_properties(folder, port, controller))
    classpath = f"{libs}/*"
    jvm = [java_bin, "-Xms256m", "-Xmx512m", "-XX:+UseSerialGC", "-Djava.awt.headless=true"]
    formatted = subprocess.run(
        [*jvm, "-cp", classpath, "kafka.tools.StorageTool", "format",
         "-t", uuid.uuid4().hex[:22], "-c", str(config)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr
    log = folder / "broker.log"
    bootstrap = f"127.0.0.1:{port}"
    started = time.monotonic()
    with log.open("w") as output:
        process = subprocess.Popen(
            [*jvm, "-cp", classpath, "kafka.Kafka", str(config)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        while not _ready(port, log):
            assert process.poll() is None, f"Kafka exited:\n{log.read_text()[-4000:]}"
            assert time.monotonic() - started < START_TIMEOUT, (
                f"Kafka was not ready within {START_TIMEOUT:g} s:\n{log.read_text()[-4000:]}"
            )
            time.sleep(0.2)
        yield Broker(bootstrap=bootstrap, log=log, started_in=time.monotonic() - started)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextmanager
def redis(folder: Path, binary: str) -> Iterator[str]:
    """redis-server on a free port, no persistence; yields its URL."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            assert process.poll() is None, "redis-server exited"
            assert time.monotonic() < deadline, "redis-server did not start within 20 s"
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
