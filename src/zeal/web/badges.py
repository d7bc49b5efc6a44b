"""Badges: every metric with its levels and progress; new badges marked until seen."""

from fastapi import APIRouter
from fastapi.responses import Response

from zeal.badges import service as badges_service
from zeal.badges.schemas import MetricRead
from zeal.routing import Route
from zeal.web.pages import Form, LearnerDep

router = APIRouter(route_class=Route)


@router.get("/badges")
def badges_page(web: LearnerDep) -> Response:
    page = badges_service.board(web.session, web.ctx, web.me)
    metrics = [MetricRead.of(progress) for progress in page.metrics]
    new = [
        badge.id
        for metric in metrics
        for badge in metric.badges
        if badge.achieved and not badge.seen
    ]
    return web.render("badges.html", metrics=metrics, new_badge_ids=new)


@router.post("/badges/seen")
def mark_seen(web: LearnerDep, form: Form) -> Response:
    """Mark the badges the page showed as new (not any that arrived since) as seen."""
    values = [str(value) for value in form.getlist("badge_id")]
    ids = [int(v) for v in values if v.isascii() and v.isdigit() and len(v) <= 9]
    badges_service.mark_seen(web.session, web.ctx, web.me.id, ids[:500])
    if web.request.headers.get("hx-request") == "true":
        return web.render("_badge_count.html")
    return web.redirect("/badges")
