"""Routes for sign-up, sessions, the learner's own account and the avatar catalog."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from zeal.accounts import avatars
from zeal.accounts import service as accounts_service
from zeal.accounts.errors import AvatarNotFound
from zeal.accounts.schemas import (
    AvatarCatalog,
    AvatarImage,
    MeRead,
    MeUpdate,
    SessionCreate,
    SessionRead,
    UserCreate,
)
from zeal.deps import ContextDep, CurrentUser, SessionDep, SignedInDep, SignInAttemptDep
from zeal.problems import refusals
from zeal.routing import Route
from zeal.use_cases import accounts as accounts_use_case

router = APIRouter(route_class=Route, prefix="/v1", tags=["accounts"])


@router.post("/users", status_code=status.HTTP_201_CREATED, responses=refusals(409))
def create_user(body: UserCreate, session: SessionDep, ctx: ContextDep) -> MeRead:
    """Sign up. A username and an avatar are generated when none is given."""
    user = accounts_service.create_user(
        session,
        ctx,
        email=body.email,
        password=body.password,
        display_name=body.display_name,
        username=body.username,
        timezone=body.timezone,
    )
    return MeRead.of(user)


@router.post("/sessions", status_code=status.HTTP_201_CREATED, responses=refusals(401))
def create_session(
    attempt: SignInAttemptDep, body: SessionCreate, session: SessionDep, ctx: ContextDep
) -> SessionRead:
    """Sign in with e-mail or username and password; returns a bearer token and a device
    token. Send the device token with the next sign-in: wrong passwords from a known device
    count against that device alone, so nobody else's guessing can lock the learner out of
    it. Too many wrong passwords from one client are refused (429) for a while."""
    attempt.device_token = body.device_token
    signed_in = accounts_use_case.sign_in(
        session, ctx, attempt, login=body.login, password=body.password
    )
    return SessionRead(
        token=signed_in.token,
        expires_at=signed_in.session_token.expires_at,
        device_token=signed_in.device_token,
        user=MeRead.of(signed_in.user),
    )


@router.delete("/sessions/current", status_code=status.HTTP_204_NO_CONTENT)
def delete_current_session(
    signed_in: SignedInDep, session: SessionDep, ctx: ContextDep
) -> Response:
    """Sign out: the token stops working at once."""
    accounts_service.revoke_session(session, ctx, signed_in.token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me")
def read_me(user: CurrentUser) -> MeRead:
    """The signed-in learner's account."""
    return MeRead.of(user)


@router.patch("/me", responses=refusals(409))
def update_me(body: MeUpdate, user: CurrentUser, session: SessionDep, ctx: ContextDep) -> MeRead:
    """Change display name, username, time zone, avatar or social settings; fields left out
    stay as they are."""
    updated = accounts_use_case.update_profile(session, ctx, user, body.changes())
    return MeRead.of(updated)


@router.get("/avatars")
def avatar_catalog() -> AvatarCatalog:
    """The images and colours an avatar can be made of."""
    return AvatarCatalog(
        images=[AvatarImage(name=name, alt=alt) for name, alt in avatars.IMAGES.items()],
        character_colors=list(avatars.CHARACTER_COLORS),
        background_colors=list(avatars.BACKGROUND_COLORS),
    )


HexColour = Annotated[str, Query(pattern=r"^[0-9A-Fa-f]{6}$", description="RRGGBB, no '#'.")]


@router.get(
    "/avatars/{image}.svg",
    response_class=Response,
    responses={
        200: {"content": {"image/svg+xml": {}}, "description": "The avatar picture."},
        **refusals(404),
    },
)
def avatar_picture(
    image: Annotated[str, Path(max_length=40)],
    character: HexColour = avatars.CHARACTER_COLORS[0].lstrip("#"),
    background: HexColour = avatars.BACKGROUND_COLORS[0].lstrip("#"),
) -> Response:
    """An avatar as an SVG picture, for `<img>` tags: any catalog image in any two colours."""
    if image not in avatars.IMAGES:
        raise AvatarNotFound(f"'{image}' is not in the avatar catalog (GET /v1/avatars).")
    svg = avatars.avatar_svg(image, f"#{character.upper()}", f"#{background.upper()}")
    return Response(
        svg, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"}
    )
