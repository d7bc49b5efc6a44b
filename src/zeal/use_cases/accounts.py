"""Account changes that reach other domains: signing in (the freezes due are spent and
lapsed streaks brought to 0 on the way) and editing the profile (a move of zone revives
streaks the old calendar reset; a new name or avatar earns "Made It Yours"; opting out of
leagues leaves this week's group)."""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from zeal.accounts import devices
from zeal.accounts import service as accounts_service
from zeal.accounts.models import SessionToken, User
from zeal.accounts.queries import lock_user
from zeal.accounts.service import ProfileChange
from zeal.badges import service as badges_service
from zeal.clock import local_date
from zeal.context import Context
from zeal.leagues import placement as leagues
from zeal.limits.service import SignInAttempt
from zeal.practice import daily_streaks, freezes


@dataclass(frozen=True)
class SignedIn:
    token: str  # the session's bearer token
    session_token: SessionToken
    user: User
    device_token: str  # names this client as a known device at its next sign-in


def sign_in(
    session: Session, ctx: Context, attempt: SignInAttempt, *, login: str, password: str
) -> SignedIn:
    """Check the password and open a session; refused (429) before the password is checked
    when the client has failed too often. The client becomes (or stays) a known device."""
    attempt.check(session, login)
    user = accounts_service.authenticate(session, ctx, login=login, password=password)
    token, row = open_session(session, ctx, user)
    device_token = devices.remember_device(session, ctx, user.id, attempt.device_token)
    return SignedIn(token, row, user, device_token)


def open_session(
    session: Session, ctx: Context, user: User, lifetime: timedelta | None = None
) -> tuple[str, SessionToken]:
    """A session for a learner who proved who they are (a password, or their platform's
    word): the freezes due are spent and lapsed streaks brought to 0 on the way, under the
    learner's lock."""
    lock_user(session, user.id)
    freezes.settle(session, ctx, user, local_date(user, ctx.clock.now()))
    return accounts_service.open_session(session, ctx, user, lifetime)


def update_profile(session: Session, ctx: Context, user: User, change: ProfileChange) -> User:
    changed = accounts_service.update_profile(session, ctx, user, change)
    if changed.moved_zone:
        daily_streaks.restore_streaks_after_move(session, changed.user.id)
    if change.customises:
        badges_service.on_profile_customised(session, ctx, changed.user.id)
    if change.leagues is False:
        leagues.leave(session, ctx, changed.user.id)
    return changed.user
