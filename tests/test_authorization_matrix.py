"""Who may do what: every route of the API and of the learner pages, asked as each of eight
identities about one learner's things, with the status the design gives each of them.

The world: the learner L practised (and so has a badge), is friends with F, has a request from
R waiting, has sent one to X, blocked B, and is a student of T's class C (board on). S knows
nobody. A platform key stands beside them, and one of L's sessions was signed out. Every route
gets a world of its own, and a fresh one after every cell that changed it, so no cell sees what
another did (DELETE /v1/me deletes L).

Every cell addresses L's things: `{username}` is L, `{user_id}` is L's id, `{cohort_id}` is C,
`{request_id}` the request R sent L (accept, reject) or the one L sent X (withdraw). Routes
under /v1/me act on the caller; where such a route's path or body names a learner it names L,
so the row shows what each identity may do to L.

Pages answer without following redirects: a 303 there is told apart by where it leads and by
the one-time message it leaves (SIGN_IN: off to sign in; REFUSED: back with an error message;
303: done). Platform keys and revoked sessions mean nothing to pages: they are anonymous there.
"""

from collections.abc import Callable
from dataclasses import dataclass
from itertools import count
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import delete

from tests.conftest import CATALOG_TABLES, make_settings
from tests.factories import PASSWORD, limits_for
from tests.web.helpers import set_cookie
from zeal import methods
from zeal.accounts import avatars
from zeal.accounts import service as accounts_service
from zeal.accounts.models import User
from zeal.app import create_app
from zeal.cohorts import service as cohorts_service
from zeal.context import Context
from zeal.db import Base, Database
from zeal.practice.activities import PracticeType
from zeal.practice.recording import Practice
from zeal.use_cases import friendships as friendships_use_case
from zeal.use_cases.record_practice import record_practice
from zeal.web.cookies import CSRF_COOKIE, CSRF_FIELD, FLASH_COOKIE, SESSION_COOKIE
from zeal.web.router import router as web_router
from zeal.webhooks import service as webhooks_service

Route = tuple[str, str]  # (method, path template)
Expected = int | str

# The identities, as the table's columns.
ANON = "anon"  # no credentials at all
L = "L"  # the learner whose things every cell asks about
F = "F"  # L's friend
S = "S"  # a stranger: no relation to L
B = "B"  # a learner L blocked
T = "T"  # the teacher of L's class
KEY = "key"  # a platform API key (X-API-Key)
REV = "rev"  # a session of L's that was signed out
IDENTITIES = (ANON, L, F, S, B, T, KEY, REV)
LEARNERS = (L, F, S, B, T)

# How a page's 303 ended (see the module docstring); a plain 303 is a redirect after success.
SIGN_IN = "303 to sign in"
REFUSED = "303 refused"

