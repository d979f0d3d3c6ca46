"""A real Backstage catalog backend for `-m backstage` tests (started once per session).

The backend is `node index.js` from this folder (packages pinned in package-lock.json; `nox -s
backstage` runs `npm ci`).  It listens on 127.0.0.1 on a free port with an in-memory SQLite
database, a random static token, and file locations allowed.  A `python -m http.server` on
another free port serves catalog files for `url` locations (the backend may read only it).

Skipped, with a message, only when PLATFORMCTL_BACKSTAGE_IT is unset *and* node_modules is absent;
with PLATFORMCTL_BACKSTAGE_IT set (as in CI) a missing or broken backend is a failure.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
NODE_MODULES = HERE / "node_modules"
START_TIMEOUT = 90.0


@dataclass
class Backend:
    url: str
    token: str
    files_dir: Path
    files_url: str
    log: Path
    started_in: float

    def serve(self, relative: str, text: str) -> str:
        """Publish ``text`` on the local file server; returns its URL."""
        path = self.files_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return f"{self.files_url}/{relative}"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_http(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            pytest.fail(f"{proc.args} exited with {proc.returncode} before it was ready:\n{tail}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local URL
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
    pytest.fail(f"{url} not ready after {timeout:.0f}s:\n{tail}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


@pytest.fixture(scope="session")
def backstage_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    required = bool(os.environ.get("PLATFORMCTL_BACKSTAGE_IT"))
    if not NODE_MODULES.is_dir():
        if not required:
            pytest.skip(
                "real Backstage backend not installed: run `nox -s backstage` (or `npm ci` in "
                "tests/integration/backstage and set PLATFORMCTL_BACKSTAGE_IT=1)"
            )
        pytest.fail(f"PLATFORMCTL_BACKSTAGE_IT is set but {NODE_MODULES} is missing; run npm ci")
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not on PATH; the Backstage backend needs Node.js 20")

    work = tmp_path_factory.mktemp("backstage")
    files_dir = work / "files"
    files_dir.mkdir()
    files_port, port = _free_port(), _free_port()
    token = secrets.token_urlsafe(24)
    files_log = work / "http.log"
    log = work / "backend.log"

    with files_log.open("wb") as out:
        files = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "http.server",
                str(files_port),
                "--bind",
                "127.0.0.1",
                "--directory",
                str(files_dir),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PLATFORMCTL_")},
        "PORT": str(port),
        "BACKSTAGE_TOKEN": token,
        "BACKSTAGE_BASE_URL": f"http://127.0.0.1:{port}",
        "FILES_HOST": f"127.0.0.1:{files_port}",
        "NODE_ENV": "development",
        "LOG_LEVEL": os.environ.get("BACKSTAGE_LOG_LEVEL", "warn"),
    }
    started = time.monotonic()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [node, "index.js", "--config", "app-config.yaml"],
            cwd=HERE,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_http(f"http://127.0.0.1:{files_port}/", files, files_log, 15)
        _wait_http(
            f"http://127.0.0.1:{port}/.backstage/health/v1/readiness", proc, log, START_TIMEOUT
        )
        backend = Backend(
            url=f"http://127.0.0.1:{port}",
            token=token,
            files_dir=files_dir,
            files_url=f"http://127.0.0.1:{files_port}",
            log=log,
            started_in=time.monotonic() - started,
        )
        sys.stderr.write(
            f"\nBackstage backend ready on {backend.url} in {backend.started_in:.1f}s\n"
        )
        yield backend
    finally:
        _stop(proc)
        _stop(files)


@pytest.fixture
def backend(backstage_backend: Backend, monkeypatch: pytest.MonkeyPatch) -> Backend:
    """The session backend with PLATFORMCTL_BACKSTAGE_URL/TOKEN set for this test."""
    monkeypatch.setenv("PLATFORMCTL_BACKSTAGE_URL", backstage_backend.url)
    monkeypatch.setenv("PLATFORMCTL_BACKSTAGE_TOKEN", backstage_backend.token)
    return backstage_backend
