from __future__ import annotations

from fastapi.testclient import TestClient


def test_create_list_and_get_item(client: TestClient) -> None:
    created = client.post("/api/v1/items", json={"name": "widget", "price": 9.5})
    assert created.status_code == 201
    item = created.json()
    assert item["name"] == "widget"
    assert item["price"] == 9.5
    assert item["description"] is None

    listed = client.get("/api/v1/items")
    assert listed.status_code == 200
    assert item in listed.json()

    fetched = client.get(f"/api/v1/items/{item['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == item


def test_unknown_item_is_404(client: TestClient) -> None:
    response = client.get("/api/v1/items/999999")
    assert response.status_code == 404
    assert response.json() == {"detail": "Item not found"}


def test_invalid_item_is_422(client: TestClient) -> None:
    response = client.post("/api/v1/items", json={"name": "", "price": -1})
    assert response.status_code == 422