# fmt: off
MATRIX: dict[Route, dict[str, Expected]] = {
    # ---- API: public --------------------------------------------------------------------------
    ("GET", "/v1/health"):
        {ANON: 200, L: 200, F: 200, S: 200, B: 200, T: 200, KEY: 200, REV: 200},
    ("POST", "/v1/users"):  # sign-up: anyone, whatever they carry
        {ANON: 201, L: 201, F: 201, S: 201, B: 201, T: 201, KEY: 201, REV: 201},
    ("POST", "/v1/sessions"):  # sign-in as L: the password is the credential
        {ANON: 201, L: 201, F: 201, S: 201, B: 201, T: 201, KEY: 201, REV: 201},
    ("GET", "/v1/avatars"):
        {ANON: 200, L: 200, F: 200, S: 200, B: 200, T: 200, KEY: 200, REV: 200},
    ("GET", "/v1/avatars/{image}.svg"):
        {ANON: 200, L: 200, F: 200, S: 200, B: 200, T: 200, KEY: 200, REV: 200},
    # ---- API: the caller's own account ----------------------------------------------------------
    ("DELETE", "/v1/sessions/current"):  # each learner signs their own session out
        {ANON: 401, L: 204, F: 204, S: 204, B: 204, T: 204, KEY: 401, REV: 401},
    ("GET", "/v1/me"):
        {ANON: 401, L: 200, F: 200, S: 200, B: 200, T: 200, KEY: 401, REV: 401},
    ("PATCH", "/v1/me"):
        {ANON: 401, L: 200, F: 200, S: 200, B: 200, T: 200, KEY: 401, REV: 401},
    ("DELETE", "/v1/me"):  # T alone teaches C, which has a student: 409 class_needs_teacher
        {ANON: 401, L: 204, F: 204, S: 204, B: 204, T: 409, KEY: 401, REV: 401},
    ("GET", "/v1/me/export"):
        {ANON: 401, L: 200, F: 200, S: 200, B: 200, T: 200, KEY: 401, REV: 401},
    # ---- API: practice --------------------------------------------------------------------------
    ("POST", "/v1/me/practice-events"):  # a platform key is nobody's session
        {ANON: 401, L: 201, F: 201, S: 201, B: 201, T: 201, KEY: 401, REV: 401},
    ("POST", "/v1/users/{user_id}/practice-events"):  # for platform servers only
        {ANON: 401, L: 401, F: 401, S: 401, B: 401, T: 401, KEY: 201, REV: 401},
    ("POST", "/v1/users/{user_id}/freezes"):  # a freeze for L, from platform servers only
        {ANON: 401, L: 401, F: 401, S: 401, B: 401, T: 401, KEY: 201, REV: 401},
    ("POST", "/v1/users/{user_id}/streak-repairs"):  # L has no broken streak: 409, for the key
        {ANON: 401, L: 401, F: 401, S: 401, B: 401, T: 401, KEY: 409, REV: 401},
    # ---- API: a platform's own learners (L is known to the key's platform as "lena-8812") --------
    ("PUT", "/v1/platform/learners/{external_id}"):
        {ANON: 401, L: 401, F: 401, S: 401, B: 401, T: 401, KEY: 200, REV: 401},
    ("GET", "/v1/platform/learners/{external_id}"):
        {ANON: 401, L: 401, F: 401, S: 401, B: 401, T: 401, KEY: 200, REV: 401},
    ("DELETE", "/v1/platform/learners/{external_id}"):
        {ANON: 401, L: 401, F: 401, S: 401, B: 401, T: 401, KEY: 204, REV: 401},
    ("POST", "/v1/platform/learners/{external_id}/practice-events"):
        {ANON: 401, L: 401, F: 401, S: 401, B: 401, T: 401, KEY: 201, REV: 401},
    ("POST", "/v1/platform/practice-events/batch"):  # one event of L's, recorded
        {ANON: 401, L: 401, F: 401, S: 401, B: 401, T: 401, KEY: 200, REV: 401},
    ("POST", "/v1/platform/learners/{external_id}/freezes"):  # a freeze for L
        {ANON: 401, L: 401, F: 401, S: 401, B: 401, T: 401, KEY: 201, REV: 401},
    ("POST", "/v1/platform/learners/{external_id}/streak-repairs"):  # nothing broke: 409
        {ANON: 401, L: 401, F: 401, S: 401, B: 401, T: 401, KEY: 409, REV: 401},
    ("POST", "/v1/platform/learners/{external_id}/tokens"):
        {ANON: 401, L: 401, F: 401, S: 401, B: 401, T: 401, KEY: 201, REV: 401},
    ("DELETE", "/v1/platform/learners/{external_id}/tokens"):  # signs L out everywhere
        {ANON: 401, L: 401, F: 401, S: 401, B: 401, T: 401, KEY: 204, REV: 401},
    # ---- API: the platform's webhooks ({webhook_id}: the key's platform's endpoint) --------------
    ("POST", "/v1/platform/webhooks"):
        {ANON: 401, L: 401, F: 401, S: 401, B: 401, T: 401, KEY: 201, REV: 401},
    ("GET", "/v1/platform/webhooks"):
        {ANON: 401, L: 401, F: 401, S: 401, B: 401, T: 401, KEY: 200, REV: 401},
    ("GET", "/v1/platform/webhooks/{webhook_id}"):
        {ANON: 401, L: 401, F: 401, S: 401, B: 401, T: 401, KEY: 200, REV: 401},
    ("DELETE", "/v1/platform/webhooks/{webhook_id}"):
        {ANON: 401, L: 401, F: 401, S: 401, B: 401, T: 401, KEY: 204, REV: 401},
    ("GET", "/v1/platform/webhooks/{webhook_id}/deliveries"):
        {ANON: 401, L: 401, F: 401, S: 401, B: 401, T: 401, KEY: 200, REV: 401},
    ("GET", "/v1/me/streaks"):
        {ANON: 401, L: 200, F: 200, S: 200, B: 200, T: 200, KEY: 401, REV: 401},
    ("GET", "/v1/me/goal"):
        {ANON: 401, L: 200, F: 200, S: 200, B: 200, T: 200, KEY: 401, REV: 401},
    ("GET", "/v1/me/practice-days"):
        {ANON: 401, L: 200, F: 200, S: 200, B: 200, T: 200, KEY: 401, REV: 401},
    ("GET", "/v1/me/freezes"):
        {ANON: 401, L: 200, F: 200, S: 200, B: 200, T: 200, KEY: 401, REV: 401},
    ("GET", "/v1/me/streak-repairs"):
        {ANON: 401, L: 200, F: 200, S: 200, B: 200, T: 200, KEY: 401, REV: 401},
    ("POST", "/v1/me/streak-repairs"):  # self-repair is off by default: 403 for everyone
        {ANON: 401, L: 403, F: 403, S: 403, B: 403, T: 403, KEY: 401, REV: 401},
    ("GET", "/v1/me/leagues"):
        {ANON: 401, L: 200, F: 200, S: 200, B: 200, T: 200, KEY: 401, REV: 401},
    ("GET", "/v1/me/leagues/history"):
        {ANON: 401, L: 200, F: 200, S: 200, B: 200, T: 200, KEY: 401, REV: 401},
    # ---- API: friends ---------------------------------------------------------------------------
    ("GET", "/v1/users"):  # search: any learner may search (B just finds no L)
        {ANON: 401, L: 200, F: 200, S: 200, B: 200, T: 200, KEY: 401, REV: 401},
    ("POST", "/v1/friend-requests"):  # to L: L 422 oneself, F 409 already friends, B 404
        {ANON: 401, L: 422, F: 409, S: 201, B: 404, T: 201, KEY: 401, REV: 401},
    ("GET", "/v1/friend-requests"):
        {ANON: 401, L: 200, F: 200, S: 200, B: 200, T: 200, KEY: 401, REV: 401},
    ("GET", "/v1/friend-requests/count"):
        {ANON: 401, L: 200, F: 200, S: 200, B: 200, T: 200, KEY: 401, REV: 401},
    ("POST", "/v1/friend-requests/{request_id}/accept"):  # R's request to L: not theirs, 404
        {ANON: 401, L: 200, F: 404, S: 404, B: 404, T: 404, KEY: 401, REV: 401},
    ("POST", "/v1/friend-requests/{request_id}/reject"):
        {ANON: 401, L: 200, F: 404, S: 404, B: 404, T: 404, KEY: 401, REV: 401},
    ("DELETE", "/v1/friend-requests/{request_id}"):  # L's request to X: only L withdraws it
        {ANON: 401, L: 204, F: 404, S: 404, B: 404, T: 404, KEY: 401, REV: 401},
    ("GET", "/v1/me/friends"):
        {ANON: 401, L: 200, F: 200, S: 200, B: 200, T: 200, KEY: 401, REV: 401},
    ("DELETE", "/v1/me/friends/{username}"):  # unfriend L: F only; 404 not_friends, B unknown
        {ANON: 401, L: 404, F: 204, S: 404, B: 404, T: 404, KEY: 401, REV: 401},
    ("GET", "/v1/me/blocks"):
        {ANON: 401, L: 200, F: 200, S: 200, B: 200, T: 200, KEY: 401, REV: 401},
    ("POST", "/v1/me/blocks"):  # block L: L 422 oneself; to B, L does not exist (404)
        {ANON: 401, L: 422, F: 201, S: 201, B: 404, T: 201, KEY: 401, REV: 401},
    ("DELETE", "/v1/me/blocks/{username}"):  # unblock L: nobody blocked L (404 not_blocked)
        {ANON: 401, L: 404, F: 404, S: 404, B: 404, T: 404, KEY: 401, REV: 401},
    ("GET", "/v1/users/{username}"):  # S and T see the public part; to B, L does not exist
        {ANON: 401, L: 200, F: 200, S: 200, B: 404, T: 200, KEY: 401, REV: 401},
    ("GET", "/v1/users/{username}/friends"):  # friends only: 403 friends_only
        {ANON: 401, L: 200, F: 200, S: 403, B: 404, T: 403, KEY: 401, REV: 401},
    # ---- API: badges ----------------------------------------------------------------------------
    ("GET", "/v1/me/badges"):
        {ANON: 401, L: 200, F: 200, S: 200, B: 200, T: 200, KEY: 401, REV: 401},
    ("GET", "/v1/me/badges/unseen-count"):
        {ANON: 401, L: 200, F: 200, S: 200, B: 200, T: 200, KEY: 401, REV: 401},
    ("POST", "/v1/me/badges/seen"):
        {ANON: 401, L: 200, F: 200, S: 200, B: 200, T: 200, KEY: 401, REV: 401},
    ("GET", "/v1/users/{username}/badges"):  # achieved badges are public, but not to B
        {ANON: 401, L: 200, F: 200, S: 200, B: 404, T: 200, KEY: 401, REV: 401},
    # ---- API: cohorts and boards ----------------------------------------------------------------
    ("POST", "/v1/cohorts"):
        {ANON: 401, L: 201, F: 201, S: 201, B: 201, T: 201, KEY: 401, REV: 401},
    ("POST", "/v1/cohorts/join"):  # with C's code: L and T are in it already (409)
        {ANON: 401, L: 409, F: 201, S: 201, B: 201, T: 409, KEY: 401, REV: 401},
    ("GET", "/v1/me/cohorts"):
        {ANON: 401, L: 200, F: 200, S: 200, B: 200, T: 200, KEY: 401, REV: 401},
    ("GET", "/v1/cohorts/{cohort_id}"):  # members only: 404 cohort_not_found to the rest
        {ANON: 401, L: 200, F: 404, S: 404, B: 404, T: 200, KEY: 401, REV: 401},
    ("PATCH", "/v1/cohorts/{cohort_id}"):  # teachers only: 403 teachers_only to a student
        {ANON: 401, L: 403, F: 404, S: 404, B: 404, T: 200, KEY: 401, REV: 401},
    ("POST", "/v1/cohorts/{cohort_id}/teachers"):  # T promotes L
        {ANON: 401, L: 403, F: 404, S: 404, B: 404, T: 201, KEY: 401, REV: 401},
    ("DELETE", "/v1/cohorts/{cohort_id}/members/{username}"):  # L leaves, T removes L
        {ANON: 401, L: 204, F: 404, S: 404, B: 404, T: 204, KEY: 401, REV: 401},
    ("GET", "/v1/leaderboards/friends"):
        {ANON: 401, L: 200, F: 200, S: 200, B: 200, T: 200, KEY: 401, REV: 401},
    ("GET", "/v1/cohorts/{cohort_id}/leaderboard"):  # members only; teachers see it too
        {ANON: 401, L: 200, F: 404, S: 404, B: 404, T: 200, KEY: 401, REV: 401},
    ("GET", "/v1/cohorts/{cohort_id}/progress"):  # teachers only, board on or off
        {ANON: 401, L: 403, F: 404, S: 404, B: 404, T: 200, KEY: 401, REV: 401},
    # ---- pages: accounts ------------------------------------------------------------------------
    ("GET", "/sign-up"):  # a signed-in learner is sent home
        {ANON: 200, L: 303, F: 303, S: 303, B: 303, T: 303, KEY: 200, REV: 200},
    ("POST", "/sign-up"):  # a new account, signed in, whoever was before
        {ANON: 303, L: 303, F: 303, S: 303, B: 303, T: 303, KEY: 303, REV: 303},
    ("GET", "/sign-in"):
        {ANON: 200, L: 303, F: 303, S: 303, B: 303, T: 303, KEY: 200, REV: 200},
    ("GET", "/sign-in/token"):  # no token in the link: back to sign in, with why
        {ANON: REFUSED, L: REFUSED, F: REFUSED, S: REFUSED, B: REFUSED, T: REFUSED,
         KEY: REFUSED, REV: REFUSED},
    ("POST", "/sign-in"):  # as L, with L's password
        {ANON: 303, L: 303, F: 303, S: 303, B: 303, T: 303, KEY: 303, REV: 303},
    ("POST", "/sign-out"):
        {ANON: SIGN_IN, L: 303, F: 303, S: 303, B: 303, T: 303, KEY: SIGN_IN, REV: SIGN_IN},
    # ---- pages: the caller's own ----------------------------------------------------------------
    ("GET", "/"):
        {ANON: SIGN_IN, L: 200, F: 200, S: 200, B: 200, T: 200, KEY: SIGN_IN, REV: SIGN_IN},
    ("POST", "/practice"):
        {ANON: SIGN_IN, L: 303, F: 303, S: 303, B: 303, T: 303, KEY: SIGN_IN, REV: SIGN_IN},
    ("POST", "/streak-repairs"):  # self-repair is off by default: back with why
        {ANON: SIGN_IN, L: REFUSED, F: REFUSED, S: REFUSED, B: REFUSED, T: REFUSED,
         KEY: SIGN_IN, REV: SIGN_IN},
    ("GET", "/friends"):
        {ANON: SIGN_IN, L: 200, F: 200, S: 200, B: 200, T: 200, KEY: SIGN_IN, REV: SIGN_IN},
    ("GET", "/friends/search"):
        {ANON: SIGN_IN, L: 200, F: 200, S: 200, B: 200, T: 200, KEY: SIGN_IN, REV: SIGN_IN},
    ("GET", "/badges"):
        {ANON: SIGN_IN, L: 200, F: 200, S: 200, B: 200, T: 200, KEY: SIGN_IN, REV: SIGN_IN},
    ("POST", "/badges/seen"):
        {ANON: SIGN_IN, L: 303, F: 303, S: 303, B: 303, T: 303, KEY: SIGN_IN, REV: SIGN_IN},
    ("POST", "/celebrations/seen"):
        {ANON: SIGN_IN, L: 303, F: 303, S: 303, B: 303, T: 303, KEY: SIGN_IN, REV: SIGN_IN},
    ("GET", "/profile"):
        {ANON: SIGN_IN, L: 200, F: 200, S: 200, B: 200, T: 200, KEY: SIGN_IN, REV: SIGN_IN},
    ("POST", "/profile"):
        {ANON: SIGN_IN, L: 303, F: 303, S: 303, B: 303, T: 303, KEY: SIGN_IN, REV: SIGN_IN},
    ("GET", "/profile/export"):
        {ANON: SIGN_IN, L: 200, F: 200, S: 200, B: 200, T: 200, KEY: SIGN_IN, REV: SIGN_IN},
    ("POST", "/profile/delete"):  # as DELETE /v1/me: T is shown the profile page with 409
        {ANON: SIGN_IN, L: 303, F: 303, S: 303, B: 303, T: 409, KEY: SIGN_IN, REV: SIGN_IN},
    ("GET", "/classes"):
        {ANON: SIGN_IN, L: 200, F: 200, S: 200, B: 200, T: 200, KEY: SIGN_IN, REV: SIGN_IN},
    ("POST", "/classes"):
        {ANON: SIGN_IN, L: 303, F: 303, S: 303, B: 303, T: 303, KEY: SIGN_IN, REV: SIGN_IN},
    # ---- pages: friends -------------------------------------------------------------------------
    ("POST", "/friends/requests"):  # to L: as the API, the refusals come back as messages
        {ANON: SIGN_IN, L: REFUSED, F: REFUSED, S: 303, B: REFUSED, T: 303, KEY: SIGN_IN,
         REV: SIGN_IN},
    ("POST", "/friends/requests/{request_id}/accept"):
        {ANON: SIGN_IN, L: 303, F: REFUSED, S: REFUSED, B: REFUSED, T: REFUSED, KEY: SIGN_IN,
         REV: SIGN_IN},
    ("POST", "/friends/requests/{request_id}/reject"):
        {ANON: SIGN_IN, L: 303, F: REFUSED, S: REFUSED, B: REFUSED, T: REFUSED, KEY: SIGN_IN,
         REV: SIGN_IN},
    ("POST", "/friends/requests/{request_id}/cancel"):
        {ANON: SIGN_IN, L: 303, F: REFUSED, S: REFUSED, B: REFUSED, T: REFUSED, KEY: SIGN_IN,
         REV: SIGN_IN},
    ("POST", "/friends/{username}/unfriend"):
        {ANON: SIGN_IN, L: REFUSED, F: 303, S: REFUSED, B: REFUSED, T: REFUSED, KEY: SIGN_IN,
         REV: SIGN_IN},
    ("POST", "/learners/{username}/block"):
        {ANON: SIGN_IN, L: REFUSED, F: 303, S: 303, B: REFUSED, T: 303, KEY: SIGN_IN,
         REV: SIGN_IN},
    ("POST", "/learners/{username}/unblock"):
        {ANON: SIGN_IN, L: REFUSED, F: REFUSED, S: REFUSED, B: REFUSED, T: REFUSED, KEY: SIGN_IN,
         REV: SIGN_IN},
    ("GET", "/learners/{username}"):
        {ANON: SIGN_IN, L: 200, F: 200, S: 200, B: 404, T: 200, KEY: SIGN_IN, REV: SIGN_IN},
    # ---- pages: boards and classes --------------------------------------------------------------
    ("GET", "/boards"):  # C's board (?board=C): members only
        {ANON: SIGN_IN, L: 200, F: 404, S: 404, B: 404, T: 200, KEY: SIGN_IN, REV: SIGN_IN},
    ("GET", "/league"):  # each learner's own league
        {ANON: SIGN_IN, L: 200, F: 200, S: 200, B: 200, T: 200, KEY: SIGN_IN, REV: SIGN_IN},
    ("POST", "/classes/join"):  # already in C: the classes page again, 409
        {ANON: SIGN_IN, L: 409, F: 303, S: 303, B: 303, T: 409, KEY: SIGN_IN, REV: SIGN_IN},
    ("GET", "/classes/{cohort_id}"):
        {ANON: SIGN_IN, L: 200, F: 404, S: 404, B: 404, T: 200, KEY: SIGN_IN, REV: SIGN_IN},
    ("GET", "/classes/{cohort_id}/progress"):  # the teacher's view: teachers only
        {ANON: SIGN_IN, L: 403, F: 404, S: 404, B: 404, T: 200, KEY: SIGN_IN, REV: SIGN_IN},
    ("GET", "/classes/{cohort_id}/progress.csv"):
        {ANON: SIGN_IN, L: 403, F: 404, S: 404, B: 404, T: 200, KEY: SIGN_IN, REV: SIGN_IN},
    ("POST", "/classes/{cohort_id}"):  # the settings form: a student sees the page with 403
        {ANON: SIGN_IN, L: 403, F: 404, S: 404, B: 404, T: 303, KEY: SIGN_IN, REV: SIGN_IN},
    ("POST", "/classes/{cohort_id}/invite-code"):
        {ANON: SIGN_IN, L: REFUSED, F: REFUSED, S: REFUSED, B: REFUSED, T: 303, KEY: SIGN_IN,
         REV: SIGN_IN},
    ("POST", "/classes/{cohort_id}/teachers"):  # T promotes L
        {ANON: SIGN_IN, L: REFUSED, F: REFUSED, S: REFUSED, B: REFUSED, T: 303, KEY: SIGN_IN,
         REV: SIGN_IN},
    ("POST", "/classes/{cohort_id}/members/{username}/remove"):  # L leaves, T removes L
        {ANON: SIGN_IN, L: 303, F: REFUSED, S: REFUSED, B: REFUSED, T: 303, KEY: SIGN_IN,
         REV: SIGN_IN},
}
# fmt: on


