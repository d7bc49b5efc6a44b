"""Liveness with a real database round trip."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from zeal.deps import database_of
from zeal.problems import database_unavailable
from zeal.routing import Route

router = APIRouter(route_class=Route, prefix="/v1", tags=["health"])


@router.get("/health", responses={503: {"description": "The database is unreachable."}})
def health(request: Request) -> JSONResponse:
    """200 when Zeal can reach its database, 503 problem+json when it cannot."""
    database = database_of(request)
    try:
        database.ping()
    except SQLAlchemyError:
        return database_unavailable(request)
    return JSONResponse({"status": "ok", "database": database.backend})
