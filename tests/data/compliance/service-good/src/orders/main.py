from fastapi import FastAPI

from orders.api import orders
from orders.api.health import router as health_router

app = FastAPI(title="orders")
app.include_router(health_router, prefix="/api")
app.include_router(orders.router, prefix="/api/v1")