# ---- the world ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    timezone: str
    avatar: dict[str, str]  # image, character_color, background_color


@dataclass(frozen=True)
class World:
    accounts: dict[str, Account]  # the five learners, by column
    secrets: dict[str, str]  # what each identity carries: a session token or the platform key
    cohort_id: int
    invite_code: str
    received_request_id: int  # R's request to L
    sent_request_id: int  # L's request to X
    webhook_id: int  # an endpoint of the key's platform


EXTERNAL_ID = "lena-8812"  # L as the key's platform knows her
HOOK = "https://93.184.215.14/zeal"  # a public address, so no name to look up
NAMES = {L: "lena", F: "fred", S: "sami", B: "bert", T: "tara", "R": "rosa", "X": "xavi"}


def build_world(client: TestClient, db: Database, ctx: Context) -> World:
    """The world of the module docstring, made by the services the routes call, in one
    transaction (23 requests and commits would cost half a second a world on MariaDB), and
    L's sign-out through the API."""
    with db.transaction() as session:
        users = {
            who: accounts_service.create_user(
                session, ctx, email=f"{name}@example.com", password=PASSWORD, username=name
            )
            for who, name in NAMES.items()
        }
        secrets = {
            who: accounts_service.open_session(session, ctx, users[who])[0] for who in LEARNERS
        }
        secrets[REV], _ = accounts_service.open_session(session, ctx, users[L])
        secrets[KEY], key = accounts_service.create_api_key(session, ctx, name="platform")
        users[L].platform_id, users[L].external_id = key.platform_id, EXTERNAL_ID
        practice = Practice(PracticeType.ARTICLE_COMPLETED, "es")  # earns "First Page"
        recorded = record_practice(session, ctx, user_id=users[L].id, practice=practice)
        assert recorded.new_badges, "L has a badge"
        limits = limits_for(db, ctx)
        ask = friendships_use_case.send_friend_request
        asked = ask(session, ctx, limits, users[F], username=NAMES[L])
        friendships_use_case.accept_friend_request(session, ctx, users[L], asked.id)
        received = ask(session, ctx, limits, users["R"], username=NAMES[L])
        sent = ask(session, ctx, limits, users[L], username=NAMES["X"])
        friendships_use_case.block(session, ctx, users[L], username=NAMES[B])
        cohort = cohorts_service.create_cohort(
            session, ctx, users[T], name="Spanish 2B", has_leaderboard=True
        )
        cohorts_service.join_cohort(session, ctx, users[L], invite_code=cohort.invite_code)
        hook = webhooks_service.register(
            session, ctx.clock.now(), key.platform_id, HOOK, ["badge.awarded"], allow_private=False
        )
        world = World(
            accounts={who: _account(users[who]) for who in LEARNERS},
            secrets=secrets,
            cohort_id=cohort.id,
            invite_code=cohort.invite_code,
            received_request_id=received.id,
            sent_request_id=sent.id,
            webhook_id=hook.webhook.id,
        )
    signed_out = client.delete(
        "/v1/sessions/current", headers={"Authorization": f"Bearer {secrets[REV]}"}
    )
    assert signed_out.status_code == 204, signed_out.text
    return world


