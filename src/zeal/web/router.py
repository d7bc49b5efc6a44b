"""All learner pages under one router; every form on them is CSRF-checked."""

from fastapi import APIRouter, Depends

from zeal.routing import Route
from zeal.web import (
    accounts,
    badges,
    boards,
    celebrations,
    class_progress,
    classes,
    friends,
    home,
    league,
    profile,
)
from zeal.web.cookies import verify_csrf

router = APIRouter(route_class=Route, include_in_schema=False, dependencies=[Depends(verify_csrf)])
for pages in (
    accounts,
    home,
    friends,
    badges,
    boards,
    league,
    profile,
    classes,
    class_progress,
    celebrations,
):
    router.include_router(pages.router)
