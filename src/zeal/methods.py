"""405 answers that name every method of the path, for every path.

Starlette answers a method a path does not have with the `Allow` of the first route of that
path, though each method of a path is a route of its own here (`GET /v1/me`, `PATCH /v1/me`,
and `DELETE /v1/me` in another router); and a literal path (`/v1/friend-requests/count`)
followed by a templated one (`/v1/friend-requests/{request_id}`) sends the literal path's
other methods on to the templated route, which then refuses the path segment (422) instead of
the method. `complete` puts, right after the last route of each path in each router, one that
takes the methods no router has for that path and answers 405 with the path's whole `Allow`.
"""

from collections.abc import Callable, Coroutine, Iterator
from typing import Any

from fastapi import FastAPI, Request
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Route

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
REFUSAL = "method_not_allowed"  # the name of the routes `complete` adds


def complete(app: FastAPI) -> None:
    allowed: dict[str, set[str]] = {}
    for routes in _route_lists(app.router.routes):
        for route in routes:
            if isinstance(route, Route) and route.methods:
                allowed.setdefault(route.path, set()).update(route.methods)
    for routes in list(_route_lists(app.router.routes)):
        _insert_refusals(routes, allowed)


def _route_lists(routes: list[BaseRoute]) -> Iterator[list[BaseRoute]]:
    """The app's list of routes and those of every router included in it."""
    yield routes
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _route_lists(included.routes)


def _insert_refusals(routes: list[BaseRoute], allowed: dict[str, set[str]]) -> None:
    last: dict[str, int] = {}
    for index, route in enumerate(routes):
        if isinstance(route, Route) and route.methods:
            last[route.path] = index
    for path in sorted(last, key=last.__getitem__, reverse=True):  # back to front: indexes hold
        others = [m for m in METHODS if m not in allowed[path]]
        if others:
            header = ", ".join(sorted(allowed[path]))
            refusal = Route(path, _refuse(header), methods=others, name=REFUSAL)
            routes.insert(last[path] + 1, refusal)


def _refuse(header: str) -> Callable[[Request], Coroutine[Any, Any, None]]:
    async def refuse(request: Request) -> None:
        raise HTTPException(405, f"{request.method} is not one of {header}.", {"Allow": header})

    return refuse