def _account(user: User) -> Account:
    return Account(
        id=user.id,
        username=user.username,
        timezone=user.timezone,
        avatar={
            "image": user.avatar_image,
            "character_color": user.avatar_character_color,
            "background_color": user.avatar_background_color,
        },
    )


def empty(db: Database) -> None:
    """What the `db` fixture does after a test, for a fresh world within one."""
    with db.transaction() as session:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in CATALOG_TABLES:
                session.execute(delete(table))


# ---- what each route is sent -------------------------------------------------------------------

_serial = count(1)
IMAGE = next(iter(avatars.IMAGES))
CSRF = "a-token-of-this-browser"


def _new_email(_: World, __: str) -> dict[str, Any]:
    return {"email": f"matrix{next(_serial)}@example.com", "password": PASSWORD}


def _profile_form(world: World, who: str) -> dict[str, Any]:
    """The profile form as the caller's own page fills it, with a new display name."""
    me = world.accounts.get(who, world.accounts[L])
    return {
        "display_name": "Renamed",
        "username": me.username,
        "timezone": me.timezone,
        **me.avatar,
        "discoverable": "on",
        "accept_requests": "on",
    }


def _fixed(body: dict[str, Any]) -> Callable[[World, str], dict[str, Any]]:
    return lambda world, who: body


