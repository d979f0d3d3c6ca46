from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient


def test_healthz_is_ok(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_ok_after_startup(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["lifecycle"] == "ready"


def test_readyz_is_503_before_startup(app: FastAPI) -> None:
    # Without the context manager the lifespan has not run: startup is not complete.
    client = TestClient(app)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["lifecycle"] == "starting"
    # Liveness does not depend on readiness.
    assert client.get("/healthz").status_code == 200


def test_readyz_is_503_while_shutting_down(app: FastAPI) -> None:
    with TestClient(app) as client:
        assert client.get("/readyz").status_code == 200
    # The lifespan's shutdown flipped readiness before the process exits.
    assert app.state.lifecycle.shutting_down
    response = TestClient(app).get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["lifecycle"] == "shutting_down"
