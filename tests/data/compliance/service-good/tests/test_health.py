from fastapi.testclient import TestClient
from orders.main import app


def test_live() -> None:
    assert TestClient(app).get("/api/health/live").status_code == 200