def _naming_l(field: str, **more: str) -> Callable[[World, str], dict[str, Any]]:
    return lambda world, who: {field: world.accounts[L].username, **more}


def _invite(world: World, _: str) -> dict[str, Any]:
    return {"invite_code": world.invite_code}


# JSON bodies of API routes and form fields of pages; a route left out sends none.
BODIES: dict[Route, Callable[[World, str], dict[str, Any]]] = {
    ("POST", "/v1/users"): _new_email,
    ("POST", "/v1/sessions"): _naming_l("login", password=PASSWORD),
    ("PATCH", "/v1/me"): _fixed({"display_name": "Renamed"}),
    ("DELETE", "/v1/me"): _fixed({"password": PASSWORD}),
    ("POST", "/v1/me/practice-events"): _fixed({"type": "reading", "language": "es"}),
    ("POST", "/v1/users/{user_id}/practice-events"): _fixed({"type": "reading", "language": "es"}),
    ("POST", "/v1/users/{user_id}/freezes"): _fixed({"reason": "Support ticket 118"}),
    ("POST", "/v1/users/{user_id}/streak-repairs"): _fixed({"language": "es"}),
    ("POST", "/v1/platform/learners/{external_id}/streak-repairs"): _fixed({"language": "es"}),
    ("POST", "/v1/me/streak-repairs"): _fixed({"language": "es"}),
    ("POST", "/streak-repairs"): _fixed({"language": "es"}),
    ("POST", "/v1/platform/learners/{external_id}/freezes"): _fixed({"reason": "A gift"}),
    ("PUT", "/v1/platform/learners/{external_id}"): _fixed({"display_name": "Lena L"}),
    ("POST", "/v1/platform/practice-events/batch"): _fixed(
        {"events": [{"external_id": EXTERNAL_ID, "type": "reading", "language": "es"}]}
    ),
    ("POST", "/v1/platform/learners/{external_id}/practice-events"): _fixed(
        {"type": "reading", "language": "es"}
    ),
    ("POST", "/v1/friend-requests"): _naming_l("username"),
    ("POST", "/v1/platform/webhooks"): _fixed({"url": HOOK, "events": ["streak.lost"]}),
    ("POST", "/v1/me/blocks"): _naming_l("username"),
    ("POST", "/v1/cohorts"): _fixed({"name": "French 1A"}),
    ("POST", "/v1/cohorts/join"): _invite,
    ("PATCH", "/v1/cohorts/{cohort_id}"): _fixed({"name": "Spanish 2C"}),
    ("POST", "/v1/cohorts/{cohort_id}/teachers"): _naming_l("username"),
    ("POST", "/sign-up"): _new_email,
    ("POST", "/sign-in"): _naming_l("login", password=PASSWORD),
    ("POST", "/practice"): lambda world, who: {
        "language": "es",
        "type": "reading",
        "minutes": "5",
        "outcome": "",
        "idempotency_key": f"matrix-{next(_serial)}",
    },
    ("POST", "/friends/requests"): _naming_l("username", back="/friends"),
    ("POST", "/profile"): _profile_form,
    ("POST", "/profile/delete"): _fixed({"password": PASSWORD}),
    ("POST", "/classes/join"): _invite,
    ("POST", "/classes"): _fixed({"name": "French 1A"}),
    ("POST", "/classes/{cohort_id}"): _fixed(
        {"name": "Spanish 2C", "has_leaderboard": "on", "leaderboard_names": "visible"}
    ),
    ("POST", "/classes/{cohort_id}/teachers"): _naming_l("username"),
}

