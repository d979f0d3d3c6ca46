from fastapi import APIRouter

router = APIRouter()


@router.get("/orders/{order_id}")
async def get_order(order_id: int) -> dict[str, int]:
    return {"id": order_id}


@router.post("/orders")
async def create_order() -> dict[str, str]:
    return {"status": "created"}
