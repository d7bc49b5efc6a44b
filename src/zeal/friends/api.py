"""Routes for search, friend requests, friends, blocks and profiles."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response, status

from zeal.accounts.models import User
from zeal.accounts.schemas import PublicUser
from zeal.clock import todays
from zeal.deps import ContextDep, CurrentUser, LimitsDep, SessionDep
from zeal.friends import blocks, friendships, requests
from zeal.friends.models import FriendRequest
from zeal.friends.schemas import (
    BlockList,
    BlockRead,
    FriendList,
    FriendRead,
    FriendRequestCount,
    FriendRequestList,
    FriendRequestRead,
    LearnerList,
    ProfileRead,
    SearchResult,
    SearchResults,
    UsernameBody,
)
from zeal.friends.search import MAX_SEARCH_RESULTS, search
from zeal.practice.reading import streaks_of
from zeal.problems import refusals
from zeal.routing import Route
from zeal.schemas import (
    CursorQuery,
    IdPath,
    UsernamePath,
    answer,
    decode_cursor,
    encode_cursor,
)
from zeal.use_cases import friendships as friendships_use_case
from zeal.use_cases import profiles

router = APIRouter(route_class=Route, prefix="/v1", tags=["friends"])


def _read(request: FriendRequest, me: User, other: User) -> FriendRequestRead:
    sender, receiver = (me, other) if request.sender_id == me.id else (other, me)
    return FriendRequestRead.of(request, sender, receiver)


@router.get("/users")
def search_learners(
    user: CurrentUser,
    session: SessionDep,
    limits: LimitsDep,
    q: Annotated[str, Query(max_length=100, description="Username or display-name prefix.")],
    limit: Annotated[int, Query(ge=1, le=MAX_SEARCH_RESULTS)] = 20,
) -> SearchResults:
    """Find learners by the start of their username or display name (at least 2 characters)."""
    found = search(session, limits, user, query=q, limit=limit)
    return SearchResults(
        results=[
            SearchResult(**PublicUser.of(other).model_dump(), relation=relation)
            for other, relation in found
        ]
    )


# OpenAPI links: what a client (and Schemathesis's stateful test) can do next with an answer.
_REQUEST = "#/paths/~1v1~1friend-requests~1{request_id}"
_BY_ID = {"parameters": {"path.request_id": "$response.body#/id"}}
_SENT_LINKS = {
    "AcceptRequest": {"operationRef": f"{_REQUEST}~1accept/post", **_BY_ID},
    "RejectRequest": {"operationRef": f"{_REQUEST}~1reject/post", **_BY_ID},
    "WithdrawRequest": {"operationRef": f"{_REQUEST}/delete", **_BY_ID},
}
_ACCEPTED_LINKS = {
    "EndFriendship": {
        "operationRef": "#/paths/~1v1~1me~1friends~1{username}/delete",
        "parameters": {"path.username": "$response.body#/sender/username"},
    }
}
_ACT_ON_REQUEST = refusals(403, 404, 409)


@router.post(
    "/friend-requests",
    status_code=status.HTTP_201_CREATED,
    responses={201: {"links": _SENT_LINKS}, **refusals(403, 404, 409)},
)
def send_friend_request(
    body: UsernameBody, user: CurrentUser, session: SessionDep, ctx: ContextDep, limits: LimitsDep
) -> FriendRequestRead:
    """Ask a learner to be friends; if they already asked you, you are friends at once
    (the request comes back `accepted`). Sent requests a day are limited (429)."""
    request = friendships_use_case.send_friend_request(
        session, ctx, limits, user, username=body.username
    )
    receiver = session.get(User, request.receiver_id)
    assert receiver is not None
    return _read(request, user, receiver)


@router.get("/friend-requests")
def list_friend_requests(
    user: CurrentUser,
    session: SessionDep,
    direction: Literal["received", "sent"] = "received",
) -> FriendRequestList:
    """Pending requests you received (default) or sent, newest first."""
    pending = requests.pending_requests(session, user, received=direction == "received")
    return FriendRequestList(
        direction=direction, requests=[_read(p.request, user, p.other) for p in pending]
    )


@router.get("/friend-requests/count")
def count_friend_requests(user: CurrentUser, session: SessionDep) -> FriendRequestCount:
    """How many requests wait for your answer (for a badge on the app's bell)."""
    return FriendRequestCount(pending_received=requests.count_received(session, user))


def _answer(request_id: int, user: User, session: SessionDep) -> FriendRequestRead:
    request = session.get(FriendRequest, request_id)
    assert request is not None
    other = session.get(
        User, request.sender_id if request.receiver_id == user.id else request.receiver_id
    )
    assert other is not None
    return _read(request, user, other)


@router.post(
    "/friend-requests/{request_id}/accept",
    responses={200: {"links": _ACCEPTED_LINKS}, **_ACT_ON_REQUEST},
)
def accept_friend_request(
    request_id: IdPath, user: CurrentUser, session: SessionDep, ctx: ContextDep
) -> FriendRequestRead:
    """Accept a request you received: you are friends from now on."""
    friendships_use_case.accept_friend_request(session, ctx, user, request_id)
    return _answer(request_id, user, session)


@router.post("/friend-requests/{request_id}/reject", responses=_ACT_ON_REQUEST)
def reject_friend_request(
    request_id: IdPath, user: CurrentUser, session: SessionDep, ctx: ContextDep
) -> FriendRequestRead:
    """Decline a request you received."""
    requests.reject(session, ctx, user, request_id)
    return _answer(request_id, user, session)


@router.delete(
    "/friend-requests/{request_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=_ACT_ON_REQUEST,
)
def cancel_friend_request(
    request_id: IdPath, user: CurrentUser, session: SessionDep, ctx: ContextDep
) -> Response:
    """Withdraw a request you sent."""
    requests.cancel(session, ctx, user, request_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me/friends", response_model=FriendList)
def list_my_friends(
    user: CurrentUser,
    session: SessionDep,
    ctx: ContextDep,
    cursor: CursorQuery = None,
    limit: Annotated[
        int, Query(ge=1, le=friendships.MAX_FRIENDS_PAGE, description="Friends per page.")
    ] = friendships.FRIENDS_PAGE,
) -> Response:
    """Your friends, with friend streaks and each friend's streak per language, a page at a
    time: follow `next_cursor` until it is null."""
    page = friendships.friends_page(session, ctx, user, after=decode_cursor(cursor), limit=limit)
    friends = page.friends
    streaks = streaks_of(session, todays([f.user for f in friends], ctx.clock.now()))
    listed = FriendList(
        friends=[FriendRead.of_friend(friend, streaks[friend.user.id]) for friend in friends],
        next_cursor=encode_cursor(page.next_after) if page.next_after else None,
    )
    return answer(listed)


@router.delete(
    "/me/friends/{username}", status_code=status.HTTP_204_NO_CONTENT, responses=refusals(404)
)
def unfriend(
    username: UsernamePath, user: CurrentUser, session: SessionDep, ctx: ContextDep
) -> Response:
    """End a friendship (kept as history; befriending again starts a new friend streak)."""
    friendships_use_case.unfriend(session, ctx, user, username=username)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/me/blocks",
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"model": BlockRead, "description": "Already blocked: nothing changed."},
        **refusals(404),
    },
)
def block_learner(
    body: UsernameBody, user: CurrentUser, session: SessionDep, ctx: ContextDep, response: Response
) -> BlockRead:
    """Block a learner: ends your friendship and pending requests; each of you disappears for
    the other. Blocking again changes nothing (200)."""
    blocked = friendships_use_case.block(session, ctx, user, username=body.username)
    if not blocked.created:
        response.status_code = status.HTTP_200_OK
    return BlockRead(
        **PublicUser.of(blocked.other).model_dump(), blocked_at=blocked.block.created_at
    )