QUERIES: dict[Route, Callable[[World], dict[str, str]]] = {
    ("GET", "/v1/users"): lambda world: {"q": world.accounts[L].username},
    ("GET", "/v1/leaderboards/friends"): lambda world: {"metric": "correct_exercises"},
    ("GET", "/v1/cohorts/{cohort_id}/leaderboard"): lambda world: {"metric": "streak"},
    ("GET", "/friends/search"): lambda world: {"q": world.accounts[L].username},
    ("GET", "/boards"): lambda world: {"board": str(world.cohort_id)},
}

# The withdraw routes act on the request L sent; accept and reject on the one L received.
WITHDRAW = {
    ("DELETE", "/v1/friend-requests/{request_id}"),
    ("POST", "/friends/requests/{request_id}/cancel"),
}


def url_of(world: World, route: Route) -> str:
    _, template = route
    request_id = world.sent_request_id if route in WITHDRAW else world.received_request_id
    return template.format(
        username=world.accounts[L].username,
        user_id=world.accounts[L].id,
        cohort_id=world.cohort_id,
        request_id=request_id,
        image=IMAGE,
        external_id=EXTERNAL_ID,
        webhook_id=world.webhook_id,
    )


def is_api(route: Route) -> bool:
    return route[1].startswith("/v1/")


