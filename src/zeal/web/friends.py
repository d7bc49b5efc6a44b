"""Friends: the list with friend streaks, search, requests both ways, unfriend and block."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from zeal.clock import todays
from zeal.friends import blocks, friendships, requests
from zeal.friends.pairs import Relation
from zeal.friends.search import search
from zeal.practice.reading import streaks_of
from zeal.routing import Route
from zeal.schemas import CursorQuery, IdPath, UsernamePath, decode_cursor, encode_cursor
from zeal.use_cases import friendships as friendships_use_case
from zeal.web.pages import Form, LearnerDep, Web, local_target

router = APIRouter(route_class=Route)

SearchQuery = Annotated[str, Query(max_length=100)]
SEARCH_LIMIT = 20


def _search(web: Web, q: str) -> tuple[list[tuple[object, Relation]], str | None]:
    """Results and a message for the learner (a query too short, or nothing found)."""
    if not q.strip():
        return [], None
    found: list[tuple[object, Relation]] = []

    def find() -> None:
        found.extend(search(web.session, web.limits, web.me, query=q, limit=SEARCH_LIMIT))

    error = web.attempt(find)
    if error is not None:
        return [], error.detail
    return found, None if found else f"No learner's name starts with “{q.strip()}”."


@router.get("/friends")
def friends_page(web: LearnerDep, q: SearchQuery = "", cursor: CursorQuery = None) -> Response:
    me = web.me
    page = friendships.friends_page(web.session, web.ctx, me, after=decode_cursor(cursor))
    friends = page.friends
    streaks = streaks_of(web.session, todays([f.user for f in friends], web.ctx.clock.now()))
    results, search_message = _search(web, q)
    return web.render(
        "friends.html",
        q=q,
        results=results,
        search_message=search_message,
        friends=[(friend, streaks[friend.user.id]) for friend in friends],
        friend_count=friendships.count_friends(web.session, me.id),
        more_friends=encode_cursor(page.next_after) if page.next_after else None,
        received=requests.pending_requests(web.session, me, received=True),
        sent=requests.pending_requests(web.session, me, received=False),
        blocked=blocks.list_blocks(web.session, me),
    )


@router.get("/friends/search")
def search_results(web: LearnerDep, q: SearchQuery = "") -> Response:
    """The search results alone, for the page to swap in as the learner types."""
    results, search_message = _search(web, q)
    return web.render(
        "_search_results.html", header=False, q=q, results=results, search_message=search_message
    )


def _back(form: Form) -> str:
    return local_target(str(form.get("back", "/friends")))


@router.post("/friends/requests")
def send_request(web: LearnerDep, form: Form) -> Response:
    username = str(form.get("username", "")).strip()
    sent: list[str] = []

    def send() -> None:
        request = friendships_use_case.send_friend_request(
            web.session, web.ctx, web.limits, web.me, username=username
        )
        sent.append(request.status)

    def done() -> str:
        if sent == ["accepted"]:  # they had asked us already: friends at once
            return f"You and {username} are friends now."
        return f"Friend request sent to {username}."

    return web.act(send, _back(form), done)


@router.post("/friends/requests/{request_id}/accept")
def accept_request(request_id: IdPath, web: LearnerDep, form: Form) -> Response:
    return web.act(
        lambda: friendships_use_case.accept_friend_request(
            web.session, web.ctx, web.me, request_id
        ),
        _back(form),
        "Request accepted: you are friends now.",
    )


@router.post("/friends/requests/{request_id}/reject")
def reject_request(request_id: IdPath, web: LearnerDep, form: Form) -> Response:
    return web.act(
        lambda: requests.reject(web.session, web.ctx, web.me, request_id),
        _back(form),
        "Request declined.",
    )


@router.post("/friends/requests/{request_id}/cancel")
def cancel_request(request_id: IdPath, web: LearnerDep, form: Form) -> Response:
    return web.act(
        lambda: requests.cancel(web.session, web.ctx, web.me, request_id),
        _back(form),
        "Request withdrawn.",
    )


@router.post("/friends/{username}/unfriend")
def unfriend(username: UsernamePath, web: LearnerDep, form: Form) -> Response:
    return web.act(
        lambda: friendships_use_case.unfriend(web.session, web.ctx, web.me, username=username),
        _back(form),
        f"You and {username} are no longer friends.",
    )


@router.post("/learners/{username}/block")
def block(username: UsernamePath, web: LearnerDep) -> Response:
    return web.act(
        lambda: friendships_use_case.block(web.session, web.ctx, web.me, username=username),
        "/friends",
        f"You blocked {username}. Neither of you will see the other.",
    )


@router.post("/learners/{username}/unblock")
def unblock(username: UsernamePath, web: LearnerDep) -> Response:
    return web.act(
        lambda: blocks.unblock(web.session, web.me, username=username),
        "/friends",
        f"You unblocked {username}.",
    )