@router.delete(
    "/me/blocks/{username}", status_code=status.HTTP_204_NO_CONTENT, responses=refusals(404)
)
def unblock_learner(username: UsernamePath, user: CurrentUser, session: SessionDep) -> Response:
    """Lift a block (friendship and requests do not come back)."""
    blocks.unblock(session, user, username=username)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me/blocks")
def list_blocks(user: CurrentUser, session: SessionDep) -> BlockList:
    """The learners you blocked, most recent first."""
    return BlockList(
        blocked=[
            BlockRead(**PublicUser.of(other).model_dump(), blocked_at=row.created_at)
            for other, row in blocks.list_blocks(session, user)
        ]
    )


@router.get("/users/{username}", responses=refusals(404))
def read_profile(
    username: UsernamePath, user: CurrentUser, session: SessionDep, ctx: ContextDep
) -> ProfileRead:
    """A learner's profile, as much as you may see of it."""
    return ProfileRead.of(profiles.profile(session, ctx, user, username=username))


@router.get("/users/{username}/friends", responses=refusals(403, 404))
def read_friends_of(
    username: UsernamePath, user: CurrentUser, session: SessionDep, ctx: ContextDep
) -> LearnerList:
    """A friend's friends (only friends may look)."""
    learners = friendships.friends_of(session, ctx, user, username=username)
    return LearnerList(learners=[PublicUser.of(learner) for learner in learners])