def ask(client: TestClient, world: World, route: Route, who: str) -> Response:
    """`route` as `who` would send it: API routes with their header, pages as a browser."""
    method = route[0]
    body = BODIES[route](world, who) if route in BODIES else None
    params = QUERIES[route](world) if route in QUERIES else None
    secret = world.secrets.get(who)
    headers: dict[str, str] = {}
    client.cookies.clear()  # nothing a previous cell was given may travel with this one
    if is_api(route):
        if who == KEY:
            headers["X-API-Key"] = world.secrets[KEY]
        elif secret is not None:
            headers["Authorization"] = f"Bearer {secret}"
        return client.request(
            method, url_of(world, route), params=params, json=body, headers=headers
        )
    headers["Accept"] = "text/html"
    cookies = {CSRF_COOKIE: CSRF}
    if who == KEY:  # a browser does not send it, but a page must ignore it if one did
        headers["X-API-Key"] = world.secrets[KEY]
    elif secret is not None:
        cookies[SESSION_COOKIE] = secret
    headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    form = {CSRF_FIELD: CSRF, **(body or {})} if method == "POST" else None
    return client.request(
        method,
        url_of(world, route),
        params=params,
        data=form,
        headers=headers,
        follow_redirects=False,
    )


def outcome(response: Response) -> Expected:
    """The status, and for a page's 303 what kind of redirect it was."""
    if response.status_code != 303:
        return response.status_code
    flash = set_cookie(response, FLASH_COOKIE)
    message = bytes.fromhex(flash.split(";")[0].partition("=")[2]).decode() if flash else ""
    if message.startswith("!"):
        return REFUSED
    if not message and response.headers["location"].startswith("/sign-in"):
        return SIGN_IN
    return 303


