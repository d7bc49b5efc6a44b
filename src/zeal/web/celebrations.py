"""Celebrations: the page that shows one posts back that it did, so it is shown once."""

from fastapi import APIRouter
from fastapi.responses import Response

from zeal.celebrations import service as celebrations
from zeal.routing import Route
from zeal.web.pages import Form, LearnerDep, local_target

router = APIRouter(route_class=Route)


@router.post("/celebrations/seen")
def mark_shown(web: LearnerDep, form: Form) -> Response:
    """Mark the celebrations a page showed (by id) as shown; back to that page. The page's
    script posts this as soon as it shows them; without a script, its button does."""
    values = [str(value) for value in form.getlist("celebration_id")]
    ids = [int(v) for v in values if v.isascii() and v.isdigit() and len(v) <= 9]
    celebrations.mark_shown(web.session, web.ctx, web.me.id, ids[: celebrations.AT_ONCE])
    if web.request.headers.get("x-requested-with") == "fetch":
        return Response(status_code=204)
    return web.redirect(local_target(str(form.get("next", "/"))))
