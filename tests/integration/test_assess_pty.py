"""`platformctl assess` on a real terminal (a pty): one question per aspect with the level
descriptions, arrow keys to choose, "back" to return to the previous question."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

DOWN, UP, ENTER = "\x1b[B", "\x1b[A", "\r"
QUESTION = "which level describes your platform?"


class Terminal:
    def __init__(self, args: list[str], cwd: Path) -> None:
        self.master, slave = pty.openpty()
        env = {**os.environ, "TERM": "xterm", "COLUMNS": "120", "LINES": "40"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "platformctl", *args],
            stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env, close_fds=True,
        )
        os.close(slave)
        self.seen = ""

    def read_until(self, text: str, count: int, timeout: float = 30) -> None:
        """Read until ``text`` has appeared ``count`` times in all output so far."""
        deadline = time.monotonic() + timeout
        while self.seen.count(text) < count:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"waited for {text!r} #{count}; got:\n{self.seen[-3000:]}")
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 65536).decode("utf-8", "replace")
                except OSError:
                    chunk = ""
                if not chunk:
                    if self.proc.poll() is not None:
                        raise AssertionError(f"exited early; got:\n{self.seen[-3000:]}")
                    continue
                self.seen += chunk

    def ask(self, header: str, count: int) -> None:
        """Wait for the ``count``-th time ``header`` (printed once per question) is shown and
        for the prompt drawn after it."""
        self.read_until(header, count)
        start = 0
        for _ in range(count):
            start = self.seen.index(header, start) + 1
        deadline = time.monotonic() + 30
        while QUESTION not in self.seen[start:]:
            if time.monotonic() > deadline:
                raise AssertionError(f"no prompt after {header!r}:\n{self.seen[-3000:]}")
            self.read_until(QUESTION, self.seen.count(QUESTION) + 1)

    def send(self, keys: str) -> None:
        time.sleep(0.2)  # let prompt_toolkit draw before keys arrive
        os.write(self.master, keys.encode())

    def wait(self) -> int:
        deadline = time.monotonic() + 30
        while self.proc.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.5)
            if ready:
                try:
                    self.seen += os.read(self.master, 65536).decode("utf-8", "replace")
                except OSError:
                    break
        code = self.proc.wait(timeout=5)
        os.close(self.master)
        return code


def test_interactive_assessment_with_back(tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text("operations: 2\nmeasurement: 2\n")  # only the first three are asked
    term = Terminal(
        ["assess", "--answers", str(answers), "--format", "json", "--output", "out.json"],
        tmp_path,
    )
    term.ask("Investment (1 of 3)", 1)
    assert "Voluntary or temporary" in term.seen  # the level descriptions are shown
    term.send(DOWN + ENTER)  # investment: operational
    term.ask("Adoption (2 of 3)", 1)
    term.send(DOWN * 3 + ENTER)  # adoption: optimizing
    term.ask("Interfaces (3 of 3)", 1)
    # interfaces: the choices are 4 levels, skip, back -> back is five steps down
    term.send(DOWN * 5 + ENTER)
    term.ask("Adoption (2 of 3)", 2)
    # adoption again, the earlier answer (optimizing) highlighted: one up is scalable
    term.send(UP + ENTER)
    term.ask("Interfaces (3 of 3)", 2)
    term.send(DOWN * 4 + ENTER)  # interfaces: skip
    assert term.wait() == 0, term.seen[-3000:]
    data = json.loads((tmp_path / "out.json").read_text())
    levels = {a["aspect"]: a["level"] for a in data["aspects"]}
    assert levels == {
        "investment": "operational",
        "adoption": "scalable",
        "interfaces": None,
        "operations": "operational",
        "measurement": "operational",
    }
    assert data["skipped"] == ["interfaces"]