def changes_things(route: Route, result: Expected) -> bool:
    """Whether a cell with this result may have changed the world: a success (a page's plain
    303 included) of any method but GET. Refusals change nothing: a refused request's
    transaction is rolled back, and a page runs a refused action in a savepoint."""
    success = result == 303 or (isinstance(result, int) and 200 <= result < 300)
    return route[0] != "GET" and success


def _route_id(route: Route) -> str:
    return f"{route[0]} {route[1]}"


@pytest.mark.parametrize("route", list(MATRIX), ids=_route_id)
def test_each_identity_gets_what_the_design_gives_it(
    route: Route, client: TestClient, db: Database, ctx: Context
) -> None:
    expected = MATRIX[route]
    assert set(expected) == set(IDENTITIES), f"{_route_id(route)}: a row names every identity"
    # The refusals share the world and go first; after any cell that changed it (expected to or
    # not) the next cell gets a fresh one, so every success runs on a world nobody changed.
    order = sorted(IDENTITIES, key=lambda who: changes_things(route, expected[who]))
    world = build_world(client, db, ctx)
    stale = False
    wrong: list[str] = []
    for who in order:
        if stale:
            empty(db)
            world = build_world(client, db, ctx)
        response = ask(client, world, route, who)
        seen = outcome(response)
        stale = changes_things(route, seen)
        if seen != expected[who]:
            wrong.append(
                f"  {who}: expected {expected[who]!r}, got {seen!r}: {response.text[:300]}"
            )
    if wrong:
        pytest.fail(f"{_route_id(route)} answers otherwise than the design:\n" + "\n".join(wrong))


# ---- every route has a row ---------------------------------------------------------------------


def _page_routes(router: Any, prefix: str = "") -> set[Route]:
    """The pages' routes; FastAPI keeps an included router whole, behind `original_router`."""
    found: set[Route] = set()
    for route in router.routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            found |= _page_routes(included, prefix + route.include_context.prefix)
        elif route.name != methods.REFUSAL:  # a path's other methods: 405 (tests/test_methods)
            found |= {(method, prefix + route.path) for method in route.methods}
    return found


def app_routes(app: FastAPI) -> set[Route]:
    api = {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
    }
    return api | _page_routes(web_router)


def test_every_route_of_the_app_has_a_row_and_every_row_a_route() -> None:
    # No database is reached: the app is only asked what it serves.
    routes = app_routes(create_app(make_settings("sqlite://")))
    missing = sorted(routes - set(MATRIX))
    stale = sorted(set(MATRIX) - routes)
    assert not missing and not stale, (
        f"routes without a row (add one): {missing}; rows without a route (remove): {stale}"
    )
