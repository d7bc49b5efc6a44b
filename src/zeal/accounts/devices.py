"""Known devices: the browsers and apps that signed in to an account with its password.

A right password hands the client a device token (the pages keep it in a cookie; an app sends
it back with its next sign-in). Wrong passwords sent with it count against that device alone,
so nobody who merely knows a username can lock its learner out of the devices they use; see
`zeal.limits.service.SignInAttempt`.
"""

from typing import cast

from sqlalchemy import Table, delete, select, update
from sqlalchemy.orm import Session

from zeal.accounts import tokens
from zeal.accounts.models import KnownDevice
from zeal.accounts.queries import known_device
from zeal.context import Context

# A learner's most recent devices; an older one signs in as a stranger would, then is known.
KEPT_PER_LEARNER = 20
_DEVICE = cast(Table, KnownDevice.__table__)


def remember_device(session: Session, ctx: Context, user_id: int, token: str | None) -> str:
    """After a right password: the device token to hand back, the same one when `token`
    already names one of the learner's devices, else a new one."""
    now = ctx.clock.now()
    device_id = known_device(session, user_id, token)
    if token and device_id is not None:
        session.execute(update(_DEVICE).where(_DEVICE.c.id == device_id).values(signed_in_at=now))
        return token
    token = tokens.new_secret(tokens.DEVICE_PREFIX)
    row = {"user_id": user_id, "token_hash": tokens.digest(token)}
    session.execute(_DEVICE.insert().values(**row, created_at=now, signed_in_at=now))
    _forget_oldest(session, user_id)
    return token


def _forget_oldest(session: Session, user_id: int) -> None:
    older = session.scalars(
        select(_DEVICE.c.id)
        .where(_DEVICE.c.user_id == user_id)
        .order_by(_DEVICE.c.signed_in_at.desc(), _DEVICE.c.id.desc())
        .offset(KEPT_PER_LEARNER)
    ).all()
    if older:
        session.execute(delete(_DEVICE).where(_DEVICE.c.id.in_(older)))
