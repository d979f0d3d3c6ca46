"""Example resource: an in-memory item store. Replace with your own domain."""

from __future__ import annotations

from itertools import count
from threading import Lock

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, Field

router = APIRouter(prefix="/api/v1/items", tags=["items"])


class ItemIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    description: str | None = Field(default=None, max_length=1000)
    price: float = Field(ge=0)


class Item(ItemIn):
    id: int


class ItemStore:
    def __init__(self) -> None:
        self._items: dict[int, Item] = {}
        self._ids = count(1)
        self._lock = Lock()

    def list(self) -> list[Item]:
        return list(self._items.values())

    def get(self, item_id: int) -> Item | None:
        return self._items.get(item_id)

    def add(self, data: ItemIn) -> Item:
        with self._lock:
            item = Item(id=next(self._ids), **data.model_dump())
            self._items[item.id] = item
        return item


store = ItemStore()


@router.get("", response_model=list[Item], summary="List items")
async def list_items() -> list[Item]:
    return store.list()


@router.post("", response_model=Item, status_code=status.HTTP_201_CREATED, summary="Create an item")
async def create_item(data: ItemIn) -> Item:
    return store.add(data)


@router.get(
    "/{item_id}",
    response_model=Item,
    summary="Get an item",
    responses={404: {"description": "Item not found"}},
)
async def get_item(item_id: int) -> Item:
    item = store.get(item_id)
    if item is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="Item not found")
    return item
